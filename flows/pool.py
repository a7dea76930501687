"""A process pool whose workers share what the command has loaded: forked once, early, from a
process that has imported Prefect and mtqa and loaded the models, before any other thread runs.

Prefect's ProcessPoolTaskRunner starts its workers with `spawn`: each one imports Prefect and mtqa
again and loads its own language-ID models, word lists and rule packs (~250 MB PSS and ~4 CPU-s
each, nothing shared). Forking them instead shares every page the parent has loaded until someone
writes to it, but a fork is only safe from a process with no other thread running (a lock held by
another thread stays locked in the child forever), and once a Prefect flow has started, Prefect's
threads are running. So the command line forks the pool first (`prefork`), right after the
arguments are checked and before Prefect starts anything:

1. the models are loaded by cleaning the input's first document of each language pair (the same
   code path as the real work, so nothing is missed; its result is forgotten);
2. `gc.freeze()` moves every object into the collector's permanent generation, so that a full
   collection in a child does not write to (and so copy) every page of the parent's objects;
   switching the collector off from the start of the command as well, against holes left by freed
   cycles, was measured and gained nothing (the parent held 15 MB more);
3. a `ProcessPoolExecutor` on the `fork` context forks all its workers at once, each running
   Prefect's own worker set-up (log and event forwarding to the parent through a queue) and then
   `worker_init` (Ctrl-C is the parent's business; a worker ends once its parent is gone).

`PreforkedTaskRunner` is Prefect's ProcessPoolTaskRunner with that pool: flows, task runs,
retries, logs and the UI are Prefect's, unchanged; only where the workers come from differs. A
flow run takes the prefork once (Prefect duplicates the runner per flow run); a runner with no
prefork (a deployment, `mtqa serve`, a second flow run) starts Prefect's spawn pool as before.
"""

from __future__ import annotations

import ctypes
import gc
import multiprocessing
import os
import signal
import threading
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from dataclasses import dataclass
import json
from collections.abc import Iterator
from itertools import chain, islice
from pathlib import Path
from typing import Any

from typing_extensions import Self

from prefect.task_runners import ProcessPoolTaskRunner, TaskRunner, ThreadPoolTaskRunner
from prefect.task_runners import _initialize_process_pool_worker  # the set-up Prefect runs in each of its workers

from mtqa.cleaners.config import CleanConfig
from mtqa.flows.lifecycle import INTERRUPTS, worker_init
from mtqa.records import Document

WARM_UP_RECORDS = 200  # the input's first records give the language pairs whose models the workers will need
# ... and so do the records at as many places through a JSONL file: a pair holding at least 1/PROBES of
# the file in one stretch is found. A pair missed is not wrong, only dearer: each worker then loads
# its dictionary and word list for itself (a corpus of ten copies, sorted by pair in each, hid a
# pair of 2% of each copy from 64 probes). A probe is a seek and one line read.
PROBES = 1024
SAMPLE_CHARS = 20_000  # the longest sample cleaned for a pair (its result is kept: cleaning it again is free)


@dataclass
class Prefork:
    """A forked pool and the queue its workers send Prefect's logs and events through."""

    executor: ProcessPoolExecutor
    queue: Any
    workers: int


_prefork: Prefork | None = None
_in_worker = False  # set in each worker that `prefork` forked


def _became_worker() -> None:
    global _in_worker
    _in_worker = True


def prefork(workers: int, config: CleanConfig, samples: list[Document]) -> Prefork:
    """Load the models `samples` need (`warm_up`), freeze the heap and fork `workers` pool workers
    now. Call it from the main thread before Prefect has started a thread (the command line does,
    in flows/cli.py); the interrupts are blocked first, so the workers and the pool's threads
    inherit the mask that `exit_on_interrupt` then relies on."""
    global _prefork
    signal.pthread_sigmask(signal.SIG_BLOCK, INTERRUPTS)
    warm_up(config, samples)
    import prefect.engine  # noqa: F401  (what a worker runs a task with: loaded once, shared)
    import prefect.task_engine  # noqa: F401
    from prefect.plugins import load_prefect_collections

    # A worker's first task run looks up a block class while it rebuilds the flow run's context, and
    # that imports every installed Prefect collection (prefect-dask: Dask, distributed, tornado,
    # jinja2..., ~290 modules) in each worker; here they are imported once, and shared
    load_prefect_collections()
    gc.collect()
    # what loading left free (building the word lists alone frees ~80 MB of small blocks, measured)
    # would be part of the image the workers share, and their own allocations would write to it
    trim_heap()
    gc.freeze()
    context = multiprocessing.get_context("fork")
    queue = context.Queue()
    executor = ProcessPoolExecutor(max_workers=workers, mp_context=context, initializer=_initialize_process_pool_worker,
                                   initargs=(queue, worker_init, (_became_worker,)))
    # with `fork`, the executor forks all its workers at its first submit, before its own thread starts
    executor.submit(os.getpid).result()
    _prefork = Prefork(executor, queue, workers)
    return _prefork


