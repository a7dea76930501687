"""What a corpus has shown so far, on disk (SQLite), so memory stays flat however large it is.

The read stage asks one question of every id, text and sentence: "seen before, and where?".
A set or dict in memory would grow with the corpus; this index keeps a 64-bit BLAKE2b digest of
each key with the place it was first seen, in a table SQLite pages through a bounded cache.
Two different keys colliding has a probability of about n²/2⁶⁵ (1e-8 at 600,000 keys).

A place is who holds the key (a document id, a file) and two numbers (a span, a line). The
holder's name goes into a table of its own and each key's row holds the name's row number: a row
of a few integers instead of a row with the name in it. The keys are hashes, so each insert lands
on a random page of the table; the smaller the rows, the more of the table the bounded cache
holds, and the fewer of those pages SQLite must read back from the file. The read stage asks about
one document's keys (one file's ids) one after another, so a name is stored once for all of them;
a name that comes back after another is stored again, and one is stored for a key that turns out
to be known already: a few rows more, never a wrong answer.

>>> import tempfile, pathlib
>>> seen = FirstSeen(pathlib.Path(tempfile.mkdtemp()) / "seen.sqlite")
>>> seen.first("a", ("doc1", 0, 5)), seen.first("a", ("doc2", 0, 5)), seen.get("b")
(None, ('doc1', 0, 5), None)
>>> seen.close()
"""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path

from mtqa.limits import SEEN_CACHE_MIB
from mtqa.records import Place


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
        self._db.execute("CREATE TABLE holder (number INTEGER PRIMARY KEY, name TEXT)")
        self._db.execute("CREATE TABLE seen (digest INTEGER PRIMARY KEY, holder INTEGER, a INTEGER, b INTEGER)")
        self._db.execute("BEGIN")
        # the holder named last: a document's keys come one after another, so its name is stored once
        self._holder: tuple[str, int] | None = None

    def get(self, key: str) -> Place | None:
        """Where `key` was first seen, or None."""
        return self._place(digest(key))

    def add(self, key: str, place: Place) -> None:
        """Remember `key` at `place` unless it is already known."""
        self._db.execute("INSERT OR IGNORE INTO seen VALUES (?, ?, ?, ?)", (digest(key), self._number(place[0]), place[1], place[2]))

    def first(self, key: str, place: Place) -> Place | None:
        """None if `key` is new (and remember it at `place`), else where it was first seen."""
        number = digest(key)
        if self._db.execute("INSERT OR IGNORE INTO seen VALUES (?, ?, ?, ?)",
                            (number, self._number(place[0]), place[1], place[2])).rowcount:
            return None
        return self._place(number)

    def _number(self, name: str) -> int:
        """The row number of `name`: the last one stored, or a new row."""
        if self._holder is None or self._holder[0] != name:
            self._holder = (name, self._db.execute("INSERT INTO holder (name) VALUES (?)", (name,)).lastrowid)
        return self._holder[1]

    def _place(self, number: int) -> Place | None:
        row = self._db.execute("SELECT holder.name, seen.a, seen.b FROM seen JOIN holder ON holder.number = seen.holder "
                               "WHERE seen.digest = ?", (number,)).fetchone()
        return None if row is None else (row[0], row[1], row[2])

    def close(self) -> None:
        self._db.execute("COMMIT")
        self._db.close()
