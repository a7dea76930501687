"""The detectors against their golden cases (tests/golden/detectors.yaml): must flag, must stay silent."""

from pathlib import Path

import pytest
import regex
import yaml

from mtqa.cleaners.config import CleanConfig
from mtqa.cleaners.detectors import REGISTRY, DocView, _load_all, default_off
from mtqa.cleaners.edits import EditLog
from mtqa.cleaners.pipeline import clean_document
from mtqa.records import CATEGORIES, Document

GOLDEN_DIR = Path(__file__).parent / "golden"
GOLDEN = yaml.safe_load((GOLDEN_DIR / "detectors.yaml").read_text(encoding="utf-8"))
_load_all()


def run(case: dict):
    """Clean a golden case with every detector on (default-off ones too) and its glossary, if any;
    a case marked `default_rules_only` with the defaults alone (where an off-by-default check rightly
    fires: the translation splits a Chinese sentence in two, and qa.sentence_count counts them)."""
    doc = Document("case", case["text"], case.get("lang"), source=case.get("source"), source_lang=case.get("source_lang"))
    terms = str(GOLDEN_DIR / case["terms"]) if "terms" in case else None
    enabled = () if case.get("default_rules_only") else tuple(sorted(default_off()))
    return clean_document(doc, CleanConfig(enable_rules=enabled, terms=terms))


@pytest.mark.parametrize("case", GOLDEN["must_flag"], ids=lambda c: c["label"])
def test_must_flag(case):
    fired = {f.rule: f for f in run(case).findings}
    for rule in case["rules"]:
        assert rule in fired, f"{rule} did not fire; fired: {sorted(fired)}"
        assert case["text"][fired[rule].start : fired[rule].end] == fired[rule].text
    if "suggestion" in case:
        assert fired[case["rules"][0]].suggestion == case["suggestion"]


@pytest.mark.parametrize("case", GOLDEN["must_stay_silent"], ids=lambda c: c["label"])
def test_must_stay_silent(case):
    detector_findings = [f for f in run(case).findings if f.rule in REGISTRY]
    assert detector_findings == [], [(f.rule, f.text) for f in detector_findings]


def test_every_detector_has_a_golden_case_and_a_valid_category():
    flagged = {rule for case in GOLDEN["must_flag"] for rule in case["rules"]}
    assert sorted(set(REGISTRY) - flagged) == []
    assert all(d.category in CATEGORIES for d in REGISTRY.values())


def test_default_off_detectors_exist_and_run_only_when_enabled():
    from mtqa.cleaners import checks

    off = default_off()  # detectors and corpus checks alike
    assert set(off) <= set(checks.registry()) and all(isinstance(reason, str) and reason for reason in off.values())
    for case in GOLDEN["must_flag"]:
        rules = set(case["rules"]) & set(off)
        if rules:
            doc = Document("case", case["text"], case.get("lang"), source=case.get("source"), source_lang=case.get("source_lang"))
            assert not rules & {f.rule for f in clean_document(doc, CleanConfig()).findings}
            enabled = clean_document(doc, CleanConfig(enable_rules=tuple(sorted(rules))))
            assert rules <= {f.rule for f in enabled.findings}


def test_a_disabled_rule_stays_silent():
    case = next(c for c in GOLDEN["must_flag"] if c["rules"] == ["qa.end_punctuation"])
    doc = Document("case", case["text"], case["lang"], source=case["source"], source_lang=case["source_lang"])
    assert "qa.end_punctuation" not in {f.rule for f in clean_document(doc, CleanConfig(disable_rules=("qa.end_punctuation",))).findings}
    dirty = Document("d", "The study ended.  A new one began , later.", "en")
    assert "space.before_comma_period" not in {f.rule for f in clean_document(dirty, CleanConfig(disable_rules=("space.before_comma_period",))).findings}


def test_a_name_spelt_two_ways_across_the_corpus_is_reported_once(tmp_path):
    import json

    from tests.test_shards import run_plain

    texts = ["President Zelensky met the envoy in the capital.", "Zelensky said the talks went well.",
             "Talks with Zelensky resumed.", "Later, Zelenskyy spoke to reporters.", "Zelenskyy thanked the allies."]
    corpus = tmp_path / "c.jsonl"
    corpus.write_text("".join(json.dumps({"id": f"d{i}", "text": t, "lang": "en"}) + "\n" for i, t in enumerate(texts)),
                      encoding="utf-8")
    summary = run_plain(corpus, tmp_path / "out", shard_size=2,
                        config=CleanConfig(enable_rules=("consistency.name_variant",)))  # off by default
    findings = [json.loads(line) for line in (tmp_path / "out" / "findings.jsonl").read_text(encoding="utf-8").splitlines()]
    variants = [f for f in findings if f["rule"] == "consistency.name_variant"]
    # no suggestion: the majority spelling may be the wrong one; the message names it
    assert [(f["doc_id"], f["text"], f["suggestion"]) for f in variants] == [("d3", "Zelenskyy", None)]
    assert "'Zelensky' in 3 documents" in variants[0]["message"]
    assert texts[3][variants[0]["start"]:variants[0]["end"]] == "Zelenskyy"
    assert summary["findings_by_rule"]["consistency.name_variant"] == 1
    assert summary["findings"] == len(findings)


