"""Broken and hostile input (issue 8): each kind goes through the real stages (read -> clean shards
-> merge, without Prefect), and must finish within a time bound, end with a clear message, and
leave every record either in cleaned.jsonl or, with file, line, reason and detail, in
quarantine.jsonl; whatever is cleaned must still explain itself (offsets, edit log).

A few kinds also go through the `mtqa` command, for the one-line errors a user sees.
Readers' record checks are unit-tested in test_readers.py; this file is about whole runs.
"""

from __future__ import annotations

import gzip
import base64
import json
import os
import re
import signal
import subprocess
import time
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

from mtqa.cleaners.config import CleanConfig
from mtqa.cleaners.edits import apply_edits, revert_edits
from mtqa.cleaners.rulepack import RULES_DIR, RulePackError
from mtqa.cleaners.signature import run_signature
from mtqa.corpora.readers import TRANSLATION_FORMATS, CorpusError, detect_format
from mtqa.corpora.writeback import write_back
from mtqa.flows.shards import ReadStats, clean_shard, merge_shards, read_into_shards
from mtqa.records import Edit
from tests.conftest import MTQA, SAMPLES

BUDGET = 30.0  # seconds a kind may take through all three stages (most take well under one)
# A lighter configuration than the default (no language-pair packs), so 40 kinds stay quick; every
# detector still runs. Kinds that need more (a rule pack of their own) say so.
CONFIG = CleanConfig(lang="en", rule_packs=(str(RULES_DIR / "normalise.yaml"), str(RULES_DIR / "en.yaml")))
REASONS = {  # README, "Quarantine reasons"
    "invalid_utf8", "invalid_json", "not_an_object", "missing_id", "missing_text", "wrong_type", "invalid_unicode",
    "duplicate_id", "wrong_column_count", "symlink", "not_a_txt_file", "not_a_regular_file", "invalid_file_name",
    "unreadable_file", "unreadable_folder", "no_target", "not_translatable", "cleaning_error", "text_too_long", "line_too_long",
}


class TimeBudgetExceeded(Exception):
    pass


@contextmanager
def time_limit(seconds: float):
    """Fail a kind that hangs instead of hanging the test run (SIGALRM: the main thread only)."""
    def expired(signum, frame):
        raise TimeBudgetExceeded(f"still running after {seconds} s")

    previous = signal.signal(signal.SIGALRM, expired)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def run_stages(input_path: Path, out: Path, config: CleanConfig = CONFIG, fmt: str | None = None,
               shard_size: int = 3, budget: float = BUDGET) -> dict:
    """The cleanup flow's work, stage by stage, in this process; the outputs are checked after."""
    with time_limit(budget):
        signature = run_signature(config)  # loads every rule pack: a bad one fails here, as in the flow
        work, read = out / ".work", ReadStats()
        shards = list(read_into_shards(str(input_path), work, shard_size, fmt, read, config))
        counts = [clean_shard(s, config) for s in shards]
        summary = merge_shards(work, out, shards, counts, read, signature, str(input_path))
        fmt = fmt or detect_format(input_path)
        if fmt in TRANSLATION_FORMATS:
            write_back(input_path, fmt, config.lang, out)
    check_outputs(out, summary)
    return summary


def jsonl(path: Path) -> list[dict]:
    """Strict reading of an output: UTF-8, one JSON value a line, no NaN or Infinity."""
    def refuse(name):
        raise AssertionError(f"{path.name}: {name} is not JSON")

    text = path.read_bytes().decode("utf-8")  # raises on invalid UTF-8
    lines = text.split("\n")
    assert lines[-1] == "", f"{path.name} does not end with a line break"
    return [json.loads(line, parse_constant=refuse) for line in lines[:-1]]


