"""The target locale's conventions: quotation marks, percentages, number separators, units, dashes.

MT carries the source's typography into the target: English "quotes" and 3,000 in German, 18%
where German writes 18 %, "1700MW", a hyphen for a dash. Number, decimal and percent conventions
come from CLDR through Babel, so a locale Babel knows is covered without a table; CLDR's quotation
marks, the unit symbols and the dash per locale are data (cleaners/data/locale.yaml).
"""

from __future__ import annotations

import bisect
from collections import Counter
from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path

import regex

from mtqa.cleaners.datafiles import safe_load
from mtqa.cleaners.detectors import DocView, Hit, detector
from mtqa.cleaners.detectors.spelling import NOUN_CAPITALS
from mtqa.cleaners.detectors.structure import inch_marks
from mtqa.cleaners.quantities import number_symbols, percent_prefix
from mtqa.cleaners.scripts import letters, scripts_of
from mtqa.cleaners.spans import CODE_SPAN, Spans

_DATA = Path(__file__).resolve().parents[1] / "data" / "locale.yaml"


@lru_cache(maxsize=1)
def _data() -> dict:
    return safe_load(_DATA.read_text(encoding="utf-8"))


# Markup (its attribute values) and inline code are not prose: their quotes stay as they are.
_MARKUP_OR_CODE = regex.compile(r"<[^<>\n]{1,500}>|" + CODE_SPAN.pattern)


def _regional(table: dict, lang: str | None, tag: str | None):
    """A table's entry for the tag's region ("de-CH": Swiss German «…»), else for its language."""
    for subtag in (tag or "").replace("_", "-").split("-")[1:]:
        if f"{lang}-{subtag.upper()}" in table:
            return table[f"{lang}-{subtag.upper()}"]
    return table.get(lang or "")


@detector("locale.quote_style", "locale-convention", "minor",
          "Quotation marks of another language's style (\"…\", “…” or '…' in German, where CLDR gives „…“).")
def quote_style(view: DocView) -> Iterator[Hit]:
    """Per paragraph, double marks pair up as quotations and quotations inside them: each mark's
    role (opening, closing) and depth are known where they nest, and the locale's mark for them is
    the suggestion (the outer pair for a quotation, the inner pair for one inside it). Where they
    do not nest, or nest deeper, a finding with no suggestion. Markup and code keep their quotes."""
    primary = _regional(_data()["quotes"], view.lang, view.tag)
    if not primary:
        return
    alternative = _regional(_data()["quotes_alternative"], view.lang, view.tag)
    nested_also = _data()["quotes_nested_also"].get(view.lang or "", ())
    doubles = _data()["double_quotes"]
    pos = 0
    for line in view.text.splitlines(keepends=True):
        markup = Spans(m.span() for m in _MARKUP_OR_CODE.finditer(line))
        where = [i for i, c in enumerate(line) if c in doubles and i not in markup]
        if primary[0] == "«" and where and where[0] == len(line) - len(line.lstrip()) and line[where[0]] == "»":
            where = where[1:]  # French and Russian open each continued paragraph of a quotation with »
            if len(where) % 2 and line[where[-1]] == "»":
                where = where[:-1]  # ... and close the quotation in its last
        if '"' in line:  # an inch mark is no quotation mark ("15,6\"-Display"), nor a mark of code
            inches = inch_marks(line, [i for i in where if line[i] == '"'], view.doc.source)
            where = [i for i in where if i not in inches]
            code = _code_strings(line, where, view.doc.source, view.lang)
            where = [i for i in where if i not in code]
        # the paragraph's style: the alternative where its first quotation opens so (German »Ja«, sagte er.)
        marks = alternative if alternative and where and line[where[0]] == alternative[0] else primary
        allowed_open, allowed_close = {marks[0], marks[2]}, {marks[1], marks[3]}
        # a lone closing mark of the locale closes a quotation opened in a line or segment before ("fort.“")
        lone_closer = len(where) == 1 and line[where[0]] in allowed_close and _closing_position(line, where[0])
        roles, nested = _quotation_roles(line, where)
        for n, i in enumerate(() if lone_closer else where):
            opening, depth, partner = roles[n]
            if line[i] in (allowed_open if opening else allowed_close):
                continue
            if depth == 2 and nested_also and line[i] == nested_also[0 if opening else 1]:
                continue  # a nested pair the locale's print also uses (French “…” inside « »)
            if (nested and line[i] in (allowed_close if opening else allowed_open) and line[i] not in '"'
                    and not _english_pair(line[i], line[where[partner]])):
                continue  # a locale mark in the other role: a nesting or ordering question, not style
                # (but an English “…” in German or Russian is English style: both marks are reported)
            want = None
            if nested and depth <= 2:
                want = _spaced(line, i, marks[2 * (depth - 1) + (0 if opening else 1)], opening, view.lang)
            yield pos + i, pos + i + 1, f"'{line[i]}' is not a {view.lang} quotation mark (CLDR: {marks[0]}…{marks[1]}).", want
        yield from _single_pairs(line, pos, markup, where, marks, view.lang)
        pos += len(line)


