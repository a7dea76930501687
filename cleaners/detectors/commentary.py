"""What a large language model used as MT writes around its translation: a preamble ("Here is the
translation:"), a label ("Translation:"), a note on its choices ("(Note: the original text is
ambiguous)"), a refusal ("I'm sorry, but I cannot translate this"), words about itself ("As an AI
language model, I") or a closing after it ("I hope this helps!"). None of it is in the source, and
a reader of the published text sees it at once; MQM counts it as an addition.

The same words mean other things in human text (a book's "Translation: Jay Rubin", a note on "the
original packaging", "I can't translate my feelings into words", a chatbot quoted), and the
development sets hold no LLM output to measure the rule on, so every pattern is narrow
(data/commentary.yaml): preambles and labels only where a model puts them, at the text's start,
and a label only before a sentence; notes that name the translation or the original text;
refusals with an apology and an object; closings only as the last sentences, where the
translation has more sentences than the source. The rule stays silent where the source speaks of
translating; on preambles and labels where it opens with a label, on notes where it has a note or
speaks of the original, on the model's words about itself where it speaks of AI, on closings
where it hopes, helps or asks.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import regex

from mtqa.cleaners.datafiles import safe_load
from mtqa.cleaners.detectors import DocView, Hit, detector

_DATA = Path(__file__).resolve().parents[1] / "data" / "commentary.yaml"
# A bracketed note runs to its closing bracket, another to the end of its line (each at most this long).
_BRACKETED_NOTE_END = regex.compile(r"[^\n)\]）]{0,300}[)\]）]?")
_NOTE_END = regex.compile(r"[^\n]{0,300}")
# How far into a text a preamble or a label may end: a model puts it first.
_OPENING_CHARS = 600
# A sentence after a label: three words or more (six characters of Chinese or Japanese), ended.
_WORD = regex.compile(r"[\p{L}\p{N}]+")
_CJK = regex.compile(r"[\p{Han}\p{Hiragana}\p{Katakana}\p{Hangul}]")
_SENTENCE_END = regex.compile(r"[.!?。！？…][\"'”’»」』)）]*\s*\Z")
# Where a sentence starts: after the end of another, or a line's start.
_SENTENCE_START = r"(?:(?<=[.!?。！？…][\"'”’»」』)）]*\s*)|(?<=\n)|\A\s*)"
# The ends of sentences, and line breaks, that part a text into its sentences.
_SENTENCE_BREAK = regex.compile(r"[.!?。！？…]+[\"'”’»」』)）]*(?:\s+|(?=[\p{Han}\p{Hiragana}\p{Katakana}\p{Hangul}])|\Z)|\n+")
# How far from the text's end closings may start: two or three of them ("I hope this helps! Let
# me know if you need anything else."), no more.
_CLOSING_CHARS = 300


@dataclass(frozen=True)
class _Patterns:
    needles: tuple[str, ...]  # one of them is in every text a pattern matches: a quick test first
    source_words: regex.Pattern  # the source speaks of translating
    source_original: regex.Pattern  # ... of the original text
    source_ai: regex.Pattern  # ... of AI or language models
    opener: regex.Pattern  # a preamble at the text's start, "Sure!" before it in group 1
    label: regex.Pattern  # a label at the text's start, likewise
    source_label: regex.Pattern  # a label opening the source
    source_interjection: regex.Pattern  # a short word opening the source, which "Sure!" may translate
    notes: regex.Pattern
    source_notes: regex.Pattern
    refusals: regex.Pattern
    model_self: regex.Pattern
    closings: regex.Pattern  # a closing at a sentence's start
    source_closing: regex.Pattern  # the source hopes or helps


@lru_cache(maxsize=1)
def _patterns() -> _Patterns:
    data = safe_load(_DATA.read_text(encoding="utf-8"))

    def at_start(patterns: list[str]) -> regex.Pattern:
        return regex.compile(r"\A\s*+(" + data["polite"] + ")(?:" + "|".join(patterns) + r")\s*+", regex.IGNORECASE)

    def anywhere(patterns: list[str]) -> regex.Pattern:
        return regex.compile("|".join(f"(?:{p})" for p in patterns), regex.IGNORECASE)

    return _Patterns(
        needles=tuple(data["needles"]),
        source_words=regex.compile("|".join(map(regex.escape, data["source_translation_words"])), regex.IGNORECASE),
        source_original=anywhere(data["source_original_words"]), source_ai=anywhere(data["source_ai_words"]),
        opener=at_start(data["preambles"]), label=at_start(data["labels"]),
        source_label=regex.compile(rf"\A\s*+[^\n]{{0,{int(data['source_label_chars'])}}}?[:：]"),
        source_interjection=regex.compile(data["source_interjection"], regex.IGNORECASE),
        notes=anywhere(data["notes"]), source_notes=regex.compile(data["source_notes"], regex.IGNORECASE),
        refusals=anywhere(data["refusals"]), model_self=anywhere(data["model_self"]),
        closings=regex.compile(_SENTENCE_START + "(?:" + "|".join(data["closings"]) + ")", regex.IGNORECASE),
        source_closing=regex.compile("|".join(map(regex.escape, data["source_closing_words"])), regex.IGNORECASE))


@detector("structure.mt_commentary", "accuracy/addition", "major",
          "What a language model used as MT writes around its translation: a preamble or label ('Here is the "
          "translation:'), a note on the translation, a refusal, words about itself ('As an AI language model, I') "
          "or a closing ('I hope this helps!').")
def mt_commentary(view: DocView) -> Iterator[Hit]:
    """A preamble is reported with its removal as the suggestion where a sentence follows it
    (outside any note), a label only where one does; a note or a refusal with no suggestion (where
    a note ends, and what the model left out, a reviser decides)."""
    source = view.doc.source
    if not source:
        return
    text = view.text
    patterns = _patterns()
    folded = text.casefold()
    if not any(needle in folded for needle in patterns.needles):
        return  # most texts: no word any pattern needs
    if patterns.source_words.search(source):
        return  # the source speaks of translating: "the translation:" may be its own words
    hits: list[Hit] = []
    notes = _notes(text, source, patterns)
    opening = None if patterns.source_label.match(source) else _opening(text, notes, patterns)
    if opening:
        keep_polite = opening.group(1) and patterns.source_interjection.match(source)  # "Sure." may translate いいよ
        start = opening.end(1) if keep_polite else opening.start(1)
        whole = _sentence_follows(_without(text, opening.end(), notes))
        hits.append((start, opening.end(), f"{text[start:opening.end()].strip()!r} is the MT model's, not the source's: "
                     "remove it.", "" if whole else None))
    for start, end in notes:
        hits.append((start, end, f"{text[start:end][:80]!r} is a note on the translation, not the source's: an addition.", None))
    closing = _closing(text, source, patterns)
    if closing:
        hits.append((*closing, f"{text[closing[0]:closing[1]][:80]!r} is the MT model's closing, not the source's: "
                     "an addition.", None))
    speaking = [patterns.refusals] + ([] if patterns.source_ai.search(source) else [patterns.model_self])
    for pattern in speaking:
        for m in pattern.finditer(text):
            hits.append((m.start(), m.end(), f"{m.group()[:80]!r} is the MT model speaking of itself, not the source: "
                         "an addition.", None))
    yield from sorted(hits, key=lambda hit: (hit[0], hit[1]))


def _opening(text: str, notes: list[tuple[int, int]], patterns: _Patterns) -> regex.Match | None:
    """A preamble at the text's start, or a label with a sentence after it."""
    end = min(len(text), _OPENING_CHARS)
    preamble = patterns.opener.match(text, 0, end)
    if preamble:
        return preamble
    label = patterns.label.match(text, 0, end)
    return label if label and _sentence_follows(_without(text, label.end(), notes)) else None


