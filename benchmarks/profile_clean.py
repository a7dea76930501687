"""Where `clean_document`'s time goes: cProfile, in CPU time, over the first N records of the
into-English corpus of benchmarks/bench_peers.py (run that first, or give a JSONL file).

    .venv/bin/python benchmarks/profile_clean.py [N] [--corpus FILE] [--stages | --cpu]

`--stages` does not profile: it times each stage (language ID, rule packs, encoding repair, each
detector) with a clock around it, which costs little, so the shares are the real ones. `--cpu`
does not profile either: it gives the CPU seconds of cleaning the documents, in all and per 1,000,
the figure to compare between commits (CPU time, not wall time: on a shared machine wall time
measures the neighbours). Before the clock starts, one document of each language pair is cleaned,
as `mtqa clean` does in its parent before it forks the workers (flows/pool.py `warm_up`), so what
loads once per pair (word lists, dictionaries, lexicons) is not counted per document.

To profile an older commit with this venv: extract it (`git archive COMMIT | tar -x -C DIR`) and run
with `PYTHONPATH=DIR`. The summary of the profiles taken for issue 8 is in results/profile_clean.md.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import pstats
import time
from collections import Counter
from dataclasses import replace
from pathlib import Path
from types import SimpleNamespace

from mtqa.cleaners import langid, pipeline
from mtqa.cleaners.config import CleanConfig
from mtqa.records import Document

CORPUS = Path(__file__).resolve().parent / "work" / "peers" / "into-en.jsonl"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("n", type=int, nargs="?", default=3000)
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    parser.add_argument("--stages", action="store_true", help="time the stages instead of profiling")
    parser.add_argument("--cpu", action="store_true", help="only the CPU seconds of cleaning, in all and per 1,000 documents")
    args = parser.parse_args()
    with open(args.corpus, encoding="utf-8") as stream:
        records = [json.loads(line) for _, line in zip(range(args.n), stream)]
    docs = [Document(r["id"], r["text"], r.get("lang"), source=r.get("source"), source_lang=r.get("source_lang")) for r in records]
    config = CleanConfig()
    if args.stages:
        stages(docs, config, args.corpus)
        return
    warm_up(args.corpus, config)
    if args.cpu:
        start = time.process_time()
        for doc in docs:
            pipeline.clean_document(doc, config)
        seconds = time.process_time() - start
        distinct = len({(d.text, d.lang, d.source, d.source_lang) for d in docs})
        print(f"code: {pipeline.__file__}; {len(docs)} documents ({distinct} distinct), {seconds:.2f} CPU seconds, "
              f"{1000 * seconds / len(docs):.3f} per 1,000 documents")
        return
    profile = cProfile.Profile(time.process_time)
    start = time.process_time()
    profile.enable()
    for doc in docs:
        pipeline.clean_document(doc, config)
    profile.disable()
    print(f"code: {pipeline.__file__}; {len(docs)} documents, {time.process_time() - start:.2f} CPU seconds (profiled)")
    out = io.StringIO()
    pstats.Stats(profile, stream=out).sort_stats("cumulative").print_stats(40)
    print(out.getvalue())


def warm_up(corpus: Path, config: CleanConfig) -> None:
    """Clean one document of each language pair of the corpus, as `mtqa clean` does before its
    workers start (flows/pool.py)."""
    from mtqa.flows.pool import language_samples
    from mtqa.flows.pool import warm_up as pool_warm_up

    pool_warm_up(config, language_samples(str(corpus), "jsonl", config))


def stages(docs: list[Document], config: CleanConfig, corpus: Path) -> None:
    """CPU seconds per stage of `clean_document` over `docs`, each stage timed where the pipeline
    calls it (a detector's findings are collected inside its clock)."""
    from mtqa.cleaners import detectors

    spent: Counter = Counter()

    def timed(name, fn):
        def run(*args, **kwargs):
            start = time.process_time()
            try:
                return fn(*args, **kwargs)
            finally:
                spent[name] += time.process_time() - start
        return run

    pipeline.langid = SimpleNamespace(**{**vars(langid), "detect": timed("language ID", langid.detect)})
    pipeline.apply_rules = timed("rule packs", pipeline.apply_rules)
    pipeline.repair_unicode = timed("encoding repair (ftfy, NFC)", pipeline.repair_unicode)
    detectors.active_rules(())  # registers every detector
    for rule, det in list(detectors.REGISTRY.items()):
        detectors.REGISTRY[rule] = replace(det, run=timed(f"detector {rule}", lambda view, run=det.run: list(run(view))))
    warm_up(corpus, config)
    spent.clear()
    start = time.process_time()
    for doc in docs:
        pipeline.clean_document(doc, config)
    total = time.process_time() - start
    print(f"code: {pipeline.__file__}; {len(docs)} documents, {total:.2f} CPU seconds")
    for name, seconds in spent.most_common():
        print(f"{seconds:8.2f}  {seconds / total:6.1%}  {name}")
    print(f"{total - sum(spent.values()):8.2f}  {1 - sum(spent.values()) / total:6.1%}  the rest (pipeline, edit log, names, repeats)")


if __name__ == "__main__":
    main()
