"""Corpus text on a person's terminal and in their spreadsheet, made inert.

Corpus text is data from anywhere. Printed raw, an escape sequence in it would act on the
reviewer's terminal (an OSC sequence sets the window title or writes a link, a CSI one moves the
cursor or hides text), a right-to-left override reorders what is shown ("0001" displays as
"1000"); written raw into a CSV, a cell starting with `=`, `+`, `-` or `@` is a formula to a
spreadsheet (`=HYPERLINK(...)`). And a key a person presses by mistake (an arrow) reaches the
edit prompt as an escape sequence. These functions are what every display of corpus text and
every typed answer goes through.

>>> visible("Kiev\\x1b]2;pwned\\x07 \\u202e0001")
'Kiev\\\\x1b]2;pwned\\\\x07 \\\\u202e0001'
>>> spreadsheet_cell("=HYPERLINK(\\"http://x\\")")
'\\'=HYPERLINK("http://x")'
>>> typed("US\\x1b[D Secretary")
'US Secretary'
"""

from __future__ import annotations

import re
import unicodedata

from mtqa.cleaners.normalise import TERMINAL_SEQUENCE  # whole escape sequences, as normalisation removes them

# What is shown as an escape: C0 and C1 controls but tab, DEL, and the characters that reorder
# or hide text (bidi embeddings, overrides and isolates, and the marks).
_BIDI = "\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
_SHOWN = re.compile(f"[\\x00-\\x08\\x0a-\\x1f\\x7f-\\x9f{_BIDI}]")
# Spreadsheet formula triggers at the start of a cell (OWASP, CSV injection), tab and CR included.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def visible(text: str) -> str:
    """`text` with every control, escape and bidi control shown as its escape (`\\x1b`, `\\u202e`):
    nothing in it can act on a terminal, and a person sees that it is there."""
    return _SHOWN.sub(lambda m: _escape(m.group()), text)


def _escape(char: str) -> str:
    code = ord(char)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def typed(text: str) -> str:
    """What a person typed at a prompt, without the escape sequences of keys pressed by mistake
    (arrows, function keys) and other control characters."""
    text = TERMINAL_SEQUENCE.sub("", text)
    return "".join(c for c in text if c == "\t" or unicodedata.category(c) != "Cc")


def spreadsheet_cell(value: str) -> str:
    """A CSV cell a spreadsheet reads as text, never as a formula: a leading `=`, `+`, `-`, `@`,
    tab or carriage return gets a `'` before it, as OWASP recommends."""
    return "'" + value if value.startswith(_FORMULA_START) else value


def from_spreadsheet_cell(value: str) -> str:
    """The value `spreadsheet_cell` protected, read back: the `'` it added is removed."""
    return value[1:] if value.startswith("'") and value[1:].startswith(_FORMULA_START) else value
