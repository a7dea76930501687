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
import unicodedata
from collections.abc import Callable, Iterable

import ftfy
import regex

from mtqa.cleaners.allowlist import Silencer
from mtqa.cleaners.edits import EditLog
from mtqa.cleaners.prefilter import Probe, together
from mtqa.cleaners.rulepack import PatternRule
from mtqa.cleaners.spans import Spans, markup_code
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
    "remove_terminal_escapes": ("encoding.terminal_escape", "minor",
                                "Terminal escape sequences in the text (colour, cursor, OSC title or link), removed whole"),
    "remove_control_chars": ("encoding.control_char", "minor",
                             "Invisible control characters (a vertical tab or file, group, record, unit separator becomes a space)"),
    "fix_surrogates": ("encoding.surrogate", "major", "UTF-16 surrogate pair written as two characters"),
}


MAX_REPAIR_ROUNDS = 3
ENTITY = regex.compile(r"&(?:#[0-9]+|#[xX][0-9A-Fa-f]+|[A-Za-z][A-Za-z0-9]*);")


def source_entities(source: str | None) -> frozenset[str]:
    """The entities written out in a segment's source (`&lt;` in a software string, say). The same
    entity in the translation is the file's convention, not debris: both sides keep it.

    >>> sorted(source_entities("Press &lt;Enter&gt; &amp; wait"))
    ['&amp;', '&gt;', '&lt;']
    """
    return frozenset(ENTITY.findall(source)) if source and "&" in source else frozenset()


def repair_unicode(log: EditLog, doc_id: str, fix_mojibake: bool = True, form: str | None = "NFC",
                   silencer: Silencer | None = None, keep_entities: frozenset[str] = frozenset()) -> list[Finding]:
    """ftfy then Unicode normalisation, repeated until the text stops changing (at most 3 rounds).

    The two interact: ftfy judges decomposed and composed accents differently, so one round can
    leave text that a second round would change again. Repeating makes normalised text a fixed
    point, which is what lets a cleaned corpus be cleaned again without further edits. A change
    that `silencer`'s allow list silences is not made (nor, on that line, the ftfy steps after it),
    nor is the decoding of an entity in `keep_entities` (those its source writes out too).
    """
    findings: list[Finding] = []
    for _ in range(MAX_REPAIR_ROUNDS):
        before = log.text
        findings += (fix_encoding(log, doc_id, silencer, keep_entities) if fix_mojibake else []) + \
            (normalise_unicode(log, doc_id, form, silencer) if form else [])
        if log.text == before:
            break
    return findings


# Whole terminal escape sequences (ECMA-48): CSI, OSC and the other string commands up to their
# terminator (BEL or ST), SS3, and two-character escapes. ftfy removes only colour codes and then
# the lone ESC, which leaves an OSC's remnant in the text (`]2;title`).
TERMINAL_SEQUENCE = regex.compile(
    r"\x1b\[[0-?]*[ -/]*[@-~]"                   # CSI: cursor, colour, erase
    r"|\x1b[\]PX^_][^\x07\x1b]*(?:\x07|\x1b\\)?"  # OSC (title, hyperlink), DCS, SOS, PM, APC
    r"|\x1bO[ -~]"                                # SS3: keypad and function keys
    r"|\x1b[ -/]*[0-~]"                           # two-character escapes
)
# Controls that separate (vertical tab; file, group, record and unit separators): ftfy deletes
# them, which runs the words either side together; they become a space instead.
SEPARATOR_CONTROLS = regex.compile(r"[\x0b\x1c-\x1f]")
_CONTROL_STEPS = (
    (TERMINAL_SEQUENCE, "", "encoding.terminal_escape", "A terminal escape sequence in the text, removed whole"),
    (SEPARATOR_CONTROLS, " ", "encoding.control_char", "A separator control character (VT, FS, GS, RS, US) between words: made a space"),
)


def clear_terminal_controls(log: EditLog, doc_id: str, silencer: Silencer | None = None) -> list[Finding]:
    """Remove terminal escape sequences whole and turn separator controls into spaces, before ftfy."""
    findings: list[Finding] = []
    for pattern, replacement, rule, message in _CONTROL_STEPS:
        changes = [(m.start(), m.end(), replacement) for m in pattern.finditer(log.text)]
        if changes and silencer:
            changes = silencer.keep(log, doc_id, changes, rule, "encoding", "minor", message)
        findings += _apply(log, doc_id, changes, rule, "encoding", "minor", message)
    return findings