def warm_up(config: CleanConfig, samples: list[Document]) -> None:
    """Clean each sample document, so that what cleaning them loads (rule packs, language-ID
    models, each language's word lists and dictionary) is loaded here, once; then forget the rules
    a time-out disabled (cleaners/normalise.py), which the run decides from the documents in its
    own order. The repeat memory of cleaners/pipeline.py keeps the samples: cleaning one again
    gives the same result, relabelled, as for any repeat. Each language's word list and Hunspell
    dictionary are loaded first, whatever the samples' text asks for: a check may need them for
    another document of the pair, and then each worker would load its own; so are the number
    separators of every regional variety, where a pair counts in 万.

    Real documents of the input, one per language pair (`samples`), because what else loads
    depends on the text: a check that runs only on text identified as being in the expected
    language loads nothing for a synthetic short sentence, too short to identify."""
    from mtqa.cleaners import hunspell, normalise, pipeline, quantities
    from mtqa.cleaners.detectors import spelling
    from mtqa.cleaners.detectors.scales import MYRIAD_LANGS
    from mtqa.langtags import primary_subtag

    samples = samples or [Document("mtqa-warm-up", "Warm up.", config.lang, source_lang=config.source_lang)]
    # what a document of the pair may need whatever its text: each side's word list and dictionary
    # (the spelling check reads the target's, the source checks both)
    for lang in dict.fromkeys(primary_subtag(code) for doc in samples
                              for code in (doc.lang or config.lang, doc.source_lang or config.source_lang) if code):
        spelling.load_word_list(lang)
        hunspell.load(lang)
    # where a side counts in 万, the separators of every regional variety of both sides (CLDR's
    # locale data, read by the number comparison of detectors/scales.py)
    for doc in samples:
        tags = [tag for tag in (doc.lang or config.lang, doc.source_lang or config.source_lang) if tag]
        if any(primary_subtag(tag) in MYRIAD_LANGS for tag in tags):
            for tag in tags:
                quantities.readings(tag)
    for doc in samples:
        pipeline.clean_document(doc, config)
    normalise._DISABLED.clear()


def language_samples(input_path: str, fmt: str | None, config: CleanConfig) -> list[Document]:
    """One document of each (target, source) language pair found among the input's first
    WARM_UP_RECORDS records and, in a JSONL file, the lines at PROBES evenly spaced places (a
    corpus is often sorted by language pair): for each pair, the longest of at most SAMPLE_CHARS
    characters, so that it is long enough for language ID (a one-document input is its own sample)."""
    from mtqa.corpora.documents import to_document
    from mtqa.corpora.readers import RawRecord, read_corpus

    pairs: dict[tuple[str | None, str | None], Document] = {}
    for item in chain(islice(read_corpus(input_path, fmt, config.lang, config.max_text_chars), WARM_UP_RECORDS),
                      _probes(Path(input_path)) if fmt == "jsonl" else ()):
        doc = to_document(item) if isinstance(item, RawRecord) else None
        if isinstance(doc, Document) and len(doc.text) <= SAMPLE_CHARS:
            key = (doc.lang or config.lang, doc.source_lang or config.source_lang)
            if key not in pairs or len(doc.text) > len(pairs[key].text):
                pairs[key] = doc
    return list(pairs.values())


