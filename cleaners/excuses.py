"""Excuses a pattern rule can name (`unless:` in a rule pack): what shows one of its matches to be
no error, where a pattern cannot say it.

A pattern sees the translation only, and cannot compare two numbers or look a word up in a list
kept as data. Each excuse here is one small function of a match, the record's source text (None
where there is none) and the target language; a rule lists the excuses it takes, and a match any
of them accepts is neither reported nor fixed. `EXCUSES` is the one table of them: a pack that
names another is refused when it is loaded, as is one whose pattern lacks the groups an excuse reads.
"""

from __future__ import annotations

from collections.abc import Callable

import regex

Excuse = Callable[[regex.Match, "str | None", "str | None"], bool]


def copied_from_source(match: regex.Match, source: str | None, lang: str | None) -> bool:
    """A name copied from the source with the rule's mark in it: the match's group `copied` took
    part, and the text from it to the match's end stands in the source as written ("Yahoo!" of
    "Busque la noticia en Yahoo! Noticias" for "Look for the story on Yahoo! News", "String?" of
    Kotlin's nullable type).

    >>> m = regex.search(r"(?<copied>\\p{Lu}\\p{L}*)!", "en Yahoo! antes")
    >>> copied_from_source(m, "at Yahoo! for", "es"), copied_from_source(m, "at Yahoo for", "es")
    (True, False)
    """
    start = match.start("copied")
    return start >= 0 and source is not None and match.string[start : match.end()] in source


# name -> (the excuse, the groups its pattern must have)
EXCUSES: dict[str, tuple[Excuse, tuple[str | int, ...]]] = {
    "copied_from_source": (copied_from_source, ("copied",)),
}
