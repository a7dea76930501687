"""Fuzzing the whole clean function and the shard stage with hostile Unicode (issue 8).

Two targets, each bounded for CI (well under a minute together):

- `clean_document` with every detector on (the default-off ones too), every rule pack and a
  glossary, on text drawn from all Unicode planes plus the debris MT and broken pipelines leave
  (bidi and zero-width controls, combining marks, mojibake, HTML entities, punctuation runs,
  mixed scripts), with random inline tags as TMX/XLIFF documents carry them;
- the read -> clean -> merge stages on random JSONL, some lines broken.

Invariants: every finding's span is valid and `original[start:end] == text`; the edit log
rebuilds the cleaned text from the original and back; no edit cuts through an inline tag;
cleaning the cleaned text again makes no edit; and no record is lost (read = cleaned +
quarantined). test_normalise.py fuzzes normalisation alone; this is the whole pipeline.

A longer run, locally:  MTQA_FUZZ_EXAMPLES=5000 .venv/bin/python -m pytest tests/test_fuzz.py -p no:cacheprovider
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from mtqa.cleaners.config import CleanConfig
from mtqa.cleaners.detectors import default_off
from mtqa.cleaners.edits import apply_edits, revert_edits
from mtqa.cleaners.pipeline import clean_document
from mtqa.corpora.inline import CODE
from mtqa.records import Document, Edit
from tests.test_bad_input import run_stages

EXAMPLES = int(os.environ.get("MTQA_FUZZ_EXAMPLES", "150"))
FUZZ = settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

# What broken pipelines and MT leave in text, beside arbitrary code points of every plane.
DEBRIS = [
    "\u202e", "\u202a", "\u202b", "\u202c", "\u2066", "\u2067", "\u2068", "\u2069", "\u200e", "\u200f",  # bidi
    "\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u00ad",  # zero-width, soft hyphen
    "\u0301", "\u0308\u0323", "\u0300" * 12, "e\u0301", "\u1100\u1161",  # combining, decomposed, conjoining jamo
    "Ã©", "Ã¨", "â€™", "â€œ", "Ã¢â‚¬â„¢", "Ã", "Â ", "Â\u00a0", "ï»¿",  # mojibake
    "&amp;", "&#39;", "&nbsp;", "&lt;b&gt;", "&amp;amp;", "&#x1F600;", "&", "&#0;",  # entities
    ". .", "..", "...", " ,", " ;", " :", ",,", "!!!", "?!", "…", "—", "–", "«", "»", "“", "”", "„", "‘", "’", "'", '"',
    "(", ")", "[", "]", "{", "}", "（", "）", "。", "、", "「", "」", "¿", "¡",
    " ", "  ", "\t", "\n", "\r\n", "\r", "\u00a0", "\u202f", "\u3000", "\u2028", "\x85",
    "\x00", "\x07", "\x1b[31m", "\x7f", "\x9b",
    "中文", "日本語です", "한국어", "Привет мир", "مرحبا", "שלום", "हिन्दी", "Ελληνικά", "ქართული", "ไทย",
    "😀", "👨\u200d👩\u200d👧", "🇫🇷", "\U0010ffff", "\U0001d400", "\U00020000",
    "Kiev", "Dombas", "the the", "head of US diplomacy", "1,000", "12.5%", "2024", "http://example.com/a?b=c",
    "a@b.example", "HIV", "mRNA", "Mr.", "1)", "a)",
]
WORDS = ["The", "cat", "sat", "on", "the", "mat", "Le", "président", "der", "Präsident", "el", "presidente", "and",
         "report", "Ukraine", "said", "that", "patients", "kidney", "rein", "Niere"]
hostile_chars = st.characters(exclude_categories=("Cs",))  # every plane; lone surrogates cannot be written out
pieces = st.one_of(st.sampled_from(DEBRIS), st.sampled_from(WORDS).map(lambda w: w + " "),
                   st.text(hostile_chars, max_size=6))
LANGS = ["en", "fr", "de", "es", "zh", "ja", "ru", "ar", None]


@st.composite
def documents(draw) -> Document:
    """A document of hostile text, sometimes with a source, sometimes with inline tags: paired
    tags (p, p) where a <g> opens or closes, codes (p, p + 1) on a placeholder, as flatten() gives."""
    with_tags = draw(st.booleans())
    text, tags = "", []
    for piece in draw(st.lists(pieces, max_size=30)):
        if with_tags and draw(st.integers(0, 5)) == 0:
            if draw(st.booleans()):
                tags.append((len(text), len(text)))
            else:
                tags.append((len(text), len(text) + 1))
                text += CODE
        text += piece.replace(CODE, "")
    source = draw(st.none() | st.lists(pieces, max_size=15).map("".join))
    return Document("d", text, draw(st.sampled_from(LANGS)), source, draw(st.sampled_from(LANGS)),
                    tags=tuple(dict.fromkeys(tags)))


@pytest.fixture(scope="module")
def everything_on(tmp_path_factory) -> CleanConfig:
    """Every rule pack, every detector (default-off ones too) and a glossary."""
    glossary = tmp_path_factory.mktemp("fuzz") / "terms.tsv"
    glossary.write_text("source_term\ttarget_term\tlang\nkidney\trein\tfr\nPubMed\t\t\nrein\tNiere\tde\n", encoding="utf-8")
    return CleanConfig(enable_rules=tuple(default_off()), terms=str(glossary))


def crosses(edit: Edit, tags) -> bool:
    """Whether an edit cuts through a tag: changes a code's placeholder, or spans a paired tag."""
    return edit.start < edit.end and any((a < b and a < edit.end and edit.start < b) or (a == b and edit.start < a < edit.end)
                                         for a, b in tags)


