"""The rule prefilter (cleaners/prefilter.py): what it reads from a pattern must be in every text the
pattern matches, or a rule would silently stop finding what it finds."""

import json

import pytest
import regex
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from mtqa.cleaners.config import DEFAULT_PACKS
from mtqa.cleaners.prefilter import Probe, requirement, together
from mtqa.cleaners.rulepack import load_pack

# one pattern for each construct the reader follows (and some it must decline)
PATTERNS = [
    r"kiev", r"(?i)kiev", r"colou?r", r"ab+c", r"a{2}b", r"a{0,2}b", r"x(?:yz)*w", r"(?:ab|cd)e", r"(?:ab|)c",
    r"(?<=[;:])\s+x", r"(?<![;:])x", r"a(?=b|\Z)", r"a(?!b)c", r"[^\s.]\.\.", r"[a-c]-d", r"[-a]z", r"[]a]q",
    r"\u00a0[;:]", r"\x41b", r"\tq", r"(a)\1", r"(?P<w>ab)\s(?P=w)", r"\bthe\b", r"\p{Cyrillic}\p{Latin}",
    r"[\p{L}\p{N}][ \t]+,", r"(?-i:Ab)c", r"(?i:ab)C", r"ſt", r"στ", r"(?|ab|cd)", r"a.b", r"^ab$",
    # characters side by side: across classes, groups, lookarounds and the edges of the text
    r"[ \t]+(?=\r?\n|\r|\Z)", r"\A[ \t]+", r"(?<=[ab])[ \t]+(?=[;:])", r"x+y", r"a{2,}b", r"(?:,|\.(?!x))y",
    r"[ab]\Z", r"(?<=a)b", r"(?<=[^\s.])[ \t]*\.[ \t]+\.(?![ \t]*\.)(?=[\s)]|\Z)", r"(?:a|b)?c[;:]", r"(a)\1b",
    r"(?:x|\Z)", r"(?=a)[ab]c", r"b(?<=[ab])c", r"\A(?:ab|\Z)", r"c(?:a?|b)d", r"(?<!a)b(?=\s|\Z)", r"(?:ab)+c",
]
ALPHABET = "abcdxyzABCKquwt-.,;: \t\n\r\u00a0ſsSσςΣабвq]"
# pieces of what the patterns look for, so that random texts often match
PIECES = ["kiev", "KIEV", "colour", "color", "ab", "cd", "abbc", "aab", "e", "w", "yz", "A", "Ab", "ab ab", "the",
          "ſt", "ΣΤ", "στ", "Cоvid", "..", "x", "\u00a0;", "\t", " \n", ". .", "a ;", "aab", "xy", ",y", ". ", " .", "bc"]
TEXTS = st.lists(st.one_of(st.sampled_from(PIECES), st.text(ALPHABET, max_size=3)), max_size=6).map("".join)


@settings(max_examples=3000, deadline=None)
@given(st.sampled_from(PATTERNS), st.sampled_from([0, regex.IGNORECASE]), TEXTS)
def test_a_pattern_never_matches_a_text_its_requirement_rejects(pattern, flags, text):
    need = requirement(pattern, flags | regex.V0)
    if regex.search(pattern, text, flags | regex.V0) is not None:
        assert need is None or need.holds(Probe(text)), (pattern, flags, text, need)


@pytest.mark.parametrize("pattern,flags,absent,present", [
    (r"(?<=[\p{L})])[ \t]+(?=[;:!?])", 0, "No such thing here.", "A list ; of"),
    (r"\bKiev\b", regex.IGNORECASE, "Kyiv", "in KIEV"),
    (r"colou?r", 0, "colonel", "color"),  # the optional letter is not required, the rest is
    (r"(?:head|chief) of", 0, "the boss of", "chief of"),
    (r"\p{Cyrillic}", 0, "Latin only", "Cоvid"),
    (r"st", regex.IGNORECASE, "a text", "ſtop"),  # the long s folds to s
])
def test_a_requirement_rejects_texts_without_it_and_keeps_those_with_it(pattern, flags, absent, present):
    need = requirement(pattern, flags | regex.V0)
    assert not need.holds(Probe(absent)) and need.holds(Probe(present))


