"""Bilingual calque and false-friend lexicons: a finding only where the source holds the trigger and
the translation holds the misleading rendering.

A target-only pattern ("actually" in English text) cannot tell a false friend from a correct word;
the source can. Each entry of `cleaners/data/lexicons/<src>-<tgt>.yaml` names a trigger in the source
("actuellement"), the misleading rendering in the translation ("actually"), the right rendering(s)
("currently"), its class and a golden case (source, bad translation, correct translation). The
lexicons are data; this module only compiles and matches them.

Rule ids are `lexicon.<class>.<src>-<tgt>` (e.g. `lexicon.false_friend.fr-en`), one per class and
language pair, because the registry gives every rule one MQM category and severity (a class has
one), and because a pair's class is what a user switches off or the benchmark finds noisy
(`--disable-rule 'lexicon.*.zh-en'`), while single entries are too many to be rules of their own.

Patterns use the `regex` module's syntax plus two shorthands for the words whose form must carry
over into the suggestion: `assist~v` stands for the English verb's forms (assist, assists,
assisted, assisting), `sheet~n` for the noun's (sheet, sheets), and the suggestion's `attend~v`
takes the form the translation used ("assisted at" -> "attended"). A named group of the misleading
rendering, `(?P<adj>...)`, is put back into the suggestion as `{adj}`. A suggestion may depend on the
context (`if_match` on the flagged words, `if_source` on the source); where none fits there is no
suggestion, only the finding: a wrong suggestion is worse than none.

A lexicon of hundreds of entries stays cheap: each entry's rendering and its trigger are indexed
by the words every match of them must contain (their needles); a translation (lower-cased) and
its source (case-folded) are each searched once for all of the pair's needles (Aho-Corasick,
pyahocorasick), and only the few entries whose needles both hold are matched, their source
triggers last. Patterns are compiled at their first use, so loading a pair costs little and a
process compiles only the entries its texts reach. (One combined alternation of all the
renderings, tried at every position, cost ten times more.)

>>> hits = lexicon_hits("fr-en", "Il vit actuellement à Lyon.", "He actually lives in Lyon.")
>>> [(entry.kind, text, suggestion) for entry, start, end, text, suggestion in hits]
[('false_friend', 'actually', 'currently')]
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import ahocorasick
import regex
import yaml

from mtqa.cleaners.datafiles import parsed_once
from mtqa.cleaners.detectors import DocView, Hit, detector

LEXICON_DIR = Path(__file__).resolve().parents[1] / "data" / "lexicons"
INFLECTIONS = LEXICON_DIR / "inflections.yaml"

# class -> (MQM category, severity, what the class is, default message with and without a suggestion)
CLASSES: dict[str, tuple[str, str, str, str, str]] = {
    "false_friend": ("accuracy/mistranslation", "major",
                     "A false friend: the translation uses a word that looks like the source's but means something else.",
                     'False friend: the source\'s "{src}" is "{good}" here, not "{bad}".',
                     'False friend: "{bad}" does not render the source\'s "{src}".'),
    "calque": ("style", "minor",
               "A calque: a title, institution, reporting verb or idiom of the source rendered word for word.",
               'Calque of the source\'s "{src}": say "{good}".',
               'Calque of the source\'s "{src}": "{bad}" is not idiomatic here; reword.'),
    "grammar": ("fluency/grammar", "minor",
                "A construction of the source (preposition, article, word order) carried over into the translation.",
                'Construction of the source ("{src}") carried over: say "{good}".',
                'Construction of the source ("{src}") carried over: "{bad}" is not idiomatic here.'),
}
_KEYS = {"class", "source", "bad", "good", "unless_source", "unless_text", "note", "message", "case", "cased", "id"}
# a word edge where the pattern starts or ends with a letter or digit; none after "d'" or before "-"
_EDGE = r"(?:(?<![\p{L}\p{N}])|(?![\p{L}\p{N}]))"
_NO_SPACE_LANGS = {"zh", "ja"}  # no spaces between words: a trigger has no word edges
_MARKER = regex.compile(r"([\p{L}'’-]+)~([vn])(?:\(([\p{L}'’ ,-]+)\))?")
_FIELD = regex.compile(r"\{(\w+)\}")


class LexiconError(ValueError):
    """A lexicon that cannot be used; the message names the file and the entry."""


class LazyPattern:
    """A lexicon pattern, compiled at its first use and then kept; it answers as the compiled
    `regex.Pattern` does (`search`, `finditer`, `sub`, ...). Compiling is the costly part of
    loading a lexicon (the `regex` module parses in Python: ~1.5 ms a pattern, two to six patterns
    an entry), and a text reaches the patterns of the few entries whose needles it holds, so a
    pair's lexicon loads in a fraction of the time and a process compiles only what its texts use.
    `load_lexicon(path)` compiles every pattern at once, to check a file."""

    __slots__ = ("_pattern", "_flags", "_where", "_compiled")

    def __init__(self, pattern: str, where: str, flags: int = 0) -> None:
        self._pattern, self._where, self._flags = pattern, where, flags
        self._compiled: regex.Pattern | None = None

    def compiled(self) -> regex.Pattern:
        if self._compiled is None:
            self._compiled = _compile(self._pattern, self._where, self._flags)
        return self._compiled

    def __getattr__(self, name: str):
        if name.startswith("_"):  # not the pattern's (and no recursion while a copy is being made)
            raise AttributeError(name)
        return getattr(self.compiled(), name)

    def __repr__(self) -> str:
        return f"LazyPattern({self._pattern!r}, flags={self._flags})"


class Finder:
    """Which of many strings occur in a text, in one pass: an Aho-Corasick automaton
    (pyahocorasick) over the needles, each standing for the entries that need it. Testing a
    text for each of a pair's ~300 needles in turn was a fifth of a lexicon's cost a document."""

    __slots__ = ("_automaton",)

    def __init__(self, needles: dict[str, tuple[int, ...]]) -> None:
        self._automaton = ahocorasick.Automaton() if needles else None
        for needle, ids in needles.items():
            self._automaton.add_word(needle, ids)
        if self._automaton is not None:
            self._automaton.make_automaton()

    def entries(self, text: str) -> set[int]:
        """The entries of the needles that occur in `text` (overlapping ones included)."""
        found: set[int] = set()
        if self._automaton is not None:
            for _, ids in self._automaton.iter(text):
                found.update(ids)
        return found


@dataclass(frozen=True, slots=True)
class Rendering:
    """One right rendering: a template, used only where its conditions hold."""

    template: str
    if_match: LazyPattern | None = None
    if_source: LazyPattern | None = None


@dataclass(frozen=True, slots=True)
class Entry:
    id: str
    kind: str
    source: LazyPattern
    bad: LazyPattern
    good: tuple[Rendering, ...]
    unless_source: LazyPattern | None
    unless_text: LazyPattern | None
    message: str | None
    note: str | None
    case: tuple[str, str, str]
    forms: tuple[str, ...] | None  # the forms of the bad rendering's word~v / word~n, if it has one
    needles: tuple[str, ...] | None  # lower-case strings one of which the bad rendering always contains
    source_needles: tuple[str, ...] | None = None  # case-folded strings one of which the trigger always contains


@dataclass(frozen=True, slots=True)
class Lexicon:
    pair: str
    path: Path
    sha256: str
    entries: tuple[Entry, ...]
    by_needle: dict[str, tuple[int, ...]]  # needle -> the entries that need it
    always: tuple[int, ...]  # entries without needles, tried on every text
    # the needles of the renderings (lower-cased) and of the triggers (case-folded), for one pass
    # over a translation and one over its source
    rendering_finder: Finder = field(compare=False, repr=False, default=None)
    trigger_finder: Finder = field(compare=False, repr=False, default=None)


# ---------------------------------------------------------------- inflection

@lru_cache(maxsize=1)
def _irregular() -> dict:
    return yaml.load(INFLECTIONS.read_text(encoding="utf-8"), Loader=_Loader)


def english_forms(word: str, kind: str) -> tuple[str, ...]:
    """A regular or listed English verb's forms (base, -s, past, -ing, past participle) or noun's
    (singular, plural).

    >>> english_forms("assist", "v"), english_forms("say", "v"), english_forms("policy", "n")
    (('assist', 'assists', 'assisted', 'assisting', 'assisted'), ('say', 'says', 'said', 'saying', 'said'), ('policy', 'policies'))
    """
    table = _irregular()["en"]["verbs" if kind == "v" else "nouns"]
    if word in table:
        return (word, *table[word])
    if kind == "n":
        return word, _plural(word)
    third = _plural(word)
    if word.endswith("e") and not word.endswith("ee"):
        return word, third, word + "d", word[:-1] + "ing", word + "d"
    if regex.search(r"[^aeiou]y$", word):
        return word, third, word[:-1] + "ied", word + "ing", word[:-1] + "ied"
    return word, third, word + "ed", word + "ing", word + "ed"


def _plural(word: str) -> str:
    if regex.search(r"(?:s|x|z|ch|sh)$", word):
        return word + "es"
    if regex.search(r"[^aeiou]y$", word):
        return word[:-1] + "ies"
    return word + "s"


def _marker_forms(m: regex.Match) -> tuple[str, ...]:
    word, kind, listed = m.group(1), m.group(2), m.group(3)
    if listed:
        forms = tuple(form.strip() for form in listed.split(","))
        return (word, *forms, forms[-1]) if kind == "v" and len(forms) == 3 else (word, *forms)
    return english_forms(word, kind)


def _expand(pattern: str, capture: bool) -> tuple[str, tuple[str, ...] | None]:
    """The pattern with its `word~v` / `word~n` shorthand spelt out (captured as `_inf` when asked)
    and its spaces standing for any white space; and the marked word's forms, if any."""
    forms = None

    def spell(m: regex.Match) -> str:
        nonlocal forms
        these = _marker_forms(m)
        if forms is not None and these != forms:
            raise LexiconError(f"{pattern!r}: only one inflected word (word~v / word~n) a pattern")
        forms = these
        alternatives = "|".join(regex.escape(f) for f in sorted(set(forms), key=len, reverse=True))
        return f"(?P<_inf>{alternatives})" if capture else f"(?:{alternatives})"

    expanded = _MARKER.sub(spell, pattern).replace(r"\p{Lu}", r"(?-i:\p{Lu})")  # a capital stays one under (?i)
    return regex.sub(r" +", r"\\s+", expanded), forms


