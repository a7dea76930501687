"""Duplicates at scale: throughput and peak memory at 1x, 3x and 10x the bundled data.

    .venv/bin/python benchmarks/bench_dedup.py [--scales 1,3,10] [--skip-clean]

Corpus: every MT output of ../shared/data (benchmarks/corpus.py), then copies of it under new ids,
in turn: verbatim (exact duplicates); perturbed the way MT and copy-editing vary a text (first
letter's case flipped, a space before commas, every digit changed: near duplicates); and made
distinct by a closing sentence of their own (new documents whose other sentences are duplicates),
so that what the index holds grows with the corpus. Real MT output also repeats itself (several
systems and raters, one segment), so copy 0 has duplicates too.

1. The read stage alone (stream, check every record, find duplicate documents and sentences,
   write shards), in a child process: documents/s and peak resident memory, with sentence
   duplicates on (the default) and off.
2. `mtqa clean --drop-duplicates` end to end (process runner, 2 workers): wall time, peak memory
   of the process tree, and the check that read = cleaned + quarantined.

What was seen lives in SQLite on disk (corpora/seen.py), so memory must stay flat as the corpus
grows. Results go to benchmarks/results/dedup.{json,md} (scales not run keep their earlier figures).
Run it on an otherwise idle machine.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from benchmarks.bench_clean import MTQA, RESULTS, WORK, measure  # noqa: E402
from benchmarks.corpus import bio_mqm_records  # noqa: E402

_DIGIT = re.compile(r"\d")


def perturbed(text: str, copy: int) -> str:
    """A near duplicate: what case, spacing and digit folding set aside."""
    text = (text[:1].swapcase() + text[1:]).replace(", ", " , ")
    return _DIGIT.sub(lambda m: str((int(m.group()) + copy) % 10), text)


def distinct(text: str, copy: int) -> str:
    """A new document: a closing sentence no other copy has (letters, since digits fold alike)."""
    word = "".join(chr(ord("a") + int(d)) for d in str(copy))
    return f"{text} Cohort {word}."


def build(path: Path, copies: int) -> int:
    n = 0
    with open(path, "w", encoding="utf-8") as out:
        for copy in range(copies):
            for rec in bio_mqm_records():
                if copy:
                    rec["id"] = f"{rec['id']}@copy{copy}"
                    rec["text"] = (lambda t, c: t, perturbed, distinct)[copy % 3](rec["text"], copy)
                out.write(json.dumps(rec, ensure_ascii=False) + "\n")
                n += 1
    return n


def read_stage(corpus: str, work: str, sentences: bool) -> None:
    """The child process of part 1: the read stage alone, its figures as one JSON line."""
    from mtqa.cleaners.config import CleanConfig
    from mtqa.flows.shards import ReadStats, read_into_shards

    config = CleanConfig(drop_duplicates=True, duplicate_sentence_min_chars=20 if sentences else None)
    stats, start = ReadStats(), time.perf_counter()
    for _ in read_into_shards(corpus, Path(work), 1000, None, stats, config):
        pass
    seconds = time.perf_counter() - start
    index_mb = (Path(work) / "texts.sqlite").stat().st_size / 2**20
    print(json.dumps({"records": stats.records, "kept": stats.documents, "rejected": dict(stats.rejected),
                      "duplicates": dict(stats.duplicates), "stage_seconds": round(seconds, 2), "index_mb": round(index_mb, 1)}))


def main() -> None:
    if len(sys.argv) == 5 and sys.argv[1] == "read":
        return read_stage(sys.argv[2], sys.argv[3], sys.argv[4] == "sentences")
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scales", default="1,3,10")
    parser.add_argument("--skip-clean", action="store_true", help="measure the read stage only")
    args = parser.parse_args()
    WORK.mkdir(parents=True, exist_ok=True)
    previous = RESULTS / "dedup.json"  # scales not asked for keep their earlier figures
    results = json.loads(previous.read_text(encoding="utf-8")) if previous.exists() else {"read": {}, "clean": {}}
    results.update(date=datetime.now(timezone.utc).isoformat(timespec="seconds"), cpus=os.cpu_count())
    for scale in (int(s) for s in args.scales.split(",")):
        corpus = WORK / f"dedup-{scale}x.jsonl"
        if not corpus.exists():
            build(corpus, scale)
        mb = round(corpus.stat().st_size / 2**20, 1)
        for mode in ("sentences", "documents only"):
            work = WORK / "dedup-read"
            shutil.rmtree(work, ignore_errors=True)
            run = measure([sys.executable, __file__, "read", str(corpus), str(work), mode.split()[0]])
            run.update(json.loads(run.pop("stdout")), corpus_mb=mb)
            run["docs_per_s"] = round(run["records"] / run["stage_seconds"])
            results["read"][f"{scale}x, {mode}"] = run
            print(f"read {scale}x {mode}", run, flush=True)
        shutil.rmtree(WORK / "dedup-read", ignore_errors=True)
        if args.skip_clean:
            continue
        out = WORK / "dedup-out" / f"{scale}x"
        shutil.rmtree(out, ignore_errors=True)
        run = measure([MTQA, "clean", str(corpus), "--out", str(out), "--drop-duplicates", "--runner", "processes",
                       "--workers", "2", "--no-progress"])
        run.pop("stdout")
        summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
        run.update(records=summary["records_read"], cleaned=summary["documents_cleaned"],
                   quarantined=summary["quarantine_by_reason"], duplicates=summary["duplicates"],
                   accounted=summary["records_read"] == summary["documents_cleaned"] + summary["records_quarantined"],
                   docs_per_s=round(summary["records_read"] / run["seconds"]), corpus_mb=mb)
        results["clean"][f"{scale}x"] = run
        print(f"clean {scale}x", run, flush=True)
        shutil.rmtree(out, ignore_errors=True)
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "dedup.json").write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    (RESULTS / "dedup.md").write_text(markdown(results), encoding="utf-8")
    print(markdown(results))


def markdown(results: dict) -> str:
    lines = ["# Duplicates at scale: throughput and peak memory", "",
             f"- Date: {results['date']}; {results['cpus']} CPUs; corpus: every MT output of ../shared/data, copied "
             "under new ids (in turn verbatim, with case, spacing and digits perturbed, and with a closing sentence "
             "of their own; see the script)",
             "- Peak memory: summed resident memory of the process tree, sampled every 0.1 s.", "",
             "## The read stage alone (stream, check, find duplicates, write shards; one process)", "",
             "| corpus | MB | records | kept | exact / near documents dropped | sentence duplicates | seconds | records/s "
             "| index on disk (MB) | peak memory (MB) |", "|---|---|---|---|---|---|---|---|---|---|"]
    for label, r in results["read"].items():
        sentences = r["duplicates"].get("duplicate.sentence", 0) + r["duplicates"].get("duplicate.near_sentence", 0)
        lines.append(f"| {label} | {r['corpus_mb']} | {r['records']} | {r['kept']} | {r['rejected'].get('duplicate_text', 0)} / "
                     f"{r['rejected'].get('near_duplicate_text', 0)} | {sentences} | {r['stage_seconds']} | {r['docs_per_s']} "
                     f"| {r['index_mb']} | {r['peak_rss_mb']} |")
    if results["clean"]:
        lines += ["", "## `mtqa clean --drop-duplicates`, process runner, 2 workers (Prefect's start-up included)", "",
                  "| corpus | records | cleaned | quarantined | read = cleaned + quarantined | seconds | records/s | peak memory (MB) |",
                  "|---|---|---|---|---|---|---|---|"]
        for label, r in results["clean"].items():
            quarantined = ", ".join(f"{k} {v}" for k, v in r["quarantined"].items())
            lines.append(f"| {label} | {r['records']} | {r['cleaned']} | {quarantined} | {r['accounted']} | {r['seconds']} "
                         f"| {r['docs_per_s']} | {r['peak_rss_mb']} |")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    main()
