"""Turn raw records into `Document`s: check the fields of the contract, refuse duplicate ids.

The contract (README): `id` (text or integer) and `text` (text) are required; `lang`, `source`,
`source_lang` are text when present; `references` is a list of texts (or one text). Every other
field is carried through untouched.
"""

from __future__ import annotations

from typing import Any

from mtqa.corpora.readers import RawRecord, Rejected
from mtqa.corpora.seen import FirstSeen
from mtqa.records import Document

_OPTIONAL_TEXT = ("lang", "source", "source_lang")


def to_document(raw: RawRecord) -> Document | Rejected:
    """Validate one record; a `Rejected` names the field and what is wrong with it."""
    record = raw.record

    def reject(reason: str, detail: str) -> Rejected:
        return Rejected(raw.file, raw.line, reason, detail, record)

    doc_id = record.get("id")
    if doc_id is None:
        return reject("missing_id", "the record has no 'id'")
    if isinstance(doc_id, bool) or not isinstance(doc_id, (str, int)):
        return reject("wrong_type", f"'id' must be text or an integer, got {type(doc_id).__name__}")
    doc_id = str(doc_id)
    if not doc_id.strip():
        return reject("missing_id", "the record's 'id' is empty")
    text = record.get("text")
    if text is None:
        return reject("missing_text", "the record has no 'text'")
    if not isinstance(text, str):
        return reject("wrong_type", f"'text' must be text, got {type(text).__name__}")
    for key in _OPTIONAL_TEXT:
        value = record.get(key)
        if value is not None and not isinstance(value, str):
            return reject("wrong_type", f"{key!r} must be text, got {type(value).__name__}")
    references: Any = record.get("references")
    if references is None:
        references = []
    elif isinstance(references, str):
        references = [references]
    if not isinstance(references, list) or not all(isinstance(r, str) for r in references):
        return reject("wrong_type", "'references' must be a list of texts")
    if _inline_tags(record.get("inline_tags"), len(text)) is None:
        return reject("wrong_type", "'inline_tags' must be a list of [start, end] offsets into 'text'")
    return document_of(record)


def document_of(record: dict[str, Any]) -> Document:
    """The `Document` of a record `to_document` accepted (the read stage checks each record once;
    a shard's worker builds the document again from the same record without checking it again)."""
    references = record.get("references")
    references = [] if references is None else [references] if isinstance(references, str) else references
    return Document(
        id=str(record["id"]),
        text=record["text"],
        lang=record.get("lang") or None,
        source=record.get("source"),
        source_lang=record.get("source_lang") or None,
        references=tuple(references),
        record=record,
        tags=_inline_tags(record.get("inline_tags"), len(record["text"])) or (),
    )


def _inline_tags(value: Any, length: int) -> tuple[tuple[int, int], ...] | None:
    """The `inline_tags` field (set by the TMX and XLIFF readers) checked, or None if malformed."""
    if value is None:
        return ()
    if not isinstance(value, list):
        return None
    tags = []
    for tag in value:
        if not (isinstance(tag, list) and len(tag) == 2 and all(type(n) is int for n in tag)
                and 0 <= tag[0] <= tag[1] <= length):
            return None
        tags.append((tag[0], tag[1]))
    return tuple(tags)


class IdIndex(FirstSeen):
    """The ids seen so far, on disk (corpora/seen.py), so memory stays flat however many documents there are."""

    def first_seen(self, doc_id: str, file: str, line: int) -> str | None:
        """None if the id is new (and remember it), else 'file:line' where it was first seen."""
        first = self.first(doc_id, (file, line, 0))
        return None if first is None else f"{first[0]}:{first[1]}"
