"""Where some spans of a text lie (URLs, addresses, code, Markdown link targets), asked position by position.

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

    def __or__(self, other: Spans) -> Spans:
        return Spans([*zip(self.starts, self.ends), *zip(other.starts, other.ends)])

    def __bool__(self) -> bool:
        return bool(self.starts)


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
                          r"|(?<![\w/.~-])(?:~|\.{1,2})?/[\w.~/-]*\w|(?<![\w/.-])(?=[\w./-]*[._\d])[\w.-]+(?:/[\w.-]+){2,}"
                          r"|(?<![\w.-])[\w-]+\.(?:log|json|ya?ml|toml|txt|md|py|js|ts|csv|xml|html?|ini|cfg|conf|sh|exe|zip|pdf)\b")


# A fenced code block, as Markdown writes it: a line of three backticks or tildes or more (and an
# info string, "```python"), to a line of the same fence, or to the end of the text, where
# CommonMark ends a fence left open (a segment may hold the start of a block only).
FENCED_BLOCK = regex.compile(r"^[ \t]{0,3}(`{3,}|~{3,})[^\n]*(?:\n.*?)??(?:\n[ \t]{0,3}\1[ \t]*$|\Z)",
                             regex.MULTILINE | regex.DOTALL)
# A Markdown link's or image's target, "[guide](docs/安装指南.md)": a path or an address, not prose.
LINK_TARGET = regex.compile(r"(?<=\])\([^()\s]{1,500}\)")


def markup_code(text: str) -> Spans:
    """The text's code (inline, and fenced blocks) and Markdown link targets: what pattern rules
    must neither change nor read as prose ("`a ? b : c`", "print("你好")" in a block). Searched
    only in a text that has a backtick, a tilde fence or a link."""
    found = []
    if "`" in text or "~~~" in text:
        found += [m.span() for pattern in (FENCED_BLOCK, CODE_SPAN) for m in pattern.finditer(text)]
    if "](" in text:
        found += [m.span() for m in LINK_TARGET.finditer(text)]
    return Spans(found)
