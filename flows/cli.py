"""The `mtqa` command line.

Fatal problems (missing input, unwritable output folder, a broken rule pack) are checked before
Prefect starts and end the command with one line on stderr and exit status 1; problems with single
records never stop a run, they go to quarantine.jsonl.
"""

from __future__ import annotations

import os
import signal
import sys
import tempfile
import time
from pathlib import Path

import click

from cleaners.config import DEFAULT_PACKS, CleanConfig
from cleaners.rulepack import RulePackError, load_pack
from corpora.readers import FORMATS, CorpusError, detect_format

_DEFAULTS = CleanConfig()


class FatalError(click.ClickException):
    """Shown as one line, 'mtqa: error: ...', exit status 1."""

    def show(self, file=None) -> None:  # noqa: D102
        click.echo(f"mtqa: error: {self.message}", err=True)


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(package_name="mtqa", prog_name="mtqa")
def main() -> None:
    """mtqa: find and fix machine-translation artifacts in a corpus."""


@main.command()
@click.argument("input_path", metavar="INPUT", type=click.Path(path_type=str))
@click.option("--out", "out_dir", required=True, type=click.Path(file_okay=False, path_type=str),
              help="Output folder (created if needed): cleaned.jsonl, findings.jsonl, edits.jsonl, quarantine.jsonl, summary.json.")
@click.option("--lang", default=None, metavar="L",
              help="Expected language of the text (e.g. en) for records without a 'lang' field; enables wrong-language findings and locale rules.")
@click.option("--source-lang", default=None, metavar="L", help="Source language for records without a 'source_lang' field.")
@click.option("--format", "input_format", type=click.Choice(FORMATS), default=None,
              help="Input format; by default from the extension (.jsonl/.jsonl.gz, .tsv, .txt) or 'folder' for a directory of .txt files.")
@click.option("--rules", "rule_packs", multiple=True, type=click.Path(exists=True, dir_okay=False, path_type=str), metavar="PACK.yaml",
              help="An extra YAML rule pack, applied after the built-in ones (repeatable).")
@click.option("--no-builtin-rules", is_flag=True, help="Do not apply the built-in whitespace and punctuation rules.")
@click.option("--no-fix-encoding", is_flag=True, help="Do not repair mojibake and broken Unicode with ftfy.")
@click.option("--langid-min-letters", type=click.IntRange(1), default=_DEFAULTS.langid_min_letters, show_default=True,
              help="Texts with fewer letters are too short for language ID and are never flagged.")
@click.option("--langid-min-han", type=click.IntRange(1), default=_DEFAULTS.langid_min_han, show_default=True,
              help="The same for text that is mostly Chinese characters, counted in them.")
@click.option("--langid-min-prob", type=click.FloatRange(0, 1), default=_DEFAULTS.langid_min_prob, show_default=True,
              help="langdetect's confidence needed to call a text's language.")
@click.option("--no-sentence-langid", is_flag=True, help="Check the language of whole documents only, not of each sentence.")
@click.option("--shard-size", type=click.IntRange(1), default=None, help="Documents per shard, the unit of parallel work [default: 1000].")
@click.option("--runner", type=click.Choice(["threads", "processes"]), default="threads", show_default=True,
              help="Where shards run: a thread pool, or a process pool to use every core for CPU-bound work.")