# A straight mark that opens a string of code: glued to a call's bracket, an opening brace or
# square bracket, "=" or ":" (print("…"), {"status", key="…"), to a string prefix (f"…", r"…",
# b"…"), or after a command-line option (git commit -m "…", --name="…"). Not after a bracket of
# prose: ("Ringdrainage"), ("Micerium", Италия) are quotations in brackets.
_CODE_OPENING = regex.compile(r'(?<=[\w\])]\(|[\[{=:]|(?<![\p{L}\p{N}_])(?:[fFrRbBuU]|[rR][bBfF]|[bBfF][rR])'
                              r'|(?<!\S)--?[A-Za-z][\w-]*[ =])"')
# ... one that closes a key before its value, in an object ({"status": "ok"}; not a headline's
# "Backlash": "…"), or an argument before the call's end ("…");
_CODE_CLOSING = regex.compile(r'"(?=:[ ]?(?:["\d{\[-]|true|false|null))(?<=[{\[][^\n]*)|"(?=[)\]}][;)\]}])')
# What a line of code holds before a string: an object or a list opened, a call
_IN_CODE = regex.compile(r"[{\[]|[\w\]]\(")
# ... and what joins two strings of one piece of code: a key and its value, items of a list
_CODE_JOINT = regex.compile(r"\s*[:,]\s*")


def _code_strings(line: str, where: list[int], source: str | None, lang: str | None) -> set[int]:
    """The straight marks of `where` that quote strings of code, not prose: a pair whose marks stand
    as code's do, that follows such a pair in the same piece of code ({"status": "ok", "code": 200}),
    or that the source has too around a token of no letter of the target's script ("debug" in
    Russian): the marks are the code's, and « » or „ “ would break it. Unknown where the line's
    straight marks do not pair up."""
    straight = [i for i in where if line[i] == '"']
    if len(straight) % 2:
        return set()
    code: set[int] = set()
    for opening, closing in zip(straight[::2], straight[1::2]):
        after_code = bool(code) and _CODE_JOINT.fullmatch(line, max(code) + 1, opening) is not None
        # a mark glued to ':' or '(' opens a string only in code (sagte:"…" is prose)
        in_code = _IN_CODE.search(line, 0, opening) is not None
        glued = line[opening - 1] if opening else ""
        opens_code = _CODE_OPENING.match(line, opening) is not None and (glued not in ":(" or in_code)
        if (after_code or opens_code or (in_code and _CODE_CLOSING.match(line, closing))
                or _copied_token(line[opening: closing + 1], source, lang)):
            code |= {opening, closing}
    return code


def _copied_token(quoted: str, source: str | None, lang: str | None) -> bool:
    """Whether a quoted token, marks and all, is the source's, with no letter of the target's
    script and no capital to open it: a value or a name of code kept as it is ("debug", "admin" in
    a Russian text)."""
    scripts = scripts_of(lang)
    if not source or not scripts or quoted not in source or regex.search(r"\s", quoted) or quoted[1:2].isupper():
        return False  # (a capitalised token is a name: a firm's, "Micerium", quoted in prose)
    return letters(scripts, 1).search(quoted) is None


def _closing_position(line: str, i: int) -> bool:
    """Whether the mark at `i` stands where a quotation closes: after a word or a mark, before a
    space, the line's end or punctuation."""
    after = line[i + 1: i + 2]
    return i > 0 and not line[i - 1].isspace() and (not after or after.isspace() or after in ".,;:!?)]")


def _english_pair(mark: str, partner: str) -> bool:
    """Whether a mark and its partner make English quotation marks: “…”."""
    return {mark, partner} == {"“", "”"}


# Pairs of double marks that open and close one quotation in some language's style: English “…”
# and "…", German „…“, Polish „…”, French «…», German books »…«, Swedish ”…” and »…», CJK 「…」.
_PAIRS = frozenset({("“", "”"), ('"', '"'), ("„", "“"), ("„", "”"), ("«", "»"), ("»", "«"), ("»", "»"),
                    ("”", "”"), ("「", "」")})
_ONLY_OPENING = "„「"  # marks that open a quotation in every style
_BEFORE_OPENING = "([{/-–—\"“”„«»「"  # what an opening mark may follow, besides a space
_PUNCTUATION = ".,;:!?…)]}"
_AFTER_CLOSING = _PUNCTUATION + "-–—\"“”„«»」"  # what a closing mark may precede, besides a space


