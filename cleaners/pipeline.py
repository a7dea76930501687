"""Clean one document: normalise, detect language, apply rules; return text, findings and edits.

This is the unit of work a shard loops over. It knows nothing of files or Prefect, so it can be
tested on a string and run anywhere.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

from cleaners import langid
from cleaners.config import CleanConfig
from cleaners.edits import EditLog
from cleaners.normalise import apply_rules, repair_unicode
from cleaners.rulepack import PatternRule, load_pack, primary_subtag
from cleaners.segment import sentence_spans
from mtqa.records import Document, Edit, Finding


@dataclass(slots=True)
class Cleaned:
    """What cleaning one document produced."""

    doc: Document
    text: str
    detected_lang: str | None
    findings: list[Finding]
    edits: list[Edit]
    timed_out_rules: list[str] = field(default_factory=list)
    langid_checkable: bool = True  # False when the expected language is one langdetect cannot detect


@lru_cache(maxsize=16)
def rules_for(packs: tuple[str, ...]) -> tuple[PatternRule, ...]:
    """Load the packs once per process (workers each load their own copy)."""
    return tuple(rule for path in packs for rule in load_pack(path).rules)


def clean_document(doc: Document, config: CleanConfig) -> Cleaned:
    log = EditLog(doc.text)
    findings: list[Finding] = []
    findings += repair_unicode(log, doc.id, config.fix_encoding, config.unicode_form)

    expected = primary_subtag(doc.lang or config.lang) if (doc.lang or config.lang) else None
    detection = langid.detect(log.text, config.langid_min_letters, config.langid_min_prob, config.langid_min_han)
    locale = expected or detection.lang
    rule_findings, timed_out = apply_rules(log, doc.id, rules_for(config.rule_packs), locale, config.match_timeout)
    findings += rule_findings

    checkable = expected is None or expected in langid.supported_languages()
    if checkable:
        findings += _language_findings(doc, log, expected, detection, locale, config)
    findings.sort(key=lambda f: (f.start, f.end, f.rule))
    return Cleaned(doc, log.text, detection.lang, findings, log.edits(doc.id), timed_out, checkable)


def _language_findings(doc: Document, log: EditLog, expected: str | None, detection: langid.Detection,
                       locale: str | None, config: CleanConfig) -> list[Finding]:
    """A document in the wrong language, or sentences in another language than their document."""
    text = log.text
    if expected and detection.lang and detection.lang != expected:
        start, end = log.orig_span(*_trimmed(text))
        message = f"The text is in {detection.lang} (p={detection.prob:.2f}), expected {expected}"
        return [Finding(doc.id, start, end, log.original[start:end], "language.wrong_document", "language",
                        "critical", message)]
    reference = expected or detection.lang
    if not (config.langid_sentences and reference):
        return []
    spans = sentence_spans(text, locale)
    if len(spans) < 2:
        return []
    findings = []
    for s, e in spans:
        found = langid.detect(text[s:e], config.langid_min_letters, config.langid_min_prob, config.langid_min_han)
        if found.lang and found.lang != reference:
            start, end = log.orig_span(s, e)
            message = f"This sentence is in {found.lang} (p={found.prob:.2f}), the document in {reference}"
            findings.append(Finding(doc.id, start, end, log.original[start:end], "language.wrong_sentence",
                                    "language", "major", message))
    return findings


def _trimmed(text: str) -> tuple[int, int]:
    start = len(text) - len(text.lstrip())
    return start, max(start, len(text.rstrip()))