def _inflect(template: str, form: tuple[int, ...] | None, bad_forms: tuple[str, ...] | None) -> str | None:
    """The template with its marked word in the form the translation used; None where that form is
    unknown or ambiguous: the bad word is several forms at once ('assisted': past and participle;
    'become': base and participle) and the suggestion's differ ('took' / 'taken')."""
    m = _MARKER.search(template)
    if not m:
        return template
    if form is None or bad_forms is None:
        return None
    forms = _marker_forms(m)
    if len(forms) != len(bad_forms):
        return None
    candidates = {forms[i] for i in form}
    if len(candidates) != 1:
        return None
    return template[:m.start()] + candidates.pop() + template[m.end():]


def _keep_case(suggestion: str, text: str, start: int, end: int) -> str:
    """A suggestion takes a capital where the words it replaces start a sentence; one written in
    lower case takes capitals throughout where they are in capitals, and title case where they
    are a title ('Upper Mayor' -> 'Mayor')."""
    matched = text[start:end]
    if not matched or not suggestion:
        return suggestion
    if not any(ch.isupper() for ch in suggestion):
        if matched.isupper() and " " in matched:  # a heading in capitals (an acronym is not)
            return suggestion.upper()
        words = matched.split()
        if len(words) > 1 and all(w[0].isupper() for w in words if w.lower() not in _SMALL_WORDS):
            return " ".join(w if w.lower() in _SMALL_WORDS else w[:1].upper() + w[1:] for w in suggestion.split())
    if matched[0].isupper() and suggestion[0].islower() and _SENTENCE_START.search(text, 0, start):
        return suggestion[:1].upper() + suggestion[1:]
    return suggestion


