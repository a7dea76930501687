"""What a corpus reader yields, for the readers of every format (corpora/readers.py for JSONL, TSV
and text, corpora/bilingual.py for TMX and XLIFF): a `RawRecord`, a `Rejected` record with its
reason, or a `CorpusError` that stops the run. Its own module so that the readers share it
without importing one another.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass, field
from typing import IO, Any

from mtqa.files import dumps


class CorpusError(Exception):
    """A problem that stops the whole run (missing input, unreadable file, TSV without a header)."""


@dataclass(frozen=True, slots=True)
class RawRecord:
    file: str
    line: int
    record: dict[str, Any]
    # the record's JSON as read (JSONL input): the read stage passes it on to a shard as it is
    # instead of encoding the record again (a tenth of its time); None for other formats
    json: str | None = None


@dataclass(frozen=True, slots=True)
class Rejected:
    """An input record that could not be read or used, kept verbatim with the reason."""

    file: str
    line: int
    reason: str  # stable snake_case code, e.g. "invalid_json"
    detail: str  # one sentence for a person
    record: Any = None  # the parsed record, when there is one
    raw: bytes | None = field(default=None, repr=False)  # the bytes as read, when parsing failed
    spilled: IO[bytes] | None = field(default=None, repr=False)  # a line too long to hold: its bytes, on disk

    def write_json(self, out: IO[str]) -> None:
        """Write the quarantine line; a spilled line's bytes go in as base64, a chunk at a time."""
        if self.spilled is None:
            out.write(dumps(self.to_json()) + "\n")
            return
        out.write(dumps(self.to_json())[:-1] + ', "raw_base64": "')
        self.spilled.seek(0)
        while chunk := self.spilled.read(3 * 2**18):  # a multiple of 3 bytes: base64 with no padding inside
            out.write(base64.b64encode(chunk).decode("ascii"))
        out.write('"}\n')
        self.spilled.close()

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"file": self.file, "line": self.line, "reason": self.reason, "detail": self.detail}
        if self.record is not None:
            out["record"] = self.record
        elif self.raw is not None:
            try:
                out["raw"] = self.raw.decode("utf-8")
            except UnicodeDecodeError:
                out["raw_base64"] = base64.b64encode(self.raw).decode("ascii")
        return out
