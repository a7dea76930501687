"""How well do mtqa's checks find real, human-annotated MT errors, beside pofilter and OpusFilter?

A flag is worth a reviser's time only if it points at a real error, and a check is worth having
only if it finds a fair share of them, on text no rule was written from. This benchmark runs mtqa
(every detector and rule pack, `clean_document` on each segment), pofilter's checks
(translate-toolkit's StandardChecker, in-process) and OpusFilter's per-segment filters (in its own
virtual environment, benchmarks/opus_flags.py as a subprocess) on the same records in the same run:

- MQM sets (benchmarks/detect_data.py): bio-MQM (15 pairs) and wmt23-news-mqm (en-de): segment
  precision and recall, span precision, per MQM category, and findings per 1,000 words of
  error-free human reference (definitions: benchmarks/detect_scoring.py, and the report);
- wmt12-news (fr/de/es-en, no spans): findings per 1,000 words of each system and of the human
  reference; Kendall tau between a system's rate and its human won share; reference rate / mean of
  the systems' rates.

Every set is split by document into a tuning half and a check half. Choices are made on the tuning
half (pofilter's and OpusFilter's best check subsets, `--propose-defaults`); every reported figure
comes from the check half unless `--half` says otherwise. `duplicate.*` findings (corpus hygiene,
not translation errors) are counted apart and never as findings.

Corpus-level steps run as `mtqa clean` would run them on each system's output: each (set, language
pair, system) is one corpus, within the records of this run: source.untranslated_acronym's corpus
step, consistency.name_variant (a segment is a document) and the duplicate finder.

Run from the repository root (the full run takes a few minutes on 2 cores):

    .venv/bin/python benchmarks/bench_detect.py [--sets bio-mqm,wmt23-news-mqm,wmt12-news]
        [--half check|tune|all] [--limit N] [--peers pofilter,opusfilter] [--processes 2]
        [--propose-defaults] [--write-defaults] [--out DIR]

`--limit N` takes the first N lines of each file, for a quick look. Writes
benchmarks/results/detect.{json,md} (every figure, machine and run information; the Markdown is
printed too) and, after a full run (every MQM set, no limit), cleaners/data/measured.yaml: each
rule's measured precision on the check halves, which `mtqa rules` and the report show.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import time
from collections import Counter, defaultdict
from datetime import datetime, timezone
from multiprocessing import Pool
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks import detect_scoring as scoring  # noqa: E402
from benchmarks.detect_criteria import (GATE_MIN_FINDINGS, GATE_PRECISION, GATE_REFS_PER_1000, GROUPS,  # noqa: E402
                                        POFILTER_CHECKS, POFILTER_PROSE, TARGET_REFS_PER_1000, TARGET_SEGMENT_PRECISION, proposals, reason,
                                        rule_rows, targets)
from benchmarks.detect_report import markdown, proposal_lines  # noqa: E402
from benchmarks.detect_data import DATA, MQM_SETS, SETS, WMT12_BLOCK, load, won_shares  # noqa: E402

RESULTS = ROOT / "benchmarks" / "results"
WORK = ROOT / "benchmarks" / "work" / "detect"
MEASURED = ROOT / "cleaners" / "data" / "measured.yaml"
DETECTORS_YAML = ROOT / "cleaners" / "data" / "detectors.yaml"
OPUS_PYTHON = ROOT / "benchmarks" / ".venv-opusfilter" / "bin" / "python"

# ---------------------------------------------------------------- detection (workers)

_STATE: dict = {}


def _init_worker(pofilter: bool) -> None:
    """Import mtqa once per worker; every detector on, the default-off ones too."""
    from mtqa.cleaners.config import CleanConfig
    from mtqa.cleaners.detectors import default_off

    _STATE["config"] = CleanConfig(enable_rules=tuple(sorted(default_off())))
    _STATE["pofilter"] = pofilter
    _STATE["checkers"] = {}


def _describe_config() -> dict:
    """The rule packs, the rules that exist and the default-off detectors (for the report)."""
    from mtqa.cleaners.detectors import REGISTRY, _load_all, default_off
    from mtqa.cleaners.pipeline import rules_for

    _load_all()
    config = _STATE["config"]
    return {"rule_packs": [Path(p).name for p in config.rule_packs],
            "pattern_rules": sorted({rule.id for rule in rules_for(config.rule_packs)}),
            "detectors": sorted(REGISTRY), "default_off": default_off()}


def _checker(src: str, tgt: str):
    """pofilter's StandardChecker for one language pair, limited to the prose-relevant checks."""
    key = (src, tgt)
    if key not in _STATE["checkers"]:
        from translate.filters.checks import CheckerConfig, StandardChecker
        from translate.lang import factory

        config = CheckerConfig(targetlanguage=tgt)
        config.sourcelang = factory.getlanguage(src)
        _STATE["checkers"][key] = StandardChecker(checkerconfig=config, limitfilters=list(POFILTER_CHECKS))
    return _STATE["checkers"][key]


