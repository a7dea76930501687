"""Normalisation: repair encoding (ftfy), compose Unicode (NFC), clear whitespace and punctuation debris.

Each step rewrites an `EditLog`, so every change is an `Edit` against the original text, and each
change is also reported as a `Finding` with `fix="auto"`, so the report counts what was repaired.

ftfy runs with a configuration that repairs broken text and leaves correct typography alone: its
default would also flatten curly quotes (`l’ONU` -> `l'ONU`), fold full-width characters and
ligatures and rewrite line breaks, which changes text that is right (see notes/pitfalls.md).
Each step of ftfy's explained plan is replayed on its own, so every change carries the rule that
made it (mojibake, HTML entity, control character...).
"""

from __future__ import annotations

import difflib
import os
import unicodedata
from collections.abc import Iterable

import ftfy

from cleaners.edits import EditLog
from cleaners.rulepack import PatternRule
from mtqa.records import Finding

FTFY_CONFIG = ftfy.TextFixerConfig(
    uncurl_quotes=False,
    fix_character_width=False,
    fix_latin_ligatures=False,
    fix_line_breaks=False,
    normalization=None,  # NFC is its own step, with its own rule id
    explain=True,
)

# ftfy's fixer names -> mtqa rule id, severity and message. Steps not listed get "encoding.<name>".
_FTFY_STEPS: dict[str, tuple[str, str, str]] = {
    "transcode": ("encoding.mojibake", "major", "Mojibake: text decoded with the wrong character set"),
    "decode_inconsistent_utf8": ("encoding.mojibake", "major", "Mojibake: UTF-8 decoded as another character set"),
    "fix_c1_controls": ("encoding.mojibake", "major", "Mojibake: C1 control characters from a Windows-1252 mix-up"),
    "restore_byte_a0": ("encoding.mojibake", "major", "Mojibake: a lost no-break-space byte"),
    "replace_lossy_sequences": ("encoding.mojibake", "major", "Mojibake that cannot be fully recovered"),
    "unescape_html": ("encoding.html_entity", "minor", "HTML entity left in plain text"),
    "remove_terminal_escapes": ("encoding.terminal_escape", "minor", "Terminal colour escape codes in the text"),
    "remove_control_chars": ("encoding.control_char", "minor", "Invisible control characters"),
    "fix_surrogates": ("encoding.surrogate", "major", "UTF-16 surrogate pair written as two characters"),
}


MAX_REPAIR_ROUNDS = 3


def repair_unicode(log: EditLog, doc_id: str, fix_mojibake: bool = True, form: str | None = "NFC") -> list[Finding]:
    """ftfy then Unicode normalisation, repeated until the text stops changing (at most 3 rounds).

    The two interact: ftfy judges decomposed and composed accents differently, so one round can
    leave text that a second round would change again. Repeating makes normalised text a fixed
    point, which is what lets a cleaned corpus be cleaned again without further edits.
    """
    findings: list[Finding] = []
    for _ in range(MAX_REPAIR_ROUNDS):
        found = (fix_encoding(log, doc_id) if fix_mojibake else []) + (normalise_unicode(log, doc_id, form) if form else [])
        if not found:
            break
        findings += found
    return findings


def fix_encoding(log: EditLog, doc_id: str) -> list[Finding]:
    """Repair mojibake and broken Unicode with ftfy, line by line, one finding per change."""
    findings: list[Finding] = []
    # Last line first, so the offsets of the lines still to do are not moved by the fixes.
    for line_start, line in reversed(_changed_lines(log.text, lambda s: ftfy.fix_and_explain(s, FTFY_CONFIG).text)):
        plan = ftfy.fix_and_explain(line, FTFY_CONFIG).explanation or []
        current = line
        for step in _group_plan(plan):
            fixed = ftfy.apply_plan(current, step)
            rule, severity, message = _describe(step)
            changes = [(line_start + s, line_start + e, rep) for s, e, rep in diff_changes(current, fixed, whole_tokens=True)]
            findings += _apply(log, doc_id, changes, rule, "encoding", severity, message)
            current = fixed
    return findings


def normalise_unicode(log: EditLog, doc_id: str, form: str = "NFC") -> list[Finding]:
    """Compose characters (e.g. 'e' + combining acute -> 'é') so equal text compares equal."""
    if unicodedata.is_normalized(form, log.text):
        return []
    changes = [
        (line_start + s, line_start + e, rep)
        for line_start, line in _changed_lines(log.text, lambda s: unicodedata.normalize(form, s))
        for s, e, rep in diff_changes(line, unicodedata.normalize(form, line))
    ]
    message = f"Characters not in Unicode {form} form (decomposed accents or compatibility forms)"
    return _apply(log, doc_id, changes, f"encoding.unicode_{form.lower()}", "encoding", "minor", message)


