"""The one place where text is changed: every change is kept against the original text.

Cleaners work in passes over the *current* text (ftfy, then NFC, then each punctuation rule), but
users need every change reported against the text they gave us, and they need to be able to undo
it. `EditLog` keeps the revised text as a list of pieces, each either an untouched slice of the
original or a replacement for one, so any number of passes compose into one list of `Edit`s whose
offsets index the original. `apply_edits` and `revert_edits` replay that list in either direction,
which is how the tests check that the log explains the output exactly.

>>> log = EditLog("a  b ,c")
>>> log.replace([(1, 3, " ")], "spaces")
[(1, 3, ' ')]
>>> log.replace([(3, 4, "")], "space_before_punct")
[(4, 5, '')]
>>> log.text
'a b,c'
>>> [(e.start, e.end, e.before, e.after) for e in log.edits("d1")]
[(1, 3, '  ', ' '), (4, 5, ' ', '')]
>>> apply_edits("a  b ,c", log.edits("d1"))
'a b,c'
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from mtqa.records import Edit, apply_edits, revert_edits  # noqa: F401  (replaying a log is the records' job)


@dataclass(frozen=True, slots=True)
class _Piece:
    """A run of the current text: original[orig_start:orig_end] rewritten as `text` by `rules`.

    An untouched run has no rules and `text == original[orig_start:orig_end]`.
    """

    orig_start: int
    orig_end: int
    text: str
    rules: tuple[str, ...] = ()


class EditLog:
    """Revised text plus the map from every change back to the original."""

    def __init__(self, original: str, tags: Sequence[tuple[int, int]] = ()) -> None:
        self.original = original
        self._pieces: list[_Piece] = [_Piece(0, len(original), original)] if original else []
        self._piece_starts: list[int] | None = None  # where each piece starts in `text`, once asked
        self.text = original
        # Inline markup of XLIFF/TMX (corpora/inline.py), in original offsets: (p, p) where a paired
        # tag opens or closes, (p, p + 1) for the placeholder of a standalone code.
        self.tags = sorted(tags)

    def crosses_tag(self, start: int, end: int) -> bool:
        """Would changing `text[start:end]` cut through a tag or change a code's placeholder?
        Insertions never do; a change may end or start where a tag stands."""
        if not self.tags or start == end:
            return False
        o_start, o_end = self.orig_span(start, end)
        return any((a < b and a < o_end and o_start < b) or (a == b and o_start < a < o_end) for a, b in self.tags)

    @property
    def changed(self) -> bool:
        return self.text != self.original or any(p.rules for p in self._pieces)

    def replace(self, changes: Iterable[tuple[int, int, str]], rule: str) -> list[tuple[int, int, str]]:
        """Apply changes `(start, end, replacement)` given in current-text offsets, sorted and not
        overlapping; a change that changes nothing is dropped. Returns, for each change made, its
        span in the original text and what that span now reads (widened to whole earlier edits
        where it touches one, since those characters no longer map one to one)."""
        changes = [c for c in changes if self.text[c[0] : c[1]] != c[2]]
        if not changes:
            return []
        _check_sorted(changes, len(self.text))
        pieces = self._split_at({b for s, e, _ in changes for b in (s, e)})
        starts = _starts(pieces)
        ends = [st + len(p.text) for st, p in zip(starts, pieces)]
        # Group the changes by the pieces they cover: changes inside one edited piece form one group.
        groups: list[list] = []  # [first piece, end piece, changes]
        for s, e, rep in changes:
            i = bisect_right(ends, s)  # first piece ending after s (a deletion's empty piece stays out)
            if e > s:
                j = bisect_left(starts, e)
            else:  # an insertion: inside an edited piece it rewrites that piece, else it stands alone
                j = i + 1 if i < len(pieces) and starts[i] < s else i
            if groups and i < groups[-1][1]:
                groups[-1][1] = max(groups[-1][1], j)
                groups[-1][2].append((s, e, rep))
            else:
                groups.append([i, j, [(s, e, rep)]])
        out: list[_Piece] = []
        spans: list[tuple[int, int, str]] = []
        done = 0
        for i, j, group in groups:
            out.extend(pieces[done:i])
            if i == j:  # a pure insertion at a piece boundary: a zero-width piece of the original
                anchor = pieces[i].orig_start if i < len(pieces) else len(self.original)
                new = _Piece(anchor, anchor, group[0][2], (rule,))
            else:
                text = "".join(p.text for p in pieces[i:j])
                for s, e, rep in reversed(group):
                    text = text[: s - starts[i]] + rep + text[e - starts[i] :]
                rules = tuple(dict.fromkeys([r for p in pieces[i:j] for r in p.rules] + [rule]))
                new = _Piece(pieces[i].orig_start, pieces[j - 1].orig_end, text, rules)
            out.append(new)
            spans += [(new.orig_start, new.orig_end, new.text)] * len(group)
            done = j
        out.extend(pieces[done:])
        self._pieces = _merge_untouched(out)
        self._piece_starts = None
        self.text = "".join(p.text for p in self._pieces)
        return spans

    def orig_span(self, start: int, end: int) -> tuple[int, int]:
        """Map a span of the current text to the original, widened to whole edited pieces. Asked for
        every finding: the pieces' starts are worked out once per state of the text, not per span."""
        if self._piece_starts is None:
            self._piece_starts = _starts(self._pieces)
        starts = self._piece_starts
        if not self._pieces:
            return (0, 0)
        first = max(bisect_right(starts, start) - 1, 0)
        last = max(bisect_right(starts, max(end - 1, start)) - 1, first)
        a, b = self._pieces[first], self._pieces[last]
        o_start = a.orig_start + (start - starts[first]) if not a.rules else a.orig_start
        o_end = b.orig_start + (end - starts[last]) if not b.rules else b.orig_end
        return (o_start, max(o_start, min(o_end, b.orig_end)))

    def edits(self, doc_id: str) -> list[Edit]:
        """The changes made so far, in original order, as `Edit` records."""
        return [
            Edit(doc_id, p.orig_start, p.orig_end, self.original[p.orig_start : p.orig_end], p.text, "+".join(p.rules))
            for p in self._pieces
            if p.rules
        ]

    def _split_at(self, bounds: set[int]) -> list[_Piece]:
        """Split untouched pieces so every change boundary falls on a piece boundary or inside an edit."""
        out: list[_Piece] = []
        pos = 0
        ordered = sorted(bounds)
        k = 0
        for p in self._pieces:
            end = pos + len(p.text)
            while k < len(ordered) and ordered[k] <= pos:
                k += 1
            if p.rules:
                out.append(p)
            else:
                cut = pos
                while k < len(ordered) and ordered[k] < end:
                    b = ordered[k]
                    out.append(_Piece(p.orig_start + cut - pos, p.orig_start + b - pos, p.text[cut - pos : b - pos]))
                    cut = b
                    k += 1
                out.append(_Piece(p.orig_start + cut - pos, p.orig_end, p.text[cut - pos :]))
            while k < len(ordered) and ordered[k] < end:
                k += 1
            pos = end
        return out


def _starts(pieces: Sequence[_Piece]) -> list[int]:
    starts, pos = [], 0
    for p in pieces:
        starts.append(pos)
        pos += len(p.text)
    return starts


def _merge_untouched(pieces: list[_Piece]) -> list[_Piece]:
    """Join neighbouring untouched pieces again so the list stays as short as the edits."""
    out: list[_Piece] = []
    for p in pieces:
        if out and not p.rules and not out[-1].rules and out[-1].orig_end == p.orig_start:
            prev = out.pop()
            p = _Piece(prev.orig_start, p.orig_end, prev.text + p.text)
        if p.rules or p.text:
            out.append(p)
    return out


def _check_sorted(changes: Sequence[tuple[int, int, str]], length: int) -> None:
    prev_end = 0
    for s, e, _ in changes:
        if not 0 <= s <= e <= length or s < prev_end:
            raise ValueError(f"changes must be sorted, non-overlapping spans within 0..{length}: got {changes!r}")
        prev_end = e
