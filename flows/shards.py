"""The plain-Python stages of a cleaning run; the Prefect flow only decides where they run.

read_into_shards  stream the input once, check every record, find duplicates (in input order, so
                  the first occurrence is the same whatever runs the shards), write shards of N
                  documents and the quarantine of what could not be read or was dropped
                  (main process, constant memory: what was seen is kept on disk)
clean_shard       clean one shard: text work on each document, its output parts, its cache delta
                  and its counts (any worker; idempotent, resumable and incremental)
merge_shards      join the parts in shard order into the output files and write summary.json
                  (flows/summary.py counts)

Shards are files, not lists, so that what travels to a worker is a path and a small config.
"""

from __future__ import annotations

import hashlib
import json
import os
import traceback
from collections import Counter
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from mtqa.cleaners.allowlist import AllowList, Entry, allow_list
from mtqa.cleaners.checks import corpus_checks, skipped
from mtqa.cleaners.config import CleanConfig
from mtqa.cleaners.corpus import CorpusCheck, run_corpus_checks
from mtqa.cleaners.duplicates import RULES as DUPLICATE_RULES
from mtqa.cleaners.duplicates import DuplicateFinder
from mtqa.cleaners.pipeline import clean_document
from mtqa.corpora.cache import DocCache, document_key
from mtqa.corpora.documents import IdIndex, document_of, to_document
from mtqa.corpora.readers import RawRecord, Rejected, read_corpus
from mtqa.corpora.seen import FirstSeen
from mtqa.corpora.writers import atomic_writer, concatenate, dumps, write_json
from mtqa.flows.runners import estimated_records, next_shard_size
from mtqa.flows.summary import build_summary, count_document, count_findings, new_counts
from mtqa.records import Document, Finding
from mtqa.reports.markdown import rule_table_markdown

OUTPUTS = ("cleaned", "findings", "edits", "quarantine", "suppressed")
CHECK_ONLY_OUTPUTS = ("proposed_edits",)  # what a dry run would have applied


@dataclass
class ReadStats:
    """What the read stage saw; filled in while the shards are produced."""

    records: int = 0  # input records (documents read plus records rejected)
    documents: int = 0
    rejected: Counter = field(default_factory=Counter)
    shards: int = 0
    duplicates: Counter = field(default_factory=Counter)  # duplicate findings by rule, before allow lists


def read_into_shards(input_path: str, work_dir: Path, shard_size: int, fmt: str | None, stats: ReadStats,
                     config: CleanConfig | None = None, workers: int | None = None) -> Iterator[Path]:
    """Yield each shard file as soon as it is written, so cleaning starts before reading ends.
    Shards hold `shard_size` documents, fewer at the start and the end of the input for `workers`
    workers (flows/runners.py: `next_shard_size`; by default a worker per core).

    A document's duplicate findings travel in its shard line (`duplicates`), not through the
    document cache: they depend on the rest of the corpus, not on the document alone.
    """
    config = config or CleanConfig()
    work_dir.mkdir(parents=True, exist_ok=True)
    ids, texts = IdIndex(work_dir / "ids.sqlite"), FirstSeen(work_dir / "texts.sqlite")
    finder = DuplicateFinder(texts, config.duplicate_sentence_min_chars, config.lang, config.drop_duplicates,
                             skipped(config.enable_rules, config.disable_rules))
    allow = allow_list(config.allow_lists)
    expected = estimated_records(input_path, fmt)
    workers = workers or os.cpu_count() or 1
    size = next_shard_size(shard_size, 0, 0, expected, workers)

    def may_drop(finding: Finding) -> bool:  # a dry run drops nothing, and neither does a silenced rule
        return not config.check_only and allow.match(finding.rule, finding.doc_id, finding.text) is None

    shard: _ShardFile | None = None
    try:
        with atomic_writer(work_dir / "read.quarantine.jsonl") as quarantine:
            for item in read_corpus(input_path, fmt, config.lang, config.max_text_chars):
                stats.records += 1
                doc = to_document(item) if isinstance(item, RawRecord) else item
                found: list[Finding] = []
                if isinstance(doc, Document):
                    first = ids.first_seen(doc.id, item.file, item.line)
                    if first is not None:
                        doc = Rejected(item.file, item.line, "duplicate_id", f"id {doc.id!r} was first seen at {first}", item.record)
                    else:
                        found, dropped = finder.check(doc, may_drop)
                        stats.duplicates.update(f.rule for f in found)
                        if dropped:
                            reason = DUPLICATE_RULES[found[0].rule].reason
                            doc = Rejected(item.file, item.line, reason, found[0].message, item.record)
                if isinstance(doc, Rejected):
                    stats.rejected[doc.reason] += 1
                    doc.write_json(quarantine)
                    continue
                stats.documents += 1
                shard = shard or _ShardFile(work_dir / f"shard-{stats.shards:05d}.jsonl")
                shard.write(_shard_line(item, found))
                if shard.lines >= size:
                    yield _commit(shard, stats)
                    shard = None
                    size = next_shard_size(shard_size, stats.shards, stats.records, expected, workers)
            if shard is not None:
                yield _commit(shard, stats)
                shard = None
    except BaseException as exc:  # GeneratorExit too: the consumer stopped reading
        if shard is not None:
            shard.discard(exc)
        raise
    finally:
        ids.close()
        texts.close()


