"""Simplified Chinese with characters of another written standard in it: traditional ones ("新確認
了" for 新确认了) and Japanese ones ("売上高", "発表"). MT into Chinese from Japanese copies kanji
whose Chinese form differs; MT from any language slips into traditional forms it learnt from
Taiwanese and Hong Kong text. A reader sees a wrong character at once; a word list cannot, since
Chinese has no spaces to cut words at.

Which characters belong to which standard is OpenCC's data (its character and phrase tables), not
a list of ours: a character its traditional-to-simplified conversion changes, in its context
("乾隆" keeps its 乾, "乾燥" does not), is traditional; a Japanese character is one its Japanese
tables map to an older form whose simplified form is another character again (売 -> 賣 -> 卖,
not 会 -> 會 -> 会, which Chinese writes alike). A traditional run gets its simplified form as the
suggestion; a Japanese one none, since its word is usually Japanese too ("売上高" is 销售额).

Only text in Simplified Chinese is checked: the tag's script, CLDR's likely script through Babel
(zh and zh-SG are Hans, zh-TW, zh-HK and zh-Hant are Hant). A text written wholly in traditional
characters, with none that only Simplified Chinese has, is one finding, not one a word.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import lru_cache

import opencc
import regex

from mtqa.cleaners.detectors import DocView, Hit, detector
from mtqa.cleaners.scripts import written_script

_HAN = regex.compile(r"\p{Han}")
_HAN_RUN = regex.compile(r"\p{Han}+")
# Traditional characters, at least, in a text with none that only Simplified Chinese writes (们, 发),
# for the text to be in Traditional Chinese rather than to have slipped into it for a word.
WHOLLY_TRADITIONAL = 2


@lru_cache(maxsize=None)  # one converter per OpenCC configuration
def _converter(config: str) -> opencc.OpenCC:
    return opencc.OpenCC(config)


def _convert(config: str, text: str) -> str:
    return _converter(config).convert(text)


@lru_cache(maxsize=8192)  # one entry per distinct Han character seen
def _japanese_only(char: str) -> bool:
    """Whether the character is a Japanese form that Chinese writes otherwise (売, 発, 図, 円)."""
    older = _convert("jp2t.json", char)
    return older != char and _convert("t2s.json", char) == char and _convert("t2s.json", older) not in (char, older)


@detector("locale.chinese_variant", "fluency/spelling", "minor",
          "A traditional or Japanese character in Simplified Chinese ('確認' for '确认', '売上' for '销售').")
def chinese_variant(view: DocView) -> Iterator[Hit]:
    text = view.text
    if view.lang != "zh" or written_script(view.tag or "zh") != "Hans" or not _HAN.search(text):
        return
    simplified = _convert("t2s.json", text)
    if len(simplified) != len(text):
        return  # t2s maps a character to a character; a conversion of another length cannot be aligned
    traditional = [text[i] != simplified[i] for i in range(len(text))]
    japanese = [_HAN.match(c) is not None and _japanese_only(c) for c in text]
    if not any(traditional) and not any(japanese):
        return
    if sum(traditional) >= WHOLLY_TRADITIONAL and _convert("s2t.json", text) == text:
        start, end = view.trimmed
        yield start, end, "The text is written in Traditional Chinese; it should be in Simplified Chinese.", None
        return
    for run in _HAN_RUN.finditer(text):
        i = run.start()
        while i < run.end():
            if not (traditional[i] or japanese[i]):
                i += 1
                continue
            start = i
            while i < run.end() and (traditional[i] or japanese[i]):
                i += 1
            if any(japanese[start:i]):
                yield start, i, (f"{text[start:i]!r} is written with Japanese characters: Chinese writes this "
                                 "word otherwise, and it may be left untranslated."), None
            else:
                yield start, i, (f"{text[start:i]!r} is in traditional characters, in a text in Simplified "
                                 f"Chinese ({simplified[start:i]!r})."), simplified[start:i]
