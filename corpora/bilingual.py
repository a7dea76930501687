"""TMX 1.4, XLIFF 1.2 and XLIFF 2.x: the files translators keep, read as segments and records.

The file is parsed once with lxml's safe settings (no entity expansion, no network), and
`segments` walks it in document order: one `Segment` per translation to check (an XLIFF 1.2
trans-unit, an XLIFF 2 segment, a TMX tu variant in a target language). Reading turns them into
records; writing back (corpora/writeback.py) walks the same segments again and finds each
record by its id. No position goes into a record, so inserting a unit early in the file leaves
the later units' records, and their cached results, as they were. Everything else in the file (other languages,
properties, groups, inline codes, extensions) is never read into a record and never changed.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from lxml import etree

from mtqa.corpora.inline import InlineText, flatten, layout_margins
from mtqa.corpora.raw import CorpusError, RawRecord, Rejected
from mtqa.langtags import primary_subtag

XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
XLIFF1_NS = "urn:oasis:names:tc:xliff:document:1."  # 1.0, 1.1 and 1.2 differ only in the last digit
XLIFF2_NS = "urn:oasis:names:tc:xliff:document:2.0"  # XLIFF 2.1 and 2.2 keep the 2.0 namespace
MTQA = "mtqa"  # the `from` / `category` of the notes mtqa writes, and the prefix of its TMX properties


@dataclass(frozen=True, slots=True)
class TranslationFile:
    path: Path
    tree: etree._ElementTree
    flavour: str  # "tmx", "xliff1" or "xliff2"
    namespace: str | None

    def q(self, name: str) -> str:
        """An element name in the file's namespace."""
        return f"{{{self.namespace}}}{name}" if self.namespace else name


@dataclass(frozen=True, slots=True)
class Segment:
    id: str
    line: int
    unit: etree._Element  # trans-unit, unit or tu: where notes go
    target: etree._Element | None  # the element holding the translation (target, seg)
    source: etree._Element | None
    lang: str | None
    source_lang: str | None
    state_holder: etree._Element | None  # XLIFF 1.2 target, XLIFF 2 segment, TMX tuv
    skip: str | None = None  # why it is not a record (a reason code), or None


# Entities never expanded, nothing fetched. `huge_tree` lifts libxml2's 10 MB limit on one text
# node, which refused a valid file whole for one long unit ("try XML_PARSE_HUGE"): such a unit is
# now read and goes to the quarantine (text_too_long) like any over-long text. Depth stays capped
# (2,048 levels with it), and with entities unexpanded an entity bomb stays inert.
_SAFE = {"resolve_entities": False, "no_network": True, "huge_tree": True}


def load(path: Path, fmt: str) -> TranslationFile:
    """Parse and identify the file; a clear CorpusError names the line when it is not valid XML or
    not the format it claims to be."""
    with _xml_errors(path):
        tree = etree.parse(str(path), etree.XMLParser(strip_cdata=False, **_SAFE))
    return TranslationFile(path, tree, *_flavour(path, fmt, tree.getroot()))


def identify(path: Path, fmt: str) -> str:
    """The flavour ("tmx", "xliff1", "xliff2") from the root element alone: a check in a moment,
    before a run starts, that does not parse a whole translation memory."""
    with _xml_errors(path):
        for _, root in etree.iterparse(str(path), events=("start",), **_SAFE):
            return _flavour(path, fmt, root)[0]
    raise CorpusError(f"{path}: line 1: not valid XML: no root element")


@contextmanager
def _xml_errors(path: Path) -> Iterator[None]:
    try:
        yield
    except etree.XMLSyntaxError as exc:
        raise CorpusError(f"{path}: line {exc.lineno}: not valid XML: {exc.msg}") from exc
    except OSError as exc:
        raise CorpusError(f"{path}: cannot read: {exc}") from exc


