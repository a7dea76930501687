"""Scoring: sacrebleu's numbers exactly (checked against the sacrebleu command), shapes checked,
significance and verdicts, records without references skipped."""

import json
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
from sacrebleu.metrics.base import Metric

from mtqa.scoring.compare import compare, corpus_scores, reference_streams, verdict
from mtqa.scoring.metrics import StatisticsOnce
from mtqa.scoring.run import score_cleaned
from tests.conftest import SAMPLES

SACREBLEU = str(Path(sys.executable).with_name("sacrebleu"))
SAMPLE = [json.loads(line) for line in (SAMPLES / "bio-mqm-sample.jsonl").read_text(encoding="utf-8").splitlines()]


def sacrebleu_cli(tmp_path: Path, hyps: list[str], refs: list[list[str]], *args: str) -> dict[str, float]:
    """Scores from the `sacrebleu` command on files, as a user would compute them."""
    hyp_file = tmp_path / "hyp.txt"
    hyp_file.write_text("\n".join(hyps) + "\n", encoding="utf-8")
    ref_files = []
    for i, stream in enumerate(reference_streams(refs)):
        path = tmp_path / f"ref{i}.txt"
        path.write_text("\n".join(r or "" for r in stream) + "\n", encoding="utf-8")
        ref_files.append(str(path))
    out = subprocess.run([SACREBLEU, *ref_files, "-i", str(hyp_file), "-m", "bleu", "chrf", "ter", "-b", "-w", "4", *args],
                         capture_output=True, text=True, check=True).stdout
    return dict(zip(("bleu", "chrf", "ter"), json.loads(out)))


@pytest.mark.parametrize("lang, args", [("en", ()), ("zh", ("--tokenize", "zh", "--ter-normalized", "--ter-asian-support")),
                                        ("de", ())])
def test_scores_equal_the_sacrebleu_command(tmp_path, lang, args):
    # records with both references: the command reads a missing reference as an empty line, which
    # its TER takes for a real (empty) reference, while the API skips a None
    records = [r for r in SAMPLE if r["lang"] == lang and len(r["references"]) == 2]
    assert len(records) >= 3
    hyps, refs = [r["text"] for r in records], [r["references"] for r in records]
    ours = corpus_scores(hyps, refs, lang)
    theirs = sacrebleu_cli(tmp_path, hyps, refs, *args)
    for metric in ("bleu", "chrf", "ter"):
        assert ours[metric]["score"] == pytest.approx(theirs[metric], abs=1e-4), metric
    assert f"tok:{'zh' if lang == 'zh' else '13a'}" in ours["bleu"]["signature"]
    assert ("asian:yes" in ours["ter"]["signature"]) == (lang == "zh")
    assert "nrefs:2" in ours["bleu"]["signature"]


def test_chrf_plus_plus_equals_the_sacrebleu_command(tmp_path):
    records = [r for r in SAMPLE if r["lang"] == "en" and len(r["references"]) == 2]
    hyps, refs = [r["text"] for r in records], [r["references"] for r in records]
    (tmp_path / "h.txt").write_text("\n".join(hyps) + "\n", encoding="utf-8")
    files = []
    for i, stream in enumerate(reference_streams(refs)):
        (tmp_path / f"r{i}.txt").write_text("\n".join(stream) + "\n", encoding="utf-8")
        files.append(str(tmp_path / f"r{i}.txt"))
    out = subprocess.run([SACREBLEU, *files, "-i", str(tmp_path / "h.txt"), "-m", "chrf", "--chrf-word-order", "2", "-b", "-w", "4"],
                         capture_output=True, text=True, check=True).stdout
    assert corpus_scores(hyps, refs, "en")["chrf++"]["score"] == pytest.approx(float(out), abs=1e-4)


def test_variable_number_of_references_and_shape_checks():
    streams = reference_streams([["a"], ["b", "c"]])
    assert streams == [["a", "b"], [None, "c"]]
    with pytest.raises(ValueError, match="at least one reference"):
        reference_streams([["a"], []])
    with pytest.raises(ValueError, match="must pair up"):
        corpus_scores(["x", "y"], [["x"]], "en")


