"""Acronyms copied from the source that belong to the source language.

MT keeps an acronym as it is, while a translator rebuilds it from the translated words: Spanish
"modelo lineal generalizado (MLG)" is "generalized linear model (GLM)" in English, English
"relapse-free survival (RFS)" is "supervivencia libre de recaída (SLR)" in Spanish. The evidence
is in the text itself, with no list of acronyms: the source defines the acronym with words whose
letters it is built from, and the translation defines it with words whose initials do not give it
(or puts its own acronym in its place). Then every copy of it is flagged, with the acronym of the
translated words when they give one: in that document (the detector), and in every other
document of the same language pair that copies it from its source (`CorpusAcronyms`, run when
the shards are merged). An acronym the translation spells with its own words ("odds ratio (OR)"
kept in English words), a name's acronym, one marked as kept ("por sus siglas en inglés"), and
target languages whose writers keep the source's acronyms (data/acronyms.yaml) are left alone.

The matching of an acronym to the words before it is Schwartz and Hearst's ("A simple algorithm
for identifying abbreviation definitions in biomedical text", PSB 2003), the usual baseline of
biomedical text mining.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path

import regex

from mtqa.cleaners.corpus import CorpusCheck
from mtqa.cleaners.datafiles import safe_load
from mtqa.cleaners.detectors import DocView, Hit, detector
from mtqa.cleaners.detectors.source import is_translation
from mtqa.records import Finding

# Two or more capitals, maybe digits and one inner hyphen ("PG-SGA"). A word in capitals (a
# heading, "RESULTS") matches too, and counts only if the source defines it as an acronym.
_ACRONYM = regex.compile(r"(?<![\p{L}\p{N}-])(\p{Lu}[\p{Lu}\p{N}]*(?:-\p{Lu}[\p{Lu}\p{N}]*)?)(?![\p{L}\p{N}]|-\p{L})")
# "long form (ACR)", "(ACR;", "(ACR,", "[ACR]": the acronym opens a bracket
_DEFINED = regex.compile(r"[(\[]\s*(\p{Lu}[\p{Lu}\p{N}]*(?:-\p{Lu}[\p{Lu}\p{N}]*)?)\s*[)\],;:]")
_WORD = regex.compile(r"[\p{L}\p{N}]+(?:['’-][\p{L}\p{N}]+)*")
MIN_LETTERS, MAX_LETTERS = 2, 10
_DATA = Path(__file__).resolve().parents[1] / "data" / "acronyms.yaml"


@lru_cache(maxsize=1)
def _data() -> dict:
    """data/acronyms.yaml, with its word lists casefolded: per target language, the words that
    mark an acronym kept on purpose (`kept_on_purpose`) and the words an acronym skips
    (`skipped_words`); the languages whose writers keep the source's acronyms."""
    data = safe_load(_DATA.read_text(encoding="utf-8"))
    return {"kept_on_purpose": {lang: tuple(_plain(w) for w in words) for lang, words in data["kept_on_purpose"].items()},
            "skipped_words": {lang: frozenset(w.casefold() for w in words) for lang, words in data["skipped_words"].items()},
            "keeps_source_acronyms": frozenset(data["keeps_source_acronyms"])}


def _applies(view: DocView) -> bool:
    """A translation (source in another language) into a language whose writers rebuild acronyms."""
    return is_translation(view) and view.lang not in _data()["keeps_source_acronyms"]


@lru_cache(maxsize=4096)
def _fold(ch: str) -> str:
    """One character, lower case and without its accent: 'Í' -> 'i'. Always one character, so
    that positions in a folded text are positions in the text."""
    return unicodedata.normalize("NFD", ch)[0].lower()[0]


def _plain(text: str) -> str:
    """Folded character by character, with typographic apostrophes as "'" (for matching words)."""
    return "".join(_fold(ch) for ch in text.replace("’", "'"))


def _letters(acronym: str) -> str:
    """The letters of an acronym, folded: 'PG-SGA' -> 'pgsga', 'ÍMC' -> 'imc'."""
    return "".join(_fold(ch) for ch in acronym if ch.isalpha())


