"""A person's decisions on the findings of a run: what is asked, how answers are kept, the CSV form.

The findings worth asking about are those with a suggestion that were not applied automatically
(`fix: review`). Each has a short stable id (a hash of document, span and rule), so a decision
survives a spreadsheet round trip and still names the same finding. Interactive answers are
appended to `RUN_DIR/review.jsonl`, one line a decision, flushed and synced before the next
question: quitting, a crash or a closed terminal loses nothing, and the next session resumes.
The latest decision for a finding wins.
"""

from __future__ import annotations

import csv
import hashlib
import json
import os
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from mtqa.corpora.writers import atomic_writer, dumps, read_jsonl
from mtqa.revision.filters import FindingFilter
from mtqa.revision.terminal import from_spreadsheet_cell, spreadsheet_cell

LOG_NAME = "review.jsonl"
# accept: apply the suggestion; edit: apply the person's replacement; remember: accept and add a
# rule to the user's pack; reject: leave the text; not_an_error: leave this occurrence as it is;
# silence: not an error, and silent on this text in this document on later runs (an allow-list
# entry); skip: decide later.
DECISIONS = ("accept", "edit", "remember", "reject", "not_an_error", "silence", "skip")
APPLYING = ("accept", "edit", "remember")
MAX_CELL_CHARS = 64 * 2**20  # a cell of a decisions CSV: the longest replacement or context a person may give
CSV_FIELDS = ("id", "doc_id", "rule", "severity", "category", "text", "suggestion", "context", "message",
              "decision", "replacement")


@dataclass(frozen=True, slots=True)
class Decision:
    id: str
    doc_id: str
    start: int
    end: int
    rule: str
    text: str
    decision: str
    replacement: str | None = None

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def finding_id(finding: dict[str, Any]) -> str:
    """Ten hex digits naming one finding of one run: its document, span and rule."""
    key = f"{finding['doc_id']}\x00{finding['start']}\x00{finding['end']}\x00{finding['rule']}"
    return hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()[:10]


def reviewable(run_dir: Path) -> Iterator[dict[str, Any]]:
    """The findings a person is asked about, in the order of findings.jsonl, each with its id."""
    for finding in read_jsonl(run_dir / "findings.jsonl"):
        if finding.get("fix") == "review" and finding.get("suggestion") is not None:
            yield {**finding, "id": finding_id(finding)}


def decision_for(finding: dict[str, Any], decision: str, replacement: str | None = None) -> Decision:
    if decision not in DECISIONS:
        raise ValueError(f"unknown decision {decision!r}; one of {', '.join(DECISIONS)}")
    if decision in ("accept", "remember"):
        replacement = finding["suggestion"]
    return Decision(finding["id"], finding["doc_id"], finding["start"], finding["end"], finding["rule"],
                    finding["text"], decision, replacement if decision in APPLYING else None)


class DecisionLog:
    """Append-only log of interactive decisions; every line is on disk before the next question."""

    def __init__(self, run_dir: Path) -> None:
        self.path = run_dir / LOG_NAME
        self._stream = open(self.path, "a", encoding="utf-8")  # noqa: SIM115  (open for the session, closed by close())

    def record(self, decision: Decision) -> None:
        self._stream.write(dumps(decision.to_json()) + "\n")
        self._stream.flush()
        os.fsync(self._stream.fileno())

    def close(self) -> None:
        self._stream.close()


def recorded(run_dir: Path) -> dict[str, Decision]:
    """The latest recorded decision per finding id, the finding answered last coming last (a torn
    last line, from a crash, is ignored)."""
    out: dict[str, Decision] = {}
    path = run_dir / LOG_NAME
    if not path.exists():
        return out
    for line in path.read_text(encoding="utf-8").split("\n"):
        try:
            decision = Decision(**json.loads(line))
        except (ValueError, TypeError):
            continue
        out.pop(decision.id, None)
        out[decision.id] = decision
    return out


def export_csv(run_dir: Path, path: Path, context: int = 40, only: FindingFilter = FindingFilter()) -> int:
    """Write the findings still waiting for a decision (those `only` keeps) to a CSV a person
    fills in; returns how many. Cells are corpus text: a spreadsheet must read them as text, never
    as formulas."""
    decided = recorded(run_dir)
    records = {str(r["id"]): r for r in read_jsonl(run_dir / "cleaned.jsonl")}
    texts = {doc_id: r["original"] for doc_id, r in records.items()}
    rows = 0
    with atomic_writer(path) as stream:
        # CRLF as RFC 4180 has it: a field holding a lone CR or LF is then quoted (with a bare LF ending rows, a CR
        # in corpus text was written bare and split its row in two for every reader)
        writer = csv.DictWriter(stream, CSV_FIELDS, lineterminator="\r\n")
        writer.writeheader()
        for f in reviewable(run_dir):
            if f["id"] in decided and decided[f["id"]].decision != "skip" or not only.keeps(f, records.get(f["doc_id"], {})):
                continue
            original = texts.get(f["doc_id"], "")
            around = original[max(0, f["start"] - context) : f["start"]] + "[[" + f["text"] + "]]" + original[f["end"] : f["end"] + context]
            row = {**{k: f.get(k, "") for k in CSV_FIELDS}, "context": around.replace("\n", " "), "decision": "", "replacement": ""}
            writer.writerow({k: spreadsheet_cell(v) if isinstance(v, str) else v for k, v in row.items()})
            rows += 1
    return rows


def _numbered(reader: csv.DictReader) -> Iterator[tuple[int, dict[str, str]]]:
    for row in reader:
        yield reader.line_num, row


@dataclass(frozen=True, slots=True)
class RowProblem:
    line: int
    problem: str


def read_csv(path: Path, run_dir: Path) -> tuple[list[Decision], list[RowProblem]]:
    """Decisions from a filled-in CSV, and the rows that could not be used (with the reason).
    Rows left without a decision are still pending: neither a decision nor a problem."""
    findings = {f["id"]: f for f in reviewable(run_dir)}
    decisions: list[Decision] = []
    problems: list[RowProblem] = []
    csv.field_size_limit(max(csv.field_size_limit(), MAX_CELL_CHARS))  # the module's 128 KiB is less than a long document
    with open(path, encoding="utf-8-sig", newline="") as stream:
        reader = csv.DictReader(stream)
        try:
            missing = {"id", "decision"} - set(reader.fieldnames or [])
            if missing:
                raise ValueError(f"{path}: line 1: the header has no {' or '.join(sorted(missing))} column")
            rows = list(_numbered(reader))
        except csv.Error as exc:
            raise ValueError(f"{path}: line {reader.line_num}: {exc}: not a CSV file mtqa can read") from None
        for line, row in rows:
            choice = (row.get("decision") or "").strip().lower().replace(" ", "_").replace("-", "_")
            if not choice:
                continue
            finding = findings.get((row.get("id") or "").strip())
            if finding is None:
                problems.append(RowProblem(line, f"unknown finding id {row.get('id')!r} (not a finding for review in this run)"))
            elif choice not in DECISIONS:
                problems.append(RowProblem(line, f"unknown decision {row.get('decision')!r}; one of {', '.join(DECISIONS)}"))
            elif choice == "edit" and row.get("replacement") is None:
                problems.append(RowProblem(line, "decision 'edit' needs a 'replacement' column"))
            else:
                replacement = row.get("replacement")
                decisions.append(decision_for(finding, choice, None if replacement is None else from_spreadsheet_cell(replacement)))
    return decisions, problems
