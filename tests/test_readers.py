"""Corpus readers and record checks: every bad record is rejected with file, line and reason."""

import gzip
import json
import os

import pytest

from mtqa.corpora.documents import IdIndex, to_document
from mtqa.corpora.readers import CorpusError, RawRecord, Rejected, read_corpus
from mtqa.records import Document


def read_all(path, fmt=None):
    """Documents and rejections, as the read stage sees them (duplicate ids included)."""
    ids = IdIndex(path.parent / "ids.sqlite") if path.is_file() else IdIndex(path / ".." / "ids.sqlite")
    out = []
    for item in read_corpus(path, fmt):
        doc = to_document(item) if isinstance(item, RawRecord) else item
        if isinstance(doc, Document) and (first := ids.first_seen(doc.id, item.file, item.line)):
            doc = Rejected(item.file, item.line, "duplicate_id", f"first seen at {first}", item.record)
        out.append(doc)
    ids.close()
    return out


def test_jsonl_bad_records_are_rejected_with_line_and_reason(tmp_path):
    path = tmp_path / "c.jsonl"
    lines = [
        b'{"id": "a", "text": "Fine.", "lang": "en", "extra": {"kept": true}}',
        b'{"id": "b", "text": "broken',
        b'{"id": "c", "text": "caf\xe9"}',
        b"[1, 2]",
        b'{"id": "d"}',
        b'{"id": "e", "text": 42}',
        b'{"id": "a", "text": "Again."}',
        b'{"text": "no id"}',
        b'{"id": "f", "text": "x", "references": "one ref"}',
        b'{"id": "g", "text": "x", "references": [1]}',
        b'{"id": "h", "text": "lone \\ud800 surrogate"}',
        b"",
        b'{"id": 7, "text": "integer id"}',
        b'{"id": true, "text": "boolean id"}',
    ]
    path.write_bytes(b"\r\n".join(lines) + b"\n")
    items = read_all(path)
    reasons = [(i.line, i.reason) for i in items if isinstance(i, Rejected)]
    assert reasons == [
        (2, "invalid_json"), (3, "invalid_utf8"), (4, "not_an_object"), (5, "missing_text"), (6, "wrong_type"),
        (7, "duplicate_id"), (8, "missing_id"), (10, "wrong_type"), (11, "invalid_unicode"), (14, "wrong_type"),
    ]
    docs = [i for i in items if isinstance(i, Document)]
    assert [d.id for d in docs] == ["a", "f", "7"]
    assert docs[0].record["extra"] == {"kept": True} and docs[0].lang == "en"
    assert docs[1].references == ("one ref",)
    dup = next(i for i in items if isinstance(i, Rejected) and i.reason == "duplicate_id")
    assert dup.detail.endswith(f"{path}:1") and dup.record == {"id": "a", "text": "Again."}
    bad = next(i for i in items if isinstance(i, Rejected) and i.reason == "invalid_utf8").to_json()
    assert bad["file"] == str(path) and "raw_base64" in bad  # the bytes are kept, not lost


def test_gzip_and_bom(tmp_path):
    path = tmp_path / "c.jsonl.gz"
    with gzip.open(path, "wb") as out:
        out.write(b'\xef\xbb\xbf{"id": "a", "text": "x"}\n')
    assert [d.id for d in read_all(path)] == ["a"]


def test_tsv_with_references_and_ragged_rows(tmp_path):
    path = tmp_path / "c.tsv"
    path.write_text("id\ttext\tlang\treference\treference2\n1\tHello.\ten\tHi.\tHey.\n2\ttoo\tfew\n3\tNo refs.\ten\t\t\n", encoding="utf-8")
    items = read_all(path)
    assert isinstance(items[0], Document) and items[0].references == ("Hi.", "Hey.")
    assert isinstance(items[1], Rejected) and (items[1].line, items[1].reason) == (3, "wrong_column_count")
    assert isinstance(items[2], Document) and items[2].references == ()


def test_tsv_without_text_column_is_a_fatal_error(tmp_path):
    path = tmp_path / "c.tsv"
    path.write_text("id\tbody\n1\tHello\n", encoding="utf-8")
    with pytest.raises(CorpusError, match=r"line 1: the header has no 'text' column"):
        list(read_corpus(path))


