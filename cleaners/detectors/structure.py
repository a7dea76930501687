"""Broken structure: split sentences, stray fragments, lower-case starts, unbalanced brackets and
quotes, repeated words, sentences and loops, list items run together. Typical of neural MT."""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path

import regex

from mtqa.cleaners.datafiles import safe_load
from mtqa.cleaners.detectors import DocView, Hit, detector
from mtqa.cleaners.detectors.spelling import known_word, zipf
from mtqa.cleaners.segment import abbreviations

_DATA = Path(__file__).resolve().parents[1] / "data" / "structure.yaml"
_WORD = regex.compile(r"\p{L}[\p{L}\p{M}'’-]*")
_CASED = regex.compile(r"[\p{Lu}\p{Ll}]")


@lru_cache(maxsize=1)
def _data() -> dict:
    return safe_load(_DATA.read_text(encoding="utf-8"))


@lru_cache(maxsize=1)
def headings() -> frozenset[str]:
    """Words that stand alone as headings of abstracts and articles ("Results", "Methods")."""
    return frozenset(_data()["headings"])


def cased(lang: str | None) -> bool:
    """Whether the language's script has upper and lower case (capitals mean nothing elsewhere)."""
    return lang not in ("zh", "ja", "ko", "th", "ar", "he", "fa", "hi")


def _line_end(text: str, pos: int) -> bool:
    """Whether only spaces separate `pos` from a line break (or the end)."""
    rest = text[pos:]
    stripped = rest.lstrip(" \t")
    return not stripped or stripped[0] in "\r\n"


def _same_line(text: str, a_end: int, b_start: int) -> bool:
    return "\n" not in text[a_end:b_start] and "\r" not in text[a_end:b_start]


def _sentence_pairs(view: DocView) -> Iterator[tuple[tuple[int, int], tuple[int, int]]]:
    """Consecutive sentences, in languages that have upper and lower case (none else)."""
    if cased(view.lang):
        yield from zip(view.sentences, view.sentences[1:])


@detector("structure.broken_sentence", "fluency/punctuation", "major",
          "A sentence cut in two by a stray full stop: the second part starts in lower case (\"of the bloc. soviet.\").")
def broken_sentence(view: DocView) -> Iterator[Hit]:
    text = view.text
    for (ps, pe), (s, e) in _sentence_pairs(view):
        words = _WORD.findall(text[s:e])
        first = text[s]
        if (text[pe - 1] == "." and text[pe - 2 : pe] != ".."  # "Ну... может быть": an ellipsis pauses
                and first.islower() and first not in _ORDINAL_INDICATORS  # Portuguese "3.º lugar"
                and _same_line(text, pe, s) and 1 <= len(words) <= 3
                and _WORD.match(text, s) is not None and not mixed_case(words[0])
                and not _abbreviation_before(text, pe - 1, view.lang)  # "мм рт. ст.", "Bartonella sp. in"
                and not _LIST_NUMBER.search(text[ps:pe])):  # "1. higher pensions;", "parts: 1. higher": a list number
            last = list(_WORD.finditer(text, ps, pe))
            start = last[-1].start() if last else pe - 1
            if len(words) == 1:  # often an adjective MT left after its noun: "bloc. soviet." is "Soviet bloc."
                yield start, e, ("A full stop splits this sentence: the word after it continues it (if it is an "
                                 "adjective MT left after its noun, it goes before: \"bloc. soviet.\" is \"Soviet bloc.\")."), None
                continue
            # no joining after an address ("info@abc.de. the"): its full stop may end the sentence
            token = _LAST_TOKEN.search(text, max(0, pe - 1 - MAX_TOKEN), pe - 1).group()
            joined = None if any(c in token for c in "@/.") else text[start : pe - 1] + " " + text[s:e]
            yield start, e, "A full stop splits this sentence: the next words continue it.", joined


_LAST_TOKEN = regex.compile(r"\S*$")
_ORDINAL_INDICATORS = "ºª"  # lower-case letters to Unicode, the end of an ordinal "3.º" to a reader
# A list item's number: the whole sentence, or after the colon that introduces the list.
_LIST_NUMBER = regex.compile(r"(?:^|:\s*)\d{1,3}\.$")
# Characters read back from a full stop for the word it ends (an address is shorter).
MAX_TOKEN = 200


def mixed_case(word: str) -> bool:
    """Identifiers like 'mRNA', 'pH', 'eGFR', 'iPhone' legitimately start in lower case."""
    return any(c.isupper() for c in word[1:]) or any(c.isdigit() for c in word)


@detector("structure.lowercase_start", "fluency/grammar", "minor",
          "A sentence that starts in lower case after a full stop, question or exclamation mark.")
def lowercase_start(view: DocView) -> Iterator[Hit]:
    text = view.text
    for (_, pe), (s, e) in _sentence_pairs(view):
        m = _WORD.match(text, s)
        if m is None or not text[s].islower() or mixed_case(m.group()) or text[pe - 1] not in ".!?":
            continue
        if text[pe - 1] == "." and pe >= 2 and text[pe - 2].isdigit():
            continue  # an ordinal, not the end of a sentence ("2019. urtean", "am 3. januar")
        if text.endswith("...", 0, pe):
            continue  # an ellipsis, as "…" (a pause, or a subtitle cue going on: "...que estaba en París")
        if len(_WORD.findall(text[s:e])) <= 3 and _same_line(text, pe, s):
            continue  # a split sentence: structure.broken_sentence reports it
        if _abbreviation_before(text, pe - 1, view.lang):
            continue  # "Bartonella sp. in", "E. tenella": the splitter took an abbreviation for an end
        word = m.group()
        yield m.start(), m.end(), "The sentence starts with a lower-case letter.", word[0].upper() + word[1:]


_BEFORE_STOP = regex.compile(r"(?:\p{L}+\.)*\p{L}*$")
# Letters, at most, in each part of an abbreviation written with inner full stops ("bl.a.", "m.fl.").
MAX_ABBREVIATION_PART = 3


def _abbreviation_before(text: str, stop: int, lang: str | None) -> bool:
    """Whether the full stop at `stop` ends an abbreviation or a single letter (an initial). Short
    letters joined by full stops, one of them a single letter or all in capitals, are an
    abbreviation whatever the language (Dutch "o.a.", Swedish "m.fl.", Spanish "EE.UU."): no list
    holds them all. A domain ("bbc.co.uk.") is neither."""
    if text[stop] != ".":
        return False
    word = _BEFORE_STOP.search(text, max(0, stop - 20), stop).group()
    parts = word.split(".")
    if (len(parts) > 1 and all(1 <= len(p) <= MAX_ABBREVIATION_PART for p in parts)
            and (min(map(len, parts)) == 1 or word.isupper())):
        return True
    return len(word) == 1 or word.casefold() in abbreviations(lang)


