"""Write a cleaned or revised TMX or XLIFF file: the input file with the new targets and mtqa's notes.

The file goes straight back into a CAT tool: the cleaned (or, after `mtqa apply`, revised) text
replaces each target slot by slot (corpora/inline.py), so inline codes, attributes, other languages
and extensions stay as they were; each unit's findings become one note summarising them (XLIFF 1.2
`<note from="mtqa">`, XLIFF 2 `<note category="mtqa">`, TMX `<prop type="x-mtqa-finding">`), and
the state says where a person should look: XLIFF 1.2 `state="needs-review-translation"`, XLIFF 2
`state="translated" subState="mtqa:needs-review"`, TMX `x-mtqa-state`; once a person revised the
unit, `state="translated"` (TMX: the variant's `changedate`). mtqa's notes from an earlier run are
replaced, not piled up. The bytes are the input's except where a value changed (corpora/xmlsplice.py):
encoding, byte-order mark, line endings, attribute layout, entities and indentation stay.
"""

from __future__ import annotations

import codecs
from collections import defaultdict
from collections.abc import Collection
from pathlib import Path
from typing import Any

from lxml import etree

from mtqa.corpora.bilingual import MTQA, Segment, TranslationFile, load, segment_text, segments
from mtqa.corpora.inline import flatten, rewrite
from mtqa.corpora.readers import CorpusError
from mtqa.corpora.writers import atomic_writer, read_jsonl
from mtqa.corpora.xmlsplice import Snapshot
from mtqa.records import INLINE_CODE, Edit

PRIORITY = {"critical": "1", "major": "3", "minor": "5"}  # XLIFF note priority: 1 is the highest
RANK = {"critical": 0, "major": 1, "minor": 2}
# What each stage writes from: the run's cleaned text and edit log, or `mtqa apply`'s revision.
STAGES = {"cleaned": ("cleaned.jsonl", "edits.jsonl"), "revised": ("revised.jsonl", "revised-edits.jsonl")}
# Corpus hygiene, not an error of the unit: a software file repeats strings by design, and a CAT
# tool has its own repetition handling. Counted in the report, never a note or a state in the file.
HYGIENE = "duplicate"
# A critical finding of these says the segment is not a translation (left in the source language,
# or in another language altogether): the rest is noise on words nobody translated.
UNTRANSLATED = ("accuracy/untranslated", "language")


def written_name(input_path: str | Path, stage: str = "cleaned") -> str:
    """`cleaned.xlf` for `memory.xlf`: the output keeps the input's extension, which CAT tools go by."""
    return stage + Path(input_path).suffix.lower()


def write_back(input_path: str | Path, fmt: str, lang: str | None, out_dir: Path, stage: str = "cleaned",
               decided: Collection[tuple[str, int, int, str]] = (), changedate: str | None = None) -> Path:
    """Write `out_dir/<stage>.<ext>` from the input file and the stage's text and edit log.

    `stage` "cleaned" writes the run's cleaned targets, "revised" those of `mtqa apply`; `decided`
    names the findings a person decided (document, start, end, rule), so their note goes and the
    unit's state says it was revised. `changedate` (TMX's
    `YYYYMMDDThhmmssZ`) is set on each target variant a person changed.
    """
    path = Path(input_path)
    decided = set(decided)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise CorpusError(f"{path}: cannot read: {exc}") from exc
    file = load(path, fmt)
    snapshot = Snapshot(file.tree, raw)  # before any change: where everything stands in the file
    texts_name, edits_name = STAGES[stage]
    records = {str(r["id"]): r for r in read_jsonl(out_dir / texts_name)}
    edits: dict[str, list[Edit]] = defaultdict(list)
    for e in read_jsonl(out_dir / edits_name):
        edits[e["doc_id"]].append(Edit(**e))
    findings: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for f in read_jsonl(out_dir / "findings.jsonl"):
        findings[f["doc_id"]].append(f)
    seen: set[str] = set()
    for seg in segments(file, lang):
        if seg.skip is not None or seg.id in seen:  # not a record, or a repeated id (quarantined): as it was
            continue
        seen.add(seg.id)
        record = records.get(seg.id)
        if record is None:  # quarantined (e.g. a cleaner failed on it): left as it was
            continue
        doc_id = seg.id
        target = segment_text(seg.target)
        if target.text != record["original"]:
            raise CorpusError(f"{path}: line {seg.line}: segment {doc_id!r} changed while mtqa ran; run it again")
        full, lead = target.inline.text, target.lead
        rewrite(target.inline, [Edit(e.doc_id, e.start + lead, e.end + lead, e.before, e.after, e.rule) for e in edits[doc_id]])
        if flatten(seg.target).text != full[:lead] + record["text"] + full[lead + len(target.text):]:
            raise AssertionError(f"{doc_id!r}: the written target differs from the {stage} text")  # the log must explain it
        unit = findings[doc_id]
        pending = [f for f in unit if (f["doc_id"], f["start"], f["end"], f["rule"]) not in decided]
        revised = any(e.rule.startswith("review.") for e in edits[doc_id]) or len(pending) < len(unit)
        _annotate(file, seg, pending, applied=bool(edits[doc_id]), revised=stage == "revised" and revised,
                  changedate=changedate if any(e.rule.startswith("review.") for e in edits[doc_id]) else None)
    out = out_dir / written_name(path, stage)
    data = snapshot.splice() or serialize(file.tree)
    with atomic_writer(out, "wb") as stream:
        stream.write(data)
    return out


