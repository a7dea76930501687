"""The bilingual calque and false-friend lexicons (cleaners/data/lexicons/): every entry's golden case,
and the conditions under which the detector must stay silent."""

from pathlib import Path

import pytest

from mtqa.cleaners.config import CleanConfig
from mtqa.cleaners.detectors import REGISTRY, _load_all
from mtqa.cleaners.detectors.lexicon import Finder, LexiconError, lexicon, lexicon_files, lexicon_hits, load_lexicon, needles, rules
from mtqa.cleaners.pipeline import clean_document
from mtqa.records import Document

_load_all()
ENTRIES = [(pair, entry) for pair in sorted(lexicon_files()) for entry in lexicon(pair).entries]


def _apply(text: str, start: int, end: int, suggestion: str) -> str:
    return text[:start] + suggestion + text[end:]


@pytest.mark.parametrize("pair,entry", ENTRIES, ids=[f"{pair}:{entry.id}" for pair, entry in ENTRIES])
def test_golden_case(pair, entry):
    """The bad translation is flagged by this entry, its suggestion (if any) gives the correct one;
    the correct translation draws nothing from the whole lexicon; without the trigger in the source
    the entry is silent."""
    source, bad, good = entry.case
    mine = [hit for hit in lexicon_hits(pair, source, bad) if hit[0] is entry]
    assert mine, f"not flagged; the lexicon found {[(e.id, t) for e, _, _, t, _ in lexicon_hits(pair, source, bad)]}"
    _, start, end, text, suggestion = mine[0]
    assert bad[start:end] == text
    if suggestion is not None:
        assert _apply(bad, start, end, suggestion) == good
    assert [(e.id, t) for e, _, _, t, _ in lexicon_hits(pair, source, good)] == []
    without_trigger = entry.source.sub(" ", source)
    assert [hit for hit in lexicon_hits(pair, without_trigger, bad) if hit[0] is entry] == []


def test_every_lexicon_rule_is_registered_with_its_class_category():
    registered = {rule for rule in REGISTRY if rule.startswith("lexicon.")}
    assert registered == {rule for rule, _, _ in rules()}
    assert REGISTRY["lexicon.false_friend.fr-en"].category == "accuracy/mistranslation"


def _run(source, text, lang="en", source_lang="fr"):
    doc = Document("d", text, lang, source=source, source_lang=source_lang)
    return [f for f in clean_document(doc, CleanConfig()).findings if f.rule.startswith("lexicon.")]


def test_the_detector_reports_through_the_pipeline_with_suggestion_and_original_offsets():
    text = "He  actually lives in Lyon."  # the double space is fixed first: offsets stay in the original
    found = _run("Il vit actuellement à Lyon.", text)
    assert [(f.rule, f.text, f.suggestion, f.fix) for f in found] == [("lexicon.false_friend.fr-en", "actually", "currently", "review")]
    assert text[found[0].start:found[0].end] == "actually"
    assert "actuellement" in found[0].message


def test_silent_without_the_trigger_without_a_source_or_for_another_language_pair():
    assert _run("Il vit en fait à Lyon.", "He actually lives in Lyon.") == []
    assert _run(None, "He actually lives in Lyon.") == []
    assert [f.rule for f in _run("Er wohnt aktuell in Lyon.", "He actually lives in Lyon.", source_lang="de")] == ["lexicon.false_friend.de-en"]
    assert _run("Il vit actuellement à Lyon.", "He actually lives in Lyon.", source_lang="es") == []
    assert _run("Il vit actuellement à Lyon.", "Er wohnt actually in Lyon.", lang="de") == []


def test_a_suggestion_that_depends_on_context_is_given_only_where_the_context_decides():
    hits = lexicon_hits("fr-en", "Le chef de la diplomatie russe a rencontré son homologue américain.",
                        "The head of Russian diplomacy met the head of US diplomacy.")
    assert [(t, s) for _, _, _, t, s in hits] == [("head of Russian diplomacy", "Russian foreign minister"),
                                                  ("head of US diplomacy", "US Secretary of State")]
    hits = lexicon_hits("fr-en", "Le bilan a été présenté aux actionnaires.", "The balance sheet was presented to shareholders.")
    assert hits == []  # a company's bilan is a balance sheet (unless_source)
    hits = lexicon_hits("fr-en", "Le bilan est lourd.", "The balance sheet is heavy.")
    assert [(t, s) for _, _, _, t, s in hits] == [("balance sheet", None)]  # flagged, but no victims: no suggestion


