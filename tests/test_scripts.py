"""Scripts of languages (cleaners/scripts.py) and source.untranslated_fragment's spans."""

from mtqa.cleaners.config import CleanConfig
from mtqa.cleaners.pipeline import clean_document
from mtqa.cleaners.scripts import scripts_of, written_in
from mtqa.records import Document


def fragments(text: str, lang: str, source: str, source_lang: str) -> list[str]:
    doc = Document("d", text, lang, source=source, source_lang=source_lang)
    return [f.text for f in clean_document(doc, CleanConfig()).findings if f.rule == "source.untranslated_fragment"]


def test_a_languages_scripts_come_from_cldr_with_writing_systems_split():
    assert scripts_of("en") == {"Latn"} and scripts_of("ru") == {"Cyrl"} and scripts_of("he") == {"Hebr"}
    assert scripts_of("zh") == {"Hani"} and scripts_of("ja") == {"Hani", "Hira", "Kana"} and scripts_of("ko") == {"Hang", "Hani"}
    assert scripts_of("zh-Hant") == {"Hani"} and scripts_of("xx") == frozenset() and scripts_of(None) == frozenset()


def test_written_in_allows_latin_only_when_asked():
    assert written_in("правительство", "ru") and written_in("COVID", "ru") and not written_in("COVID", "ru", latin=False)
    assert not written_in("政府", "en") and written_in("naïve", "en", latin=False) and written_in("anything", "xx")


def test_a_fragment_is_reported_whole_and_once():
    assert fragments("他买了一部新的スマートフォン。", "zh", "彼は新しいスマートフォンを買った。", "ja") == ["スマートフォン"]
    assert fragments("东京の会议已经结束。", "zh", "東京の会議は終わった。", "ja") == ["の"]
    assert fragments("He said the 政府 would publish the 预算.", "en", "他说政府将公布预算。", "zh") == ["政府", "预算"]


def test_an_english_word_in_russian_is_reported_by_one_rule_only():
    doc = Document("d", "Был рассчитан real amount of expenses для инвентаря.", "ru",
                   source="The real amount of expenses for the inventory was calculated.", source_lang="en")
    found = [(f.rule, f.text) for f in clean_document(doc, CleanConfig()).findings if f.rule.startswith("source.untranslated")]
    assert found == [("source.untranslated_fragment", "real"), ("source.untranslated_fragment", "amount"),
                     ("source.untranslated_fragment", "expenses")]


def test_list_markers_units_glosses_and_rare_words_are_not_fragments():
    source = "Signs: (i) trichiasis; (ii) opacity; iii) inflammation lasting 15 min in adipose tissue (adipose stem cells)."
    text = "体征：(i) 倒睫；(ii) 混浊；iii) 炎症持续15 min，脂肪组织（adipose stem cells）。"
    assert fragments(text, "zh", source, "en") == []
    assert fragments("患者患有trichiasis。", "zh", "The patient had trichiasis.", "en") == []  # a term, not a common word
