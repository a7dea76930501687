"""The plain-Python stages of a cleaning run; the Prefect flow only decides where they run.

read_into_shards  stream the input once, check every record, write shards of N documents and the
                  quarantine of what could not be read (main process, constant memory)
clean_shard       clean one shard: text work on each document, four output parts, its cache delta
                  and its stats (any worker; idempotent, resumable and incremental)
merge_shards      join the parts in shard order into the output files and write summary.json

Shards are files, not lists, so that what travels to a worker is a path and a small config.
"""

from __future__ import annotations

import hashlib
import json
import traceback
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cleaners.config import CleanConfig
from cleaners.pipeline import clean_document
from cleaners.consistency import count_documents, variant_groups
from corpora.cache import DocCache, document_key
from corpora.documents import IdIndex, to_document
from corpora.readers import RawRecord, Rejected, read_corpus
from corpora.writers import atomic_writer, concatenate, dumps, write_json
from mtqa.records import Document, Finding

OUTPUTS = ("cleaned", "findings", "edits", "quarantine")


@dataclass
class ReadStats:
    """What the read stage saw; filled in while the shards are produced."""

    records: int = 0  # input records (documents read plus records rejected)
    documents: int = 0
    rejected: Counter = field(default_factory=Counter)
    shards: int = 0


def read_into_shards(input_path: str, work_dir: Path, shard_size: int, fmt: str | None, stats: ReadStats,
                     lang: str | None = None) -> Iterator[Path]:
    """Yield each shard file as soon as it is written, so cleaning starts before reading ends."""
    work_dir.mkdir(parents=True, exist_ok=True)
    ids = IdIndex(work_dir / "ids.sqlite")
    batch: list[str] = []
    try:
        with atomic_writer(work_dir / "read.quarantine.jsonl") as quarantine:
            for item in read_corpus(input_path, fmt, lang):
                stats.records += 1
                doc = to_document(item) if isinstance(item, RawRecord) else item
                if isinstance(doc, Document):
                    first = ids.first_seen(doc.id, item.file, item.line)
                    if first is not None:
                        doc = Rejected(item.file, item.line, "duplicate_id", f"id {doc.id!r} was first seen at {first}", item.record)
                if isinstance(doc, Rejected):
                    stats.rejected[doc.reason] += 1
                    quarantine.write(dumps(doc.to_json()) + "\n")
                    continue
                stats.documents += 1
                batch.append(dumps({"file": item.file, "line": item.line, "record": item.record}))
                if len(batch) >= shard_size:
                    yield _write_shard(work_dir, stats, batch)
                    batch = []
            if batch:
                yield _write_shard(work_dir, stats, batch)
    finally:
        ids.close()


def _write_shard(work_dir: Path, stats: ReadStats, lines: list[str]) -> Path:
    path = work_dir / f"shard-{stats.shards:05d}.jsonl"
    with atomic_writer(path) as out:
        out.write("\n".join(lines) + "\n")
    stats.shards += 1
    return path


