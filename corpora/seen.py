"""What a corpus has shown so far, on disk (SQLite), so memory stays flat however large it is.

The read stage asks one question of every id, text and sentence: "seen before, and where?".
A set or dict in memory would grow with the corpus; this index keeps a 64-bit BLAKE2b digest of
each key with the place it was first seen, in a table SQLite pages through a bounded cache.
Two different keys colliding has a probability of about n²/2⁶⁵ (1e-8 at 600,000 keys).

>>> import tempfile, pathlib
>>> seen = FirstSeen(pathlib.Path(tempfile.mkdtemp()) / "seen.sqlite")
>>> seen.first("a", "doc1"), seen.first("a", "doc2"), seen.get("b")
(None, 'doc1', None)
>>> seen.close()
"""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path

from mtqa.limits import SEEN_CACHE_MIB


def digest(key: str) -> int:
    return int.from_bytes(hashlib.blake2b(key.encode("utf-8", "surrogatepass"), digest_size=8).digest(), "big", signed=True)


class FirstSeen:
    """Keys with the place each was first seen; a fresh, private file per run."""

    def __init__(self, path: Path, cache_mib: int | None = None) -> None:
        """`cache_mib`: SQLite's page cache, the index's whole share of memory (MiB; by default
        MTQA_SEEN_CACHE_MIB, mtqa/limits.py)."""
        path.unlink(missing_ok=True)
        self._db = sqlite3.connect(path, isolation_level=None)
        for pragma in ("journal_mode=OFF", "synchronous=OFF", f"cache_size=-{(cache_mib or SEEN_CACHE_MIB) * 1024}"):
            self._db.execute(f"PRAGMA {pragma}")
        self._db.execute("CREATE TABLE seen (digest INTEGER PRIMARY KEY, place TEXT)")
        self._db.execute("BEGIN")

    def get(self, key: str) -> str | None:
        """Where `key` was first seen, or None."""
        row = self._db.execute("SELECT place FROM seen WHERE digest = ?", (digest(key),)).fetchone()
        return row[0] if row else None

    def add(self, key: str, place: str) -> None:
        """Remember `key` at `place` unless it is already known."""
        self._db.execute("INSERT OR IGNORE INTO seen VALUES (?, ?)", (digest(key), place))

    def first(self, key: str, place: str) -> str | None:
        """None if `key` is new (and remember it at `place`), else where it was first seen."""
        number = digest(key)
        if self._db.execute("INSERT OR IGNORE INTO seen VALUES (?, ?)", (number, place)).rowcount:
            return None
        return self._db.execute("SELECT place FROM seen WHERE digest = ?", (number,)).fetchone()[0]

    def close(self) -> None:
        self._db.execute("COMMIT")
        self._db.close()
