"""The commands of manual revision: `review`, `apply`, `revert` and `learn` (work in revision/).

They read and write a run's output folder and never start Prefect: a person's session is local
and interactive, and none of it is worth a flow run.
"""

from __future__ import annotations

import codecs
from pathlib import Path

import click

from mtqa.cleaners.allowlist import AllowListError, add_entry, beside
from mtqa.cleaners.rulepack import RulePackError
from mtqa.corpora.readers import CorpusError, RawRecord, read_corpus
from mtqa.corpora.writers import atomic_writer, read_jsonl
from mtqa.flows.cli_group import FatalError, locks_output, main
from mtqa.revision.apply import REVISED, REVISED_EDITS, apply_decisions, revert_run, write_user_file
from mtqa.revision.decisions import LOG_NAME, export_csv, read_csv, recorded, reviewable
from mtqa.revision.filters import FindingFilter
from mtqa.revision.learn import Pair, candidates_yaml, learn
from mtqa.revision.rules import add_rule
from mtqa.revision.session import remembered_rule, run_session

RUN_DIR = click.argument("run_dir", type=click.Path(exists=True, file_okay=False, path_type=Path))
PACK = click.option("--remember-to", "pack", type=click.Path(dir_okay=False, path_type=Path), default=None,
                    help="Your rule pack: decisions to remember become rules here (pass it to later runs with --rules) "
                         "[default: RUN_DIR/my-rules.yaml, beside the run].")
INPUT = click.option("--input", "input_path", type=click.Path(exists=True, path_type=Path), default=None,
                     help="The file the run read, if it moved since [default: the input named in RUN_DIR/summary.json].")
ALLOW = click.option("--allow-to", "allow_path", type=click.Path(dir_okay=False, path_type=Path), default=None,
                     help="Where 'not an error, here and on later runs' decisions (X, silence) go [default: the allow list beside your pack, e.g. my-rules.allow.yaml, "
                          "which `--rules my-rules.yaml` picks up].")


def _pack(run_dir: Path, pack: Path | None) -> Path:
    """The user's pack: where they said, else beside the run (never wherever the command runs from)."""
    return pack if pack is not None else run_dir / "my-rules.yaml"


def _filter(rules, categories, severities, langs, docs) -> FindingFilter:
    return FindingFilter(tuple(rules), tuple(categories), tuple(severities), tuple(langs), tuple(docs))


FILTERS = [
    click.option("--rule", "rules", multiple=True, metavar="ID", help="Only findings of this rule (a glob: 'en.*'; repeatable)."),
    click.option("--category", "categories", multiple=True, metavar="CAT",
                 help="Only this MQM category and its subcategories ('accuracy' takes 'accuracy/mistranslation'; repeatable)."),
    click.option("--severity", "severities", multiple=True, type=click.Choice(["minor", "major", "critical"]),
                 help="Only this severity (repeatable)."),
    click.option("--lang", "langs", multiple=True, metavar="L", help="Only documents in this language ('en' takes 'en-GB'; repeatable)."),
    click.option("--doc", "docs", multiple=True, metavar="ID", help="Only this document (a glob; repeatable)."),
]


def _filters(command):
    for option in reversed(FILTERS):
        command = option(command)
    return command


def _not_an_error(pack: Path, allow_path: Path | None):
    """The callback of a 'not an error, here and on later runs' decision (X, or `silence` in the
    CSV): an allow-list entry for that rule, document and text."""
    path = allow_path or beside(pack)

    def add(finding: dict) -> None:
        add_entry(path, finding["rule"], finding["doc_id"], finding["text"], "marked not an error in review")
        click.echo(f"  added to {path}: stays silent on the next run")
    return add


def _run_title(run_dir: Path) -> str:
    """The run's input as given, from its summary (the folder's name without one)."""
    try:
        import json

        return str(json.loads((run_dir / "summary.json").read_text(encoding="utf-8")).get("input") or run_dir.name)
    except (OSError, ValueError):
        return run_dir.name


def _check_run(run_dir: Path) -> None:
    missing = [name for name in ("cleaned.jsonl", "findings.jsonl", "edits.jsonl") if not (run_dir / name).exists()]
    if missing:
        raise FatalError(f"{run_dir}: not a finished mtqa output folder (no {', '.join(missing)})")


