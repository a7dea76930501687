"""The detection benchmark's Markdown report (benchmarks/bench_detect.py writes detect.md with it)."""

from __future__ import annotations

from benchmarks import detect_scoring as scoring
from benchmarks.detect_scoring import num, pct
from benchmarks.detect_criteria import GATE_MIN_FINDINGS, GATE_PRECISION, GATE_REFS_PER_1000, GROUP_NAMES

def table(header: list[str], rows: list[list]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |",
             "|" + "|".join("---" if i == 0 else "---:" for i in range(len(header))) + "|"]
    lines += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return lines


def _value(t: dict) -> str:
    if t["unit"] == "share":
        return pct(t["value"])
    return num(t["value"])


def markdown(report: dict) -> str:
    run, info = report["run"], report["machine"]
    modified = " (working tree modified)" if info["working_tree_modified"] else ""
    limit = f"first {run['limit']} lines of each file" if run["limit"] else "all records"
    half = {"check": "the check halves", "tune": "the tuning halves", "all": "both halves pooled"}[run["half"]]
    out = [
        "# Detection on annotated MT errors: mtqa, pofilter and OpusFilter",
        "",
        f"`{run['command']}`",
        "",
        f"{info['date']}, mtqa {info['mtqa_commit']}{modified}; {limit}; sets: {', '.join(run['sets'])}; "
        f"{run['records']:,} records ({run['tasks']:,} distinct segments checked) in {run['seconds']:.0f} s wall "
        f"({run['detect_seconds']:.0f} s checking), {run['cpu_seconds']['total']:.0f} CPU-s: mtqa "
        f"{run['cpu_seconds']['mtqa']:.0f}, pofilter {run['cpu_seconds']['pofilter']:.0f}, OpusFilter "
        f"{run['cpu_seconds']['opusfilter']:.0f}, loading and scoring {run['cpu_seconds']['loading_and_scoring']:.0f} "
        f"({run['processes']} mtqa processes and OpusFilter's beside them; "
        f"{info['nproc']} CPUs shared with other work, load average {', '.join(f'{x:.1f}' for x in info['load_average'])} "
        f"at the end); Python {info['python']}; "
        f"translate-toolkit {run['versions'].get('translate-toolkit', '–')}, "
        f"OpusFilter {run['versions'].get('opusfilter', {}).get('opusfilter', '–')}.",
        "",
        f"**Every figure below is from {half}** (each set split by document, by a stable hash; wmt12 by "
        f"blocks of {run['wmt12_block']} consecutive segments). Choices are made on the tuning halves: "
        f"pofilter's best subset ({', '.join(run['pofilter_best']) or '–'}), OpusFilter's best subset "
        f"({', '.join(run['opusfilter_best']) or '–'}) and the proposed defaults. A peer's best subset is the one "
        f"that flags the most erroneous segments within mtqa's own budget (segment precision at least 60%, at "
        f"most 2 findings per 1,000 words of error-free reference), chosen greedily.",
        "",
        "How it counts: an MT segment is *erroneous* when any rater marked an error span in it (bio-MQM's "
        "lines of one segment, one per rater, are merged: the segment counts once, with every rater's spans). "
        "*Segment precision*: flagged erroneous segments / flagged segments; *segment recall*: flagged erroneous "
        "segments / erroneous segments. *Span precision*: findings overlapping any rater's span / findings "
        "(overlap = a shared character; an empty span touching one). pofilter and OpusFilter judge whole "
        "segments: each failed check is one finding whose span is the segment. *Refs*: findings per 1,000 "
        "words of human references with no annotated error (bio-MQM `reference`, `reference_r1`; wmt23 `refA`); "
        "words are whitespace tokens, for Chinese non-space characters / 2. `duplicate.*` findings are counted "
        "apart and never as findings.",
        "",
        "## Targets",
        "",
    ]
    out += table(["Target", "Measured", "Result"],
                 [[t["target"], _value(t), "PASS" if t["pass"] else "FAIL"] for t in report["targets"]])
    out += before_after(report)
    for name, fig in report["mqm"].items():
        recs = fig["records"]
        g0 = fig["groups"]["mtqa"]
        out += ["", f"## {name}", "",
                f"{recs['mt']:,} MT segments ({g0['erroneous']:,} erroneous: {pct(scoring.ratio(g0['erroneous'], g0['segments']))}, "
                f"the segment precision of flagging at random) and {recs['references']:,} human references "
                f"({g0['ref_segments']:,} error-free, {g0['ref_words']:,.0f} words), {recs['documents']:,} documents.", ""]
        out += table(["Tool", "Segments flagged", "Segment precision", "Segment recall", "Findings",
                      "Span precision", "Refs per 1,000 words"],
                     [[GROUP_NAMES[g], f"{r['flagged']:,}", pct(r["segment_precision"]), pct(r["segment_recall"]),
                       f"{r['findings']:,}", pct(r["span_precision"]), num(r["refs_per_1000_words"])]
                      for g, r in fig["groups"].items()])
        out += ["", "By MQM category (each rater's span counts once): recall, and the share of the tool's findings "
                "that land on a span of the category.", ""]
        cats = fig["groups"]["mtqa"]["by_category"]
        rows = []
        for cat in sorted(cats, key=lambda c: -cats[c]["errors"]):
            row = [cat, f"{cats[cat]['errors']:,}"]
            for g in ("mtqa", "pofilter:best", "opusfilter:best"):
                c = fig["groups"][g]["by_category"].get(cat, {})
                row += [pct(c.get("recall")), pct(c.get("share_of_findings"))]
            rows.append(row)
        out += table(["MQM category", "Spans", "mtqa recall", "mtqa share", "pofilter best recall", "share",
                      "OpusFilter best recall", "share"], rows)
        if len(fig["mtqa_by_language_pair"]) > 1:
            out += ["", "mtqa (default rules) by language pair:", ""]
            out += table(["Pair", "MT segments", "Erroneous", "Segment precision", "Segment recall", "Span precision",
                          "Refs per 1,000 words"],
                         [[lp, f"{r['segments']:,}", f"{r['erroneous']:,}", pct(r["segment_precision"]),
                           pct(r["segment_recall"]), pct(r["span_precision"]), num(r["refs_per_1000_words"])]
                          for lp, r in fig["mtqa_by_language_pair"].items()])
    for lp, fig in report["wmt12"].items():
        out += ["", f"## wmt12-news {lp}", "",
                f"{fig['segments']:,} segments. Findings per 1,000 words of each system's output and of the human "
                "reference; Kendall tau (tau-b) between the systems' rates and their human won share (a useful "
                "check finds more in the systems people ranked lower: tau below zero).", ""]
        groups = list(fig["groups"])
        systems = sorted(fig["won_share"], key=lambda s: -fig["won_share"][s])

        def top(system: str) -> str:
            t = fig["top_rule"].get(system)
            return f"`{t['rule']}` ({t['findings']:,})" if t else "–"

        rows = [[s, f"{fig['won_share'][s]:.3f}"] + [num(fig["groups"][g]["systems"].get(s, {}).get("per_1000_words"))
                                                        for g in groups] + [top(s)] for s in systems]
        rows.append(["**reference**", "–"] + [num((fig["groups"][g]["reference"] or {}).get("per_1000_words"))
                                               for g in groups] + [top("reference")])
        for label, key in (("systems' mean", "systems_mean_per_1000_words"),
                           ("systems' median", "systems_median_per_1000_words"),
                           ("reference / mean", "reference_over_systems_mean"), ("Kendall tau", "kendall_tau")):
            rows.append([label, "–"] + [num(fig["groups"][g][key]) for g in groups] + [""])
        out += table(["System", "Won share"] + [GROUP_NAMES[g] for g in groups] + ["mtqa's most frequent default rule"], rows)
    out += rules_markdown(report)
    out += peers_markdown(report)
    dup = report["duplicates"]
    out += ["", "## Duplicates (apart)", "",
            "Each system's output (and each set of references) as one corpus: repeats of a whole segment or of a "
            "sentence of 20 characters or more. Corpus hygiene, not translation errors: not in any figure above.", ""]
    rows = [[s, f"`{rule}`", f"{n['mt']:,}", f"{n['ref']:,}"] for s, by in dup.items() for rule, n in by.items()]
    out += table(["Set", "Rule", "On MT", "On references"], rows) if rows else ["None."]
    if report["timed_out_rules"]:
        out += ["", "Rules that hit their time limit (skipped on that segment): "
                + ", ".join(f"`{r}` ×{n}" for r, n in report["timed_out_rules"].items()) + "."]
    return "\n".join(out) + "\n"


