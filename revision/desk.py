"""`review.html`: the reviser's desk, in the browser, one offline file beside the report.

Revisers live in a browser or a CAT tool, not a terminal. The desk lists every finding waiting for
a person (those `mtqa review` asks about) with its source segment, the text around it and the
suggestion in plain view, and takes the same answers as the terminal, by keyboard (j/k to move,
a accept, r reject, e edit, x not an error, u undo) or by button; it filters by rule, category,
severity, language and document (the same slices as `mtqa review --rule ...`), keeps the answers
in the browser's localStorage (closing the tab loses nothing), and exports them as the CSV
`mtqa apply RUN_DIR decisions.csv` reads.

Why a file of its own and not report.html: the report is read, printed, mailed and archived, and
carries no script at all (its Content-Security-Policy forbids any); the desk needs one. Here the
policy allows exactly one script, by its SHA-256 hash, and nothing else: no network, no other
script, no inline handler. Corpus text reaches the page only as JSON in a data block (with `<`
escaped, so it cannot close the block) and the script puts it into the page as text nodes, never
as markup. A server (`mtqa review --serve`) would add a process to keep running and a port to
guard, for nothing a file cannot do: the CSV export is the way back, as for the spreadsheet.
"""

from __future__ import annotations

import base64
import hashlib
import json
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader

from mtqa.cleaners.segment import sentence_spans
from mtqa.corpora.writers import atomic_writer, read_jsonl
from mtqa.revision.decisions import CSV_FIELDS, recorded, reviewable

DESK = "review.html"
CONTEXT = 160  # characters of the sentence shown either side of the span, at most
SOURCE_SHOWN = 600  # characters of the source segment shown
MAX_ITEMS = 20_000  # a desk this long is still quick in a browser; the rest go by CSV or terminal

_TEMPLATES = Path(__file__).parent / "templates"
_env = Environment(loader=FileSystemLoader(_TEMPLATES), autoescape=True,
                   trim_blocks=True, lstrip_blocks=True)
_SCRIPT = (_TEMPLATES / "desk.js").read_text(encoding="utf-8")


def desk_items(run_dir: Path, limit: int = MAX_ITEMS) -> tuple[list[dict[str, Any]], int]:
    """The findings waiting for a person, each with its context and source; and how many there are."""
    decided = {k for k, d in recorded(run_dir).items() if d.decision != "skip"}
    pending = [f for f in reviewable(run_dir) if f["id"] not in decided]
    wanted = {f["doc_id"] for f in pending[:limit]}
    records = {str(r["id"]): r for r in read_jsonl(run_dir / "cleaned.jsonl") if str(r["id"]) in wanted}
    items = []
    for f in pending[:limit]:
        record = records.get(f["doc_id"], {})
        text = record.get("original", "")
        lang = record.get("lang") or record.get("detected_lang")
        start, end = f["start"], f["end"]
        around = [(s, e) for s, e in sentence_spans(text, lang) if s <= end and start <= e] or [(start, end)]
        s, e = max(around[0][0], start - CONTEXT), min(around[-1][1], end + CONTEXT)
        source = record.get("source") if isinstance(record.get("source"), str) else ""
        items.append({
            "id": f["id"], "doc": f["doc_id"], "rule": f["rule"], "category": f["category"], "severity": f["severity"],
            "text": f["text"], "suggestion": f["suggestion"], "message": f["message"], "lang": lang or "",
            "before": ("…" if s > 0 else "") + text[s:start], "after": text[end:e] + ("…" if e < len(text) else ""),
            "source": source[:SOURCE_SHOWN] + ("…" if len(source) > SOURCE_SHOWN else ""),
        })
    return items, len(pending)


def render_desk(run_dir: Path, title: str, limit: int = MAX_ITEMS) -> str:
    items, total = desk_items(run_dir, limit)
    key = hashlib.sha256(json.dumps([title, [i["id"] for i in items]]).encode("utf-8")).hexdigest()[:16]
    data = json.dumps({"items": items, "total": total, "key": key, "fields": list(CSV_FIELDS), "run": str(title)},
                      ensure_ascii=False, separators=(",", ":"))
    # `<` never reaches the page raw: no "</script>" or "<!--" can end the data block early
    data = data.replace("<", "\\u003c").replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")
    digest = base64.b64encode(hashlib.sha256(_SCRIPT.encode("utf-8")).digest()).decode("ascii")
    return _env.get_template("desk.html.j2").render(title=title, data=data, script=_SCRIPT, script_hash=digest,
                                                   shown=len(items), total=total)


def write_desk(run_dir: Path, title: str, limit: int = MAX_ITEMS) -> Path:
    """Write `run_dir/review.html` (atomically); the same run gives the same bytes."""
    path = run_dir / DESK
    html = render_desk(run_dir, title, limit)
    with atomic_writer(path) as out:
        out.write(html)
    return path