# A stranded word follows a sentence; after a piece shorter than this, the splitter cut a run of
# abbreviations ("Arq. Bras. Cardiol. 2020"), not a sentence.
MIN_WORDS_BEFORE_FRAGMENT = 3
# A number of one to three digits and its full stop: an ordinal in a language that writes them so
# ("die 2. Runde", "am 3. Mai"), which a sentence splitter takes for an end. A year ("in 2022.")
# has four digits and does end sentences, and so does "rose to 120." in English.
_ORDINAL_STOP = regex.compile(r"(?<![\d.,:])\d{1,3}\.$")


def _after_ordinal(text: str, end: int, lang: str | None) -> bool:
    """Whether the full stop that `end` follows ends an ordinal number of a language that dots them."""
    return lang in _data()["ordinal_full_stop"] and _ORDINAL_STOP.search(text, max(0, end - 5), end) is not None


@detector("structure.fragment", "fluency/grammar", "major",
          "A one-word 'sentence' stranded after a sentence on the same line (\"in Ukraine. China.\").")
def fragment(view: DocView) -> Iterator[Hit]:
    """Where the source has as many one-word sentences, the translation keeps its style: a
    reporter's "Guilty." or "Again." after a sentence is no artifact."""
    found = list(_fragments(view.text, view.sentences, view.lang))
    if found and view.doc.source:
        source = view.doc.source
        if cased(view.source_lang):
            kept = list(_fragments(source, view.source_sentences, view.source_lang))
        else:  # short sentences, not all of one word ("זה הכל.", "今天就到这里。"): only where the
            # translation split no sentence of its own ("...of the country. Egypt. That's all.")
            kept = list(_short_sentences(source, view.source_sentences)) \
                if len(view.sentences) <= len(view.source_sentences) else []
        if len(found) <= len(kept):
            return
    for s, e in found:
        yield s, e, "A single word stands alone as a sentence: it probably belongs to the sentence before.", None


def _fragments(text: str, spans: list[tuple[int, int]], lang: str | None) -> Iterator[tuple[int, int]]:
    """The one-word sentences of a text that follow a sentence on the same line."""
    titles = headings()
    for (ps, pe), (s, e) in zip(spans, spans[1:]):
        piece = text[s:e]
        words = _WORD.findall(piece)
        if (len(words) == 1 and len(_WORD.findall(text, ps, pe)) >= MIN_WORDS_BEFORE_FRAGMENT
                and piece.rstrip(".") == words[0] and piece.endswith(".") and text[s].isupper()
                and _same_line(text, pe, s) and text[pe - 1] == "." and words[0].casefold() not in titles
                and not words[0].isupper() and not _after_ordinal(text, pe, lang)
                and not _abbreviation_before(text, pe - 1, lang)):  # "у смт. Гостомель."
            yield s, e


# The most letters a sentence of an unspaced script without case may have and count as a one-word
# sentence ("又一次。", "终于。", "太不像话了。"), and the fewest the sentence before it must have.
SHORT_SENTENCE_LETTERS, LONGER_SENTENCE_LETTERS = 6, 6
# In a spaced script without case (Hebrew, Arabic), the most words of such a sentence ("מומלץ.",
# "לא ייאמן."): Hebrew writes few vowels, but its single words still run to eight letters
SHORT_SENTENCE_WORDS = 2
_UNSPACED_SCRIPT = regex.compile(r"[\p{Han}\p{Hiragana}\p{Katakana}\p{Thai}\p{Lao}\p{Khmer}\p{Myanmar}]")


def _short_sentences(text: str, spans: list[tuple[int, int]]) -> Iterator[tuple[int, int]]:
    """In a text of a script without case (Chinese, Japanese, Hebrew, Arabic), its very short
    sentences after a longer one on the same line: what a one-word sentence of the translation
    may render."""
    for (ps, pe), (s, e) in zip(spans, spans[1:]):
        if not _same_line(text, pe, s):
            continue
        before = text[ps:pe]
        if not _UNSPACED_SCRIPT.search(text, s, e):  # a spaced script: words are counted
            words = len(_WORD.findall(text, s, e))
            short = 0 < words <= SHORT_SENTENCE_WORDS and len(_WORD.findall(before)) > SHORT_SENTENCE_WORDS
        else:
            letters = sum(c.isalpha() for c in text[s:e])
            short = 0 < letters <= SHORT_SENTENCE_LETTERS and sum(c.isalpha() for c in before) >= LONGER_SENTENCE_LETTERS
        if short:
            yield s, e


_BRACKET = regex.compile(r"[()\[\]{}]")
LIST_MARKER = regex.compile(r"(?:^|(?<=\s))(?:\d{1,2}|[a-zA-Z]|[ivx]{1,4})\)(?=\s+\p{L})")


@detector("structure.unbalanced_bracket", "fluency/punctuation", "minor",
          "A paragraph with more opening than closing brackets of a kind, or the reverse.")
def unbalanced_bracket(view: DocView) -> Iterator[Hit]:
    """Counts per paragraph and bracket kind. Round and square brackets that balance together
    (a half-open interval '[0, 1)', a confidence interval '[1.2-3.4)') stay silent, and list
    markers 'a)', '2)' do not count. Where the source is out of balance the same way, by as
    many, the translation only kept it (a segment cut inside a bracket): not its artifact. The
    source's paragraph of the same number answers for each paragraph; if the two have different
    numbers of paragraphs, the whole source answers for the first and the last one, where a cut
    shows."""
    lines = view.text.splitlines(keepends=True)
    source: list[str] | None = None  # read only once a paragraph has brackets
    pos = 0
    for number, line in enumerate(lines):
        where = _brackets(line)
        if not any(where.values()) or _imbalance(_all_brackets(line)) == _BALANCED:
            pos += len(line)  # no brackets, or balanced once '3)' counts as a bracket ("(March 3)")
            continue
        if source is None:
            source = (view.doc.source or "").translate(_FULL_WIDTH_BRACKETS).splitlines()
        if len(source) == len(lines):
            excused = _imbalance(_brackets(source[number]))
        elif number in (0, len(lines) - 1):
            excused = _imbalance(_brackets("\n".join(source)))
        else:
            excused = _BALANCED
        for (opener, closer), off, allowed in zip(_PAIRS, _imbalance(where), excused):
            if off == 0 or 0 < off <= allowed or allowed <= off < 0:
                continue
            if off > 0:
                i = where[opener][-1]
                yield pos + i, pos + i + 1, f"'{opener}' opens a bracket that is never closed.", None
            else:
                i = where[closer][0]
                yield pos + i, pos + i + 1, f"'{closer}' closes a bracket that was never opened.", None
        pos += len(line)


