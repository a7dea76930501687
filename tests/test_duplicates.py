"""Duplicates across the corpus: reported with their first occurrence, dropped only when asked,
to the quarantine with the reason, the same whatever the shard size."""

import json
import random
from pathlib import Path

import pytest

from mtqa.cleaners.config import CleanConfig
from mtqa.cleaners.duplicates import DuplicateFinder, fold
from mtqa.corpora.seen import FirstSeen
from mtqa.records import Document
from tests.test_shards import load, run_plain

RECORDS = [
    {"id": "a", "text": "Patients were treated for 12 weeks. The outcome improved in most cases.", "lang": "en"},
    {"id": "b", "text": "Patients were treated for 12 weeks. The outcome improved in most cases.", "lang": "en"},  # exact of a
    {"id": "c", "text": "patients  were treated for 14 weeks; the outcome improved in most cases", "lang": "en"},  # near a
    {"id": "d", "text": "A new study. The outcome improved in most cases. Yes. Yes.", "lang": "en"},  # sentence of a
    {"id": "e", "text": "Another text altogether, with nothing in common.", "lang": "en"},
    {"id": "f", "text": "PATIENTS were treated for 99 weeks; the outcome improved in most cases", "lang": "en"},  # near a (and c)
]


def corpus(tmp_path: Path, records=RECORDS) -> Path:
    path = tmp_path / "c.jsonl"
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    return path


@pytest.mark.parametrize("a, b", [
    ("The P-value was 0.05.", "the p value was 0,01"),
    ("Hello,   world!", "hello world"),
    ("他说：“你好。”", "他说 你好"),  # CJK punctuation is punctuation too
    ("Число ٣ и ３", "число 0 и 0"),  # Arabic-Indic and full-width digits are digits
    ("ＦＵＬＬ width", "full width"),  # compatibility forms
    ("zero\u200bwidth", "zero width"),  # invisible format characters
    ("Straße", "STRASSE"),  # casefold, not lower
])
def test_fold_sets_aside_case_spacing_punctuation_and_digits_in_every_script(a, b):
    assert fold(a) == fold(b)


def test_words_stay_apart():
    assert fold("The cat sat.") != fold("The cat sat down.") and fold("ab c") != fold("a bc")


def finder(tmp_path: Path, min_chars: int | None = 20, drop: bool = False) -> DuplicateFinder:
    tmp_path.mkdir(exist_ok=True)
    return DuplicateFinder(FirstSeen(tmp_path / "seen.sqlite"), min_chars, "en", drop)


def test_finder_reports_documents_and_sentences_with_the_first_occurrence(tmp_path):
    check = finder(tmp_path)
    found = {r["id"]: check.check(Document(r["id"], r["text"], r["lang"]))[0] for r in RECORDS}
    assert found["a"] == [] and found["e"] == []
    (b,) = found["b"]
    assert (b.rule, b.start, b.end, b.first) == ("duplicate.document", 0, len(RECORDS[1]["text"]), {"doc_id": "a", "start": 0, "end": 71})
    assert b.text == RECORDS[1]["text"] and "'a'" in b.message and b.fix == "none"
    assert [(f.rule, f.first["doc_id"]) for f in found["c"]] == [("duplicate.near_document", "a")]
    assert [(f.rule, f.first["doc_id"]) for f in found["f"]] == [("duplicate.near_document", "a")]
    (d,) = found["d"]  # "Yes." twice is too short, and repeats inside one document are not this check's
    assert (d.rule, d.text, d.first) == ("duplicate.sentence", "The outcome improved in most cases.",
                                         {"doc_id": "a", "start": 36, "end": 71})
    assert RECORDS[3]["text"][d.start : d.end] == d.text


def test_near_duplicate_sentences_and_switching_sentences_off(tmp_path):
    check = finder(tmp_path / "on")
    check.check(Document("x", "Mortality fell by 12% in the first year."))
    (near,) = check.check(Document("y", "Intro here. MORTALITY fell by 31 % in the first year"))[0]
    assert (near.rule, near.first) == ("duplicate.near_sentence", {"doc_id": "x", "start": 0, "end": 40})
    off = finder(tmp_path / "off", min_chars=None)
    off.check(Document("x", "Mortality fell by 12% in the first year."))
    assert off.check(Document("y", "Intro here. Mortality fell by 12% in the first year."))[0] == []


