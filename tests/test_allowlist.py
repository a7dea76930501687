"""Allow lists: silenced findings are set aside and counted, never lost; silenced fixes are not made."""

import json
import subprocess
from pathlib import Path

import pytest

from mtqa.cleaners.allowlist import AllowList, AllowListError, add_entry, beside, load_file
from mtqa.cleaners.config import CleanConfig
from mtqa.cleaners.edits import apply_edits
from mtqa.cleaners.signature import run_signature
from mtqa.flows.fingerprint import cache_fingerprint
from mtqa.records import Edit
from tests.conftest import MTQA, commands_env
from tests.test_shards import load, run_plain

DEBRIS = [
    {"id": "a", "text": "The school , in Paris . .", "lang": "en"},
    {"id": "b", "text": "The town , in Lyon . .", "lang": "en"},
    {"id": "c", "text": "The Ã©cole is big.", "lang": "en"},
]


def corpus(tmp_path: Path, records=DEBRIS) -> Path:
    path = tmp_path / "c.jsonl"
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    return path


def allow_file(tmp_path: Path, text: str) -> str:
    path = tmp_path / "my.allow.yaml"
    path.write_text(text, encoding="utf-8")
    return str(path)


def by_id(out: Path) -> dict[str, dict]:
    return {c["id"]: c for c in load(out / "cleaned.jsonl")}


def test_entries_match_by_rule_document_text_and_glob():
    allow = AllowList.from_entries([
        {"rule": "structure.lowercase_start", "text": "mRNA"},
        {"rule": "en.*", "doc": "d1", "reason": "quotes an old spelling"},
        {"rule": "source.length_ratio"},
        {"rule": "en.kiev_kyiv", "doc": 7},
    ])
    assert allow.match("structure.lowercase_start", "any", "mRNA").index == 0
    assert allow.match("structure.lowercase_start", "any", "nous") is None
    assert allow.match("en.kiev_kyiv", "d1", "Kiev").index == 1  # the glob comes first in the file
    assert allow.match("en.kiev_kyiv", "7", "Kiev").index == 3  # an integer id matches its text form
    assert allow.match("en.kiev_kyiv", "d2", "Kiev") is None
    assert allow.match("source.length_ratio", "whatever", "x").index == 2  # rule alone: corpus-wide
    assert allow.match("fr-en.actually", "d1", "x") is None


@pytest.mark.parametrize("text, message", [
    ("{rule: x}\n", "an allow list is a YAML list"),
    ("- {rule: x, because: y}\n", "entry 1: unknown field(s): because"),
    ("- {rule: x}\n- {doc: d}\n", "entry 2: 'rule' (a rule id or glob) is required"),
    ("- {rule: x, text: [a]}\n", "entry 1: 'text' must be text"),
    ("- {rule: x\n", "invalid YAML"),
])
def test_a_bad_list_is_refused_with_file_and_entry(tmp_path, text, message):
    with pytest.raises(AllowListError, match=r"my\.allow\.yaml: .*" + message.replace("(", r"\(").replace(")", r"\)").replace("[", r"\[")):
        load_file(allow_file(tmp_path, text))


def test_add_entry_appends_atomically_and_keeps_comments(tmp_path):
    path = Path(allow_file(tmp_path, "# reviewed by Ana\n- {rule: en.kiev_kyiv, reason: quoted}"))  # no final newline
    tricky = '  "quoted": it\'s\nmultiline #not a comment'
    add_entry(path, "structure.lowercase_start", doc="doc 1", text=tricky, reason="not an error")
    add_entry(tmp_path / "new.allow.yaml", "space.repeated")
    text = path.read_text(encoding="utf-8")
    assert text.startswith("# reviewed by Ana\n- {rule: en.kiev_kyiv, reason: quoted}\n")
    entries, _ = load_file(path)
    assert [(e.rule, e.doc, e.text, e.reason) for e in entries] == [
        ("en.kiev_kyiv", None, None, "quoted"), ("structure.lowercase_start", "doc 1", tricky, "not an error")]
    assert [e.rule for e in load_file(tmp_path / "new.allow.yaml")[0]] == ["space.repeated"]
    with pytest.raises(AllowListError):
        add_entry(path, "")  # a bad entry leaves the file alone
    assert path.read_text(encoding="utf-8") == text
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]


def test_a_silenced_automatic_fix_is_not_made_and_is_kept_in_suppressed(tmp_path):
    allow = allow_file(tmp_path, "- {rule: space.before_comma_period, doc: a, reason: house style}\n"
                                 "- {rule: encoding.mojibake, doc: c}\n")
    summary = run_plain(corpus(tmp_path), tmp_path / "out", config=CleanConfig(lang="en", allow_lists=(allow,)))
    out = tmp_path / "out"
    docs = by_id(out)
    assert docs["a"]["text"] == "The school , in Paris."  # the comma's space stays, the rest is fixed
    assert docs["b"]["text"] == "The town, in Lyon."  # the same rule still fixes other documents
    assert docs["c"]["text"] == "The Ã©cole is big."  # mojibake left as it is, for this document only
    suppressed = load(out / "suppressed.jsonl")
    assert [(s["doc_id"], s["rule"], s["text"], s["fix"]) for s in suppressed] == [
        ("a", "space.before_comma_period", " ", "auto"), ("c", "encoding.mojibake", "Ã©cole", "auto")]
    assert suppressed[0]["allowed_by"] == {"file": "my.allow.yaml", "entry": 0, "rule": "space.before_comma_period",
                                           "reason": "house style"}
    assert summary["suppressed"] == {"findings": 2, "by_rule": {"encoding.mojibake": 1, "space.before_comma_period": 1}}
    findings = load(out / "findings.jsonl")
    assert not {(f["doc_id"], f["rule"]) for f in findings} & {("a", "space.before_comma_period"), ("c", "encoding.mojibake")}
    edits = load(out / "edits.jsonl")
    for doc in docs.values():  # the edit log still explains every text
        assert apply_edits(doc["original"], [Edit(**e) for e in edits if e["doc_id"] == doc["id"]]) == doc["text"]


