"""Corpus checks: findings that depend on the whole corpus, not on one document.

The template, in the manner of sacrebleu's `Metric` (the base class runs the corpus loop, each
check fills in a few hooks):

1. in the worker that cleans a document, `facts(view)`: the little the check needs to know about
   that document (JSON-able, spans in the original text), or None; it travels in the shard's
   `corpus_facts` part and the document cache, so the check never rereads a text;
2. at the merge, in input order, `gather(facts)` for each document that has facts, then
   `decide()` once, then `findings(doc_id, facts)` for each: the corpus-level findings, after all
   of the documents' own (`run_corpus_checks` drives the two passes, in bounded memory: the
   caller streams the facts twice from disk).

A check's rules are in the one registry (cleaners/checks.py): those it defines are listed in
`owns`; `reports` names every rule it may report (a detector's corpus step reports the detector's
rule). It runs when one of them is on. Adding a corpus check is one subclass and one line in
cleaners/checks.py's `CORPUS_CHECKS`. Duplicates are the one corpus check judged in the read stage instead (on the input text,
in input order, before cleaning, so that a duplicate can be dropped): cleaners/duplicates.py.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any, ClassVar

from mtqa.records import Finding


@dataclass(frozen=True, slots=True)
class CorpusRule:
    """A rule a corpus check defines: what the registry lists for it."""

    rule: str
    category: str
    severity: str
    fix: str
    summary: str


class CorpusCheck:
    """Base class of the corpus checks; see the module's docstring for the order of the hooks."""

    name: ClassVar[str]  # the key of its facts in a document's corpus facts
    owns: ClassVar[tuple[CorpusRule, ...]] = ()
    reports: ClassVar[tuple[str, ...]] = ()
    detector_step: ClassVar[bool] = False  # the corpus step of a detector: off with --no-detectors too

    def facts(self, view: Any) -> Any | None:
        """Worker: what this check needs from one document (a `DocView`), or None."""
        return None

    def gather(self, facts: Any) -> None:
        """Merge, first pass: one document's facts."""

    def decide(self) -> None:
        """Merge, between the passes: everything is gathered."""

    def findings(self, doc_id: str, facts: Any) -> list[Finding]:
        """Merge, second pass: the corpus-level findings of one document."""
        return []


def run_corpus_checks(checks: list[CorpusCheck], documents: Callable[[], Iterable[dict[str, Any]]]
                      ) -> Iterator[tuple[dict[str, Any], list[Finding]]]:
    """Each document that has facts, with its corpus-level findings, in input order. `documents()`
    yields {"id": document id, "facts": {check name: facts}, ...} in input order; it is called twice."""
    for doc in documents():
        for check in checks:
            if check.name in doc["facts"]:
                check.gather(doc["facts"][check.name])
    for check in checks:
        check.decide()
    for doc in documents():
        facts = doc["facts"]
        yield doc, [f for check in checks if check.name in facts for f in check.findings(doc["id"], facts[check.name])]
