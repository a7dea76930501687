"""The `mtqa` command line.

Fatal problems (missing input, unwritable output folder, a broken rule pack) are checked before
Prefect starts and end the command with one line on stderr and exit status 1; problems with single
records never stop a run, they go to quarantine.jsonl.
"""

from __future__ import annotations

import dataclasses
import errno
import json
import logging
import math
import os
import signal
import sqlite3
import stat
import sys
import tempfile
import time
from contextlib import ExitStack, contextmanager
from pathlib import Path

import click

from mtqa.cleaners import checks
from mtqa.cleaners.allowlist import AllowListError, beside, load_file
from mtqa.cleaners.config import DEFAULT_PACKS, CleanConfig
from mtqa.cleaners.glossary import GlossaryError, load_glossary
from mtqa.cleaners.rulepack import RulePackError, load_pack
from mtqa.corpora.bilingual import identify as identify_translation_file
from mtqa.corpora.readers import FORMATS, TRANSLATION_FORMATS, CorpusError, detect_format
from mtqa.flows import cli_revision  # noqa: F401  (registers review, apply, revert and learn on `main`)
from mtqa.flows import cli_server  # noqa: F401  (registers `server start|stop` on `main`)
from mtqa.flows.cli_group import FatalError, main, output_locked
from mtqa.flows.runfile import RUN_FILE_OPTION
from mtqa.flows.runners import RUNNERS



class _FiniteFloatRange(click.FloatRange):
    """A number in range; NaN compares false with both bounds, so click's range lets it through."""

    def convert(self, value, param, ctx):  # noqa: D102
        number = super().convert(value, param, ctx)
        if math.isnan(number):
            self.fail(f"{value!r} is not a number from {self.min} to {self.max}.", param, ctx)
        return number


def config_options() -> list:
    """The options of CleanConfig's fields that the command line sets, built from the fields'
    metadata (their help, their option name and range): stated once, in cleaners/config.py.
    Each option's value arrives under the field's name."""
    options = []
    for spec in dataclasses.fields(CleanConfig):
        meta = spec.metadata
        if not meta.get("cli"):
            continue
        if isinstance(spec.default, bool):
            if spec.default:  # "--no-..." turns a default-on field off
                options.append(click.option(meta["cli"], spec.name, is_flag=True, flag_value=False, default=True,
                                            help=meta["off_help"]))
            else:
                options.append(click.option(meta["cli"], spec.name, is_flag=True, help=meta["help"]))
            continue
        kind: object = None
        if meta.get("path"):
            kind = click.Path(exists=True, dir_okay=False, path_type=str)
        elif isinstance(spec.default, float):
            kind = _FiniteFloatRange(meta.get("min"), meta.get("max"))
        elif isinstance(spec.default, int):
            kind = click.IntRange(meta.get("min"), meta.get("max"))
        options.append(click.option(meta["cli"], spec.name, type=kind, default=spec.default, metavar=meta.get("metavar"),
                                    show_default=spec.default is not None, help=meta["help"]))
    return options