def _quotation_roles(line: str, where: list[int]) -> tuple[list[tuple[bool, int, int | None]], bool]:
    """Each mark's role (whether it opens), depth (1: a quotation, 2: one inside it) and partner's
    index in `where`, and whether the marks nest into pairs. A mark closes the innermost open
    quotation where it can close its opening mark, unless it stands where a quotation opens
    ("«Он сказал "да"»": the first " opens a quotation inside the «). Where the marks do not nest,
    each is given the role that alternation gives it, at depth 1, and no partner."""
    roles: list[tuple[bool, int, int | None]] = [(True, 1, None)] * len(where)
    open_ones: list[int] = []
    for n, i in enumerate(where):
        if open_ones and _closes(line, where[open_ones[-1]], i):
            opener = open_ones.pop()
            roles[opener] = (True, len(open_ones) + 1, n)
            roles[n] = (False, len(open_ones) + 1, opener)
        else:
            open_ones.append(n)
    if open_ones:
        return [(n % 2 == 0, 1, None) for n in range(len(where))], False
    return roles, True


def _closes(line: str, opener: int, i: int) -> bool:
    """Whether the mark at `i` closes the quotation the mark at `opener` opens."""
    mark = line[i]
    if mark in _ONLY_OPENING:
        return False
    after = line[i + 1: i + 2]
    opens_here = ((i == 0 or line[i - 1].isspace() or line[i - 1] in _BEFORE_OPENING)
                  and after.strip() != "" and after not in _PUNCTUATION)
    closes_here = i > 0 and not line[i - 1].isspace() and (not after.strip() or after in _AFTER_CLOSING)
    if opens_here and not closes_here:
        return False
    return (line[opener], mark) in _PAIRS or closes_here


_INSIDE_SPACE = {"fr": "\u202f"}  # French sets a narrow no-break space inside « » (as qa.yaml's fr checks ask)


def _spaced(line: str, i: int, mark: str, opening: bool, lang: str) -> str:
    """The locale's mark for the one at `i`, with the space the locale sets inside its marks where
    the text has none there."""
    space = _INSIDE_SPACE.get(lang, "")
    inside = line[i + 1: i + 2] if opening else line[i - 1: i] if i else ""
    if not space or not inside or inside.isspace():
        return mark
    return mark + space if opening else space + mark


# A passage in typewriter single marks: the opening one after a space, a bracket or a double mark
# and before a letter (not the apostrophe of "l'homme", "geht's"), the closing one after a letter,
# digit or end mark and before no letter (not "Max' Auto" mid-word). Not an elided word ("'n'",
# "'ne", "'nen", "'s", "'mal", "'rein", "'em", "'til", "'cause"): Rock 'n' Roll, "hab 'nen Hund",
# "komm 'mal" are apostrophes.
_ELIDED = (r"(?:n|ne|nen|nem|ner|s|em|mal|rein|raus|rauf|runter|rüber|rum|nauf|naus|nüber|til|cause|tis|twas)"
           r"(?![\p{L}\p{M}])")
_AFTER_OPENING = r"(?<![^\s(\"“”„«»])'"  # a mark after a space, a bracket or a double mark ...
_CLOSING = r"(?<=[\p{L}\p{N}.,!?])'(?![\p{L}\p{N}])"  # ... and one after a letter, digit or end mark, before no letter
_SINGLE_PAIR = regex.compile(_AFTER_OPENING + r"(?!" + _ELIDED + r")(?=\p{L})[^'\n]{1,200}?" + _CLOSING)
_ELISION = regex.compile(_AFTER_OPENING + _ELIDED + r"'?")
# A single mark that may open a passage or close one: a quote, or an apostrophe at a word's edge
# ("Max' Auto", "Livin'"). An odd number of them on a line leaves which ones pair unknown.
_FREE_SINGLE = regex.compile(_AFTER_OPENING + r"(?=\p{L})|" + _CLOSING)


def _single_pairs(line: str, pos: int, markup: Spans, doubles_at: list[int], marks: list[str],
                  lang: str) -> Iterator[Hit]:
    """'…' pairs, which these locales never use: inside a double-quoted passage the locale's inner
    marks belong there, elsewhere its outer ones (CLDR). Where the line's single marks do not pair
    up ("Der Song 'Livin' on a Prayer'", "Max' Auto und 'Plan B'") an apostrophe may be taken for
    a quote, and where its double marks do not, whether a passage is nested is unknown: the
    finding then comes without a suggestion."""
    if "'" not in line:
        return
    elided = {i for m in _ELISION.finditer(line) for i in (m.start(), m.end() - 1)}
    singles_paired = sum(1 for m in _FREE_SINGLE.finditer(line) if m.start() not in markup and m.start() not in elided) % 2 == 0
    marks_pair_up = singles_paired and len(doubles_at) % 2 == 0
    for m in _SINGLE_PAIR.finditer(line):
        if m.start() in markup:
            continue
        nested = bisect.bisect_left(doubles_at, m.start()) % 2 == 1
        opening, closing = (marks[2], marks[3]) if nested else (marks[0], marks[1])
        message = f"A passage in typewriter single quotes: {lang} quotes with {opening}…{closing} here (CLDR)."
        yield (pos + m.start(), pos + m.start() + 1, message,
               _spaced(line, m.start(), opening, True, lang) if marks_pair_up else None)
        yield (pos + m.end() - 1, pos + m.end(), message,
               _spaced(line, m.end() - 1, closing, False, lang) if marks_pair_up else None)


