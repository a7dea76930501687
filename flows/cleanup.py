"""The cleanup flow: read -> clean shards in parallel -> merge. Thin: the work is in flows/shards.py.

`cleanup_flow` is the deployment entrypoint (`flows/cleanup.py:cleanup_flow`). It runs with no
Prefect server (Prefect starts its temporary one) and its task runner decides where shards run:
threads by default, a process pool with `runner="processes"`.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import flows.prefect_env  # noqa: F401  (quiet, offline Prefect defaults; before prefect)
from prefect import flow, task
from prefect.futures import as_completed
from prefect.settings import PREFECT_API_URL, temporary_settings
from prefect.task_runners import ProcessPoolTaskRunner, TaskRunner, ThreadPoolTaskRunner

from cleaners.config import CleanConfig
from cleaners.signature import run_signature
from flows.progress import progress_bar
from flows.shards import ReadStats, clean_shard, merge_shards, read_into_shards

DEFAULT_SHARD_SIZE = 1000
RUNNERS = ("auto", "threads", "processes")
AUTO_PROCESSES_BYTES = 2 * 2**20  # from about two shards of text on, the process pool pays for its start-up
WORK_DIR = ".mtqa-work"


def _transient(task, task_run, state) -> bool:
    """Retry only I/O failures (a flaky mount); anything else would fail the same way again."""
    try:
        state.result()
    except OSError:
        return True
    except Exception:
        return False
    return False


clean_shard_task = task(clean_shard, name="clean-shard", retries=2, retry_delay_seconds=[1, 10], retry_condition_fn=_transient)
merge_shards_task = task(merge_shards, name="merge-outputs", retries=2, retry_delay_seconds=[1, 10], retry_condition_fn=_transient)


@flow(name="mtqa-cleanup", task_runner=ThreadPoolTaskRunner(max_workers=os.cpu_count() or 1), validate_parameters=False)
def cleanup_flow(
    input_path: str,
    out_dir: str,
    config: CleanConfig | None = None,
    input_format: str | None = None,
    shard_size: int = DEFAULT_SHARD_SIZE,
    show_progress: bool = False,
) -> dict[str, Any]:
    """Clean a corpus into `out_dir` (cleaned, findings, edits, quarantine, summary); return the summary."""
    config = config or CleanConfig()
    signature = run_signature(config)  # loads every rule pack first: a bad pack fails before any work
    work = Path(out_dir) / WORK_DIR
    read = ReadStats()
    shards, futures = [], []
    with progress_bar(show_progress) as bar:
        for shard in read_into_shards(input_path, work, shard_size, input_format, read):
            shards.append(shard)
            futures.append(clean_shard_task.submit(shard, config))
            bar.update(total=read.documents)
        bar.update(total=read.documents)
        for future in as_completed(futures):
            bar.advance(future.result()["totals"].get("documents", 0))
    counts = [f.result() for f in futures]
    summary = merge_shards_task(work, Path(out_dir), shards, counts, read, signature, input_path)
    shutil.rmtree(work, ignore_errors=True)
    return summary


@contextmanager
def api_for_workers(runner: str) -> Iterator[None]:
    """Make worker processes report to one Prefect API instead of each starting its own.

    With no Prefect server configured, every process that runs a task would start a temporary
    API server of its own (~10 s each, measured in notes/prefect.md). For the process runner we
    start Prefect's temporary server once, here, and hand its address to the workers through the
    environment they inherit. With a configured server (PREFECT_API_URL) nothing changes.
    """
    if runner == "threads" or PREFECT_API_URL.value():
        yield
        return
    from prefect.server.api.server import SubprocessASGIServer

    server = SubprocessASGIServer()
    server.start()
    os.environ["PREFECT_API_URL"] = server.api_url
    try:
        with temporary_settings({PREFECT_API_URL: server.api_url}):
            yield
    finally:
        os.environ.pop("PREFECT_API_URL", None)
        # The server stops at exit (Prefect registers that), after Prefect's log and event
        # workers have flushed; stopping it here would make them fail loudly.


def resolve_runner(runner: str, input_path: str) -> str:
    """'auto' picks the process pool (all cores; the text work is CPU-bound and threads share one
    core under the GIL) for inputs of a couple of shards or more, and threads below that, where the
    pool's start-up (~5 s) would cost more than it saves. Outputs are the same either way."""
    if runner != "auto":
        return runner
    path = Path(input_path)
    size = sum(f.stat().st_size for f in path.rglob("*") if f.is_file()) if path.is_dir() else path.stat().st_size
    return "processes" if size >= AUTO_PROCESSES_BYTES and (os.cpu_count() or 1) > 1 else "threads"


def make_task_runner(runner: str, workers: int | None = None) -> TaskRunner:
    """A bounded pool: as many workers as cores unless told, so at most that many shards are in memory."""
    workers = workers or os.cpu_count() or 1
    if runner == "threads":
        return ThreadPoolTaskRunner(max_workers=workers)
    if runner == "processes":
        return ProcessPoolTaskRunner(max_workers=workers)
    raise ValueError(f"unknown runner {runner!r}; choose one of {', '.join(RUNNERS)}")