def test_an_acronym_other_documents_show_untranslated_is_flagged_where_it_is_only_copied(tmp_path):
    """The defining document flags its own copies; the corpus step flags the copies of documents
    that only use the acronym, with the translation's acronym as suggestion, across shards. A
    document that spells the acronym out in the translation's own words stays silent."""
    import json

    from tests.test_shards import run_plain

    records = [
        ("d0", "Diet was assessed with a food frequency questionnaire (FFQ).",
         "La dieta se evaluó con un cuestionario de frecuencia alimentaria (FFQ)."),
        ("d1", "The FFQ had 120 items.", "El FFQ tenía 120 ítems."),
        ("d2", "Answers to the FFQ were coded twice.", "Las respuestas al FFQ se codificaron dos veces."),
        ("d3", "Relapse-free survival (RFS) was longer.", "La supervivencia libre de recaída (SLR) fue mayor."),
        ("d4", "We used a questionnaire (FFQ) again.", "Usamos un cuestionario (FFQ, por sus siglas en inglés) de nuevo."),
    ]
    corpus = tmp_path / "c.jsonl"
    corpus.write_text("".join(json.dumps({"id": i, "text": t, "lang": "es", "source": s, "source_lang": "en"}) + "\n"
                              for i, s, t in records), encoding="utf-8")
    summary = run_plain(corpus, tmp_path / "out", shard_size=2)
    findings = [json.loads(line) for line in (tmp_path / "out" / "findings.jsonl").read_text(encoding="utf-8").splitlines()]
    flagged = [(f["doc_id"], f["text"], f["suggestion"]) for f in findings if f["rule"] == "source.untranslated_acronym"]
    assert flagged == [("d0", "FFQ", "CFA"), ("d1", "FFQ", "CFA"), ("d2", "FFQ", "CFA")]
    d2 = next(f for f in findings if f["doc_id"] == "d2" and f["rule"] == "source.untranslated_acronym")
    assert records[2][2][d2["start"]:d2["end"]] == "FFQ"
    assert "(as 1 document of this corpus shows)" in d2["message"]
    assert summary["findings_by_rule"]["source.untranslated_acronym"] == 3
    # documents with findings only from the corpus step count once, and so do those with both
    assert summary["documents_with_findings"] == len({f["doc_id"] for f in findings})
    row = next(r for r in summary["rules"] if r["rule"] == "source.untranslated_acronym")
    assert row["documents"] == 3

    # a second run into the same folder resumes from the finished shards: the same bytes
    first = (tmp_path / "out" / "findings.jsonl").read_bytes()
    run_plain(corpus, tmp_path / "out", shard_size=2)
    assert (tmp_path / "out" / "findings.jsonl").read_bytes() == first
    # an allow-list entry silences a corpus-level finding like any other: set aside, counted
    allow = tmp_path / "allow.yaml"
    allow.write_text("- {rule: source.untranslated_acronym, doc: d2, reason: an English survey's name}\n", encoding="utf-8")
    quiet = run_plain(corpus, tmp_path / "quiet", shard_size=2, config=CleanConfig(allow_lists=(str(allow),)))
    kept = [json.loads(line) for line in (tmp_path / "quiet" / "findings.jsonl").read_text(encoding="utf-8").splitlines()]
    set_aside = [json.loads(line) for line in (tmp_path / "quiet" / "suppressed.jsonl").read_text(encoding="utf-8").splitlines()]
    assert [(f["doc_id"], f["text"]) for f in kept if f["rule"] == "source.untranslated_acronym"] == [("d0", "FFQ"), ("d1", "FFQ")]
    assert [(f["doc_id"], f["text"]) for f in set_aside] == [("d2", "FFQ")]
    assert quiet["suppressed"] == {"findings": 1, "by_rule": {"source.untranslated_acronym": 1}}


def test_the_seed_article_keeps_its_findings_and_gains_the_classes_it_missed():
    """The seed (French news machine-translated into English, no source text): every finding it had,
    and one for each class of error a reader of it spots that used to stay unflagged."""
    text = (GOLDEN_DIR.parents[1] / "corpora" / "samples" / "ukraine-article.en.txt").read_text(encoding="utf-8")
    found = {(f.rule, f.text) for f in clean_document(Document("seed", text, "en", source_lang="fr"), CleanConfig()).findings}
    before = {("space.before_colon_semicolon", " "), ("fr-en.head_of_us_diplomacy", "head of US diplomacy"),
              ("structure.fragment", "China."), ("punct.dot_space_dot", ". ."), ("fr-en.at_the_gates", "at Ukraine’s gates"),
              ("fr-en.ou_transliteration", "Goulevitch"), ("fr-en.vitch_ending", "Goulevitch"),
              ("fr-en.diplomacy_chief", "Russian diplomacy chief"), ("en.kiev_kyiv", "Kiev"),
              ("structure.broken_sentence", "bloc. soviet."), ("en.dombas_donbas", "Dombas"),
              ("fr-en.balance_sheet_toll", "balance sheet")}
    gained = {("fr-en.assured_that", "assured that"), ("fr-en.chief_of_staff_general", "US Chief of Staff"),
              ("fr-en.for_country_according_to", "For the US, "), ("fr-en.verb_place_object_order", "received in Moscow the "),
              ("fr-en.the_counterpart", "the British counterpart"), ("fr-en.retreat_withdrawal", "retreat of "),
              ("fr-en.receive_members_admit", "receives "), ("fr-en.hypotheses_speculation", "hypotheses about "),
              ("locale.date_format", "20 February"), ("locale.list_semicolons", ";")}
    assert before <= found
    assert gained <= found


def test_word_lists_are_bounded_per_process(monkeypatch):
    """42 records in 42 languages used to keep 42 word lists (1.27 GB): the least recently used
    list is dropped past the bound, and reloaded with the same answers when asked again."""
    from mtqa.cleaners.detectors import spelling

    monkeypatch.setattr(spelling, "MAX_FULL_LISTS", 2)
    monkeypatch.setattr(spelling, "_FULL", spelling.OrderedDict())
    answers = [(lang, spelling.known_word(word, lang)) for lang, word in
               (("fi", "talo"), ("sv", "huset"), ("nb", "huset"), ("fi", "talo"), ("fi", "qzxqzx"))]
    assert answers == [("fi", True), ("sv", True), ("nb", True), ("fi", True), ("fi", False)]
    assert list(spelling._FULL) == ["nb", "fi"]  # sv, the least recently used, was dropped; fi came back


# Texts where the standard library's engine and `regex` could read letters, cases or word edges
# apart: the fast paths below must answer exactly as the slow ones.
TRICKY_TEXTS = ["It was the the best of times.", "The the start.", "Wei Wei and Bora Bora", "ΣΑΣ σας", "ſ s", "ı I",
                "Straße STRASSE", "K k", "word\u00a0word", "a 1 1 b", "under_score under_score", "naïve naïve",
                "x\u2028x", "Die die Katze", "l'l'", "", "   ", "no repeats at all here", "done. Done."]


@pytest.mark.parametrize("text", TRICKY_TEXTS)
def test_the_repeated_word_gate_never_hides_a_match(text):
    """The standard-library search that lets most texts skip the `regex` one is used on ASCII text
    only, where both engines agree: every text gets the findings of the `regex` search alone."""
    from mtqa.cleaners.detectors import structure

    if text.isascii() and structure._REPEAT.search(text):
        assert structure._REPEAT_GATE.search(text)
    for lang in ("en", "de"):
        view = DocView(Document("t", text, lang), EditLog(text), lang, None)
        ok = set(structure._data()["repeated_word_ok"].get(lang, []))
        expected = [m.span() for m in structure._REPEAT.finditer(text)
                    if m.group(1).casefold() not in ok and (m.group(1) == m.group(3) or m.group(1).lower() == m.group(3).lower())
                    and not (m.group(1)[0].isupper() and m.group(3)[0].isupper() and lang != "de")
                    and not (len(m.group(1)) == 1 and m.group(1).islower() and m.group(3).isupper())
                    and not structure._acronym_beside_its_word(m.group(1), m.group(3), lang)]
        assert [(s, e) for s, e, _, _ in structure.repeated_word(view)] == expected