_PAIRS = (("(", ")"), ("[", "]"), ("{", "}"))
_BALANCED = (0, 0, 0)
_FULL_WIDTH_BRACKETS = str.maketrans("（）［］｛｝", "()[]{}")


def _all_brackets(line: str) -> dict[str, list[int]]:
    """Where each bracket character is in a line, list markers included."""
    where: dict[str, list[int]] = {ch: [] for ch in "()[]{}"}
    for m in _BRACKET.finditer(line):
        where[m.group()].append(m.start())
    return where


def _brackets(line: str) -> dict[str, list[int]]:
    """Where each bracket character is in a line, list markers ('a)', '2)') left out."""
    where: dict[str, list[int]] = {ch: [] for ch in "()[]{}"}
    found = [(m.start(), m.group()) for m in _BRACKET.finditer(line)]
    markers = {m.end() - 1 for m in LIST_MARKER.finditer(line)} if found else set()
    for i, ch in found:
        if i not in markers:
            where[ch].append(i)
    return where


def _imbalance(where: dict[str, list[int]]) -> tuple[int, int, int]:
    """Per kind (round, square, curly), opening brackets minus closing ones; round and square
    brackets that balance together ('[0, 1)') count as balanced."""
    off = [len(where[o]) - len(where[c]) for o, c in _PAIRS]
    if (where["["] or where["]"]) and (where["("] or where[")"]) and off[0] + off[1] == 0:
        off[0] = off[1] = 0
    return off[0], off[1], off[2]


_QUOTE_PAIRS = {"“": "”", "«": "»", "„": "“"}
_DOUBLE_QUOTES = "\"“”„«»"
# A straight double quote between two Hebrew letters is gershayim, the mark of a Hebrew acronym
# (ארה"ב, the United States; צה"ל), which keyboards type as '"': no quotation mark. After a
# word's one-letter prefixes, Hebrew writes an opening quote against them (ל"הארץ, "to Haaretz";
# וב"ידיעות), and an acronym may follow them too (לממ"דים, "to the safe rooms"): there the mark
# is gershayim when one letter ends the word (ב"ה, ל"ג: acronyms put it before their last
# letter), or when no quotation mark follows it on its line to close it.
_GERSHAYIM = regex.compile(r'(?<=\p{Hebrew})(?<!(?<!\p{Hebrew})[ובהכלמש]{1,3})"(?=\p{Hebrew})'
                           r'|(?<=(?<!\p{Hebrew})[ובהכלמש]{1,3})"(?=\p{Hebrew}(?!\p{Hebrew}))')
_STRAIGHT_QUOTE = re.compile('"')
_AFTER_PREFIXES = regex.compile(r'(?<=(?<!\p{Hebrew})[ובהכלמש]{1,3})"(?=\p{Hebrew}{2})')


def is_gershayim(text: str, i: int) -> bool:
    """Whether the straight double quote at `i` is the mark of a Hebrew acronym."""
    if _GERSHAYIM.match(text, i):
        return True
    if not _AFTER_PREFIXES.match(text, i):
        return False
    end = text.find("\n", i)
    end = len(text) if end < 0 else end
    return not any(text[j] == '"' and not _GERSHAYIM.match(text, j) for j in range(i + 1, end))


def _straight_quotes(text: str, source: str | None = None) -> list[int]:
    """Where the text has straight double quotes used as quotation marks (not Hebrew gershayim, nor
    inch marks)."""
    where = [m.start() for m in _STRAIGHT_QUOTE.finditer(text) if not is_gershayim(text, m.start())]
    inches = inch_marks(text, where, source) if where else set()
    return [i for i in where if i not in inches]


# A straight double quote after a number of one to three digits (a size, not a year) that no quote
# opens ("15,6\"-Display", "65\" TV").
_AFTER_NUMBER = regex.compile(r'(?<=(?<!["“”\d.,])(\d{1,3})(?:[.,]\d{1,2})?)["”]')
# A number the source closes a quotation after, with a mark of any style ("Apollo 13", «Plan 9»).
_QUOTED_NUMBER = regex.compile(r'(?<![\d.,])(\d{1,3})(?:[.,]\d{1,2})?["”»«」』]')


@lru_cache(maxsize=256)
def _numbers_quoted(source: str) -> frozenset[str]:
    """The numbers after which the source closes a quotation it opened before them on their line
    (a curly ” after a size with none open is an inch mark too: "15.6” display"); not a number the
    source also writes as a size ("\"Track 12\" on his 12\" vinyl")."""
    straight = [m.start() for m in _STRAIGHT_QUOTE.finditer(source)]
    inches = inch_marks(source, straight) if straight else set()
    quoted, sizes = set(), set()
    for m in _QUOTED_NUMBER.finditer(source):
        mark = m.end() - 1
        line_start = source.rfind("\n", 0, m.start()) + 1
        opened = _OPENING_BEFORE.search(source, line_start, m.start()) is not None
        (quoted if mark not in inches and opened else sizes).add(m[1])
    return frozenset(quoted - sizes)


# An opening quotation mark of any style (a straight one counts: which it is, its count says)
_OPENING_BEFORE = regex.compile(r"[\"“„«»「『]")


def inch_marks(text: str, quotes: list[int], source: str | None = None) -> set[int]:
    """Which of the straight double quotes at `quotes` are inch (or second) marks, as product text
    writes sizes: one after a size with no quotation open before it on its line ("Laptops mit 15\"
    und 17\" Display"). After an opened quotation it closes it ("Sie schrieb \"Zimmer 12\" an"), and
    so it does after a number the source closes a quotation after: a quotation that lost its
    opening mark ("Apollo 13\"" for "The film \"Apollo 13\"")."""
    quoted = _numbers_quoted(source) if source else frozenset()
    inches: set[int] = set()
    for n, i in enumerate(quotes):
        size = _AFTER_NUMBER.match(text, i)
        if size and (n - len(inches)) % 2 == 0 and size[1] not in quoted:
            inches.add(i)
    return inches


# What a text must hold for unbalanced_quote to have anything to say: most texts quote nothing.
_ANY_DOUBLE_QUOTE = regex.compile(r"[\"“”«»„]")
# A paragraph that opens with a quotation mark: the next paragraph of a quotation.
_QUOTE_OPENS = regex.compile(r"\s*[\"“«»„「『]")
# Pairs of double marks a paragraph may leave open when its quotation goes on: English “…”, French
# and Spanish «…», German and Czech »…« (pointing inwards).
_OPEN_CLOSE = (("“", "”"), ("«", "»"), ("»", "«"))


def _paired_lines(source: str | None, lines: list[str]) -> list[tuple[int, str]]:
    """The lines of the translation that are not blank, by index, each with the source's line that
    is not blank in the same place; none unless both have as many."""
    if not source:
        return []
    own = [k for k, line in enumerate(lines) if line.strip()]
    theirs = [line for line in source.splitlines() if line.strip()]
    return list(zip(own, theirs)) if len(own) == len(theirs) else []


