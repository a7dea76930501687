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

from mtqa.cleaners.datafiles import safe_load

_DATA = Path(__file__).parent / "data" / "structure.yaml"
# What the segmenter cut after an ordinal ("für das 3."): a word, then one to three digits and a
# full stop, not a decimal's, a time's or a year's ("stieg 2022." ends a sentence).
_ORDINAL_END = regex.compile(r"(?<![\p{L}\p{M}])([\p{L}\p{M}]+)\s+\d{1,3}\.\s*$")
_LETTER_FIRST = regex.compile(r"\s*\p{L}")


@lru_cache(maxsize=1)
def _ordinal_determiners() -> dict[str, frozenset[str]]:
    """The words after which a number with a full stop is an ordinal, by language (data/structure.yaml)."""
    data = safe_load(_DATA.read_text(encoding="utf-8"))["ordinal_determiners"]
    return {lang: frozenset(words) for lang, words in data.items()}


def sentence_spans(text: str, lang: str | None) -> list[tuple[int, int]]:
    """(start, end) of each sentence, in order, trimmed; empty lines give none."""
    spans: list[tuple[int, int]] = []
    pos = 0
    language = lang or "en"
    for line in text.splitlines(keepends=True):
        if line.strip():
            bounds = [(b["start_index"], b["end_index"]) for b in sentencex.get_sentence_boundaries(language, line)]
            if len(bounds) > 1 and language in _ordinal_determiners():
                bounds = _joined_at_ordinals(line, bounds, _ordinal_determiners()[language])
            for b_start, b_end in bounds:
                start, end = _trim(line, b_start, b_end)
                if start < end:
                    spans.append((pos + start, pos + end))
        pos += len(line)
    return spans


def _joined_at_ordinals(line: str, bounds: list[tuple[int, int]], determiners: frozenset[str]) -> list[tuple[int, int]]:
    """The boundaries with those after an ordinal rejoined: sentencex ends a German sentence at
    "das 3. Quartal", "in der 2. Runde" (before a month it does not). The word before the number
    tells an ordinal (after an article, "der 2.") from a number that ends a sentence ("stieg auf
    30. Merkel sagte"); what follows cannot, as nouns and names start sentences too."""
    joined = [bounds[0]]
    for start, end in bounds[1:]:
        prev_start, prev_end = joined[-1]
        ordinal = _ORDINAL_END.search(line, prev_start, prev_end)
        if ordinal and ordinal.group(1).casefold() in determiners and _LETTER_FIRST.match(line, start, end):
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
