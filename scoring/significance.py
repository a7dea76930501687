"""sacrebleu's paired significance tests, vectorised over segment statistics that are already known.

`sacrebleu.significance.PairedTest` re-reads both systems, builds a (samples x segments x
statistics) array for the bootstrap (gigabytes for a few thousand segments) and scores every
resample in a Python call. The tests here take the statistics mtqa has already computed once per
segment, draw the very same random numbers (numpy's generator seeded as sacrebleu seeds it, the
same draws in the same order), add up the resampled statistics in the same order and precision
(float32 for the bootstrap; int64, or float64 through the same matrix product, for approximate
randomisation), and score each distinct resampled total once with the metric's own
`_compute_score_from_stats`. Same inputs, same floating-point operations: the p-values are
sacrebleu's to the last bit (tests/test_scoring_fast.py runs both), in a fraction of the time
and in memory that grows with samples + segments, not with their product.

Approximate randomisation only swaps a segment's two statistics, so for integer statistics the
shuffled totals are the totals of one side plus the swapped differences: only the segments the
revision changed take part, and a corpus where one segment in a hundred changed costs little.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
from sacrebleu.metrics.base import Metric


def paired_test_signature(metric: Metric, test: str, samples: int, seed: str) -> str:
    """The signature sacrebleu's PairedTest gives a metric: its own, plus the seed and the test's size."""
    signature = metric.get_signature()
    signature.update("seed", seed.lower())
    signature.update(test, samples)
    return str(signature)


def paired_bootstrap(metrics: Mapping[str, Metric], baseline: Mapping[str, Sequence[Sequence[float]]],
                     system: Mapping[str, Sequence[Sequence[float]]], real_difference: Mapping[str, float],
                     samples: int, seed: int) -> dict[str, float]:
    """p-values of sacrebleu's paired bootstrap resampling (`_paired_bs_test`), per metric.

    `baseline` and `system` hold each metric's segment statistics, `real_difference` the absolute
    difference of the two corpus scores.
    """
    n = _segment_count(baseline)
    rng = np.random.default_rng(seed)
    picks = rng.choice(n, size=(samples, n), replace=True)
    names = list(metrics)
    blocks = [np.asarray(side[name], dtype="float32") for name in names for side in (baseline, system)]
    table = np.hstack(blocks)  # one row per segment: every metric's statistics, both sides
    totals = np.zeros((samples, table.shape[1]), dtype="float32")
    for column in range(n):  # sacrebleu's sum over the segments of each resample, in its order
        totals += table[picks[:, column]]
    del picks
    out = {}
    at = 0
    for name, block in zip(names, blocks[::2]):
        width = block.shape[1]
        scores_baseline = _scores(metrics[name], totals[:, at:at + width])
        scores_system = _scores(metrics[name], totals[:, at + width:at + 2 * width])
        at += 2 * width
        differences = np.abs(scores_system - scores_baseline)
        out[name] = _p_value(differences - differences.mean(), real_difference[name])
    return out


def approximate_randomization(metrics: Mapping[str, Metric], baseline: Mapping[str, Sequence[Sequence[float]]],
                              system: Mapping[str, Sequence[Sequence[float]]], real_difference: Mapping[str, float],
                              trials: int, seed: int) -> dict[str, float]:
    """p-values of sacrebleu's paired approximate randomisation (`_paired_ar_test`), per metric."""
    n = _segment_count(baseline)
    rng = np.random.default_rng(seed)
    swap = rng.integers(2, size=(trials, n), dtype=bool)
    out = {}
    for name, metric in metrics.items():
        base = np.asarray(baseline[name])
        sys_ = np.asarray(system[name])
        if _sums_are_exact(base, sys_):
            # sums exact in any order: sacrebleu's `swap @ base + ~swap @ system` is the system's
            # total plus, where swapped, each changed segment's difference (and mirrored)
            changed = np.flatnonzero((base != sys_).any(axis=1))
            moved = swap[:, changed].astype(base.dtype) @ (base[changed] - sys_[changed])
            shuffled_a = sys_.sum(axis=0) + moved
            shuffled_b = base.sum(axis=0) - moved
        else:  # e.g. TER's average of three reference lengths: sacrebleu's own products, in its order
            shuffled_a = swap @ base + ~swap @ sys_
            shuffled_b = ~swap @ base + swap @ sys_
        differences = np.abs(_scores(metric, shuffled_a) - _scores(metric, shuffled_b))
        out[name] = _p_value(differences, real_difference[name])
    return out


def _sums_are_exact(*arrays: np.ndarray) -> bool:
    """Whether every sum of these statistics is exact, whatever the order of the additions: integers
    (int64), or floats that are all multiples of 1/64 (TER's average length over one, two or four
    references) with a total magnitude below 2**47, so that every partial sum is a float64 exactly.
    Then any way of adding them gives sacrebleu's result to the bit."""
    if all(a.dtype.kind in "iub" for a in arrays):
        return True
    scaled = [np.asarray(a, dtype=np.float64) * 64 for a in arrays]
    return all(bool(np.all(a == np.floor(a))) for a in scaled) and sum(float(np.abs(a).sum()) for a in scaled) < 2.0 ** 53


def _scores(metric: Metric, totals: np.ndarray) -> np.ndarray:
    """The metric's score of each row of totals, computed once per distinct row."""
    distinct, where = np.unique(totals, axis=0, return_inverse=True)
    scores = np.array([metric._compute_score_from_stats(row).score for row in distinct], dtype=float)
    return scores[where.reshape(-1)]


def _p_value(differences: np.ndarray, real_difference: float) -> float:
    """sacrebleu's `_compute_p_value`: the share of trials beyond the real difference, +1 smoothed."""
    beyond = np.sum(differences > real_difference).item()
    return (beyond + 1) / (len(differences) + 1)


def _segment_count(statistics: Mapping[str, Any]) -> int:
    counts = {len(stats) for stats in statistics.values()}
    if len(counts) != 1:
        raise ValueError(f"metrics disagree on the number of segments: {sorted(counts)}")
    return counts.pop()
