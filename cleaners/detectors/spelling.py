"""Misspelled words: what the target language's Hunspell dictionary does not know.

Hunspell (cleaners/hunspell.py) says whether a form is a word, inflections and compounds
included. A miss says "not a known word", not what the word should be, so a correction is offered
only with more evidence: the dictionary knows the word with a capital (a German noun in lower
case), or its guess is one edit away, common in wordfreq's counts and clearly likelier than any
other. Words of the source (names, terms kept as they are) are never flagged, and nor are words
wordfreq has seen in use often enough (names and loanwords the dictionary lacks).

wordfreq also answers, for the other checks, whether a word is known in a language at all
(`known_word`); its data ships with the package: no download.
"""

from __future__ import annotations

import hashlib
import math
import os
import threading
import unicodedata
from collections import OrderedDict
from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path

import platformdirs
import regex

from mtqa.cleaners import hunspell
from mtqa.cleaners.datafiles import safe_load
from mtqa.cleaners.spans import code_spans
from mtqa.cleaners.transliteration import transcribes_source, transliterates_source
from mtqa.files import atomic_writer
from mtqa.limits import WORD_CACHE
from mtqa.cleaners.detectors import DocView, Hit, detector

_NO_WORDFREQ = frozenset({"zh", "ja", "ko", "th"})


@lru_cache(maxsize=1)
def _languages() -> frozenset[str]:
    from wordfreq import available_languages

    return frozenset(available_languages(wordlist="best")) - _NO_WORDFREQ


def has_word_list(lang: str | None) -> bool:
    """Whether wordfreq has a word list for the language (none for Chinese, Japanese, Korean, Thai)."""
    return bool(lang) and lang in _languages()


COMMON = 1e-6  # once per million words (Zipf 3): "common", and the least a source-language check asks for


def _pack(lang: str) -> list[list[str]]:
    """wordfreq's raw list for `lang`: words in bins of one centibel, most frequent first. Read
    here rather than through wordfreq's get_frequency_dict, which keeps this list and the dict
    (both cached for the life of the process); we keep only what we build from it."""
    from wordfreq import available_languages, read_cBpack

    return read_cBpack(available_languages(wordlist="best")[lang])


class WordList:
    """wordfreq's frequencies for one language (what its get_frequency_dict gives), held as a
    marisa-trie BytesTrie from each word to its bin (two bytes): 1-3 MB a language, where a dict
    of Python strings took 30-115 MB. The trie is one block of memory that lookups only read, so
    the pool's workers, forked after the command loaded it (flows/pool.py), share it page for
    page; a dict's strings and entries are Python objects, which a worker's lookups and collector
    write to, copying their pages one by one into each worker.

    Building a trie takes 0.3-1 CPU-s a language, so it is built once per machine and saved in
    the user's cache folder (`_cache_file`), and later runs map the file (`mmap`): its pages
    are then the page cache's, shared by every process that reads the list."""

    __slots__ = ("trie",)

    def __init__(self, lang: str) -> None:
        import marisa_trie

        path = _cache_file(lang) if lang in _languages() else None
        self.trie = marisa_trie.BytesTrie()
        if path is not None:
            try:
                self.trie.mmap(str(path))
                return
            except (OSError, RuntimeError):  # not there yet, or unreadable: built again
                pass
        pack = _pack(lang) if lang in _languages() else []
        bins = [index.to_bytes(2, "big") for index in range(len(pack))]
        built = marisa_trie.BytesTrie((word, bins[index]) for index, words in enumerate(pack) for word in words)
        del pack
        if path is None or not _save(built, path):
            self.trie = built
            return
        self.trie.mmap(str(path))

    def frequency(self, word: str) -> float:
        """The word's frequency as written (0 for a word not listed). A word listed twice takes its
        last (lower) frequency, as in get_frequency_dict: its highest bin."""
        found = self.trie.get(word)
        return _frequency_of_bin(int.from_bytes(max(found), "big")) if found else 0.0


@lru_cache(maxsize=4096)
def _frequency_of_bin(index: int) -> float:
    from wordfreq import cB_to_freq

    return cB_to_freq(-index)


WORD_LIST_FORMAT = 1  # raised when what a saved trie holds changes


