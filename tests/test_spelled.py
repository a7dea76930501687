"""cleaners/spelled.py: whether a text spells out a number (num2words), as the number checks ask."""

import pytest

from mtqa.cleaners.spelled import spells, words_of


@pytest.mark.parametrize("text, number, lang", [
    ("Ninety-nine patients were included.", 99, "en"),
    ("One hundred and thirty-six children aged 6-18 years were enrolled.", 136, "en"),
    ("Während der zwanzigjährigen Studie", 20, "de"),  # joined to the noun it counts
    ("im zehnten Lebensjahrzehnt", 10, "de"),  # an ordinal, inflected
    ("Cuarenta y ocho residentes y quince trabajadores", 15, "es"),
    ("Из двадцати пациентов", 20, "ru"),  # Russian inflects number words at their end
    ("seize articles et une thèse", 16, "fr-CA"),  # a regional tag reads as its language
])
def test_a_spelt_out_number_is_found(text, number, lang):
    assert spells(words_of(text), number, lang)


@pytest.mark.parametrize("text, number, lang", [
    ("Ninety-nine patients were included.", 98, "en"),
    ("Ninety patients were included.", 9, "en"),  # "nine" starts "ninety" but is not its word
    ("The study often ran late.", 10, "en"),  # "ten" inside "often" starts no word
    ("Cuarenta y ocho residentes", 15, "es"),
    ("twenty patients", 20, "xx"),  # a language num2words does not speak
    ("twenty patients", 20, None),
])
def test_what_is_not_spelt_out_is_not_found(text, number, lang):
    assert not spells(words_of(text), number, lang)
