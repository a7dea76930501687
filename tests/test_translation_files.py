"""TMX and XLIFF: read as records, cleaned without breaking inline markup, written back for the CAT tool."""

from __future__ import annotations

import json
import subprocess

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

from mtqa.cleaners.config import CleanConfig
from mtqa.cleaners.edits import EditLog, apply_edits
from mtqa.cleaners.pipeline import clean_document
from mtqa.corpora.bilingual import load, read_translation_file, segments
from mtqa.corpora.inline import CODE, flatten, rewrite
from mtqa.corpora.readers import CorpusError, RawRecord, Rejected, read_corpus
from mtqa.corpora.writeback import serialize, write_back
from mtqa.records import Document, Edit
from tests.conftest import MTQA, commands_env
from tests.translation_files import (
    OKAPI_XLIFF12,
    TMX,
    XLIFF2,
    load_jsonl,
    made_with_translate_toolkit,
    write_unchanged_outputs,
)

NS1 = "{urn:oasis:names:tc:xliff:document:1.2}"
NS2 = "{urn:oasis:names:tc:xliff:document:2.0}"


def c14n(data: bytes) -> bytes:
    return etree.tostring(etree.fromstring(data), method="c14n2")


def items(path, fmt, lang=None):
    return list(read_translation_file(path, fmt, lang))


@pytest.fixture
def files(tmp_path):
    paths = {"xliff1": tmp_path / "article.xlf", "xliff2": tmp_path / "news.xliff", "tmx": tmp_path / "memory.tmx"}
    paths["xliff1"].write_text(OKAPI_XLIFF12, encoding="utf-8")
    paths["xliff2"].write_text(XLIFF2, encoding="utf-8")
    paths["tmx"].write_text(TMX, encoding="utf-8")
    return paths


# --- inline markup ----------------------------------------------------------------------------

def test_text_is_what_a_translator_sees_with_codes_as_placeholders():
    target = etree.fromstring('<target>The head of <g id="1">US diplomacy</g>  arrived<x id="2"/> .<!-- c --></target>')
    inline = flatten(target)
    assert inline.text == f"The head of US diplomacy  arrived{CODE} ."
    assert inline.tags == ((12, 12), (24, 24), (33, 34), (36, 36))
    assert [(s.start, s.end) for s in inline.slots] == [(0, 12), (12, 24), (24, 33), (34, 36), (36, 36)]


def test_text_marked_protected_is_a_code_and_never_changed():
    target = etree.fromstring('<target>Run <mrk mtype="protected">rm  -rf</mrk> and <mrk translate="no">X  Y</mrk> now.</target>')
    assert flatten(target).text == f"Run {CODE} and {CODE} now."
    result = clean_document(Document("d", f"Run {CODE}  and {CODE} now .", "en", tags=((4, 5), (11, 12))), CleanConfig())
    assert result.text == f"Run {CODE} and {CODE} now."  # the text around the codes is cleaned


def test_rewrite_changes_text_slot_by_slot_and_never_the_markup():
    target = etree.fromstring('<target>The head of <g id="1">US  diplomacy</g>  arrived<x id="2"/> .</target>')
    inline = flatten(target)
    edits = [Edit("d", 14, 16, "  ", " ", "space"), Edit("d", 25, 27, "  ", " ", "space"), Edit("d", 35, 36, " ", "", "punct")]
    rewrite(inline, edits)
    assert etree.tostring(target, encoding="unicode") == (
        '<target>The head of <g id="1">US diplomacy</g> arrived<x id="2"/>.</target>')


def test_an_edit_across_a_tag_is_refused_by_the_writer():
    inline = flatten(etree.fromstring('<target>a <g id="1">b</g> c</target>'))
    with pytest.raises(ValueError, match="crosses an inline tag"):
        rewrite(inline, [Edit("d", 1, 3, " b", "b", "r")])