def long_form(acronym: str, before: str) -> str | None:
    """The words of `before` (the text up to the bracket) that `acronym` abbreviates, or None.

    Schwartz-Hearst: the acronym's letters are found right to left in the candidate words, in
    order, the first of them at the start of a word; the candidate is at most min(n + 5, 2n)
    words. Accents do not matter ("índice de masa corporal" spells IMC).

    >>> long_form("FFQ", "Diet was assessed with a food frequency questionnaire ")
    'food frequency questionnaire'
    >>> long_form("IMC", "el índice de masa corporal "), long_form("GLM", "modelos lineales ")
    ('índice de masa corporal', None)
    """
    letters = _letters(acronym)
    if not MIN_LETTERS <= len(letters) <= MAX_LETTERS:
        return None
    words = [m for m in _WORD.finditer(before)][-min(len(letters) + 5, 2 * len(letters)):]
    if not words:
        return None
    start = words[0].start()
    window = _plain(before[start:])
    l_idx = len(window) - 1
    for s_idx in range(len(letters) - 1, -1, -1):
        ch = letters[s_idx]
        while l_idx >= 0 and (window[l_idx] != ch or (s_idx == 0 and l_idx > 0 and window[l_idx - 1].isalnum())):
            l_idx -= 1
        if l_idx < 0:
            return None
        l_idx -= 1
    return before[start + l_idx + 1:].strip()  # the first letter's match starts a word


@lru_cache(maxsize=8)
def definitions(text: str) -> dict[str, tuple[str | None, int, int]]:
    """Each acronym `text` defines in brackets: its long form (None where the words before the
    bracket do not spell it), where the bracket opens and where the definition ends. The first
    definition of an acronym counts. Cached: the detector and the corpus step read the same
    texts; callers must not change the result."""
    found: dict[str, tuple[str | None, int, int]] = {}
    for m in _DEFINED.finditer(text):
        acronym = m.group(1)
        if acronym not in found and MIN_LETTERS <= len(_letters(acronym)) <= MAX_LETTERS:
            found[acronym] = long_form(acronym, text[max(0, m.start() - 300):m.start()]), m.start(), m.end()
    return found


# compiled once: `regex.split` with a pattern string looks it up in the module's cache at every call
_WORD_PARTS = regex.compile(r"['’-]")  # where a word splits into parts ("fat-free", "l'indice")
_LONG_FORM_WORDS = regex.compile(r"[\s\-/]+")


def spelt_by_initials(acronym: str, before: str) -> bool:
    """Whether the words just before a bracket begin with the acronym's letters, in order (words
    in between may be skipped: "supervivencia libre de recaída (SLR)"). Stricter than
    `long_form`, which lets letters inside words count: "la linfadenectomía lateral" has the
    letters of LLND, but a reader sees no LLND in it.

    >>> spelt_by_initials("SLR", "La supervivencia libre de recaída "), spelt_by_initials("LLND", "la linfadenectomía lateral ")
    (True, False)
    """
    letters = _letters(acronym)
    parts = [p for w in _WORD.findall(before) for p in _WORD_PARTS.split(w) if p]
    parts = parts[-min(len(letters) + 5, 2 * len(letters)):]
    heads = [_fold(p[0]) for p in parts]
    if not heads or letters[-1] not in heads[-2:]:
        return False
    it = iter(heads)
    return all(ch in it for ch in letters)


def _spelt_out(long: str, acronym: str) -> bool:
    """A long form of about a word per letter, two at least ("food frequency questionnaire (FFQ)"),
    not one word whose inner letters spell it ("radiotherapy (RT)", which languages share)."""
    return len(_LONG_FORM_WORDS.split(long.strip())) >= max(2, len(_letters(acronym)) - 1)


_TOKEN = regex.compile(r"[\p{L}\p{N}]+(?:['’-][\p{L}\p{N}]+)*|[^\s\p{L}\p{N}]")


def initials(before: str, count: int, lang: str | None) -> str:
    """The acronym a translator would build from the words before the bracket: the initials of
    its last `count` words, hyphenated parts each, the language's function words skipped
    ("supervivencia libre de recaída" -> "SLR", "fat-free mass" -> "FFM"), taken within the
    phrase (back to a punctuation mark or another acronym); "" when the phrase has fewer. A
    guess, offered for review.

    >>> initials("with a food frequency questionnaire ", 3, "en"), initials("el índice de masa corporal ", 3, "es")
    ('FFQ', 'IMC')
    """
    skipped = _data()["skipped_words"].get(lang or "", frozenset())
    words: list[str] = []
    for token in reversed(_TOKEN.findall(before)):
        if not token[0].isalnum() or (token.isupper() and len(token) > 1):
            break
        for part in reversed(_WORD_PARTS.split(token)):
            if part and part[0].isalpha() and part.casefold() not in skipped and len(words) < count:
                words.append(part)
        if len(words) == count:
            break
    return "".join(_fold(w[0]).upper() for w in reversed(words)) if len(words) == count else ""


def _is_name(long: str) -> bool:
    """A proper name ("Mexican Health and Aging Study", "Patient-Generated Subjective Global
    Assessment"): most words after the first capitalised (not "baipás gástrico en Y de Roux", an
    eponym in a common noun). Names of bodies, studies and instruments keep their acronym in
    translation; in German, where every noun is capitalised, most long forms read as names, so
    German acronyms are mostly left alone."""
    words = [w for w in _LONG_FORM_WORDS.split(long.strip())[1:] if len(w) >= 4]
    return bool(words) and 2 * sum(w[0].isupper() for w in words) > len(words)


