"""Throughput and peak memory of `mtqa clean`, beside a plain loop making the same library calls.

    .venv/bin/python benchmarks/bench_clean.py [--repeat 10] [--runs plain,threads,processes,processes-1,scale]

Builds a corpus of every MT output in ../shared/data (benchmarks/corpus.py), then measures, each
in a fresh process, with the process tree's resident memory sampled every 0.1 s:

- `plain`: a Python loop over the same documents making the same ftfy and langdetect calls
  mtqa makes (ftfy on every line, langdetect on every document and multi-sentence sentence long
  enough to be judged); the sentences are found before the clock starts, so the loop pays for
  nothing but the two libraries. This is the floor: what the calls cost with no pipeline.
- `mtqa clean` with the thread runner and with the process runner (2 workers, and 1 worker to
  show how it scales), on 1x the corpus, and with the process runner on `--repeat` x the corpus
  (ids suffixed) to show that peak memory does not grow with the corpus (`scale`).

Results go to benchmarks/results/clean_throughput.{json,md}; runs not asked for keep their
earlier figures. Run it on an otherwise idle machine: the figures are wall-clock.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import time
from datetime import datetime, timezone
from importlib.metadata import version
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parents[1]
WORK = ROOT / "benchmarks" / "work"
RESULTS = ROOT / "benchmarks" / "results"
MTQA = str(Path(sys.executable).with_name("mtqa"))


def measure(cmd: list[str]) -> dict:
    """Run a command; wall time and the peak of its process tree's summed RSS."""
    start = time.perf_counter()
    proc = psutil.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    peak = 0
    while proc.poll() is None:
        try:
            procs = [proc] + proc.children(recursive=True)
            peak = max(peak, sum(p.memory_info().rss for p in procs if p.is_running()))
        except psutil.Error:
            pass
        time.sleep(0.1)
    out, err = proc.communicate()
    seconds = time.perf_counter() - start
    if proc.returncode != 0:
        raise SystemExit(f"{cmd} failed ({proc.returncode}):\n{err}")
    return {"seconds": round(seconds, 2), "peak_rss_mb": round(peak / 2**20, 1), "stdout": out.strip()}


def plain_loop(corpus: str) -> None:
    """The floor: the same ftfy and language-ID calls as mtqa (fastText confirming the record's
    language, else langdetect), in a bare loop (run in a child)."""
    import ftfy

    from mtqa.cleaners import langid
    from mtqa.cleaners.config import CleanConfig
    from mtqa.cleaners.normalise import FTFY_CONFIG
    from mtqa.cleaners.rulepack import primary_subtag
    from mtqa.cleaners.segment import sentence_spans

    cfg = CleanConfig()
    docs = []
    for line in open(corpus, encoding="utf-8"):
        rec = json.loads(line)
        text = rec["text"]
        spans = sentence_spans(text, rec.get("lang"))
        sentences = [text[s:e] for s, e in spans] if len(spans) > 1 else []
        docs.append((text, sentences, primary_subtag(rec["lang"]) if rec.get("lang") else None))
    langid.supported_languages()  # load both detectors' models before the clock starts, as a worker does
    langid.fast_guess("")
    thresholds = (cfg.langid_min_letters, cfg.langid_min_prob, cfg.langid_min_han)
    start = time.perf_counter()
    for text, sentences, lang in docs:
        for line in text.splitlines(keepends=True):
            ftfy.fix_and_explain(line, FTFY_CONFIG)
        for piece in [text, *sentences]:
            langid.detect(piece, *thresholds, expected=lang, confirm_prob=cfg.langid_confirm_prob)
    print(json.dumps({"loop_seconds": time.perf_counter() - start, "documents": len(docs)}))


def run_mtqa(corpus: Path, out: Path, runner: str, workers: int) -> dict:
    cmd = [MTQA, "clean", str(corpus), "--out", str(out), "--runner", runner, "--workers", str(workers), "--no-progress"]
    result = measure(cmd)
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    result.update(documents=summary["documents_cleaned"], findings=summary["findings"], edits=summary["edits"])
    return result


