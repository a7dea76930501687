"""One object with every option of a cleaning run and its default (cf. ftfy's TextFixerConfig).

It travels to every worker and is part of the run signature, so it holds only plain values.
"""

from __future__ import annotations

from pathlib import Path
from typing import NamedTuple

from mtqa.cleaners.rulepack import DEFAULT_MATCH_TIMEOUT, RULES_DIR

# normalise.yaml first (debris and spacing), then every other pack in cleaners/rules/, by name.
DEFAULT_PACKS = (str(RULES_DIR / "normalise.yaml"),) + tuple(
    str(p) for p in sorted(RULES_DIR.glob("*.yaml")) if p.name != "normalise.yaml" and not p.name.endswith(".allow.yaml")
)


class CleanConfig(NamedTuple):
    """Options of a cleaning run.

    - `lang`: the expected language of documents that do not say (`lang` field); None = unknown.
    - `source_lang`: the source language of documents that do not say.
    - `fix_encoding`: repair mojibake and broken Unicode with ftfy.
    - `unicode_form`: Unicode normal form to compose text into ("NFC"), or None to leave it.
    - `rule_packs`: YAML rule packs, applied in order (paths).
    - `match_timeout`: seconds a pattern rule may spend on one document before it is skipped there.
    - `langid_min_letters`: fewer letters than this and language ID answers "cannot tell".
      Measured (benchmarks/results/langid_reliability.md): from 60 letters, >= 99% right in every
      alphabetic language and 0.1% confidently wrong; at 40-59 letters, up to 2% wrong.
    - `langid_min_han`: the same for text that is mostly Han characters (Chinese), counted in them.
    - `langid_min_prob`: langdetect's top probability must reach this to count.
    - `langid_confirm_prob`: when fastText (lid.176, small model) names the expected language with
      at least this score, that is the answer and langdetect is not asked; None = langdetect
      judges every text. Measured (benchmarks/results/langid_gate.md): see the README.
    - `langid_sentences`: also check each sentence of a multi-sentence document.
    - `detectors`: run the detectors (cleaners/detectors/): structure, source, spelling, QA checks.
    - `enable_rules`: detectors that are off by default to run as well (cleaners/data/detectors.yaml).
    - `disable_rules`: detectors and pattern rules not to run, by rule id.
    - `max_text_chars`: a document whose text is longer goes to the quarantine (`text_too_long`)
      instead of being cleaned: cleaning takes ~15 s a million characters (more on one line), and a
      text that long is usually a whole file read as one record; None = no limit.
    - `terms`: a glossary (TSV or YAML, cleaners/glossary.py) for the must-translate and
      do-not-translate checks; None = no glossary, those checks stay silent.
    - `allow_lists`: YAML allow lists (paths) whose entries silence findings (cleaners/allowlist.py).
    - `drop_duplicates`: send documents whose text repeats an earlier one's (exactly or once
      folded) to the quarantine instead of cleaning them; without it they are only reported.
    - `duplicate_sentence_min_chars`: sentences shorter than this once folded ("Results:",
      "Table 1.") are not reported as duplicates; None = no sentence duplicates at all.
    - `check_only`: a dry run: find everything, apply nothing (the edits a run would make go to
      proposed_edits.jsonl), so a rule pack can be judged before it changes text.
    """

    lang: str | None = None
    source_lang: str | None = None
    fix_encoding: bool = True
    unicode_form: str | None = "NFC"
    rule_packs: tuple[str, ...] = DEFAULT_PACKS
    match_timeout: float = DEFAULT_MATCH_TIMEOUT
    langid_min_letters: int = 60
    langid_min_han: int = 40
    langid_min_prob: float = 0.99
    langid_confirm_prob: float | None = 0.5
    langid_sentences: bool = True
    detectors: bool = True
    enable_rules: tuple[str, ...] = ()
    disable_rules: tuple[str, ...] = ()
    terms: str | None = None
    allow_lists: tuple[str, ...] = ()
    drop_duplicates: bool = False
    duplicate_sentence_min_chars: int | None = 20
    check_only: bool = False
    max_text_chars: int | None = 1_000_000

    def signature_fields(self) -> dict[str, object]:
        """The options as they appear in a run signature (pack paths shortened to their names)."""
        fields = self._asdict()
        fields["rule_packs"] = [Path(p).name for p in self.rule_packs]
        fields["terms"] = Path(self.terms).name if self.terms else None
        fields["allow_lists"] = [Path(p).name for p in self.allow_lists]
        return fields
