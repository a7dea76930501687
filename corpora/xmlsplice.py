"""Write a changed XML tree back into its original bytes, changing only what changed.

lxml serialises a whole tree its own way: it writes UTF-8 where the file was UTF-16, LF where it
had CRLF, one space between attributes where a tag was spread over lines, and `&#160;` as a raw
character. A CAT tool does not care; a person who diffs the file, or a version control system,
sees every line changed. So the writer works on the input's own text: `Snapshot` records, before
any change, where each element, comment and processing instruction of the root stands in the
decoded file (expat's byte positions: lxml gives line numbers only), with its text, tail,
attributes and children. `Snapshot.splice` then copies the file's text verbatim and rewrites only
the pieces whose value differs: a text run is patched character by character (difflib), so the
entities and line endings of its unchanged characters stay as written; a changed attribute gets
its new value between its own quotes; an element mtqa added is written in the file's prefix and
line-ending style. The result is checked: parsed again, it must equal the tree lxml holds under
Canonical XML 2.0 (libxml2's C14N 1.0 refuses a relative namespace URI such as matecat's
`xmlns:my="myNamespaceURI"`, which XML allows, and failed the whole run on such a file).
Where the file has something this cannot place (entity references, an expat failure) or the
check fails, `splice` returns None and the caller writes lxml's serialisation instead.
"""

from __future__ import annotations

import codecs
import difflib
import re
import xml.parsers.expat
from dataclasses import dataclass

from lxml import etree

