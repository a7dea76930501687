"""Streaming corpus readers: JSONL (optionally gzipped), TSV with a header, one .txt, a folder of .txt.

Readers yield one `RawRecord` per input record, or a `Rejected` for what cannot be read, with the
file, the line and a stable reason code, so a bad line never stops a run and never disappears.
They hold one line at a time: memory does not depend on the corpus size.
"""

from __future__ import annotations

import gzip
import json
import math
import os
import re
import tempfile
import unicodedata
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import accumulate
from pathlib import Path
from typing import IO, Any, BinaryIO

from mtqa.corpora.raw import CorpusError, RawRecord, Rejected  # noqa: F401  (what every reader yields)

FORMATS = ("jsonl", "tsv", "txt", "folder", "tmx", "xliff")
TRANSLATION_FORMATS = ("tmx", "xliff")  # read and written back by corpora/bilingual.py and writeback.py
_TRANSLATION_SUFFIXES = {".tmx": "tmx", ".xlf": "xliff", ".xliff": "xliff", ".xlif": "xliff", ".sdlxliff": "xliff",
                         ".mqxliff": "xliff"}


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


# Bytes a JSONL or TSV line may have per character of `--max-text-chars`: a line also holds the
# source, references and other fields, and JSON may escape a character as six bytes. A longer line
# is quarantined without being read whole: its record could not be cleaned anyway, and reading a
# 300 MB line (or parsing it) took gigabytes.
LINE_BYTES_PER_CHAR = 32


def read_corpus(path: str | Path, fmt: str | None = None, lang: str | None = None,
                max_text_chars: int | None = None) -> Iterator[RawRecord | Rejected]:
    """Stream the records of a corpus file or folder; `lang` picks the target language of a
    multilingual TMX. With `max_text_chars`, memory is bounded while reading: a line over
    LINE_BYTES_PER_CHAR bytes a character, or a .txt file over 4 bytes a character (UTF-8's
    widest), is quarantined (`line_too_long`, `text_too_long`) without being read whole."""
    path = Path(path)
    if not path.exists():
        raise CorpusError(f"{path}: no such file or folder")
    fmt = fmt or detect_format(path)
    if fmt not in FORMATS:
        raise CorpusError(f"{path}: unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")
    if fmt in TRANSLATION_FORMATS:  # lxml is loaded only for these formats
        from mtqa.corpora.bilingual import read_translation_file

        return read_translation_file(path, fmt, lang)
    limits = _Limits(max_text_chars * LINE_BYTES_PER_CHAR, max_text_chars * 4) if max_text_chars else _NO_LIMITS
    readers = {"jsonl": read_jsonl, "tsv": read_tsv, "txt": read_txt, "folder": read_folder}
    return readers[fmt](path, limits=limits)


@dataclass(frozen=True)
class _Limits:
    line_bytes: int | None = None  # a JSONL or TSV line
    file_bytes: int | None = None  # a .txt file, one document


_NO_LIMITS = _Limits()
_SKIP_CHUNK = 1 << 20


@dataclass(frozen=True)
class _LongLine:
    """A line over the limit: where it is in the (decompressed) input, and its bytes on disk."""

    start: int
    end: int
    spilled: IO[bytes]


def _too_long(name: str, number: int, line: _LongLine, limit: int) -> Rejected:
    return Rejected(name, number, "line_too_long",
                    f"the line has {line.end - line.start:,} bytes, more than {limit:,} ({LINE_BYTES_PER_CHAR} a character of "
                    f"--max-text-chars): not parsed; it is bytes {line.start:,} to {line.end:,} of the "
                    f"{'decompressed ' if name.lower().endswith('.gz') else ''}input. Split the record, or raise --max-text-chars",
                    spilled=line.spilled)


def _open(path: Path) -> BinaryIO:
    try:
        return gzip.open(path, "rb") if path.suffix.lower() == ".gz" else open(path, "rb")  # type: ignore[return-value]
    except OSError as exc:
        raise CorpusError(f"{path}: cannot open: {exc.strerror or exc}") from exc


