"""How reliable is langdetect on short texts?

mtqa uses language ID to flag MT output (or sources) written in the wrong
language. On short texts langdetect often answers wrongly *and* confidently, so
the project needs a minimum text length (and a probability bar) below which
language ID should answer "unknown" rather than raise a false alarm.

This benchmark takes real segments from the bio-MQM data (``source`` fields in
the source language, ``references`` in the target language), cuts prefixes of
increasing length at word boundaries, runs ``langdetect.detect_langs`` on each,
and reports accuracy, coverage and false-alarm rate by prefix length and by
number of letters (``str.isalpha``) in the prefix.

Run from the repository root:

    .venv/bin/python benchmarks/langid_reliability.py

Writes benchmarks/results/langid_reliability.{json,md} and prints the Markdown.
"""

import datetime
import glob
import gzip
import hashlib
import importlib.metadata
import json
import os
import platform
import re
import time
from collections import Counter, defaultdict

from langdetect import DetectorFactory, detect_langs
from langdetect.lang_detect_exception import LangDetectException

HERE = os.path.dirname(os.path.abspath(__file__))
DATA_DIR = os.path.join(HERE, "..", "..", "shared", "data", "bio-mqm")  # as in benchmarks/corpus.py
OUT_DIR = os.path.join(HERE, "results")
PER_LANG = 400
LENGTHS = [5, 10, 15, 20, 25, 30, 40, 50, 60, 80, 100, 150]
BUCKETS = [(0, 4), (5, 9), (10, 14), (15, 19), (20, 29), (30, 39), (40, 59), (60, 99), (100, None)]
BARS = [0.90, 0.99]
TARGET_ACC = 0.99
MIN_N = 30  # a language needs this many texts in a cell to count for "worst language"
UNSUPPORTED = {"eu"}  # no langdetect profile
NO_SPACES = {"zh"}  # cut at exactly L characters


def load_texts(data_dir=DATA_DIR):
    """Return {lang: set of texts} from sources (src lang) and references (tgt lang)."""
    texts = defaultdict(set)
    for path in sorted(glob.glob(os.path.join(data_dir, "*.jsonl.gz"))):
        with gzip.open(path, "rt", encoding="utf-8") as f:
            for line in f:
                row = json.loads(line)
                src, tgt = row["lp"].split("-")
                texts[src].add(row["source"].strip())
                texts[tgt].update(r.strip() for r in row["references"])
    return texts


def sample(texts, n=PER_LANG):
    """Deterministic sample: the n texts with the smallest SHA-1."""
    key = lambda t: hashlib.sha1(t.encode("utf-8")).hexdigest()
    return {lang: sorted(ts, key=key)[:n] for lang, ts in sorted(texts.items())}


def prefix(text, length, lang):
    """Longest prefix of at most `length` chars ending at a word boundary (None if none)."""
    if len(text) < length:
        return None
    if lang in NO_SPACES:
        return text[:length]
    m = re.match(r"(.{0,%d})(?:\s|$)" % length, text, re.S)
    cut = m.group(1).rstrip() if m else ""
    return cut or None


def detect(text):
    """(top language, its probability); ("error", 0.0) when langdetect gives up."""
    try:
        top = detect_langs(text)[0]
    except LangDetectException:
        return "error", 0.0
    return ("zh" if top.lang.startswith("zh") else top.lang), top.prob


def bucket_of(letters):
    for lo, hi in BUCKETS:
        if hi is None or letters <= hi:
            return f"{lo}+" if hi is None else f"{lo}-{hi}"


def run(samples):
    """One record per (text, distinct prefix); `lengths` lists the L values giving it."""
    records = []
    for lang, texts in samples.items():
        for i, text in enumerate(texts):
            seen = {}
            for length in LENGTHS:
                p = prefix(text, length, lang)
                if p is None:
                    continue
                if p not in seen:
                    pred, prob = detect(p)
                    seen[p] = {"lang": lang, "text_id": i, "prefix": p, "lengths": [],
                               "letters": sum(c.isalpha() for c in p), "pred": pred, "prob": prob}
                    records.append(seen[p])
                seen[p]["lengths"].append(length)
    return records


