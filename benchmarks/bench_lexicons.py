"""How often do the calque and false-friend lexicons fire, on MT and on human references?

A lexicon entry flags a misleading rendering only when the source holds its trigger; it must stay
nearly silent on human translations (which also meet the trigger) and should, on MQM-annotated MT,
hit annotated errors. This benchmark runs the lexicons (cleaners/detectors/lexicon.py, the same
`lexicon_hits` the `lexicon.*` detectors call, on the raw record text so that the MQM offsets apply)
over ../shared/data:

- bio-mqm/<pair>.jsonl.gz (biomedical abstracts; MQM spans; human `reference*` records),
- wmt23-news-mqm/en-de.jsonl.gz (news; MQM spans; the human `refA` is annotated too),
- wmt12-news/<pair>.jsonl.gz (news; source, human reference and 12-16 systems each; no spans,
  but each system's share of human pairwise comparisons won, in <pair>.systems.json).

Only pairs with a lexicon are read. Every data set is split by document into a tuning half and a
check half by a stable hash (SHA-1 of "<data set>:<pair>:<document id>"; wmt12 has no document ids,
so its segments are the units). Entries were chosen and pruned looking at the tuning half only;
the figures to quote are the check half's. Reported per data set, pair and half:

- findings per 1,000 words on human references and on MT (words: whitespace tokens);
- for the MQM sets, the share of MT findings whose span overlaps an annotated error span of the
  same record (sharing a character), overall and per class;
- for wmt12, each system's findings per 1,000 words beside its won share, and Kendall's tau
  between the two over the systems (a detector of real errors gives a negative tau);
- every finding on a human reference of the tuning half, with its context, so that the entries
  that fire on correct translations can be fixed or dropped.

Run from the repository root (about a minute; one process):

    .venv/bin/python benchmarks/bench_lexicons.py [--data ../shared/data] [--out benchmarks/results]

Writes benchmarks/results/lexicons.json and benchmarks/results/lexicons.md, and prints the Markdown.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import os
import platform
import resource
import sys
import time
from collections import Counter, defaultdict
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data"
RESULTS = ROOT / "benchmarks" / "results"
HALVES = ("tune", "check")

sys.path.insert(0, str(ROOT))
from benchmarks.detect_scoring import kendall_tau  # noqa: E402  (tau-b, checked against scipy there)


def half_of(dataset: str, pair: str, unit: str) -> str:
    """The half a document (or wmt12 segment) belongs to, the same on every run and machine."""
    digest = hashlib.sha1(f"{dataset}:{pair}:{unit}".encode()).digest()
    return HALVES[digest[0] & 1]


def words(text: str) -> int:
    return len(text.split())


def overlaps(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return max(a[0], b[0]) < min(a[1], b[1])


class Tally:
    """Words, findings, and findings on annotated errors, by any key."""

    def __init__(self):
        self.words = Counter()
        self.findings = Counter()
        self.on_error = Counter()
        self.by_class = defaultdict(Counter)  # key -> class -> findings
        self.by_class_on_error = defaultdict(Counter)

    def add(self, key, text: str, hits: list, errors: list[tuple[int, int]] | None):
        self.words[key] += words(text)
        for entry, start, end, _, _ in hits:
            self.findings[key] += 1
            self.by_class[key][entry.kind] += 1
            if errors is not None and any(overlaps((start, end), span) for span in errors):
                self.on_error[key] += 1
                self.by_class_on_error[key][entry.kind] += 1

    def rate(self, key) -> float | None:
        return 1000 * self.findings[key] / self.words[key] if self.words[key] else None


def read_mqm(path: Path, dataset: str, pair: str, is_reference, hits_of, tally: Tally, ref_hits: list, entry_counts: Counter):
    """One MQM file: every record's findings, counted by (data set, pair, half, MT or reference)."""
    with gzip.open(path, "rt", encoding="utf-8") as f:
        for line in f:
            row = json.loads(line)
            half = half_of(dataset, pair, row["doc"])
            side = "ref" if is_reference(row["system"]) else "mt"
            hits = hits_of(pair, row["source"], row["mt"])
            errors = [(e["start"], e["end"]) for e in row["errors"]]
            tally.add((dataset, pair, half, side), row["mt"], hits, errors)
            for entry, start, end, text, _ in hits:
                entry_counts[(dataset, pair, half, side, entry.id)] += 1
                if side == "ref" and half == "tune":
                    ref_hits.append(_context(dataset, pair, row["id"], row["mt"], start, end, entry, row["source"]))