def pofilter_failures(source: str, target: str, src: str, tgt: str) -> list[str]:
    """The checks pofilter fails this pair on (its own order of preconditions included)."""
    from translate.storage.base import TranslationUnit

    unit = TranslationUnit(source)
    unit.target = target
    return sorted(_checker(src, tgt).run_filters(unit))


def _detect_chunk(chunk: list[tuple]) -> list[tuple]:
    """For each task: mtqa's findings (start, end, rule), timed-out rules, what the corpus steps
    need (acronym evidence, name-like words), and pofilter's failed checks."""
    from mtqa.cleaners.pipeline import clean_document
    from mtqa.records import Document

    out, pofilter_cpu = [], 0.0
    for doc_id, text, lang, source, source_lang, peers in chunk:
        result = clean_document(Document(doc_id, text, lang, source=source, source_lang=source_lang), _STATE["config"])
        findings = [(f.start, f.end, f.rule) for f in result.findings]
        failed = []
        if _STATE["pofilter"] and peers:
            started = time.process_time()
            failed = pofilter_failures(source, text, source_lang, lang)
            pofilter_cpu += time.process_time() - started
        out.append((findings, list(result.timed_out_rules), result.acronyms, result.names, failed))
    return out, pofilter_cpu


def detect(tasks: list[tuple], processes: int, chunk_size: int, pofilter: bool) -> tuple[list, dict, float]:
    """Every task's results in task order, the configuration and pofilter's share of the CPU time."""
    chunks = [tasks[i:i + chunk_size] for i in range(0, len(tasks), chunk_size)]
    results, pofilter_cpu = [], 0.0
    pool = Pool(processes, initializer=_init_worker, initargs=(pofilter,))
    try:
        config = pool.apply(_describe_config)
        for done, (chunk_result, cpu) in enumerate(pool.imap(_detect_chunk, chunks), 1):
            results.extend(chunk_result)
            pofilter_cpu += cpu
            if done % 25 == 0 or done == len(chunks):
                print(f"  mtqa: {len(results):,}/{len(tasks):,} distinct segments", file=sys.stderr, flush=True)
        pool.close()
    except BaseException:
        pool.terminate()
        raise
    finally:
        pool.join()  # reaped, so that their CPU time counts in the children's
    return results, config, pofilter_cpu


# ---------------------------------------------------------------- OpusFilter (its own venv)

