"""Incremental and resumable runs: unchanged documents come from the cache, finished shards are
not redone, and the outputs are byte-identical to a full run either way."""

import json
import os
import signal
import subprocess
import time
from pathlib import Path

import pytest

import mtqa.flows.shards
from mtqa.cleaners.config import CleanConfig
from mtqa.cleaners.signature import run_signature
from mtqa.flows.fingerprint import cache_fingerprint
from mtqa.corpora.cache import CacheBuilder, DocCache, build_cache
from mtqa.flows.shards import ReadStats, clean_shard, merge_shards, read_into_shards
from tests.conftest import MTQA, SAMPLES, commands_env

OUTPUTS = ("cleaned.jsonl", "findings.jsonl", "edits.jsonl", "quarantine.jsonl", "suppressed.jsonl", "summary.json")


def corpus_of(path: Path, copies: int, change: set[int] = frozenset()) -> Path:
    """The sample, `copies` times (unique ids); documents whose index is in `change` get new text."""
    records = [json.loads(line) for line in (SAMPLES / "bio-mqm-sample.jsonl").read_text(encoding="utf-8").splitlines()]
    with open(path, "w", encoding="utf-8") as out:
        for i in range(copies * len(records)):
            rec = dict(records[i % len(records)], id=f"{records[i % len(records)]['id']}@{i}")
            if i in change:
                rec["text"] = rec["text"] + " Edited , again . ."
            out.write(json.dumps(rec, ensure_ascii=False) + "\n")
    return path


def run_cached(corpus: Path, out: Path, calls: list, config=CleanConfig(), full=False) -> dict:
    """The cleanup flow's stages without Prefect, counting the documents actually cleaned."""
    work, cache = out / ".mtqa-work", out / ".mtqa-cache" / "documents.sqlite"
    fingerprint, read = cache_fingerprint(run_signature(config), config), ReadStats()
    shards = list(read_into_shards(str(corpus), work, 20, None, read, config))
    counts = [clean_shard(s, config, fingerprint, None if full else cache, not full) for s in shards]
    summary = merge_shards(work, out, shards, counts, read, run_signature(config), str(corpus), config=config)
    build_cache(cache, [s.with_suffix(".cache.jsonl") for s in shards])
    for s in work.iterdir():
        s.unlink()
    calls.append(summary)
    return summary


@pytest.fixture
def counted(monkeypatch):
    cleaned: list[str] = []
    real = mtqa.flows.shards.clean_document

    def counting(doc, config):
        cleaned.append(doc.id)
        return real(doc, config)

    monkeypatch.setattr(mtqa.flows.shards, "clean_document", counting)
    return cleaned


def same_outputs(a: Path, b: Path) -> None:
    for name in OUTPUTS:
        assert (a / name).read_bytes() == (b / name).read_bytes(), name


def test_unchanged_corpus_is_served_from_the_cache(tmp_path, counted):
    corpus = corpus_of(tmp_path / "c.jsonl", 2)
    run_cached(corpus, tmp_path / "out", [])
    assert len(counted) == 112
    first = {n: (tmp_path / "out" / n).read_bytes() for n in OUTPUTS}
    counted.clear()
    run_cached(corpus, tmp_path / "out", [])
    assert counted == []  # nothing recleaned
    assert {n: (tmp_path / "out" / n).read_bytes() for n in OUTPUTS} == first


def test_only_changed_documents_are_recleaned_and_outputs_equal_a_full_run(tmp_path, counted):
    run_cached(corpus_of(tmp_path / "c.jsonl", 2), tmp_path / "inc", [])
    changed = corpus_of(tmp_path / "c.jsonl", 2, change={3, 70})
    counted.clear()
    run_cached(changed, tmp_path / "inc", [])
    assert sorted(counted) == sorted([f"{json.loads(line)['id']}" for i, line in
                                      enumerate(changed.read_text(encoding="utf-8").splitlines()) if i in (3, 70)])
    run_cached(changed, tmp_path / "full", [], full=True)
    same_outputs(tmp_path / "inc", tmp_path / "full")
    assert "Edited, again." in (tmp_path / "inc" / "cleaned.jsonl").read_text(encoding="utf-8")


def test_a_moved_input_with_inserted_records_still_hits_the_cache(tmp_path, counted):
    corpus = corpus_of(tmp_path / "c.jsonl", 1)
    run_cached(corpus, tmp_path / "out", [])
    moved = tmp_path / "elsewhere.jsonl"
    lines = corpus.read_text(encoding="utf-8").splitlines()
    new = json.dumps({"id": "inserted", "text": "A new document at the top , of the corpus.", "lang": "en"})
    moved.write_text("\n".join([new] + lines) + "\n", encoding="utf-8")
    counted.clear()
    run_cached(moved, tmp_path / "out", [])
    assert counted == ["inserted"]


