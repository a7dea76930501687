"""Which scripts a language writes its words in, and what is written in which script.

A language's scripts are CLDR's, through Babel: its likely script (zh is Hans, he is Hebr, ja is
Jpan) and the script of every locale CLDR has for it (sr_Latn beside Cyrillic sr, uz_Cyrl, pa_Arab),
since a text in either is written in that language. A script subtag of the tag names the one
meant ('sr-Latn'). ISO 15924 writing systems of several scripts are split into them, and variants
of a script named apart are named as theirs, by data/scripts.yaml (Jpan is Han, Hiragana and
Katakana; Latf, Fraktur, is Latin). The letters of a script are the Unicode Script_Extensions
property's, through the regex module (the prolonged sound mark 'ー' is both kana's).
"""

from __future__ import annotations

from collections import defaultdict
from functools import lru_cache
from pathlib import Path

import regex
from babel import Locale
from babel.core import get_global
from babel.localedata import locale_identifiers

from mtqa.cleaners.datafiles import safe_load

LATIN = "Latn"
# Letters of no one script ('µ', the micro sign) belong to every language's texts.
COMMON = frozenset({"Zyyy", "Zinh"})
_DATA = Path(__file__).resolve().parent / "data" / "scripts.yaml"


@lru_cache(maxsize=1)
def scripts_data() -> dict:
    """data/scripts.yaml, read once per process."""
    return safe_load(_DATA.read_text(encoding="utf-8"))


@lru_cache(maxsize=None)  # one entry per script
def _unicode_scripts(script: str) -> frozenset[str]:
    """The Unicode scripts of an ISO 15924 code; none where Unicode has no such script."""
    parts = scripts_data()["writing_systems"].get(script, [script])
    known = set()
    for part in parts:
        try:
            regex.compile(rf"\p{{scx={part}}}")
            known.add(part)
        except regex.error:
            pass  # a code Unicode's script property lacks: no letters to look for
    return frozenset(known)


@lru_cache(maxsize=1)
def _locale_scripts() -> dict[str, frozenset[str]]:
    """The script subtags of CLDR's locales, by language: {'sr': {'Latn'}, 'uz': {'Arab', 'Cyrl'}}."""
    found = defaultdict(set)
    for identifier in locale_identifiers():
        parts = identifier.split("_")
        if len(parts) > 1 and len(parts[1]) == 4:
            found[parts[0]].add(parts[1])
    return {lang: frozenset(scripts) for lang, scripts in found.items()}


@lru_cache(maxsize=None)  # one entry per tag
def scripts_of(tag: str | None) -> frozenset[str]:
    """The Unicode scripts a language writes its words in: the script its tag names ('sr-Latn'), or
    else every script CLDR has a locale of it in; empty for an undetermined language ('und') or
    one CLDR does not know, unless the tag names a script ('und-Latn'). Subtags after a singleton ('ar-u-nu-latn') are extensions, not a script."""
    if not tag:
        return frozenset()
    lang, named, _ = _subtags(tag)
    likely = get_global("likely_subtags").get(lang) if lang != "und" else None
    if not named and not likely:
        return frozenset()
    codes = {named} if named else {likely.split("_")[1], *_locale_scripts().get(lang, ())}
    return frozenset(s for code in codes for s in _unicode_scripts(code))


@lru_cache(maxsize=None)  # one entry per tag
def written_script(tag: str) -> str | None:
    """The ISO 15924 script a tag names ('zh-Hant') or implies by CLDR's likely subtags, its region
    first ('zh-TW' and 'zh-HK' are Hant, 'zh' and 'zh-SG' Hans); None for a language CLDR does not know."""
    lang, named, region = _subtags(tag)
    if named:
        return named
    likely = get_global("likely_subtags")
    found = (likely.get(f"{lang}_{region}") if region else None) or likely.get(lang)
    return found.split("_")[1] if found and found.count("_") >= 2 else None


def _subtags(tag: str) -> tuple[str, str | None, str | None]:
    """A tag's language, the script it names and its region ('zh-Hant-TW': 'zh', 'Hant', 'TW');
    subtags after a singleton ('ar-u-nu-latn') are extensions, not a script."""
    parts = regex.split(r"[-_]", tag)
    main = parts[:next((i for i, p in enumerate(parts) if len(p) == 1), len(parts))]
    scripts = [p.title() for p in main[1:] if len(p) == 4 and p.isalpha()]
    regions = [p.upper() for p in main[1:] if len(p) == 2 and p.isalpha()]
    return parts[0].lower(), scripts[0] if scripts else None, regions[0] if regions else None


@lru_cache(maxsize=None)  # one entry per set of scripts
def syllabic(scripts: frozenset[str]) -> bool:
    """Whether one letter of these scripts is a syllable or a word (Han, kana, Hangul)."""
    return scripts <= set(scripts_data()["syllable_scripts"])


@lru_cache(maxsize=None)  # one entry per set of scripts
def letters(scripts: frozenset[str], least: int) -> regex.Pattern:
    """A run of at least `least` letters (and letter numbers: '〇') of these scripts, with their
    combining marks and the joiners inside a word (Persian's zero-width non-joiner). A letter
    shared by scripts counts for each; punctuation shared with them does not ('。')."""
    return regex.compile(rf"(?:(?=[\p{{L}}\p{{Nl}}]){letter_class(scripts)}\p{{M}}*[\u200c\u200d]?){{{least},}}(?<![\u200c\u200d])")


def letter_class(scripts: frozenset[str]) -> str:
    """A regex character class of the letters of these scripts (Script_Extensions)."""
    return "[" + script_properties(scripts) + "]"


def script_properties(scripts: frozenset[str]) -> str:
    """The Script_Extensions properties of these scripts, to go inside a character class."""
    return "".join(rf"\p{{scx={s}}}" for s in sorted(scripts))


@lru_cache(maxsize=None)
def script_name(script: str) -> str:
    """The script's English name from CLDR ('Hani' -> 'Han'), or its code."""
    return Locale("en").scripts.get(script, script)


@lru_cache(maxsize=None)
def language_name(lang: str | None) -> str:
    """The language's English name from CLDR ('et' -> 'Estonian'), or its tag."""
    return Locale("en").languages.get(lang or "", lang or "?")


@lru_cache(maxsize=None)  # a few entries per language
def _foreign_letter(lang: str, latin: bool) -> regex.Pattern:
    allowed = scripts_of(lang) | COMMON | ({LATIN} if latin else set())
    return regex.compile(rf"(?=\p{{L}})(?!{letter_class(allowed)})")


def written_in(word: str, lang: str | None, latin: bool = True) -> bool:
    """Whether every letter of the word is of a script the language writes its words in, or (with
    `latin`) Latin, which every language's texts have for names, units and acronyms; True where
    the language's scripts are unknown."""
    return not scripts_of(lang) or _foreign_letter(lang, latin).search(word) is None
