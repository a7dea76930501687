"""One writer per output folder, for the whole of a command.

`mtqa run` cleans, scores and reports; `apply` and `revert` write beside a run's outputs. If
another command could write into the folder between two of those steps, the folder would mix two
runs (a summary of 20,000 records beside the findings of one article). So every command that
writes there holds `DIR/.mtqa.lock` (an empty file that stays; `flock`, released by the kernel
when the process ends, however it ends) from start to finish. The lock is re-entrant within a
process, so the command and the flow it runs (which takes it too, for runs started by Prefect
deployments) share it.

>>> import tempfile; folder = Path(tempfile.mkdtemp())
>>> with output_lock(folder), output_lock(folder):
...     print("held")
held
"""

from __future__ import annotations

import fcntl
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

LOCK_NAME = ".mtqa.lock"

_held: dict[str, tuple[int, int]] = {}  # folder -> (file descriptor, depth), in this process
_guard = threading.Lock()


class OutputLocked(RuntimeError):
    """Another process is writing to the output folder."""


@contextmanager
def output_lock(out: Path) -> Iterator[None]:
    """Hold the folder's lock for the block; raise OutputLocked at once if another process has it."""
    out.mkdir(parents=True, exist_ok=True)
    key = str(out.resolve())
    with _guard:
        if key in _held:
            fd, depth = _held[key]
            _held[key] = (fd, depth + 1)
        else:
            fd = os.open(out / LOCK_NAME, os.O_WRONLY | os.O_CREAT | os.O_CLOEXEC, 0o666)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                os.close(fd)
                raise OutputLocked(f"{out}: another mtqa command is writing to this output folder; "
                                   "wait for it to finish (or stop it), then run this again") from None
            _held[key] = (fd, 1)
    try:
        yield
    finally:
        with _guard:
            fd, depth = _held[key]
            if depth > 1:
                _held[key] = (fd, depth - 1)
            else:
                del _held[key]
                os.close(fd)  # closing the only descriptor releases the lock