def cleaning_options(command):
    """The options `clean`, `run` and `serve` share, applied in the order --help lists them: the
    input and output, then CleanConfig's (config_options), then those a run needs beside them."""
    options = [
        click.argument("input_path", metavar="INPUT", type=click.Path(path_type=str)),
        click.option("--out", "out_dir", required=True, type=click.Path(file_okay=False, path_type=str),
                     help="Output folder (created if needed): cleaned.jsonl, findings.jsonl, edits.jsonl, quarantine.jsonl, "
                          "summary.json, and with `run` report.html."),
        RUN_FILE_OPTION,
        click.option("--format", "input_format", type=click.Choice(FORMATS), default=None,
                     help="Input format; by default from the extension (.jsonl/.ndjson/.json, optionally .gz; .tsv; .txt; .tmx; "
                          ".xlf/.xliff/.sdlxliff: XLIFF 1.2 or 2.x, told apart by content) or 'folder' for a directory of .txt files."),
        *config_options(),
        # the fields whose command line is more than one option each
        click.option("--rules", "extra_packs", multiple=True, type=click.Path(exists=True, dir_okay=False, path_type=str), metavar="PACK.yaml",
                     help="An extra YAML rule pack, applied after the built-in ones (repeatable)."),
        click.option("--no-builtin-rules", is_flag=True, help="Do not apply the built-in rule packs (cleaners/rules/)."),
        click.option("--allow", "allow_lists", multiple=True, type=click.Path(exists=True, dir_okay=False, path_type=str), metavar="LIST.yaml",
                     help="An allow list: findings it names (by rule, document, exact text) are silenced, their fixes not made, "
                          "and listed in suppressed.jsonl (repeatable). PACK.allow.yaml beside a --rules PACK.yaml is read too."),
        click.option("--enable-rule", "enable_rules", multiple=True, metavar="ID",
                     help="Run a check that is off by default (repeatable; 'qa.*' names several; `mtqa rules` lists them)."),
        click.option("--disable-rule", "disable_rules", multiple=True, metavar="ID",
                     help="Do not run this check: any rule id `mtqa rules` lists, pattern rules, detectors, duplicates, "
                          "consistency (repeatable; 'qa.*' names several)."),
        click.option("--langdetect-only", is_flag=True, help="Ask langdetect about every text, as mtqa did before fastText "
                                                             "(--langid-confirm-prob none)."),
        click.option("--shard-size", type=click.IntRange(1), default=None,
                     help="Documents per shard, the unit of parallel work; the first and last shards of a run are "
                          "smaller, so that the workers start sooner and finish together [default: about 8 shards per "
                          "worker, 1,000 to 10,000 documents each]."),
        click.option("--runner", type=click.Choice(RUNNERS), default="auto", show_default=True,
                     help="Where shards run: a process pool using every core (the work is CPU-bound), a thread pool "
                          "(quicker to start), or a Dask cluster; 'auto' takes processes for inputs of 2 MB or more."),
        click.option("--workers", type=click.IntRange(1), default=None,
                     help="Parallel workers (processes, threads or local Dask workers) [default: the number of cores]."),
        click.option("--dask-address", default=None, metavar="tcp://HOST:PORT",
                     help="With --runner dask: an existing Dask scheduler instead of a local cluster."),
        click.option("--progress/--no-progress", default=None, help="Show a progress bar [default: when stderr is a terminal]."),
        click.option("--full", is_flag=True,
                     help="Reclean every document, ignoring the cache of the last run into --out (runs are incremental otherwise)."),
    ]
    for option in reversed(options):
        command = option(command)
    return command


def _config(opts: dict) -> CleanConfig:
    """Check the arguments (fatal errors before Prefect starts) and build the configuration."""
    packs = (() if opts["no_builtin_rules"] else DEFAULT_PACKS) + tuple(os.path.abspath(p) for p in opts["extra_packs"])
    terms = os.path.abspath(opts["terms"]) if opts["terms"] else None
    beside_packs = [str(beside(p)) for p in opts["extra_packs"] if beside(p).is_file()]
    allows = tuple(dict.fromkeys(os.path.abspath(p) for p in beside_packs + list(opts["allow_lists"])))
    # the format is found once, here, and the flow is told it
    opts["input_format"] = _check_inputs(opts["input_path"], opts["input_format"], opts["out_dir"], packs, terms, allows)
    try:
        known = checks.registry(packs) if opts["enable_rules"] or opts["disable_rules"] else {}
    except (RulePackError, ValueError) as exc:
        raise FatalError(str(exc)) from exc
    fields = {}
    for spec in dataclasses.fields(CleanConfig):
        if spec.metadata.get("cli"):
            value = opts[spec.name]
            fields[spec.name] = None if spec.metadata.get("zero_is_none") and value == 0 else value
    if opts["langdetect_only"]:
        fields["langid_confirm_prob"] = None
    return CleanConfig(**{**fields, "rule_packs": packs, "terms": terms, "allow_lists": allows, "run_file": opts["run_file"],
                          "enable_rules": _rule_ids(opts["enable_rules"], known, "--enable-rule"),
                          "disable_rules": _rule_ids(opts["disable_rules"], known, "--disable-rule")})


def _rule_ids(patterns: tuple[str, ...], known: dict, option: str) -> tuple[str, ...]:
    """The rule ids that `patterns` name (exact ids or shell patterns such as 'qa.*'), sorted; an
    id or pattern that names no rule is a fatal error, not a silent no-op."""
    try:
        return checks.expand(patterns, known)
    except ValueError as exc:
        raise FatalError(f"{option} {exc}: no such rule (`mtqa rules` lists them)") from exc


