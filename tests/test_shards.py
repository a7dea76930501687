"""The shard stages as plain functions, without Prefect: nothing is lost, outputs explain themselves."""

import json
from pathlib import Path

import pytest

from mtqa.cleaners.config import CleanConfig
from mtqa.cleaners.signature import run_signature
from mtqa.flows.shards import ReadStats, clean_shard, merge_shards, read_into_shards
from tests.conftest import SAMPLES


def run_plain(input_path: Path, out: Path, shard_size: int = 7, config: CleanConfig | None = None) -> dict:
    config = config or CleanConfig(lang="en")
    work, read = out / ".work", ReadStats()
    shards = list(read_into_shards(str(input_path), work, shard_size, None, read, config))
    counts = [clean_shard(s, config) for s in shards]
    return merge_shards(work, out, shards, counts, read, run_signature(config), str(input_path), config=config)


def load(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_every_record_is_accounted_for_and_outputs_explain_themselves(tmp_path):
    corpus = tmp_path / "mixed.jsonl"
    good = load(SAMPLES / "bio-mqm-sample.jsonl")
    lines = [json.dumps(r, ensure_ascii=False) for r in good]
    lines.insert(3, '{"id": "broken"')
    lines.insert(9, json.dumps(good[0]))  # duplicate id
    lines.append(json.dumps({"id": "debris", "text": "The Ã©cole , in Paris . .", "lang": "en"}))
    corpus.write_text("\n".join(lines) + "\n", encoding="utf-8")

    summary = run_plain(corpus, tmp_path / "out")
    out = tmp_path / "out"
    cleaned, findings, edits, quarantine = (load(out / f"{n}.jsonl") for n in ("cleaned", "findings", "edits", "quarantine"))
    assert summary["records_read"] == len(lines) == len(cleaned) + len(quarantine)
    assert summary["records_quarantined"] == 2 and summary["quarantine_by_reason"] == {"duplicate_id": 1, "invalid_json": 1}
    assert [q["line"] for q in quarantine] == [4, 10]
    assert [c["id"] for c in cleaned] == [r["id"] for r in good] + ["debris"]  # input order kept across shards

    by_id = {c["id"]: c for c in cleaned}
    assert by_id["debris"]["text"] == "The école, in Paris."
    assert by_id["debris"]["original"] == "The Ã©cole , in Paris . ."
    assert cleaned[0]["errors"] == good[0]["errors"]  # extra fields carried through untouched
    for f in findings:
        assert by_id[f["doc_id"]]["original"][f["start"] : f["end"]] == f["text"]
    from mtqa.cleaners.edits import apply_edits
    from mtqa.records import Edit

    per_doc: dict[str, list[Edit]] = {}
    for e in edits:
        per_doc.setdefault(e["doc_id"], []).append(Edit(**e))
    for doc in cleaned:
        assert apply_edits(doc["original"], per_doc.get(doc["id"], [])) == doc["text"]
    assert summary["findings"] == len(findings) and summary["edits"] == len(edits)
    assert not (out / ".work" / "shard-00000.jsonl").with_suffix(".cleaned.jsonl").read_text() == ""


def test_shard_size_does_not_change_the_output(tmp_path):
    a = run_plain(SAMPLES / "bio-mqm-sample.jsonl", tmp_path / "a", shard_size=5)
    b = run_plain(SAMPLES / "bio-mqm-sample.jsonl", tmp_path / "b", shard_size=1000)
    assert len(list((tmp_path / "a" / ".work").glob("shard-*.cleaned.jsonl"))) == 12
    assert len(list((tmp_path / "b" / ".work").glob("shard-*.cleaned.jsonl"))) == 1
    assert a == b
    for name in ("cleaned", "findings", "edits", "quarantine"):
        assert (tmp_path / "a" / f"{name}.jsonl").read_bytes() == (tmp_path / "b" / f"{name}.jsonl").read_bytes()


def test_a_document_that_breaks_a_cleaner_is_quarantined(tmp_path, monkeypatch):
    import mtqa.flows.shards

    real = mtqa.flows.shards.clean_document

    def flaky(doc, config):
        if doc.id == "boom":
            raise RuntimeError("detector exploded")
        return real(doc, config)

    monkeypatch.setattr(mtqa.flows.shards, "clean_document", flaky)
    corpus = tmp_path / "c.jsonl"
    corpus.write_text('{"id": "ok", "text": "Fine text."}\n{"id": "boom", "text": "x"}\n', encoding="utf-8")
    summary = run_plain(corpus, tmp_path / "out")
    (q,) = load(tmp_path / "out" / "quarantine.jsonl")
    assert (q["reason"], q["line"], q["record"]["id"]) == ("cleaning_error", 2, "boom")
    assert "detector exploded" in q["detail"]
    assert summary["documents_cleaned"] == 1 and summary["records_quarantined"] == 1


def test_summary_carries_the_signature(tmp_path):
    summary = run_plain(SAMPLES / "ukraine-article.en.txt", tmp_path / "out")
    sig = summary["signature"]
    assert sig["rule_packs"][0]["name"] == "normalise" and len(sig["rule_packs"][0]["sha256"]) == 16
    assert sig["langid_seed"] == 0
    assert sig["text"].startswith("mtqa:") and "lid176-lite>=0.5+langdetect-1.0.9/seed0" in sig["text"]
    assert {"punct.dot_space_dot": 1, "space.before_colon_semicolon": 1}.items() <= summary["findings_by_rule"].items()


def test_line_separators_inside_texts_survive_sharding(tmp_path):
    corpus = tmp_path / "c.jsonl"
    text = "First\u2028second\x85third\u2029end."
    corpus.write_text(json.dumps({"id": "ls", "text": text}) + "\n", encoding="utf-8")
    summary = run_plain(corpus, tmp_path / "out")
    (doc,) = load(tmp_path / "out" / "cleaned.jsonl")
    assert summary["documents_cleaned"] == 1 and doc["original"] == text


def test_shard_size_follows_the_input_size(tmp_path):
    """About SHARDS_PER_WORKER shards a worker, never below DEFAULT_SHARD_SIZE nor above MAX_SHARD_SIZE."""
    from mtqa.flows.runners import DEFAULT_SHARD_SIZE, MAX_SHARD_SIZE, SHARDS_PER_WORKER, shard_size_for

    def corpus(documents: int) -> str:
        path = tmp_path / f"c{documents}.jsonl"
        path.write_text("".join(json.dumps({"id": f"{i:06d}", "text": f"Text number {i:07d}."}) + "\n" for i in range(documents)),
                        encoding="utf-8")
        return str(path)

    assert shard_size_for(corpus(500), "jsonl", 2) == DEFAULT_SHARD_SIZE
    assert shard_size_for(corpus(48_000), "jsonl", 2) == 48_000 // (2 * SHARDS_PER_WORKER)
    assert shard_size_for(corpus(48_000), "jsonl", 1) == 48_000 // SHARDS_PER_WORKER
    assert shard_size_for(corpus(400_000), "jsonl", 2) == MAX_SHARD_SIZE
    assert shard_size_for(str(SAMPLES / "ukraine-article.en.txt"), "txt", 2) == DEFAULT_SHARD_SIZE


def test_shards_are_smaller_at_both_ends_of_a_run(tmp_path):
    """The first shards grow from DEFAULT_SHARD_SIZE (the workers start as soon as a thousand
    documents are read), the last shrink to two a worker of what remains, down to a quarter of the
    run's size (they finish together); a run of small shards, or an input past its estimate, is cut
    as before; and the cut changes no output."""
    from mtqa.flows.runners import DEFAULT_SHARD_SIZE, next_shard_size

    def cut(documents: int, largest: int, expected: int | None, workers: int = 2) -> list[int]:
        sizes: list[int] = []
        while sum(sizes) < documents:
            sizes.append(min(next_shard_size(largest, len(sizes), sum(sizes), expected, workers), documents - sum(sizes)))
        return sizes

    sizes = cut(100_000, 10_000, 100_000)
    assert sizes[:3] == [DEFAULT_SHARD_SIZE, 4 * DEFAULT_SHARD_SIZE, 10_000]
    # two a worker of what remains, down to a quarter of 10,000, then what is left
    assert sizes[8:] == [8_750, 6_562, 4_922, 3_691, 2_768, 2_500, 2_500, 2_500, 807]
    assert cut(105_000, 10_000, None)[2:] == [10_000] * 10  # no estimate: no shrinking
    late = cut(135_000, 10_000, 100_000)  # past a low estimate: shards as before, not a run of small ones
    after = [size for k, size in enumerate(late) if sum(late[:k]) >= 100_000]
    assert len(after) >= 2 and after[:-1] == [10_000] * (len(after) - 1)
    assert set(cut(50, 7, 50)) <= {7, 1}  # small shards as they were
    assert cut(10_000, 10_000, 10_000, workers=8)[:2] == [DEFAULT_SHARD_SIZE, 2_500]

    corpus = tmp_path / "c.jsonl"
    records = load(SAMPLES / "bio-mqm-sample.jsonl")
    corpus.write_text("".join(json.dumps({**records[i % len(records)], "id": f"d{i}"}, ensure_ascii=False) + "\n"
                              for i in range(2_600)), encoding="utf-8")
    read = ReadStats()
    shards = list(read_into_shards(str(corpus), tmp_path / "w", 2_000, "jsonl", read, CleanConfig(lang="en"), workers=2))
    assert [len(s.read_text(encoding="utf-8").splitlines()) for s in shards] == [1_000, 1_000, 600]
    a = run_plain(corpus, tmp_path / "a", shard_size=2_000)
    b = run_plain(corpus, tmp_path / "b", shard_size=3_000)
    for name in ("cleaned", "findings", "edits", "quarantine"):
        assert (tmp_path / "a" / f"{name}.jsonl").read_bytes() == (tmp_path / "b" / f"{name}.jsonl").read_bytes(), name
    assert a["documents_cleaned"] == b["documents_cleaned"] == 2_600


def test_a_read_stopped_midway_leaves_whole_shards_and_no_partial_file(tmp_path, monkeypatch):
    """Each shard is written a line at a time: the shards handed out are complete, and the one being
    written when reading fails (or is interrupted) is removed, not left half-written."""
    import mtqa.flows.shards as shards

    corpus = tmp_path / "corpus.jsonl"
    corpus.write_text("".join(json.dumps({"id": f"d{i}", "text": f"Sentence number {i} of the corpus.", "lang": "en"}) + "\n"
                              for i in range(25)), encoding="utf-8")
    work = tmp_path / "work"
    real_line = shards._shard_line

    def failing_line(item, found):
        if item.record["id"] == "d14":
            raise KeyboardInterrupt
        return real_line(item, found)

    monkeypatch.setattr(shards, "_shard_line", failing_line)
    stats = ReadStats()
    reading = read_into_shards(str(corpus), work, 10, None, stats, CleanConfig(lang="en"))
    first = next(reading)
    assert [json.loads(line)["record"]["id"] for line in first.read_text(encoding="utf-8").splitlines()] == [f"d{i}" for i in range(10)]
    with pytest.raises(KeyboardInterrupt):
        next(reading)  # fails with four lines of the second shard written
    assert sorted(p.name for p in work.iterdir() if "shard" in p.name) == [first.name] and stats.shards == 1
