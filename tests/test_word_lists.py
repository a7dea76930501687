"""The word lists the spelling and source checks read, and what the pool's warm-up loads of them."""

from __future__ import annotations

import json
from collections import OrderedDict

import pytest
from wordfreq import get_frequency_dict

from mtqa.cleaners import hunspell
from mtqa.cleaners.config import CleanConfig
from mtqa.cleaners.detectors import spelling
from mtqa.records import Document


@pytest.mark.parametrize("lang", ["en", "ru"])
def test_a_word_list_gives_wordfreqs_own_frequency_for_every_word(lang):
    """The trie answers what wordfreq's get_frequency_dict says, word for word (Latin and Cyrillic
    script), and 0 for a word it does not list."""
    words = spelling.WordList(lang)
    expected = get_frequency_dict(lang, wordlist="best")
    assert len(words.trie) == len(expected)
    assert [w for w, freq in expected.items() if words.frequency(w) != freq] == []
    assert words.frequency("qzxqzxqzx") == 0.0 and words.frequency("") == 0.0


def test_a_word_list_is_built_once_and_read_from_the_cache_folder(tmp_path, monkeypatch):
    """The first process saves the trie in the user's cache folder; the next maps that file, with
    the same answers. A cache folder that cannot be written costs only the time to build."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    built = spelling.WordList("pt")
    saved = list((tmp_path / "cache" / "mtqa" / "word-lists").glob("pt-*.marisa"))
    assert len(saved) == 1 and saved[0].stat().st_size > 100_000
    mapped = spelling.WordList("pt")
    words = ["casa", "ação", "então", "qzxqzx", "Lisboa", "lisboa"]
    assert [mapped.frequency(w) for w in words] == [built.frequency(w) for w in words]
    assert built.frequency("casa") > 0 and mapped.frequency("qzxqzx") == 0.0

    (tmp_path / "blocked").write_text("a file where the cache folder would be")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "blocked"))
    assert [spelling.WordList("pt").frequency(w) for w in words] == [built.frequency(w) for w in words]


def test_a_language_without_a_word_list_knows_every_word():
    assert spelling.known_word("qzxqzxqzx", "zh") and spelling.known_word("qzxqzxqzx", None)
    assert not spelling.known_word("qzxqzxqzx", "en")


def test_the_warm_up_loads_both_languages_lists_and_dictionaries(monkeypatch):
    """Whatever the sample's text: a check may ask for the source language's list or dictionary
    on another document of the pair, and a worker would then load its own copy."""
    from mtqa.flows.pool import warm_up

    monkeypatch.setattr(spelling, "_FULL", OrderedDict())
    monkeypatch.setattr(hunspell, "_loaded", OrderedDict())
    warm_up(CleanConfig(), [Document("d1", "Short.", "en", source="Court.", source_lang="fr")])
    assert set(spelling._FULL) == {"en", "fr"}
    assert set(hunspell._loaded) == ({hunspell.available()[lang] for lang in ("en", "fr") if lang in hunspell.available()}
                                    | {tag for lang in ("en", "fr") if (tag := hunspell._variety(lang))})


def test_models_released_after_the_pool_load_again_with_the_same_answers():
    """The main process gives back the models once its forked workers are gone (flows/pool.py:
    `release_models`); anything that asks again afterwards gets the same answers."""
    from mtqa.cleaners import langid
    from mtqa.flows.pool import release_models

    text = "The committee approved the budget after a long debate about the costs of the new hospital."
    def answers():
        return (langid.detect(text, 60, 0.99), langid.probabilities(text), langid.fast_guess(text),
                spelling.known_word("hospital", "en"), spelling.known_word("hôpital", "fr", common=True),
                hunspell.knows("Krankenhaus", "de"))

    before = answers()
    release_models()
    assert langid._profiles is None and langid._fasttext is None and not spelling._FULL and not hunspell._loaded
    assert answers() == before


def test_the_warm_up_finds_a_small_pair_in_every_copy_of_a_repeated_corpus(tmp_path):
    """A corpus of ten copies, each sorted by language pair, one pair a fiftieth of each copy and
    never among the first records: the probes through the file still find it, so that the workers
    share its word list and dictionary instead of loading one each (64 probes missed it)."""
    from mtqa.flows.pool import language_samples

    block = [{"id": "", "text": f"Der Ausschuss hat den Haushalt {i} nach langer Debatte gebilligt.", "lang": "en", "source_lang": "de"}
             for i in range(490)]
    block += [{"id": "", "text": f"Il comitato ha approvato il bilancio {i} dopo un lungo dibattito.", "lang": "en", "source_lang": "it"}
              for i in range(10)]
    corpus = tmp_path / "ten-copies.jsonl"
    with open(corpus, "w", encoding="utf-8") as out:
        for copy in range(10):
            for n, record in enumerate(block):
                out.write(json.dumps({**record, "id": f"c{copy}-{n}"}) + "\n")
    pairs = {(doc.lang, doc.source_lang) for doc in language_samples(str(corpus), "jsonl", CleanConfig())}
    assert pairs == {("en", "de"), ("en", "it")}