def _paragraphs_closed(source: str | None, lines: list[str]) -> set[int]:
    """The lines of the translation whose paragraph of the source closes every quotation it
    opens: there a quotation left open is no convention."""
    return {k for k, line in _paired_lines(source, lines) if _double_quote_count(line) % 2 == 0}


def _paragraphs_open(source: str | None, lines: list[str]) -> set[int]:
    """The lines of the translation whose line of the source opens or closes a quotation it does
    not pair up: a quoted poem or song set out line by line ("“床前明月光，" … "疑是地上霜。”"),
    which the translation keeps."""
    pairs = _paired_lines(source, lines)
    if len(pairs) < 2:
        return set()
    excused = {k for k, line in pairs if _double_quote_count(line) % 2 and _double_quote_count(lines[k]) % 2}
    # ... only where the translation's marks on those lines pair up among themselves, as the
    # source's do: a verse whose closing (or opening) mark MT dropped is left with an odd count
    return excused if sum(_double_quote_count(lines[k]) for k in excused) % 2 == 0 else set()


def _double_quote_count(text: str) -> int:
    """The double quotation marks of a text, of any style (Japanese 「」 and 『』 too); straight ones
    that are no Hebrew gershayim."""
    return sum(text.count(c) for c in _DOUBLE_QUOTES.replace('"', "") + "「」『』") + len(_straight_quotes(text))


def _carried_over(line: str, carried: str | None) -> tuple[dict[str, int], bool]:
    """The paragraph's double marks, counted, and whether a quotation the paragraphs before left
    open is still open at its end. The count leaves out the mark that opens such a paragraph (the
    quotation's own, “We had… or »Wir hatten…, or the Spanish continuation mark, »No teníamos
    nada, RAE) and the mark that closes the quotation ("»Y entonces llegó noviembre»")."""
    count = {mark: line.count(mark) for mark in "“”«»„"}
    if carried is None:
        return count, False
    closer = dict(_OPEN_CLOSE)[carried]
    opening = line.lstrip()[:1]
    if opening == carried:  # the quotation's mark again, as Chicago and German style reopen each paragraph
        count[carried] -= 1
    elif carried == "«" and opening == "»":  # the Spanish continuation mark
        count["»"] -= 1
    if count[closer] == count[carried] + 1:
        count[closer] -= 1
        return count, False
    return count, True


def _next_paragraph_quoted(lines: list[str]) -> list[bool]:
    """For each line, whether the next line that is not blank opens with a quotation mark."""
    out, following = [False] * len(lines), False
    for k in range(len(lines) - 1, -1, -1):
        out[k] = following
        if lines[k].strip():
            following = _QUOTE_OPENS.match(lines[k]) is not None
    return out


@detector("structure.unbalanced_quote", "fluency/punctuation", "minor",
          "Quotation marks that do not pair up within a paragraph.")
def unbalanced_quote(view: DocView) -> Iterator[Hit]:
    """Where the source leaves a quotation open too (a quote that runs over several segments of a
    sentence-split corpus), the translation only kept it: not its artifact. A quotation of several
    paragraphs opens each and closes only the last (Chicago, AP, GB/T 15834): a paragraph left
    open before one that opens with a quotation mark is not reported."""
    if not _ANY_DOUBLE_QUOTE.search(view.text):
        return
    source = view.doc.source
    if source and _double_quote_count(source) % 2:
        return
    pos = 0
    same_mark = _data()["same_mark_quotes"].get(view.lang or "", ())
    lines = view.text.splitlines(keepends=True)
    closed_in_source = _paragraphs_closed(source, lines)
    open_in_source = _paragraphs_open(source, lines)
    carried, carried_at = None, None  # the opening mark of a quotation the paragraphs before left open, and where
    found: list[tuple[int, Hit]] = []  # with the line that makes each
    for k, (line, continued) in enumerate(zip(lines, _next_paragraph_quoted(lines))):
        straight = _straight_quotes(line, source) if '"' in line else []
        count, still_open = _carried_over(line, carried)
        if continued and k not in closed_in_source and (still_open or len(straight) % 2 or (
                left_open := next((o for o, c in _OPEN_CLOSE if count[o] == count[c] + 1
                                   and not (o == "“" and "„" in line)), None))):  # (German „…“ closes with “)
            if not still_open:
                carried = left_open if not len(straight) % 2 else None
                carried_at = pos + line.rindex(carried) if carried else None
            pos += len(line)
            continue  # a quotation that goes on in the next paragraph
        if still_open and line.strip():  # the paragraphs' quotation never closes
            found.append((k, (carried_at, carried_at + 1, f"The quotation that '{carried}' opens is never closed.", None)))
        if line.strip():
            carried = None
        if len(straight) % 2:
            i = straight[-1]
            found.append((k, (pos + i, pos + i + 1, "An odd number of straight double quotes in this paragraph.", None)))
        if "„" in line and count["„"] > count["“"] + count["”"]:  # German „…“, Polish „…”: one left open
            i = line.rindex("„")
            found.append((k, (pos + i, pos + i + 1, "'„' opens a quotation that this paragraph does not close.", None)))
        for opener, closer in (("“", "”"), ("«", "»")):
            if opener == "“" and "„" in line:
                continue  # German „…“ uses “ as the closer
            opened, closed = count[opener], count[closer]
            if opened == 0 and closed % 2 == 0 and closer in same_mark:
                continue  # one mark at both ends: Finnish and Swedish ”…”, Swedish »…»
            if opened != closed:
                ch = opener if opened > closed else closer
                i = line.rindex(ch)
                found.append((k, (pos + i, pos + i + 1, f"'{opener}' and '{closer}' do not pair up in this paragraph.", None)))
        pos += len(line)
    # a quoted verse set out line by line, as the source sets it: its lines' marks are the source's
    yield from (hit for k, hit in found if k not in open_in_source)


# A lower-case word this common in the language is one of its words ("la", "de"), whatever acronym
# of the same letters stands beside it.
COMMON_WORD_ZIPF = 5.0
# Not a word of a slashed pair: "either/or and and/or" doubles no word.
_REPEAT = regex.compile(r"\b(?<!\p{L}/)(\p{L}+)(\s+)(\1)\b(?!/\p{L})", regex.IGNORECASE)
# What every match of _REPEAT in an ASCII text holds, in the standard library's faster engine (where
# both engines read letters and their cases alike): most texts have no word twice in a row
_REPEAT_GATE = re.compile(r"\b(\w+)\s+\1\b", re.IGNORECASE)


