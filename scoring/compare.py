"""Score the original and the revised text against references, and test whether the difference is real.

For each target language: corpus BLEU, chrF, chrF++ and TER of both sides with their sacrebleu
signatures, the difference, and sacrebleu's paired tests (bootstrap resampling and approximate
randomisation) of the revision against the original as baseline. The revision is called better
or worse only when both tests agree at p < 0.05; otherwise "no significant difference".
References arrive per record (one to many); sacrebleu wants them as streams, so they are
transposed here, padded with None where a record has fewer, and every shape is checked, because
the wrong orientation is silently truncated by sacrebleu (SB#220).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from sacrebleu.metrics import CHRF
from sacrebleu.metrics.base import Metric

from mtqa.scoring.metrics import metrics_for
from mtqa.scoring.names import LOWER_IS_BETTER, METRICS
from mtqa.scoring.significance import approximate_randomization, paired_bootstrap, paired_test_signature

ALPHA = 0.05
BOOTSTRAP_SAMPLES = 1000  # sacrebleu's defaults
AR_TRIALS = 10000
# Above this many segment-samples the number of samples shrinks (never below 100), and above
# MAX_TEST_SEGMENTS segments the tests are skipped and the report says so. sacrebleu's own tests
# needed the budget for memory; mtqa's (scoring/significance.py) do not, but it is kept because
# the number of samples is part of each p-value and its signature.
SAMPLE_BUDGET = 10_000_000
MIN_SAMPLES = 100
MAX_TEST_SEGMENTS = 100_000
SIGNIFICANCE_SEED = "12345"  # sacrebleu's default, pinned here so no environment can change the p-values
PROGRESS_CHUNK = 500  # segments read between two progress reports


def reference_streams(references: Sequence[Sequence[str]]) -> list[list[str | None]]:
    """Per-record reference lists -> sacrebleu's reference streams (one stream per reference slot)."""
    if not references or any(len(r) == 0 for r in references):
        raise ValueError("every scored record needs at least one reference")
    width = max(len(r) for r in references)
    return [[r[i] if i < len(r) else None for r in references] for i in range(width)]


def corpus_scores(hypotheses: Sequence[str], references: Sequence[Sequence[str]], lang: str | None,
                  metrics: dict[str, Metric] | None = None) -> dict[str, Any]:
    """Corpus-level scores of one system, each with its signature: by the metrics for `lang`, or
    by `metrics` when given (the objects a comparison shares)."""
    _check_lengths(hypotheses, references)
    streams = reference_streams(references)
    out = {}
    for name, metric in (metrics or metrics_for(lang)).items():
        score = metric.corpus_score(list(hypotheses), streams)
        out[name] = {"score": round(score.score, 4), "signature": str(metric.get_signature())}
    return out


def segment_chrf(hypothesis: str, references: Sequence[str]) -> float:
    """chrF of one segment: the per-segment figure that means something (BLEU is too noisy there)."""
    return round(CHRF().sentence_score(hypothesis, list(references)).score, 4)


def compare(before: Sequence[str], after: Sequence[str], references: Sequence[Sequence[str]], lang: str | None,
            on_progress: Callable[[int], None] | None = None) -> dict[str, Any]:
    """Scores of both sides, the difference and the paired tests, for one target language.

    Each distinct segment is read once per metric (scoring/metrics.py): the revision's unchanged
    segments reuse the original's statistics, and the tests resample those statistics
    (scoring/significance.py). `on_progress` is told how many segments were read, as they are.
    """
    _check_lengths(before, references)
    _check_lengths(after, references)
    before, after = list(before), list(after)
    metrics = metrics_for(lang)  # one set for the scores and both tests: each side is read once
    streams = reference_streams(references)
    stats_before = _read(metrics, before, streams, on_progress)
    stats_after = _read(metrics, after, streams, on_progress, skip_unchanged_of=before)
    original, revised = {}, {}
    for name, metric in metrics.items():
        original[name] = metric._aggregate_and_compute(stats_before[name]).score
        revised[name] = metric._aggregate_and_compute(stats_after[name]).score
    signatures = {name: str(metric.get_signature()) for name, metric in metrics.items()}
    tests = _paired_tests(before, after, metrics, stats_before, stats_after,
                          {name: abs(original[name] - revised[name]) for name in metrics})
    result: dict[str, Any] = {"segments": len(before), "changed_segments": sum(a != b for a, b in zip(before, after)),
                              "metrics": {}}
    for name in METRICS:
        delta = round(round(revised[name], 4) - round(original[name], 4), 4)
        p_bs, p_ar = tests[name]["bs"], tests[name]["ar"]
        result["metrics"][name] = {
            "original": round(original[name], 4),
            "revised": round(revised[name], 4),
            "delta": delta,
            "p_bootstrap": p_bs,
            "p_approx_randomization": p_ar,
            "verdict": verdict(name, delta, p_bs, p_ar),
            "signature": signatures[name],
            "test_signatures": tests[name]["signatures"],
        }
    return result


