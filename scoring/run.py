"""Score a cleaned corpus: original vs revised text against the references, per target language.

Reads `cleaned.jsonl` (a run folder's, or any JSONL with `text`, `original` and `references`).
Records without references are counted and skipped. Documents are grouped by target language
(`lang`, else the run's `--lang`, else the detected language), because BLEU's tokenisation
depends on it and a BLEU over several languages means nothing.
"""

from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path
from typing import Any

from mtqa.langtags import primary_subtag

TOP_SEGMENTS = 10  # most improved / most worsened segments listed by chrF


def score_cleaned(path: str | Path, default_lang: str | None = None, progress: Any = None) -> dict[str, Any]:
    """Scores of every target language of a cleaned corpus. `progress`, if given, is told the
    number of segments to read (`update(total=N)`) and each batch read (`advance(n)`): every
    segment of the original side, and the revised segments that differ from it."""
    path = Path(path)
    groups: dict[str, dict[str, list]] = defaultdict(lambda: {"ids": [], "before": [], "after": [], "refs": []})
    records = skipped = 0
    with open(path, encoding="utf-8") as stream:
        for number, line in enumerate(stream, 1):
            if not line.strip():
                continue
            try:
                rec = json.loads(line)
            except json.JSONDecodeError as exc:
                raise ValueError(f"{path}: line {number}: invalid JSON: {exc.msg}") from exc
            records += 1
            raw_refs = rec.get("references") or []
            refs = [r for r in ([raw_refs] if isinstance(raw_refs, str) else raw_refs) if isinstance(r, str) and r.strip()]
            if not refs:
                skipped += 1
                continue
            if not isinstance(rec.get("text"), str):
                raise ValueError(f"{path}: line {number}: no 'text' to score")
            lang_value = rec.get("lang") or default_lang or rec.get("detected_lang")
            group = groups[primary_subtag(lang_value) if lang_value else "und"]
            group["ids"].append(str(rec.get("id", number)))
            group["before"].append(rec.get("original", rec["text"]))
            group["after"].append(rec["text"])
            group["refs"].append(refs)
    if progress is not None:
        progress.update(total=sum(len(g["before"]) + sum(a != b for a, b in zip(g["before"], g["after"]))
                                  for g in groups.values()))
    by_language = {}
    if groups:  # sacrebleu loads only for a corpus with references: a one-file check has none
        from mtqa.scoring.compare import compare
    for lang in sorted(groups):
        g = groups[lang]
        result = compare(g["before"], g["after"], g["refs"], None if lang == "und" else lang,
                         on_progress=progress.advance if progress is not None else None)
        result["segment_changes"] = _segment_changes(g, None if lang == "und" else lang)
        by_language[lang] = result
    return {"records": records, "scored": records - skipped, "skipped_no_references": skipped, "by_language": by_language}


def _segment_changes(group: dict[str, list], lang: str | None) -> dict[str, list[dict[str, Any]]]:
    """The segments whose chrF moved most, each way (only changed segments can move)."""
    from mtqa.scoring.compare import segment_chrf  # (loaded already: only scored groups get here)

    moved = []
    for doc_id, before, after, refs in zip(group["ids"], group["before"], group["after"], group["refs"]):
        if before == after:
            continue
        b, a = segment_chrf(before, refs), segment_chrf(after, refs)
        moved.append({"id": doc_id, "chrf_original": b, "chrf_revised": a, "delta": round(a - b, 4)})
    moved.sort(key=lambda m: (m["delta"], m["id"]))
    return {"improved": [m for m in reversed(moved) if m["delta"] > 0][:TOP_SEGMENTS],
            "worsened": [m for m in moved if m["delta"] < 0][:TOP_SEGMENTS]}