def serialize(tree: etree._ElementTree) -> bytes:
    """The whole document in its own encoding, with declaration and DOCTYPE; unchanged parts
    come out as they went in (attribute quoting and escapes may differ, the XML does not)."""
    info = tree.docinfo
    encoding = info.encoding or "UTF-8"
    if codecs.lookup(encoding).encode("\n")[0] != b"\n":  # UTF-16 and the like: lxml writes BOM and declaration
        return etree.tostring(tree, encoding=encoding, xml_declaration=True)
    standalone = "" if info.standalone is None else f' standalone="{"yes" if info.standalone else "no"}"'
    declaration = f'<?xml version="{info.xml_version or "1.0"}" encoding="{encoding}"{standalone}?>\n'
    return declaration.encode("ascii") + etree.tostring(tree, encoding=encoding, xml_declaration=False) + b"\n"


# An inline code (corpora/inline.py's private-use placeholder, which a CAT tool shows as a blank
# box) is written in a note as the report shows it.
_SHOWN_CODES = str.maketrans({INLINE_CODE: "\u2b1a"})


def note_text(finding: dict[str, Any], applied: bool) -> str:
    """One finding as a line a translator reads in a CAT tool's notes pane."""
    quoted = finding["text"].translate(_SHOWN_CODES)
    text = (f"{finding['severity']} {finding['category']} [{finding['rule']}] "
            f"\u201c{quoted}\u201d at {finding['start']}\u2013{finding['end']}: {finding['message']}")
    if finding.get("suggestion") is not None:
        done = finding["fix"] == "auto" and applied
        text += f" {'Fixed to' if done else 'Suggestion:'} \u201c{finding['suggestion'].translate(_SHOWN_CODES)}\u201d."
    return text


def needs_review(findings: list[dict[str, Any]]) -> bool:
    return any(f["fix"] != "auto" and f["category"] != HYGIENE for f in findings)


def unit_note(findings: list[dict[str, Any]], applied: bool) -> tuple[str, str] | None:
    """One note for a unit, summarising its findings: (the worst severity, the note's text).

    A translator reads one note per unit, not one per finding. An untranslated segment is said to
    be untranslated, and the findings on its words (left in the source language, so every
    detector fires) are counted, not listed. Corpus hygiene (duplicates) is no error of the unit.
    """
    shown = sorted((f for f in findings if f["category"] != HYGIENE), key=lambda f: (RANK[f["severity"]], f["start"], f["rule"]))
    if not shown:
        return None
    untranslated = [f for f in shown if f["category"] in UNTRANSLATED and f["severity"] == "critical"]
    listed = untranslated or shown
    counts = ", ".join(f"{n} {sev}" for sev in RANK if (n := sum(f["severity"] == sev for f in shown)))
    lines = [f"mtqa: {len(shown)} finding{'s' if len(shown) > 1 else ''} ({counts})"]
    lines += [note_text(f, applied) for f in listed]
    if len(listed) < len(shown):
        lines.append(f"{len(shown) - len(listed)} more on the words of this untranslated segment, not listed.")
    return shown[0]["severity"], "\n".join(lines)


