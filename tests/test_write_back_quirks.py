"""Write-back changes only text: one test per quirk of real CAT files, and the revised file of `mtqa apply`.

translate-toolkit's installed package ships no test data and Okapi's test files are not on this
machine, so each file below is small and written to reproduce one quirk exactly as the issue met
it in such files: a pretty-printed XLIFF (its <target> text indented on its own line), a TMX whose
software strings carry `&lt;` in source and target, a UTF-16 LE / CRLF Trados TMX with attributes
over several lines and `&#160;` references, an untranslated unit, and a software-strings XLIFF
that repeats its strings. translate-toolkit (the CAT library) reads what mtqa writes.
"""

from __future__ import annotations

import csv
import json
import subprocess

import pytest
from lxml import etree

from mtqa.cleaners.config import CleanConfig
from mtqa.corpora.writers import read_jsonl
from mtqa.revision.apply import apply_decisions, write_user_file
from mtqa.revision.decisions import decision_for, reviewable
from tests.conftest import MTQA, commands_env

NS1 = "{urn:oasis:names:tc:xliff:document:1.2}"

PRETTY_XLIFF = """<?xml version="1.0" encoding="UTF-8"?>
<xliff version="1.2" xmlns="urn:oasis:names:tc:xliff:document:1.2">
  <file original="strings.po" source-language="fr" target-language="en" datatype="po">
    <body>
      <trans-unit id="1">
        <source>
          Le chef de la diplomatie américaine est arrivé à Kiev.
        </source>
        <target state="translated">
          The head of US diplomacy arrived in Kiev.
        </target>
      </trans-unit>
      <trans-unit id="2">
        <source>
          Les troupes sont dans le Donbass.
        </source>
        <target state="translated">
          The troops are in the Donbas.
        </target>
      </trans-unit>
    </body>
  </file>
</xliff>
"""

ENTITY_TMX = """<?xml version="1.0" encoding="UTF-8"?>
<tmx version="1.4">
  <header creationtool="x" creationtoolversion="1" segtype="sentence" o-tmf="x" adminlang="en" srclang="fr" datatype="plaintext"/>
  <body>
    <tu tuid="ui.1">
      <tuv xml:lang="fr"><seg>Appuyez sur &amp;lt;Entrée&amp;gt; pour continuer.</seg></tuv>
      <tuv xml:lang="en"><seg>Press &amp;lt;Enter&amp;gt; to continue.</seg></tuv>
    </tu>
    <tu tuid="ui.2">
      <tuv xml:lang="fr"><seg>Tom et Jerry arrivent à Kiev.</seg></tuv>
      <tuv xml:lang="en"><seg>Tom &amp;amp; Jerry arrive in Kiev.</seg></tuv>
    </tu>
  </body>
</tmx>
"""

# As Trados exports a memory: UTF-16 LE with a BOM, CRLF, attributes over several lines, tabs,
# `&#160;` written as a reference, attributes in Trados' order.
TRADOS_TMX = (
    '<?xml version="1.0" encoding="utf-16"?>\r\n'
    '<tmx version="1.4">\r\n'
    '<header creationtool="SDL Language Platform" creationtoolversion="8.0" o-tmf="SDL TM8 Format"\r\n'
    '\tdatatype="xml" segtype="sentence" adminlang="en-GB" srclang="fr-FR" creationdate="20210101T101010Z"\r\n'
    '\tcreationid="TRADOS\\user">\r\n'
    '<prop type="x-Recognizers">RecognizeAll</prop>\r\n'
    '</header>\r\n'
    '<body>\r\n'
    '<tu creationdate="20210101T101010Z" creationid="TRADOS\\user" changedate="20210102T101010Z"\r\n'
    '\tchangeid="TRADOS\\user" lastusagedate="20210103T101010Z">\r\n'
    '<prop type="x-Context">0, 0</prop>\r\n'
    '<tuv xml:lang="fr-FR">\r\n'
    '<seg>Le chef de la diplomatie américaine est arrivé à&#160;Kiev.</seg>\r\n'
    '</tuv>\r\n'
    '<tuv xml:lang="en-GB">\r\n'
    '<seg>The head of US diplomacy arrived in&#160;Kiev, then in the Dombas .</seg>\r\n'
    '</tuv>\r\n'
    '</tu>\r\n'
    '<tu creationdate="20210101T101010Z" creationid="TRADOS\\user">\r\n'
    '<tuv xml:lang="fr-FR">\r\n'
    '<seg>Rien &#224; signaler.</seg>\r\n'
    '</tuv>\r\n'
    '<tuv xml:lang="en-GB">\r\n'
    '<seg>Nothing to report.</seg>\r\n'
    '</tuv>\r\n'
    '</tu>\r\n'
    '</body>\r\n'
    '</tmx>\r\n'
)

