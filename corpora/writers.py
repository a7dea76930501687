"""The run's output files: JSON documents and joined shard parts, through mtqa/files.py's atomic
writer (re-exported here with `dumps` and `read_jsonl`, where the output code has always found them).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from mtqa.files import atomic_writer, dumps, read_jsonl  # noqa: F401  (the one writer and reader)


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