def fix_encoding(log: EditLog, doc_id: str, silencer: Silencer | None = None,
                 keep_entities: frozenset[str] = frozenset()) -> list[Finding]:
    """Repair mojibake and broken Unicode with ftfy, line by line, one finding per change."""
    findings: list[Finding] = clear_terminal_controls(log, doc_id, silencer) if "\x1b" in log.text or \
        SEPARATOR_CONTROLS.search(log.text) else []
    # Last line first, so the offsets of the lines still to do are not moved by the fixes.
    for line_start, line, plan in reversed(_ftfy_plans(log.text)):
        rest = len(log.text) - line_start - len(line)  # the text after this line: fixed already, it stays
        current = line
        for step in _group_plan(plan):
            fixed = ftfy.apply_plan(current, step)
            rule, severity, message = _describe(step)
            changes = [(line_start + s, line_start + e, rep) for s, e, rep in diff_changes(current, fixed)]
            if keep_entities and rule == "encoding.html_entity":
                changes = [c for c in changes if not keep_entities.intersection(ENTITY.findall(log.text[c[0]:c[1]]))]
            kept = silencer.keep(log, doc_id, changes, rule, "encoding", severity, message) if silencer else changes
            findings += _apply(log, doc_id, kept, rule, "encoding", severity, message)
            current = log.text[line_start : len(log.text) - rest]
            if current != fixed:  # a change silenced or held back at an inline tag: the rest of the plan no longer fits
                break
    return findings


def normalise_unicode(log: EditLog, doc_id: str, form: str = "NFC", silencer: Silencer | None = None) -> list[Finding]:
    """Compose characters (e.g. 'e' + combining acute -> 'é') so equal text compares equal."""
    if unicodedata.is_normalized(form, log.text):
        return []
    changes = [
        (line_start + s, line_start + e, rep)
        for line_start, line in _changed_lines(log.text, lambda s: unicodedata.normalize(form, s))
        for s, e, rep in diff_changes(line, unicodedata.normalize(form, line))
    ]
    message = f"Characters not in Unicode {form} form (decomposed accents or compatibility forms)"
    rule = f"encoding.unicode_{form.lower()}"
    if silencer:
        changes = silencer.keep(log, doc_id, changes, rule, "encoding", "minor", message)
    return _apply(log, doc_id, changes, rule, "encoding", "minor", message)


# Automatic fixes may not make a text longer than this many times its original length (plus a few
# characters for short texts): a rule whose replacement matches its own pattern (`a` -> `aa`) would
# otherwise double the text every round (512x over the repair rounds: 200 KB -> 2.5 GB).
GROWTH_RATIO, GROWTH_SLACK = 2, 64