def _notes(text: str, source: str, patterns: _Patterns) -> list[tuple[int, int]]:
    """The notes on the translation, none overlapping; none where the source has a note of its
    own or speaks of the original (then a note may render it)."""
    if patterns.source_notes.search(source) or patterns.source_original.search(source):
        return []
    spans: list[tuple[int, int]] = []
    for m in patterns.notes.finditer(text):
        if spans and m.start() < spans[-1][1]:
            continue
        end = (_BRACKETED_NOTE_END if m.group()[:1] in "([（" else _NOTE_END).match(text, m.end()).end()
        spans.append((m.start(), end))
    return spans


def _closing(text: str, source: str, patterns: _Patterns) -> tuple[int, int] | None:
    """The span of a closing that ends the text, after the translation, where the translation has
    more sentences than the source and the source neither hopes nor helps."""
    start = next((m.start() for m in patterns.closings.finditer(text, max(0, len(text) - _CLOSING_CHARS))
                  if text[:m.start()].strip()
                  # only closings from there on: not "Let me know if you need a lift. Bye."
                  and all(patterns.closings.match(sentence.strip()) for sentence in _sentences(text[m.start():]))), None)
    if start is None or patterns.source_closing.search(source) or len(_sentences(text)) <= len(_sentences(source)):
        return None
    return start, len(text.rstrip())


def _sentences(text: str) -> list[str]:
    """The sentences of a text: the pieces between sentence ends and line breaks that hold a letter."""
    return [piece for piece in _SENTENCE_BREAK.split(text) if any(c.isalpha() for c in piece)]


def _sentence_follows(rest: str) -> bool:
    """Whether the rest is a sentence: three words or more (six Chinese or Japanese characters), ended."""
    rest = rest.strip()
    words = len(_WORD.findall(rest)) + len(_CJK.findall(rest)) / 2
    return words >= 3 and _SENTENCE_END.search(rest) is not None


def _without(text: str, start: int, spans: list[tuple[int, int]]) -> str:
    """The text from `start` on, without the given spans (the notes)."""
    pieces, pos = [], start
    for s, e in sorted(spans):
        if e > pos:
            pieces.append(text[pos:max(s, pos)])
            pos = e
    return "".join(pieces) + text[pos:]