_SMALL_WORDS = {"a", "an", "and", "as", "at", "by", "for", "in", "of", "on", "or", "the", "to"}


_SENTENCE_START = regex.compile(r"(?:^|[.!?:;]\s+|[\"“«‘(]\s*)$")
_ARTICLE_BEFORE = regex.compile(r"(?<![\p{L}\p{N}])(an?|An?|AN?)\s+$")
_VOWEL_SOUND = regex.compile(r"(?i)^(?:[aeio]|u(?!ni|s[aeu]|ti|r[ao]|k)|h(?:our|onest|onou?r|eir))|^(?-i:[FHLMNRSX](?:[A-Z\d]|$)|MEP)")


def _with_article(text: str, start: int, suggestion: str) -> tuple[int, str]:
    """Where 'a' or 'an' stands before the replaced words and the suggestion needs the other one,
    the article is part of the span and of the suggestion ('an eventual' -> 'a possible')."""
    m = _ARTICLE_BEFORE.search(text, 0, start)
    if not m or not suggestion:
        return start, suggestion
    article = m.group(1)
    wanted = "an" if _VOWEL_SOUND.match(suggestion) else "a"
    if article.lower() == wanted:
        return start, suggestion
    if article.isupper() and len(article) > 1:
        wanted = wanted.upper()
    elif article[0].isupper():
        wanted = wanted.capitalize()
    return m.start(), f"{wanted} {suggestion}"