# Not German "5%ig", "5%ige", "5%iger" (Duden writes the derivative unspaced).
_PERCENT = regex.compile(r"(?<![\d.,])(\d+(?:[.,]\d+)?)([ \u00a0\u202f]?)%(?!ig(?:e[mnrs]?)?(?![\p{L}\p{N}]))")
_WORD_AFTER = regex.compile(r"[ \u00a0]\p{L}")
_DIGIT_AFTER = regex.compile(r"[ \u00a0]?\d")
_OPERATOR_BEFORE = regex.compile(r"[*/=+^]")


@detector("locale.percent_format", "locale-convention", "minor",
          "A percentage spaced as another locale spaces it (18% in German and French, 18 % in English), per CLDR.")
def percent_format(view: DocView) -> Iterator[Hit]:
    symbols = number_symbols(view.lang) if view.lang else None
    if symbols is None:
        return
    spaced = symbols[2]
    adjective = view.lang in _data()["percent_adjective_unspaced"]
    prefix = percent_prefix(view.lang)
    code = Spans(m.span() for m in _MARKUP_OR_CODE.finditer(view.text)) if "`" in view.text or "<" in view.text else None
    # CSS and formulas keep their own notation (`width: 50%`)
    found = [m for m in _PERCENT.finditer(view.text) if code is None or m.start() not in code]
    if view.lang in _data()["percent_spaced_either_way"]:
        yield from _mixed_percent_spacing(view.text, found, view.lang)
        return
    for m in found:
        if prefix is not None:  # Turkish "%50'ye", not "50%'ye" (CLDR's pattern puts the sign first)
            if not _DIGIT_AFTER.match(view.text, m.end()) and not (m.start() and _OPERATOR_BEFORE.match(view.text, m.start() - 1)):
                # (not "Ocak 2024 %64,8", where the sign is 64,8's, nor a formula, "=B2*100%")
                yield m.start(), m.end(), f"{view.lang} writes the percent sign before the number.", prefix + m.group(1)
        elif spaced and not m.group(2):
            if adjective and _WORD_AFTER.match(view.text, m.end()) and not _share_of(view.text, m.end(), view.lang):
                continue  # Czech "20% sleva": an adjective, unspaced
            yield m.end(1), m.end(1), f"{view.lang} puts a (no-break) space before %.", "\u00a0"
        elif not spaced and m.group(2):
            yield m.start(2), m.end(2), f"{view.lang} writes no space before %.", ""


_ADJECTIVE_SUFFIX = regex.compile(r"-\p{L}")  # Russian "5%-ная скидка": an adjective, unspaced in every style


def _mixed_percent_spacing(text: str, found: list[regex.Match], lang: str) -> Iterator[Hit]:
    """In a locale whose good writers space % either way, only a text that does both: the form it
    uses less often (the later one, if as often) is reported, with the text's other form."""
    found = [m for m in found if not _ADJECTIVE_SUFFIX.match(text, m.end())]
    spaced = [m for m in found if m.group(2)]
    unspaced = [m for m in found if not m.group(2)]
    if not spaced or not unspaced:
        return
    if (len(spaced), -spaced[0].start()) < (len(unspaced), -unspaced[0].start()):
        for m in spaced:
            yield m.start(2), m.end(2), "Percentages spaced two ways in one text: elsewhere it writes no space before %.", ""
        return
    space = Counter(m.group(2) for m in spaced).most_common(1)[0][0]
    for m in unspaced:
        yield m.end(1), m.end(1), "Percentages spaced two ways in one text: elsewhere it puts a space before %.", space


def _share_of(text: str, pos: int, lang: str) -> bool:
    """Whether the word after a percentage makes it a share of a whole (a genitive plural, "z"),
    the noun use that Czech and Slovak space."""
    word = _NEXT_WORD.match(text, pos)
    grammar = _data()["percent_noun_after"].get(lang)
    if word is None or grammar is None:
        return False
    word = word.group(1).casefold()
    return word in grammar["words"] or (len(word) > 3 and word.endswith(tuple(grammar["endings"])))


_GROUPED = regex.compile(r"(?<![\d.,\u00a0\u202f'])\d{1,3}(?:([.,\u00a0\u202f ])\d{3})+(?:([.,])\d+)?(?![\d])(?![.,]\d)")
_DECIMAL = regex.compile(r"(?<![\d.,])\d+([.,])\d{1,2}(?![\d])(?![.,]\d)")


@detector("locale.number_format", "locale-convention", "major",
          "A number copied with the source locale's separators (3,000 for 3.000 in German; 2.5 for 2,5), "
          "which changes its value in the target locale (CLDR).")
