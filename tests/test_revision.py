"""Manual revision of the seed article: review in a terminal, decisions in a CSV, apply, revert,
remember as rules, and rules learned from revisions of real MT."""

from __future__ import annotations

import csv
import json
import shutil
import signal
import subprocess
from pathlib import Path

import pexpect
import pytest
import yaml

from mtqa.cleaners.edits import apply_edits
from mtqa.cleaners.rulepack import load_pack
from mtqa.records import Edit
from mtqa.revision.apply import apply_decisions
from mtqa.revision.decisions import decision_for, recorded, reviewable
from mtqa.revision.learn import Pair, learn, substitutions
from tests.conftest import MTQA, SAMPLES, commands_env

SEED = SAMPLES / "ukraine-article.en.txt"


def mtqa(*args: str, check: bool = True, cwd: Path | None = None) -> subprocess.CompletedProcess:
    result = subprocess.run([MTQA, *args], capture_output=True, text=True, timeout=300, check=False, cwd=cwd, env=commands_env())
    if check:
        assert result.returncode == 0, result.stderr
    return result


def load(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


@pytest.fixture(scope="module")
def seed_run(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("seed") / "run"
    mtqa("clean", str(SEED), "--lang", "en", "--source-lang", "fr", "--out", str(out))
    return out


@pytest.fixture
def run(seed_run, tmp_path) -> Path:
    copy = tmp_path / "run"
    shutil.copytree(seed_run, copy, ignore=shutil.ignore_patterns(".mtqa*"))
    return copy


def _as_from_a_shell() -> None:
    """A terminal's shell starts a command with Ctrl-C's SIGINT at its default; a test run started
    in the background (`pytest &`) ignores SIGINT, and a child would inherit that."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def review(run: Path, pack: Path, *extra: str) -> pexpect.spawn:
    return pexpect.spawn(MTQA, ["review", str(run), "--remember-to", str(pack), *extra], encoding="utf-8", timeout=60,
                         dimensions=(50, 200), env={"TERM": "dumb", "PATH": "/usr/bin:/bin", "LANG": "C.UTF-8"},
                         preexec_fn=_as_from_a_shell)


def test_a_review_session_in_a_terminal_saves_every_answer_and_resumes(run, tmp_path):
    pack = tmp_path / "my-rules.yaml"
    pending = [f for f in reviewable(run) if f["rule"].startswith("fr-en.")]  # the slice reviewed: --rule 'fr-en.*'
    assert len(pending) >= 6
    first = review(run, pack, "--rule", "fr-en.*")
    first.expect(r"\[1/\d+\] ukraine-article\.en\.txt · fr-en\.head_of_us_diplomacy")
    first.expect(r"\[head of US diplomacy\]")  # the span, highlighted in its sentence
    first.expect(r"Suggestion: 'head of US diplomacy' -> \S*'US Secretary of State'")  # in colour
    first.expect(r"Apply this fix \[y,n,e,a,r,x,X,s,q,\?\]\?")
    first.sendline("e")
    first.expect("Replace 'head of US diplomacy' with:")
    first.sendline("US Secretary of State")
    first.expect(r"\[2/")
    first.sendline("n")
    first.expect(r"\[3/")
    first.sendline("?")
    first.expect("remember it as a rule")
    first.sendline("s")
    first.expect(r"\[4/")
    first.sendline("q")
    first.expect("3 decided")
    first.expect(pexpect.EOF)
    first.close()
    assert first.exitstatus == 0
    decided = recorded(run)
    assert [d.decision for d in decided.values()] == ["edit", "reject", "skip"]
    assert decided[pending[0]["id"]].replacement == "US Secretary of State"

    second = review(run, pack, "--rule", "fr-en.*")  # resumes with the fourth finding; the skipped one comes back last
    second.expect(rf"\[1/{len(pending) - 2}\] [^·]+ · {pending[3]['rule']}")
    answers = 0
    while True:
        index = second.expect([r"Apply this fix", r"still to review", pexpect.EOF])
        if index != 0:
            break
        answers += 1
        second.sendline("r" if answers == 1 else "y")
    second.close()
    assert answers == len(pending) - 2
    decided = recorded(run)
    assert len(decided) == len(pending) and "skip" not in {d.decision for d in decided.values()}
    remembered = load_pack(pack).rules
    assert len(remembered) == 1 and remembered[0].fix == "auto"


def test_ctrl_c_in_a_review_keeps_the_answers_given(run, tmp_path):
    session = review(run, tmp_path / "pack.yaml")
    session.expect(r"Apply this fix")
    session.sendline("n")
    session.expect(r"\[2/")
    session.expect(r"Apply this fix")
    session.sendcontrol("c")
    session.expect(r"1 decided \(reject 1\); \d+ still to review")
    session.expect(pexpect.EOF)
    session.close()
    assert session.exitstatus == 0 and [d.decision for d in recorded(run).values()] == ["reject"]


def test_apply_and_revert_after_review(run, tmp_path):
    pending = sorted(reviewable(run), key=lambda f: f["rule"] != "fr-en.head_of_us_diplomacy")  # that one first
    head = pending[0]
    log_decisions = [decision_for(head, "edit", "US Secretary of State"), decision_for(pending[1], "reject")]
    log_decisions += [decision_for(f, "accept") for f in pending[2:] if f["end"] <= head["start"] or f["start"] >= head["end"]]
    result = apply_decisions(run, log_decisions)
    assert result.applied == len(log_decisions) - 1 and not result.skipped
    (doc,) = load(run / "revised.jsonl")
    assert "the US Secretary of State, said Russia" in doc["text"] and "Dombas" not in doc["text"] and "Donbas" in doc["text"]
    assert pending[1]["text"] in doc["text"]  # rejected: left as it was
    edits = [Edit(**e) for e in load(run / "revised-edits.jsonl")]
    assert apply_edits(doc["original"], edits) == doc["text"]
    rules = {e.rule for e in edits}
    assert "review.edit:fr-en.head_of_us_diplomacy" in rules and "review.accept:en.dombas_donbas" in rules
    assert {e["rule"] for e in load(run / "edits.jsonl")} <= rules | {"space.before_colon_semicolon"}  # machine fixes kept
    result = mtqa("revert", str(run))
    assert "Restored the original text of 1 changed documents" in result.stdout
    (back,) = load(run / "reverted.jsonl")
    assert back["text"] == SEED.read_text(encoding="utf-8")


def test_decisions_in_a_csv_are_applied_and_bad_rows_reported(run, tmp_path):
    sheet = tmp_path / "decisions.csv"
    result = mtqa("review", str(run), "--export", str(sheet))
    assert "pending findings" in result.stdout
    rows = list(csv.DictReader(sheet.open(encoding="utf-8")))
    assert rows[0]["context"].count("[[") == 1 and rows[0]["decision"] == ""
    by_rule = {r["rule"]: r for r in rows}
    by_rule["en.dombas_donbas"]["decision"] = "accept"
    by_rule["fr-en.head_of_us_diplomacy"].update(decision="edit", replacement="US Secretary of State")
    by_rule["en.kiev_kyiv"]["decision"] = "remember"
    rows.append({**rows[0], "id": "0000000000", "decision": "accept"})
    rows.append({**rows[1], "decision": "maybe"})
    with sheet.open("w", encoding="utf-8", newline="") as stream:
        writer = csv.DictWriter(stream, list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    pack = tmp_path / "my-rules.yaml"
    result = mtqa("apply", str(run), str(sheet), "--remember-to", str(pack))
    lines = result.stderr.strip().splitlines()
    assert f"{sheet}: line {len(rows)}: unknown finding id '0000000000'" in lines[0]
    assert f"{sheet}: line {len(rows) + 1}: unknown decision 'maybe'" in lines[1]
    assert "Applied 3 decisions" in result.stdout and f"Added {pack}: rule user.kiev" in result.stdout
    (doc,) = load(run / "revised.jsonl")
    assert "Donbas" in doc["text"] and "US Secretary of State" in doc["text"] and "Kyiv" in doc["text"]


def test_a_decision_that_no_longer_fits_the_text_is_skipped_with_the_reason(run):
    pending = {f["rule"]: f for f in reviewable(run)}
    (record,) = load(run / "cleaned.jsonl")
    record["original"] = record["original"].replace("Dombas", "Donbas")  # the text changed since the findings
    record["text"] = record["text"].replace("Dombas", "Donbas")
    (run / "cleaned.jsonl").write_text(json.dumps(record, ensure_ascii=False) + "\n", encoding="utf-8")
    result = apply_decisions(run, [decision_for(pending["en.dombas_donbas"], "accept"),
                                   decision_for(pending["en.kiev_kyiv"], "accept")])
    assert result.applied == 1
    ((decision, problem),) = result.skipped
    assert decision.rule == "en.dombas_donbas" and "is no longer 'Dombas' (it reads 'Donbas')" in problem


def test_a_remembered_rule_is_applied_by_the_next_run(run, tmp_path):
    pack = tmp_path / "my-rules.yaml"
    pack.write_text("# my own rules\npack: mine\nrules:\n", encoding="utf-8")
    finding = next(f for f in reviewable(run) if f["rule"] == "en.dombas_donbas")
    from mtqa.revision.rules import add_rule
    from mtqa.revision.session import remembered_rule

    rule_id, added = add_rule(pack, remembered_rule(finding, {"lang": "en"}))
    assert added and add_rule(pack, remembered_rule(finding, {"lang": "en"})) == (rule_id, False)
    assert pack.read_text(encoding="utf-8").startswith("# my own rules\n")  # the user's text is kept
    out = tmp_path / "again"
    mtqa("clean", str(SEED), "--lang", "en", "--out", str(out), "--rules", str(pack))
    edits = load(out / "edits.jsonl")
    assert any(e["rule"] == rule_id and e["before"] == "Dombas" and e["after"] == "Donbas" for e in edits)


def test_substitutions_are_aligned_word_by_word():
    mt = "The troops entered the Dombas , said the big dog."
    post = "The troops entered the Donbas, said the large hound."
    # punctuation is a token of its own; neighbouring changed words are one substitution
    assert list(substitutions(mt, post)) == [("Dombas", "Donbas", ("Dombas",)), ("big dog", "large hound", ("big", "dog"))]
    assert list(substitutions("一二三四", "一二五四")) == [("三", "五", ("三",))]  # Chinese: a character is a token


def test_the_learner_finds_recurring_revisions_in_real_data(tmp_path):
    """On the bundled bio-mqm sample: system outputs as MT, the first human reference as revision."""
    records = load(SAMPLES / "bio-mqm-sample.jsonl")
    pairs = lambda: (Pair(r["id"], r["text"], r["references"][0], r["lang"], r["source"]) for r in records)
    learned = learn(pairs, min_support=2)
    assert learned, "nothing learned"
    for c in learned:
        assert c.support >= 2 and c.consistency >= 0.5 and len(c.examples) >= 1
    out = tmp_path / "candidates.yaml"
    result = mtqa("learn", str(SAMPLES / "bio-mqm-sample.jsonl"), "--post-field", "references", "--min-support", "2",
                  "--out", str(out))
    assert f"candidate rules in {out}" in result.stdout
    pack = load_pack(out)  # a valid rule pack, ready for --rules once reviewed
    assert len(pack.rules) == len(learned) and all(r.fix == "review" for r in pack.rules)
    assert "# support" in out.read_text(encoding="utf-8")
    assert yaml.safe_load(out.read_text(encoding="utf-8"))["pack"] == "learned"


def test_learn_from_two_line_aligned_files(tmp_path):
    mt, post = tmp_path / "mt.txt", tmp_path / "post.txt"
    mt.write_text("We saw the Dombas .\nThe Dombas is far.\nIn the Dombas today.\nNothing here.\n", encoding="utf-8")
    post.write_text("We saw the Donbas.\nThe Donbas is far.\nIn the Donbas today.\nNothing here.\n", encoding="utf-8")
    out = tmp_path / "c.yaml"
    result = mtqa("learn", str(mt), str(post), "--lang", "en", "--out", str(out))
    assert "'Dombas' -> 'Donbas'  (en; 3 segments, 100% consistent)" in result.stdout
    post.write_text("We saw the Donbas.\n", encoding="utf-8")
    failed = mtqa("learn", str(mt), str(post), "--out", str(out), check=False)
    assert failed.returncode == 1 and "1 lines, but" in failed.stderr and "line-aligned" in failed.stderr


def _answer_first(session, wanted: str, key: str) -> None:
    """Skip the findings review shows until the first of rule `wanted`, and answer it with `key`."""
    while True:
        session.expect(r"\[\d+/\d+\] \S+ · (\S+)")
        rule = session.match.group(1)
        session.expect("Apply this fix")
        if rule == wanted:
            session.sendline(key)
            return
        session.sendline("s")


def test_not_an_error_in_review_stays_silent_on_the_next_run(run, tmp_path):
    pack = tmp_path / "house.yaml"
    pack.write_text("pack: house\nrules: []\n", encoding="utf-8")
    kiev = [f for f in reviewable(run) if f["rule"] == "en.kiev_kyiv"]
    session = review(run, pack)
    _answer_first(session, "en.kiev_kyiv", "X")
    session.expect("added to .*house.allow.yaml: stays silent on the next run")
    session.sendline("q")
    session.expect(pexpect.EOF)
    session.close()
    allowed = yaml.safe_load((tmp_path / "house.allow.yaml").read_text(encoding="utf-8"))
    assert allowed == [{"rule": "en.kiev_kyiv", "doc": kiev[0]["doc_id"], "text": "Kiev",
                        "reason": "marked not an error in review"}]
    out = tmp_path / "again"
    mtqa("clean", str(SEED), "--lang", "en", "--out", str(out), "--rules", str(pack))  # picks up house.allow.yaml
    assert not [f for f in load(out / "findings.jsonl") if f["rule"] == "en.kiev_kyiv"]
    assert len([f for f in load(out / "suppressed.jsonl") if f["rule"] == "en.kiev_kyiv"]) == len(kiev)
    assert json.loads((out / "summary.json").read_text(encoding="utf-8"))["suppressed"]


def test_review_shows_the_source_filters_and_a_remembered_rule_answers_the_rest(tmp_path):
    corpus = tmp_path / "news.jsonl"
    rows = [{"id": f"d{n}", "lang": "en", "source_lang": "fr", "source": f"Les troupes sont dans le Donbass ({n}).",
             "text": f"The troops are in the Dombas ({n})."} for n in range(3)]
    rows.append({"id": "k1", "lang": "en", "source_lang": "fr", "source": "Kiev est la capitale.", "text": "Kiev is the capital."})
    corpus.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    out = tmp_path / "run"
    mtqa("clean", str(corpus), "--out", str(out))
    session = pexpect.spawn(MTQA, ["review", str(out), "--rule", "en.dombas*"], encoding="utf-8", timeout=60,
                            dimensions=(50, 200), env={"TERM": "dumb", "PATH": "/usr/bin:/bin", "LANG": "C.UTF-8"},
                            preexec_fn=_as_from_a_shell)
    session.expect(r"3 findings to review \(rule en\.dombas\*\)")  # the Kiev finding is not in the slice
    session.expect(r"\[1/3\] d0 · en\.dombas_donbas")
    session.expect(r"source: Les troupes sont dans le Donbass \(0\)\.")  # what the reviser judges against
    session.expect("Apply this fix")
    session.sendline("r")
    session.expect(r"added \S*my-rules\.yaml: rule user\.dombas")
    session.expect(r"\[2/3\] d1: 'Dombas' -> 'Donbas' by your rule user\.dombas")  # not asked again
    session.expect(r"\[3/3\] d2: 'Dombas' -> 'Donbas' by your rule user\.dombas")
    session.expect(pexpect.EOF)
    session.close()
    assert (out / "my-rules.yaml").exists()  # beside the run, not where the command ran
    decided = recorded(out)
    assert [d.decision for d in decided.values()] == ["remember", "accept", "accept"]
    sheet = tmp_path / "kiev.csv"
    result = mtqa("review", str(out), "--export", str(sheet), "--category", "style", "--lang", "en", "--doc", "k*")
    rows = list(csv.DictReader(sheet.open(encoding="utf-8")))
    assert [(r["doc_id"], r["rule"]) for r in rows] == [("k1", "en.kiev_kyiv")], result.stdout


def test_not_an_error_is_scoped_to_the_occurrence_unless_asked(run, tmp_path):
    pack = tmp_path / "house.yaml"
    session = review(run, pack)
    _answer_first(session, "en.kiev_kyiv", "x")
    session.expect(r"\[\d+/")
    session.sendline("q")
    session.expect(pexpect.EOF)
    session.close()
    assert not (tmp_path / "house.allow.yaml").exists()  # nothing silenced beyond this occurrence
    decided = [d for d in recorded(run).values() if d.rule == "en.kiev_kyiv"]
    assert [d.decision for d in decided] == ["not_an_error"]
    kiev = [f for f in reviewable(run) if f["rule"] == "en.kiev_kyiv"]
    assert len(kiev) == 2 and kiev[1]["id"] not in recorded(run)  # the other Kiev is still to review
