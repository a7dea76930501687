"""Whether a Latin-script word transliterates a word of a source in another script.

A translation from Hebrew, Arabic, Russian or Greek carries over terms and names in Latin letters
("mamad" for ממ"ד, "hesped" for הספד, "tremp" for טרמפ). A spelling dictionary does not know them,
and a typo fix would turn them into English words ("mama", "helped", "trump"): the spelling check
asks here first and offers no fix for a word the source spells in its own script.

Both sides are reduced to a consonant skeleton. The source is romanised by anyascii (a maintained
table of every Unicode character's Latin reading), and the consonants that transliteration
conventions write differently are folded together (b/v/w, p/f, k/q/c/ch/kh, s/z/sh/ts); vowels,
h and y are dropped, and the source's v is tried without as well (a vowel letter as often as a
consonant), since Hebrew and Arabic write few vowels and transliterations disagree on the rest. A word of Hebrew or Arabic may carry up to three prefix
letters (ה, ו, ב, ל, מ, ש; ال): the source skeleton may have up to three consonants more at its
start. Chinese, Japanese and Korean are left out: their romanisations run syllables together.
"""

from __future__ import annotations

from functools import lru_cache

import regex
from anyascii import anyascii

# Letters of scripts whose words are romanised one by one (not Han, kana or Hangul, nor Latin)
_FOREIGN_WORD = regex.compile(r"[\p{Hebrew}\p{Arabic}\p{Cyrillic}\p{Greek}\p{Armenian}\p{Georgian}]+(?:[\"'״׳][\p{Hebrew}]+)?")
# Hebrew and Arabic glue one-letter prefixes to a word (ל, ב, ה, ו, ש, מ; ال): only their words are
# tried without their first consonants
_PREFIXING = regex.compile(r"[\p{Hebrew}\p{Arabic}]")
_DROPPED = regex.compile(r"[^bcdfgjklmnpqrstvwxz]")
_FOLD = str.maketrans({"v": "b", "w": "b", "f": "p", "q": "k", "c": "k", "z": "s", "x": "k"})
# A skeleton this short matches too many words by chance ("teh": t)
MIN_SKELETON = 3
MAX_PREFIX = 3
# The most letters an inflected source word may add to the word it romanises ("аспирину", "aspirin")
MAX_ENDING = 3
# A Hebrew or Arabic loanword this long whose fix keeps its consonants is an international word
# misspelled ("festivel"), not a term carried over: those are short ("tremp", "mamad")
LONG_WORD = 7


def skeleton(word: str, drop_v: bool = False) -> str:
    """The word's consonants, folded across transliteration conventions; with `drop_v`, without
    its v (Hebrew ו and Arabic و are a vowel as often as a consonant)."""
    latin = anyascii(word).casefold()
    latin = latin.replace("ch", "k").replace("kh", "k").replace("sh", "s").replace("ts", "s").replace("tz", "s")
    return _DROPPED.sub("", latin.replace("v", "") if drop_v else latin).translate(_FOLD)


@lru_cache(maxsize=512)
def _source_forms(source: str) -> tuple[frozenset[str], frozenset[str], frozenset[str]]:
    """The romanisations of the source's words in a romanisable non-Latin script, and every
    skeleton of them: of Hebrew and Arabic words (with up to MAX_PREFIX of their first consonants
    dropped, prefix letters), and of words of alphabets that write their vowels (Cyrillic, Greek)."""
    romanised: set[str] = set()
    abjad: set[str] = set()
    alphabet: set[str] = set()
    for m in _FOREIGN_WORD.finditer(source):
        romanised.add(anyascii(m.group()).casefold())
        prefixing = bool(_PREFIXING.match(m.group()))
        for full in {skeleton(m.group()), skeleton(m.group(), drop_v=True)}:
            if prefixing:
                abjad.update(full[cut:] for cut in range(min(MAX_PREFIX, len(full)) + 1))
            else:
                alphabet.add(full)
    return (frozenset(romanised), frozenset(s for s in abjad if len(s) >= MIN_SKELETON),
            frozenset(s for s in alphabet if len(s) >= MIN_SKELETON))


def transliterates_source(word: str, source: str | None, fix: str | None = None) -> bool:
    """Whether a Latin word's skeleton is that of a word of the source in another script: its
    typo fix is then withheld. A Hebrew or Arabic word writes no vowels, so a fix of a short word
    that matches one may turn a term into an English word ("tremp" into "trump"). Where the
    source's word writes its vowels (Cyrillic, Greek), a fix that keeps the skeleton only mends
    a vowel ("presidant" for "президент") and stands, and so does the fix that is the source
    word's romanisation but for an inflection's ending ("aspyrin" for "аспирину")."""
    if not source or not _FOREIGN_WORD.search(source):
        return False
    own = skeleton(word)
    if len(own) < MIN_SKELETON:
        return False
    romanised, abjad, alphabet = _source_forms(source)
    if own in abjad:  # (a long word's vowel slip, "temparature" for טמפרטורה, is a typo still)
        return not (fix is not None and skeleton(fix) == own and len(fix) >= LONG_WORD)
    if fix is not None and (skeleton(fix) == own or any(
            r.startswith(fix.casefold()) and len(r) - len(fix) <= MAX_ENDING for r in romanised)):
        return False
    return own in alphabet


# A Latin word of a source, which a translation in another script may transcribe ("reels", "checkup")
_LATIN_WORD = regex.compile(r"\p{sc=Latn}{3,}")
_DOUBLED = regex.compile(r"(.)\1+")
# The most consonants an inflection adds to a transcribed word ("скамом" for "scam"), and the fewest
# a source word's skeleton needs, doubled ones made single ("checkup": kp). Only the fix is at stake
# (withheld), and only the words of one source are compared.
MAX_ENDING_CONSONANTS = 2
MIN_TRANSCRIBED = 2


def transcribes_source(word: str, source: str | None, fix: str | None = None) -> bool:
    """Whether a word of Cyrillic or Greek letters transcribes a Latin word of the source, an
    inflection's ending allowed: a loan the dictionary has not caught up with ("рилс" for reels,
    "чекап" for checkup, "скамом" for scam). Its consonants, doubled ones made single, begin with
    the source word's."""
    if not source or not _LATIN_WORD.search(source) or not _FOREIGN_WORD.fullmatch(word):
        return False
    own = _DOUBLED.sub(r"\1", skeleton(word))
    fixed = _DOUBLED.sub(r"\1", skeleton(fix)) if fix else ""
    return any(len(theirs) >= MIN_TRANSCRIBED and own.startswith(theirs) and len(own) - len(theirs) <= MAX_ENDING_CONSONANTS
               and not fixed.startswith(theirs)  # (a fix that fits the source word as well is no evidence)
               for theirs in _latin_skeletons(source))


@lru_cache(maxsize=512)
def _latin_skeletons(source: str) -> frozenset[str]:
    return frozenset(_DOUBLED.sub(r"\1", skeleton(m.group())) for m in _LATIN_WORD.finditer(source))