UNTRANSLATED_XLIFF = """<?xml version="1.0" encoding="UTF-8"?>
<xliff version="1.2" xmlns="urn:oasis:names:tc:xliff:document:1.2">
<file original="a.html" source-language="fr" target-language="en" datatype="html"><body>
<trans-unit id="u1"><source>Les troupes russes sont entrées dans le Donbass , selon le ministère de la défense ukrainien.</source><target>Les troupes russes sont entrées dans le Donbass , selon le ministère de la défense ukrainien.</target></trans-unit>
</body></file></xliff>
"""

SOFTWARE_XLIFF = """<?xml version="1.0" encoding="UTF-8"?>
<xliff version="1.2" xmlns="urn:oasis:names:tc:xliff:document:1.2">
<file original="app.properties" source-language="fr" target-language="en" datatype="javapropertyresourcebundle"><body>
""" + "".join(f"""<trans-unit id="k{n}" resname="menu.{n}.save"><source>Enregistrer le document courant</source><target>Save the current document</target></trans-unit>
""" for n in range(6)) + """</body></file></xliff>
"""


def clean(path, out, **config):
    """The cleanup flow's stages as plain functions (read, clean shards, merge, write back), so
    these tests need no Prefect server."""
    from mtqa.corpora.readers import detect_format
    from mtqa.corpora.writeback import write_back
    from mtqa.corpora.writers import write_json
    from tests.test_shards import run_plain

    config = CleanConfig(**config)
    summary = run_plain(path, out, 2, config)
    fmt = detect_format(path)
    summary["translation_file"] = write_back(path, fmt, config.lang, out).name
    write_json(out / "summary.json", {**summary, "input": str(path)})
    return summary


def accept_all(out):
    """Accept every suggestion, as a reviser answering `y` throughout would."""
    decisions = [decision_for(f, "accept") for f in reviewable(out)]
    apply_decisions(out, decisions)
    return decisions


def test_pretty_printed_targets_keep_their_indentation_and_get_no_whitespace_findings(tmp_path):
    path = tmp_path / "strings.xlf"
    path.write_text(PRETTY_XLIFF, encoding="utf-8")
    summary = clean(path, tmp_path / "o", lang="en", source_lang="fr")
    records = {r["id"]: r for r in read_jsonl(tmp_path / "o" / "cleaned.jsonl")}
    assert records["1"]["text"] == "The head of US diplomacy arrived in Kiev."  # the text, not the layout
    rules = {f["rule"] for f in read_jsonl(tmp_path / "o" / "findings.jsonl")}
    assert not {r for r in rules if r.startswith("space.")}, rules
    assert summary["edits"] == 0
    written = (tmp_path / "o" / "cleaned.xlf").read_text(encoding="utf-8")
    assert "<target state=\"needs-review-translation\">\n          The head of US diplomacy arrived in Kiev.\n        </target>" in written
    # unit 2 had nothing to say: byte for byte as it was
    assert PRETTY_XLIFF.split('<trans-unit id="2">')[1] == written.split('<trans-unit id="2">')[1]

    decisions = accept_all(tmp_path / "o")
    assert {d.rule for d in decisions} >= {"fr-en.head_of_us_diplomacy", "en.kiev_kyiv"}
    revised = write_user_file(tmp_path / "o", "revised", path, decisions)
    from translate.storage import xliff

    store = xliff.xlifffile.parsefile(str(revised))
    before = xliff.xlifffile.parsefile(str(path))
    assert [u.target for u in before.units] == ["The head of US diplomacy arrived in Kiev.", "The troops are in the Donbas."]
    assert [u.target for u in store.units] == ["The US Secretary of State arrived in Kyiv.", "The troops are in the Donbas."]
    text = revised.read_text(encoding="utf-8")
    assert '<target state="translated">\n          The US Secretary of State arrived in Kyiv.\n        </target>' in text


