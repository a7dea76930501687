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
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.unlink(missing_ok=True)
    db = sqlite3.connect(tmp)
    count = 0
    try:
        db.execute("PRAGMA journal_mode=OFF")
        db.execute("CREATE TABLE docs (key TEXT PRIMARY KEY, payload TEXT NOT NULL)")
        for delta in deltas:
            with open(delta, encoding="utf-8") as stream:
                rows = (line.rstrip("\n").split("\t", 1) for line in stream if line.strip())
                before = db.total_changes
                db.executemany("INSERT OR REPLACE INTO docs VALUES (?, ?)", rows)
                count += db.total_changes - before
        db.commit()
    finally:
        db.close()
    os.replace(tmp, path)
    return count
