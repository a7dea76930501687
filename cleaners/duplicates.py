"""Duplicates across a corpus: documents and sentences seen before, exactly or once folded.

Corpora built from MT repeat themselves: the same segment from several systems, a boilerplate
sentence in every abstract. A document (or a sentence of one) is a duplicate when its text, or its
*folded* text, was seen earlier in input order; the finding names that first occurrence (`first`:
document id and span), so a reviewer sees which copy stays. Folding sets aside what MT and
copy-editing vary without changing the content: case, Unicode compatibility forms, punctuation
and invisible format characters, runs of white space, and the value of digits (`p<0.05` and
`p<0.01` fold alike). Categories come from Unicode, not ASCII, so it works in every script.

This module is pure: what was seen where is asked of a `Seen` store that the caller provides
(on disk in a run, corpora/seen.py), and the caller decides what a duplicate document costs
(reported, or dropped to the quarantine with `--drop-duplicates`).

>>> fold("The  P-value was 0.05 , ÉTÉ!")
'the p value was 0 00 été'
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from typing import NamedTuple, Protocol

import regex

from mtqa.langtags import primary_subtag
from mtqa.cleaners.segment import sentence_spans
from mtqa.records import Document, Finding, Place

DOCUMENT, NEAR_DOCUMENT = "duplicate.document", "duplicate.near_document"
SENTENCE, NEAR_SENTENCE = "duplicate.sentence", "duplicate.near_sentence"


class DuplicateRule(NamedTuple):
    severity: str
    summary: str  # what the registry (cleaners/checks.py) lists
    message: str  # what the finding says
    reason: str | None  # the quarantine reason when the document is dropped


_FOLDED = "once case, spacing, punctuation and digits are set aside"
# All minor: a repeat costs a corpus its variety, not a reader the meaning, so the report's most
# severe documents stay the mistranslated ones.
RULES: dict[str, DuplicateRule] = {
    DOCUMENT: DuplicateRule("minor", "The same text as an earlier document (dropped with --drop-duplicates)",
                            "The same text as document {doc!r}, its first occurrence", "duplicate_text"),
    NEAR_DOCUMENT: DuplicateRule("minor", f"The same text as an earlier document, {_FOLDED} (dropped with --drop-duplicates)",
                                 "The same text as document {doc!r}, its first occurrence, " + _FOLDED, "near_duplicate_text"),
    SENTENCE: DuplicateRule("minor", "A sentence that first occurs in an earlier document",
                            "This sentence first occurs in document {doc!r} (characters {start}-{end})", None),
    NEAR_SENTENCE: DuplicateRule("minor", f"A sentence that first occurs in an earlier document, {_FOLDED}",
                                 "This sentence first occurs in document {doc!r} (characters {start}-{end}), " + _FOLDED, None),
}

_PUNCTUATION = regex.compile(r"[\p{P}\p{Cf}]")
_DIGIT = regex.compile(r"\p{Nd}")


class _FoldTable(dict):
    """str.translate's table for `fold`: punctuation and format characters to a space, digits to 0,
    each character classified by the `regex` module's Unicode data on first sight and remembered
    (one C-level pass per text instead of two regex substitutions; at most one entry a character)."""

    def __missing__(self, code: int) -> str | int:
        char = chr(code)
        self[code] = " " if _PUNCTUATION.match(char) else "0" if _DIGIT.match(char) else code
        return self[code]


_FOLD_TABLE = _FoldTable()


def fold(text: str) -> str:
    """The text as the near-duplicate check compares it (see the module's docstring)."""
    return " ".join(unicodedata.normalize("NFKC", text.casefold()).translate(_FOLD_TABLE).split())


class Seen(Protocol):
    def get(self, key: str) -> Place | None: ...
    def add(self, key: str, place: Place) -> None: ...
    def first(self, key: str, place: Place) -> Place | None: ...


class DuplicateFinder:
    """Checks each document, in input order, against everything before it.

    A document that repeats an earlier one is reported as a whole, not sentence by sentence. With
    `drop`, such a document is dropped (its finding's fix is `auto`) unless `may_drop(finding)`
    says no (an allow list silenced it, a dry run); a dropped document leaves no trace in the
    store, so a later copy is named after the copy that was kept. A sentence repeated inside one document is
    left to `structure.repeated_sentence`; sentences shorter than `min_sentence_chars` once folded
    are not checked (None: sentences are not checked at all). A rule in `skipped` (disabled, see
    cleaners/checks.py) is still judged, so that the others' first occurrences stay the same, but
    reports nothing and drops nothing.
    """

    def __init__(self, seen: Seen, min_sentence_chars: int | None, default_lang: str | None = None,
                 drop: bool = False, skipped: frozenset[str] = frozenset()) -> None:
        self.seen = seen
        self.min_sentence_chars = min_sentence_chars
        self.default_lang = default_lang
        self.drop = drop
        self.skipped = skipped

    def check(self, doc: Document, may_drop: Callable[[Finding], bool] = lambda finding: True) -> tuple[list[Finding], bool]:
        """The duplicate findings of `doc`, and whether it was dropped."""
        found, dropped = self._check(doc, lambda finding: finding.rule not in self.skipped and may_drop(finding))
        return [f for f in found if f.rule not in self.skipped], dropped

    def _check(self, doc: Document, may_drop: Callable[[Finding], bool]) -> tuple[list[Finding], bool]:
        text = doc.text
        if not text.strip():
            return [], False
        exact, folded = "d\n" + text, fold(text)
        keys = [exact] + (["n\n" + folded] if folded else [])
        where = (doc.id, 0, len(text))
        if not self.drop:  # nothing is dropped, so each key is remembered either way: ask and add at once
            for key, rule in zip(keys, (DOCUMENT, NEAR_DOCUMENT)):
                if (place := self.seen.first(key, where)) is not None:
                    self.seen.add(keys[-1], where)  # the folded key, not asked once the exact one matched
                    return [_finding(doc, 0, len(text), rule, place, "none")], False
            return self._sentences(doc), False
        finding = None
        for key, rule in zip(keys, (DOCUMENT, NEAR_DOCUMENT)):
            if (place := self.seen.get(key)) is not None:
                finding = _finding(doc, 0, len(text), rule, place, "auto" if self.drop else "none")
                break
        if finding is not None and self.drop and may_drop(finding):
            return [finding], True
        for key in keys:
            self.seen.add(key, where)
        if finding is not None:
            return [finding], False
        return self._sentences(doc), False

    def _sentences(self, doc: Document) -> list[Finding]:
        if self.min_sentence_chars is None:
            return []
        findings = []
        lang = doc.lang or self.default_lang
        for start, end in sentence_spans(doc.text, primary_subtag(lang) if lang else None):
            sentence = doc.text[start:end]
            folded = fold(sentence)
            if len(folded) - folded.count(" ") < self.min_sentence_chars:
                continue
            where = (doc.id, start, end)
            for key, rule in (("s\n" + sentence, SENTENCE), ("t\n" + folded, NEAR_SENTENCE)):
                place = self.seen.first(key, where)
                if place is not None:
                    if place[0] != doc.id:
                        findings.append(_finding(doc, start, end, rule, place, "none"))
                    break
        return findings


def _finding(doc: Document, start: int, end: int, rule: str, place: Place, fix: str) -> Finding:
    first_doc, first_start, first_end = place
    severity, _, message, _ = RULES[rule]
    first = {"doc_id": first_doc, "start": first_start, "end": first_end}
    return Finding(doc.id, start, end, doc.text[start:end], rule, "duplicate", severity,
                   message.format(doc=first_doc, start=first_start, end=first_end), None, fix, first)
