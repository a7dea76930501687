"""The detection benchmark's scoring (benchmarks/detect_scoring.py) on hand-made records: the
figures that decide which checks are on by default must mean what the report says they mean."""

import itertools
import random

import pytest

from benchmarks.detect_scoring import best_subset, half_of, kendall_tau, overlaps, rates_by_system, score, word_count


def mt(errors, words=10, system="s1"):
    return {"is_ref": False, "errors": errors, "words": words, "system": system}


def ref(errors=(), words=100, system="reference"):
    return {"is_ref": True, "errors": list(errors), "words": words, "system": system}


def itself(label):
    return (label,)


def test_overlap_shares_a_character_and_empty_spans_touch():
    assert overlaps(0, 5, 4, 9)
    assert not overlaps(0, 5, 5, 9)  # adjacent spans share no character
    assert overlaps(5, 5, 5, 9) and overlaps(9, 9, 5, 9)  # an insertion point touching a span
    assert not overlaps(10, 10, 5, 9)


def test_segment_and_span_precision_recall():
    records = [
        mt([(0, 4, "Accuracy/Mistranslation"), (10, 12, "Fluency/Spelling")]),  # erroneous, flagged on target
        mt([(0, 4, "Fluency/Spelling")]),  # erroneous, flagged off target
        mt([(3, 6, "Fluency/Punctuation")]),  # erroneous, missed
        mt([]),  # clean, flagged
        mt([]),  # clean, silent
    ]
    findings = [[(1, 2, "r")], [(20, 25, "r")], [], [(0, 1, "r"), (2, 3, "r")], []]
    got = score(records, findings, itself)["r"]
    assert (got["segments"], got["erroneous"], got["flagged"], got["flagged_erroneous"]) == (5, 3, 3, 2)
    assert got["segment_precision"] == pytest.approx(2 / 3)
    assert got["segment_recall"] == pytest.approx(2 / 3)
    assert (got["findings"], got["span_hits"]) == (4, 1)
    assert got["span_precision"] == pytest.approx(1 / 4)
    cats = got["by_category"]
    assert cats["Accuracy/Mistranslation"] == {"errors": 1, "found": 1, "recall": 1.0, "findings_on": 1,
                                               "share_of_findings": 0.25}
    assert cats["Fluency/Spelling"]["recall"] == 0.0 and cats["Fluency/Spelling"]["errors"] == 2


def test_references_count_only_when_error_free_and_groups_add_up():
    records = [mt([(0, 3, "X")]), ref(), ref([(0, 2, "X")], words=50), ref(words=400)]
    findings = [[(0, 1, "a")], [(0, 1, "a"), (4, 5, "b")], [(0, 1, "a")], []]

    def groups(label):
        return (label, "tool") + (("tool:default",) if label == "a" else ())

    got = score(records, findings, groups, names=("never",))
    assert got["tool"]["ref_segments"] == 2 and got["tool"]["ref_words"] == 500
    assert got["tool"]["ref_findings"] == 2  # the reference with an annotated error is left out
    assert got["tool"]["refs_per_1000_words"] == pytest.approx(4.0)
    assert got["tool:default"]["ref_findings"] == 1
    assert got["tool"]["findings"] == 1 and got["tool"]["segment_recall"] == 1.0
    assert got["never"]["findings"] == 0 and got["never"]["segment_precision"] is None


def test_one_segment_flagged_twice_counts_once_and_unannotated_records_are_skipped():
    records = [mt([(0, 3, "X")]), mt(None)]
    findings = [[(0, 1, "a"), (5, 6, "a")], [(0, 1, "a")]]
    got = score(records, findings, itself)["a"]
    assert (got["segments"], got["flagged"], got["findings"], got["span_hits"]) == (1, 1, 2, 1)


def test_rates_by_system():
    records = [mt(None, words=100, system="s1"), mt(None, words=300, system="s1"), mt(None, words=50, system="s2")]
    findings = [[(0, 1, "a")], [(0, 1, "a"), (2, 3, "b")], []]
    got = rates_by_system(records, findings, itself)
    assert got["a"]["s1"] == {"findings": 2, "words": 400, "per_1000_words": 5.0}
    assert got["a"]["s2"]["per_1000_words"] == 0.0 and got["b"]["s2"]["findings"] == 0