def test_not_an_error_in_review_stays_silent_on_the_next_run(tmp_path):
    records = [{"id": "n1", "text": "The results are clear. nous found it twice.", "lang": "en"}]
    on = ("structure.lowercase_start",)  # off by default
    first = run_plain(corpus(tmp_path, records), tmp_path / "one", config=CleanConfig(lang="en", enable_rules=on))
    (finding,) = [f for f in load(tmp_path / "one" / "findings.jsonl") if f["rule"] == "structure.lowercase_start"]
    path = tmp_path / "review.allow.yaml"
    add_entry(path, finding["rule"], finding["doc_id"], finding["text"], reason="not an error (review)")
    second = run_plain(corpus(tmp_path, records), tmp_path / "two",
                       config=CleanConfig(lang="en", allow_lists=(str(path),), enable_rules=on))
    assert "structure.lowercase_start" not in {f["rule"] for f in load(tmp_path / "two" / "findings.jsonl")}
    (silenced,) = load(tmp_path / "two" / "suppressed.jsonl")
    assert {k: silenced[k] for k in finding} == finding
    assert second["findings"] == first["findings"] - 1 and second["suppressed"]["findings"] == 1


def test_the_list_is_in_the_signature_and_the_cache_fingerprint(tmp_path):
    allow = allow_file(tmp_path, "- {rule: space.repeated}\n")
    config = CleanConfig(allow_lists=(allow,))
    signature = run_signature(config)
    (entry,) = signature["allow_lists"]
    assert entry["file"] == "my.allow.yaml" and entry["entries"] == 1 and len(entry["sha256"]) == 16
    assert f"allow:my.allow.yaml@{entry['sha256'][:8]}" in signature["text"]
    assert signature["options"]["allow_lists"] == ["my.allow.yaml"]
    before = cache_fingerprint(signature, config)
    Path(allow).write_text("- {rule: space.repeated}\n- {rule: space.leading}\n", encoding="utf-8")
    assert cache_fingerprint(run_signature(config), config) != before  # cached documents are not served stale


def test_command_line_picks_up_the_list_beside_a_rule_pack(tmp_path):
    pack = tmp_path / "house.yaml"
    pack.write_text("rules:\n  - {id: house.town, pattern: '\\btown\\b', replace: city, fix: auto, category: style,"
                    " severity: minor, message: Say city.}\n", encoding="utf-8")
    assert beside(pack) == tmp_path / "house.allow.yaml"
    beside(pack).write_text("- {rule: house.town, doc: b, reason: a real town}\n", encoding="utf-8")
    out = tmp_path / "out"
    result = subprocess.run([MTQA, "clean", str(corpus(tmp_path)), "--out", str(out), "--rules", str(pack), "--runner", "threads"],
                            capture_output=True, text=True, timeout=300, env=commands_env())
    assert result.returncode == 0, result.stderr
    assert "Silenced by allow lists (in suppressed.jsonl): 1 findings (house.town 1)." in result.stdout
    assert by_id(out)["b"]["text"] == "The town, in Lyon."
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert [a["file"] for a in summary["signature"]["allow_lists"]] == ["house.allow.yaml"]

    beside(pack).write_text("- {rule: house.town, colour: red}\n", encoding="utf-8")
    result = subprocess.run([MTQA, "clean", str(corpus(tmp_path)), "--out", str(out), "--rules", str(pack)],
                            capture_output=True, text=True, timeout=300, env=commands_env())
    assert result.returncode == 1
    assert result.stderr.strip() == f"mtqa: error: {beside(pack)}: entry 1: unknown field(s): colour (allowed: rule, doc, text, reason)"


def test_a_document_entry_silences_that_document_only_even_for_repeated_text(tmp_path):
    """The pipeline cleans a repeated text once; an entry naming one document must still stay in it."""
    from mtqa.cleaners.pipeline import clean_document
    from mtqa.records import Document

    allow = tmp_path / "allow.yaml"
    add_entry(allow, "en.dombas_donbas", doc="a", text="Dombas")
    config = CleanConfig(lang="en", allow_lists=(str(allow),))
    text = "The war in the Dombas has gone on for eight years."
    first, second = clean_document(Document("a", text, "en"), config), clean_document(Document("b", text, "en"), config)
    assert "en.dombas_donbas" not in {f.rule for f in first.findings}
    assert [f.doc_id for f in second.findings if f.rule == "en.dombas_donbas"] == ["b"]
