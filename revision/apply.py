"""Apply a person's decisions to a run's output, and revert any revision to the original text.

`apply_decisions` reads the run's cleaned text and edit log and writes `revised.jsonl` and
`revised-edits.jsonl`: the machine's edits plus one edit per accepted decision, all against the
original text, so `revert_edits` on the revised text gives the original back exactly. A person's
edit names the decision and the rule that prompted it (`review.accept:en.kiev_kyiv`,
`review.edit:...`), so every change is traceable. The suggestion of a finding replaces its whole
span of the original, automatic fixes inside that span included (the suggestion was made on the
text after those fixes). A decision that no longer fits the text is skipped and reported.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import json
import os

from mtqa.cleaners.edits import apply_edits, revert_edits
from mtqa.corpora.readers import CorpusError, detect_format
from mtqa.corpora.revised import WRITABLE, changedate_of, write_stage
from mtqa.corpora.writers import atomic_writer, dumps, read_jsonl
from mtqa.records import Edit
from mtqa.revision.decisions import APPLYING, Decision

REVISED, REVISED_EDITS = "revised.jsonl", "revised-edits.jsonl"


@dataclass
class Applied:
    documents: int = 0
    documents_changed: int = 0
    applied: int = 0
    skipped: list[tuple[Decision, str]] = field(default_factory=list)


def apply_decisions(run_dir: Path, decisions: list[Decision]) -> Applied:
    """Write the revised corpus and its edit log from the run's outputs and the decisions."""
    accepted: dict[str, list[Decision]] = defaultdict(list)
    for d in decisions:
        if d.decision in APPLYING:
            accepted[d.doc_id].append(d)
    machine: dict[str, list[Edit]] = defaultdict(list)
    for e in read_jsonl(run_dir / "edits.jsonl"):
        machine[e["doc_id"]].append(Edit(**e))
    result = Applied()
    with atomic_writer(run_dir / REVISED) as revised, atomic_writer(run_dir / REVISED_EDITS) as edits_out:
        for record in read_jsonl(run_dir / "cleaned.jsonl"):
            doc_id = str(record["id"])
            original = record["original"]
            tags = [tuple(t) for t in record.get("inline_tags") or ()]
            edits = _merge(original, machine.pop(doc_id, []), accepted.pop(doc_id, []), result, tags)
            text = apply_edits(original, edits)
            assert revert_edits(text, edits) == original  # the log explains the revision exactly
            result.documents += 1
            result.documents_changed += text != record["text"]
            revised.write(dumps({**record, "text": text}) + "\n")
            edits_out.writelines(dumps(e.to_json()) + "\n" for e in edits)
    for orphans in accepted.values():  # decisions for documents not in the run (quarantined, say)
        result.skipped += [(d, f"document {d.doc_id!r} is not in this run's cleaned.jsonl") for d in orphans]
    return result


def _merge(original: str, machine: list[Edit], accepted: list[Decision], result: Applied,
           tags: list[tuple[int, int]] = ()) -> list[Edit]:
    """The machine's edits with the person's accepted ones, none overlapping, none cutting through
    an inline tag of a TMX/XLIFF segment (the file could not take it back without breaking markup)."""
    chosen: list[Edit] = []
    for d in sorted(accepted, key=lambda d: (d.start, d.end)):
        problem = None
        if original[d.start : d.end] != d.text:
            problem = f"the text at {d.start}-{d.end} is no longer {d.text!r} (it reads {original[d.start:d.end]!r})"
        elif chosen and d.start < chosen[-1].end:
            problem = f"it overlaps an earlier accepted decision at {chosen[-1].start}-{chosen[-1].end}"
        elif any(e.start < d.end and d.start < e.end and not (d.start <= e.start and e.end <= d.end) for e in machine):
            problem = "it overlaps an automatic fix that reaches outside its span"
        elif d.start < d.end and any((a < b and a < d.end and d.start < b) or (a == b and d.start < a < d.end) for a, b in tags):
            problem = "its span crosses an inline tag of the file (bold, a link, a code): make this change in the CAT tool"
        if problem:
            result.skipped.append((d, problem))
            continue
        chosen.append(Edit(d.doc_id, d.start, d.end, d.text, d.replacement or "", f"review.{d.decision}:{d.rule}"))
        result.applied += 1
    kept = [e for e in machine if not any(_absorbs(c, e) for c in chosen)]
    return sorted(kept + chosen, key=lambda e: (e.start, e.end))