# A word either side of a slash ("ethnic / ethnic minority groups", "osteoarthritis/osteoarthritis"):
# MT that renders two terms of the source (racial/ethnic, остеоартрит/остеоартроз) by one. Words of
# four letters or more, not the end of a hyphenated one ("auto-transplant/transplant" is
# auto-/allo-), nor a path or a file ("test/test.py"): shorter ones are units and symbols written so
# on purpose (MS/MS, mm/mm); longer ones that are, structure.yaml lists (flox/flox, volume/volume).
_SLASH_REPEAT = regex.compile(r"(?<![\p{L}\p{M}\d/\p{Pd}])(\p{L}{4,})\s*/\s*(\1)(?![\p{L}\p{M}\d/\p{Pd}]|\.\p{L})",
                              regex.IGNORECASE)
# The same in a source, read more widely ("Kunstherz-Infektionen/Infektionen"): reading more there only silences.
_SLASH_REPEAT_WIDE = regex.compile(r"(?<![\p{L}\p{M}\d])(\p{L}{4,})\s*/\s*(\1)(?![\p{L}\p{M}\d])", regex.IGNORECASE)


@detector("structure.repeated_word", "fluency/grammar", "minor",
          "The same word twice in a row (\"the the\"), either side of a slash (\"ethnic / ethnic\"), "
          "or glued to itself in Chinese or Japanese (\"疫情疫情\").")
def repeated_word(view: DocView) -> Iterator[Hit]:
    if view.lang in _data()["reduplicating"]:
        return  # a language whose grammar doubles words ("yavaş yavaş"): structure.yaml
    plain = list(_plain_repeats(view)) + list(_glued_doubles(view))
    slashed = [hit for hit in _slash_repeats(view) if not any(s < hit[1] and hit[0] < e for s, e, _, _ in plain)] \
        if "/" in view.text else []  # ("ethnic ethnic / ethnic": the plain repeat's finding covers it)
    yield from sorted(plain + slashed, key=lambda hit: (hit[0], hit[1]))


# A unit of two to eight Han characters glued to itself, once or more ("疫情疫情", "的老年人的老年人的老年人");
# and a unit of three or more that holds one, said three times or more (Japanese "発表した発表した発表した")
_GLUED_HAN = regex.compile(r"(\p{Han}{2,8}?)\1+|([\p{Han}\p{Hiragana}\p{Katakana}]{3,8}?)\2{2,}")
_HAN = regex.compile(r"\p{Han}")


@lru_cache(maxsize=None)  # one entry per language
def _after_a_double_on_purpose(lang: str | None) -> regex.Pattern | None:
    """What may follow a unit of two said twice on purpose in the language: a mark, the text's end,
    or one of its particles and pronouns (structure.yaml `glued_double_followers`); None where the
    language has none listed, and every such double is reported."""
    followers = _data()["glued_double_followers"].get(lang or "")
    if not followers:
        return None
    words = "|".join(regex.escape(w) for w in sorted(followers, key=len, reverse=True))
    return regex.compile(rf"[^\p{{Han}}]|{words}|\Z")


def _glued_doubles(view: DocView) -> Iterator[Hit]:
    """A word of Chinese or Japanese glued to itself, which writing without spaces hides from the
    word-by-word check: MT's double ("新冠疫情疫情早期"), or its loop. Chinese doubles a verb for a
    short try and a sound word as freely as any (复习复习, 扑通扑通), and no dictionary here tells the
    verb from a noun: a unit of two said twice is reported only where it runs on into its phrase, and
    with no fix. Not what the source says as often in a row ("老师老师" for "Teacher, teacher")."""
    ok = _data()["glued_doubles_ok"].get(view.lang or "")
    if ok is None or not _GLUED_HAN.search(view.text):
        return
    source, number_heads, after = view.doc.source or "", _data()["glued_double_number_heads"], _after_a_double_on_purpose(view.lang)
    said: int | None = None  # how often the source says a unit in a row, read on the first double
    for m in _GLUED_HAN.finditer(view.text):
        unit = m.group(1) or m.group(2)
        reps = len(m.group()) // len(unit)
        if len(set(unit)) == 1 or unit[0] in number_heads or not _HAN.search(unit) or unit * 2 in source:
            continue
        if reps == 2 and (unit in ok or len(unit) == 2 and after is not None and after.match(view.text, m.end())):
            continue
        if said is None:
            said = _longest_source_run(view.doc.source)[0]
        if reps > said:
            fix = None if reps == 2 and len(unit) == 2 else unit
            yield m.start(), m.end(), f"'{unit}' is said {reps} times glued together.", fix


def _plain_repeats(view: DocView) -> Iterator[Hit]:
    """A word twice in a row, with what makes that no error left out."""
    if view.text.isascii() and _REPEAT_GATE.search(view.text) is None:
        return
    ok = set(_data()["repeated_word_ok"].get(view.lang or "", []))
    ok_inside = set(_data()["repeated_word_ok_inside"].get(view.lang or "", []))
    emphatic = set(_data()["emphatic_doubles"].get(view.lang or "", []))
    hyphen_doubles = set(_data()["hyphen_doubles"].get(view.lang or "", []))
    doubled_in_source: set[str] | None = None  # found on the first repeat: most texts have none
    unmatched = 0
    for m in list(_REPEAT.finditer(view.text, timeout=1.0)):
        if (m.group(1).casefold() in ok and not (m.group(1).casefold() == "her" and view.lang == "en"
                                                  and _HER_HER_STUTTER.search(view.text, max(0, m.start() - 30), m.start()))
                or m.group(1) != m.group(3) and m.group(1).lower() != m.group(3).lower()):
            continue
        if m.group(1)[0].isupper() and m.group(3)[0].isupper() and view.lang not in ("de",):
            continue  # a reduplicated name ("Wei Wei", "Bora Bora"), not a stutter
        if len(m.group(1)) == 1 and m.group(1).islower() and m.group(3).isupper():
            continue  # a one-letter word, then a symbol: Portuguese "as ondas A e E'", Russian "в В-режиме"
        word = m.group(1).casefold()
        if word in ok_inside and not _utterance_start(view.text, m.start()):
            continue  # Dutch "denk dat dat", Polish "czy to to samo": grammar, inside a sentence
        if (word in emphatic and _utterance_start(view.text, m.start(), _TURN_OPENS)
                and _PAUSE_AFTER.match(view.text, m.end())):
            continue  # dialogue: "No no, that's not what I meant", "Wait wait, what?", "Vale vale."
        if _phrasal_particle(view.text, m.start(), word, view.lang):
            continue  # "Sign in in the corner": the verb's particle, then a preposition
        if _acronym_beside_its_word(m.group(1), m.group(3), view.lang):
            continue  # Spanish "la LA", "DE de 3 años" (DE: desviación estándar)
        if doubled_in_source is None:
            doubled_in_source = _doubled_words(view.doc.source or "")
            # a source doubling in words the translation cannot spell alike (Hebrew "כן כן" for "yeah
            # yeah", Chinese "好好好", "很烫很烫"): each may account for one of the translation's doubles
            unmatched = _doubled_elsewhere(view.doc.source or "", view.text, view.source_lang)
        if m.group(1).casefold() in doubled_in_source:
            continue  # the source doubles it too: a species' name ("Cygnus cygnus", "Capra ibex ibex"),
            # "zoom zoom", or the source's own stutter, carried over faithfully
        if unmatched > 0 and zipf(word, view.lang) < FUNCTION_WORD_ZIPF:
            unmatched -= 1
            continue  # (not for a function word: "to to", "the the" render no doubling of the source)
        if word in hyphen_doubles:
            yield (m.start(), m.end(), f"'{m.group(1)}' twice, apart: this doubling takes a hyphen.",
                   f"{m.group(1)}-{m.group(3)}")
            continue
        if view.lang in _data()["hyphen_reduplicating"]:
            yield (m.start(), m.end(), f"'{m.group(1)}' twice, apart: a stutter, or a doubled word that "
                   f"takes a hyphen ('{m.group(1)}-{m.group(3)}').", None)
            continue
        yield m.start(), m.end(), f"'{m.group(1)}' is repeated.", m.group(1)


