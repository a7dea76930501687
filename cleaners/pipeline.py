"""Clean one document: normalise, detect language, apply rules; return text, findings and edits.

This is the unit of work a shard loops over. It knows nothing of files or Prefect, so it can be
tested on a string and run anywhere.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass, field, replace
from functools import lru_cache

from mtqa.cleaners import langid
from mtqa.cleaners.allowlist import Entry, Silencer, allow_list
from mtqa.cleaners.checks import corpus_checks, skipped
from mtqa.cleaners.config import CleanConfig
from mtqa.cleaners.detectors import DocView, active_rules, run_detectors, trimmed_span
from mtqa.cleaners.detectors.carried import addresses
from mtqa.cleaners.edits import EditLog
from mtqa.cleaners.glossary import load_glossary
from mtqa.cleaners.normalise import MAX_REPAIR_ROUNDS, apply_rules, repair_unicode, source_entities
from mtqa.cleaners.rulepack import PatternRule, load_pack
from mtqa.cleaners.spans import Spans, markup_code
from mtqa.langtags import primary_subtag
from mtqa.limits import REPEAT_CACHE, REPEAT_CACHE_CHARS
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
    disabled_rules: list[str] = field(default_factory=list)  # skipped: disabled in this run after a timeout elsewhere
    stopped_rules: list[str] = field(default_factory=list)  # not applied: they would have grown the text too much
    langid_checkable: bool = True  # False when langdetect cannot detect the expected language: no language findings
    suppressed: list[tuple[Finding, Entry]] = field(default_factory=list)  # silenced by an allow list, fixes not made
    # what the corpus checks (cleaners/corpus.py) need from this document, by check name
    corpus_facts: dict[str, object] = field(default_factory=dict)

    @property
    def acronyms(self) -> dict | None:
        """The facts of source.untranslated_acronym's corpus step (benchmarks/bench_detect.py reads them)."""
        return self.corpus_facts.get("acronyms")  # type: ignore[return-value]

    @property
    def names(self) -> list[tuple[str, int, int]]:
        """The facts of the name-consistency check: name-like words and their first spans in the
        original (benchmarks/bench_detect.py reads them)."""
        return [tuple(name) for name in self.corpus_facts.get("names") or ()]  # type: ignore[misc]


@lru_cache(maxsize=16)
def rules_for(packs: tuple[str, ...], disabled: tuple[str, ...] | frozenset[str] = ()) -> tuple[PatternRule, ...]:
    """Load the packs once per process (workers each load their own copy), less the rules not to run."""
    return tuple(rule for path in packs for rule in load_pack(path).rules if rule.id not in disabled)


# Distinct documents a process remembers, to clean a repeat once, and their characters at most
# (text and source: a document may have a million), mtqa/limits.py.
REPEATS, REPEAT_CHARS = REPEAT_CACHE, REPEAT_CACHE_CHARS


_recent: OrderedDict[tuple, Cleaned] = OrderedDict()
_recent_chars = 0
_recent_lock = threading.Lock()


def clean_document(doc: Document, config: CleanConfig) -> Cleaned:
    """Clean one document. Its id is only a label: a document with the same text, languages, source
    and tags as one of the last REPEATS (of at most REPEAT_CHARS characters in all) is not cleaned
    again, its result is relabelled. Corpora repeat segments (in the bio-mqm MT records, a third
    are repeats, one per rater, side by side)."""
    global _recent_chars
    # an allow list entry may name a document: then its id is part of what it is, and nothing is shared
    named = any(entry.doc is not None for entry in allow_list(config.allow_lists).entries)
    key = (doc.text, doc.lang, doc.source, doc.source_lang, doc.tags, config, doc.id if named else None)
    with _recent_lock:
        seen = _recent.get(key)
        if seen is not None:
            _recent.move_to_end(key)
    if seen is None:
        seen = _clean(doc, config)
        with _recent_lock:  # the thread runner cleans several documents at once
            if key not in _recent:
                _recent[key] = seen
                _recent_chars += _chars(key)
            while _recent and (len(_recent) > REPEATS or _recent_chars > REPEAT_CHARS):
                _recent_chars -= _chars(_recent.popitem(last=False)[0])
    # fresh lists, so that a caller changing its result does not change what is remembered
    return replace(seen, doc=doc, findings=[f if f.doc_id == doc.id else replace(f, doc_id=doc.id) for f in seen.findings],
                   edits=[e if e.doc_id == doc.id else replace(e, doc_id=doc.id) for e in seen.edits],
                   timed_out_rules=list(seen.timed_out_rules), corpus_facts=dict(seen.corpus_facts),
                   suppressed=[(f if f.doc_id == doc.id else replace(f, doc_id=doc.id), e) for f, e in seen.suppressed])