@pytest.mark.parametrize("text", ["a" * 200_000, ("ab" * 50_000 + " ") * 4, "x_1" * 70_000, "the " * 50_000])
def test_the_repeated_word_gate_takes_linear_time(text):
    """The standard library's engine has no time limit: the gate must stay linear on long runs of
    word characters (without its leading \\b, 200,000 letters took minutes)."""
    import time

    from mtqa.cleaners.detectors import structure

    view = DocView(Document("t", text, "en"), EditLog(text), "en", None)
    started = time.process_time()
    list(structure.repeated_word(view))
    assert time.process_time() - started < 2.0


def test_a_translation_looping_on_a_word_with_a_long_source_takes_linear_time():
    """The source's doubled words are found once: asked afresh at each of the translation's repeats,
    a 37 kB source and a loop of 1,500 words ran out the pattern's time limit (quarantine)."""
    import time

    source = "The clinical population was later evaluated in a large trial. " * 600
    text = "Les résultats. " + "la " * 1500 + "fin."
    started = time.process_time()
    findings = clean_document(Document("t", text, "fr", source=source, source_lang="en"), CleanConfig()).findings
    assert time.process_time() - started < 10.0
    assert sum(f.rule == "structure.repeated_word" for f in findings) > 700


@pytest.mark.parametrize("text", TRICKY_TEXTS + ["Ǆemal", "中文abc", "١٢٣ abc", "ⅫⅫ", "e\u0301te\u0301"])
def test_letters_are_counted_as_str_isalpha_counts_them(text):
    from mtqa.cleaners import langid

    assert langid.count_letters(text) == sum(map(str.isalpha, text))
    assert langid.count_han(text) == len(langid._HAN.findall(text))


def test_a_common_word_is_not_the_source_acronym_lowered():
    """'us' is the pronoun, not US lowered; 'ct' is CT lowered (the source's spelling suggested)."""
    doc = Document("d", "The test helped us. The ct scan was normal.", "en",
                   source="Der Test half den US-Ärzten. Die CT war unauffällig.", source_lang="de")
    found = [(f.rule, f.text, f.suggestion) for f in clean_document(doc, CleanConfig()).findings if f.rule.startswith("qa.acronym")]
    assert found == [("qa.acronym_case", "ct", "CT")]


def test_a_term_a_chinese_source_embeds_is_not_spelled_as_a_name_but_its_acronym_case_is_restored():
    """bio-MQM zh-en: spelling must not turn 'bax' into the name 'Bax'; the lower-cased acronyms
    are qa.acronym_case's, with the source's spelling."""
    doc = Document("d", "The expression of stat3, bax and nkg2 d ligand in k562 cells was measured.", "en",
                   source="检测K562细胞中STAT3、BAX以及NKG2D配体的表达。", source_lang="zh")
    found = [(f.rule, f.text, f.suggestion) for f in clean_document(doc, CleanConfig()).findings]
    assert found == [("qa.acronym_case", "stat3", "STAT3"), ("qa.acronym_case", "bax", "BAX")]


@pytest.mark.parametrize("source, text", [
    ("Patients with MM had lesions larger than 5 mm.", "Los pacientes con mieloma múltiple tenían lesiones de más de 5 mm."),
    ("Write to EMA at the address below.", "Escriba a la Agencia: info@ema.europa.eu."),
    ("Run it on a GPU.", "Ejecútelo con la opción --gpu."),
])
def test_a_unit_an_address_or_an_option_is_not_the_source_acronym_lowered(source, text):
    doc = Document("d", text, "es", source=source, source_lang="en")
    assert [f for f in clean_document(doc, CleanConfig()).findings if f.rule == "qa.acronym_case"] == []


def test_an_acronym_lowered_across_turkish_i_is_found():
    """The substring test before the regex folds as widely as the regex: 'tika' is TİKA lowered."""
    doc = Document("d", "tika and akp made a statement.", "en", source="TİKA ve AKP açıklama yaptı.", source_lang="tr")
    found = [(f.rule, f.text, f.suggestion) for f in clean_document(doc, CleanConfig()).findings if f.rule == "qa.acronym_case"]
    assert found == [("qa.acronym_case", "tika", "TİKA"), ("qa.acronym_case", "akp", "AKP")]


def test_an_acronym_is_matched_letter_for_letter_in_another_case():
    """The look-up among the text's words by case folding keeps a case-insensitive search's
    answer: the first whole word in another case; never a word whose folding only happens to be
    the same ('ß' folds to 'ss' but is no SS), never part of a longer word."""
    def lowered(source: str, text: str) -> list[tuple[str, str]]:
        doc = Document("d", text, "en", source=source, source_lang="de")
        return [(f.text, f.suggestion) for f in clean_document(doc, CleanConfig()).findings if f.rule == "qa.acronym_case"]

    assert lowered("Die Akten der SS wurden geöffnet.", "The files of the ß were opened.") == []
    assert lowered("Ein CTG und ein EKG wurden geschrieben.", "A ctg-trace and an ekg were recorded.") == [("ctg", "CTG"), ("ekg", "EKG")]
    assert lowered("Das CTG wurde geschrieben.", "The ctgs and the ctg were recorded.") == [("ctg", "CTG")]
    assert lowered("Das CTG wurde geschrieben.", "The actg was recorded.") == []
    # a word that folds alike but is not the acronym letter for letter does not hide a later one
    assert lowered("Results of the MASS trial were published.", "The Maß of the mass trial was published.") == [("mass", "MASS")]


def test_turkish_dotted_capital_i_is_no_dotless_i():
    """A case-insensitive search matches I with ı and İ with i, not I with İ: 'MIT' in English is
    not the Turkish MİT (the intelligence agency) in another case, and 'MİT' would be a wrong fix."""
    doc = Document("d", "MIT and IBB made a new statement.", "en", source="MİT ve İBB yeni bir açıklama yaptı.", source_lang="tr")
    assert [f for f in clean_document(doc, CleanConfig(enable_rules=("qa.acronyms",))).findings if f.rule.startswith("qa.acronym")
            and f.suggestion] == []


