"""The HTML report: one self-contained page a translator can open offline.

Corpus text is untrusted, so the page is rendered by Jinja2 with autoescaping on, carries no
script at all, and forbids scripts through its Content-Security-Policy. It stays light on large
corpora: the documents shown are the `max_documents` with the most severe findings, picked in
one streaming pass over findings.jsonl (which is in document order), and everything else is
summarised in counts and charts.
"""

from __future__ import annotations

import hashlib
import heapq
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader

from mtqa.corpora.writers import atomic_writer, read_jsonl
from mtqa.reports.markdown import pvalue, score_rows

SEVERITY_RANK = {"minor": 1, "major": 2, "critical": 3}
MAX_DOCUMENTS = 200
MAX_QUARANTINE_SHOWN = 100
CONTEXT = 30  # characters shown around an edit

_env = Environment(loader=FileSystemLoader(Path(__file__).parent / "templates"), autoescape=True,
                   trim_blocks=True, lstrip_blocks=True)
_CODES = str.maketrans({"\ue103": "⬚"})  # an inline code of an XLIFF/TMX segment (corpora/inline.py)
_VISIBLE = str.maketrans({" ": "␣", "\t": "⇥", "\n": "↵", "\r": "␍", "\u00a0": "⍽", "\ue103": "⬚"})


def visible(text: str) -> str:
    """White space shown as symbols, so a removed space can be seen in a diff; empty shows as ∅."""
    return text.translate(_VISIBLE) if text else "∅"


def codes(text: str) -> str:
    """Inline codes of TMX/XLIFF segments as a box, as CAT tools show them (not a private-use glyph)."""
    return text.translate(_CODES)


_env.filters["visible"] = visible
_env.filters["codes"] = codes
_env.filters["pvalue"] = pvalue


def write_report(out_dir: Path, summary: dict[str, Any], scores: dict[str, Any] | None,
                 history: list[dict[str, Any]], max_documents: int = MAX_DOCUMENTS) -> Path:
    path = out_dir / "report.html"
    html = render_report(out_dir, summary, scores, history, max_documents)
    with atomic_writer(path) as out:
        out.write(html)
    return path


def render_report(out_dir: Path, summary: dict[str, Any], scores: dict[str, Any] | None,
                  history: list[dict[str, Any]], max_documents: int = MAX_DOCUMENTS) -> str:
    chosen = top_documents(out_dir / "findings.jsonl", max_documents)
    documents = _documents(out_dir, chosen)
    quarantine, quarantined = _head(out_dir / "quarantine.jsonl", MAX_QUARANTINE_SHOWN)
    return _env.get_template("report.html.j2").render(
        summary=summary,
        scores=scores,
        score_rows=score_rows(scores),
        charts={title: _bars(summary.get(key, {})) for title, key in (
            ("category", "findings_by_category"), ("severity", "findings_by_severity"),
            ("rule", "findings_by_rule"), ("language", "findings_by_lang"))},
        documents=documents,
        documents_with_findings=summary["documents_with_findings"],
        quarantine=quarantine,
        quarantined=quarantined,
        history=[{**h, "signature_id": hashlib.sha256(str(h.get("signature")).encode()).hexdigest()[:8]} for h in history],
    )


def top_documents(findings_path: Path, limit: int) -> list[str]:
    """Ids of the `limit` documents with the most severe findings (then the most, then the first).
    One pass; corpus-level findings come after the rest, so a document may show up twice."""
    docs: dict[str, list[int]] = {}
    for order, (doc_id, findings) in enumerate(_grouped(findings_path)):
        worst = max(SEVERITY_RANK.get(f["severity"], 0) for f in findings)
        entry = docs.setdefault(doc_id, [0, 0, -order])
        entry[0], entry[1] = max(entry[0], worst), entry[1] + len(findings)
    best = heapq.nlargest(limit, docs.items(), key=lambda kv: (kv[1][0], kv[1][1], kv[1][2]))
    return [doc_id for doc_id, _ in best]