def test_entities_written_on_both_sides_are_kept_and_only_debris_is_decoded(tmp_path):
    path = tmp_path / "ui.tmx"
    path.write_text(ENTITY_TMX, encoding="utf-8")
    clean(path, tmp_path / "o", lang="en", source_lang="fr")
    records = {r["id"]: r for r in read_jsonl(tmp_path / "o" / "cleaned.jsonl")}
    assert records["ui.1"]["text"] == "Press &lt;Enter&gt; to continue."  # as its source writes it
    assert records["ui.2"]["text"] == "Tom & Jerry arrive in Kiev."  # an entity its source has not: debris
    written = (tmp_path / "o" / "cleaned.tmx").read_text(encoding="utf-8")
    assert "<seg>Press &amp;lt;Enter&amp;gt; to continue.</seg>" in written
    assert "<seg>Tom &amp; Jerry arrive in Kiev.</seg>" in written


def test_a_utf16_crlf_trados_memory_comes_back_byte_identical_outside_the_changed_text(tmp_path):
    path = tmp_path / "trados.tmx"
    raw = b"\xff\xfe" + TRADOS_TMX.encode("utf-16-le")
    path.write_bytes(raw)
    clean(path, tmp_path / "o", lang="en", source_lang="fr")
    decisions = accept_all(tmp_path / "o")
    for stage, written in (("cleaned", tmp_path / "o" / "cleaned.tmx"),
                           ("revised", write_user_file(tmp_path / "o", "revised", path, decisions))):
        data = written.read_bytes()
        assert data.startswith(b"\xff\xfe"), stage  # still UTF-16 LE with its BOM
        text = data[2:].decode("utf-16-le")
        assert "\n" not in text.replace("\r\n", ""), stage  # every line still ends in CRLF
        before, after = TRADOS_TMX.split("\r\n"), text.split("\r\n")
        changed = [line for line in after if line not in before]
        # only the English variant's lines differ: its seg, mtqa's properties, the state
        assert all(line.startswith(("<seg>The ", "<prop type=\"x-mtqa-", "<tuv xml:lang=\"en-GB\"")) or not line.startswith("<")
                   for line in changed), (stage, changed)
        for line in before:  # the header over three lines, Trados' attribute order, the French &#160;
            if not line.startswith("<seg>The "):
                assert line in after, (stage, line)
        assert "in&#160;Kiev" in text or "in&#160;Kyiv" in text, stage  # the reference written as it was
    assert "<tuv xml:lang=\"en-GB\" changedate=\"" in text  # the revised variant is dated
    from translate.storage import tmx

    store = tmx.tmxfile.parsefile(str(written))
    assert store.units[0].target == "The US Secretary of State arrived in\u00a0Kyiv, then in the Donbas."