def apply_rules(log: EditLog, doc_id: str, rules: Iterable[PatternRule], lang: str | None, timeout: float,
                source_lang: str | None = None, fixes: bool = True, silencer: Silencer | None = None,
                disabled: list[str] | None = None, stopped: list[str] | None = None,
                source_text: str | None = None,
                protected: Callable[[str], Spans] = markup_code) -> tuple[list[Finding], list[str]]:
    """Run pattern rules: with `fixes`, the auto ones, which rewrite the text; without, the others,
    which only report. Auto rules run in order, and again while a round still changes the text (at
    most 3 rounds), because one fix can expose another ("x.. ." -> "x. ." -> "x."). Returns the
    findings and the ids of rules that hit their time limit on this document (skipped for it; the
    caller counts them), and adds to `disabled` the rules skipped because they were disabled after
    such a timeout. An automatic change that `silencer`'s allow list silences is not made. A rule
    whose changes would grow the text past GROWTH_RATIO times its original length is not applied:
    its matches become findings for review and its id goes to `stopped` (the caller warns). A rule
    whose `source_has` the source text (if given) lacks is not run. A match that begins or ends in
    a span `protected` finds (code and Markdown link targets, by default) is neither made nor
    reported: `a ? b : c` in backticks is an operator's spacing, not debris before a question mark.
    """
    applicable, may_match, asking = _applicable(rules, lang, source_lang, fixes)
    prose = _Prose(protected)
    findings: list[Finding] = []
    timed_out: list[str] = []
    lacks = _SourceNeeds(applicable, asking if source_text else frozenset(), source_text, timeout, timed_out).lacks
    # which rules the text holds what their matches need for (cleaners/prefilter.py), asked once for
    # all of them and again after a fix; while some rule is disabled after a time-out, every rule goes
    # on to `_matches`, which records a disabled one as skipped for this document
    probe = Probe(log.text)
    may = may_match(probe)
    if fixes:
        for _ in range(MAX_REPAIR_ROUNDS):
            before = log.text
            for k, rule in enumerate(applicable):
                if probe.text is not log.text:
                    probe = Probe(log.text)
                    may = may_match(probe)
                if not may[k] and not _DISABLED:
                    continue
                if (rule.id not in timed_out
                        and (matches := prose.only(log.text, _matches(log.text, rule, timeout, timed_out, disabled, probe,
                                                                      (source_text, lang))))
                        and not lacks(k)):
                    if silencer:
                        matches = silencer.keep(log, doc_id, matches, rule.id, rule.category, rule.severity, rule.message)
                    if _grows_too_much(log, matches):
                        findings += _not_applied(log, doc_id, matches, rule)
                        if stopped is not None:
                            stopped.append(rule.id)
                        timed_out.append(rule.id)  # not again in this call's rounds (removed below)
                        continue
                    findings += _apply(log, doc_id, matches, rule.id, rule.category, rule.severity, rule.message)
            if log.text == before:
                break
        return findings, [rule for rule in timed_out if not stopped or rule not in stopped]
    for k, rule in enumerate(applicable):
        if not may[k] and not _DISABLED:
            continue
        matches = prose.only(log.text, _matches(log.text, rule, timeout, timed_out, disabled, probe, (source_text, lang)))
        if matches and lacks(k):
            continue
        for s, e, rep in matches:
            o_start, o_end = log.orig_span(s, e)
            findings.append(Finding(doc_id, o_start, o_end, log.original[o_start:o_end], rule.id, rule.category,
                                    rule.severity, rule.message, rep, rule.fix))
    return findings, timed_out


class _Prose:
    """Which matches lie outside the spans `protected` finds in a text (code, link targets): those
    spans are found at a text's first match, and again once a fix has changed the text."""

    def __init__(self, protected: Callable[[str], Spans]) -> None:
        self._protected = protected
        self._text: str | None = None
        self._spans = Spans(())

    def only(self, text: str, matches: list[tuple[int, int, str | None]]) -> list[tuple[int, int, str | None]]:
        if not matches:
            return matches
        if self._text is not text:
            self._text, self._spans = text, self._protected(text)
        spans = self._spans
        if not spans:
            return matches
        return [m for m in matches if m[0] not in spans and (m[1] == m[0] or m[1] - 1 not in spans)]


class _SourceNeeds:
    """Which of the rules that ask something of the source text (`source_has`) do not find it
    there, asked only of a rule that matched the text, and remembered for the document: searched
    up front, the source's patterns cost every document more than the rules they spare. A search
    that takes longer than its time limit skips the rule and counts it as timed out."""

    def __init__(self, applicable: tuple[PatternRule, ...], asking: frozenset[int], source_text: str | None,
                 timeout: float, timed_out: list[str]) -> None:
        self._applicable, self._asking, self._source_text = applicable, asking, source_text
        self._timeout, self._timed_out = timeout, timed_out
        self._answers: dict[int, bool] = {}

    def lacks(self, k: int) -> bool:
        if k not in self._asking:
            return False
        answer = self._answers.get(k)
        if answer is None:
            rule = self._applicable[k]
            try:
                answer = not rule.wanted_by(self._source_text, self._timeout)
            except TimeoutError:
                answer = True
                self._timed_out.append(rule.id)
            self._answers[k] = answer
        return answer


def _grows_too_much(log: EditLog, changes: list[tuple[int, int, str | None]]) -> bool:
    growth = sum(len(rep or "") - (e - s) for s, e, rep in changes)
    return growth > 0 and len(log.text) + growth > GROWTH_RATIO * len(log.original) + GROWTH_SLACK


