"""Fragments of the source left in a script the translation does not write its words in: Chinese
characters in English, kana in Chinese, Hebrew in English; and, where the translation is written in
another script than Latin, a word of a Latin-script source copied as it is ("在会议上meeting").

The translation's language is known, so its script is too, and a letter of the source's script in
it needs no language identification, however short the fragment: langdetect cannot tell one word,
a script can. Which script a language writes is CLDR's answer, through Babel (cleaners/scripts.py). Latin letters are in every language's texts (names, brands, units, acronyms),
so a Latin word counts only in lower case, copied from the source, and common in the source
language. A fragment in brackets is left alone: a translator glosses a term with the original
("脂肪干细胞 (adipose-derived stem cells)", "the Huoshenshan hospital (火神山医院)").
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import regex

from mtqa.cleaners.detectors import DocView, Hit, detector
from mtqa.cleaners.detectors.source import is_translation
from mtqa.cleaners.detectors.spelling import known_word
from mtqa.cleaners.scripts import LATIN, letters, script_name, scripts_of

# A Latin word of the source is untranslated when it is at least this common in the source
# language (Zipf 3: once per million words), so that a term or a name in lower case is not.
LATIN_WORD_ZIPF = 3.0
# A lower-case Latin word: not part of an address, a file name, a code or a hyphenated term.
_LATIN_WORD = regex.compile(r"(?<![\p{sc=Latn}\p{M}\d'’._/@#-])\p{Ll}{3,}(?![\p{sc=Latn}\p{M}\d'’_/@-])(?![.]\w)")
_ROMAN_NUMERAL = regex.compile(r"[ivxlcdm]+")
_AFTER_NUMBER = regex.compile(r"\d\s?$")
_SOURCE_WORD = regex.compile(r"\p{L}+")
# The innermost brackets, whose content is a gloss or a list marker ("(iii)").
_OPENING = regex.compile(r"[(\[（【]")
_BRACKETED = regex.compile(r"[(\[（【][^()\[\]（）【】]*[)\]）】]")


@detector("source.untranslated_fragment", "accuracy/untranslated", "major",
          "A fragment left in the source's script, which the translation does not write its words in "
          "(Chinese characters in English, kana in Chinese), or a common word of a Latin-script source "
          "copied into a translation in another script.")
def untranslated_fragment(view: DocView) -> Iterator[Hit]:
    """No suggestion: what the fragment should be is a translator's call."""
    if not is_translation(view):
        return
    target, source = scripts_of(view.lang), scripts_of(view.source_lang)
    foreign, latin = source - target - {LATIN}, LATIN in source and LATIN not in target
    if not target or not (foreign or latin):
        return  # (most pairs: both languages in Latin script)
    text = view.text
    bracketed = [m.span() for m in _BRACKETED.finditer(text)] if _OPENING.search(text) else []

    def glossed(start: int, end: int) -> bool:
        return any(s < start and end < e for s, e in bracketed)

    if foreign:
        names = " and ".join(script_name(s) for s in sorted(foreign))
        for m in letters(foreign).finditer(text):
            if not glossed(*m.span()):
                yield m.start(), m.end(), f"'{m.group()}' is in the source's script ({names}): left untranslated.", None
    if latin:
        yield from _latin_words(view, glossed)


def _latin_words(view: DocView, glossed: Callable[[int, int], bool]) -> Iterator[Hit]:
    """Lower-case words of a Latin-script source copied into a translation in another script."""
    text, source_words = view.text, None
    for m in _LATIN_WORD.finditer(text):
        word = m.group()
        if _ROMAN_NUMERAL.fullmatch(word) or glossed(*m.span()) or _AFTER_NUMBER.search(text, max(0, m.start() - 2), m.start()):
            continue  # a list marker, a gloss, a unit ("15 min")
        if source_words is None:
            source_words = {w.casefold() for w in _SOURCE_WORD.findall(view.doc.source or "")}
        if word in source_words and known_word(word, view.source_lang, min_zipf=LATIN_WORD_ZIPF):
            yield m.start(), m.end(), f"'{word}' is a {view.source_lang} word left untranslated.", None
