"""The records every package passes around: documents in, findings and edits out.

They are small frozen dataclasses so that a shard's results can be hashed, compared in tests and
written as JSON in a stable field order. Offsets are Python string indices (code points) into the
document's *original* text, so `original[start:end] == text` always holds for a finding and an edit.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Literal

Severity = Literal["minor", "major", "critical"]
FixMode = Literal["auto", "review", "none"]

SEVERITIES: tuple[str, ...] = ("minor", "major", "critical")
FIX_MODES: tuple[str, ...] = ("auto", "review", "none")

# MQM-style categories (DESIGN.md); `encoding`, `language` and `duplicate` cover normalisation,
# language ID and the corpus-wide duplicate check.
CATEGORIES: tuple[str, ...] = (
    "accuracy/mistranslation",
    "accuracy/untranslated",
    "fluency/punctuation",
    "fluency/spelling",
    "fluency/grammar",
    "terminology",
    "locale-convention",
    "style",
    "encoding",
    "language",
    "duplicate",
)


@dataclass(frozen=True, slots=True)
class Document:
    """One input record. `record` is the input object as read, carried through to the output untouched."""

    id: str
    text: str
    lang: str | None = None
    source: str | None = None
    source_lang: str | None = None
    references: tuple[str, ...] = ()
    record: dict[str, Any] = field(default_factory=dict, compare=False)


@dataclass(frozen=True, slots=True)
class Finding:
    """Something a reviser would mark: a span of the original text, why, and what to do about it."""

    doc_id: str
    start: int
    end: int
    text: str
    rule: str
    category: str
    severity: str
    message: str
    suggestion: str | None = None
    fix: str = "none"
    first: dict[str, Any] | None = None  # duplicates only: where the text first occurs (doc_id, start, end)

    def to_json(self) -> dict[str, Any]:
        out = asdict(self)
        if out["first"] is None:  # absent, not null: findings of other rules keep their layout
            del out["first"]
        return out


@dataclass(frozen=True, slots=True)
class Edit:
    """One change made to a document: `original[start:end]` was `before` and became `after`."""

    doc_id: str
    start: int
    end: int
    before: str
    after: str
    rule: str

    def to_json(self) -> dict[str, Any]:
        return asdict(self)