def _cache_file(lang: str) -> Path | None:
    """Where the language's trie is saved: named after what it is built from (wordfreq's data file,
    its size and time, marisa-trie's version and WORD_LIST_FORMAT), so that a changed list or
    library never reads an old file. None where there is no cache folder."""
    from importlib.metadata import version

    from wordfreq import available_languages

    try:
        source = Path(available_languages(wordlist="best")[lang])
        stat = source.stat()
        folder = Path(platformdirs.user_cache_dir("mtqa", appauthor=False)) / "word-lists"
    except (OSError, KeyError):
        return None
    key = hashlib.sha256(f"{WORD_LIST_FORMAT}|{version('marisa-trie')}|{source}|{stat.st_size}|{stat.st_mtime_ns}".encode())
    return folder / f"{lang}-{key.hexdigest()[:16]}.marisa"


def _save(trie, path: Path) -> bool:
    """Write the trie to `path` atomically (a file of its own, then renamed: two processes may
    build the same list at once); False where the folder cannot be written."""
    try:
        with atomic_writer(path, "wb") as out:
            trie.write(out)
    except OSError:
        return False
    return True


# Word lists per process, loaded on first use and bounded: the least recently used is dropped past
# the bound (a corpus in 42 languages loads 42 lists). The pool's warm-up loads the lists of the
# input's languages before forking (`load_word_list`), so that the workers share them.
MAX_FULL_LISTS = 16
_FULL: OrderedDict[str, WordList] = OrderedDict()  # per language, every word wordfreq knows
_lists_lock = threading.Lock()


def load_word_list(lang: str | None) -> None:
    """Load the language's word list now, if wordfreq has one (the pool's warm-up calls this)."""
    if has_word_list(lang):
        _word_list(lang)


def release_word_lists() -> None:
    """Forget every word list and what was remembered of words (they load again on next use)."""
    with _lists_lock:
        _FULL.clear()
    for cache in (_case_fix, _accent_fix, _dropped_accents, _dictionary_fix, _common_as_written, _passed_over):
        cache.cache_clear()


def _word_list(lang: str) -> WordList:
    """wordfreq's frequencies for `lang`; empty for a language it has no list of (it would
    otherwise fall back to a related language's: Spanish for Basque)."""
    with _lists_lock:  # the thread runner's threads share the lists
        found = _FULL.get(lang)
        if found is not None:
            _FULL.move_to_end(lang)
            return found
    found = WordList(lang)
    with _lists_lock:
        _FULL[lang] = found
        _FULL.move_to_end(lang)
        while len(_FULL) > MAX_FULL_LISTS:
            _FULL.popitem(last=False)
    return found


def known_word(word: str, lang: str | None, common: bool = False, min_zipf: float | None = None) -> bool:
    """Whether wordfreq knows `word` in `lang`: at all, at least once per million words (`common`),
    or at least at `min_zipf` on the Zipf scale (3 = once per million words). A language without a
    word list knows every word: no check may call a word unknown there."""
    if not lang or lang not in _languages():
        return True
    floor = 10 ** (min_zipf - 9) if min_zipf is not None else COMMON if common else 0.0
    freq = _word_list(lang).frequency(word.casefold())
    if min_zipf is not None:
        return freq >= floor
    return freq >= COMMON if common else freq > 0


# A word is checked when it is at least this long: shorter ones are mostly abbreviations.
MIN_LENGTH = 3
# ... and at most this long: longer than any word a dictionary holds (German compounds included), a
# run of letters is debris (a storm of combining marks), not a misspelling, and correcting it by
# single edits would try its length times the alphabet in candidates.
MAX_LENGTH = 64
# A word this common in wordfreq's counts is taken as known without asking Hunspell (most words
# of a text are: a dictionary lookup instead of Hunspell's affix and compound search).
COMMON_ZIPF = 3.0
COMMON_CACHE_WORDS = WORD_CACHE  # words whose answer is remembered (mtqa/limits.py: a few MB a process)
NOUN_CAPITALS = frozenset({"de", "lb"})  # languages whose nouns take a capital: a lower-case noun is misspelled
# A restored accent must give a word wordfreq has seen (Hunspell's compounding accepts
# "Kindermodeöls"); a typo is corrected only in a word wordfreq has hardly seen (a rare real word
# the dictionary lacks, "aufzuhetzen", is not a typo of a common one).
SEEN_ZIPF = 1.0
# A suggestion for a capitalised word (a name, mostly) must be this common: a rare name is more
# often right than a misspelling of a frequent one ("Endovenous" is not a bad "Endogenous").
NAME_FIX_ZIPF = 4.0
# ... and one for any other word at least this common, and this many times as common as the
# next candidate, or the dictionary's guess is not evidence enough.
WORD_FIX_ZIPF = 3.0
CLEAR_MARGIN = 10.0
_WORD = regex.compile(r"(?<![\p{L}\p{M}\d_'’@#/.-])\p{L}[\p{L}\p{M}]*(?:['’]\p{L}[\p{L}\p{M}]*)*(?![\p{L}\p{M}\d_@/])(?!['’]\p{L})(?![.-]\w)")


