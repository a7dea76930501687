"""The QA checks translators know from translate-toolkit's pofilter, for prose: a translation
compared with its source for final and opening punctuation, capitals, brackets, quotes, sentence
count and punctuation-only text (README: "pofilter checks and their mtqa rules").

pofilter says "endpunc failed" for a whole unit; these checks point at the character. Each runs
only when the record has a source, and compares like with like across scripts: '。' ends a
sentence as '.' does, «…» and „…“ quote as "…" does (cleaners/data/qa.yaml).
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path

import regex

from mtqa.cleaners import hunspell
from mtqa.cleaners.datafiles import safe_load
from mtqa.cleaners.detectors import DocView, Hit, detector
from mtqa.cleaners.detectors.spelling import NOUN_CAPITALS
from mtqa.cleaners.detectors.structure import LIST_MARKER, cased, headings, inch_marks, is_gershayim, mixed_case

_DATA = Path(__file__).resolve().parents[1] / "data" / "qa.yaml"
_WORD = regex.compile(r"[\p{L}\p{N}][\p{L}\p{M}\p{N}'’-]*")
_END_MARKS = ".?!:;,…"
_CONTENT = regex.compile(r"[\p{L}\p{N}]")  # a text without any is punctuation only: qa.pure_punctuation


@lru_cache(maxsize=1)
def data() -> dict:
    """The QA checks' data (cleaners/data/qa.yaml), read once per process."""
    return safe_load(_DATA.read_text(encoding="utf-8"))


@lru_cache(maxsize=1)
def _fold_table() -> dict[int, str]:
    """str.translate's table for `fold`, built once."""
    return str.maketrans(data()["fold"])


def fold(text: str) -> str:
    """Full-width and CJK punctuation as ASCII, character for character (offsets stay valid)."""
    return text.translate(_fold_table())


def local_mark(mark: str, lang: str | None) -> str | None:
    """How the target locale writes a punctuation mark ('.' is '。' in Chinese); None where it
    writes none at the end (an Armenian question is marked on a word)."""
    return data()["end_marks"].get(lang or "", {}).get(mark, mark)


def _ending(text: str) -> tuple[int, int, int, str]:
    """Where a text's final punctuation is, ignoring closing quotes and brackets after it:
    (mark start, mark end, text end, kind), kind one of . ? ! : ; , … or '' for none."""
    folded = fold(text)
    end = len(text.rstrip())
    i = end
    while i > 0 and folded[i - 1] in ")]}" + data()["double_quotes"] + "'’›":
        i -= 1
    j = i
    while j > 0 and folded[j - 1] in _END_MARKS:
        j -= 1
    return j, i, end, _kind(folded[j:i])


def _kind(marks: str) -> str:
    """The kind of a run of final marks: '?!' asks, '...' trails off, '.' ends."""
    for kind in "?!…":
        if kind in marks:
            return kind
    if marks.endswith("..."):
        return "…"
    return marks[-1] if marks else ""


def _word_mark_kind(text: str, stop: int) -> str | None:
    """The kind a mark on a word of the last sentence gives it (Armenian ՞ asks), or None."""
    marks = data()["word_marks"]
    i = stop
    while i > 0 and fold(text[i - 1]) not in ".?!":
        i -= 1
    return next((marks[c] for c in text[i:stop] if c in marks), None)


@detector("qa.end_punctuation", "fluency/punctuation", "minor",
          "The translation ends with other punctuation than its source (a full stop lost, '?' for '.').")
def end_punctuation(view: DocView) -> Iterator[Hit]:
    source = view.doc.source
    if not source or not _CONTENT.search(view.text) or not source.strip() or view.lang == "th":
        return
    if upper_share(source)[1] >= 0.9:
        return  # a heading in capitals: Russian ends one with a full stop, English does not
    s_start, *_, want = _ending(source)
    start, end, text_end, have = _ending(view.text)
    if want == ".":
        want = _word_mark_kind(source, s_start) or want
    if have == ".":
        have = _word_mark_kind(view.text, start) or have
    if want == have:
        return
    if not have:
        yield end, end, f"The source ends with '{want}', the translation has no final punctuation.", local_mark(want, view.lang)
    elif not want:
        yield start, end, f"The translation ends with '{have}', its source has no final punctuation.", ""
    else:
        yield start, end, f"The source ends with '{want}', the translation with '{have}'.", local_mark(want, view.lang)


