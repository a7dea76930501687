"""What a text must hold for a pattern to match anywhere in it: a cheap test run before the pattern.

Most rules of a pack match nothing in most texts ("Kiev", a space before a semicolon, a Cyrillic
letter inside a Latin word), yet each was run on every text of its language, at a few
microseconds a pattern: the largest share of cleaning time. `requirement(pattern)` reads a
pattern once, when its pack is loaded, and keeps what every match must contain: its literal runs
of characters ("kiev"), its single-character elements (`[;:!?]`, `\\p{Cyrillic}`), including those
of its positive lookarounds, combined with *and* along a branch and *or* across alternatives.
`Probe(text)` answers them for one text: a literal run by a substring test on the case-folded
text, a character class by one search of that class alone. Where the answer is no, the pattern
cannot match and is not run.

It must never say no where the pattern would match, so the reading is conservative: what it
does not know for certain (an optional element, a back reference, a negative lookaround, a
construct it does not read) adds no requirement, and a pattern in a syntax it does not follow
(verbose mode, `\\Q...\\E`, fuzzy matching, version 1 sets) gets none at all and is always run.
Literal runs are compared case-folded on both sides: `str.casefold` maps each character alone,
so a run the text holds as written, or as the `regex` module's case-insensitive matching finds
it, is in the folded text too.

>>> need = requirement(r"(?<=[\\p{L})])[ \\t]+(?=[;:!?])", 0)
>>> need.holds(Probe("A list ; of things")), need.holds(Probe("A list; of things"))
(True, False)
>>> requirement(r"\\bKiev\\b", regex.IGNORECASE).holds(Probe("in KIEV today"))
True
>>> requirement(r"a?b*", 0) is None
True
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import regex

# Escapes that stand for one character of a class: a requirement is one search for that class.
_CLASS_ESCAPES = frozenset("dDsSwW")
# Escapes that match no character (anchors, word edges): they add nothing, and break a run.
_ZERO_WIDTH = frozenset("bBzGmMK")
_CONTROL = {"t": "\t", "n": "\n", "r": "\r", "f": "\f", "v": "\v", "a": "\a"}
_QUANTIFIER = regex.compile(r"\{(\d*)(?:,(\d*))?\}")
_INLINE_FLAGS = regex.compile(r"\(\?([a-zA-Z-]+)[:)]")
_MAX_RANGE = 64  # a range of more characters than this is searched as a class, not listed


class _Unreadable(Exception):
    """The pattern uses syntax this reader does not follow: it gets no requirement."""


class ClassSearch:
    """One character class searched alone, compiled at its first search: the `regex` module
    parses in Python, and compiling every class of every rule when the packs load doubled their
    load time. One object per class and flags (`class_search`), so a text's answer for it is
    shared by every rule that needs it."""

    __slots__ = ("source", "flags", "_compiled")

    def __init__(self, source: str, flags: int) -> None:
        self.source, self.flags = source, flags
        self._compiled: regex.Pattern | None = None

    def search(self, text: str) -> regex.Match | None:
        if self._compiled is None:
            try:
                self._compiled = regex.compile(self.source, self.flags)
            except regex.error:  # not a pattern alone after all: it asks nothing of a text
                self._compiled = regex.compile("")
        return self._compiled.search(text)

    def __repr__(self) -> str:
        return f"ClassSearch({self.source!r})"


_CLASS_SEARCHES: dict[tuple[str, int], ClassSearch] = {}


def class_search(source: str, flags: int) -> ClassSearch:
    found = _CLASS_SEARCHES.get((source, flags))
    if found is None:
        found = _CLASS_SEARCHES[(source, flags)] = ClassSearch(source, flags)
    return found


class Probe:
    """One text, asked about many requirements: its case-folded form is made once, and the
    answer for each class is kept (the rules of a pack share many: `[ \\t]`, `\\p{L}`)."""

    __slots__ = ("text", "folded", "_answers")

    def __init__(self, text: str) -> None:
        self.text = text
        self.folded = text.casefold()
        self._answers: dict[ClassSearch, bool] = {}

    def has_class(self, pattern: ClassSearch) -> bool:
        answer = self._answers.get(pattern)
        if answer is None:
            answer = self._answers[pattern] = pattern.search(self.text) is not None
        return answer


@dataclass(frozen=True, slots=True)
class Literal:
    """A run of characters every match contains (case-folded)."""

    folded: str

    def holds(self, probe: Probe) -> bool:
        return self.folded in probe.folded


@dataclass(frozen=True, slots=True)
class AnyChar:
    """One of a few characters every match contains (case-folded)."""

    folded: tuple[str, ...]

    def holds(self, probe: Probe) -> bool:
        return any(c in probe.folded for c in self.folded)


@dataclass(frozen=True, slots=True)
class StartsWith:
    """The text begins with one of these (case-folded)."""

    folded: tuple[str, ...]

    def holds(self, probe: Probe) -> bool:
        return probe.folded.startswith(self.folded)


@dataclass(frozen=True, slots=True)
class EndsWith:
    """The text ends with one of these (case-folded)."""

    folded: tuple[str, ...]

    def holds(self, probe: Probe) -> bool:
        return probe.folded.endswith(self.folded)


@dataclass(frozen=True, slots=True)
class CharClass:
    """A character of a class every match contains (`\\p{Cyrillic}`, `[^\\s]`), searched alone."""

    pattern: ClassSearch

    def holds(self, probe: Probe) -> bool:
        return probe.has_class(self.pattern)


@dataclass(frozen=True, slots=True)
class AllOf:
    parts: tuple

    def holds(self, probe: Probe) -> bool:
        return all(part.holds(probe) for part in self.parts)


@dataclass(frozen=True, slots=True)
class AnyOf:
    parts: tuple

    def holds(self, probe: Probe) -> bool:
        return any(part.holds(probe) for part in self.parts)


class Requirement:
    """What a pattern needs (`parts`: the tree of `Literal`, `AnyChar`, `CharClass`, `AllOf`,
    `AnyOf` read from it) and a test of it: one Python expression made from the tree (`"kiev" in
    folded and ...`), compiled once, because a rule is asked about every text of its language and
    walking the tree of objects cost as much as the searches it saved."""

    __slots__ = ("parts", "_test")

    def __init__(self, parts) -> None:
        self.parts = parts
        classes: list[ClassSearch] = []
        self._test = eval(f"lambda folded, has_class: {_expression(parts, classes)}", {"CLASSES": tuple(classes)})  # noqa: S307 (an expression of literals made here)

    def holds(self, probe: Probe) -> bool:
        return self._test(probe.folded, probe.has_class)

    def __reduce__(self):  # a copy (pickle, a process runner's arguments) is made again from the parts
        return Requirement, (self.parts,)

    def __repr__(self) -> str:
        return f"Requirement({self.parts!r})"


def together(requirements: Sequence[Requirement | None]) -> Callable[[Probe], tuple[bool, ...]]:
    """One test of many requirements (None: always met) on a text, whose answers are one tuple: the
    applicable rules of a pack are asked about a text in one call of one compiled expression."""
    if not requirements:
        return lambda probe: ()
    classes: list[ClassSearch] = []
    expressions = ", ".join("True" if need is None else _expression(need.parts, classes) for need in requirements)
    test = eval(f"lambda folded, has_class: ({expressions},)", {"CLASSES": tuple(classes)})  # noqa: S307 (as above)
    return lambda probe: test(probe.folded, probe.has_class)


def _expression(part, classes: list[ClassSearch]) -> str:
    if isinstance(part, Literal):
        return f"{part.folded!r} in folded"
    if isinstance(part, AnyChar):
        return "(" + " or ".join(f"{c!r} in folded" for c in part.folded) + ")"
    if isinstance(part, StartsWith):
        return f"folded.startswith({part.folded!r})"
    if isinstance(part, EndsWith):
        return f"folded.endswith({part.folded!r})"
    if isinstance(part, CharClass):
        classes.append(part.pattern)
        return f"has_class(CLASSES[{len(classes) - 1}])"
    joiner = " and " if isinstance(part, AllOf) else " or "
    return "(" + joiner.join(_expression(p, classes) for p in part.parts) + ")"


def requirement(pattern: str, flags: int) -> Requirement | None:
    """What every match of `pattern` (compiled with `flags`) contains, or None where nothing is
    known for certain."""
    if flags & regex.VERBOSE or any(token in pattern for token in ("\\Q", "(?#", "(?V", "(?(")):
        return None
    class_flags = flags & (regex.IGNORECASE | regex.FULLCASE | regex.ASCII) | regex.V0
    for letters in _INLINE_FLAGS.findall(pattern):
        if set(letters) - set("ifsm-"):
            return None
        if "i" in letters or "f" in letters:  # a class searched alone ignores case wherever part of the pattern does
            class_flags |= regex.IGNORECASE | (regex.FULLCASE if "f" in letters else 0)
    try:
        need, end, _ = _Reader(pattern, class_flags).alternation(0)
    except (_Unreadable, regex.error, ValueError, IndexError):
        return None
    return Requirement(need) if need is not None and end == len(pattern) else None


# A match's edge at the start or the end of the text (`\A`, `\Z`), as a "character" beside others.
START, END = "\x00start", "\x00end"
_MAX_PAIRS = 24  # more possible pairs of neighbouring characters than this: not worth a requirement
_TAKES = frozenset({"char", "class", "group", "dot", "reference"})  # the kinds of element that take characters


@dataclass(frozen=True, slots=True)
class _Edges:
    """The characters a piece of pattern begins with (`head`; END where it matches at the end of
    the text) and ends with (`tail`), where they are known: one or a small set (None where not)."""

    head: frozenset[str] | None = None
    tail: frozenset[str] | None = None


_UNKNOWN = _Edges()


class _Reader:
    def __init__(self, pattern: str, class_flags: int) -> None:
        self.p, self.class_flags = pattern, class_flags

    def alternation(self, i: int):
        """The requirement of the alternatives from `i` to the `)` that closes them (or the end),
        where they end, and their edges."""
        branches: list = []
        heads: set[str] | None = set()
        tails: set[str] | None = set()
        while True:
            need, i, edges = self.sequence(i)
            branches.append(need)
            heads = None if heads is None or edges.head is None else heads | edges.head
            tails = None if tails is None or edges.tail is None else tails | edges.tail
            if i < len(self.p) and self.p[i] == "|":
                i += 1
                continue
            break
        edges = _Edges(frozenset(heads) if heads else None, frozenset(tails) if tails else None)
        if any(b is None for b in branches):
            return None, i, edges
        return (branches[0] if len(branches) == 1 else AnyOf(tuple(dict.fromkeys(branches)))), i, edges

    def sequence(self, i: int):
        """One alternative: what it requires (its literal runs, the requirements of its elements, and
        the pairs of characters that stand side by side in any match), where it ends, its edges."""
        p = self.p
        parts: list = []
        run: list[str] = []
        prev: frozenset[str] | None = None  # what the text holds just before the element being read
        prev_in_run = False  # ... a character at the end of `run` (a pair with the next is in the run)
        heads: set[str] | None = set()  # what the alternative may begin with, up to its first mandatory element
        heads_done = False  # ... which has been read
        tail: frozenset[str] | None = None

        def flush() -> None:
            if run:
                parts.append(Literal("".join(run).casefold()))
                run.clear()

        while i < len(p) and p[i] not in "|)":
            ch = p[i]
            char = need = None
            edges = _UNKNOWN
            if ch == "(":
                need, i, kind, edges = self.group(i)
            elif ch == "[":
                need, i, members = self.char_class(i)
                kind, edges = "class", _Edges(members, members)
            elif ch == "\\":
                char, need, i, kind = self.escape(i)
            elif ch == ".":
                kind, i = "dot", i + 1
            elif ch in "^$":
                kind, i = "anchor", i + 1
            elif ch in "*+?{":
                raise _Unreadable(ch)  # a quantifier where none can stand: not a pattern read right
            else:
                kind, char, i = "char", ch, i + 1
            if char is not None:
                edges = _Edges(frozenset((char,)), frozenset((char,)))
            elif kind == "end":
                edges = _Edges(frozenset((END,)), None)
            optional, repeated, least, i = self.quantifier(i)
            if not heads_done and (kind in _TAKES or kind == "end"):
                heads = None if heads is None or edges.head is None else heads | edges.head
                heads_done = not optional
            if kind in _TAKES:
                tail = None if optional else edges.tail
            if optional:
                flush()
                prev, prev_in_run = None, False
                continue
            if prev is not None and edges.head is not None and kind in ("char", "class", "group", "ahead", "end") \
                    and not (kind == "char" and prev_in_run):
                pair = _pairs(prev, edges.head)
                if pair is not None:
                    parts.append(pair)
            if kind == "char":
                run.extend(char * max(least, 1))
                if repeated:
                    flush()
                prev, prev_in_run = edges.tail, not repeated
                continue
            flush()
            if need is not None:
                parts.append(need)
            prev_in_run = False
            prev = edges.tail if kind in ("class", "group", "behind") else frozenset((START,)) if kind == "start" else None
        flush()
        edges = _Edges(frozenset(heads) if heads_done and heads else None, tail)
        if not parts:
            return None, i, edges
        parts = list(dict.fromkeys(parts))
        return (parts[0] if len(parts) == 1 else AllOf(tuple(sorted(parts, key=_cost)))), i, edges

    def quantifier(self, i: int) -> tuple[bool, bool, int, int]:
        """(may match no time, may match more than once, the least number of times, where the
        quantifier ends)."""
        p = self.p
        if i >= len(p) or p[i] not in "*+?{":
            return False, False, 1, i
        if p[i] == "{":
            m = _QUANTIFIER.match(p, i)
            if m is None:
                raise _Unreadable("{")  # fuzzy matching, or a literal brace: not read
            least = int(m.group(1) or 0)
            i = m.end()
        else:
            least, i = (0 if p[i] in "*?" else 1), i + 1
        if i < len(p) and p[i] in "?+":  # lazy or possessive
            i += 1
        return least == 0, True, least, i

    def group(self, i: int):
        """(its requirement, where it ends, its kind: group, ahead, behind, negative or flags, its edges)."""
        p = self.p
        body, kind = i + 1, "group"
        if p.startswith("?", body):
            if p.startswith(("?:", "?>", "?|"), body):
                body += 2
            elif p.startswith("?=", body):
                body, kind = body + 2, "ahead"
            elif p.startswith("?<=", body):
                body, kind = body + 3, "behind"
            elif p.startswith(("?!", "?<!"), body):  # negative lookaround: nothing is required
                _, end, _ = self.alternation(body + (2 if p[body + 1] == "!" else 3))
                return None, self._close(end), "negative", _UNKNOWN
            elif m := regex.match(r"\?P?<\w+>", p[body:]):
                body += m.end()
            elif m := regex.match(r"\?[a-zA-Z-]+([:)])", p[body:]):
                if m.group(1) == ")":  # flags for the rest of the pattern (read above)
                    return None, body + m.end(), "flags", _UNKNOWN
                body += m.end()
            else:
                raise _Unreadable(p[i:i + 4])
        need, end, edges = self.alternation(body)
        return need, self._close(end), kind, edges

    def _close(self, i: int) -> int:
        if i >= len(self.p) or self.p[i] != ")":
            raise _Unreadable("unclosed group")
        return i + 1

    def char_class(self, i: int):
        p = self.p
        j = i + 1
        negated = p.startswith("^", j)
        j += negated
        members: list[str] = []
        plain = not negated
        if p.startswith("]", j):
            members.append("]")
            j += 1
        while p[j] != "]":
            if p[j] == "[":
                raise _Unreadable("[ in a class")  # POSIX classes, nested sets: not read
            if p[j] == "\\":
                char, j = self._class_escape(j)
                if char is None:
                    plain = False
                else:
                    members.append(char)
                continue
            if p[j] == "-" and members and j + 1 < len(p) and p[j + 1] != "]":
                first = members.pop()
                last, j = (self._class_escape(j + 1) if p[j + 1] == "\\" else (p[j + 1], j + 2))
                if last is None or ord(last) - ord(first) > _MAX_RANGE:
                    plain = False
                else:
                    members.extend(chr(c) for c in range(ord(first), ord(last) + 1))
                continue
            members.append(p[j])
            j += 1
        end = j + 1
        if plain and members and len(members) <= _MAX_RANGE:
            return AnyChar(tuple(sorted({m.casefold() for m in members}))), end, frozenset(members) if len(members) <= 8 else None
        return CharClass(class_search(p[i:end], self.class_flags)), end, None

    def _class_escape(self, j: int) -> tuple[str | None, int]:
        """A character escaped inside a class (None for a class escape such as `\\p{L}`), and
        where the escape ends."""
        p = self.p
        letter = p[j + 1]
        if letter in "pPN":
            return None, (p.index("}", j) + 1 if p.startswith("{", j + 2) else j + 3)
        if letter in "xuU":
            return self._code_point(j)
        if letter in _CONTROL:
            return _CONTROL[letter], j + 2
        if letter.isalnum():
            return None, j + 2
        return letter, j + 2

    def _code_point(self, j: int) -> tuple[str, int]:
        p, letter = self.p, self.p[j + 1]
        if letter == "x" and p.startswith("{", j + 2):
            end = p.index("}", j)
            return chr(int(p[j + 3:end], 16)), end + 1
        width = {"x": 2, "u": 4, "U": 8}[letter]
        digits = p[j + 2:j + 2 + width]
        if len(digits) != width or not all(c in "0123456789abcdefABCDEF" for c in digits):
            raise _Unreadable(p[j:j + 2 + width])
        return chr(int(digits, 16)), j + 2 + width

    def escape(self, i: int):
        """(a literal character or None, a requirement or None, where the escape ends, its kind:
        char, class, start, end, reference or zero)."""
        p = self.p
        letter = p[i + 1]
        if letter in "pP":
            end = p.index("}", i) + 1 if p.startswith("{", i + 2) else i + 3
            return None, CharClass(class_search(p[i:end], self.class_flags)), end, "class"
        if letter in _CLASS_ESCAPES:
            return None, CharClass(class_search(p[i:i + 2], self.class_flags)), i + 2, "class"
        if letter in "xuU":
            char, end = self._code_point(i)
            return char, None, end, "char"
        if letter in _CONTROL:
            return _CONTROL[letter], None, i + 2, "char"
        if letter in "AZ":
            return None, None, i + 2, "start" if letter == "A" else "end"
        if letter in _ZERO_WIDTH:
            return None, None, i + 2, "zero"
        if letter.isdigit():  # a back reference or an octal escape
            end = i + 1
            while end < len(p) and p[end].isdigit():
                end += 1
            return None, None, end, "reference"
        if letter in "gkL" and p.startswith("<", i + 2):
            return None, None, p.index(">", i) + 1, "reference"
        if letter.isalnum() or letter == "N":
            raise _Unreadable(p[i:i + 2])
        return letter, None, i + 2, "char"


def _pairs(before: frozenset[str], after: frozenset[str]):
    """The requirement that one of `before` stands just before one of `after` (START and END: the
    edges of the text), or None where there are too many pairs or an empty text would do."""
    pairs, starts, ends = [], [], []
    for a in sorted(before):
        for b in sorted(after):
            if a == START and b == END:
                return None
            if a == START:
                starts.append(b.casefold())
            elif b == END:
                ends.append(a.casefold())
            else:
                pairs.append(Literal((a + b).casefold()))
    if len(pairs) + len(starts) + len(ends) > _MAX_PAIRS:
        return None
    options = [*dict.fromkeys(pairs)] + ([StartsWith(tuple(dict.fromkeys(starts)))] if starts else []) \
        + ([EndsWith(tuple(dict.fromkeys(ends)))] if ends else [])
    return options[0] if len(options) == 1 else AnyOf(tuple(options))


def _cost(part) -> int:
    """Cheapest first: a substring test, then a few, then a class search or a combination."""
    return 0 if isinstance(part, (Literal, StartsWith, EndsWith)) else 1 if isinstance(part, AnyChar) else 2
