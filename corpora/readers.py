"""Streaming corpus readers: JSONL (optionally gzipped), TSV with a header, one .txt, a folder of .txt.

Readers yield one `RawRecord` per input record, or a `Rejected` for what cannot be read, with the
file, the line and a stable reason code, so a bad line never stops a run and never disappears.
They hold one line at a time: memory does not depend on the corpus size.
"""

from __future__ import annotations

import base64
import gzip
import json
import os
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

FORMATS = ("jsonl", "tsv", "txt", "folder", "tmx", "xliff")
TRANSLATION_FORMATS = ("tmx", "xliff")  # read and written back by corpora/bilingual.py and writeback.py
_TRANSLATION_SUFFIXES = {".tmx": "tmx", ".xlf": "xliff", ".xliff": "xliff", ".xlif": "xliff", ".sdlxliff": "xliff",
                         ".mqxliff": "xliff"}


class CorpusError(Exception):
    """A problem that stops the whole run (missing input, unreadable file, TSV without a header)."""


@dataclass(frozen=True, slots=True)
class RawRecord:
    file: str
    line: int
    record: dict[str, Any]


@dataclass(frozen=True, slots=True)
class Rejected:
    """An input record that could not be read or used, kept verbatim with the reason."""

    file: str
    line: int
    reason: str  # stable snake_case code, e.g. "invalid_json"
    detail: str  # one sentence for a person
    record: Any = None  # the parsed record, when there is one
    raw: bytes | None = field(default=None, repr=False)  # the bytes as read, when parsing failed

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


def detect_format(path: Path) -> str:
    if path.is_dir():
        return "folder"
    suffixes = [s.lower() for s in path.suffixes]
    if suffixes and suffixes[-1] == ".gz":
        suffixes = suffixes[:-1]
    last = suffixes[-1] if suffixes else ""
    if last in (".jsonl", ".ndjson", ".json"):
        return "jsonl"
    if last == ".tsv":
        return "tsv"
    if last == ".txt":
        return "txt"
    if last in _TRANSLATION_SUFFIXES and suffixes == [s.lower() for s in path.suffixes]:  # not gzipped
        return _TRANSLATION_SUFFIXES[last]
    raise CorpusError(f"{path}: cannot tell the format from the file name; pass --format ({', '.join(FORMATS)})")


def read_corpus(path: str | Path, fmt: str | None = None, lang: str | None = None) -> Iterator[RawRecord | Rejected]:
    """Stream the records of a corpus file or folder; `lang` picks the target language of a
    multilingual TMX."""
    path = Path(path)
    if not path.exists():
        raise CorpusError(f"{path}: no such file or folder")
    fmt = fmt or detect_format(path)
    if fmt not in FORMATS:
        raise CorpusError(f"{path}: unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")
    if fmt in TRANSLATION_FORMATS:  # lxml is loaded only for these formats
        from corpora.bilingual import read_translation_file

        return read_translation_file(path, fmt, lang)
    readers = {"jsonl": read_jsonl, "tsv": read_tsv, "txt": read_txt, "folder": read_folder}
    return readers[fmt](path)


def _open(path: Path) -> BinaryIO:
    try:
        return gzip.open(path, "rb") if path.suffix.lower() == ".gz" else open(path, "rb")  # type: ignore[return-value]
    except OSError as exc:
        raise CorpusError(f"{path}: cannot open: {exc.strerror or exc}") from exc


def _lines(path: Path) -> Iterator[tuple[int, bytes]]:
    """(line number, line without its line break) for each line; a UTF-8 BOM is dropped."""
    number = 0
    with _open(path) as stream:
        try:
            for number, line in enumerate(stream, 1):
                if number == 1 and line.startswith(b"\xef\xbb\xbf"):
                    line = line[3:]
                yield number, line.rstrip(b"\r\n")
        except (OSError, EOFError, zlib.error) as exc:  # e.g. a truncated or corrupt gzip stream
            raise CorpusError(f"{path}: read error after line {number}: {exc}") from exc


def read_jsonl(path: Path) -> Iterator[RawRecord | Rejected]:
    name = str(path)
    decode = json.JSONDecoder().decode
    for number, line in _lines(path):
        if not line.strip():
            continue  # blank lines are not records
        try:
            text = line.decode("utf-8")
        except UnicodeDecodeError as exc:
            yield Rejected(name, number, "invalid_utf8", f"invalid UTF-8 at byte {exc.start}", raw=line)
            continue
        try:
            record = decode(text)
        except json.JSONDecodeError as exc:
            yield Rejected(name, number, "invalid_json", f"invalid JSON at column {exc.colno}: {exc.msg}", raw=line)
            continue
        if not isinstance(record, dict):
            yield Rejected(name, number, "not_an_object", f"a record is a JSON object, got {type(record).__name__}", record)
            continue
        if b"\\u" in line and not _encodable(record):
            yield Rejected(name, number, "invalid_unicode", "a lone UTF-16 surrogate escape (\\udXXX) that no text can hold", raw=line)
            continue
        yield RawRecord(name, number, record)


