"""Country and region names left in the source language's form ("in Türkiye" in German, where
German writes "Türkei"; "Mexico" for "Mexiko"). Each locale's names come from CLDR through Babel,
so a name is reported only where CLDR gives the target language another one; no suggestion, since
the name may want an article or an ending there ("in der Türkei"), but the message names it.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path

import regex
from babel import Locale, UnknownLocaleError

from mtqa.cleaners.datafiles import safe_load
from mtqa.cleaners.detectors import DocView, Hit, detector
from mtqa.cleaners.detectors.spelling import zipf
from mtqa.cleaners.scripts import written_script

_LOCALE_DATA = Path(__file__).resolve().parents[1] / "data" / "locale.yaml"

# A name this short is a word or an abbreviation as often ("Oman" is kept; "Chad", "Mali", "Peru" too)
MIN_NAME_LETTERS = 4


@lru_cache(maxsize=32)
def _territories(lang: str) -> dict[str, str]:
    """CLDR's names of countries and regions in a language, by code; none for a language CLDR
    does not know."""
    try:
        return dict(Locale.parse(lang).territories)
    except (UnknownLocaleError, ValueError):
        return {}


@lru_cache(maxsize=32)
def _names(lang: str) -> dict[str, str]:
    """A language's names of countries and regions, to their codes (not those with a bracket or a
    dash of their own: "Congo - Kinshasa", "Myanmar (Burma)"), and the short forms in common use
    that CLDR lists no more ("Turkey", "Czech Republic": data/locale.yaml)."""
    territories = _territories(lang)
    if not territories:
        return {}
    names = {name: code for code, name in territories.items()
             if len(name) >= MIN_NAME_LETTERS and not regex.search(r"[()]| - ", name)}
    return names | _locale_data()["place_name_aliases"].get(lang, {})


@lru_cache(maxsize=32)
def _finder(src: str, tgt: str) -> regex.Pattern | None:
    """The source language's names that the target language names otherwise: only they can be
    reported, and a pattern of them alone is quicker to search for than one of all the names."""
    ours = _territories(tgt)
    names = sorted((name for name, code in _names(src).items() if ours.get(code) not in (None, name)),
                   key=len, reverse=True)
    if not names:
        return None
    return regex.compile(r"(?<![\p{L}\p{N}-])(?:" + "|".join(regex.escape(n) for n in names) + r")(?![\p{L}\p{N}-])")


# A capitalised word beside the name, on either side: a person's or a firm's name ("Michael
# Jordan", "Jordan Peterson", "Georgia Tech"), not the country's
_CAPITALISED_BEFORE = regex.compile(r"\p{Lu}[\p{L}.'’-]*[ \u00a0]$")
_CAPITALISED_AFTER = regex.compile(r"[ \u00a0]\p{Lu}")


@detector("source.untranslated_place_name", "accuracy/untranslated", "minor",
          "A country or region named as the source language names it, where the target language has a "
          "name of its own (CLDR): 'Türkiye' or 'Mexico' in German ('Türkei', 'Mexiko').")
def untranslated_place_name(view: DocView) -> Iterator[Hit]:
    """Only for targets in Latin script (in another script the untranslated checks see the Latin
    letters), and only names the source has too: the translation copied them."""
    source, src, tgt = view.doc.source, view.source_lang, view.lang
    if not source or not src or not tgt or src == tgt or written_script(tgt) != "Latn":
        return
    finder = _finder(src, tgt)
    if finder is None or not finder.search(view.text):
        return
    in_source = {m.group() for m in finder.finditer(source)  # the country, not a part of another name ("Mexico City")
                 if not _inside_a_name(source, m.start(), m.end(), src)}
    theirs, ours = _names(src), _territories(tgt)
    text = view.text
    for m in finder.finditer(text):
        name = m.group()
        wanted = ours.get(theirs[name])
        if name not in in_source or not wanted or wanted == name or wanted in text:
            continue
        if (name in _also_other(tgt) or _inside_a_name(text, m.start(), m.end(), tgt)):
            continue
        yield m.start(), m.end(), f"'{name}' is the {src} name; CLDR's {tgt} name is '{wanted}'.", None


# A name of an institution, event or label that holds a country's: "Bank of Canada", "Tour de
# France", "Giro d'Italia", "Vuelta a España", "Banco do Brasil", "Made in Germany"
_NAME_LINK_BEFORE = regex.compile(r"(?:\p{Lu}[\p{L}.'’-]*[ \u00a0]+(?:of|de|du|des|do|da|d['’]|a|del|della|di)"
                                  r"[ \u00a0]*|\b(?i:made)[ \u00a0]+in[ \u00a0]+)$")
_NUMBER_AFTER = regex.compile(r"[ \u00a0]\d{1,3}(?!\d|[.,]\d)")  # "France 24" (not "Türkiye 20,000")
# A word this common, capitalised at a sentence's start, is no part of a name ("In", "Nach", "Die")
FUNCTION_WORD_ZIPF = 5.5


def _inside_a_name(text: str, start: int, end: int, lang: str) -> bool:
    """Whether the country's name at start:end is a part of another name: a capitalised word after
    it ("Mexico City", "Georgia Tech") or a number ("France 24"), or before it one that is no common
    word ("Michael Jordan", "New Mexico"; not "In" or "Nach" opening a sentence), or a name that
    links to it ("Bank of Canada", "Tour de France", "Made in Germany")."""
    if _CAPITALISED_AFTER.match(text, end) or _NUMBER_AFTER.match(text, end):
        return True
    window = max(0, start - 60)
    if _NAME_LINK_BEFORE.search(text, window, start):
        return True
    m = _CAPITALISED_BEFORE.search(text, window, start)
    return m is not None and zipf(m.group().strip(" \u00a0").lower(), lang) < FUNCTION_WORD_ZIPF


@lru_cache(maxsize=1)
def _locale_data() -> dict:
    return safe_load(_LOCALE_DATA.read_text(encoding="utf-8"))


@lru_cache(maxsize=32)
def _also_other(lang: str) -> frozenset[str]:
    """Country names that name people or other places as often, in any language and in this one
    (French "Mexico" is Mexico City) (data/locale.yaml)."""
    data = _locale_data()
    return frozenset(data["place_names_also_other"]) | frozenset(data["place_names_also_other_by_language"].get(lang, ()))
