"""Write-back on real CAT files: one test per quirk, each file copied byte for byte from a public
test suite (tests/data/real/NOTICE.md names each file's repository, path, commit and licence).

Each test runs the commands a reviser runs: `mtqa clean`, `mtqa review --export` (the decisions
CSV), `mtqa apply` with the CSV filled in, and `mtqa revert`; then it checks the revised file
byte for byte against the input: outside the text a person changed, only mtqa's own notes and
the states it sets may differ (whitespace and indentation, entities and character references,
CDATA, comments, encoding, byte-order mark, line endings and attribute order stay as written),
every inline tag is in place with its attributes, the states are the ones CAT tools expect, and
translate-toolkit reads the revised file. `mtqa revert` must give the input back exactly.

Where a real file has nothing mtqa suggests a fix for, the test adds a one-rule pack (`--rules`),
as a reviser adds a house rule: the real file's quirks, not the rule, are what is tested.
"""

from __future__ import annotations

import csv
import re
import subprocess
from pathlib import Path

from lxml import etree

from tests.conftest import MTQA, commands_env

REAL = Path(__file__).parent / "data" / "real"
XLIFF1 = "{urn:oasis:names:tc:xliff:document:1.2}"
XLIFF2 = "{urn:oasis:names:tc:xliff:document:2.0}"
# What mtqa adds to a unit: one note (XLIFF) or its properties (TMX), each on lines of its own.
MTQA_ADDITION = re.compile(r'[ \t]*<((?:[\w.-]+:)?(?:note|prop))\b[^>]*\b(?:from|category|type)="(?:mtqa|x-mtqa-[a-z]+)"[^>]*>.*?</\1>\r?\n', re.S)
# The attributes mtqa sets on a target (XLIFF 1.2), a segment (XLIFF 2) or a target variant (TMX).
STATE_ATTRIBUTES = re.compile(r' (?:state|subState|changedate)="[^"]*"')