def read_tsv(path: Path) -> Iterator[RawRecord | Rejected]:
    """TSV with a header row; fields are split on tabs (no quoting). Columns named `reference*` become
    the `references` list; other columns are kept as they are."""
    name = str(path)
    lines = _lines(path)
    header_line = next(lines, None)
    if header_line is None:
        return
    try:
        header = header_line[1].decode("utf-8").split("\t")
    except UnicodeDecodeError as exc:
        raise CorpusError(f"{path}: line 1: the header is not valid UTF-8 (byte {exc.start})") from exc
    missing = [c for c in ("id", "text") if c not in header]
    if missing:
        raise CorpusError(f"{path}: line 1: the header has no {' or '.join(repr(c) for c in missing)} column")
    if len(set(header)) != len(header):
        raise CorpusError(f"{path}: line 1: the header repeats a column name")
    ref_columns = [c for c in header if c.startswith("reference")]
    for number, line in lines:
        if not line.strip():
            continue
        try:
            values = line.decode("utf-8").split("\t")
        except UnicodeDecodeError as exc:
            yield Rejected(name, number, "invalid_utf8", f"invalid UTF-8 at byte {exc.start}", raw=line)
            continue
        if len(values) != len(header):
            yield Rejected(name, number, "wrong_column_count", f"{len(values)} fields, the header has {len(header)}", raw=line)
            continue
        row = dict(zip(header, values))
        record: dict[str, Any] = {k: v for k, v in row.items() if k not in ref_columns}
        if ref_columns:
            record["references"] = [row[c] for c in ref_columns if row[c]]
        yield RawRecord(name, number, record)


def read_txt(path: Path, doc_id: str | None = None) -> Iterator[RawRecord | Rejected]:
    """A whole .txt file is one document; its id is the file name (or the given id)."""
    name = str(path)
    doc_id = doc_id or path.name
    try:
        data = path.read_bytes()
    except OSError as exc:
        yield Rejected(name, 0, "unreadable_file", f"cannot read: {exc.strerror or exc}", record={"id": doc_id})
        return
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        yield Rejected(name, line, "invalid_utf8", f"invalid UTF-8 at byte {exc.start} (document {doc_id!r})", raw=data)
        return
    yield RawRecord(name, 0, {"id": doc_id, "text": text})


def read_folder(path: Path) -> Iterator[RawRecord | Rejected]:
    """Every .txt file below the folder, in sorted order; id = path relative to the folder.
    Links (to files or folders), files of other kinds and unreadable folders are not read but
    listed in the quarantine, so nothing below the folder goes unmentioned."""
    unreadable: list[OSError] = []
    for root, dirs, files in os.walk(path, onerror=unreadable.append):
        for name in sorted(d for d in dirs if (Path(root) / d).is_symlink()):
            yield _skipped(path, Path(root) / name, "symlink", "links are not followed (they could lead outside the corpus)")
        dirs[:] = sorted(d for d in dirs if not (Path(root) / d).is_symlink())
        for filename in sorted(files):
            file = Path(root) / filename
            if file.is_symlink():
                yield _skipped(path, file, "symlink", "links are not followed (they could lead outside the corpus)")
            elif file.suffix.lower() != ".txt":
                yield _skipped(path, file, "not_a_txt_file", "only .txt files of a folder are read")
            elif not file.is_file():
                yield _skipped(path, file, "not_a_regular_file", "not a regular file (a pipe or device is never read)")
            elif not _printable_name(file):
                yield _skipped(path, file, "invalid_file_name", "the file name is not valid UTF-8")
            else:
                yield from read_txt(file, file.relative_to(path).as_posix())
    for exc in unreadable:
        name = _display(Path(exc.filename or path))
        yield Rejected(name, 0, "unreadable_folder", f"cannot list: {exc.strerror or exc}", record={"id": name})


def _skipped(root: Path, file: Path, reason: str, detail: str) -> Rejected:
    return Rejected(_display(file), 0, reason, detail, record={"id": _display(file.relative_to(root))})


def _printable_name(path: Path) -> bool:
    try:
        str(path).encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _display(path: Path) -> str:
    """A path as text that can be written as UTF-8 (undecodable bytes shown as \\xNN)."""
    return os.fsencode(path).decode("utf-8", "backslashreplace")


def _encodable(record: dict[str, Any]) -> bool:
    try:
        json.dumps(record, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True
