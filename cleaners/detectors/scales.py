"""Large numbers between a language that groups them by ten thousand (Chinese, Japanese, Korean:
万, 億, 만) and another: compared by value, since their digits differ by design ("3.5万" is
35,000), and a difference of a power of ten reported as a scale read wrongly.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from decimal import Decimal
from functools import cached_property

import regex

from mtqa.cleaners import quantities
from mtqa.cleaners.detectors import DocView, Hit, detector

# Chinese, Japanese and Korean group large numbers by 10,000 (万, 億): their digits differ from a
# translation's by design, so their numbers are compared by value.
MYRIAD_LANGS = frozenset({"zh", "ja", "ko"})
# Where the two ways of grouping part: smaller numbers differ for other reasons (months written as
# words, numbers spelt out, "D28" for "第28天").
LARGE_NUMBER = 10_000
# Below it, a number counts only as a scale read too small, from a hundred up: "3,000 cars" for
# 三万辆 (万 read as a thousand). Not one with a letter scale after it ("12K", "3,000m" may be
# millions), nor an amount of money (a currency converted: "$100" for 1万円), nor one the source
# writes as a bare 千 or 百 ("1,000 visitors" for 千余名游客).
SMALL_SLIP = 100
_LETTER_AFTER = regex.compile(r"\s?[KkBb](?![A-Za-z])|[Mm](?![A-Za-z])")
_CURRENCY_BEFORE = regex.compile(r"\p{Sc}\s?$")
# A scale character standing for its number, with no digit or numeral before it: 千余名, 百棵, 천 명.
_BARE_SCALE = regex.compile(r"(?<![\d０-９一二两三四五六七八九十百千万亿零〇几数])([千百천백])")
_BARE_VALUES = {"千": 1000, "百": 100, "천": 1000, "백": 100}


@detector("source.scale_mismatch", "accuracy/mistranslation", "major",
          "A number ten, a hundred or more times the source's, or as much below it, where a side counts in "
          "万 and 亿 (3亿, 300 million, read as 3 billion; 290 000 written 2.9万; 三万 read as 3,000).")
def scale_mismatch(view: DocView) -> Iterator[Hit]:
    """Large numbers compared by value (cleaners/quantities.py) where either side is Chinese,
    Japanese or Korean, which group by ten thousand: "3.5万" and "350,000" differ by ten, "3億5000万"
    and "3.5亿" are the same though their digits differ. A number the source does not have is
    reported here only where a quantity the source writes with a scale (or of ten thousand or
    more) differs from it by a power of ten, the trace of a scale converted wrongly, which a
    reader cannot see from the digits; other differences are source.number_mismatch's, which is
    off by default. Never a number rounded ("about 1.4 billion" for 14.12亿), one with a unit
    whose prefix may have taken the power of ten ("12,000 MW" for 1200万千瓦; "30 million tonnes"
    for 3亿吨 keeps the unit, and is reported), nor one whose partner the translation may write
    in words ("one million"). From ten thousand up, where the two ways of grouping part, and below
    it only a number a scale made too small ("3,000 cars" for 三万辆: 万 read as a thousand)."""
    for start, end, value, scaled in large_numbers_not_in_source(view):
        if scaled is not None:
            yield (start, end, f"{view.text[start:end]!r} ({quantities.canonical(value)}) is {_times(value / scaled)} "
                   f"the source's {quantities.canonical(scaled)}: a scale read wrongly?", None)


def large_numbers_not_in_source(view: DocView) -> Iterator[tuple[int, int, Decimal, Decimal | None]]:
    """Where either side groups by ten thousand: the translation's numbers of ten thousand or more
    whose value the source does not have, each with the source's quantity it is a power of ten of
    (None if it is none's), and its smaller numbers that are a power of ten below such a quantity.
    Left out, as no error the digits can show: a number any reading of the separators makes the
    source's ("2,000 millones" in Spain or in Mexico), one rounded ("about 1.4 billion" for
    14.12亿), one written in the source with a scale that is not read ("12m") or in words ("two
    million": then none is reported but a scale error), or glued to a name there ("ISO14001")."""
    source = view.doc.source
    if not source or not (view.lang in MYRIAD_LANGS or view.source_lang in MYRIAD_LANGS):
        return
    source_tag, target_tag = view.doc.source_lang or view.source_lang, view.tag or view.lang
    read = quantities.values(source, source_tag)
    if not read:
        return
    available = Counter(Decimal(value) for value, _, _ in read)
    # a partner for a scale error is a quantity the source writes with a scale, or a large one: not
    # a year or a count ("In 2000, two million people" is no 2000 read a thousand times too small)
    partners = {Decimal(value) for value, start, end in read
                if Decimal(value) >= LARGE_NUMBER or _SCALE_WRITTEN.search(source, start, end)}
    unmatched = []
    target_read = quantities.values(view.text, target_tag)
    for value, start, end in target_read:
        number = Decimal(value)
        if available[number] > 0:
            available[number] -= 1  # every number the translation has, small ones too, is no partner
        elif number >= LARGE_NUMBER or (number >= SMALL_SLIP and not _LETTER_AFTER.match(view.text, end)):
            unmatched.append((start, end, number))
    if not unmatched:
        return
    context = _SourceNumbers(source, source_tag, read)
    in_words = None  # whether the translation writes a number in words ("one million"), read once
    for start, end, number in unmatched:
        if context.read_otherwise(view.text, target_tag, start, number) or context.unread(number) or context.rounded(number):
            continue
        unit = quantities.convertible_unit(view.text, end)
        scaled = _scaled_from(number, available, partners)
        if number < LARGE_NUMBER and (scaled is None or scaled < number or context.bare_scale(number)
                                      or _CURRENCY_BEFORE.search(view.text, max(0, start - 2), start)):
            continue  # a small number is only ever reported as a scale read too small (3万 as "3,000")
        if scaled is not None:
            partner = next((s, e) for v, s, e in read if Decimal(v) == scaled)
            in_words = _has_unread_scale_words(view.text, target_read) if in_words is None else in_words
            if in_words or unit != quantities.convertible_unit(source, partner[1]):
                # the partner may be the one the translation writes in words, or a unit converted
                # ("12,000 MW" for 1200万千瓦: the prefix took the power of ten)
                continue
            available[scaled] -= 1
        elif unit or context.has_unread_scale_words:
            continue
        yield start, end, number, scaled


# A quantity's span with a scale in it: a scale character or word after the digits.
_SCALE_WRITTEN = regex.compile(r"[^\d\s.,'’\u00a0\u202f\u2009，]")
# A number with a one-letter scale ("12m", "$5k", "3 M"): million and thousand in the financial
# press, metres and kilo-units elsewhere, so never read as a scale.
_LETTER_SCALED = regex.compile(r"(?<![\d.,])(\d+(?:[.,]\d+)?)\s?[mMkK](?![\p{L}\d])")
_DIGIT_RUN = regex.compile(r"\d+")


class _SourceNumbers:
    """What else a source's numbers may be, asked only of a translation's number it lacks."""

    def __init__(self, source: str, tag: str | None, read: list[tuple[str, int, int]]):
        self.source, self.tag, self.read = source, tag, read

    @cached_property
    def _all_readings(self) -> set[Decimal]:
        return {Decimal(value) for other in quantities.readings(self.tag) for value, _, _ in quantities.values(self.source, other)}

    def read_otherwise(self, text: str, tag: str | None, start: int, number: Decimal) -> bool:
        """Whether another reading of the separators, of the translation's number or of the
        source's, makes them the same."""
        if number in self._all_readings:
            return True
        return any(Decimal(value) in self._all_readings
                   for other in quantities.readings(tag)[1:] for value, at, _ in quantities.values(text, other) if at == start)

    def unread(self, number: Decimal) -> bool:
        """Whether the number may be one the source writes with a one-letter scale ("12m"), or
        glued to a name ("ISO14001"), which are not read as quantities."""
        mantissa = _mantissa(number)
        return mantissa in self._letter_scaled or quantities.canonical(number) in self._digit_runs

    @cached_property
    def _letter_scaled(self) -> set[str]:
        return {_mantissa(Decimal(m.group(1).replace(",", "."))) for m in _LETTER_SCALED.finditer(self.source)}

    @cached_property
    def _digit_runs(self) -> set[str]:
        return {m.group().lstrip("0") for m in _DIGIT_RUN.finditer(self.source)}

    def bare_scale(self, number: Decimal) -> bool:
        """Whether the source writes this number as a bare 千 or 百 ("千余名游客", "百棵树", "천 명"),
        which is not read as a quantity."""
        return any(_BARE_VALUES[m.group(1)] == number for m in _BARE_SCALE.finditer(self.source))

    def rounded(self, number: Decimal) -> bool:
        """Whether a number of the source, rounded to as many significant digits as this one has,
        is this one and within a twentieth of it ("1.4 billion" for 14.12亿; not "200 million" for
        1.5亿)."""
        digits = len(_mantissa(number))
        return any(value and _round(Decimal(value), digits) == number
                   and abs(Decimal(value) - number) <= number * _ROUNDING for value, _, _ in self.read)

    @cached_property
    def has_unread_scale_words(self) -> bool:
        """Whether the source writes a number in words ("two million", "오만")."""
        return _has_unread_scale_words(self.source, self.read)


# How far a rounded number may be from the source's: a twentieth.
_ROUNDING = Decimal("0.05")


def _has_unread_scale_words(text: str, read: list[tuple[str, int, int]]) -> bool:
    """Whether the text has a scale word or a myriad after a numeral that no quantity read holds:
    a number written in words, which the other side may have in digits. Not a plural that writes
    none ("millions of users")."""
    held = [(start, end) for _, start, end in read]
    return any(not any(start <= m.start() < end for start, end in held) and not quantities.vague_scale_word(m.group())
               for m in quantities.scale_words().finditer(text))


def _round(value: Decimal, digits: int) -> Decimal:
    """A value rounded to `digits` significant digits."""
    return Decimal(f"{value:.{max(digits, 1) - 1}e}")


def _mantissa(number: Decimal) -> str:
    """A number's significant digits: 12, 1.2 million and 1200万 all give '12'."""
    return quantities.canonical(number).replace(".", "").strip("0")


# The powers of ten a scale read wrongly puts between two numbers: 万 for thousand (10), 万 for
# million (100), 亿 for billion (10), 亿 for million (100), up to 10,000 (万 for 亿).
_SCALE_SLIPS = tuple(Decimal(10) ** k for k in (1, 2, 3, 4))


def _scaled_from(number: Decimal, available: Counter, partners: set[Decimal]) -> Decimal | None:
    """The source's quantity (not yet matched, written with a scale or large) that this number is
    a power of ten times or a power of ten of, the nearest first; None if there is none."""
    for factor in _SCALE_SLIPS:
        for other in (number / factor, number * factor):
            if other in partners and available[other] > 0:
                return other
    return None


def _times(ratio: Decimal) -> str:
    """'10 times' or '1/10 of', for a ratio that is a power of ten."""
    return f"{quantities.canonical(ratio)} times" if ratio > 1 else f"1/{quantities.canonical(1 / ratio)} of"
