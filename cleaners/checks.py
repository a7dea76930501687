"""The one registry of checks: every rule id a run can report, whatever kind of code reports it.

Five kinds, one contract (a stable id, an MQM category, a severity, a fix mode, a one-line summary;
on unless `data/detectors.yaml` turns it off by default; `--enable-rule` / `--disable-rule` by
id or pattern):

- `encoding`: the repairs of normalisation (cleaners/normalise.py: ftfy's steps, Unicode NFC);
- `language`: language ID's findings (cleaners/pipeline.py, cleaners/langid.py);
- `pattern`: the rules of the YAML rule packs (cleaners/rules/*.yaml, and the user's `--rules`);
- `detector`: the per-document detectors (cleaners/detectors/, `@detector(...)`);
- `corpus`: the corpus-wide checks (cleaners/corpus.py's `CorpusCheck`: name consistency, and
  the corpus step of source.untranslated_acronym), and the duplicates found in input order
  (cleaners/duplicates.py).

`mtqa rules`, the README's table and the CLI's rule options all read this registry, so a check
added in one file shows up everywhere. Measured precision comes from `data/measured.yaml` when
the detection benchmark (benchmarks/bench_detect.py) has written one.
"""

from __future__ import annotations

import fnmatch
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from mtqa.cleaners.config import DEFAULT_PACKS
from mtqa.cleaners.consistency import NameConsistency
from mtqa.cleaners.corpus import CorpusCheck
from mtqa.cleaners.datafiles import safe_load
from mtqa.cleaners.detectors import REGISTRY, load_all
from mtqa.cleaners.detectors.acronyms import UntranslatedAcronyms
from mtqa.cleaners.duplicates import RULES as DUPLICATE_RULES
from mtqa.cleaners.normalise import _FTFY_STEPS as FTFY_STEPS  # ftfy step -> (rule, severity, message)
from mtqa.cleaners.rulepack import load_pack
from mtqa.cleaners.switches import _data_file, default_off, skipped  # noqa: F401  (skipped: the run's side of the registry)

# the corpus checks, in the order their findings come in for a document (cleaners/corpus.py)
CORPUS_CHECKS: tuple[type[CorpusCheck], ...] = (NameConsistency, UntranslatedAcronyms)

KINDS = ("encoding", "language", "pattern", "detector", "corpus")


@dataclass(frozen=True, slots=True)
class Check:
    """What the registry says about one rule id."""

    rule: str
    kind: str  # one of KINDS
    category: str
    severity: str
    fix: str  # auto | review | none
    summary: str
    origin: str  # where it is defined: a module or a rule pack's file name

    @property
    def default_on(self) -> bool:
        return self.rule not in default_off()


@lru_cache(maxsize=1)
def measured() -> dict:
    """What the detection benchmark measured, if it wrote data/measured.yaml: {"measured_on": str,
    "rules": {rule id: {"precision", "segment_precision", "findings", "refs_per_1000_words"}}}."""
    text = _data_file("measured.yaml")
    data = safe_load(text) if text else None
    if not isinstance(data, dict):
        return {"measured_on": None, "rules": {}}
    return {"measured_on": data.get("measured_on"), "rules": dict(data.get("rules") or {})}


def precision(rule: str) -> float | None:
    """The rule's measured precision (share of its findings on MT that hit an annotated error), or None."""
    figures = measured()["rules"].get(rule)
    value = figures.get("precision") if isinstance(figures, dict) else None
    return float(value) if isinstance(value, (int, float)) else None


def _encoding_checks() -> list[Check]:
    checks: dict[str, Check] = {}
    for rule, severity, message in FTFY_STEPS.values():
        if rule not in checks:  # several ftfy steps report as encoding.mojibake: the first says it in general
            checks[rule] = Check(rule, "encoding", "encoding", severity, "auto", message, "cleaners/normalise.py")
    checks["encoding.unicode_nfc"] = Check("encoding.unicode_nfc", "encoding", "encoding", "minor", "auto",
                                           "Characters not in Unicode NFC form (decomposed accents)", "cleaners/normalise.py")
    return list(checks.values())


LANGUAGE_CHECKS = (
    Check("language.wrong_document", "language", "language", "critical", "none",
          "The document is reliably in another language than expected", "cleaners/pipeline.py"),
    Check("language.wrong_sentence", "language", "language", "major", "none",
          "A sentence is reliably in another language than its document", "cleaners/pipeline.py"),
)


def _pattern_checks(packs: Iterable[str]) -> list[Check]:
    return [Check(rule.id, "pattern", rule.category, rule.severity, rule.fix, rule.message, Path(pack).name)
            for pack in packs for rule in load_pack(pack).rules]


def _detector_checks() -> list[Check]:
    load_all()
    return [Check(d.rule, "detector", d.category, d.severity, d.fix, d.summary, _module_file(d.run.__module__))
            for d in REGISTRY.values()]


def _corpus_checks() -> list[Check]:
    found = [Check(rule, "corpus", "duplicate", severity, "none", summary, "cleaners/duplicates.py")
             for rule, (severity, summary, _message, _reason) in DUPLICATE_RULES.items()]
    for check in CORPUS_CHECKS:
        found += [Check(rule.rule, "corpus", rule.category, rule.severity, rule.fix, rule.summary,
                        _module_file(check.__module__)) for rule in check.owns]
    return found


def corpus_checks(skip: frozenset[str] = frozenset(), detectors: bool = True) -> list[CorpusCheck]:
    """Fresh instances of the corpus checks a run uses: those with a rule not in `skip`
    (`skipped(...)`), and, without `detectors`, none that is a detector's step."""
    return [cls() for cls in CORPUS_CHECKS if set(cls.reports) - skip and (detectors or not cls.detector_step)]


def _module_file(module: str) -> str:
    """'mtqa.cleaners.detectors.qa' -> 'cleaners/detectors/qa.py' (the file a contributor opens)."""
    return module.removeprefix("mtqa.").replace(".", "/") + ".py"


@lru_cache(maxsize=16)
def registry(packs: tuple[str, ...] | None = None) -> dict[str, Check]:
    """Every check, by rule id, in the order of KINDS then id: the built-in rule packs' rules, or
    those of `packs` (paths) when given. A rule id defined twice is an error naming both places."""
    packs = DEFAULT_PACKS if packs is None else packs
    found: dict[str, Check] = {}
    for check in [*_encoding_checks(), *LANGUAGE_CHECKS, *_pattern_checks(packs), *_detector_checks(), *_corpus_checks()]:
        if check.rule in found:
            if check.kind == found[check.rule].kind == "pattern":
                continue  # a user's pack may reuse an id: `mtqa rules` shows the first
            raise ValueError(f"rule id {check.rule!r} is defined twice: in {found[check.rule].origin} and in {check.origin}")
        found[check.rule] = check
    order = {kind: i for i, kind in enumerate(KINDS)}
    return dict(sorted(found.items(), key=lambda item: (order[item[1].kind], item[0])))


def expand(patterns: Iterable[str], known: Iterable[str]) -> tuple[str, ...]:
    """The rule ids that `patterns` name (exact ids or shell patterns such as 'qa.*'), sorted.
    Raises ValueError naming the first pattern that matches no rule: never a silent no-op."""
    known = list(known)
    ids: set[str] = set()
    for pattern in patterns:
        found = {rule for rule in known if fnmatch.fnmatchcase(rule, pattern)}
        if not found:
            raise ValueError(pattern)
        ids |= found
    return tuple(sorted(ids))