def _lines(path: Path, max_bytes: int | None = None) -> Iterator[tuple[int, bytes | _LongLine]]:
    """(line number, line without its line break) for each line. A line ends with LF, CRLF or a
    lone CR (old Mac files: a raw CR can be no part of a JSON string or a TSV field); a UTF-8 BOM
    is dropped. A file in UTF-16 or UTF-32 is a CorpusError that says so, not a line of garbage.
    A line over `max_bytes` is skipped in chunks (never held whole, even decompressed) and
    given as a _LongLine."""
    number = 0
    with _open(path) as stream:
        try:
            for physical, line in enumerate(_capped(stream, max_bytes), 1):
                if isinstance(line, _LongLine):
                    number += 1
                    yield number, line
                    continue
                if physical == 1:
                    if encoding := _other_unicode_encoding(line):
                        raise CorpusError(f"{path}: the file is {encoding}, mtqa reads UTF-8: convert it first "
                                          f"(iconv -f {encoding} -t UTF-8)")
                    if line.startswith(_BOM):
                        line = line[3:]
                line = line.removesuffix(b"\n").removesuffix(b"\r")
                for part in line.split(b"\r") if b"\r" in line else (line,):
                    number += 1
                    yield number, part
        except (OSError, EOFError, zlib.error) as exc:  # e.g. a truncated or corrupt gzip stream
            raise CorpusError(f"{path}: read error after line {number}: {exc}") from exc


def _capped(stream: BinaryIO, max_bytes: int | None) -> Iterator[bytes | _LongLine]:
    """The stream's lines; for a line over `max_bytes`, where it is, its bytes copied to a temporary
    file a chunk at a time (the quarantine keeps every record, and memory stays bounded)."""
    if max_bytes is None:
        yield from stream
        return
    offset = 0
    while line := stream.readline(max_bytes + 1):
        start, offset = offset, offset + len(line)
        if len(line) <= max_bytes or line.endswith(b"\n"):
            yield line
            continue
        spilled = tempfile.TemporaryFile(prefix="mtqa-long-line-")  # kept for the quarantine, never held in memory
        spilled.write(line)
        while rest := stream.readline(_SKIP_CHUNK):
            offset += len(rest)
            spilled.write(rest.removesuffix(b"\n").removesuffix(b"\r") if rest.endswith(b"\n") else rest)
            if rest.endswith(b"\n"):
                break
        yield _LongLine(start, offset, spilled)


_BOM = b"\xef\xbb\xbf"


