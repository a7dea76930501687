"""Scripts of languages (cleaners/scripts.py) and source.untranslated_fragment's spans."""

from mtqa.cleaners.config import CleanConfig
from mtqa.cleaners.pipeline import clean_document
from mtqa.cleaners.scripts import scripts_of, written_in, written_script
from mtqa.records import Document


def fragments(text: str, lang: str, source: str, source_lang: str) -> list[str]:
    doc = Document("d", text, lang, source=source, source_lang=source_lang)
    return [f.text for f in clean_document(doc, CleanConfig()).findings if f.rule == "source.untranslated_fragment"]


def test_a_languages_scripts_come_from_cldr_with_writing_systems_split():
    assert scripts_of("ru") == {"Cyrl"} and scripts_of("he") == {"Hebr"}
    assert "Latn" in scripts_of("en") and not scripts_of("en") & {"Cyrl", "Hani"}  # (CLDR has Deseret English too)
    assert scripts_of("ja") == {"Hani", "Hira", "Kana"} and scripts_of("ko") == {"Hang", "Hani"}
    # every script CLDR has a locale of the language in (Pinyin for Chinese), or the one the tag names
    assert scripts_of("zh") == {"Hani", "Latn"} and scripts_of("sr") == {"Cyrl", "Latn"} and scripts_of("uz") == {"Arab", "Cyrl", "Latn"}
    assert scripts_of("zh-Hant") == {"Hani"} and scripts_of("sr-Latn") == {"Latn"} and scripts_of("pt-BR") == {"Latn"}
    # variants Unicode names as their script, or does not know
    assert scripts_of("gml") == {"Latn"} and scripts_of("xx") == frozenset() and scripts_of(None) == frozenset()
    assert scripts_of("ar-u-nu-latn") == {"Arab"} and scripts_of("und") == frozenset()  # an extension is no script
    assert scripts_of("und-Latn") == {"Latn"}


def test_the_script_a_tag_names_or_implies_its_region_first():
    assert written_script("zh") == "Hans" and written_script("zh-CN") == "Hans" and written_script("zh_SG") == "Hans"
    assert written_script("zh-TW") == "Hant" and written_script("zh-HK") == "Hant" and written_script("zh_Hant") == "Hant"
    assert written_script("zh-Hans-TW") == "Hans"  # a named script wins over the region's
    assert written_script("sr-Latn") == "Latn" and written_script("ar-u-nu-latn") == "Arab" and written_script("xx") is None


def test_written_in_allows_latin_only_when_asked():
    assert written_in("правительство", "ru") and written_in("COVID", "ru") and not written_in("COVID", "ru", latin=False)
    assert not written_in("政府", "en") and written_in("naïve", "en", latin=False) and written_in("anything", "xx")
    assert written_in("µmol", "en") and written_in("スーパー", "ja")


def test_a_fragment_is_reported_whole_and_once():
    assert fragments("他买了一部新的スマートフォン。", "zh", "彼は新しいスマートフォンを買った。", "ja") == ["スマートフォン"]
    assert fragments("东京の会议已经结束。", "zh", "東京の会議は終わった。", "ja") == ["の"]
    assert fragments("He said the 政府 would publish the 预算.", "en", "他说政府将公布预算。", "zh") == ["政府", "预算"]
    assert fragments("In 二〇二〇年 he came.", "en", "他二〇二〇年来了。", "zh") == ["二〇二〇年"]  # 〇 is a letter number


def test_english_words_in_russian_are_one_finding_of_one_rule():
    doc = Document("d", "Был рассчитан real amount of expenses для инвентаря.", "ru",
                   source="The real amount of expenses for the inventory was calculated.", source_lang="en")
    found = [(f.rule, f.text) for f in clean_document(doc, CleanConfig()).findings if f.rule.startswith("source.untranslated")]
    assert found == [("source.untranslated_fragment", "real amount of expenses")]


