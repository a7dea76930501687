"""Text with inline markup (XLIFF, TMX) as the plain text a translator sees, and back.

A `<target>` or `<seg>` mixes text with inline elements: paired ones that wrap text (`<g>`, `<pc>`,
`<mrk>`, `<hi>`) and codes that stand for something that is not text (`<x/>`, `<ph>`, `<bpt>`, ...).
`flatten` reads the text a translator sees: the text of the element and of the paired elements in
it, with each code shown as one placeholder character (U+E103, the character Okapi uses for an
isolated code, which ftfy and the rules leave alone) so that "word <x/> word" does not read as a
double space. Every run of text is a *slot* (an element's `.text` or `.tail`); the markup between
slots is listed as tags: `(p, p)` where a paired tag opens or closes, `(p, p + 1)` for a code.

Cleaning never changes a tag (cleaners/edits.py refuses changes that cut through one), so every
edit falls inside one slot, and `rewrite` puts the cleaned text back slot by slot: the elements,
their attributes and their order are untouched.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from lxml import etree

from mtqa.records import INLINE_CODE, Edit, apply_edits

CODE = INLINE_CODE

# Inline elements whose content is text a translator translates (XLIFF 1.2, XLIFF 2, TMX 1.4).
# Any other element inside a segment is a code: shown as CODE, never changed.
PAIRED = frozenset({"g", "mrk", "pc", "hi"})


@dataclass(frozen=True, slots=True)
class Slot:
    element: etree._Element
    attr: str  # "text" or "tail"
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class InlineText:
    text: str
    slots: tuple[Slot, ...]
    tags: tuple[tuple[int, int], ...]


def flatten(element: etree._Element) -> InlineText:
    """The text of a segment element, its slots and where its tags stand."""
    parts: list[str] = []
    slots: list[Slot] = []
    tags: list[tuple[int, int]] = []
    pos = 0

    def take(node: etree._Element, attr: str) -> None:
        nonlocal pos
        value = getattr(node, attr) or ""
        slots.append(Slot(node, attr, pos, pos + len(value)))
        parts.append(value)
        pos += len(value)

    def walk(node: etree._Element) -> None:
        nonlocal pos
        take(node, "text")
        for child in node:
            if isinstance(child.tag, str) and etree.QName(child).localname in PAIRED and not _protected(child):
                tags.append((pos, pos))
                walk(child)
                tags.append((pos, pos))
            elif isinstance(child.tag, str) or child.tag is etree.Entity:  # an unexpanded &entity; too
                tags.append((pos, pos + 1))
                parts.append(CODE)
                pos += 1
            else:  # a comment or processing instruction: invisible, but it stays where it is
                tags.append((pos, pos))
            take(child, "tail")

    walk(element)
    return InlineText("".join(parts), tuple(slots), tuple(dict.fromkeys(tags)))


XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"
_LAYOUT = " \t\r\n"  # XML white space; a no-break space is text


def layout_margins(element: etree._Element, text: str) -> tuple[int, int]:
    r"""How many characters at each end of a segment's text are the file's indentation, not text.

    A pretty-printed file writes `<target>` on one line, its text indented on the next and
    `</target>` on a third; CAT tools read the text without that layout (XML's `xml:space="default"`).
    White space at an end counts as layout only when it holds a line break, and never under
    `xml:space="preserve"`: a lone trailing space in a software string is content and stays checked.

    >>> from lxml import etree
    >>> layout_margins(etree.fromstring("<t>\n    Hello \n  </t>"), "\n    Hello \n  ")
    (5, 4)
    >>> layout_margins(etree.fromstring("<t>Hello </t>"), "Hello ")
    (0, 0)

    A segmented target (XLIFF 1.2 `<mrk mtype="seg">`, as Okapi and Trados write it) holds its
    text inside the segment markers: white space outside them is the file's layout even under
    `xml:space="preserve"` (the translator edits the segments), while a space inside a segment is
    the segment's own.

    >>> t = etree.fromstring('<t xml:space="preserve">\n  <mrk mtype="seg">Ciao </mrk>\n</t>')
    >>> layout_margins(t, "\n  Ciao \n")
    (3, 1)
    """
    outside = _outside_segments(element)
    space = next((n.get(XML_SPACE) for n in (element, *element.iterancestors()) if n.get(XML_SPACE)), None)
    if space == "preserve" or not text.strip(_LAYOUT):
        return outside
    lead = len(text) - len(text.lstrip(_LAYOUT))
    trail = len(text) - len(text.rstrip(_LAYOUT))
    lead, trail = (lead if "\n" in text[:lead] else 0), (trail if "\n" in text[len(text) - trail:] else 0)
    return max(lead, outside[0]), max(trail, outside[1])


def _outside_segments(element: etree._Element) -> tuple[int, int]:
    """The white space before the first and after the last segment marker of a segmented target
    (every child a `<mrk mtype="seg">`), or (0, 0) for a target that is not segmented."""
    children = list(element)
    if not children or not all(isinstance(c.tag, str) and etree.QName(c).localname == "mrk" and c.get("mtype") == "seg"
                               for c in children):
        return 0, 0
    before, after = element.text or "", children[-1].tail or ""
    return (0 if before.strip(_LAYOUT) else len(before)), (0 if after.strip(_LAYOUT) else len(after))


def _protected(element: etree._Element) -> bool:
    """Text marked not to be changed (XLIFF 1.2 `mtype="protected"`, XLIFF 2 `translate="no"`) is
    treated as a code: shown as one placeholder, never edited."""
    return element.get("mtype") == "protected" or element.get("translate") == "no"


def rewrite(inline: InlineText, edits: Iterable[Edit]) -> None:
    """Apply edits (offsets in `inline.text`) to the slots they fall in. An insertion where two
    slots meet goes to the first (the text before a tag); an edit that spans a tag is a bug of the
    caller and raises ValueError rather than break the markup."""
    by_slot: dict[int, list[Edit]] = {}
    for edit in edits:
        index = next((i for i, s in enumerate(inline.slots) if s.start <= edit.start and edit.end <= s.end), None)
        if index is None:
            raise ValueError(f"edit {edit.start}:{edit.end} of {edit.doc_id!r} crosses an inline tag")
        by_slot.setdefault(index, []).append(edit)
    for index, slot_edits in by_slot.items():
        slot = inline.slots[index]
        shifted = [Edit(e.doc_id, e.start - slot.start, e.end - slot.start, e.before, e.after, e.rule) for e in slot_edits]
        value = apply_edits(inline.text[slot.start : slot.end], shifted)
        setattr(slot.element, slot.attr, value or None)