_APOSTROPHE = regex.compile(r"['’]")


def zipf(word: str, lang: str | None) -> float:
    """wordfreq's Zipf frequency of the word in the language; 0 for a word it has not seen, or a
    language without a word list."""
    return _zipf(word, lang) if has_word_list(lang) else 0.0


def _zipf(word: str, lang: str) -> float:
    """wordfreq's Zipf frequency of the word in the language (0 for a word it has not seen)."""
    freq = _word_list(lang).frequency(word.casefold())
    return math.log10(freq) + 9 if freq else 0.0


@lru_cache(maxsize=COMMON_CACHE_WORDS)
def _common_as_written(word: str, lang: str) -> bool:
    """Whether the word is at least COMMON_ZIPF common: asked of nearly every word of every text,
    and a few thousand words make up most of any text, so the answers are remembered."""
    return _zipf(word, lang) >= COMMON_ZIPF


@lru_cache(maxsize=WORD_CACHE)  # (mtqa/limits.py)
def _passed_over(word: str, lang: str) -> bool:
    """Whether the word is fine wherever it stands: what decides it is the word alone, and the
    same few thousand words make up most texts, so the answer is remembered."""
    if not MIN_LENGTH <= len(word) <= MAX_LENGTH or word[1:] != word[1:].lower():
        return True  # short, debris, or an acronym or identifier (mRNA, COVID)
    if _common_as_written(word, lang) and (word[0].isupper() or lang not in NOUN_CAPITALS):
        # a common word as written: no need to ask Hunspell (German nouns want their capital), unless
        # it is in lower case and the dictionary has it with a capital only ("june", "germany")
        return word[0].isupper() or not _capital_only(word, lang)
    return hunspell.knows(word, lang)


def _capital_only(word: str, lang: str) -> bool:
    """A lower-case word the dictionary knows with a capital only: a month, a country or a people
    written in lower case by MT that lowercases. wordfreq folds case, so "june" is as common there
    as "June"; only the dictionary tells them apart. Not a word that is also:
    - a word of the language's other variety (British "grey"; US English has the surname "Grey"),
      and not at all where that variety's dictionary is missing;
    - an English word, in another language (loanwords a dictionary may lack: "bacon", "campus");
    - a common word with an accent put back (Spanish "dificil" is "difícil", not the place
      "Dificil" the dictionary lists)."""
    return (len(word) >= CAPITAL_ONLY_MIN_LENGTH and not hunspell.knows(word, lang) and _case_fix(word, lang) is not None
            and hunspell.variety_installed(lang) and not hunspell.known_in_lower_case_elsewhere(word, lang)
            and not (lang != "en" and hunspell.has_dictionary("en") and hunspell.knows(word, "en"))
            and _accent_fix(word, lang) is None and not _accent_lost(word, lang))


def _accent_lost(word: str, lang: str) -> bool:
    """Whether putting an accent on one of its letters makes the word a known, seen word
    ("dificil" -> "difícil", "corazon" -> "corazón")."""
    for i, letter in enumerate(word):
        for accented in _ACCENTED_FORMS.get(lang, {}).get(letter, ()):
            candidate = word[:i] + accented + word[i + 1:]
            if _zipf(candidate, lang) >= SEEN_ZIPF and hunspell.knows(candidate, lang):
                return True
    return False


# Shorter lower-case words are prefixes and abbreviations as often as names lowered ("eco", "mai").
CAPITAL_ONLY_MIN_LENGTH = 4