def mtqa(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    run = subprocess.run([MTQA, *args], capture_output=True, text=True, env=commands_env(), cwd=cwd)
    assert run.returncode == 0, f"mtqa {' '.join(args)}:\n{run.stdout}\n{run.stderr}"
    return run


def house_rule(tmp_path: Path, pattern: str, replace: str, message: str) -> Path:
    """A reviser's one-rule pack, suggesting a change for review."""
    pack = tmp_path / "house.yaml"
    pack.write_text(f"""pack: house
rules:
  - id: house.rule
    pattern: '{pattern}'
    replace: '{replace}'
    category: style
    severity: minor
    fix: review
    message: '{message}'
""", encoding="utf-8")
    return pack


def review(tmp_path: Path, path: Path, *options: str, accept: str | None = None) -> Path:
    """`mtqa clean`, then `mtqa review --export` and `mtqa apply` with every suggestion of rule
    `accept` accepted (every suggestion if None); the run folder."""
    out = tmp_path / "run"
    mtqa("clean", str(path), "--out", str(out), "--no-progress", *options)
    decisions = tmp_path / "decisions.csv"
    mtqa("review", str(out), "--export", str(decisions))
    with open(decisions, encoding="utf-8", newline="") as stream:
        rows = list(csv.DictReader(stream))
    assert rows, "nothing to decide: the test would check nothing"
    for row in rows:
        row["decision"] = "accept" if accept is None or row["rule"] == accept else "reject"
    with open(decisions, "w", encoding="utf-8", newline="") as stream:
        writer = csv.DictWriter(stream, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    applied = mtqa("apply", str(out), str(decisions), "--remember-to", str(tmp_path / "mine.yaml"))
    assert f"Wrote {out / ('revised' + path.suffix.lower())}" in applied.stdout, applied.stdout
    return out


def reverted_exactly(out: Path, path: Path) -> None:
    """`mtqa revert` writes the input file back, byte for byte."""
    mtqa("revert", str(out))
    assert (out / f"reverted{path.suffix.lower()}").read_bytes() == path.read_bytes()


def only_text_and_states_changed(before: str, after: str, changes: list[tuple[str, str]]) -> None:
    """`after` is `before` with each (old, new) text change made (as written in the file, entities
    and all), mtqa's note or properties added on lines of their own and state attributes set on
    the lines that hold them: every other character is as it was."""
    expected = before
    for old, new in changes:
        assert expected.count(old) == 1, (old, expected.count(old))
        expected = expected.replace(old, new)
    stripped = MTQA_ADDITION.sub("", after)
    lines, wanted = stripped.splitlines(keepends=True), expected.splitlines(keepends=True)
    assert len(lines) == len(wanted), "".join(l for l in lines if l not in wanted)
    for got, want in zip(lines, wanted):
        if got != want:  # only a state attribute set or changed on this line
            assert STATE_ATTRIBUTES.sub("", got) == STATE_ATTRIBUTES.sub("", want), (want, got)


def inline_tags(path: Path, tag: str) -> list[list[tuple[str, dict]]]:
    """Every inline element of every `tag` (target, seg) in document order, with its attributes."""
    tree = etree.parse(str(path), etree.XMLParser(resolve_entities=False))
    return [[(e.tag, dict(e.attrib)) for e in t.iter() if e is not t] for t in tree.iter(tag)]


def test_pretty_printed_xliff2_keeps_its_indentation_inside_target_and_its_codes(tmp_path):
    """matecat's XLIFF 2.0 sample: each <target> indented on lines of its own around a <pc> with a
    <mrk> term inside, and a relative namespace URI (which made the splice's check fail the run)."""
    path = REAL / "matecat" / "sample-20.xlf"
    pack = house_rule(tmp_path, "Monde", "monde", "A common noun: lower case in French.")
    out = review(tmp_path, path, "--lang", "fr", "--source-lang", "en", "--rules", str(pack))
    assert not [line for line in (out / "findings.jsonl").read_text().splitlines() if '"space.' in line]
    revised = out / "revised.xlf"
    before, after = path.read_text(encoding="utf-8"), revised.read_text(encoding="utf-8")
    only_text_and_states_changed(before, after, [
        ('<mrk id="m1" type="term">Monde</mrk> !</pc>\n                </target>',
         '<mrk id="m1" type="term">monde</mrk> !</pc>\n                </target>'),
        ('<mrk id="m2" type="term">Monde2</mrk> !</pc>\n                </target>',
         '<mrk id="m2" type="term">monde2</mrk> !</pc>\n                </target>')])
    assert "                <target>\n                    <pc id=\"1\">Bonjour le" in after  # the layout, as written
    assert inline_tags(revised, f"{XLIFF2}target") == inline_tags(path, f"{XLIFF2}target")
    tree = etree.parse(str(revised))
    assert [(s.get("state"), s.get("subState")) for s in tree.iter(f"{XLIFF2}segment")] == [("translated", None)] * 2
    from translate.storage import xliff2

    units = xliff2.Xliff2File.parsefile(str(revised)).units
    assert [u.target.strip() for u in units] == ["Bonjour le monde !", "Bonjour le monde2 !"]
    reverted_exactly(out, path)


def test_a_segmented_sdlxliff_target_keeps_its_layout_entities_and_the_space_its_source_has(tmp_path):
    """matecat's SDLXLIFF under xml:space="preserve": the target's text is inside <mrk mtype="seg">,
    indented on a line of its own; it ends with a space, as its source does. Neither the layout
    outside the segment nor that space is "trailing space" to remove."""
    path = REAL / "matecat" / "with-entities.xliff"
    cleaned = tmp_path / "cleaned-run"
    mtqa("clean", str(path), "--source-lang", "en", "--out", str(cleaned), "--no-progress")
    assert (cleaned / "findings.jsonl").read_text() == ""
    assert (cleaned / "cleaned.xliff").read_bytes() == path.read_bytes()

    pack = house_rule(tmp_path, "Ciao", "Salve", "Formal greeting.")
    out = review(tmp_path, path, "--source-lang", "en", "--rules", str(pack))
    before, after = path.read_text(encoding="utf-8"), (out / "revised.xliff").read_text(encoding="utf-8")
    only_text_and_states_changed(before, after, [('mtype="seg">Ciao&apos;&apos; </mrk>', 'mtype="seg">Salve&apos;&apos; </mrk>')])
    target = etree.parse(str(out / "revised.xliff")).find(f".//{XLIFF1}target")
    assert target.get("state") == "translated"  # was "new": a person revised it
    from translate.storage import xliff

    unit = xliff.xlifffile.parsefile(str(out / "revised.xliff")).units[0]
    assert unit.target == "\n          Salve'' \n        "  # translate-toolkit reads the layout as it was
    reverted_exactly(out, path)


def test_tmx_entities_on_both_sides_stay_as_written(tmp_path):
    """Okapi's Olifant TMX: `&amp; &lt; &apos; &quot;` in source and target, `&lt;b>` in <bpt>,
    single- and double-quoted attributes. mtqa's own suggestion (a no-break space before the
    colon) is accepted; every entity of the segment stays written as it was."""
    path = REAL / "okapi" / "tmxtest-attributes.tmx"
    out = review(tmp_path, path, "--lang", "fr", "--source-lang", "en", accept="qa.punctuation_spacing")
    before, after = path.read_text(encoding="utf-8"), (out / "revised.tmx").read_text(encoding="utf-8")
    only_text_and_states_changed(before, after, [("<seg>Test charactères: &amp;=amp", "<seg>Test charactères\u00a0: &amp;=amp")])
    assert after.count('<prop type="x-mtqa-finding">') == 1  # three near-duplicate units: hygiene, no note
    for entity in ("&amp;", "&lt;", "&apos;", "&quot;"):
        assert after.count(entity) == before.count(entity), entity
    assert "<seg>Fermer <bpt i='0' x=\"0\">&lt;b></bpt>l'application<ept i=\"0\">&lt;/b></ept>.</seg>" in after
    assert inline_tags(out / "revised.tmx", "seg") == inline_tags(path, "seg")
    # the variant a person revised is dated, as TMX has it; its quotation marks still wait for a person
    assert re.search(r'<tuv xml:lang="FR-FR" changedate="\d{8}T\d{6}Z">\n<prop type="x-mtqa-finding">mtqa: 1 finding '
                     r'\(1 minor\)\nminor locale-convention \[locale.quote_style\][^<]*</prop>\n'
                     r'<prop type="x-mtqa-state">needs-review</prop>\n<seg>Test', after)
    from translate.storage import tmx

    units = tmx.tmxfile.parsefile(str(out / "revised.tmx")).units
    assert units[0].target == "Test charactères\u00a0: &=amp, <=lt, '=apos, \"=quot"
    assert [u.target for u in units[1:]] == [u.target for u in tmx.tmxfile.parsefile(str(path)).units[1:]]
    reverted_exactly(out, path)


def test_a_utf16_crlf_memory_comes_back_utf16_crlf_with_its_layout_and_character_references(tmp_path):
    """The TMX specification's sample (Okapi's copy), saved as Trados saves a memory: UTF-16 LE
    with a byte-order mark and CRLF line ends (made here from the real file: the stored one is
    UTF-8/LF). Attributes one per line, `&#xE9;`-style references, a comment, a <ude> map."""
    real = (REAL / "okapi" / "sampleTMX2.tmx").read_text(encoding="utf-8")
    path = tmp_path / "sampleTMX2.tmx"
    path.write_bytes(b"\xff\xfe" + real.replace("\n", "\r\n").encode("utf-16-le"))
    out = review(tmp_path, path, "--lang", "fr", "--source-lang", "en", accept="qa.punctuation_spacing")
    data = (out / "revised.tmx").read_bytes()
    assert data.startswith(b"\xff\xfe")
    after = data[2:].decode("utf-16-le")
    assert "\n" not in after.replace("\r\n", "")  # every line still ends in CRLF
    before = path.read_bytes()[2:].decode("utf-16-le")
    only_text_and_states_changed(before, after, [("standard: &#xF8FF;).</seg>", "standard\u00a0: &#xF8FF;).</seg>")])
    assert "<seg>donn&#xE9;es (avec un caract&#xE8;re non standard\u00a0: &#xF8FF;).</seg>" in after
    assert '   <tuv\r\n    xml:lang="FR-CA"\r\n    creationdate="19970309T021145Z"\r\n' in after  # one attribute a line
    from translate.storage import tmx

    units = tmx.tmxfile.parsefile(str(out / "revised.tmx")).units
    assert units[0].target == "données (avec un caractère non standard\u00a0: \uf8ff)."
    reverted_exactly(out, path)


def test_xliff12_with_a_prefix_tabs_comments_and_a_cdata_target(tmp_path):
    """Okapi's TYPO3 XLIFF: every element prefixed `xlf:`, indented with tabs, comments between
    units, a <g> in a target, a target written as one CDATA section, units without a target."""
    path = REAL / "okapi" / "Typo3Draft.xlf"
    pack = house_rule(tmp_path, "fettgedruckten", "fett gedruckten", "Spelled apart in this style guide.")
    out = review(tmp_path, path, "--lang", "de", "--source-lang", "en", "--rules", str(pack), accept="house.rule")
    before, after = path.read_text(encoding="utf-8"), (out / "revised.xlf").read_text(encoding="utf-8")
    only_text_and_states_changed(before, after, [
        ('ctype="bold">fettgedruckten Wort</xlf:g>', 'ctype="bold">fett gedruckten Wort</xlf:g>'),
        ("<![CDATA[Dies ist ein Satz mit einem <bold>fettgedruckten</bold> Wort.]]>",
         "<![CDATA[Dies ist ein Satz mit einem <bold>fett gedruckten</bold> Wort.]]>")])  # still CDATA
    tree = etree.parse(str(out / "revised.xlf"), etree.XMLParser(strip_cdata=False))
    states = [t.get("state") for t in tree.iter(f"{XLIFF1}target")]
    # unit 3 revised; unit 4 revised but its tags <bold>/<b> still wait for a person (qa.xml_tags)
    assert states == [None, None, "translated", "needs-review-translation"]
    assert after.count('<xlf:note from="mtqa"') == 1 and "[qa.xml_tags]" in after
    assert inline_tags(out / "revised.xlf", f"{XLIFF1}target") == inline_tags(path, f"{XLIFF1}target")
    from translate.storage import xliff

    targets = [u.target for u in xliff.xlifffile.parsefile(str(out / "revised.xlf")).units]
    assert targets[2:4] == ["Dies ist ein Satz mit einem fett gedruckten Wort",
                            "Dies ist ein Satz mit einem <bold>fett gedruckten</bold> Wort."]
    reverted_exactly(out, path)


def test_a_windows_1252_xliff_with_g_and_x_codes_stays_windows_1252(tmp_path):
    """Okapi's XLIFF declared `windows-1252`: <g> and <x/> codes, a comment and a processing
    instruction between elements, single-quoted attributes. Its English "translations" are found
    untranslated (no suggestion: they keep their note and wait); a house rule's fix is accepted."""
    path = REAL / "okapi" / "RB-12-Test02.xlf"
    pack = house_rule(tmp_path, "\\bText with\\b", "Texte avec", "French.")
    out = review(tmp_path, path, "--lang", "fr", "--source-lang", "en", "--rules", str(pack))
    raw = (out / "revised.xlf").read_bytes()
    after, before = raw.decode("cp1252"), path.read_bytes().decode("cp1252")
    assert after.startswith('<?xml version="1.0" encoding="windows-1252"?>\n')
    assert "\u201c".encode("cp1252") in raw  # the notes' quotation marks, in the file's encoding
    # one note for each unit found untranslated: three sentences, and "Text attribute" by its word
    assert after.count('<note from="mtqa"') == 4
    assert "\u201cText with a footnote&#11034; and more text\u201d" in after  # the <x/> shown as the report shows it
    only_text_and_states_changed(before, after, [
        ('<target xml:lang="fr">Text with <g id="1">', '<target xml:lang="fr">Texte avec <g id="1">'),
        ('<target xml:lang="fr">Text with a footnote<x', '<target xml:lang="fr">Texte avec a footnote<x'),
        ('<target xml:lang="fr">Text with <g id="2">', '<target xml:lang="fr">Texte avec <g id="2">')])
    assert "<!-- Segmented data --> <?abc def ?>\n<seg-source><mrk mid='0' mtype='seg'>" in after
    assert inline_tags(out / "revised.xlf", f"{XLIFF1}target") == inline_tags(path, f"{XLIFF1}target")
    tree = etree.parse(str(out / "revised.xlf"))
    states = {u.get("id"): u.find(f"{XLIFF1}target").get("state") for u in tree.iter(f"{XLIFF1}trans-unit")
              if u.find(f"{XLIFF1}target") is not None}
    # revised, but still untranslated English for the rest: a person must look again
    assert states == {"1": "needs-review-translation", "2": None, "3": None, "4": "needs-review-translation", "5": None,
                      "6": "needs-review-translation", "7": "needs-review-translation"}
    from translate.storage import xliff

    units = {u.getid().split("\x04")[-1]: u.target for u in xliff.xlifffile.parsefile(str(out / "revised.xlf")).units}
    assert units["6"] == "Texte avec a footnote and more text"
    reverted_exactly(out, path)


def test_xliff2_placeholders_with_escaped_attributes_and_ignorables(tmp_path):
    """Okapi's XLIFF 2.0 round-trip output: <ph>/<pc> whose disp attributes hold `&lt;` and `&quot;`,
    originalData, xml:space="preserve", <ignorable> parts, some lines not indented at all."""
    path = REAL / "okapi" / "update_target_output.xlf"
    pack = house_rule(tmp_path, "Heute", "heute", "An adverb: lower case.")
    out = review(tmp_path, path, "--lang", "de", "--source-lang", "en", "--rules", str(pack))
    before, after = path.read_text(encoding="utf-8"), (out / "revised.xlf").read_text(encoding="utf-8")
    only_text_and_states_changed(before, after, [('dataRef="d2"/> Heute?</target>', 'dataRef="d2"/> heute?</target>')])
    assert after.count('disp="&lt;img src=&quot;icon.svg&quot;/>"') == 2
    assert inline_tags(out / "revised.xlf", f"{XLIFF2}target") == inline_tags(path, f"{XLIFF2}target")
    tree = etree.parse(str(out / "revised.xlf"))
    assert [s.get("state") for s in tree.iter(f"{XLIFF2}segment")] == ["translated"] + [None] * 6
    from translate.storage import xliff2

    units = xliff2.Xliff2File.parsefile(str(out / "revised.xlf")).units
    before_units = xliff2.Xliff2File.parsefile(str(path)).units
    assert units[0].target == "Wie geht es heute?"
    assert [u.target for u in units[1:]] == [u.target for u in before_units[1:]]
    reverted_exactly(out, path)


def test_translate_toolkit_states_stay_where_nobody_changed_the_text(tmp_path):
    """translate-toolkit's XLIFF 1.1 with one target in each state (needs-work, rejected,
    needs-review, unreviewed, final, translated, an unknown one, none): the unit a person revised
    becomes translated, every other state stays as the file had it."""
    path = REAL / "translate-toolkit" / "states.xlf"
    pack = house_rule(tmp_path, "^Quatre$", "4", "Digits in labels.")
    out = review(tmp_path, path, "--lang", "fr", "--source-lang", "en", "--rules", str(pack))
    before, after = path.read_text(encoding="utf-8"), (out / "revised.xlf").read_text(encoding="utf-8")
    only_text_and_states_changed(before, after, [('<target state="needs-review">Quatre</target>',
                                                  '<target state="translated">4</target>')])
    ns = "{urn:oasis:names:tc:xliff:document:1.1}"
    states = [t.get("state") for t in etree.parse(str(out / "revised.xlf")).iter(f"{ns}target")]
    assert states == [None, "needs-work", "rejected", "translated", "unreviewed", "final", "translated", "fake"]
    from translate.storage import xliff

    units, before_units = (xliff.xlifffile.parsefile(str(p)).units for p in (out / "revised.xlf", path))
    assert [u.target for u in units] == ["Un", "Deux", "Trois", "4", "Cinq", "Six", "Sept", "Huit"]
    assert [u.isfuzzy() for u in units] == [u.isfuzzy() for u in before_units][:3] + [False] + [u.isfuzzy() for u in before_units][4:]
    reverted_exactly(out, path)