def check_outputs(out: Path, summary: dict) -> None:
    cleaned, findings, edits, quarantine = (jsonl(out / f"{n}.jsonl") for n in ("cleaned", "findings", "edits", "quarantine"))
    # nothing lost: read = cleaned + quarantined, in the summary and in the files
    assert summary["records_read"] == summary["documents_cleaned"] + summary["records_quarantined"]
    assert (summary["documents_cleaned"], summary["records_quarantined"]) == (len(cleaned), len(quarantine))
    assert sum(summary["quarantine_by_reason"].values()) == len(quarantine)
    for q in quarantine:
        assert isinstance(q["file"], str) and q["file"] and isinstance(q["line"], int) and q["line"] >= 0
        assert q["reason"] in REASONS
        assert isinstance(q["detail"], str) and len(q["detail"]) >= 10 and "\n" not in q["detail"]
        assert "Traceback" not in q["detail"]
        assert "record" in q or "raw" in q or "raw_base64" in q  # the record itself is kept
    # what was cleaned explains itself against the original text
    by_id = {str(c["id"]): c for c in cleaned}
    assert len(by_id) == len(cleaned)  # ids are unique
    for f in findings:
        original = by_id[f["doc_id"]]["original"]
        assert 0 <= f["start"] <= f["end"] <= len(original) and original[f["start"] : f["end"]] == f["text"]
    per_doc: dict[str, list[Edit]] = {}
    for e in edits:
        per_doc.setdefault(e["doc_id"], []).append(Edit(**e))
    for doc in cleaned:
        doc_edits = per_doc.get(str(doc["id"]), [])
        assert apply_edits(doc["original"], doc_edits) == doc["text"]
        assert revert_edits(doc["text"], doc_edits) == doc["original"]


# --- the kinds ----------------------------------------------------------------------------------

@dataclass
class Case:
    """An input, and what a run over it must give: counts, or a fatal error matching `fatal`."""

    path: Path
    cleaned: int = 0
    quarantined: dict[str, int] | None = None  # reason -> count
    fatal: str | None = None  # a regular expression the one error message must match
    config: CleanConfig = CONFIG
    fmt: str | None = None
    budget: float = BUDGET
    check: Callable[[Path, dict], None] | None = None  # more checks on the output folder


KINDS: dict[str, Callable[[Path], Case]] = {}


def kind(name: str):
    def register(build: Callable[[Path], Case]) -> Callable[[Path], Case]:
        KINDS[name] = build
        return build
    return register


def write(path: Path, data: bytes | str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data if isinstance(data, bytes) else data.encode("utf-8"))
    return path


def records(*texts: str, **fields) -> str:
    """JSONL of records d0, d1, ... with these texts."""
    return "".join(json.dumps({"id": f"d{i}", "text": t, **fields}, ensure_ascii=False) + "\n" for i, t in enumerate(texts))


def cleaned_texts(out: Path) -> dict[str, str]:
    return {str(c["id"]): c["text"] for c in jsonl(out / "cleaned.jsonl")}


GOOD = b'{"id": "good", "text": "A fine sentence , with debris . ."}\n'


@kind("invalid-utf8")
def _(tmp):
    bad = [b'{"id": "latin1", "text": "caf\xe9"}', b'{"id": "cut", "text": "\xe2\x82"}',
           b'{"id": "overlong", "text": "\xc0\xaf"}', b'{"id": "surrogate", "text": "\xed\xa0\x80"}',
           b'\xff\xfe{"id": "stray-bom"}']
    return Case(write(tmp / "c.jsonl", GOOD + b"\n".join(bad) + b"\n"), cleaned=1, quarantined={"invalid_utf8": 5})


@kind("utf16-with-bom")
def _(tmp):
    return Case(write(tmp / "c.jsonl", records("Hello world.", "Second.").encode("utf-16")),
                fatal=r"c\.jsonl: the file is UTF-16, mtqa reads UTF-8: convert it first \(iconv -f UTF-16 -t UTF-8\)")


@kind("utf16-without-bom")
def _(tmp):
    return Case(write(tmp / "c.jsonl", records("Hello world.", "Second.").encode("utf-16-le")),
                fatal=r"c\.jsonl: the file is UTF-16LE, mtqa reads UTF-8")


@kind("utf16-big-endian-tsv")
def _(tmp):
    return Case(write(tmp / "c.tsv", "id\ttext\n1\tHello.\n".encode("utf-16-be")), fatal=r"c\.tsv: the file is UTF-16BE")


@kind("utf16-txt-in-a-folder")
def _(tmp):
    write(tmp / "corpus" / "ok.txt", "Fine text.")
    write(tmp / "corpus" / "wide.txt", "Hello world, in UTF-16.".encode("utf-16"))
    write(tmp / "corpus" / "wide-le.txt", "Hello world, in UTF-16.".encode("utf-16-le"))  # valid UTF-8, NULs and all

    def check(out, summary):
        details = [q["detail"] for q in jsonl(out / "quarantine.jsonl")]
        assert details == ["the file is UTF-16LE, mtqa reads UTF-8: convert it first (iconv -f UTF-16LE -t UTF-8)",
                           "the file is UTF-16, mtqa reads UTF-8: convert it first (iconv -f UTF-16 -t UTF-8)"]

    return Case(tmp / "corpus", cleaned=1, quarantined={"invalid_utf8": 2}, check=check)