def _sentence_starts(view: DocView) -> set[int]:
    return {start + len(view.text[start:end]) - len(view.text[start:end].lstrip("\"'“„«‘¿¡([-–— ")) for start, end in view.sentences}


@detector("spelling.unknown_word", "fluency/spelling", "major",
          "A word the target language's Hunspell dictionary does not know, with the correction where the "
          "evidence is clear: a capital lost, an accented letter lost, or one clear typo.")
def unknown_word(view: DocView) -> Iterator[Hit]:
    """Reported only with a correction: a word the dictionary lacks and no evidence can correct is
    as often a rare term or name as a misspelling, and that guess is not worth a reviser's time."""
    lang = view.lang
    if not hunspell.has_dictionary(lang) or not view.in_expected_language:
        return
    if all(_passed_over(word, lang) for word in _WORD.findall(view.text)):
        return  # most texts: every word known, without a look at where each one stands
    source_words = _source_words(view.doc.source or "")
    starts = None
    lower_case_text: bool | None = None  # asked at the first capital lost
    code = code_spans(view.text)
    for m in _WORD.finditer(view.text):
        word = m.group()
        if _passed_over(word, lang) or m.start() in code:
            continue  # (code in backticks keeps its words as they are: `echo`)
        low = word.casefold()
        if low in source_words or any(part in source_words for part in _APOSTROPHE.split(low)):
            continue  # a name or term the translation kept from its source
        capital = word[0].isupper()
        if capital:
            starts = _sentence_starts(view) if starts is None else starts
            if m.start() in starts and hunspell.knows(low, lang):
                continue
        fix, why = _case_fix(word, lang), "a capital lost"
        if fix is not None and lower_case_text is None:
            lower_case_text = _lower_case_transcript(view)
        if fix is not None and lower_case_text:
            continue  # a transcript in lower case, as its source ("i think biden spoke on monday")
        if (fix is not None and low in _lower_case_in_use(lang) and not _NUMBER_BEFORE.search(view.text, max(0, m.start() - 8), m.start())
                and not _NUMBER_AFTER.match(view.text, m.end())):
            continue  # German "alles top", "grad": an adjective or adverb, not the noun ("30 Grad", "Grad 2")
        if fix is not None and lang in NOUN_CAPITALS and _NOUN_AFTER.match(view.text, m.end()) and _declines_as_adjective(fix, lang):
            continue  # "eine außenstehende Anwaltskanzlei": an adjective before its noun, rightly in lower case
        if fix is None and view.source_lang and view.source_lang != lang and known_word(low, view.source_lang, common=True):
            continue  # a word of the source language: untranslated, not misspelled (the source checks' finding)
        if fix is None:
            fix, why = _accent_fix(word, lang), "an accented letter lost"
        if fix is None and _zipf(low, lang) < SEEN_ZIPF and not _in_foreign_phrase(view.text, m, lang):
            fix, why = _dictionary_fix(word, lang, NAME_FIX_ZIPF if capital else WORD_FIX_ZIPF), "a typo"
            if fix is not None and (_accent_loss_likelier(word, fix, lang) or _source_term(low, fix.casefold(), view)
                                    or transliterates_source(word, view.doc.source, fix)
                                    or transcribes_source(word, view.doc.source, fix) or _drawn_out(word, fix, lang)):
                continue  # an accent lost, which word unclear ("Flle": "Fälle" or "Fülle", not "Alle"), or
                # a term carried over from the source ("explantations" for "Explantationen"), or one it
                # writes in its own script ("mamad" for ממ"ד) or the translation in its own ("рилс" for
                # reels), or a word drawn out for emphasis
                # ("ganaaas", whose neighbour "ganadas" is another word): no typo to guess
        if fix is not None:
            yield m.start(), m.end(), f"'{word}' is not in the {lang} dictionary ({why}?): '{fix}'.", fix


_DRAWN_OUT = regex.compile(r"(\p{L})\1{2,}")