def test_folder_of_txt_files(tmp_path):
    root = tmp_path / "corpus"
    (root / "sub").mkdir(parents=True)
    (root / "b.txt").write_text("Second.", encoding="utf-8")
    (root / "sub" / "a.txt").write_text("Nested.", encoding="utf-8")
    (root / "bad.txt").write_bytes(b"ok\n\xff\xfe")
    (root / "image.png").write_bytes(b"\x89PNG\x00")
    os.symlink("/etc/passwd", root / "link.txt")
    items = read_all(root)
    assert [(i.id if isinstance(i, Document) else i.reason) for i in items] == [
        "b.txt", "invalid_utf8", "not_a_txt_file", "symlink", "sub/a.txt"]
    assert next(i for i in items if isinstance(i, Rejected) and i.reason == "invalid_utf8").line == 2


def test_single_txt_file_is_one_document(tmp_path):
    path = tmp_path / "article.en.txt"
    path.write_text("Line one.\nLine two.\n", encoding="utf-8")
    (doc,) = read_all(path)
    assert doc.id == "article.en.txt" and doc.text == "Line one.\nLine two.\n"


def test_unknown_extension_and_missing_file(tmp_path):
    (tmp_path / "c.csv").write_text("x", encoding="utf-8")
    with pytest.raises(CorpusError, match="cannot tell the format"):
        read_corpus(tmp_path / "c.csv")
    with pytest.raises(CorpusError, match="no such file"):
        read_corpus(tmp_path / "missing.jsonl")


def test_rejected_record_round_trips_as_json(tmp_path):
    rej = Rejected("f.jsonl", 3, "invalid_json", "bad", raw=b'{"id": "x", ')
    assert json.loads(json.dumps(rej.to_json()))["raw"] == '{"id": "x", '


def test_corrupt_gzip_is_a_clear_error(tmp_path):
    path = tmp_path / "c.jsonl.gz"
    path.write_bytes(b"\x1f\x8b\x08\x00garbage")
    with pytest.raises(CorpusError, match="c.jsonl.gz: read error"):
        list(read_corpus(path))


def test_folder_links_pipes_and_odd_names_are_listed_not_read(tmp_path):
    root = tmp_path / "corpus"
    root.mkdir()
    (tmp_path / "outside").mkdir()
    (tmp_path / "outside" / "secret.txt").write_text("do not read", encoding="utf-8")
    os.symlink(tmp_path / "outside", root / "linked_dir")
    os.mkfifo(root / "pipe.txt")
    (root / os.fsdecode(b"bad-\xff.txt")).write_text("x", encoding="utf-8")
    (root / "ok.txt").write_text("Fine.", encoding="utf-8")
    items = read_all(root)
    reasons = sorted((i.reason, i.record["id"]) for i in items if isinstance(i, Rejected))
    assert reasons == [("invalid_file_name", "bad-\\xff.txt"), ("not_a_regular_file", "pipe.txt"), ("symlink", "linked_dir")]
    assert [i.id for i in items if isinstance(i, Document)] == ["ok.txt"]
    json.dumps([i.to_json() for i in items if isinstance(i, Rejected)], ensure_ascii=False).encode("utf-8")


def test_utf16_without_a_bom_is_named_even_when_the_first_line_is_not_ascii(tmp_path):
    """Cyrillic or Chinese in the first line used to defeat the check: the file was read as a
    handful of broken lines, exit 0 (issue 19)."""
    from mtqa.corpora.readers import CorpusError, read_corpus

    lines = ['{"id": 1, "text": "Привет, мир. Как дела?"}', '{"id": 2, "text": "你好，世界。"}', '{"id": 3, "text": "Hi."}']
    for encoding, name in (("utf-16-le", "UTF-16LE"), ("utf-16-be", "UTF-16BE")):
        path = tmp_path / f"c-{encoding}.jsonl"
        path.write_bytes("\n".join(lines).encode(encoding) + "\n".encode(encoding))
        with pytest.raises(CorpusError, match=f"the file is {name}, mtqa reads UTF-8"):
            list(read_corpus(path))
    raw_nul = tmp_path / "nul.jsonl"  # UTF-8 with a stray NUL byte is not taken for UTF-16
    raw_nul.write_bytes(b'{"id": 1, "text": "a\x00b"}\n{"id": 2, "text": "\xd0\x9f\xd1\x80\xd0\xb8"}\n')
    assert [getattr(r, "reason", None) for r in read_corpus(raw_nul)] == ["invalid_json", None]