def stats(recs):
    """Accuracy, error rate, and per bar: coverage, accuracy among passing, false-alarm rate."""
    n = len(recs)
    out = {"n": n}
    if not n:
        return out
    out["acc"] = sum(r["pred"] == r["lang"] for r in recs) / n
    out["error"] = sum(r["pred"] == "error" for r in recs) / n
    for bar in BARS:
        passing = [r for r in recs if r["prob"] >= bar]
        wrong = sum(r["pred"] != r["lang"] for r in passing)
        out[f"cov@{bar}"] = len(passing) / n
        out[f"n@{bar}"] = len(passing)
        out[f"acc@{bar}"] = 1 - wrong / len(passing) if passing else None
        out[f"fa@{bar}"] = wrong / n
    return out


def table(cells):
    """cells: {row key: records}. Pooled stats, per-language stats, worst language."""
    rows = {}
    for key, recs in cells.items():
        by_lang = defaultdict(list)
        for r in recs:
            by_lang[r["lang"]].append(r)
        per_lang = {lang: stats(rs) for lang, rs in sorted(by_lang.items())}
        row = {"all": stats(recs), "per_lang": per_lang, "worst": {}}
        metrics = [("acc", "n", 1)] + [m for bar in BARS for m in
                                       [(f"acc@{bar}", f"n@{bar}", 1), (f"fa@{bar}", "n", -1)]]
        for metric, n_key, sign in metrics:
            cands = [(sign * s[metric], lang) for lang, s in per_lang.items()
                     if s.get(n_key, 0) >= MIN_N and s.get(metric) is not None]
            if cands:
                v, lang = min(cands)
                row["worst"][metric] = {"lang": lang, "value": sign * v, "n": per_lang[lang][n_key]}
        rows[key] = row
    return rows


def thresholds(by_bucket, segments, bar):
    """Per language: lowest letter bucket from which every bucket up (with >= MIN_N texts
    passing the bar) has acc@bar >= TARGET_ACC. Overall: the max over languages reaching it,
    with coverage and false alarms in that bucket and on full segments with that many letters."""
    keys = list(by_bucket)
    per_lang = {}
    for lang in sorted({lang for row in by_bucket.values() for lang in row["per_lang"]}):
        per_lang[lang] = None
        for key in reversed(keys):
            s = by_bucket[key]["per_lang"].get(lang)
            if not s or s[f"n@{bar}"] < MIN_N:
                continue
            if s[f"acc@{bar}"] < TARGET_ACC:
                break
            per_lang[lang] = key
    reached = {lang: k for lang, k in per_lang.items() if k is not None}
    if not reached:
        return {"per_lang": per_lang}
    key = max(reached.values(), key=keys.index)
    lo = int(key.split("-")[0].rstrip("+"))
    in_bucket = [s for lang, s in by_bucket[key]["per_lang"].items() if lang in reached]
    n = sum(s["n"] for s in in_bucket)
    segs = {lang: [r for r in segments if r["lang"] == lang] for lang in per_lang}

    def seg_stats(rs):
        flagged = [r for r in rs if r["letters"] >= lo and r["prob"] >= bar]
        return {"n": len(rs), "coverage": len(flagged) / len(rs),
                "false_alarm": sum(r["pred"] != r["lang"] for r in flagged) / len(rs)}

    return {
        "per_lang": per_lang, "min_letters": lo, "bucket": key,
        "not_reached": sorted(set(per_lang) - set(reached)),
        "bucket_coverage": sum(s[f"n@{bar}"] for s in in_bucket) / n,
        "bucket_false_alarm": sum(s[f"fa@{bar}"] * s["n"] for s in in_bucket) / n,
        "segments": seg_stats([r for lang in reached for r in segs[lang]]),
        "segments_per_lang": {lang: seg_stats(rs) for lang, rs in segs.items()},
    }


def cjk_report(records, lang="zh"):
    """For zh, letters include Latin; bucket instead by number of CJK ideographs."""
    by_bucket = defaultdict(list)
    for r in records:
        if r["lang"] == lang:
            by_bucket[bucket_of(len(re.findall(r"[\u4e00-\u9fff]", r["prefix"])))].append(r)
    top = max(BARS)
    return {b: {"n": len(rs), **{f"{k}@{bar}": v for bar in BARS for k, v in (
                    ("cov", sum(r["prob"] >= bar for r in rs) / len(rs)),
                    ("fa", sum(r["prob"] >= bar and r["pred"] != lang for r in rs) / len(rs)))},
                "confident_wrong": Counter(r["pred"] for r in rs
                                           if r["prob"] >= top and r["pred"] != lang).most_common(3)}
            for b, rs in ((bucket_of(lo), by_bucket[bucket_of(lo)]) for lo, _ in BUCKETS) if rs}


