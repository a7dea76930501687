"""Where shards run: retries of transient failures, Dask, and scheduled runs on a real Prefect server."""

import json
import os
import subprocess
import time
import urllib.request

import pytest

import mtqa.flows.shards
from tests.conftest import MTQA, SAMPLES
from tests.prefect_server import prefect_server, stop_group
from tests.test_incremental import corpus_of, same_outputs


def test_a_transient_io_failure_is_retried_and_loses_nothing(prefect_harness, tmp_path, monkeypatch):
    from mtqa.cleaners.config import CleanConfig
    from mtqa.flows.cleanup import cleanup_flow

    calls = {"n": 0}
    real = mtqa.flows.shards.clean_document

    def flaky(doc, config):
        calls["n"] += 1
        if calls["n"] == 1:
            raise OSError(5, "Input/output error (a flaky mount)")
        return real(doc, config)

    monkeypatch.setattr(mtqa.flows.shards, "clean_document", flaky)
    summary = cleanup_flow(str(SAMPLES / "bio-mqm-sample.jsonl"), str(tmp_path / "o"), CleanConfig(), shard_size=100)
    assert summary["documents_cleaned"] == 56 and summary["records_quarantined"] == 0
    assert calls["n"] == 57  # the first document twice: once failing, once on the retry


def test_the_read_stage_cuts_its_shards_for_the_workers_the_run_has(prefect_harness, tmp_path, monkeypatch):
    """`--workers` reaches the read stage, whose last shards are shares of what remains per worker."""
    import mtqa.flows.cleanup as cleanup
    from mtqa.cleaners.config import CleanConfig

    told = []
    real = cleanup.read_into_shards

    def read(*args):
        told.append(args[-1])
        return real(*args)

    monkeypatch.setattr(cleanup, "read_into_shards", read)
    cleanup.cleanup_flow(str(SAMPLES / "bio-mqm-sample.jsonl"), str(tmp_path / "a"), CleanConfig(), shard_size=100, workers=3)
    cleanup.cleanup_flow(str(SAMPLES / "bio-mqm-sample.jsonl"), str(tmp_path / "b"), CleanConfig(), shard_size=100)
    assert told == [3, None]  # None: a worker per core


def test_a_record_that_always_fails_is_quarantined_not_retried(prefect_harness, tmp_path, monkeypatch):
    from mtqa.cleaners.config import CleanConfig
    from mtqa.flows.cleanup import cleanup_flow

    calls = {"n": 0}
    real = mtqa.flows.shards.clean_document

    def broken(doc, config):
        calls["n"] += 1
        if doc.id.startswith("de-en"):
            raise ValueError("this record breaks a detector")
        return real(doc, config)

    monkeypatch.setattr(mtqa.flows.shards, "clean_document", broken)
    summary = cleanup_flow(str(SAMPLES / "bio-mqm-sample.jsonl"), str(tmp_path / "o"), CleanConfig(), shard_size=100)
    assert summary["quarantine_by_reason"] == {"cleaning_error": 4}
    assert summary["documents_cleaned"] + summary["records_quarantined"] == 56 == calls["n"]


def test_the_process_pool_ends_before_the_merge(prefect_harness, tmp_path, monkeypatch):
    """The merge runs in the main process once every shard is cleaned; the pool's workers, idle by
    then, are gone before it starts instead of holding their memory beside it to the flow's end."""
    import psutil
    from prefect import task

    from mtqa.cleaners.config import CleanConfig
    from mtqa.flows import cleanup
    from mtqa.flows.pool import PreforkedTaskRunner

    workers_at_merge = []

    def command_line(process: psutil.Process) -> str:
        try:
            return " ".join(process.cmdline())
        except psutil.Error:  # gone meanwhile
            return ""

    def merge_and_look(*args, **kwargs):
        workers_at_merge.extend(child.pid for child in psutil.Process().children(recursive=True)
                                if "spawn_main" in command_line(child))  # the pool's (no prefork here: spawned)
        return mtqa.flows.shards.merge_shards(*args, **kwargs)

    monkeypatch.setattr(cleanup, "merge_shards_task", task(merge_and_look, name="merge-outputs"))
    flow = cleanup.cleanup_flow.with_options(task_runner=PreforkedTaskRunner(max_workers=2))
    summary = flow(str(SAMPLES / "bio-mqm-sample.jsonl"), str(tmp_path / "o"), CleanConfig(), shard_size=20)
    assert summary["documents_cleaned"] == 56
    assert workers_at_merge == []


def test_dask_runner_gives_byte_identical_outputs(tmp_path):
    pytest.importorskip("prefect_dask")
    corpus = corpus_of(tmp_path / "c.jsonl", 3)
    common = ["clean", str(corpus), "--shard-size", "25", "--no-progress"]
    subprocess.run([MTQA, *common, "--out", str(tmp_path / "threads"), "--runner", "threads"], check=True, capture_output=True, timeout=300)
    result = subprocess.run([MTQA, *common, "--out", str(tmp_path / "dask"), "--runner", "dask", "--workers", "2"],
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    same_outputs(tmp_path / "dask", tmp_path / "threads")


def _completed_runs(api: str) -> list[dict]:
    """Completed flow runs that a deployment (the served schedule) created."""
    body = json.dumps({"flow_runs": {"state": {"type": {"any_": ["COMPLETED"]}}}}).encode()
    request = urllib.request.Request(f"{api}/flow_runs/filter", data=body, headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=10) as response:
        runs = json.load(response)
    return [r for r in runs if r.get("deployment_id")]


def test_a_served_schedule_runs_on_a_real_prefect_server(tmp_path):
    home = tmp_path / "prefect-home"
    with prefect_server(home) as (api, _):
        env = {**os.environ, "PREFECT_HOME": str(home), "PREFECT_API_URL": api, "PREFECT_RUNNER_POLL_FREQUENCY": "2"}
        out = tmp_path / "scheduled"
        served = subprocess.Popen([MTQA, "serve", str(SAMPLES / "ukraine-article.en.txt"), "--lang", "en", "--out", str(out),
                                   "--interval", "5", "--no-history", "--runner", "threads"],
                                  env=env, start_new_session=True, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        try:
            deadline = time.monotonic() + 120
            while not _completed_runs(api):
                assert served.poll() is None, served.stdout.read()
                assert time.monotonic() < deadline, "no scheduled run completed in 120 s"
                time.sleep(1)
        finally:
            stop_group(served)
        summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
        assert summary["documents_cleaned"] == 1 and summary["findings_by_rule"]["punct.dot_space_dot"] == 1
        assert (out / "report.html").exists()
