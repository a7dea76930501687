"""The user's glossary (`--terms FILE`, cleaners/glossary.py) against each translation: a term of
the source must be rendered as the glossary says (pofilter's musttranslatewords), and a
do-not-translate term must stay as it is (notranslatewords). Without a glossary, or without a
source, both are silent.

A term matches as a whole word, in any case, with up to three more letters for an inflection
("kidney" matches "kidneys", "rein" matches "reins"); a do-not-translate term matches its exact
spelling. Terms in Chinese, Japanese or Korean match anywhere (those scripts have no spaces).
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import lru_cache

import regex

from mtqa.cleaners.detectors import DocView, Hit, detector

_CJK = regex.compile(r"[\p{Han}\p{Hiragana}\p{Katakana}\p{Hangul}]")


@lru_cache(maxsize=4096)
def _pattern(term: str, inflected: bool) -> regex.Pattern:
    """A term as a whole word (with an inflection's few letters when `inflected`), any case if inflected."""
    if _CJK.search(term):
        return regex.compile(regex.escape(term))
    tail = r"\p{L}{0,3}" if inflected else ""
    return regex.compile(rf"(?<![\p{{L}}\p{{N}}]){regex.escape(term)}{tail}(?![\p{{L}}\p{{N}}])",
                         regex.IGNORECASE if inflected else 0)


def _glossary_hits(view: DocView, keep: bool) -> Iterator[Hit]:
    """Source terms of the glossary whose rendering the translation lacks: the must-translate
    terms' target forms, or (`keep`) the do-not-translate terms themselves. A source term found in
    the translation as it is (or, to keep, in another case) is the span; otherwise the end."""
    source, text = view.doc.source, view.text
    if view.glossary is None or not source:
        return
    end = view.trimmed[1]
    for term in view.glossary.do_not_translate if keep else view.glossary.must_translate:
        want = term.source if keep else term.target
        if (not term.applies_to(view.lang) or not _pattern(term.source, not keep).search(source)
                or _pattern(want, not keep).search(text)):
            continue
        wrong = _pattern(term.source, True).search(text)
        if wrong and keep:
            yield wrong.start(), wrong.end(), f"{wrong.group()!r} should read {want!r}: it is not to be translated.", want
        elif wrong:
            yield wrong.start(), wrong.end(), f"{wrong.group()!r} is left untranslated: the glossary says {want!r}.", want
        elif keep:
            yield end, end, f"The source has {want!r}, not to be translated, and the translation lacks it.", None
        else:
            yield end, end, f"The source has {term.source!r}; the glossary's {want!r} is not in the translation.", None


@detector("qa.must_translate", "terminology", "major",
          "A glossary term of the source not rendered as the glossary says (--terms).")
def must_translate(view: DocView) -> Iterator[Hit]:
    return _glossary_hits(view, keep=False)


@detector("qa.do_not_translate", "terminology", "major",
          "A do-not-translate term of the source (a name, a product) changed or missing in the translation (--terms).")
def do_not_translate(view: DocView) -> Iterator[Hit]:
    return _glossary_hits(view, keep=True)