def test_a_real_improvement_is_significant_and_noise_is_not():
    records = [r for r in SAMPLE if r["lang"] == "en"]
    refs = [r["references"] for r in records]
    # the original is the first reference with MT debris; the revision removes it
    before = [r["references"][0].replace(" ", "  ", 3).replace(",", " ,") + " . ." for r in records]
    after = [r["references"][0] for r in records]
    result = compare(before, after, refs, "en")
    assert result["segments"] == len(records) == result["changed_segments"]
    for metric in ("bleu", "chrf", "chrf++", "ter"):
        m = result["metrics"][metric]
        assert m["verdict"] == "better", (metric, m)
        assert m["p_bootstrap"] < 0.05 and m["p_approx_randomization"] < 0.05
    assert result["metrics"]["ter"]["delta"] < 0 < result["metrics"]["chrf"]["delta"]
    same = compare(after, after, refs, "en")
    assert {m["verdict"] for m in same["metrics"].values()} == {"no difference"}


def test_verdict_reads_the_direction_of_each_metric():
    assert verdict("ter", -2.0, 0.01, 0.01) == "better"
    assert verdict("bleu", -2.0, 0.01, 0.01) == "worse"
    assert verdict("chrf", 1.0, 0.01, 0.2) == "no significant difference"
    assert verdict("chrf", 0.0, 0.001, 0.001) == "no difference"


@pytest.mark.parametrize("lang", ["pt", "es"])  # 2 and 4, 1 and 2 references a record: nrefs:var
def test_each_segment_is_read_once_and_the_results_stay_sacrebleus(lang, monkeypatch):
    records = [r for r in SAMPLE if r["lang"] == lang]
    before, refs = [r["text"] for r in records], [r["references"] for r in records]
    after = [before[0].replace(",", "", 1), *before[1:]]  # one segment revised, the others left alone
    assert after[0] != before[0] and len(set(before)) == len(before)
    read: Counter = Counter()
    sacrebleus_own = Metric._extract_corpus_statistics

    def counted(metric, hypotheses, references):
        read[type(metric).__name__] += len(hypotheses)
        return sacrebleus_own(metric, hypotheses, references)

    monkeypatch.setattr(Metric, "_extract_corpus_statistics", counted)
    ours = compare(before, after, refs, lang)
    assert read["OnceTER"] == len(before) + 1  # every distinct segment once, for both sides and both tests
    read.clear()
    monkeypatch.delattr(StatisticsOnce, "_extract_corpus_statistics")  # sacrebleu reading every time
    assert compare(before, after, refs, lang) == ours
    assert read["OnceTER"] >= 2 * len(before)  # both sides, every segment (the tests: tests/test_scoring_fast.py)
    assert "nrefs:var" in ours["metrics"]["bleu"]["signature"]


def test_significance_is_reproducible_whatever_the_environment(monkeypatch):
    records = [r for r in SAMPLE if r["lang"] == "en"]
    before = [r["text"] for r in records]
    after = [r["text"].replace(",", "") for r in records]
    refs = [r["references"] for r in records]
    first = compare(before, after, refs, "en")
    monkeypatch.setenv("SACREBLEU_SEED", "None")  # sacrebleu would then draw from the OS
    assert compare(before, after, refs, "en") == first


def test_uneven_references_are_scored_as_a_variable_number():
    result = compare(["The cat sat.", "A dog , barks."], ["The cat sat.", "A dog barks."],
                     [["The cat sat."], ["A dog barks.", "The dog barks."]], "en")
    assert "nrefs:var" in result["metrics"]["bleu"]["signature"]
    assert result["metrics"]["chrf"]["delta"] > 0


def test_a_references_string_is_one_reference(tmp_path):
    cleaned = tmp_path / "c.jsonl"
    cleaned.write_text(json.dumps({"id": "a", "text": "The cat sat.", "original": "The cat sat .", "lang": "en",
                                   "references": "The cat sat."}) + "\n", encoding="utf-8")
    scores = score_cleaned(cleaned)
    assert scores["by_language"]["en"]["metrics"]["chrf"]["revised"] == 100.0


def test_score_cleaned_groups_by_language_and_skips_records_without_references(tmp_path):
    cleaned = tmp_path / "cleaned.jsonl"
    lines = [dict(r, original=r["text"]) for r in SAMPLE[:8]]
    lines.append({"id": "noref", "text": "x", "original": "x", "lang": "en"})
    lines.append({"id": "emptyref", "text": "x", "original": "x", "lang": "en", "references": ["", " "]})
    cleaned.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in lines) + "\n", encoding="utf-8")
    scores = score_cleaned(cleaned)
    assert (scores["records"], scores["scored"], scores["skipped_no_references"]) == (10, 8, 2)
    assert sorted(scores["by_language"]) == sorted({r["lang"] for r in SAMPLE[:8]})