def test_what_is_not_a_fragment():
    """Each of these was a false finding of the first version (a review of it)."""
    silent = [
        ("en", "sr", "This is a big problem for the program.", "Ovo je veliki problem za program."),  # Serbian in Latin
        ("ru", "uz", "Правительство приняло новый закон.", "Ҳукумат янги қонунни қабул қилди."),  # Uzbek in Cyrillic
        ("en", "zh", "Visit https://example.com/download/latest now.", "立即访问 https://example.com/download/latest 。"),
        ("en", "ru", "You have {count} new messages.", "У вас {count} новых сообщений."),
        ("en", "ru", 'Click <span class="button">here</span> now.', 'Нажмите <span class="button">здесь</span> сейчас.'),
        ("en", "ru", "Run `npm install` first.", "Сначала выполните `npm install`."),
        ("et", "ru", "Uuring tehti in vitro ja zoom abil.", "Исследование проведено in vitro с помощью zoom."),  # no Estonian word list
        ("en", "ru", "Download the app and the pdf.", "Скачайте app и pdf."),  # loanwords Russian uses too
        ("en", "zh", "Download the app.", "下载app。"),  # Chinese: no word list, Latin words left alone
        ("el", "en", "Τα γδ Τ κύτταρα και η μέθοδος ΔΔCt.", "The γδ T cells and the ΔΔCt method."),  # symbols
        ("zh", "en", "口号“为人民服务”。", 'The slogan "为人民服务" ("Serve the People").'),  # the original, glossed
        ("en", "zh", "We studied adipose stem cells (ASC) and more.", "我们研究了脂肪干细胞（adipose stem cells (ASC) and more）。"),
        ("ru", "en", "Он сказал, что правительство работает.", "Он сказал, что правительство работает."),  # whole: other checks'
        ("gml", "en", "Dat is gud.", "That is good."),  # a script variant Unicode has no property for
        ("en", "ru", "You have $count messages.", "У вас $count / :count / %count% новых сообщений."),  # placeholders
        ("en", "bg", "Send an email from your laptop.", "Изпратете email от вашия laptop."),  # a small word list
        ("en", "ru", "The effect per se and the status quo, vice versa.", "Эффект per se и status quo, и vice versa."),
        ("ha", "en", "Gwamnati ta ce.", "The government said."),  # Hausa in Latin, though CLDR has it in Arabic too
        ("zh", "und", "政府", "政府 something"),  # an undetermined language has no script
    ]
    for source_lang, lang, source, text in silent:
        assert fragments(text, lang, source, source_lang) == [], (source_lang, lang, text)


def test_a_phrase_is_one_finding_named_in_words():
    doc = Document("d", "The ממשלת ישראל approved it.", "en", source="ממשלת ישראל אישרה את זה.", source_lang="he")
    found = [(f.text, f.message) for f in clean_document(doc, CleanConfig()).findings if f.rule == "source.untranslated_fragment"]
    assert found == [("ממשלת ישראל", "'ממשלת ישראל' is in the source's Hebrew script, left untranslated.")]
    doc = Document("d", "Началась meeting.", "ru", source="The meeting started.", source_lang="en")
    assert [f.message for f in clean_document(doc, CleanConfig()).findings if f.rule == "source.untranslated_fragment"] == [
        "'meeting' is English, left untranslated."]
    # short words inside the phrase join it; a Persian word with its zero-width non-joiner is whole
    assert fragments("Yesterday he said: Он сказал, что я не знаю, где он живёт, and left the room quickly after that.",
                     "en", "Он сказал, что я не знаю, где он живёт.", "ru") == ["сказал, что я не знаю, где он живёт"]
    assert fragments("He said می‌خواهم to the reporters.", "en", "من می‌خواهم بروم", "fa") == ["می\u200cخواهم"]
    # not across a sentence's end; a kana word named by its own script
    assert fragments("The 政府. 预算 was passed.", "en", "政府。预算。", "zh") == ["政府", "预算"]
    doc = Document("d", "去了スーパー。", "zh", source="スーパーに行った。", source_lang="ja")
    assert [f.message for f in clean_document(doc, CleanConfig()).findings if f.rule == "source.untranslated_fragment"] == [
        "'スーパー' is in the source's Katakana script, left untranslated."]


def test_list_markers_units_glosses_and_rare_words_are_not_fragments():
    source = "Signs: (i) trichiasis; (ii) opacity; iii) inflammation lasting 15 min in adipose tissue (adipose stem cells)."
    text = "体征：(i) 倒睫；(ii) 混浊；iii) 炎症持续15 min，脂肪组织（adipose stem cells）。"
    assert fragments(text, "zh", source, "en") == []
    assert fragments("患者患有trichiasis。", "zh", "The patient had trichiasis.", "en") == []  # a term, not a common word


def test_a_short_untranslated_sentence_in_a_translated_text_is_found():
    """The sentence checks do not see every short sentence left in the source language: only a text
    hardly in the target's script at all is left to them."""
    assert fragments("It was Monday. Правительство работает. Everyone agreed with that fully and then left.", "en",
                     "Был понедельник. Правительство работает. Все согласились.", "ru") == ["Правительство работает"]
    assert fragments("Нажмите «Отправить»:submit сейчас.", "ru", "Click Send:submit now.", "en") == ["submit"]


def test_a_long_run_of_letters_between_fragments_is_read_in_linear_time():
    """The gap between two fragments is one character class: a group inside the repeat took over a
    minute on this text (a run glued to a digit, left alone, between two fragments)."""
    text = ("The minister said правительство " + "а" * 1500 + "1 правительство today. "
            + "And the press agreed with him, as it always does. " * 12)
    assert fragments(text, "en", "Министр сказал, что правительство сегодня.", "ru") == ["правительство"] * 2