def _opening(text: str) -> tuple[int, int, str]:
    """The punctuation a text opens with, past Spanish ¿ ¡: (start, end, kind) or kind ''."""
    kinds, ignored = data()["start_kinds"], data()["start_ignored"]
    i = len(text) - len(text.lstrip())
    while i < len(text) and text[i] in ignored:
        i += 1
    ch = fold(text[i : i + 1])
    return i, i + 1, kinds.get(ch, "")


@detector("qa.start_punctuation", "fluency/punctuation", "minor",
          "The translation opens with other punctuation than its source (a bracket, dash, bullet or quote).")
def start_punctuation(view: DocView) -> Iterator[Hit]:
    source = view.doc.source
    if not source or not _CONTENT.search(view.text):
        return
    s_start, _, want = _opening(source)
    start, end, have = _opening(view.text)
    if want == have:
        return
    if not have:
        mark = None if want == '"' else source[s_start]
        yield start, start, f"The source opens with '{source[s_start]}', the translation does not.", mark
    elif not want:
        yield start, end, f"The translation opens with '{view.text[start]}', its source does not.", ""
    else:
        yield start, end, f"The source opens with '{source[s_start]}', the translation with '{view.text[start]}'.", None


def _first_word(text: str) -> regex.Match | None:
    """The first word of a text, past any opening punctuation; None if it starts with a digit, or
    is code: a placeholder, tag, variable, handle or command ("%d file eliminati", "{count} plików",
    "<b>%s</b> ha risposto", "`npm install` non è riuscito"), which no capital may touch."""
    m = _WORD.search(text)
    if m is None or not m.group()[0].isalpha() or (m.start() and text[m.start() - 1] in _CODE_OPENERS):
        return None
    return m


_CODE_OPENERS = "%{<$`@#&\\/:"


@detector("qa.start_caps", "fluency/grammar", "minor",
          "The translation starts in lower case where its source starts with a capital.")
def start_caps(view: DocView) -> Iterator[Hit]:
    """Both must open with a word in a cased script; identifiers (mRNA, pH, iPhone) do not count,
    nor German targets (nouns take capitals there whatever the source does)."""
    source = view.doc.source
    if not source or not (cased(view.lang) and cased(view.source_lang)) or view.lang == "de":
        return
    s_word, t_word = _first_word(source), _first_word(view.text)
    if (_CONTINUED.match(source) or _CONTINUED.match(view.text)) and not (
            t_word is not None and t_word.group().islower() and not hunspell.knows(t_word.group(), view.lang)
            and hunspell.knows(t_word.group().capitalize(), view.lang)):
        return  # a cue going on ("...no lo sé."), but a name's capital lost stays reported ("...madrid")
    if s_word is None or t_word is None or mixed_case(s_word.group()) or mixed_case(t_word.group()):
        return
    want_upper, word = s_word.group()[0].isupper(), t_word.group()
    transcript = (want_upper and view.source_lang == "en" and _PRONOUN_I.fullmatch(s_word.group())
                  and not _CAPITAL_BEYOND_I.search(source, s_word.end()) and not _SENTENCE_MARK.search(source))
    # English capitalises "I" in any text: a lower-case transcript's "I think" ("creo que"), or a UI
    # string's "I agree": which it is the line does not say, so the capital is no sure fix there
    # only a capital lost: a source in lower case (chat, a fragment) says nothing about the
    # translation's first word ("i'm" is never right for "I'm", nor "paris" for "Paris")
    if want_upper and word[0].islower():
        if (_noun_capital(s_word.group(), view.source_lang) and not _MORE_THAN_ONE_WORD.search(source)
                and word.casefold() not in headings() and hunspell.knows(word, view.lang)):
            return  # a keyword: "Tumorsignatur." has its capital as a German noun (not a heading, nor a name: "berlin")
        fixed = None if transcript else word[0].upper() + word[1:]
        yield t_word.start(), t_word.end(), "The source starts with a capital, the translation does not.", fixed