def test_full_recleans_everything(tmp_path, counted):
    corpus = corpus_of(tmp_path / "c.jsonl", 1)
    run_cached(corpus, tmp_path / "out", [])
    counted.clear()
    run_cached(corpus, tmp_path / "out", [], full=True)
    assert len(counted) == 56


def test_a_configuration_change_invalidates_the_cache(tmp_path, counted):
    corpus = corpus_of(tmp_path / "c.jsonl", 1)
    run_cached(corpus, tmp_path / "out", [])
    counted.clear()
    run_cached(corpus, tmp_path / "out", [], config=CleanConfig(lang="en"))
    assert len(counted) == 56


def test_a_finished_shard_is_not_redone(tmp_path, monkeypatch):
    corpus = corpus_of(tmp_path / "c.jsonl", 1)
    work, read, config = tmp_path / "work", ReadStats(), CleanConfig()
    (shard,) = list(read_into_shards(str(corpus), work, 100, None, read))
    first = clean_shard(shard, config, "fp")
    monkeypatch.setattr(mtqa.flows.shards, "clean_document", lambda doc, config: pytest.fail("recleaned a finished shard"))
    assert clean_shard(shard, config, "fp") == first


def test_a_killed_run_resumes_to_identical_outputs(tmp_path):
    corpus = corpus_of(tmp_path / "c.jsonl", 20)  # 1,120 documents, 56 shards of 20
    args = ["clean", str(corpus), "--shard-size", "20", "--runner", "threads", "--workers", "1", "--no-progress"]
    subprocess.run([MTQA, *args, "--out", str(tmp_path / "whole")], check=True, capture_output=True, timeout=600, env=commands_env())

    out = tmp_path / "killed"
    # killed and resumed with no server configured, as a user's run is: Prefect's temporary server dies with it
    proc = subprocess.Popen([MTQA, *args, "--out", str(out)], start_new_session=True,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 300
    while len(list((out / ".mtqa-work").glob("*.done.json"))) < 5:
        assert proc.poll() is None and time.monotonic() < deadline, "the run ended before it could be killed"
        time.sleep(0.05)
    os.killpg(proc.pid, signal.SIGKILL)  # the whole group: mtqa and Prefect's temporary server
    proc.wait()
    finished = len(list((out / ".mtqa-work").glob("*.done.json")))
    assert 5 <= finished < 56 and not (out / "summary.json").exists()

    subprocess.run([MTQA, *args, "--out", str(out)], check=True, capture_output=True, timeout=600)
    same_outputs(out, tmp_path / "whole")
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert summary["records_read"] == summary["documents_cleaned"] == 1120
    assert not (out / ".mtqa-work").exists()


def test_full_flag_from_the_command_line(tmp_path):
    corpus = corpus_of(tmp_path / "c.jsonl", 1)
    base = ["clean", str(corpus), "--out", str(tmp_path / "o"), "--runner", "threads"]
    subprocess.run([MTQA, *base], check=True, capture_output=True, timeout=300, env=commands_env())
    first = (tmp_path / "o" / "cleaned.jsonl").read_bytes()
    assert (tmp_path / "o" / ".mtqa-cache" / "documents.sqlite").exists()
    subprocess.run([MTQA, *base, "--full"], check=True, capture_output=True, timeout=300, env=commands_env())
    assert (tmp_path / "o" / "cleaned.jsonl").read_bytes() == first


def test_a_cache_built_while_the_run_goes_on_replaces_the_old_one_only_when_committed(tmp_path):
    path = tmp_path / "cache" / "documents.sqlite"
    deltas = []
    for i, rows in enumerate((["a\t{\"n\": 1}", "b\t{\"n\": 2}"], ["c\t{\"n\": 3}"])):
        deltas.append(tmp_path / f"shard-{i}.cache.jsonl")
        deltas[-1].write_text("".join(row + "\n" for row in rows), encoding="utf-8")
    assert build_cache(path, deltas[:1]) == 2
    old = path.read_bytes()
    with CacheBuilder(path) as builder:  # an interrupted run: the deltas added so far are not kept
        builder.add(deltas[0])
        builder.add(deltas[1])
    assert path.read_bytes() == old and not list(path.parent.glob(".*.tmp"))
    with CacheBuilder(path) as builder:
        builder.add(deltas[0])
        builder.add(deltas[1])
        assert builder.commit() == 3
    assert DocCache(path).get("c") == {"n": 3} and not list(path.parent.glob(".*.tmp"))
    assert build_cache(tmp_path / "again.sqlite", deltas) == 3
    assert (tmp_path / "again.sqlite").read_bytes() == path.read_bytes()  # filled as it goes or at once: the same file