def test_a_fix_that_would_cut_through_a_tag_is_held_for_review():
    # "Hello <g>  world</g>": the repeated-space fix spans the tag start; the same fix inside the tag is made
    text, tags = "Hello  world and  more", ((6, 6), (22, 22))
    result = clean_document(Document("d", text, "en", tags=tags), CleanConfig(detectors=False))
    assert result.text == "Hello  world and more"
    held = [f for f in result.findings if f.fix == "review" and f.rule == "space.repeated"]
    assert [(f.start, f.end) for f in held] == [(5, 7)] and "inline tag" in held[0].message
    assert [(e.start, e.end, e.after) for e in result.edits] == [(16, 18, " ")]


def test_a_placeholder_is_never_removed_or_replaced():
    log = EditLog(f"a{CODE}b", [(1, 2)])
    assert log.crosses_tag(1, 2) and log.crosses_tag(0, 3) and not log.crosses_tag(0, 1) and not log.crosses_tag(1, 1)


_ELEMENTS = st.sampled_from(["g", "x", "bpt", "ph", "mrk", "it"])


@st.composite
def inline_segments(draw):
    """A <target> with random text and random (nested) inline elements."""
    words = st.text(alphabet=st.sampled_from(list("ab .,'  é\u00a0")), max_size=6)

    def fill(element, depth):
        element.text = draw(words) or None
        for _ in range(draw(st.integers(0, 3))):
            name = draw(_ELEMENTS)
            child = etree.SubElement(element, name, id=str(draw(st.integers(1, 9))))
            if name in ("g", "mrk") and depth < 2:
                fill(child, depth + 1)
            elif name in ("bpt", "ph", "it"):
                child.text = "<b>"
            child.tail = draw(words) or None

    target = etree.Element("target")
    fill(target, 0)
    return target


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(inline_segments(), st.data())
def test_edits_between_tags_rewrite_exactly_the_text_and_keep_every_tag(target, data):
    before = etree.tostring(target)
    inline = flatten(target)
    edits, pos = [], 0
    for slot in inline.slots:  # random edits inside slots, in order, never overlapping
        if slot.end > slot.start and pos <= slot.start and data.draw(st.booleans()):
            s = data.draw(st.integers(slot.start, slot.end))
            e = data.draw(st.integers(s, slot.end))
            edits.append(Edit("d", s, e, inline.text[s:e], data.draw(st.text(alphabet="xyz ", max_size=3)), "r"))
            pos = e + 1
    rewrite(inline, edits)
    assert flatten(target).text == apply_edits(inline.text, edits)
    skeleton = lambda xml: [(el.tag, dict(el.attrib)) for el in etree.fromstring(xml).iter()]
    assert skeleton(etree.tostring(target)) == skeleton(before)
    assert [el.text for el in target.iter("bpt", "ph", "it")] == [el.text for el in etree.fromstring(before).iter("bpt", "ph", "it")]


# --- reading ----------------------------------------------------------------------------------

def test_xliff12_units_become_records_with_languages_notes_and_state(files):
    got = items(files["xliff1"], "xliff")
    records = [i.record for i in got if isinstance(i, RawRecord)]
    assert [r["id"] for r in records] == ["tu1", "tu2", "tu5"]
    tu1 = records[0]
    assert tu1["text"] == f"The head of US diplomacy  arrived{CODE} in Kiev ."
    assert tu1["source"] == f"Le chef de la diplomatie américaine{CODE} est arrivé à Kiev."
    assert (tu1["lang"], tu1["source_lang"], tu1["state"]) == ("en-US", "fr-FR", "translated")
    assert tu1["notes"] == ["Headline of the lead article."]
    assert tu1["inline_tags"] == [[0, 0], [12, 12], [24, 24], [33, 34], [44, 44]]
    assert [(i.record["id"], i.reason, i.line) for i in got if isinstance(i, Rejected)] == [
        ("tu3", "not_translatable", 19), ("tu4", "no_target", 20)]
    assert next(i for i in got if isinstance(i, RawRecord)).line == 10  # the line of the target