def test_two_sentences_joined_at_full_length_are_not_a_dropped_sentence():
    """source.sentence_dropped asks for fewer sentences and a much shorter text: a translator who
    joins two sentences keeps their content (and qa.sentence_count, off by default, reports the join)."""
    source = "The patients were treated for a week. Three of them died in hospital."
    joined = "Die Patienten wurden eine Woche lang behandelt, und drei von ihnen starben im Krankenhaus."
    dropped = "Die Patienten wurden eine Woche lang behandelt."
    fired = {f.rule for f in clean_document(Document("j", joined, "de", source=source, source_lang="en"), CleanConfig()).findings}
    assert "source.sentence_dropped" not in fired
    fired = {f.rule for f in clean_document(Document("d", dropped, "de", source=source, source_lang="en"), CleanConfig()).findings}
    assert "source.sentence_dropped" in fired



@pytest.mark.parametrize("lang, text", [("he", "הוא נולד ב-1950 בכפר קטן ולמד רפואה בברלין."),
                                         ("ar", "وُلد عام 1950 في قرية صغيرة ودرس الطب في برلين.")])
def test_a_joined_translation_into_hebrew_or_arabic_is_not_a_dropped_sentence(lang, text):
    """Hebrew and Arabic leave short vowels out: a faithful text is short in letters, and the length
    bound was measured on Latin, Cyrillic and Chinese text only (scripts.yaml)."""
    source = "He was born in 1950 in a small village. He studied medicine in Berlin."
    doc = Document("j", text, lang, source=source, source_lang="en")
    assert "source.sentence_dropped" not in {f.rule for f in clean_document(doc, CleanConfig()).findings}


def test_a_full_translation_of_a_japanese_source_is_not_a_dropped_sentence():
    """Kana are syllables: counted as three letters each, like Chinese characters, they would make
    every translation of a Japanese source look short (the ratio is not asked of kana or Hangul)."""
    doc = Document("ja", "When I got home I was tired, so I went to bed early.", "en",
                   source="家に帰ったら、とても疲れていました。だから、早く寝ました。", source_lang="ja")
    assert "source.sentence_dropped" not in {f.rule for f in clean_document(doc, CleanConfig()).findings}


def test_a_long_document_with_a_source_and_thousands_of_spacing_findings_is_not_timed_out():
    """qa.punctuation_spacing reads every match before the work per match (the source's run-together
    numbers, the suggestion's safety check), so its regex timeout measures the pattern alone: a
    97 kB German text with 1,400 '12.Einleitung' and a long source was quarantined for a timeout."""
    text = "Kapitel 12.Einleitung der Studie mit vielen Wörtern und Sätzen hier. " * 1400
    source = "Chapter 12. Introduction of the study, see items 1. 2. 3. and tables 4. 5. here. " * 1400
    found = clean_document(Document("long", text, "de", source=source, source_lang="en"), CleanConfig()).findings
    assert sum(f.rule == "qa.punctuation_spacing" for f in found) == 1400


def test_single_quotes_that_do_not_pair_up_are_reported_without_a_fix():
    """In "'Livin' on a Prayer'" the dropped g's apostrophe makes three free single marks: which two
    are the quotes is unknown, so no suggestion (a fix would quote "Livin" alone). Where they pair up,
    the locale's marks are suggested."""
    def quotes(text):
        doc = Document("q", text, "de", source="x", source_lang="en")
        return [(f.text, f.suggestion) for f in clean_document(doc, CleanConfig()).findings if f.rule == "locale.quote_style"]

    assert quotes("Der Song 'Livin' on a Prayer' lief im Radio.") == [("'", None), ("'", None)]
    assert quotes("Der Song 'Yellowstone'-Schauspielerin lief.") == [("'", "„"), ("'", "“")]


def test_the_unit_run_table_counts_as_a_scan_from_each_word_does():
    """structure.repetition_loop reads each word's run of repeats from a table built once; it must
    give what counting the repeats afresh from that word gives (random texts of few words repeat)."""
    import random

    from mtqa.cleaners.detectors.structure import _unit_runs

    rng = random.Random(7)
    for _ in range(300):
        tokens = [rng.choice("aab") for _ in range(rng.randint(0, 30))]
        for n in (1, 2, 3, 4):
            runs = _unit_runs(tokens, n)
            for i in range(len(tokens) - n + 1):
                reps = 1
                while tokens[i + reps * n : i + (reps + 1) * n] == tokens[i : i + n]:
                    reps += 1
                assert runs[i] == reps * n, (tokens, n, i)


@pytest.mark.parametrize("lang, source_lang, source, text", [
    ("fr", "en", "PAs and nurses were trained together.", "Les assistants médicaux, et pas seulement les infirmiers, ont été formés."),
    ("es", "en", "GA at birth and arterial blood gas were measured.", "La EG al nacer y el gas en sangre arterial se midieron."),
    ("en", "fr", "Les CIs à 95 % ont été calculés pour les isomères cis.", "The 95% confidence intervals were calculated for the cis isomers."),
    ("en", "de", "Die HRs lagen bei 1,2.", "The measurement took several hrs."),
    ("en", "de", "ADs wurden abgesetzt.", "The ads were banned."),
    ("en", "de", "Die CATs wurden ausgeschlossen.", "The cats were excluded."),
    ("en", "es", "Los ACEs se asociaron con la violencia.", "Tennis aces were rare."),
])
def test_a_word_is_no_lower_cased_plural_acronym(lang, source_lang, source, text):
    """"pas", "gas", "cis", "hrs", "ads", "cats", "aces" are words (of the translation's language,
    or of the source itself), not the source's acronym lowered, even beside the source's plural
    acronym: no case fix is offered."""
    case = {"lang": lang, "source_lang": source_lang, "source": source, "text": text}
    assert "qa.acronym_case" not in {f.rule for f in run(case).findings}


def test_an_acronym_kept_in_capitals_is_no_plural_lowered():
    """The German genitive "DEMOs" rendered "DEMOS's": the acronym is kept, in capitals."""
    case = {"lang": "en", "source_lang": "de", "source": "DEMOs Arbeit ist nur ein Beispiel.",
            "text": "DEMOS's work is just one example."}
    assert not {"qa.acronyms", "qa.acronym_case"} & {f.rule for f in run(case).findings}