def _chars(key: tuple) -> int:
    """What a remembered document counts against REPEAT_CHARS: its text and source (the result
    holds the text a few times over, in proportion)."""
    return len(key[0]) + len(key[2] or "")


# Detectors whose suggestions read the source as well as the translation (cleaners/detectors/lexicon.py).
SOURCE_INFORMED = ("lexicon.",)


def _clean(doc: Document, config: CleanConfig) -> Cleaned:
    log = EditLog(doc.text, doc.tags)
    findings: list[Finding] = []
    expected = primary_subtag(doc.lang or config.lang) if (doc.lang or config.lang) else None
    source_lang = doc.source_lang or config.source_lang
    source = primary_subtag(source_lang) if source_lang else None
    skip = skipped(config.enable_rules, config.disable_rules)
    rules = rules_for(config.rule_packs, skip)
    timed_out: list[str] = []
    disabled: list[str] = []
    stopped: list[str] = []
    allow = allow_list(config.allow_lists)
    silencer = Silencer(allow) if allow else None
    # repairs of skipped rules are not made, nor space removals at an end the source shares
    gate = _Gate(silencer, skip, doc.source) if silencer or skip or _spaced_ends(doc.source) != (False, False) else None
    detection, detected_on = None, None
    keep_entities = source_entities(doc.source)
    # Encoding repair and the automatic rules, until the text stops changing: each can expose work
    # for the other (ftfy reads "é  Ã©" and "é Ã©" differently), and cleaned text must be a fixed point.
    for _ in range(MAX_REPAIR_ROUNDS):
        before = log.text
        findings += repair_unicode(log, doc.id, config.fix_encoding, config.unicode_form, gate, keep_entities)
        if detection is None:
            detected_on = log.text
            detection = _identify(log.text, config, expected)
        locale = expected or detection.lang
        fixed, late = apply_rules(log, doc.id, rules, locale, config.match_timeout, source, silencer=gate, disabled=disabled,
                                  stopped=stopped, source_text=doc.source, protected=_not_prose)
        findings += fixed
        timed_out += late
        if log.text == before:
            break
    if log.text != detected_on:  # the fixes changed the text since it was identified
        detection = _identify(log.text, config, expected)
    reported, late = apply_rules(log, doc.id, rules, locale, config.match_timeout, source, fixes=False, disabled=disabled,
                                 source_text=doc.source, protected=_not_prose)
    findings += reported
    timed_out += late

    view = DocView(doc, log, locale, source, load_glossary(config.terms) if config.terms and config.detectors else None,
                   detected_lang=detection.lang, tag=doc.lang or config.lang)
    checkable = expected is None or expected in langid.supported_languages()
    if checkable:
        findings += [f for f in _language_findings(view, expected, detection, config) if f.rule not in skip]
    if config.detectors:
        said = {(f.start, f.end, f.suggestion) for f in findings}
        flagged = {(f.start, f.end) for f in findings}
        # a detector that makes a rule pack's fix (on the same span, or on part of it: " " to ""
        # inside de-en's " %" to "%"), or flags the span a rule pack flagged without offering a fix
        # of its own, adds nothing: say it once
        active = active_rules(config.enable_rules, config.disable_rules)
        found = [f for f in run_detectors(view, active)
                 if (f.start, f.end, f.suggestion) not in said and not (f.suggestion is None and (f.start, f.end) in flagged)
                 and not _same_fix(f, reported, log.text)]
        # a rule pack's pattern sees the translation only; a lexicon entry saw the source as well
        # ("chef de la diplomatie américaine": Secretary of State, not the pack's "foreign
        # minister"): where both fix the same span differently, only the lexicon's fix is offered
        informed = {(f.start, f.end) for f in found if f.rule.startswith(SOURCE_INFORMED) and f.suggestion}
        if informed:
            pack_reported = {id(f) for f in reported}
            findings = [f for f in findings if id(f) not in pack_reported or (f.start, f.end) not in informed]
        findings += found
    facts = {check.name: fact for check in corpus_checks(skip, config.detectors) if (fact := check.facts(view)) is not None}
    # a fix held back at an inline tag is reported by every repair round: say it once
    findings, silenced = allow.partition(list(dict.fromkeys(findings)))
    silenced += silencer.silenced.values() if silencer else []
    findings.sort(key=lambda f: (f.start, f.end, f.rule))
    silenced.sort(key=lambda fe: (fe[0].start, fe[0].end, fe[0].rule))
    return Cleaned(doc, log.text, detection.lang, findings, log.edits(doc.id), list(dict.fromkeys(timed_out)),
                   list(dict.fromkeys(disabled)), list(dict.fromkeys(stopped)), checkable, silenced, facts)