def _probes(path: Path) -> Iterator[RawRecord]:
    """The records of the lines that start after PROBES evenly spaced offsets of a plain JSONL file."""
    from mtqa.corpora.readers import RawRecord

    if path.suffix == ".gz" or not path.is_file():
        return
    size = path.stat().st_size
    with open(path, "rb") as stream:
        for offset in range(0, size, max(size // PROBES, 1)):
            stream.seek(offset)
            stream.readline()  # the rest of the line the offset fell in
            line = stream.readline()
            try:
                record = json.loads(line)
            except ValueError:
                continue
            if isinstance(record, dict):
                yield RawRecord(str(path), 0, record)


def take_prefork(workers: int) -> Prefork | None:
    """The pool `prefork` made, once, if it has `workers` workers."""
    global _prefork
    found, _prefork = _prefork, None
    if found is not None and found.workers != workers:
        found.executor.shutdown(wait=False, cancel_futures=True)
        return None
    return found


class PreforkedTaskRunner(ProcessPoolTaskRunner):
    """Prefect's process-pool task runner on the workers `prefork` forked, when there are any."""

    def __init__(self, max_workers: int | None = None, **kwargs: Any) -> None:
        super().__init__(max_workers=max_workers, initializer=worker_init, **kwargs)

    def duplicate(self) -> TaskRunner:
        """The runner for a task run's context. Prefect enters a copy of the flow's runner in each
        task run, in the worker that runs it; Prefect's own copy would build a spawn pool there, with
        its queue, semaphores (which need multiprocessing's resource tracker, one more process) and
        a message thread, for every task, to run the subtasks no mtqa task submits. A worker gets a
        one-thread runner instead: a subtask would run in the worker, which is where it belongs."""
        if _in_worker:
            return ThreadPoolTaskRunner(max_workers=1)
        return super().duplicate()

    def __enter__(self) -> Self:
        pool = take_prefork(self._max_workers)
        if pool is None:
            return super().__enter__()  # Prefect's own: spawn, with worker_init in each worker
        TaskRunner.__enter__(self)
        # what ProcessPoolTaskRunner.__enter__ does after creating its executor and queue
        self._subprocess_message_queue = pool.queue
        self._message_forwarding_thread = threading.Thread(target=self._forward_subprocess_messages,
                                                           name="ProcessPoolTaskRunnerMessageForwarder", daemon=True)
        self._message_forwarding_thread.start()
        self._executor = pool.executor
        self._resolver_executor = ThreadPoolExecutor(max_workers=self._max_workers)
        self._preforked = True
        return self

    def retire(self) -> None:
        """End the workers now: the flow calls it once its last shard is cleaned, so that the
        merge of the outputs, which runs in this process, does not have the idle workers' memory
        beside it (its peak fell on that moment). Prefect still stops the runner at the flow's end
        (`__exit__`), which finds no pool left to stop; a task submitted after this is refused."""
        if self._executor is not None:
            self._executor.shutdown(wait=True)  # the workers end their current task first: none is left
            self._executor = None
        if getattr(self, "_preforked", False):
            self._preforked = False
            release_models()

    def __exit__(self, exc_type: Any, exc_value: Any, traceback: Any) -> None:
        super().__exit__(exc_type, exc_value, traceback)  # waits for the workers to end
        if getattr(self, "_preforked", False):
            self._preforked = False
            release_models()


def retire_workers() -> None:
    """End the current flow run's process pool, if it runs on one (`PreforkedTaskRunner.retire`);
    other runners keep theirs until the flow ends."""
    from prefect.context import FlowRunContext

    context = FlowRunContext.get()
    if context is not None and isinstance(context.task_runner, PreforkedTaskRunner):
        context.task_runner.retire()


def release_models() -> None:
    """Once the forked workers are gone, give back the memory of the models the main process
    loaded only for them to share: language ID's, the word lists and the Hunspell dictionaries
    (each loads again if this process needs it after all). While the workers ran, these pages
    were shared and counted once; alone, the main process would hold them all through the rest of
    the command (the merge is done by then, but the flow's end, Prefect's flush at exit, and
    scoring in `mtqa run` are still to come). Most of it was allocated in small blocks that
    `free` keeps in the heap: `trim_heap` hands the free pages back (measured: 308 MB RSS after the
    warm-up, 269 after the release, 168 after the trim)."""
    from mtqa.cleaners import hunspell, langid
    from mtqa.cleaners.detectors import spelling

    langid.release()
    spelling.release_word_lists()
    hunspell.release()
    trim_heap()


def trim_heap() -> None:
    """Hand the heap's free pages back to the system (glibc's `malloc_trim`; elsewhere nothing)."""
    trim = getattr(ctypes.CDLL(None), "malloc_trim", None)  # in the process's own symbols
    if trim is not None:
        trim(0)