XML_NS = "http://www.w3.org/XML/1998/namespace"
_BOMS = ((codecs.BOM_UTF32_LE, "utf-32-le"), (codecs.BOM_UTF32_BE, "utf-32-be"), (codecs.BOM_UTF8, "utf-8"),
         (codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be"))
_DECLARED = re.compile(rb"""^<\?xml[^>]*?encoding\s*=\s*["']([A-Za-z0-9._-]+)["']""")
_ATTR = re.compile(r"""(\s+)([^\s=/>]+)(\s*=\s*)("[^"]*"|'[^']*')""")
_TEXT_UNIT = re.compile(r"&#x[0-9A-Fa-f]+;|&#[0-9]+;|&[A-Za-z_][\w.-]*;|<!\[CDATA\[.*?\]\]>|\r\n|\r|.", re.S)
_PREDEFINED = {"lt": "<", "gt": ">", "amp": "&", "quot": '"', "apos": "'"}
_ONE_CDATA = re.compile(r"<!\[CDATA\[((?:(?!\]\]>).)*)\]\]>", re.S)


@dataclass(slots=True)
class _Node:
    start: int  # "<" of the start tag (or of the comment, PI)
    open_end: int  # after the start tag's ">"
    close_start: int  # "<" of the end tag (== open_end == end for an empty element)
    end: int  # after the end tag
    text: str | None = None
    tail: str | None = None
    tail_end: int = 0  # where the tail's raw text ends: the next sibling's start or the parent's end tag
    attrib: tuple[tuple[str, str], ...] = ()
    children: tuple = ()
    empty: bool = False


def decode(raw: bytes, declared: str | None = None) -> tuple[str, str, bytes]:
    """The file's text, the codec to encode it back and its byte-order mark (or b"")."""
    for bom, codec in _BOMS:
        if raw.startswith(bom):
            return raw[len(bom):].decode(codec), codec, bom
    if raw[:2] == b"<\x00":
        codec = "utf-16-le"
    elif raw[:2] == b"\x00<":
        codec = "utf-16-be"
    else:
        found = _DECLARED.match(raw)
        codec = (found.group(1).decode("ascii") if found else declared) or "utf-8"
    return raw.decode(codec), codec, b""


class Snapshot:
    """Where every node of the root stands in the file, taken before the tree is changed."""

    def __init__(self, tree: etree._ElementTree, raw: bytes) -> None:
        self.tree = tree
        self.nodes: dict[etree._Element, _Node] = {}
        try:
            self.doc, self.codec, self.bom = decode(raw, tree.docinfo.encoding)
            self.ok = self._locate()
        except (ValueError, LookupError, xml.parsers.expat.ExpatError):
            self.ok = False
        self.newline = "\r\n" if self.ok and "\r\n" in self.doc else "\n"

    def _locate(self) -> bool:
        root = self.tree.getroot()
        lxml_nodes = list(root.iter())
        if any(n.tag is etree.Entity for n in lxml_nodes) or "<!ENTITY" in self.doc:
            return False  # entity references: expat would expand what lxml keeps; lxml writes these files
        data = self.doc.encode("utf-8")
        chars = _ByteToChar(data)
        events: list[tuple[str, int]] = []
        depth = 0
        parser = xml.parsers.expat.ParserCreate("UTF-8")  # overrides the declaration: the text is UTF-8 now

        def start(name, _attrs):
            nonlocal depth
            depth += 1
            events.append(("start:" + name, chars(parser.CurrentByteIndex)))

        def end(_name):
            nonlocal depth
            depth -= 1
            events.append(("end", chars(parser.CurrentByteIndex)))

        def other(kind):
            def handler(*_args):
                if depth > 0:
                    events.append((kind, chars(parser.CurrentByteIndex)))
            return handler

        parser.StartElementHandler, parser.EndElementHandler = start, end
        parser.CommentHandler, parser.ProcessingInstructionHandler = other("comment"), other("pi")
        parser.Parse(data, True)
        return self._pair(lxml_nodes, events)

    def _pair(self, lxml_nodes: list, events: list[tuple[str, int]]) -> bool:
        """Match expat's events to lxml's nodes, in document order, and record each one's spans."""
        doc = self.doc
        queue = iter(lxml_nodes)
        stack: list[tuple[etree._Element, _Node]] = []
        for kind, pos in events:
            if kind == "end":
                element, node = stack.pop()
                if node.empty:
                    node.close_start = node.end = node.open_end
                else:
                    node.close_start, node.end = pos, doc.index(">", pos) + 1
                continue
            element = next(queue, None)
            if element is None:
                return False
            if kind.startswith("start:"):
                if not isinstance(element.tag, str) or etree.QName(element).localname != kind[6:].split(":")[-1]:
                    return False
                open_end = _tag_end(doc, pos)
                node = _Node(pos, open_end, open_end, open_end, element.text, element.tail,
                             attrib=tuple(element.attrib.items()), children=tuple(element), empty=doc[open_end - 2] == "/")
                stack.append((element, node))
            else:
                expected = etree.Comment if kind == "comment" else etree.PI
                if element.tag is not expected:
                    return False
                close = doc.index("-->" if kind == "comment" else "?>", pos) + (3 if kind == "comment" else 2)
                node = _Node(pos, close, close, close, tail=element.tail)
            self.nodes[element] = node
        if next(queue, None) is not None or stack:
            return False
        for element, node in self.nodes.items():  # where each tail ends
            following = element.getnext()
            parent = element.getparent()
            node.tail_end = (self.nodes[following].start if following is not None
                             else self.nodes[parent].close_start if parent is not None else node.end)
        return True

    def splice(self) -> bytes | None:
        """The file with the tree's changes and nothing else changed, or None where that cannot be
        done exactly (the caller then writes lxml's serialisation)."""
        if not self.ok:
            return None
        root = self.tree.getroot()
        try:
            node = self.nodes[root]
            text = self.doc[: node.start] + self._render(root) + self.doc[node.end :]
            data = self.bom + text.encode(self.codec, "xmlcharrefreplace")
            again = etree.fromstring(data, etree.XMLParser(resolve_entities=False, no_network=True, strip_cdata=False))
            same = _canonical(again) == _canonical(root)
        except (KeyError, ValueError, RecursionError, etree.XMLSyntaxError, etree.C14NError):
            return None
        if not same:
            return None
        return data

    def _render(self, element) -> str:
        node = self.nodes.get(element)
        if node is None:
            return self._new(element)
        doc = self.doc
        if not isinstance(element.tag, str):  # a comment or PI: never changed
            return doc[node.start : node.end]
        children = list(element)
        first = self.nodes[node.children[0]].start if node.children else node.close_start
        text = doc[node.open_end : first] if element.text == node.text else self._patch(doc[node.open_end : first], element.text)
        parts = [self._start_tag(element, node), text]
        for child in children:
            parts.append(self._render(child))
            kept = self.nodes.get(child)
            if kept is None:
                parts.append(self._escape(child.tail or ""))
            elif child.tail == kept.tail:
                parts.append(doc[kept.end : kept.tail_end])
            else:
                parts.append(self._patch(doc[kept.end : kept.tail_end], child.tail))
        content = "".join(parts[1:])
        if not node.empty:
            return parts[0] + content + doc[node.close_start : node.end]
        if not content:
            return parts[0]
        tag = parts[0]
        return tag[: tag.rindex("/")].rstrip() + ">" + content + f"</{self._qname(element)}>"

    def _start_tag(self, element, node: _Node) -> str:
        raw = self.doc[node.start : node.open_end]
        current = dict(element.attrib)
        original = dict(node.attrib)
        if current == original:
            return raw
        out, last = [], 0
        name_end = re.match(r"<[^\s/>]+", raw).end()
        after_attrs = name_end
        for match in _ATTR.finditer(raw, name_end):
            name = match.group(2)
            if name == "xmlns" or name.startswith("xmlns:"):
                after_attrs = match.end()
                continue
            key = self._clark(element, name)
            if key not in current:  # removed
                out.append(raw[last : match.start()])
                last = match.end()
            elif current[key] != original.get(key):
                quote = match.group(4)[0]
                out.append(raw[last : match.start(4)] + quote + _attr_escape(current[key], quote) + quote)
                last = match.end()
            after_attrs = match.end()
        added = "".join(f' {self._attr_name(element, key)}="{_attr_escape(value, chr(34))}"'
                        for key, value in current.items() if key not in original)
        out.append(raw[last:after_attrs] + added + raw[after_attrs:])
        return "".join(out)

    def _new(self, element) -> str:
        """An element mtqa added, in the file's prefixes and line endings."""
        name = self._qname(element)
        attrs = "".join(f' {self._attr_name(element, k)}="{_attr_escape(v, chr(34))}"' for k, v in element.attrib.items())
        content = self._escape(element.text or "") + "".join(
            self._render(child) + self._escape(child.tail or "") for child in element)
        return f"<{name}{attrs}>{content}</{name}>" if content else f"<{name}{attrs}/>"

    def _qname(self, element) -> str:
        qname = etree.QName(element)
        if qname.namespace is None:
            return qname.localname
        prefixes = [p for p, ns in element.nsmap.items() if ns == qname.namespace]
        if not prefixes:
            raise ValueError(f"no prefix for {qname.namespace}")
        prefix = None if None in prefixes else prefixes[0]
        return qname.localname if prefix is None else f"{prefix}:{qname.localname}"

    def _attr_name(self, element, key: str) -> str:
        qname = etree.QName(key)
        if qname.namespace is None:
            return key
        if qname.namespace == XML_NS:
            return f"xml:{qname.localname}"
        prefixes = [p for p, ns in element.nsmap.items() if ns == qname.namespace and p]
        if not prefixes:
            raise ValueError(f"no prefix for attribute {key}")
        return f"{prefixes[0]}:{qname.localname}"

    def _clark(self, element, name: str) -> str:
        if ":" not in name:
            return name
        prefix, local = name.split(":", 1)
        namespace = XML_NS if prefix == "xml" else element.nsmap.get(prefix)
        return f"{{{namespace}}}{local}" if namespace else name

    def _escape(self, text: str) -> str:
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace(
            "\r", "&#13;").replace("\n", self.newline)

    def _patch(self, raw: str, new: str | None) -> str:
        """`raw` (a text run as written, entities and all) changed to read `new`: the characters
        that stay keep their written form, only the changed ones are written afresh."""
        new = new or ""
        if "<![CDATA[" in raw:
            # a text written as one CDATA section stays one, if the new text can be (no "]]>", no
            # CR, nothing the file's encoding cannot hold: a character reference is no reference there)
            if _ONE_CDATA.fullmatch(raw) and "]]>" not in new and "\r" not in new and _encodable(new, self.codec):
                return f"<![CDATA[{new.replace(chr(10), self.newline)}]]>"
            return self._escape(new)
        units = _TEXT_UNIT.findall(raw)
        old = [_decoded(unit) for unit in units]
        out = []
        matcher = difflib.SequenceMatcher(None, old, list(new), autojunk=False)
        for op, i1, i2, j1, j2 in matcher.get_opcodes():
            out.append("".join(units[i1:i2]) if op == "equal" else self._escape(new[j1:j2]))
        return "".join(out)


def _encodable(text: str, codec: str) -> bool:
    try:
        text.encode(codec)
    except UnicodeEncodeError:
        return False
    return True


def _canonical(element: etree._Element) -> bytes:
    """The element in Canonical XML 2.0, comments and processing instructions included: two trees
    with the same XML give the same bytes whatever their quoting, entities and attribute order."""
    return etree.tostring(element, method="c14n2", with_comments=True)


def _decoded(unit: str) -> str:
    if unit in ("\r\n", "\r"):
        return "\n"
    if unit.startswith("&#x"):
        return chr(int(unit[3:-1], 16))
    if unit.startswith("&#"):
        return chr(int(unit[2:-1]))
    if unit.startswith("&") and len(unit) > 1:
        if unit[1:-1] not in _PREDEFINED:
            raise ValueError(f"entity {unit}")
        return _PREDEFINED[unit[1:-1]]
    return unit


def _attr_escape(value: str, quote: str) -> str:
    value = value.replace("&", "&amp;").replace("<", "&lt;").replace("\n", "&#10;").replace("\r", "&#13;").replace("\t", "&#9;")
    return value.replace('"', "&quot;") if quote == '"' else value.replace("'", "&apos;")


_TAG_BODY = re.compile(r"""(?:[^>"']+|"[^"]*"|'[^']*')*>""")


def _tag_end(doc: str, start: int) -> int:
    """The position after the ">" that closes the tag opened at `start` (quotes respected)."""
    found = _TAG_BODY.match(doc, start + 1)
    if found is None:
        raise ValueError("unterminated tag")
    return found.end()


class _ByteToChar:
    """UTF-8 byte offsets to character offsets, for offsets given in increasing order."""

    def __init__(self, data: bytes) -> None:
        self.data, self.byte, self.char = data, 0, 0

    def __call__(self, byte: int) -> int:
        if byte < self.byte:  # expat repeats a position (an empty element's end): start over
            self.byte = self.char = 0
        self.char += len(self.data[self.byte : byte].decode("utf-8"))
        self.byte = byte
        return self.char
