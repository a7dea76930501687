"""Every rule pack in cleaners/rules/ against its golden cases in tests/golden/packs/<pack>.yaml.

A golden file lists real MT errors that must be flagged (`must_flag`: the rule ids expected, and
the suggestion where one is given) and correct text that must stay silent (`must_stay_silent`),
each with its target language and, for pair-specific rules, its source language.
"""

from pathlib import Path

import pytest
import yaml

from mtqa.cleaners.config import DEFAULT_PACKS, CleanConfig
from mtqa.cleaners.pipeline import clean_document
from mtqa.cleaners.rulepack import load_pack
from mtqa.records import Document

GOLDEN = Path(__file__).parent / "golden" / "packs"
CONFIG = CleanConfig(rule_packs=DEFAULT_PACKS)
PACK_RULES = {rule.id for path in DEFAULT_PACKS[1:] for rule in load_pack(path).rules}


def cases(kind: str) -> list:
    out = []
    for path in sorted(GOLDEN.glob("*.yaml")):
        for case in yaml.safe_load(path.read_text(encoding="utf-8")).get(kind, []):
            out.append(pytest.param(case, id=f"{path.stem}: {case['label']}"))
    return out


def findings_for(case: dict):
    doc = Document("case", case["text"], case.get("lang", "en"), source=case.get("source"), source_lang=case.get("source_lang"))
    return clean_document(doc, CONFIG)


@pytest.mark.parametrize("case", cases("must_flag"))
def test_must_flag(case):
    result = findings_for(case)
    fired = {f.rule: f for f in result.findings}
    for rule in case["rules"]:
        assert rule in fired, f"{rule} did not fire on {case['text']!r}; fired: {sorted(fired)}"
        finding = fired[rule]
        assert case["text"][finding.start : finding.end] == finding.text
    if "suggestion" in case:
        assert fired[case["rules"][0]].suggestion == case["suggestion"]
    if "fixed" in case:
        assert result.text == case["fixed"]


@pytest.mark.parametrize("case", cases("must_stay_silent"))
def test_must_stay_silent(case):
    result = findings_for(case)
    pack_findings = [f for f in result.findings if f.rule in PACK_RULES]
    assert pack_findings == [], [(f.rule, f.text) for f in pack_findings]


def test_every_pack_rule_has_a_golden_case():
    flagged = {rule for path in GOLDEN.glob("*.yaml")
               for case in yaml.safe_load(path.read_text(encoding="utf-8")).get("must_flag", []) for rule in case["rules"]}
    missing = sorted(PACK_RULES - flagged)
    assert not missing, f"rules without a must_flag golden case: {missing}"


def test_requires_never_hides_a_match():
    """`requires` only saves time: on every golden text and every text of the bundled samples, each
    rule that has one finds exactly what its pattern alone finds."""
    import json

    from tests.conftest import SAMPLES

    texts = [case["text"] for path in GOLDEN.glob("*.yaml") for kind in ("must_flag", "must_stay_silent")
             for case in yaml.safe_load(path.read_text(encoding="utf-8")).get(kind, [])]
    for sample in sorted(SAMPLES.glob("*.jsonl")):
        for line in sample.read_text(encoding="utf-8").splitlines():
            record = json.loads(line)
            texts += [record.get("text", ""), record.get("source", ""), *record.get("references", [])]
    texts += [path.read_text(encoding="utf-8") for path in SAMPLES.glob("*.txt")]
    prefiltered = [rule for path in DEFAULT_PACKS for rule in load_pack(path).rules if rule.requires is not None]
    assert len(prefiltered) >= 4
    for rule in prefiltered:
        matched = 0
        for text in texts:
            alone = [m.span() for m in rule.pattern.finditer(text)]
            assert [m.span() for m in rule.matches(text)] == alone, (rule.id, text)
            matched += bool(alone)
        assert matched, f"{rule.id}: no text to show that its requires lets its matches through"


