"""The dry run: everything found, nothing applied, and a table of what each rule would do."""

import json
import subprocess

from mtqa.cleaners.config import CleanConfig
from mtqa.cleaners.edits import apply_edits
from mtqa.records import Edit
from tests.conftest import MTQA, SAMPLES, commands_env
from tests.test_shards import load, run_plain

SAMPLE = SAMPLES / "bio-mqm-sample.jsonl"


def test_a_dry_run_changes_nothing_and_proposes_what_a_run_would_do(tmp_path):
    real = run_plain(SAMPLE, tmp_path / "real")
    dry = run_plain(SAMPLE, tmp_path / "dry", config=CleanConfig(lang="en", check_only=True))
    out = tmp_path / "dry"
    cleaned = load(out / "cleaned.jsonl")
    assert all(c["text"] == c["original"] for c in cleaned)
    assert (out / "edits.jsonl").read_bytes() == b""
    assert dry["edits"] == dry["documents_changed"] == 0 and real["edits"] > 0
    # the same findings as the real run, and the real run's edits as proposals
    assert (out / "findings.jsonl").read_bytes() == (tmp_path / "real" / "findings.jsonl").read_bytes()
    assert (out / "proposed_edits.jsonl").read_bytes() == (tmp_path / "real" / "edits.jsonl").read_bytes()
    real_text = {c["id"]: c["text"] for c in load(tmp_path / "real" / "cleaned.jsonl")}
    proposed = load(out / "proposed_edits.jsonl")
    for doc in cleaned:  # applying the proposals gives what the real run wrote
        assert apply_edits(doc["original"], [Edit(**e) for e in proposed if e["doc_id"] == doc["id"]]) == real_text[doc["id"]]
    assert [f["fix"] for f in load(out / "findings.jsonl") if f["rule"].startswith(("space.", "punct."))] == ["auto"] * len(proposed)
    assert dry["rules"] == real["rules"] and dry["findings_by_rule"] == real["findings_by_rule"]
    assert "check-only" in dry["signature"]["text"] and "check-only" not in real["signature"]["text"]


def test_the_rule_table_counts_shares_and_examples(tmp_path):
    summary = run_plain(SAMPLE, tmp_path / "dry", config=CleanConfig(lang="en", check_only=True))
    rows = {r["rule"]: r for r in summary["rules"]}
    findings = load(tmp_path / "dry" / "findings.jsonl")
    assert list(rows) == list(summary["findings_by_rule"])  # the most frequent first
    for rule, row in rows.items():
        mine = [f for f in findings if f["rule"] == rule]
        assert row["findings"] == len(mine)
        assert row["documents"] == len({f["doc_id"] for f in mine})
        assert row["share_of_documents"] == round(row["documents"] / summary["documents_cleaned"], 4)
        assert row["examples"] == [{"doc_id": f["doc_id"], "text": f["text"][:120] + ("…" if len(f["text"]) > 120 else ""),
                                    "suggestion": f["suggestion"], "fix": f["fix"]} for f in mine[:3]]
    table = (tmp_path / "dry" / "rules.md").read_text(encoding="utf-8")
    assert "| spelling.unknown_word | review | 65 | 14 | 25.0% | de-en:doc3:1:Huawei_AGI_run1: `germany` → `Germany`<br>" in table

    run_plain(SAMPLE, tmp_path / "dry")  # a real run into the same folder leaves no stale proposals
    assert not (tmp_path / "dry" / "proposed_edits.jsonl").exists() and not (tmp_path / "dry" / "rules.md").exists()


def test_check_only_on_the_command_line_prints_the_table(tmp_path):
    out = tmp_path / "o"
    result = subprocess.run([MTQA, "clean", str(SAMPLES / "ukraine-article.en.txt"), "--lang", "en", "--out", str(out),
                             "--check-only", "--runner", "threads"], capture_output=True, text=True, timeout=300,
                            env=commands_env())
    assert result.returncode == 0, result.stderr
    assert "Dry run (--check-only): no text changed, nothing dropped" in result.stdout
    assert "  punct.dot_space_dot" in result.stdout and " auto " in result.stdout
    (doc,) = load(out / "cleaned.jsonl")
    assert doc["text"] == doc["original"]
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert summary["signature"]["options"]["check_only"] is True
    assert {"proposed_edits.jsonl", "rules.md", "suppressed.jsonl"} <= {p.name for p in out.iterdir()}


def test_the_report_states_the_signature_and_the_rule_table(tmp_path):
    from mtqa.reports.checks import shown_precision
    from mtqa.reports.html import render_report

    allow = tmp_path / "house.allow.yaml"
    allow.write_text("- {rule: spelling.unknown_word, doc: 'en-es:doc10:3:TMT_run1', reason: checked}\n", encoding="utf-8")
    config = CleanConfig(check_only=True, allow_lists=(str(allow),))
    summary = run_plain(SAMPLE, tmp_path / "o", config=config)
    html = render_report(tmp_path / "o", summary, None, [])
    sha = summary["signature"]["allow_lists"][0]["sha256"]
    assert "How this output was made (run signature)" in html
    assert f"house.allow.yaml, 1 entries <span class=\"sig\">sha256 {sha}</span>" in html
    assert all(f"sha256 {p['sha256']}" in html for p in summary["signature"]["rule_packs"])
    assert "<th>langid_min_prob</th><td class=\"sig\">0.99</td>" in html and "<th>check_only</th><td class=\"sig\">True</td>" in html
    assert "Dry run (--check-only):" in html and "What each rule found" in html
    # the rule's measured precision (cleaners/data/measured.yaml) beside its count
    precision = shown_precision("qa.punctuation_spacing")
    assert precision.endswith("%")
    assert f"<code class=\"rule\">qa.punctuation_spacing</code></td><td>review</td><td class=\"num\">{precision}</td><td class=\"num\">34</td>" in html
    assert f"{summary['suppressed']['findings']} findings, each listed in suppressed.jsonl" in html