def _read(metrics: dict[str, Metric], hypotheses: list[str], streams: list[list[str | None]],
          on_progress: Callable[[int], None] | None, skip_unchanged_of: list[str] | None = None) -> dict[str, list]:
    """Every metric's segment statistics of one side, read in chunks so that progress shows, the
    segments with the same references one after the other (their references are read once); the
    segments equal to the other side's (`skip_unchanged_of`) are known already and not counted."""
    by_references: dict[tuple, list[int]] = {}
    for i in range(len(hypotheses)):
        by_references.setdefault(tuple(stream[i] for stream in streams), []).append(i)
    order = [i for group in by_references.values() for i in group]
    for start in range(0, len(order), PROGRESS_CHUNK):
        chunk = order[start:start + PROGRESS_CHUNK]
        for metric in metrics.values():
            metric._extract_corpus_statistics([hypotheses[i] for i in chunk], [[stream[i] for i in chunk] for stream in streams])
        if on_progress is not None:
            if skip_unchanged_of is not None:
                chunk = [i for i in chunk if hypotheses[i] != skip_unchanged_of[i]]
            on_progress(len(chunk))
    out = {}
    for name, metric in metrics.items():  # the whole side at once, from what is known: sacrebleu's checks and nrefs
        metric._check_corpus_score_args(hypotheses, streams)
        out[name] = metric._extract_corpus_statistics(hypotheses, streams)
    return out


def verdict(metric: str, delta: float, p_bs: float | None, p_ar: float | None) -> str:
    """'better', 'worse', 'no significant difference', or 'no difference' when the scores are equal
    (sacrebleu's tests then still give a small p: its p counts trials that beat the real difference)."""
    if delta == 0:
        return "no difference"
    if p_bs is None or p_ar is None:
        return "not tested"
    if max(p_bs, p_ar) >= ALPHA:
        return "no significant difference"
    improved = delta < 0 if metric in LOWER_IS_BETTER else delta > 0
    return "better" if improved else "worse"


def _paired_tests(before: list[str], after: list[str], metrics: dict[str, Metric], stats_before: dict[str, list],
                  stats_after: dict[str, list], real_difference: dict[str, float]) -> dict[str, dict[str, Any]]:
    """p-values of the revision against the original, by sacrebleu's bootstrap and AR tests (their
    vectorised form in scoring/significance.py: same draws, same sums, same p-values)."""
    out: dict[str, dict[str, Any]] = {name: {} for name in METRICS}
    if before == after or len(before) > MAX_TEST_SEGMENTS:
        why = "identical texts: no test" if before == after else f"over {MAX_TEST_SEGMENTS} segments: not tested"
        p = 1.0 if before == after else None
        for name in METRICS:
            out[name].update(bs=p, ar=p, signatures={"bs": why, "ar": why})
        return out
    budget = max(MIN_SAMPLES, SAMPLE_BUDGET // len(before))
    seed = int(SIGNIFICANCE_SEED)
    for test, samples in (("bs", min(BOOTSTRAP_SAMPLES, budget)), ("ar", min(AR_TRIALS, budget))):
        run = paired_bootstrap if test == "bs" else approximate_randomization
        p_values = run(metrics, stats_before, stats_after, real_difference, samples, seed)
        for name, metric in metrics.items():
            out[name][test] = round(p_values[name], 6)
            out[name].setdefault("signatures", {})[test] = paired_test_signature(metric, test, samples, SIGNIFICANCE_SEED)
    return out


def _check_lengths(hypotheses: Sequence[str], references: Sequence[Sequence[str]]) -> None:
    if len(hypotheses) != len(references):
        raise ValueError(f"{len(hypotheses)} hypotheses but {len(references)} reference lists: they must pair up one to one")
