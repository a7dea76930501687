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
from mtqa.reports.checks import shown_precision
from mtqa.reports.markdown import pvalue, score_rows

SEVERITY_RANK = {"minor": 1, "major": 2, "critical": 3}
MAX_DOCUMENTS = 200
MAX_QUARANTINE_SHOWN = 100
CONTEXT = 30  # characters shown around an edit

_env = Environment(loader=FileSystemLoader(Path(__file__).parent / "templates"), autoescape=True,
                   trim_blocks=True, lstrip_blocks=True)
_CODES = str.maketrans({"\ue103": "⬚"})  # an inline code of an XLIFF/TMX segment (corpora/inline.py)
_VISIBLE = str.maketrans({" ": "␣", "\t": "⇥", "\n": "↵", "\r": "␍", "\u00a0": "⍽", "\ue103": "⬚"})
_INNER = str.maketrans({"\t": "⇥", "\n": "↵", "\r": "␍", "\ue103": "⬚"})
HYGIENE = "duplicate"  # corpus hygiene, not MT errors: reported in a section of its own


def visible(text: str) -> str:
    """White space shown as symbols where it is the point (a removed space, a space at an end, a
    tab, a line break), so an edit of white space can be seen; a space between words stays a
    space, so an example reads as text. Empty shows as ∅."""
    if not text:
        return "∅"
    if not text.strip():
        return text.translate(_VISIBLE)
    lead, trail = len(text) - len(text.lstrip()), len(text) - len(text.rstrip())
    inner = text[lead : len(text) - trail].translate(_INNER)
    return text[:lead].translate(_VISIBLE) + inner + (text[len(text) - trail :].translate(_VISIBLE) if trail else "")


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
    default_lang = ((summary.get("signature") or {}).get("options") or {}).get("lang")
    documents = _documents(out_dir, chosen, default_lang)
    quarantine, quarantined = _head(out_dir / "quarantine.jsonl", MAX_QUARANTINE_SHOWN)
    at_glance = glance(out_dir, summary, scores, default_lang)
    mt = {k: v for k, v in summary.get("findings_by_category", {}).items() if k != HYGIENE}
    mt_rules = {k: v for k, v in summary.get("findings_by_rule", {}).items() if not k.startswith(HYGIENE + ".")}
    return _env.get_template("report.html.j2").render(
        summary=summary,
        scores=scores,
        score_rows=score_rows(scores),
        glance=at_glance,
        category_chart=svg_bars(mt),
        score_chart=svg_scores(score_rows(scores)),
        trend_chart=svg_trend(history),
        charts={title: _bars(counts) for title, counts in (
            ("severity", summary.get("findings_by_severity", {})), ("rule", mt_rules))},
        documents=documents,
        documents_with_findings=summary["documents_with_findings"],
        quarantine=quarantine,
        quarantined=quarantined,
        history=[{**h, "signature_id": hashlib.sha256(str(h.get("signature")).encode()).hexdigest()[:8]} for h in history],
        measured_precision=shown_precision,
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
        pieces.append({"text": text[a:b], "findings": list(active), "marker": False,
                       "suggestions": [f["suggestion"] for f in active if f["end"] == b and f.get("suggestion") is not None]})
    for piece in pieces:
        fs = piece["findings"]
        piece["severity"] = max((f["severity"] for f in fs), key=lambda s: SEVERITY_RANK.get(s, 0)) if fs else None
        piece["title"] = "\n".join(
            f"{f['rule']} ({f['severity']}): {f['message']}" + (f" → {f['suggestion']!r}" if f.get("suggestion") is not None else "")
            for f in fs)
    return pieces


def _documents(out_dir: Path, chosen: list[str], default_lang: str | None = None) -> list[dict[str, Any]]:
    wanted = set(chosen)
    docs: dict[str, dict[str, Any]] = {}
    for rec in _jsonl(out_dir / "cleaned.jsonl"):
        doc_id = str(rec.get("id"))
        if doc_id in wanted:
            docs[doc_id] = {"id": doc_id, "original": rec.get("original", ""), "text": rec.get("text", ""),
                            "lang": rec.get("lang") or default_lang, "detected_lang": rec.get("detected_lang"),
                            "findings": [], "edits": [], "copies": []}
    for name, key in (("findings.jsonl", "findings"), ("edits.jsonl", "edits")):
        for rec in _jsonl(out_dir / name):
            if rec["doc_id"] in docs:
                docs[rec["doc_id"]][key].append(rec)
    out = []
    first_of: dict[str, dict[str, Any]] = {}  # identical texts: one card, with the count of its copies
    for doc_id in chosen:
        doc = docs.get(doc_id)
        if doc is None:
            continue
        same = first_of.get(doc["original"])
        if same is not None and [(f["rule"], f["start"]) for f in doc["findings"] if f["category"] != HYGIENE] == \
                [(f["rule"], f["start"]) for f in same["findings"] if f["category"] != HYGIENE]:
            same["copies"].append(doc_id)
            continue
        first_of.setdefault(doc["original"], doc)
        doc["pieces"] = highlight(doc["original"], doc["findings"])
        doc["edit_views"] = [
            {"before_context": doc["original"][max(0, e["start"] - CONTEXT) : e["start"]], "before": e["before"],
             "after": e["after"], "after_context": doc["original"][e["end"] : e["end"] + CONTEXT], "rule": e["rule"]}
            for e in doc["edits"]
        ]
        out.append(doc)
    return out


def glance(out_dir: Path, summary: dict[str, Any], scores: dict[str, Any] | None,
           default_lang: str | None) -> dict[str, Any]:
    """The headline: documents, MT findings per 1,000 words (overall and per language), what
    changed, hygiene findings apart, and each scored language's chrF before and after with its verdict."""
    words: dict[str, int] = {}
    lang_of: dict[str, str] = {}
    for rec in _jsonl(out_dir / "cleaned.jsonl"):
        lang = str(rec.get("lang") or default_lang or rec.get("detected_lang") or "?")
        lang_of[str(rec.get("id"))] = lang
        words[lang] = words.get(lang, 0) + len(str(rec.get("original", "")).split())
    mt: dict[str, int] = {}
    hygiene = 0
    for rec in _jsonl(out_dir / "findings.jsonl"):
        if rec["category"] == HYGIENE:
            hygiene += 1
        else:
            lang = lang_of.get(rec["doc_id"], "?")
            mt[lang] = mt.get(lang, 0) + 1
    total_words = sum(words.values())
    by_lang = [{"lang": lang, "words": n, "findings": mt.get(lang, 0),
                "per_1k": round(1000 * mt.get(lang, 0) / n, 2) if n else None} for lang, n in sorted(words.items())]
    verdicts = [{"language": r["language"], "original": r["original"], "revised": r["revised"], "delta": r["delta"],
                 "verdict": r["verdict"], "says": verdict_words(r["verdict"], r["delta"])}
                for r in score_rows(scores) if r["metric"] == "chrf"]
    return {"documents": summary.get("documents_cleaned", 0), "findings": sum(mt.values()), "hygiene": hygiene,
            "per_1k": round(1000 * sum(mt.values()) / total_words, 2) if total_words else None,
            "words": total_words, "by_lang": by_lang, "chrf": verdicts,
            "per_1k_chart": svg_bars({b["lang"]: b["per_1k"] or 0 for b in by_lang}, digits=2)}


def verdict_words(verdict: str, delta: float) -> str:
    """The verdict as a reader takes it: a significant change that rounds to 0.00 is called what
    it is, not shown in green as if the revision had helped.

    >>> verdict_words("better", 0.001), verdict_words("better", 1.5), verdict_words("no difference", 0.3)
    ('better, by less than 0.01 (significant, but negligible)', 'better', 'no significant change')
    """
    if verdict not in ("better", "worse"):
        return "no significant change"
    if abs(delta) < 0.005:
        return f"{verdict}, by less than 0.01 (significant, but negligible)"
    return verdict


def svg_bars(values: dict[str, float], digits: int = 0, width: int = 520, row: int = 22) -> dict[str, Any]:
    """A horizontal bar chart as data for an inline SVG (the template draws it): no script, no file."""
    label_w, number_w = 190, 60
    top = max(values.values(), default=0) or 1
    bars = [{"label": k, "value": f"{v:,.{digits}f}", "y": i * row, "w": round((width - label_w - number_w) * v / top, 1)}
            for i, (k, v) in enumerate(values.items())]
    return {"bars": bars, "width": width, "height": max(len(bars), 1) * row, "label_w": label_w,
            "number_x": width - number_w + 6, "row": row}


def svg_scores(rows: list[dict[str, Any]], width: int = 520, row: int = 20) -> dict[str, Any] | None:
    """Scores before and after, a pair of bars per language and metric (TER: lower is better)."""
    if not rows:
        return None
    label_w, number_w = 130, 110
    top = max(max(r["original"], r["revised"]) for r in rows) or 1
    pairs = [{"label": f"{r['language']} {r['metric']}", "y": i * 2 * row + i * 6,
              "w_orig": round((width - label_w - number_w) * r["original"] / top, 1),
              "w_rev": round((width - label_w - number_w) * r["revised"] / top, 1),
              "text": f"{r['original']:.2f} → {r['revised']:.2f}", "verdict": r["verdict"]} for i, r in enumerate(rows)]
    return {"pairs": pairs, "width": width, "height": len(pairs) * (2 * row + 6), "label_w": label_w,
            "number_x": width - number_w + 6, "row": row}


def svg_trend(history: list[dict[str, Any]], width: int = 520, height: int = 140) -> dict[str, Any] | None:
    """Findings per 1,000 words across the runs of this corpus, as a polyline with its points."""
    values = [h.get("findings_per_1k_words") for h in history]
    points = [(i, v) for i, v in enumerate(values) if v is not None]
    if len(points) < 2:
        return None
    top = max(v for _, v in points) or 1
    step = (width - 60) / max(len(values) - 1, 1)
    xy = [{"x": round(40 + i * step, 1), "y": round(height - 20 - (height - 40) * v / top, 1), "v": v,
           "when": history[i].get("finished_at", "")} for i, v in points]
    return {"points": xy, "line": " ".join(f"{p['x']},{p['y']}" for p in xy), "width": width, "height": height,
            "top": top}


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
