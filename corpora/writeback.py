"""Write a cleaned TMX or XLIFF file: the input file with cleaned targets and mtqa's findings on them.

The file goes straight back into a CAT tool: the cleaned text replaces each target slot by slot
(corpora/inline.py), so inline codes, attributes, other languages and extensions stay as they were;
each finding becomes an XLIFF note (`from="mtqa"` in 1.2, `category="mtqa"` in 2.x) or a TMX
property (`type="x-mtqa-finding"`) on the unit, and where a person should look, the state says so:
XLIFF 1.2 `state="needs-review-translation"`, XLIFF 2 `state="translated" subState="mtqa:needs-review"`,
TMX `x-mtqa-state`. mtqa's notes from an earlier run are replaced, not piled up.
"""

from __future__ import annotations

import codecs
from collections import defaultdict
from pathlib import Path
from typing import Any

from lxml import etree

from mtqa.corpora.bilingual import MTQA, Segment, TranslationFile, load, segments
from mtqa.corpora.inline import flatten, rewrite
from mtqa.corpora.readers import CorpusError
from mtqa.corpora.writers import atomic_writer, read_jsonl
from mtqa.records import Edit

PRIORITY = {"critical": "1", "major": "3", "minor": "5"}  # XLIFF note priority: 1 is the highest


def written_name(input_path: str | Path) -> str:
    """`cleaned.xlf` for `memory.xlf`: the output keeps the input's extension, which CAT tools go by."""
    return "cleaned" + Path(input_path).suffix.lower()


def write_back(input_path: str | Path, fmt: str, lang: str | None, out_dir: Path) -> Path:
    """Write `out_dir/cleaned.<ext>` from the input file and the run's cleaned, edits and findings files."""
    path = Path(input_path)
    file = load(path, fmt)
    records = {str(r["id"]): r for r in read_jsonl(out_dir / "cleaned.jsonl")}
    edits: dict[str, list[Edit]] = defaultdict(list)
    for e in read_jsonl(out_dir / "edits.jsonl"):
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
        inline = flatten(seg.target)
        if inline.text != record["original"]:
            raise CorpusError(f"{path}: line {seg.line}: segment {doc_id!r} changed while mtqa ran; run it again")
        rewrite(inline, edits[doc_id])
        if flatten(seg.target).text != record["text"]:  # the edit log must explain the output exactly
            raise AssertionError(f"{doc_id!r}: the written target differs from the cleaned text")
        _annotate(file, seg, findings[doc_id], applied=bool(edits[doc_id]))
    out = out_dir / written_name(path)
    with atomic_writer(out, "wb") as stream:
        stream.write(serialize(file.tree))
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


def note_text(finding: dict[str, Any], applied: bool) -> str:
    """One finding as a line a translator reads in a CAT tool's notes pane."""
    text = (f"{finding['severity']} {finding['category']} [{finding['rule']}] "
            f"\u201c{finding['text']}\u201d at {finding['start']}\u2013{finding['end']}: {finding['message']}")
    if finding.get("suggestion") is not None:
        done = finding["fix"] == "auto" and applied
        text += f" {'Fixed to' if done else 'Suggestion:'} \u201c{finding['suggestion']}\u201d."
    return text


def needs_review(findings: list[dict[str, Any]]) -> bool:
    return any(f["fix"] != "auto" for f in findings)


def _annotate(file: TranslationFile, seg: Segment, findings: list[dict[str, Any]], applied: bool) -> None:
    q = file.q
    texts = [(f["severity"], note_text(f, applied)) for f in findings]
    if file.flavour == "xliff1":
        for note in seg.unit.findall(q("note")):
            if note.get("from") == MTQA:
                _remove(note)
        for severity, text in texts:
            _insert(seg.unit, len(seg.unit), _element(q("note"), text, {"from": MTQA, "annotates": "target",
                                                                      "priority": PRIORITY[severity]}))
        if needs_review(findings):
            seg.target.set("state", "needs-review-translation")
            if seg.unit.get("approved") == "yes":
                seg.unit.set("approved", "no")
    elif file.flavour == "xliff2":
        _annotate_xliff2(file, seg, findings, texts)
    else:
        for prop in seg.state_holder.findall("prop"):
            if (prop.get("type") or "").startswith(f"x-{MTQA}-"):
                _remove(prop)
        at = seg.state_holder.index(seg.target)
        props = [_element("prop", text, {"type": f"x-{MTQA}-finding"}) for _, text in texts]
        if needs_review(findings):
            props.append(_element("prop", "needs-review", {"type": f"x-{MTQA}-state"}))
        for k, prop in enumerate(props):
            _insert(seg.state_holder, at + k, prop)


def _annotate_xliff2(file: TranslationFile, seg: Segment, findings: list[dict[str, Any]],
                     texts: list[tuple[str, str]]) -> None:
    """XLIFF 2 keeps notes in `<notes>`, the first child of the unit; a segment's own note names it."""
    q = file.q
    notes = seg.unit.find(q("notes"))
    # note ids must be unique in the unit: mtqa's name the segment by its place in the unit
    prefix = f"{MTQA}-s{seg.unit.findall(q('segment')).index(seg.state_holder) + 1}-"
    if notes is not None:
        for note in notes.findall(q("note")):
            if note.get("category") == MTQA and (note.get("id") or "").startswith(prefix):
                _remove(note)
    if texts and notes is None:
        notes = etree.Element(q("notes"))
        _insert(seg.unit, 0, notes)
    for k, (severity, text) in enumerate(texts, 1):
        attrs = {"id": f"{prefix}{k}", "category": MTQA, "appliesTo": "target", "priority": PRIORITY[severity]}
        _insert(notes, len(notes), _element(q("note"), text, attrs))
    if notes is not None and len(notes) == 0:
        _remove(notes)
    if needs_review(findings):
        if seg.state_holder.get("state") in (None, "reviewed", "final"):
            seg.state_holder.set("state", "translated")
        seg.state_holder.set("subState", f"{MTQA}:needs-review")


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
