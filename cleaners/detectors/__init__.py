"""Detectors: the MT-artifact checks that need more than a pattern (structure, source, spelling).

A detector is one function with a stable rule id, an MQM category and a severity, registered with
`@detector(...)`. It reads a `DocView` (the text after the automatic fixes, its sentences, its
languages, its source) and yields `(start, end, message, suggestion)` in that text; the registry
turns them into `Finding`s against the original text. Adding a check is one function in one of
these modules and one golden test; the CLI, summary and README read the registry.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from functools import cached_property, lru_cache
from pathlib import Path

import yaml

from mtqa.cleaners.edits import EditLog
from mtqa.cleaners.glossary import Glossary
from mtqa.cleaners.segment import sentence_spans
from mtqa.records import CATEGORIES, SEVERITIES, Document, Finding

Hit = tuple[int, int, str, "str | None"]


@dataclass
class DocView:
    """What a detector may look at. Offsets are in `text`, the text after the automatic fixes."""

    doc: Document
    log: EditLog
    lang: str | None
    source_lang: str | None
    glossary: Glossary | None = None  # the user's terms (--terms), for the term checks

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
    _load_all()
    for rule in sorted(REGISTRY) if rules is None else rules:
        det = REGISTRY[rule]
        for start, end, message, suggestion in det.run(view):
            o_start, o_end = view.log.orig_span(start, end)
            yield Finding(view.doc.id, o_start, o_end, view.log.original[o_start:o_end], det.rule, det.category,
                          det.severity, message, suggestion, det.fix if suggestion is not None else "none")


_DEFAULTS = Path(__file__).resolve().parents[1] / "data" / "detectors.yaml"


@lru_cache(maxsize=1)
def default_off() -> dict[str, str]:
    """Detectors that run only when enabled, each with the measured reason (data/detectors.yaml)."""
    return dict(yaml.safe_load(_DEFAULTS.read_text(encoding="utf-8"))["default_off"] or {})


@lru_cache(maxsize=16)
def active_rules(enable: tuple[str, ...] = (), disable: tuple[str, ...] = ()) -> tuple[str, ...]:
    """The detectors a run uses: every registered one except the default-off ones not in
    `enable`, and except those in `disable`; sorted, so findings come in a stable order."""
    _load_all()
    skip = (set(default_off()) - set(enable)) | set(disable)
    return tuple(rule for rule in sorted(REGISTRY) if rule not in skip)


def _load_all() -> None:
    from mtqa.cleaners.detectors import acronyms, carried, lexicon, qa, source, spacing, spelling, structure, terms  # noqa: F401  (registration on import)