def test_a_rule_is_not_tried_where_its_requirement_is_missing(tmp_path):
    pack = tmp_path / "p.yaml"
    pack.write_text("rules:\n  - {id: x.ab, pattern: 'a+b', requires: 'ab', category: style, severity: minor, "
                    "message: m}\n", encoding="utf-8")
    (rule,) = load_pack(pack).rules
    assert [m.group() for m in rule.matches("aab xab")] == ["aab", "ab"]
    assert list(rule.matches("a b aa b")) == []  # no "ab" anywhere: the pattern is not run
    pack.write_text("rules:\n  - {id: x.ab, pattern: 'a', requires: '(', category: style, severity: minor, "
                    "message: m}\n", encoding="utf-8")
    with pytest.raises(ValueError, match="rule 1 \\(x.ab\\): bad pattern, requires, source_has or replace template"):
        load_pack(pack)


def _rules_fired(pack, rule: str, text: str, lang: str, source_lang: str):
    """A pack of one rule written to `pack`, and a function from a source text to the rules that
    fire on `text` with that source (detectors off)."""
    pack.write_text(f"rules:\n  - {rule}\n", encoding="utf-8")
    config = CleanConfig(rule_packs=(str(pack),), detectors=False)

    def fired(source):
        doc = Document("d", text, lang, source=source, source_lang=source_lang)
        return [f.rule for f in clean_document(doc, config).findings]

    return fired


def test_a_rule_with_source_has_runs_only_where_the_source_text_holds_it(tmp_path):
    """de-en.handy_mobile: "my handy" is a false friend where the German source has "Handy"; with
    another source ("praktisch") it is English; with no source text the rule runs as before."""
    pack = tmp_path / "p.yaml"
    fired = _rules_fired(pack, "{id: x.handy, pattern: 'handy', source_has: 'Handy', category: style, severity: minor, "
                               "message: m, source_langs: [de]}", "It is handy.", "en", "de")
    assert fired("Das ist mein Handy.") == ["x.handy"]
    assert fired("Das ist praktisch.") == []
    assert fired(None) == ["x.handy"]
    pack.write_text("rules:\n  - {id: x.ab, pattern: 'a', source_has: '(', category: style, severity: minor, "
                    "message: m}\n", encoding="utf-8")
    with pytest.raises(ValueError, match="bad pattern, requires, source_has or replace template"):
        load_pack(pack)


def test_an_excuse_a_rule_names_leaves_its_match_and_a_pack_naming_a_wrong_one_is_refused(tmp_path):
    """`unless: [copied_from_source]`: a match whose group `copied`, to the match's end, stands in
    the source is no error; an excuse that is not in the table, or whose groups the pattern lacks,
    is an error when the pack is loaded."""
    pack = tmp_path / "p.yaml"
    fired = _rules_fired(pack, "{id: x.bang, pattern: '(?<copied>\\p{Lu}\\p{L}*)!', unless: [copied_from_source], "
                               "category: style, severity: minor, message: m}", "Vimos Jeopardy! ayer", "es", "en")
    assert fired("We watched Jeopardy! yesterday") == []
    assert fired("We watched Jeopardy yesterday") == ["x.bang"]
    assert fired(None) == ["x.bang"]
    for unless, error in (("[no_such_excuse]", "unless lists excuses by name"),
                          ("copied_from_source", "unless lists excuses by name"),
                          ("[copied_from_source]", "reads group")):
        pack.write_text(f"rules:\n  - {{id: x.ab, pattern: 'a!', unless: {unless}, category: style, severity: minor, "
                        "message: m}\n", encoding="utf-8")
        with pytest.raises(ValueError, match=error):
            load_pack(pack)


def test_a_catastrophic_requires_is_bounded_by_the_rules_time_limit(tmp_path):
    import time

    pack = tmp_path / "p.yaml"
    pack.write_text("rules:\n  - {id: x.slow, pattern: 'a', requires: '(a|aa)+b', category: style, severity: minor, "
                    "message: m}\n", encoding="utf-8")
    (rule,) = load_pack(pack).rules
    start = time.monotonic()
    with pytest.raises(TimeoutError):
        list(rule.matches("a" * 60 + "c", 0.05))
    assert time.monotonic() - start < 2