def moved_tags(tags, edits: list[Edit]) -> tuple[tuple[int, int], ...]:
    """The tags' places in the cleaned text (an insertion where a tag stands goes before it)."""
    def shift(p):
        return p + sum(len(e.after) - len(e.before) for e in edits if e.end <= p)
    return tuple((shift(a), shift(a) + (b - a)) for a, b in tags)


@FUZZ
@given(doc=documents())
# found by this test: ftfy's plan encode/transcode/decode crashed fix_encoding
@example(doc=Document("d", "Â ", "en"))
# found by this test: a repair beside a code was held back, but not the diff's other half, which was
# then inserted again each round ("x \xa0The \xa0The \xa0The ..."), and a held-back finding's span
# was taken after the other changes had moved the text (start past the end)
@example(doc=Document("d", f"x &nbsp;The {CODE}&#0;", "en", tags=((11, 12),)))
@example(doc=Document("d", f"\u202e x &lt;b&gt;The {CODE}&#0;", "en", tags=((17, 18),)))
@example(doc=Document("d", "a &nbsp; b &nb" + "sp; c", "en", tags=((13, 13),)))  # an entity cut by a tag
def test_clean_document_explains_itself_on_hostile_text(doc, everything_on):
    result = clean_document(doc, everything_on)
    original = doc.text
    for f in result.findings:
        assert 0 <= f.start <= f.end <= len(original), f
        assert original[f.start : f.end] == f.text, f
    assert apply_edits(original, result.edits) == result.text
    assert revert_edits(result.text, result.edits) == original
    assert not [e for e in result.edits if crosses(e, doc.tags)]
    assert result.text.count(CODE) == original.count(CODE)  # every code kept
    # cleaning the cleaned text again changes nothing more
    again = clean_document(Document(doc.id, result.text, doc.lang, doc.source, doc.source_lang,
                                    tags=moved_tags(doc.tags, result.edits)), everything_on)
    assert again.edits == [], (result.text, again.edits)


_BROKEN_LINES = st.sampled_from([
    b'{"id": "x", "text": ', b"[1, 2]", b"null", b'{"text": "no id"}', b'{"id": "y", "text": 5}', b"\xff\xfe\x00",
    b'{"id": "nan", "text": "x", "v": NaN}', b"[" * 200, b'{"id": "s", "text": "\\ud800"}', b"{}", b'"just text"',
])


@st.composite
def jsonl_corpora(draw) -> bytes:
    lines = [b'{"id": "first", "text": "A first record, so no line of noise looks like UTF-16 ."}']
    for n in range(draw(st.integers(0, 12))):
        kind = draw(st.integers(0, 3))
        if kind == 0:
            lines.append(draw(_BROKEN_LINES))
        elif kind == 1:
            lines.append(draw(st.binary(max_size=40)).replace(b"\n", b" ").replace(b"\r", b" "))
        else:
            text = draw(st.lists(pieces, max_size=12).map("".join))
            doc_id = draw(st.sampled_from([f"d{n}", "dup", "../x", str(n)]))
            lines.append(json.dumps({"id": doc_id, "text": text, "lang": draw(st.sampled_from(LANGS))}).encode())
    return b"\n".join(lines) + draw(st.sampled_from([b"\n", b"\r\n", b""]))