@kind("utf32-with-bom")
def _(tmp):
    return Case(write(tmp / "c.jsonl", records("Hello.").encode("utf-32")), fatal=r"the file is UTF-32")


@kind("nul-bytes-raw")
def _(tmp):
    data = GOOD + b'{"id": "nul", "text": "a\x00b"}\n\x00\x00\x00\n{"id": "nul2"\x00, "text": "x"}\n'
    return Case(write(tmp / "c.jsonl", data), cleaned=1, quarantined={"invalid_json": 3})


@kind("nul-bytes-escaped")
def _(tmp):
    def check(out, summary):
        assert all("\x00" not in t for t in cleaned_texts(out).values())  # encoding.control_char removes them

    return Case(write(tmp / "c.jsonl", records("Null\u0000 inside", "\u0000", "\u0000\u0000 lead")), cleaned=3, check=check)


@kind("nul-bytes-in-txt")
def _(tmp):
    return Case(write(tmp / "doc.txt", b"Binary\x00junk\x00 in a text file.\n"), cleaned=1)


@kind("crlf-line-ends")
def _(tmp):
    def check(out, summary):
        assert cleaned_texts(out) == {"d0": "First.", "d1": "Second."}

    return Case(write(tmp / "c.jsonl", records("First.", "Second.").replace("\n", "\r\n")), cleaned=2, check=check)


@kind("lone-cr-line-ends")
def _(tmp):
    def check(out, summary):
        assert [c["id"] for c in jsonl(out / "cleaned.jsonl")] == ["d0", "d2"]
        assert [q["line"] for q in jsonl(out / "quarantine.jsonl")] == [2]  # each CR-ended line counts as a line

    data = records("First.", "Second.", "Third.").replace("\n", "\r").replace('"d1", "text": "Second."', '"d1", "text": ')
    return Case(write(tmp / "c.jsonl", data), cleaned=2, quarantined={"invalid_json": 1}, check=check)


@kind("cr-and-crlf-inside-texts")
def _(tmp):
    text = "Line one.\rLine two.\r\nLine three.\n\rLine four."
    write(tmp / "corpus" / "mac.txt", text)

    def check(out, summary):
        (doc,) = jsonl(out / "cleaned.jsonl")
        assert doc["original"] == text

    return Case(tmp / "corpus", cleaned=1, check=check)


@kind("50mb-single-line")
def _(tmp):
    path = tmp / "huge.jsonl"
    with open(path, "w", encoding="utf-8") as out:
        out.write(GOOD.decode())
        out.write('{"id": "huge", "text": "' + "Endless text without a line break , " * 1_500_000 + '"}\n')
    assert path.stat().st_size > 50 * 2**20

    def check(out, summary):  # not parsed (memory bounded by --max-text-chars), kept byte for byte
        (q,) = jsonl(out / "quarantine.jsonl")
        size = path.stat().st_size - len(GOOD)
        assert q["detail"].startswith(f"the line has {size:,} bytes, more than 32,000,000 (32 a character of --max-text-chars)")
        assert f"it is bytes {len(GOOD):,} to {path.stat().st_size:,} of the input" in q["detail"]
        assert base64.b64decode(q["raw_base64"]) == path.read_bytes()[len(GOOD):-1]  # the line itself is kept

    return Case(path, cleaned=1, quarantined={"line_too_long": 1}, budget=60, check=check)


@kind("text-just-over-a-lower-limit")
def _(tmp):
    config = CONFIG._replace(max_text_chars=100)
    return Case(write(tmp / "c.jsonl", records("x" * 100, "y" * 101)), cleaned=1, quarantined={"text_too_long": 1},
                config=config)


@kind("empty-file")
def _(tmp):
    return Case(write(tmp / "c.jsonl", b""))


@kind("empty-gzip-file")
def _(tmp):
    return Case(write(tmp / "c.jsonl.gz", gzip.compress(b"")))


@kind("blank-lines-only")
def _(tmp):
    return Case(write(tmp / "c.jsonl", b"\n\n   \n\t\r\n\r\n"))


@kind("empty-txt-file")
def _(tmp):
    return Case(write(tmp / "empty.txt", b""), cleaned=1)


@kind("empty-and-blank-texts")
def _(tmp):
    return Case(write(tmp / "c.jsonl", records("", " ", "\n\n\n", "\t \u00a0\u3000", "\u200b")), cleaned=5)


@kind("empty-folder")
def _(tmp):
    (tmp / "corpus").mkdir()
    return Case(tmp / "corpus")


