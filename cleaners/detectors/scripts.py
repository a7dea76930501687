"""Fragments of the source left in a script the translation does not write its words in: Chinese
characters in English, kana in Chinese, Hebrew in English; and, where the translation is written in
another script than Latin, words of a Latin-script source copied as they are ("real amount of
expenses" in Russian).

The translation's language is known, so its scripts are too (CLDR's, through Babel:
cleaners/scripts.py), and a letter of the source's script in it needs no language identification:
langdetect cannot tell one word, a script can. One Chinese character or kana is a fragment; in an
alphabet a fragment is three letters or more, standing on its own: shorter runs, or runs glued to
the text's letters, are symbols of the text's own ("γδ T cells", "ΔΔCt"). A phrase is one finding.
Latin letters are in every language's texts (names, brands, units, acronyms, loanwords), so a Latin
word counts only in lower case, copied from the source, far more common in the source language
than in the target's, where the target has a large word list ("pdf" and "app" are Russian too;
Chinese and Japanese have no word list here, so their Latin words are left alone). Left alone too:
a fragment in brackets or followed by one (a translator glosses a term with the original, or the
original with a translation), a URL, an address, markup, a placeholder, code, a Latin phrase
("per se"), and a text hardly in the target's script at all (the language and untranslated checks
report it whole).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from functools import lru_cache

import regex
from wordfreq import available_languages

from mtqa.cleaners.detectors import DocView, Hit, detector
from mtqa.cleaners.detectors.carried import EMAIL, URL
from mtqa.cleaners.detectors.source import is_translation
from mtqa.cleaners.detectors.spelling import has_word_list, known_word, zipf
from mtqa.cleaners.spans import NOT_PROSE
from mtqa.cleaners.scripts import (COMMON, LATIN, language_name, letters, script_name, script_properties,
                                   scripts_data, scripts_of, syllabic)

# Letters of an alphabet in a run, at least, for the run to be a fragment.
MIN_ALPHABET_LETTERS = 3
# A text with fewer of its letters in the target's scripts is not in the target language at all
# (a Russian text left as it is, with an English name): source.untranslated and the language
# checks report it whole, and a finding a word would only repeat them.
TARGET_SCRIPT_SHARE = 0.2
# Target languages whose word list is wordfreq's large one: in a small one a loanword may be
# missing ("email" in Bulgarian), and a word's absence tells nothing.
_LARGE_WORD_LISTS = frozenset(available_languages("large"))
# A Latin word of the source is untranslated when it is at least this common in the source
# language (Zipf 3: once per million words), so that a term or a name in lower case is not ...
LATIN_WORD_ZIPF = 3.0
# ... and this much more common there than in the target language (Zipf, a factor of 30), which
# uses its loanwords ("app", "pdf", "zoom", "in vivo") nearly as often.
LOANWORD_MARGIN = 1.5
# A lower-case Latin word: not part of an address, a file name, a code or a hyphenated term.
_LATIN_WORD = regex.compile(r"(?<![\p{sc=Latn}\p{M}\d'’._/@#-])\p{Ll}{3,}(?![\p{sc=Latn}\p{M}\d'’_/@-])(?![.]\w)")
# A Roman numeral before ")" or "." is a list marker ("iii)"), whatever word it spells ("mix").
_ROMAN_NUMERAL = regex.compile(r"m{0,3}(?:cm|cd|d?c{0,3})(?:xc|xl|l?x{0,3})(?:ix|iv|v?i{0,3})")
_AFTER_NUMBER = regex.compile(r"\d\s?$")
_SOURCE_WORD = regex.compile(r"\p{L}+")
_LETTER = regex.compile(r"\p{L}")
_GLUED = regex.compile(r"[\p{L}\p{N}]")
_HANDLE_OR_HASHTAG = regex.compile(r"(?<![\p{L}\p{N}_@#])(?:@[\p{L}\p{N}_.]+|#[\p{L}\p{N}_]+#?)")
# A Hebrew acronym, its gershayim (or the straight quote keyboards type) before the last letter:
# a word of two letters or more ("ש\"ח", "צה\"ל", "ארה\"ב"), which the letter runs would split
_HEBREW_ACRONYM = regex.compile(r"\p{Hebrew}+[\"״]\p{Hebrew}+")
_OPENERS, _CLOSERS = "([{（［【〔", ")]}）］】〕"
_GLOSS_FOLLOWS = regex.compile(r"[\s\"'”’»」』]*[(（［【]")
# Between two Latin words of one phrase: Latin words and spaces ("amount of expenses").
_LATIN_GAP = regex.compile(r"[\s\p{sc=Latn}'’-]*")


@detector("source.untranslated_fragment", "accuracy/untranslated", "major",
          "A fragment left in the source's script, which the translation does not write its words in "
          "(Chinese characters in English, kana in Chinese), or common words of a Latin-script source "
          "copied into a translation in another script.")
def untranslated_fragment(view: DocView) -> Iterator[Hit]:
    """No suggestion: what the fragment should be is a translator's call."""
    if not is_translation(view):
        return
    target, source = scripts_of(view.lang), scripts_of(view.source_lang)
    foreign = source - target - {LATIN}
    if foreign:  # only the scripts the source is written in (CLDR has Deseret English, Arabic Hausa)
        foreign = _used(foreign, view.doc.source or "")
    latin = (LATIN in source and LATIN not in target and view.lang in _LARGE_WORD_LISTS and has_word_list(view.source_lang))
    if not target or not (foreign or latin):
        return  # (most pairs: both languages in Latin script)
    text = view.text
    aside: list[tuple[int, int]] | None = None

    def left_alone(start: int, end: int) -> bool:
        nonlocal aside
        if aside is None:  # (found once, and only for a text with a candidate)
            aside = _aside(text) + _handles_copied(text, view.doc.source or "")
        return any(s <= start and end <= e for s, e in aside) or _GLOSS_FOLLOWS.match(text, end) is not None

    found = []
    if foreign:
        found += [(m.start(), m.end(), "script") for m in _script_fragments(text, foreign)
                  if not left_alone(*m.span()) and not _quoted_in(m.group(), view.doc.source or "")
                  and not _in_emoticon(text, m.start(), m.end())]
    if latin:
        found += [(m.start(), m.end(), "latin") for m in _latin_words(view, left_alone)]
    if not found or _hardly_in(text, letters(target | COMMON, 1)):
        return  # hardly in the target's script: the language and untranslated checks report the whole
    for start, end, kind in _joined(text, sorted(found), foreign):
        fragment = text[start:end]
        if kind == "latin":
            yield start, end, f"'{fragment}' is {language_name(view.source_lang)}, left untranslated.", None
        else:
            names = [script_name(s) for s in sorted(foreign) if regex.search(rf"\p{{sc={s}}}", fragment)] or [
                script_name(s) for s in sorted(foreign) if regex.search(rf"\p{{scx={s}}}", fragment)]
            script = f"{' and '.join(names)} script{'s' if len(names) > 1 else ''}"
            yield start, end, f"'{fragment}' is in the source's {script}, left untranslated.", None


