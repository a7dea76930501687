"""The run history: each run's headline figures in SQLite, so a report can show trends.

The database lives in the user's data folder (platformdirs) unless a path is given. A corpus is
identified by the absolute path of its input, so runs over the same corpus line up.
"""

from __future__ import annotations

import sqlite3
from contextlib import closing
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import platformdirs

COLUMNS = ("finished_at", "signature", "documents", "quarantined", "findings", "findings_per_1k_words",
           "bleu_original", "bleu_revised", "chrf_original", "chrf_revised", "ter_original", "ter_revised")


def default_path() -> Path:
    return Path(platformdirs.user_data_dir("mtqa", appauthor=False)) / "history.sqlite"


def _connect(path: Path) -> sqlite3.Connection:
    path.parent.mkdir(parents=True, exist_ok=True)
    db = sqlite3.connect(path)
    db.execute(
        "CREATE TABLE IF NOT EXISTS runs (id INTEGER PRIMARY KEY AUTOINCREMENT, corpus TEXT NOT NULL, "
        + ", ".join(f"{c} {'TEXT' if c in ('finished_at', 'signature') else 'REAL'}" for c in COLUMNS) + ")"
    )
    return db


def headline(summary: dict[str, Any], scores: dict[str, Any] | None, now: bool = False) -> dict[str, Any]:
    """The figures a trend shows; scores only when the corpus has a single scored language."""
    words = summary.get("words") or 0
    row: dict[str, Any] = {
        "finished_at": datetime.now(timezone.utc).isoformat(timespec="seconds") if now else None,
        "signature": summary["signature"]["text"],
        "documents": summary["documents_cleaned"],
        "quarantined": summary["records_quarantined"],
        "findings": summary["findings"],
        "findings_per_1k_words": round(1000 * summary["findings"] / words, 3) if words else None,
    }
    langs = (scores or {}).get("by_language", {})
    only = next(iter(langs.values())) if len(langs) == 1 else None
    for metric in ("bleu", "chrf", "ter"):
        for side in ("original", "revised"):
            row[f"{metric}_{side}"] = only["metrics"][metric][side] if only else None
    return row


def record_run(path: Path, corpus: str, row: dict[str, Any]) -> None:
    values = {**row, "finished_at": row.get("finished_at") or datetime.now(timezone.utc).isoformat(timespec="seconds")}
    with closing(_connect(path)) as db, db:
        db.execute(f"INSERT INTO runs (corpus, {', '.join(COLUMNS)}) VALUES (?{', ?' * len(COLUMNS)})",
                   [corpus] + [values.get(c) for c in COLUMNS])


def previous_runs(path: Path, corpus: str, limit: int = 10) -> list[dict[str, Any]]:
    """The latest runs of this corpus, oldest first."""
    if not path.exists():
        return []
    with closing(_connect(path)) as db:
        rows = db.execute(f"SELECT {', '.join(COLUMNS)} FROM runs WHERE corpus = ? ORDER BY id DESC LIMIT ?",
                          (corpus, limit)).fetchall()
    return [dict(zip(COLUMNS, r)) for r in reversed(rows)]