def _other_unicode_encoding(head: bytes) -> str | None:
    """'UTF-16' or 'UTF-32' when the start of a file is evidently in one (its byte-order mark, or
    the NUL bytes ASCII text has in them), else None."""
    if head.startswith((b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff")):
        return "UTF-32"
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "UTF-16"
    sample = head[:64]
    if len(sample) >= 8:
        for width in (4, 2):
            units = [sample[i : i + width] for i in range(0, len(sample) - width + 1, width)]
            # ASCII in UTF-16 or UTF-32 without a BOM: each unit one non-NUL byte, first (LE) or last (BE)
            for order, at in (("LE", 0), ("BE", width - 1)):
                if all(u[at] and u.count(0) == width - 1 for u in units):
                    return f"UTF-{8 * width}{order}"
        return _utf16_with_other_scripts(sample)
    return None


def _utf16_with_other_scripts(sample: bytes) -> str | None:
    """UTF-16 without a BOM whose text is not all ASCII (a JSONL line with Cyrillic or Chinese in it):
    a quarter or more of the bytes are NULs, all on the same side of each pair (the high byte of the
    ASCII characters), and the pairs read as text with no control character but tab and line breaks.
    UTF-8 text, even with a stray NUL, does not look like that."""
    sample = sample[: len(sample) // 2 * 2]
    nuls = [i % 2 for i, byte in enumerate(sample) if byte == 0]
    if len(nuls) * 4 < len(sample) or len(set(nuls)) != 1:
        return None
    order = "LE" if nuls[0] == 1 else "BE"
    try:
        text = sample.decode(f"utf-16-{order.lower()}")
    except UnicodeDecodeError:
        return None
    if any(unicodedata.category(c) in ("Cc", "Cs", "Co", "Cn") and c not in "\t\r\n" for c in text):
        return None
    return f"UTF-16{order}"


def read_jsonl(path: Path, limits: _Limits = _NO_LIMITS) -> Iterator[RawRecord | Rejected]:
    name = str(path)
    for number, line in _lines(path, limits.line_bytes):
        if isinstance(line, _LongLine):
            yield _too_long(name, number, line, limits.line_bytes)
            continue
        if not line.strip():
            continue  # blank lines are not records
        try:
            text = line.decode("utf-8")
        except UnicodeDecodeError as exc:
            yield Rejected(name, number, "invalid_utf8", f"invalid UTF-8 at byte {exc.start}", raw=line)
            continue
        try:
            record = _decode_json(text, line)
        except json.JSONDecodeError as exc:
            yield Rejected(name, number, "invalid_json", f"invalid JSON at column {exc.colno}: {exc.msg}", raw=line)
            continue
        except ValueError as exc:
            yield Rejected(name, number, "invalid_json", f"invalid JSON: {exc}", raw=line)
            continue
        if not isinstance(record, dict):
            yield Rejected(name, number, "not_an_object", f"a record is a JSON object, got {type(record).__name__}", record,
                           raw=line)  # the raw line too: a `null` record would show as nothing
            continue
        if b"\\u" in line and not _encodable(record):
            yield Rejected(name, number, "invalid_unicode", "a lone UTF-16 surrogate escape (\\udXXX) that no text can hold", raw=line)
            continue
        yield RawRecord(name, number, record, text)


def read_tsv(path: Path, limits: _Limits = _NO_LIMITS) -> Iterator[RawRecord | Rejected]:
    """TSV with a header row; fields are split on tabs (no quoting). Columns named `reference*` become
    the `references` list; other columns are kept as they are."""
    name = str(path)
    lines = _lines(path, limits.line_bytes)
    header_line = next(lines, None)
    if header_line is None:
        return
    if isinstance(header_line[1], _LongLine):
        raise CorpusError(f"{path}: line 1: the header is longer than {limits.line_bytes:,} bytes: not a TSV header")
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
        if isinstance(line, _LongLine):
            yield _too_long(name, number, line, limits.line_bytes)
            continue
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


def read_txt(path: Path, doc_id: str | None = None, limits: _Limits = _NO_LIMITS) -> Iterator[RawRecord | Rejected]:
    """A whole .txt file is one document; its id is the file name (or the given id)."""
    name = str(path)
    doc_id = doc_id or path.name
    try:
        if limits.file_bytes is not None and (size := path.stat().st_size) > limits.file_bytes:
            yield Rejected(name, 0, "text_too_long", f"the file has {size:,} bytes, more than 4 a character of --max-text-chars "
                                                     "allow: not read; split it into documents", record={"id": doc_id})
            return
        data = path.read_bytes()
    except OSError as exc:
        yield Rejected(name, 0, "unreadable_file", f"cannot read: {exc.strerror or exc}", record={"id": doc_id})
        return
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    if encoding := _other_unicode_encoding(data[:64]):  # UTF-16 without a BOM can pass for UTF-8 with NULs
        detail = f"the file is {encoding}, mtqa reads UTF-8: convert it first (iconv -f {encoding} -t UTF-8)"
        yield Rejected(name, 1, "invalid_utf8", detail, raw=data)
        return
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        yield Rejected(name, line, "invalid_utf8", f"invalid UTF-8 at byte {exc.start} (document {doc_id!r})", raw=data)
        return
    yield RawRecord(name, 0, {"id": doc_id, "text": text})


def read_folder(path: Path, limits: _Limits = _NO_LIMITS) -> Iterator[RawRecord | Rejected]:
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
                yield from read_txt(file, file.relative_to(path).as_posix(), limits)
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


MAX_JSON_DEPTH = 100  # arrays and objects in a record; deeper ones are refused, not a stack overflow later


def _no_constant(name: str) -> float:
    raise ValueError(f"{name} is not a JSON value")


def _finite(literal: str) -> float:
    value = float(literal)
    if math.isinf(value):
        raise ValueError(f"the number {_shown(literal)} is too large")
    return value


def _integer(literal: str) -> int:
    try:
        return int(literal)
    except ValueError:  # more digits than Python converts (sys.get_int_max_str_digits)
        raise ValueError(f"the number {_shown(literal)} has {len(literal.lstrip('-'))} digits, too many to read") from None


def _shown(literal: str) -> str:
    return literal if len(literal) <= 20 else literal[:20] + "…"


_decoder = json.JSONDecoder(parse_constant=_no_constant, parse_float=_finite, parse_int=_integer)


def _decode_json(text: str, line: bytes) -> Any:
    """Strict JSON: NaN, Infinity and numbers no float or Python int can hold are refused (they
    would come out as non-JSON, or fail later), and so is nesting deeper than MAX_JSON_DEPTH; each
    raises ValueError with what is wrong."""
    if line.count(b"[") + line.count(b"{") > MAX_JSON_DEPTH and _depth(line) > MAX_JSON_DEPTH:
        raise ValueError(f"nested more than {MAX_JSON_DEPTH} levels deep")
    return _decoder.decode(text)


_JSON_STRING = re.compile(rb'"(?:[^"\\]|\\.)*"', re.DOTALL)
_NOT_BRACKETS = bytes(b for b in range(256) if b not in b"[]{}")


def _depth(line: bytes) -> int:
    """The deepest nesting of brackets outside strings."""
    brackets = _JSON_STRING.sub(b"", line).translate(None, _NOT_BRACKETS)
    return max(accumulate(1 if b in b"[{" else -1 for b in brackets), default=0)


def _encodable(record: dict[str, Any]) -> bool:
    try:
        json.dumps(record, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True
