"""TMX and XLIFF test files: made with translate-toolkit (the public tool translators' pipelines use),
and written in the shape Okapi's extraction gives (inline codes, segmented targets, extensions).

Nothing here is copied from another project's test suite: the files are generated, so every test
states what its input holds.
"""

from __future__ import annotations

import json
from pathlib import Path

from mtqa.corpora.bilingual import read_translation_file
from mtqa.corpora.readers import RawRecord
from mtqa.corpora.writers import dumps

# An XLIFF 1.2 file as Okapi Rainbow extracts an HTML page: codes as <g>/<x/>/<bpt>/<ept>, a
# segmented target with <mrk mtype="seg">, Okapi's own attributes, a group, alt-trans, a unit
# not to translate and one without a translation.
OKAPI_XLIFF12 = """<?xml version="1.0" encoding="UTF-8"?>
<xliff version="1.2" xmlns="urn:oasis:names:tc:xliff:document:1.2" xmlns:okp="okapi-framework:xliff-extensions" xmlns:its="http://www.w3.org/2005/11/its" its:version="2.0">
<file original="article.html" source-language="fr-FR" target-language="en-US" datatype="x-text/html" okp:inputEncoding="UTF-8">
<header><tool tool-id="okf_html" tool-name="Okapi HTML filter"/></header>
<body>
<group id="g1" resname="body">
<trans-unit id="tu1" resname="p1" approved="yes" okp:engine="MT">
<source xml:lang="fr-FR">Le chef de la <g id="1" ctype="bold">diplomatie</g> américaine<x id="2" ctype="x-br"/> est arrivé à Kiev.</source>
<seg-source><mrk mid="0" mtype="seg">Le chef de la <g id="1" ctype="bold">diplomatie</g> américaine<x id="2" ctype="x-br"/> est arrivé à Kiev.</mrk></seg-source>
<target xml:lang="en-US" state="translated"><mrk mid="0" mtype="seg">The head of <g id="1" ctype="bold">US diplomacy</g>  arrived<x id="2" ctype="x-br"/> in Kiev .</mrk></target>
<note from="translator">Headline of the lead article.</note>
<alt-trans match-quality="80" origin="tm"><target xml:lang="en-US">The US Secretary of State arrived.</target></alt-trans>
</trans-unit>
<trans-unit id="tu2" resname="p2">
<source xml:lang="fr-FR">Voir <bpt id="1">&lt;a href="https://example.org"&gt;</bpt>le rapport<ept id="1">&lt;/a&gt;</ept> .</source>
<target xml:lang="en-US" state="needs-translation">See <bpt id="1">&lt;a href="https://example.org"&gt;</bpt>the report<ept id="1">&lt;/a&gt;</ept>.</target>
</trans-unit>
</group>
<trans-unit id="tu3" translate="no"><source>Le Monde</source><target>Le Monde</target></trans-unit>
<trans-unit id="tu4"><source>Une phrase sans traduction.</source></trans-unit>
<trans-unit id="tu5"><source>Les troupes sont dans le Donbass.</source><target>The troops are in the Dombas.</target></trans-unit>
</body>
</file>
</xliff>
"""

# XLIFF 2.0 as Okapi and the OASIS examples write it: <pc>, <ph/>, <sc/>/<ec/>, a two-segment
# unit with an <ignorable>, unit notes, originalData and a metadata module extension.
XLIFF2 = """<?xml version="1.0" encoding="UTF-8"?>
<xliff xmlns="urn:oasis:names:tc:xliff:document:2.0" xmlns:mda="urn:oasis:names:tc:xliff:metadata:2.0" version="2.0" srcLang="fr" trgLang="en">
  <file id="f1" original="news.html">
    <unit id="u1">
      <mda:metadata><mda:metaGroup category="origin"><mda:meta type="engine">MT</mda:meta></mda:metaGroup></mda:metadata>
      <notes>
        <note category="editor">Check the title.</note>
      </notes>
      <originalData>
        <data id="d1">&lt;br/&gt;</data>
      </originalData>
      <segment id="s1" state="final">
        <source>Le chef de la <pc id="1">diplomatie</pc> russe est venu.</source>
        <target>The head of <pc id="1">Russian diplomacy</pc> came.</target>
      </segment>
      <ignorable>
        <source> </source>
      </ignorable>
      <segment id="s2" state="reviewed">
        <source>Il est reparti<ph id="2" dataRef="d1"/> hier.</source>
        <target>He left<ph id="2" dataRef="d1"/>  yesterday.</target>
      </segment>
    </unit>
    <unit id="u2">
      <segment>
        <source>Texte <sc id="3"/>en gras<ec startRef="3"/>.</source>
        <target>Text <sc id="3"/>in bold<ec startRef="3"/>.</target>
      </segment>
    </unit>
  </file>
</xliff>
"""