# "her her" is an object and a possessive only after a verb: not at a sentence's start, nor after a
# preposition or a copula ("with her her", "is her her car")
_HER_HER_STUTTER = regex.compile(r"(?:^|[.!?]\s+|\b(?:is|was|are|were|be|with|of|to|for|at|on|in|by|from|about|and|or)\s+)$", regex.IGNORECASE)
_UTTERANCE_OPENS = ".!?…\"“”„«»‹›「『—\n"
# ... and a turn of dialogue in a subtitle or script ("- Wait wait, what?", "HIM: Okay okay,"), for an
# interjection (a list's first item after a colon is no turn: "Ingredients: flour flour,")
_TURN_OPENS = _UTTERANCE_OPENS + ":-–"
_PAUSE_AFTER = regex.compile(r"\s*(?:[,!?….]|\Z)")


def _phrasal_particle(text: str, start: int, word: str, lang: str | None) -> bool:
    """Whether the doubled word at `start` is first a phrasal verb's particle: one of the verbs
    that take it (data/structure.yaml) stands just before it, or one word before it (its object)."""
    verbs = _data()["particle_doubles"].get(lang or "", {}).get(word)
    if not verbs:
        return False
    before = _WORDS_BEFORE.search(text, max(0, start - 40), start)
    if before is None or regex.match(r"\W+" + regex.escape(word) + r"\W+" + regex.escape(word) + r"\b", text, regex.IGNORECASE,
                                       pos=start + len(word)):
        return False  # a third time is a stutter ("checked in in in")
    words = before.group().split()[-2:]
    # a verb right before its particle takes no object between only when it is intransitive
    # ("sign in in", "log out out of"); "turn on on the light" is a stutter
    intransitive = _data()["particle_doubles_intransitive"].get(lang or "", [])
    return (_verb_stem(words[-1]) in verbs and _verb_stem(words[-1]) in intransitive
            or len(words) == 2 and _verb_stem(words[0]) in verbs)


# The one or two words before a point
_WORDS_BEFORE = regex.compile(r"(?:\p{L}+\s+){1,2}$")


def _verb_stem(word: str) -> str:
    """A verb's form without its ending, in lower case: signed, signing, signs -> sign; logged -> log."""
    word = word.casefold()
    stem = regex.sub(r"(\p{L})\1(?:ed|ing)$", r"\1", word)  # logged, logging, plugged -> log, plug
    return stem if stem != word else regex.sub(r"(?:ed|ing|s)$", "", word) or word


def _utterance_start(text: str, start: int, opens: str = _UTTERANCE_OPENS) -> bool:
    """Whether `start` opens a sentence, a quotation or a turn of dialogue: the text's start, or
    after one of `opens` (and spaces)."""
    before = text[:start].rstrip(" \t\u00a0")
    return not before or before[-1] in opens


def _slash_repeats(view: DocView) -> Iterator[Hit]:
    """No suggestion: the second term is what is missing, and only the source says which it is.
    Silent where the source has a word either side of a slash itself ("Infektionen/Infektionen"):
    its words are not the translation's, so any such double there may be the one carried over."""
    source_doubles = None  # read at the first match: most texts have none
    ok = _slash_doubles_ok()
    for m in _SLASH_REPEAT.finditer(view.text, timeout=1.0):
        if m.group(1).casefold() != m.group(2).casefold() or m.group(1).casefold() in ok:
            continue
        if source_doubles is None:
            source_doubles = any(d.group(1).casefold() == d.group(2).casefold()
                                 for d in _SLASH_REPEAT_WIDE.finditer(view.doc.source or "", timeout=1.0))
        if source_doubles:
            return
        why = "two terms of the source rendered by one word" if view.doc.source else "two terms made one"
        yield m.start(), m.end(), f"'{m.group(1)}' either side of a slash: {why}.", None


@lru_cache(maxsize=1)
def _slash_doubles_ok() -> frozenset[str]:
    return frozenset(w.casefold() for w in _data()["slash_doubles_ok"])


def _acronym_beside_its_word(first: str, second: str, lang: str | None) -> bool:
    """Whether one of the two is an acronym and the other, in lower case, a common word of the
    language (Spanish "la LA", "DE de"); "HIV hiv" is a stutter, "hiv" being no word."""
    if len(first) < 2 or first.isupper() == second.isupper():
        return False
    word = second if first.isupper() else first
    return word.islower() and known_word(word, lang, min_zipf=COMMON_WORD_ZIPF)


def _doubled_words(source: str) -> set[str]:
    """The words the source has twice in a row (case-folded), found in one pass."""
    return {m.group(1).casefold() for m in _REPEAT.finditer(source, timeout=1.0)} if source else set()


# Chinese or Korean doubled without a space: an adjective or exclamation of two characters or more
# twice ("很烫很烫", "好看好看", "빨리빨리"), or one character three times or more ("好好好", "快快快").
# One character twice is mostly a word of its own (谢谢, 妈妈, 常常), and so are kana doubled (なかなか).
_GLUED_CJK_DOUBLE = regex.compile(r"(\p{Han}{2,4}|\p{Hangul}{2,4})\1|(\p{Han})\2{2,}")
# A word this common in the target is a function word ("the", "to", "für"): its doubling is a
# stutter of the MT, whatever the source doubles
FUNCTION_WORD_ZIPF = 6.3


