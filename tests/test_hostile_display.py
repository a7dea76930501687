"""Corpus text that attacks the person reviewing it: escape sequences for their terminal, bidi
overrides that reorder what they see, formulas for their spreadsheet, and keys pressed by mistake
at the edit prompt. Shown or exported, all of it must stay inert text; typed, it must not land
in the revised corpus."""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path

import pytest

from mtqa.revision.decisions import export_csv, read_csv, recorded
from mtqa.revision.session import describe, run_session
from mtqa.revision.terminal import from_spreadsheet_cell, spreadsheet_cell, typed, visible

ORIGINAL = "Kiev\x1b]2;pwned\x07 pays \u202e0001 \x1b[2J\x9b31m dollars.\nNext line."
DOC_ID = "=cmd|' /C calc'!A0"
FINDING = {"doc_id": DOC_ID, "start": 0, "end": 4, "text": "Kiev", "rule": "en.kiev_kyiv", "category": "style",
           "severity": "minor", "message": '=HYPERLINK("http://evil.example","click") \x1b]0;title\x07',
           "suggestion": "@SUM(1+1)", "fix": "review"}
OUR_STYLE = re.compile(r"\x1b\[[0-9;]*m")  # click.style's own colours, the only escapes allowed


@pytest.fixture
def run(tmp_path) -> Path:
    run_dir = tmp_path / "run"
    run_dir.mkdir()
    record = {"id": DOC_ID, "text": ORIGINAL, "original": ORIGINAL, "lang": "en", "detected_lang": "en"}
    (run_dir / "cleaned.jsonl").write_text(json.dumps(record) + "\n", encoding="utf-8")
    (run_dir / "findings.jsonl").write_text(json.dumps(FINDING) + "\n" + json.dumps(
        {**FINDING, "start": 5, "end": 8, "text": ORIGINAL[5:8], "suggestion": "-1+2", "message": "+minus"}) + "\n",
        encoding="utf-8")
    (run_dir / "edits.jsonl").write_text("", encoding="utf-8")
    return run_dir


def test_exported_cells_are_never_formulas(run, tmp_path):
    sheet = tmp_path / "d.csv"
    assert export_csv(run, sheet) == 2
    rows = list(csv.DictReader(sheet.open(encoding="utf-8", newline="")))
    cells = [value for row in rows for value in row.values()]
    assert not [c for c in cells if c[:1] in ("=", "+", "-", "@", "\t", "\r")], cells
    assert [row["doc_id"] for row in rows] == ["'" + DOC_ID] * 2
    assert [from_spreadsheet_cell(row["suggestion"]) for row in rows] == ["@SUM(1+1)", "-1+2"]
    assert from_spreadsheet_cell(rows[0]["message"]) == FINDING["message"]


def test_a_replacement_protected_by_the_spreadsheet_is_read_back_as_typed(run, tmp_path):
    sheet = tmp_path / "d.csv"
    export_csv(run, sheet)
    rows = list(csv.DictReader(sheet.open(encoding="utf-8", newline="")))
    rows[0].update(decision="edit", replacement="'=Kyiv")  # as a spreadsheet that followed the export's convention saves it
    with sheet.open("w", encoding="utf-8", newline="") as stream:
        writer = csv.DictWriter(stream, list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    decisions, problems = read_csv(sheet, run)
    assert not problems and [d.replacement for d in decisions] == ["=Kyiv"]


def test_review_shows_escapes_and_bidi_controls_without_emitting_them(run):
    shown = describe({**FINDING, "id": "x"}, json.loads((run / "cleaned.jsonl").read_text(encoding="utf-8")), 1, 1)
    inert = OUR_STYLE.sub("", shown)
    assert not re.search("[\x00-\x09\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]", inert), repr(inert)
    for seen in (r"\x1b]2;pwned\x07", r"\u202e0001", r"\x1b[2J", r"\x9b31m", r"\x1b]0;title\x07"):
        assert seen in inert


def test_keys_pressed_by_mistake_do_not_reach_the_revised_text(run, tmp_path):
    answers = iter(["e", "US\x1b[D Secretary\x1bOA", "q"])
    run_session(run, tmp_path / "pack.yaml", ask=lambda prompt: next(answers))
    (decision,) = recorded(run).values()
    assert (decision.decision, decision.replacement) == ("edit", "US Secretary")


def test_the_pieces():
    assert visible("a\tb\x00c") == "a\tb\\x00c"
    assert typed("a\x1b[1;5Cb\x07c") == "abc"
    assert spreadsheet_cell("plain") == "plain" and spreadsheet_cell("\tx") == "'\tx"
    assert from_spreadsheet_cell("'plain") == "'plain"  # an apostrophe of the person's own stays