def test_xliff2_segments_become_records(files):
    records = [i.record for i in items(files["xliff2"], "xliff") if isinstance(i, RawRecord)]
    assert [r["id"] for r in records] == ["u1::s1", "u1::s2", "u2"]
    assert records[1]["text"] == f"He left{CODE}  yesterday."
    assert (records[0]["lang"], records[0]["source_lang"], records[0]["state"]) == ("en", "fr", "final")
    assert records[0]["notes"] == ["Check the title."]


def test_tmx_variants_become_records_in_the_target_language_asked_for(files):
    everything = [i.record["id"] for i in items(files["tmx"], "tmx") if isinstance(i, RawRecord)]
    assert everything == ["1@en-GB", "1@de", "tu-2"]
    english = [i for i in items(files["tmx"], "tmx", "en")]
    records = [i.record for i in english if isinstance(i, RawRecord)]
    assert [(r["id"], r["lang"], r["source_lang"]) for r in records] == [("1", "en-GB", "fr"), ("tu-2", "en-GB", "fr")]
    assert records[0]["text"] == f"The troops entered the {CODE}Dombas{CODE} ."
    assert records[0]["notes"] == ["From the wire story."]
    assert [(i.record["id"], i.reason) for i in english if isinstance(i, Rejected)] == [("3", "no_target")]


@pytest.mark.parametrize("kind,fmt,suffix", [("tmx", "tmx", ".tmx"), ("xliff1", "xliff", ".xlf"), ("xliff2", "xliff", ".xliff")])
def test_files_written_by_translate_toolkit_are_read(tmp_path, kind, fmt, suffix):
    path = tmp_path / f"tt{suffix}"
    path.write_bytes(made_with_translate_toolkit(kind, [("a1", "Bonjour le monde.", "Hello world ."),
                                                        ("a2", "Deux mots.", "Two  words.")]))
    records = [i.record for i in read_corpus(path) if isinstance(i, RawRecord)]
    assert [r["text"] for r in records] == ["Hello world .", "Two  words."]
    assert [r["source"] for r in records] == ["Bonjour le monde.", "Deux mots."]
    assert {(r["lang"], r["source_lang"]) for r in records} == {("en", "fr")}
    assert records[0]["notes"] == ["note for a1"]
    if kind != "tmx":
        assert [r["id"] for r in records] == ["a1", "a2"]


@pytest.mark.parametrize("content,fmt,message", [
    ("<xliff version='1.2' xmlns='urn:oasis:names:tc:xliff:document:1.2'>\n<file>\n</xliff>", "xliff",
     "line 3: not valid XML: Opening and ending tag mismatch"),
    ("<?xml version='1.0'?>\n<tmx version='1.4'><body/></tmx>", "xliff", "line 2: the root element is <tmx>"),
    ("<xliff version='1.2' xmlns='urn:oasis:names:tc:xliff:document:1.2'/>", "tmx", "line 1: the root element is <xliff>"),
    ("not xml at all", "tmx", "line 1: not valid XML"),
    ("<!DOCTYPE x [<!ENTITY e SYSTEM 'file:///etc/passwd'>]><tmx><body><tu><tuv xml:lang='en'><seg>&e;</seg></tuv></tu></body></tmx>",
     None, None),
])
def test_a_file_that_is_not_xml_or_not_its_format_is_a_clear_error(tmp_path, content, fmt, message):
    path = tmp_path / "bad.tmx"
    path.write_text(content, encoding="utf-8")
    if message is None:  # an external entity is never read: it stays a code, the file is not opened
        (item,) = items(path, "tmx")
        assert "root:" not in json.dumps(item.record)
        return
    with pytest.raises(CorpusError, match=message) as info:
        items(path, fmt)
    assert str(info.value).startswith(f"{path}: line ")


# --- writing back -----------------------------------------------------------------------------

