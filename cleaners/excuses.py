"""Excuses a pattern rule can name (`unless:` in a rule pack): what shows one of its matches to be
no error, where a pattern cannot say it.

A pattern sees the translation only, and cannot compare two numbers or look a word up in a list
kept as data. Each excuse here is one small function of a match, the record's source text (None
where there is none) and the target language; a rule lists the excuses it takes, and a match any
of them accepts is neither reported nor fixed. `EXCUSES` is the one table of them: a pack that
names another is refused when it is loaded, as is one whose pattern lacks the groups an excuse reads.
"""

from __future__ import annotations

from collections.abc import Callable

import regex

from mtqa.cleaners.segment import abbreviations

Excuse = Callable[[regex.Match, "str | None", "str | None"], bool]


def copied_from_source(match: regex.Match, source: str | None, lang: str | None) -> bool:
    """A name copied from the source with the rule's mark in it: the match's group `copied` took
    part, and the text from it to the match's end stands in the source as written ("Yahoo!" of
    "Busque la noticia en Yahoo! Noticias" for "Look for the story on Yahoo! News", "String?" of
    Kotlin's nullable type).

    >>> m = regex.search(r"(?<copied>\\p{Lu}\\p{L}*)!", "en Yahoo! antes")
    >>> copied_from_source(m, "at Yahoo! for", "es"), copied_from_source(m, "at Yahoo for", "es")
    (True, False)
    """
    start = match.start("copied")
    return start >= 0 and source is not None and match.string[start : match.end()] in source


# Letters, at most, in each part of an abbreviation written with inner full stops ("EE. UU.", "p. ej.").
MAX_ABBREVIATION_PART = 3
# The word before a full stop, with the short dotted parts before it, spaced or not ("EE. UU", "a. m", "etc").
_WORD_BEFORE_STOP = regex.compile(r"(?:(?<![\p{L}.])\p{L}+\.[ \t]?)*\p{L}*$")
_REACH = 30


def abbreviation_stop(match: regex.Match, source: str | None, lang: str | None) -> bool:
    """The match is a full stop that ends an abbreviation, which keeps it wherever it stands (the
    RAE's "etc. —dijo—"): after a single letter ("a. m."), after short parts joined by full stops,
    spaced or not, one of them a single letter or all in capitals ("EE. UU.", "p. ej."), or after
    one of the language's abbreviations (data/structure.yaml: "etc.", "aprox.").

    >>> stop = lambda text: abbreviation_stop(regex.search(r"\\.(?= —)", text), None, "es")
    >>> stop("huevos, etc. —dijo"), stop("en EE. UU. —dijo"), stop("las 9 a. m. —dijo"), stop("Vamos. —dijo")
    (True, True, True, False)
    """
    text, stop = match.string, match.start()
    if text[stop : stop + 1] != ".":
        return False
    word = _WORD_BEFORE_STOP.search(text, max(0, stop - _REACH), stop).group()
    parts = [part.strip() for part in word.split(".")]
    if len(parts) > 1 and all(1 <= len(p) <= MAX_ABBREVIATION_PART for p in parts) and (
            min(map(len, parts)) == 1 or "".join(parts).isupper()):
        return True
    return len(word) == 1 or word.casefold() in abbreviations(lang)


_YEAR = regex.compile(r"(?:19|20)\d\d")


def numbers_descend(match: regex.Match, source: str | None, lang: str | None) -> bool:
    """Groups 1 and 2 are whole numbers, the second smaller than the first: no range runs downwards, so
    the pair is an identifier ("Артикул 1234-567", "Superjet 100-95", "ГОСТ 10704-91"); but a
    year and two digits are a range of years written short ("2023-24").

    >>> pair = lambda text: numbers_descend(regex.search(r"(\\d+(?:,\\d+)?)-(\\d+(?:,\\d+)?)", text), None, "ru")
    >>> pair("1234-567"), pair("2023-24"), pair("42-44"), pair("5,32-0,67")
    (True, False, False, False)
    """
    left, right = match.group(1), match.group(2)
    if not (left and right and left[0].isdigit() and right[0].isdigit()):
        return False  # Roman numerals, or no pair
    if "," in left + right or "." in left + right:
        return False  # decimals are quantities, never a code: "p=0,001-0,0001" is a range
    if _YEAR.fullmatch(left) and len(right) == 2:
        return False
    return float(right.replace(",", ".")) < float(left.replace(",", "."))


# name -> (the excuse, the groups its pattern must have)
EXCUSES: dict[str, tuple[Excuse, tuple[str | int, ...]]] = {
    "copied_from_source": (copied_from_source, ("copied",)),
    "abbreviation_stop": (abbreviation_stop, ()),
    "numbers_descend": (numbers_descend, (1, 2)),
}