def start_opusfilter(tasks: list[tuple]) -> tuple[subprocess.Popen, Path, float]:
    """benchmarks/opus_flags.py over the distinct pairs the peers check, running while mtqa works."""
    if not OPUS_PYTHON.exists():
        from benchmarks.bench_peers import opus_venv  # makes benchmarks/.venv-opusfilter from PyPI

        opus_venv()
    WORK.mkdir(parents=True, exist_ok=True)
    pairs, flags = WORK / "opus-in.jsonl", WORK / "opus-out.jsonl"
    with open(pairs, "w", encoding="utf-8") as stream:
        for i, (_, text, tgt, source, src, peers) in enumerate(tasks):
            if peers:
                stream.write(json.dumps({"i": i, "src": src, "tgt": tgt, "source": source, "text": text},
                                        ensure_ascii=False) + "\n")
    env = {**os.environ, "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1"}  # one core's worth, as measured
    with open(pairs, encoding="utf-8") as stdin, open(flags, "w", encoding="utf-8") as stdout, \
            open(WORK / "opus.log", "w", encoding="utf-8") as log:
        proc = subprocess.Popen([str(OPUS_PYTHON), str(ROOT / "benchmarks" / "opus_flags.py")],
                                stdin=stdin, stdout=stdout, stderr=log, env=env)
    return proc, flags, time.perf_counter()


def finish_opusfilter(proc: subprocess.Popen, flags: Path, tasks: list[tuple]) -> list[list[str]]:
    """The filters that reject each task's pair ([] for the tasks the peers do not check)."""
    if proc.wait() != 0:
        raise SystemExit(f"mtqa: error: OpusFilter failed (exit {proc.returncode}): see {WORK / 'opus.log'}")
    failed: list[list[str]] = [[] for _ in tasks]
    answered = 0
    for line in flags.open(encoding="utf-8"):
        row = json.loads(line)
        failed[row["i"]] = row["failed"]
        answered += 1
    asked = sum(task[5] for task in tasks)
    if answered != asked:
        raise SystemExit(f"mtqa: error: OpusFilter answered {answered} of {asked} pairs: see {WORK / 'opus.log'}")
    return failed


def _children_cpu() -> float:
    """CPU seconds of the children waited for so far (pool workers, OpusFilter)."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def opus_versions() -> dict:
    code = ("import json, importlib.metadata as m; "
            "print(json.dumps({p: m.version(p) for p in ('opusfilter', 'py3langid')}))")
    try:
        return json.loads(subprocess.run([str(OPUS_PYTHON), "-c", code], check=True, capture_output=True,
                                         text=True).stdout)
    except (OSError, subprocess.CalledProcessError, ValueError):
        return {}


# ---------------------------------------------------------------- corpus-level steps

class _MemorySeen:
    """The duplicate finder's store (corpora/seen.py's FirstSeen), in memory."""

    def __init__(self) -> None:
        self._places: dict[str, str] = {}

    def get(self, key: str) -> str | None:
        return self._places.get(key)

    def add(self, key: str, place: str) -> None:
        self._places.setdefault(key, place)

    def first(self, key: str, place: str) -> str | None:
        if key in self._places:
            return self._places[key]
        self._places[key] = place
        return None


def corpus_findings(records: list[dict], task_of: list[int], results: list) -> tuple[list[list], list[list]]:
    """Per record: the findings of the corpus-level checks, and its duplicate findings (apart),
    each (set, lp, system) taken as one corpus in record order, as flows/shards.py does it."""
    from mtqa.cleaners.config import CleanConfig
    from mtqa.cleaners.consistency import count_documents, variant_groups
    from mtqa.cleaners.detectors.acronyms import CorpusAcronyms
    from mtqa.cleaners.duplicates import DuplicateFinder
    from mtqa.records import Document

    extra: list[list] = [[] for _ in records]
    duplicates: list[list] = [[] for _ in records]
    corpora: dict[tuple, list[int]] = defaultdict(list)
    for i, rec in enumerate(records):
        corpora[(rec["set"], rec["lp"], rec["system"])].append(i)
    min_chars = CleanConfig().duplicate_sentence_min_chars
    for key in sorted(corpora):
        members = corpora[key]
        finder = DuplicateFinder(_MemorySeen(), min_chars)
        for i in members:
            rec = records[i]
            found, _ = finder.check(Document(rec["id"], rec["text"], rec["tgt"], source=rec["source"],
                                             source_lang=rec["src"]))
            duplicates[i] = [(f.start, f.end, f.rule) for f in found]
        acronyms = CorpusAcronyms()
        for i in members:
            evidence = results[task_of[i]][2]
            if evidence:
                acronyms.add(evidence["pair"], evidence["defined"])
        for i in members:
            evidence = results[task_of[i]][2]
            if evidence:
                extra[i] += [(f.start, f.end, f.rule) for f in acronyms.findings(records[i]["id"], **evidence)]
        counts = count_documents([w for w, _, _ in results[task_of[i]][3]] for i in members)
        minority = {variant: majority for majority, variants in variant_groups(counts) for variant in variants}
        for i in members:
            for word, start, end in results[task_of[i]][3]:
                if word in minority:
                    minority.pop(word)  # reported once, at the variant's first occurrence
                    extra[i].append((start, end, "consistency.name_variant"))
    return extra, duplicates


# ---------------------------------------------------------------- grouping and figures

def make_groups(default_off: set[str], pofilter_best: set[str], opus_best: set[str]):
    """label -> the figures it counts towards: itself, and the tool's groups."""
    cache: dict[str, tuple[str, ...]] = {}

    def groups(label: str) -> tuple[str, ...]:
        if label not in cache:
            if label.startswith("pofilter:"):
                check = label.split(":", 1)[1]
                cache[label] = (label, "pofilter:all") + (("pofilter:prose",) if check in POFILTER_PROSE else ()) \
                    + (("pofilter:best",) if check in pofilter_best else ())
            elif label.startswith("opusfilter:"):
                cache[label] = (label, "opusfilter:all") + (("opusfilter:best",) if label.split(":", 1)[1] in opus_best else ())
            elif label.startswith("duplicate."):
                cache[label] = ()  # corpus hygiene, counted apart
            else:
                cache[label] = (label, "mtqa:all") + (() if label in default_off else ("mtqa",))
        return cache[label]

    return groups