@pytest.mark.parametrize("name,fmt", [("xliff1", "xliff"), ("xliff2", "xliff"), ("tmx", "tmx")])
@pytest.mark.parametrize("made_by", ["okapi-style", "translate-toolkit"])
def test_reading_and_writing_back_without_changes_gives_an_equivalent_file(files, tmp_path, name, fmt, made_by):
    path = files[name]
    if made_by == "translate-toolkit":
        path.write_bytes(made_with_translate_toolkit(name, [("a1", "Le chef.", "The  head ."), ("a2", "Deux.", "Two.")]))
    out = tmp_path / f"out-{name}"
    assert write_unchanged_outputs(path, fmt, out)
    written = write_back(path, fmt, None, out)
    assert written.read_bytes() == path.read_bytes()  # nothing changed: the very same bytes


@st.composite
def translation_documents(draw):
    """A random TMX, XLIFF 1.2 or XLIFF 2 document: units with inline codes, notes, properties,
    states, extra languages and attributes mtqa knows nothing about."""
    kind = draw(st.sampled_from(["tmx", "xliff1", "xliff2"]))
    text = st.text(alphabet=st.sampled_from(list("ab .,&<>\"'é€\u00a0\t")), max_size=8)

    def segment(tag, ns=""):
        element = etree.Element(ns + tag)
        element.text = draw(text) or None
        for k in range(draw(st.integers(0, 2))):
            code = draw(st.sampled_from({"tmx": ["ph", "bpt", "hi"], "xliff1": ["x", "g", "ph"], "xliff2": ["ph", "pc", "sc"]}[kind]))
            child = etree.SubElement(element, ns + code, {"id" if kind != "tmx" else "x": str(k + 1)})
            child.text = draw(text) or None if code not in ("x", "sc") else None
            child.tail = draw(text) or None
        return element

    units = draw(st.integers(1, 4))
    if kind == "tmx":
        root = etree.Element("tmx", version="1.4")
        etree.SubElement(root, "header", srclang="fr", adminlang="en", segtype="sentence", datatype="plaintext",
                         creationtool="t", creationtoolversion="1", **{"o-tmf": "x"})
        body = etree.SubElement(root, "body")
        for n in range(units):
            tu = etree.SubElement(body, "tu", **({"tuid": str(n)} if draw(st.booleans()) else {}))
            if draw(st.booleans()):
                etree.SubElement(tu, "prop", type="x-client").text = draw(text)
            for lang in ["fr"] + draw(st.lists(st.sampled_from(["en", "de", "en-US"]), max_size=2, unique=True)):
                tuv = etree.SubElement(tu, "tuv", {"{http://www.w3.org/XML/1998/namespace}lang": lang})
                tuv.append(segment("seg"))
        return kind, "tmx", root
    ns = NS1 if kind == "xliff1" else NS2
    attrs = {"version": "1.2"} if kind == "xliff1" else {"version": "2.0", "srcLang": "fr", "trgLang": "en"}
    root = etree.Element(ns + "xliff", attrs, nsmap={None: ns[1:-1]})
    file = etree.SubElement(root, ns + "file", {"original": "f", "source-language": "fr", "target-language": "en",
                                                "datatype": "plaintext"} if kind == "xliff1" else {"id": "f1"})
    parent = etree.SubElement(file, ns + "body") if kind == "xliff1" else file
    for n in range(units):
        unit = etree.SubElement(parent, ns + ("trans-unit" if kind == "xliff1" else "unit"), id=f"u{n}")
        if kind == "xliff2" and draw(st.booleans()):
            etree.SubElement(etree.SubElement(unit, ns + "notes"), ns + "note").text = draw(text)
        holder = unit if kind == "xliff1" else etree.SubElement(unit, ns + "segment", state=draw(st.sampled_from(["initial", "final"])))
        holder.append(segment("source", ns))
        if draw(st.booleans()):
            holder.append(segment("target", ns))
        if kind == "xliff1" and draw(st.booleans()):
            etree.SubElement(unit, ns + "note", {"from": "pm"}).text = draw(text)
    return kind, "xliff", root


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(translation_documents())
def test_round_trip_property_read_then_write_without_changes_is_equivalent(tmp_path, document):
    _, fmt, root = document
    path = tmp_path / ("in.tmx" if fmt == "tmx" else "in.xlf")
    path.write_bytes(serialize(etree.ElementTree(root)))
    out = tmp_path / "out"
    write_unchanged_outputs(path, fmt, out)
    assert write_back(path, fmt, None, out).read_bytes() == path.read_bytes()