@click.option("--workers", type=click.IntRange(1), default=None, help="Parallel workers [default: the number of cores].")
@click.option("--progress/--no-progress", default=None, help="Show a progress bar [default: when stderr is a terminal].")
def clean(input_path, out_dir, lang, source_lang, input_format, rule_packs, no_builtin_rules, no_fix_encoding,
          langid_min_letters, langid_min_han, langid_min_prob, no_sentence_langid, shard_size, runner, workers, progress) -> None:
    """Clean a corpus: normalise text, check its language, flag and fix MT artifacts.

    INPUT is a JSONL file (one {"id", "text", ...} object a line, optionally .gz), a TSV file with a
    header (columns id, text, ...), a .txt file (one document), or a folder of .txt files.
    Every input record ends up in cleaned.jsonl or, with the reason, in quarantine.jsonl.
    """
    packs = (() if no_builtin_rules else DEFAULT_PACKS) + tuple(os.path.abspath(p) for p in rule_packs)
    config = CleanConfig(lang=lang, source_lang=source_lang, fix_encoding=not no_fix_encoding, rule_packs=packs,
                         langid_min_letters=langid_min_letters, langid_min_han=langid_min_han, langid_min_prob=langid_min_prob,
                         langid_sentences=not no_sentence_langid)
    _check_inputs(input_path, input_format, out_dir, packs)
    _exit_cleanly_on_sigterm()
    show = sys.stderr.isatty() if progress is None else progress

    from flows.cleanup import DEFAULT_SHARD_SIZE, api_for_workers, cleanup_flow, make_task_runner  # Prefect loads only now
    from prefect.settings import PREFECT_FLOWS_HEARTBEAT_FREQUENCY, temporary_settings

    started = time.perf_counter()
    flow = cleanup_flow.with_options(task_runner=make_task_runner(runner, workers))
    with temporary_settings({PREFECT_FLOWS_HEARTBEAT_FREQUENCY: None}), api_for_workers(runner):
        try:
            summary = flow(input_path, out_dir, config, input_format, shard_size or DEFAULT_SHARD_SIZE, show)
        except (CorpusError, RulePackError, OSError) as exc:
            raise FatalError(str(exc)) from exc
    _print_summary(summary, out_dir, time.perf_counter() - started)


def _check_inputs(input_path: str, input_format: str | None, out_dir: str, packs: tuple[str, ...]) -> None:
    """Fail in a second, with one clear line, on what would otherwise fail after Prefect starts."""
    path = Path(input_path)
    if not path.exists():
        raise FatalError(f"{input_path}: no such file or folder")
    if input_format is None:
        try:
            detect_format(path)
        except CorpusError as exc:
            raise FatalError(str(exc)) from exc
    out = Path(out_dir)
    try:
        out.mkdir(parents=True, exist_ok=True)
        tempfile.TemporaryFile(dir=out).close()
    except OSError as exc:
        raise FatalError(f"{out_dir}: cannot write to the output folder: {exc.strerror or exc}") from exc
    for pack in packs:
        try:
            load_pack(pack)
        except RulePackError as exc:
            raise FatalError(str(exc)) from exc


def _exit_cleanly_on_sigterm() -> None:
    """On SIGTERM, exit through Python so Prefect's temporary server is stopped, not orphaned."""
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(128 + signum))


def _print_summary(summary: dict, out_dir: str, seconds: float) -> None:
    docs = summary["documents_cleaned"]
    lines = [
        f"Read {summary['records_read']} records: {docs} cleaned, {summary['records_quarantined']} quarantined"
        + (f" ({', '.join(f'{k}: {v}' for k, v in summary['quarantine_by_reason'].items())})" if summary["records_quarantined"] else "")
        + ".",
        f"{summary['documents_changed']} documents changed by {summary['edits']} edits; "
        f"{summary['findings']} findings in {summary['documents_with_findings']} documents.",
    ]
    if summary["findings_by_category"]:
        lines.append("Findings by category: " + ", ".join(f"{k} {v}" for k, v in summary["findings_by_category"].items()) + ".")
    if summary["rule_timeouts"]:
        lines.append("Rules that hit their time limit (skipped there): "
                     + ", ".join(f"{k} on {v} documents" for k, v in summary["rule_timeouts"].items()) + ".")
    rate = docs / seconds if seconds > 0 else 0.0
    lines.append(f"Done in {seconds:.1f} s ({rate:.{0 if rate >= 10 else 1}f} documents/s). Output: {out_dir}/ (summary: {Path(out_dir) / 'summary.json'})")
    click.echo("\n".join(lines))


if __name__ == "__main__":
    main()
