"""Where some spans of a text lie (URLs, addresses, code), asked position by position.

Checks ask, for each of their matches, whether it falls inside a URL or a piece of code. A pass
over every span for every match grows with their product: a link list or a page of code made that
quadratic. Here the spans are sorted and merged once, and each question is a binary search.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable

import regex


class Spans:
    """Spans of one text, sorted and merged; `position in spans` asks whether one covers it."""

    __slots__ = ("starts", "ends")

    def __init__(self, spans: Iterable[tuple[int, int]]) -> None:
        merged: list[list[int]] = []
        for start, end in sorted(spans):
            if merged and start <= merged[-1][1]:
                merged[-1][1] = max(merged[-1][1], end)
            else:
                merged.append([start, end])
        self.starts = [s for s, _ in merged]
        self.ends = [e for _, e in merged]

    def __contains__(self, position: int) -> bool:
        i = bisect.bisect_right(self.starts, position) - 1
        return i >= 0 and position < self.ends[i]


# Inline code in backticks, as Markdown writes it: its words and marks are code, not prose.
CODE_SPAN = regex.compile(r"`[^`\n]{1,500}`")


def code_spans(text: str) -> Spans:
    """The text's inline code (`echo`, `a['key']`)."""
    return Spans(c.span() for c in CODE_SPAN.finditer(text)) if "`" in text else Spans(())


# Markup, placeholders, code and file paths, whose words are not the text's prose: <span class=...>,
# {count}, an ICU message's head and selectors ("{count, plural, one {# item} other {# items}}"),
# %(name)s, $count, %count%, :count, `npm install`, /var/log/app/errors.log, ~/.config/settings.json,
# src/app/main (not "day/night", "and/or": a path of three parts at least, or rooted)
NOT_PROSE = regex.compile(r"</?[A-Za-z][^<>]*>|\{[^{}\s]*\}|\{\w+,\s*\w+,|(?<![\p{L}\d])(?:zero|one|two|few|many|other|=\d+)"
                          r"\s*(?=\{)|%\(\w+\)[a-z]|\$\{?\w+\}?|%\w+%|(?<!\S):[a-z_]\w*|`[^`]*`"
                          r"|(?<![\w/.~-])(?:~|\.{1,2})?/[\w.~/-]*\w|(?<![\w/.-])[\w.-]+(?:/[\w.-]+){2,}"
                          r"|(?<![\w.-])[\w-]+\.(?:log|json|ya?ml|toml|txt|md|py|js|ts|csv|xml|html?|ini|cfg|conf|sh|exe|zip|pdf)\b")