def test_an_untranslated_unit_gets_one_note(tmp_path):
    path = tmp_path / "a.xlf"
    path.write_text(UNTRANSLATED_XLIFF, encoding="utf-8")
    clean(path, tmp_path / "o", lang="en", source_lang="fr")
    findings = list(read_jsonl(tmp_path / "o" / "findings.jsonl"))
    whole = [f["rule"] for f in findings if f["severity"] == "critical"]
    assert len(findings) > 2 and whole, findings
    unit = etree.parse(str(tmp_path / "o" / "cleaned.xlf")).find(f".//{NS1}trans-unit")
    notes = [n.text for n in unit.findall(f"{NS1}note") if n.get("from") == "mtqa"]
    assert len(notes) == 1
    assert f"[{whole[0]}]" in notes[0] and "untranslated segment, not listed" in notes[0], notes[0]
    assert notes[0].count("\n") == 2  # the count, the critical finding, the line saying the rest is not listed


def test_repeated_software_strings_get_no_duplicate_notes_or_review_state(tmp_path):
    path = tmp_path / "app.xlf"
    path.write_text(SOFTWARE_XLIFF, encoding="utf-8")
    summary = clean(path, tmp_path / "o", lang="en", source_lang="fr")
    assert summary["findings_by_rule"].get("duplicate.document") == 5  # still counted for the report
    assert (tmp_path / "o" / "cleaned.xlf").read_bytes() == path.read_bytes()  # but the file says nothing