def before_after(report: dict) -> list[str]:
    """mtqa's headline figures, the previous run's beside this one's, when the previous had them."""
    prev, now = report["previous"], report["headline"]
    if not prev:
        return []
    rows = []
    for name, fig in now["mqm"].items():
        old = prev["mqm"].get(name, {})
        for key, label, fmt in (("segment_recall", "segment recall", pct), ("segment_precision", "segment precision", pct),
                                ("span_precision", "span precision", pct), ("refs_per_1000_words", "refs per 1,000 words", num)):
            rows.append([f"{name}: {label}", fmt(old.get(key)), fmt(fig[key])])
    for lp, fig in now["wmt12"].items():
        old = prev["wmt12"].get(lp, {})
        rows.append([f"wmt12-news {lp}: reference / systems' mean", num(old.get("reference_over_systems_mean")),
                     num(fig["reference_over_systems_mean"])])
        rows.append([f"wmt12-news {lp}: Kendall tau", num(old.get("kendall_tau")), num(fig["kendall_tau"])])
    limit = f", first {prev['limit']} lines" if prev["limit"] else ""
    return ["", f"Before and after (mtqa, default rules): the previous run (mtqa {prev['mtqa_commit']}, {prev['date']}, "
            f"{prev['half']} half{limit}) and this one.", ""] + table(["Figure", "Before", "Now"], rows)