def _not_applied(log: EditLog, doc_id: str, changes: list[tuple[int, int, str | None]], rule: PatternRule) -> list[Finding]:
    """The changes of a rule stopped for growing the text, as findings for a person to judge."""
    message = (f"{rule.message} (not applied: this rule would make the text more than {GROWTH_RATIO} times its original "
               "length; does its replacement match its own pattern?)")
    out = []
    for s, e, rep in changes:
        o_start, o_end = log.orig_span(s, e)
        out.append(Finding(doc_id, o_start, o_end, log.original[o_start:o_end], rule.id, rule.category, rule.severity,
                           message, rep, "review"))
    return out


_APPLICABLE: dict[tuple[int, str | None, str | None, bool], tuple[object, tuple[PatternRule, ...], Callable, frozenset[int]]] = {}


def _applicable(rules: Iterable[PatternRule], lang: str | None, source_lang: str | None,
                fixes: bool) -> tuple[tuple[PatternRule, ...], Callable[[Probe], tuple[bool, ...]], frozenset[int]]:
    """The rules for a language pair, the test of what their matches need (`together`) and which
    of them ask something of the source text (`source_has`), worked out once per pair and rule list
    (keyed by the list's identity: the pipeline passes the same loaded tuple every time) rather than
    once per document."""
    key = (id(rules), lang, source_lang, fixes)
    hit = _APPLICABLE.get(key)
    if hit is None or hit[0] is not rules:
        applicable = tuple(r for r in rules if r.applies_to(lang, source_lang) and (r.fix == "auto") == fixes)
        asking = frozenset(k for k, r in enumerate(applicable) if r.source_has is not None)
        hit = (rules, applicable, together([r.needs for r in applicable]), asking)
        _APPLICABLE[key] = hit
    return hit[1], hit[2], hit[3]


# Rules whose pattern failed both tries on some document (catastrophic backtracking): skipped on
# every later document this process cleans, so such a rule costs its time limits once, not once a
# document. Keyed by id and pattern (two packs may reuse an id).
_DISABLED: set[tuple[str, str]] = set()


def _matches(text: str, rule: PatternRule, timeout: float, timed_out: list[str],
             disabled: list[str] | None = None, probe: Probe | None = None,
             context: tuple[str | None, str | None] = (None, None)) -> list[tuple[int, int, str | None]]:
    """All matches of a rule that none of its excuses accepts (asked with `context`, the source
    text and the target language), under a time limit. The limit is wall-clock time, which a busy
    machine or another thread holding the GIL can eat, so a rule that hits it gets one more try
    with ten times the limit: a merely unlucky rule does not change the output. A rule that fails
    both is catastrophic: skipped here (added to `timed_out`) and disabled for the rest of the run
    (`_DISABLED`): on later documents it is skipped at once (added to `disabled`)."""
    key = (rule.id, rule.pattern.pattern)
    if key in _DISABLED:
        if disabled is not None:
            disabled.append(rule.id)
        return []
    for limit in (timeout, 10 * timeout):
        try:
            if rule.unless:
                return [(m.start(), m.end(), rule.replacement(m)) for m in rule.matches(text, limit, probe)
                        if not rule.excused(m, *context)]
            return [(m.start(), m.end(), rule.replacement(m)) for m in rule.matches(text, limit, probe)]
        except TimeoutError:
            continue
    _DISABLED.add(key)
    timed_out.append(rule.id)
    return []


def diff_changes(before: str, after: str) -> list[tuple[int, int, str]]:
    """The changes `(start, end, replacement)` turning `before` into `after`, in whole tokens.

    difflib aligns tokens (space-delimited runs, single CJK characters, runs of spaces), not
    characters: a reviewer reads "&amp;" -> "&" and
    "prÃ©sident" -> "président" rather than "amp;" -> "", and the alignment stays fast on a very
    long line, since it works on far fewer items and only between the common prefix and suffix.
    """
    if before == after:
        return []
    a, b = _TOKEN.findall(before), _TOKEN.findall(after)
    prefix = 0
    while prefix < min(len(a), len(b)) and a[prefix] == b[prefix]:
        prefix += 1
    suffix = 0
    while suffix < min(len(a), len(b)) - prefix and a[-1 - suffix] == b[-1 - suffix]:
        suffix += 1
    a_mid, b_mid = a[prefix : len(a) - suffix], b[prefix : len(b) - suffix]
    a_pos = _offsets(a, prefix)
    b_pos = _offsets(b, prefix)
    changes = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a_mid, b_mid, autojunk=False).get_opcodes():
        if tag != "equal":
            changes.append((a_pos[i1], a_pos[i2], after[b_pos[j1] : b_pos[j2]]))
    return changes


