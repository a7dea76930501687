"""Memory bounded by settings, not by input: a record too long to clean is quarantined while it is
read, never read whole (a 300 KB .gz holding one 300 MB line used to peak at 3.6 GB)."""

from __future__ import annotations

import gzip
import json
import subprocess
import sys
from pathlib import Path

from mtqa.corpora.readers import LINE_BYTES_PER_CHAR, Rejected, read_corpus

# The peak is the process's own high-water mark (VmHWM), not getrusage's ru_maxrss: Linux carries
# ru_maxrss over a fork and exec, so a child of a large pytest process would report its parent's size.
PEAK = """
import re, sys
from mtqa.corpora.readers import read_corpus
items = [(type(i).__name__, getattr(i, "reason", None)) for i in read_corpus(sys.argv[1], None, None, 1_000_000)]
with open("/proc/self/status", encoding="ascii") as status:
    peak_kb = int(re.search(r"VmHWM:\\s+(\\d+) kB", status.read()).group(1))
print(items, peak_kb // 1024)
"""


def _peak(path: Path) -> tuple[str, int]:
    """The records read and the peak memory (MB) of a process that only reads `path`."""
    done = subprocess.run([sys.executable, "-c", PEAK, str(path)], capture_output=True, text=True, timeout=600, check=True)
    items, peak = done.stdout.rsplit(" ", 1)
    return items, int(peak)


def _one_huge_line(path: Path, megabytes: int) -> Path:
    with gzip.open(path, "wb", compresslevel=1) as out:
        out.write(b'{"id": "first", "text": "Fine."}\n{"id": "huge", "text": "')
        chunk = b"a" * (1 << 20)
        for _ in range(megabytes):
            out.write(chunk)
        out.write(b'"}\n{"id": "last", "text": "Also fine."}\n')
    return path


def test_a_huge_line_in_a_gzip_is_quarantined_without_being_read_whole(tmp_path):
    corpus = _one_huge_line(tmp_path / "c.jsonl.gz", 200)
    items, peak = _peak(corpus)
    assert items == "[('RawRecord', None), ('Rejected', 'line_too_long'), ('RawRecord', None)]"
    assert peak < 150, f"peak {peak} MB reading a 200 MB line"  # a read whole would be 200 MB at least


def test_a_huge_txt_file_is_not_read(tmp_path):
    big = tmp_path / "big.txt"
    with open(big, "wb") as out:
        out.truncate(100 * 2**20)  # 100 MB (sparse): the size alone says it is too long
    (rejected,) = read_corpus(big, None, None, 1_000_000)
    assert isinstance(rejected, Rejected) and rejected.reason == "text_too_long"
    items, peak = _peak(big)
    assert peak < 150


def test_lines_within_the_limit_are_read_as_before(tmp_path):
    corpus = tmp_path / "c.jsonl"
    text = "é" * 100_000
    corpus.write_text(json.dumps({"id": 1, "text": text}) + "\n" + json.dumps({"id": 2, "text": "x"}) + "\n", encoding="utf-8")
    records = list(read_corpus(corpus, None, None, 100_000))  # the JSON line has 6 bytes a character: within 32
    assert [r.record["text"] for r in records] == [text, "x"]
    limited = list(read_corpus(corpus, None, None, 10_000))
    assert [getattr(r, "reason", None) for r in limited] == ["line_too_long", None]
    assert limited[0].line == 1 and limited[1].line == 2 and LINE_BYTES_PER_CHAR * 10_000 < len(text) * 6


# --- what a process remembers is bounded by mtqa/limits.py's settings, not by the corpus ---