def test_duplicates_are_reported_in_findings_and_counted(tmp_path):
    summary = run_plain(corpus(tmp_path), tmp_path / "out", shard_size=2)
    findings = [f for f in load(tmp_path / "out" / "findings.jsonl") if f["category"] == "duplicate"]
    assert [(f["doc_id"], f["rule"], f["first"]["doc_id"]) for f in findings] == [
        ("b", "duplicate.document", "a"), ("c", "duplicate.near_document", "a"), ("d", "duplicate.sentence", "a"),
        ("f", "duplicate.near_document", "a")]
    assert summary["duplicates"] == {"found_by_rule": {"duplicate.near_document": 2, "duplicate.document": 1,
                                                       "duplicate.sentence": 1}, "dropped": 0}
    assert summary["documents_cleaned"] == 6


def test_drop_duplicates_sends_them_to_quarantine_with_the_reason(tmp_path):
    config = CleanConfig(lang="en", drop_duplicates=True)
    summary = run_plain(corpus(tmp_path), tmp_path / "out", config=config)
    out = tmp_path / "out"
    cleaned, quarantine = load(out / "cleaned.jsonl"), load(out / "quarantine.jsonl")
    assert [c["id"] for c in cleaned] == ["a", "d", "e"]
    assert [(q["record"]["id"], q["line"], q["reason"]) for q in quarantine] == [
        ("b", 2, "duplicate_text"), ("c", 3, "near_duplicate_text"), ("f", 6, "near_duplicate_text")]
    assert all("document 'a'" in q["detail"] for q in quarantine)  # the kept copy, not the dropped c
    assert summary["records_read"] == 6 == summary["documents_cleaned"] + summary["records_quarantined"]
    assert summary["quarantine_by_reason"] == {"duplicate_text": 1, "near_duplicate_text": 2}
    assert summary["duplicates"]["dropped"] == 3
    assert [f["rule"] for f in load(out / "findings.jsonl") if f["category"] == "duplicate"] == ["duplicate.sentence"]


def test_an_allow_list_keeps_a_duplicate_and_a_dry_run_drops_nothing(tmp_path):
    allow = tmp_path / "keep.allow.yaml"
    allow.write_text("- {rule: duplicate.*, doc: c, reason: a deliberate variant}\n", encoding="utf-8")
    config = CleanConfig(lang="en", drop_duplicates=True, allow_lists=(str(allow),))
    run_plain(corpus(tmp_path), tmp_path / "allowed", config=config)
    assert [c["id"] for c in load(tmp_path / "allowed" / "cleaned.jsonl")] == ["a", "c", "d", "e"]
    (silenced,) = load(tmp_path / "allowed" / "suppressed.jsonl")
    assert (silenced["doc_id"], silenced["rule"], silenced["fix"]) == ("c", "duplicate.near_document", "auto")

    summary = run_plain(corpus(tmp_path), tmp_path / "dry", config=CleanConfig(lang="en", drop_duplicates=True, check_only=True))
    assert summary["records_quarantined"] == 0 and summary["documents_cleaned"] == 6
    fixes = {f["doc_id"]: f["fix"] for f in load(tmp_path / "dry" / "findings.jsonl") if f["rule"].endswith("document")}
    assert fixes == {"b": "auto", "c": "auto", "f": "auto"}  # what a real run would do: drop them


def test_first_occurrence_does_not_depend_on_the_shard_size(tmp_path):
    records = [dict(r, id=f"{r['id']}{i}") for i in range(3) for r in RECORDS]
    config = CleanConfig(lang="en", drop_duplicates=True)
    a = run_plain(corpus(tmp_path, records), tmp_path / "a", shard_size=1, config=config)
    b = run_plain(corpus(tmp_path, records), tmp_path / "b", shard_size=1000, config=config)
    assert a == b
    for name in ("cleaned", "findings", "quarantine", "suppressed"):
        assert (tmp_path / "a" / f"{name}.jsonl").read_bytes() == (tmp_path / "b" / f"{name}.jsonl").read_bytes()
    assert [c["id"] for c in load(tmp_path / "a" / "cleaned.jsonl")] == ["a0", "d0", "e0"]