def number_format(view: DocView) -> Iterator[Hit]:
    """Only a number the source writes the same way, where the two locales' separators differ: what
    the source means is known, so the target's reading of it is known to be wrong."""
    source, lang, src_lang = view.doc.source, view.lang, view.source_lang
    if not source or not lang or not src_lang or lang == src_lang:
        return
    tgt, src = number_symbols(lang), number_symbols(src_lang)
    if tgt is None or src is None or (tgt[0], tgt[1]) == (src[0], src[1]):
        return
    for pattern, kind in ((_GROUPED, "group"), (_DECIMAL, "decimal")):
        for m in pattern.finditer(view.text):
            number = m.group()
            if number not in source or _in_address(view.text, m.start(), m.end()):
                continue
            mark = m.group(1)
            src_mark = src[0] if kind == "group" else src[1]
            tgt_mark = tgt[0] if kind == "group" else tgt[1]
            # the target locale reads the mark otherwise: a group mark is its decimal mark, or the reverse
            if mark != src_mark or mark == tgt_mark or mark not in (tgt[0], tgt[1]):
                continue
            fixed = number.translate(str.maketrans({src[0]: tgt[0], src[1]: tgt[1]}))
            yield m.start(), m.end(), (f"'{number}' keeps the {src_lang} separators; {lang} reads "
                                       f"'{mark}' as a {'decimal' if kind == 'group' else 'group'} mark."), fixed


def _in_address(text: str, start: int, end: int) -> bool:
    """Whether the span lies in a URL, path, e-mail address or query ("index.php?id=2,3")."""
    left = text.rfind(" ", 0, start) + 1
    right = text.find(" ", end)
    token = text[left: None if right < 0 else right]
    return any(mark in token for mark in ("/", "=", "@", "&"))


@lru_cache(maxsize=1)
def _glued_unit() -> regex.Pattern:
    units = sorted(_data()["units"], key=len, reverse=True)
    return regex.compile(r"(?<![\p{L}\d.,])\d+(?:[.,]\d+)?(?=(?:%s)(?![\p{L}\d]))" % "|".join(map(regex.escape, units)))


@detector("locale.unit_spacing", "locale-convention", "minor",
          "A number glued to its unit symbol (1700MW): SI and every CLDR locale put a space between.")
def unit_spacing(view: DocView) -> Iterator[Hit]:
    if not view.lang or view.lang in ("zh", "ja", "ko"):
        return
    for m in _glued_unit().finditer(view.text):
        yield m.end(), m.end(), "A space belongs between a number and its unit symbol.", " "


_SPACED_HYPHEN = regex.compile(r"(?<=[\p{L}\p{N}.,;:!?\"'”»)%]) - (?=[\p{L}\p{N}\"'„“«(])")
# A news agency's dateline opening a paragraph: a place (and date), then the agency in brackets
# ("BERLIN (AP)", "Berlin (dpa)", "PARIS, 3 mars (AFP)", ČTK's "Praha 5. prosince (ČTK)").
_DATELINE = regex.compile(r"\p{Lu}[\p{L}\p{M}.'-]*(?: \p{Lu}[\p{L}\p{M}.'-]*){0,3}(?:, [^\n(),]{1,25}){0,2}"
                          r"(?: \d{1,2}\.? \p{Ll}+)? \(\p{L}[\p{L}\p{M}&./ -]{0,24}\)")


@detector("locale.hyphen_as_dash", "fluency/punctuation", "minor",
          "A hyphen with spaces around it where the language writes a dash between clauses.")
def hyphen_as_dash(view: DocView) -> Iterator[Hit]:
    """Only for locales whose typography sets a dash there (English writers use the spaced hyphen
    too, in edited text), and only in prose: a line of two or more spaced hyphens is a list or a table.
    Not after an agency's dateline at the start of a paragraph ("Berlin (dpa) - "): agencies set
    it that way in these languages too (German agency copy does), so it is their form, not a
    clause dash. Not silenced merely because the source has the same hyphen: MQM raters mark a
    German spaced hyphen copied from English prose as a punctuation error; but a minus between
    operands ("x - 1", "=A1 - B1"), a window's title the source has too ("Dokument1 - Word") and
    the sign named as a symbol ("the - operator") are no clause dash."""
    dash = _data()["spaced_dash"].get(view.lang or "")
    if dash is None:
        return
    text, source = view.text, view.doc.source or ""
    symbol_in_source = _hyphens_named(source, view.source_lang) >= text.count(" - ")
    for m in _SPACED_HYPHEN.finditer(text):
        start, end = m.start() + 1, m.end() - 1
        line_start = text.rfind("\n", 0, start) + 1
        line_end = text.find("\n", end)
        line = text[line_start: None if line_end < 0 else line_end]
        if line.count(" - ") > 2 or (text[start - 2].isdigit() and text[end + 1].isdigit()):
            continue  # a list or a table; a range of numbers ("10 - 20")
        if _DATELINE.fullmatch(text, line_start, start - 1):
            continue
        if symbol_in_source or _minus(text, start, line, view.lang):
            continue
        if _title_from_source(text[end + 1: line_start + len(line)], source):
            continue
        yield start, end, f"A hyphen between spaces: {view.lang} writes a dash here.", dash