def clean_shard(shard: Path, config: CleanConfig, fingerprint: str = "", cache_path: Path | None = None,
                resume: bool = True) -> dict[str, Any]:
    """Clean every document of a shard; write `<shard>.<output>.jsonl` parts and return the counts.

    Resumable and incremental: a shard already finished with the same content and configuration
    (its `.done.json` marker says so) is not redone, and a document found in the cache of an
    earlier run (same content, same `fingerprint`) is not recleaned. Either way the outputs are
    the bytes a fresh run would write.
    """
    shard = Path(shard)
    data = shard.read_bytes()
    marker = shard.with_suffix(".done.json")
    stamp = {"shard_sha256": hashlib.sha256(data).hexdigest(), "fingerprint": fingerprint}
    paths = {name: shard.with_suffix(f".{name}.jsonl") for name in OUTPUTS + ("cache", "names")}
    done = _read_marker(marker) if resume else None
    if done and {k: done.get(k) for k in stamp} == stamp and all(p.exists() for p in paths.values()):
        return done["counts"]
    counts: dict[str, Counter] = {
        k: Counter() for k in ("totals", "rule", "category", "severity", "detected_lang", "lang", "timed_out_rule",
                               "quarantined")
    }
    cache = DocCache(cache_path)
    try:
        with atomic_writer(paths["cleaned"]) as cleaned, atomic_writer(paths["findings"]) as findings, \
                atomic_writer(paths["edits"]) as edits, atomic_writer(paths["quarantine"]) as quarantine, \
                atomic_writer(paths["cache"]) as delta, atomic_writer(paths["names"]) as names:
            def reject(entry: dict[str, Any], reason: str, detail: str) -> None:
                quarantine.write(dumps(Rejected(entry["file"], entry["line"], reason, detail, entry["record"]).to_json()) + "\n")
                counts["quarantined"][reason] += 1

            # split on "\n" only: texts may hold U+2028, U+0085... that str.splitlines would also cut at
            for line in data.decode("utf-8").split("\n")[:-1]:
                entry = json.loads(line)
                # the record alone, not the file and line it came from: moving or renaming the
                # input, or inserting records before it, leaves a document's outputs as they were
                key = document_key(fingerprint, dumps(entry["record"]))
                output = cache.get(key) if fingerprint else None
                if output is None:
                    doc = to_document(RawRecord(entry["file"], entry["line"], entry["record"]))
                    assert isinstance(doc, Document)  # validated by the read stage
                    if config.max_text_chars is not None and len(doc.text) > config.max_text_chars:
                        reject(entry, "text_too_long", f"the text has {len(doc.text):,} characters, more than the limit of "
                                                       f"{config.max_text_chars:,} (--max-text-chars): split it into documents")
                        continue
                    try:
                        output = document_output(doc, config)
                    except OSError:
                        raise  # I/O trouble is not the record's fault: let the task be retried
                    except Exception as exc:  # a record that breaks a cleaner is quarantined, never lost
                        where = traceback.extract_tb(exc.__traceback__)[-1].name
                        reject(entry, "cleaning_error", f"cleaning failed: {type(exc).__name__}: {exc} ({where})")
                        continue
                cleaned.write(output["cleaned"] + "\n")
                findings.writelines(f + "\n" for f in output["findings"])
                edits.writelines(e + "\n" for e in output["edits"])
                delta.write(f"{key}\t{dumps(output)}\n")
                if output["stats"]["names"]:
                    names.write(dumps([str(entry["record"]["id"]), output["stats"]["names"]]) + "\n")
                _count(counts, output["stats"])
    finally:
        cache.close()
    result = {k: dict(v) for k, v in counts.items()}
    with atomic_writer(marker) as out:
        json.dump({**stamp, "counts": result}, out)
    return result


def document_output(doc: Document, config: CleanConfig) -> dict[str, Any]:
    """One document's output lines and the figures the summary counts, as the cache stores them."""
    result = clean_document(doc, config)
    return {
        "cleaned": dumps({**doc.record, "text": result.text, "original": doc.text, "detected_lang": result.detected_lang}),
        "findings": [dumps(f.to_json()) for f in result.findings],
        "edits": [dumps(e.to_json()) for e in result.edits],
        "stats": {
            "tags": [[f.rule, f.category, f.severity] for f in result.findings],
            "edits": len(result.edits),
            "detected_lang": result.detected_lang,
            "lang": doc.lang or config.lang or result.detected_lang or "unknown",
            "timed_out": result.timed_out_rules,
            "changed": result.text != doc.text,
            "characters": len(doc.text),
            "words": len(doc.text.split()),
            "checkable": result.langid_checkable,
            "names": [list(n) for n in result.names],
        },
    }



def _count(counts: dict[str, Counter], stats: dict[str, Any]) -> None:
    totals = counts["totals"]
    for rule, category, severity in stats["tags"]:
        counts["rule"][rule] += 1
        counts["category"][category] += 1
        counts["severity"][severity] += 1
    counts["detected_lang"][stats["detected_lang"] or "unknown"] += 1
    if stats["tags"]:
        counts["lang"][stats["lang"]] += len(stats["tags"])
    counts["timed_out_rule"].update(stats["timed_out"])
    totals["documents"] += 1
    totals["changed_documents"] += stats["changed"]
    totals["documents_with_findings"] += bool(stats["tags"])
    totals["findings"] += len(stats["tags"])
    totals["edits"] += stats["edits"]
    totals["characters"] += stats["characters"]
    totals["words"] += stats["words"]
    totals["langid_unsupported"] += not stats["checkable"]


