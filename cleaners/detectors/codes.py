"""Codes of the source that the translation copies with other digits.

A code is a token of Latin letters and digits together: a model (OLED55C3, Galaxy S24), a rating
(IP68), a capacity (256GB, 5000mAh), a flight (IB6215), a standard (ISO9001). Languages copy codes,
they do not translate them, so a code of the source missing from the translation while the
translation has one of the same letters with other digits is a digit changed: a wrong model, a
wrong capacity. Plain numbers are source.number_mismatch's (off by default: locales and
translators write numbers in many ways); a code has one spelling.
"""

from __future__ import annotations

from collections.abc import Iterator

import regex

from mtqa.cleaners.detectors import DocView, Hit, detector

# Latin letters and digits, both, in one token (hyphens and a plus inside: "COVID-19", "S23+");
# a neighbouring Chinese or Japanese character does not extend it ("5G智能手机").
_CODE = regex.compile(r"(?<![\p{Latin}\d.,+-])(?=[\p{Latin}\d+-]*\d)(?=[\p{Latin}\d+-]*\p{Latin})"
                      r"[\p{Latin}\d](?:[\p{Latin}\d+-]*[\p{Latin}\d+])?(?![\p{Latin}\d]|[.,]\d)")
_DIGITS = regex.compile(r"\d+")
_SPACE = regex.compile(r"\s+")


def _shape(code: str) -> str:
    """The code with its digits taken out: what stays the same when only digits change."""
    return _DIGITS.sub("#", code.casefold())


def _year_shortened(a: str, b: str) -> bool:
    """Whether one code writes a year the other writes in two digits ("FY2023", "FY23")."""
    x, y = _DIGITS.findall(a), _DIGITS.findall(b)
    return len(x) == len(y) and all(p == q or (len(p) == 4 and p[2:] == q) or (len(q) == 4 and q[2:] == p)
                                    for p, q in zip(x, y))


@detector("source.code_changed", "accuracy/mistranslation", "major",
          "A code of the source (letters with digits: IP68, 256GB, OLED55C3) that the translation "
          "writes with other digits.")
def code_changed(view: DocView) -> Iterator[Hit]:
    """The source's code is the suggestion where it is the only code of that shape the translation
    lost, and the translation's the only one of that shape the source lacks; else no suggestion."""
    source = view.doc.source
    if not source or not _CODE.search(source):
        return
    text = view.text
    squeezed = _SPACE.sub("", text).casefold()
    source_folded = _SPACE.sub("", source).casefold()
    lost: dict[str, list[str]] = {}
    for m in _CODE.finditer(source):
        if m.group().casefold() not in squeezed:
            lost.setdefault(_shape(m.group()), []).append(m.group())
    if not lost:
        return
    changed = [m for m in _CODE.finditer(text) if _shape(m.group()) in lost
               and m.group().casefold() not in source_folded]
    for m in changed:
        wanted = sorted(set(lost[_shape(m.group())]))
        if any(_year_shortened(m.group(), w) for w in wanted):
            continue
        alike = [c for c in changed if _shape(c.group()) == _shape(m.group())]
        suggestion = wanted[0] if len(wanted) == 1 and len(alike) == 1 else None
        yield (m.start(), m.end(), f"'{m.group()}' is not in the source, which has "
               f"{' or '.join(repr(w) for w in wanted)}: a digit changed?", suggestion)