def _flavour(path: Path, fmt: str, root: etree._Element) -> tuple[str, str | None]:
    name, namespace = etree.QName(root).localname, etree.QName(root).namespace
    if fmt == "tmx" and name == "tmx" and namespace is None:
        return "tmx", namespace
    if fmt == "xliff" and name == "xliff" and namespace and namespace.startswith(XLIFF1_NS):
        return "xliff1", namespace
    if fmt == "xliff" and name == "xliff" and namespace == XLIFF2_NS:
        return "xliff2", namespace
    found = f"<{name}>" + (f" in namespace {namespace}" if namespace else "")
    expected = "<tmx> (TMX)" if fmt == "tmx" else "<xliff> in an XLIFF 1.x or 2.x namespace"
    raise CorpusError(f"{path}: line {root.sourceline}: the root element is {found}, expected {expected}: "
                      f"not a {fmt.upper()} file (pass --format if the extension is wrong)")


def segments(file: TranslationFile, lang: str | None = None) -> Iterator[Segment]:
    """Every translation of the file in document order; `lang` picks the target language of a
    multilingual TMX (by primary subtag: "en" takes en-GB and en-US)."""
    walk = {"tmx": _tmx_segments, "xliff1": _xliff1_segments, "xliff2": _xliff2_segments}[file.flavour]
    for fields in walk(file, lang):
        yield Segment(*fields)


@dataclass(frozen=True, slots=True)
class SegmentText:
    """A segment's text as a translator sees it: the flattened inline text without the file's
    layout at its ends (`lead` characters cut at the start); offsets in records index `text`."""
    inline: InlineText
    text: str
    lead: int

    @property
    def tags(self) -> list[list[int]]:
        """The inline tags, shifted to `text` (a tag in the cut layout stands at an end)."""
        n = len(self.text)
        shifted = [[min(max(a - self.lead, 0), n), min(max(b - self.lead, 0), n)] for a, b in self.inline.tags]
        return [list(t) for t in dict.fromkeys(map(tuple, shifted))]


def segment_text(element: etree._Element) -> SegmentText:
    inline = flatten(element)
    lead, trail = layout_margins(element, inline.text)
    return SegmentText(inline, inline.text[lead : len(inline.text) - trail], lead)


def read_translation_file(path: Path, fmt: str, lang: str | None = None) -> Iterator[RawRecord | Rejected]:
    """Records for the cleaning pipeline: text and source as a translator sees them (codes as
    U+E103), languages, notes and state; `inline_tags` tells the cleaners where markup stands."""
    file = load(path, fmt)
    name = str(path)
    for seg in segments(file, lang):
        if seg.skip is not None:
            yield Rejected(name, seg.line, seg.skip, _SKIP_DETAIL[seg.skip], {"id": seg.id})
            continue
        assert seg.target is not None
        target = segment_text(seg.target)
        record: dict = {"id": seg.id, "text": target.text}
        if seg.source is not None:
            record["source"] = segment_text(seg.source).text
        if seg.lang:
            record["lang"] = seg.lang
        if seg.source_lang:
            record["source_lang"] = seg.source_lang
        if target.inline.tags:
            record["inline_tags"] = target.tags
        if notes := _notes(file, seg):
            record["notes"] = notes
        if seg.state_holder is not None and seg.state_holder.get("state"):
            record["state"] = seg.state_holder.get("state")
        yield RawRecord(name, seg.line, record)


_SKIP_DETAIL = {
    "no_target": "the unit has no translation to check (it stays in the written file as it was)",
    "not_translatable": "the unit is marked translate=\"no\" (it stays in the written file as it was)",
}


def _xliff1_segments(file: TranslationFile, lang: str | None) -> Iterator[tuple]:
    q = file.q
    files = file.tree.getroot().findall(q("file"))
    for file_el in files:
        prefix = f"{file_el.get('original', '')}#" if len(files) > 1 else ""
        for unit in file_el.iter(q("trans-unit")):
            source, target = unit.find(q("source")), unit.find(q("target"))
            unit_id = prefix + (unit.get("id") or f"unit-{unit.sourceline}")
            source_lang = (source.get(XML_LANG) if source is not None else None) or file_el.get("source-language")
            target_lang = (target.get(XML_LANG) if target is not None else None) or file_el.get("target-language")
            skip = "not_translatable" if unit.get("translate") == "no" else _no_target(target)
            line = (target if target is not None else unit).sourceline
            yield unit_id, line, unit, target, source, target_lang, source_lang, target, skip


