"""Allow lists: the false positives a user has silenced, per corpus, per document or per exact text.

An allow list is a YAML file holding a list of entries, one a line if you like:

    - {rule: structure.lowercase_start, text: mRNA, reason: a gene name}
    - {rule: "en.*", doc: "article-12", reason: quotes a historical spelling}
    - {rule: source.length_ratio, reason: our sources carry notes that are not translated}

`rule` is a rule id or a glob (`en.*`); `doc` (a document id) and `text` (the finding's exact
text, `original[start:end]`) narrow it; an entry with only `rule` silences that rule corpus-wide.
`reason` is for the next person. A list is a plain YAML sequence so that recording a review
decision is an append that keeps the user's comments (`add_entry`).

Silenced is not deleted: the pipeline sets suppressed findings aside (suppressed.jsonl, counted
in summary.json), and a suppressed automatic fix is not applied.

>>> allow = AllowList.from_entries([{"rule": "en.*", "doc": "d1"}, {"rule": "space.repeated", "text": "  "}])
>>> allow.match("en.kiev_kyiv", "d1", "Kiev").index, allow.match("en.kiev_kyiv", "d2", "Kiev")
(0, None)
>>> allow.match("space.repeated", "d9", "  ").index
1
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from fnmatch import translate
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

from mtqa.cleaners.datafiles import parse_yaml, read_data_file
from mtqa.files import atomic_writer
from mtqa.records import Finding

if TYPE_CHECKING:
    from mtqa.cleaners.edits import EditLog

_FIELDS = ("rule", "doc", "text", "reason")


class AllowListError(ValueError):
    """An allow list that cannot be used; the message names the file and the entry."""


@dataclass(frozen=True, slots=True)
class Entry:
    rule: str
    doc: str | None
    text: str | None
    reason: str | None
    file: str  # the list's file name, for the audit trail
    index: int  # position in its file, from 0

    def audit(self) -> dict[str, Any]:
        """What suppressed.jsonl records of the entry that silenced a finding."""
        return {"file": self.file, "entry": self.index, "rule": self.rule, "reason": self.reason}


class AllowList:
    """Entries of one or more files, indexed by rule id and document (review decisions pile up
    per document: a lookup stays short however long the list grows); glob entries are checked after."""

    def __init__(self, entries: list[Entry]) -> None:
        self.entries = entries
        self._exact: dict[tuple[str, str | None], list[tuple[int, Entry]]] = {}
        self._globs: list[tuple[re.Pattern, int, Entry]] = []
        for order, entry in enumerate(entries):
            if any(c in entry.rule for c in "*?["):
                self._globs.append((re.compile(translate(entry.rule)), order, entry))
            else:
                self._exact.setdefault((entry.rule, entry.doc), []).append((order, entry))

    @classmethod
    def from_entries(cls, specs: list[dict[str, Any]], file: str = "<list>") -> AllowList:
        return cls([_entry(spec, file, i) for i, spec in enumerate(specs)])

    def __bool__(self) -> bool:
        return bool(self.entries)

    def match(self, rule: str, doc_id: str, text: str) -> Entry | None:
        """The first entry (in file order) that silences this finding, or None."""
        exact = self._exact.get((rule, doc_id), []) + self._exact.get((rule, None), [])
        hits = [(o, e) for o, e in exact if _fits(e, doc_id, text)]
        hits += [(o, e) for pattern, o, e in self._globs if pattern.match(rule) and _fits(e, doc_id, text)]
        return min(hits, key=lambda hit: hit[0])[1] if hits else None

    def partition(self, findings: list[Finding]) -> tuple[list[Finding], list[tuple[Finding, Entry]]]:
        """Split findings into those reported and those silenced (with the entry that did it)."""
        if not self.entries:
            return findings, []
        kept, silenced = [], []
        for f in findings:
            entry = self.match(f.rule, f.doc_id, f.text)
            if entry is None:
                kept.append(f)
            else:
                silenced.append((f, entry))
        return kept, silenced


def _fits(entry: Entry, doc_id: str, text: str) -> bool:
    return (entry.doc is None or entry.doc == doc_id) and (entry.text is None or entry.text == text)


def _entry(spec: object, file: str, index: int) -> Entry:
    where = f"{file}: entry {index + 1}"
    if not isinstance(spec, dict):
        raise AllowListError(f"{where}: an entry is a mapping with a 'rule', got {type(spec).__name__}")
    unknown = sorted(set(spec) - set(_FIELDS))
    if unknown:
        raise AllowListError(f"{where}: unknown field(s): {', '.join(map(str, unknown))} (allowed: {', '.join(_FIELDS)})")
    if not isinstance(spec.get("rule"), str) or not spec["rule"]:
        raise AllowListError(f"{where}: 'rule' (a rule id or glob) is required")
    doc = spec.get("doc")
    if doc is not None and (isinstance(doc, bool) or not isinstance(doc, (str, int))):
        raise AllowListError(f"{where}: 'doc' must be a document id, got {type(doc).__name__}")
    for key in ("text", "reason"):
        if spec.get(key) is not None and not isinstance(spec[key], str):
            raise AllowListError(f"{where}: {key!r} must be text, got {type(spec[key]).__name__}")
    return Entry(spec["rule"], None if doc is None else str(doc), spec.get("text"), spec.get("reason"), Path(file).name, index)


def load_file(path: str | Path) -> tuple[list[Entry], str]:
    """The entries of one allow list and the SHA-256 of its bytes (for the run signature)."""
    path = Path(path)
    text, raw = read_data_file(path, "allow list", AllowListError)
    return _parse(text, path), hashlib.sha256(raw).hexdigest()


def _parse(text: str, path: Path) -> list[Entry]:
    data = parse_yaml(text, path, AllowListError)
    if data is None:
        return []
    if not isinstance(data, list):
        raise AllowListError(f"{path}: an allow list is a YAML list of entries ({{rule, doc, text, reason}})")
    return [_entry(spec, str(path), i) for i, spec in enumerate(data)]


@lru_cache(maxsize=16)
def allow_list(paths: tuple[str, ...]) -> AllowList:
    """The lists of a run, loaded once per process (like the rule packs)."""
    return AllowList([entry for path in paths for entry in load_file(path)[0]])


def beside(pack: str | Path) -> Path:
    """The allow list picked up automatically for a rule pack: `house.yaml` -> `house.allow.yaml`."""
    pack = Path(pack)
    return pack.with_name(f"{pack.name[: -len(pack.suffix)] if pack.suffix else pack.name}.allow.yaml")


def add_entry(path: str | Path, rule: str, doc: str | None = None, text: str | None = None,
              reason: str | None = None) -> Entry:
    """Append one entry to an allow list (created if missing), atomically, keeping what is there.

    This is what a "not an error" review decision calls. The file is rewritten whole through a
    temporary file and a rename, so a crash leaves the old list or the new one, never half of one.
    """
    path = Path(path)
    spec = {k: v for k, v in (("rule", rule), ("doc", doc), ("text", text), ("reason", reason)) if v is not None}
    _entry(spec, str(path), 0)  # refuse a bad entry before touching the file
    old = path.read_text(encoding="utf-8") if path.exists() else ""
    line = yaml.safe_dump([spec], allow_unicode=True, sort_keys=False, default_flow_style=None, width=2**31)
    new = old + ("\n" if old and not old.endswith("\n") else "") + line
    entries = _parse(new, path)  # never write a list that could not be read back
    with atomic_writer(path) as out:
        out.write(new)
    return entries[-1]


class Silencer:
    """One document's automatic changes that an allow list silences: not made, but kept as findings.

    The fixing passes run up to three rounds, so the same change may be silenced again; it is
    recorded once, by its span in the original text and its rule.
    """

    def __init__(self, allow: AllowList) -> None:
        self.allow = allow
        self.silenced: dict[tuple[int, int, str], tuple[Finding, Entry]] = {}

    def keep(self, log: EditLog, doc_id: str, changes: list[tuple[int, int, str]], rule: str, category: str,
             severity: str, message: str) -> list[tuple[int, int, str]]:
        """The changes (current-text offsets) still to make; the silenced ones are set aside."""
        kept = []
        for s, e, rep in changes:
            start, end = log.orig_span(s, e)
            entry = None if log.text[s:e] == rep else self.allow.match(rule, doc_id, log.original[start:end])
            if entry is None:
                kept.append((s, e, rep))
            else:
                finding = Finding(doc_id, start, end, log.original[start:end], rule, category, severity, message, rep, "auto")
                self.silenced.setdefault((start, end, rule), (finding, entry))
        return kept
