"""What a large language model used as MT writes around its translation: a preamble ("Here is the
translation:"), a note on its choices ("(Note: the original text is ambiguous)"), a refusal ("I
cannot translate this") or words about itself ("As an AI language model"). None of it is in the
source, and a reader of the published text sees it at once; MQM counts it as an addition.

Every pattern names translating, a translation or the model itself, and the rule stays silent
where the source speaks of translating (then "the translation:" may be the source's own words).
The patterns are data (data/commentary.yaml), in the languages models are most asked to write.
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
# A note runs to its closing bracket or the end of its line; a refusal's last word is whole.
_NOTE_END = regex.compile(r"[^\n)\]）]*[)\]）]?")
_WORD_END = regex.compile(r"\w*")


@dataclass(frozen=True)
class _Patterns:
    needles: tuple[str, ...]  # one of them is in every text a pattern matches
    source_words: regex.Pattern  # the source speaks of translating
    preamble: regex.Pattern  # "Here is the translation:", at a line's start
    label: regex.Pattern  # "Translation:", at a line's start
    source_label: regex.Pattern  # a colon in the source's opening
    notes: regex.Pattern
    source_notes: regex.Pattern  # the source's own note, which a note may translate
    refusals: regex.Pattern


@lru_cache(maxsize=1)
def _patterns() -> _Patterns:
    data = safe_load(_DATA.read_text(encoding="utf-8"))

    def at_line_start(patterns: list[str]) -> regex.Pattern:
        return regex.compile(r"(?m)^[ \t]*" + data["polite"] + "(?:" + "|".join(patterns) + r")\s*", regex.IGNORECASE)

    def anywhere(patterns: list[str]) -> regex.Pattern:
        return regex.compile("|".join(f"(?:{p})" for p in patterns), regex.IGNORECASE)

    return _Patterns(needles=tuple(data["needles"]), source_words=regex.compile("|".join(map(regex.escape, data["source_translation_words"])), regex.IGNORECASE),
                     preamble=at_line_start(data["preambles"]), label=at_line_start(data["labels"]),
                     source_label=regex.compile(rf"\A[^\n]{{0,{int(data['source_label_chars'])}}}?[:：]"),
                     notes=anywhere(data["notes"]), source_notes=regex.compile(data["source_notes"], regex.IGNORECASE),
                     refusals=anywhere(data["refusals"]))


@detector("structure.mt_commentary", "accuracy/addition", "major",
          "What a language model used as MT writes around its translation: a preamble ('Here is the translation:'), "
          "a note on the translation, a refusal or words about itself ('As an AI language model').")
def mt_commentary(view: DocView) -> Iterator[Hit]:
    """A preamble or a label is reported with its removal as the suggestion where the translation
    follows it; a note, a refusal or a preamble with nothing after it, with none (where a note
    ends, and what the model left out, a reviser decides)."""
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
    openers = [patterns.preamble] + ([] if patterns.source_label.match(source.lstrip()) else [patterns.label])
    found: list[Hit] = []
    for pattern in openers:
        for m in pattern.finditer(text):
            start = m.start() + len(m.group()) - len(m.group().lstrip())
            if not any(s < m.end() and start < e for s, e, _, _ in found):
                found.append((start, m.end(), f"{m.group().strip()!r} is the MT model's, not the source's: a preamble "
                              "to remove.", "" if text[m.end():].strip() else None))
    others = [(patterns.refusals, "the model speaking of itself")]
    if not patterns.source_notes.search(source):
        others.insert(0, (patterns.notes, "a note on the translation"))
    for pattern, what in others:
        for m in pattern.finditer(text):
            end = _NOTE_END.search(text, m.end()).end() if pattern is patterns.notes else _WORD_END.match(text, m.end()).end()
            if not any(s < end and m.start() < e for s, e, _, _ in found):
                found.append((m.start(), end, f"{text[m.start():end][:80]!r} is {what}, not the source's: an addition.", None))
    yield from sorted(found, key=lambda hit: (hit[0], hit[1]))