# ---------------------------------------------------------------- needles

_LITERAL = regex.compile(r"[\p{L}\p{N}'’-]+")


def needles(pattern: str) -> tuple[str, ...] | None:
    """Lower-case strings one of which every match of `pattern` contains, found in its literal
    words and its plain alternations of words ('(?:head|chief|boss) of ...' -> the longest
    mandatory one); None when the pattern has none (its entry is then tried on every text).
    A document is searched only for the entries whose needles it contains: one pass of substring
    tests instead of hundreds of patterns.

    >>> needles(r"(?:head|chief) of (?:the )?diplomacy|diplomacy\s+chief"), needles(r"(?P<_inf>assisting|assist)\s+at")
    (('diplomacy',), ('assist',))
    """
    found: set[str] = set()
    for branch in _split(pattern, "|"):
        best = None
        for alternatives in _mandatory(branch):
            score = min(len(a) for a in alternatives)
            if best is None or score > best[0]:
                best = (score, alternatives)
        if best is None or best[0] < 2:
            return None
        found.update(best[1])
    # 'assist' is in every text 'assisted' is in: keep the shortest
    return tuple(sorted(n for n in found if not any(o != n and o in n for o in found)))


def _structure(pattern: str, start: int = 0) -> Iterator[tuple[int, str, int]]:
    """(position, character, group depth after it) for each character of a regex pattern from
    `start` that is outside character classes and escapes: what splitting at a top-level `|` and
    finding a group's end both need."""
    depth, i, in_class = 0, start, False
    while i < len(pattern):
        ch = pattern[i]
        if ch == "\\":
            i += 2
            continue
        if in_class:
            in_class = ch != "]"
        elif ch == "[":
            in_class = True
        else:
            depth += (ch == "(") - (ch == ")")
            yield i, ch, depth
        i += 1


def _split(pattern: str, sep: str) -> list[str]:
    """`pattern` split at `sep` outside groups, classes and escapes."""
    parts, start = [], 0
    for i, ch, depth in _structure(pattern):
        if ch == sep and depth == 0:
            parts.append(pattern[start:i])
            start = i + 1
    return parts + [pattern[start:]]


