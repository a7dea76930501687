"""The pofilter-style QA checks beyond their golden cases: the README's pofilter table, the
glossary file (--terms) and how it enters the run signature and the cache fingerprint."""

import re
from pathlib import Path

import pytest

from mtqa.cleaners.config import CleanConfig
from mtqa.cleaners.detectors import REGISTRY, _load_all
from mtqa.cleaners.glossary import GlossaryError, load_glossary
from mtqa.cleaners.rulepack import RULES_DIR, load_pack
from mtqa.cleaners.signature import run_signature
from mtqa.flows.fingerprint import cache_fingerprint

ROOT = Path(__file__).resolve().parents[1]
POFILTER_PROSE_CHECKS = (
    "brackets", "doublequoting", "singlequoting", "doublespacing", "doublewords", "endpunc", "startpunc",
    "puncspacing", "startcaps", "simplecaps", "acronyms", "numbers", "urls", "emails", "sentencecount", "long",
    "short", "unchanged", "untranslated", "purepunc", "xmltags", "musttranslatewords", "notranslatewords",
    "spellcheck",
)


def pofilter_table() -> dict[str, list[str]]:
    """{pofilter check: [mtqa rule ids]} from the README's table (its first two columns)."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("### pofilter checks and their mtqa rules", 1)[1].split("\n#", 1)[0]
    rows = {}
    for line in section.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) >= 2 and re.fullmatch(r"`\w+`", cells[0]):
            rows[cells[0].strip("`")] = re.findall(r"`([\w.-]+)`", cells[1])
    return rows


def test_the_readme_maps_every_pofilter_prose_check_to_existing_rules():
    _load_all()
    normalise = {rule.id for rule in load_pack(RULES_DIR / "normalise.yaml").rules}
    table = pofilter_table()
    assert sorted(table) == sorted(POFILTER_PROSE_CHECKS)
    for check, rules in table.items():
        assert rules, f"{check}: no rule id"
        assert all(rule in REGISTRY or rule in normalise for rule in rules), (check, rules)


def test_a_tsv_glossary(tmp_path):
    path = tmp_path / "terms.tsv"
    path.write_text("source_term\ttarget_term\tlang\nkidney\trein\tfr-FR\nPubMed\t\t\nREDCap\tREDCap\t\n", encoding="utf-8")
    glossary = load_glossary(path)
    assert [(t.source, t.target, t.lang) for t in glossary.must_translate] == [("kidney", "rein", "fr")]
    assert [t.source for t in glossary.do_not_translate] == ["PubMed", "REDCap"]


def test_a_yaml_glossary(tmp_path):
    path = tmp_path / "terms.yaml"
    path.write_text("must_translate:\n  - {source: kidney, target: Niere, lang: de}\n"
                    "do_not_translate: [PubMed, {term: Embase, lang: fr}]\n", encoding="utf-8")
    glossary = load_glossary(path)
    assert [(t.source, t.target, t.lang) for t in glossary.must_translate] == [("kidney", "Niere", "de")]
    assert [(t.source, t.lang) for t in glossary.do_not_translate] == [("PubMed", None), ("Embase", "fr")]


@pytest.mark.parametrize("name, content, message", [
    ("t.tsv", "source\ttarget\nkidney\trein\n", "line 1: a TSV glossary needs a header"),
    ("t.tsv", "source_term\ttarget_term\nkidney\trein\textra\n", "line 2: 3 fields, the header has 2"),
    ("t.tsv", "source_term\ttarget_term\n\trein\n", "line 2: the source term is missing"),
    ("t.yaml", "must_translate: [{source: kidney}]\n", "must_translate entry 1: needs source and target"),
    ("t.yaml", "terms: []\n", "a YAML glossary is a mapping"),
])
def test_a_broken_glossary_names_the_file_and_place(tmp_path, name, content, message):
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    with pytest.raises(GlossaryError, match=re.escape(message)) as info:
        load_glossary(path)
    assert str(path) in str(info.value)


def test_the_glossary_enters_the_signature_and_the_cache_fingerprint(tmp_path):
    path = tmp_path / "terms.tsv"
    path.write_text("source_term\ttarget_term\nkidney\trein\n", encoding="utf-8")
    config = CleanConfig(terms=str(path))
    signature = run_signature(config)
    assert signature["terms"]["file"] == "terms.tsv" and "terms:terms.tsv@" in signature["text"]
    assert signature["options"]["terms"] == "terms.tsv"
    before = cache_fingerprint(signature, config)
    path.write_text("source_term\ttarget_term\nkidney\tNiere\n", encoding="utf-8")
    after = run_signature(config)
    assert after["terms"]["sha256"] != signature["terms"]["sha256"]
    assert cache_fingerprint(after, config) != before != cache_fingerprint(run_signature(CleanConfig()), CleanConfig())


def test_enabled_and_disabled_rules_enter_the_signature():
    text = run_signature(CleanConfig(enable_rules=("qa.sentence_count",), disable_rules=("space.repeated",)))["text"]
    assert text.endswith("|rules:+qa.sentence_count,-space.repeated")
    assert "rules:" not in run_signature(CleanConfig())["text"]