def select(records: list[dict], findings: list[list], sets: tuple[str, ...], half: str) -> tuple[list, list]:
    keep = [i for i, rec in enumerate(records) if rec["set"] in sets and (half == "all" or rec["half"] == half)]
    return [records[i] for i in keep], [findings[i] for i in keep]


def mqm_figures(records: list[dict], findings: list[list], groups, name: str, half: str) -> dict:
    recs, found = select(records, findings, (name,), half)
    figures = scoring.score(recs, found, groups, GROUPS)
    by_lp = {}
    for lp in sorted({r["lp"] for r in recs}):
        sub = [(r, f) for r, f in zip(recs, found) if r["lp"] == lp]
        by_lp[lp] = scoring.score([r for r, _ in sub], [f for _, f in sub], lambda label: [g for g in groups(label) if g == "mtqa"], ("mtqa",))["mtqa"]
        by_lp[lp].pop("by_category")
    return {"groups": {g: figures[g] for g in GROUPS},
            "labels": {k: _no_categories(v) for k, v in figures.items() if k not in GROUPS},
            "mtqa_by_language_pair": by_lp,
            "records": {"mt": sum(not r["is_ref"] for r in recs), "references": sum(r["is_ref"] for r in recs),
                        "documents": len({(r["lp"], r["doc"]) for r in recs})}}


def _no_categories(row: dict) -> dict:
    return {k: v for k, v in row.items() if k != "by_category"}


