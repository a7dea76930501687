"""Sentence segmentation with offsets, for any language sentencex knows (about 300).

sentencex (Wikimedia's rule-based segmenter, compiled) gives character offsets directly. We split
at line breaks first: in news and corpora a line is a paragraph, a headline or a list item, and
a line without a final full stop ("Military exercises in Belarus") is still a unit of its own.
Spans are trimmed of surrounding white space, so `text[start:end]` is the sentence as a reader sees it.

>>> text = "Biden spoke. Russia denied it.\\nMilitary exercises in Belarus"
>>> [text[s:e] for s, e in sentence_spans(text, "en")]
['Biden spoke.', 'Russia denied it.', 'Military exercises in Belarus']
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import regex
import sentencex

from mtqa.cleaners import hunspell
from mtqa.cleaners.datafiles import safe_load

_DATA = Path(__file__).parent / "data" / "structure.yaml"
# What the segmenter cut after an ordinal ("für das 3."): a word, then one to three digits and a
# full stop, not a decimal's, a time's or a year's ("stieg 2022." ends a sentence); or a number
# joined to an ordinal before it ("im 19. und 20."), whose word then counts.
_ORDINAL_END = regex.compile(r"(?<![\p{L}\p{M}])([\p{L}\p{M}]+)\s+(?:\d{1,3}\.\s+(?:und|oder|bis|–|-)\s+)?(\d{1,3})\.\s*$")
# How far back from a cut the ordinal and the word before it are looked for.
_ORDINAL_REACH = 64
_FIRST_WORD = regex.compile(r"\s*(\p{L}[\p{L}\p{M}]*)")
# A number of one to four digits with a full stop ending a piece: an ordinal, or a year (Hungarian
# "2024. május 5."), where a language dots them.
_DOTTED_NUMBER = regex.compile(r"(?<![\d.,:])\d{1,4}\.\s*$")
_LAST_DAY = 31


@dataclass(frozen=True)
class _OrdinalWords:
    determiners: frozenset[str]
    day_prepositions: frozenset[str]


@lru_cache(maxsize=1)
def _data() -> dict:
    return safe_load(_DATA.read_text(encoding="utf-8"))


@lru_cache(maxsize=1)
def _ordinal_words() -> dict[str, _OrdinalWords]:
    """The words after which a number with a full stop is an ordinal, by language (data/structure.yaml)."""
    return {lang: _OrdinalWords(frozenset(words["determiners"]), frozenset(words["day_prepositions"]))
            for lang, words in _data()["ordinal_determiners"].items()}


@lru_cache(maxsize=1)
def _ordinal_full_stop() -> frozenset[str]:
    """The languages that write an ordinal number with a full stop (data/structure.yaml)."""
    return frozenset(_data()["ordinal_full_stop"])


def sentence_spans(text: str, lang: str | None) -> list[tuple[int, int]]:
    """(start, end) of each sentence, in order, trimmed; empty lines give none."""
    spans: list[tuple[int, int]] = []
    pos = 0
    language = lang or "en"
    for line in text.splitlines(keepends=True):
        if line.strip():
            bounds = [(b["start_index"], b["end_index"]) for b in sentencex.get_sentence_boundaries(language, line)]
            if len(bounds) > 1 and (language in _ordinal_words() or language in _ordinal_full_stop()):
                bounds = _joined_at_ordinals(line, bounds, language)
            if len(bounds) > 1:
                bounds = _joined_at_abbreviations(line, bounds, language)
            for b_start, b_end in bounds:
                start, end = _trim(line, b_start, b_end)
                if start < end:
                    spans.append((pos + start, pos + end))
        pos += len(line)
    return spans


def _joined_at_ordinals(line: str, bounds: list[tuple[int, int]], lang: str) -> list[tuple[int, int]]:
    """The boundaries with those after an ordinal rejoined: sentencex ends a German sentence at
    "das 3. Quartal", "in der 2. Runde" (before a month it does not). The word before the number
    tells an ordinal ("der 2.", "im 19. und 20.") from a number that ends a sentence ("stieg auf
    30. Merkel sagte"). After "am", "bis" a day of the month may end one too: there only a noun
    (a word the dictionary knows only with a capital) continues it ("am 24. Spieltag", not "am
    15. Bis dahin"). In every language that dots its ordinals, a word in lower case after the
    number continues the sentence: sentencex cuts Czech "11. | července" and "3. | čtvrtletí"
    before a lower-case letter outside ASCII (and Hungarian "2024. | május"), and no sentence
    starts in lower case."""
    words = _ordinal_words().get(lang)
    dotted = lang in _ordinal_full_stop()
    joined = [bounds[0]]
    for start, end in bounds[1:]:
        prev_start, prev_end = joined[-1]
        first = _FIRST_WORD.match(line, start, end)
        if dotted and first and first.group(1)[0].islower() and _DOTTED_NUMBER.search(line, prev_start, prev_end):
            joined[-1] = (prev_start, end)
            continue
        ordinal = _ORDINAL_END.search(line, max(prev_start, prev_end - _ORDINAL_REACH), prev_end) if words else None
        if ordinal and first and _continues(ordinal, first.group(1), words, lang):
            joined[-1] = (prev_start, end)
        else:
            joined.append((start, end))
    return joined


def _joined_at_abbreviations(line: str, bounds: list[tuple[int, int]], lang: str) -> list[tuple[int, int]]:
    """The boundaries with those after a listed abbreviation rejoined where a word in lower case
    follows: sentencex cuts Polish "6,6 proc. | rok do roku", Dutch "€ 1,2 mld. | tegen", Turkish
    "Cad. | üzerinde", Italian "Apple Inc. | sono", and no sentence starts in lower case; and
    where a number follows one that takes a number ("approx. | 5 ml", "para. | 5 of")."""
    joined = [bounds[0]]
    for start, end in bounds[1:]:
        prev_start, prev_end = joined[-1]
        first = _FIRST_WORD.match(line, start, end)
        last = _LAST_ABBREVIATION.search(line, max(prev_start, prev_end - _ABBREVIATION_REACH), prev_end)
        abbreviation = last.group(1).casefold() if last else None
        if abbreviation in abbreviations(lang) and (
                (first and first.group(1)[0].islower())
                or (_FIRST_DIGIT.match(line, start, end) and abbreviation in _before_numbers()
                    and not last.group(1).isupper())):  # ("en CP. 25 élèves": an acronym ends a sentence)
            joined[-1] = (prev_start, end)
        else:
            joined.append((start, end))
    return joined


_FIRST_DIGIT = regex.compile(r"\s*\d")


@lru_cache(maxsize=1)
def _before_numbers() -> frozenset[str]:
    return frozenset(_data()["abbreviations_before_numbers"])


# A word and its full stop at the end of a piece (spaces after it allowed), and how far back it is sought.
_LAST_ABBREVIATION = regex.compile(r"(?<![\p{L}.])(\p{L}+)\.\s*$")
_ABBREVIATION_REACH = 30


@lru_cache(maxsize=None)  # one entry per language
def abbreviations(lang: str | None) -> frozenset[str]:
    """Abbreviations that end in a full stop inside a sentence of the language, case-folded: those
    of every language and its own (data/structure.yaml)."""
    return frozenset(a.casefold() for a in _data()["abbreviations"] + _data()["abbreviations_by_language"].get(lang, []))


def _continues(ordinal: regex.Match, next_word: str, words: _OrdinalWords, lang: str) -> bool:
    before = ordinal.group(1).casefold()
    if before in words.determiners:
        return True
    if before in words.day_prepositions and int(ordinal.group(2)) <= _LAST_DAY:
        return (hunspell.has_dictionary(lang) and next_word[0].isupper()
                and not hunspell.knows(next_word.lower(), lang) and hunspell.knows(next_word, lang))
    return False


def _trim(line: str, start: int, end: int) -> tuple[int, int]:
    while start < end and line[start].isspace():
        start += 1
    while end > start and line[end - 1].isspace():
        end -= 1
    return start, end