def apply_rules(log: EditLog, doc_id: str, rules: Iterable[PatternRule], lang: str | None, timeout: float) -> tuple[list[Finding], list[str]]:
    """Run pattern rules: the auto ones rewrite the text, the others only report.

    Auto rules run in order, and again while a round still changes the text (at most 3 rounds),
    because one fix can expose another ("x.. ." -> "x. ." -> "x."): cleaned text is then a fixed
    point. Review rules run once, on the final text. Returns the findings and the ids of rules
    that hit their time limit on this document (skipped for it; the caller counts them).
    """
    applicable = [r for r in rules if r.applies_to(lang)]
    findings: list[Finding] = []
    timed_out: list[str] = []
    auto = [r for r in applicable if r.fix == "auto"]
    for _ in range(MAX_REPAIR_ROUNDS):
        before = len(findings)
        for rule in auto:
            matches = _matches(log.text, rule, timeout, timed_out)
            if matches:
                findings += _apply(log, doc_id, matches, rule.id, rule.category, rule.severity, rule.message)
        if len(findings) == before:
            break
        auto = [r for r in auto if r.id not in timed_out]
    for rule in applicable:
        if rule.fix == "auto":
            continue
        for s, e, rep in _matches(log.text, rule, timeout, timed_out):
            o_start, o_end = log.orig_span(s, e)
            findings.append(Finding(doc_id, o_start, o_end, log.original[o_start:o_end], rule.id, rule.category,
                                    rule.severity, rule.message, rep, rule.fix))
    return findings, timed_out


def _matches(text: str, rule: PatternRule, timeout: float, timed_out: list[str]) -> list[tuple[int, int, str | None]]:
    try:
        return [(m.start(), m.end(), rule.replacement(m)) for m in rule.matches(text, timeout)]
    except TimeoutError:
        timed_out.append(rule.id)
        return []


def diff_changes(before: str, after: str, whole_tokens: bool = False) -> list[tuple[int, int, str]]:
    """The smallest changes `(start, end, replacement)` turning `before` into `after` (difflib).

    With `whole_tokens`, each change widens to the space-delimited tokens it touches, so a
    reviewer reads "&amp;" -> "&" and "Ã©cole" -> "école" rather than "amp;" -> "".
    """
    if before == after:
        return []
    prefix = len(os.path.commonprefix([before, after]))
    suffix = len(os.path.commonprefix([before[prefix:][::-1], after[prefix:][::-1]]))
    a, b = before[prefix : len(before) - suffix], after[prefix : len(after) - suffix]
    ops = [
        (prefix + i1, prefix + i2, prefix + j1, prefix + j2)
        for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes()
        if tag != "equal"
    ]
    if whole_tokens:
        ops = _widen_to_tokens(before, ops)
    return [(i1, i2, after[j1:j2]) for i1, i2, j1, j2 in ops]


def _widen_to_tokens(before: str, ops: list[tuple[int, int, int, int]]) -> list[tuple[int, int, int, int]]:
    """Widen each change to the space-delimited tokens it touches, merging changes that then meet.
    Outside the changes the two texts align one to one, so a group's ends map by the size changes
    of the groups before it."""
    groups: list[list[int]] = []  # [left, right, shift of this group's changes]
    for i1, i2, j1, j2 in ops:
        left, right = i1, i2
        while left > 0 and not before[left - 1].isspace():
            left -= 1
        while right < len(before) and not before[right].isspace():
            right += 1
        delta = (j2 - j1) - (i2 - i1)
        if groups and left <= groups[-1][1]:
            groups[-1][1] = max(groups[-1][1], right)
            groups[-1][2] += delta
        else:
            groups.append([left, right, delta])
    out, shift = [], 0
    for left, right, delta in groups:
        out.append((left, right, left + shift, right + shift + delta))
        shift += delta
    return out


def _apply(log: EditLog, doc_id: str, changes: list[tuple[int, int, str]], rule: str, category: str,
           severity: str, message: str) -> list[Finding]:
    spans = log.replace(changes, rule)
    return [
        Finding(doc_id, s, e, log.original[s:e], rule, category, severity, message, rep, "auto")
        for (s, e), (_, _, rep) in zip(spans, changes)
    ]


def _changed_lines(text: str, fix) -> list[tuple[int, str]]:
    """(offset, line) for each line that `fix` would change; lines keep their line breaks."""
    out, pos = [], 0
    for line in text.splitlines(keepends=True):
        if fix(line) != line:
            out.append((pos, line))
        pos += len(line)
    return out


def _group_plan(plan: list[tuple[str, str]]) -> list[list[tuple[str, str]]]:
    """ftfy plans pair an 'encode' with the 'decode' that follows it; other steps stand alone."""
    groups: list[list[tuple[str, str]]] = []
    for step in plan:
        if step[0] == "decode" and groups and groups[-1][-1][0] == "encode":
            groups[-1].append(step)
        else:
            groups.append([step])
    return groups


def _describe(step: list[tuple[str, str]]) -> tuple[str, str, str]:
    if step[0][0] == "encode":
        return _FTFY_STEPS["transcode"][0], "major", f"Mojibake: UTF-8 text decoded as {step[0][1]}"
    name = step[0][1]
    return _FTFY_STEPS.get(name, (f"encoding.{name}", "minor", f"Text repaired by ftfy ({name})"))