def _drawn_out(word: str, fix: str, lang: str) -> bool:
    """Whether the word is another word of the language than `fix` with a letter drawn out, three
    times or more ("ganaaas" is "ganas", not "ganadas"; "sooo"), as social text writes for
    emphasis. A typo with a letter tripled whose fix is the word drawn in ("committtee") is not."""
    if not _DRAWN_OUT.search(word):
        return False
    forms = {_DRAWN_OUT.sub(r"\1", word), _DRAWN_OUT.sub(r"\1\1", word)}
    return fix not in forms and any(hunspell.knows(form, lang) or hunspell.knows(form.lower(), lang) for form in forms)


def _lower_case_transcript(view: DocView) -> bool:
    """Whether translation and source are both in lower case throughout, in cased scripts: a speech
    transcript's convention. A translation in lower case from a source with capitals lost them (MT
    that lowercases German nouns), and one from a script without case says nothing either way.
    German nouns take their capitals in a transcript too."""
    source = view.doc.source
    return (bool(source) and view.lang not in NOUN_CAPITALS and not any(c.isupper() for c in view.text)
            and any(c.islower() for c in source) and not any(c.isupper() for c in source))


@lru_cache(maxsize=None)  # one entry per language
def _lower_case_in_use(lang: str) -> frozenset[str]:
    """Words the language writes in lower case that its dictionary has as nouns only (data/spelling.yaml)."""
    path = Path(__file__).resolve().parents[1] / "data" / "spelling.yaml"
    return frozenset(safe_load(path.read_text(encoding="utf-8"))["lower_case_in_use"].get(lang, ()))


_NUMBER_BEFORE = regex.compile(r"\d[ \u00a0]*$")
_NUMBER_AFTER = regex.compile(r"[ \u00a0]*\d")
# A capitalised noun after a word, on the same line ("außenstehende Anwaltskanzlei").
_NOUN_AFTER = regex.compile(r"[^\S\n]\p{Lu}\p{Ll}")
# The endings a German adjective takes (stark, starke, starken, starker, starkes, starkem).
ADJECTIVE_ENDINGS = ("en", "em", "er", "es", "e")
# The shortest adjective a compound may end in ("mäßig", "stehend", "kulturell").
MIN_ADJECTIVE = 4


def _declines_as_adjective(noun: str, lang: str) -> bool:
    """Whether a capitalised word the dictionary knows is a noun made from an adjective, which the
    dictionary knows only through its compounding: the word ends in an adjective it has in lower
    case, with -e, -er and -es alike ("Außenstehende": stehende, stehender, stehendes). Before a
    noun, its lower-case form is that adjective, rightly in lower case ("eine außenstehende
    Anwaltskanzlei"). Nouns decline otherwise, so a lowered noun before a name is a capital lost
    ("der kanzler Scholz", "die freunde Merkels")."""
    stem = next((noun[: -len(e)] for e in ADJECTIVE_ENDINGS if noun.endswith(e)), "").lower()
    return any(all(hunspell.knows(stem[i:] + e, lang) for e in ("e", "er", "es"))
               for i in range(1, len(stem) - MIN_ADJECTIVE + 1))


# A run of Latin letters in a source written without spaces between words (Chinese, Japanese):
# "STAT3、BAX以及", "p.Ser1781Arg突变" hold the terms BAX, Ser and Arg, which _WORD cannot cut out.
_LATIN_RUN = regex.compile(r"\p{Latin}+")


def _source_words(source: str) -> set[str]:
    """The source's words, case-folded: its words as a space-separated language writes them, and
    its runs of Latin letters, the terms a Chinese or Japanese source embeds in its text."""
    return {w.casefold() for w in _WORD.findall(source)} | {w.casefold() for w in _LATIN_RUN.findall(source)}


def _in_foreign_phrase(text: str, m: regex.Match, lang: str) -> bool:
    """A word next to another word the dictionary does not know is part of a foreign name or phrase
    ("Statistisk sentralbyrå"), not one typo: correcting it alone would invent a word."""
    before = _WORD.findall(text[max(0, m.start() - 40):m.start()])
    after = _WORD.findall(text[m.end():m.end() + 40])
    neighbours = ([before[-1]] if before else []) + ([after[0]] if after else [])
    return any(len(w) >= MIN_LENGTH and not hunspell.knows(w, lang) and not hunspell.knows(w.lower(), lang)
               for w in neighbours)