def read_wmt12(path: Path, pair: str, hits_of, tally: Tally, systems: Tally, ref_hits: list, entry_counts: Counter):
    dataset = "wmt12-news"
    with gzip.open(path, "rt", encoding="utf-8") as f:
        for line in f:
            row = json.loads(line)
            half = half_of(dataset, pair, str(row["seg"]))
            outputs = [("reference", row["reference"])] + sorted(row["mt"].items())
            for system, text in outputs:
                side = "ref" if system == "reference" else "mt"
                hits = hits_of(pair, row["source"], text)
                tally.add((dataset, pair, half, side), text, hits, None)
                systems.add((pair, half, system), text, hits, None)
                for entry, start, end, _, _ in hits:
                    entry_counts[(dataset, pair, half, side, entry.id)] += 1
                    if side == "ref" and half == "tune":
                        ref_hits.append(_context(dataset, pair, row["id"], text, start, end, entry, row["source"]))


def _context(dataset, pair, record, text, start, end, entry, source) -> dict:
    return {"dataset": dataset, "pair": pair, "record": record, "entry": entry.id,
            "context": f"{text[max(0, start - 60):start]}[{text[start:end]}]{text[end:end + 60]}",
            "source": source[:300]}


def run(data: Path) -> dict:
    from mtqa.cleaners.detectors.lexicon import lexicon, lexicon_files, lexicon_hits

    pairs = sorted(lexicon_files())
    started, cpu0 = time.perf_counter(), time.process_time()
    tally, systems = Tally(), Tally()
    ref_hits: list[dict] = []
    entry_counts: Counter = Counter()
    won: dict[str, dict[str, float]] = {}
    for pair in pairs:
        bio = data / "bio-mqm" / f"{pair}.jsonl.gz"
        if bio.exists():
            read_mqm(bio, "bio-mqm", pair, lambda s: s.startswith("reference"), lexicon_hits, tally, ref_hits, entry_counts)
        news = data / "wmt23-news-mqm" / f"{pair}.jsonl.gz"
        if news.exists():
            read_mqm(news, "wmt23-news-mqm", pair, lambda s: s == "refA", lexicon_hits, tally, ref_hits, entry_counts)
        old = data / "wmt12-news" / f"{pair}.jsonl.gz"
        if old.exists():
            read_wmt12(old, pair, lexicon_hits, tally, systems, ref_hits, entry_counts)
            won[pair] = {name: v["won_share"] for name, v in json.loads((data / "wmt12-news" / f"{pair}.systems.json").read_text()).items()}
    elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu0

    rows = []
    for dataset, pair, half, side in sorted({k[:3] + ("mt",) for k in tally.words} ):
        mt, ref = (dataset, pair, half, "mt"), (dataset, pair, half, "ref")
        rows.append({
            "dataset": dataset, "pair": pair, "half": half,
            "mt_words": tally.words[mt], "mt_findings": tally.findings[mt], "mt_per_1000": tally.rate(mt),
            "ref_words": tally.words[ref], "ref_findings": tally.findings[ref], "ref_per_1000": tally.rate(ref),
            "mt_on_error": tally.on_error[mt] if dataset != "wmt12-news" else None,
            "mt_on_error_share": (tally.on_error[mt] / tally.findings[mt] if tally.findings[mt] else None) if dataset != "wmt12-news" else None,
            "mt_by_class": dict(tally.by_class[mt]), "mt_on_error_by_class": dict(tally.by_class_on_error[mt]),
            "ref_by_class": dict(tally.by_class[ref]),
        })
    wmt12 = []
    for pair in sorted(won):
        for half in HALVES:
            names = sorted(won[pair])
            rates = {name: systems.rate((pair, half, name)) or 0.0 for name in names}
            wmt12.append({"pair": pair, "half": half, "reference_per_1000": systems.rate((pair, half, "reference")),
                          "systems_mean_per_1000": sum(rates.values()) / len(rates),
                          "kendall_tau_rate_vs_won": kendall_tau([rates[n] for n in names], [won[pair][n] for n in names]),
                          "systems": {n: {"per_1000": rates[n], "findings": systems.findings[(pair, half, n)], "won_share": won[pair][n]}
                                      for n in names}})
    entries = {pair: len(lexicon(pair).entries) for pair in pairs}
    fired = Counter()
    for (dataset, pair, half, side, entry_id), n in entry_counts.items():
        fired[(pair, entry_id, half, side)] += n
    return {
        "run": {"date": datetime.now(timezone.utc).isoformat(timespec="seconds"), "python": platform.python_version(),
                "machine": f"{platform.machine()}, {os.cpu_count()} cores, shared with other engineers' jobs",
                "wall_s": round(elapsed, 2), "cpu_s": round(cpu, 2),
                "max_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)},
        "entries": entries,
        "rows": rows,
        "wmt12": wmt12,
        "entries_firing": [{"pair": p, "entry": e, "half": h, "side": s, "findings": n}
                           for (p, e, h, s), n in sorted(fired.items())],
        "tuning_half_reference_findings": ref_hits,
    }


def fmt(x, digits=2) -> str:
    if x is None:
        return "–"
    if isinstance(x, float):
        return f"{x:.{digits}f}"
    return str(x)


def markdown(result: dict) -> str:
    out = ["# Calque and false-friend lexicons on ../shared/data", "",
           f"Run {result['run']['date']}: {result['run']['wall_s']} s wall, {result['run']['cpu_s']} CPU-s, "
           f"{result['run']['max_rss_mb']} MB peak RSS, Python {result['run']['python']}, {result['run']['machine']}. "
           "Produced by `benchmarks/bench_lexicons.py`; entries were tuned on the `tune` half only, quote the `check` half.", "",
           "Entries per lexicon: " + ", ".join(f"{p} {n}" for p, n in result["entries"].items()) + ".", "",
           "## Findings per 1,000 words", "",
           "| data set | pair | half | MT words | MT findings | per 1,000 | on an MQM error | ref words | ref findings | per 1,000 |",
           "|---|---|---|---:|---:|---:|---:|---:|---:|---:|"]
    for r in result["rows"]:
        share = "–" if r["mt_on_error"] is None else f"{r['mt_on_error']}/{r['mt_findings']}" + (
            f" ({100 * r['mt_on_error_share']:.0f}%)" if r["mt_on_error_share"] is not None else "")
        out.append(f"| {r['dataset']} | {r['pair']} | {r['half']} | {r['mt_words']:,} | {r['mt_findings']} | {fmt(r['mt_per_1000'], 3)} | "
                   f"{share} | {r['ref_words']:,} | {r['ref_findings']} | {fmt(r['ref_per_1000'], 3)} |")
    out += ["", "### All pairs of a data set", "",
            "| data set | half | MT findings per 1,000 words | on an MQM error | reference findings per 1,000 words |", "|---|---|---:|---:|---:|"]
    for dataset in sorted({r["dataset"] for r in result["rows"]}):
        for half in HALVES:
            rows = [r for r in result["rows"] if r["dataset"] == dataset and r["half"] == half]
            mt_w, mt_f = sum(r["mt_words"] for r in rows), sum(r["mt_findings"] for r in rows)
            ref_w, ref_f = sum(r["ref_words"] for r in rows), sum(r["ref_findings"] for r in rows)
            on = None if dataset == "wmt12-news" else sum(r["mt_on_error"] for r in rows)
            share = "–" if on is None else f"{on}/{mt_f}" + (f" ({100 * on / mt_f:.0f}%)" if mt_f else "")
            out.append(f"| {dataset} | {half} | {fmt(1000 * mt_f / mt_w if mt_w else None, 3)} ({mt_f}) | {share} | "
                       f"{fmt(1000 * ref_f / ref_w if ref_w else None, 3)} ({ref_f}) |")
    out += ["", "## wmt12-news: findings per system against the human ranking", "",
            "| pair | half | reference per 1,000 | systems' mean per 1,000 | Kendall tau (rate vs won share) |", "|---|---|---:|---:|---:|"]
    for w in result["wmt12"]:
        out.append(f"| {w['pair']} | {w['half']} | {fmt(w['reference_per_1000'], 3)} | {fmt(w['systems_mean_per_1000'], 3)} | "
                   f"{fmt(w['kendall_tau_rate_vs_won'])} |")
    firing = defaultdict(Counter)
    for e in result["entries_firing"]:
        firing[(e["pair"], e["entry"])][f"{e['half']}-{e['side']}"] += e["findings"]
    out += ["", "## Entries that fired (all data sets)", "",
            "| pair | entry | MT tune | MT check | ref tune | ref check |", "|---|---|---:|---:|---:|---:|"]
    for (pair, entry), c in sorted(firing.items(), key=lambda kv: (-sum(kv[1].values()), kv[0])):
        out.append(f"| {pair} | `{entry}` | {c['tune-mt']} | {c['check-mt']} | {c['tune-ref']} | {c['check-ref']} |")
    out += ["", f"## Findings on human references, tuning half ({len(result['tuning_half_reference_findings'])})", ""]
    for h in result["tuning_half_reference_findings"]:
        out.append(f"- {h['dataset']} {h['pair']} `{h['entry']}`: …{h['context']}…")
    return "\n".join(out) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    if not args.data.is_dir():
        print(f"mtqa: error: {args.data}: no such data folder (expected ../shared/data with bio-mqm/, wmt12-news/, wmt23-news-mqm/)",
              file=sys.stderr)
        return 2
    result = run(args.data)
    args.out.mkdir(parents=True, exist_ok=True)
    text = markdown(result)
    for name, content in (("lexicons.json", json.dumps(result, indent=1, ensure_ascii=False) + "\n"), ("lexicons.md", text)):
        tmp = args.out / f".{name}.tmp"
        tmp.write_text(content, encoding="utf-8")
        tmp.replace(args.out / name)
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
