"""The task runners a run can use, by name, and `auto`'s choice among them: one list for the
command line's choices and for flows/cleanup.py, which builds them. Kept apart (no Prefect import)
so the command line can check `--runner` and choose before it imports Prefect (a second or more of
start-up)."""

from __future__ import annotations

import os
from pathlib import Path

RUNNERS = ("auto", "threads", "processes", "dask")
DEFAULT_SHARD_SIZE = 1000  # documents; the smallest shard `shard_size_for` picks
MAX_SHARD_SIZE = 10 * DEFAULT_SHARD_SIZE
SHARDS_PER_WORKER = 8  # enough that the workers finish close together, few enough that Prefect's per-task cost stays small
AUTO_PROCESSES_BYTES = 2 * 2**20  # from about two shards of text on, the process pool pays for its start-up


def resolve_runner(runner: str, input_path: str) -> str:
    """'auto' picks the process pool (all cores; the text work is CPU-bound and threads share one
    core under the GIL) for inputs of a couple of shards or more, and threads below that, where the
    pool's start-up would cost more than it saves. Outputs are the same either way."""
    if runner != "auto":
        return runner
    path = Path(input_path)
    size = sum(f.stat().st_size for f in path.rglob("*") if f.is_file()) if path.is_dir() else path.stat().st_size
    return "processes" if size >= AUTO_PROCESSES_BYTES and (os.cpu_count() or 1) > 1 else "threads"


def shard_size_for(input_path: str, fmt: str | None, workers: int) -> int:
    """Documents per shard for this input: about SHARDS_PER_WORKER shards per worker, from
    DEFAULT_SHARD_SIZE to MAX_SHARD_SIZE documents. Each shard is a Prefect task run, which costs
    the main process, the worker and the API server a fixed share of CPU (its states, its logs):
    on a corpus of 200,000 segments, shards of 1,000 would be 200 task runs. Inputs whose document
    count cannot be estimated (`estimated_records`) get DEFAULT_SHARD_SIZE. Outputs do not
    depend on the shard size."""
    records = estimated_records(input_path, fmt)
    if records is None:
        return DEFAULT_SHARD_SIZE
    return max(DEFAULT_SHARD_SIZE, min(MAX_SHARD_SIZE, round(records / (workers * SHARDS_PER_WORKER))))


def estimated_records(input_path: str, fmt: str | None) -> int | None:
    """About how many records (lines) the input holds, from the line density of the first MiB of a
    JSONL or TSV file; None for other inputs (and for a file that cannot be read: the read stage
    says what is wrong)."""
    path = Path(input_path)
    if fmt not in ("jsonl", "tsv") or not path.is_file() or path.suffix == ".gz":
        return None
    try:
        size = path.stat().st_size
        with open(path, "rb") as stream:
            head = stream.read(2**20)
    except OSError:
        return None
    return round(size * max(head.count(b"\n"), 1) / max(len(head), 1))


def next_shard_size(largest: int, index: int, records_read: int, expected: int | None, workers: int) -> int:
    """The size of shard `index` (from 0), `records_read` records into an input of about
    `expected` records (None: not known): `largest` (the run's shard size), but smaller at both ends of
    the run, where whole shards would keep workers waiting. The first shards grow from
    DEFAULT_SHARD_SIZE, fourfold, so that the first worker starts once a thousand documents are
    read, not ten thousand. Near the end of an input whose size is estimated, a shard is at most
    a share of what remains (two shares a worker: guided self-scheduling), down to a quarter of
    `largest`, so that the workers finish close together instead of one waiting for the other's
    last large shard, and a few more task runs pay for it (each costs Prefect's share). Never
    below DEFAULT_SHARD_SIZE, or `largest` if that is smaller: a run of small shards is as it was;
    past the estimate (it was low) shards are `largest` again, not a long run of small ones.
    Deterministic for an input, its configuration and the number of workers, so a resumed run cuts
    the same shards (a shard cut otherwise is cleaned again, never wrongly: shards are recognised
    by their content); outputs never depend on it."""
    size = min(largest, DEFAULT_SHARD_SIZE << min(2 * index, 16))
    if expected is not None and records_read < expected:  # past a low estimate, nobody knows where the end is
        size = min(size, max(largest // 4, (expected - records_read) // (2 * max(workers, 1))))
    return max(size, min(largest, DEFAULT_SHARD_SIZE))