# Space-delimited runs, except that each CJK character (written without spaces) stands alone.
_CJK = r"\p{Han}\p{Hiragana}\p{Katakana}\p{Hangul}"
# An inline code's placeholder (U+E103, corpora/inline.py) is a token of its own too, so a repair
# beside a code ("<x/>&#0;") never spans the code and can still be made.
_TOKEN = regex.compile(rf"[{_CJK}\ue103]|\s+|[^\s{_CJK}\ue103]+")


def _offsets(tokens: list[str], prefix: int) -> list[int]:
    """Character offset of each token from `prefix` on (and of the end), relative to the text."""
    pos = sum(len(t) for t in tokens[:prefix])
    out = []
    for token in tokens[prefix:]:
        out.append(pos)
        pos += len(token)
    out.append(pos)
    return out


def _apply(log: EditLog, doc_id: str, changes: list[tuple[int, int, str]], rule: str, category: str,
           severity: str, message: str) -> list[Finding]:
    """Make the changes; one finding per change made, suggesting what its span of the original now reads.

    A change that would cut through an inline tag (XLIFF/TMX markup) is not made, nor are the
    changes touching it (half of a diff's changes would garble the text): they become one finding
    for review instead, so a fix never breaks the markup a CAT tool needs."""
    groups: list[list[tuple[int, int, str]]] = []  # runs of touching changes: one diff's changes rewrite a region together
    for change in changes:
        if groups and change[0] <= groups[-1][-1][1]:
            groups[-1].append(change)
        else:
            groups.append([change])
    held = [g for g in groups if any(log.crosses_tag(s, e) for s, e, _ in g)]
    # reported before the other changes are made: their offsets are in the text as it is now
    findings = []
    for group in held:
        start, end = group[0][0], group[-1][1]
        replacement = log.text[start:end]
        for s, e, rep in reversed(group):
            replacement = replacement[: s - start] + rep + replacement[e - start :]
        o_start, o_end = log.orig_span(start, end)
        findings.append(Finding(doc_id, o_start, o_end, log.original[o_start:o_end], rule, category, severity,
                                f"{message} (not fixed automatically: the change would cross an inline tag)",
                                replacement, "review"))
    made = [c for g in groups if g not in held for c in g]
    return [Finding(doc_id, s, e, log.original[s:e], rule, category, severity, message, now, "auto")
            for s, e, now in log.replace(made, rule)] + findings


def _ftfy_plans(text: str) -> list[tuple[int, str, list[tuple[str, str]]]]:
    """(offset, line, ftfy's plan) for each line ftfy would change."""
    out, pos = [], 0
    for line in text.splitlines(keepends=True):
        plan = ftfy.fix_and_explain(line, FTFY_CONFIG).explanation
        if plan:
            out.append((pos, line, plan))
        pos += len(line)
    return out


def _changed_lines(text: str, fix) -> list[tuple[int, str]]:
    """(offset, line) for each line that `fix` would change; lines keep their line breaks."""
    out, pos = [], 0
    for line in text.splitlines(keepends=True):
        if fix(line) != line:
            out.append((pos, line))
        pos += len(line)
    return out


def _group_plan(plan: list[tuple[str, str]]) -> list[list[tuple[str, str]]]:
    """ftfy plans pair an 'encode' with the 'decode' that follows it, with any byte-level steps
    between them ('transcode' restore_byte_a0 for "Â " in "xÂ y"); other steps stand alone."""
    groups: list[list[tuple[str, str]]] = []
    for step in plan:
        if groups and groups[-1][0][0] == "encode" and groups[-1][-1][0] != "decode":  # still bytes
            groups[-1].append(step)
        else:
            groups.append([step])
    return groups


def _describe(step: list[tuple[str, str]]) -> tuple[str, str, str]:
    if step[0][0] == "encode":
        return _FTFY_STEPS["transcode"][0], "major", f"Mojibake: UTF-8 text decoded as {step[0][1]}"
    name = step[0][1]
    return _FTFY_STEPS.get(name, (f"encoding.{name}", "minor", f"Text repaired by ftfy ({name})"))