@main.command()
@RUN_DIR
@click.option("--export", "export_path", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Instead of asking, write the pending findings to this CSV; fill in its 'decision' column "
                   "(accept, reject, edit + 'replacement', remember, not_an_error for this occurrence, silence for this "
                   "text in this document on later runs) and give it to `mtqa apply`.")
@click.option("--browser", is_flag=True,
              help="Instead of asking, write RUN_DIR/review.html, the review desk for a browser (offline, one file), "
                   "with the findings still waiting; its export is the CSV `mtqa apply` reads.")
@PACK
@ALLOW
@_filters
@locks_output("run_dir")
def review(run_dir: Path, export_path: Path | None, browser: bool, pack: Path | None, allow_path: Path | None,
           rules, categories, severities, langs, docs) -> None:
    """Review the suggestions of a run one at a time, like `git add -p`.

    Shows each finding that has a suggestion and was not fixed automatically, in its sentence,
    under its source segment, with the rule's explanation, and asks: y accept, n reject, e edit the
    replacement, a accept all of this rule, r accept and remember as a rule (it also answers the
    same text for the rest of the session), x not an error here, X not an error in this document
    on later runs too, s skip, q quit. --rule, --category, --severity, --lang and --doc take a
    slice. Every answer is saved at once (RUN_DIR/review.jsonl); run it again to go on where you
    stopped, then `mtqa apply RUN_DIR` to write the revised corpus.
    """
    _check_run(run_dir)
    pack = _pack(run_dir, pack)
    only = _filter(rules, categories, severities, langs, docs)
    if browser:
        from mtqa.revision.desk import write_desk

        desk = write_desk(run_dir, _run_title(run_dir))
        click.echo(f"Wrote {desk}: open it in a browser (offline); export the decisions, then: mtqa apply {run_dir} decisions.csv")
        return
    if export_path is not None:
        rows = export_csv(run_dir, export_path, only=only)
        click.echo(f"Wrote {rows} pending findings to {export_path}; fill in 'decision', then: mtqa apply {run_dir} {export_path}")
        return
    try:
        session = run_session(run_dir, pack, not_an_error=_not_an_error(pack, allow_path), only=only)
    except (RulePackError, AllowListError, OSError) as exc:
        raise FatalError(str(exc)) from exc
    done = ", ".join(f"{k} {v}" for k, v in sorted(session.decided.items())) or "none"
    click.echo(f"{session.asked} decided ({done}); {session.remaining} still to review. Saved in {run_dir / LOG_NAME}.")
    if session.remaining:
        click.echo(f"Run `mtqa review {run_dir}` again to go on, or `mtqa apply {run_dir}` to apply what is decided.")
    else:
        click.echo(f"Next: mtqa apply {run_dir}")