def _annotate(file: TranslationFile, seg: Segment, findings: list[dict[str, Any]], applied: bool,
              revised: bool = False, changedate: str | None = None) -> None:
    """Replace mtqa's note on the unit with one summarising `findings`, and set the state: needs
    review while a finding waits for a person, translated once a person revised the unit."""
    q = file.q
    note = unit_note(findings, applied)
    review = needs_review(findings)
    if file.flavour == "xliff1":
        for old in seg.unit.findall(q("note")):
            if old.get("from") == MTQA:
                _remove(old)
        if note is not None:
            severity, text = note
            _insert(seg.unit, len(seg.unit), _element(q("note"), text, {"from": MTQA, "annotates": "target",
                                                                      "priority": PRIORITY[severity]}))
        if review:
            seg.target.set("state", "needs-review-translation")
            if seg.unit.get("approved") == "yes":
                seg.unit.set("approved", "no")
        elif revised:
            seg.target.set("state", "translated")
    elif file.flavour == "xliff2":
        _annotate_xliff2(file, seg, note, review, revised)
    else:
        for prop in seg.state_holder.findall("prop"):
            if (prop.get("type") or "").startswith(f"x-{MTQA}-"):
                _remove(prop)
        at = seg.state_holder.index(seg.target)
        props = [] if note is None else [_element("prop", note[1], {"type": f"x-{MTQA}-finding"})]
        if review:
            props.append(_element("prop", "needs-review", {"type": f"x-{MTQA}-state"}))
        for k, prop in enumerate(props):
            _insert(seg.state_holder, at + k, prop)
        if changedate:
            seg.state_holder.set("changedate", changedate)


def _annotate_xliff2(file: TranslationFile, seg: Segment, note: tuple[str, str] | None, review: bool,
                     revised: bool) -> None:
    """XLIFF 2 keeps notes in `<notes>`, the first child of the unit; a segment's own note names it."""
    q = file.q
    notes = seg.unit.find(q("notes"))
    # note ids must be unique in the unit: mtqa's name the segment by its place in the unit
    prefix = f"{MTQA}-s{seg.unit.findall(q('segment')).index(seg.state_holder) + 1}-"
    if notes is not None:
        for old in notes.findall(q("note")):
            if old.get("category") == MTQA and (old.get("id") or "").startswith(prefix):
                _remove(old)
    if note is not None:
        if notes is None:
            notes = etree.Element(q("notes"))
            _insert(seg.unit, 0, notes)
        attrs = {"id": f"{prefix}1", "category": MTQA, "appliesTo": "target", "priority": PRIORITY[note[0]]}
        _insert(notes, len(notes), _element(q("note"), note[1], attrs))
    if notes is not None and len(notes) == 0:
        _remove(notes)
    if review:
        if seg.state_holder.get("state") in (None, "reviewed", "final"):
            seg.state_holder.set("state", "translated")
        seg.state_holder.set("subState", f"{MTQA}:needs-review")
    elif revised:
        seg.state_holder.set("state", "translated")
        if seg.state_holder.get("subState") == f"{MTQA}:needs-review":
            del seg.state_holder.attrib["subState"]


def _element(tag: str, text: str, attrs: dict[str, str]) -> etree._Element:
    element = etree.Element(tag, attrs)
    element.text = text
    return element


def _insert(parent: etree._Element, index: int, child: etree._Element) -> None:
    """Insert a child, indented like its siblings when the file is indented (a file written on
    one line stays on one line)."""
    if len(parent) == 0 and parent.getparent() is not None:  # a first child: one step deeper than the parent
        before = parent.getprevious().tail if parent.getprevious() is not None else parent.getparent().text
        if before and not before.strip() and not (parent.text or "").strip():
            parent.text, child.tail = before + "  ", before
    elif parent.text and not parent.text.strip():
        if index == 0:
            child.tail = parent.text
        else:
            previous = parent[index - 1]
            child.tail, previous.tail = previous.tail, parent.text
    parent.insert(index, child)


def _remove(element: etree._Element) -> None:
    """Remove an element; the last child's tail (the indentation of the parent's end tag) stays."""
    parent, previous = element.getparent(), element.getprevious()
    if element.getnext() is None:
        if previous is not None:
            previous.tail = element.tail
        elif not (parent.text or "").strip():
            parent.text = element.tail
    parent.remove(element)