# A quotation, in any style
_QUOTATION = regex.compile(r"\"[^\"\n]{1,80}\"|“[^“”\n]{1,80}”|„[^„“\n]{1,80}“|«[^«»\n]{1,80}»|「[^「」\n]{1,80}」|『[^『』\n]{1,80}』")
# The marks of a kaomoji, about a kana letter that draws an arm ("ヽ(・∀・)ノ")
_EMOTICON_MARK = regex.compile(r"[()（）・∀´｀ω＾^_;；*゜°▽≧≦∇]")


def _quoted_in(fragment: str, source: str) -> bool:
    """Whether the source quotes the fragment itself: a word spoken of, not translated ("the Hebrew
    word שלום" for 'המילה "שלום"', "源自日语的「かわいい」")."""
    if fragment not in source:
        return False
    # quoted as a word, said so ("the word", "这个词", "המילה"), not a greeting said
    return any(q.group()[1:-1].strip() == fragment and _word_cue().search(source, max(0, q.start() - 12), q.end() + 6)
               for q in _QUOTATION.finditer(source))


@lru_cache(maxsize=1)
def _word_cue() -> regex.Pattern:
    """The words that say a quotation speaks of a word (data/scripts.yaml `word_cues`)."""
    return _any_of(scripts_data()["word_cues"], regex.IGNORECASE)


def _any_of(words: list[str], flags: int = 0, bounded: bool = False) -> regex.Pattern:
    """One pattern for any of the words, the longest first (so "apt-get" is tried before "apt")."""
    body = "|".join(regex.escape(w) for w in sorted(words, key=len, reverse=True))
    return regex.compile(rf"(?<![\p{{L}}\d_-])(?:{body})" if bounded else f"(?:{body})", flags)


