"""Which scripts a language writes its words in, and what is written in which script.

A language's script is CLDR's likely script, read through Babel's likely subtags (zh is Hans, he
is Hebr, ja is Jpan); the ISO 15924 writing systems of several scripts are split into them by
data/scripts.yaml (Jpan is Han, Hiragana and Katakana). The letters of a script are the Unicode
script property's, through the regex module.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import regex
from babel import Locale
from babel.core import get_global

from mtqa.cleaners.datafiles import safe_load

LATIN = "Latn"
_DATA = Path(__file__).resolve().parent / "data" / "scripts.yaml"


@lru_cache(maxsize=1)
def _data() -> dict:
    return safe_load(_DATA.read_text(encoding="utf-8"))


@lru_cache(maxsize=None)  # one entry per language
def scripts_of(lang: str | None) -> frozenset[str]:
    """The ISO 15924 scripts a language writes its words in; empty where CLDR does not know it."""
    if not lang:
        return frozenset()
    tag = get_global("likely_subtags").get(lang.replace("-", "_"))
    if not tag:
        return frozenset()
    script = tag.split("_")[1]
    return frozenset(_data()["writing_systems"].get(script, [script]))


@lru_cache(maxsize=None)  # one entry per set of scripts
def letters(scripts: frozenset[str]) -> regex.Pattern:
    """A run of letters of these scripts, with their combining marks: one letter or more where a
    letter is a syllable or a word (Han, kana, Hangul), two or more in an alphabet. A letter shared
    by scripts counts for each (Unicode's Script_Extensions: the prolonged sound mark 'ー' of
    katakana is hiragana's too); punctuation shared with them does not ('。')."""
    least = 1 if scripts <= set(_data()["syllable_scripts"]) else 2
    alternatives = "".join(rf"\p{{scx={s}}}" for s in sorted(scripts))
    return regex.compile(rf"(?:(?=\p{{L}})[{alternatives}]\p{{M}}*){{{least},}}")


@lru_cache(maxsize=None)
def script_name(script: str) -> str:
    """The script's English name from CLDR ('Hani' -> 'Han'), or its code."""
    return Locale("en").scripts.get(script, script)


@lru_cache(maxsize=None)  # a few entries per language
def _foreign_letter(lang: str, latin: bool) -> regex.Pattern:
    allowed = "".join(rf"\p{{sc={s}}}" for s in sorted(scripts_of(lang) | ({LATIN} if latin else set())))
    return regex.compile(rf"(?=\p{{L}})[^{allowed}]")


def written_in(word: str, lang: str | None, latin: bool = True) -> bool:
    """Whether every letter of the word is of a script the language writes its words in, or (with
    `latin`) Latin, which every language's texts have for names, units and acronyms; True where
    the language's scripts are unknown."""
    return not scripts_of(lang) or _foreign_letter(lang, latin).search(word) is None