_CONTINUED = regex.compile(r"\s*(?:[-–—]\s*)?(?:\.\.\.|…)")
_PRONOUN_I = regex.compile(r"I(?:['’](?:m|ll|ve|d))?")
# A capital in the source other than the pronoun I's: the source is cased prose, not a transcript
_CAPITAL_BEYOND_I = regex.compile(r"(?!\bI\b)\p{Lu}")
_SENTENCE_MARK = regex.compile(r"[.!?]")
_MORE_THAN_ONE_WORD = regex.compile(r"\p{L}\P{L}+\p{L}")  # (no "\p{L}+" first: it backtracks on a long word)


def _noun_capital(word: str, lang: str | None) -> bool:
    """Whether the word is capitalised as a noun of a language that capitalises every noun (German,
    Luxembourgish): its dictionary knows it with the capital only."""
    return (lang in NOUN_CAPITALS and word[:1].isupper() and hunspell.has_dictionary(lang)
            and not hunspell.knows(word.lower(), lang))


def upper_share(text: str) -> tuple[int, float]:
    """The number of cased letters and the share of them in upper case."""
    letters = [c for c in text if c.isupper() or c.islower()]
    return len(letters), (sum(c.isupper() for c in letters) / len(letters) if letters else 0.0)


@detector("qa.simple_caps", "style", "minor",
          "The source is written in capitals and the translation not, or the reverse.")
def simple_caps(view: DocView) -> Iterator[Hit]:
    source = view.doc.source
    if not source or not (cased(view.lang) and cased(view.source_lang)):
        return
    (s_letters, s_share), (t_letters, t_share) = upper_share(source), upper_share(view.text)
    if min(s_letters, t_letters) < 10:
        return
    start, end = view.trimmed
    if s_share >= 0.9 and t_share <= 0.5:
        yield start, end, "The source is in capitals, the translation is not.", view.text[start:end].upper()
    elif t_share >= 0.9 and s_share <= 0.5:
        yield start, end, "The translation is in capitals, its source is not.", None


def _brackets(text: str) -> dict[str, list[int]]:
    """Where each bracket character is, full-width folded, list markers 'a)' '2)' left out."""
    folded = fold(text)
    markers = {m.end() - 1 for m in LIST_MARKER.finditer(folded)}
    return {ch: [i for i, c in enumerate(folded) if c == ch and i not in markers] for ch in "()[]{}"}


@detector("qa.brackets_source", "fluency/punctuation", "minor",
          "The translation has more or fewer brackets of a kind than its source.")
def brackets_source(view: DocView) -> Iterator[Hit]:
    """Balanced brackets only: an unbalanced one is structure.unbalanced_bracket's finding.
    Round and square brackets count together where either side mixes them (MT swaps them)."""
    source = view.doc.source
    if not source:
        return
    want, have = _brackets(source), _brackets(view.text)
    if any(len(have[o]) != len(have[c]) for o, c in ("()", "[]", "{}")):
        return
    kinds = ("()", "[]", "{}")
    if (want["["] or have["["]) and (want["("] or have["("]):
        want["("] += want["["]
        have["("] += sorted(have["["])
        kinds = ("()", "{}")
    for opener, closer in kinds:
        yield from _compare_counts(view, len(want[opener]), have[opener], f"Bracket pairs '{opener}{closer}'")


def _compare_counts(view: DocView, n_want: int, have: list[int], what: str) -> Iterator[Hit]:
    """A count of things that differs from the source's: with more, the last one is the span
    (the extra one is most often there); with fewer, the end of the text."""
    if len(have) > n_want:
        i = max(have)
        yield i, i + 1, f"{what}: {len(have)} in the translation, {n_want} in the source.", None
    elif len(have) < n_want:
        end = view.trimmed[1]
        yield end, end, f"{what}: {n_want} in the source, only {len(have)} in the translation.", None