WORD_MEMOS = """
import random, string
from mtqa.cleaners import hunspell, langid
from mtqa.cleaners.detectors import spelling
rnd = random.Random(0)
words = ["".join(rnd.choice(string.ascii_lowercase) for _ in range(8)) for _ in range(400)]
for word in words:
    hunspell.knows(word, "en")
    spelling._case_fix(word, "en")
    spelling._accent_fix(word, "fr")
    spelling._dropped_accents(word, "fr")
    spelling._common_as_written(word, "en")
    spelling._passed_over(word, "en")
for word in words[:120]:
    spelling._dictionary_fix(word, "en", 3.0)
langid.probabilities(" ".join(words))
memos = [hunspell.knows, spelling._case_fix, spelling._accent_fix, spelling._dropped_accents, spelling._dictionary_fix, spelling._common_as_written,
         spelling._passed_over]
print([m.cache_info().maxsize for m in memos], max(m.cache_info().currsize for m in memos), len(langid._word_rows))
"""


def _run(code: str, **env: str) -> str:
    import os

    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300, check=True,
                          env={**os.environ, **env})
    return done.stdout.strip()


def test_the_word_memos_keep_at_most_MTQA_WORD_CACHE_words():
    maxsizes, largest, word_rows = _run(WORD_MEMOS, MTQA_WORD_CACHE="50").rsplit(" ", 2)
    assert maxsizes == "[50, 50, 50, 50, 50, 50, 50]"
    assert 0 < int(largest) <= 50 and 0 < int(word_rows) <= 50  # 400 distinct words went through each


def test_the_repeat_memory_keeps_at_most_its_documents_and_characters(monkeypatch):
    from mtqa.cleaners import pipeline
    from mtqa.cleaners.config import CleanConfig
    from mtqa.records import Document

    config = CleanConfig(lang="en", detectors=False)
    docs = [Document(f"d{i}", f"Sentence number {i} of the test , with a space before the comma.", "en") for i in range(12)]
    first = [pipeline.clean_document(doc, config) for doc in docs]
    monkeypatch.setattr(pipeline, "_recent", type(pipeline._recent)())
    monkeypatch.setattr(pipeline, "_recent_chars", 0)
    monkeypatch.setattr(pipeline, "REPEATS", 5)
    for doc in docs:
        pipeline.clean_document(doc, config)
        assert len(pipeline._recent) <= 5
    monkeypatch.setattr(pipeline, "REPEAT_CHARS", 3 * len(docs[0].text))
    again = []
    for doc in docs:
        again.append(pipeline.clean_document(doc, config))
        assert len(pipeline._recent) <= 3 and pipeline._recent_chars <= 3 * len(docs[0].text)
    assert pipeline._recent_chars == sum(len(key[0]) + len(key[2] or "") for key in pipeline._recent)
    # forgetting changes nothing but the work: the same results
    assert [(c.text, c.findings, c.edits) for c in again] == [(c.text, c.findings, c.edits) for c in first]
    assert any(c.edits for c in first)


def test_the_seen_indexes_page_cache_is_MTQA_SEEN_CACHE_MIB(tmp_path):
    from mtqa.corpora.seen import FirstSeen

    seen = FirstSeen(tmp_path / "a.sqlite", cache_mib=3)
    assert seen._db.execute("PRAGMA cache_size").fetchone() == (-3 * 1024,)
    seen.close()
    code = ("import pathlib, sys; from mtqa.corpora.seen import FirstSeen; "
            "print(FirstSeen(pathlib.Path(sys.argv[1]))._db.execute('PRAGMA cache_size').fetchone()[0])")
    done = subprocess.run([sys.executable, "-c", code, str(tmp_path / "b.sqlite")], capture_output=True, text=True,
                          check=True, env={**__import__("os").environ, "MTQA_SEEN_CACHE_MIB": "5"})
    assert done.stdout.strip() == str(-5 * 1024)