_OPERAND = regex.compile(r"[(=]*(?P<variable>\$?\p{L}{1,3}\$?\d+|\p{L})[)]*|[(=]*\d+(?:[.,]\d+)?[)]*")
_TOKEN_BEFORE = regex.compile(r"\S*", regex.REVERSE)  # read backwards from the hyphen
_TOKEN_AFTER = regex.compile(r"[^\s,;:!?]*?(?=\.?(?:\s|\Z)|[,;:!?])")


def _minus(text: str, at: int, line: str, lang: str | None) -> bool:
    """Whether the hyphen at `at` is a minus: between two operands (a number, a letter, a cell
    "A1"), one of them a variable, or beside a variable in a formula (a line with "="). A letter
    that is a word of the language (Russian "а", Czech "a") is no variable: "5 случаев - а в 2020"."""
    left = _OPERAND.fullmatch(_TOKEN_BEFORE.match(text, 0, at - 1).group())
    right = _OPERAND.fullmatch(_TOKEN_AFTER.match(text, at + 2).group())
    words = _one_letter_words(lang or "")
    variables = [o for o in (left, right) if o and o.group("variable") and o.group("variable").casefold() not in words]
    return bool(variables) and (bool(left and right) or "=" in line)


@lru_cache(maxsize=None)  # one entry per target language
def _one_letter_words(lang: str) -> frozenset[str]:
    return frozenset(_data()["one_letter_words"].get(lang, ()))


def _title_from_source(tail: str, source: str) -> bool:
    """Whether the word after the hyphen, to the line's end, ends a line of the source after a
    spaced hyphen too: an application's name in a window's title ("Dokument1 - Word")."""
    tail = tail.strip()
    if not tail or len(tail.split()) > 1 or regex.search(r"[.!?…]", tail):
        return False  # (an application's name is a word; "… - RT World News", a headline's site, takes the dash)
    return any(line.rstrip().endswith(" - " + tail) for line in source.splitlines())


def _hyphens_named(source: str, source_lang: str | None) -> int:
    """How many spaced hyphens of the source follow an article: the sign named ("the - operator"),
    where no clause can have ended."""
    named = _hyphen_after_article(source_lang or "")
    return len(named.findall(source)) if named and " - " in source else 0


@lru_cache(maxsize=None)  # one entry per source language
def _hyphen_after_article(lang: str) -> regex.Pattern | None:
    articles = _data()["articles"].get(lang)
    if not articles:
        return None
    alts = "|".join(regex.escape(a) if len(a) == 1 else "(?i:%s)" % regex.escape(a) for a in articles)
    return regex.compile(r"(?<![\p{L}'])(?:%s) - " % alts)  # (a one-letter article in lower case only: 'Vitamin A - ')


_RESIDUE = regex.compile(r"⁇|<unk>|\u2581(?=\p{L})|(?<=\p{L})@@(?= )|&lt;unk&gt;|(?<=\p{L}|\s)\\(?=['\"’])")
# Where a backslash before a quote belongs to the text: an escape the source has too ...
_ESCAPED_QUOTE = regex.compile(r"\\['\"’]")
# ... or a text with TeX ("caf\'e", "\textit{", "$x$"), code in backticks or a Windows path ("C:\Daten\").
_TEX_CODE_PATH = regex.compile(r"\\[A-Za-z]+[{\s]|\{\\['\"`^]|\$[^$\s\d](?:[^$\n]*[^$\s])?\$|" + CODE_SPAN.pattern
                               + r"|\b[A-Za-z]:\\")


@detector("structure.mt_residue", "fluency/spelling", "major",
          "Tokeniser residue of an MT system: ⁇ or <unk> for a word it could not produce, SentencePiece's ▁, "
          "BPE's @@, a quote escaped with a backslash (\"worker\\'s\").")
def mt_residue(view: DocView) -> Iterator[Hit]:
    """An escaped quote is the pipeline's only where the source has none: the escapes of a resource
    file (Android strings, .strings, PO), of code and of TeX are the file's, and a Windows path ends
    in its own backslash. (The escaped quote rests on little evidence: one zh-en system of bio-MQM,
    a handful of findings; it is here because its fix is certain, not because it is frequent.)"""
    escapes_kept = None  # decided at the first backslash: most texts have none
    for m in _RESIDUE.finditer(view.text):
        if m.group() == "@@":
            yield m.start(), m.end() + 1, "BPE joiner left in the text: the word was split in two.", ""
        elif m.group() == "\\":
            if escapes_kept is None:
                escapes_kept = bool(_ESCAPED_QUOTE.search(view.doc.source or "") or _TEX_CODE_PATH.search(view.text))
            if not escapes_kept:
                yield m.start(), m.end(), "A backslash escaping a quote: residue of escaping in the MT pipeline.", ""
        else:
            yield m.start(), m.end(), f"'{m.group()}' is MT tokeniser residue: a word or a space is missing here.", None


