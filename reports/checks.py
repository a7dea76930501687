"""The list of checks, from the one registry (cleaners/checks.py): for `mtqa rules` in a terminal,
and as the Markdown tables of the README (built-in checks, a row per language rule pack) and of
docs/RULES.md (every rule). tests/test_rule_table.py fails when the documents drift from it."""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

from mtqa.cleaners.checks import Check, measured, precision

README_BEGIN = "<!-- rules table: generated from the registry (tests/test_rule_table.py rewrites it) -->"
README_END = "<!-- end of the rules table -->"
PACK_ROWS_FROM = "normalise.yaml"  # this pack's rules get a row each in the README; the others a row per pack


def shown_precision(rule: str) -> str:
    value = precision(rule)
    return "–" if value is None else f"{value:.0%}"


def terminal_table(checks: Iterable[Check]) -> str:
    """One line per check: id, kind, category, severity, fix, on/off, precision, summary."""
    rows = [(c.rule, c.kind, c.category, c.severity, c.fix, "on" if c.default_on else "off", shown_precision(c.rule), c.summary)
            for c in checks]
    head = ("rule", "kind", "category", "severity", "fix", "default", "precision", "summary")
    widths = [max(len(r[i]) for r in [head, *rows]) for i in range(len(head) - 1)]
    lines = ["  ".join(cell.ljust(w) for cell, w in zip(row, widths)) + "  " + row[-1] for row in [head, *rows]]
    return "\n".join(line.rstrip() for line in lines)


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _row(check: Check) -> str:
    return (f"| `{check.rule}` | {check.kind} | {check.category} | {check.severity} | {check.fix} | "
            f"{'on' if check.default_on else 'off'} | {shown_precision(check.rule)} | {_cell(check.summary)} |")


_HEAD = ("| rule id | kind | category | severity | fix | default | precision | what |\n"
         "|---|---|---|---|---|---|---|---|")


def _measured_note() -> str:
    # what the benchmark measured on, less any path of the machine it ran on (not the reader's)
    when = re.sub(r"\s*\([^()]*(?:\.\./|/)[^()]*\)", "", str(measured()["measured_on"] or "")).strip()
    return (f"Precision: the share of a rule's findings on machine translation that hit an annotated error, measured "
            f"by benchmarks/bench_detect.py on {when} (cleaners/data/measured.yaml); – = not measured."
            if when else "Precision: – = not measured (benchmarks/bench_detect.py writes cleaners/data/measured.yaml).")


def full_markdown(checks: Iterable[Check]) -> str:
    """docs/RULES.md: every check, one row each."""
    return "\n".join(["# Every check mtqa runs", "",
                      "Generated from the registry (cleaners/checks.py) by tests/test_rule_table.py; `mtqa rules` prints the "
                      "same list.", "", _measured_note(), "", _HEAD, *(_row(c) for c in checks), ""])


def readme_markdown(checks: Iterable[Check]) -> str:
    """The README's table: every check, except that each language rule pack gets one row."""
    lines, packs = [_HEAD], {}
    for check in checks:
        if check.kind == "pattern" and check.origin != PACK_ROWS_FROM:
            if check.origin not in packs:
                lines.append(check.origin)  # its row, filled in below
            packs.setdefault(check.origin, []).append(check)
        else:
            lines.append(_row(check))
    order = ("minor", "major", "critical")
    for origin, rules in packs.items():
        prefix = _common_prefix([r.rule for r in rules])
        categories = ", ".join(sorted({r.category for r in rules}))
        severities = sorted({r.severity for r in rules}, key=order.index)
        fixes = ", ".join(sorted({r.fix for r in rules}))
        off = sum(not r.default_on for r in rules)
        lines[lines.index(origin)] = (
            f"| `{prefix}*` | pattern | {categories} | {'–'.join(dict.fromkeys((severities[0], severities[-1])))} | {fixes} | "
            f"{'on' if not off else f'{len(rules) - off} on, {off} off'} | – | "
            f"{len(rules)} rule{'s' if len(rules) > 1 else ''} of `cleaners/rules/{origin}` (each in [docs/RULES.md](docs/RULES.md)) |")
    return "\n".join([README_BEGIN, _measured_note(), "", *lines, README_END])


def _common_prefix(ids: list[str]) -> str:
    prefix = ids[0].rsplit(".", 1)[0] + "."
    while not all(i.startswith(prefix) for i in ids):
        prefix = prefix[:-1]
    return prefix


def replace_readme_table(readme: str, table: str) -> str:
    """The README's text with the generated table in its place (between the markers)."""
    start, end = readme.index(README_BEGIN), readme.index(README_END) + len(README_END)
    return readme[:start] + table + readme[end:]


def readme_table_of(path: Path) -> str:
    text = path.read_text(encoding="utf-8")
    return text[text.index(README_BEGIN): text.index(README_END) + len(README_END)]
