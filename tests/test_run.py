"""`mtqa run` and `mtqa score`: clean, score and report in one flow; artifacts; trends over runs."""

import json

from tests.conftest import SAMPLES
from tests.test_cli import load, mtqa


def debris_corpus(path):
    """Real English references from the sample with MT debris added: the cleanup should undo it."""
    records = [json.loads(line) for line in (SAMPLES / "bio-mqm-sample.jsonl").read_text(encoding="utf-8").splitlines()]
    with open(path, "w", encoding="utf-8") as out:
        for r in records:
            if r["lang"] == "en":
                text = r["references"][0].replace(", ", " , ", 2).replace(" ", "  ", 2).rstrip(".") + ". ."
                out.write(json.dumps({"id": r["id"], "text": text, "lang": "en", "references": r["references"]}) + "\n")
    out_of_scope = {"id": "no-ref", "text": "A record without references is counted and skipped.", "lang": "en"}
    with open(path, "a", encoding="utf-8") as out:
        out.write(json.dumps(out_of_scope) + "\n")


def test_run_cleans_scores_reports_and_keeps_a_history(tmp_path):
    corpus = tmp_path / "debris.jsonl"
    debris_corpus(corpus)
    history = tmp_path / "history.sqlite"
    first = mtqa("run", str(corpus), "--out", str(tmp_path / "a"), "--history", str(history))
    assert "28 of 29 records scored (1 without references skipped)." in first.stdout
    assert f"Report: {tmp_path / 'a' / 'report.html'}" in first.stdout
    summary = json.loads((tmp_path / "a" / "summary.json").read_text(encoding="utf-8"))
    en = summary["scores"]["by_language"]["en"]
    assert {m["verdict"] for m in en["metrics"].values()} == {"better"}
    assert en["metrics"]["chrf"]["revised"] > en["metrics"]["chrf"]["original"]
    assert "tok:13a" in en["metrics"]["bleu"]["signature"]

    # `mtqa score` on the run folder gives the same numbers as the run did
    scored = mtqa("score", str(tmp_path / "a"))
    assert json.loads((tmp_path / "a" / "scores.json").read_text(encoding="utf-8")) == summary["scores"]
    assert "en    chrf" in scored.stdout and "better" in scored.stdout

    mtqa("run", str(corpus), "--out", str(tmp_path / "b"), "--history", str(history))
    html = (tmp_path / "b" / "report.html").read_text(encoding="utf-8")
    assert html.count('<td class="sig" title=') == 2  # two runs of this corpus in the trend table
    assert "Trends over the runs of this corpus" in html


def test_run_without_history_is_byte_identical(tmp_path):
    sample = str(SAMPLES / "bio-mqm-sample.jsonl")
    mtqa("run", sample, "--out", str(tmp_path / "a"), "--no-history")
    mtqa("run", sample, "--out", str(tmp_path / "b"), "--no-history", "--runner", "processes")
    for name in ("cleaned.jsonl", "findings.jsonl", "edits.jsonl", "quarantine.jsonl", "summary.json", "report.html"):
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes(), name
    assert len(load(tmp_path / "a" / "cleaned.jsonl")) == 56


def test_run_flow_publishes_artifacts(prefect_harness, tmp_path):
    from prefect.artifacts import Artifact

    from mtqa.cleaners.config import CleanConfig
    from mtqa.flows.run import run_flow

    corpus = tmp_path / "debris.jsonl"
    debris_corpus(corpus)
    summary = run_flow(str(corpus), str(tmp_path / "o"), CleanConfig(lang="en"), history_path=str(tmp_path / "h.sqlite"))
    assert summary["scores"]["scored"] == 28
    scores = Artifact.get("mtqa-scores")
    assert scores is not None and scores.type == "table"
    rows = json.loads(scores.data) if isinstance(scores.data, str) else scores.data
    assert {r["metric"] for r in rows} == {"bleu", "chrf", "chrf++", "ter"}
    markdown = Artifact.get("mtqa-run-summary")
    assert markdown is not None and "| en | chrf |" in markdown.data
    assert Artifact.get("mtqa-report") is not None