# A built acronym in one script: Latin, Cyrillic or Greek letters, not a mix.
_ONE_SCRIPT = regex.compile(r"\p{Latin}+|\p{Cyrillic}+|\p{Greek}+")
_BEFORE_MID_SENTENCE = regex.compile(r"[\p{Ll},;]\s+$")


def _named_mid_sentence(source: str, long: str) -> bool:
    """Whether the long form opens with a capital inside a sentence of the source: a name in the
    languages that capitalise only a name's first word (Czech "Občanská demokratická strana",
    Russian, Spanish, French), whose parties and bodies keep their acronym in translation."""
    at = source.find(long)
    return at > 0 and long[:1].isupper() and _BEFORE_MID_SENTENCE.search(source, max(0, at - 40), at) is not None


RULE = "source.untranslated_acronym"


def evidence(view: DocView) -> dict[str, tuple[str, str | None]]:
    """The acronyms this document shows to be the source language's, each with its source words
    and the acronym the translation's words give (if any). The source defines the acronym with
    words that spell it, and the translation either defines the same acronym with words whose
    initials do not spell it (and does not say it keeps it on purpose), or puts an acronym of its
    own, spelt by its words, in the same place: "masa libre de grasa (MLG)" as "fat-free mass (FFM)".
    Cached, like `copies`: the detector and the corpus step ask for the same document's; callers
    must not change the result."""
    return _evidence(view.text, view.doc.source or "", view.lang) if _applies(view) else {}


@lru_cache(maxsize=8)
def _evidence(text: str, source: str, lang: str | None) -> dict[str, tuple[str, str | None]]:
    source_defs = definitions(source)
    if not source_defs:
        return {}
    target_defs = definitions(text)
    kept = kept_on_purpose(text, lang)
    # the translation's own acronym in the place of the source's: the n-th definition of each, if
    # each pair has as many letters (else the order is not a guide: "BMI and WC" as "CC y IMC")
    aligned = dict(zip(source_defs, target_defs)) if len(source_defs) == len(target_defs) else {}
    if any(len(_letters(a)) != len(_letters(b)) for a, b in aligned.items()):
        aligned = {}
    found = {}
    for acronym, (source_long, _, _) in source_defs.items():
        if (source_long is None or not _spelt_out(source_long, acronym) or _is_name(source_long)
                or _named_mid_sentence(source, source_long) or acronym in kept or source_long in text):
            continue  # not spelt by its source words, a name, kept on purpose, or its source words kept too
        if acronym in target_defs:
            bracket = target_defs[acronym][1]
            before = text[max(0, bracket - 300):bracket]
            if spelt_by_initials(acronym, before):
                continue
            guess = initials(before, len(_letters(acronym)), lang)
            one_script = guess and _ONE_SCRIPT.fullmatch(guess)  # not "ПSAN" from Cyrillic and Latin words
            found[acronym] = (source_long, guess if one_script and guess != acronym else None)
        elif aligned.get(acronym) and aligned[acronym] not in source_defs:
            own = aligned[acronym]
            bracket = target_defs[own][1]
            if spelt_by_initials(own, text[max(0, bracket - 300):bracket]):
                found[acronym] = (source_long, own)
    return found


_BRACKETED = regex.compile(r"[(\[]([^()\[\]\n]{1,200})[)\]]")


def kept_on_purpose(text: str, lang: str | None) -> set[str]:
    """The acronyms of brackets in which the translator says they are kept from another
    language: "(FFQ, por sus siglas en inglés)", "(del inglés food frequency questionnaire, FFQ)".

    >>> sorted(kept_on_purpose("un cuestionario (FFQ, por sus siglas en inglés) y (IMC)", "es"))
    ['FFQ']
    """
    markers = _data()["kept_on_purpose"].get(lang or "", ())
    if not markers:
        return set()
    kept = set()
    for m in _BRACKETED.finditer(text):
        inside = m.group(1)
        if any(marker in _plain(inside) for marker in markers):
            kept.update(_ACRONYM.findall(inside))
    return kept


def copies(view: DocView) -> tuple[tuple[str, int, int], ...]:
    """Acronyms of the translation that its source has too, with their spans in the text: the
    candidates the rest of the corpus may show to be untranslated. Not those the translation
    itself defines with words that spell them, or says it keeps on purpose."""
    return _copies(view.text, view.doc.source or "", view.lang) if _applies(view) else ()


