"""End to end: the `mtqa` command as a user runs it; the first two runs below with Prefect's temporary
server, as a user's first command starts it, the others reporting to the tests' running server."""

import json
import subprocess
from pathlib import Path

import pytest

from mtqa.cleaners.edits import apply_edits
from mtqa.records import Edit
from tests.conftest import MTQA, SAMPLES, commands_env

OUTPUTS = ("cleaned.jsonl", "findings.jsonl", "edits.jsonl", "quarantine.jsonl", "suppressed.jsonl", "summary.json")


def mtqa(*args: str, check: bool = True, temporary_server: bool = False) -> subprocess.CompletedProcess:
    env = None if temporary_server else commands_env()
    result = subprocess.run([MTQA, *args], capture_output=True, text=True, timeout=300, env=env)
    if check:
        assert result.returncode == 0, result.stderr
    return result


def load(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_help_explains_every_option():
    out = mtqa("clean", "--help").stdout
    for option in ("--out", "--lang", "--source-lang", "--format", "--rules", "--runner", "--workers", "--shard-size",
                   "--langid-min-letters", "--langid-min-prob", "--langid-confirm-prob", "--langdetect-only",
                   "--no-sentence-langid", "--progress", "--no-fix-encoding",
                   "--terms", "--enable-rule", "--disable-rule",
                   "--allow", "--drop-duplicates", "--duplicate-sentence-min-chars", "--check-only"):
        assert option in out


@pytest.mark.parametrize(
    "args, message",
    [
        (["missing.jsonl", "--out", "{tmp}/o"], "missing.jsonl: no such file or folder"),
        (["{sample}", "--out", "/proc/mtqa-out"], "cannot write to the output folder"),
        (["{tmp}/data.csv", "--out", "{tmp}/o"], "cannot tell the format"),
        (["{sample}", "--out", "{tmp}/o", "--rules", "{tmp}/bad.yaml"], "bad.yaml: line 2: invalid YAML"),
        (["{sample}", "--out", "{tmp}/o", "--rules", "{tmp}/badregex.yaml"], "bad pattern, requires, source_has or replace template"),
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
    result = mtqa("clean", str(SAMPLES / "ukraine-article.en.txt"), "--lang", "en", "--out", str(out), temporary_server=True)
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


def same_folders(*folders: Path) -> list[str]:
    """Every output file of the folders (hidden work files aside) is byte-identical; their names."""
    names = [sorted(p.name for p in f.iterdir() if p.is_file() and not p.name.startswith(".")) for f in folders]
    assert all(n == names[0] for n in names), names
    for name in names[0]:
        first = (folders[0] / name).read_bytes()
        assert all((f / name).read_bytes() == first for f in folders[1:]), name
    return names[0]


def test_outputs_are_byte_identical_across_runs_and_runners(tmp_path):
    sample = str(SAMPLES / "bio-mqm-sample.jsonl")
    mtqa("clean", sample, "--out", str(tmp_path / "a"), "--shard-size", "10", temporary_server=True)
    mtqa("clean", sample, "--out", str(tmp_path / "b"), "--shard-size", "10", "--runner", "processes", "--workers", "2",
         temporary_server=True)
    mtqa("clean", sample, "--out", str(tmp_path / "c"), "--shard-size", "10")
    assert same_folders(tmp_path / "a", tmp_path / "b", tmp_path / "c") == sorted(OUTPUTS)
    summary = json.loads((tmp_path / "a" / "summary.json").read_text(encoding="utf-8"))
    assert summary["records_read"] == 56 == summary["documents_cleaned"] + summary["records_quarantined"]
    cleaned = load(tmp_path / "a" / "cleaned.jsonl")
    assert {c["detected_lang"] for c in cleaned} >= {"en", "de", "fr", "zh", "ru"}


@pytest.mark.parametrize("options", [["--drop-duplicates"], ["--drop-duplicates", "--check-only"]], ids=["drop", "check-only"])
def test_same_signature_same_bytes_with_allow_lists_and_duplicates(tmp_path, options):
    """Two runs with the same signature on the same input: every file byte-identical, across runners
    and shard sizes, with an allow list that silences a fix, a review finding and a duplicate."""
    allow = tmp_path / "review.allow.yaml"
    allow.write_text("- {rule: space.inside_brackets}\n- {rule: spelling.unknown_word, doc: 'en-es:doc10:3:TMT_run1'}\n"
                     "- {rule: duplicate.*, doc: 'en-fr:doc70:8:LISN_run3'}\n", encoding="utf-8")
    sample = str(SAMPLES / "bio-mqm-sample.jsonl")
    common = [sample, "--allow", str(allow), *options]
    mtqa("clean", *common, "--out", str(tmp_path / "a"), "--shard-size", "10", "--runner", "threads")
    mtqa("clean", *common, "--out", str(tmp_path / "b"), "--shard-size", "7", "--runner", "processes", "--workers", "2")
    names = same_folders(tmp_path / "a", tmp_path / "b")
    summary = json.loads((tmp_path / "a" / "summary.json").read_text(encoding="utf-8"))
    assert summary["records_read"] == 56 == summary["documents_cleaned"] + summary["records_quarantined"]
    assert set(summary["suppressed"]["by_rule"]) == {"space.inside_brackets", "spelling.unknown_word", "duplicate.document"}
    assert summary["signature"]["options"]["drop_duplicates"] is True and summary["signature"]["allow_lists"]
    if "--check-only" in options:
        assert {"proposed_edits.jsonl", "rules.md"} <= set(names) and summary["records_quarantined"] == 0
    else:
        assert summary["quarantine_by_reason"] == {"duplicate_text": 1}


def test_the_flow_runs_in_process(prefect_harness, tmp_path):
    from mtqa.cleaners.config import CleanConfig
    from mtqa.flows.cleanup import cleanup_flow

    summary = cleanup_flow(str(SAMPLES / "bio-mqm-sample.jsonl"), str(tmp_path / "o"), CleanConfig(), shard_size=20)
    assert summary["documents_cleaned"] == 56
    assert not (tmp_path / "o" / ".mtqa-work").exists()