def _doubled_elsewhere(source: str, text: str, source_lang: str | None) -> int:
    """How many doublings the source has that the translation does not spell alike: a word of
    another script twice in a row (not the source language's grammar: German "die die", French
    "nous nous"), or a Chinese unit glued to itself."""
    if not source:
        return 0
    words = {w.casefold() for w in _WORD.findall(text)}
    grammar = set(_data()["repeated_word_ok"].get(source_lang or "", [])) | set(
        _data()["repeated_word_ok_inside"].get(source_lang or "", []))
    spaced = sum(1 for m in _REPEAT.finditer(source, timeout=1.0)
                 if m.group(1).casefold() not in words and m.group(1).casefold() not in grammar)
    return spaced + sum(1 for _ in _GLUED_CJK_DOUBLE.finditer(source))


@detector("structure.repeated_sentence", "accuracy/mistranslation", "major",
          "A sentence of four words or more that the document already said, word for word.")
def repeated_sentence(view: DocView) -> Iterator[Hit]:
    """Silent where the source repeats as many of its sentences: an agent's "Thank you for your
    patience", a refrain, a speaker's repeated line are the text's, not the MT's."""
    seen: dict[str, int] = {}  # a sentence's words, and the index of its last occurrence
    text = view.text
    found = []
    for n, (s, e) in enumerate(view.sentences):
        words = _WORD.findall(text[s:e])
        if len(words) < 4 and not (_UNSPACED_SCRIPT.search(text, s, e) and sum(map(len, words)) >= MIN_UNSPACED_SENTENCE):
            continue  # (Chinese and Japanese by letters: "我们明天见。")
        key = " ".join(w.casefold() for w in words)
        if key in seen:
            found.append((s, e, seen[key] == n - 1))
        seen[key] = n
    if not found:
        return
    # (a translation measured by its characters is matched against the source's short repeats too:
    # "大家圣诞快乐！" twice for "Merry Christmas, everyone!" twice)
    least = 1 if _UNSPACED_SCRIPT.search(text) else 4
    if view.doc.source and len(found) <= _repeated_sentences(view.doc.source, view.source_sentences,
                                                             not cased(view.source_lang), least):
        return
    # deleting it is the fix only where MT doubled it, right after itself (further on, the text may
    # say it again on purpose: "Thank you for your patience" at a chat's start and end), and where
    # the translation has a sentence more than its source: else the source says it twice in other
    # words ("I do not want to go. I don't want to go.") and the deletion would drop one
    surplus = not view.doc.source or len(view.sentences) > len(view.source_sentences)
    for s, e, right_after in found:
        yield s, e, "This sentence repeats an earlier one word for word.", "" if right_after and surplus else None


def _repeated_sentences(source: str, spans: list[tuple[int, int]], by_clause: bool, least: int = 4) -> int:
    """How many of the source's sentences say again, word for word, a sentence before them (one of
    `least` words or more, as the translation's repeats). In a script written without spaces, by
    letters (four at least), and a sentence may repeat the first clause of one before it
    ("感谢大家观看，别忘了点赞关注。" then "感谢大家观看。"); sentences that open with the same clause
    (与此同时，…) repeat nothing."""
    wholes, clauses = set(), set()
    repeats = 0
    for s, e in spans:
        words = [w.casefold() for w in _WORD.findall(source[s:e])]
        if (sum(map(len, words)) < MIN_CLAUSE_LETTERS) if by_clause else len(words) < least:
            continue
        whole = " ".join(words)
        repeats += whole in wholes or whole in clauses
        wholes.add(whole)
        if by_clause and len(words) > 1:
            clauses.add(words[0])
    return repeats


# A run of letters this long between two marks of a Chinese or Japanese source is a clause.
MIN_CLAUSE_LETTERS = 4
# A sentence of a script written without spaces this long counts, as one of four words elsewhere
MIN_UNSPACED_SENTENCE = 5


@detector("structure.repetition_loop", "accuracy/mistranslation", "major",
          "A word or phrase repeated three times or more in a row: a neural MT loop (\"of the of the of the\").")
def repetition_loop(view: DocView) -> Iterator[Hit]:
    """Each start's longest run of each unit length is read from a table built once from the right
    (and whether a run holds a digit, from the digits' positions): asking both afresh at every word
    of a long repetitive text (a table of dates, a list) took time in the square of its length."""
    tokens = [w.casefold() for w in _WORD.findall(view.text)]
    words: list[regex.Match] | None = None  # where each word stands: found only for a text with a loop
    runs: dict[int, list[int]] = {}  # unit length -> words covered by the run of that unit from each word
    digits: list[int] | None = None
    source_run: tuple[int, int] | None = None  # read once a loop is found
    i = 0
    while i < len(tokens):
        if tokens[i] not in tokens[i + 1 : i + 7]:  # a unit of n words repeats only if word i comes back n words on
            i += 1
            continue
        for n in (1, 2, 3, 4, 5, 6):
            if i + n > len(tokens):
                break
            if tokens[i : i + n] != tokens[i + n : i + 2 * n]:
                continue  # the unit is said once here: a table is built only for a unit that repeats
            if n not in runs:
                runs[n] = _unit_runs(tokens, n)
            reps = runs[n][i] // n
            # a phrase of three to six words said twice back to back is MT's too ("in the groups of
            # subjects in the groups of subjects"), where one of its words is no short function word
            doubled = reps == 2 and n >= 3 and any(len(t) >= 4 for t in tokens[i : i + n])
            if (reps < 3 and not doubled) or (n == 1 and len(tokens[i]) <= 2 and reps < 4):
                continue
            if words is None:
                words = list(_WORD.finditer(view.text))
                digits = [m.start() for m in _DIGIT.finditer(view.text)]
            start, end = words[i].start(), words[i + reps * n - 1].end()
            if doubled and _MARK_BETWEEN.search(view.text, start, end):
                continue  # a term and its gloss ("carcinomas (\"carcinomas\", SGC)"), two sentences, a
                # list whose items share words ("event-free survival rate, total survival rate, total …")
            first_digit = bisect.bisect_left(digits, start)
            if first_digit == len(digits) or digits[first_digit] >= end:
                if source_run is None:
                    source_run = _longest_source_run(view.doc.source)
                said = max(source_run) if n <= 2 else source_run[0]  # (a word may take two: "coming", "ya voy")
                if reps > said:  # not a chant the source repeats as often ("Fight! Fight! Fight!")
                    keep = view.text[start : words[i + n - 1].end()]
                    yield start, end, f"'{keep}' is repeated {reps} times in a row.", keep
                i += reps * n - 1
                break
        i += 1


_MARK_BETWEEN = regex.compile(r"[.,;:!?()\[\]\"“”«»„/\n、，。]")


