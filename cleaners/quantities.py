"""Quantities written with scale words, so that a number can be compared across languages that
group large numbers differently: Chinese and Japanese count in 万 (10⁴) and 亿/億 (10⁸), English
in thousands and millions. "3.5万" and "35,000", "2亿" and "200 million", "一百万" and "1 million"
are the same value; their digits are not.

`values(text, lang)` gives each quantity of a text as a canonical decimal string, with the span it
was read from. Digits are read with the separators of the text's language (CLDR through Babel:
"2.000 millones" is two billion in Spanish, "2,5 млн" two and a half million in Russian). They
may carry a scale word after them in either script; numbers written wholly in Chinese numerals
count only from a digit and with a scale character in them ("三千万", "一万五"): a lone 一 or 十 is
more often part of a word (一些 "some", 统一 "unify"), and so are numerals after an approximator
(数十万 "hundreds of thousands") or in an idiom (千万不要 "by all means", 十万火急).

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

A quantity written in parts is one, summed as the scales say ("3億5000万円" is 350 million yen,
"1万2000" 12,000, Korean "3천5백만" 35 million, "1억 2천 3백만" 123 million), and a compound
scale multiplies ("3千万" is 30 million, "100万亿" 100 trillion). A last digit glued after a
myriad counts in the unit below it, as speech leaves that unit unsaid ("1万2" is 12,000):

>>> [v for v, _, _ in values("売上高は3億5000万円、1万2000人、3千万元、100万亿元、月薪1万2")]
['350000000', '12000', '30000000', '100000000000000', '12000']
>>> [v for v, _, _ in values("매출은 3억 5000만 원, 3천5백만 원, 1억 2천 3백만 원, 2조 원")]
['350000000', '35000000', '123000000', '2000000000000']

Parts are joined only where they are written as one: glued, or (Korean, which spaces after each
myriad) a space after a Hangul myriad. A scale character is no scale where it is a word of its
own: 兆 in 兆瓦 (megawatt), Korean 조 in 제3조 and 250조 1항 (articles):

>>> [v for v, _, _ in values("3万 2019年，1万\\n2000人，100兆瓦")]
['30000', '2019', '10000', '2000', '100']
>>> [v for v, _, _ in values("제3조 3조 원", "ko")]
['3', '3000000000000']
>>> [v for v, _, _ in values("2.000 millones y 300 mil millones", "es") + values("2,5 млн", "ru")]
['2000000000', '300000000000', '2500000']
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from functools import lru_cache
from pathlib import Path

import regex

_CJK_SCALES = {"十": 10, "百": 100, "千": 1000, "万": 10_000, "萬": 10_000, "亿": 10**8, "億": 10**8}
# After digits: the factors below ten thousand (a section, as in "3千" or Korean "5백") and the
# myriads that multiply a section ("万", "万亿", Korean "만", "억").
_SECTION_SCALES = {"十": 10, "百": 100, "千": 1000, "백": 100, "천": 1000}
_MYRIAD_SCALES = {"万": 10_000, "萬": 10_000, "亿": 10**8, "億": 10**8, "兆": 10**12, "만": 10_000, "억": 10**8, "조": 10**12}
# 多, 余 and 来 between a number and its myriad ("1500多万", "三百来万"), and 几十 ("一百几十万"): the
# quantity is the value the number gives.
_MORE_THAN = "多余餘来"
_APPROXIMATE_PART = regex.compile(f"[{_MORE_THAN}]|几十")
_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "兩": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}


@lru_cache(maxsize=1)
def _data() -> dict:
    """data/quantities.yaml: scale words, and what makes a scale character no scale."""
    from mtqa.cleaners.datafiles import safe_load

    return safe_load((Path(__file__).parent / "data" / "quantities.yaml").read_text(encoding="utf-8"))


def _fold(word: str) -> str:
    """A scale word as the pattern's IGNORECASE matches it, whatever its case: "MİLLİON" (Turkish
    dotted capital) and "thouſand" (long s) are "million" and "thousand"."""
    return word.casefold().replace("\u0307", "")


@lru_cache(maxsize=1)
def _folded_scales() -> dict[str, int]:
    return {_fold(word): power for table in ("word_scales", "glued_scales") for word, power in _data()[table].items()}


def _alternatives(words) -> str:
    return "|".join(sorted(map(regex.escape, words), key=len, reverse=True))


@lru_cache(maxsize=1)
def _cjk_scale() -> str:
    """The scale characters after digits, with 兆 before a unit and Korean 조 outside an amount
    left out (quantities.yaml)."""
    data = _data()
    mega = regex.escape("".join(data["mega_before"]))
    trillion = _alternatives(data["trillion_before"])
    clause = regex.escape("".join(data["clause_after"]))
    return (rf"(?:[十百千][多余餘来]?)?(?:[万萬][亿億]?|[亿億]|兆(?![{mega}]))|[千百]"
            rf"|[백천]?(?:[만억]|(?<!제\s?\d{{1,4}})조(?=\s?(?:{trillion}|\d(?!\d*\s?[{clause}]))))|[천백]")


@lru_cache(maxsize=1)
def scale_words() -> regex.Pattern:
    """A scale word, or a myriad character after a numeral ("two million", "오만", "三万"; not the
    만 of 만들다, "make"): where no quantity read holds one, a number is written in words."""
    return regex.compile(r"(?<!\p{L})(?:" + _alternatives(_data()["word_scales"]) + r")(?!\p{L})"
                         r"|(?<=[一二两兩三四五六七八九十百千])[万萬亿億]|(?<=[일이삼사오육칠팔구십백천])[만억]",
                         regex.IGNORECASE)


def vague_scale_word(word: str) -> bool:
    """Whether a scale word writes no number without digits before it ("millions of users")."""
    return _fold(word) in _vague_scale_words()


@lru_cache(maxsize=1)
def _vague_scale_words() -> frozenset[str]:
    return frozenset(_fold(word) for word in _data()["vague_scale_words"])


def convertible_unit(text: str, end: int) -> str | None:
    """The unit whose prefixes step by powers of ten right after the number ending at `end`, as
    the one it is ("吨" and "tonnes" are "t"), or None (quantities.yaml)."""
    pattern, units = _convertible_units()
    m = pattern.match(text, end)
    return units[m.group(1).casefold()] if m else None


@lru_cache(maxsize=1)
def _convertible_units() -> tuple[regex.Pattern, dict[str, str]]:
    units = {name.casefold(): unit for unit, names in _data()["convertible_units"].items() for name in names}
    not_units = _alternatives(_data()["not_units"])
    return regex.compile(r"\s?(?!" + not_units + r")(" + _alternatives(units) + r")(?![\p{Latin}])", regex.IGNORECASE), units


@lru_cache(maxsize=16)
def _digit_number(group: str, decimal: str) -> regex.Pattern:
    """Numbers as a locale groups them: with its group separator between threes (and spaces, which
    every locale reads so), then its decimal separator. A full-width comma groups only before a
    scale ("1，048亿"): elsewhere it separates the items of a list ("100，200和400")."""
    separator = "['’]" if group in ("'", "’") else regex.escape(group)  # Swiss 1'500 and 1’500 alike
    grouped = rf"\d{{1,3}}(?:{separator}\d{{3}})+(?!\d)" if group.strip() else None
    scale = _cjk_scale()
    return regex.compile(
        r"(?<![\p{Latin}\p{Cyrillic}\p{Greek}\d.,])("
        + (grouped + "|" if grouped else "")
        + r"\d{1,3}(?:，\d{3})+(?=\s*[多余餘来]?(?:" + scale + r"))"
        + r"|\d{1,3}(?:[ \u00a0\u2009\u202f]\d{3})+(?!\d|[.,]\d{3})|\d+)"
        + rf"(?:{regex.escape(decimal)}(\d+))?(?![\d])"
        + r"(?:\s*[多余餘来]?(" + scale + r")|\s+(" + _alternatives(_data()["word_scales"]) + r")\b"
        + r"|\s*(" + _alternatives(_data()["glued_scales"]) + r")\b)?",
        regex.IGNORECASE)


_SPACES = regex.compile(r"[ \u00a0\u2009\u202f]")
# A number in Chinese numerals, from a digit (一…九, 两, or 十 before a larger scale): 千万不要 "by
# all means", 万一 "in case", 万分 "extremely" begin with a scale and are words.
# 多, 余, 来 and 几十 before a myriad ("一百多万", more than a million; 三百来万, about three million)
# are read as part of the number, which keeps the value its numerals give.
_CJK_NUMBER = regex.compile(r"(?:[一二两兩三四五六七八九]|十(?=[多余餘来]?[百千万萬亿億]))"
                            r"(?:[零〇一二两兩三四五六七八九十百千万萬亿億]|(?:[多余餘来]|几十)(?=[万萬亿億]))*[百千万萬亿億]"
                            r"[零〇一二两兩三四五六七八九十百千万萬亿億]*")


@lru_cache(maxsize=64)
def number_symbols(lang: str) -> tuple[str, str, bool] | None:
    """(group separator, decimal separator, space before %) of a locale ('de', 'es-MX', 'pt_BR')
    per CLDR, or None for a language CLDR does not know."""
    from babel import Locale, UnknownLocaleError

    try:
        locale = Locale.parse(lang.replace("-", "_"))
    except (UnknownLocaleError, ValueError):
        return None
    symbols = locale.number_symbols.get(locale.default_numbering_system or "latn") or {}
    if "group" not in symbols or "decimal" not in symbols:
        symbols = locale.number_symbols["latn"]  # Bengali's, Marathi's, Burmese's own digits: CLDR aliases them to these
    pattern = locale.percent_formats[None].pattern
    return symbols["group"], symbols["decimal"], bool(regex.search(r"[\s\u00a0\u202f]%", pattern))


@lru_cache(maxsize=64)
def percent_prefix(lang: str) -> str | None:
    """What a locale writes before a percentage's number where CLDR puts the sign first (Turkish
    "%50", Basque "% 50"), or None where the sign follows the number."""
    from babel import Locale, UnknownLocaleError

    try:
        pattern = Locale.parse(lang.replace("-", "_")).percent_formats[None].pattern
    except (UnknownLocaleError, ValueError):
        return None
    m = regex.match(r"%[\s\u00a0\u202f]?(?=[#0])", pattern)
    return m.group() if m else None


def _ungrouped(digits: str, group: str) -> str:
    """A number's digits without its group separators: the locale's, spaces and the full-width comma."""
    for separator in ("'", "’") if group in ("'", "’") else (group,):
        digits = digits.replace(separator, "")
    return _SPACES.sub("", digits).replace("，", "")


@lru_cache(maxsize=64)
def readings(tag: str | None) -> tuple[str, ...]:
    """The locales whose separators a text so tagged may be written with, its own first: the tag
    alone where it names a country ('es-MX'), else also each regional variety of its language that
    CLDR separates otherwise ('es' and 'es-419': Spain's and Argentina's "2.000,5", Mexico's
    "2,000.5"; 'de': Switzerland's "1’500.5")."""
    if not tag:
        return ("en",)
    from babel import Locale, UnknownLocaleError
    from babel.localedata import locale_identifiers

    try:
        locale = Locale.parse(tag.replace("-", "_"))
    except (UnknownLocaleError, ValueError):
        return (tag,)
    if locale.territory and not locale.territory.isdigit():
        return (tag,)  # (a numeric region, 419 Latin America, spans countries that group otherwise)
    found = {number_symbols(tag)[:2]: tag} if number_symbols(tag) else {}
    for other in sorted(locale_identifiers()):
        if other.split("_")[0] == locale.language and number_symbols(other):
            found.setdefault(number_symbols(other)[:2], other)
    return tuple(found.values()) or (tag,)


def values(text: str, lang: str | None = None) -> list[tuple[str, int, int]]:
    """(value, start, end) for each quantity in the text, in order; digits read with the
    separators of `lang` (English's where it is not given or CLDR does not know it)."""
    group, decimal, _ = (number_symbols(lang) if lang else None) or (",", ".", False)
    parts = []  # (number, section factor, myriad factor, start, end)
    for m in _digit_number(group, decimal).finditer(text):
        try:
            number = Decimal(_ungrouped(m.group(1), group) + ("." + m.group(2) if m.group(2) else ""))
        except InvalidOperation:
            continue
        section = myriad = 1
        for ch in m.group(3) or "":
            if ch in _MORE_THAN:
                continue  # "3百多万" is more than three million: the value the number gives
            if ch in _SECTION_SCALES:
                section *= _SECTION_SCALES[ch]
            else:
                myriad *= _MYRIAD_SCALES[ch]
        if m.group(4):
            myriad = 10 ** _folded_scales()[_fold(m.group(4))]
        elif m.group(5):
            myriad = 10 ** _folded_scales()[_fold(m.group(5))]
        parts.append((number, section, myriad, m.start(), m.end(), bool(m.group(3))))
    found, i = [], 0
    while i < len(parts):
        number, section, myriad, start, end, cjk = parts[i]
        if section == myriad == 1 and i + 1 < len(parts):
            myriad = _shared_scale(text, number, start, end, parts[i + 1])
        total, pending, bound = Decimal(0), number * section, None
        if myriad > 1:
            total, pending, bound = pending * myriad, Decimal(0), myriad
        while cjk and i + 1 < len(parts) and _continues(text, parts[i], bound, parts[i + 1]):
            i += 1  # "3億5000万", "3천5백만": one quantity, its parts summed as the scales say
            number, section, myriad, part_start, part_end, _ = parts[i]
            if _unit_left_unsaid(number, section, myriad, bound, part_start, end, part_end):
                number *= bound // 10  # "1万2" is 12,000, as 一万五 is 15,000
            end = part_end
            pending += number * section
            if myriad > 1:
                total, pending, bound = total + pending * myriad, Decimal(0), myriad
        found.append((canonical(total + pending), start, end))
        i += 1
    approximate, idioms = _numeral_exceptions()
    for m in _CJK_NUMBER.finditer(text):
        if any(s <= m.start() < e for _, s, e in found) or (m.start() > 0 and text[m.start() - 1].isdigit()):
            continue  # the scale of a digit number ("3.5万"), read above
        if (m.group().startswith("十") and text[m.start() - 1:m.start()] in approximate) or \
                any(text.startswith(idiom, m.start()) for idiom in idioms):
            continue  # 数十万 "hundreds of thousands", 十万火急 "most urgent": no number (人数三万 is one)
        number = _chinese_numeral(m.group())
        if number is not None:
            found.append((canonical(Decimal(number)), m.start(), m.end()))
    return sorted(found, key=lambda v: v[1])


_HANGUL_MYRIADS = frozenset("만억조")
# A bare number spaced after a Hangul myriad is not its lower part when a counter of its own
# follows that no amount takes: an age or decade of age, a date, a time, a rank ("3만 20대" is
# 30,000 people in their twenties).
_KOREAN_OWN_COUNTER = regex.compile(r"\s?(?:대|세|살|년|월|일|시|분|위)")
# A bare number before a Latin letter or a percent sign is a name's or a share ("5G", "4K", "2%").
_NAMED_AFTER = regex.compile(r"[\p{Latin}%]")


def _unit_left_unsaid(number: Decimal, section: int, myriad: int, bound: int | None, start: int, previous_end: int,
                      end: int) -> bool:
    """Whether a part is one bare digit glued after a myriad ("1万2", "3億5"), which counts in the
    unit below the myriad, left unsaid as in speech: 1万2 is 12,000, never 10,002 (which is 1万零2)."""
    return (bound is not None and bound >= 10_000 and section == myriad == 1 and start == previous_end
            and end - start == 1 and 1 <= number <= 9)


def _continues(text: str, part: tuple, bound: int | None, following: tuple) -> bool:
    """Whether the next number read is a smaller part of the same quantity as `part`: glued to it
    ("3億5000万", "1万2000", "3천5백만"), or one space after it where both have a scale or after a
    Hangul myriad (Korean spaces its parts: "3억 5000만", "1억 2천", "1만 2000"). Smaller: below
    the smallest myriad the quantity has so far (`bound`). A bare number ends a quantity, and so
    does a line's end."""
    _, section, myriad, _, end, cjk = part
    number, its_section, its_myriad, start, its_end, its_cjk = following
    if section == myriad == 1:
        return False
    if its_section == its_myriad == 1 and _NAMED_AFTER.match(text, its_end):
        return False  # "1万5G基站" is 10,000 5G stations, "1万2%" no 12,000
    # Korean spaces after each myriad ("1만 2000명", standard spacing): a bare number follows it there
    korean_spaced = (text[end - 1:end] in _HANGUL_MYRIADS and number < myriad
                     and not (its_section == its_myriad == 1 and _KOREAN_OWN_COUNTER.match(text, its_end)))
    if not (start == end or text[end:start] == " " and (its_cjk or korean_spaced)):
        return False
    return bound is None or its_myriad < bound


@lru_cache(maxsize=1)
def _range_patterns() -> tuple[regex.Pattern, regex.Pattern, regex.Pattern]:
    """What joins the two ends of a range whose scale word is written once ("3 to 5 million",
    "3至5万", "$2–$3 billion"), "and" after a word that opens a range ("between 3 and 5 million"),
    and those words (quantities.yaml)."""
    data = _data()
    join = regex.compile(r"\s*(?:" + _alternatives(data["range_joiners"]) + r")\s*[$€£¥]?", regex.IGNORECASE)
    and_join = regex.compile(r"\s+(?:" + _alternatives(data["and_joiners"]) + r")\s+", regex.IGNORECASE)
    opener = regex.compile(r"(?<![\p{L}])(?:" + _alternatives(data["range_openers"]) + r")\s+[$€£¥]?$", regex.IGNORECASE)
    return join, and_join, opener


# A number glued to a name by a hyphen ("COVID-19") or after a capitalised word that names
# something numbered ("Windows 10") opens no range, unless that word opens it ("Between 2 and 3").
_NAMED = regex.compile(r"\p{L}[-‐]$|\p{Lu}\p{L}*\s$")
# How far apart the two ends of such a range may be: "99.4 to 88.5 billion" is one range, "in 2019
# to 3 million" is a year and a quantity.
_RANGE_SPAN = 100


def _shared_scale(text: str, number: Decimal, start: int, end: int, following: tuple) -> int:
    """The scale of the range's other end when this number, written bare, opens a range whose
    scale word comes once at its end: "from 99.4 to 88.5 billion" is 99.4 billion. 1 otherwise.

    >>> [v for v, _, _ in values("3 to 5 million cases, from 99.4 to 88.5 billion, 3至5万人")]
    ['3000000', '5000000', '99400000000', '88500000000', '30000', '50000']
    >>> [v for v, _, _ in values("in 2019 to 3 million; COVID-19 - 3 million; Windows 10 and 11 million")]
    ['2019', '3000000', '19', '3000000', '10', '11000000']
    >>> [v for v, _, _ in values("between 2 and 3 million; From 2 to 3 million; $2–$3 billion")]
    ['2000000', '3000000', '2000000', '3000000', '2000000000', '3000000000']
    """
    other, section, myriad, other_start, _, _ = following
    scale = section * myriad
    before = text[max(0, start - 12):start]
    join, and_join, opener = _range_patterns()
    opened = opener.search(before)
    joined = join.fullmatch(text, end, other_start) or (and_join.fullmatch(text, end, other_start) and opened)
    if scale == 1 or not joined or not number or not other or (_NAMED.search(before) and not opened):
        return 1
    return scale if 1 / _RANGE_SPAN <= number / other <= _RANGE_SPAN else 1


@lru_cache(maxsize=1)
def _numeral_exceptions() -> tuple[frozenset[str], tuple[str, ...]]:
    """The characters that make the Chinese numerals after them approximate (数十万), and the idioms
    that begin with numerals (十万火急): quantities.yaml."""
    return frozenset(_data()["approximate_before"]), tuple(_data()["numeral_idioms"])


# The unit a last digit counts in when speech drops it: 一万五 is 15,000, 三千五 3,500, 一亿五 150 million.
_DROPPED_UNIT = {"万": 1000, "萬": 1000, "亿": 10**7, "億": 10**7, "千": 100, "百": 10}


def _chinese_numeral(text: str) -> int | None:
    """The value of a number in Chinese numerals ("三千五百万" = 35,000,000; "一万五", with the last
    unit left unsaid, 15,000), or None."""
    text = _APPROXIMATE_PART.sub("", text)  # "一百多万", more than a million: the value the numerals give
    total, section, digit, previous = 0, 0, None, ""
    for previous, ch in zip(" " + text, text):
        if ch in _DIGITS:
            digit = _DIGITS[ch]
        elif ch in ("亿", "億") and 0 < total < 10**8:
            total = (total + section + (digit or 0)) * _CJK_SCALES[ch]  # 万亿, 一万两千亿: 亿s counted in 万
            section, digit = 0, None
        elif ch in ("亿", "億", "万", "萬"):
            section = (section + (digit or 0)) or 1
            total += section * _CJK_SCALES[ch]
            section, digit = 0, None
        elif ch in _CJK_SCALES:
            section += (digit if digit is not None else 1) * _CJK_SCALES[ch]
            digit = None
        else:
            return None
    if digit is not None and previous in _DROPPED_UNIT:
        digit *= _DROPPED_UNIT[previous]
    return total + section + (digit or 0) or None


def canonical(number: Decimal) -> str:
    """A number as the shortest decimal string that reads it: '350000000', '2.5'."""
    text = format(number.normalize(), "f")
    return text.rstrip("0").rstrip(".") if "." in text else text
