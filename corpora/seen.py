"""What a corpus has shown so far, on disk (SQLite), so memory stays flat however large it is.

The read stage asks one question of every id, text and sentence: "seen before, and where?".
A set or dict in memory would grow with the corpus; this index keeps a 64-bit BLAKE2b digest of
each key with the place it was first seen, in a table SQLite pages through a bounded cache.
Two different keys colliding has a probability of about n²/2⁶⁵ (1e-8 at 600,000 keys).

Most keys are new, and asking SQLite about each one (a statement a key, and a page of the table
read back for most, since the keys are hashes) was most of the read stage's time. So the index
keeps two bounded things in memory as well:

- a Bloom filter of the digests (MTQA_SEEN_FILTER_MIB): where it says a key was never added, that
  is certain, and SQLite is not asked; where it says "maybe" (a key added, or a false alarm, more
  frequent as the filter fills), the pending keys and then SQLite answer, as before;
- the new keys not yet written (at most PENDING_KEYS), written together in digest order, one
  statement for all of them, which walks the table's pages in order instead of at random.

Answers are exactly those of asking SQLite each time: the filter only decides when it need not be asked.

A place is who holds the key (a document id, a file) and two numbers (a span, a line). The
holder's name goes into a table of its own and each key's row holds the name's row number: a row
of a few integers instead of a row with the name in it, so more of the table fits the page cache.
The read stage asks about one document's keys (one file's ids) one after another, so a name is
stored once for all of them; a name that comes back after another is stored again: a few rows
more, never a wrong answer.

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

from mtqa.limits import SEEN_CACHE_MIB, SEEN_FILTER_MIB
from mtqa.records import Place

# New keys held in memory before they are written (a dict entry and a place each: ~200 bytes).
PENDING_KEYS = 8_192


def digest(key: str) -> int:
    return int.from_bytes(hashlib.blake2b(key.encode("utf-8", "surrogatepass"), digest_size=8).digest(), "big", signed=True)


class FirstSeen:
    """Keys with the place each was first seen; a fresh, private file per run."""

    def __init__(self, path: Path, cache_mib: int | None = None, filter_mib: float | None = None,
                 pending_keys: int = PENDING_KEYS) -> None:
        """`cache_mib`: SQLite's page cache (MiB; by default MTQA_SEEN_CACHE_MIB, mtqa/limits.py);
        `filter_mib`: the Bloom filter (MiB; by default MTQA_SEEN_FILTER_MIB). The two and the
        pending keys are the index's whole share of memory."""
        path.unlink(missing_ok=True)
        self._db = sqlite3.connect(path, isolation_level=None)
        for pragma in ("journal_mode=OFF", "synchronous=OFF", f"cache_size=-{(cache_mib or SEEN_CACHE_MIB) * 1024}"):
            self._db.execute(f"PRAGMA {pragma}")
        self._db.execute("CREATE TABLE holder (number INTEGER PRIMARY KEY, name TEXT)")
        self._db.execute("CREATE TABLE seen (digest INTEGER PRIMARY KEY, holder INTEGER, a INTEGER, b INTEGER)")
        self._db.execute("BEGIN")
        self._bits = bytearray(max(1, int((filter_mib or SEEN_FILTER_MIB) * 2**20)))
        self._nbits = len(self._bits) * 8
        self._pending: dict[int, Place] = {}  # digest -> place, in the order the keys came
        self._pending_max = pending_keys
        self._holder_rows = 0  # rows of the holder table
        # the holder written last: a document's keys come one after another, so its name is stored once
        self._last_holder: tuple[str, int] | None = None

    def get(self, key: str) -> Place | None:
        """Where `key` was first seen, or None."""
        key_digest = digest(key)
        return self._find(key_digest, self._bit_numbers(key_digest))

    def add(self, key: str, place: Place) -> None:
        """Remember `key` at `place` unless it is already known."""
        self.first(key, place)

    def first(self, key: str, place: Place) -> Place | None:
        """None if `key` is new (and remember it at `place`), else where it was first seen."""
        key_digest = digest(key)
        bits = self._bit_numbers(key_digest)
        found = self._find(key_digest, bits)
        if found is None:
            self._remember(key_digest, place, bits)
        return found

    def _bit_numbers(self, key_digest: int) -> tuple[int, int]:
        """The filter's two bits for a digest: its two 32-bit halves, each a hash of the key already
        (so a filter of more than 2**32 bits, 512 MiB, would leave the rest unused)."""
        unsigned = key_digest & 0xFFFF_FFFF_FFFF_FFFF
        return (unsigned & 0xFFFF_FFFF) % self._nbits, (unsigned >> 32) % self._nbits

    def _find(self, key_digest: int, bit_numbers: tuple[int, int]) -> Place | None:
        p, q = bit_numbers
        bits = self._bits
        if not (bits[p >> 3] >> (p & 7) & 1 and bits[q >> 3] >> (q & 7) & 1):
            return None  # never added: certain
        found = self._pending.get(key_digest)
        return found if found is not None else self._place(key_digest)

    def _remember(self, key_digest: int, place: Place, bit_numbers: tuple[int, int]) -> None:
        place[0].encode("utf-8")  # a name SQLite cannot store fails here, with the key that brought it
        p, q = bit_numbers
        self._bits[p >> 3] |= 1 << (p & 7)
        self._bits[q >> 3] |= 1 << (q & 7)
        self._pending[key_digest] = place
        if len(self._pending) >= self._pending_max:
            self._write_pending()

    def _write_pending(self) -> None:
        """Write the pending keys (in digest order) and the names of their holders; the holder
        numbering moves on only once both are written."""
        last, rows_before = self._last_holder, self._holder_rows
        holders: list[tuple[int, str]] = []
        rows = []
        for key_digest, (name, a, b) in self._pending.items():
            if last is None or last[0] != name:
                last = (name, rows_before + len(holders) + 1)
                holders.append((last[1], name))
            rows.append((key_digest, last[1], a, b))
        rows.sort()
        self._db.executemany("INSERT OR REPLACE INTO holder VALUES (?, ?)", holders)
        self._db.executemany("INSERT OR IGNORE INTO seen VALUES (?, ?, ?, ?)", rows)
        self._last_holder, self._holder_rows = last, rows_before + len(holders)
        self._pending.clear()

    def _place(self, key_digest: int) -> Place | None:
        row = self._db.execute("SELECT holder.name, seen.a, seen.b FROM seen JOIN holder ON holder.number = seen.holder "
                               "WHERE seen.digest = ?", (key_digest,)).fetchone()
        return None if row is None else (row[0], row[1], row[2])

    def close(self) -> None:
        """Write what is pending and close the file, which then holds every key asked about."""
        if self._pending:
            self._write_pending()
        self._db.execute("COMMIT")
        self._db.close()
