"""A user's glossary (`--terms FILE`): terms that must be translated a given way, and terms that
must not be translated at all (pofilter's musttranslatewords and notranslatewords, Okapi's
terminology check).

Two formats:

- TSV with a header naming at least `source_term` and `target_term`, optionally `lang` (the target
  language the row is for; empty = every language). A row whose target term is empty or the
  source term itself is a do-not-translate term.
- YAML: `must_translate: [{source: ..., target: ..., lang: ...}]` and `do_not_translate: [term, ...]`
  (a term may also be `{term: ..., lang: ...}`).

The file is user input: errors name the file and the line or entry, and its SHA-256 enters the
run signature and the cache fingerprint, so an edited glossary never serves stale results.

>>> import tempfile, os
>>> with tempfile.NamedTemporaryFile("w", suffix=".tsv", delete=False) as f:
...     _ = f.write("source_term\\ttarget_term\\nkidney\\trein\\nPubMed\\t\\n")
>>> g = load_glossary(f.name); os.unlink(f.name)
>>> [(t.source, t.target) for t in g.must_translate], [t.source for t in g.do_not_translate]
([('kidney', 'rein')], ['PubMed'])
"""

from __future__ import annotations

import hashlib
import os
from functools import lru_cache
from pathlib import Path
from typing import NamedTuple

import yaml

from mtqa.cleaners.datafiles import read_data_file
from mtqa.langtags import primary_subtag


class GlossaryError(ValueError):
    """A glossary that cannot be used; the message names the file and the place."""


class Term(NamedTuple):
    source: str
    target: str | None  # None: must not be translated
    lang: str | None  # the target language it is for; None = any

    def applies_to(self, lang: str | None) -> bool:
        """A term is for one target language or, without one, for all."""
        return self.lang is None or self.lang == lang


class Glossary(NamedTuple):
    name: str
    sha256: str
    must_translate: tuple[Term, ...]
    do_not_translate: tuple[Term, ...]


def load_glossary(path: str | Path) -> Glossary:
    """The glossary at `path`, parsed once per process and version of the file (a scheduled run
    that edits it between runs gets the new one)."""
    stat = os.stat(path)
    return _load(str(path), stat.st_mtime_ns, stat.st_size)


@lru_cache(maxsize=4)
def _load(path: str, _mtime: int, _size: int) -> Glossary:
    """Read and parse; the modification time and size are only there to key the cache."""
    text, raw = read_data_file(path, "glossary", GlossaryError, encoding="utf-8-sig")
    terms = _from_yaml(path, text) if path.endswith((".yaml", ".yml")) else _from_tsv(path, text)
    return Glossary(Path(path).name, hashlib.sha256(raw).hexdigest(),
                    tuple(t for t in terms if t.target is not None), tuple(t for t in terms if t.target is None))


def _term(source: object, target: object, lang: object, where: str) -> Term:
    """One checked entry: text fields, a non-empty source term; an empty target means 'keep as is'."""
    if not isinstance(source, str) or not source.strip():
        raise GlossaryError(f"{where}: the source term is missing or empty")
    if target is not None and not isinstance(target, str) or lang is not None and not isinstance(lang, str):
        raise GlossaryError(f"{where}: terms and languages are text")
    source, target = source.strip(), (target or "").strip()
    return Term(source, target if target and target != source else None, primary_subtag(lang) if lang else None)


def _from_tsv(path: str, text: str) -> list[Term]:
    """Rows of a TSV glossary, by its header's column names (so columns may come in any order)."""
    lines = text.splitlines()
    header = lines[0].split("\t") if lines else []
    if "source_term" not in header or "target_term" not in header:
        raise GlossaryError(f"{path}: line 1: a TSV glossary needs a header with source_term and target_term columns")
    col = {name: header.index(name) for name in ("source_term", "target_term", "lang") if name in header}
    terms = []
    for number, line in enumerate(lines[1:], 2):
        if not line.strip():
            continue
        fields = line.split("\t")
        if len(fields) != len(header):
            raise GlossaryError(f"{path}: line {number}: {len(fields)} fields, the header has {len(header)}")
        lang = fields[col["lang"]].strip() or None if "lang" in col else None
        terms.append(_term(fields[col["source_term"]], fields[col["target_term"]], lang, f"{path}: line {number}"))
    return terms


def _from_yaml(path: str, text: str) -> list[Term]:
    """Entries of a YAML glossary, read with the safe loader (it is user input)."""
    try:
        data = yaml.safe_load(text) or {}
    except yaml.YAMLError as exc:
        raise GlossaryError(f"{path}: invalid YAML: {getattr(exc, 'problem', exc)}") from exc
    if not isinstance(data, dict) or set(data) - {"must_translate", "do_not_translate"}:
        raise GlossaryError(f"{path}: a YAML glossary is a mapping with must_translate and do_not_translate lists")
    for key in ("must_translate", "do_not_translate"):
        if not isinstance(data.get(key) or [], list):
            raise GlossaryError(f"{path}: {key} must be a list of entries, not {type(data[key]).__name__} {data[key]!r}")
    terms = []
    for i, entry in enumerate(data.get("must_translate") or [], 1):
        if not isinstance(entry, dict) or not isinstance(entry.get("target"), str) or not entry["target"].strip():
            raise GlossaryError(f"{path}: must_translate entry {i}: needs source and target")
        terms.append(_term(entry.get("source"), entry["target"], entry.get("lang"), f"{path}: must_translate entry {i}"))
    for i, entry in enumerate(data.get("do_not_translate") or [], 1):
        term, lang = (entry.get("term"), entry.get("lang")) if isinstance(entry, dict) else (entry, None)
        terms.append(_term(term, None, lang, f"{path}: do_not_translate entry {i}"))
    return terms