def _launch_server(opts: dict):
    """Prefect's temporary server (when no server is configured and no Dask cluster given): its
    port is taken first thing, so that its address can be handed to the workers, and it is served
    by a thread of this command once the workers are forked (flows/temporary_server.py). Ctrl-C is
    taken from here on (flows/lifecycle.py): one line, and the server goes with the command."""
    from mtqa.flows.lifecycle import exit_on_interrupt

    exit_on_interrupt()  # before any other thread starts; its own waits for signals, holding no lock
    if "PREFECT_API_URL" in os.environ or (opts["runner"] == "dask" and opts["dask_address"]):
        return None
    from mtqa.flows.background_server import find_background_server
    from mtqa.flows.temporary_server import launch

    # if a Prefect profile configures a server instead, that one is used (flows/cleanup.py: report_to)
    return find_background_server() or launch()


@contextmanager
def _prefect_run(opts: dict, config: CleanConfig, server):
    """Prefect loads only here, after the arguments are checked; heartbeats off, errors as one line.
    The output folder is locked for the whole command, and Ctrl-C or SIGTERM ends it at once
    (flows/lifecycle.py): one line, no process left, the finished shards kept for a resume.

    This process loads the models the input's languages need (flows/pool.py: `warm_up`), which
    the thread runner then uses, and with the process runner forks the pool's workers from itself,
    before Prefect starts a thread, so that they share those models (`prefork`); then the
    temporary server (`server`, from `_launch_server`) starts, in a thread of this process."""
    from mtqa.flows.lifecycle import on_interrupt, remove_partial_files

    out = Path(opts["out_dir"])
    on_interrupt(lambda: remove_partial_files(out, out / ".mtqa-work"))
    with output_locked(out):
        for logger in ("prefect.flow_runs", "prefect.task_runs"):
            logging.getLogger(logger).addFilter(_input_errors_untold)
        logging.getLogger("EventsWorker").addFilter(_flush_progress_untold)
        try:
            from mtqa.flows.background_server import BackgroundServer
            from mtqa.flows.cleanup import report_to
            from prefect.settings import PREFECT_FLOWS_HEARTBEAT_FREQUENCY, temporary_settings

            server = report_to(server)
            if isinstance(server, BackgroundServer):
                click.echo(server.note, err=True)
            if opts["runner"] in ("threads", "processes"):
                from mtqa.flows.pool import language_samples, prefork, warm_up

                try:
                    samples = language_samples(opts["input_path"], opts["input_format"], config)
                except (CorpusError, OSError, ValueError):
                    samples = []  # the read stage reports what is wrong with the input, in its place
                if opts["runner"] == "processes":
                    prefork(opts["workers"] or os.cpu_count() or 1, config, samples)
                else:
                    warm_up(config, samples)
            if server is not None:
                server.wait_until_up()
            with temporary_settings({PREFECT_FLOWS_HEARTBEAT_FREQUENCY: None}):
                yield
        except (CorpusError, RulePackError, AllowListError, OSError, ValueError, RuntimeError, sqlite3.Error) as exc:
            raise _fatal(exc, opts["out_dir"]) from exc


def _flush_progress_untold(record: logging.LogRecord) -> bool:
    """Prefect's events worker announces, as a warning, the events it still has to send when the
    command exits ("EventsWorker - Still processing items: 3 items remaining..."), then sends
    them: on a busy machine a line on the user's terminal that reports nothing wrong."""
    return not record.getMessage().startswith("Still processing items")


def _input_errors_untold(record: logging.LogRecord) -> bool:
    """Prefect logs a flow's exception with its traceback before it reaches us; an error that is
    the input's fault (a corpus or rule pack that cannot be read, found mid-run) or the machine's
    (a full disk) is shown as the one line `mtqa: error: ...` instead. Any other exception keeps
    its traceback."""
    error = record.exc_info[1] if record.exc_info else None
    return not isinstance(error, (CorpusError, RulePackError, OSError, sqlite3.Error))


def _runner(opts: dict) -> str:
    from mtqa.flows.runners import resolve_runner

    return resolve_runner(opts["runner"], opts["input_path"])


def _shard_size(opts: dict) -> int:
    """--shard-size, or a size that suits the input and the workers (flows/runners.py)."""
    from mtqa.flows.runners import shard_size_for

    return opts["shard_size"] or shard_size_for(opts["input_path"], opts["input_format"], opts["workers"] or os.cpu_count() or 1)


def _show_progress(flag: bool | None) -> bool:
    return sys.stderr.isatty() if flag is None else flag


