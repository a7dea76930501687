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
    for name in ("cleaned.jsonl", "findings.jsonl", "edits.jsonl", "quarantine.jsonl", "summary.json", "report.html", "review.html"):
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes(), name
    assert len(load(tmp_path / "a" / "cleaned.jsonl")) == 56


def test_run_flow_publishes_artifacts(prefect_harness, tmp_path, monkeypatch, capsys):
    from prefect.artifacts import Artifact

    from mtqa.cleaners.config import CleanConfig
    from mtqa.flows.run import run_flow

    corpus = tmp_path / "debris.jsonl"
    debris_corpus(corpus)
    from mtqa.flows.runinfo import ANNOUNCE

    monkeypatch.setenv(ANNOUNCE, "1")  # as `mtqa serve` sets it: one line per finished run
    summary = run_flow(str(corpus), str(tmp_path / "o"), CleanConfig(lang="en"), history_path=str(tmp_path / "h.sqlite"))
    (line,) = [x for x in capsys.readouterr().out.splitlines() if " run debris.jsonl " in x]
    assert f"run debris.jsonl completed: {summary['documents_cleaned']} documents, {summary['findings']} findings" in line
    assert summary["scores"]["scored"] == 28
    from mtqa.flows.runinfo import corpus_key

    key = corpus_key(str(corpus))
    assert key.startswith("mtqa-debris-jsonl-")  # per corpus, named after it
    scores = Artifact.get(f"{key}-scores")
    assert scores is not None and scores.type == "table"
    rows = json.loads(scores.data) if isinstance(scores.data, str) else scores.data
    assert {r["metric"] for r in rows} == {"bleu", "chrf", "chrf++", "ter"}
    markdown = Artifact.get(f"{key}-report")
    assert markdown is not None and "| en | chrf |" in markdown.data
    assert f"**Report:** `{(tmp_path / 'o' / 'report.html').resolve()}`" in markdown.data
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import FlowRunFilter, FlowRunFilterName, LogFilter, LogFilterFlowRunId
    from prefect.logging.handlers import APILogHandler

    APILogHandler().flush()
    with get_client(sync_client=True) as client:  # the run is named after its command and input, and logs to itself
        (named,) = client.read_flow_runs(flow_run_filter=FlowRunFilter(name=FlowRunFilterName(any_=["run debris.jsonl"])))
        logs = [log.message for log in client.read_logs(LogFilter(flow_run_id=LogFilterFlowRunId(any_=[named.id])))]
        cleaned = client.read_flow_runs(flow_run_filter=FlowRunFilter(name=FlowRunFilterName(any_=["clean debris.jsonl"])))
        assert cleaned, "the cleanup subflow is named too"
        logs += [log.message for log in client.read_logs(LogFilter(flow_run_id=LogFilterFlowRunId(any_=[cleaned[0].id])))]
    assert any(m.startswith("Read 28 records") or m.startswith("Read 29 records") for m in logs), logs
    assert any(m.startswith("Report: ") for m in logs), logs
