"""The cleanup flow: read -> clean shards in parallel -> merge. Thin: the work is in flows/shards.py.

`cleanup_flow` is the deployment entrypoint (`flows/cleanup.py:cleanup_flow`). It runs with no
Prefect server (Prefect starts its temporary one) and its task runner decides where shards run:
threads, a process pool, or a Dask cluster (`make_task_runner`).
"""

from __future__ import annotations

import logging
import os
import shutil
from pathlib import Path
from typing import Any

import mtqa.flows.prefect_env  # noqa: F401  (quiet, offline Prefect defaults; before prefect)
from prefect import flow, get_run_logger, task
from prefect.tasks import exponential_backoff
from prefect.futures import as_completed
from prefect.context import refresh_global_settings_context
from prefect.settings import PREFECT_API_URL
from prefect.task_runners import TaskRunner, ThreadPoolTaskRunner

from mtqa.cleaners.config import CleanConfig
from mtqa.cleaners.signature import run_signature
from mtqa.flows.fingerprint import cache_fingerprint
from mtqa.corpora.cache import CacheBuilder
from mtqa.corpora.lock import output_lock
from mtqa.corpora.readers import TRANSLATION_FORMATS, detect_format
from mtqa.corpora.writeback import write_back
from mtqa.corpora.writers import write_json
from mtqa.flows.lifecycle import on_interrupt, remove_partial_files
from mtqa.flows.pool import PreforkedTaskRunner, retire_workers, trim_heap
from mtqa.flows.progress import progress_bar
from mtqa.flows.runners import DEFAULT_SHARD_SIZE, RUNNERS
from mtqa.flows.background_server import BackgroundServer
from mtqa.flows.temporary_server import TemporaryServer
from mtqa.flows.runinfo import run_namer, summary_lines
from mtqa.flows.shards import ReadStats, clean_shard, merge_shards, read_into_shards

WORK_DIR = ".mtqa-work"
CACHE_DIR = ".mtqa-cache"


def _transient(task, task_run, state) -> bool:
    """Retry only I/O failures (a flaky mount); anything else would fail the same way again."""
    try:
        state.result()
    except OSError:
        return True
    except Exception:
        return False
    return False


# Transient I/O failures are retried with exponential backoff (2 s, 4 s, 8 s, jittered).
_RETRY = {"retries": 3, "retry_delay_seconds": exponential_backoff(backoff_factor=2), "retry_jitter_factor": 0.5,
          "retry_condition_fn": _transient}
clean_shard_task = task(clean_shard, name="clean-shard", **_RETRY)
merge_shards_task = task(merge_shards, name="merge-outputs", **_RETRY)
write_back_task = task(write_back, name="write-translation-file")


@flow(name="mtqa-cleanup", task_runner=ThreadPoolTaskRunner(max_workers=os.cpu_count() or 1),
      flow_run_name=run_namer("clean"))
def cleanup_flow(
    input_path: str,
    out_dir: str,
    config: CleanConfig | None = None,
    input_format: str | None = None,
    shard_size: int = DEFAULT_SHARD_SIZE,
    show_progress: bool = False,
    full: bool = False,
    write_summary: bool = True,
    workers: int | None = None,
) -> dict[str, Any]:
    """Clean a corpus into `out_dir` (cleaned, findings, edits, quarantine, summary); return the summary.

    Incremental: documents unchanged since the last run into `out_dir` (same content, same code
    and configuration) come from its cache (`.mtqa-cache/`); `full=True` recleans everything.
    Resumable: an interrupted run leaves its finished shards in `.mtqa-work/`, and the next run
    with the same input and configuration takes them as they are. `workers`: how many the task
    runner has (a worker per core unless told), for which the first and last shards are cut smaller.
    """
    config = config or CleanConfig()
    signature = run_signature(config)  # loads every rule pack first: a bad pack fails before any work
    fingerprint = cache_fingerprint(signature, config)
    out = Path(out_dir).resolve()  # workers, maybe on other machines, get absolute paths
    work, cache = out / WORK_DIR, out / CACHE_DIR / "documents.sqlite"
    read = ReadStats()
    shards, futures = [], []
    fmt = input_format or detect_format(Path(input_path))  # once: the reader and the write-back are told
    logger = get_run_logger()
    logger.info("Cleaning %s into %s (%s)", input_path, out, signature["text"])
    with output_lock(out), progress_bar(show_progress) as bar, CacheBuilder(cache) as new_cache:
        remove_partial_files(out, work)  # a killed run's half-written files (finished ones are renamed into place)
        on_interrupt(new_cache.remove_temporary)
        # the first and last shards are smaller, for the workers the task runner has (a worker per core unless told)
        for shard in read_into_shards(input_path, work, shard_size, fmt, read, config, workers):
            shards.append(shard)
            futures.append(clean_shard_task.submit(shard, config, fingerprint, None if full else cache, not full))
            trim_heap()  # what reading the shard freed, back to the system: reading a large corpus takes a while
            bar.update(total=read.documents)
        bar.update(total=read.documents)
        logger.info("Read %d records into %d shards", read.records, len(shards))
        trim_heap()  # and what the read stage's end freed (its indexes' page caches)
        done = 0
        cached = 0  # the shards before this one are in the new cache
        finished_shards = [False] * len(futures)
        position = {id(future): i for i, future in enumerate(futures)}
        for finished, future in enumerate(as_completed(futures), 1):
            documents = future.result()["totals"].get("documents", 0)
            done += documents
            bar.advance(documents)
            logger.info("Shard %d of %d cleaned (%d of %d documents)", finished, len(futures), done, read.documents)
            finished_shards[position[id(future)]] = True
            while cached < len(shards) and finished_shards[cached]:
                new_cache.add(shards[cached].with_suffix(".cache.jsonl"))
                cached += 1
        counts = [f.result() for f in futures]
        retire_workers()  # every shard is cleaned: the merge runs here, without the idle workers beside it
        summary = merge_shards_task(work, out, shards, counts, read, signature, input_path, False, config)
        if fmt in TRANSLATION_FORMATS:  # the cleaned file for the CAT tool, beside the JSONL outputs
            summary["translation_file"] = write_back_task(input_path, fmt, config.lang, out).name
        for line in summary_lines(summary):
            logger.info(line)
        if write_summary:
            write_json(out / "summary.json", summary)  # last: the folder is complete
        new_cache.commit()
        shutil.rmtree(work, ignore_errors=True)
    return summary