@main.command()
@cleaning_options
def clean(**opts) -> None:
    """Clean a corpus: normalise text, check its language, flag and fix MT artifacts.

    INPUT is a JSONL file (one {"id", "text", ...} object a line, optionally .gz), a TSV file with a
    header (columns id, text, ...), a .txt file (one document), a folder of .txt files, or a TMX or
    XLIFF file (then the output folder also gets cleaned.tmx / cleaned.xlf, with the findings as
    notes, for the CAT tool). Every input record ends up in cleaned.jsonl or, with the reason, in
    quarantine.jsonl.
    """
    started = time.perf_counter()
    server = _launch_server(opts)
    config = _config(opts)
    opts["runner"] = _runner(opts)
    with _prefect_run(opts, config, server):
        from mtqa.flows.cleanup import cleanup_flow, make_task_runner

        flow = cleanup_flow.with_options(task_runner=make_task_runner(opts["runner"], opts["workers"], opts["dask_address"]))
        summary = flow(input_path=opts["input_path"], out_dir=opts["out_dir"], config=config, input_format=opts["input_format"],
                       shard_size=_shard_size(opts), show_progress=_show_progress(opts["progress"]),
                       full=opts["full"], workers=opts["workers"])
    _print_summary(summary, opts["out_dir"], time.perf_counter() - started, config.check_only)


@main.command()
@cleaning_options
@click.option("--history", "history_path", type=click.Path(dir_okay=False, path_type=str), envvar="MTQA_HISTORY",
              default=None, help="Run history database (SQLite) for the report's trends [default: in the user's data folder; env MTQA_HISTORY].")
@click.option("--no-history", is_flag=True, help="Keep no history: no trends, and report.html is byte-identical across runs.")
def run(history_path, no_history, **opts) -> None:
    """Clean, score and report a corpus in one Prefect flow (the main command).

    Does everything `mtqa clean` does, then scores the original and the revised text against the
    references (BLEU, chrF, chrF++, TER, with paired significance tests), writes the scores into
    summary.json and the report into report.html, and publishes the summary as Prefect artifacts.
    """
    started = time.perf_counter()
    server = _launch_server(opts)
    config = _config(opts)
    opts["runner"] = _runner(opts)
    from mtqa.reports.history import default_path

    history_file = None if no_history else (history_path or str(default_path()))
    with _prefect_run(opts, config, server):
        from mtqa.flows.run import run_flow

        summary = run_flow(input_path=opts["input_path"], out_dir=opts["out_dir"], config=config, input_format=opts["input_format"],
                           shard_size=_shard_size(opts), runner=opts["runner"], workers=opts["workers"],
                           dask_address=opts["dask_address"], history_path=history_file,
                           show_progress=_show_progress(opts["progress"]), full=opts["full"])
    _print_summary(summary, opts["out_dir"], time.perf_counter() - started, config.check_only)
    click.echo(_score_lines(summary["scores"]))
    click.echo(f"Report: {summary['report']}")


@main.command()
@cleaning_options
@click.option("--cron", default=None, metavar='"0 2 * * *"', help="When to run, as a cron expression, in UTC.")
@click.option("--interval", type=click.IntRange(1), default=None, metavar="SECONDS", help="Or: run every SECONDS seconds.")
@click.option("--name", default="mtqa-scheduled", show_default=True, help="The deployment's name in Prefect.")
@click.option("--history", "history_path", type=click.Path(dir_okay=False, path_type=str), envvar="MTQA_HISTORY",
              default=None, help="Run history database [default: in the user's data folder; env MTQA_HISTORY].")