def rules_markdown(report: dict) -> list[str]:
    rules, prop = report["rules"], report["proposals"]
    out = ["", "## By rule", "",
           f"The MQM sets' check halves pooled (wmt12: mean over its pairs, all halves as reported). Default-on "
           f"criterion: span precision >= {GATE_PRECISION:.0%} and <= {GATE_REFS_PER_1000:g} findings per 1,000 words "
           f"of error-free reference, judged with at least {GATE_MIN_FINDINGS} findings on MT (*Passes*, here; "
           "*Tuning* is the same on the tuning halves, which `--propose-defaults` acts on). "
           "Rules that never fired are listed after the table.", ""]
    fired = {r: row for r, row in rules.items() if row["findings"] or row["ref_findings"] or row["wmt12_mt_per_1000_words"]}
    verdict = {True: "yes", False: "**no**", None: "–"}
    out += table(["Rule", "Default", "Findings on MT", "Span precision", "Segment precision", "Refs per 1,000 words",
                  "wmt12 MT per 1,000", "wmt12 ref per 1,000", "Passes", "Tuning"],
                 [[f"`{rule}`", row["default"], f"{row['findings']:,}", pct(row["span_precision"]),
                   pct(row["segment_precision"]), num(row["refs_per_1000_words"], 3), num(row["wmt12_mt_per_1000_words"], 3),
                   num(row["wmt12_reference_per_1000_words"], 3), verdict[row["passes"]], verdict[row["tune_passes"]]]
                  for rule, row in fired.items()])
    silent = [r for r in rules if r not in fired]
    if silent:
        out += ["", f"No finding at all ({len(silent)}): " + ", ".join(f"`{r}`" for r in silent) + "."]
    out += ["", "Proposed by the criterion on the tuning halves (`--propose-defaults`; `--write-defaults` writes the "
            "detectors' part to cleaners/data/detectors.yaml):", ""]
    return out + proposal_lines(prop)


def proposal_lines(prop: dict) -> list[str]:
    """What the criterion proposes, one line per kind of change (the report's and --propose-defaults')."""
    return [f"- {what}: " + (", ".join(f"`{r}`" for r in prop[key]) or "none") for key, what in (
        ("turn_off", "detectors to turn off"), ("turn_on", "detectors to turn on"),
        ("held_off", "detectors that pass it but stay off: on wmt12's tuning half they fire more on the references than on the systems"),
        ("pattern_rules_failing", "pattern rules that fail it (edit or remove them in their packs)"),
        ("too_few_findings", f"detectors with fewer than {GATE_MIN_FINDINGS} findings, left as they are"))]


def peers_markdown(report: dict) -> list[str]:
    labels = report["peer_labels"]
    any_row = next(iter(labels.values()), None)
    chance = f" (flagging at random: {pct(scoring.ratio(any_row['erroneous'], any_row['segments']))})" if any_row else ""
    out = ["", "## pofilter's checks and OpusFilter's filters, one by one", "",
           f"The MQM sets' halves as above, pooled; a check flags the whole segment, so its span precision is its "
           f"segment precision{chance}.", ""]
    rows = []
    for label, row in report["peer_labels"].items():
        rows.append([f"`{label}`", f"{row['flagged']:,}", pct(row["segment_precision"]), pct(row["segment_recall"]),
                     num(row["refs_per_1000_words"])])
    out += table(["Check", "Segments flagged", "Segment precision", "Segment recall", "Refs per 1,000 words"], rows)
    return out