def test_the_seen_index_stores_a_holders_name_once_and_answers_with_it(tmp_path):
    """A key's row holds numbers only; the name of the document (or file) that holds it is stored
    once for that holder's keys in a row, and every answer gives it back whole, whatever it holds,
    also for a name that comes back after another."""
    seen = FirstSeen(tmp_path / "seen.sqlite", pending_keys=1)  # each key written at once, to count the rows
    name = "ünïcode: id with 'quotes', colons: and\ta tab"
    assert [seen.first(f"key {i}", (name, i, i + 3)) for i in range(5)] == [None] * 5
    (rows,) = seen._db.execute("SELECT count(*) FROM holder").fetchone()
    assert rows == 1  # five keys of one holder in a row: its name once
    assert seen.first("key 2", ("later", 0, 1)) == (name, 2, 5)
    seen.add("key 9", ("other", 7, 8))
    seen.add("key 9", ("third", 0, 0))  # known: the first place stays
    assert seen.get("key 9") == ("other", 7, 8) and seen.get("never") is None
    for i, holder in enumerate(["A", "B", "A", "B", "A"]):  # names coming back
        assert seen.first(f"again {i}", (holder, i, i)) is None
    assert [seen.get(f"again {i}") for i in range(5)] == [("A", 0, 0), ("B", 1, 1), ("A", 2, 2), ("B", 3, 3), ("A", 4, 4)]
    assert seen.get("key 4") == (name, 4, 7)
    seen.close()


@pytest.mark.parametrize("filter_mib, pending", [(None, 16_384), (16 / 2**20, 7), (1 / 2**20, 1)])
def test_the_seen_index_answers_as_a_dict_would_whatever_its_filter_and_pending_keys(tmp_path, filter_mib, pending):
    """The Bloom filter only spares SQLite questions, and pending keys are answered before they are
    written: with a filter so small it is nearly always wrong, and keys written every few, the
    answers are those of a plain dict of first places."""
    rng = random.Random(7)
    seen = FirstSeen(tmp_path / "seen.sqlite", filter_mib=filter_mib, pending_keys=pending)
    truth: dict[str, tuple] = {}
    holders = [f"doc {i}" for i in range(40)]
    for step in range(3_000):
        key, place = f"k{rng.randrange(600)}", (holders[step // 75], step, step + 1)
        action = rng.choice(("first", "first", "get", "add"))
        if action == "first":
            assert seen.first(key, place) == truth.get(key)
            truth.setdefault(key, place)
        elif action == "get":
            assert seen.get(key) == truth.get(key)
        else:
            seen.add(key, place)
            truth.setdefault(key, place)
    assert all(seen.get(key) == place for key, place in truth.items())
    seen.close()


def test_a_name_the_index_cannot_store_fails_with_its_own_key_and_harms_no_other(tmp_path):
    """A holder name SQLite cannot store (a file name the OS decoded with surrogate escapes) fails at
    the key that brought it, as when each key was written at once; the keys before and after it
    are answered as ever, across writes of the pending keys."""
    seen = FirstSeen(tmp_path / "seen.sqlite", pending_keys=2)
    assert seen.first("a", ("doc 1", 0, 1)) is None
    with pytest.raises(UnicodeEncodeError):
        seen.first("b", ("caf\udce9.jsonl", 0, 1))
    assert [seen.first(k, ("doc 2", i, i)) for i, k in enumerate("cde")] == [None] * 3
    assert [seen.get(k) for k in "abcde"] == [("doc 1", 0, 1), None, ("doc 2", 0, 0), ("doc 2", 1, 1), ("doc 2", 2, 2)]
    seen.close()


def test_a_duplicate_names_its_first_occurrence_in_full(tmp_path):
    check = finder(tmp_path)
    check.check(Document("doc:1", "A first sentence that is long enough. Another one follows here.", "en"))
    (dup,) = check.check(Document("doc:2", "Something else entirely. Another one follows here.", "en"))[0]
    assert dup.message == "This sentence first occurs in document 'doc:1' (characters 38-63)"
    assert dup.first == {"doc_id": "doc:1", "start": 38, "end": 63}