def _tau_b_by_definition(x, y):
    pairs = list(itertools.combinations(range(len(x)), 2))
    num = sum(((x[i] > x[j]) - (x[i] < x[j])) * ((y[i] > y[j]) - (y[i] < y[j])) for i, j in pairs)
    tx = sum(x[i] != x[j] for i, j in pairs)
    ty = sum(y[i] != y[j] for i, j in pairs)
    return num / (tx * ty) ** 0.5


def test_kendall_tau():
    assert kendall_tau([1, 2, 3, 4], [10, 20, 30, 40]) == 1.0
    assert kendall_tau([1, 2, 3, 4], [4, 3, 2, 1]) == -1.0
    assert kendall_tau([1, 2, 3], [1, 3, 2]) == pytest.approx(1 / 3)
    assert kendall_tau([1, 1, 1], [1, 2, 3]) is None
    assert kendall_tau([1], [2]) is None
    with pytest.raises(ValueError):
        kendall_tau([1, 2], [1])
    rng = random.Random(7)
    for _ in range(50):  # ties in both variables: tau-b
        x = [rng.randint(0, 4) for _ in range(9)]
        y = [rng.randint(0, 4) for _ in range(9)]
        if len(set(x)) > 1 and len(set(y)) > 1:
            assert kendall_tau(x, y) == pytest.approx(_tau_b_by_definition(x, y))


def test_best_subset_keeps_precision_above_the_bar():
    records = [mt([(0, 1, "X")]) for _ in range(6)] + [mt([]) for _ in range(4)]
    flagged = [["good", "wide"], ["good", "wide"], ["good"], ["wide"], ["wide"], [], ["noisy", "wide"],
               ["noisy", "wide"], ["noisy"], []]
    # good: 3/3; wide: 5 of 7 flagged erroneous (71%); noisy: 0/3
    assert best_subset(records, flagged, ["good", "wide", "noisy"], 0.6) == ["good", "wide"]
    assert best_subset(records, flagged, ["good", "wide", "noisy"], 0.9) == ["good"]
    assert best_subset(records, flagged, ["noisy"], 0.6) == ["noisy"]  # none reaches the bar: the most precise


def test_words_and_halves():
    assert word_count("one two  three\n", "en") == 3
    assert word_count("我们 今天", "zh") == 2.0
    assert half_of("bio-mqm:fr-en:doc1") == half_of("bio-mqm:fr-en:doc1")
    halves = [half_of(f"set:lp:doc{i}") for i in range(400)]
    assert 150 < halves.count("tune") < 250  # about half each


def test_a_check_that_passes_but_fires_more_on_wmt12_references_is_held_off():
    from benchmarks.detect_criteria import proposals

    def row(default, tune_passes, mt, ref, ref_findings=30):
        return {"kind": "detector", "default": default, "tune_passes": tune_passes,
                "tune": {"findings": 80, "wmt12_mt_per_1000_words": mt, "wmt12_reference_per_1000_words": ref,
                         "wmt12_reference_findings": ref_findings},
                # the check half's rates, which must not decide
                "wmt12_mt_per_1000_words": 0.0, "wmt12_reference_per_1000_words": 9.9}

    prop = proposals({"a.more_on_refs": row("off", True, 0.07, 0.21), "b.more_on_systems": row("off", True, 0.3, 0.1),
                      "c.never_on_wmt12": row("off", True, None, None, 0), "d.on_and_failing": row("on", False, 0.07, 0.21),
                      "e.few_on_refs": row("off", True, 0.01, 0.05, 3)})
    assert prop["held_off"] == ["a.more_on_refs"]
    assert prop["turn_on"] == ["b.more_on_systems", "c.never_on_wmt12", "e.few_on_refs"]
    assert prop["turn_off"] == ["d.on_and_failing"]  # held against turning on only
