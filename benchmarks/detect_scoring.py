"""How findings are scored against annotated MT errors: pure functions, no mtqa import, no data.

benchmarks/bench_detect.py feeds them the records of every development set and the findings of
every tool (mtqa's rules, pofilter's checks, OpusFilter's filters); tests/test_detect_scoring.py
checks them on hand-made records.

A *record* is a dict with:
- `is_ref`: a human reference (scored for false alarms), not MT;
- `errors`: the annotated error spans `(start, end, category)` of every rater, or None when the set
  has no annotations (wmt12: then only findings per word count);
- `words`: its length in words (`word_count`);
- `system`: who wrote it.

A *finding* is `(start, end, label)`; a tool that judges whole segments (pofilter, OpusFilter)
reports the whole segment as its span. Which labels a figure counts is decided by `groups`, a
function from a label to the names of the figures it counts towards (the label itself, "mtqa"...).

Definitions (the report states them too):
- an MT segment is *erroneous* when it has at least one annotated error span (of any rater);
- *segment precision*: flagged erroneous segments / flagged segments; *segment recall*: flagged
  erroneous segments / erroneous segments (a segment is flagged by one finding or more);
- *span precision*: findings overlapping an annotated span (any rater's) / findings;
- per MQM category: recall = the category's spans overlapped by a finding / its spans (each rater's
  span counts once), and the share of findings landing on a span of the category;
- *references*: findings per 1,000 words on human references with no annotated error.
"""

from __future__ import annotations

import hashlib
import math
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence

NO_SPACE_LANGS = frozenset({"zh", "ja"})  # words = non-space characters / 2
CHARS_PER_WORD = 2


def overlaps(a_start: int, a_end: int, b_start: int, b_end: int) -> bool:
    """Spans share a character; an empty span counts when it touches the other (end points included).

    >>> overlaps(0, 5, 4, 9), overlaps(0, 5, 5, 9), overlaps(5, 5, 5, 9)
    (True, False, True)
    """
    if a_start == a_end or b_start == b_end:
        return max(a_start, b_start) <= min(a_end, b_end)
    return max(a_start, b_start) < min(a_end, b_end)


def word_count(text: str, lang: str) -> float:
    """Whitespace tokens; for Chinese and Japanese (no spaces), non-space characters / 2.

    >>> word_count("Ein kurzer Satz.", "de"), word_count("这是一个句子", "zh")
    (3, 3.0)
    """
    if lang in NO_SPACE_LANGS:
        return sum(1 for ch in text if not ch.isspace()) / CHARS_PER_WORD
    return len(text.split())


def half_of(unit: str) -> str:
    """"tune" or "check": the half a document (or block of segments) falls in, from a stable hash
    of its name, so that it never depends on what else was loaded (`--limit`, `--sets`).

    >>> half_of("bio-mqm:fr-en:doc95") in ("tune", "check")
    True
    """
    return "tune" if int(hashlib.sha256(unit.encode("utf-8")).hexdigest()[:8], 16) % 2 == 0 else "check"


def ratio(num: float, den: float) -> float | None:
    return num / den if den else None


def pct(value: float | None) -> str:
    """A share as a percentage for the report ("–" when there is nothing to divide)."""
    return "–" if value is None else f"{100 * value:.1f}%"


def num(value: float | None, digits: int = 2) -> str:
    return "–" if value is None else f"{value:,.{digits}f}"


def _new_group() -> dict:
    return {"segments": 0, "erroneous": 0, "flagged": 0, "flagged_erroneous": 0, "findings": 0, "span_hits": 0,
            "category_errors": defaultdict(int), "category_found": defaultdict(int),
            "category_findings_on": defaultdict(int),
            "ref_segments": 0, "ref_words": 0.0, "ref_findings": 0}


