"""Quantities written with scale words, so that a number can be compared across languages that
group large numbers differently: Chinese and Japanese count in 万 (10⁴) and 亿/億 (10⁸), English
in thousands and millions. "3.5万" and "35,000", "2亿" and "200 million", "一百万" and "1 million"
are the same value; their digits are not.

`values(text)` gives each quantity of a text as a canonical decimal string, with the span it was
read from. Digits may carry a scale word after them in either script; numbers written wholly in
Chinese numerals count only with a scale character in them ("三千万"), since a lone 一 or 十 is
more often part of a word (一些 "some", 统一 "unify") than a quantity.

>>> [v for v, _, _ in values("3.5万人，2亿元")]
['35000', '200000000']
>>> [v for v, _, _ in values("35,000 people and 200 million yuan")]
['35000', '200000000']
>>> [v for v, _, _ in values("一百万个基因")]
['1000000']
>>> [v for v, _, _ in values("相对分子质量在14 000~230 000的")]
['14000', '230000']

多 and 余 between the digits and the scale ("1500多万", more than fifteen million) leave the
value the number gives, which is what a translation writes ("more than 15 million"):

>>> [v for v, _, _ in values("1500多万人，300余万元")]
['15000000', '3000000']

A quantity written in two parts is one ("3億5000万円" is 350 million yen, "1万2000" 12,000),
and a compound scale multiplies ("3千万" is 30 million, Korean "5천만" 50 million):

>>> [v for v, _, _ in values("売上高は3億5000万円、1万2000人、3千万元")]
['350000000', '12000', '30000000']
>>> [v for v, _, _ in values("매출은 3억 5000만 원, 1만 2000명, 5천만 명, 2조 원")]
['350000000', '12000', '50000000', '2000000000000']
"""

from __future__ import annotations

import math
from decimal import Decimal, InvalidOperation

import regex

_CJK_SCALES = {"十": 10, "百": 100, "千": 1000, "万": 10_000, "萬": 10_000, "亿": 10**8, "億": 10**8}
# After digits the scale may be compound ("3千万" is 30 million, Korean "5천만" 50 million), and
# may be 兆 or Korean's Hangul scales (만, 억, 조).
_DIGIT_SCALES = {**_CJK_SCALES, "兆": 10**12, "백": 100, "천": 1000, "만": 10_000, "억": 10**8, "조": 10**12}
_WORD_SCALES = {
    "thousand": 10**3, "million": 10**6, "millions": 10**6, "billion": 10**9, "billions": 10**9, "trillion": 10**12,
    "tausend": 10**3, "mio": 10**6, "million(en)": 10**6, "millionen": 10**6, "milliarde": 10**9, "milliarden": 10**9,
    "mrd": 10**9, "mille": 10**3, "milliard": 10**9, "milliards": 10**9, "mil": 10**3, "millón": 10**6,
    "millones": 10**6, "milhão": 10**6, "milhões": 10**6, "mila": 10**3, "milioni": 10**6, "miliardi": 10**9,
    "тыс": 10**3, "тысяч": 10**3, "тысячи": 10**3, "млн": 10**6, "миллион": 10**6, "миллиона": 10**6,
    "миллионов": 10**6, "млрд": 10**9, "миллиард": 10**9, "миллиарда": 10**9, "миллиардов": 10**9,
}
_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "兩": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}

_DIGIT_NUMBER = regex.compile(
    r"(?<![\p{Latin}\p{Cyrillic}\p{Greek}\d.,])(\d{1,3}(?:[,，]\d{3})+|\d{1,3}(?:[ \u00a0\u2009\u202f]\d{3})+(?!\d|,\d)|\d+)"
    r"(?:\.(\d+))?(?![\d])"
    r"(?:\s*(?:多|余|餘)?([十百千]?[万萬亿億兆]|[千百]|[백천]?[만억조]|[천백])|\s+(" + "|".join(sorted(map(regex.escape, _WORD_SCALES), key=len, reverse=True)) + r")\b)?",
    regex.IGNORECASE)
_GROUPING = regex.compile(r"[,， \u00a0\u2009\u202f]")
_CJK_NUMBER = regex.compile(r"[零〇一二两兩三四五六七八九十百千万萬亿億]*[百千万萬亿億][零〇一二两兩三四五六七八九十百千万萬亿億]*")