@kind("truncated-jsonl")
def _(tmp):
    data = records("First.", "Second.", "Third is cut off in the middle of its text")
    return Case(write(tmp / "c.jsonl", data[: len(data) - 20]), cleaned=2, quarantined={"invalid_json": 1})


@kind("truncated-gzip")
def _(tmp):
    data = gzip.compress(records(*[f"Sentence number {i}." for i in range(2000)]).encode())
    return Case(write(tmp / "c.jsonl.gz", data[: len(data) // 2]), fatal=r"c\.jsonl\.gz: read error after line \d+")


@kind("not-an-object")
def _(tmp):
    return Case(write(tmp / "c.jsonl", GOOD + b'[1, 2]\n"text"\n42\nnull\ntrue\n[]\n'), cleaned=1,
                quarantined={"not_an_object": 6})


@kind("wrong-json-types")
def _(tmp):
    bad = [{"id": ["a"], "text": "x"}, {"id": {"a": 1}, "text": "x"}, {"id": 1.5, "text": "x"}, {"id": True, "text": "x"},
           {"id": "t1", "text": 42}, {"id": "t2", "text": ["x"]}, {"id": "t3", "text": {"x": 1}}, {"id": "t4", "text": False},
           {"id": "l", "text": "x", "lang": 7}, {"id": "s", "text": "x", "source": ["a"]},
           {"id": "r", "text": "x", "references": {"a": "b"}}, {"id": "r2", "text": "x", "references": [None]},
           {"id": "it", "text": "abc", "inline_tags": [[2, 1]]}, {"id": "it2", "text": "abc", "inline_tags": [[0, 99]]},
           {"id": None, "text": "x"}, {"id": "nt", "text": None}]
    data = GOOD.decode() + "".join(json.dumps(r) + "\n" for r in bad)
    return Case(write(tmp / "c.jsonl", data), cleaned=1, quarantined={"wrong_type": 14, "missing_id": 1, "missing_text": 1})


@kind("nan-infinity-and-huge-numbers")
def _(tmp):
    bad = [b'{"id": "nan", "text": "x", "score": NaN}', b'{"id": "inf", "text": "x", "score": -Infinity}',
           b'{"id": "big-float", "text": "x", "score": 1e400}', b'{"id": ' + b"9" * 5000 + b', "text": "x"}']

    def check(out, summary):
        details = [q["detail"] for q in jsonl(out / "quarantine.jsonl")]
        assert details == ["invalid JSON: NaN is not a JSON value", "invalid JSON: -Infinity is not a JSON value",
                           "invalid JSON: the number 1e400 is too large",
                           "invalid JSON: the number 99999999999999999999… has 5000 digits, too many to read"]

    return Case(write(tmp / "c.jsonl", GOOD + b"\n".join(bad) + b"\n"), cleaned=1, quarantined={"invalid_json": 4}, check=check)


@kind("deeply-nested-json")
def _(tmp):
    lines = [b"[" * 100_000 + b"]" * 100_000,
             b'{"id": "deep", "text": "x", "extra": ' + b"[" * 995 + b"]" * 995 + b"}",
             b'{"id": "ok-deep", "text": "x", "extra": ' + b"[" * 99 + b"]" * 99 + b"}",
             b'{"id": "brackets-in-text", "text": "' + b"[" * 500 + b'"}']

    def check(out, summary):
        assert [q["detail"] for q in jsonl(out / "quarantine.jsonl")] == ["invalid JSON: nested more than 100 levels deep"] * 2

    return Case(write(tmp / "c.jsonl", GOOD + b"\n".join(lines) + b"\n"), cleaned=3, quarantined={"invalid_json": 2},
                check=check)


@kind("duplicate-ids")
def _(tmp):
    data = [{"id": "a", "text": "One."}, {"id": "a", "text": "Two."}, {"id": 7, "text": "Seven."}, {"id": "7", "text": "Seven?"},
            {"id": "a ", "text": "Not the same id."}, {"id": "A", "text": "Nor this one."}]

    def check(out, summary):
        details = [q["detail"] for q in jsonl(out / "quarantine.jsonl")]
        assert details == [f"id 'a' was first seen at {tmp / 'c.jsonl'}:1", f"id '7' was first seen at {tmp / 'c.jsonl'}:3"]

    return Case(write(tmp / "c.jsonl", "".join(json.dumps(r) + "\n" for r in data)), cleaned=4,
                quarantined={"duplicate_id": 2}, check=check)


PATH_IDS = ["../../../../etc/passwd", "/etc/passwd", "..", ".", "a/../../b", "..\\..\\windows\\system32", "C:\\x",
            "nul\u0000byte", "~/.ssh/id_rsa", "file:///etc/passwd", "con", "x" * 5000, "a\nb", " leading-space"]


@kind("path-like-ids")
def _(tmp):
    before = {p for p in tmp.parent.rglob("*")}

    def check(out, summary):
        assert sorted(cleaned_texts(out)) == sorted(PATH_IDS)
        created = {p for p in tmp.parent.rglob("*")} - before
        assert all(out in p.parents or p == out or p == tmp / "c.jsonl" for p in created), created

    return Case(write(tmp / "c.jsonl", "".join(json.dumps({"id": i, "text": "Some text ."}) + "\n" for i in PATH_IDS)),
                cleaned=len(PATH_IDS), check=check)


@kind("empty-and-blank-ids")
def _(tmp):
    return Case(write(tmp / "c.jsonl", '{"id": "", "text": "x"}\n{"id": "  \\t", "text": "x"}\n{"text": "x"}\n'),
                quarantined={"missing_id": 3})


@kind("lone-surrogate-escapes")
def _(tmp):
    data = b'{"id": "s1", "text": "lone \\ud800 high"}\n{"id": "s2\\udfff", "text": "x"}\n{"id": "pair", "text": "\\ud83d\\ude00"}\n'

    def check(out, summary):
        assert cleaned_texts(out) == {"pair": "\U0001F600"}

    return Case(write(tmp / "c.jsonl", data), cleaned=1, quarantined={"invalid_unicode": 2}, check=check)


@kind("bidi-controls")
def _(tmp):
    texts = ["Price: \u202e01$ \u202cfor all.", "\u2066isolated\u2069 and \u2067rtl\u2069 text.",
             "\u200f\u200eMarks\u200f everywhere\u200e.", "English \u05e2\u05d1\u05e8\u05d9\u05ea and \u0627\u0644\u0639\u0631\u0628\u064a\u0629 mixed.",
             "\u202a\u202b\u202c\u202d\u202e" * 50]
    path = write(tmp / "c.jsonl", records(*texts) + json.dumps({"id": "\u202egnp.exe", "text": "An id that reads backwards."}) + "\n")
    return Case(path, cleaned=6)


@kind("zero-width-characters")
def _(tmp):
    texts = ["zero\u200bwidth\u200b space", "joiner\u200d and non\u200cjoiner", "word\u2060joiner", "BOM\ufeffinside",
             "\u200b" * 1000, "soft\u00adhyphen", "a\u180eb mongolian vowel separator"]
    return Case(write(tmp / "c.jsonl", records(*texts)), cleaned=len(texts))


@kind("combining-character-storms")
def _(tmp):
    marks = "".join(chr(c) for c in range(0x300, 0x370))
    texts = ["Z" + marks * 50 + "algo text.", "e" + "\u0301" * 10_000, "\u0301" * 100_000, ("a" + marks) * 2000]
    return Case(write(tmp / "c.jsonl", records(*texts)), cleaned=4)


@kind("emoji-and-astral-characters")
def _(tmp):
    texts = ["Family \U0001F468\u200d\U0001F469\u200d\U0001F467\u200d\U0001F466 and flags \U0001F1EB\U0001F1F7\U0001F1FA\U0001F1E6.",
             "Skin tones \U0001F44B\U0001F3FD, keycaps 1\ufe0f\u20e3, tags \U0001F3F4\U000E0067\U000E0062\U000E0065\U000E006E\U000E0067\U000E007F.",
             "Plane ends \U0010FFFF \U000FFFFD \U0001FFFE, math \U0001D400\U0001D401 and Gothic \U00010330.",
             "\U0001F600" * 5000, "Astral CJK \U00020000\U0002A6D6 ext B."]
    return Case(write(tmp / "c.jsonl", records(*texts)), cleaned=len(texts))


@kind("punctuation-only")
def _(tmp):
    texts = ["!!!", "...", ". . . .", "???!!!", "。。。", "¿¡", "—–-", "()[]{}", "\"\"''", ",,,,", ";;;", "…", "*" * 10_000,
             "( ) [ ] { }", "« »", "&amp;&lt;&gt;"]
    return Case(write(tmp / "c.jsonl", records(*texts)), cleaned=len(texts))


@kind("a-dozen-scripts-mixed")
def _(tmp):
    text = ("English text, русский текст, ελληνικό κείμενο, النص العربي, טקסט עברי, हिन्दी पाठ, 中文文本, "
            "ひらがなとカタカナ, 한국어 텍스트, ข้อความภาษาไทย, ქართული ტექსტი, հայերեն տեքստ, አማርኛ ጽሑፍ, தமிழ் உரை.")
    return Case(write(tmp / "c.jsonl", records(text, text * 20, " ".join(text.split()[::-1]))), cleaned=3)


@kind("control-and-terminal-escapes")
def _(tmp):
    texts = ["\x1b[31mRed\x1b[0m text.", "Bell\x07 and DEL\x7f.", "C1 \x9b controls \x85 here.", "\x1b]0;title\x07 OSC.",
             "Back\x08\x08space", "Form\x0cfeed\x0bvertical tab"]
    return Case(write(tmp / "c.jsonl", records(*texts)), cleaned=len(texts))


@kind("mojibake-and-entities")
def _(tmp):
    texts = ["The Ã©cole and â€œquotesâ€\x9d.", "PriceÂ 5Â\u00a0â‚¬ and Â ", "&amp;amp;amp; &lt;b&gt; &#0; &#x110000; &#xD800; &nbsp;",
             "Ã" * 5000, "&" * 5000 + "amp;"]
    return Case(write(tmp / "c.jsonl", records(*texts)), cleaned=len(texts))


@kind("ragged-tsv")
def _(tmp):
    data = (b"id\ttext\tlang\n1\tFine.\ten\n2\ttoo few\n3\ttoo\tmany\tfields\n4\t\ten\n\n5\tbad \xff utf8\ten\n"
            b"6\ttab\tinside\ten\n1\tDuplicate.\ten\n7\tLast, no line break.\ten")
    return Case(write(tmp / "c.tsv", data), cleaned=3,
                quarantined={"wrong_column_count": 3, "invalid_utf8": 1, "duplicate_id": 1})


@kind("tsv-header-only")
def _(tmp):
    return Case(write(tmp / "c.tsv", "id\ttext\n"))


@kind("folder-with-binaries-and-symlinks")
def _(tmp):
    root, outside = tmp / "corpus", tmp / "outside"
    write(outside / "secret.txt", "Do not read.")
    write(root / "ok.txt", "A readable text.")
    write(root / "image.png", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    write(root / "program.txt", b"\x7fELF\x02\x01\x01\x00" + bytes(range(256)))  # binary named .txt
    write(root / "sub" / "random.txt", os.urandom(4096) + b"\xff")
    os.symlink("/etc/passwd", root / "passwd.txt")
    os.symlink(outside, root / "outside-dir")
    os.symlink(root / "missing.txt", root / "dangling.txt")
    os.symlink(root / "loop-b", root / "loop-a")
    os.symlink(root / "loop-a", root / "loop-b")
    os.mkfifo(root / "pipe.txt")

    def check(out, summary):
        texts = " ".join(c["original"] for c in jsonl(out / "cleaned.jsonl"))
        assert "root:" not in texts and "Do not read" not in texts

    return Case(root, cleaned=1, check=check, quarantined={
        "invalid_utf8": 2, "not_a_txt_file": 1, "symlink": 5, "not_a_regular_file": 1})


@kind("rule-pack-invalid-yaml")
def _(tmp):
    pack = write(tmp / "bad.yaml", "rules:\n  - id: x\n    pattern: [unclosed\n")
    config = CONFIG._replace(rule_packs=CONFIG.rule_packs + (str(pack),))
    return Case(write(tmp / "c.jsonl", GOOD), config=config, fatal=r"bad\.yaml: line \d+: invalid YAML: ")


@kind("rule-pack-python-object-tag")
def _(tmp):
    marker = tmp / "pwned"
    pack = write(tmp / "evil.yaml", f"rules: !!python/object/apply:os.system ['touch {marker}']\n")
    config = CONFIG._replace(rule_packs=(str(pack),))
    return Case(write(tmp / "c.jsonl", GOOD), config=config,
                fatal=r"evil\.yaml: line 1: invalid YAML: could not determine a constructor for the tag "
                      r"'tag:yaml.org,2002:python/object/apply:os.system'")


@kind("catastrophic-backtracking-regex")
def _(tmp):
    pack = write(tmp / "slow.yaml", "rules:\n  - {id: slow.backtrack, pattern: '(a|aa)+b', replace: x, fix: auto,"
                                    " category: style, severity: minor, message: catastrophic}\n"
                                    "  - {id: slow.nested, pattern: '(x+x+)+y', category: style, severity: minor, message: nested}\n")
    config = CONFIG._replace(rule_packs=CONFIG.rule_packs + (str(pack),), match_timeout=0.1)
    # each ends in the "ab" or "xy" the patterns need: a text without it is not searched at all
    texts = ("a" * 60 + "c ab", "a" * 60 + "c " + "x" * 5000 + " ab xy")

    def check(out, summary):
        # slow.backtrack times out on one document, and is disabled for the run (skipped on the other)
        affected = {rule: summary["rule_timeouts"].get(rule, 0) + summary["rules_disabled"].get(rule, 0)
                    for rule in ("slow.backtrack", "slow.nested")}
        assert affected == {"slow.backtrack": 2, "slow.nested": 1} and summary["rule_timeouts"].get("slow.backtrack", 0) <= 1
        assert cleaned_texts(out) == {"d0": texts[0], "d1": texts[1]}  # the slow rules changed nothing

    return Case(write(tmp / "c.jsonl", records(*texts)), cleaned=2, config=config, check=check)


# --- TMX and XLIFF --------------------------------------------------------------------------

XLIFF_HEAD = ('<?xml version="1.0" encoding="UTF-8"?>\n{doctype}<xliff version="1.2" '
              'xmlns="urn:oasis:names:tc:xliff:document:1.2">\n<file source-language="fr" target-language="en" '
              'datatype="plaintext" original="x"><body>\n')
XLIFF_TAIL = "</body></file></xliff>\n"


def xliff(units: str, doctype: str = "") -> str:
    return XLIFF_HEAD.format(doctype=doctype) + units + XLIFF_TAIL


def unit(uid: str, target: str, source: str = "Bonjour le monde.") -> str:
    return f'<trans-unit id="{uid}"><source>{source}</source><target>{target}</target></trans-unit>\n'


@kind("xml-billion-laughs")
def _(tmp):
    entities = '<!ENTITY lol "lol">' + "".join(
        f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">' for i in range(1, 10))
    doc = xliff(unit("1", "Hello &lol9; world."), f"<!DOCTYPE xliff [{entities}]>\n")
    return Case(write(tmp / "laughs.xlf", doc), fatal=r"laughs\.xlf: line \d+: not valid XML: .*amplification")


@kind("xml-external-entity")
def _(tmp):
    doc = xliff(unit("1", "Hello &xxe; world ."), '<!DOCTYPE xliff [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n')

    def check(out, summary):
        for name in ("cleaned.jsonl", "findings.jsonl", "cleaned.xlf"):
            assert "root:" not in (out / name).read_text(encoding="utf-8")
        assert cleaned_texts(out)["1"] == "Hello \ue103 world."  # the entity is an opaque code, never expanded

    return Case(write(tmp / "xxe.xlf", doc), cleaned=1, check=check)


@kind("xml-external-dtd-and-parameter-entity")
def _(tmp):
    doctype = ('<!DOCTYPE xliff SYSTEM "http://203.0.113.1/evil.dtd" [<!ENTITY % remote SYSTEM '
               '"http://203.0.113.1/x.dtd"> %remote;]>\n')
    return Case(write(tmp / "dtd.xlf", xliff(unit("1", "Hello world."), doctype)), cleaned=1, budget=10)


@kind("xml-not-well-formed")
def _(tmp):
    doc = xliff(unit("1", "Fine.") + '<trans-unit id="2"><source>a</source><target>b</trans-unit>\n')
    return Case(write(tmp / "bad.xlf", doc), fatal=r"bad\.xlf: line 5: not valid XML: Opening and ending tag mismatch")


@kind("xml-10000-deep-nesting")
def _(tmp):
    doc = xliff(unit("1", "<g>" * 10_000 + "deep" + "</g>" * 10_000))
    return Case(write(tmp / "deep.xlf", doc), fatal=r"deep\.xlf: line 4: not valid XML: Excessive depth in document")


@kind("xml-deep-inline-markup")
def _(tmp):
    depth = 200  # under libxml2's limit: read, cleaned and written back
    target = "".join(f'<g id="{i}">' for i in range(depth)) + "Deep  text ." + "</g>" * depth

    def check(out, summary):
        assert cleaned_texts(out)["1"] == "Deep text."
        assert (out / "cleaned.xlf").read_text(encoding="utf-8").count("<g ") == depth

    return Case(write(tmp / "deep.xlf", xliff(unit("1", target))), cleaned=1, check=check)


@kind("xml-hostile-unit-ids")
def _(tmp):
    units = (unit("../../etc/passwd", "Path  id.") + unit("/abs", "Absolute .") + unit("../../etc/passwd", "Again .")
             + unit("&lt;script&gt;", "Script id .") + unit("", "Empty id ."))

    def check(out, summary):
        assert sorted(cleaned_texts(out)) == ["../../etc/passwd", "/abs", "<script>", "unit-8"]
        assert sorted(p.name for p in out.iterdir() if not p.name.startswith(".")) == [
            "cleaned.jsonl", "cleaned.xlf", "edits.jsonl", "findings.jsonl", "quarantine.jsonl", "summary.json",
            "suppressed.jsonl"]

    return Case(write(tmp / "ids.xlf", xliff(units)), cleaned=4, quarantined={"duplicate_id": 1}, check=check)


@kind("tmx-control-characters-and-huge-attribute")
def _(tmp):
    tmx = ('<?xml version="1.0"?>\n<tmx version="1.4"><header srclang="fr" datatype="plaintext" segtype="sentence" '
           'adminlang="en" creationtool="t" creationtoolversion="1" o-tmf="x"/><body>\n'
           f'<tu tuid="{"x" * 100_000}"><tuv xml:lang="fr"><seg>Bonjour</seg></tuv><tuv xml:lang="en"><seg>Hello &#x85; &#x202E;'
           ' world</seg></tuv></tu>\n<tu tuid="2"><tuv xml:lang="fr"><seg>Salut</seg></tuv><tuv xml:lang="en"><seg>\U0001F600 '
           '\u0301\u0301</seg></tuv></tu>\n</body></tmx>\n')
    return Case(write(tmp / "m.tmx", tmx), cleaned=2)


@pytest.mark.parametrize("name", list(KINDS))
def test_bad_input(name, tmp_path):
    (tmp_path / "in").mkdir()
    case = KINDS[name](tmp_path / "in")
    out = tmp_path / "out"
    started = time.monotonic()
    if case.fatal:
        with pytest.raises((CorpusError, RulePackError)) as error:
            run_stages(case.path, out, case.config, case.fmt, budget=case.budget)
        message = str(error.value)
        assert "\n" not in message and re.search(case.fatal, message), message
    else:
        summary = run_stages(case.path, out, case.config, case.fmt, budget=case.budget)
        assert summary["documents_cleaned"] == case.cleaned
        assert summary["quarantine_by_reason"] == dict(sorted((case.quarantined or {}).items()))
        if case.check:
            case.check(out, summary)
    assert time.monotonic() - started < case.budget


def test_at_least_thirty_kinds():
    assert len(KINDS) >= 30


# --- through the command, for the messages a user sees ------------------------------------------

def mtqa_clean(*args: str) -> subprocess.CompletedProcess:
    """With no server configured, as a user's first command runs: what Prefect's temporary server
    prints is part of what the user sees. It gets 120 s to start (Prefect's default of 20 s can be
    too little on a loaded machine)."""
    env = {**os.environ, "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "120"}
    return subprocess.run([MTQA, "clean", *args], capture_output=True, text=True, timeout=240, env=env)


def test_cli_refuses_a_rule_pack_that_would_run_code(tmp_path):
    marker = tmp_path / "pwned"
    pack = write(tmp_path / "evil.yaml", f"rules: !!python/object/apply:os.system ['touch {marker}']\n")
    result = mtqa_clean(str(SAMPLES / "ukraine-article.en.txt"), "--out", str(tmp_path / "o"), "--rules", str(pack))
    assert result.returncode == 1 and not marker.exists()
    assert result.stderr.splitlines() == [
        f"mtqa: error: {pack}: line 1: invalid YAML: could not determine a constructor for the tag "
        "'tag:yaml.org,2002:python/object/apply:os.system'"]


def test_cli_reports_a_rule_that_hits_its_time_limit(tmp_path):
    pack = write(tmp_path / "slow.yaml", "rules:\n  - {id: slow.backtrack, pattern: '(a|aa)+b', replace: x, fix: auto,"
                                         " category: style, severity: minor, message: catastrophic}\n")
    corpus = write(tmp_path / "c.jsonl", records("a" * 60 + "c ab", "Fine."))
    started = time.monotonic()
    result = mtqa_clean(str(corpus), "--out", str(tmp_path / "o"), "--rules", str(pack), "--lang", "en")
    assert result.returncode == 0, result.stderr
    assert "Rules that hit their time limit (skipped there): slow.backtrack on 1 documents." in result.stdout
    assert time.monotonic() - started < 200


def test_cli_a_utf16_corpus_is_one_clear_line(tmp_path):
    corpus = write(tmp_path / "c.jsonl", records("Hello.").encode("utf-16"))
    result = mtqa_clean(str(corpus), "--out", str(tmp_path / "o"))
    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        f"mtqa: error: {corpus}: the file is UTF-16, mtqa reads UTF-8: convert it first (iconv -f UTF-16 -t UTF-8)"]