# The pieces of a source between marks and spaces: "战斗！战斗！战斗！" is three, "Go, China! Go, China!" four;
# an apostrophe inside a word keeps it whole ("Let's go" is two).
_PIECE_BREAK = regex.compile(r"(?:[^\p{L}\p{N}'’]|(?<!\p{L})['’]|['’](?!\p{L}))+")
# A unit of Chinese, Japanese or Korean glued to itself: of two characters or more, twice or more
# ("慢慢来慢慢来", "加油加油加油"); of one, three times or more ("好好好").
_GLUED_CJK_RUN = regex.compile(r"([\p{Han}\p{Hiragana}\p{Katakana}\p{Hangul}]{2,8}?)\1+"
                               r"|([\p{Han}\p{Hiragana}\p{Katakana}\p{Hangul}])\2{2,}")
_CJK_PIECE = regex.compile(r"[\p{Han}\p{Hiragana}\p{Katakana}\p{Hangul}]+")


def _longest_source_run(source: str | None) -> tuple[int, int]:
    """How many times in a row the source says a unit of up to six pieces ("Go, China!", "Let's
    go"), or a unit of Chinese, Japanese or Korean glued to itself ("加油加油加油"): a chant, a
    slogan, said twice or more, which the translation rightly repeats as often (1 where nothing
    repeats; 0 for no source); and, apart, how often one word comes back in another shape
    (_word_chain), which excuses only a loop of one word or two. Where one of two
    pieces of Chinese, Japanese or Korean begins or ends with the other, they count as the same
    ("教育、教育、还是教育", "这非常、非常、非常重要"); numbers do not count ("0:0, 0:0, 0:0" is a
    table)."""
    if not source:
        return 0, 0
    pieces = [p.casefold() for p in _PIECE_BREAK.split(source) if p and not p.isdigit()]
    for k in range(1, len(pieces)):
        a, b = pieces[k - 1], pieces[k]
        if (a != b and min(len(a), len(b)) >= 2 and _CJK_PIECE.fullmatch(a) and _CJK_PIECE.fullmatch(b)
                and (b.endswith(a) or b.startswith(a) or a.endswith(b) or a.startswith(b))):
            pieces[k - 1] = pieces[k] = min(a, b, key=len)  # (not "в выходные", "de l'étude": other scripts' words)
    longest = max((_glued_repeats(source, m) for m in _GLUED_CJK_RUN.finditer(source)), default=0)
    for n in (1, 2, 3, 4, 5, 6):
        runs = _unit_runs(pieces, n)
        longest = max([longest] + [runs[i] // n for i in range(len(pieces))])
    return longest, _word_chain(pieces)


def _glued_repeats(source: str, run: regex.Match) -> int:
    """How often the source says the unit a glued run repeats: the run's count, and once more
    where a unit of Chinese or Korean of two characters or more ends a clause of the source
    elsewhere ("加油加油加油！中国加油！" says 加油 four times, which "Go, go, go! Go, China!"
    renders). Not kana: Japanese endings recur in every clause (ますます, 行きます)."""
    unit = run.group(1) or run.group(2)
    times = len(run.group()) // len(unit)
    if len(unit) < 2 or not _HAN_OR_HANGUL.fullmatch(unit):
        return times
    again = any(m.start() < run.start() or m.start() >= run.end()
                for m in regex.finditer(regex.escape(unit) + r"(?![\p{L}\p{N}])", source))
    return times + again


_HAN_OR_HANGUL = regex.compile(r"[\p{Han}\p{Hangul}]+")


def _word_chain(pieces: list[str]) -> int:
    """The most times a word comes back at once or after one short piece ("it rained, and rained,
    and rained", "coming, coming, I'm coming"): a repetition in another shape than the
    translation's. Words of four letters or more: short function words recur this close in any
    prose ("the cat and the dog"), and "from Paris, from Rome" repeats no word."""
    last: dict[str, tuple[int, int]] = {}  # word -> where it last stood, and its chain there
    best = 0
    for k, piece in enumerate(pieces):
        if len(piece) < 4:
            continue
        at, chain = last.get(piece, (-9, 0))
        chain = chain + 1 if k - at == 1 or (k - at == 2 and len(pieces[k - 1]) <= 3) else 1
        last[piece] = (k, chain)
        best = max(best, chain)
    return best


def _unit_runs(tokens: list[str], n: int) -> list[int]:
    """For each position, how many tokens the unit of n tokens starting there covers, repeated
    back to back (n where it does not repeat; 0 where fewer than n tokens are left)."""
    runs = [0] * (len(tokens) + 1)
    for i in range(len(tokens) - n, -1, -1):
        runs[i] = n + runs[i + n] if tokens[i : i + n] == tokens[i + n : i + 2 * n] else n
    return runs


_DIGIT = regex.compile(r"\d")  # numbers between the repeats: a list ("A 1.1, A 1.2, A 1.3"), not a loop


_INLINE_ITEM = regex.compile(r"(?:^|(?<=[\s:;,]))(?:(\d{1,2})|([a-h]))\)\s")
# A source's inline list may mark its items otherwise: "(1)", "1." (before a space: "1.2, 2.0" are
# decimals), full-width "1）" and "（1）" after Chinese or Japanese punctuation, with no space after.
_SOURCE_ITEM = regex.compile(r"(?:^|(?<=[\s:;,：；，、。]))[(（]?(?:(\d{1,2})|([a-h]))(?:[)）]\s?|\.(?=\s|\p{Han}))")


@detector("structure.flattened_list", "style", "minor",
          "List items run together in one paragraph (\"1) … 2) … 3) …\"): the list lost its line breaks.")
def flattened_list(view: DocView) -> Iterator[Hit]:
    """Silent where the source runs as many lists into one line itself ("Please check: 1) the
    cable, 2) the adapter and 3) the outlet.", "请检查：1）电源线，2）适配器"): the translation lost
    no line breaks."""
    found = list(_inline_lists(view.text))
    if found and view.doc.source and len(found) <= len(list(_inline_lists(view.doc.source, _SOURCE_ITEM))):
        return
    for start, end, run in found:
        yield start, end, f"{run} list items run together in one line.", None


def _inline_lists(text: str, item: regex.Pattern = _INLINE_ITEM) -> Iterator[tuple[int, int, int]]:
    """Each line holding three or more consecutive list markers: its span from the first, and the run."""
    pos = 0
    for line in text.splitlines(keepends=True):
        markers = list(item.finditer(line))
        run = _consecutive_run([m.group(1) or m.group(2) for m in markers])
        if run >= 3:
            yield pos + markers[0].start(), pos + len(line.rstrip()), run
        pos += len(line)


def _consecutive_run(labels: list[str]) -> int:
    best = run = 1 if labels else 0
    for a, b in zip(labels, labels[1:]):
        run = run + 1 if (a.isdigit() and b.isdigit() and int(b) == int(a) + 1) or \
            (a.isalpha() and b.isalpha() and ord(b) == ord(a) + 1) else 1
        best = max(best, run)
    return best