def _in_emoticon(text: str, start: int, end: int) -> bool:
    """Whether one or two letters stand among a kaomoji's marks."""
    return end - start <= 2 and bool(_EMOTICON_MARK.search(text, max(0, start - 2), start)
                                     or _EMOTICON_MARK.search(text, end, end + 2))


def _used(scripts: frozenset[str], source: str) -> frozenset[str]:
    """Those of the scripts the source has letters of."""
    if not letters(scripts, 1).search(source):
        return frozenset()
    return frozenset(s for s in scripts if letters(frozenset({s}), 1).search(source))


def _hardly_in(text: str, in_target: regex.Pattern) -> bool:
    """Whether fewer than TARGET_SCRIPT_SHARE of the text's letters are of the target's scripts.
    (Asked of the whole text: a sentence left untranslated in a translated text gets its findings,
    as the sentence checks do not see every short one.)"""
    return TARGET_SCRIPT_SHARE * len(_LETTER.findall(text)) > sum(map(len, in_target.findall(text)))


def _script_fragments(text: str, foreign: frozenset[str]) -> Iterator[regex.Match]:
    """Runs of the foreign scripts' letters: any run of a syllabic script; in an alphabet, a run of
    MIN_ALPHABET_LETTERS or more that no other letter or digit touches."""
    if syllabic(foreign):
        yield from letters(foreign, 1).finditer(text)
        return
    acronyms = list(_HEBREW_ACRONYM.finditer(text)) if "Hebr" in foreign and ('"' in text or "״" in text) else []
    runs = [m for m in letters(foreign, MIN_ALPHABET_LETTERS).finditer(text)
            if not any(a.start() <= m.start() < a.end() for a in acronyms)]
    for m in sorted(runs + acronyms, key=lambda m: m.start()):
        if not (_GLUED.match(text, m.start() - 1) if m.start() else False) and not _GLUED.match(text, m.end()):
            yield m


def _latin_words(view: DocView, left_alone: Callable[[int, int], bool]) -> Iterator[regex.Match]:
    """Lower-case words of a Latin-script source copied into a translation in another script."""
    text, source_words = view.text, None
    for m in _LATIN_WORD.finditer(text):
        word = m.group()
        if ((_ROMAN_NUMERAL.fullmatch(word) and text[m.end():m.end() + 1] in (")", "."))
                or left_alone(*m.span()) or _AFTER_NUMBER.search(text, max(0, m.start() - 2), m.start())):
            continue  # a list marker, a gloss or what glosses, a unit ("15 min")
        if source_words is None:
            source_words = {w.casefold() for w in _SOURCE_WORD.findall(view.doc.source or "")}
        if (word in source_words and known_word(word, view.source_lang, min_zipf=LATIN_WORD_ZIPF)
                and not known_word(word, view.lang, min_zipf=zipf(word, view.source_lang) - LOANWORD_MARGIN)
                and word not in scripts_data()["code_literals"] and not _kept_on_purpose(text, m.start(), m.end())):
            yield m


# A quotation whose words are all in Latin letters: quoted as said or written ("«I'll be back»")
_LATIN_QUOTATION = regex.compile(r"([«“„\"])[^\p{L}«»“”„\"\n]*\p{sc=Latn}[\P{L}\p{sc=Latn}]*?[»”“\"]")
# The Latin words around a point, with the marks a title holds between them
_LATIN_RUN_BEFORE = regex.compile(r"(?:\p{sc=Latn}[\p{sc=Latn}'’-]*[\s,:]+)+$")
_LATIN_RUN_AFTER = regex.compile(r"(?:[\s,:]+\p{sc=Latn}[\p{sc=Latn}'’-]*)+")


@lru_cache(maxsize=1)
def _command() -> regex.Pattern:
    """A command line written in prose ("git pull", "npm install --save lodash", "export PATH=..."):
    a program of data/scripts.yaml `commands` and one to four arguments."""
    name = _any_of(scripts_data()["commands"], bounded=True).pattern
    return regex.compile(name + r"(?:\s+[A-Za-z0-9_.:/=@~+-]+){1,4}")


def _short_or_title(quoted: str) -> bool:
    """Whether a quotation is a few words or a title: kept as said; a sentence quoted is left untranslated."""
    words = regex.findall(r"\p{L}[\p{L}'’-]*", quoted)
    return len(words) <= 3 or all(w[0].isupper() or w.casefold() in _title_small() for w in words)