def _double_marks(text: str, folded: str, source: str | None = None) -> list[int]:
    """Where the text has double quotation marks of any style: not the marks of Hebrew acronyms,
    nor inch marks ("65\" TV", "15.6” display")."""
    doubles = data()["double_quotes"]
    where = [i for i, c in enumerate(folded) if c in doubles and not is_gershayim(folded, i)]
    inches = inch_marks(text, [i for i in where if text[i] in '"”'], source) if '"' in text or "”" in text else set()
    return [i for i in where if i not in inches]


def quote_openers(text: str) -> list[int]:
    """Where quotations open: every second double mark of any style, and single marks that open
    a quotation (after a space, bracket or the start, before a letter), not apostrophes nor the
    marks of Hebrew acronyms."""
    folded = fold(text)
    where = _double_marks(text, folded)[::2]
    where += [i for i, c in enumerate(folded) if c in data()["single_openers"]
              and (i == 0 or folded[i - 1] in " \t\n([{—–-") and i + 1 < len(folded) and folded[i + 1].isalpha()]
    return sorted(where)


@detector("qa.quotes_source", "fluency/punctuation", "minor",
          "The translation quotes more or fewer passages than its source (quotes of any style, double or single).")
def quotes_source(view: DocView) -> Iterator[Hit]:
    """Unpaired double quotes in the translation are structure.unbalanced_quote's finding."""
    unpaired = len(_double_marks(view.text, fold(view.text), view.doc.source)) % 2
    if view.doc.source and not unpaired:
        yield from _compare_counts(view, len(quote_openers(view.doc.source)), quote_openers(view.text), "Quotations")


@detector("qa.sentence_count", "accuracy/mistranslation", "minor",
          "The translation has more or fewer sentences than its source (split, joined, dropped or added).")
def sentence_count(view: DocView) -> Iterator[Hit]:
    if not view.doc.source or not view.sentences or not view.source_sentences:
        return
    want, have = len(view.source_sentences), len(view.sentences)
    if want != have:
        start, end = view.sentences[0][0], view.sentences[-1][1]
        yield start, end, f"The source has {want} sentence{'s' * (want != 1)}, the translation {have}.", None


@detector("qa.pure_punctuation", "accuracy/untranslated", "critical",
          "The translation is empty or punctuation only, where its source has words; or the source is "
          "punctuation only and the translation changed it.")
def pure_punctuation(view: DocView) -> Iterator[Hit]:
    source, text = view.doc.source, view.text
    if not source or not source.strip():
        return
    start, end = view.trimmed
    if _CONTENT.search(source) and not _CONTENT.search(text):
        what = "punctuation only" if text.strip() else "empty"
        yield start, end, f"The translation is {what}; its source has words.", None
    elif not _CONTENT.search(source) and _mark_kinds(source) != _mark_kinds(text):
        # no suggestion: the target locale may write the same marks otherwise ("……" is "..." in English)
        yield start, end, "The source is punctuation only: the translation should keep its marks.", None


# Marks that each locale writes its own way, reduced to a kind: an ellipsis ("...", "…", "……"), a
# dash ("—", "——", "――", "–"), quotation marks of any style (left out); "?!" and "!?" are the same.
_ELLIPSIS_RUN = regex.compile(r"[.…]{2,}|…")
_DASH_RUN = regex.compile(r"[—―–‒]+|-{2,}")
_QUOTE_MARKS = regex.compile(r"[\"'“”‘’„‚«»‹›「」『』〝〞]")
_MARK_RUN = regex.compile(r"[?!]{2,}")


def _mark_kinds(text: str) -> str:
    """The marks of a punctuation-only text as kinds, so that each locale's form of them compares equal."""
    kinds = _QUOTE_MARKS.sub("", fold(text.strip()))
    kinds = _DASH_RUN.sub("—", _ELLIPSIS_RUN.sub("…", kinds))
    return _MARK_RUN.sub(lambda m: "".join(sorted(set(m.group()))), kinds).replace(" ", "")