def _xliff2_segments(file: TranslationFile, lang: str | None) -> Iterator[tuple]:
    q = file.q
    root = file.tree.getroot()
    files = root.findall(q("file"))
    for file_el in files:
        prefix = f"{file_el.get('id', '')}#" if len(files) > 1 else ""
        for unit in file_el.iter(q("unit")):
            parts = unit.findall(q("segment"))
            for k, segment in enumerate(parts, 1):
                source, target = segment.find(q("source")), segment.find(q("target"))
                seg_id = unit.get("id", f"unit-{unit.sourceline}")
                if len(parts) > 1:  # the id translate-toolkit gives a segment of a multi-segment unit
                    seg_id += "::" + (segment.get("id") or f"segment-{k}")
                source_lang = (source.get(XML_LANG) if source is not None else None) or root.get("srcLang")
                target_lang = (target.get(XML_LANG) if target is not None else None) or root.get("trgLang")
                skip = "not_translatable" if unit.get("translate") == "no" else _no_target(target)
                line = (target if target is not None else segment).sourceline
                yield prefix + seg_id, line, unit, target, source, target_lang, source_lang, segment, skip


def _tmx_segments(file: TranslationFile, lang: str | None) -> Iterator[tuple]:
    root = file.tree.getroot()
    header = root.find("header")
    default_source = header.get("srclang") if header is not None else None
    body = root.find("body")
    for n, tu in enumerate(body.iterfind("tu") if body is not None else (), 1):
        variants = [(tuv, tuv.get(XML_LANG) or tuv.get("lang")) for tuv in tu.findall("tuv")]
        source_lang = tu.get("srclang") or default_source
        source = _source_variant(variants, source_lang)
        targets = [(tuv, code) for tuv, code in variants if tuv is not source
                   and (lang is None or primary_subtag(code or "") == primary_subtag(lang))]
        tu_id = tu.get("tuid") or f"tu-{n}"
        if source is not None and source_lang in (None, "*all*"):
            source_lang = source.get(XML_LANG) or source.get("lang")
        source_seg = source.find("seg") if source is not None else None
        if not targets:
            yield tu_id, tu.sourceline, tu, None, source_seg, lang, source_lang, None, "no_target"
        for tuv, code in targets:
            seg = tuv.find("seg")
            seg_id = f"{tu_id}@{code}" if len(targets) > 1 else tu_id
            yield seg_id, tuv.sourceline, tu, seg, source_seg, code, source_lang, tuv, _no_target(seg)


def _source_variant(variants: list[tuple[etree._Element, str | None]], source_lang: str | None) -> etree._Element | None:
    """The tuv in the source language: exact tag first, then the same primary language; with
    srclang="*all*" (any variant may be the source) or none given, the first one."""
    if not variants:
        return None
    if source_lang in (None, "*all*"):
        return variants[0][0]
    for match in (lambda code: (code or "").lower() == source_lang.lower(),
                  lambda code: primary_subtag(code or "") == primary_subtag(source_lang)):
        for tuv, code in variants:
            if match(code):
                return tuv
    return None


def _no_target(target: etree._Element | None) -> str | None:
    if target is None or not flatten(target).text.strip():
        return "no_target"
    return None


def _notes(file: TranslationFile, seg: Segment) -> list[str]:
    """The translators' notes on the unit (and, in TMX, on the target variant), not mtqa's own."""
    q = file.q
    if file.flavour == "xliff1":
        notes = [n for n in seg.unit.findall(q("note")) if n.get("from") != MTQA]
    elif file.flavour == "xliff2":  # notes belong to the unit; translate-toolkit also writes them in the segment
        holders = [seg.unit] + ([seg.state_holder] if seg.state_holder is not None else [])
        notes = [n for h in holders for n in h.findall(f"{q('notes')}/{q('note')}") if n.get("category") != MTQA]
    else:
        holders = [seg.unit] + ([seg.state_holder] if seg.state_holder is not None else [])
        notes = [n for holder in holders for n in holder.findall("note")]
    return [text for n in notes if (text := "".join(n.itertext()).strip())]