def unsupported_report(records):
    out = {}
    for lang in sorted(UNSUPPORTED):
        recs = [r for r in records if r["lang"] == lang]
        by_bucket = defaultdict(list)
        for r in recs:
            by_bucket[bucket_of(r["letters"])].append(r)
        out[lang] = {
            "n": len(recs),
            "top_answers": Counter(r["pred"] for r in recs).most_common(8),
            "by_bucket": {b: {"n": len(by_bucket[b]),
                              **{f"confident@{bar}": sum(r["prob"] >= bar for r in by_bucket[b])
                                 / len(by_bucket[b]) for bar in BARS}}
                          for b in (bucket_of(lo) for lo, _ in BUCKETS) if by_bucket[b]},
        }
    return out


def pct(x):
    return "–" if x is None else f"{100 * x:.1f}"


def worst(row, metric):
    w = row["worst"].get(metric)
    return "–" if w is None else f"{pct(w['value'])} {w['lang']}"


def md_table(title, rows, first_col):
    b1, b2 = BARS
    lines = [f"### {title}", "",
             f"| {first_col} | n | acc % | worst % | err % | cov@{b1} % | acc@{b1} % | worst@{b1} % "
             f"| FA@{b1} % | cov@{b2} % | acc@{b2} % | worst@{b2} % | FA@{b2} % | worst FA@{b2} % |",
             "|" + "---|" * 14]
    for key, row in rows.items():
        a = row["all"]
        lines.append(
            f"| {key} | {a['n']} | {pct(a['acc'])} | {worst(row, 'acc')} | {pct(a['error'])} "
            f"| {pct(a[f'cov@{b1}'])} | {pct(a[f'acc@{b1}'])} | {worst(row, f'acc@{b1}')} | {pct(a[f'fa@{b1}'])} "
            f"| {pct(a[f'cov@{b2}'])} | {pct(a[f'acc@{b2}'])} | {worst(row, f'acc@{b2}')} | {pct(a[f'fa@{b2}'])} "
            f"| {worst(row, f'fa@{b2}')} |")
    return lines + [""]


def markdown(result):
    m = result["meta"]
    top = max(BARS)
    lines = ["# langdetect reliability by text length", "",
             f"- Machine: nproc={m['nproc']}, Python {m['python']}, langdetect {m['langdetect']}",
             f"- Date: {m['date']}, run time {m['run_time_s']:.0f} s, {m['calls']} langdetect calls",
             f"- Data: {m['data_dir']}; up to {PER_LANG} distinct texts per language "
             f"(lowest SHA-1 of sources + references), sample sizes {m['sample_sizes']}",
             "- Prefixes cut at the last word boundary at or before L chars (zh: exactly L chars);"
             " texts shorter than L, or with no word boundary within L, are skipped."
             " In the letter tables each distinct prefix of a text counts once.",
             "- acc = top answer correct (errors count as wrong); cov@p = share with top prob >= p;"
             " acc@p = accuracy among those; FA@p = share confidently wrong (prob >= p) among all texts;"
             f" worst = worst language with n >= {MIN_N} in the cell. Supported languages only.", ""]
    lines += md_table("By prefix length (characters)", result["by_length"], "L")
    lines += md_table("By letter count", result["by_letters"], "letters")

    langs = list(next(iter(result["by_letters"].values()))["per_lang"])
    lines += [f"### Per language by letter count: acc@{top} % / FA@{top} % (n)", "",
              "| letters | " + " | ".join(langs) + " |", "|---|" + "---|" * len(langs)]
    for key, row in result["by_letters"].items():
        cells = []
        for lang in langs:
            s = row["per_lang"].get(lang)
            cells.append(f"{pct(s[f'acc@{top}'])} / {pct(s[f'fa@{top}'])} ({s['n']})" if s else "–")
        lines.append(f"| {key} | " + " | ".join(cells) + " |")

    lines += ["", f"### Minimum letter count with acc@p >= {100 * TARGET_ACC:.0f}% for every language",
              "", f"Per language: lowest bucket from which every bucket up (with >= {MIN_N} texts passing)"
              " meets the target. Overall: the max over languages that reach it. Coverage / FA: in that"
              " bucket, and over the sampled *full segments* (share with >= that many letters and prob >= p).",
              "", "| bar | per language | min letters | not reached | bucket cov % | bucket FA % "
              "| segment cov % | segment FA % |", "|---|---|---|---|---|---|---|---|"]
    for bar, t in result["thresholds"].items():
        per = ", ".join(f"{lang} {k or '–'}" for lang, k in t["per_lang"].items())
        if "min_letters" not in t:
            lines.append(f"| {bar} | {per} | not reached | | | | | |")
            continue
        lines.append(f"| {bar} | {per} | {t['min_letters']} | {', '.join(t['not_reached']) or '–'} "
                     f"| {pct(t['bucket_coverage'])} | {pct(t['bucket_false_alarm'])} "
                     f"| {pct(t['segments']['coverage'])} | {pct(t['segments']['false_alarm'])} |")
    t = result["thresholds"][str(top)]
    if "min_letters" in t:
        lines += ["", f"Full segments at >= {t['min_letters']} letters, prob >= {top}: "
                  + ", ".join(f"{lang} cov {pct(s['coverage'])} / FA {pct(s['false_alarm'])}"
                              for lang, s in t["segments_per_lang"].items())]

    lines += ["", "### zh by number of CJK ideographs (letters above also count Latin letters)", "",
              "| ideographs | n | " + " | ".join(f"cov@{b} % | FA@{b} %" for b in BARS)
              + f" | confident wrong answers (p >= {top}) |", "|---|---|" + "---|" * (2 * len(BARS) + 1)]
    for b, s in result["zh_by_ideographs"].items():
        lines.append(f"| {b} | {s['n']} | " + " | ".join(f"{pct(s[f'cov@{bar}'])} | {pct(s[f'fa@{bar}'])}"
                                                        for bar in BARS)
                     + " | " + ", ".join(f"{k} {v}" for k, v in s["confident_wrong"]) + " |")

    for lang, u in result["unsupported"].items():
        lines += ["", f"### Unsupported: {lang} ({u['n']} prefixes)", "",
                  "langdetect has no profile; top answers: "
                  + ", ".join(f"{k} {v}" for k, v in u["top_answers"]), "",
                  "| letters | n | " + " | ".join(f"confident@{b} %" for b in BARS) + " |",
                  "|---|---|" + "---|" * len(BARS)]
        for b, s in u["by_bucket"].items():
            lines.append(f"| {b} | {s['n']} | " + " | ".join(pct(s[f'confident@{bar}']) for bar in BARS) + " |")
    return "\n".join(lines)


