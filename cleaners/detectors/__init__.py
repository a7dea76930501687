"""Detectors: the MT-artifact checks that need more than a pattern (structure, source, spelling).

A detector is one function with a stable rule id, an MQM category and a severity, registered with
`@detector(...)`. It reads a `DocView` (the text after the automatic fixes, its sentences, its
languages, its source) and yields `(start, end, message, suggestion)` in that text; the registry
turns them into `Finding`s against the original text. Adding a check is one function in one of
these modules and one golden test; the registry of every check (cleaners/checks.py), and through
it the CLI, `mtqa rules` and the README's table, picks it up.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from functools import cached_property, lru_cache, wraps
from typing import TypeVar

import regex

from mtqa.cleaners.switches import default_off, skipped  # noqa: F401  (default_off: read here by tests and benchmarks)
from mtqa.cleaners.edits import EditLog
from mtqa.cleaners.glossary import Glossary
from mtqa.cleaners.segment import sentence_spans
from mtqa.records import CATEGORIES, SEVERITIES, Document, Finding

Hit = tuple[int, int, str, "str | None"]
T = TypeVar("T")


@dataclass
class DocView:
    """What a detector may look at. Offsets are in `text`, the text after the automatic fixes."""

    doc: Document
    log: EditLog
    lang: str | None
    source_lang: str | None
    glossary: Glossary | None = None  # the user's terms (--terms), for the term checks
    detected_lang: str | None = None  # what language ID found the text to be (None: could not tell)
    tag: str | None = None  # the text's language tag as given ('zh-TW'), where its region or script matters

    @property
    def in_expected_language(self) -> bool:
        """False when language ID found the text to be in another language than `lang`: checks of
        the target language's words (spelling) have nothing to say about it then."""
        return self.detected_lang is None or self.lang is None or self.detected_lang == self.lang

    @property
    def text(self) -> str:
        return self.log.text

    @property
    def trimmed(self) -> tuple[int, int]:
        """Where the text starts and ends without its surrounding white space: the span of a
        finding about the whole text, and (its end) where a missing item is reported."""
        return trimmed_span(self.text)

    @cached_property
    def sentences(self) -> list[tuple[int, int]]:
        return sentence_spans(self.text, self.lang)

    @cached_property
    def source_sentences(self) -> list[tuple[int, int]]:
        return sentence_spans(self.doc.source or "", self.source_lang)

    @cached_property
    def sentence_starts(self) -> frozenset[int]:
        """Where the text's sentences start (the whole text's start when it has none): checks ask
        it of every capitalised word, so it is a set, built once."""
        return frozenset(s for s, _ in self.sentences or [self.trimmed])

    @cached_property
    def source_sentence_starts(self) -> frozenset[int]:
        return frozenset(s for s, _ in self.source_sentences)


def once_per_view(compute: Callable[[DocView], T]) -> Callable[[DocView], T]:
    """`compute(view)` worked out once per document, however many checks and candidates ask for it
    (the names a translation copies, looked up for every word that looks untranslated). It is kept
    on the view, which lives as long as its document's detection."""
    @wraps(compute)
    def once(view: DocView) -> T:
        memo = view.__dict__.setdefault("_once_per_view", {})
        if compute not in memo:
            memo[compute] = compute(view)
        return memo[compute]
    return once


def trimmed_span(text: str) -> tuple[int, int]:
    """The span of `text` without the white space around it."""
    start = len(text) - len(text.lstrip())
    return start, max(start, len(text.rstrip()))


@dataclass(frozen=True)
class Detector:
    rule: str
    category: str
    severity: str
    fix: str
    summary: str
    run: Callable[[DocView], Iterable[Hit]]


REGISTRY: dict[str, Detector] = {}


def detector(rule: str, category: str, severity: str, summary: str, fix: str = "review"):
    """Register a detector function under a stable rule id."""
    if category not in CATEGORIES or severity not in SEVERITIES:
        raise ValueError(f"{rule}: bad category {category!r} or severity {severity!r}")

    def register(fn: Callable[[DocView], Iterable[Hit]]) -> Callable[[DocView], Iterable[Hit]]:
        if rule in REGISTRY:
            raise ValueError(f"detector {rule!r} registered twice")
        REGISTRY[rule] = Detector(rule, category, severity, fix, summary, fn)
        return fn

    return register


def run_detectors(view: DocView, rules: Iterable[str] | None = None) -> Iterator[Finding]:
    """Findings of the given detectors (all registered ones by default), in original offsets."""
    load_all()
    for rule in sorted(REGISTRY) if rules is None else rules:
        det = REGISTRY[rule]
        for start, end, message, suggestion in det.run(view):
            if suggestion is not None and not safe_suggestion(view.text[start:end], suggestion, view.doc.source):
                suggestion = None
            o_start, o_end = view.log.orig_span(start, end)
            yield Finding(view.doc.id, o_start, o_end, view.log.original[o_start:o_end], det.rule, det.category,
                          det.severity, message, suggestion, det.fix if suggestion is not None else "none")


_NUMBER = regex.compile(r"\d+")
_WORD = regex.compile(r"\p{L}[\p{L}\p{M}]+")


def safe_suggestion(text: str, suggestion: str, source: str | None) -> bool:
    """Whether a suggestion that deletes (it keeps some of the span's words and numbers and adds
    none) keeps what a fix must never delete: every number of the span, and every word of it that
    the source has too (a name, a term kept as it is). Such a deletion is a wrong fix more often
    than a right one ('A 1.1, A 1.2, A 1.3' is not a loop to cut to 'A'), so none is offered. A
    suggestion that brings its own words (a translation, the source's URL) is not a deletion."""
    tokens = _NUMBER.findall(text) + _WORD.findall(text)
    kept = _NUMBER.findall(suggestion) + _WORD.findall(suggestion)
    if not set(kept) <= set(tokens):
        return True
    if any(n not in kept for n in _NUMBER.findall(text)):
        return False
    if source:
        source_words = _casefolded_words(source)
        kept_words = {w.casefold() for w in kept}
        if any(w.casefold() in source_words and w.casefold() not in kept_words for w in _WORD.findall(text)):
            return False
    return True


@lru_cache(maxsize=4)
def _casefolded_words(source: str) -> frozenset[str]:
    """The source's words, case-folded: asked once per finding of a document, so remembered for the
    last few sources (a long source with thousands of findings was read once per finding)."""
    return frozenset(w.casefold() for w in _WORD.findall(source))


@lru_cache(maxsize=16)
def active_rules(enable: tuple[str, ...] = (), disable: tuple[str, ...] = ()) -> tuple[str, ...]:
    """The detectors a run uses: every registered one except those the registry skips (off by
    default and not in `enable`, or in `disable`: cleaners/checks.py); sorted, so findings come
    in a stable order."""
    load_all()
    skip = skipped(enable, disable)
    return tuple(rule for rule in sorted(REGISTRY) if rule not in skip)


@lru_cache(maxsize=1)
def load_all() -> None:
    """Import every module of this package, which registers its detectors: a new module needs
    no line anywhere else. Once per process: listing the package's folder is a system call and
    a dozen path operations, which every document paid for when this ran per document."""
    for info in pkgutil.iter_modules(__path__):
        importlib.import_module(f"{__name__}.{info.name}")


_load_all = load_all