def highlight(text: str, findings: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Cut `text` at every finding boundary; each piece lists the findings covering it.
    A zero-width finding (an insertion point) becomes a marker piece of its own.
    One sweep over the boundaries, so a long text with many findings stays fast."""
    spans = sorted((f for f in findings if f["start"] < f["end"]), key=lambda f: f["start"])
    points = sorted((f for f in findings if f["start"] == f["end"]), key=lambda f: f["start"])
    cuts = sorted({0, len(text)} | {f["start"] for f in findings} | {f["end"] for f in findings})
    pieces: list[dict[str, Any]] = []
    active: list[dict[str, Any]] = []
    next_span = next_point = 0
    for a, b in zip(cuts, cuts[1:] + [None]):
        while next_point < len(points) and points[next_point]["start"] == a:
            pieces.append({"text": "", "findings": [points[next_point]], "marker": True})
            next_point += 1
        if b is None or a >= b:
            continue
        active = [f for f in active if f["end"] > a]
        while next_span < len(spans) and spans[next_span]["start"] <= a:
            active.append(spans[next_span])
            next_span += 1
        pieces.append({"text": text[a:b], "findings": list(active), "marker": False})
    for piece in pieces:
        fs = piece["findings"]
        piece["severity"] = max((f["severity"] for f in fs), key=lambda s: SEVERITY_RANK.get(s, 0)) if fs else None
        piece["title"] = "\n".join(
            f"{f['rule']} ({f['severity']}): {f['message']}" + (f" → {f['suggestion']!r}" if f.get("suggestion") is not None else "")
            for f in fs)
    return pieces


def _documents(out_dir: Path, chosen: list[str]) -> list[dict[str, Any]]:
    wanted = set(chosen)
    docs: dict[str, dict[str, Any]] = {}
    for rec in _jsonl(out_dir / "cleaned.jsonl"):
        doc_id = str(rec.get("id"))
        if doc_id in wanted:
            docs[doc_id] = {"id": doc_id, "original": rec.get("original", ""), "text": rec.get("text", ""),
                            "lang": rec.get("lang"), "detected_lang": rec.get("detected_lang"), "findings": [], "edits": []}
    for name, key in (("findings.jsonl", "findings"), ("edits.jsonl", "edits")):
        for rec in _jsonl(out_dir / name):
            if rec["doc_id"] in docs:
                docs[rec["doc_id"]][key].append(rec)
    out = []
    for doc_id in chosen:
        doc = docs.get(doc_id)
        if doc is None:
            continue
        doc["pieces"] = highlight(doc["original"], doc["findings"])
        doc["edit_views"] = [
            {"before_context": doc["original"][max(0, e["start"] - CONTEXT) : e["start"]], "before": e["before"],
             "after": e["after"], "after_context": doc["original"][e["end"] : e["end"] + CONTEXT], "rule": e["rule"]}
            for e in doc["edits"]
        ]
        out.append(doc)
    return out


def _bars(counts: dict[str, int]) -> list[dict[str, Any]]:
    top = max(counts.values(), default=0) or 1
    return [{"label": k, "count": v, "percent": round(100 * v / top, 1)} for k, v in counts.items()]


def _grouped(path: Path) -> Iterator[tuple[str, list[dict[str, Any]]]]:
    """Findings grouped by document; findings.jsonl lists each document's findings together."""
    current, group = None, []
    for rec in _jsonl(path):
        if rec["doc_id"] != current and group:
            yield current, group
            group = []
        current = rec["doc_id"]
        group.append(rec)
    if group:
        yield current, group


def _head(path: Path, limit: int) -> tuple[list[dict[str, Any]], int]:
    shown, total = [], 0
    for rec in _jsonl(path):
        total += 1
        if len(shown) < limit:
            shown.append(rec)
    return shown, total


def _jsonl(path: Path) -> Iterator[dict[str, Any]]:
    if path.exists():
        yield from read_jsonl(path)