def cleaned_file(prefect_harness, path, out, **config):
    from mtqa.flows.cleanup import cleanup_flow

    summary = cleanup_flow(str(path), str(out), CleanConfig(**config), shard_size=2)
    assert summary["records_read"] == summary["documents_cleaned"] + summary["records_quarantined"]
    return summary, etree.parse(str(out / summary["translation_file"]))


def test_cleaned_xliff12_keeps_the_markup_and_carries_the_findings(prefect_harness, files, tmp_path):
    summary, tree = cleaned_file(prefect_harness, files["xliff1"], tmp_path / "o")
    assert summary["translation_file"] == "cleaned.xlf"
    units = {u.get("id"): u for u in tree.iter(NS1 + "trans-unit")}
    target = units["tu1"].find(NS1 + "target")
    assert etree.tostring(target, encoding="unicode").split(">", 1)[1].startswith(
        '<mrk mid="0" mtype="seg">The head of <g id="1" ctype="bold">US diplomacy</g> arrived<x id="2" ctype="x-br"/> in Kiev.</mrk>')
    assert target.get("state") == "needs-review-translation" and units["tu1"].get("approved") == "no"
    notes = [n.text for n in units["tu1"].findall(NS1 + "note") if n.get("from") == "mtqa"]
    assert len(notes) == 1  # one note for the unit, summarising its findings
    assert "[fr-en.head_of_us_diplomacy]" in notes[0] and "Suggestion:" in notes[0]
    assert "[space.repeated]" in notes[0] and "Fixed to" in notes[0]
    assert units["tu1"].findall(NS1 + "note")[0].text == "Headline of the lead article."
    assert any("[en.dombas_donbas]" in n.text for n in units["tu5"].findall(NS1 + "note"))
    original = etree.parse(str(files["xliff1"]))
    untouched = {u.get("id"): u for u in original.iter(NS1 + "trans-unit")}
    for unit_id in ("tu3", "tu4"):  # not a record: exactly as it was
        assert etree.tostring(units[unit_id]) == etree.tostring(untouched[unit_id])
    alt = units["tu1"].find(NS1 + "alt-trans")
    assert etree.tostring(alt) == etree.tostring(untouched["tu1"].find(NS1 + "alt-trans"))
    cleaned = {r["id"]: r for r in load_jsonl(tmp_path / "o" / "cleaned.jsonl")}
    assert flatten(target).text == cleaned["tu1"]["text"]


def test_a_cat_tool_library_reads_the_cleaned_files(prefect_harness, tmp_path):
    from translate.storage import tmx, xliff, xliff2

    readers = {"xliff1": xliff.xlifffile, "xliff2": xliff2.Xliff2File, "tmx": tmx.tmxfile}
    for kind, suffix in (("xliff1", ".xlf"), ("xliff2", ".xliff"), ("tmx", ".tmx")):
        path = tmp_path / f"tt{suffix}"
        path.write_bytes(made_with_translate_toolkit(kind, [("a1", "Les troupes dans le Donbass.", "The troops in the Dombas ."),
                                                            ("a2", "Deux mots.", "Two  words.")]))
        summary, _ = cleaned_file(prefect_harness, path, tmp_path / kind, lang="en")
        store = readers[kind].parsefile(str(tmp_path / kind / summary["translation_file"]))
        assert [u.target for u in store.units if u.source] == ["The troops in the Dombas.", "Two words."], kind
        if kind == "xliff1":
            assert "en.dombas_donbas" in store.units[0].getnotes(origin="mtqa")
            assert store.units[0].getnotes(origin="translator") == "note for a1"