def test_every_check_runs_on_every_language_cldr_knows():
    """As the translation's language and as the source's, no check may raise (a raise quarantines
    the record): a locale whose data lacks something must not stop a check (Bengali, Marathi and
    Burmese count in digits of their own, whose symbols CLDR gives by an alias to the Latin
    digits'; number_format raised KeyError on them). What the checks find in a French text tagged
    with every language says nothing; that its edits still rebuild the cleaned text does."""
    from babel.localedata import locale_identifiers

    from mtqa.cleaners.edits import apply_edits

    config = CleanConfig(enable_rules=tuple(sorted(default_off())))
    english = 'The minister said on 12 May that 3,500 people (about 4.5%) had "left". Nobody knows why?'
    french = "Le ministre a dit le 12 mai que 3 500 personnes (environ 4,5 %) étaient « parties ». Personne ne sait pourquoi ?"
    for lang in sorted({tag.split("_")[0] for tag in locale_identifiers()}):
        into = clean_document(Document("d", french, lang, source=english, source_lang="en"), config)
        out_of = clean_document(Document("d", english, "en", source=french, source_lang=lang), config)
        for result, text in ((into, french), (out_of, english)):
            assert apply_edits(text, result.edits) == result.text, lang


def test_a_full_width_mark_in_another_script_is_reported_once_with_its_ascii_form():
    """The qa.yaml checks for Chinese punctuation carried into a text of another script do not
    overlap: each mark is one finding, whose suggestion mends the text; a space is added after a
    mark between words, never inside a time ("10：30"), a comma that may group a number ("1，048")
    gets no suggestion, and a word that holds Chinese (a title quoted) keeps its marks (reviews 11, 12)."""
    text = ("The rates were (67.22±3.59）%。 for women（b) and（ c) then，done、 ok at 10：30 for 1，048 yuan; "
            "see 《年鉴（2019）》 and www。example。com （ above）")
    found = [f for f in run({"lang": "en", "text": text}).findings if f.rule == "qa.punctuation_spacing"]
    assert [(f.text, f.suggestion) for f in found] == [("）", ")"), ("。", "."), ("（", "("), ("（ ", " ("),
                                                        ("，", ", "), ("、", ","), ("：", ":"), ("，", None),
                                                        ("（ ", "("), ("）", ")")]
    mended = text
    for f in sorted(found, key=lambda f: f.start, reverse=True):
        if f.suggestion is not None:  # "1，048": a group separator, or a list's comma ("100，200和400")
            mended = mended[:f.start] + f.suggestion + mended[f.end:]
    assert mended == ("The rates were (67.22±3.59)%. for women(b) and (c) then, done, ok at 10:30 for 1，048 yuan; "
                      "see 《年鉴（2019）》 and www。example。com (above)")


SCALES_READ_RIGHT = [
    ("zh", "GDP为100万亿元，收入为1.2万亿美元。", "en", "GDP was 100 trillion yuan and revenue $1.2 trillion."),
    ("en", "GDP was 100 trillion yuan.", "zh", "GDP为100万亿元。"),
    ("en", "Article 3 (Purpose) This Act aims to raise 3 trillion won.", "ko", "제3조(목적) 이 법은 3조 원을 모으는 것을 목적으로 한다."),
    ("en", "The wind farm has 100 MW of capacity and 100 Mbps of broadband.", "zh", "风电场装机容量100兆瓦，100兆宽带。"),
    ("zh", "预算为20亿欧元，GDP达到3000亿美元。", "es", "El presupuesto es de 2.000 millones de euros y el PIB de 300 mil millones de dólares."),
    ("zh", "预算为15亿欧元。", "de", "Das Budget beträgt 1.500 Millionen Euro."),
    ("en", "In 2019 the city had two million inhabitants; revenue was $1.2bn.", "zh", "2019年，该市有200万人口；收入为12亿美元。"),
    ("en", "The city has 12m inhabitants.", "zh", "该市有1200万人口。"),
    ("zh", "人口约14.12亿。", "en", "The population is about 1.4 billion."),
    ("zh", "新冠肺炎死亡人数已达300万。", "en", "Deaths from COVID-19 - 3 million so far."),
    ("en", "Doses of 100, 200 and 400 mg were given to 30,000 patients.", "zh", "给药剂量为100，200和400 mg，共3万名患者。"),
    ("ko", "매출은 3천5백만 원, 1억 2천 3백만 원이다.", "en", "Sales were 35 million won and 123 million won."),
    # review 12
    ("zh", "预算为20亿美元。", "es-MX", "El presupuesto es de 2,000 millones de dólares."),
    ("zh", "预算为20亿美元。", "es", "El presupuesto es de 2,000 millones de dólares."),
    ("ko", "삼성은 1조 2000억 원의 이익과 12조 원의 매출을 올렸다.", "en", "Samsung posted 1.2 trillion won in profit and 12 trillion won in sales."),
    ("ko", "제5조1항에 따라 3조 원", "en", "Under Article 5(1), 3 trillion won"),
    ("en", "In 2000, two million people lived there.", "zh", "2000年，有200万人住在那里。"),
    ("zh", "共有1000家企业，员工9,980人。", "en", "There are 1,000 firms with about 10,000 staff."),
    ("en", "Never forget 1000 years of history; many thanks for the 1000 donations.", "zh", "千万不要忘记1000年的历史；万分感谢1000份捐赠。"),
    # review 13
    ("zh", "预算为20亿美元。", "es-419", "El presupuesto es de 2.000 millones de dólares."),
    ("zh", "装机容量达到1200万千瓦，森林面积为1000万公顷。", "en", "Capacity reached 12,000 MW; the forest covers 100,000 square kilometres."),
    ("zh", "该市约有998万人口，其中100万为儿童。", "en", "The city has about 10 million people, one million of them children."),
    ("en", "Hundreds of thousands of people attended; 1 million were expected.", "zh", "数十万人参加，预计有百万人。"),
    ("en", "PROFIT: 3 MİLLİON DOLLARS, 2 thouſand", "zh", "利润300万美元，2000"),
    ("ko", "형법 250조 1항, 제 5조 1항에 따라", "en", "Under Article 250(1) of the Criminal Act and Article 5(1)"),
    # review 14
    ("zh", "他的月薪是1万2元，奖金3億5。", "en", "His monthly salary is 12,000 yuan and his bonus 350 million."),
    ("zh", "参会人数三万，其中数十万人在线观看。", "en", "The number of attendees was 30,000; hundreds of thousands watched online."),
    ("zh", "该平台有3亿台设备和数百万用户。", "en", "The platform has 300 million devices and millions of users."),
    ("zh", "销量从3万升至5万，产量300万吨。", "en", "Sales rose from 30,000 to 50,000; output was 3 million tonnes."),
    ("zh", "装机容量1200万千瓦，年产3亿吨。", "en", "Capacity is 12,000 MW and output 300 million tons a year."),
    # review 15
    ("zh", "一百多万人参加，一千多万人观看，3百多万人报名。", "en",
     "More than 1 million people attended, over 10 million watched and more than 3 million signed up."),
    ("zh", "全市已建成1万5G基站。", "en", "The city has built 10,000 5G base stations."),
    # below ten thousand only a scale read too small counts: not a number with a letter scale, one
    # the source has, nor a unit converted
    ("zh", "收入为1.2万元。", "en", "Revenue was 12K yuan."),
    ("zh", "约5000人参加，2019年为500人。", "en", "About 5,000 people attended, up from 500 in 2019."),
    ("zh", "全长3万米。", "en", "It is 30 km long."),
    ("zh", "3万人中有300人受伤。", "en", "Of 30,000 people, 300 were injured."),
]

