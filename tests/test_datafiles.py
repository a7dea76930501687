"""The parsed copy of a data file kept across runs (cleaners/datafiles.py: `parsed_once`)."""

from __future__ import annotations

import datetime

from mtqa.cleaners.datafiles import parsed_once


def _counting(parse):
    calls = []

    def counted(raw: bytes):
        calls.append(raw)
        return parse(raw)
    return counted, calls


def test_a_file_is_parsed_once_and_read_back_the_same_after(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    parse, calls = _counting(lambda raw: {"entries": [{"bad": raw.decode(), "n": 3, "ok": True, "x": None}]})
    first = parsed_once(b"bilan", parse)
    again = parsed_once(b"bilan", parse)
    assert again == first == {"entries": [{"bad": "bilan", "n": 3, "ok": True, "x": None}]}
    assert calls == [b"bilan"]  # the second came from the saved copy
    assert parsed_once(b"bilan!", parse)["entries"][0]["bad"] == "bilan!"  # other bytes: parsed
    assert calls == [b"bilan", b"bilan!"]
    assert list((tmp_path / "mtqa" / "parsed").glob("*.tmp")) == []  # written whole, renamed into place


def test_data_marshal_cannot_hold_is_parsed_every_time(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    parse, calls = _counting(lambda raw: {"date": datetime.date(2026, 12, 6)})
    assert parsed_once(b"when", parse) == parsed_once(b"when", parse) == {"date": datetime.date(2026, 12, 6)}
    assert len(calls) == 2


def test_a_damaged_saved_copy_is_parsed_again(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    parse, calls = _counting(lambda raw: [raw.decode()])
    parsed_once(b"retrait", parse)
    for saved in (tmp_path / "mtqa" / "parsed").iterdir():
        saved.write_bytes(b"\x00 not marshal")
    assert parsed_once(b"retrait", parse) == ["retrait"] and len(calls) == 2


def test_no_word_list_in_the_data_holds_a_yaml_boolean():
    """YAML 1.1 reads an unquoted no, yes, on or off as a boolean: a word list holding "no" would
    silently lose it (English, Spanish, Italian "no"; Portuguese "no" = in the)."""
    from pathlib import Path

    from mtqa.cleaners.datafiles import safe_load

    root = Path(__file__).resolve().parents[1] / "cleaners"
    found = []

    def walk(value, where):
        if isinstance(value, dict):
            for key, item in value.items():
                walk(item, f"{where}.{key}")
        elif isinstance(value, list):
            found.extend(f"{where}[{i}]" for i, item in enumerate(value) if isinstance(item, bool))
            for i, item in enumerate(value):
                walk(item, f"{where}[{i}]")

    files = sorted((root / "data").rglob("*.yaml")) + sorted((root / "rules").glob("*.yaml"))
    assert len(files) > 10
    for path in files:
        walk(safe_load(path.read_text(encoding="utf-8")), path.name)
    assert found == []


def test_no_data_file_holds_a_key_twice():
    """A key written twice is read as its last value alone: a language's list moved under another
    key by an edit would vanish without a word."""
    from pathlib import Path

    import yaml

    class Strict(yaml.SafeLoader):
        pass

    def no_duplicates(loader, node, deep=False):
        keys = [loader.construct_object(key, deep=deep) for key, _ in node.value]
        assert len(keys) == len(set(keys)), f"{node.start_mark}: {sorted(k for k in keys if keys.count(k) > 1)}"
        return yaml.SafeLoader.construct_mapping(loader, node, deep)

    Strict.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, no_duplicates)
    root = Path(__file__).resolve().parents[1] / "cleaners"
    files = sorted((root / "data").rglob("*.yaml")) + sorted((root / "rules").glob("*.yaml"))
    for path in files:
        yaml.load(path.read_text(encoding="utf-8"), Loader=Strict)