def score(records: Sequence[dict], findings: Sequence[Iterable[tuple[int, int, str]]],
          groups: Callable[[str], Iterable[str]], names: Iterable[str] = ()) -> dict[str, dict]:
    """Every MQM figure of every group, from annotated records and their findings (same order).

    `names` lists groups to report even when nothing counts towards them (a rule that never
    fired); records without annotations (`errors` None) are skipped.
    """
    tallies: dict[str, dict] = defaultdict(_new_group)
    for name in names:
        tallies[name]  # noqa: B018  (created empty)
    annotated = [(rec, found) for rec, found in zip(records, findings, strict=True) if rec["errors"] is not None]
    # what every group sees in every record, whether or not it found something there
    base = {"segments": 0, "erroneous": 0, "category_errors": defaultdict(int),
            "ref_segments": 0, "ref_words": 0.0}
    for rec, found in annotated:
        errors = rec["errors"]
        by_group: dict[str, list[tuple[int, int]]] = defaultdict(list)
        for start, end, label in found:
            for name in groups(label):
                by_group[name].append((start, end))
        if rec["is_ref"]:
            if errors:
                continue  # false alarms are counted on error-free references only
            base["ref_segments"] += 1
            base["ref_words"] += rec["words"]
            for name, spans in by_group.items():
                tallies[name]["ref_findings"] += len(spans)
            continue
        base["segments"] += 1
        base["erroneous"] += bool(errors)
        for _, _, cat in errors:
            base["category_errors"][cat] += 1
        for name, spans in by_group.items():
            t = tallies[name]
            t["flagged"] += 1
            t["flagged_erroneous"] += bool(errors)
            t["findings"] += len(spans)
            for start, end in spans:
                cats = {cat for es, ee, cat in errors if overlaps(start, end, es, ee)}
                t["span_hits"] += bool(cats)
                for cat in cats:
                    t["category_findings_on"][cat] += 1
            for es, ee, cat in errors:
                if any(overlaps(start, end, es, ee) for start, end in spans):
                    t["category_found"][cat] += 1
    return {name: _figures(t, base) for name, t in sorted(tallies.items())}


def _figures(t: dict, base: dict) -> dict:
    categories = {}
    for cat in sorted(base["category_errors"]):
        n = base["category_errors"][cat]
        categories[cat] = {"errors": n, "found": t["category_found"][cat], "recall": ratio(t["category_found"][cat], n),
                           "findings_on": t["category_findings_on"][cat],
                           "share_of_findings": ratio(t["category_findings_on"][cat], t["findings"])}
    return {
        "segments": base["segments"],
        "erroneous": base["erroneous"],
        "flagged": t["flagged"],
        "flagged_erroneous": t["flagged_erroneous"],
        "segment_precision": ratio(t["flagged_erroneous"], t["flagged"]),
        "segment_recall": ratio(t["flagged_erroneous"], base["erroneous"]),
        "findings": t["findings"],
        "span_hits": t["span_hits"],
        "span_precision": ratio(t["span_hits"], t["findings"]),
        "by_category": categories,
        "ref_segments": base["ref_segments"],
        "ref_words": round(base["ref_words"], 1),
        "ref_findings": t["ref_findings"],
        "refs_per_1000_words": ratio(1000 * t["ref_findings"], base["ref_words"]),
    }


def rates_by_system(records: Sequence[dict], findings: Sequence[Iterable[tuple[int, int, str]]],
                    groups: Callable[[str], Iterable[str]], names: Iterable[str] = ()) -> dict[str, dict[str, dict]]:
    """{group: {system: {findings, words, per_1000_words}}}, every system listed under every group."""
    words: dict[str, float] = defaultdict(float)
    counts: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for name in names:
        counts[name]  # noqa: B018
    for rec, found in zip(records, findings, strict=True):
        words[rec["system"]] += rec["words"]
        for _, _, label in found:
            for name in groups(label):
                counts[name][rec["system"]] += 1
    return {name: {system: {"findings": per[system], "words": round(w, 1), "per_1000_words": ratio(1000 * per[system], w)}
                   for system, w in sorted(words.items())}
            for name, per in sorted(counts.items())}


