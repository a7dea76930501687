"""sacrebleu's translation edit rate, compiled: the same algorithm, step for step, on word ids.

TER is the costly metric. For each segment and reference sacrebleu (`sacrebleu/metrics/lib_ter.py`)
searches for the shift of a block of words that lowers the edit distance most, up to 1,000
candidate shifts a segment, and each candidate costs a beam-limited Levenshtein computation in
pure Python: tens of milliseconds for a Chinese segment scored on characters, minutes for a corpus.
This module runs the same search, with the same limits (shift size, shift distance, beam width,
candidate count), the same order of candidates and the same tie-breaking, compiled with Numba
and on integer word ids instead of strings, so each segment takes a fraction of a millisecond.

Equality with sacrebleu is the contract, not an approximation: tests/test_scoring_fast.py checks
`translation_edit_rate` against sacrebleu's on real MT segments and on generated ones built to hit
every branch (repeated words, long shifts, references much longer than the hypothesis). sacrebleu's
own cache of edit-distance rows (a trie of hypothesis prefixes) only saves work; here the rows of
the hypothesis before a shift are reused up to the first word the shift changes, which is the same
saving.
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit
from sacrebleu.metrics import lib_ter

_MAX_SHIFT_SIZE = lib_ter._MAX_SHIFT_SIZE
_MAX_SHIFT_DIST = lib_ter._MAX_SHIFT_DIST
_BEAM_WIDTH = lib_ter._BEAM_WIDTH
_MAX_SHIFT_CANDIDATES = lib_ter._MAX_SHIFT_CANDIDATES
_INF = lib_ter._INT_INFINITY

# edit operations, as sacrebleu names them in its trace (' ', 's', 'i', 'd', 'x')
_NOP, _SUB, _INS, _DEL, _UNDEF = 0, 1, 2, 3, 4


def translation_edit_rate(words_hyp: list[str], words_ref: list[str]) -> tuple[int, int]:
    """(number of edits, reference length), as `sacrebleu.metrics.lib_ter.translation_edit_rate`.

    >>> translation_edit_rate("a b c d".split(), "c d a b".split())
    (1, 4)
    """
    if not words_ref:
        return len(words_hyp), 0
    ids: dict[str, int] = {}
    hyp = np.array([ids.setdefault(w, len(ids)) for w in words_hyp], dtype=np.int64)
    ref = np.array([ids.setdefault(w, len(ids)) for w in words_ref], dtype=np.int64)
    length_ratio = len(words_ref) / len(words_hyp) if words_hyp else 1
    beam_width = math.ceil(length_ratio / 2 + _BEAM_WIDTH) if _BEAM_WIDTH < length_ratio / 2 else _BEAM_WIDTH
    edits = _ter(hyp, ref, float(length_ratio), beam_width, _MAX_SHIFT_SIZE, _MAX_SHIFT_DIST, _MAX_SHIFT_CANDIDATES, _INF)
    if edits < 0:  # a trace through a cell outside the beam: sacrebleu raises here too
        raise Exception("unknown operation 'x'")
    return int(edits), len(words_ref)


@njit(cache=True)
def _fill(hyp, ref, start, cost, ops, length_ratio, beam_width, inf, track):
    """Rows start+1 .. len(hyp) of the beam-limited edit-distance matrix (sacrebleu's
    BeamEditDistance._edit_distance); rows 0 .. start must hold hyp[:start]'s."""
    n_h = hyp.shape[0]
    n_r = ref.shape[0]
    for i in range(start + 1, n_h + 1):
        for j in range(n_r + 1):
            cost[i, j] = inf
        if track:
            for j in range(n_r + 1):
                ops[i, j] = _UNDEF
        pseudo_diag = math.floor(i * length_ratio)
        min_j = max(0, pseudo_diag - beam_width)
        max_j = min(n_r + 1, pseudo_diag + beam_width)
        if i == n_h:
            max_j = n_r + 1
        word = hyp[i - 1]
        for j in range(min_j, max_j):
            if j == 0:
                cost[i, 0] = cost[i - 1, 0] + 1
                if track:
                    ops[i, 0] = _DEL
                continue
            best = inf
            op = _UNDEF
            if word == ref[j - 1]:
                value = cost[i - 1, j - 1]
                if best > value:
                    best = value
                    op = _NOP
            else:
                value = cost[i - 1, j - 1] + 1
                if best > value:
                    best = value
                    op = _SUB
            value = cost[i - 1, j] + 1
            if best > value:
                best = value
                op = _DEL
            value = cost[i, j - 1] + 1
            if best > value:
                best = value
                op = _INS
            cost[i, j] = best
            if track:
                ops[i, j] = op


@njit(cache=True)
def _alignment(ops, n_h, n_r, align, ref_err, hyp_err):
    """sacrebleu's trace, flipped, turned into its alignment; False if the trace crosses an
    undefined cell."""
    trace = np.empty(n_h + n_r, dtype=np.int64)
    length = 0
    i = n_h
    j = n_r
    while i > 0 or j > 0:
        op = ops[i, j]
        trace[length] = op
        length += 1
        if op == _SUB or op == _NOP:
            i -= 1
            j -= 1
        elif op == _INS:
            j -= 1
        elif op == _DEL:
            i -= 1
        else:
            return False
    pos_h = -1
    pos_r = -1
    for k in range(length - 1, -1, -1):
        op = trace[k]
        if op == _NOP or op == _SUB:
            pos_h += 1
            pos_r += 1
            align[pos_r] = pos_h
            err = 1 if op == _SUB else 0
            hyp_err[pos_h] = err
            ref_err[pos_r] = err
        elif op == _DEL:  # flipped: an insertion into the hypothesis
            pos_h += 1
            hyp_err[pos_h] = 1
        else:  # _INS, flipped: a deletion from the reference
            pos_r += 1
            align[pos_r] = pos_h
            ref_err[pos_r] = 1
    return True