@lru_cache(maxsize=8)
def _copies(text: str, source: str, lang: str | None) -> tuple[tuple[str, int, int], ...]:
    in_source = set(_ACRONYM.findall(source))
    if not in_source:
        return ()
    kept = kept_on_purpose(text, lang) | {a for a, (_, bracket, _) in definitions(text).items()
                                          if spelt_by_initials(a, text[max(0, bracket - 300):bracket])}
    return tuple((m.group(1), m.start(1), m.end(1)) for m in _ACRONYM.finditer(text)
                 if m.group(1) in in_source and m.group(1) not in kept
                 and MIN_LETTERS <= len(_letters(m.group(1))) <= MAX_LETTERS)


def _message(acronym: str, source_lang: str | None, source_long: str, guess: str | None, elsewhere: int = 0) -> str:
    """What a finding says; `elsewhere`: how many other documents show it (the corpus step)."""
    where = (f" (as {elsewhere} document{'s' if elsewhere > 1 else ''} of this corpus show{'' if elsewhere > 1 else 's'})"
             if elsewhere else "")
    hint = f"; its words in the translation would give {guess}" if guess else ""
    return f"'{acronym}' abbreviates the {source_lang} words '{source_long}', not the translation's{where}{hint}."


@detector(RULE, "accuracy/untranslated", "minor",
          "An acronym copied from the source that abbreviates the source language's words, not the translation's.")
def untranslated_acronym(view: DocView) -> Iterator[Hit]:
    """Where the document itself defines the acronym; the corpus step (`CorpusAcronyms`) finds
    its copies in the other documents."""
    found = evidence(view)
    for acronym, start, end in copies(view) if found else ():
        if acronym in found:
            source_long, guess = found[acronym]
            yield start, end, _message(acronym, view.source_lang, source_long, guess), guess


class CorpusAcronyms:
    """Acronyms that some documents of a corpus show to be the source language's (`evidence`),
    flagged where other documents of the same language pair copy them from their source without
    defining them. Two passes over the documents' lines: `add` each, then `findings` for each."""

    def __init__(self) -> None:
        self._evidence: dict[tuple[str, str], dict] = {}

    def add(self, pair: str, defined: dict[str, list]) -> None:
        """First pass: a document's evidence (`evidence`, for its language pair, e.g. "en-es")."""
        for acronym, (source_long, guess) in sorted(defined.items()):
            seen = self._evidence.setdefault((pair, acronym), {"documents": 0, "long": {}, "guess": {}})
            seen["documents"] += 1
            seen["long"][source_long] = seen["long"].get(source_long, 0) + 1
            if guess:
                seen["guess"][guess] = seen["guess"].get(guess, 0) + 1

    def findings(self, doc_id: str, pair: str, defined: dict[str, list], copied: list[list]) -> list[Finding]:
        """Second pass: findings for one document's copies (acronym, start, end and text in the
        original) of acronyms it does not define itself (those its own detector reported)."""
        out = []
        source_lang = pair.split("-")[0]
        for acronym, start, end, original in copied:
            seen = self._evidence.get((pair, acronym))
            if seen is None or acronym in defined:
                continue
            source_long = _most_common(seen["long"])
            guess = _most_common(seen["guess"]) if seen["guess"] else None
            message = _message(acronym, source_lang, source_long, guess, seen["documents"])
            out.append(Finding(doc_id, start, end, original, RULE, "accuracy/untranslated", "minor", message, guess,
                               "review" if guess else "none"))
        return out


def _most_common(counts: dict[str, int]) -> str:
    """The most frequent key; of equals, the first in code-point order (the same in every run)."""
    return min(counts, key=lambda k: (-counts[k], k))


class UntranslatedAcronyms(CorpusCheck):
    """The corpus step of source.untranslated_acronym (cleaners/corpus.py): a document's facts are
    its language pair, the acronyms it shows to be the source's and the acronyms it copies (spans
    in the original text); at the merge, `CorpusAcronyms` does the two passes."""

    name = "acronyms"
    reports = (RULE,)
    detector_step = True

    def __init__(self) -> None:
        self.corpus = CorpusAcronyms()

    def facts(self, view: DocView) -> dict | None:
        copied = copies(view)
        if not copied:
            return None
        return {"pair": f"{view.source_lang}-{view.lang}",
                "defined": {acronym: list(found) for acronym, found in evidence(view).items()},
                "copied": [[acronym, o_start, o_end, view.log.original[o_start:o_end]]
                           for acronym, o_start, o_end in ((a, *view.log.orig_span(s, e)) for a, s, e in copied)]}

    def gather(self, facts: dict) -> None:
        self.corpus.add(facts["pair"], facts["defined"])

    def findings(self, doc_id: str, facts: dict) -> list[Finding]:
        return self.corpus.findings(doc_id, **facts)
