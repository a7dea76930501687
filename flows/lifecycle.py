"""How long mtqa's processes live: an interrupted run ends at once, and no child outlives the run.

A run has children: the workers of a process pool (or a local Dask cluster's processes); Prefect's
temporary API server is a thread of the command (flows/temporary_server.py). Ctrl-C reaches the
whole process group, so left to themselves each worker prints a traceback and the main process
waits on a pool that cannot finish; a main process killed outright leaves them all running. Two
pieces stop that, usable by any pool:

- `exit_on_interrupt` (main process): SIGINT, SIGTERM and SIGHUP are blocked in every thread and
  taken by one thread of ours (`sigwait`), whatever handler Prefect installs during a flow run.
  It prints one line, ends every descendant (SIGTERM, then SIGKILL after a grace period), removes
  the temporary files of writes that were cut short, and exits with 128 + the signal's number.
  Finished shards stay on disk, so the same command resumes (their writes are atomic).
- `worker_init` (first thing in every pool worker): Ctrl-C is the main process's business, and
  the worker ends by itself once its parent is gone, however the parent died.

The signal numbers and exit codes are the shell's convention: 130 for Ctrl-C, 143 for SIGTERM.
"""

from __future__ import annotations

import os
import re
import signal
import threading
import time
from collections.abc import Callable, Iterable
from pathlib import Path

from mtqa.files import stop_new_writes

INTERRUPTS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)
MESSAGE = "mtqa: interrupted; rerun the same command to resume\n"
GRACE_SECONDS = 1.5  # how long descendants get to stop on SIGTERM before SIGKILL
_PARENT_POLL_SECONDS = 0.5
_PARTIAL = re.compile(r"\..+\.[a-z0-9_]{8}\.tmp")  # tempfile.mkstemp(prefix='.NAME.', suffix='.tmp')

_cleanups: list[Callable[[], None]] = []
_installed = False


def exit_on_interrupt() -> None:
    """Install the interrupt path for this (main) process; call it before any other thread starts,
    so that every thread inherits the blocked signals. Idempotent."""
    global _installed
    if _installed:
        return
    _installed = True
    signal.pthread_sigmask(signal.SIG_BLOCK, INTERRUPTS)
    threading.Thread(target=_wait_for_interrupt, name="mtqa-interrupts", daemon=True).start()
    for signum in INTERRUPTS:  # a thread started earlier may still take one: same path
        signal.signal(signum, lambda signum, frame: interrupt(signum))


def on_interrupt(cleanup: Callable[[], None]) -> None:
    """Run `cleanup` (quick, no locks) before an interrupted run exits, e.g. to remove temp files."""
    _cleanups.append(cleanup)


def remove_partial_files(*folders: Path) -> None:
    """Remove the temporary files of atomic writes (`.NAME.XXXX.tmp`, corpora/writers.py) that a
    killed process left in `folders`: never a finished output, which is renamed into place."""
    for folder in folders:
        try:
            for path in Path(folder).glob(".*.tmp"):
                if _PARTIAL.fullmatch(path.name):
                    path.unlink(missing_ok=True)
        except OSError:
            pass


def _wait_for_interrupt() -> None:
    interrupt(signal.sigwait(INTERRUPTS))


def interrupt(signum: int) -> None:
    """End the run now: one line, every descendant ended, partial files removed, exit 128 + signum.

    After the line, this process's stderr goes to /dev/null: whatever still runs here while the
    children end (a Dask nanny restarting the worker it just lost, Prefect's crash reports) would
    otherwise print warnings under the one line."""
    os.write(2, MESSAGE.encode())
    _silence_stderr()
    end_descendants()
    stop_new_writes()  # a thread of this process (the thread runner's) may be starting a write
    for cleanup in _cleanups:
        try:
            cleanup()
        except Exception:  # noqa: BLE001  (exiting anyway; a failed cleanup must not block the exit)
            pass
    os._exit(128 + signum)


def _silence_stderr() -> None:
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, 2)
        os.close(devnull)
    except OSError:
        pass


def end_descendants(grace: float = GRACE_SECONDS) -> None:
    """SIGTERM to every process below this one, SIGKILL to those still alive after `grace` seconds."""
    pids = descendants(os.getpid())
    _signal_all(pids, signal.SIGTERM)
    deadline = time.monotonic() + grace
    while time.monotonic() < deadline and any(_alive(p) for p in pids):
        time.sleep(0.05)
    _signal_all([p for p in pids if _alive(p)] + descendants(os.getpid()), signal.SIGKILL)


def descendants(root: int) -> list[int]:
    """The processes below `root` (children, grandchildren...), read from /proc (Linux)."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc") if os.path.isdir("/proc") else ():
        if entry.isdigit():
            parent = _parent_of(int(entry))
            if parent is not None:
                children.setdefault(parent, []).append(int(entry))
    found, todo = [], [root]
    while todo:
        for child in children.get(todo.pop(), ()):
            found.append(child)
            todo.append(child)
    return found


def _parent_of(pid: int) -> int | None:
    try:
        with open(f"/proc/{pid}/stat", "rb") as stat:
            fields = stat.read().rsplit(b")", 1)[1].split()  # after "pid (comm)", which may hold spaces
        return int(fields[1])
    except (OSError, IndexError, ValueError):
        return None


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat", "rb") as stat:
            return stat.read().rsplit(b")", 1)[1].split()[0] != b"Z"  # a zombie has ended
    except (OSError, IndexError):
        return False


def _signal_all(pids: Iterable[int], signum: int) -> None:
    for pid in pids:
        try:
            os.kill(pid, signum)
        except OSError:
            pass


def worker_init(*then: Callable[[], None]) -> None:
    """First thing in a pool worker: ignore Ctrl-C (the main process ends the run and the worker
    with it, without a traceback per worker), take SIGTERM's default, and end this process once its
    parent is gone (polled, since a pool may start workers from any thread). Runs `then` after."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, INTERRUPTS)
    parent = os.getppid()
    threading.Thread(target=_exit_when_orphaned, args=(parent,), name="mtqa-parent-watch", daemon=True).start()
    for step in then:
        step()


def _exit_when_orphaned(parent: int) -> None:
    while os.getppid() == parent:
        time.sleep(_PARENT_POLL_SECONDS)
    os._exit(1)