def _not_prose(text: str) -> Spans:
    """What the rule packs must neither change nor report: code, Markdown link targets
    (spans.markup_code), URLs and e-mail addresses ("api?debug=1" asks no question)."""
    code = markup_code(text)
    return code | addresses(text) if "://" in text or "www." in text or "@" in text else code


def _same_fix(finding: Finding, others: list[Finding], text: str) -> bool:
    """Whether one of the others (found on the same text), spanning this finding's span, offers
    the fix it offers: the text after either fix is the same."""
    if finding.suggestion is None:
        return False
    return any(o.suggestion is not None and o.start <= finding.start and finding.end <= o.end
               and text[o.start:finding.start] + finding.suggestion + text[finding.end:o.end] == o.suggestion
               for o in others)


def _identify(text: str, config: CleanConfig, expected: str | None) -> langid.Detection:
    return langid.detect(text, config.langid_min_letters, config.langid_min_prob, config.langid_min_han,
                         expected=expected, confirm_prob=config.langid_confirm_prob)


def _spaced_ends(source: str | None) -> tuple[bool, bool]:
    """Whether the source begins, and whether it ends, with a space or tab."""
    return (bool(source) and source[0] in " \t"), (bool(source) and source[-1] in " \t")


class _Gate:
    """Between the fixing passes and the allow list's `Silencer`: a change of a rule the run skips
    is not made (and not reported), nor a removal of spaces at an end of the text where the source
    has spaces too (a software string joined to another keeps them: pofilter's startwhitespace and
    endwhitespace ask the same); the others go on to the silencer, if there is one."""

    def __init__(self, silencer: Silencer | None, skip: frozenset[str], source: str | None = None) -> None:
        self.silencer, self.skip = silencer, skip
        self.source_starts_spaced, self.source_ends_spaced = _spaced_ends(source)

    def keep(self, log: EditLog, doc_id: str, changes: list[tuple[int, int, str]], rule: str, category: str,
             severity: str, message: str) -> list[tuple[int, int, str]]:
        if rule in self.skip:
            return []
        if rule == "space.leading" and self.source_starts_spaced:
            changes = [c for c in changes if c[0] != 0]
        elif rule == "space.trailing" and self.source_ends_spaced:
            changes = [c for c in changes if c[1] != len(log.text)]
        return self.silencer.keep(log, doc_id, changes, rule, category, severity, message) if self.silencer else changes


_HAN_SCRIPT_LANGS = frozenset({"zh", "ja", "ko"})
MIN_HAN_FOR_SCRIPT = 5


def _script_speaks_for(text: str, expected: str, found: str) -> bool:
    """Whether the text's script settles that it is in the expected language, against a verdict for
    another script's language: a Chinese sentence with Latin-script names in it is not Vietnamese."""
    return expected in _HAN_SCRIPT_LANGS and found not in _HAN_SCRIPT_LANGS and langid.count_han(text) >= MIN_HAN_FOR_SCRIPT


def _language_findings(view: DocView, expected: str | None, detection: langid.Detection,
                       config: CleanConfig) -> list[Finding]:
    """A document in the wrong language, or sentences in another language than their document
    (the view's sentences, which the detectors then read too: the text is split once)."""
    doc, log, text = view.doc, view.log, view.text
    if expected and detection.lang and detection.lang != expected and not _script_speaks_for(text, expected, detection.lang):
        start, end = log.orig_span(*trimmed_span(text))
        message = f"The text is in {detection.lang} (p={detection.prob:.2f}), expected {expected}"
        return [Finding(doc.id, start, end, log.original[start:end], "language.wrong_document", "language",
                        "critical", message)]
    reference = expected or detection.lang
    if not (config.langid_sentences and reference):
        return []
    spans = view.sentences
    if len(spans) < 2:
        return []
    findings = []
    for s, e in spans:
        found = _identify(text[s:e], config, reference)
        if found.lang and found.lang != reference and not _script_speaks_for(text[s:e], reference, found.lang):
            start, end = log.orig_span(s, e)
            message = f"This sentence is in {found.lang} (p={found.prob:.2f}), the document in {reference}"
            findings.append(Finding(doc.id, start, end, log.original[start:end], "language.wrong_sentence",
                                    "language", "major", message))
    return findings
