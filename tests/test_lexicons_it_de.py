"""The Italian and German lexicons (cleaners/data/lexicons/it-en.yaml, de-en.yaml) beyond their golden
cases: correct translations near a trigger that must draw nothing, and suggestions that depend on
what the source names."""

import pytest

from mtqa.cleaners.detectors.lexicon import lexicon_hits

# (pair, source, a correct translation that holds words close to an entry's misleading rendering)
CORRECT = [
    ("it-en", "Lo studio ha evidenziato che i dati sono scarsi.", "The study found no evidence that the drug works."),
    ("it-en", "È un'occasione unica per parlare.", "It is a unique occasion to talk."),
    ("it-en", "Assumiamo che i nuovi lavoratori siano più produttivi.", "We assume new workers are more productive."),
    ("it-en", "Le lingue romanze derivano dal latino, come il romanzo.", "The Romance languages derive from Latin."),
    ("it-en", "Uno o più di 3 criteri.", "One or more of 3 criteria."),
    ("it-en", "In primo luogo, il razzismo non ha luogo qui.", "Racism has no place in our society."),
    ("it-en", "Il direttore si è dimesso dall'ospedale.", "The director resigned from the hospital."),
    ("it-en", "L'Iraq e l'Afghanistan.", "He saw little benefit from the Iraq and Afghanistan wars."),
    ("it-en", "Il bilancio pubblico e la bilancia dei pagamenti.", "The state balance of payments improved."),
    ("it-en", "Si è sposato con due figli.", "He is married with two children."),
    ("it-en", "Il ministero precisa i dettagli.", "The ministry gave precise details."),
    ("it-en", "Tra due settimane e tre mesi.", "Between two weeks and three months."),
    ("de-en", "Nach Meinung der Experten ist das falsch.", "According to the opinion of the experts, this is wrong."),
    ("de-en", "Er ist ein scharfer Kritiker der Regierung und übt Kritik.", "He is a harsh critic of the government."),
    ("de-en", "Der US-Chefdiplomat reiste ab.", "America's top diplomat left."),
    ("de-en", "Er sprach am Montag.", "He spoke at Monday's meeting."),
    ("de-en", "Es gibt einen guten Überblick.", "It gives a good overview."),
    ("de-en", "Die Schweiz und die Türkei spielen.", "The Switzerland-based bank and the Turkey Team played."),
    ("de-en", "Der Irak.", "The Iraq War and the Iran and Iraq deal."),
    ("de-en", "Frau des Jahres.", "Woman Of The Year."),
    ("de-en", "Das Gemälde zeigt eine Art Garten in der Kunstgalerie.", "In this art gallery the garden is shown."),
    ("de-en", "Die Frauenquote steigt.", "The women's quota is rising."),
    ("de-en", "Der Rentner zahlt Miete an den Mieter.", "The renter pays the rent."),
]


@pytest.mark.parametrize("pair,source,text", CORRECT, ids=[t for _, _, t in CORRECT])
def test_a_correct_translation_beside_a_trigger_draws_nothing(pair, source, text):
    assert [(e.id, t) for e, _, _, t, _ in lexicon_hits(pair, source, text)] == []


@pytest.mark.parametrize("pair,source,text,wanted", [
    ("de-en", "Der US-Chefdiplomat landete in Kiew.", "The chief diplomat landed in Kyiv.", "Secretary of State"),
    ("de-en", "Die EU-Chefdiplomatin sprach.", "The chief diplomat spoke.", "EU foreign policy chief"),
    ("de-en", "Der russische Chefdiplomat sprach.", "The Russian chief diplomat spoke.", "Russian foreign minister"),
    ("de-en", "Der Chefdiplomat sprach.", "The American chief diplomat spoke.", "US Secretary of State"),
    ("it-en", "Il capo della diplomazia Usa è arrivato.", "The head of US diplomacy arrived.", "Secretary of State"),
    ("it-en", "Il capo della diplomazia russa è arrivato.", "The head of Russian diplomacy arrived.", "Russian foreign minister"),
    ("it-en", "Il ministro degli Esteri americano è arrivato.", "The American foreign minister arrived.", "US Secretary of State"),
])
def test_a_foreign_minister_of_the_united_states_is_the_secretary_of_state(pair, source, text, wanted):
    assert [s for _, _, _, _, s in lexicon_hits(pair, source, text)] == [wanted]


@pytest.mark.parametrize("pair,source,text,wanted", [
    ("de-en", "Das Medikament gibt es nur auf Rezept vom Arzt.", "Only on receipt.", "prescription"),
    ("de-en", "Das Rezept für den Kuchen: Zutaten mischen.", "The receipt for the cake.", "recipe"),
    ("de-en", "Das Rezept liegt bereit.", "The receipt is ready.", None),  # neither doctor nor kitchen: no suggestion
    ("it-en", "Siamo disponibili a trattare.", "We are disposable to negotiate.", "willing to"),
    ("it-en", "Sono disponibili per un incontro.", "They are disposable for a meeting.", "available for"),
    ("it-en", "La riunione ha avuto luogo ieri.", "The meeting had place yesterday.", "took place"),
])
def test_a_suggestion_follows_the_context_or_is_absent(pair, source, text, wanted):
    assert [s for _, _, _, _, s in lexicon_hits(pair, source, text)] == [wanted]