def test_the_seen_indexes_filter_is_MTQA_SEEN_FILTER_MIB_and_its_pending_keys_are_bounded(tmp_path):
    from mtqa.corpora.seen import FirstSeen

    seen = FirstSeen(tmp_path / "a.sqlite", filter_mib=1, pending_keys=100)
    assert len(seen._bits) == 2**20
    for i in range(1_000):
        seen.first(f"key {i}", ("doc", i, i))
        assert len(seen._pending) < 100
    assert seen._db.execute("SELECT count(*) FROM seen").fetchone()[0] >= 901  # the rest pending
    seen.close()
    code = "import pathlib, sys; from mtqa.corpora.seen import FirstSeen; print(len(FirstSeen(pathlib.Path(sys.argv[1]))._bits))"
    done = subprocess.run([sys.executable, "-c", code, str(tmp_path / "b.sqlite")], capture_output=True, text=True,
                          check=True, env={**__import__("os").environ, "MTQA_SEEN_FILTER_MIB": "3"})
    assert done.stdout.strip() == str(3 * 2**20)


def test_a_bad_memory_setting_is_one_line(tmp_path):
    import os

    done = subprocess.run([sys.executable, "-m", "mtqa.flows.cli", "rules"], capture_output=True, text=True, timeout=120,
                          env={**os.environ, "MTQA_REPEAT_CACHE": "-3"})
    assert done.returncode == 1
    assert done.stderr.strip().splitlines() == ["mtqa: error: MTQA_REPEAT_CACHE='-3' is not a whole number of at least 1: "
                                                "set it to one, or unset it for the default (256)"]


def test_a_worker_holds_one_document_of_its_shard_not_the_shard(tmp_path):
    """What a shard costs a worker does not grow with the shard (whose size grows with the corpus,
    up to 10,000 documents): a shard of 300 long documents peaks no higher than one of 3."""
    import tracemalloc

    from mtqa.cleaners.config import CleanConfig
    from mtqa.flows.shards import ReadStats, clean_shard, read_into_shards

    config = CleanConfig(lang="en", detectors=False, langid_sentences=False, duplicate_sentence_min_chars=None)
    text = "A long document, the same in every record so that it is cleaned once. " * 300  # ~21 KB

    def peak(count: int) -> int:
        corpus = tmp_path / f"c{count}.jsonl"
        corpus.write_text("".join(json.dumps({"id": f"d{i}", "text": text}) + "\n" for i in range(count)), encoding="utf-8")
        (shard,) = read_into_shards(str(corpus), tmp_path / f"w{count}", count, None, ReadStats(), config)
        clean_shard(shard, config)  # the document's cleaning, remembered: both measures see only the shard's work
        shard.with_suffix(".done.json").unlink()
        tracemalloc.start()
        try:
            clean_shard(shard, config)
            return tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()

    few, many = peak(3), peak(300)
    assert many < few + 1_000_000, f"a shard of 300 documents of 21 KB peaked at {many:,} bytes, of 3 at {few:,}"


def test_language_id_profiles_are_held_sparse_with_langdetects_values():
    """langdetect's 87,598 n-grams x 55 languages, 96% zeros: held as their non-zero values (dense,
    37 MB of every process), each row made dense only for a text that needs it, with langdetect's
    own values (the answers are checked against langdetect in tests/test_segment_langid.py)."""
    import numpy as np
    from langdetect import detector_factory

    from mtqa.cleaners import langid

    profiles = langid._load()
    assert profiles.starts.nbytes + profiles.columns.nbytes + profiles.values.nbytes < 4 * 2**20
    factory = detector_factory.DetectorFactory()
    factory.load_profile(detector_factory.PROFILES_DIRECTORY)
    grams = ["e", "th", "the", "ß", "ción", "дл", "的"]
    known = [g for g in grams if g in profiles.rows]
    assert len(known) >= 5
    dense = profiles.dense(np.array([profiles.rows[g] for g in known], dtype=np.intp))
    for gram, row in zip(known, dense):
        expected = dict(zip(factory.langlist, factory.word_lang_prob_map[gram]))
        assert dict(zip(profiles.langlist, row.tolist())) == expected
