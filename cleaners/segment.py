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

import sentencex


def sentence_spans(text: str, lang: str | None) -> list[tuple[int, int]]:
    """(start, end) of each sentence, in order, trimmed; empty lines give none."""
    spans: list[tuple[int, int]] = []
    pos = 0
    language = lang or "en"
    for line in text.splitlines(keepends=True):
        if line.strip():
            for b in sentencex.get_sentence_boundaries(language, line):
                start, end = _trim(line, b["start_index"], b["end_index"])
                if start < end:
                    spans.append((pos + start, pos + end))
        pos += len(line)
    return spans


def _trim(line: str, start: int, end: int) -> tuple[int, int]:
    while start < end and line[start].isspace():
        start += 1
    while end > start and line[end - 1].isspace():
        end -= 1
    return start, end