def main() -> None:
    if len(sys.argv) == 3 and sys.argv[1] == "plain":
        return plain_loop(sys.argv[2])
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=10)
    parser.add_argument("--runs", default="plain,threads,processes,processes-1,scale")
    args = parser.parse_args()
    runs = args.runs.split(",")
    WORK.mkdir(parents=True, exist_ok=True)
    corpora = {}
    for n in sorted({1, args.repeat}):
        corpora[n] = WORK / f"corpus-{n}x.jsonl"
        if not corpora[n].exists():
            subprocess.run([sys.executable, str(ROOT / "benchmarks" / "corpus.py"), "all", str(corpora[n]), "--repeat", str(n)], check=True)
    one = corpora[1]
    mb = one.stat().st_size / 2**20
    previous = RESULTS / "clean_throughput.json"
    results: dict = json.loads(previous.read_text(encoding="utf-8")) if previous.exists() else {"runs": {}}
    results.update({"machine": {"cpus": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform(),
                                "memory_gb": round(psutil.virtual_memory().total / 2**30, 1)},
                    "versions": {p: version(p) for p in ("mtqa", "prefect", "ftfy", "langdetect", "sentencex")},
                    "date": datetime.now(timezone.utc).isoformat(timespec="seconds"), "corpus_mb": round(mb, 1)})
    if "plain" in runs:
        plain = measure([sys.executable, __file__, "plain", str(one)])
        plain.update(json.loads(plain.pop("stdout")))
        plain["docs_per_s"] = round(plain["documents"] / plain["loop_seconds"], 1)
        plain["mb_per_s"] = round(mb / plain["loop_seconds"], 3)
        results["runs"]["plain loop, 1x"] = plain
        print("plain", plain, flush=True)
    planned = {"threads": ("mtqa threads, 1x", one, "threads", 2), "processes": ("mtqa processes, 1x", one, "processes", 2),
               "processes-1": ("mtqa processes, 1 worker, 1x", one, "processes", 1),
               "scale": (f"mtqa processes, {args.repeat}x", corpora[args.repeat], "processes", 2)}
    for key in runs:
        if key not in planned:
            continue
        label, corpus, runner, workers = planned[key]
        run = run_mtqa(corpus, WORK / "out" / key, runner, workers)
        run.pop("stdout")
        run["docs_per_s"] = round(run["documents"] / run["seconds"], 1)
        run["mb_per_s"] = round(corpus.stat().st_size / 2**20 / run["seconds"], 3)
        results["runs"][label] = run
        print(label, run, flush=True)
    plain = results["runs"].get("plain loop, 1x")
    for label, run in results["runs"].items():
        if label.startswith("mtqa") and plain:
            run["vs_plain"] = round(run["docs_per_s"] / plain["docs_per_s"], 3)
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "clean_throughput.json").write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    (RESULTS / "clean_throughput.md").write_text(markdown(results), encoding="utf-8")
    print(markdown(results))


def markdown(results: dict) -> str:
    m = results["machine"]
    lines = [
        "# mtqa clean: throughput and peak memory",
        "",
        f"- Machine: {m['cpus']} CPUs, {m['memory_gb']} GB, {m['platform']}, Python {m['python']}",
        f"- Versions: {', '.join(f'{k} {v}' for k, v in results['versions'].items())}",
        f"- Date: {results['date']}; corpus: every MT output of ../shared/data/bio-mqm ({results['corpus_mb']} MB at 1x)",
        "- Wall time of the whole command (mtqa: includes Prefect's start-up, ~5-8 s); plain loop: the loop alone.",
        "- The plain loop runs on one core; mtqa's process runner on two workers unless said.",
        "- Peak memory: summed resident memory of the process tree (mtqa: includes Prefect's API server, ~220 MB).",
        "",
        "| run | documents | seconds | documents/s | MB/s | peak memory (MB) | vs plain loop |",
        "|---|---|---|---|---|---|---|",
    ]
    for label, r in results["runs"].items():
        seconds = r.get("loop_seconds", r["seconds"])
        lines.append(f"| {label} | {r['documents']} | {seconds:.1f} | {r.get('docs_per_s', '')} | {r.get('mb_per_s', '')} "
                     f"| {r['peak_rss_mb']} | {r.get('vs_plain', '')} |")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    main()
