"""Where `clean_document`'s time goes: cProfile, in CPU time, over the first N records of the
into-English corpus of benchmarks/bench_peers.py (run that first, or give a JSONL file).

    .venv/bin/python benchmarks/profile_clean.py [N] [--corpus FILE]

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
from pathlib import Path

from cleaners import pipeline
from cleaners.config import CleanConfig
from mtqa.records import Document

CORPUS = Path(__file__).resolve().parent / "work" / "peers" / "into-en.jsonl"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("n", type=int, nargs="?", default=3000)
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    args = parser.parse_args()
    with open(args.corpus, encoding="utf-8") as stream:
        records = [json.loads(line) for _, line in zip(range(args.n), stream)]
    docs = [Document(r["id"], r["text"], r.get("lang"), source=r.get("source"), source_lang=r.get("source_lang")) for r in records]
    config = CleanConfig()
    pipeline.clean_document(Document("warm-up", "Warm up.", "en"), config)  # load the packs and profiles
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


if __name__ == "__main__":
    main()