@lru_cache(maxsize=32)
def _dates(lang: str) -> tuple[regex.Pattern, regex.Pattern, bool, str] | None:
    """(month-first pattern, day-first pattern, whether CLDR's long date puts the day first, the
    locale's day-month template) for a locale with Latin or Cyrillic month names, or None."""
    from babel import Locale, UnknownLocaleError
    from babel.dates import get_date_format, get_month_names

    try:
        locale = Locale.parse(lang)
    except (UnknownLocaleError, ValueError):
        return None
    months = [m for m in get_month_names("wide", locale=locale).values() if regex.fullmatch(r"[\p{Latin}\p{Cyrillic}]+", m)]
    if len(months) != 12:
        return None
    names = "|".join(sorted(map(regex.escape, months), key=len, reverse=True))
    month_first = regex.compile(rf"(?<![\p{{L}}\d])(?<month>{names})\s+(?<day>[1-9]|[12]\d|3[01])(?:st|nd|rd|th)?(?![\d\p{{L}}.:])(?!,?\s*\d{{1,2}}\b[^,\d])",
                                regex.IGNORECASE)
    day_first = regex.compile(rf"(?<![\p{{L}}\d.,])(?<day>[1-9]|[12]\d|3[01])(?:\.|st|nd|rd|th)?\s+(?:of\s+|de\s+)?(?<month>{names})(?![\p{{L}}])",
                              regex.IGNORECASE)
    pattern = get_date_format("long", locale=locale).pattern
    day_first_locale = pattern.index("d") < pattern.index("M")
    template = "{day}. {month}" if regex.search(r"d\.\s*M", pattern) else "{day} de {month}" if "'de'" in pattern else "{day} {month}"
    return month_first, day_first, day_first_locale, template


@detector("locale.date_format", "locale-convention", "minor",
          "A date in the other order than the locale writes it (\"Februar 11\" in German, per CLDR), or two "
          "orders in one English text (\"February 11\" and \"20 February\").")
def date_format(view: DocView) -> Iterator[Hit]:
    """English writes both orders (US and British): there only a text that mixes them is flagged,
    in the order it used second (or less often)."""
    if not any(digit in view.text for digit in "123456789"):
        return  # every date either pattern reads has a day of month, and every day a digit 1-9: most texts end here
    found = _dates(view.lang) if view.lang else None
    if found is None:
        return
    month_first, day_first, day_first_locale, template = found
    mdy = list(month_first.finditer(view.text))
    dmy = list(day_first.finditer(view.text))
    if view.lang != "en":
        if day_first_locale:
            months_of_dates = {m.start("month") for m in dmy}
            followers = _date_followers(view.lang)
            for m in mdy:
                if m.start("month") in months_of_dates or _counts_a_noun(view.text, m.end(), view.lang, followers):
                    continue  # "С 1 марта 15 регионов": a date, then a count
                if _governed(view.text, m.start("month"), view.lang):
                    continue  # "до конца марта 5 классов": the month is a noun's, not a date's
                yield m.start(), m.end(), f"{view.lang} writes the day before the month (CLDR).", \
                    template.format(day=m.group("day"), month=m.group("month"))
        return
    mdy = [m for m in mdy if _english_date(view.text, m)]
    dmy = [m for m in dmy if _english_date(view.text, m)]
    if not mdy or not dmy:
        return
    minority = dmy if (len(dmy), -dmy[0].start()) < (len(mdy), -mdy[0].start()) else mdy
    for m in minority:
        if minority is dmy:
            fixed = f"{m.group('month')} {m.group('day')}"
            other = "month first"
        else:
            fixed = f"{m.group('day')} {m.group('month')}"
            other = "day first"
        yield m.start(), m.end(), f"Dates in two orders in one text: elsewhere it writes them {other}.", fixed


@lru_cache(maxsize=None)  # one entry per target language
def _date_followers(lang: str) -> frozenset[str]:
    return frozenset(_data()["date_followers"].get(lang, ()))


@lru_cache(maxsize=None)  # one entry per target language
def _date_conjunctions(lang: str) -> frozenset[str]:
    return frozenset(_data()["date_conjunctions"].get(lang, ()))


_WORD_BEFORE = regex.compile(r"(\p{L}+)[ \u00a0]+", regex.REVERSE)  # read backwards from the month


def _governed(text: str, month: int, lang: str) -> bool:
    """Whether the month at `month` follows a noun that governs it ("конца марта", "začátku
    března"): its genitive is the noun's, and the number after it no day of a date."""
    words = _data()["month_governors"].get(lang)
    m = _WORD_BEFORE.match(text, 0, month) if words else None
    return m is not None and m.group(1).casefold() in words


_NEXT_WORD = regex.compile(r"[ \u00a0](\p{L}+)")
_NUMBER_AFTER = regex.compile(r"[ \u00a0]\d{1,3}(?![\d.,:/\p{L}])")