@pytest.mark.parametrize("pattern,flags", [
    (r"a?b*", 0), (r"(?!x)", 0), (r"a|\d*", 0), (r"(?x) a b", 0), (r"a b", regex.VERBOSE), (r"\Qa.b\E", 0),
    (r"(?:ab){e<=1}", 0), (r"(?V1)[[a]--[b]]", 0), (r"[[:alpha:]]x", 0), (r"(?(1)a|b)", 0),
])
def test_what_the_reader_does_not_follow_gets_no_requirement(pattern, flags):
    assert requirement(pattern, flags | regex.V0) is None


def _texts() -> list[str]:
    """Every golden text of the packs and every text, source and reference of the bundled samples."""
    from tests.conftest import SAMPLES
    from tests.test_rule_packs import GOLDEN

    goldens = [*GOLDEN.glob("*.yaml"), GOLDEN.parent / "detectors.yaml"]
    texts = [case["text"] for path in goldens for kind in ("must_flag", "must_stay_silent")
             for case in yaml.safe_load(path.read_text(encoding="utf-8")).get(kind, [])]
    for sample in sorted(SAMPLES.glob("*.jsonl")):
        for line in sample.read_text(encoding="utf-8").splitlines():
            record = json.loads(line)
            texts += [record.get("text", ""), record.get("source", ""), *record.get("references", [])]
    return texts + [path.read_text(encoding="utf-8") for path in SAMPLES.glob("*.txt")]


def test_no_shipped_rule_is_kept_from_a_text_it_matches():
    """On every golden and sample text, each shipped rule whose pattern matches has its requirement
    met; and the requirements do rule out most rules on most texts, or they would only cost time."""
    rules = [rule for path in DEFAULT_PACKS for rule in load_pack(path).rules]
    assert sum(rule.needs is not None for rule in rules) >= 0.9 * len(rules)
    asked = ruled_out = 0
    for text in _texts():
        probe = Probe(text)
        for rule in rules:
            if rule.needs is None:
                continue
            holds = rule.needs.holds(probe)
            if rule.pattern.search(text) is not None:
                assert holds, (rule.id, text)
            asked += 1
            ruled_out += not holds
    assert ruled_out > 0.5 * asked


def test_requirements_asked_together_answer_as_each_alone():
    """The rules of a pack are asked about a text in one call (`together`): the same answers."""
    rules = [rule for path in DEFAULT_PACKS for rule in load_pack(path).rules]
    ask = together([rule.needs for rule in rules] + [None])
    assert together([])(Probe("x")) == ()
    for text in _texts()[:200]:
        probe = Probe(text)
        assert ask(probe) == tuple(rule.needs is None or rule.needs.holds(probe) for rule in rules) + (True,)


def test_no_punctuation_spacing_check_is_kept_from_a_text_it_matches():
    """qa.punctuation_spacing asks the same question of its qa.yaml patterns (detectors/spacing.py)."""
    from mtqa.cleaners.detectors.spacing import _checks

    checks = _checks()
    assert all(check.needs is not None for check in checks)
    matched = 0
    for text in _texts():
        probe = Probe(text)
        for check in checks:
            if check.pattern.search(text) is not None:
                matched += 1
                assert check.needs.holds(probe), (check.pattern.pattern, text)
    assert matched


def test_a_pack_with_its_requirements_survives_a_copy():
    """A process runner or a cache may pickle what holds rules: a requirement is made again from
    its parts, and answers as before."""
    import pickle

    rules = [rule for path in DEFAULT_PACKS for rule in load_pack(path).rules]
    copies = pickle.loads(pickle.dumps(rules))
    for text in _texts()[:100]:
        assert [r.needs.holds(Probe(text)) for r in copies] == [r.needs.holds(Probe(text)) for r in rules]
