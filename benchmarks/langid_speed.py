"""mtqa's language ID against langdetect itself: the same answers, and how much faster.

    .venv/bin/python benchmarks/langid_speed.py [--limit N]

cleaners/langid.py runs langdetect's algorithm on langdetect's profiles, with the random walk on a
numpy matrix and the n-gram extraction cached per word (see its docstring). This checks, on every
distinct text of ../shared/data/bio-mqm (sources, MT outputs and human references, all 15 language
pairs; or the N with the smallest SHA-1 with --limit), that its answer is langdetect's to the last
bit (the full list of languages and probabilities, or the same exception), and times both, one
after the other on the same texts, in CPU time of this process (the machine is shared: CPU time
is steadier than wall time there). Results: benchmarks/results/langid_speed.{json,md}.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import sys
import time
from collections import Counter
from datetime import datetime, timezone
from importlib.metadata import version
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.corpus import bio_mqm_records  # noqa: E402
from mtqa.cleaners import langid  # noqa: E402

RESULTS = ROOT / "benchmarks" / "results"


def texts(limit: int | None) -> list[tuple[str, str]]:
    """(language, text) for every distinct text, in SHA-1 order."""
    found: dict[str, str] = {}
    for humans in (False, True):
        for rec in bio_mqm_records(humans=humans):
            found.setdefault(rec["source"], rec["source_lang"])
            found.setdefault(rec["text"], rec["lang"])
            for ref in rec["references"]:
                found.setdefault(ref, rec["lang"])
    ordered = sorted(found.items(), key=lambda kv: hashlib.sha1(kv[0].encode("utf-8")).hexdigest())
    return [(lang, text) for text, lang in ordered[:limit]]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--limit", type=int, default=None)
    args = parser.parse_args()
    sample = texts(args.limit)
    langid.compare_answer("", reference=True)  # load both detectors' profiles before the clock
    langid.supported_languages()

    def stock(text: str):
        return langid.compare_answer(text, reference=True)

    def ours(text: str):
        return langid.compare_answer(text)  # uncached: time the detector, not the cache

    load = os.getloadavg()
    start = time.process_time()
    theirs = [stock(text) for _, text in sample]
    stock_s = time.process_time() - start
    start = time.process_time()
    mine = [ours(text) for _, text in sample]
    ours_s = time.process_time() - start
    differ = [(lang, text[:80]) for (lang, text), a, b in zip(sample, theirs, mine) if a != b]
    result = {
        "texts": len(sample), "by_language": dict(sorted(Counter(lang for lang, _ in sample).items())),
        "characters": sum(len(text) for _, text in sample), "differ": len(differ), "differing": differ[:20],
        "langdetect_cpu_s": round(stock_s, 2), "mtqa_cpu_s": round(ours_s, 2), "speedup": round(stock_s / ours_s, 2),
        "langdetect_ms_per_text": round(1000 * stock_s / len(sample), 3), "mtqa_ms_per_text": round(1000 * ours_s / len(sample), 3),
        "load_before": [round(x, 2) for x in load], "load_after": [round(x, 2) for x in os.getloadavg()],
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform()},
        "versions": {p: version(p) for p in ("langdetect", "numpy")},
        "date": datetime.now(timezone.utc).isoformat(timespec="seconds"),
    }
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "langid_speed.json").write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    md = "\n".join([
        "# mtqa's language ID against langdetect: same answers, less time",
        "",
        f"- Machine: {result['machine']['cpus']} CPUs, {result['machine']['platform']}, Python {result['machine']['python']}; "
        f"langdetect {result['versions']['langdetect']}, numpy {result['versions']['numpy']}",
        f"- Date: {result['date']}; load average before / after: {result['load_before'][0]} / {result['load_after'][0]}",
        f"- Texts: every distinct source, MT output and reference of ../shared/data/bio-mqm"
        f"{'' if args.limit is None else f' (the {args.limit} with the smallest SHA-1)'}: {result['texts']} texts, "
        f"{result['characters']} characters; by language {result['by_language']}",
        "- Time: CPU time of one process, langdetect first, then mtqa's detector (uncached), on the same texts.",
        "",
        "| detector | CPU seconds | ms per text | answers differing from langdetect's |",
        "|---|---|---|---|",
        f"| langdetect {result['versions']['langdetect']} (`detect_langs`, seed 0) | {result['langdetect_cpu_s']} "
        f"| {result['langdetect_ms_per_text']} | (reference) |",
        f"| mtqa (cleaners/langid.py) | {result['mtqa_cpu_s']} | {result['mtqa_ms_per_text']} | {result['differ']} |",
        "",
        f"Speed-up: {result['speedup']}x, with every answer (languages, probabilities, refusals) identical."
        if not differ else f"Speed-up: {result['speedup']}x; {len(differ)} answers differ (see the JSON).",
    ]) + "\n"
    (RESULTS / "langid_speed.md").write_text(md, encoding="utf-8")
    print(md)


if __name__ == "__main__":
    main()