def _shard_line(item: RawRecord, found: list[Finding]) -> str:
    """A document's line in its shard: where it came from, its record and its duplicate findings.
    A record read from JSON goes in as the text it was read from (the worker decodes the same
    values from it), not encoded again."""
    if item.json is None:
        entry = {"file": item.file, "line": item.line, "record": item.record}
        if found:
            entry["duplicates"] = [f.to_json() for f in found]
        return dumps(entry)
    duplicates = f', "duplicates": {dumps([f.to_json() for f in found])}' if found else ""
    return f'{{"file": {dumps(item.file)}, "line": {item.line}, "record": {item.json}{duplicates}}}'


class _ShardFile:
    """A shard being written a line at a time (atomically: it appears only once committed), so
    that the read stage never holds a shard's lines: with thousands of lines a shard, holding them
    and joining them made the main process's memory rise and fall by tens of MB a shard."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.lines = 0
        self._writing = atomic_writer(path)
        self._stream = self._writing.__enter__()

    def write(self, line: str) -> None:
        self._stream.write(line)
        self._stream.write("\n")
        self.lines += 1

    def commit(self) -> Path:
        self._writing.__exit__(None, None, None)
        return self.path

    def discard(self, exc: BaseException) -> None:
        """Remove the unfinished file (`exc` ended the writing; it is not swallowed)."""
        self._writing.__exit__(type(exc), exc, exc.__traceback__)


def _commit(shard: _ShardFile, stats: ReadStats) -> Path:
    path = shard.commit()
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
    marker = shard.with_suffix(".done.json")
    with open(shard, "rb") as stream:
        stamp = {"shard_sha256": hashlib.file_digest(stream, "sha256").hexdigest(), "fingerprint": fingerprint}
    paths = {name: shard.with_suffix(f".{name}.jsonl") for name in OUTPUTS + CHECK_ONLY_OUTPUTS + ("cache", "corpus_facts")}
    done = _read_marker(marker) if resume else None
    if done and {k: done.get(k) for k in stamp} == stamp and all(p.exists() for p in paths.values()):
        return done["counts"]
    counts = new_counts()
    allow = allow_list(config.allow_lists)
    cache = DocCache(cache_path)
    try:
        with _writers(paths) as out:
            def reject(entry: dict[str, Any], reason: str, detail: str) -> None:
                out["quarantine"].write(dumps(Rejected(entry["file"], entry["line"], reason, detail, entry["record"]).to_json()) + "\n")
                counts["quarantined"][reason] += 1

            for entry in _shard_entries(shard):
                # the record alone, not the file and line it came from: moving or renaming the
                # input, or inserting records before it, leaves a document's outputs as they were
                key = document_key(fingerprint, dumps(entry["record"]))
                output = cache.get(key) if fingerprint else None
                if output is None:
                    doc = document_of(entry["record"])  # checked by the read stage
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
                out["cache"].write(f"{key}\t{dumps(output)}\n")
                # duplicates depend on the corpus, not the document: added after the cache
                duplicates, silenced = allow.partition([Finding(**f) for f in entry.get("duplicates", ())])
                findings = output["findings"] + [dumps(f.to_json()) for f in duplicates]
                tags = output["stats"]["tags"] + [[f.rule, f.category, f.severity] for f in duplicates]
                suppressed = output["suppressed"] + [suppressed_line(f, e) for f, e in silenced]
                out["cleaned"].write(output["cleaned"] + "\n")
                for name, lines in (("findings", findings), ("edits", output["edits"]),
                                    ("proposed_edits", output["proposed_edits"]), ("suppressed", suppressed)):
                    out[name].writelines(f + "\n" for f in lines)
                if output["stats"]["corpus_facts"]:  # what the corpus checks need (cleaners/corpus.py)
                    out["corpus_facts"].write(dumps({"id": str(entry["record"]["id"]), "facts": output["stats"]["corpus_facts"],
                                                     "rules": sorted({rule for rule, _, _ in tags})}) + "\n")
                count_document(counts, output["stats"], tags, findings,
                               output["stats"]["suppressed"] + [f.rule for f, _ in silenced])
    finally:
        cache.close()
    result = {k: dict(v) for k, v in counts.items()}
    with atomic_writer(marker) as out:
        json.dump({**stamp, "counts": result}, out)
    return result


def _shard_entries(shard: Path) -> Iterator[dict[str, Any]]:
    """The shard's lines, one at a time: a worker holds one document, not the whole shard (whose
    size grows with the corpus, flows/runners.py). Split on "\\n" only, as the bytes are: texts may
    hold U+2028, U+0085... that str.splitlines would also cut at."""
    with open(shard, "rb") as stream:
        for line in stream:
            if line.endswith(b"\n"):  # every line the read stage writes ends so
                yield json.loads(line.decode("utf-8"))


@contextmanager
def _writers(paths: dict[str, Path]) -> Iterator[dict[str, Any]]:
    """One atomic writer per part; all are renamed into place only if the whole shard succeeds."""
    with ExitStack() as stack:
        yield {name: stack.enter_context(atomic_writer(path)) for name, path in paths.items()}


def document_output(doc: Document, config: CleanConfig) -> dict[str, Any]:
    """One document's output lines and the figures the summary counts, as the cache stores them.
    A dry run (`check_only`) keeps the original text and lists the edits as proposed."""
    result = clean_document(doc, config)
    text = doc.text if config.check_only else result.text
    edits = [dumps(e.to_json()) for e in result.edits]
    return {
        "cleaned": dumps({**doc.record, "text": text, "original": doc.text, "detected_lang": result.detected_lang}),
        "findings": [dumps(f.to_json()) for f in result.findings],
        "edits": [] if config.check_only else edits,
        "proposed_edits": edits if config.check_only else [],
        "suppressed": [suppressed_line(f, e) for f, e in result.suppressed],
        "stats": {
            "tags": [[f.rule, f.category, f.severity] for f in result.findings],
            "edits": 0 if config.check_only else len(edits),
            "detected_lang": result.detected_lang,
            "lang": doc.lang or config.lang or result.detected_lang or "unknown",
            "timed_out": result.timed_out_rules,
            "disabled": result.disabled_rules,
            "stopped": result.stopped_rules,
            "changed": text != doc.text,
            "characters": len(doc.text),
            "words": len(doc.text.split()),
            "checkable": result.langid_checkable,
            "corpus_facts": result.corpus_facts,
            "suppressed": [f.rule for f, _ in result.suppressed],
        },
    }


def suppressed_line(finding: Finding, entry: Entry) -> str:
    """A silenced finding as suppressed.jsonl keeps it: the finding, and the entry that silenced it."""
    return dumps({**finding.to_json(), "allowed_by": entry.audit()})


def _read_marker(path: Path) -> dict[str, Any] | None:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def merge_shards(work_dir: Path, out_dir: Path, shards: list[Path], shard_counts: list[dict[str, Any]],
                 read: ReadStats, signature: dict[str, Any], input_path: str, write_summary: bool = True,
                 config: CleanConfig | None = None) -> dict[str, Any]:
    """Write the output folder: the parts joined in shard order, then summary.json (unless the
    caller has more to write first: summary.json is the folder's completion marker). A dry run
    also writes proposed_edits.jsonl and the rule table as rules.md."""
    config = config or CleanConfig()
    out_dir.mkdir(parents=True, exist_ok=True)
    # summary.json is the completion marker: gone while the other files are being replaced
    (out_dir / "summary.json").unlink(missing_ok=True)
    corpus = {name: work_dir / f"corpus.{name}.jsonl" for name in ("findings", "suppressed")}
    checks = corpus_checks(skipped(config.enable_rules, config.disable_rules), config.detectors)
    extra = corpus_findings([s.with_suffix(".corpus_facts.jsonl") for s in shards], corpus, allow_list(config.allow_lists), checks)
    for name in OUTPUTS + (CHECK_ONLY_OUTPUTS if config.check_only else ()):
        parts = [work_dir / "read.quarantine.jsonl"] if name == "quarantine" else []
        tail = [corpus[name]] if name in corpus else []
        concatenate(out_dir / f"{name}.jsonl", parts + [s.with_suffix(f".{name}.jsonl") for s in shards] + tail)
    if not config.check_only:  # what an earlier dry run into this folder left would mislead
        for stale in [f"{name}.jsonl" for name in CHECK_ONLY_OUTPUTS] + ["rules.md"]:
            (out_dir / stale).unlink(missing_ok=True)
    summary = build_summary(shard_counts + [extra], read, signature, input_path)
    if config.check_only:
        with atomic_writer(out_dir / "rules.md") as stream:
            stream.write(rule_table_markdown(summary))
    if write_summary:
        write_json(out_dir / "summary.json", summary)
    return summary


def corpus_findings(facts_files: list[Path], out: dict[str, Path], allow: AllowList, checks: list[CorpusCheck]) -> dict[str, Any]:
    """The corpus checks' findings (cleaners/corpus.py), after every document's, from the shards'
    per-document facts (streamed twice from disk); what an allow list silences goes to
    `out["suppressed"]`. Returns their counts."""
    def documents():
        for path in facts_files:
            with open(path, encoding="utf-8") as stream:
                yield from map(json.loads, stream)

    totals = new_counts()
    with atomic_writer(out["findings"]) as stream, atomic_writer(out["suppressed"]) as silenced:
        for doc, found in run_corpus_checks(checks, documents):
            counted = frozenset(doc["rules"])
            kept, quiet = allow.partition(found)
            lines = [dumps(f.to_json()) for f in kept]
            stream.writelines(line + "\n" for line in lines)
            silenced.writelines(suppressed_line(f, e) + "\n" for f, e in quiet)
            # a document already counted (with findings, for a rule) by its shard is not counted twice
            count_findings(totals, [[f.rule, f.category, f.severity] for f in kept], lines, counted)
            totals["totals"]["documents_with_findings"] += bool(kept) and not counted
            totals["suppressed_rule"].update(f.rule for f, _ in quiet)
    return {k: dict(v) for k, v in totals.items()}