def _mandatory(branch: str) -> Iterator[tuple[str, ...]]:
    """The elements of one alternative that every match contains: literal words (not followed by
    a quantifier that can drop them) and groups that are plain alternations of words."""
    i, run = 0, ""
    while i < len(branch):
        ch = branch[i]
        if ch == "(":
            end = _group_end(branch, i)
            body, quantified = branch[i + 1:end], branch[end + 1:end + 2] in ("?", "*", "{")
            yield from _words(run)
            run = ""
            if body.startswith(("?=", "?!", "?<=", "?<!")) or quantified:
                i = end + 1
                continue
            inner = regex.sub(r"^\?(?:P<\w+>|[:a-zA-Z-]*:)", "", body)
            if inner.startswith("?"):  # a construct other than a group (flags, a reference, a condition)
                i = end + 1
                continue
            options = _split(inner, "|")
            if all(_LITERAL.fullmatch(o) for o in options):
                yield tuple(sorted({o.lower() for o in options}))
            elif len(options) == 1:
                yield from _mandatory(inner)
            i = end + 1
        elif ch == "\\" or ch in "[.":
            yield from _words(run)
            run = ""
            if ch == "[":
                i = branch.index("]", i + 2) + 1
            elif ch == "\\" and branch[i + 1:i + 3] in _BRACED_ESCAPES:  # \p{Lu}, \g<name>: no literal inside
                i = branch.index(_BRACED_ESCAPES[branch[i + 1:i + 3]], i + 3) + 1
            else:
                i += 2 if ch == "\\" else 1
            if i < len(branch) and branch[i] in "+*?{":
                i += 1
        elif ch in "?*{" and run:
            run = run[:-1]  # the quantified character may be missing
            yield from _words(run)
            run = ""
            i += 1
        elif _LITERAL.fullmatch(ch):
            run += ch
            i += 1
        else:
            yield from _words(run)
            run = ""
            i += 1
    yield from _words(run)


# escapes whose argument stands in braces or angle brackets: its letters are not literal text
_BRACED_ESCAPES = {f"{letter}{bracket}": closing for letter in "pPNxgkL" for bracket, closing in (("{", "}"), ("<", ">"))}


def _words(run: str) -> Iterator[tuple[str, ...]]:
    if len(run) >= 2:
        yield (run.lower(),)


def _group_end(pattern: str, start: int) -> int:
    """Where the group opening at `start` closes."""
    for i, ch, depth in _structure(pattern, start):
        if ch == ")" and depth == 0:
            return i
    raise LexiconError(f"{pattern!r}: unbalanced parenthesis")


# ---------------------------------------------------------------- loading


class _Loader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):
    pass


def _parse(raw_bytes: bytes) -> object:
    return yaml.load(raw_bytes.decode("utf-8"), Loader=_Loader)


def _compile(pattern: str, where: str, flags: int = 0) -> regex.Pattern:
    try:
        return regex.compile(pattern, flags)
    except regex.error as exc:
        raise LexiconError(f"{where}: bad pattern {pattern!r}: {exc}") from exc


def _entry(raw: dict, pair: str, where: str) -> Entry:
    unknown = set(raw) - _KEYS
    missing = {"class", "source", "bad", "case"} - set(raw)
    if unknown or missing:
        raise LexiconError(f"{where}: unknown keys {sorted(unknown)}" if unknown else f"{where}: missing {sorted(missing)}")
    kind = raw["class"]
    if kind not in CLASSES:
        raise LexiconError(f"{where}: class {kind!r} is not one of {sorted(CLASSES)}")
    try:
        return _build(raw, kind, pair, where)
    except LexiconError as exc:
        raise LexiconError(f"{where}: {exc}") if not str(exc).startswith(where) else exc