def kendall_tau(x: Sequence[float], y: Sequence[float]) -> float | None:
    """Kendall's tau-b (ties in either variable corrected for, as scipy.stats.kendalltau computes
    it by default); None when either variable is constant or there are fewer than two pairs.

    >>> kendall_tau([1, 2, 3], [3, 2, 1]), kendall_tau([1, 2, 3, 4], [1, 2, 4, 3])
    (-1.0, 0.6666666666666666)
    """
    if len(x) != len(y):
        raise ValueError(f"kendall_tau: {len(x)} values against {len(y)}")
    concordant = discordant = ties_x = ties_y = 0
    n = len(x)
    for i in range(n):
        for j in range(i + 1, n):
            dx, dy = x[i] - x[j], y[i] - y[j]
            if dx == 0 and dy == 0:
                ties_x += 1
                ties_y += 1
            elif dx == 0:
                ties_x += 1
            elif dy == 0:
                ties_y += 1
            elif (dx > 0) == (dy > 0):
                concordant += 1
            else:
                discordant += 1
    pairs = n * (n - 1) // 2
    den = math.sqrt((pairs - ties_x) * (pairs - ties_y))
    return (concordant - discordant) / den if den else None


def segment_counts(records: Sequence[dict], flagged: Sequence[Iterable[str]]) -> dict[str, tuple[int, int]]:
    """For each label, (segments it flags, of which erroneous), over annotated MT records."""
    out: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for rec, labels in zip(records, flagged, strict=True):
        if rec["is_ref"] or rec["errors"] is None:
            continue
        for label in set(labels):
            out[label][0] += 1
            out[label][1] += bool(rec["errors"])
    return {k: (n, e) for k, (n, e) in out.items()}


def best_subset(records: Sequence[dict], flagged: Sequence[Iterable[str]], candidates: Iterable[str],
                min_precision: float, max_ref_per_1000: float | None = None) -> list[str]:
    """The checks whose union flags the most erroneous segments while its segment precision stays
    at least `min_precision` and, with `max_ref_per_1000`, its findings on error-free references
    stay within that many per 1,000 words (the budget mtqa's defaults are held to: a subset that
    flags a sixth of the words of correct translations is not one a reviser would run), chosen
    greedily (each step adds the check that gains the most erroneous segments without breaking
    either bar); the most precise single check when none meets them. Choose it on the tuning
    half, report it on the check half."""
    erroneous: set[int] = set()
    flags: dict[str, set[int]] = {check: set() for check in candidates}
    on_refs: Counter = Counter()
    ref_words = 0.0
    for i, (rec, labels) in enumerate(zip(records, flagged, strict=True)):
        if rec["errors"] is None:
            continue
        if rec["is_ref"]:
            if not rec["errors"]:
                ref_words += rec["words"]
                on_refs.update(label for label in labels if label in flags)
            continue
        if rec["errors"]:
            erroneous.add(i)
        for label in labels:
            if label in flags:
                flags[label].add(i)
    ordered = sorted(flags)

    def within_budget(chosen: set[str]) -> bool:
        if max_ref_per_1000 is None or not ref_words:
            return True
        return 1000 * sum(on_refs[c] for c in chosen) / ref_words <= max_ref_per_1000

    def union(chosen: set[str]) -> tuple[int, int]:
        hit = set().union(*(flags[c] for c in chosen))
        return len(hit), len(hit & erroneous)

    chosen: set[str] = set()
    found = 0
    while True:
        best, best_key = None, None
        for check in ordered:
            if check in chosen:
                continue
            n, e = union(chosen | {check})
            if (n and e / n >= min_precision and e > found and within_budget(chosen | {check})
                    and (best_key is None or (e, e / n) > best_key)):
                best, best_key = check, (e, e / n)
        if best is None:
            break
        chosen.add(best)
        found = best_key[0]
    if chosen:
        return sorted(chosen)
    singles = [(-e / n, -e, c) for c in ordered for n, e in [union({c})] if n and within_budget({c})] or \
        [(-e / n, -e, c) for c in ordered for n, e in [union({c})] if n]
    return [min(singles)[2]] if singles else []