def test_cleaned_xliff2_notes_go_to_the_unit_and_segment_states_say_review(prefect_harness, files, tmp_path):
    _, tree = cleaned_file(prefect_harness, files["xliff2"], tmp_path / "o")
    u1 = next(tree.iter(NS2 + "unit"))
    assert u1[0].tag == "{urn:oasis:names:tc:xliff:metadata:2.0}metadata"
    notes = u1.find(NS2 + "notes").findall(NS2 + "note")
    assert notes[0].text == "Check the title." and notes[0].get("category") == "editor"
    ours = [n for n in notes if n.get("category") == "mtqa"]
    assert ours and all(n.get("appliesTo") == "target" and n.get("id").startswith("mtqa-s") for n in ours)
    assert len({n.get("id") for n in notes if n.get("id")}) == len([n for n in notes if n.get("id")])
    s1, s2 = u1.findall(NS2 + "segment")
    assert (s1.get("state"), s1.get("subState")) == ("translated", "mtqa:needs-review")  # head of diplomacy: review
    assert etree.tostring(s2.find(NS2 + "target"), encoding="unicode").split(">", 1)[1].startswith(
        'He left<ph id="2" dataRef="d1"/> yesterday.</target>')
    assert u1.find(NS2 + "originalData") is not None and u1.find(NS2 + "ignorable") is not None


def test_cleaned_tmx_changes_only_the_target_language_and_adds_properties(prefect_harness, files, tmp_path):
    summary, tree = cleaned_file(prefect_harness, files["tmx"], tmp_path / "o", lang="en")
    assert tree.docinfo.doctype == '<!DOCTYPE tmx SYSTEM "tmx14.dtd">'
    tu = tree.getroot().find("body/tu")
    fr, en, de = tu.findall("tuv")
    assert etree.tostring(en.find("seg"), encoding="unicode").startswith(
        '<seg>The troops entered the <bpt i="1" x="1">&lt;b&gt;</bpt>Dombas<ept i="1">&lt;/b&gt;</ept>.</seg>')
    original = etree.parse(str(files["tmx"])).getroot().find("body/tu")
    for ours, theirs in ((fr, original[2]), (de, original[4])):
        assert etree.tostring(ours) == etree.tostring(theirs)
    props = [p for p in en.findall("prop") if p.get("type", "").startswith("x-mtqa")]
    assert any("[en.dombas_donbas]" in p.text for p in props) and props[-1].get("type") == "x-mtqa-state"
    assert en.index(en.find("seg")) == len(en) - 1  # the DTD wants seg last
    assert summary["quarantine_by_reason"] == {"no_target": 1}


def test_cleaning_a_cleaned_file_again_replaces_mtqa_notes_instead_of_adding(prefect_harness, files, tmp_path):
    cleaned_file(prefect_harness, files["xliff1"], tmp_path / "a")
    first = (tmp_path / "a" / "cleaned.xlf").read_bytes()
    second_input = tmp_path / "again.xlf"
    second_input.write_bytes(first)
    _, tree = cleaned_file(prefect_harness, second_input, tmp_path / "b")
    count = lambda t: sum(1 for n in t.iter(NS1 + "note") if n.get("from") == "mtqa")
    assert 0 < count(tree) <= count(etree.fromstring(first).getroottree())
    assert not any("Fixed to" in n.text for n in tree.iter(NS1 + "note"))  # nothing left to fix


def test_a_repeated_id_is_quarantined_and_its_unit_left_as_it_was(prefect_harness, tmp_path):
    path = tmp_path / "twice.xlf"
    path.write_bytes(made_with_translate_toolkit("xliff1", [("a1", "Un.", "One ."), ("a1", "Deux.", "Two .")]))
    summary, tree = cleaned_file(prefect_harness, path, tmp_path / "o")
    assert summary["quarantine_by_reason"] == {"duplicate_id": 1}
    assert [flatten(t).text for t in tree.iter(NS1.replace("1.2", "1.1") + "target")] == ["One.", "Two ."]


def test_segments_are_read_and_written_back_in_the_same_order(files):
    for name, fmt in (("xliff1", "xliff"), ("xliff2", "xliff"), ("tmx", "tmx")):
        walked = [s.id for s in segments(load(files[name], fmt)) if s.skip is None]
        assert walked == [i.record["id"] for i in items(files[name], fmt) if isinstance(i, RawRecord)]