# A number's "in each ten", "su 10", "out of 10" after it: a share, not a date's day ("em dezembro 4
# em cada 10"), while "junho 5 e 6", "marzo 10 al 12" are dates.
_RATIO = regex.compile(r"[ \u00a0](?:\p{L}{1,3}[ \u00a0](?:cada|each|every)|su|sur|von|op|из|out[ \u00a0]of)"
                       r"[ \u00a0]\d{1,3}(?![\d.,:/])")


def _counts_a_noun(text: str, end: int, lang: str, followers: frozenset[str]) -> bool:
    """Whether the number ending at `end` counts the noun after it ("В марте 15 человек", "im März
    15 Menschen"), not a day of a date written month first ("marzo 15 en Ginebra", "am Februar 11
    statt"): a word follows that is no preposition, article or conjunction of data/locale.yaml
    (any word, in a language it has none for), with a capital where every noun has one. After a
    conjunction and a second number, the word after that one tells ("5 и 6 классы")."""
    if _RATIO.match(text, end):
        return True  # a share: "em dezembro 4 em cada 10 brasileiros", "in April 3 in 10 jobs"
    m = _NEXT_WORD.match(text, end)
    if m is None:
        return False
    word = m.group(1)
    if lang in NOUN_CAPITALS:
        return word[0].isupper()
    if word.casefold() in _date_conjunctions(lang) and (number := _NUMBER_AFTER.match(text, m.end())):
        return _counts_a_noun(text, number.end(), lang, followers)  # "марта 5 и 6 классы": both count it
    return word.casefold() not in followers


def _english_date(text: str, m: regex.Match) -> bool:
    """Whether an English match is a date whose order counts: its month has a capital ("3 may be
    admitted" is a verb), and it is no name or modifier, which keeps its order ("the September 18
    Incident", "Japan's March 11 disaster", "the 1937 December 13 massacre", "the 4 May Movement")."""
    if not m.group("month")[0].isupper():
        return False
    return not (_THE_BEFORE.search(text, max(0, m.start() - 10), m.start()) and _WORD_AFTER.match(text, m.end()))


_THE_BEFORE = regex.compile(r"(?:\b[Tt]he(?:\s+\d{4})?|\p{L}['’]s)\s+$")


_LIST_ITEM_SEMICOLON = regex.compile(r"(?<=\S)[ \t\u00a0\u202f]*;[ \t]*(?=\n|\Z)")
# The first letter of a line, after any list marker ("- ", "1) ", "a) ", "• ").
_ITEM_START = regex.compile(r"(?<=^[ \t\-–—•*·]*(?:(?:\d{1,2}|\p{L})[.)]\s+)?)\p{L}", regex.MULTILINE)


# How far back from an item its list's introduction is looked for.
_LIST_REACH = 2000


def _after_a_colon(text: str, pos: int) -> bool:
    """Whether the list item at `pos` belongs to a list that a line ending in a colon introduces
    ("The plan includes:\n- EU funding for farmers;"): such lists take semicolons in many styles."""
    line_start = text.rfind("\n", 0, pos) + 1
    for line in reversed(text[max(0, line_start - _LIST_REACH):line_start].splitlines()):
        line = line.rstrip()
        if line and not line.endswith(";"):
            return line.endswith((":", "："))
    return False


@detector("locale.list_semicolons", "fluency/punctuation", "minor",
          "List items or headlines ending in semicolons, French style (\"...at any time;\" on its own line), "
          "in a language whose lists do not.")
def list_semicolons(view: DocView) -> Iterator[Hit]:
    """Two or more paragraphs ending in ';' make the list: one alone may be a line broken in the
    middle. Only items that open with a capital, headlines or sentences, and not after a line that
    ends in a colon: a list introduced so ("provides for:\n- a ceasefire;\n- the release of
    hostages.") takes semicolons in English, Russian, Czech and Spanish typography as in French."""
    if view.lang in (None, "fr") or view.lang in ("zh", "ja", "ko"):
        return
    text = view.text
    found = [m for m in _LIST_ITEM_SEMICOLON.finditer(text)
             if (first := _ITEM_START.search(text, text.rfind("\n", 0, m.start()) + 1, m.start()))
             and first.group().isupper() and not _after_a_colon(text, m.start())]
    if len(found) >= 2 and not _source_items_end_so(view.doc.source, len(found), view.source_lang):
        for m in found:
            yield m.start(), m.end(), "A list item ending in a semicolon (French typography): no final mark here.", ""


# A source's item ending in a semicolon, ASCII or full-width (Chinese and Japanese "卖方应按时交货；").
_SOURCE_ITEM_SEMICOLON = regex.compile(r"(?<=\S)[ \t\u00a0\u202f]*[;；][ \t]*(?=\n|\Z)")


def _source_items_end_so(source: str | None, items: int, source_lang: str | None) -> bool:
    """Whether the source, in another language than French, ends as many lines in ';' or '；': a
    list the translation keeps as its author wrote it (an English press release's "- Revenue of
    €4.1bn;", a Chinese contract's "1. 卖方应按时交货；")."""
    return bool(source) and source_lang != "fr" and len(_SOURCE_ITEM_SEMICOLON.findall(source)) >= items