def _build(raw: dict, kind: str, pair: str, where: str) -> Entry:
    src_lang, _ = pair.split("-")
    source_pattern, _ = _expand(raw["source"], capture=False)
    edges = ("", "") if src_lang in _NO_SPACE_LANGS else (_EDGE, _EDGE)
    source = LazyPattern(f"{edges[0]}(?:{source_pattern}){edges[1]}", where, regex.IGNORECASE)
    bad_pattern, bad_forms = _expand(raw["bad"], capture=True)
    flags = 0 if raw.get("cased") else regex.IGNORECASE
    bad = LazyPattern(f"{_EDGE}(?:{bad_pattern}){_EDGE}", where, flags)
    goods = raw.get("good") or []
    goods = [goods] if isinstance(goods, (str, dict)) else goods
    renderings = []
    for good in goods:
        if isinstance(good, str):
            good = {"say": good}
        if set(good) - {"say", "if_match", "if_source"} or "say" not in good:
            raise LexiconError(f"{where}: a conditional rendering needs 'say' and may have 'if_match', 'if_source'")
        if _MARKER.search(good["say"]) and bad_forms is None:
            raise LexiconError(f"{where}: rendering {good['say']!r} is inflected but the bad rendering has no word~v/~n")
        if bad_forms is not None and not _MARKER.search(good["say"]) and not raw.get("cased"):
            raise LexiconError(f"{where}: the bad rendering is inflected, so rendering {good['say']!r} must be too (word~v / word~n)")
        unknown_fields = set(_FIELD.findall(good["say"])) - set(_GROUP_NAME.findall(bad_pattern))
        if unknown_fields:
            raise LexiconError(f"{where}: rendering {good['say']!r} names groups the bad rendering lacks: {sorted(unknown_fields)}")
        renderings.append(Rendering(good["say"],
                                    LazyPattern(good["if_match"], where, regex.IGNORECASE) if "if_match" in good else None,
                                    LazyPattern(good["if_source"], where, regex.IGNORECASE) if "if_source" in good else None))
    case = raw["case"]
    if not (isinstance(case, list) and len(case) == 3 and all(isinstance(c, str) and c for c in case)):
        raise LexiconError(f"{where}: case must be [source, bad translation, correct translation]")
    entry_id = raw.get("id") or f"{_slug(raw['source'])}>{_slug(raw['bad'])}"
    return Entry(entry_id, kind, source, bad, tuple(renderings),
                 LazyPattern(raw["unless_source"], where, regex.IGNORECASE) if raw.get("unless_source") else None,
                 LazyPattern(raw["unless_text"], where, regex.IGNORECASE) if raw.get("unless_text") else None,
                 raw.get("message"), raw.get("note"), tuple(case), bad_forms,
                 _needles(bad, bad_pattern), _folded(_needles(source, source_pattern)))


def _needles(compiled: LazyPattern, pattern: str) -> tuple[str, ...] | None:
    """`needles(pattern)`; where the pattern cannot be read, the regex module's words for why."""
    try:
        return needles(pattern)
    except LexiconError:
        compiled.compiled()
        raise


# the named groups a pattern defines, `(?P<name>...)` or `(?<name>...)`
_GROUP_NAME = regex.compile(r"\(\?P?<(\w+)>")


def _folded(found: tuple[str, ...] | None) -> tuple[str, ...] | None:
    """Needles of a case-insensitive pattern, case-folded: a source is case-folded before it is
    searched, so that a letter the pattern matches by simple case folding ('ſ' for 's', 'ς' for
    'σ'), which `str.lower` leaves as it is, is found all the same."""
    return None if found is None else tuple(sorted({n.casefold() for n in found}))


def _slug(pattern: str) -> str:
    """An entry's default id part: the first words of its pattern, without lookarounds and escapes."""
    out, depth, skip_from = [], 0, None
    i = 0
    while i < len(pattern):
        if pattern.startswith(("(?<=", "(?<!", "(?=", "(?!"), i) and skip_from is None:
            skip_from, depth = i, 0
        ch = pattern[i]
        if ch == "\\":
            i += 2
            if i - 1 < len(pattern) and pattern[i - 1] in "pP" and i < len(pattern) and pattern[i] == "{":
                i = pattern.index("}", i) + 1
            continue
        if skip_from is not None:
            depth += ch == "("
            depth -= ch == ")"
            if depth == 0:
                skip_from = None
        else:
            out.append(ch)
        i += 1
    words = [w for w in regex.findall(r"\p{L}{2,}", regex.sub(r"\(\?P<\w+>|\(\?[:i-]*", " ", "".join(out)))]
    return "_".join(words[:3])


# The YAML of each file that `rules()` read at import to name the rules, kept for that file's
# first load (parsing is most of what loading a lexicon costs, and every file was parsed twice):
# taken once, and only while the file's bytes are the same.
_PARSED: dict[Path, tuple[bytes, object]] = {}


def _read(path: Path, keep: bool = False) -> tuple[bytes, object]:
    """A lexicon file's bytes and its YAML, or a LexiconError naming the file (and the line)."""
    try:
        raw_bytes = path.read_bytes()
        parsed = _PARSED.pop(path, None)
        data = parsed[1] if parsed is not None and parsed[0] == raw_bytes else parsed_once(raw_bytes, _parse)
        if keep:
            _PARSED[path] = (raw_bytes, data)
        return raw_bytes, data
    except OSError as exc:
        raise LexiconError(f"{path}: cannot read the lexicon: {exc.strerror or exc}") from exc
    except UnicodeDecodeError as exc:
        raise LexiconError(f"{path}: the lexicon is not valid UTF-8 (byte {exc.start})") from exc
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}: " if mark else ""
        raise LexiconError(f"{path}: {where}invalid YAML: {getattr(exc, 'problem', exc)}") from exc


