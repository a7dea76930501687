"""What a Prefect user sees of an mtqa run: its name, its log lines, its artifact keys.

Prefect names a flow run at random (`angelic-cuscus`) unless told otherwise, so in a UI listing
27 corpora nobody can tell which run read what: mtqa names each run after its command and input
(`run ukraine-article.en.txt`). Artifact keys are per corpus (`mtqa-ukraine-article-en-txt-3f2a91-summary`:
the file name for people, a hash of the full path so two `data.jsonl` in different folders stay
apart), since a fixed key would make every corpus overwrite the last one's. Keys allow only
lowercase letters, digits and dashes (notes/pitfalls.md).

>>> corpus_key("/data/Ukraine Article.en.txt")[:28]
'mtqa-ukraine-article-en-txt-'
"""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

ANNOUNCE = "MTQA_ANNOUNCE_RUNS"  # set by `mtqa serve`: each finished run prints one line


def run_namer(command: str) -> Callable[[], str]:
    """A flow-run name from the command and the input's file name, read from the run's parameters."""
    def name() -> str:
        from prefect.runtime import flow_run

        path = str((flow_run.parameters or {}).get("input_path") or "")
        return f"{command} {Path(path).name or path}".strip()
    return name


def corpus_key(input_path: str) -> str:
    """The artifact key prefix of a corpus: its file name, and a hash of its absolute path."""
    absolute = os.path.abspath(input_path)
    slug = re.sub(r"[^a-z0-9]+", "-", Path(absolute).name.lower()).strip("-")[:40].strip("-") or "corpus"
    return f"mtqa-{slug}-{hashlib.sha256(absolute.encode('utf-8', 'surrogatepass')).hexdigest()[:6]}"


def summary_lines(summary: dict[str, Any]) -> list[str]:
    """The run's progress and outcome as a few log lines, for the run's Logs tab."""
    lines = [f"Read {summary['records_read']} records from {summary['input']}: {summary['documents_cleaned']} cleaned, "
             f"{summary['records_quarantined']} quarantined.",
             f"{summary['edits']} edits in {summary['documents_changed']} documents; "
             f"{summary['findings']} findings in {summary['documents_with_findings']} documents"
             + (f" ({per_thousand(summary)} per 1,000 words)." if summary.get("words") else ".")]
    if summary.get("findings_by_category"):
        lines.append("Findings by category: " + ", ".join(f"{k} {v}" for k, v in summary["findings_by_category"].items()) + ".")
    return lines


def per_thousand(summary: dict[str, Any]) -> str:
    return f"{1000 * summary['findings'] / summary['words']:.1f}" if summary.get("words") else "–"


def announce(flow, flow_run, state) -> None:
    """`mtqa serve` prints one line per finished run (an on_completion/on_failure hook of run_flow)."""
    if not os.environ.get(ANNOUNCE):
        return
    when = (state.timestamp.strftime("%Y-%m-%d %H:%M:%S UTC") if getattr(state, "timestamp", None) else "")
    outcome = state.name.lower()
    detail = ""
    if state.is_completed():
        try:
            summary = state.result()
            detail = (f": {summary['documents_cleaned']} documents, {summary['findings']} findings, "
                      f"{summary['documents_changed']} changed; report {summary.get('report', '')}")
        except Exception:  # a result that cannot be read back is still a finished run
            detail = ""
    print(f"{when} {flow_run.name} {outcome}{detail}", flush=True)