def test_where_a_rule_pack_and_the_lexicon_fix_one_span_the_fix_that_read_the_source_wins():
    """The fr-en pack sees only "head of diplomacy" and says "foreign minister"; the lexicon saw
    "diplomatie américaine" in the source: one finding, Secretary of State. With the country in the
    translation both agree, and it is said once."""
    source = "Le chef de la diplomatie américaine a été reçu à Moscou."
    config = CleanConfig(lang="en")
    for text, rule, fix in [("The head of diplomacy was received in Moscow.", "lexicon.calque.fr-en", "Secretary of State"),
                            ("The head of US diplomacy was received in Moscow.", "fr-en.head_of_us_diplomacy", "US Secretary of State")]:
        findings = clean_document(Document("d", text, "en", source=source, source_lang="fr"), config).findings
        assert [(f.rule, f.suggestion) for f in findings] == [(rule, fix)]


def test_inflection_and_case_carry_into_the_suggestion():
    hits = lexicon_hits("fr-en", "Ils ont assisté au concert.", "Assisting at the concert, they sang.")
    assert [(t, s) for _, _, _, t, s in hits] == [("Assisting at", "Attending")]


def test_a_broken_lexicon_is_named_in_the_error(tmp_path):
    bad = tmp_path / "fr-en.yaml"
    bad.write_text("pair: fr-en\nentries:\n  - {class: nonsense, source: a, bad: b, case: [x, y, z]}\n", encoding="utf-8")
    with pytest.raises(LexiconError, match=r"fr-en.yaml entry 1 .*class 'nonsense'"):
        load_lexicon(bad)
    bad.write_text("pair: fr-en\nentries:\n  - {class: calque, source: a, bad: 'b~v', good: c, case: [x, y, z]}\n", encoding="utf-8")
    with pytest.raises(LexiconError, match="must be too"):
        load_lexicon(bad)
    bad.write_text("pair: fr-en\nentries:\n  - {class: calque, source: '(', bad: b, case: [x, y, z]}\n", encoding="utf-8")
    with pytest.raises(LexiconError, match="bad pattern"):
        load_lexicon(bad)


def test_lexicons_ship_in_the_package():
    assert set(lexicon_files()) >= {"fr-en"}
    assert all(Path(p).parent.name == "lexicons" for p in lexicon_files().values())


@pytest.mark.parametrize("pair,us_source,other_source,bare_source", [
    ("es-en", "El jefe de la diplomacia estadounidense llegó a Pekín.", "El jefe de la diplomacia rusa llegó a Pekín.",
     "El jefe de la diplomacia llegó a Pekín."),
    ("pt-en", "O chefe da diplomacia americana chegou a Pequim.", "O chefe da diplomacia russa chegou a Pequim.",
     "O chefe da diplomacia chegou a Pequim."),
])
def test_head_of_diplomacy_is_the_secretary_of_state_only_where_the_source_names_the_us(pair, us_source, other_source, bare_source):
    def found(source, text):
        return [(t, s) for _, _, _, t, s in lexicon_hits(pair, source, text)]
    assert found(us_source, "The head of diplomacy arrived in Beijing.") == [("head of diplomacy", "Secretary of State")]
    assert found(other_source, "The head of US diplomacy arrived in Beijing.") == [("head of US diplomacy", "US Secretary of State")]
    assert found(other_source, "The head of Russian diplomacy arrived in Beijing.") == [("head of Russian diplomacy", "Russian foreign minister")]
    assert found(other_source, "The head of diplomacy arrived in Beijing.") == [("head of diplomacy", "foreign minister")]
    # no country in the sentence: it may be the US's, so the finding has no suggestion
    assert found(bare_source, "The head of diplomacy arrived in Beijing.") == [("head of diplomacy", None)]
    # both the US's and another country's in one source: which one this is, the source does not say
    both = us_source.rstrip(".") + " y " + other_source if pair == "es-en" else us_source.rstrip(".") + " e " + other_source
    assert found(both, "The head of diplomacy arrived.") == [("head of diplomacy", None)]