def test_mtqa_apply_writes_revised_xliff_that_translate_toolkit_reads_with_every_inline_tag(tmp_path):
    from tests.translation_files import OKAPI_XLIFF12

    path = tmp_path / "article.xlf"
    path.write_text(OKAPI_XLIFF12, encoding="utf-8")
    env = commands_env()
    out = tmp_path / "o"
    run = subprocess.run([MTQA, "clean", str(path), "--lang", "en", "--out", str(out)], capture_output=True, text=True, env=env)
    assert run.returncode == 0, run.stderr
    export = subprocess.run([MTQA, "review", str(out), "--export", str(tmp_path / "d.csv")], capture_output=True, text=True, env=env)
    assert export.returncode == 0, export.stderr
    rows = list(csv.DictReader(open(tmp_path / "d.csv", encoding="utf-8")))
    for row in rows:
        row["decision"] = "accept"
    with open(tmp_path / "d.csv", "w", encoding="utf-8", newline="") as stream:
        writer = csv.DictWriter(stream, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    applied = subprocess.run([MTQA, "apply", str(out), str(tmp_path / "d.csv"), "--remember-to", str(tmp_path / "p.yaml")],
                             capture_output=True, text=True, env=env, cwd=tmp_path)
    assert applied.returncode == 0, applied.stderr
    assert f"Wrote {out / 'revised.xlf'}" in applied.stdout
    # "head of <g>US diplomacy</g>": a replacement of the whole span would cut the bold run in two
    assert "(fr-en.head_of_us_diplomacy" in applied.stderr and "crosses an inline tag" in applied.stderr
    from translate.storage import xliff

    store = xliff.xlifffile.parsefile(str(out / "revised.xlf"))
    units = {u.getid().split("\x04")[-1]: u for u in store.units}
    tree = etree.parse(str(out / "revised.xlf"))
    original = etree.parse(str(path))
    for unit in original.iter(f"{NS1}trans-unit"):  # every inline tag in place, in order, with its attributes
        revised = tree.find(f".//{NS1}trans-unit[@id='{unit.get('id')}']")
        for part in ("source", "target"):
            a, b = unit.find(f"{NS1}{part}"), revised.find(f"{NS1}{part}")
            if a is not None:
                assert [(e.tag, dict(e.attrib)) for e in a.iter() if e is not a] == \
                       [(e.tag, dict(e.attrib)) for e in b.iter() if e is not b], (unit.get("id"), part)
    assert "Donbas" in units["tu5"].target and "Dombas" not in units["tu5"].target
    target = tree.find(f".//{NS1}trans-unit[@id='tu5']/{NS1}target")
    assert target.get("state") == "translated"
    reverted = subprocess.run([MTQA, "revert", str(out)], capture_output=True, text=True, env=env, cwd=tmp_path)
    assert reverted.returncode == 0, reverted.stderr
    assert (out / "reverted.xlf").read_bytes() == path.read_bytes()


def test_mtqa_apply_on_a_text_file_and_a_tsv_writes_them_revised(tmp_path):
    env = commands_env()
    txt = tmp_path / "article.txt"
    txt.write_bytes(b"\xef\xbb\xbfThe troops entered the Dombas.\r\nKiev said so.\r\n")
    tsv = tmp_path / "corpus.tsv"
    tsv.write_bytes(b"id\ttext\tnote\r\na\tThe troops entered the Dombas.\tkeep me\r\nb\tbad row\r\nc\tKiev said so.\tx\r\n")
    for path, name in ((txt, "revised.txt"), (tsv, "revised.tsv")):
        out = tmp_path / path.stem
        run = subprocess.run([MTQA, "clean", str(path), "--lang", "en", "--source-lang", "fr", "--out", str(out)],
                             capture_output=True, text=True, env=env)
        assert run.returncode == 0, run.stderr
        decisions = accept_all(out)
        assert decisions
        with open(out / "review.jsonl", "w", encoding="utf-8") as log:
            log.writelines(json.dumps(d.to_json()) + "\n" for d in decisions)
        applied = subprocess.run([MTQA, "apply", str(out)], capture_output=True, text=True, env=env)
        assert applied.returncode == 0, applied.stderr
        assert (out / name).exists(), applied.stdout + applied.stderr
    assert (tmp_path / "article" / "revised.txt").read_bytes() == b"\xef\xbb\xbfThe troops entered the Donbas.\r\nKyiv said so.\r\n"
    assert (tmp_path / "corpus" / "revised.tsv").read_bytes() == (
        b"id\ttext\tnote\r\na\tThe troops entered the Donbas.\tkeep me\r\nb\tbad row\r\nc\tKyiv said so.\tx\r\n")


XLIFF2_UNITS = """<?xml version="1.0" encoding="UTF-8"?>
<xliff xmlns="urn:oasis:names:tc:xliff:document:2.0" version="2.0" srcLang="fr" trgLang="en">
  <file id="f1">
    <unit id="u1">
      <originalData><data id="d1">&lt;br/&gt;</data></originalData>
      <segment id="s1" state="final">
        <source>Les troupes<ph id="1" dataRef="d1"/> sont dans le <pc id="2">Donbass</pc>.</source>
        <target>The troops<ph id="1" dataRef="d1"/> are in the <pc id="2">Dombas</pc>.</target>
      </segment>
    </unit>
    <unit id="u2">
      <segment id="s1" state="final">
        <source>Le chef de la <pc id="1">diplomatie</pc> américaine.</source>
        <target>The head of <pc id="1">US diplomacy</pc>.</target>
      </segment>
    </unit>
  </file>
</xliff>
"""


def test_a_revised_xliff2_says_translated_and_keeps_its_codes(tmp_path):
    path = tmp_path / "news.xliff"
    path.write_text(XLIFF2_UNITS, encoding="utf-8")
    clean(path, tmp_path / "o", lang="en", source_lang="fr")
    ns = "{urn:oasis:names:tc:xliff:document:2.0}"
    cleaned = etree.parse(str(tmp_path / "o" / "cleaned.xliff"))
    assert [s.get("subState") for s in cleaned.iter(f"{ns}segment")] == ["mtqa:needs-review"] * 2
    decisions = accept_all(tmp_path / "o")
    result = apply_decisions(tmp_path / "o", decisions)
    skipped = {d.id for d, _ in result.skipped}
    assert {d.rule for d in decisions if d.id in skipped} >= {"fr-en.head_of_us_diplomacy"}  # it would cut the <pc>
    revised = write_user_file(tmp_path / "o", "revised", path, [d for d in decisions if d.id not in skipped])
    tree = etree.parse(str(revised))
    u1, u2 = tree.iter(f"{ns}segment")
    assert u1.get("state") == "translated" and u1.get("subState") is None  # revised by a person
    assert u2.get("subState") == "mtqa:needs-review"  # its decision could not be applied: still waiting
    original = etree.parse(str(path))
    for a, b in zip(original.iter(f"{ns}target"), tree.iter(f"{ns}target"), strict=True):  # every code in place
        assert [(e.tag, dict(e.attrib)) for e in a.iter() if e is not a] == [(e.tag, dict(e.attrib)) for e in b.iter() if e is not b]
    from translate.storage import xliff2

    store = xliff2.Xliff2File.parsefile(str(revised))
    assert [u.target for u in store.units][0].endswith("are in the Donbas."), [u.target for u in store.units]


def test_a_folder_of_text_files_comes_back_as_a_folder_and_ids_never_leave_it(tmp_path):
    from mtqa.corpora.readers import CorpusError
    from mtqa.corpora.revised import write_stage

    folder = tmp_path / "articles"
    (folder / "news").mkdir(parents=True)
    (folder / "news" / "a.txt").write_text("The Dombas.\n", encoding="utf-8")
    (folder / "b.txt").write_text("Kiev.\n", encoding="utf-8")
    run = tmp_path / "run"
    records = {"news/a.txt": {"original": "The Dombas.\n", "text": "The Donbas.\n"}, "b.txt": {"original": "Kiev.\n", "text": "Kiev.\n"}}
    out = write_stage(folder, "folder", None, run, "revised", records)
    assert out == run / "revised"
    assert (out / "news" / "a.txt").read_text(encoding="utf-8") == "The Donbas.\n"
    assert (out / "b.txt").read_text(encoding="utf-8") == "Kiev.\n"
    with pytest.raises(CorpusError, match="is not a file below the folder"):
        write_stage(folder, "folder", None, run, "revised", {"../../etc/passwd": {"original": "", "text": "x"}})
    (folder / "b.txt").write_text("Kyiv.\n", encoding="utf-8")  # edited since the run: reported, not overwritten
    with pytest.raises(CorpusError, match="changed since the run"):
        write_stage(folder, "folder", None, run, "revised", records)


from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from tests.test_translation_files import translation_documents  # noqa: E402


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(translation_documents(), st.data())
def test_splicing_random_changes_gives_lxml_s_xml_and_keeps_the_rest(document, data):
    """Random texts, tails and attributes changed in a random file: the splice is exact (it checks
    itself against lxml's tree under C14N and would return None), in UTF-8, UTF-16 and CRLF."""
    from mtqa.corpora.writeback import serialize
    from mtqa.corpora.xmlsplice import Snapshot

    _, _, root = document
    encoding = data.draw(st.sampled_from(["UTF-8", "UTF-16"]))
    raw = serialize(etree.ElementTree(root)).decode("utf-8")
    raw = raw.replace('encoding="UTF-8"', f'encoding="{encoding}"')
    if data.draw(st.booleans()):
        raw = raw.replace("\n", "\r\n")
    raw_bytes = raw.encode(encoding.lower())
    tree = etree.ElementTree(etree.fromstring(raw_bytes, etree.XMLParser(resolve_entities=False, strip_cdata=False)))
    snapshot = Snapshot(tree, raw_bytes)
    assert snapshot.ok
    elements = list(tree.getroot().iter())
    text = st.text(alphabet=st.sampled_from(list("ab .,&<>\"'é€\u00a0\t\n")), max_size=6)
    for element in data.draw(st.lists(st.sampled_from(elements), max_size=4)):
        what = data.draw(st.sampled_from(["text", "tail", "attr"]))
        if what == "attr":
            element.set("state", data.draw(text))
        elif what == "tail" and element.getparent() is not None:
            element.tail = data.draw(text) or None
        else:
            element.text = data.draw(text) or None
    out = snapshot.splice()
    assert out is not None
    assert etree.tostring(etree.fromstring(out), method="c14n") == etree.tostring(tree.getroot(), method="c14n")