# A multilingual TMX 1.4 as a CAT tool exports a memory: header properties, tu notes and
# properties, English, French and German variants, codes as <bpt>/<ept>/<ph>, highlighting <hi>.
TMX = """<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE tmx SYSTEM "tmx14.dtd">
<tmx version="1.4">
  <header creationtool="Okapi" creationtoolversion="1" segtype="sentence" o-tmf="okp" adminlang="en" srclang="fr" datatype="xml">
    <prop type="x-project">News</prop>
  </header>
  <body>
    <tu tuid="1" creationdate="20220210T120000Z">
      <prop type="x-domain">politics</prop>
      <note>From the wire story.</note>
      <tuv xml:lang="fr">
        <seg>Les troupes sont entrées dans le <bpt i="1" x="1">&lt;b&gt;</bpt>Donbass<ept i="1">&lt;/b&gt;</ept>.</seg>
      </tuv>
      <tuv xml:lang="en-GB" changeid="mt">
        <prop type="x-origin">MT</prop>
        <seg>The troops entered the <bpt i="1" x="1">&lt;b&gt;</bpt>Dombas<ept i="1">&lt;/b&gt;</ept> .</seg>
      </tuv>
      <tuv xml:lang="de">
        <seg>Die Truppen sind in den <bpt i="1" x="1">&lt;b&gt;</bpt>Donbass<ept i="1">&lt;/b&gt;</ept> eingedrungen.</seg>
      </tuv>
    </tu>
    <tu>
      <tuv xml:lang="fr"><seg>Le <hi type="italic">dernier</hi> bilan de l'ONU.</seg></tuv>
      <tuv xml:lang="en-GB"><seg>The <hi type="italic">latest</hi> UN balance sheet.</seg></tuv>
    </tu>
    <tu tuid="3">
      <tuv xml:lang="fr"><seg>Seulement la source.</seg></tuv>
    </tu>
  </body>
</tmx>
"""


def made_with_translate_toolkit(kind: str, units: list[tuple[str, str, str]], source_lang: str = "fr",
                                target_lang: str = "en") -> bytes:
    """A TMX, XLIFF 1.x or XLIFF 2 file written by translate-toolkit: (id, source, target) units,
    each with a translator's note."""
    from translate.storage import tmx, xliff, xliff2

    store_class = {"tmx": tmx.tmxfile, "xliff1": xliff.xlifffile, "xliff2": xliff2.Xliff2File}[kind]
    store = store_class(sourcelanguage=source_lang, targetlanguage=target_lang)
    for unit_id, source, target in units:
        unit = store.addsourceunit(source)
        unit.settarget(target, lang=target_lang) if kind == "tmx" else unit.settarget(target)
        if kind != "tmx":
            unit.setid(unit_id)
        unit.addnote(f"note for {unit_id}", origin="translator")
    return bytes(store)


def write_unchanged_outputs(path: Path, fmt: str, out: Path, lang: str | None = None) -> list[dict]:
    """The output files of a run that changed and found nothing: what `write_back` reads."""
    out.mkdir(parents=True, exist_ok=True)
    records = [dict(item.record, original=item.record["text"]) for item in read_translation_file(path, fmt, lang)
               if isinstance(item, RawRecord)]
    (out / "cleaned.jsonl").write_text("".join(dumps(r) + "\n" for r in records), encoding="utf-8")
    (out / "edits.jsonl").write_text("", encoding="utf-8")
    (out / "findings.jsonl").write_text("", encoding="utf-8")
    return records


def load_jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