@click.option("--no-history", is_flag=True, help="Keep no history.")
def serve(cron, interval, name, history_path, no_history, **opts) -> None:
    """Serve `mtqa run` on INPUT as a scheduled Prefect deployment, until stopped (Ctrl-C).

    Needs a Prefect server (schedules do not run on Prefect's temporary one): the one
    PREFECT_API_URL names, or the background server `mtqa server start` starts. Each scheduled
    run is incremental: only documents that changed since the last run are cleaned again.
    """
    if (cron is None) == (interval is None):
        raise FatalError("give exactly one of --cron and --interval")
    config = _config(opts)
    from prefect.settings import PREFECT_API_URL

    if not PREFECT_API_URL.value():
        from mtqa.flows.background_server import find_background_server
        from mtqa.flows.cleanup import report_to

        background = report_to(find_background_server())
        if background is None:
            raise FatalError("schedules need a Prefect server: run `mtqa server start`, or set PREFECT_API_URL "
                             "to the one to use")
        click.echo(background.note, err=True)
    from mtqa.reports.history import default_path

    from mtqa.flows.cleanup import DEFAULT_SHARD_SIZE
    from mtqa.flows.run import run_flow

    parameters = {
        "input_path": os.path.abspath(opts["input_path"]), "out_dir": os.path.abspath(opts["out_dir"]),
        "config": config._asdict(), "input_format": opts["input_format"], "shard_size": opts["shard_size"] or DEFAULT_SHARD_SIZE,
        "runner": opts["runner"], "workers": opts["workers"],
        "dask_address": opts["dask_address"], "full": opts["full"],
        "history_path": None if no_history else os.path.abspath(history_path or str(default_path())),
    }
    _exit_cleanly_on_sigterm()
    from mtqa.flows.runinfo import ANNOUNCE

    os.environ[ANNOUNCE] = "1"  # each finished run prints one line (flows/runinfo.announce), inherited by the runs
    click.echo(f"Serving deployment {name!r} ({'cron ' + cron + ' UTC' if cron else f'every {interval} s'}); Ctrl-C stops.")
    # limit=1: a run that outlasts its interval is not overlapped by the next one
    run_flow.serve(name=name, cron=cron, interval=interval, parameters=parameters, print_starting_message=False,
                   enforce_parameter_schema=True, limit=1)