def load_lexicon(path: Path, compile_now: bool = True) -> Lexicon:
    """A lexicon file, checked entry by entry, with the finders of its needles. With
    `compile_now`, every pattern is compiled here, so that a bad one is an error now; without,
    each is compiled at its first use (`LazyPattern`): what cleaning does, since the shipped
    lexicons are checked whole by the tests (tests/test_lexicons.py)."""
    raw_bytes, data = _read(path)
    pair = path.stem
    if not isinstance(data, dict) or data.get("pair") != pair or not isinstance(data.get("entries"), list):
        raise LexiconError(f"{path}: needs 'pair: {pair}' and an 'entries:' list")
    entries = tuple(_entry(raw, pair, f"{path.name} entry {i + 1} ({raw.get('source')!r} -> {raw.get('bad')!r})")
                    for i, raw in enumerate(data["entries"]))
    seen = set()
    for entry in entries:
        if entry.id in seen:
            raise LexiconError(f"{path.name}: entry id {entry.id!r} is used twice (give one an 'id:')")
        seen.add(entry.id)
    if compile_now:
        for entry in entries:
            for pattern in _patterns(entry):
                pattern.compiled()
    by_needle, by_trigger_needle = _index(entries, "needles"), _index(entries, "source_needles")
    return Lexicon(pair, path, hashlib.sha256(raw_bytes).hexdigest(), entries, by_needle,
                   tuple(i for i, entry in enumerate(entries) if entry.needles is None),
                   Finder(by_needle), Finder(by_trigger_needle))


def _index(entries: tuple[Entry, ...], field_name: str) -> dict[str, tuple[int, ...]]:
    """needle -> the entries that need it, for one kind of needles (`needles`, `source_needles`)."""
    index: dict[str, list[int]] = {}
    for i, entry in enumerate(entries):
        for needle in getattr(entry, field_name) or ():
            index.setdefault(needle, []).append(i)
    return {needle: tuple(ids) for needle, ids in sorted(index.items())}


def _patterns(entry: Entry) -> Iterator[LazyPattern]:
    yield from (entry.source, entry.bad)
    yield from (p for p in (entry.unless_source, entry.unless_text) if p is not None)
    yield from (p for r in entry.good for p in (r.if_match, r.if_source) if p is not None)


@lru_cache(maxsize=1)
def lexicon_files() -> dict[str, Path]:
    """Every lexicon shipped, by language pair."""
    return {path.stem: path for path in sorted(LEXICON_DIR.glob("*-*.yaml"))}


@lru_cache(maxsize=None)
def lexicon(pair: str) -> Lexicon | None:
    """A shipped pair's lexicon, loaded once per process, its patterns compiled as they are used."""
    path = lexicon_files().get(pair)
    return load_lexicon(path, compile_now=False) if path else None


# ---------------------------------------------------------------- matching


def lexicon_hits(pair: str, source: str | None, text: str) -> list[tuple[Entry, int, int, str, str | None]]:
    """Every (entry, start, end, matched text, suggestion) of the pair's lexicon in `text` whose
    trigger is in `source`; nothing without a source or a lexicon for the pair."""
    lex = lexicon(pair)
    if not source or lex is None:
        return []
    return list(_hits(lex, source, text))