@settings(max_examples=max(10, EXAMPLES // 6), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=jsonl_corpora())
def test_shard_stages_lose_no_record_of_random_jsonl(data, everything_on):
    with tempfile.TemporaryDirectory(prefix="mtqa-fuzz-") as tmp:
        corpus = Path(tmp) / "c.jsonl"
        corpus.write_bytes(data)
        # run_stages checks the outputs: read = cleaned + quarantined, reasons, offsets, edit logs
        summary = run_stages(corpus, Path(tmp) / "out", everything_on._replace(lang="en"), shard_size=4, budget=60)
    non_blank = [line for line in data.replace(b"\r\n", b"\n").replace(b"\r", b"\n").split(b"\n") if line.strip()]
    assert summary["records_read"] == len(non_blank)


# --- review, apply, revert (issue 19) ---------------------------------------------------------------

REPLACEMENTS = st.one_of(st.sampled_from(["=HYPERLINK(\"http://x\")", "+1", "-", "@SUM(A1)", "'=quoted", "\t=tab", "",
                                          "\x1b]2;title\x07", "\u202e0001", "Kyiv", "x\r\ny"]),
                         st.text(hostile_chars, max_size=8))
IDS = st.sampled_from(["d", "=cmd|' /C calc'!A0", "\x1b]2;id\x07", "\u202egnp.exe", "+1", "-x", "@x", "7"])


@st.composite
def reviewed_documents(draw):
    """A hostile document (with a hostile id) and, for each of its findings for review, a decision
    (as a person makes them, typed replacements included) and whether it goes through the CSV."""
    doc = draw(documents())
    doc = Document(draw(IDS), doc.text, "en", doc.source, doc.source_lang, tags=doc.tags)
    choices = st.tuples(st.sampled_from(["accept", "edit", "remember", "reject", "not_an_error", "skip"]), REPLACEMENTS)
    return doc, draw(st.lists(choices, min_size=40, max_size=40)), draw(st.booleans())


@settings(max_examples=max(10, EXAMPLES // 3), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(case=reviewed_documents())
@example(case=(Document("=cmd|' /C calc'!A0", "Kiev\x1b]2;t\x07 and Dombas , and Kiev .", "en"),
               [("edit", "=HYPERLINK(\"x\")"), ("accept", ""), ("edit", "\t=tab")] * 14, True))
def test_review_apply_revert_hold_on_hostile_text_and_decisions(case, everything_on):
    """Decisions on hostile text and ids, typed or through the spreadsheet, with hostile
    replacements: the revised text is the original plus the edit log (both ways), `revert` gives the
    original back exactly, an edited replacement lands as the person gave it, and what review shows
    sends nothing to the terminal."""
    import csv
    import re

    from mtqa.flows.shards import document_output
    from mtqa.revision.apply import REVISED, REVISED_EDITS, apply_decisions, revert_run
    from mtqa.revision.decisions import decision_for, export_csv, read_csv, reviewable
    from mtqa.revision.session import describe

    doc, choices, through_csv = case
    output = document_output(doc, everything_on)
    with tempfile.TemporaryDirectory() as tmp:
        run_dir = Path(tmp) / "run"
        run_dir.mkdir()
        record = {"id": doc.id, **json.loads(output["cleaned"])}  # a Document made here has no input record
        (run_dir / "cleaned.jsonl").write_text(json.dumps(record, ensure_ascii=False) + "\n", encoding="utf-8")
        (run_dir / "findings.jsonl").write_text("".join(f + "\n" for f in output["findings"]), encoding="utf-8")
        (run_dir / "edits.jsonl").write_text("".join(e + "\n" for e in output["edits"]), encoding="utf-8")
        findings = list(reviewable(run_dir))
        for number, finding in enumerate(findings, 1):
            shown = re.sub(r"\x1b\[[0-9;]*m", "", describe(finding, record, number, len(findings)))
            assert not re.search("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]", shown), repr(shown)
        wanted = {f["id"]: (f, *choices[i % len(choices)]) for i, f in enumerate(findings)}
        if through_csv:
            sheet = Path(tmp) / "decisions.csv"
            export_csv(run_dir, sheet)
            rows = list(csv.DictReader(sheet.open(encoding="utf-8", newline="")))
            assert not [v for row in rows for v in row.values() if v[:1] in ("=", "+", "-", "@", "\t", "\r")]
            for row in rows:
                _, choice, replacement = wanted[row["id"]]
                row.update(decision=choice, replacement=replacement)
            with sheet.open("w", encoding="utf-8", newline="") as stream:
                writer = csv.DictWriter(stream, list(rows[0]) if rows else ["id", "decision"])
                writer.writeheader()
                writer.writerows(rows)
            decisions, problems = read_csv(sheet, run_dir)
            assert problems == []
        else:
            decisions = [decision_for(f, choice, replacement if choice == "edit" else None)
                         for f, choice, replacement in wanted.values()]
        result = apply_decisions(run_dir, decisions)
        revised = json.loads((run_dir / REVISED).read_text(encoding="utf-8"))
        edits = [Edit(**json.loads(line)) for line in (run_dir / REVISED_EDITS).read_text(encoding="utf-8").splitlines()]
        assert apply_edits(doc.text, edits) == revised["text"] and revert_edits(revised["text"], edits) == doc.text
        skipped = {d.id for d, _ in result.skipped}
        for d in decisions:
            if d.decision == "edit" and d.id not in skipped:
                assert any(e.after == d.replacement and e.rule.startswith("review.edit:") for e in edits), d
        assert revert_run(run_dir, Path(tmp) / "reverted.jsonl")[0] == 1
        reverted = json.loads((Path(tmp) / "reverted.jsonl").read_text(encoding="utf-8"))
        assert reverted["text"] == doc.text and str(reverted["id"]) == doc.id
