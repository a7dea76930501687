"""End to end: the `mtqa` command as a user runs it, with Prefect's temporary server."""

import json
import subprocess
from pathlib import Path

import pytest

from cleaners.edits import apply_edits
from mtqa.records import Edit
from tests.conftest import MTQA, SAMPLES

OUTPUTS = ("cleaned.jsonl", "findings.jsonl", "edits.jsonl", "quarantine.jsonl", "summary.json")


def mtqa(*args: str, check: bool = True) -> subprocess.CompletedProcess:
    result = subprocess.run([MTQA, *args], capture_output=True, text=True, timeout=300)
    if check:
        assert result.returncode == 0, result.stderr
    return result


def load(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_help_explains_every_option():
    out = mtqa("clean", "--help").stdout
    for option in ("--out", "--lang", "--source-lang", "--format", "--rules", "--runner", "--workers", "--shard-size",
                   "--langid-min-letters", "--langid-min-prob", "--no-sentence-langid", "--progress", "--no-fix-encoding",
                   "--terms", "--enable-rule", "--disable-rule"):
        assert option in out


@pytest.mark.parametrize(
    "args, message",
    [
        (["missing.jsonl", "--out", "{tmp}/o"], "missing.jsonl: no such file or folder"),
        (["{sample}", "--out", "/proc/mtqa-out"], "cannot write to the output folder"),
        (["{tmp}/data.csv", "--out", "{tmp}/o"], "cannot tell the format"),
        (["{sample}", "--out", "{tmp}/o", "--rules", "{tmp}/bad.yaml"], "bad.yaml: line 2: invalid YAML"),
        (["{sample}", "--out", "{tmp}/o", "--rules", "{tmp}/badregex.yaml"], "bad pattern or replace template"),
        (["{sample}", "--out", "{tmp}/o", "--terms", "{tmp}/terms.tsv"], "terms.tsv: line 1: a TSV glossary needs a header"),
        (["{sample}", "--out", "{tmp}/o", "--enable-rule", "qa.nope*"], "--enable-rule qa.nope*: no such rule"),
        (["{sample}", "--out", "{tmp}/o", "--disable-rule", "space.nope"], "--disable-rule space.nope: no such rule"),
    ],
    ids=["missing-input", "unwritable-output", "unknown-format", "invalid-yaml", "invalid-regex", "bad-glossary",
         "unknown-enabled-rule", "unknown-disabled-rule"],
)
def test_fatal_errors_are_one_clear_line(tmp_path, args, message):
    (tmp_path / "data.csv").write_text("x", encoding="utf-8")
    (tmp_path / "bad.yaml").write_text("rules:\n\t- id: tab\n", encoding="utf-8")
    (tmp_path / "terms.tsv").write_text("source\ttarget\nkidney\trein\n", encoding="utf-8")
    (tmp_path / "badregex.yaml").write_text(
        "rules:\n  - {id: r, pattern: '(unclosed', category: style, severity: minor, message: m}\n", encoding="utf-8")
    args = [a.format(tmp=tmp_path, sample=SAMPLES / "ukraine-article.en.txt") for a in args]
    result = mtqa("clean", *args, check=False)
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("mtqa: error: ") and message in lines[0]


def test_clean_the_seed_article(tmp_path):
    out = tmp_path / "seed"
    result = mtqa("clean", str(SAMPLES / "ukraine-article.en.txt"), "--lang", "en", "--out", str(out))
    assert "Read 1 records: 1 cleaned, 0 quarantined." in result.stdout
    assert str(out / "summary.json") in result.stdout
    assert result.stderr == ""  # Prefect stays quiet
    assert sorted(p.name for p in out.iterdir() if not p.name.startswith(".")) == sorted(OUTPUTS)
    assert sorted(p.name for p in out.iterdir() if p.name.startswith(".")) == [".mtqa-cache", ".mtqa.lock"]
    (doc,) = load(out / "cleaned.jsonl")
    assert doc["original"] == (SAMPLES / "ukraine-article.en.txt").read_text(encoding="utf-8")
    assert "ally, China. ." not in doc["text"] and "ally, China." in doc["text"]
    assert "to Ukraine ;" not in doc["text"] and doc["detected_lang"] == "en"
    findings = load(out / "findings.jsonl")
    assert {"punct.dot_space_dot", "space.before_colon_semicolon", "structure.broken_sentence", "structure.fragment",
            "en.dombas_donbas", "en.kiev_kyiv"} <= {f["rule"] for f in findings}
    for f in findings:
        assert doc["original"][f["start"] : f["end"]] == f["text"]
    assert apply_edits(doc["original"], [Edit(**e) for e in load(out / "edits.jsonl")]) == doc["text"]


def test_outputs_are_byte_identical_across_runs_and_runners(tmp_path):
    sample = str(SAMPLES / "bio-mqm-sample.jsonl")
    mtqa("clean", sample, "--out", str(tmp_path / "a"), "--shard-size", "10")
    mtqa("clean", sample, "--out", str(tmp_path / "b"), "--shard-size", "10", "--runner", "processes", "--workers", "2")
    mtqa("clean", sample, "--out", str(tmp_path / "c"), "--shard-size", "10")
    for name in OUTPUTS:
        a = (tmp_path / "a" / name).read_bytes()
        assert a == (tmp_path / "b" / name).read_bytes() == (tmp_path / "c" / name).read_bytes(), name
    summary = json.loads((tmp_path / "a" / "summary.json").read_text(encoding="utf-8"))
    assert summary["records_read"] == 56 == summary["documents_cleaned"] + summary["records_quarantined"]
    cleaned = load(tmp_path / "a" / "cleaned.jsonl")
    assert {c["detected_lang"] for c in cleaned} >= {"en", "de", "fr", "zh", "ru"}


def test_the_flow_runs_in_process(prefect_harness, tmp_path):
    from cleaners.config import CleanConfig
    from flows.cleanup import cleanup_flow

    summary = cleanup_flow(str(SAMPLES / "bio-mqm-sample.jsonl"), str(tmp_path / "o"), CleanConfig(), shard_size=20)
    assert summary["documents_cleaned"] == 56
    assert not (tmp_path / "o" / ".mtqa-work").exists()