def _read_marker(path: Path) -> dict[str, Any] | None:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def merge_shards(work_dir: Path, out_dir: Path, shards: list[Path], shard_counts: list[dict[str, Any]],
                 read: ReadStats, signature: dict[str, Any], input_path: str, write_summary: bool = True) -> dict[str, Any]:
    """Write the output folder: the parts joined in shard order, then summary.json (unless the
    caller has more to write first: summary.json is the folder's completion marker)."""
    out_dir.mkdir(parents=True, exist_ok=True)
    # summary.json is the completion marker: gone while the other files are being replaced
    (out_dir / "summary.json").unlink(missing_ok=True)
    corpus_findings = work_dir / "corpus.findings.jsonl"
    extra = consistency_findings([s.with_suffix(".names.jsonl") for s in shards], corpus_findings)
    for name in OUTPUTS:
        parts = [work_dir / "read.quarantine.jsonl"] if name == "quarantine" else []
        tail = [corpus_findings] if name == "findings" else []
        concatenate(out_dir / f"{name}.jsonl", parts + [s.with_suffix(f".{name}.jsonl") for s in shards] + tail)
    summary = build_summary(shard_counts + [extra], read, signature, input_path)
    if write_summary:
        write_json(out_dir / "summary.json", summary)
    return summary


def consistency_findings(names_files: list[Path], out: Path) -> dict[str, Any]:
    """Corpus-level findings: names spelt in several ways across documents (cleaners/consistency.py).
    Two streaming passes over the shards' name lists; written after every document's findings."""
    def documents():
        for path in names_files:
            with open(path, encoding="utf-8") as stream:
                for line in stream:
                    yield json.loads(line)

    counts = count_documents([w for w, _, _ in names] for _, names in documents())
    groups = variant_groups(counts)
    minority = {variant: majority for majority, variants in groups for variant in variants}
    totals: dict[str, Counter] = {k: Counter() for k in ("totals", "rule", "category", "severity")}
    with atomic_writer(out) as stream:
        for doc_id, names in documents():
            for word, start, end in names:
                if word not in minority:
                    continue
                majority = minority.pop(word)  # reported once: at the variant's first occurrence
                message = (f"'{word}' ({counts[word]} documents) is spelt '{majority}' in {counts[majority]} "
                           "documents of this corpus: one name, one spelling.")
                finding = Finding(doc_id, start, end, word, CONSISTENCY_RULE, "terminology", "minor", message, majority, "review")
                stream.write(dumps(finding.to_json()) + "\n")
                for key, value in (("rule", CONSISTENCY_RULE), ("category", "terminology"), ("severity", "minor")):
                    totals[key][value] += 1
                totals["totals"]["findings"] += 1
    return {k: dict(v) for k, v in totals.items()}


CONSISTENCY_RULE = "consistency.name_variant"


def build_summary(shard_counts: list[dict[str, Any]], read: ReadStats, signature: dict[str, Any], input_path: str) -> dict[str, Any]:
    merged: dict[str, Counter] = {}
    for counts in shard_counts:
        for key, values in counts.items():
            merged.setdefault(key, Counter()).update(values)
    totals = merged.get("totals", Counter())
    by_reason = Counter(read.rejected) + merged.get("quarantined", Counter())  # by the read and the clean stage
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
        "findings_by_category": _sorted(merged.get("category")),
        "findings_by_severity": _sorted(merged.get("severity")),
        "findings_by_rule": _sorted(merged.get("rule")),
        "findings_by_lang": _sorted(merged.get("lang")),
        "documents_by_detected_lang": _sorted(merged.get("detected_lang")),
        "documents_langid_unsupported": totals["langid_unsupported"],
        "rule_timeouts": _sorted(merged.get("timed_out_rule")),
        "signature": signature,
    }


def _sorted(counter: Counter | None) -> dict[str, int]:
    return dict(sorted((counter or Counter()).items(), key=lambda kv: (-kv[1], kv[0])))
