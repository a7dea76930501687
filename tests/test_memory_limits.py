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
