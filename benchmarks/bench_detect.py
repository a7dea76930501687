"""How well do mtqa's detectors find real, human-annotated machine-translation errors?

mtqa flags spans of MT output (`Finding`s). A flag is only worth a reviser's time if it points at a
real error, and the detectors are only worth having if they find a fair share of the errors of the
kinds they target. This benchmark measures both on the bio-MQM data (../shared/data/bio-mqm: WMT21
biomedical MT output with MQM error spans marked by expert linguists, and two human references per
segment), and counts false alarms on the human references.

For every record of every `*.jsonl.gz` file it runs `clean_document` on the record's `mt` (the
target language of `lp` as `lang`, the source segment and source language given): MT records for
precision and recall, human reference records (`system` starting with "reference") for the
false-alarm rate. Each line is its own document (id + line number): a segment annotated by
several raters appears once per rater and is scored against that rater's spans.

- precision (per rule, per finding category, per language pair, overall): the share of findings on
  MT output whose span overlaps an annotated error span of the same record, of any category.
  Overlap means sharing a character; a zero-width finding (an insertion point) counts when it
  touches a span. Findings that normalisation fixed on its own (`fix == "auto"`: whitespace and
  punctuation debris) count like any other.
- recall (per MQM category, per language pair): the share of annotated errors overlapped by at
  least one finding, of any rule.
- false alarms: findings on human references per 1,000 words, with words = whitespace-separated
  tokens, except for Chinese targets (no spaces), where words = non-space characters / 2.
  References carry annotated errors too; the share of their findings that hit one is reported.

Corpus-level checks see the whole corpus, not one record. Here each system's output (and each
set of human references) is its own corpus, as its user would clean it, so evidence found in one
system's output never reaches another's. Only source.untranslated_acronym's corpus step is run:
consistency.name_variant needs documents, not the segments of the same few abstracts.

Rules and categories are grouped as they come, so new detectors and rule packs show up on their own.
Every detector runs, the default-off ones too (cleaners/data/detectors.yaml), so the per-rule
table shows each rule's findings on MT, its precision and its findings per 1,000 words of human
reference; the overall figures and the targets count the rules a default run uses. The figures of
the previous run (the detect.json being replaced) are shown beside them.

Run from the repository root (the full run, ~62,000 documents, takes a few minutes):

    .venv/bin/python benchmarks/bench_detect.py [--limit N] [--processes 2] [--chunk 300] [--out DIR]

`--limit N` takes the first N records of each file, for a quick check. Writes
benchmarks/results/detect.json (every figure, plus machine and run information) and
benchmarks/results/detect.md (tables, targets with PASS/FAIL), and prints the Markdown.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import platform
import subprocess
import sys
import time
from collections import Counter, defaultdict
from datetime import datetime, timezone
from multiprocessing import Pool
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATA_DIR = ROOT.parent / "shared" / "data" / "bio-mqm"
RESULTS = ROOT / "benchmarks" / "results"

HIGHLIGHTED = (
    "Linguistic_conventions/Spelling",
    "Linguistic_conventions/Punctuation",
    "Accuracy/Untranslated",
    "Linguistic_conventions/Character_encoding",
    "Locale_conventions/Number_format",
)
NO_SPACE_LANGS = {"zh"}  # words = non-space characters / 2
CHARS_PER_WORD = 2

# Targets (DESIGN goals for the detectors).
MAX_REF_PER_1000 = 2.0
MIN_PRECISION = 0.50
MIN_RECALL = 0.30
RECALL_TARGETS = ("Linguistic_conventions/Punctuation", "Accuracy/Untranslated")


# ---------------------------------------------------------------- loading

def load_records(data_dir: Path, limit: int | None) -> list[dict]:
    """Every record of every file (the first `limit` of each), in file then line order."""
    records = []
    for path in sorted(data_dir.glob("*.jsonl.gz")):
        with gzip.open(path, "rt", encoding="utf-8") as f:
            for lineno, line in enumerate(f, 1):
                if limit is not None and lineno > limit:
                    break
                row = json.loads(line)
                src, tgt = row["lp"].split("-")
                records.append({
                    "doc_id": f"{row['id']}#{lineno}",
                    "lp": row["lp"],
                    "src": src,
                    "tgt": tgt,
                    "is_ref": row["system"].startswith("reference"),
                    "system": row["system"],
                    "text": row["mt"],
                    "source": row["source"],
                    "errors": [(e["start"], e["end"], e["category"]) for e in row["errors"]],
                })
    return records


# ---------------------------------------------------------------- detection (workers)

_CONFIG = None


def _init_worker() -> None:
    """Import mtqa once per worker and build the configuration: every detector on."""
    global _CONFIG, clean_document, Document
    from mtqa.cleaners.config import CleanConfig
    from mtqa.cleaners.detectors import default_off
    from mtqa.cleaners.pipeline import clean_document
    from mtqa.records import Document

    _CONFIG = CleanConfig(enable_rules=tuple(sorted(default_off())))


def _describe_config() -> dict:
    """The rule packs a worker runs and the pattern rules they hold (for the report)."""
    from mtqa.cleaners.pipeline import rules_for

    from mtqa.cleaners.detectors import default_off

    return {
        "rule_packs": [Path(p).name for p in _CONFIG.rule_packs],
        "pattern_rules": sorted(rule.id for rule in rules_for(_CONFIG.rule_packs)),
        "default_off": default_off(),
    }


def _detect_chunk(chunk: list[tuple]) -> list[tuple[list[tuple], list[str], dict | None]]:
    """Findings (start, end, rule, category, severity, fix), timed-out rules and what the corpus
    step of source.untranslated_acronym needs, for each document."""
    out = []
    for doc_id, text, lang, source, source_lang in chunk:
        result = clean_document(Document(doc_id, text, lang, source=source, source_lang=source_lang), _CONFIG)
        findings = [(f.start, f.end, f.rule, f.category, f.severity, f.fix) for f in result.findings]
        out.append((findings, list(result.timed_out_rules), result.acronyms))
    return out


def add_corpus_findings(records: list[dict], results: list) -> list[tuple[list[tuple], list[str]]]:
    """Each document's findings plus those of the corpus step, the records of each system (or set
    of references) taken as one corpus (two passes each, as flows/shards.py's merge does)."""
    from mtqa.cleaners.detectors.acronyms import CorpusAcronyms

    out = [(list(findings), timeouts) for findings, timeouts, _ in results]
    corpora = defaultdict(list)
    for i, rec in enumerate(records):
        if results[i][2]:
            corpora[rec["system"]].append(i)
    for system in sorted(corpora):
        corpus, members = CorpusAcronyms(), corpora[system]
        for i in members:
            corpus.add(results[i][2]["pair"], results[i][2]["defined"])
        for i in members:
            found = corpus.findings(records[i]["doc_id"], **results[i][2])
            out[i][0].extend((f.start, f.end, f.rule, f.category, f.severity, f.fix) for f in found)
    return out


def detect_all(records: list[dict], processes: int, chunk_size: int) -> tuple[list, dict]:
    """Run clean_document on every record in a process pool; results in record order."""
    tasks = [(r["doc_id"], r["text"], r["tgt"], r["source"], r["src"]) for r in records]
    chunks = [tasks[i:i + chunk_size] for i in range(0, len(tasks), chunk_size)]
    results = []
    with Pool(processes, initializer=_init_worker) as pool:
        config = pool.apply(_describe_config)
        for done, chunk_result in enumerate(pool.imap(_detect_chunk, chunks), 1):
            results.extend(chunk_result)
            if done % 20 == 0 or done == len(chunks):
                print(f"  {len(results):,}/{len(tasks):,} documents", file=sys.stderr, flush=True)
    return results, config


# ---------------------------------------------------------------- scoring

def overlaps(a_start: int, a_end: int, b_start: int, b_end: int) -> bool:
    """Spans share a character; an empty span counts when it touches the other (end points included)."""
    if a_start == a_end or b_start == b_end:
        return max(a_start, b_start) <= min(a_end, b_end)
    return max(a_start, b_start) < min(a_end, b_end)


def word_count(text: str, lang: str) -> float:
    if lang in NO_SPACE_LANGS:
        return sum(1 for ch in text if not ch.isspace()) / CHARS_PER_WORD
    return len(text.split())


def ratio(num: float, den: float) -> float | None:
    return num / den if den else None


def _hits(counter: dict) -> dict:
    """{key: {findings, hits, precision}} from {key: [findings, hits]}, keys sorted."""
    return {k: {"findings": n, "hits": h, "precision": ratio(h, n)} for k, (n, h) in sorted(counter.items())}


def score(records: list[dict], results: list, skip: frozenset[str] = frozenset()) -> dict:
    """Every figure of the report, from the records and their findings (same order), leaving out
    the findings of the rules in `skip`."""
    by_rule = defaultdict(lambda: [0, 0])
    by_category = defaultdict(lambda: [0, 0])
    by_fix = defaultdict(lambda: [0, 0])
    rule_hit_mqm = defaultdict(Counter)  # rule -> MQM categories its hits overlap
    lp_mt = defaultdict(lambda: {"documents": 0, "findings": 0, "hits": 0, "errors": 0, "found": 0})
    mqm = defaultdict(lambda: [0, 0])  # MQM category -> [errors, found]
    mqm_by_rule = defaultdict(Counter)  # MQM category -> rules that overlap its errors
    ref_rule = defaultdict(lambda: [0, 0])
    lp_ref = defaultdict(lambda: {"documents": 0, "words": 0.0, "findings": 0, "hits": 0})
    timed_out = Counter()

    for rec, (findings, timeouts) in zip(records, results):
        timed_out.update(timeouts)
        errors = rec["errors"]
        hit_flags = []
        findings = [f for f in findings if f[2] not in skip]
        for start, end, rule, category, _severity, fix in findings:
            hit = [cat for es, ee, cat in errors if overlaps(start, end, es, ee)]
            hit_flags.append(bool(hit))
            if rec["is_ref"]:
                ref_rule[rule][0] += 1
                ref_rule[rule][1] += bool(hit)
                continue
            for counter, key in ((by_rule, rule), (by_category, category), (by_fix, fix)):
                counter[key][0] += 1
                counter[key][1] += bool(hit)
            rule_hit_mqm[rule].update(set(hit))
        if rec["is_ref"]:
            stats = lp_ref[rec["lp"]]
            stats["documents"] += 1
            stats["words"] += word_count(rec["text"], rec["tgt"])
            stats["findings"] += len(findings)
            stats["hits"] += sum(hit_flags)
            continue
        stats = lp_mt[rec["lp"]]
        stats["documents"] += 1
        stats["findings"] += len(findings)
        stats["hits"] += sum(hit_flags)
        for es, ee, cat in errors:
            rules = {f[2] for f in findings if overlaps(f[0], f[1], es, ee)}
            mqm[cat][0] += 1
            mqm[cat][1] += bool(rules)
            mqm_by_rule[cat].update(rules)
            stats["errors"] += 1
            stats["found"] += bool(rules)

    mt_rules = _hits(by_rule)
    for rule, row in mt_rules.items():
        row["top_mqm_hit"] = _top(rule_hit_mqm[rule])
    recall = {
        cat: {"errors": n, "found": f, "recall": ratio(f, n), "highlighted": cat in HIGHLIGHTED,
              "top_rule": _top(mqm_by_rule[cat])}
        for cat, (n, f) in sorted(mqm.items(), key=lambda kv: _mqm_order(kv[0]))
    }
    for cat in HIGHLIGHTED:  # highlighted categories are reported even when absent from a --limit sample
        recall.setdefault(cat, {"errors": 0, "found": 0, "recall": None, "highlighted": True, "top_rule": None})
    recall = dict(sorted(recall.items(), key=lambda kv: _mqm_order(kv[0])))
    per_lp = {}
    for lp in sorted(set(lp_mt) | set(lp_ref)):
        m, r = lp_mt.get(lp), lp_ref.get(lp)
        per_lp[lp] = {
            "mt_documents": m["documents"] if m else 0,
            "mt_findings": m["findings"] if m else 0,
            "precision": ratio(m["hits"], m["findings"]) if m else None,
            "errors": m["errors"] if m else 0,
            "recall": ratio(m["found"], m["errors"]) if m else None,
            "ref_documents": r["documents"] if r else 0,
            "ref_words": round(r["words"], 1) if r else 0,
            "ref_findings": r["findings"] if r else 0,
            "ref_per_1000_words": ratio(1000 * r["findings"], r["words"]) if r else None,
        }

    mt_findings = sum(n for n, _ in by_rule.values())
    mt_hits = sum(h for _, h in by_rule.values())
    mt_errors = sum(n for n, _ in mqm.values())
    mt_found = sum(f for _, f in mqm.values())
    ref_words = sum(s["words"] for s in lp_ref.values())
    ref_findings = sum(s["findings"] for s in lp_ref.values())
    ref_hits = sum(s["hits"] for s in lp_ref.values())
    references = {
        "documents": sum(s["documents"] for s in lp_ref.values()),
        "words": round(ref_words, 1),
        "findings": ref_findings,
        "per_1000_words": ratio(1000 * ref_findings, ref_words),
        "share_overlapping_annotated_error": ratio(ref_hits, ref_findings),
        "by_rule": {rule: {"findings": n, "per_1000_words": ratio(1000 * n, ref_words),
                           "share_overlapping_annotated_error": ratio(h, n)}
                    for rule, (n, h) in sorted(ref_rule.items())},
    }
    return {
        "mt": {
            "documents": sum(s["documents"] for s in lp_mt.values()),
            "findings": mt_findings,
            "hits": mt_hits,
            "precision": ratio(mt_hits, mt_findings),
            "errors": mt_errors,
            "errors_found": mt_found,
            "recall": ratio(mt_found, mt_errors),
            "by_rule": mt_rules,
            "by_category": _hits(by_category),
            "by_fix": _hits(by_fix),
        },
        "recall_by_mqm_category": recall,
        "by_language_pair": per_lp,
        "references": references,
        "timed_out_rules": dict(sorted(timed_out.items())),
    }


def _top(counter: Counter) -> str | None:
    """Most frequent key, ties broken by name."""
    return min(counter.items(), key=lambda kv: (-kv[1], kv[0]))[0] if counter else None


def _mqm_order(cat: str) -> tuple:
    """Highlighted categories first (in their listed order), then the rest by name."""
    return (HIGHLIGHTED.index(cat), "") if cat in HIGHLIGHTED else (len(HIGHLIGHTED), cat)


def targets(figures: dict) -> list[dict]:
    rows = [
        {"target": f"Findings on human references < {MAX_REF_PER_1000:g} per 1,000 words",
         "value": figures["references"]["per_1000_words"], "unit": "per_1000", "bar": MAX_REF_PER_1000,
         "pass": _meets(figures["references"]["per_1000_words"], lambda v: v < MAX_REF_PER_1000)},
        {"target": f"Findings on MT overlapping an annotated error >= {MIN_PRECISION:.0%}",
         "value": figures["mt"]["precision"], "unit": "share", "bar": MIN_PRECISION,
         "pass": _meets(figures["mt"]["precision"], lambda v: v >= MIN_PRECISION)},
    ]
    for cat in RECALL_TARGETS:
        value = figures["recall_by_mqm_category"][cat]["recall"]
        rows.append({"target": f"Recall on {cat} >= {MIN_RECALL:.0%}", "value": value, "unit": "share",
                     "bar": MIN_RECALL, "pass": _meets(value, lambda v: v >= MIN_RECALL)})
    return rows


def _meets(value: float | None, test) -> bool:
    return value is not None and test(value)


def rule_rows(figures: dict) -> dict:
    """Per rule: findings, hits and precision on MT, findings and rate on the references."""
    mt, refs = figures["mt"]["by_rule"], figures["references"]["by_rule"]
    rows = {}
    for rule in sorted(set(mt) | set(refs)):
        m, r = mt.get(rule, {}), refs.get(rule, {})
        rows[rule] = {"findings": m.get("findings", 0), "hits": m.get("hits", 0), "precision": m.get("precision"),
                      "top_mqm_hit": m.get("top_mqm_hit"), "ref_findings": r.get("findings", 0),
                      "ref_per_1000_words": r.get("per_1000_words", 0.0)}
    return rows


def previous_figures(path: Path) -> dict | None:
    """The headline figures of the run whose results are about to be replaced, for before/after."""
    try:
        old = json.loads(path.read_text(encoding="utf-8"))
        fig = old["figures"]
        return {"mtqa_commit": old["machine"]["mtqa_commit"], "date": old["machine"]["date"],
                "limit": old["run"]["limit"], "mt_findings": fig["mt"]["findings"], "precision": fig["mt"]["precision"],
                "recall": fig["mt"]["recall"], "ref_findings": fig["references"]["findings"],
                "ref_per_1000_words": fig["references"]["per_1000_words"]}
    except (OSError, ValueError, KeyError):
        return None


# ---------------------------------------------------------------- run information

def git(*args: str) -> str | None:
    try:
        return subprocess.run(["git", "-C", str(ROOT), *args], capture_output=True, text=True,
                              check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return None


def machine_info() -> dict:
    # the results this benchmark writes do not make the code it measured a modified one
    status = git("status", "--porcelain", "--untracked-files=no", "--", ".", ":(exclude)benchmarks/results")
    return {
        "nproc": os.cpu_count(),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "date": datetime.now(timezone.utc).replace(microsecond=0).isoformat(),
        "mtqa_commit": git("rev-parse", "--short", "HEAD"),
        "working_tree_modified": bool(status) if status is not None else None,
    }


# ---------------------------------------------------------------- report

def pct(value: float | None) -> str:
    return "–" if value is None else f"{100 * value:.1f}%"


def num(value: float | None, digits: int = 2) -> str:
    return "–" if value is None else f"{value:,.{digits}f}"


def table(header: list[str], rows: list[list]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |",
             "|" + "|".join("---" if i == 0 else "---:" for i in range(len(header))) + "|"]
    lines += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return lines


def markdown(report: dict) -> str:
    fig, run, info = report["figures"], report["run"], report["machine"]
    mt, refs = fig["mt"], fig["references"]
    modified = " (working tree modified)" if info["working_tree_modified"] else ""
    limit = f"first {run['limit']} records of each file" if run["limit"] else "all records"
    out = [
        "# Detection on annotated MT errors (bio-MQM)",
        "",
        f"`benchmarks/bench_detect.py`, {info['date']}, mtqa {info['mtqa_commit']}{modified}; {limit}; "
        f"{run['documents']:,} documents ({mt['documents']:,} MT, {refs['documents']:,} human references) "
        f"in {run['seconds']:.0f} s ({run['detect_seconds']:.0f} s detection, {run['processes']} processes, "
        f"{run['ms_per_document']:.2f} ms per document per process); {info['nproc']} CPUs, "
        f"Python {info['python']}.",
        "",
        f"Rule packs: {', '.join(run['rule_packs'])} ({len(run['pattern_rules'])} pattern rules); "
        "findings of other detectors appear under their own rule names.",
        "",
        "A finding *hits* when its span overlaps an annotated error span of the same record, of any category "
        "(a zero-width finding: when it touches one). Findings fixed automatically by normalisation "
        "(`fix: auto`) count like any other. Each annotation line is its own document: a segment annotated by "
        "two raters is scored twice, against each rater's spans. Words on references: whitespace tokens; "
        "for Chinese, non-space characters / 2.",
        "",
        "## Targets",
        "",
    ]
    out += table(["Target", "Measured", "Result"], [
        [t["target"], num(t["value"]) if t["unit"] == "per_1000" else pct(t["value"]), "PASS" if t["pass"] else "FAIL"]
        for t in report["targets"]])
    if report["previous"]:
        prev, every = report["previous"], report["figures_all_rules"]
        out += ["", f"Before and after: the previous run (mtqa {prev['mtqa_commit']}, {prev['date']}), this run with "
                "the default rules, and this run with every rule on.", ""]
        out += table(["", "Previous", "Default rules", "Every rule"], [
            ["Findings on MT", f"{prev['mt_findings']:,}", f"{mt['findings']:,}", f"{every['mt']['findings']:,}"],
            ["Precision on MT", pct(prev["precision"]), pct(mt["precision"]), pct(every["mt"]["precision"])],
            ["Recall, all MQM categories", pct(prev["recall"]), pct(mt["recall"]), pct(every["mt"]["recall"])],
            ["Findings on human references", f"{prev['ref_findings']:,}", f"{refs['findings']:,}",
             f"{every['references']['findings']:,}"],
            ["Per 1,000 words of human reference", num(prev["ref_per_1000_words"]), num(refs["per_1000_words"]),
             num(every["references"]["per_1000_words"])],
        ])
    out += [
        "",
        "## Overall (default rules)",
        "",
    ]
    out += table(["", "Value"], [
        ["Findings on MT", f"{mt['findings']:,}"],
        ["Precision on MT (findings hitting an annotated error)", pct(mt["precision"])],
        ["Annotated errors in MT", f"{mt['errors']:,}"],
        ["Recall, all MQM categories", pct(mt["recall"])],
        ["Findings on human references", f"{refs['findings']:,}"],
        ["Findings per 1,000 words of human reference", num(refs["per_1000_words"])],
        ["Reference findings overlapping an error annotated in the reference",
         pct(refs["share_overlapping_annotated_error"])],
    ])
    out += ["", "## By rule", "",
            "Every rule ran, the default-off ones too (marked *off*; `--enable-rule ID` turns one on). "
            "Precision: the share of its findings on MT that overlap an annotated error. "
            "The overall figures above count only the rules that are on by default.", ""]
    off = run["default_off"]
    out += table(["Rule", "Default", "Findings on MT", "Hits", "Precision", "Findings on refs", "Refs per 1,000 words",
                  "MQM category hit most"], [
        [f"`{rule}`", "off" if rule in off else "on", f"{r['findings']:,}", f"{r['hits']:,}", pct(r["precision"]),
         f"{r['ref_findings']:,}", num(r["ref_per_1000_words"], 3), r["top_mqm_hit"] or "–"]
        for rule, r in report["rules"].items()])
    if off:
        out += ["", "Off by default (cleaners/data/detectors.yaml), and why:", ""]
        out += [f"- `{rule}`: {reason}" for rule, reason in sorted(off.items())]
    silent = [r for r in run["pattern_rules"] if r not in report["rules"]]
    if silent:
        out += ["", f"Pattern rules with no finding on MT or references ({len(silent)}): "
                + ", ".join(f"`{r}`" for r in silent) + "."]
    out += ["", "## Findings on MT, by finding category", ""]
    out += table(["Category", "Findings", "Hits", "Precision"], [
        [cat, f"{r['findings']:,}", f"{r['hits']:,}", pct(r["precision"])] for cat, r in mt["by_category"].items()])
    out += ["", "By fix mode:", ""]
    out += table(["Fix", "Findings", "Hits", "Precision"], [
        [f"`{fix}`", f"{r['findings']:,}", f"{r['hits']:,}", pct(r["precision"])] for fix, r in mt["by_fix"].items()])
    out += ["", "## Recall by annotated MQM category", "",
            "The highlighted categories (those mtqa's rules aim at) come first, in bold.", ""]
    rows = []
    for cat, r in fig["recall_by_mqm_category"].items():
        name = f"**{cat}**" if r["highlighted"] else cat
        rows.append([name, f"{r['errors']:,}", f"{r['found']:,}", pct(r["recall"]),
                     f"`{r['top_rule']}`" if r["top_rule"] else "–"])
    out += table(["MQM category", "Errors", "Found", "Recall", "Rule finding most"], rows)
    out += ["", "## By language pair", ""]
    out += table(["Pair", "MT docs", "MT findings", "Precision", "Errors", "Recall", "Ref docs", "Ref words",
                  "Ref findings", "Ref per 1,000 words"], [
        [lp, f"{r['mt_documents']:,}", f"{r['mt_findings']:,}", pct(r["precision"]), f"{r['errors']:,}",
         pct(r["recall"]), f"{r['ref_documents']:,}", f"{r['ref_words']:,.0f}", f"{r['ref_findings']:,}",
         num(r["ref_per_1000_words"])]
        for lp, r in fig["by_language_pair"].items()])
    out += ["", "## Findings on human references", ""]
    out += ["", f"Total: {refs['findings']:,} findings in {refs['words']:,.0f} words = "
            f"{num(refs['per_1000_words'])} per 1,000 words."]
    if fig["timed_out_rules"]:
        out += ["", "Rules that hit their time limit (skipped on that document): "
                + ", ".join(f"`{r}` ×{n}" for r, n in fig["timed_out_rules"].items()) + "."]
    return "\n".join(out) + "\n"


# ---------------------------------------------------------------- main

def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--limit", type=int, default=None, help="first N records of each file")
    parser.add_argument("--processes", type=int, default=2, help="worker processes (default 2)")
    parser.add_argument("--chunk", type=int, default=300, help="documents per task (default 300)")
    parser.add_argument("--data", type=Path, default=DATA_DIR, help="folder of bio-MQM *.jsonl.gz files")
    parser.add_argument("--out", type=Path, default=RESULTS, help="where detect.json and detect.md go (default: benchmarks/results)")
    args = parser.parse_args(argv)

    started = time.perf_counter()
    records = load_records(args.data, args.limit)
    print(f"{len(records):,} records from {args.data}", file=sys.stderr)
    detect_start = time.perf_counter()
    results, config = detect_all(records, args.processes, args.chunk)
    results = add_corpus_findings(records, results)
    detect_seconds = time.perf_counter() - detect_start
    figures_all = score(records, results)
    figures = score(records, results, skip=frozenset(config["default_off"]))
    seconds = time.perf_counter() - started

    report = {
        "machine": machine_info(),
        "run": {
            "limit": args.limit,
            "processes": args.processes,
            "chunk": args.chunk,
            "data": str(args.data),
            "documents": len(records),
            "seconds": round(seconds, 2),
            "detect_seconds": round(detect_seconds, 2),
            "ms_per_document": round(1000 * detect_seconds * args.processes / max(len(records), 1), 3),
            **config,
        },
        "targets": targets(figures),
        "previous": previous_figures(args.out / "detect.json"),
        "figures": figures,
        "figures_all_rules": figures_all,
        "rules": rule_rows(figures_all),
    }
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "detect.json").write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    text = markdown(report)
    (args.out / "detect.md").write_text(text, encoding="utf-8")
    print(text)


if __name__ == "__main__":
    main()
