"""Misspelled and mistransliterated words without a list: a word unknown to the target language
that is one edit away from a frequent word or name of it ("Dombas" -> "Donbas").

wordfreq gives each language's word frequencies (its data ships with the package: no download);
rapidfuzz measures edit distance in C++. Candidates are bucketed by first letter and length, so a
lookup compares a word with a few thousand others, not with the whole vocabulary.
"""

from __future__ import annotations

import gc
from collections import defaultdict
from collections.abc import Iterator
from functools import lru_cache

import regex
from rapidfuzz.distance import DamerauLevenshtein
from rapidfuzz.process import extract

from mtqa.cleaners.detectors import DocView, Hit, detector

VOCABULARY = 150_000  # most frequent words per language considered as corrections
MIN_CORRECTION_ZIPF = 2.0  # a correction must be at least this frequent (Zipf scale: 2 = once per 100M words)
UNKNOWN_ZIPF = 0.0  # a word is "unknown" when wordfreq has never seen it
MIN_LENGTH = 5
_TOKEN = regex.compile(r"(?<![\p{L}\d_-])\p{L}[\p{Ll}\p{M}]+(?![\p{L}\d_-])")
_NO_WORDFREQ = frozenset({"zh", "ja", "ko", "th"})


@lru_cache(maxsize=1)
def _languages() -> frozenset[str]:
    from wordfreq import available_languages

    return frozenset(available_languages(wordlist="best")) - _NO_WORDFREQ


COMMON = 1e-6  # once per million words (Zipf 3): "common", and the least a source-language check asks for


def _pack(lang: str) -> list[list[str]]:
    """wordfreq's raw list for `lang`: words in bins of one centibel, most frequent first. Read
    here rather than through wordfreq's get_frequency_dict, which keeps this list and the dict
    (both cached for the life of the process); we keep only what we build from it."""
    from wordfreq import available_languages, read_cBpack

    return read_cBpack(available_languages(wordlist="best")[lang])


_FULL: dict[str, dict[str, float]] = {}  # per language, every word wordfreq knows
_COMMON: dict[str, dict[str, float]] = {}  # per language, only the words at least COMMON


def _frequencies(lang: str) -> dict[str, float]:
    """wordfreq's frequencies for `lang` (what its get_frequency_dict gives), or {} for a language
    it has no list of (it would otherwise fall back to a related language's: Spanish for Basque)."""
    from wordfreq import cB_to_freq

    freqs = _FULL.get(lang)
    if freqs is None:
        freqs = {}
        if lang in _languages():
            for index, words in enumerate(_pack(lang)):
                freq = cB_to_freq(-index)
                for word in words:
                    freqs[word] = freq
        _FULL[lang] = freqs
        _COMMON.pop(lang, None)  # the full list answers the common questions too
        gc.freeze()  # a million-entry dict the cyclic GC would otherwise walk at every full collection
    return freqs


def _common(lang: str) -> dict[str, float]:
    """The words of `_frequencies(lang)` at least COMMON, with the same frequencies: all that the
    source-language checks ask about, in a twentieth of the memory (Russian: 7 MB, not 115). The
    full list when it is loaded already (a language that is a target too)."""
    from wordfreq import cB_to_freq

    freqs = _FULL.get(lang, _COMMON.get(lang))
    if freqs is None:
        freqs = {}
        if lang in _languages():
            for index, words in enumerate(_pack(lang)):
                freq = cB_to_freq(-index)
                if freq >= COMMON:
                    freqs.update(dict.fromkeys(words, freq))
                else:  # a word listed twice takes its last (lower) frequency, as in get_frequency_dict
                    for word in freqs.keys() & set(words):
                        del freqs[word]
        _COMMON[lang] = freqs
        gc.freeze()
    return freqs


def known_word(word: str, lang: str | None, common: bool = False, min_zipf: float | None = None) -> bool:
    """Whether wordfreq knows `word` in `lang`: at all, at least once per million words (`common`),
    or at least at `min_zipf` on the Zipf scale (3 = once per million words). A language without a
    word list knows every word: no check may call a word unknown there."""
    if not lang or lang not in _languages():
        return True
    floor = 10 ** (min_zipf - 9) if min_zipf is not None else COMMON if common else 0.0
    table = _common(lang) if floor >= COMMON else _frequencies(lang)
    freq = table.get(word.casefold(), 0.0)
    if min_zipf is not None:
        return freq >= floor
    return freq >= COMMON if common else freq > 0


@lru_cache(maxsize=8)
def _buckets(lang: str) -> dict[tuple[str, int], list[str]]:
    """The language's frequent words by (first letter, length), most frequent first."""
    floor = 10 ** (MIN_CORRECTION_ZIPF - 9)
    frequent = sorted(((f, w) for w, f in _frequencies(lang).items() if f >= floor), reverse=True)[:VOCABULARY]
    out: dict[tuple[str, int], list[str]] = defaultdict(list)
    for _, word in frequent:
        if len(word) >= MIN_LENGTH - 1 and word.isalpha():
            out[(word[0], len(word))].append(word)
    gc.freeze()
    return dict(out)


@lru_cache(maxsize=65536)
def correction(word: str, lang: str) -> str | None:
    """The most frequent known word one edit (or one transposition) away, case kept; or None."""
    low = word.casefold()
    buckets = _buckets(lang)
    candidates = [w for n in (len(low) - 1, len(low), len(low) + 1) for w in buckets.get((low[0], n), ())]
    matches = extract(low, candidates, scorer=DamerauLevenshtein.distance, score_cutoff=1, limit=None)
    if not matches:
        return None
    freqs = _frequencies(lang)
    best = max(matches, key=lambda m: (freqs.get(m[0], 0.0), m[0]))[0]
    return best.capitalize() if word[0].isupper() else best


@detector("spelling.near_miss", "fluency/spelling", "major",
          "A word the target language does not know, one letter away from a frequent word or name of it.")
def near_miss(view: DocView) -> Iterator[Hit]:
    lang = view.lang
    if not lang or lang not in _languages():
        return
    freqs = _frequencies(lang)
    source = (view.doc.source or "").casefold()
    for m in _TOKEN.finditer(view.text):
        word = m.group()
        low = word.casefold()
        if len(word) < MIN_LENGTH or low in freqs or (source and low in source):
            continue  # known, short, or copied from the source (a name or term kept as is)
        fix = correction(word, lang)
        if fix and fix.casefold() != low and not _inflection(low, fix.casefold()):
            yield m.start(), m.end(), f"'{word}' is not a {lang} word; did the translation mean '{fix}'?", fix


def _inflection(word: str, fix: str) -> bool:
    """Whether the two differ only by an ending: the last letter changed ("nistagmi" for
    "nistagmo") or one or two letters added or dropped at the end ("ecocardiogramas"). That is an
    inflected form wordfreq lacks, not a misspelling."""
    if len(word) == len(fix):
        return word[:-1] == fix[:-1]
    short, long = sorted((word, fix), key=len)
    return long.startswith(short) and len(long) - len(short) <= 2
