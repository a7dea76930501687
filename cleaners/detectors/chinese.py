"""Simplified Chinese with characters of another written standard in it: traditional ones ("新確認
了" for 新确认了) and Japanese ones ("売上高", "発表"). MT into Chinese from Japanese copies kanji
whose Chinese form differs; MT from any language slips into traditional forms it learnt from
Taiwanese and Hong Kong text. A reader sees a wrong character at once; a word list cannot, since
Chinese has no spaces to cut words at.

Which characters belong to which standard is OpenCC's data (its character and phrase tables), not
a list of ours: a character its traditional-to-simplified conversion changes, in its context
("乾隆" keeps its 乾, "乾燥" does not), is traditional; a Japanese character is one its Japanese
tables map to an older form whose simplified form is another character again (売 -> 賣 -> 卖,
not 会 -> 會 -> 会, which Chinese writes alike). A character of GB 2312, the national standard set
of Simplified Chinese, is never flagged whatever those tables say: Simplified Chinese writes 沪
(Shanghai), 芸豆 and 沙家浜, and keeps 乾 and 於 in names (乾清宫, the surname 於), which OpenCC
would turn into 干 and 于; a run of changed characters counts unless all of them are such (傢俱 is
one run, 家具). data/chinese.yaml lists the few characters outside GB 2312 that names keep, and the
few inside it that Simplified Chinese no longer writes (後), or not in some words (於是, 乾燥).

A traditional run gets its simplified form as the suggestion, except where the text may be
Japanese: from a Japanese source, or with kana in it, a run of kanji is a Japanese word more
often than a slip ("質問", a question, is not 质问, to interrogate), and so is a Japanese
character's run anywhere ("売上高" is 销售额). Those are reported without one.

Only text in Simplified Chinese is checked: the tag's script, CLDR's likely script through Babel
(zh and zh-SG are Hans, zh-TW, zh-HK and zh-Hant are Hant). A text written wholly in traditional
characters, with none that only Simplified Chinese has, is one finding, not one a word.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path

import opencc
import regex

from mtqa.cleaners.datafiles import safe_load
from mtqa.cleaners.detectors import DocView, Hit, detector
from mtqa.cleaners.scripts import written_script

_DATA = Path(__file__).resolve().parent.parent / "data" / "chinese.yaml"
_HAN = regex.compile(r"\p{Han}")
_HAN_RUN = regex.compile(r"\p{Han}+")
_KANA = regex.compile(r"[\p{Hiragana}\p{Katakana}]")
# Runs of traditional characters, at least, in a text of this many Han characters at least, with
# none that only Simplified Chinese writes (们, 发), for the text to be in Traditional Chinese
# rather than to have slipped into it for a word or two.
WHOLLY_TRADITIONAL_RUNS = 3
WHOLLY_TRADITIONAL_HAN = 10


@lru_cache(maxsize=None)  # one converter per OpenCC configuration
def _converter(config: str) -> opencc.OpenCC:
    return opencc.OpenCC(config)


def _convert(config: str, text: str) -> str:
    return _converter(config).convert(text)


@lru_cache(maxsize=1)
def _data() -> dict:
    return safe_load(_DATA.read_text(encoding="utf-8"))


@lru_cache(maxsize=1)
def _slip_words() -> regex.Pattern:
    """The words of data/chinese.yaml in which a character of GB 2312 is a traditional slip (於是)."""
    return regex.compile("|".join(map(regex.escape, _data()["slip_words"])))


@lru_cache(maxsize=8192)  # one entry per distinct Han character seen
def _simplified_standard(char: str) -> bool:
    """Whether Simplified Chinese writes the character in some word: GB 2312 has it (but for the
    few it no longer writes, 後), names keep it, or practice does (二噁英), as it keeps every
    character whose simplified form lies outside the Basic Multilingual Plane (赵孟頫, not 𫖯: the
    2013 table's new forms that most fonts cannot show)."""
    try:
        char.encode("gb2312")
    except UnicodeEncodeError:
        return (char in _data()["kept_in_names"] or char in _data()["kept_in_practice"]
                or any(ord(c) > 0xFFFF for c in _convert("t2s.json", char)))
    return char not in _data()["no_longer_written"]


@lru_cache(maxsize=8192)
def _japanese_only(char: str) -> bool:
    """Whether the character is a Japanese form that Chinese writes otherwise (売, 発, 図, 円)."""
    if _simplified_standard(char):
        return False
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
    changed = [text[i] != simplified[i] for i in range(len(text))]
    japanese = [_HAN.match(c) is not None and _japanese_only(c) for c in text]
    if not any(changed) and not any(japanese):
        return
    # A run of changed characters is one word's as often as not (傢俱, 關於): it is reported whole,
    # with its whole simplified form, unless every changed character of it is one Simplified
    # Chinese writes too (乾 of 乾清宫, the surname 於).
    slips = {i for m in _slip_words().finditer(text) for i in range(m.start(), m.end())}
    runs = [(start, end) for start, end in _flagged_runs(text, changed, japanese)
            if any(japanese[start:end])
            or not all(_simplified_standard(text[i]) and i not in slips for i in range(start, end) if changed[i])]
    if not runs:
        return
    maybe_japanese = view.source_lang == "ja" or any(japanese) or _KANA.search(text) is not None
    if (not maybe_japanese and len(runs) >= WHOLLY_TRADITIONAL_RUNS
            and len(_HAN.findall(text)) >= WHOLLY_TRADITIONAL_HAN and _convert("s2t.json", text) == text):
        start, end = view.trimmed
        yield start, end, "The text is written in Traditional Chinese; it should be in Simplified Chinese.", None
        return
    for start, end in runs:
        if any(japanese[start:end]):
            yield start, end, (f"{text[start:end]!r} is written with Japanese characters: Chinese writes this "
                               "word otherwise, and it may be left untranslated."), None
        elif maybe_japanese:
            yield start, end, (f"{text[start:end]!r} is written in Japanese or traditional characters, in a "
                               "text in Simplified Chinese: the word may be Japanese, left untranslated."), None
        else:
            yield start, end, (f"{text[start:end]!r} is in traditional characters, in a text in Simplified "
                               f"Chinese ({simplified[start:end]!r})."), simplified[start:end]


def _flagged_runs(text: str, changed: list[bool], japanese: list[bool]) -> Iterator[tuple[int, int]]:
    """The runs of changed or Japanese characters, each within a run of Han characters."""
    for run in _HAN_RUN.finditer(text):
        i = run.start()
        while i < run.end():
            if not (changed[i] or japanese[i]):
                i += 1
                continue
            start = i
            while i < run.end() and (changed[i] or japanese[i]):
                i += 1
            yield start, i