@main.command()
@click.argument("target", type=click.Path(exists=True, path_type=Path))
@click.option("--lang", default=None, metavar="L", help="Target language of records without a 'lang' field.")
@click.option("--out", "out_file", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Where to write the scores as JSON [default: TARGET/scores.json for a run folder, else only print].")
@click.option("--progress/--no-progress", default=None, help="Show a progress bar [default: when stderr is a terminal].")
def score(target: Path, lang: str | None, out_file: Path | None, progress: bool | None) -> None:
    """Score original against revised text with sacrebleu, with paired significance tests.

    TARGET is a run folder (its cleaned.jsonl) or any JSONL whose records have `text`, `original`
    and `references`. Records without references are counted and skipped.
    """
    from mtqa.corpora.writers import write_json
    from mtqa.flows.progress import progress_bar
    from mtqa.scoring.run import score_cleaned

    cleaned = target / "cleaned.jsonl" if target.is_dir() else target
    if not cleaned.is_file():
        raise FatalError(f"{cleaned}: no such file (give a run folder or a cleaned JSONL)")
    out_file = out_file or (target / "scores.json" if target.is_dir() else None)
    with output_locked(target) if target.is_dir() else ExitStack():  # a run folder: one writer at a time
        try:
            with progress_bar(_show_progress(progress), "scoring", "segments") as bar:
                scores = score_cleaned(cleaned, lang, progress=bar)
        except (ValueError, OSError) as exc:
            raise FatalError(str(exc)) from exc
        if out_file:
            write_json(out_file, scores)
    click.echo(_score_lines(scores))
    if out_file:
        click.echo(f"Scores: {out_file}")


@main.command("rules")
@click.option("--rules", "rule_packs", multiple=True, type=click.Path(exists=True, dir_okay=False, path_type=str), metavar="PACK.yaml",
              help="Also list the rules of this rule pack (repeatable), as `clean --rules` would run them.")
@click.option("--markdown", is_flag=True, help="Print a Markdown table (as docs/RULES.md has it).")
def rules_command(rule_packs: tuple[str, ...], markdown: bool) -> None:
    """List every check a run can report: id, kind, category, severity, fix, whether it is on by
    default, its measured precision (– = not measured) and what it finds.

    Kinds: encoding (normalisation's repairs), language (language ID), pattern (the YAML rule
    packs), detector (cleaners/detectors/), corpus (duplicates, name consistency, acronyms across
    documents). Any of them can be turned off with `--disable-rule ID` (or a pattern, 'qa.*'), and
    an off one on with `--enable-rule ID`.
    """
    from mtqa.reports.checks import full_markdown, terminal_table

    packs = DEFAULT_PACKS + tuple(os.path.abspath(p) for p in rule_packs)
    try:
        found = checks.registry(packs)
    except (RulePackError, ValueError) as exc:
        raise FatalError(str(exc)) from exc
    click.echo(full_markdown(found.values()) if markdown else terminal_table(found.values()))


def _score_lines(scores: dict) -> str:
    from mtqa.reports.markdown import pvalue, score_rows

    rows = score_rows(scores)
    head = f"{scores['scored']} of {scores['records']} records scored ({scores['skipped_no_references']} without references skipped)."
    if not rows:
        return head
    lines = [head, f"{'lang':<5} {'metric':<7} {'original':>9} {'revised':>9} {'delta':>8} {'p(bs)':>7} {'p(ar)':>7}  verdict"]
    lines += [f"{r['language']:<5} {r['metric']:<7} {r['original']:>9.2f} {r['revised']:>9.2f} {r['delta']:>+8.2f} "
              f"{pvalue(r['p_bootstrap']):>7} {pvalue(r['p_approx_randomization']):>7}  {r['verdict']}" for r in rows]
    return "\n".join(lines)


def _check_inputs(input_path: str, input_format: str | None, out_dir: str, packs: tuple[str, ...],
                  terms: str | None = None, allows: tuple[str, ...] = ()) -> str:
    """Fail in a second, with one clear line, on what would otherwise fail after Prefect starts;
    return the input's format (given, or found from the name and, for XLIFF, the content)."""
    path = Path(input_path)
    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        raise FatalError(f"{input_path}: no such file or folder") from None
    except OSError as exc:
        raise FatalError(os_error_line(exc, input_path)) from None
    if not (stat.S_ISREG(mode) or stat.S_ISDIR(mode)):
        raise FatalError(f"{input_path}: not a file or folder (a pipe, socket or device, which could block or never end): "
                         "save the input to a file and give that")
    try:
        fmt = input_format or detect_format(path)
        if fmt in TRANSLATION_FORMATS:
            identify_translation_file(path, fmt)  # not the format it claims: say so before Prefect starts
    except CorpusError as exc:
        raise FatalError(str(exc)) from exc
    _refuse_json_array(path, fmt)
    out = Path(out_dir)
    try:
        out.mkdir(parents=True, exist_ok=True)
        tempfile.TemporaryFile(dir=out).close()
    except OSError as exc:
        raise FatalError(f"{_short(out_dir)}: cannot write to the output folder: {_reason(exc)}") from exc
    for pack in packs:
        try:
            load_pack(pack)
        except RulePackError as exc:
            raise FatalError(str(exc)) from exc
    if terms:
        try:
            load_glossary(terms)
        except GlossaryError as exc:
            raise FatalError(str(exc)) from exc
    for path in allows:
        try:
            load_file(path)
        except AllowListError as exc:
            raise FatalError(str(exc)) from exc
    return fmt


def _refuse_json_array(path: Path, fmt: str) -> None:
    """A .json file holding one JSON array (not JSON Lines) would be read as broken lines."""
    if path.is_dir() or fmt != "jsonl" or path.suffix == ".gz":
        return
    with open(path, "rb") as stream:
        head = stream.read(1 << 16)
    first_line = head.lstrip(b"\xef\xbb\xbf \t\r\n").split(b"\n", 1)[0]
    if not first_line.startswith(b"["):
        return
    try:
        json.loads(first_line)
        whole_line = True
    except ValueError:
        whole_line = False
    if path.suffix == ".json" or not whole_line:  # in a .jsonl file, a one-line array is one (quarantined) record
        lines = path.with_name(path.stem + ".lines.jsonl") if path.suffix == ".jsonl" else path.with_suffix(".jsonl")
        raise FatalError(f"{path}: a JSON array, not JSON Lines (one object a line): convert it with "
                         f"jq -c '.[]' {path} > {lines}")


def _short(path: str, keep: int = 120) -> str:
    """A path as an error line shows it: a path of thousands of characters is cut in the middle."""
    return path if len(path) <= keep else f"{path[: keep // 2]}…{path[-keep // 2 :]}"


def _reason(exc: OSError) -> str:
    if exc.errno == errno.ENAMETOOLONG:
        return "the path is longer than the file system allows (PATH_MAX or NAME_MAX): choose a shorter one"
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return "no space left on the device: free some space (or choose another --out), then rerun the same command to resume"
    return exc.strerror or str(exc)


def os_error_line(exc: OSError, fallback: str) -> str:
    """One error line for an OSError: the file it concerns (or `fallback`) and what to do."""
    return f"{_short(str(exc.filename or fallback))}: {_reason(exc)}"


def _fatal(exc: BaseException, out_dir: str) -> FatalError:
    """The one line for an error that ended a run."""
    if isinstance(exc, OSError):
        return FatalError(os_error_line(exc, out_dir))
    if isinstance(exc, sqlite3.Error) and "full" in str(exc):
        return FatalError(f"{_short(out_dir)}: no space left on the device ({exc}): free some space (or choose another "
                          "--out), then rerun the same command to resume")
    return FatalError(str(exc))


def _exit_cleanly_on_sigterm() -> None:
    """On SIGTERM, exit through Python so Prefect's temporary server is stopped, not orphaned."""
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(128 + signum))