@main.command(name="apply")
@RUN_DIR
@click.argument("decisions_csv", required=False, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@PACK
@ALLOW
@INPUT
@locks_output("run_dir")
def apply_command(run_dir: Path, decisions_csv: Path | None, pack: Path | None, allow_path: Path | None,
                  input_path: Path | None) -> None:
    """Apply the review decisions: write RUN_DIR/revised.jsonl and its edit log, and the input
    file revised in its own format (revised.tmx, revised.xlf, revised.tsv, revised.txt...).

    Takes the decisions of `mtqa review` and, if given, those of a filled-in CSV (which win). Rows
    that cannot be used (unknown id, a decision that no longer fits the text) are listed and
    skipped; everything else is applied. The revised edit log holds the machine's fixes and the
    accepted decisions, each named, so `mtqa revert` restores the original text exactly.
    """
    _check_run(run_dir)
    pack = _pack(run_dir, pack)
    decisions = recorded(run_dir)
    if decisions_csv is not None:
        try:
            from_csv, problems = read_csv(decisions_csv, run_dir)
        except (ValueError, OSError, UnicodeDecodeError) as exc:
            raise FatalError(str(exc)) from exc
        for problem in problems:
            click.echo(f"{decisions_csv}: line {problem.line}: {problem.problem}; row skipped", err=True)
        decisions.update({d.id: d for d in from_csv})
        _remember(run_dir, [d for d in from_csv if d.decision == "remember"], pack)
        silence = _not_an_error(pack, allow_path)
        for d in from_csv:
            if d.decision == "silence":
                silence({"rule": d.rule, "doc_id": d.doc_id, "text": d.text})
    result = apply_decisions(run_dir, list(decisions.values()))
    for decision, problem in result.skipped:
        click.echo(f"decision on {decision.doc_id!r} {decision.start}-{decision.end} ({decision.rule}, id {decision.id}): "
                   f"{problem}; skipped", err=True)
    click.echo(f"Applied {result.applied} decisions; {result.documents_changed} of {result.documents} documents changed. "
               f"Wrote {run_dir / REVISED} and {run_dir / REVISED_EDITS}.")
    skipped = {d.id for d, _ in result.skipped}  # not applied: those findings still wait for a person
    applied = [d for d in decisions.values() if d.id not in skipped]
    _write_user_file(run_dir, "revised", input_path, applied, [decisions_csv] if decisions_csv else [])


def _write_user_file(run_dir: Path, stage: str, input_path: Path | None, decisions: list, files: list[Path]) -> None:
    """The input's own format beside the JSONL; a problem with it is one line and loses nothing else."""
    try:
        written = write_user_file(run_dir, stage, input_path, decisions, files)
    except (CorpusError, OSError, UnicodeDecodeError, ValueError) as exc:
        click.echo(f"mtqa: warning: {exc}; {stage} text is in the JSONL only", err=True)
        return
    if written is not None:
        click.echo(f"Wrote {written}: the input file, {stage}, for your CAT tool or editor.")


@main.command()
@RUN_DIR
@click.option("--out", "out_path", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Where to write the records with their original text [default: RUN_DIR/reverted.jsonl].")
@INPUT
@locks_output("run_dir")
def revert(run_dir: Path, out_path: Path | None, input_path: Path | None) -> None:
    """Undo every edit (the machine's and the reviewers'): write the records with their original text.

    Uses revised.jsonl and its edit log if `mtqa apply` wrote them, else cleaned.jsonl and edits.jsonl,
    and checks that every document comes back exactly to its original. For a TMX, XLIFF, TSV or
    text input, also writes RUN_DIR/reverted.<ext>, the input file with its original text.
    """
    out_path = out_path or run_dir / "reverted.jsonl"
    try:
        documents, restored = revert_run(run_dir, out_path)
    except (ValueError, OSError, KeyError) as exc:
        raise FatalError(str(exc)) from exc
    click.echo(f"Restored the original text of {restored} changed documents ({documents} in all): {out_path}")
    _write_user_file(run_dir, "reverted", input_path, [], [])


@main.command(name="learn")
@click.argument("mt_path", metavar="MT", type=click.Path(exists=True, path_type=Path))
@click.argument("post_path", metavar="[POSTEDITED]", required=False, type=click.Path(exists=True, path_type=Path))
@click.option("--out", "out_path", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="Where to write the candidate rules (a YAML rule pack).")
@click.option("--mt-field", default="text", show_default=True, help="With one JSONL/TSV input: the field of the MT output.")
@click.option("--post-field", default="post_edit", show_default=True,
              help="With one JSONL/TSV input: the field of the revision (a list, such as 'references', gives its first text).")
@click.option("--lang", default=None, metavar="L", help="Language of the texts, for records without a 'lang' field.")
@click.option("--min-support", type=click.IntRange(1), default=3, show_default=True, help="Records that must make a substitution.")
@click.option("--min-consistency", type=click.FloatRange(0, 1), default=0.5, show_default=True,
              help="Share of the records whose MT has the phrase in which revisers replaced it.")
def learn_command(mt_path: Path, post_path: Path | None, out_path: Path, mt_field: str, post_field: str, lang: str | None,
                  min_support: int, min_consistency: float) -> None:
    """Learn candidate rules from machine output and its human revision.

    MT and POSTEDITED are two line-aligned .txt files, or two corpora (JSONL, TSV...) whose records
    match by id; or give one JSONL/TSV with both fields (--mt-field, --post-field). Writes the
    recurring substitutions as rules with their support and examples, for a person to accept.
    """
    try:
        pairs = _pairs(mt_path, post_path, mt_field, post_field, lang)
        count = 0

        def counted():  # the learner reads the corpus twice; each pass counts it again
            nonlocal count
            count = 0
            for pair in pairs():
                count += 1
                yield pair
        candidates = learn(counted, min_support, min_consistency)
    except CorpusError as exc:
        raise FatalError(str(exc)) from exc
    with atomic_writer(out_path) as stream:
        stream.write(candidates_yaml(candidates, count, f"{mt_path}" + (f" + {post_path}" if post_path else "")))
    click.echo(f"Read {count} pairs; {len(candidates)} candidate rules in {out_path}")
    for c in candidates[:10]:
        click.echo(f"  {c.src!r} -> {c.dst!r}  ({c.lang or '?'}; {c.support} segments, {c.consistency:.0%} consistent)")


def _pairs(mt_path: Path, post_path: Path | None, mt_field: str, post_field: str, lang: str | None):
    """A function giving a fresh iterator of pairs (the learner reads the corpus twice)."""
    if post_path is not None and mt_path.suffix == post_path.suffix == ".txt":
        def from_lines():
            with open(mt_path, encoding="utf-8") as mt, open(post_path, encoding="utf-8") as post:
                for number, (a, b) in enumerate(zip(mt, post, strict=False), 1):
                    yield Pair(str(number), a.rstrip("\n"), b.rstrip("\n"), lang)
        _check_utf8(mt_path)
        _check_utf8(post_path)
        mt_lines, post_lines = _count_lines(mt_path), _count_lines(post_path)
        if mt_lines != post_lines:
            raise CorpusError(f"{post_path}: {post_lines} lines, but {mt_path} has {mt_lines}: the files must be line-aligned")
        return from_lines
    if post_path is not None:
        revised = {str(r.record.get("id")): r.record.get("text") for r in read_corpus(post_path) if isinstance(r, RawRecord)}

        def by_id():
            for r in read_corpus(mt_path):
                if isinstance(r, RawRecord) and isinstance(revised.get(str(r.record.get("id"))), str):
                    yield Pair(str(r.record["id"]), r.record["text"], revised[str(r.record["id"])],
                               r.record.get("lang") or lang, _text(r.record.get("source")))
        return by_id

    def by_field():
        for r in read_corpus(mt_path):
            if not isinstance(r, RawRecord):
                continue
            post = r.record.get(post_field)
            post = post[0] if isinstance(post, list) and post else post
            if isinstance(r.record.get(mt_field), str) and isinstance(post, str):
                yield Pair(str(r.record.get("id", r.line)), r.record[mt_field], post, r.record.get("lang") or lang,
                           _text(r.record.get("source")))
    return by_field


def _text(value: object) -> str | None:
    return value if isinstance(value, str) else None


def _check_utf8(path: Path) -> None:
    """Line-aligned text files must be UTF-8: say so with the byte, before any work."""
    decoder, offset = codecs.getincrementaldecoder("utf-8")(), 0
    with open(path, "rb") as stream:
        while chunk := stream.read(1 << 20):
            try:
                decoder.decode(chunk)
            except UnicodeDecodeError as exc:
                raise CorpusError(f"{path}: byte {offset + exc.start}: not UTF-8: convert it first, e.g. "
                                  f"iconv -f LATIN1 -t UTF-8 {path} > {path.with_suffix('.utf8.txt')}") from None
            offset += len(chunk)
        try:
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            raise CorpusError(f"{path}: the file ends inside a UTF-8 character: not UTF-8 text") from None


def _count_lines(path: Path) -> int:
    with open(path, "rb") as stream:
        return sum(1 for _ in stream)


def _remember(run_dir: Path, decisions: list, pack: Path) -> None:
    """Add the CSV's 'remember' decisions to the user's pack, as `mtqa review` does with `r`."""
    if not decisions:
        return
    findings = {f["id"]: f for f in reviewable(run_dir)}
    wanted = {d.doc_id for d in decisions}
    records = {str(r["id"]): r for r in read_jsonl(run_dir / "cleaned.jsonl") if str(r["id"]) in wanted}
    for d in decisions:
        try:
            rule_id, added = add_rule(pack, remembered_rule(findings[d.id], records.get(d.doc_id, {})))
        except RulePackError as exc:
            raise FatalError(str(exc)) from exc
        click.echo(f"{'Added' if added else 'Already in'} {pack}: rule {rule_id}")
