"""One object with every option of a cleaning run and its default (cf. ftfy's TextFixerConfig).

It travels to every worker and is part of the run signature, so it holds only plain values. It is
a frozen dataclass: hashable (the per-process caches key on it), and a type Prefect validates, so
a deployment's `config: {lang: en}` becomes a CleanConfig and a wrong value is refused at deploy
time. Each field says what it does in its `help`, from which the CLI builds its options
(flows/cli.py: `config_options`), and a run file (`mtqa.toml`, flows/runfile.py) uses the field
names as keys: an option is stated once, here.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from mtqa.cleaners.rulepack import DEFAULT_MATCH_TIMEOUT, RULES_DIR

# normalise.yaml first (debris and spacing), then every other pack in cleaners/rules/, by name.
DEFAULT_PACKS = (str(RULES_DIR / "normalise.yaml"),) + tuple(
    str(p) for p in sorted(RULES_DIR.glob("*.yaml")) if p.name != "normalise.yaml" and not p.name.endswith(".allow.yaml")
)


def _option(default: Any, help: str, cli: str | None = None, **click: Any) -> Any:
    """A field with its documentation (`help`) and, if the command line has it, its option: `cli`
    is the option's name ("--lang"; for a flag that turns a default-True field off, "--no-..."),
    `click` holds its details: metavar, min and max, path (an existing file), zero_is_none (0 on
    the command line means None), off_help (the help of a "--no-..." flag)."""
    return field(default=default, metadata={"help": help, "cli": cli, **click})


@dataclass(frozen=True, slots=True)
class CleanConfig:
    """Options of a cleaning run; each field's `help` (in its metadata) says what it does."""

    lang: str | None = _option(None, "Expected language of the text (e.g. en) for records without a 'lang' field; enables "
                               "wrong-language findings and locale rules. In a multilingual TMX, the target language to check.",
                               "--lang", metavar="L")
    source_lang: str | None = _option(None, "Source language for records without a 'source_lang' field (the source checks "
                                      "compare a record's 'source' with its text).", "--source-lang", metavar="L")
    fix_encoding: bool = _option(True, "Repair mojibake and broken Unicode with ftfy.", "--no-fix-encoding",
                                 off_help="Do not repair mojibake and broken Unicode with ftfy.")
    unicode_form: str | None = _option("NFC", "Unicode normal form to compose text into, or None to leave it.")
    rule_packs: tuple[str, ...] = _option(DEFAULT_PACKS, "YAML rule packs, applied in order (paths).")
    match_timeout: float = _option(DEFAULT_MATCH_TIMEOUT, "Seconds a pattern rule may spend on one document before it is "
                                   "skipped there.")
    # Measured (benchmarks/results/langid_reliability.md): from 60 letters, >= 99% right in every
    # alphabetic language and 0.1% confidently wrong; at 40-59 letters, up to 2% wrong.
    langid_min_letters: int = _option(60, "Texts with fewer letters are too short for language ID and are never flagged.",
                                      "--langid-min-letters", min=1)
    langid_min_han: int = _option(40, "The same for text that is mostly Chinese characters, counted in them.",
                                  "--langid-min-han", min=1)
    langid_min_prob: float = _option(0.99, "langdetect's confidence needed to call a text's language.",
                                     "--langid-min-prob", min=0, max=1)
    # Measured in benchmarks/results/langid_gate.md (see the README).
    langid_confirm_prob: float | None = _option(0.5, "fastText's score for the expected language that spares the langdetect "
                                                "call (langdetect still judges every other text); None (--langdetect-only): langdetect judges every text.",
                                                "--langid-confirm-prob", min=0, max=1)
    langid_sentences: bool = _option(True, "Check the language of each sentence of a multi-sentence document too.",
                                     "--no-sentence-langid", off_help="Check the language of whole documents only, not of each sentence.")
    detectors: bool = _option(True, "Run the detectors: structure, source, spelling and QA checks (rule packs and language "
                              "ID run either way).", "--no-detectors",
                              off_help="Do not run the detectors: structure, source, spelling and QA checks (rule packs and "
                                       "language ID still run).")
    enable_rules: tuple[str, ...] = _option((), "Checks that are off by default to run as well (rule ids; "
                                            "cleaners/data/detectors.yaml says which are off, and why).")
    disable_rules: tuple[str, ...] = _option((), "Checks not to run, by rule id (any id `mtqa rules` lists).")
    terms: str | None = _option(None, "A glossary for the qa.must_translate and qa.do_not_translate checks: TSV with "
                                "source_term, target_term (and optionally lang) columns, an empty target meaning 'do not "
                                "translate'; or YAML.", "--terms", metavar="FILE", path=True)
    allow_lists: tuple[str, ...] = _option((), "YAML allow lists (paths) whose entries silence findings (cleaners/allowlist.py).")
    drop_duplicates: bool = _option(False, "Send documents whose text repeats an earlier one's (exactly, or once case, spacing, "
                                    "punctuation and digits are folded) to the quarantine, naming the first; without it "
                                    "duplicates are only reported.", "--drop-duplicates")
    duplicate_sentence_min_chars: int | None = _option(20, "Shorter sentences (once folded) are not reported as duplicates; "
                                                       "0 turns sentence duplicates off.", "--duplicate-sentence-min-chars",
                                                       min=0, zero_is_none=True)
    check_only: bool = _option(False, "Dry run: report every finding and what each rule would do (rules.md, "
                               "proposed_edits.jsonl), change no text, drop nothing.", "--check-only")
    # Cleaning takes ~15 s a million characters (more on one line), and a text that long is
    # usually a whole file read as one record.
    max_text_chars: int | None = _option(1_000_000, "A record whose text is longer goes to the quarantine (text_too_long) "
                                         "instead of being cleaned; 0 = no limit.", "--max-text-chars", min=0,
                                         zero_is_none=True, metavar="N")

    run_file: str | None = _option(None, "The run file (mtqa.toml, flows/runfile.py) the settings came from, if any: "
                                   "recorded in the run signature.")

    def _replace(self, **changes: Any) -> CleanConfig:
        """A copy with some fields changed (the NamedTuple spelling, kept for the callers that use it)."""
        return dataclasses.replace(self, **changes)

    def _asdict(self) -> dict[str, Any]:
        """The fields and their values, in order."""
        return {f.name: getattr(self, f.name) for f in dataclasses.fields(self)}

    def signature_fields(self) -> dict[str, object]:
        """The options as they appear in a run signature (pack paths shortened to their names)."""
        fields = self._asdict()
        if fields["run_file"] is None:
            del fields["run_file"]  # signatures of runs without a run file stay as they were
        else:
            fields["run_file"] = Path(self.run_file).name
        fields["rule_packs"] = [Path(p).name for p in self.rule_packs]
        fields["terms"] = Path(self.terms).name if self.terms else None
        fields["allow_lists"] = [Path(p).name for p in self.allow_lists]
        return fields
