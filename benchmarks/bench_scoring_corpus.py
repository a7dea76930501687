"""Scoring at corpus scale: `mtqa score` against the `sacrebleu` command's paired tests, same files.

    .venv/bin/python benchmarks/bench_scoring_corpus.py [--no-sacrebleu]

The corpus is every machine translation out of English in ../shared/data/bio-mqm that has at least
two human references, with its first two (benchmarks/corpus.py; 7 target languages, ~20,000
segments): two references for every segment, so that the `sacrebleu` command, which reads one
file per reference, reads exactly what mtqa scores. `mtqa clean` revises it once (not timed:
its output is the input of both), then:

- **mtqa**: `mtqa score RUN_DIR` (every metric, BLEU, chrF, chrF++ and TER, both paired tests,
  per target language), one fresh process, measured for wall and CPU seconds and the peak of its
  process tree's summed RSS and PSS, sampled every 0.1 s (MEMORY_SAMPLE_SECONDS).
- **sacrebleu**: for each target language, the files `original.txt` (the baseline), `revised.txt`
  and `ref0.txt`, `ref1.txt`, and the command `sacrebleu ref0.txt ref1.txt -i original.txt
  revised.txt -m bleu chrf ter --paired-bs` (then `--paired-ar`), plus `-m chrf
  --chrf-word-order 2` for chrF++ (one command computes one chrF), with mtqa's settings for the
  language (`-l en-zh`, TER `--ter-normalized --ter-asian-support` for Chinese) and mtqa's number
  of resamples and trials for that language. Wall and CPU seconds are summed over the commands,
  peak memory is the largest.

Both must agree: every score and p-value the command prints (at its printed precision) equals
mtqa's. Results: benchmarks/results/scoring_corpus.{json,md}. The machine is shared: record the
load; the CPU seconds are the steadier figure.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import re
import subprocess
import sys
from datetime import datetime, timezone
from importlib.metadata import version
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.bench_peers import timed  # noqa: E402
from benchmarks.corpus import bio_mqm_records  # noqa: E402
from mtqa.scoring.compare import AR_TRIALS, BOOTSTRAP_SAMPLES, MIN_SAMPLES, SAMPLE_BUDGET  # noqa: E402

WORK = ROOT / "benchmarks" / "work" / "scoring-corpus"
RESULTS = ROOT / "benchmarks" / "results"
# One process whose memory may peak for a moment: sampled finely (what that costs a two-core
# machine matters less here than in bench_peers.py, whose ratios it would bias).
MEMORY_SAMPLE_SECONDS = 0.1
BIN = Path(sys.executable).parent
REFERENCES = 2
SACREBLEU_NAMES = {"BLEU": "bleu", "chrF2": "chrf", "chrF2++": "chrf++", "TER": "ter"}


def build_corpus() -> Path:
    """The JSONL corpus: out-of-English MT with its first two references (a segment with a line
    break inside is left out: the command reads one segment a line)."""
    WORK.mkdir(parents=True, exist_ok=True)
    corpus = WORK / "from-en.jsonl"
    lines = []
    for rec in bio_mqm_records():
        refs = rec["references"][:REFERENCES]
        if rec["source_lang"] != "en" or len(refs) < REFERENCES:
            continue
        if any("\n" in t or "\r" in t for t in [rec["text"], *refs]):
            continue
        lines.append(json.dumps({**rec, "references": refs}, ensure_ascii=False) + "\n")
    text = "".join(lines)
    if not corpus.exists() or corpus.read_text(encoding="utf-8") != text:
        corpus.write_text(text, encoding="utf-8")
    return corpus


def cleaned_run(corpus: Path) -> Path:
    """`mtqa clean` of the corpus, once per corpus content (its hash beside the output)."""
    run = WORK / "run"
    digest = hashlib.sha256(corpus.read_bytes()).hexdigest()
    marker = WORK / "run.sha256"
    if not (marker.exists() and marker.read_text() == digest and (run / "cleaned.jsonl").exists()):
        subprocess.run([str(BIN / "mtqa"), "clean", str(corpus), "--out", str(run), "--no-progress"], check=True)
        marker.write_text(digest)
    return run


def samples_for(segments: int) -> dict[str, int]:
    budget = max(MIN_SAMPLES, SAMPLE_BUDGET // segments)
    return {"bs": min(BOOTSTRAP_SAMPLES, budget), "ar": min(AR_TRIALS, budget)}


def sacrebleu_files(run: Path) -> dict[str, Path]:
    """Per target language: original.txt, revised.txt, ref0.txt, ref1.txt from cleaned.jsonl."""
    groups: dict[str, list[dict]] = {}
    with open(run / "cleaned.jsonl", encoding="utf-8") as stream:
        for line in stream:
            rec = json.loads(line)
            groups.setdefault(rec["lang"], []).append(rec)
    folders = {}
    for lang, records in sorted(groups.items()):
        folder = WORK / "sacrebleu" / lang
        folder.mkdir(parents=True, exist_ok=True)
        columns = {"original.txt": [r["original"] for r in records], "revised.txt": [r["text"] for r in records]}
        for i in range(REFERENCES):
            columns[f"ref{i}.txt"] = [r["references"][i] for r in records]
        for name, texts in columns.items():
            (folder / name).write_text("".join(t + "\n" for t in texts), encoding="utf-8")
        folders[lang] = folder
    return folders


def run_sacrebleu(folders: dict[str, Path]) -> tuple[dict, dict]:
    """Every command for every language: their summed time, the largest peak, and the printed results."""
    total = {"seconds": 0.0, "cpu_seconds": 0.0, "peak_rss_mb": 0.0, "peak_pss_mb": 0.0, "commands": 0}
    printed: dict[str, dict[str, dict]] = {}
    for lang, folder in folders.items():
        segments = sum(1 for _ in open(folder / "original.txt", encoding="utf-8"))
        n = samples_for(segments)
        settings = ["-l", f"en-{lang}"] + (["--ter-normalized", "--ter-asian-support"] if lang in ("zh", "ja") else [])
        for test in ("bs", "ar"):
            for metrics in (["-m", "bleu", "chrf", "ter"], ["-m", "chrf", "--chrf-word-order", "2"]):
                cmd = [str(BIN / "sacrebleu"), *(str(folder / f"ref{i}.txt") for i in range(REFERENCES)),
                       "-i", str(folder / "original.txt"), str(folder / "revised.txt"), *metrics, *settings,
                       f"--paired-{test}", f"--paired-{test}-n", str(n[test]), "-w", "4", "--no-color", "--quiet",
                       *(["-f", "text"] if test == "bs" else [])]
                log = WORK / f"sacrebleu-{lang}-{test}-{metrics[-1]}.log"
                result = timed(cmd, log)
                for key in ("seconds", "cpu_seconds"):
                    total[key] += result[key]
                for key in ("peak_rss_mb", "peak_pss_mb"):
                    total[key] = max(total[key], result[key])
                total["commands"] += 1
                for name, values in parse_output(log.read_text(encoding="utf-8")).items():
                    printed.setdefault(lang, {})[(name, test)] = values
                print(lang, test, metrics[-1], result["seconds"], "s", flush=True)
    return {k: round(v, 2) if isinstance(v, float) else v for k, v in total.items()}, printed


def parse_output(text: str) -> dict[str, dict]:
    """The command's results, each metric's baseline and system scores and the p-value: from its
    JSON (approximate randomisation: full precision) or its table (the bootstrap, whose JSON
    output fails in sacrebleu 2.6 on a float32: 4 decimals)."""
    out: dict[str, dict] = {}
    if "[" in text and "╒" not in text:
        baseline, system = json.loads(text[text.index("["):])
        for key, name in SACREBLEU_NAMES.items():
            if key in system:
                out[name] = {"original": baseline[key]["score"], "revised": system[key]["score"],
                             "p": system[key]["p_value"], "digits": None}
        return out
    rows = [[c.strip() for c in line.strip().strip("│").split("│")] for line in text.splitlines() if line.startswith("│")]
    header, baseline, system, p_values = rows[:4]
    for i, column in enumerate(header[1:], 1):
        name = SACREBLEU_NAMES[column.split()[0]]
        out[name] = {"original": float(baseline[i].split()[0]), "revised": float(system[i].split()[0]),
                     "p": float(re.search(r"p = ([\d.]+)", p_values[i]).group(1)), "digits": 4}
    return out


def agreement(scores: dict, printed: dict) -> tuple[int, list[str]]:
    """How many figures the command printed, and each one that differs from mtqa's (compared at
    the command's precision: 4 decimals in its table, mtqa's own 4 or 6 against its JSON)."""
    compared, differences = 0, []
    for lang, results in printed.items():
        ours = scores["by_language"][lang]["metrics"]
        for (name, test), theirs in results.items():
            mine = {"original": ours[name]["original"], "revised": ours[name]["revised"],
                    "p": ours[name]["p_bootstrap" if test == "bs" else "p_approx_randomization"]}
            for key, value in theirs.items():
                if key == "digits" or (key == "p" and ours[name]["test_signatures"][test].startswith("identical")):
                    continue  # no segment revised: mtqa reports p = 1 without a test, sacrebleu still tests
                digits = theirs["digits"] or (6 if key == "p" else 4)
                compared += 1
                if round(mine[key], digits) != round(value, digits):
                    differences.append(f"{lang} {name} {test} {key}: mtqa {mine[key]}, sacrebleu {value}")
    return compared, differences


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--no-sacrebleu", action="store_true", help="measure mtqa only (the command takes many minutes)")
    args = parser.parse_args()
    corpus = build_corpus()
    run = cleaned_run(corpus)
    segments = sum(1 for _ in open(corpus, encoding="utf-8"))
    scores_file = WORK / "scores.json"
    # a first call compiles the TER search once per installation (Numba's cache): not what a user waits for each run
    subprocess.run([str(BIN / "python"), "-c", "from mtqa.scoring.ter import translation_edit_rate as t; t(['a'], ['b'])"], check=True)
    mtqa = timed([str(BIN / "mtqa"), "score", str(run), "--out", str(scores_file), "--no-progress"], WORK / "mtqa-score.log",
                 sample_seconds=MEMORY_SAMPLE_SECONDS)
    scores = json.loads(scores_file.read_text(encoding="utf-8"))
    result = {"date": datetime.now(timezone.utc).isoformat(timespec="seconds"), "python": platform.python_version(),
              "sacrebleu": version("sacrebleu"), "numba": version("numba"), "cpus": os.cpu_count(),
              "corpus": {"segments": segments, "languages": sorted(scores["by_language"]),
                         "changed_segments": sum(g["changed_segments"] for g in scores["by_language"].values())},
              "mtqa_score": mtqa}
    if not args.no_sacrebleu:
        total, printed = run_sacrebleu(sacrebleu_files(run))
        result["sacrebleu_command"] = total
        result["figures_compared"], result["differences"] = agreement(scores, printed)
    else:
        previous = RESULTS / "scoring_corpus.json"
        if previous.exists():  # keep the command's last figures
            old = json.loads(previous.read_text(encoding="utf-8"))
            for key in ("sacrebleu_command", "differences", "figures_compared"):
                if key in old:
                    result[key] = old[key]
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "scoring_corpus.json").write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    (RESULTS / "scoring_corpus.md").write_text(markdown(result), encoding="utf-8")
    print(markdown(result))


def markdown(r: dict) -> str:
    c = r["corpus"]
    lines = ["# Scoring at corpus scale: mtqa against the sacrebleu command", "",
             f"- {r['date']}, Python {r['python']}, sacrebleu {r['sacrebleu']}, numba {r['numba']}, {r['cpus']} CPUs, "
             "shared machine (load average before and after each run below).",
             f"- Corpus: {c['segments']} out-of-English MT segments of ../shared/data/bio-mqm with two references each, "
             f"{len(c['languages'])} target languages ({', '.join(c['languages'])}), {c['changed_segments']} segments revised by `mtqa clean`.",
             "- Both score every language with BLEU, chrF, chrF++ and TER and run the paired bootstrap and approximate "
             "randomisation tests of the revision against the original, with the same numbers of resamples and trials.",
             "", "| run | wall s | CPU s | peak RSS MB | peak PSS MB | load before / after |", "|---|---|---|---|---|---|"]
    m = r["mtqa_score"]
    lines.append(f"| `mtqa score` | {m['seconds']} | {m['cpu_seconds']} | {m['peak_rss_mb']} | {m['peak_pss_mb']} "
                 f"| {m['load_before'][0]} / {m['load_after'][0]} |")
    if "sacrebleu_command" in r:
        s = r["sacrebleu_command"]
        lines.append(f"| `sacrebleu --paired-bs` / `--paired-ar` ({s['commands']} commands) | {s['seconds']} | {s['cpu_seconds']} "
                     f"| {s['peak_rss_mb']} (largest) | {s['peak_pss_mb']} (largest) | |")
        lines += ["", f"Figures compared (each score and p-value the command prints; its bootstrap table has 4 decimals, "
                  f"its approximate-randomisation JSON full precision, against mtqa's 4 for scores, 6 for p-values): {r['figures_compared']}; "
                  f"differences: {len(r['differences'])}."]
        lines += [f"- {d}" for d in r["differences"]]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    main()
