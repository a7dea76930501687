"""Sentence segmentation with offsets, for any language sentencex knows (about 300).

sentencex (Wikimedia's rule-based segmenter, compiled) gives character offsets directly. We split
at line breaks first: in news and corpora a line is a paragraph, a headline or a list item, and
a line without a final full stop ("Military exercises in Belarus") is still a unit of its own.
Spans are trimmed of surrounding white space, so `text[start:end]` is the sentence as a reader sees it.

>>> text = "Biden spoke. Russia denied it.\\nMilitary exercises in Belarus"
>>> [text[s:e] for s, e in sentence_spans(text, "en")]
['Biden spoke.', 'Russia denied it.', 'Military exercises in Belarus']
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import regex
import sentencex

from mtqa.cleaners import hunspell
from mtqa.cleaners.datafiles import safe_load

_DATA = Path(__file__).parent / "data" / "structure.yaml"
# What the segmenter cut after an ordinal ("für das 3."): one to three digits and a full stop, not
# a decimal's, a time's or a year's ("stieg 2022." ends a sentence).
_ORDINAL_END = regex.compile(r"(?<![\d.,:])\d{1,3}\.\s*$")
_FIRST_WORD = regex.compile(r"\s*(\p{Lu}[\p{Ll}\p{M}]+)(?![\p{L}\p{M}])")


@lru_cache(maxsize=1)
def _ordinal_before_noun() -> frozenset[str]:
    """Languages that write ordinals with a full stop and capitalise nouns (data/structure.yaml)."""
    return frozenset(safe_load(_DATA.read_text(encoding="utf-8"))["ordinal_before_capital_noun"])


def sentence_spans(text: str, lang: str | None) -> list[tuple[int, int]]:
    """(start, end) of each sentence, in order, trimmed; empty lines give none."""
    spans: list[tuple[int, int]] = []
    pos = 0
    language = lang or "en"
    for line in text.splitlines(keepends=True):
        if line.strip():
            bounds = [(b["start_index"], b["end_index"]) for b in sentencex.get_sentence_boundaries(language, line)]
            if language in _ordinal_before_noun() and len(bounds) > 1:
                bounds = _joined_at_ordinals(line, bounds, language)
            for b_start, b_end in bounds:
                start, end = _trim(line, b_start, b_end)
                if start < end:
                    spans.append((pos + start, pos + end))
        pos += len(line)
    return spans


def _joined_at_ordinals(line: str, bounds: list[tuple[int, int]], lang: str) -> list[tuple[int, int]]:
    """The boundaries with those after an ordinal rejoined: sentencex ends a German sentence at
    "das 3. Quartal", "in der 2. Runde" (before a month it does not). A noun after the number
    (its dictionary knows it only with a capital) continues the sentence; a word the dictionary
    also knows in lower case ("stieg auf 30. Die Polizei") starts a new one, and without a
    dictionary nothing is rejoined."""
    if not hunspell.has_dictionary(lang):
        return bounds
    joined = [bounds[0]]
    for start, end in bounds[1:]:
        prev_start, prev_end = joined[-1]
        first = _FIRST_WORD.match(line, start, end)
        if (_ORDINAL_END.search(line, prev_start, prev_end) and first
                and not hunspell.knows(first.group(1).lower(), lang) and hunspell.knows(first.group(1), lang)):
            joined[-1] = (prev_start, end)
        else:
            joined.append((start, end))
    return joined


def _trim(line: str, start: int, end: int) -> tuple[int, int]:
    while start < end and line[start].isspace():
        start += 1
    while end > start and line[end - 1].isspace():
        end -= 1
    return start, end
