"""Incremental runs and Dask scale-out, measured on the benchmark corpus (every MT output of ../shared/data).

    .venv/bin/python benchmarks/bench_scale.py

1. Incremental: a full `mtqa clean` (process runner, 2 workers), the same command again on the
   unchanged corpus, then again after 1% of the documents changed (every 100th gets new text);
   the last output is compared byte for byte with a `--full` run on the changed corpus.
2. Dask: `--runner dask` with 1 worker and with 2 workers (local cluster), throughput ratio.

Each figure is the wall time of the whole command, Prefect's start-up included. Results go to
benchmarks/results/scale.{json,md}. Run it on an otherwise idle machine.
"""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import datetime, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from benchmarks.bench_clean import MTQA, RESULTS, WORK, measure  # noqa: E402

OUTPUTS = ("cleaned.jsonl", "findings.jsonl", "edits.jsonl", "quarantine.jsonl", "summary.json")


def clean(corpus: Path, out: Path, *extra: str) -> dict:
    result = measure([MTQA, "clean", str(corpus), "--out", str(out), "--no-progress", *extra])
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    result.pop("stdout")
    result.update(documents=summary["documents_cleaned"], docs_per_s=round(summary["documents_cleaned"] / result["seconds"], 1))
    return result


def changed_copy(corpus: Path, target: Path, every: int = 100) -> int:
    changed = 0
    with open(corpus, encoding="utf-8") as src, open(target, "w", encoding="utf-8") as out:
        for i, line in enumerate(src):
            rec = json.loads(line)
            if i % every == 0:
                rec["text"] += " (revised)"
                changed += 1
            out.write(json.dumps(rec, ensure_ascii=False) + "\n")
    return changed


def main() -> None:
    corpus = WORK / "corpus-1x.jsonl"
    if not corpus.exists():
        subprocess.run([sys.executable, str(Path(__file__).with_name("corpus.py")), "all", str(corpus)], check=True)
    out = WORK / "scale"
    subprocess.run(["rm", "-rf", str(out)], check=True)
    procs = ["--runner", "processes", "--workers", "2"]
    runs = {}
    runs["full run"] = clean(corpus, out / "inc", *procs)
    runs["second run, unchanged"] = clean(corpus, out / "inc", *procs)
    changed = WORK / "corpus-1x-changed.jsonl"
    n_changed = changed_copy(corpus, changed)
    runs[f"after {n_changed} documents (1%) changed"] = clean(changed, out / "inc", *procs)
    runs["full run on the changed corpus (--full)"] = clean(changed, out / "full", *procs, "--full")
    identical = all((out / "inc" / n).read_bytes() == (out / "full" / n).read_bytes() for n in OUTPUTS)
    runs["dask, 1 worker"] = clean(corpus, out / "dask1", "--runner", "dask", "--workers", "1", "--full")
    runs["dask, 2 workers"] = clean(corpus, out / "dask2", "--runner", "dask", "--workers", "2", "--full")
    dask_identical = all((out / "dask2" / n).read_bytes() == (out / "dask1" / n).read_bytes() for n in OUTPUTS)
    full, unchanged = runs["full run"]["seconds"], runs["second run, unchanged"]["seconds"]
    results = {
        "date": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "runs": runs,
        "speedup_unchanged": round(full / unchanged, 2),
        "speedup_1pct": round(full / runs[f"after {n_changed} documents (1%) changed"]["seconds"], 2),
        "incremental_equals_full": identical,
        "dask_2_vs_1": round(runs["dask, 2 workers"]["docs_per_s"] / runs["dask, 1 worker"]["docs_per_s"], 2),
        "dask_1_equals_dask_2": dask_identical,
    }
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "scale.json").write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    lines = ["# Incremental runs and Dask scale-out", "",
             f"- Date: {results['date']}; corpus: benchmarks/work/corpus-1x.jsonl (48,011 MT outputs, 47.5 MB); 2 CPUs",
             "- Wall time of the whole `mtqa clean` command, Prefect's start-up included.", "",
             "| run | seconds | documents/s | peak memory (MB) |", "|---|---|---|---|"]
    lines += [f"| {k} | {v['seconds']} | {v['docs_per_s']} | {v['peak_rss_mb']} |" for k, v in runs.items()]
    lines += ["", f"- Second run over the unchanged corpus: {results['speedup_unchanged']}x faster than the full run.",
              f"- Run after 1% of the documents changed: {results['speedup_1pct']}x faster than the full run.",
              f"- Incremental outputs byte-identical to a `--full` run on the changed corpus: {identical}.",
              f"- Dask, 2 workers vs 1: {results['dask_2_vs_1']}x the throughput; outputs byte-identical: {dask_identical}."]
    (RESULTS / "scale.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