def _code_like(command: regex.Match) -> bool:
    """Whether a command is code: its name is no English word, or an argument has a mark of code
    ("export PATH=…"; not "export of goods", "cargo ships")."""
    name, *args = command.group().split()
    return name not in scripts_data()["commands_that_are_words"] or any(regex.search(r"[-/.=@:~]", a) for a in args)


def _kept_on_purpose(text: str, start: int, end: int) -> bool:
    """Whether the Latin word is kept on purpose: in a quotation all in Latin letters, in a title or
    a name whose first and last words are capitalised ("House of the Dragon", "Thinking, Fast and
    Slow"), or in a command ("git pull")."""
    window = max(0, start - 80)
    if any(q.start() < start and end < q.end() and _short_or_title(q.group()[1:-1]) for q in _LATIN_QUOTATION.finditer(text, window, end + 80)):
        return True
    if any(c.start() <= start and end <= c.end() and _code_like(c) for c in _command().finditer(text, window, end + 80)):
        return True
    before, after = _LATIN_RUN_BEFORE.search(text, window, start), _LATIN_RUN_AFTER.match(text, end)
    if not (before is not None and after is not None and before.group()[:1].isupper()
            and after.group().split()[-1][:1].isupper()):
        return False
    run = regex.findall(r"\p{L}[\p{L}'’-]*", before.group() + text[start:end] + after.group())
    return all(w[0].isupper() or w.casefold() in _title_small() for w in run)  # (a title's words: not "Bloomberg the deal with Gazprom")


@lru_cache(maxsize=1)
def _title_small() -> frozenset[str]:
    """The small words a title keeps in lower case (data/scripts.yaml `title_small_words`)."""
    return frozenset(scripts_data()["title_small_words"])


def _aside(text: str) -> list[tuple[int, int]]:
    """Where the text's words are not its prose: inside brackets (nested ones too), URLs, e-mail
    addresses, markup, placeholders and code."""
    spans, open_at = [], []
    if any(c in text for c in _OPENERS):
        for i, c in enumerate(text):
            if c in _OPENERS:
                open_at.append(i)
            elif c in _CLOSERS and open_at:
                spans.append((open_at.pop(), i + 1))
    for pattern in (URL, EMAIL, NOT_PROSE, _latin_phrases()):
        spans += [m.span() for m in pattern.finditer(text)]
    return spans


def _handles_copied(text: str, source: str) -> list[tuple[int, int]]:
    """The @handles and #hashtags the translation copies from its source as they are: an address,
    and a tag posts share in its own language ("#הביאו_אותם_הביתה", Weibo's "#话题#")."""
    return [m.span() for m in _HANDLE_OR_HASHTAG.finditer(text) if m.group() in source] if ("@" in text or "#" in text) else []


@lru_cache(maxsize=1)
def _latin_phrases() -> regex.Pattern:
    """Latin phrases that languages in other scripts write in Latin letters too (data/scripts.yaml)."""
    phrases = sorted(scripts_data()["latin_phrases"], key=len, reverse=True)
    return regex.compile(r"(?<!\p{L})(?:" + "|".join(regex.escape(p) for p in phrases) + r")(?!\p{L})", regex.IGNORECASE)


def _joined(text: str, found: list[tuple[int, int, str]], foreign: frozenset[str]) -> Iterator[tuple[int, int, str]]:
    """Fragments next to each other as one: a phrase left untranslated is one finding, its short
    words included ("Он сказал, что я не знаю"), but not across a sentence's end or a quotation mark."""
    script_gap = _script_gap(foreign)
    start, end, kind = found[0]
    for s, e, k in found[1:]:
        gap = script_gap if kind == "script" else _LATIN_GAP
        if k == kind and gap.fullmatch(text, end, s):
            end = e
        else:
            yield start, end, kind
            start, end, kind = s, e, k
    yield start, end, kind


@lru_cache(maxsize=None)  # one entry per set of scripts
def _script_gap(foreign: frozenset[str]) -> regex.Pattern:
    """What may stand between two fragments of one phrase: spaces, commas, dashes, middle dots
    (a name in parts, "阿卜杜勒·卡迪尔") and the scripts' short words. One character class,
    repeated: a group inside a repeat would backtrack without end on a long run of letters."""
    return regex.compile(rf"[\s,，、\p{{Pd}}·・\u200c\u200d\p{{M}}{script_properties(foreign)}]*")
