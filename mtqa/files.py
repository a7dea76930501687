"""Files every package writes and reads back: atomic, deterministic, one JSON record a line.

A crash must never leave a half-written file that looks complete, so every output is written to a
temporary file in the same folder and renamed over the target only once it is complete and synced
(`atomic_writer`: the one way mtqa writes a file, outputs and the user's allow lists alike). JSON
lines are written with a fixed layout (`dumps`: UTF-8, no ASCII escaping, field order as given), so
the same records always give the same bytes, and read back with `read_jsonl`.
"""

from __future__ import annotations

import json
import os
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

_encoder = json.JSONEncoder(ensure_ascii=False, separators=(", ", ": "))

# mkstemp creates files readable by the owner only; new files get the usual permissions instead.
_UMASK = os.umask(0)
os.umask(_UMASK)
_FILE_MODE = 0o666 & ~_UMASK

# Once the process is ending (an interrupt, flows/lifecycle.py), no atomic write may start: its
# temporary file could appear after the interrupt path has removed the partial files, and stay.
_creating = threading.RLock()  # re-entrant: the interrupt may run in a thread that holds it
_closed = threading.Event()


def stop_new_writes() -> None:
    """From now on, a thread that starts an atomic write waits for the process's exit instead;
    returns once no temporary file is being created, so that removing them now is final."""
    with _creating:
        _closed.set()


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
    """Write `path` all at once: to a temporary file beside it, synced, then renamed over it. A
    file rewritten keeps its permissions; a new one gets the umask's."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with _creating:
        if _closed.is_set():
            threading.Event().wait()  # the process is exiting (os._exit ends this thread)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        try:
            os.fchmod(fd, path.stat().st_mode & 0o7777)
        except FileNotFoundError:
            os.fchmod(fd, _FILE_MODE)
        with os.fdopen(fd, mode, encoding=None if "b" in mode else "utf-8", newline=None if "b" in mode else "\n") as stream:
            yield stream
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(tmp, path)
    except BaseException as exc:
        Path(tmp).unlink(missing_ok=True)
        if isinstance(exc, OSError) and exc.filename is None:
            exc.filename = str(path)  # "[Errno 28] No space left on device" alone names no file
        raise


def read_jsonl(path: Path) -> Iterator[Any]:
    """Read back a file written with `dumps`, one record at a time (blank lines skipped). A line
    that is not JSON raises ValueError naming the file and the line. (Input corpora have their own
    reader, corpora/readers.py, which quarantines a bad line instead.)"""
    with open(path, encoding="utf-8") as stream:
        for number, line in enumerate(stream, 1):
            if line.strip():
                try:
                    yield json.loads(line)
                except json.JSONDecodeError as exc:
                    raise ValueError(f"{path}: line {number}: invalid JSON: {exc.msg}") from exc