def test_a_catastrophic_source_has_is_bounded_and_the_rule_is_skipped_for_that_document(tmp_path):
    import time

    from mtqa.cleaners.edits import EditLog
    from mtqa.cleaners.normalise import apply_rules

    pack = tmp_path / "p.yaml"
    pack.write_text("rules:\n  - {id: x.slow, pattern: 'a', source_has: '(a|aa)+b', category: style, severity: minor, "
                    "message: m}\n", encoding="utf-8")
    rules = load_pack(pack).rules
    start = time.monotonic()
    found, timed_out = apply_rules(EditLog("a text"), "d", rules, "en", 0.05, fixes=False, source_text="a" * 60 + "c")
    assert time.monotonic() - start < 2
    assert found == [] and timed_out == ["x.slow"]
    # the source is searched only for a rule that matched the text: here none, so no time-out
    found, timed_out = apply_rules(EditLog("nothing here"), "d", rules, "en", 0.05, fixes=False, source_text="a" * 60 + "c")
    assert found == [] and timed_out == []


def test_a_pack_compiles_whole_when_first_seen_and_then_only_the_rules_a_run_uses(tmp_path, monkeypatch):
    """Every pattern of a pack compiles at its first load (an error before the run, not during it);
    once those bytes compiled whole, a later process compiles a rule at its first use only."""
    import pickle

    from mtqa.cleaners import rulepack

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    pack = tmp_path / "p.yaml"
    pack.write_text("rules:\n"
                    "  - {id: x.kiev, pattern: '\\bKiev\\b', replace: Kyiv, fix: auto, langs: [en], category: style, severity: minor, message: m}\n"
                    "  - {id: x.space, pattern: ' +(?=[;:])', requires: ' [;:]', langs: [fr], category: style, severity: minor, message: m}\n",
                    encoding="utf-8")
    first = rulepack._load_pack(pack)
    assert all(rule._compiled is not None for rule in first.rules)  # checked whole
    again = rulepack._load_pack(pack)  # as a later run loads it
    assert all(rule._compiled is None for rule in again.rules)
    kiev, space = again.rules
    assert [m.group() for m in kiev.matches("in Kiev, not Kievan")] == ["Kiev"] and kiev.replacement(kiev.pattern.search("Kiev")) == "Kyiv"
    assert space._compiled is None  # the French rule is not compiled by the English one's use
    assert [m.span() for m in space.matches("un mot ; deux")] == [(6, 7)] and space.needs is not None
    assert again.rules == first.rules and pickle.loads(pickle.dumps(space)).pattern.pattern == space.pattern.pattern
    # other bytes (a bad pattern added) are checked whole again: the error comes at load
    pack.write_text(pack.read_text(encoding="utf-8") + "  - {id: x.bad, pattern: 'a(', category: style, severity: minor, message: m}\n",
                    encoding="utf-8")
    with pytest.raises(rulepack.RulePackError, match="rule 3 \\(x.bad\\): bad pattern"):
        rulepack._load_pack(pack)
    with pytest.raises(rulepack.RulePackError, match="rule 3 \\(x.bad\\): bad pattern"):
        rulepack._load_pack(pack)  # and again: a pack that failed is never taken as checked


def test_a_pack_loads_where_nothing_can_be_remembered(tmp_path, monkeypatch):
    from mtqa.cleaners import rulepack

    blocked = tmp_path / "not-a-folder"
    blocked.write_text("", encoding="utf-8")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocked))  # the cache folder cannot be made
    pack = tmp_path / "p.yaml"
    pack.write_text("rules:\n  - {id: x.a, pattern: 'a+', category: style, severity: minor, message: m}\n", encoding="utf-8")
    for _ in range(2):  # compiled whole each time
        (rule,) = rulepack._load_pack(pack).rules
        assert rule._compiled is not None and [m.group() for m in rule.matches("baa")] == ["aa"]