def wmt12_figures(records: list[dict], findings: list[list], groups, half: str, shares: dict,
                  shown: tuple[str, ...]) -> dict:
    recs, found = select(records, findings, ("wmt12-news",), half)
    out = {}
    for lp in sorted({r["lp"] for r in recs}):
        sub = [(r, f) for r, f in zip(recs, found) if r["lp"] == lp]
        rates = scoring.rates_by_system([r for r, _ in sub], [f for _, f in sub], groups, GROUPS)
        per_group = {}
        for group, by_system in rates.items():
            systems = sorted(s for s in by_system if s in shares[lp])
            values = [by_system[s]["per_1000_words"] or 0.0 for s in systems]
            mean = sum(values) / len(values) if values else None
            ref = by_system.get("reference", {}).get("per_1000_words")
            per_group[group] = {
                "systems": {s: by_system[s] for s in systems},
                "reference": by_system.get("reference"),
                "systems_mean_per_1000_words": mean,
                "systems_median_per_1000_words": statistics.median(values) if values else None,
                "reference_over_systems_mean": scoring.ratio(ref, mean) if ref is not None and mean else None,
                "kendall_tau": scoring.kendall_tau(values, [shares[lp][s] for s in systems]),
            }
        # what drives each system's rate: the default rule with the most findings in it
        top = {}
        for system in sorted(set(shares[lp]) | {"reference"}):
            counts = {label: row["systems"].get(system, {}).get("findings", 0) if system != "reference"
                      else (row["reference"] or {}).get("findings", 0)
                      for label, row in per_group.items() if label not in GROUPS and "mtqa" in groups(label)}
            best = min(counts, key=lambda k: (-counts[k], k), default=None)
            top[system] = {"rule": best, "findings": counts[best]} if best and counts[best] else None
        out[lp] = {"groups": {g: per_group[g] for g in shown if g in per_group},
                   "top_rule": top,
                   "labels": {g: {k: v for k, v in row.items() if k != "systems"} for g, row in per_group.items()
                              if g not in GROUPS},
                   "won_share": shares[lp],
                   "segments": len({r["seg"] for r, _ in sub})}
    return out


def write_defaults(rules: dict, prop: dict) -> None:
    """detectors.yaml's default_off: the detectors off now, minus those to turn on, plus those to
    turn off (with the measured reason), each reason folded; the comment header states the
    criterion. The file must hold nothing else (it holds only default_off)."""
    import textwrap

    import yaml

    text = DETECTORS_YAML.read_text(encoding="utf-8")
    data = yaml.safe_load(text)
    if set(data) != {"default_off"}:
        raise SystemExit(f"mtqa: error: {DETECTORS_YAML} holds more than default_off ({', '.join(sorted(data))}): "
                         "edit it by hand with the proposals printed above")
    off = dict(data["default_off"] or {})
    for rule in prop["turn_on"]:
        off.pop(rule, None)
    for rule in prop["turn_off"]:
        off[rule] = reason(rules[rule])
    header = (
        "# Detectors that run only when asked for (`--enable-rule ID`, or `--enable-rule 'qa.*'`), each with\n"
        "# the reason. The criterion (benchmarks/detect_criteria.py): a check is on by default only if, on the\n"
        f"# MQM development sets (../shared/data), at least {GATE_PRECISION:.0%} of its findings on MT overlap an annotated\n"
        f"# error and it adds at most {GATE_REFS_PER_1000:g} findings per 1,000 words of error-free human reference.\n"
        "# Chosen on the tuning halves, reported on the check halves (benchmarks/results/detect.md);\n"
        "# `benchmarks/bench_detect.py --write-defaults` writes this file, the reasons may be edited by hand.\n")
    body = "default_off:\n" + "".join(
        f"  {rule}: >-\n" + textwrap.fill(" ".join(why.split()), 100, initial_indent="    ", subsequent_indent="    ") + "\n"
        for rule, why in sorted(off.items()))
    if yaml.safe_load(body)["default_off"] != {rule: " ".join(why.split()) for rule, why in off.items()}:
        raise SystemExit(f"mtqa: error: the new default_off would not read back as written; {DETECTORS_YAML} left as it was")
    _atomic_write(DETECTORS_YAML, header + body)


