"""One registry for every check (cleaners/checks.py): listed by `mtqa rules`, enabled and disabled
the same way whatever their kind, and documented in tables generated from it.

When a check is added or changed, or the benchmark rewrites cleaners/data/measured.yaml, the
table tests fail: `.venv/bin/python tests/test_rule_table.py` rewrites README.md's table and
docs/RULES.md from the registry.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # when run as a script

from mtqa.cleaners import checks  # noqa: E402
from mtqa.cleaners.config import CleanConfig  # noqa: E402
from mtqa.cleaners.pipeline import clean_document  # noqa: E402
from mtqa.records import CATEGORIES, FIX_MODES, SEVERITIES, Document  # noqa: E402
from mtqa.reports.checks import full_markdown, readme_markdown, readme_table_of, replace_readme_table  # noqa: E402

README, RULES_MD = ROOT / "README.md", ROOT / "docs" / "RULES.md"
FIX = "run `.venv/bin/python tests/test_rule_table.py` to regenerate it from the registry"


def test_the_registry_holds_every_kind_of_check_with_a_valid_contract():
    found = checks.registry()
    kinds = {c.kind for c in found.values()}
    assert kinds == set(checks.KINDS)
    for rule in ("encoding.mojibake", "language.wrong_document", "space.repeated", "fr-en.head_of_diplomacy",
                 "structure.broken_sentence", "qa.acronyms", "consistency.name_variant", "duplicate.document",
                 "duplicate.near_sentence", "source.untranslated_acronym"):
        assert rule in found, rule
    for check in found.values():
        assert check.category in CATEGORIES and check.severity in SEVERITIES and check.fix in FIX_MODES, check
        assert check.summary and check.origin
    assert set(checks.default_off()) <= set(found)  # a default-off id that names nothing is a typo


def test_the_readme_table_is_the_registrys():
    assert readme_table_of(README) == readme_markdown(checks.registry().values()), f"README.md's rules table drifted: {FIX}"


def test_docs_rules_is_the_registrys():
    assert RULES_MD.read_text(encoding="utf-8") == full_markdown(checks.registry().values()), f"docs/RULES.md drifted: {FIX}"


def test_measured_precision_is_read_when_the_benchmark_wrote_it(tmp_path, monkeypatch):
    from importlib import resources

    data = tmp_path / "data"
    data.mkdir()
    (data / "detectors.yaml").write_text((resources.files("mtqa.cleaners") / "data" / "detectors.yaml").read_text(encoding="utf-8"),
                                         encoding="utf-8")
    (data / "measured.yaml").write_text("measured_on: bio-MQM test\nrules:\n  structure.fragment: {precision: 0.625, "
                                        "segment_precision: 0.7, findings: 8, refs_per_1000_words: 0.01}\n", encoding="utf-8")
    monkeypatch.setattr(checks, "_data_file", lambda name: (data / name).read_text(encoding="utf-8") if (data / name).is_file() else None)
    checks.measured.cache_clear()
    try:
        assert checks.precision("structure.fragment") == 0.625 and checks.precision("structure.repeated_word") is None
        from mtqa.reports.checks import terminal_table

        line = next(l for l in terminal_table(checks.registry().values()).splitlines() if l.startswith("structure.fragment "))
        assert "62%" in line  # 0.625, shown to the percent
        assert "bio-MQM test" in full_markdown(checks.registry().values())
    finally:
        checks.measured.cache_clear()


ZELENSKY = [f"President Zelensky spoke again on day {i} of the talks in the capital." for i in range(4)]


def _run(tmp_path: Path, texts: list[str], config: CleanConfig) -> list[dict]:
    from tests.test_shards import run_plain

    tmp_path.mkdir()
    corpus = tmp_path / "in.jsonl"
    corpus.write_text("".join(json.dumps({"id": f"d{i}", "text": t, "lang": "en"}) + "\n" for i, t in enumerate(texts)),
                      encoding="utf-8")
    run_plain(corpus, tmp_path / "out", config=config)
    return [json.loads(line) for line in (tmp_path / "out" / "findings.jsonl").read_text(encoding="utf-8").splitlines()]


@pytest.mark.parametrize("rule, texts", [
    ("consistency.name_variant", ZELENSKY + ["President Zelenskyy spoke on the last day of the talks in the capital."]),
    ("duplicate.document", ["The same text, twice over in this little corpus.", "The same text, twice over in this little corpus."]),
    ("duplicate.sentence", ["A sentence that this corpus repeats. And one more.", "Something else first. A sentence that this corpus repeats."]),
])
def test_a_corpus_check_is_disabled_like_any_other(tmp_path, rule, texts):
    on = _run(tmp_path / "on", texts, CleanConfig(lang="en", enable_rules=(rule,)))  # name_variant is off by default
    assert rule in {f["rule"] for f in on}
    off = _run(tmp_path / "off", texts, CleanConfig(lang="en", enable_rules=(rule,), disable_rules=(rule,)))
    assert rule not in {f["rule"] for f in off}
    assert [f for f in on if f["rule"] != rule] == off  # nothing else changes


@pytest.mark.parametrize("rule, text", [
    ("encoding.mojibake", "The Ã©cole is in Paris."),
    ("space.repeated", "Two  spaces between words."),
    ("structure.repeated_word", "It was the the best of times."),
])
def test_a_document_check_of_any_kind_is_disabled_and_its_fix_not_made(rule, text):
    doc = Document("d", text, "en")
    on = clean_document(doc, CleanConfig(lang="en"))
    off = clean_document(doc, CleanConfig(lang="en", disable_rules=(rule,)))
    assert rule in {f.rule for f in on.findings} and rule not in {f.rule for f in off.findings}
    if any(e.rule == rule for e in on.edits):
        assert off.text == text or all(e.rule != rule for e in off.edits)


def test_mtqa_rules_lists_every_check_and_the_options_take_any_of_them(tmp_path):
    from tests.test_cli import mtqa

    listed = mtqa("rules").stdout.splitlines()
    assert [line.split()[0] for line in listed[1:]] == list(checks.registry())
    assert listed[0].split() == ["rule", "kind", "category", "severity", "fix", "default", "precision", "summary"]
    sample = str(ROOT / "corpora" / "samples" / "ukraine-article.en.txt")
    done = mtqa("clean", sample, "--out", str(tmp_path / "o"), "--lang", "en", "--disable-rule", "consistency.name_variant",
                "--disable-rule", "duplicate.*", "--enable-rule", "qa.*", "--disable-rule", "encoding.unicode_nfc")
    assert "mtqa: error" not in done.stderr
    wrong = mtqa("clean", sample, "--out", str(tmp_path / "p"), "--disable-rule", "duplicate.nothing", check=False)
    assert wrong.returncode == 1 and "duplicate.nothing: no such rule" in wrong.stderr


def update() -> None:
    """Rewrite the generated tables from the registry."""
    RULES_MD.parent.mkdir(exist_ok=True)
    RULES_MD.write_text(full_markdown(checks.registry().values()), encoding="utf-8")
    README.write_text(replace_readme_table(README.read_text(encoding="utf-8"), readme_markdown(checks.registry().values())),
                      encoding="utf-8")
    print(f"rewrote {RULES_MD.relative_to(ROOT)} and the table of {README.relative_to(ROOT)}")


if __name__ == "__main__":
    update()