def values(text: str) -> list[tuple[str, int, int]]:
    """(value, start, end) for each quantity in the text, in order."""
    read = []  # (number, scale, start, end, whether the scale is a CJK character)
    for m in _DIGIT_NUMBER.finditer(text):
        try:
            number = Decimal(_GROUPING.sub("", m.group(1)) + ("." + m.group(2) if m.group(2) else ""))
        except InvalidOperation:
            continue
        if m.group(3):
            scale = math.prod(_DIGIT_SCALES[ch] for ch in m.group(3))
        else:
            scale = _WORD_SCALES.get((m.group(4) or "").lower(), 1)
        read.append((number, scale, m.start(), m.end(), bool(m.group(3))))
    found, i = [], 0
    while i < len(read):
        number, scale, start, end, cjk = read[i]
        value = number * (_shared_scale(text, number, end, read[i + 1]) if scale == 1 and i + 1 < len(read) else scale)
        while cjk and scale >= 10_000 and i + 1 < len(read) and _continues(text, end, scale, read[i + 1]):
            i += 1  # "3億5000万", "1万2000": one quantity, its smaller part written after the larger
            number, scale, _, end, _ = read[i]
            value += number * scale
        found.append((_canonical(value), start, end))
        i += 1
    for m in _CJK_NUMBER.finditer(text):
        if any(s <= m.start() < e for _, s, e in found) or (m.start() > 0 and text[m.start() - 1].isdigit()):
            continue  # the scale of a digit number ("3.5万"), read above
        number = _chinese_numeral(m.group())
        if number is not None:
            found.append((_canonical(Decimal(number)), m.start(), m.end()))
    return sorted(found, key=lambda v: v[1])


def _continues(text: str, end: int, scale: int, following: tuple[Decimal, int, int, int, bool]) -> bool:
    """Whether the next number read, right after a number with a myriad scale or a space after it
    (Korean spaces "3억 5000만", "1만 2000"), is the smaller part of the same quantity."""
    number, its_scale, start, _, _ = following
    return (start == end or text[end:start].isspace()) and number * its_scale < scale


# What joins the two ends of a range whose scale word is written once ("3 to 5 million", "3至5万").
_RANGE_JOIN = regex.compile(r"\s*(?:-|–|—|~|～|〜|至|到|to|and|or|bis|und|oder|à|et|ou|a|y|o|e|до|и|или)\s*", regex.IGNORECASE)
# How far apart the two ends of such a range may be: "99.4 to 88.5 billion" is one range, "in 2019
# to 3 million" is a year and a quantity.
_RANGE_SPAN = 100


def _shared_scale(text: str, number: Decimal, end: int, following: tuple[Decimal, int, int, int, bool]) -> int:
    """The scale of the range's other end when this number, written bare, opens a range whose
    scale word comes once at its end: "from 99.4 to 88.5 billion" is 99.4 billion. 1 otherwise.

    >>> [v for v, _, _ in values("3 to 5 million cases, from 99.4 to 88.5 billion, 3至5万人")]
    ['3000000', '5000000', '99400000000', '88500000000', '30000', '50000']
    >>> [v for v, _, _ in values("in 2019 to 3 million")]
    ['2019', '3000000']
    """
    other, scale, start, _, _ = following
    joined = _RANGE_JOIN.fullmatch(text, end, start)
    if scale == 1 or joined is None or not number or not other:
        return 1
    return scale if 1 / _RANGE_SPAN <= number / other <= _RANGE_SPAN else 1


def _chinese_numeral(text: str) -> int | None:
    """The value of a number in Chinese numerals ("三千五百万" = 35,000,000), or None."""
    total, section, digit = 0, 0, None
    for ch in text:
        if ch in _DIGITS:
            digit = _DIGITS[ch]
        elif ch in ("亿", "億", "万", "萬"):
            section = (section + (digit or 0)) or 1
            total += section * _CJK_SCALES[ch]
            section, digit = 0, None
        elif ch in _CJK_SCALES:
            section += (digit if digit is not None else 1) * _CJK_SCALES[ch]
            digit = None
        else:
            return None
    return total + section + (digit or 0) or None


def _canonical(number: Decimal) -> str:
    text = format(number.normalize(), "f")
    return text.rstrip("0").rstrip(".") if "." in text else text
