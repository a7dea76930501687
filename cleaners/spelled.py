"""Numbers written as words: does a text spell out a given number?

A source that writes "Ninety-nine patients", "quince trabajadores" or "der zwanzigjährigen Studie"
is rightly translated with digits ("99 patients", "15 workers", "the 20-year study"); a number
check that reads digits only would call those digits foreign to the source. num2words spells a
number in some sixty languages, cardinal and ordinal, so the check can ask whether the source holds
that spelling instead of keeping number words by hand.

A spelling matches as whole words, except where a language joins numbers to the word they count
(German "zwanzigjährigen", "zehnten": a word that starts with the spelling) or inflects them
(Russian "двадцати" for "двадцать": the last letters of each word may differ). Elsewhere a word
start would be too loose: "nine" starts "ninety". A match only ever silences a finding, so a loose
one costs a missed flag, never a wrong one.

>>> spells(words_of("Ninety-nine patients were included."), 99, "en")
True
>>> spells(words_of("Während der zwanzigjährigen Studie"), 20, "de")
True
>>> spells(words_of("Cuarenta y ocho residentes y quince trabajadores"), 15, "es")
True
>>> spells(words_of("Ninety-nine patients were included."), 98, "en")
False
"""

from __future__ import annotations

from functools import lru_cache

import regex

from mtqa.langtags import primary_subtag

# Numbers checked: a spelling of a year or a measurement is rare, and every spelling is a regex.
LARGEST = 10_000
# Languages that inflect number words at their end ("двадцать", "двадцати", "двадцатью").
_INFLECTING = frozenset({"ru", "uk", "be", "pl", "cs", "sk", "sl", "sr", "hr", "bg", "lt", "lv", "fi", "hu"})
# Languages that join a number to the word after it ("zwanzigjährig", "tienjarig", "tjugoårig").
_COMPOUNDING = frozenset({"de", "nl", "af", "sv", "da", "no", "nb", "nn", "is", "fi", "et", "hu"})
_SEPARATORS = regex.compile(r"[\s\-‐‑–]+")


def spells(text: str, number: int, lang: str | None) -> bool:
    """Whether the text holds the number written as words in `lang` (cardinal or ordinal).
    `text` is as `words_of` gives it: a caller asking about several numbers of one text folds it once."""
    if not lang or not 0 <= number <= LARGEST:
        return False
    pattern = _pattern(primary_subtag(lang), number)
    return bool(pattern and pattern.search(text))


def words_of(text: str) -> str:
    """The text case-folded, its words separated by single spaces (hyphens too): what `spells` reads."""
    return _SEPARATORS.sub(" ", text.casefold())


# Compiled patterns kept: a text asks about a few numbers, and a pattern takes a few kB.
PATTERN_CACHE = 512


@lru_cache(maxsize=PATTERN_CACHE)
def _pattern(lang: str, number: int) -> regex.Pattern | None:
    """A word-start pattern for the number's spellings in the language, or None if num2words does
    not speak it."""
    from num2words import CONVERTER_CLASSES, num2words

    if lang not in CONVERTER_CLASSES:
        return None
    spellings = set()
    for kind in ("cardinal", "ordinal"):
        try:
            spellings.add(words_of(num2words(number, lang=lang, to=kind)).strip())
        except (NotImplementedError, TypeError, ValueError, OverflowError, KeyError, AttributeError):
            continue  # a language without ordinals, or without this number
    spellings.discard("")
    if not spellings:
        return None
    alternatives = [_inflected(s) if lang in _INFLECTING else _joined(s) if lang in _COMPOUNDING else
                    regex.escape(s) + _WORD_END for s in sorted(spellings)]
    return regex.compile(r"(?<!\p{L})(?:" + "|".join(alternatives) + ")")


_WORD_END = r"(?!\p{L})"
# Letters a spelling keeps before other letters may follow it: fewer would match other words
# ("сто", 100, starts "стоимость"; Danish "ti", 10, starts "til").
OPEN_END_MIN = 4


def _inflected(spelling: str) -> str:
    """Each word of a spelling with its last two letters free (an inflected form), if it keeps
    OPEN_END_MIN letters; a shorter word as it is."""
    parts = []
    for word in spelling.split(" "):
        keep = len(word) - 2
        parts.append(regex.escape(word[:keep]) + r"\p{L}*" if keep >= OPEN_END_MIN else regex.escape(word) + _WORD_END)
    return " ".join(parts)


def _joined(spelling: str) -> str:
    """A spelling another word may be joined to ("zwanzigjährig"), if it is OPEN_END_MIN letters long."""
    return regex.escape(spelling) + ("" if len(spelling) >= OPEN_END_MIN else _WORD_END)