def _print_summary(summary: dict, out_dir: str, seconds: float, check_only: bool = False) -> None:
    docs = summary["documents_cleaned"]
    lines = [
        f"Read {summary['records_read']} records: {docs} cleaned, {summary['records_quarantined']} quarantined"
        + (f" ({', '.join(f'{k}: {v}' for k, v in summary['quarantine_by_reason'].items())})" if summary["records_quarantined"] else "")
        + ".",
        f"{summary['documents_changed']} documents changed by {summary['edits']} edits; "
        f"{summary['findings']} findings in {summary['documents_with_findings']} documents.",
    ]
    if check_only:
        lines[1] = (f"Dry run (--check-only): no text changed, nothing dropped; {summary['findings']} findings in "
                    f"{summary['documents_with_findings']} documents. What each rule would do:")
        lines += [_rule_lines(summary["rules"]), f"Proposed edits: {Path(out_dir) / 'proposed_edits.jsonl'}; "
                                                 f"this table: {Path(out_dir) / 'rules.md'}"]
    if summary["findings_by_category"]:
        lines.append("Findings by category: " + ", ".join(f"{k} {v}" for k, v in summary["findings_by_category"].items()) + ".")
    duplicates = summary["duplicates"]["found_by_rule"]
    if duplicates:
        lines.append("Duplicates: " + ", ".join(f"{k} {v}" for k, v in duplicates.items())
                     + f"; {summary['duplicates']['dropped']} documents dropped.")
    if summary["suppressed"]["findings"]:
        lines.append(f"Silenced by allow lists (in suppressed.jsonl): {summary['suppressed']['findings']} findings ("
                     + ", ".join(f"{k} {v}" for k, v in summary["suppressed"]["by_rule"].items()) + ").")
    if summary["rule_timeouts"]:
        lines.append("Rules that hit their time limit (skipped there): "
                     + ", ".join(f"{k} on {v} documents" for k, v in summary["rule_timeouts"].items()) + ".")
    if summary.get("rules_stopped"):
        lines.append("Warning: rules not applied because they would grow the text past twice its length (see their findings; "
                     "does a replacement match its own pattern?): "
                     + ", ".join(f"{k} on {v} documents" for k, v in summary["rules_stopped"].items()) + ".")
    if summary.get("rules_disabled"):
        lines.append("Warning: catastrophic rules disabled for the rest of the run after their time limit (fix their pattern): "
                     + ", ".join(f"{k}, skipped on {v} more documents" for k, v in summary["rules_disabled"].items()) + ".")
    if summary.get("translation_file"):
        lines.append(f"Cleaned {Path(summary['input']).suffix.lstrip('.').upper()} file, with the findings as notes: "
                     f"{Path(out_dir) / summary['translation_file']}")
    rate = docs / seconds if seconds > 0 else 0.0
    lines.append(f"Done in {seconds:.1f} s ({rate:.{0 if rate >= 10 else 1}f} documents/s). Output: {out_dir}/ (summary: {Path(out_dir) / 'summary.json'})")
    click.echo("\n".join(lines))


def _rule_lines(rows: list[dict]) -> str:
    """The rule table for a terminal: one line per rule, with its first example."""
    width = max((len(r["rule"]) for r in rows), default=4)
    out = [f"  {'rule':<{width}}  {'fix':<6} {'findings':>8} {'docs':>6} {'share':>6}  first example"]
    for r in rows:
        example = r["examples"][0] if r["examples"] else None
        shown = f"{example['doc_id']}: {example['text']!r}" + (f" -> {example['suggestion']!r}" if example["suggestion"] is not None else "") if example else ""
        out.append(f"  {r['rule']:<{width}}  {r['fix']:<6} {r['findings']:>8} {r['documents']:>6} {r['share_of_documents']:>6.1%}  {shown[:100]}")
    return "\n".join(out)


if __name__ == "__main__":
    main()
