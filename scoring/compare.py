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

import os
from collections.abc import Sequence
from typing import Any

from sacrebleu.significance import PairedTest

from sacrebleu.metrics import CHRF
from sacrebleu.metrics.base import Metric

from mtqa.scoring.metrics import LOWER_IS_BETTER, METRICS, metrics_for

ALPHA = 0.05
BOOTSTRAP_SAMPLES = 1000  # sacrebleu's defaults
AR_TRIALS = 10000
# sacrebleu's tests hold (samples x segments x statistics) arrays in memory: above this many
# segment-samples the number of samples shrinks (never below 100), and above MAX_TEST_SEGMENTS
# segments the tests are skipped and the report says so.
SAMPLE_BUDGET = 10_000_000
MIN_SAMPLES = 100
MAX_TEST_SEGMENTS = 100_000
SIGNIFICANCE_SEED = "12345"  # sacrebleu's default, pinned here so no environment can change the p-values


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


def compare(before: Sequence[str], after: Sequence[str], references: Sequence[Sequence[str]], lang: str | None) -> dict[str, Any]:
    """Scores of both sides, the difference and the paired tests, for one target language."""
    _check_lengths(before, references)
    _check_lengths(after, references)
    metrics = metrics_for(lang)  # one set for the scores and both tests: each side is read once
    original = corpus_scores(before, references, lang, metrics)
    revised = corpus_scores(after, references, lang, metrics)
    tests = _paired_tests(before, after, references, metrics)
    result: dict[str, Any] = {"segments": len(before), "changed_segments": sum(a != b for a, b in zip(before, after)),
                              "metrics": {}}
    for name in METRICS:
        delta = round(revised[name]["score"] - original[name]["score"], 4)
        p_bs, p_ar = tests[name]["bs"], tests[name]["ar"]
        result["metrics"][name] = {
            "original": original[name]["score"],
            "revised": revised[name]["score"],
            "delta": delta,
            "p_bootstrap": p_bs,
            "p_approx_randomization": p_ar,
            "verdict": verdict(name, delta, p_bs, p_ar),
            "signature": revised[name]["signature"],
            "test_signatures": tests[name]["signatures"],
        }
    return result


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


def _paired_tests(before: Sequence[str], after: Sequence[str], references: Sequence[Sequence[str]],
                  metrics: dict[str, Metric]) -> dict[str, dict[str, Any]]:
    """p-values of the revision against the original, by sacrebleu's bootstrap and AR tests."""
    out: dict[str, dict[str, Any]] = {name: {} for name in METRICS}
    if list(before) == list(after) or len(before) > MAX_TEST_SEGMENTS:
        why = "identical texts: no test" if list(before) == list(after) else f"over {MAX_TEST_SEGMENTS} segments: not tested"
        p = 1.0 if list(before) == list(after) else None
        for name in METRICS:
            out[name].update(bs=p, ar=p, signatures={"bs": why, "ar": why})
        return out
    streams = reference_streams(references)
    previous = os.environ.get("SACREBLEU_SEED")
    os.environ["SACREBLEU_SEED"] = SIGNIFICANCE_SEED
    try:
        budget = max(MIN_SAMPLES, SAMPLE_BUDGET // len(before))
        for test, samples in (("bs", min(BOOTSTRAP_SAMPLES, budget)), ("ar", min(AR_TRIALS, budget))):
            by_score_name: dict[str, str] = {}
            paired = PairedTest([("original", list(before)), ("revised", list(after))], metrics, streams,
                                test_type=test, n_samples=samples)
            signatures, scores = paired()
            for name in metrics:
                by_score_name[name] = next(k for k in scores if k != "System" and _metric_key(k) == name)
            for name, key in by_score_name.items():
                out[name][test] = round(scores[key][1].p_value, 6)
                out[name].setdefault("signatures", {})[test] = str(signatures[key])
    finally:
        if previous is None:
            os.environ.pop("SACREBLEU_SEED", None)
        else:
            os.environ["SACREBLEU_SEED"] = previous
    return out


def _metric_key(score_name: str) -> str:
    """sacrebleu names its results 'BLEU', 'chrF2', 'chrF2++', 'TER'."""
    lowered = score_name.lower()
    if lowered.startswith("chrf"):
        return "chrf++" if lowered.endswith("++") else "chrf"
    return lowered


def _check_lengths(hypotheses: Sequence[str], references: Sequence[Sequence[str]]) -> None:
    if len(hypotheses) != len(references):
        raise ValueError(f"{len(hypotheses)} hypotheses but {len(references)} reference lists: they must pair up one to one")
