"""Normalisation: golden cases (must fix / must stay silent) and properties on arbitrary Unicode."""

from pathlib import Path
from typing import NamedTuple

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from mtqa.cleaners.config import CleanConfig
from mtqa.cleaners.edits import apply_edits, revert_edits
from mtqa.cleaners.normalise import diff_changes
from mtqa.cleaners.pipeline import clean_document
from mtqa.cleaners.rulepack import RULES_DIR
from mtqa.records import Document

GOLDEN = yaml.safe_load((Path(__file__).parent / "golden" / "normalise.yaml").read_text(encoding="utf-8"))


NORMALISE_ONLY = CleanConfig(rule_packs=(str(RULES_DIR / "normalise.yaml"),), detectors=False, langid_sentences=False)


def normalise(text: str, lang: str | None):
    """The pipeline's normalisation (repair and automatic rules to a fixed point), nothing else."""
    result = clean_document(Document("d", text, lang), NORMALISE_ONLY)
    assert not result.timed_out_rules
    return Normalised(result.text, result.edits), [f for f in result.findings if f.category != "language"]


class Normalised(NamedTuple):
    text: str
    edit_list: list

    def edits(self, doc_id: str) -> list:
        return self.edit_list


@pytest.mark.parametrize("case", GOLDEN["must_fix"], ids=lambda c: c["label"])
def test_must_fix(case):
    log, findings = normalise(case["text"], case["lang"])
    assert log.text == case["fixed"]
    assert {f.rule for f in findings} == set(case["rules"])
    for f in findings:
        assert case["text"][f.start : f.end] == f.text
        assert f.fix == "auto"
    assert apply_edits(case["text"], log.edits("d")) == case["fixed"]


@pytest.mark.parametrize("case", GOLDEN["must_stay_silent"], ids=lambda c: c["label"])
def test_must_stay_silent(case):
    log, findings = normalise(case["text"], case["lang"])
    assert findings == []
    assert log.text == case["text"]


def test_french_rule_still_applies_to_english_spacing():
    fr, _ = normalise("Pourquoi ?", "fr")
    en, _ = normalise("Why ?", "en")
    assert (fr.text, en.text) == ("Pourquoi ?", "Why?")


def test_mojibake_finding_is_readable_and_explained():
    _, findings = normalise("The Ã©cole is here", "en")
    assert [(f.text, f.suggestion, f.category, f.severity) for f in findings] == [("Ã©cole", "école", "encoding", "major")]


def test_diff_changes_rebuilds_the_target():
    for before, after in [("x &amp; y", "x & y"), ("abc", "xbz"), ("", "new"), ("old", ""), ("a b", "a  b"),
                          ("我爱你", "我爱他"), ("Le prÃ©sident", "Le président")]:
        out = before
        for s, e, rep in reversed(diff_changes(before, after)):
            out = out[:s] + rep + out[e:]
        assert out == after
    assert diff_changes("x &amp; y", "x & y") == [(2, 7, "&")]
    assert diff_changes("我爱你。", "我爱他。") == [(2, 3, "他")]


# Text built from the characters normalisation cares about, plus arbitrary Unicode.
_debris = st.sampled_from([" ", "  ", "\t", ".", ". .", ",", ",,", ";", " ;", "(", " )", "\n", "\r\n", "Ã©", "&amp;",
                           "e\u0301", "’", "“", "…", "..", "a", "Word", "é", "中文", "Привет", "\u200b", "\x00"])
texts = st.lists(st.one_of(_debris, st.text(max_size=5)), max_size=25).map("".join)


@settings(max_examples=300, deadline=None)
@given(texts, st.sampled_from(["en", "fr", None]))
def test_offsets_and_edit_log_hold_on_any_text(text, lang):
    log, findings = normalise(text, lang)
    edits = log.edits("d")
    for f in findings:
        assert 0 <= f.start <= f.end <= len(text) and text[f.start : f.end] == f.text
    for e in edits:
        assert text[e.start : e.end] == e.before
    assert apply_edits(text, edits) == log.text
    assert revert_edits(log.text, edits) == text


@settings(max_examples=300, deadline=None)
@given(texts, st.sampled_from(["en", "fr", None]))
def test_normalisation_is_idempotent(text, lang):
    once, _ = normalise(text, lang)
    twice, findings = normalise(once.text, lang)
    assert twice.text == once.text
    assert [f for f in findings if f.fix == "auto"] == []


