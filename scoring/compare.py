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

from scoring.metrics import LOWER_IS_BETTER, METRICS, metrics_for, sentence_metrics_for

ALPHA = 0.05
BOOTSTRAP_SAMPLES = 1000
AR_TRIALS = 10000
SIGNIFICANCE_SEED = "12345"  # sacrebleu's default, pinned so the p-values are reproducible


def reference_streams(references: Sequence[Sequence[str]]) -> list[list[str | None]]:
    """Per-record reference lists -> sacrebleu's reference streams (one stream per reference slot)."""
    if not references or any(len(r) == 0 for r in references):
        raise ValueError("every scored record needs at least one reference")
    width = max(len(r) for r in references)
    streams = [[r[i] if i < len(r) else None for r in references] for i in range(width)]
    assert all(len(s) == len(references) for s in streams)
    return streams


def corpus_scores(hypotheses: Sequence[str], references: Sequence[Sequence[str]], lang: str | None) -> dict[str, Any]:
    """Corpus-level scores of one system, each with its signature."""
    _check_lengths(hypotheses, references)
    streams = reference_streams(references)
    out = {}
    for name, metric in metrics_for(lang).items():
        score = metric.corpus_score(list(hypotheses), streams)
        out[name] = {"score": round(score.score, 4), "signature": str(metric.get_signature())}
    return out


def segment_scores(hypothesis: str, references: Sequence[str], lang: str | None) -> dict[str, float]:
    metrics = sentence_metrics_for(lang)
    return {name: round(m.sentence_score(hypothesis, list(references)).score, 4) for name, m in metrics.items()}


def compare(before: Sequence[str], after: Sequence[str], references: Sequence[Sequence[str]], lang: str | None) -> dict[str, Any]:
    """Scores of both sides, the difference and the paired tests, for one target language."""
    _check_lengths(before, references)
    _check_lengths(after, references)
    original = corpus_scores(before, references, lang)
    revised = corpus_scores(after, references, lang)
    tests = _paired_tests(before, after, references, lang)
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
    if p_bs is None or p_ar is None or max(p_bs, p_ar) >= ALPHA:
        return "no significant difference"
    improved = delta < 0 if metric in LOWER_IS_BETTER else delta > 0
    return "better" if improved else "worse"


def _paired_tests(before: Sequence[str], after: Sequence[str], references: Sequence[Sequence[str]],
                  lang: str | None) -> dict[str, dict[str, Any]]:
    """p-values of the revision against the original, by sacrebleu's bootstrap and AR tests."""
    out: dict[str, dict[str, Any]] = {name: {} for name in METRICS}
    if list(before) == list(after):
        for name in METRICS:
            out[name].update(bs=1.0, ar=1.0, signatures={"bs": "identical texts: no test", "ar": "identical texts: no test"})
        return out
    streams = reference_streams(references)
    previous = os.environ.get("SACREBLEU_SEED")
    os.environ["SACREBLEU_SEED"] = SIGNIFICANCE_SEED
    try:
        for test, samples in (("bs", BOOTSTRAP_SAMPLES), ("ar", AR_TRIALS)):
            metrics = metrics_for(lang)
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
