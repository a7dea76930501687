"""Atomic, deterministic output files.

A crash must never leave a half-written file that looks complete, so every output is written to a
temporary file in the same folder and renamed over the target only once it is complete and synced.
JSON is written with a fixed layout (UTF-8, no ASCII escaping, field order as given), so the same
records always give the same bytes.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

_encoder = json.JSONEncoder(ensure_ascii=False, separators=(", ", ": "))

# mkstemp creates files readable by the owner only; outputs get the usual permissions instead.
_UMASK = os.umask(0)
os.umask(_UMASK)
_FILE_MODE = 0o666 & ~_UMASK


def dumps(obj: Any) -> str:
    """One JSON line in the project's fixed layout. The characters that some readers take for
    line breaks (U+0085, U+2028, U+2029; str.splitlines does) are escaped, so a record is always
    exactly one line whatever reads it."""
    line = _encoder.encode(obj)
    if "\u2028" in line or "\u2029" in line or "\x85" in line:
        line = line.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029").replace("\x85", "\\u0085")
    return line


@contextmanager
def atomic_writer(path: Path, mode: str = "w") -> Iterator[IO[Any]]:
    """Write `path` all at once: to a temporary file beside it, synced, then renamed over it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        os.fchmod(fd, _FILE_MODE)
        with os.fdopen(fd, mode, encoding=None if "b" in mode else "utf-8", newline=None if "b" in mode else "\n") as stream:
            yield stream
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_json(path: Path, obj: Any) -> None:
    with atomic_writer(path) as out:
        json.dump(obj, out, ensure_ascii=False, indent=2, sort_keys=False)
        out.write("\n")


def concatenate(path: Path, parts: Iterable[Path]) -> None:
    """Join shard files into one output, atomically, in the order given."""
    with atomic_writer(path, "wb") as out:
        for part in parts:
            with open(part, "rb") as stream:
                while chunk := stream.read(1 << 20):
                    out.write(chunk)


def read_jsonl(path: Path) -> Iterator[dict[str, Any]]:
    """Read back an output file written with `dumps`, one record at a time."""
    with open(path, encoding="utf-8") as stream:
        for line in stream:
            if line.strip():
                yield json.loads(line)