def _hits(lex: Lexicon, source: str, text: str) -> Iterator[tuple[Entry, int, int, str, str | None]]:
    rendered = lex.rendering_finder.entries(text.lower())
    rendered.update(lex.always)
    if not rendered:
        return
    # an entry whose trigger cannot be in the source (none of its needles is) is not matched
    triggered = lex.trigger_finder.entries(source.casefold())
    candidates = sorted(i for i in rendered if i in triggered or lex.entries[i].source_needles is None)
    if not candidates:
        return
    # from an English source, a capitalised word the translation copies verbatim ("The Gift"
    # collection) is a name or a title, not a false friend; into English the copy is the false friend
    copies_names = lex.pair.startswith("en-")
    found = []
    for i in candidates:
        entry = lex.entries[i]
        matches = list(entry.bad.finditer(text))
        if not matches or not _triggered(entry, source, text):
            continue
        found += [(m.start(), -m.end(), i, m) for m in matches
                  if not (copies_names and m.group()[:1].isupper() and _in_source(m.group(), source))]
    reported: list[tuple[int, int]] = []  # one finding a span: the earliest, longest match, then file order
    for _, _, i, m in sorted(found, key=lambda f: f[:3]):
        if any(m.start() < end and start < m.end() for start, end in reported):
            continue
        entry = lex.entries[i]
        reported.append(m.span())
        start, suggestion = m.start(), _suggestion(entry, m, source, text)
        if suggestion is not None and lex.pair.endswith("-en"):
            start, suggestion = _with_article(text, start, suggestion)
        yield entry, start, m.end(), text[start:m.end()], suggestion


def _triggered(entry: Entry, source: str, text: str) -> bool:
    """The source holds the entry's trigger, and neither text holds what excuses the rendering."""
    return (entry.source.search(source) is not None
            and not (entry.unless_source and entry.unless_source.search(source))
            and not (entry.unless_text and entry.unless_text.search(text)))


def _in_source(words: str, source: str) -> bool:
    return regex.search(rf"(?<![\p{{L}}\p{{N}}]){regex.escape(words)}(?![\p{{L}}\p{{N}}])", source) is not None


def _suggestion(entry: Entry, m: regex.Match, source: str, text: str) -> str | None:
    form = None
    if entry.forms and m.group("_inf") is not None:
        lowered = m.group("_inf").lower()
        form = tuple(i for i, f in enumerate(entry.forms) if f == lowered) or None
    for rendering in entry.good:
        if rendering.if_match and not rendering.if_match.search(m.group()):
            continue
        if rendering.if_source and not rendering.if_source.search(source):
            continue
        filled = _FIELD.sub(lambda f: m.group(f.group(1)) or "", rendering.template)
        inflected = _inflect(filled, form, entry.forms)
        if inflected is None:
            return None
        return _keep_case(regex.sub(r"\s+", " ", inflected).strip(), text, m.start(), m.end())
    return None


def _message(entry: Entry, matched: str, trigger: str, suggestion: str | None) -> str:
    kind = CLASSES[entry.kind]
    template = entry.message or (kind[3] if suggestion else kind[4])
    message = template.format(src=trigger, bad=matched, good=suggestion or "")
    return f"{message} {entry.note}" if entry.note else message


# ---------------------------------------------------------------- registration


@lru_cache(maxsize=1)
def rules() -> tuple[tuple[str, str, str], ...]:
    """(rule id, class, pair) of every class each shipped lexicon uses."""
    found = []
    for pair, path in lexicon_files().items():
        data = _read(path, keep=True)[1]
        entries = data.get("entries") if isinstance(data, dict) else None
        for kind in sorted({raw.get("class") for raw in entries or [] if isinstance(raw, dict)} & set(CLASSES)):
            found.append((f"lexicon.{kind}.{pair}", kind, pair))
    return tuple(found)


def _register(rule: str, kind: str, pair: str) -> None:
    category, severity, summary, _, _ = CLASSES[kind]
    src, tgt = pair.split("-")

    @detector(rule, category, severity, f"{summary} ({src} -> {tgt}; cleaners/data/lexicons/{pair}.yaml)")
    def run(view: DocView) -> Iterator[Hit]:
        if view.source_lang != src or view.lang != tgt or not view.doc.source:
            return
        for entry, start, end, matched, suggestion in _cached_hits(pair, view.doc.source, view.text):
            if entry.kind == kind:
                trigger = entry.source.search(view.doc.source).group()
                yield start, end, _message(entry, matched, trigger, suggestion), suggestion


@lru_cache(maxsize=64)
def _cached_hits(pair: str, source: str, text: str) -> tuple:
    """The pair's hits, shared by its class rules (each runs on the same document in turn)."""
    return tuple(lexicon_hits(pair, source, text))


for _rule, _kind, _pair in rules():
    _register(_rule, _kind, _pair)