def test_a_catastrophic_user_regex_cannot_hang_a_run(tmp_path):
    import time

    from mtqa.cleaners.config import CleanConfig
    from mtqa.cleaners.pipeline import clean_document
    from mtqa.records import Document

    pack = tmp_path / "evil.yaml"
    pack.write_text("rules:\n  - {id: evil.backtrack, pattern: '(a|aa)+b', replace: 'x', fix: auto,"
                    " category: style, severity: minor, message: catastrophic backtracking}\n", encoding="utf-8")
    config = CleanConfig(rule_packs=(str(pack),), match_timeout=0.2, detectors=False)
    # an "ab" at the end: a text without one cannot match and is not searched at all (cleaners/prefilter.py)
    text = ("a" * 40 + "c ") * 20 + "ab"
    started = time.process_time()  # the regex module's time limit is CPU time: a loaded machine stretches wall time
    result = clean_document(Document("d", text, "en"), config)
    assert time.process_time() - started < 5
    assert result.timed_out_rules == ["evil.backtrack"] and result.text == text


def test_a_catastrophic_user_regex_is_disabled_after_its_first_timeout(tmp_path):
    """Its time limits are paid once, not on every document (a 25-document shard took 342 s
    when each document paid 0.5 s + 5 s); every document it was skipped on is counted."""
    import time

    from mtqa.cleaners.config import CleanConfig
    from mtqa.cleaners.pipeline import clean_document
    from mtqa.records import Document

    pack = tmp_path / "evil.yaml"
    pack.write_text("rules:\n  - {id: evil.once, pattern: '(x|xx)+y', replace: 'z', fix: auto,"
                    " category: style, severity: minor, message: catastrophic backtracking}\n", encoding="utf-8")
    config = CleanConfig(rule_packs=(str(pack),), match_timeout=0.2, detectors=False)
    texts = [("x" * 40 + f"c{i} ") * 20 + "xy" for i in range(12)]  # distinct: a repeated text is cleaned once
    clean_document(Document("warm-up", "Some text to load the language models.", "en"), config)
    started = time.process_time()  # the regex module's time limit is CPU time
    results = [clean_document(Document(f"d{i}", text, "en"), config) for i, text in enumerate(texts)]
    seconds = time.process_time() - started
    assert [r.text for r in results] == texts
    # it timed out on the first document, or on the warm-up one if that had a match to look for
    assert [r.timed_out_rules + r.disabled_rules for r in results] == [["evil.once"]] * len(texts)
    assert sum(r.timed_out_rules == ["evil.once"] for r in results) <= 1
    assert seconds < 8, seconds  # paying 0.2 s + 2 s on each document takes 26 CPU-seconds


def test_a_self_feeding_user_rule_is_stopped_with_a_finding(tmp_path):
    """`a` -> `aa` doubles the text every repair round (512x: 200 KB became 2.5 GB): the fixes
    may not take a text past twice its length; the rule's matches become findings for review."""
    from mtqa.cleaners.config import CleanConfig
    from mtqa.cleaners.normalise import GROWTH_RATIO, GROWTH_SLACK
    from mtqa.cleaners.pipeline import clean_document
    from mtqa.records import Document

    pack = tmp_path / "grow.yaml"
    pack.write_text("rules:\n  - {id: user.grow, pattern: 'a', replace: 'aa', fix: auto, category: style,"
                    " severity: minor, message: doubles}\n", encoding="utf-8")
    text = "banana " * 500
    result = clean_document(Document("d", text, "en"), CleanConfig(rule_packs=(str(pack),), detectors=False))
    assert len(result.text) <= GROWTH_RATIO * len(text) + GROWTH_SLACK
    assert result.stopped_rules == ["user.grow"] and result.timed_out_rules == []
    held = [f for f in result.findings if f.rule == "user.grow" and f.fix == "review"]
    assert held and all("not applied: this rule would make the text more than 2 times" in f.message for f in held)
    assert all(text[f.start:f.end] == f.text for f in result.findings)


def test_a_rule_is_not_run_on_a_text_without_what_its_matches_contain(tmp_path):
    """A catastrophic pattern costs its time limit only on texts that hold what each of its matches
    must contain (cleaners/prefilter.py): elsewhere it cannot match, and is not run."""
    import time

    from mtqa.cleaners.config import CleanConfig
    from mtqa.cleaners.pipeline import clean_document
    from mtqa.records import Document

    pack = tmp_path / "evil.yaml"
    pack.write_text("rules:\n  - {id: evil.nob, pattern: '(a|aa)+b', replace: 'x', fix: auto,"
                    " category: style, severity: minor, message: catastrophic backtracking}\n", encoding="utf-8")
    config = CleanConfig(rule_packs=(str(pack),), match_timeout=0.2, detectors=False)
    started = time.process_time()
    result = clean_document(Document("d", ("a" * 40 + "c ") * 20, "en"), config)
    assert result.timed_out_rules == [] and time.process_time() - started < 2
    assert clean_document(Document("e", "an ab", "en"), config).text == "an x"
