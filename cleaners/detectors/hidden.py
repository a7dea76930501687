"""Characters that make text display otherwise than it reads (Unicode's "Trojan Source" problem).

A right-to-left override (U+202E) or left-to-right override (U+202D) forces the order in which
the characters after it are displayed: "0001" after an RLO displays as "1000", an amount or a
date changes before the reader's eyes while the stored text stays the same. Right-to-left
languages need marks and isolates, not overrides, so an override is flagged wherever it stands;
it is not removed, since only a person can tell what the text should say.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from mtqa.cleaners.detectors import DocView, Hit, detector

_OVERRIDE = re.compile("[\u202d\u202e][^\u202c\u2029\n]*\u202c?")
_NAMES = {"\u202d": "left-to-right override (U+202D)", "\u202e": "right-to-left override (U+202E)"}


@detector("encoding.bidi_override", "encoding", "major",
          "a bidi override that shows the characters after it in another order than they are stored", fix="none")
def bidi_override(view: DocView) -> Iterator[Hit]:
    for match in _OVERRIDE.finditer(view.text):
        shown = match.group()[1:].rstrip("\u202c")
        yield (match.start(), match.end(),
               f"A {_NAMES[match.group()[0]]}: {shown[:40]!r} is displayed in another order than it is stored "
               "(an amount, date or name may read differently); check what the text should say and remove it.", None)
