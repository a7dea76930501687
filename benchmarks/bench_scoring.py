"""Scoring a revision against references: sacrebleu reading every segment each time it is asked,
against mtqa's metric objects that read each distinct segment once (scoring/metrics.py).

    .venv/bin/python benchmarks/bench_scoring.py

The corpus is corpora/samples/bio-mqm-sample.jsonl (56 real MT records with 1-4 human references,
8 target languages), compared per language as `mtqa score` does (scoring.compare.compare: BLEU,
chrF, chrF++, TER, paired bootstrap and approximate randomisation), with two revisions: one that
touches one segment in ten (as mtqa's fixes do: most segments are left alone) and one that
touches nearly every segment. Both ways must give the same result, to the byte of its JSON; the
CPU seconds and the number of TER segment readings of each are written to
benchmarks/results/scoring.{json,md}.
"""

from __future__ import annotations

import json
import platform
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime, timezone
from importlib.metadata import version
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sacrebleu.metrics.base import Metric  # noqa: E402

from mtqa.scoring.compare import compare  # noqa: E402
from mtqa.scoring.metrics import StatisticsOnce  # noqa: E402

SAMPLE = ROOT / "corpora" / "samples" / "bio-mqm-sample.jsonl"
RESULTS = ROOT / "benchmarks" / "results"
REVISIONS: dict[str, Callable[[int, str], str]] = {
    "one segment in ten revised": lambda i, text: text.replace(",", "", 1) if i % 10 == 0 else text,
    "nearly every segment revised": lambda i, text: text.replace(",", "").replace(" the ", " a "),
}


@contextmanager
def sacrebleu_reading_every_time() -> Iterator[None]:
    """sacrebleu's own `_extract_corpus_statistics`, as plain sacrebleu metrics would call it."""
    kept = StatisticsOnce.__dict__["_extract_corpus_statistics"]
    del StatisticsOnce._extract_corpus_statistics
    try:
        yield
    finally:
        StatisticsOnce._extract_corpus_statistics = kept


@contextmanager
def counting_readings(counts: Counter) -> Iterator[None]:
    """Count the segments sacrebleu reads, per metric class."""
    own = Metric._extract_corpus_statistics

    def counted(metric, hypotheses, references):
        counts[type(metric).__name__] += len(hypotheses)
        return own(metric, hypotheses, references)

    Metric._extract_corpus_statistics = counted
    try:
        yield
    finally:
        Metric._extract_corpus_statistics = own


def score_all(records: list[dict], revise: Callable[[int, str], str]) -> tuple[str, float, int, int]:
    """compare() per language; its results as JSON, the CPU seconds, the TER segment readings and
    the number of segments the revision changed."""
    counts: Counter = Counter()
    results = {}
    changed = 0
    started = time.process_time()
    with counting_readings(counts):
        for lang in sorted({r["lang"] for r in records}):
            mine = [r for r in records if r["lang"] == lang]
            before = [r["text"] for r in mine]
            after = [revise(i, text) for i, text in enumerate(before)]
            changed += sum(a != b for a, b in zip(after, before))
            results[lang] = compare(before, after, [r["references"] for r in mine], lang)
    return json.dumps(results, sort_keys=True), round(time.process_time() - started, 2), counts["OnceTER"], changed


def main() -> None:
    records = [json.loads(line) for line in SAMPLE.read_text(encoding="utf-8").splitlines() if line.strip()]
    rows = []
    for name, revise in REVISIONS.items():
        with sacrebleu_reading_every_time():
            plain, plain_cpu, plain_reads, changed = score_all(records, revise)
        once, once_cpu, once_reads, _ = score_all(records, revise)
        if plain != once:
            raise SystemExit(f"{name}: the results differ")
        rows.append({"revision": name, "records": len(records), "segments_changed": changed,
                     "sacrebleu_cpu_seconds": plain_cpu, "mtqa_cpu_seconds": once_cpu,
                     "speedup": round(plain_cpu / once_cpu, 2), "ter_readings_sacrebleu": plain_reads,
                     "ter_readings_mtqa": once_reads, "identical_results": True})
        print(rows[-1], flush=True)
    result = {"date": datetime.now(timezone.utc).isoformat(timespec="seconds"), "python": platform.python_version(),
              "sacrebleu": version("sacrebleu"), "corpus": str(SAMPLE.relative_to(ROOT)), "runs": rows}
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "scoring.json").write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    lines = ["# Scoring a revision: each segment read once", "",
             f"{result['corpus']}, compared per target language by `scoring.compare.compare` (sacrebleu "
             f"{result['sacrebleu']}, Python {result['python']}), {result['date']}. CPU seconds of one process; "
             "'TER readings' counts the segments whose TER statistics were computed.", "",
             "| revision | segments changed | sacrebleu, every reading: CPU s | mtqa: CPU s | speed-up | TER readings: sacrebleu / mtqa | results |",
             "|---|---|---|---|---|---|---|"]
    for r in rows:
        lines.append(f"| {r['revision']} | {r['segments_changed']} of {r['records']} | {r['sacrebleu_cpu_seconds']} "
                     f"| {r['mtqa_cpu_seconds']} | {r['speedup']}x | {r['ter_readings_sacrebleu']} / {r['ter_readings_mtqa']} "
                     "| identical |")
    (RESULTS / "scoring.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
