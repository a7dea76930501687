"""Codes of the source that the translation copies with other digits.

A code is a token of Latin letters and digits together: a model (OLED55C3, Galaxy S24), a rating
(IP68), a capacity (256GB, 5000mAh), a flight (IB6215), a standard (ISO9001). Languages copy codes,
they do not translate them, so a code of the source missing from the translation while the
translation has one of the same letters with other digits is a digit changed: a wrong model, a
wrong capacity. Plain numbers are source.number_mismatch's (off by default: locales and
translators write numbers in many ways); a code has one spelling.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator
from functools import lru_cache

import regex

from mtqa.cleaners.detectors import DocView, Hit, detector

# Latin letters and digits, both, in one token (hyphens and a plus inside: "COVID-19", "S23+");
# a neighbouring Chinese or Japanese character does not extend it ("5G智能手机"), and Hebrew glues its
# prefixes on with a hyphen ("ה-5G").
_CODE = regex.compile(r"(?<![\p{Latin}\d.,+]|(?<!\p{Hebrew})-)(?=[\p{Latin}\d+-]*\d)(?=[\p{Latin}\d+-]*\p{Latin})"
                      r"[\p{Latin}\d](?:[\p{Latin}\d+-]*[\p{Latin}\d+])?(?![\p{Latin}\d]|[.,]\d)")
_DIGITS = regex.compile(r"\d+")
_PARTS = regex.compile(r"\d+|[^\d]+")
_SPACE = regex.compile(r"\s+")


def _folded(text: str) -> str:
    """The text with each character that compatibility-folds to one character folded ("１２８" to
    "128"), the others as they are ("…"), so that offsets stay the text's."""
    if unicodedata.is_normalized("NFKC", text):
        return text
    return "".join(f if len(f := unicodedata.normalize("NFKC", c)) == 1 else c for c in text)


@lru_cache(maxsize=64)
def _source_codes(source: str) -> tuple[frozenset[str], str]:
    """The source's codes (compatibility-folded) and the source without its spaces, case-folded:
    remembered for the last sources, since a corpus of several systems' output repeats each
    source once per system, and most sources hold no code."""
    if not _CODE.search(source):
        return frozenset(), ""
    source = unicodedata.normalize("NFKC", source)
    return frozenset(m.group() for m in _CODE.finditer(source)), _SPACE.sub("", source).casefold()


def _numbers(code: str) -> list[int]:
    """The code's numbers, as values: "NH012" and "NH12" are one flight, "UTC+08" and "UTC+8" one zone."""
    return [int(d) for d in _DIGITS.findall(code)]


def _written_as(code: str) -> regex.Pattern:
    """The code with any digits in their places, and a space allowed where digits meet two letters
    or more, as translations space them ("128 GB", "iPhone 14", "IB 6216"); in any case only then
    ("a 10" is no "A4")."""
    parts = _PARTS.findall(code)
    pattern = ""
    for k, part in enumerate(parts):
        if k and max(len(part), len(parts[k - 1])) >= 2 and not (part[0].isdigit() and parts[k - 1][-1].isdigit()):
            spaced = (part + parts[k - 1]).strip("0123456789+-")
            pattern += r"[ \u00a0]?" if sum(c.isalpha() for c in spaced) >= 2 else ""
        pattern += r"(\d+)" if part[0].isdigit() else regex.escape(part)
    flags = regex.IGNORECASE if sum(c.isalpha() for c in code) >= 2 else 0
    return regex.compile(r"(?<![\p{Latin}\d])" + pattern + r"(?![\p{Latin}\d])", flags)


@detector("source.code_changed", "accuracy/mistranslation", "major",
          "A code of the source (letters with digits: IP68, 256GB, OLED55C3) that the translation "
          "writes with other digits.")
def code_changed(view: DocView) -> Iterator[Hit]:
    """Both sides compatibility-folded first (full-width "１２８GB" is 128GB). Not a code whose
    numbers are the source's in another order ("24x7" for "7x24"), nor one with the same values
    ("NH012", "NH12"). The source's code is the suggestion where it is the only one of its shape
    the translation lost and the translation's the only one that replaces it; else none."""
    codes, source_squeezed = _source_codes(view.doc.source or "")
    if not codes:
        return
    text = view.text
    folded_text = _folded(text)
    squeezed = _SPACE.sub("", folded_text).casefold()
    lost = sorted(code for code in codes if code.casefold() not in squeezed)
    found: dict[tuple[int, int], list[str]] = {}
    for code in lost:
        for m in _written_as(code).finditer(folded_text):
            written = _SPACE.sub("", m.group()).casefold()
            if written in source_squeezed or sorted(_numbers(m.group())) == sorted(_numbers(code)):
                continue
            found.setdefault(m.span(), []).append(code)
    for (start, end), codes in sorted(found.items()):
        if any(_year_shortened(text[start:end], c) for c in codes):
            continue
        alike = [span for span, other in found.items() if other == codes]
        suggestion = codes[0] if len(codes) == 1 and len(alike) == 1 and " " not in text[start:end] else None
        yield (start, end, f"'{text[start:end]}' is not in the source, which has "
               f"{' or '.join(repr(c) for c in codes)}: a digit changed?", suggestion)


def _year_shortened(a: str, b: str) -> bool:
    """Whether one code writes a year the other writes in two digits ("FY2023", "FY23")."""
    x, y = _DIGITS.findall(a), _DIGITS.findall(b)
    return len(x) == len(y) and all(p == q or (len(p) == 4 and p[2:] == q) or (len(q) == 4 and q[2:] == p)
                                    for p, q in zip(x, y))