@lru_cache(maxsize=WORD_CACHE)  # (mtqa/limits.py)
def _case_fix(word: str, lang: str) -> str | None:
    """A word the dictionary knows with a capital only (a German noun written in lower case,
    "germany"): the capitalised form."""
    if word[0].islower() and hunspell.knows(word[0].upper() + word[1:], lang):
        return word[0].upper() + word[1:]
    return None


# A word this short, an accented letter missing, may have lost two: the words that two letters put
# back give veto a one-letter fix (_accent_fix) and a typo guess (_dropped_accents), never win.
SHORT_WORD = 6
# Letters that a lossy conversion to ASCII drops ("Abhngigkeit", "atencin"), per language.
ACCENTED = {
    "de": "äöüßÄÖÜ", "fr": "éèêàâçîïôûùëœ", "es": "áéíóúñü", "pt": "ãõáéíóúâêôçà",
    "it": "àèéìòù", "en": "", "ru": "ё",
}


# Each language's accented letters by the letter they are written on ("e": "éèêë" in French).
_ACCENTED_FORMS = {lang: {base: tuple(c for c in letters if c != base and unicodedata.normalize("NFD", c)[0] == base)
                          for base in {unicodedata.normalize("NFD", c)[0] for c in letters}}
                   for lang, letters in ACCENTED.items()}


# A source word that begins with this many letters of a translation's word (all of a shorter
# word's, four at least), and with fewer of the typo fix's, is the term the word renders:
# "explantations" for "Explantationen" is no typo of "explanations", "redund" (Spanish
# "redundar") none of "refund", nor "ficht" (German "Fichtenwälder") one of "fight".
SOURCE_PREFIX = 6
SOURCE_PREFIX_MIN = 4


def _source_term(word: str, fix: str, view: DocView) -> bool:
    """Whether the (case-folded) word renders a source word rather than misspelling its typo fix: a
    source word shares a longer beginning with it than with the fix (SOURCE_PREFIX letters, or
    the whole of a shorter word). Not where the fix only doubles a letter of the word:
    "asociated" for Spanish "asociados" is a misspelling the source's cognate led to, and
    "associated" is right."""
    if len(word) < SOURCE_PREFIX_MIN or _one_letter_doubled(word, fix):
        return False
    start = word[:SOURCE_PREFIX]
    for other in _source_words_by_start(view.doc.source or "").get(start[:SOURCE_PREFIX_MIN], ()):
        if not other.startswith(start):
            continue
        if len(os.path.commonprefix([word, other])) > len(os.path.commonprefix([fix, other])):
            return True
    return False


def _one_letter_doubled(word: str, fix: str) -> bool:
    """Whether `fix` is `word` with one of its letters written twice ("efectively", "effectively")."""
    return len(fix) == len(word) + 1 and any(fix[i] == fix[i + 1] and fix[:i] + fix[i + 1:] == word for i in range(len(word)))


@lru_cache(maxsize=8)  # asked for each typo fix of a document, of the same source
def _source_words_by_start(source: str) -> dict[str, tuple[str, ...]]:
    """The source's case-folded words by their first SOURCE_PREFIX_MIN letters."""
    by_start: dict[str, list[str]] = {}
    for word in _source_words(source):
        if len(word) >= SOURCE_PREFIX_MIN:
            by_start.setdefault(word[:SOURCE_PREFIX_MIN], []).append(word)
    return {start: tuple(words) for start, words in by_start.items()}


@lru_cache(maxsize=WORD_CACHE)
def _dropped_accents(word: str, lang: str) -> int:
    """How many accented letters of the language put back (one, or two in a short word) give a
    word wordfreq has seen and the dictionary knows: evidence that the word lost them, even where
    which word it was is not clear ("Flle": "Fälle" or "Fülle"; "grter": "größter"). 0: none."""
    letters = _accented_lower(lang)
    singles = _one_letter_in(word, letters)
    if _known_common(singles, lang):
        return 1
    if len(word) <= SHORT_WORD and _known_common([two for one in singles for two in _one_letter_in(one, letters)], lang):
        return 2
    return 0