def write_measured(rules: dict, measured_on: str) -> None:
    import yaml

    data = {"measured_on": measured_on,
            "rules": {rule: {"precision": _round(r["span_precision"]), "segment_precision": _round(r["segment_precision"]),
                             "findings": r["findings"], "refs_per_1000_words": _round(r["refs_per_1000_words"])}
                      for rule, r in rules.items()}}
    header = ("# Each rule's measured precision, written by benchmarks/bench_detect.py (do not edit by hand):\n"
              "# precision = share of its findings on MT overlapping an annotated error span (span precision),\n"
              "# segment_precision = share of the MT segments it flags that carry an annotated error, findings\n"
              "# = its findings on MT, refs_per_1000_words = its findings per 1,000 words of error-free human\n"
              "# reference; all on the check halves of the MQM development sets, pooled.\n")
    _atomic_write(MEASURED, header + yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100))


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 4)


def _atomic_write(path: Path, text: str) -> None:
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


def headline(report: dict) -> dict:
    """mtqa's figures that the targets judge, to set beside the next run's (before and after)."""
    return {"mtqa_commit": report["machine"]["mtqa_commit"], "date": report["machine"]["date"],
            "limit": report["run"]["limit"], "half": report["run"]["half"],
            "mqm": {name: {k: fig["groups"]["mtqa"][k] for k in ("segment_precision", "segment_recall", "span_precision",
                                                                 "refs_per_1000_words")}
                    for name, fig in report["mqm"].items()},
            "wmt12": {lp: {k: fig["groups"]["mtqa"][k] for k in ("reference_over_systems_mean", "kendall_tau")}
                      for lp, fig in report["wmt12"].items()}}


def previous_run(path: Path) -> dict | None:
    """The headline of the run whose results are about to be replaced (None if it has none)."""
    try:
        return json.loads(path.read_text(encoding="utf-8"))["headline"]
    except (OSError, ValueError, KeyError, TypeError):
        return None


# ---------------------------------------------------------------- run information

