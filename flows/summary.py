"""The figures of a run: counted per shard (in any worker), merged in shard order into summary.json.

Counts are plain dicts of counters so that they travel back from a worker and sit in a shard's
completion marker. Examples of each rule are the first ones in shard order, so the summary is
the same whatever the runner or the shard size.
"""

from __future__ import annotations

import json
from collections import Counter
from typing import Any

MAX_EXAMPLES = 3  # examples per rule in the rule table
EXAMPLE_CHARS = 120  # an example's text is cut there (a duplicate document's text can be long)
COUNTERS = ("totals", "rule", "category", "severity", "detected_lang", "lang", "timed_out_rule", "disabled_rule", "stopped_rule", "rule_documents",
            "suppressed_rule", "quarantined")


def new_counts() -> dict[str, Any]:
    return {**{k: Counter() for k in COUNTERS}, "examples": {}}


def count_findings(counts: dict[str, Any], tags: list[list[str]], lines: list[str], counted: frozenset[str] = frozenset()) -> None:
    """One document's reported findings (`tags`: rule, category, severity; `lines`: their JSON).
    `counted`: the rules this document was already counted for (corpus-level findings come after
    the document's own)."""
    examples = counts["examples"]
    for (rule, category, severity), line in zip(tags, lines):
        counts["rule"][rule] += 1
        counts["category"][category] += 1
        counts["severity"][severity] += 1
        if len(examples.setdefault(rule, [])) < MAX_EXAMPLES:
            examples[rule].append(_example(json.loads(line)))
    counts["rule_documents"].update({rule for rule, _, _ in tags} - counted)
    counts["totals"]["findings"] += len(tags)


def count_document(counts: dict[str, Any], stats: dict[str, Any], tags: list[list[str]], lines: list[str],
                   suppressed: list[str]) -> None:
    """One cleaned document: its figures (`stats`, as document_output makes them) and findings."""
    totals = counts["totals"]
    count_findings(counts, tags, lines)
    counts["suppressed_rule"].update(suppressed)
    counts["detected_lang"][stats["detected_lang"] or "unknown"] += 1
    if tags:
        counts["lang"][stats["lang"]] += len(tags)
    counts["timed_out_rule"].update(stats["timed_out"])
    counts["disabled_rule"].update(stats.get("disabled", ()))
    counts["stopped_rule"].update(stats.get("stopped", ()))
    totals["documents"] += 1
    totals["changed_documents"] += stats["changed"]
    totals["documents_with_findings"] += bool(tags)
    totals["edits"] += stats["edits"]
    totals["characters"] += stats["characters"]
    totals["words"] += stats["words"]
    totals["langid_unsupported"] += not stats["checkable"]


def _example(finding: dict[str, Any]) -> dict[str, Any]:
    text = finding["text"]
    return {"doc_id": finding["doc_id"], "text": text if len(text) <= EXAMPLE_CHARS else text[:EXAMPLE_CHARS] + "…",
            "suggestion": finding["suggestion"], "fix": finding["fix"]}


def merge(shard_counts: list[dict[str, Any]]) -> dict[str, Any]:
    merged = new_counts()
    for counts in shard_counts:
        for key, values in counts.items():
            if key == "examples":
                for rule, found in values.items():
                    kept = merged["examples"].setdefault(rule, [])
                    kept += found[: MAX_EXAMPLES - len(kept)]
            else:
                merged[key].update(values)
    return merged


def build_summary(shard_counts: list[dict[str, Any]], read: Any, signature: dict[str, Any], input_path: str) -> dict[str, Any]:
    merged = merge(shard_counts)
    totals = merged["totals"]
    by_reason = Counter(read.rejected) + merged["quarantined"]  # by the read and the clean stage
    quarantined = sum(by_reason.values())
    return {
        "input": input_path,
        "records_read": read.records,
        "documents_cleaned": totals["documents"],
        "records_quarantined": quarantined,
        "quarantine_by_reason": dict(sorted(by_reason.items())),
        "documents_changed": totals["changed_documents"],
        "documents_with_findings": totals["documents_with_findings"],
        "findings": totals["findings"],
        "edits": totals["edits"],
        "characters": totals["characters"],
        "words": totals["words"],
        "findings_by_category": _sorted(merged["category"]),
        "findings_by_severity": _sorted(merged["severity"]),
        "findings_by_rule": _sorted(merged["rule"]),
        "findings_by_lang": _sorted(merged["lang"]),
        "documents_by_detected_lang": _sorted(merged["detected_lang"]),
        "documents_langid_unsupported": totals["langid_unsupported"],
        "rule_timeouts": _sorted(merged["timed_out_rule"]),
        "rules_disabled": _sorted(merged["disabled_rule"]),  # documents skipped by a rule disabled after its timeout
        "rules_stopped": _sorted(merged["stopped_rule"]),  # documents where a rule would have grown the text too much
        "suppressed": {"findings": sum(merged["suppressed_rule"].values()), "by_rule": _sorted(merged["suppressed_rule"])},
        "duplicates": {"found_by_rule": _sorted(read.duplicates),
                       "dropped": sum(n for reason, n in read.rejected.items() if reason.endswith("duplicate_text"))},
        "rules": rule_table(merged, totals["documents"]),
        "signature": signature,
    }


def rule_table(merged: dict[str, Any], documents: int) -> list[dict[str, Any]]:
    """One row per rule that reported something: findings, documents, share of documents, examples."""
    return [
        {"rule": rule, "findings": n, "documents": merged["rule_documents"][rule],
         "share_of_documents": round(merged["rule_documents"][rule] / documents, 4) if documents else 0.0,
         "fix": merged["examples"][rule][0]["fix"] if merged["examples"].get(rule) else "none",
         "examples": merged["examples"].get(rule, [])}
        for rule, n in _sorted(merged["rule"]).items()
    ]


def _sorted(counter: Counter | None) -> dict[str, int]:
    return dict(sorted((counter or Counter()).items(), key=lambda kv: (-kv[1], kv[0])))