def mtqa(*args):
    return subprocess.run([MTQA, *args], capture_output=True, text=True, timeout=300, check=False, env=commands_env())


def test_mtqa_run_on_an_xliff_and_a_tmx_file(files, tmp_path):
    for name, written in (("xliff1", "cleaned.xlf"), ("tmx", "cleaned.tmx")):
        out = tmp_path / name
        result = mtqa("run", str(files[name]), "--out", str(out), "--no-history", "--lang", "en")
        assert result.returncode == 0, result.stderr
        assert f"with the findings as notes: {out / written}" in result.stdout
        summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
        assert summary["translation_file"] == written and (out / "report.html").exists()
        assert summary["findings"] > 0 and summary["edits"] > 0
        html = (out / "report.html").read_text(encoding="utf-8")
        assert CODE not in html and "⬚" in html  # codes show as boxes, as in a CAT tool


def test_mtqa_reports_a_broken_file_in_one_line(tmp_path):
    bad = tmp_path / "memory.xlf"
    bad.write_text(TMX, encoding="utf-8")
    result = mtqa("clean", str(bad), "--out", str(tmp_path / "o"))
    assert result.returncode == 1
    assert result.stderr.strip() == (f"mtqa: error: {bad}: line 3: the root element is <tmx>, expected <xliff> in an "
                                     "XLIFF 1.x or 2.x namespace: not a XLIFF file (pass --format if the extension is wrong)")
    forced = mtqa("clean", str(bad), "--format", "tmx", "--lang", "en", "--out", str(tmp_path / "o"))
    assert forced.returncode == 0, forced.stderr
    assert (tmp_path / "o" / "cleaned.xlf").exists()


@pytest.mark.parametrize("encoding", ["UTF-16", "ISO-8859-1"])
def test_a_file_keeps_its_encoding(tmp_path, encoding):
    path = tmp_path / "article.xlf"
    path.write_bytes(OKAPI_XLIFF12.replace('encoding="UTF-8"', f'encoding="{encoding}"').encode(encoding.lower()))
    out = tmp_path / "out"
    write_unchanged_outputs(path, "xliff", out)
    written = write_back(path, "xliff", None, out).read_bytes()
    assert etree.parse(str(out / "cleaned.xlf")).docinfo.encoding == encoding
    assert written == path.read_bytes()
    assert "américaine" in written.decode(encoding.lower())


def test_a_valid_xliff_with_a_unit_over_10_mb_is_read_and_the_unit_quarantined(tmp_path):
    """libxml2 refuses a text node over 10 MB unless told otherwise: a whole valid file was refused
    ("try XML_PARSE_HUGE") for one long unit (issue 19). Now the file is read and the unit goes to
    the quarantine as too long, the others are cleaned."""
    from mtqa.cleaners.config import CleanConfig
    from mtqa.flows.shards import ReadStats, read_into_shards

    long_target = "Texte sans fin , " * 800_000  # 13.6 MB
    doc = ('<?xml version="1.0" encoding="UTF-8"?>\n<xliff version="1.2" xmlns="urn:oasis:names:tc:xliff:document:1.2">'
           '<file original="f" source-language="fr" target-language="en" datatype="plaintext"><body>'
           '<trans-unit id="1"><source>Bonjour</source><target>Hello .</target></trans-unit>'
           f'<trans-unit id="2"><source>Long</source><target>{long_target}</target></trans-unit>'
           '</body></file></xliff>\n')
    path = tmp_path / "big.xlf"
    path.write_text(doc, encoding="utf-8")
    stats = ReadStats()
    shards = list(read_into_shards(str(path), tmp_path / "work", 10, None, stats, CleanConfig()))
    assert stats.records == 2 and stats.documents == 2  # read, not refused; the length limit acts when cleaning
    from mtqa.flows.shards import clean_shard

    counts = clean_shard(shards[0], CleanConfig(max_text_chars=1_000_000))
    assert counts["quarantined"] == {"text_too_long": 1} and counts["totals"]["documents"] == 1