def main():
    start = time.time()
    DetectorFactory.seed = 0
    samples = sample(load_texts())
    records = run(samples)
    supported = [r for r in records if r["lang"] not in UNSUPPORTED]
    segments = [{"lang": lang, "letters": sum(c.isalpha() for c in t), **dict(zip(("pred", "prob"), detect(t)))}
                for lang, texts in samples.items() if lang not in UNSUPPORTED for t in texts]

    by_length = {L: [r for r in supported if L in r["lengths"]] for L in LENGTHS}
    by_letters = defaultdict(list)
    for r in supported:
        by_letters[bucket_of(r["letters"])].append(r)
    by_letters = {b: by_letters[b] for b in (bucket_of(lo) for lo, _ in BUCKETS) if by_letters[b]}

    result = {"by_length": table(by_length), "by_letters": table(by_letters)}
    result["thresholds"] = {str(bar): thresholds(result["by_letters"], segments, bar) for bar in BARS}
    result["zh_by_ideographs"] = cjk_report(supported)
    result["unsupported"] = unsupported_report(records)
    result["confident_errors"] = sorted(
        ({k: r[k] for k in ("lang", "pred", "prob", "letters", "prefix")}
         for r in supported if r["prob"] >= max(BARS) and r["pred"] != r["lang"]),
        key=lambda r: -r["letters"])[:100]  # the 100 longest: the most telling
    result["meta"] = {
        "nproc": len(os.sched_getaffinity(0)), "python": platform.python_version(),
        "langdetect": importlib.metadata.version("langdetect"),
        "date": datetime.datetime.now().isoformat(timespec="seconds"),
        "data_dir": os.path.normpath(DATA_DIR), "per_lang": PER_LANG, "lengths": LENGTHS, "bars": BARS,
        "sample_sizes": {lang: len(ts) for lang, ts in samples.items()},
        "calls": len(records) + len(segments), "run_time_s": time.time() - start,
    }

    os.makedirs(OUT_DIR, exist_ok=True)
    with open(os.path.join(OUT_DIR, "langid_reliability.json"), "w", encoding="utf-8") as f:
        json.dump(result, f, ensure_ascii=False, indent=1)
    md = markdown(result)
    with open(os.path.join(OUT_DIR, "langid_reliability.md"), "w", encoding="utf-8") as f:
        f.write(md + "\n")
    print(md)


if __name__ == "__main__":
    main()
