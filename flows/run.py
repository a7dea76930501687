"""The full run: clean -> score -> report, one Prefect flow (`flows/run.py:run_flow`).

Thin like the rest: the cleanup is the cleanup flow (as a subflow), scoring and the report are
plain functions wrapped as tasks. The headline figures go to the run history and to Prefect as
artifacts, so they show in the Prefect UI beside the flow run.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import mtqa.flows.prefect_env  # noqa: F401  (quiet, offline Prefect defaults; before prefect)
from prefect import flow, get_run_logger, task
from prefect.artifacts import create_markdown_artifact, create_table_artifact

from mtqa.cleaners.config import CleanConfig
from mtqa.corpora.lock import output_lock
from mtqa.corpora.writers import write_json
from mtqa.flows.cleanup import DEFAULT_SHARD_SIZE, cleanup_flow, make_task_runner
from mtqa.flows.runners import resolve_runner
from mtqa.flows.progress import progress_bar
from mtqa.flows.runinfo import announce, corpus_key, run_namer
from mtqa.reports import history
from mtqa.reports.html import write_report
from mtqa.reports.markdown import score_rows, summary_markdown
from mtqa.revision.desk import write_desk
from mtqa.scoring.run import score_cleaned


@task(name="score")
def score_task(cleaned: Path, lang: str | None, show_progress: bool = False) -> dict[str, Any]:
    """Score the cleaned corpus (scoring.run.score_cleaned), with its own progress bar."""
    with progress_bar(show_progress, "scoring", "segments") as bar:
        return score_cleaned(cleaned, lang, progress=bar)


report_task = task(write_report, name="report")
desk_task = task(write_desk, name="review-desk")


@flow(name="mtqa-run", flow_run_name=run_namer("run"), on_completion=[announce], on_failure=[announce],
      on_crashed=[announce])
def run_flow(
    input_path: str,
    out_dir: str,
    config: CleanConfig | None = None,
    input_format: str | None = None,
    shard_size: int = DEFAULT_SHARD_SIZE,
    runner: str = "auto",
    workers: int | None = None,
    dask_address: str | None = None,
    history_path: str | None = None,
    show_progress: bool = False,
    full: bool = False,
) -> dict[str, Any]:
    """Clean, score and report a corpus; `history_path=None` keeps no history (report.html is then
    byte-identical across runs too)."""
    config = config or CleanConfig()
    out = Path(out_dir)
    runner = resolve_runner(runner, input_path)
    cleanup = cleanup_flow.with_options(task_runner=make_task_runner(runner, workers, dask_address))
    with output_lock(out):  # the whole run: no other command writes here between cleaning and the report
        return _clean_score_report(cleanup, input_path, out, config, input_format, shard_size, history_path, show_progress, full,
                                   workers)


def _clean_score_report(cleanup, input_path: str, out: Path, config: CleanConfig, input_format: str | None, shard_size: int,
                        history_path: str | None, show_progress: bool, full: bool, workers: int | None = None) -> dict[str, Any]:
    summary = cleanup(input_path=input_path, out_dir=str(out), config=config, input_format=input_format, shard_size=shard_size,
                      show_progress=show_progress, full=full, write_summary=False, workers=workers)
    scores = score_task(out / "cleaned.jsonl", config.lang, show_progress)
    summary = {**summary, "scores": scores}
    trend: list[dict[str, Any]] = []
    corpus = str(Path(input_path).resolve())
    if history_path:
        trend = history.previous_runs(Path(history_path), corpus) + [history.headline(summary, scores, now=True)]
    report = report_task(out, summary, scores, trend)
    desk_task(out, str(input_path))
    write_json(out / "summary.json", summary)  # last: the folder is complete
    if history_path:
        history.record_run(Path(history_path), corpus, trend[-1])
    publish_artifacts(summary, scores, report, corpus_key(input_path))
    get_run_logger().info("Report: %s; review desk: %s", report.resolve(), (out / "review.html").resolve())
    return {**summary, "report": str(report)}


def publish_artifacts(summary: dict[str, Any], scores: dict[str, Any] | None, report: Path, key: str) -> None:
    """The report as Markdown (counts, findings, scores, where the HTML report is), the score and
    findings tables, under keys of this corpus (`key`, from flows/runinfo.corpus_key), so each
    corpus keeps its own history of artifacts in the UI. The HTML report's path is given as text:
    the UI's browser will not open a file:// link."""
    where = (f"\n**Report:** `{report.resolve()}` (open it on this machine; `review.html` beside it is the review desk)\n")
    create_markdown_artifact(summary_markdown(summary, scores) + where, key=f"{key}-report",
                             description=f"mtqa report of {Path(summary['input']).name}: counts, findings, scores")
    rows = score_rows(scores)
    if rows:
        create_table_artifact(rows, key=f"{key}-scores", description="original vs revised, per language and metric")
    findings = [{"category": k, "findings": v} for k, v in summary["findings_by_category"].items()]
    if findings:
        create_table_artifact(findings, key=f"{key}-findings", description="findings by category")