NUMBERS_READ_RIGHT = [  # source.number_mismatch (off by default) where one side counts in 万 (review 12)
    ("en", "In 2019 the city had two million inhabitants.", "zh", "2019年，该市有200万人口。"),
    ("en", "The city has 12m inhabitants.", "zh", "该市有1200万人口。"),
    ("zh", "人口约14.12亿。", "en", "The population is about 1.4 billion."),
    ("ko", "오만 원권", "en", "50,000 won notes"),
    ("zh", "ISO14001认证", "en", "ISO 14001 certification"),
    ("en", "100 Mbps broadband", "zh", "100兆宽带"),
    ("zh", "月薪一万五，两万五", "en", "monthly salaries of 15,000 and 25,000 yuan"),
]


@pytest.mark.parametrize("source_lang, source, lang, text", SCALES_READ_RIGHT, ids=lambda v: v if len(v) < 4 else None)
def test_scale_mismatch_is_silent_where_the_scales_are_read_right(source_lang, source, lang, text):
    """Review 11's cases: 万亿, 兆 before a unit, Korean 조 of an article, dot-grouped thousands with
    a scale word, numbers in words or with 'bn' and 'm', rounding, a name's number before a range,
    a list in full-width commas, Korean sections."""
    found = run({"lang": lang, "text": text, "source": source, "source_lang": source_lang}).findings
    assert [f.text for f in found if f.rule == "source.scale_mismatch"] == []


@pytest.mark.parametrize("source_lang, source, lang, text", NUMBERS_READ_RIGHT, ids=lambda v: v if len(v) < 4 else None)
def test_number_mismatch_is_silent_where_a_number_is_rounded_spelt_out_or_unread(source_lang, source, lang, text):
    """Between a language that counts in 万 and another, what the digits cannot show is no finding."""
    found = run({"lang": lang, "text": text, "source": source, "source_lang": source_lang}).findings
    assert [f.text for f in found if f.rule in ("source.number_mismatch", "source.scale_mismatch")] == []


# structure.mt_commentary: what a language model adds, one case for each pattern of
# data/commentary.yaml (checked below), and review 15's texts where the same words are a human's.
COMMENTARY_ADDED = [
    ("en", "zh", "Sure! Here's the English translation of the text:\nThe company said it would invest.", "该公司表示将进行投资。"),
    ("en", "zh", "Here is the text translated into English: The company will invest.", "该公司表示将进行投资。"),
    ("en", "zh", "The English translation is as follows: The company will invest.", "该公司表示将进行投资。"),
    ("en", "zh", "Translation: The company said it would invest.", "该公司表示将进行投资。"),
    ("de", "en", "Hier ist die Übersetzung ins Deutsche:\n\nDas Unternehmen will investieren.", "The company wants to invest."),
    ("de", "en", "Die Übersetzung lautet: Das Unternehmen will investieren.", "The company wants to invest."),
    ("de", "en", "Deutsche Übersetzung: Das Unternehmen will investieren.", "The company wants to invest."),
    ("es", "en", "Claro, aquí tienes la traducción: La empresa quiere invertir.", "The company wants to invest."),
    ("es", "en", "La traducción es: La empresa quiere invertir.", "The company wants to invest."),
    ("es", "en", "Traducción: La empresa quiere invertir.", "The company wants to invest."),
    ("fr", "en", "Voici la traduction : L'entreprise veut investir.", "The company wants to invest."),
    ("fr", "en", "Traduction : L'entreprise veut investir.", "The company wants to invest."),
    ("it", "en", "Ecco la traduzione: L'azienda vuole investire.", "The company wants to invest."),
    ("it", "en", "Traduzione: L'azienda vuole investire.", "The company wants to invest."),
    ("pt", "en", "Aqui está a tradução: A empresa quer investir.", "The company wants to invest."),
    ("pt", "en", "Tradução: A empresa quer investir.", "The company wants to invest."),
    ("ru", "en", "Вот перевод текста: Компания планирует инвестировать.", "The company plans to invest."),
    ("uk", "en", "Ось переклад: Компанія планує інвестувати.", "The company plans to invest."),
    ("uk", "en", "Переклад: Компанія планує інвестувати.", "The company plans to invest."),
    ("cs", "en", "Zde je překlad: Společnost plánuje investovat.", "The company plans to invest."),
    ("zh", "en", "以下是翻译：公司打算投资。", "The company plans to invest."),
    ("zh", "en", "译文如下：公司打算投资。", "The company plans to invest."),
    ("zh", "en", "译文：公司打算投资。", "The company plans to invest."),
    ("zh", "en", "翻译结果：公司打算投资。", "The company plans to invest."),
    ("ja", "en", "以下が翻訳です：会社は投資する予定です。", "The company plans to invest."),
    ("ja", "en", "翻訳：会社は投資する予定です。", "The company plans to invest."),
    ("ko", "en", "다음은 번역입니다: 회사는 투자할 계획입니다.", "The company plans to invest."),
    ("ko", "en", "번역: 회사는 투자할 계획입니다.", "The company plans to invest."),
    ("en", "zh", "The company said it would invest. (Note: the original text is ambiguous.)", "该公司表示将进行投资。"),
    ("de", "en", "Das Unternehmen will investieren. (Anmerkung: wörtlich „anlegen“.)", "The company wants to invest."),
    ("es", "en", "La empresa quiere invertir. (Nota: la traducción es aproximada.)", "The company wants to invest."),
    ("ru", "en", "Компания хочет инвестировать. (Примечание: перевод приблизительный.)", "The company wants to invest."),
    ("zh", "ja", "公司打算投资。（注：原文中的“投資”直译为投资。）", "会社は投資するつもりだ。"),
    ("en", "ru", "I'm sorry, but I cannot provide a translation of this text.", "Компания планирует инвестировать в проект."),
    ("en", "zh", "As an AI language model, I cannot do that.", "该公司表示将进行投资。"),
    ("en", "zh", "As a language model, I cannot do that.", "该公司表示将进行投资。"),
    ("de", "en", "Als KI-Sprachmodell kann ich das nicht.", "The company wants to invest."),
    ("zh", "en", "作为一个AI语言模型，我无法完成。", "The company wants to invest."),
    ("zh", "en", "抱歉，我无法翻译这段文字。", "The company wants to invest."),
    ("ja", "en", "申し訳ありませんが、この文章は翻訳できません。", "The company plans to invest."),
    # review 16's misses
    ("zh", "en", "这句话的中文翻译是：公司打算投资。", "The company plans to invest."),
    ("he", "en", "הנה התרגום: החברה מתכננת להשקיע.", "The company plans to invest."),
    ("ar", "en", "إليك الترجمة: الشركة تخطط للاستثمار.", "The company plans to invest."),
    ("ru", "en", "Извините, но я не могу перевести этот текст.", "The company plans to invest."),
    ("es", "en", "Lo siento, pero no puedo traducir este texto.", "The company plans to invest."),
    ("fr", "en", "Désolé, mais je ne peux pas traduire ce texte.", "The company plans to invest."),
    ("de", "en", "Es tut mir leid, aber ich kann diesen Text nicht übersetzen.", "The company plans to invest."),
    # closings after the translation, a sentence the source lacks
    ("en", "zh", "The company said it would invest.\n\nI hope this helps!", "该公司表示将进行投资。"),
    ("en", "de", "The firm will invest. Let me know if you need anything else.", "Die Firma wird investieren."),
    ("en", "fr", "The firm will invest. Feel free to ask if you have any questions.", "L'entreprise va investir."),
    ("en", "es", "The firm will invest. If you have any other questions, just ask.", "La empresa invertirá."),
    ("de", "en", "Die Firma wird investieren. Ich hoffe, das hilft!", "The firm will invest."),
    ("es", "en", "La empresa invertirá. Espero que esto te ayude.", "The firm will invest."),
    ("fr", "en", "L'entreprise va investir. J'espère que cela vous aide !", "The firm will invest."),
    ("it", "en", "L'azienda investirà. Spero che questa traduzione ti sia utile.", "The firm will invest."),
    ("ru", "en", "Компания будет инвестировать. Надеюсь, это поможет!", "The firm will invest."),
    ("zh", "en", "公司将进行投资。希望对你有帮助！", "The company will invest."),
    ("ja", "en", "同社は投資する予定です。お役に立てれば幸いです。", "The company plans to invest."),
    ("ko", "en", "회사는 투자할 계획입니다. 도움이 되었으면 좋겠습니다.", "The company plans to invest."),
    ("nl", "en", "Het bedrijf gaat investeren. Ik hoop dat dit helpt!", "The firm will invest."),
    ("pl", "en", "Firma zainwestuje. Mam nadzieję, że to pomoże!", "The firm will invest."),
    ("tr", "en", "Şirket yatırım yapacak. Umarım bu yardımcı olur!", "The firm will invest."),
    ("ar", "en", "ستستثمر الشركة. آمل أن تكون هذه الترجمة مفيدة.", "The firm will invest."),
    ("nl", "en", "Hier is de vertaling: Het bedrijf gaat investeren.", "The firm will invest."),
    ("pl", "en", "Oto tłumaczenie zgodne z Twoją prośbą. Firma zainwestuje.", "The firm will invest."),
    ("tr", "en", "İşte metnin Türkçe çevirisi: Şirket yatırım yapacak.", "The firm will invest."),
]

