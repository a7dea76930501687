"""The document cache that makes runs incremental: each document's outputs, keyed by its content
and by everything that could change them (mtqa's code, rule packs, options).

Shard workers only read it (SQLite opened read-only, safe from many processes at once) and write
what they used or made to a per-shard delta file; after the run, the main process builds a fresh
cache from the deltas, so the cache holds exactly the current corpus and never grows stale.
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
from collections.abc import Iterable
from pathlib import Path
from typing import Any


def document_key(fingerprint: str, record_json: str) -> str:
    """The cache key of one input record (its JSON as mtqa writes it) under one configuration."""
    return hashlib.sha256(f"{fingerprint}\n{record_json}".encode("utf-8", "surrogatepass")).hexdigest()


class DocCache:
    """Read-only view of an earlier run's documents; empty if there is none."""

    def __init__(self, path: Path | None) -> None:
        self._db = None
        if path is not None and path.exists():
            self._db = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, check_same_thread=False)

    def get(self, key: str) -> dict[str, Any] | None:
        if self._db is None:
            return None
        row = self._db.execute("SELECT payload FROM docs WHERE key = ?", (key,)).fetchone()
        return json.loads(row[0]) if row else None

    def close(self) -> None:
        if self._db is not None:
            self._db.close()


def build_cache(path: Path, deltas: Iterable[Path]) -> int:
    """Write a new cache from the shards' delta files, atomically replacing the old one."""
    with CacheBuilder(path) as builder:
        for delta in deltas:
            builder.add(delta)
        return builder.commit()


class CacheBuilder:
    """A new cache, filled delta by delta while the run goes on (the main process is idle while
    the workers clean, so the cache costs the run no time at its end), replacing the old one only
    on `commit`; leaving the `with` block without it leaves the old cache as it was."""

    def __init__(self, path: Path) -> None:
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        self._tmp = path.with_name(f".{path.name}.tmp")
        self._tmp.unlink(missing_ok=True)
        self._db: sqlite3.Connection | None = sqlite3.connect(self._tmp, check_same_thread=False)
        self._db.execute("PRAGMA journal_mode=OFF")
        self._db.execute("CREATE TABLE docs (key TEXT PRIMARY KEY, payload TEXT NOT NULL)")
        self.count = 0

    def add(self, delta: Path) -> None:
        """Add one shard's delta file (in shard order, so the cache's bytes do not depend on the order
        the shards finished in)."""
        with open(delta, encoding="utf-8") as stream:
            rows = (line.rstrip("\n").split("\t", 1) for line in stream if line.strip())
            before = self._db.total_changes
            self._db.executemany("INSERT OR REPLACE INTO docs VALUES (?, ?)", rows)
            self.count += self._db.total_changes - before

    def commit(self) -> int:
        """Replace the old cache with the new one; returns the number of documents it holds."""
        db, self._db = self._db, None
        db.commit()
        db.close()
        os.replace(self._tmp, self.path)
        return self.count

    def remove_temporary(self) -> None:
        """Remove the unfinished cache file (for an interrupted run, which exits without `__exit__`)."""
        self._tmp.unlink(missing_ok=True)

    def __enter__(self) -> CacheBuilder:
        return self

    def __exit__(self, *exc: object) -> None:
        if self._db is not None:  # not committed: the new cache is dropped
            self._db.close()
            self._db = None
            self._tmp.unlink(missing_ok=True)