@njit(cache=True)
def _copy_slice(out, at, words, start, stop):
    n = words.shape[0]
    start = min(start, n)
    stop = min(stop, n)
    for k in range(start, stop):
        out[at] = words[k]
        at += 1
    return at


@njit(cache=True)
def _perform_shift(words, start, length, target, out):
    """sacrebleu's _perform_shift (with Python's clamped slices) into `out`."""
    at = 0
    if target < start:
        at = _copy_slice(out, at, words, 0, target)
        at = _copy_slice(out, at, words, start, start + length)
        at = _copy_slice(out, at, words, target, start)
        at = _copy_slice(out, at, words, start + length, words.shape[0])
    elif target > start + length:
        at = _copy_slice(out, at, words, 0, start)
        at = _copy_slice(out, at, words, start + length, target)
        at = _copy_slice(out, at, words, start, start + length)
        at = _copy_slice(out, at, words, target, words.shape[0])
    else:
        at = _copy_slice(out, at, words, 0, start)
        at = _copy_slice(out, at, words, start + length, length + target)
        at = _copy_slice(out, at, words, start, start + length)
        at = _copy_slice(out, at, words, length + target, words.shape[0])
    return at


@njit(cache=True)
def _ter(hyp, ref, length_ratio, beam_width, max_shift_size, max_shift_dist, max_candidates, inf):
    """sacrebleu's translation_edit_rate on word ids: the number of edits, or -1 where sacrebleu
    would raise."""
    n_h = hyp.shape[0]
    n_r = ref.shape[0]
    cost = np.empty((n_h + 1, n_r + 1), dtype=np.int64)
    ops = np.empty((n_h + 1, n_r + 1), dtype=np.int8)
    scratch = np.empty((n_h + 1, n_r + 1), dtype=np.int64)
    for j in range(n_r + 1):
        cost[0, j] = j
        ops[0, j] = _INS
        scratch[0, j] = j
    words = hyp.copy()
    shifted = np.empty(n_h, dtype=np.int64)
    best_words = np.empty(n_h, dtype=np.int64)
    align = np.empty(n_r, dtype=np.int64)
    ref_err = np.zeros(n_r, dtype=np.int64)
    hyp_err = np.zeros(n_h, dtype=np.int64)
    _fill(words, ref, 0, cost, ops, length_ratio, beam_width, inf, True)
    shifts = 0
    checked = 0
    while True:
        # one round of sacrebleu's _shift: the best shift of the current words
        pre_score = cost[n_h, n_r]
        if not _alignment(ops, n_h, n_r, align, ref_err, hyp_err):
            return -1
        found = False
        best_score = 0
        best_length = 0
        best_neg_start = 0
        best_neg_idx = 0
        stop = False
        for start_h in range(n_h):
            for start_r in range(n_r):
                if abs(start_r - start_h) > max_shift_dist:
                    continue
                length = 0
                while words[start_h + length] == ref[start_r + length] and length < max_shift_size:
                    length += 1
                    # one (start_h, start_r, length) from sacrebleu's _find_shifted_pairs
                    wrong = 0
                    for k in range(start_h, start_h + length):
                        wrong += hyp_err[k]
                    if wrong != 0:
                        wrong = 0
                        for k in range(start_r, start_r + length):
                            wrong += ref_err[k]
                    if wrong != 0 and not (start_h <= align[start_r] < start_h + length):
                        prev_idx = -1
                        for offset in range(-1, length):
                            if start_r + offset == -1:
                                idx = 0
                            else:
                                idx = align[start_r + offset] + 1
                            if idx == prev_idx:
                                continue
                            prev_idx = idx
                            _perform_shift(words, start_h, length, idx, shifted)
                            same = 0
                            while same < n_h and shifted[same] == words[same]:
                                same += 1
                            if same == n_h:
                                distance = pre_score
                            else:
                                for j in range(n_r + 1):
                                    scratch[same, j] = cost[same, j]
                                _fill(shifted, ref, same, scratch, ops, length_ratio, beam_width, inf, False)
                                distance = scratch[n_h, n_r]
                            score = pre_score - distance
                            checked += 1
                            # sacrebleu ranks (score, length, -start_h, -idx, words) as a tuple
                            better = not found
                            if not better:
                                if score != best_score:
                                    better = score > best_score
                                elif length != best_length:
                                    better = length > best_length
                                elif -start_h != best_neg_start:
                                    better = -start_h > best_neg_start
                                else:
                                    better = -idx > best_neg_idx
                            if better:
                                found = True
                                best_score = score
                                best_length = length
                                best_neg_start = -start_h
                                best_neg_idx = -idx
                                best_words[:] = shifted
                        if checked >= max_candidates:
                            stop = True
                            break
                    if n_h == start_h + length or n_r == start_r + length:
                        break
                if stop:
                    break
            if stop:
                break
        delta = best_score if found else 0
        if checked >= max_candidates or delta <= 0:
            break
        shifts += 1
        same = 0
        while same < n_h and best_words[same] == words[same]:
            same += 1
        words[:] = best_words
        _fill(words, ref, same, cost, ops, length_ratio, beam_width, inf, True)
    return shifts + cost[n_h, n_r]