COMMENTARY_NOT_ADDED = [  # review 15
    ("en", "zh", "Note: Please return the item in the original packaging.", "温馨提示：请用原包装退回商品。"),
    ("en", "de", "(Editor's note: the original article was published in Die Zeit.)", "(Anm. d. Red.: Der Originalartikel erschien in der Zeit.)"),
    ("en", "es", "N.B.: the original document must be presented.", "N. B.: hay que presentar el documento original."),
    ("en", "zh", "Note: the dough will literally double in size.", "小贴士：面团会膨胀一倍。"),
    ("zh", "en", "注意：原文件将被覆盖。", "Warning: the original file will be overwritten."),
    ("ja", "en", "注：内訳は以下のとおりです。", "Note: the breakdown is as follows."),
    ("en", "zh", "As an AI assistant, Alexa can answer questions and play music.", "作为一款人工智能助手，Alexa可以回答问题。"),
    ("en", "zh", "As a large language model, ChatGPT can write essays in seconds.", "作为一个大型语言模型，ChatGPT可以在几秒钟内写文章。"),
    ("en", "ru", "Plans that I cannot translate into action are useless.", "Планы, которые я не могу воплотить в жизнь, бесполезны."),
    ("en", "he", "I can't translate this.", "אני לא יכול לתרגם את זה."),
    ("en", "ja", "A novel by Murakami\nTranslation: Jay Rubin", "村上春樹の小説\n英訳：ジェイ・ルービン"),
    ("en", "ko", "Han Kang\nTranslation: Deborah Smith", "한강 지음\n데버라 스미스 옮김"),
    ("zh", "en", "欢迎各位。\n翻译：谢谢。", "Welcome, everyone.\nINTERPRETER: Thank you."),
    ("de", "en", "Übersetzung: 1:3,5\nGewicht: 12 kg", "Gear ratio: 1:3.5\nWeight: 12 kg"),
    ("ru", "en", "Перевод: 500 рублей", "Transfer: 500 rubles"),
    ("en", "ja", "This is a story about translation: how words travel.", "これは言葉の旅についての話だ：言葉はどう伝わるか。"),
    ("zh", "en", "这是我的翻译：李先生。", "This is my interpreter: Mr. Li."),
    ("ru", "en", "Вот ваш перевод: 500 рублей.", "Here is your transfer: 500 rubles."),
    # review 16
    ("en", "zh", "Note: items must be returned in the original packaging.", "商品须以原包装退回。"),
    ("en", "de", "Store in the original container. Note: keep in the original carton.", "In der Originalverpackung aufbewahren."),
    ("en", "zh", "As an AI language model, I cannot give medical advice.", "作为一个AI语言模型，我不能提供医疗建议。"),
    ("en", "zh", "Sorry, I can't help you with that request.", "抱歉，这个请求我帮不了你。"),
    ("en", "ru", "I'm sorry, but I can't translate this text.", "Извините, но я не могу перевести этот текст."),
    ("en", "de", "Translation: Anna Müller", "Aus dem Englischen von Anna Müller"),
    ("en", "ru", "Translation: Ivan Petrov", "Пер. с англ. Ивана Петрова"),
    ("en", "ko", "Translation: Kim Chul-soo", "김철수 옮김"),
    ("en", "he", "Here is the translation: the company will invest.", "הנה התרגום: החברה תשקיע."),
    ("en", "de", "(Editor's note: the original was in German.)", "(Anm. d. Red. Das Original war auf Deutsch.)"),
    ("en", "ru", "(Note: the translation of the title is ours.)", "(Прим. ред. Название дано в нашем переводе.)"),
    ("en", "zh", "Note: the Chinese original text prevails.", "注：以中文原文为准。"),
    ("ru", "en", "Вот перевод: 500 рублей.", "Here's the transfer: 500 rubles."),
    ("ru", "en", "Перевод: Иван И.", "Send money to Ivan I."),
    ("en", "ja", "Translation: the art of moving words", "言葉を運ぶ技術"),
    ("en", "zh", "The translation is: dog.", "意思是：狗。"),
    ("zh", "en", "脚注：原文出处见附录。", "Footnotes: sources are in the appendix."),
    # closings of the source's own, or not at the end
    ("en", "zh", "That is all. I hope this helps.", "以上就是全部内容，希望对你有帮助。"),
    ("en", "zh", "We will invest. If you have any further questions, please call us.", "我们将投资，如有疑问请致电。"),
    ("en", "de", "I hope this helps. The firm will invest next year.", "Die Firma wird im nächsten Jahr investieren."),
    ("en", "ja", "I hope this helps.", "お役に立てれば幸いです。"),
    ("en", "fr", "We will invest. Let me know if you want to join.", "Nous investirons. Dis-moi si tu veux venir."),
    ("en", "de", "Call me. Let me know if you need a lift. Bye.", "Ruf mich an, sag Bescheid, wenn du mitfahren willst. Tschüss."),
    ("en", "de", "Call me. Let me know if you need a lift.", "Ruf an und melde dich, wenn du mitfahren willst."),
]


