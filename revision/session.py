"""`mtqa review`: walk a person through the suggestions that need judgement, one at a time.

Like `git add -p`: each finding is shown in its sentence with the span highlighted, the source
segment it translates (what a reviser judges against), the rule's explanation and the suggestion,
and one key answers it. A rule remembered with `r` answers the same text with the same suggestion
for the rest of the session too; `x` says "not an error" of this occurrence only, `X` of this
text in this document on later runs as well (an allow-list entry). Every answer is on disk before the next
question (revision/decisions.py), so `q`, Ctrl-C or a lost terminal loses nothing and the next
`mtqa review` starts where this one stopped; findings skipped come back after the others.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import click

from mtqa.cleaners.segment import sentence_spans
from mtqa.corpora.writers import read_jsonl
from mtqa.revision.decisions import DecisionLog, decision_for, recorded, reviewable
from mtqa.revision.filters import FindingFilter
from mtqa.revision.rules import add_rule, rule_spec, slug
from mtqa.revision.terminal import typed, visible

KEYS = {
    "y": "accept the suggestion",
    "n": "reject it: leave the text as it is",
    "e": "edit: type the replacement yourself",
    "a": "accept this one and every other finding of this rule",
    "r": "accept, and remember it as a rule of your pack (applied automatically next run)",
    "x": "not an error here: leave this occurrence as it is",
    "X": "not an error in this document: leave it, and stay silent on this text here on later runs too",
    "s": "skip: decide later",
    "q": "quit (your decisions so far are saved)",
    "?": "help",
}
CHOICES = {"y": "accept", "n": "reject", "e": "edit", "a": "accept", "r": "remember", "x": "not_an_error",
           "X": "silence", "s": "skip"}
CONTEXT = 160  # characters of the sentence shown either side of the span, at most


@dataclass
class Session:
    asked: int = 0
    decided: dict[str, int] = field(default_factory=dict)
    remembered: list[str] = field(default_factory=list)
    quit: bool = False
    remaining: int = 0


def order(findings: list[dict[str, Any]], decided: dict[str, Any], last: str | None) -> list[dict[str, Any]]:
    """Findings still to ask: the undecided ones from where the last session stopped (wrapping
    round), then the ones skipped before."""
    start = next((i + 1 for i, f in enumerate(findings) if f["id"] == last), 0)
    rotated = findings[start:] + findings[:start]
    fresh = [f for f in rotated if f["id"] not in decided]
    skipped = [f for f in rotated if f["id"] in decided and decided[f["id"]].decision == "skip"]
    return fresh + skipped


def run_session(run_dir: Path, pack: Path, ask: Callable[[str], str] | None = None,
                not_an_error: Callable[[dict[str, Any]], None] | None = None,
                only: FindingFilter = FindingFilter()) -> Session:
    """Ask about every pending finding of the run (those `only` keeps); returns what was decided.
    `not_an_error` is called for an "X" answer (silence it on later runs)."""
    ask = ask or (lambda prompt: click.prompt(prompt, default="", show_default=False, prompt_suffix=" "))
    findings = list(reviewable(run_dir))
    decided = recorded(run_dir)
    wanted = {f["doc_id"] for f in findings}
    records = {str(r["id"]): r for r in read_jsonl(run_dir / "cleaned.jsonl") if str(r["id"]) in wanted}
    findings = [f for f in findings if only.keeps(f, records.get(f["doc_id"], {}))]
    pending = order(findings, decided, next(reversed(decided), None))
    if only:
        click.echo(f"{len(pending)} findings to review ({only.describe()}).")
    session = Session(remaining=len(pending))
    accept_all: set[str] = set()
    rules_made: dict[tuple[str, str, str | None], str] = {}  # (text, suggestion, language) -> the rule remembered
    log = DecisionLog(run_dir)
    try:
        for number, finding in enumerate(pending, 1):
            record = records.get(finding["doc_id"], {"original": "", "lang": None})
            same_case = (finding["text"], finding["suggestion"], _lang(record))
            if finding["rule"] in accept_all:
                choice, replacement = "accept", None
                click.echo(visible(f"[{number}/{len(pending)}] {finding['doc_id']}: accepted with the rest of {finding['rule']}"))
            elif same_case in rules_made:  # the rule the reviewer made here would make this change next run
                choice, replacement = "accept", None
                click.echo(visible(f"[{number}/{len(pending)}] {finding['doc_id']}: {finding['text']!r} -> {finding['suggestion']!r} "
                                   f"by your rule {rules_made[same_case]}"))
            else:
                click.echo("\n" + describe(finding, record, number, len(pending)))
                try:
                    choice, replacement = _answer(ask, finding)
                except (click.Abort, KeyboardInterrupt, EOFError):  # Ctrl-C, Ctrl-D: as q, on a new line
                    click.echo()
                    choice, replacement = "quit", None
                if choice == "quit":
                    session.quit = True
                    break
                if choice == "accept_all":
                    choice = "accept"
                    accept_all.add(finding["rule"])
            if choice == "remember":
                rule_id, added = add_rule(pack, remembered_rule(finding, record))
                session.remembered.append(rule_id)
                rules_made[same_case] = rule_id
                click.echo(f"  {'added' if added else 'already in'} {pack}: rule {rule_id}")
            if choice == "silence" and not_an_error is not None:
                not_an_error(finding)
            log.record(decision_for(finding, choice, replacement))
            session.asked += 1
            session.remaining -= 1
            session.decided[choice] = session.decided.get(choice, 0) + 1
    finally:
        log.close()
    return session


def describe(finding: dict[str, Any], record: dict[str, Any], number: int, total: int) -> str:
    """The finding in its sentence, the span highlighted, with the rule's explanation and the fix."""
    text = record.get("original", "")
    start, end = finding["start"], finding["end"]
    lang = record.get("lang") or record.get("detected_lang")
    around = [(s, e) for s, e in sentence_spans(text, lang) if s <= end and start <= e] or [(start, end)]
    s, e = max(around[0][0], start - CONTEXT), min(around[-1][1], end + CONTEXT)
    span = click.style(f"[{visible(text[start:end])}]", fg="red", bold=True)  # corpus text: shown, never run
    sentence = ("…" if s > 0 else "") + visible(text[s:start].replace("\n", " ")) + span \
        + visible(text[end:e].replace("\n", " ")) + ("…" if e < len(text) else "")
    source = record.get("source")
    if isinstance(source, str) and source.strip():
        shown = source if len(source) <= 2 * CONTEXT else source[: 2 * CONTEXT] + "…"
        source_line = ["  source: " + visible(shown.replace("\n", " "))]
    else:
        source_line = []
    return "\n".join([
        click.style(visible(f"[{number}/{total}] {finding['doc_id']} · {finding['rule']} · {finding['severity']} {finding['category']}"),
                    bold=True),
        *source_line,
        "  " + sentence,
        f"  {visible(finding['message'])}",
        f"  Suggestion: {finding['text']!r} -> " + click.style(repr(finding["suggestion"]), fg="green", bold=True),
    ])


def _answer(ask: Callable[[str], str], finding: dict[str, Any]) -> tuple[str, str | None]:
    while True:
        key = ask(f"Apply this fix [{','.join(KEYS)}]?").strip()[:1]
        key = key if key == "X" else key.lower()
        if key == "q":
            return "quit", None
        if key == "e":
            return "edit", typed(ask(f"Replace {finding['text']!r} with:"))
        if key == "a":
            return "accept_all", None
        if key in CHOICES:
            return CHOICES[key], None
        click.echo("\n".join(f"  {k} - {v}" for k, v in KEYS.items()))


def _lang(record: dict[str, Any]) -> str | None:
    lang = record.get("lang") or record.get("detected_lang")
    return lang.replace("_", "-").split("-")[0].lower() if lang else None


def remembered_rule(finding: dict[str, Any], record: dict[str, Any]) -> dict[str, Any]:
    lang = _lang(record)
    message = (f"Always \"{finding['suggestion']}\" for \"{finding['text']}\""
               f"{f' in {lang}' if lang else ''} (a reviewer's decision; first seen as {finding['rule']}).")
    return rule_spec(f"user.{slug(finding['text'])}", finding["text"], finding["suggestion"], finding["category"],
                     finding["severity"], message, lang)