def report_to(server: TemporaryServer | BackgroundServer | None) -> TemporaryServer | BackgroundServer | None:
    """Make this process, and every worker it starts, report to `server`, the temporary API server
    the command line launched (flows/temporary_server.py) or Prefect's background server it found
    running (flows/background_server.py), unless a Prefect profile or settings file
    configures a server: then that one is used (and a temporary `server` stopped). Returns `server`
    if it is the one in use.

    The address goes into the environment, which the pool's workers and a local Dask cluster's
    inherit (with no server configured, each process that runs a task would start a temporary API
    server of its own, ~10 s each, measured in notes/prefect.md), and into Prefect's global
    settings, which it read from the environment when it was imported: refreshed here the way
    Prefect refreshes them after its plugins set variables. Its log and event workers flush at
    exit, outside any settings context, and so reach this server too (it stops after them: it
    registered its stop at exit before they registered their flush). The alternative, registering
    the server as Prefect's own temporary instance, imports Prefect's whole server application
    into this process (seconds of CPU and tens of MB) for that one lookup.
    """
    if server is None:
        return None
    if PREFECT_API_URL.value():
        server.stop()
        return None
    os.environ["PREFECT_API_URL"] = server.api_url
    refresh_global_settings_context()
    return server


def make_task_runner(runner: str, workers: int | None = None, dask_address: str | None = None) -> TaskRunner:
    """A bounded pool: as many workers as cores unless told, so at most that many shards are in memory.

    `dask` runs shards on a Dask cluster through prefect-dask: a local cluster of single-threaded
    worker processes, or the existing cluster at `dask_address` (its workers need mtqa installed
    and the shard folder, inside the output folder, on storage they share with this machine).
    """
    workers = workers or os.cpu_count() or 1
    if runner == "threads":
        return ThreadPoolTaskRunner(max_workers=workers)
    if runner == "processes":
        return PreforkedTaskRunner(max_workers=workers)  # the workers the command line forked, if any (flows/pool.py)
    if runner == "dask":
        os.environ.setdefault("DASK_LOGGING__DISTRIBUTED", "warning")
        try:
            from prefect_dask import DaskTaskRunner
        except ImportError as exc:
            raise RuntimeError("--runner dask needs prefect-dask: pip install 'mtqa[dask]'") from exc
        if dask_address:
            return DaskTaskRunner(address=dask_address)
        # the local cluster's workers print warnings to the user's terminal themselves, such as a task
        # "ended with CancelledError" after Ctrl-C, below the one line that says the run stopped:
        # Dask's housekeeping, not the user's business; their errors still show
        return DaskTaskRunner(cluster_kwargs={"n_workers": workers, "threads_per_worker": 1, "processes": True,
                                              "dashboard_address": ":0", "silence_logs": logging.ERROR})
    raise ValueError(f"unknown runner {runner!r}; choose one of {', '.join(RUNNERS)}")