def _commentary(lang, source_lang, text, source):
    found = run({"lang": lang, "text": text, "source": source, "source_lang": source_lang}).findings
    return [(f.text, f.suggestion) for f in found if f.rule == "structure.mt_commentary"]


@pytest.mark.parametrize("lang, source_lang, text, source", COMMENTARY_ADDED, ids=lambda v: v if len(v) < 4 else None)
def test_mt_commentary_flags_what_a_model_adds(lang, source_lang, text, source):
    assert _commentary(lang, source_lang, text, source)


@pytest.mark.parametrize("lang, source_lang, text, source", COMMENTARY_NOT_ADDED, ids=lambda v: v if len(v) < 4 else None)
def test_mt_commentary_is_silent_on_the_same_words_in_human_text(lang, source_lang, text, source):
    assert _commentary(lang, source_lang, text, source) == []


def test_every_commentary_pattern_has_a_case_that_the_rule_flags():
    """Each pattern of data/commentary.yaml matches one of COMMENTARY_ADDED (which the rule flags,
    so the quick test of its `needles` lets it through)."""
    from mtqa.cleaners.datafiles import safe_load

    data = safe_load((Path(__file__).parents[1] / "cleaners" / "data" / "commentary.yaml").read_text(encoding="utf-8"))
    texts = [text for _, _, text, _ in COMMENTARY_ADDED]
    for kind in ("preambles", "labels", "notes", "refusals", "closings"):
        for pattern in data[kind]:
            assert any(regex.search(pattern, text, regex.IGNORECASE) for text in texts), (kind, pattern)


def test_a_preamble_is_removed_only_where_a_translation_follows_and_sure_is_kept_where_it_translates():
    assert _commentary("en", "zh", "Here is the translation:\n(Note: the original text is ambiguous.)", "该公司表示将进行投资。") == [
        ("Here is the translation:\n", None), ("(Note: the original text is ambiguous.)", None)]
    assert _commentary("en", "ja", "Sure. Here's my translation: the old pond.", "いいよ。古池や。") == [("Here's my translation: ", "")]
    assert _commentary("en", "zh", "Sure! Translation: the company said yes.", "公司说是。") == [("Sure! Translation: ", "")]


def test_a_detector_making_a_rule_packs_fix_on_part_of_its_span_is_not_reported_again():
    """locale.percent_format's " " to "" inside de-en.percent_space's " %" to "%" is the same fix:
    the reviser sees it once, from the rule pack."""
    text = "Some 51.5 % of them work."
    found = clean_document(Document("d", text, "en", source="51,5 % von ihnen arbeiten.", source_lang="de"), CleanConfig()).findings
    assert [f.rule for f in found] == ["de-en.percent_space"]
    only = found[0]
    assert text[:only.start] + only.suggestion + text[only.end:] == "Some 51.5% of them work."


@pytest.mark.parametrize("lang, text, fixed", [
    ("de", "Er sagte “Hallo” und ging.", "Er sagte „Hallo“ und ging."),
    ("ru", "Он сказал “Привет” и ушёл.", "Он сказал «Привет» и ушёл."),
])
def test_english_quotation_marks_are_replaced_as_a_pair_not_half(lang, text, fixed):
    """“ is German's closing mark and Russian's nested one: in an English “…” pair it still opens,
    and a fix of the closing mark alone would leave “Hallo“."""
    doc = Document("d", text, lang, source='He said "Hello" and left.', source_lang="en")
    found = [f for f in clean_document(doc, CleanConfig()).findings if f.rule == "locale.quote_style"]
    for f in sorted(found, key=lambda f: f.start, reverse=True):
        text = text[:f.start] + f.suggestion + text[f.end:]
    assert text == fixed


def test_once_per_view_works_a_value_out_once_per_document():
    """What every candidate word asks of its document (the names it copies) is worked out once per
    view, and afresh for the next document."""
    from mtqa.cleaners.detectors import once_per_view

    calls: list[str] = []

    @once_per_view
    def first_word(view: DocView) -> str:
        calls.append(view.text)
        return view.text.split()[0]

    one, two = (DocView(Document(i, text, "en"), EditLog(text), "en", None)
                for i, text in (("a", "Alpha beta"), ("b", "Gamma delta")))
    assert [first_word(one), first_word(one), first_word(two), first_word(two)] == ["Alpha", "Alpha", "Gamma", "Gamma"]
    assert calls == ["Alpha beta", "Gamma delta"]