def test_ru_and_zh_titles_take_the_country_s_own_title_or_no_suggestion():
    """A title calque's suggestion depends on the country: the US has a Secretary of State and a Defense
    Secretary, Britain a Foreign Secretary; where the source names such a country but the rendering
    does not say which minister it is, there is a finding and no suggestion."""
    def found(pair, source, text):
        return [(t, s) for _, _, _, t, s in lexicon_hits(pair, source, text)]

    assert found("ru-en", "Глава МИД Великобритании прибыл в Москву.", "The head of the British Foreign Ministry arrived in Moscow.") == [
        ("head of the British Foreign Ministry", "British Foreign Secretary")]
    assert found("ru-en", "Глава МИД Великобритании прибыл в Москву.", "The head of the Foreign Ministry of Great Britain arrived in Moscow.") == [
        ("head of the Foreign Ministry", None)]
    assert found("ru-en", "Глава Минфина США выступил.", "The head of the US Ministry of Finance spoke.") == [
        ("head of the US Ministry of Finance", None)]  # the US has a Treasury Secretary, not a finance minister
    assert found("ru-en", "Глава Минфина России выступил.", "The head of the Russian Ministry of Finance spoke.") == [
        ("head of the Russian Ministry of Finance", "Russian Finance Minister")]
    assert found("ru-en", "Глава Госдепартамента прибыл.", "The head of the State Department arrived.") == [
        ("head of the State Department", "US Secretary of State")]
    assert found("zh-en", "英国外交大臣访华。", "UK Foreign Minister visited China.") == [("UK Foreign Minister", "UK Foreign Secretary")]
    assert found("zh-en", "国务院副总理出席。", "Vice Prime Minister attended.") == [("Vice Prime Minister", "Vice Premier")]
    assert found("zh-en", "以色列副总理出席。", "Vice Prime Minister attended.") == [("Vice Prime Minister", "Deputy Prime Minister")]


def test_chinese_triggers_are_not_taken_from_inside_longer_words():
    """Chinese has no spaces, so a trigger can sit inside another word: 期中考试 (a midterm) holds 中考,
    社会上 ('in society') holds 会上; the guards keep those silent."""
    assert lexicon_hits("zh-en", "期中考试成绩公布了。", "The middle exam results were announced.") == []
    assert [t for _, _, _, t, _ in lexicon_hits("zh-en", "中考成绩公布了。", "The middle exam results were announced.")] == ["middle exam"]
    assert lexicon_hits("zh-en", "社会上有人认为。", "On the meeting, some people think.") == []


@pytest.mark.parametrize("pair", ["ru-en", "zh-en"])
def test_every_entry_of_the_large_lexicons_has_needles(pair):
    """An entry without needles (literal words its rendering always contains) is matched against every
    translation of its pair; with hundreds of entries a pair, each one must be indexed."""
    lex = lexicon(pair)
    assert [lex.entries[i].id for i in lex.always] == []


def test_every_shipped_lexicon_compiles_whole():
    """Cleaning compiles a pattern at its first use; loading with `compile_now` compiles them all,
    so a shipped pattern that only a rare text would reach cannot hide a syntax error."""
    for path in lexicon_files().values():
        assert load_lexicon(path).entries


def test_needles_are_only_words_every_match_contains():
    """The letters of a property (`\\p{Lu}`), of a back reference or of inline flags are not text a
    match contains; a needle taken from them would keep an entry from texts it matches."""
    assert needles(r"\p{Lu}\w+\s+of") == ("of",)
    assert needles(r"\p{Lu}") is None
    assert needles(r"(?P<x>ab)\s+(?P=x)") == ("ab",)
    assert needles(r"(?i)x\s+\g<1>") is None


def test_the_finder_reports_overlapping_and_nested_needles():
    finder = Finder({"assist": (0,), "assistance": (1,), "sist": (2,), "of": (3, 4)})
    assert finder.entries("the assistance of") == {0, 1, 2, 3, 4}
    assert finder.entries("nothing here") == set()
    assert Finder({}).entries("anything") == set()


def test_a_trigger_is_found_in_a_source_written_with_other_case_forms():
    """Triggers match case-insensitively; their needles are searched in the case-folded source, so
    a final sigma or a capital in the source does not hide the trigger."""
    source, bad, _ = next(entry.case for pair, entry in ENTRIES if pair == "fr-en" and entry.id.startswith("actuellement"))
    assert [t for _, _, _, t, _ in lexicon_hits("fr-en", source.upper(), bad)] == ["actually"]
