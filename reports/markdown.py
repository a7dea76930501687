"""The run summary as Markdown and as table rows: for the terminal, the Prefect UI and the README."""

from __future__ import annotations

import html
from typing import Any

from mtqa.scoring.names import METRICS


def pvalue(p: float | None) -> str:
    return "–" if p is None else f"{p:.4f}"


def cell(value: object) -> str:
    """Corpus-derived text made inert in Markdown: no HTML, no table breaks."""
    return html.escape(str(value)).replace("|", "\\|").replace("\n", " ")


def score_rows(scores: dict[str, Any] | None) -> list[dict[str, Any]]:
    """One row per language and metric: original, revised, difference, p-values, verdict."""
    rows = []
    for lang, result in (scores or {}).get("by_language", {}).items():
        for name in METRICS:
            m = result["metrics"][name]
            rows.append({"language": lang, "segments": result["segments"], "metric": name, "original": m["original"],
                         "revised": m["revised"], "delta": m["delta"], "p_bootstrap": m["p_bootstrap"],
                         "p_approx_randomization": m["p_approx_randomization"], "verdict": m["verdict"]})
    return rows


def summary_markdown(summary: dict[str, Any], scores: dict[str, Any] | None) -> str:
    lines = [
        "# mtqa run",
        "",
        f"- Input: {cell(summary['input'])}",
        f"- Records: {summary['records_read']} read, {summary['documents_cleaned']} cleaned, "
        f"{summary['records_quarantined']} quarantined",
        f"- Changes: {summary['edits']} edits in {summary['documents_changed']} documents",
        f"- Findings: {summary['findings']} in {summary['documents_with_findings']} documents",
        f"- Signature: `{summary['signature']['text']}`",
        "",
    ]
    if summary["findings_by_category"]:
        lines += ["| category | findings |", "|---|---|"]
        lines += [f"| {cell(k)} | {v} |" for k, v in summary["findings_by_category"].items()]
        lines.append("")
    rows = score_rows(scores)
    if rows:
        lines += ["| language | metric | original | revised | Δ | p (bootstrap) | p (AR) | verdict |",
                  "|---|---|---|---|---|---|---|---|"]
        lines += [f"| {cell(r['language'])} | {r['metric']} | {r['original']:.2f} | {r['revised']:.2f} | {r['delta']:+.2f} | "
                  f"{pvalue(r['p_bootstrap'])} | {pvalue(r['p_approx_randomization'])} | {r['verdict']} |" for r in rows]
        lines.append("")
        lines.append(f"{scores['scored']} of {scores['records']} records scored; "
                     f"{scores['skipped_no_references']} without references skipped.")
    elif scores is not None:
        lines.append(f"No record has references: nothing to score ({scores['skipped_no_references']} skipped).")
    return "\n".join(lines) + "\n"


def rule_table_markdown(summary: dict[str, Any]) -> str:
    """What each rule found (or, in a dry run, would change): the table a user reads before letting
    a rule pack loose. Written as rules.md by `--check-only`."""
    documents = summary["documents_cleaned"]
    lines = ["# What each rule found", "", f"{summary['findings']} findings in {summary['documents_with_findings']} "
             f"of {documents} documents; {summary['suppressed']['findings']} silenced by allow lists.", "",
             "| rule | fix | findings | documents | share | examples (document: text → suggestion) |",
             "|---|---|---|---|---|---|"]
    for row in summary["rules"]:
        examples = "<br>".join(
            f"{cell(e['doc_id'])}: `{cell(e['text'])}`" + (f" → `{cell(e['suggestion'])}`" if e["suggestion"] is not None else "")
            for e in row["examples"])
        lines.append(f"| {cell(row['rule'])} | {row['fix']} | {row['findings']} | {row['documents']} | "
                     f"{row['share_of_documents']:.1%} | {examples} |")
    return "\n".join(lines) + "\n"
