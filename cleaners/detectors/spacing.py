"""Spacing around punctuation as the target locale wants it (pofilter's puncspacing): French puts
a (narrow) no-break space before ; : ! ? and inside « », English and German none; Chinese and
Japanese use full-width marks without spaces, marks that have no place in the text of another
script; no language runs two words together at a comma.

The checks are patterns in cleaners/data/qa.yaml (`punctuation_spacing`), each for or against some
locales, so a locale is added there, not here. They run only where the language is known. Plain
spaces before a mark in languages that want none are normalise.yaml's (space.before_colon_semicolon).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache

import regex

from mtqa.cleaners.detectors import DocView, Hit, detector
from mtqa.cleaners.detectors.carried import addresses
from mtqa.cleaners.detectors.qa import data, fold, local_mark
from mtqa.cleaners.prefilter import Probe, Requirement, requirement
from mtqa.cleaners.scripts import written_script
from mtqa.cleaners.spans import Spans, markup_code


@dataclass(frozen=True)
class _Check:
    pattern: regex.Pattern
    replace: str | None  # the suggestion's template; None: no suggestion
    message: str
    langs: frozenset[str]
    skip_langs: frozenset[str]
    needs: Requirement | None  # what every match contains (cleaners/prefilter.py): a text without it is not searched
    unless_source_glues: bool  # silent where the source runs the same mark together too: its typo or name, copied
    skip_lines: regex.Pattern | None  # lines where the locale's own standard writes the marks otherwise
    skip_scripts: frozenset[str]  # the scripts of the languages left alone (ISO 15924: Hans, Jpan...)
    unless_cjk_in_word: bool  # silent in a word that holds Chinese, Japanese or Korean characters (a quoted title)

    def applies_to(self, lang: str) -> bool:
        """As a rule pack's langs and skip_langs: for these locales, or all but those; and not for
        a language written in a script it skips (Cantonese writes Han like Chinese)."""
        return ((not self.langs or lang in self.langs) and lang not in self.skip_langs
                and not (self.skip_scripts and written_script(lang) in self.skip_scripts))


@lru_cache(maxsize=1)
def _checks() -> tuple[_Check, ...]:
    """The locale checks of qa.yaml, compiled once per process."""
    return tuple(_Check(regex.compile(c["pattern"]), c["replace"], c["message"], frozenset(c.get("langs", ())),
                        frozenset(c.get("skip_langs", ())), requirement(c["pattern"], regex.V0),
                        bool(c.get("unless_source_glues")),
                        regex.compile(c["skip_lines"]) if c.get("skip_lines") else None,
                        frozenset(c.get("skip_scripts", ())), bool(c.get("unless_cjk_in_word")))
                 for c in data()["punctuation_spacing"])


@lru_cache(maxsize=64)
def _checks_for(lang: str) -> tuple[_Check, ...]:
    return tuple(c for c in _checks() if c.applies_to(lang))


@detector("qa.punctuation_spacing", "locale-convention", "minor",
          "Spacing around punctuation that the target locale does not use (French '?' without its no-break "
          "space, 'word,word', an ASCII comma between Chinese characters).")
def punctuation_spacing(view: DocView) -> Iterator[Hit]:
    """URLs, e-mail addresses, code and Markdown link targets keep their punctuation as it is
    ('index.php?id=2', '`debug: true`', '](docs/指南.md)')."""
    if not view.lang:
        return
    text = view.text
    probe = Probe(text)
    protected = None  # found at the first match: most texts have none
    glued: dict[_Check, frozenset[str]] = {}  # the source's own run-togethers, by check, read at its first match
    for check in _checks_for(view.lang):
        if check.needs is not None and not check.needs.holds(probe):
            continue
        # every match first, then the work per match: the timeout is the pattern's, not the caller's
        matches = list(check.pattern.finditer(text, timeout=1.0))
        skipped = _lines_matching(text, check.skip_lines) if matches and check.skip_lines else None
        for m in matches:
            if protected is None:
                protected = addresses(text) | markup_code(text)
            if m.start() in protected or (skipped is not None and m.start() in skipped):
                continue
            if check.unless_cjk_in_word and _CJK_LETTER.search(_word_around(text, m.start(), m.end())):
                continue
            if check.unless_source_glues:
                if check not in glued:
                    glued[check] = _source_glues(check, view.doc.source or "")
                if m.group() in glued[check] and (len(m.group()) > 1 or _NAME_BEFORE.search(text, max(0, m.start() - 40), m.start())):
                    continue  # a lone mark is the source's only inside a name ("Яндекс.Такси"), not after "функцию"
            suggestion = None if check.replace is None else (
                m.expand(check.replace).replace("{local}", "".join(local_mark(c, view.lang) or c for c in fold(m.group())))
                .replace("{ascii}", fold(m.group())))
            yield m.start(), m.end(), check.message, suggestion


_CJK_LETTER = regex.compile(r"[\p{Han}\p{Hiragana}\p{Katakana}\p{Hangul}]")
_SPACE = regex.compile(r"\s")


def _word_around(text: str, start: int, end: int) -> str:
    """The text between the spaces either side of a match: the word it stands in."""
    before = _SPACE.search(text[max(0, start - 200):start][::-1])
    after = _SPACE.search(text, end, min(len(text), end + 200))
    return text[start - before.start() if before else max(0, start - 200):after.start() if after else min(len(text), end + 200)]


# A capitalised word just before a point: the first half of a dotted name
_NAME_BEFORE = regex.compile(r"(?<![\p{L}\p{M}])\p{Lu}[\p{L}\p{M}]*$")
_GLUED_NUMBER = regex.compile(r"(?<![\d.,])\d+\.(?=\p{L})")


def _source_glues(check: _Check, source: str) -> frozenset[str]:
    """What the source runs together as the check would report it: the check's own matches there
    (the "." of "Yandex.Taxi", which "Яндекс.Такси" writes so too), and its numbers run into a
    letter with their full stop ("2019." of "2019.El"). Where the translation has the same, the
    run-together is the source's: a name, or a source typo, which raters do not count against
    the MT."""
    return frozenset(m.group() for pattern in (check.pattern, _GLUED_NUMBER) for m in pattern.finditer(source, timeout=1.0))


def _lines_matching(text: str, pattern: regex.Pattern) -> Spans:
    """The lines of the text that the pattern finds something in."""
    spans, start = [], 0
    for line in text.splitlines(keepends=True):
        if pattern.search(line):
            spans.append((start, start + len(line)))
        start += len(line)
    return Spans(spans)
