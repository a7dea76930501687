"""The records every package passes around: documents in, findings and edits out.

They are small frozen dataclasses so that a shard's results can be hashed, compared in tests and
written as JSON in a stable field order. Offsets are Python string indices (code points) into the
document's *original* text, so `original[start:end] == text` always holds for a finding and an edit.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass, field, fields
from typing import Any, Literal

Severity = Literal["minor", "major", "critical"]
FixMode = Literal["auto", "review", "none"]
# Where a key was first seen (corpora/seen.py stores it, cleaners/duplicates.py asks): who holds it
# (a document id, a file) and two numbers (a span's start and end, a line)
Place = tuple[str, int, int]

SEVERITIES: tuple[str, ...] = ("minor", "major", "critical")
FIX_MODES: tuple[str, ...] = ("auto", "review", "none")

# MQM-style categories (DESIGN.md); `encoding`, `language` and `duplicate` cover normalisation,
# language ID and the corpus-wide duplicate check.
CATEGORIES: tuple[str, ...] = (
    "accuracy/mistranslation",
    "accuracy/untranslated",
    "accuracy/addition",
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


# How an inline code of a TMX/XLIFF segment (a tag, a placeholder) shows in a document's text: one
# private-use character, the one Okapi uses for an isolated code (corpora/inline.py).
INLINE_CODE = "\ue103"


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
    # Where inline markup (XLIFF/TMX tags) stands in `text`: spans no fix may cut through.
    tags: tuple[tuple[int, int], ...] = ()


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
        # the fields in order, without dataclasses.asdict's generic deep copy (a tenth of the read
        # stage's time); a field added to the class is written too
        out = {name: getattr(self, name) for name in _FINDING_FIELDS}
        if self.first is None:  # absent, not null: findings of other rules keep their layout
            del out["first"]
        else:
            out["first"] = dict(self.first)
        return out


_FINDING_FIELDS = tuple(f.name for f in fields(Finding))


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


def apply_edits(original: str, edits: Iterable[Edit]) -> str:
    """Replay an edit log on the original text; raises ValueError if it does not fit."""
    parts, pos = [], 0
    for e in sorted(edits, key=lambda e: (e.start, e.end)):
        if e.start < pos or original[e.start : e.end] != e.before:
            raise ValueError(f"edit {e.start}:{e.end} of {e.doc_id!r} does not match the original text")
        parts.append(original[pos : e.start])
        parts.append(e.after)
        pos = e.end
    parts.append(original[pos:])
    return "".join(parts)


def revert_edits(text: str, edits: Iterable[Edit]) -> str:
    """Undo an edit log on the revised text, giving back the original exactly."""
    parts, pos, shift = [], 0, 0
    for e in sorted(edits, key=lambda e: (e.start, e.end)):
        start = e.start + shift
        if start < pos or text[start : start + len(e.after)] != e.after:
            raise ValueError(f"edit {e.start}:{e.end} of {e.doc_id!r} does not match the revised text")
        parts.append(text[pos:start])
        parts.append(e.before)
        pos = start + len(e.after)
        shift += len(e.after) - len(e.before)
    parts.append(text[pos:])
    return "".join(parts)