def git(*args: str) -> str | None:
    try:
        return subprocess.run(["git", "-C", str(ROOT), *args], capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return None


def machine_info() -> dict:
    # the results this benchmark writes do not make the code it measured a modified one
    status = git("status", "--porcelain", "--untracked-files=no", "--", ".", ":(exclude)benchmarks/results",
                 ":(exclude)cleaners/data/measured.yaml")
    return {"nproc": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform(),
            "date": datetime.now(timezone.utc).replace(microsecond=0).isoformat(),
            "mtqa_commit": git("rev-parse", "--short", "HEAD"),
            "working_tree_modified": bool(status) if status is not None else None,
            "load_average": list(os.getloadavg())}


# ---------------------------------------------------------------- main

def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sets", default=",".join(SETS), help=f"comma-separated, of {', '.join(SETS)} (default: all)")
    parser.add_argument("--half", choices=("check", "tune", "all"), default="check",
                        help="which half the report shows (default check; tuning choices always use the tuning half)")
    parser.add_argument("--limit", type=int, default=None, help="first N lines of each file")
    parser.add_argument("--peers", default="pofilter,opusfilter", help="peer tools to run beside mtqa ('' for none)")
    parser.add_argument("--peers-wmt12", action="store_true",
                        help="run the peers on wmt12-news too (their rates per system; doubles the run's CPU time)")
    parser.add_argument("--processes", type=int, default=2, help="mtqa worker processes (default 2)")
    parser.add_argument("--chunk", type=int, default=200, help="segments per task (default 200)")
    parser.add_argument("--data", type=Path, default=DATA, help="folder holding the sets (default ../shared/data)")
    parser.add_argument("--out", type=Path, default=RESULTS, help="where detect.json and detect.md go")
    parser.add_argument("--propose-defaults", action="store_true", help="print the default-on/off changes the criterion makes")
    parser.add_argument("--write-defaults", action="store_true", help="write them to cleaners/data/detectors.yaml")
    args = parser.parse_args(argv)
    sets = tuple(s for s in args.sets.split(",") if s)
    peers = {p for p in args.peers.split(",") if p}
    if bad := [s for s in sets if s not in SETS] + sorted(peers - {"pofilter", "opusfilter"}):
        parser.error(f"unknown set or peer: {', '.join(bad)}")

    started, cpu_start = time.perf_counter(), time.process_time()
    records = load(args.data, sets, args.limit)
    if args.half == "tune":  # nothing else is needed: tuning choices are made on this half too
        records = [r for r in records if r["half"] == "tune"]
    index: dict[tuple, int] = {}
    tasks: list[tuple] = []
    task_of: list[int] = []
    for rec in records:
        key = (rec["text"], rec["tgt"], rec["source"], rec["src"])
        if key not in index:
            index[key] = len(tasks)
            tasks.append((rec["id"], *key, bool(peers) and (args.peers_wmt12 or rec["set"] in MQM_SETS)))
        task_of.append(index[key])
    print(f"{len(records):,} records, {len(tasks):,} distinct segments, from {args.data}", file=sys.stderr)

    load_seconds = time.perf_counter() - started
    opus = start_opusfilter(tasks) if "opusfilter" in peers else None
    results, config, pofilter_cpu = detect(tasks, args.processes, args.chunk, "pofilter" in peers)
    detect_seconds = time.perf_counter() - started - load_seconds
    workers_cpu = _children_cpu()
    opus_failed = finish_opusfilter(opus[0], opus[1], tasks) if opus else [[] for _ in tasks]
    opus_cpu = _children_cpu() - workers_cpu
    extra, duplicates = corpus_findings(records, task_of, results)

    findings: list[list] = []
    timed_out: Counter = Counter()
    for i, rec in enumerate(records):
        res, whole = results[task_of[i]], len(rec["text"])
        timed_out.update(res[1])
        findings.append(res[0] + extra[i] + [(0, whole, f"pofilter:{c}") for c in res[4]]
                        + [(0, whole, f"opusfilter:{f}") for f in opus_failed[task_of[i]]])

    # choices, on the tuning halves of the MQM sets
    mqm_sets = tuple(s for s in sets if s in MQM_SETS)
    tune_recs, tune_found = select(records, findings, mqm_sets, "tune")
    flagged = [[label for _, _, label in f] for f in tune_found]
    # the peers' best subsets are held to mtqa's own budget: precision and false alarms on references
    pofilter_best = scoring.best_subset(tune_recs, flagged, [f"pofilter:{c}" for c in POFILTER_CHECKS], TARGET_SEGMENT_PRECISION,
                                        TARGET_REFS_PER_1000)
    opus_best = scoring.best_subset(tune_recs, flagged, sorted({lab for f in flagged for lab in f if lab.startswith("opusfilter:")}),
                                    TARGET_SEGMENT_PRECISION, TARGET_REFS_PER_1000)
    pofilter_best = {b.split(":", 1)[1] for b in pofilter_best}
    opus_best = {b.split(":", 1)[1] for b in opus_best}
    groups = make_groups(set(config["default_off"]), pofilter_best, opus_best)

    mqm = {name: mqm_figures(records, findings, groups, name, args.half) for name in mqm_sets}
    shown = GROUPS if args.peers_wmt12 else tuple(g for g in GROUPS if g.startswith("mtqa"))
    wmt12 = wmt12_figures(records, findings, groups, args.half, won_shares(args.data), shown) if "wmt12-news" in sets else {}
    # the default-on choice reads wmt12's tuning half, as it reads the MQM sets'
    wmt12_tune = (wmt12 if args.half == "tune" else wmt12_figures(records, findings, groups, "tune", won_shares(args.data), ())
                  ) if "wmt12-news" in sets else {}
    pooled_recs, pooled_found = select(records, findings, mqm_sets, args.half)
    pooled = {k: _no_categories(v) for k, v in scoring.score(pooled_recs, pooled_found, groups).items()}
    tune = {k: _no_categories(v) for k, v in scoring.score(tune_recs, tune_found, groups).items()}
    rules = rule_rows(pooled, wmt12, tune, config, wmt12_tune)
    prop = proposals(rules)
    dup: dict[str, dict] = defaultdict(lambda: defaultdict(lambda: {"mt": 0, "ref": 0}))
    for rec, found in zip(records, duplicates):
        if args.half == "all" or rec["half"] == args.half:
            for _, _, rule in found:
                dup[rec["set"]][rule]["ref" if rec["is_ref"] else "mt"] += 1
    seconds = time.perf_counter() - started
    main_cpu = time.process_time() - cpu_start
    cpu = {"total": round(main_cpu + workers_cpu + opus_cpu, 1), "mtqa": round(workers_cpu - pofilter_cpu, 1),
           "pofilter": round(pofilter_cpu, 1), "opusfilter": round(opus_cpu, 1),
           "loading_and_scoring": round(main_cpu, 1)}

    from importlib.metadata import version
    command = "benchmarks/bench_detect.py" + ("" if argv is None and len(sys.argv) == 1 else " " + " ".join(sys.argv[1:] if argv is None else argv))
    report = {
        "machine": machine_info(),
        "run": {"command": f".venv/bin/python {command}", "sets": list(sets), "half": args.half, "limit": args.limit,
                "processes": args.processes, "chunk": args.chunk, "data": str(args.data), "records": len(records),
                "tasks": len(tasks), "seconds": round(seconds, 1), "detect_seconds": round(detect_seconds, 1),
                "cpu_seconds": cpu,
                "wmt12_block": WMT12_BLOCK,
                "peers": sorted(peers), "peers_wmt12": args.peers_wmt12, "pofilter_best": sorted(pofilter_best), "opusfilter_best": sorted(opus_best),
                "versions": {"translate-toolkit": version("translate-toolkit"), "opusfilter": opus_versions() if opus else {}},
                "criterion": {"span_precision": GATE_PRECISION, "refs_per_1000_words": GATE_REFS_PER_1000,
                              "min_findings": GATE_MIN_FINDINGS},
                **config},
        "targets": targets(mqm, wmt12, "pofilter" in peers),
        "mqm": mqm,
        "wmt12": wmt12,
        "rules": rules,
        "proposals": prop,
        "peer_labels": {k: v for k, v in pooled.items() if k.startswith(("pofilter:", "opusfilter:")) and k not in GROUPS},
        "duplicates": {s: dict(sorted(by.items())) for s, by in sorted(dup.items())},
        "timed_out_rules": dict(sorted(timed_out.items())),
        "previous": previous_run(args.out / "detect.json"),
    }
    report["headline"] = headline(report)
    args.out.mkdir(parents=True, exist_ok=True)
    _atomic_write(args.out / "detect.json", json.dumps(report, indent=1, ensure_ascii=False) + "\n")
    text = markdown(report)
    _atomic_write(args.out / "detect.md", text)
    print(text)
    complete = args.limit is None and set(MQM_SETS) <= set(sets) and args.half == "check"
    if complete:
        write_measured(rules, f"check halves of {' and '.join(MQM_SETS)} (../shared/data), mtqa "
                              f"{report['machine']['mtqa_commit']}, {report['machine']['date']}, benchmarks/bench_detect.py")
        print(f"wrote {MEASURED.relative_to(ROOT)}", file=sys.stderr)
    if args.propose_defaults or args.write_defaults:
        print("\n".join(proposal_lines(report["proposals"])), file=sys.stderr)
        for rule in prop["turn_off"] + prop["turn_on"]:
            print(f"  {rule}: {reason(rules[rule])}", file=sys.stderr)
    if args.write_defaults:
        if args.limit is not None or not set(SETS) <= set(sets):
            raise SystemExit("mtqa: error: --write-defaults needs a full run (every set, wmt12-news too, no --limit)")
        write_defaults(rules, prop)
        print(f"wrote {DETECTORS_YAML.relative_to(ROOT)}", file=sys.stderr)


if __name__ == "__main__":
    main()