@lru_cache(maxsize=WORD_CACHE)
def _accent_fix(word: str, lang: str) -> str | None:
    """The one known word that the word becomes with one accented letter of the language put back.
    For a short word the choice must also stand against the words it becomes with two put back:
    "Gre" becomes only "Göre" with one, but it was "Größe" or "Grüße" (a lossy conversion drops
    every accented letter of a word). Those only veto: as suggestions, two letters put into a
    short word invent more words than they restore ("budgt" is no "budgété")."""
    letters = _accented_lower(lang)
    singles = _one_letter_in(word, letters)
    fix = _clear_winner(_known_common(singles, lang), lang, SEEN_ZIPF)
    if fix is None or len(word) > SHORT_WORD:
        return fix
    rivals = _known_common([two for one in singles for two in _one_letter_in(one, letters)], lang)
    if rivals and max(_zipf(w, lang) for w in rivals) > _zipf(fix, lang) - math.log10(CLEAR_MARGIN):
        return None
    return fix


def _accent_loss_likelier(word: str, fix: str, lang: str) -> bool:
    """Whether lost accents explain the word better than its typo fix: one accented letter put
    back gives a word, or two do and the typo fix changes a letter rather than adding one ("grter"
    is rather "größter" than "guter"; "budgt" is "budget", not "budgété")."""
    lost = _dropped_accents(word, lang)
    return lost == 1 or (lost == 2 and len(fix) == len(word))


def _one_letter_in(word: str, letters: str) -> list[str]:
    """The word with one of the letters put in after its first letter or later."""
    return [word[:i] + c + word[i:] for i in range(1, len(word) + 1) for c in letters]


@lru_cache(maxsize=16)
def _accented_lower(lang: str) -> str:
    return "".join(c for c in ACCENTED.get(lang, "") if c.islower())


def _known_common(candidates: list[str], lang: str) -> list[str]:
    """The candidates wordfreq has seen (SEEN_ZIPF) and the dictionary knows: the trie first, Hunspell
    only for the few that pass it."""
    words, floor = _word_list(lang), 10 ** (SEEN_ZIPF - 9)
    return [w for w in dict.fromkeys(candidates) if words.frequency(w.casefold()) >= floor and hunspell.knows(w, lang)]


def _clear_winner(candidates: list[str], lang: str, min_zipf: float) -> str | None:
    """The candidate that is at least `min_zipf` common and CLEAR_MARGIN times as common as the
    next one; None when there is none or the choice is not clear."""
    ranked = sorted(((_zipf(c, lang), c) for c in dict.fromkeys(candidates)), reverse=True)
    if not ranked or ranked[0][0] < min_zipf:
        return None
    if len(ranked) > 1 and ranked[0][0] - ranked[1][0] < math.log10(CLEAR_MARGIN):
        return None
    return ranked[0][1]


@lru_cache(maxsize=WORD_CACHE)
def _dictionary_fix(word: str, lang: str, min_zipf: float) -> str | None:
    """The known word one edit away (a letter dropped, added, changed, or two swapped) that is
    common and clearly the likeliest: else None. The candidates are generated here and checked
    against the dictionary (Hunspell's own suggestion search is two orders of magnitude slower,
    and its guesses go beyond one edit)."""
    letters = _alphabet(lang)
    low = word.lower()
    edits = {low[:i] + low[i + 1:] for i in range(len(low))}
    edits |= {low[:i] + low[i + 1] + low[i] + low[i + 2:] for i in range(len(low) - 1)}
    edits |= {low[:i] + c + low[i + 1:] for i in range(len(low)) for c in letters}
    edits |= {low[:i] + c + low[i:] for i in range(len(low) + 1) for c in letters}
    edits.discard(low)
    words, floor = _word_list(lang), 10 ** (min_zipf - 9)
    frequent = [w for w in edits if words.frequency(w) >= floor]  # a trie lookup each: Hunspell only for these
    cased = [w[0].upper() + w[1:] if word[0].isupper() else w for w in frequent]
    return _clear_winner([w for w in cased if hunspell.knows(w, lang)], lang, min_zipf)


@lru_cache(maxsize=16)
def _alphabet(lang: str) -> str:
    """The lower-case letters of a language: ASCII's (for Latin-script languages) and its accented ones."""
    return ("абвгдеёжзийклмнопрстуфхцчшщъыьэюя" if lang in ("ru", "uk", "bg") else "abcdefghijklmnopqrstuvwxyz") + \
        "".join(c for c in ACCENTED.get(lang, "") if c.islower())
