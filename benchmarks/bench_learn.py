"""Does `mtqa learn` learn rules that make held-back text closer to its reference?

On ../shared/data/bio-mqm, each MT output is treated as machine text and its first human
reference as the revision. Documents (language pair + document id, all systems and raters of a
document together) are split 80/20 by a hash of their name. Rules are learned on the 80%, then
each learned rule is applied alone to the held-back records it matches, and chrF (sacrebleu,
against both references) of those records is compared before and after: a rule helps when chrF
rises. All rules together are also applied to the whole held-back set.

    .venv/bin/python benchmarks/bench_learn.py [--min-support 3] [--min-consistency 0.5]

Writes benchmarks/results/learn.json and learn.md.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import platform
import sys
import time
from pathlib import Path

import regex
import sacrebleu

sys.path.insert(0, str(Path(__file__).resolve().parent))
from corpus import bio_mqm_records

from mtqa.revision.learn import Pair, candidate_rule, learn

RESULTS = Path(__file__).resolve().parent / "results"


def held_back(record_id: str) -> bool:
    document = ":".join(record_id.split(":")[:2])  # "de-en:doc3"
    return int(hashlib.sha256(document.encode()).hexdigest(), 16) % 5 == 0


def records(part: str) -> list[dict]:
    return [r for r in bio_mqm_records() if r["references"] and held_back(r["id"]) == (part == "test")]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--min-support", type=int, default=3)
    parser.add_argument("--min-consistency", type=float, default=0.5)
    args = parser.parse_args()
    train, test = records("train"), records("test")
    started = time.perf_counter()
    candidates = learn(lambda: (Pair(r["id"], r["text"], r["references"][0], r["lang"], r["source"]) for r in train),
                       args.min_support, args.min_consistency)
    seconds = time.perf_counter() - started
    rules = []
    for number, candidate in enumerate(candidates, 1):
        spec = candidate_rule(candidate, number)
        rules.append((candidate, spec, regex.compile(spec["pattern"])))
    verdicts = {"helps": 0, "hurts": 0, "no change": 0, "unused": 0}
    per_rule = []
    for candidate, spec, pattern in rules:
        hit = [r for r in test if r["lang"] == candidate.lang and pattern.search(r["text"])]
        if not hit:
            verdicts["unused"] += 1
            continue
        before = [r["text"] for r in hit]
        after = [pattern.sub(spec["replace"], r["text"]) for r in hit]
        refs = [[r["references"][k] if k < len(r["references"]) else r["references"][0] for r in hit] for k in range(2)]
        delta = sacrebleu.corpus_chrf(after, refs).score - sacrebleu.corpus_chrf(before, refs).score
        verdict = "helps" if delta > 1e-9 else "hurts" if delta < -1e-9 else "no change"
        verdicts[verdict] += 1
        per_rule.append({"src": candidate.src, "dst": candidate.dst, "lang": candidate.lang, "support": candidate.support,
                         "consistency": round(candidate.consistency, 3), "held_back_records": len(hit),
                         "chrf_delta": round(delta, 3), "verdict": verdict})
    # all rules at once, on every held-back record
    revised = []
    for r in test:
        text = r["text"]
        for candidate, spec, pattern in rules:
            if candidate.lang == r["lang"]:
                text = pattern.sub(spec["replace"], text)
        revised.append(text)
    refs = [[r["references"][k] if k < len(r["references"]) else r["references"][0] for r in test] for k in range(2)]
    whole_before = sacrebleu.corpus_chrf([r["text"] for r in test], refs).score
    whole_after = sacrebleu.corpus_chrf(revised, refs).score
    result = {
        "train_records": len(train), "held_back_records": len(test), "learned_rules": len(rules),
        "learn_seconds": round(seconds, 1), "min_support": args.min_support, "min_consistency": args.min_consistency,
        "verdicts": verdicts, "held_back_chrf_before": round(whole_before, 2), "held_back_chrf_after": round(whole_after, 2),
        "changed_held_back_records": sum(a != r["text"] for a, r in zip(revised, test, strict=True)),
        "top_rules": sorted(per_rule, key=lambda p: (-p["held_back_records"], p["src"]))[:25],
        "machine": f"{platform.machine()}, {platform.python_version()}",
    }
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "learn.json").write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    (RESULTS / "learn.md").write_text(markdown(result), encoding="utf-8")
    print(markdown(result))


def markdown(r: dict) -> str:
    used = sum(r["verdicts"][k] for k in ("helps", "hurts", "no change"))
    lines = [
        "# Learning rules from revisions (`mtqa learn`), checked on held-back documents",
        "",
        f"MT outputs of ../shared/data/bio-mqm as machine text, the first reference as revision; documents split "
        f"80/20 by hash. Learned on {r['train_records']:,} records in {r['learn_seconds']} s "
        f"(min support {r['min_support']}, min consistency {r['min_consistency']}): **{r['learned_rules']:,} rules**.",
        "",
        f"Each rule alone, on the {r['held_back_records']:,} held-back records it matches (corpus chrF against both references):",
        "",
        "| verdict | rules |",
        "|---|---|",
        *(f"| {k} | {v:,} |" for k, v in r["verdicts"].items()),
        "",
        f"Of the {used:,} rules that match held-back text, **{r['verdicts']['helps']:,} ({r['verdicts']['helps'] / max(used, 1):.0%}) "
        f"bring it closer to the reference**, {r['verdicts']['hurts']:,} move it away.",
        "",
        f"All rules at once on every held-back record: chrF {r['held_back_chrf_before']} -> {r['held_back_chrf_after']} "
        f"({r['changed_held_back_records']:,} records changed).",
        "",
        "Rules used most on held-back text:",
        "",
        "| lang | MT | revision | support | consistency | held-back records | chrF delta | verdict |",
        "|---|---|---|---|---|---|---|---|",
        *(f"| {p['lang']} | {p['src']} | {p['dst']} | {p['support']} | {p['consistency']:.0%} | {p['held_back_records']} | "
          f"{p['chrf_delta']:+.2f} | {p['verdict']} |" for p in r["top_rules"]),
        "",
        f"Machine: {r['machine']}.",
        "",
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    main()