def _absorbs(person: Edit, machine: Edit) -> bool:
    """A person's edit replaces the machine's edits inside its span, not an insertion at its edge."""
    if person.start == person.end or not (person.start <= machine.start and machine.end <= person.end):
        return False
    return not (machine.start == machine.end and machine.start in (person.start, person.end))


@dataclass(frozen=True)
class RunInput:
    path: Path
    fmt: str
    lang: str | None


def run_input(run_dir: Path, given: Path | None = None) -> RunInput | None:
    """The file a run read, from its summary.json (a path as the user gave it: tried from here and
    from beside the run folder), with its format and target language; None for JSONL input, whose
    format revised.jsonl already is. A file that cannot be found is a CorpusError saying what to pass."""
    try:
        summary = json.loads((run_dir / "summary.json").read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise CorpusError(f"{run_dir / 'summary.json'}: cannot read the run's summary ({exc}); pass --input") from exc
    recorded = summary.get("input")
    lang = (summary.get("signature") or {}).get("options", {}).get("lang")
    if given is None:
        if not isinstance(recorded, str):
            return None
        candidates = [Path(recorded)] if os.path.isabs(recorded) else [Path(recorded), run_dir.parent / recorded]
        given = next((c for c in candidates if c.exists()), None)
        if given is None:
            raise CorpusError(f"{recorded}: the run's input is not there any more; pass --input to write the file in its format")
    fmt = detect_format(given)
    return RunInput(given, fmt, lang) if fmt in WRITABLE else None


def write_user_file(run_dir: Path, stage: str, given: Path | None = None, decisions: list[Decision] = (),
                    decision_files: list[Path] = ()) -> Path | None:
    """Write the run's input file in its own format with the `stage` text ("revised": revised.jsonl,
    "reverted": the original texts) beside the JSONL; None where the input is JSONL."""
    found = run_input(run_dir, given)
    if found is None:
        return None
    if stage == "revised":
        records = {str(r["id"]): r for r in read_jsonl(run_dir / REVISED)}
    else:
        records = {str(r["id"]): {**r, "text": r["original"]} for r in read_jsonl(run_dir / "cleaned.jsonl")}
    decided = {(d.doc_id, d.start, d.end, d.rule) for d in decisions if d.decision != "skip"}
    return write_stage(found.path, found.fmt, found.lang, run_dir, stage, records, decided,
                       changedate_of([*decision_files, run_dir / "review.jsonl"]))


def revert_run(run_dir: Path, out: Path) -> tuple[int, int]:
    """Undo every edit of the latest revision (revised.jsonl if present, else cleaned.jsonl) and write
    the records with their original text; returns (documents, documents whose text changed back)."""
    revised = (run_dir / REVISED).exists()
    texts, log = (REVISED, REVISED_EDITS) if revised else ("cleaned.jsonl", "edits.jsonl")
    edits: dict[str, list[Edit]] = defaultdict(list)
    for e in read_jsonl(run_dir / log):
        edits[e["doc_id"]].append(Edit(**e))
    documents = restored = 0
    with atomic_writer(out) as stream:
        for record in read_jsonl(run_dir / texts):
            text = revert_edits(record["text"], edits.get(str(record["id"]), []))
            if text != record["original"]:
                raise ValueError(f"{run_dir / texts}: document {record['id']!r}: its edit log does not restore the original")
            documents += 1
            restored += text != record["text"]
            record = {k: v for k, v in record.items() if k not in ("original", "detected_lang")}
            stream.write(dumps({**record, "text": text}) + "\n")
    return documents, restored
