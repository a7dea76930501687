"""Rule packs: pattern rules kept as YAML data, loaded safely and matched with a time limit.

A rule pack is a YAML file with a `rules:` list. Each rule names a stable `id`, a `pattern`
(a regular expression in the syntax of the `regex` module, or a literal with `literal: true`), an
optional `replace` template (`\\1`, `\\g<name>` reuse captured text), the MQM `category`, the
`severity`, a one-line `message`, whether its `fix` is `auto` (applied) or `review` (suggested), and
optionally the target languages it is for (`langs`) or must skip (`skip_langs`) and the source
languages it is for (`source_langs`: a calque of French needs a French source), and what the
source text must hold where the record has one (`source_has`, a pattern: a false friend is one
only where the source has the word it renders, "Handy" for "handy"), and the excuses it takes
(`unless`, names from cleaners/excuses.py: a match one of them accepts is no error, a name the
source writes as the translation does, "Yahoo!", or an abbreviation's full stop). A costly pattern
can name `requires`: a cheap pattern that matches somewhere in every text where `pattern` matches
(the words it looks for, without its lookarounds). It is searched first, and the costly pattern
runs only on the texts where it was found (the four `en.untranslated_*` rules took half of all
rule-pack time before they had one). `requires` is always a pattern, even for a `literal` rule.
Every rule also gets `needs`, read from its pattern when it is compiled (cleaners/prefilter.py):
what each of its matches contains, tested on a text before the pattern is run on it.

Packs are user input: they are read with `yaml.safe_load`, every field is checked with an error
naming the file and the rule, and every match runs under a time limit (the `regex` module's
`timeout`), so a catastrophic pattern costs at most that limit per document, never a hung run.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import regex

from mtqa.cleaners.datafiles import note_passed, parse_yaml, passed_before, read_data_file
from mtqa.cleaners.excuses import EXCUSES
from mtqa.cleaners.prefilter import Probe, Requirement, requirement
from mtqa.langtags import primary_subtag  # noqa: F401  (imported from here by older code)
from mtqa.records import CATEGORIES, FIX_MODES, SEVERITIES

RULES_DIR = Path(__file__).parent / "rules"
DEFAULT_MATCH_TIMEOUT = 0.5  # seconds per rule and document

_REQUIRED = ("id", "pattern", "category", "severity", "message")
_ALLOWED = set(_REQUIRED) | {"replace", "fix", "langs", "skip_langs", "source_langs", "literal", "ignore_case", "requires",
                             "source_has", "unless"}


class RulePackError(ValueError):
    """A rule pack that cannot be used; the message names the file and the rule."""


@dataclass(frozen=True, slots=True)
class PatternRule:
    """One rule of a pack. Its patterns are compiled, and what its matches need read, at first use:
    a run uses the rules of its languages only, and the `regex` module compiles in Python (all the
    packs' patterns took a good part of a one-file check's start). A pack is checked whole, every
    pattern compiled, the first time its bytes are seen (`_load_pack`)."""

    id: str
    source: str  # the pattern, as the `regex` module reads it (escaped for a literal rule)
    flags: int
    replace: str | None
    category: str
    severity: str
    message: str
    fix: str
    langs: frozenset[str]
    skip_langs: frozenset[str]
    source_langs: frozenset[str] = frozenset()
    requires_source: str | None = None  # must match somewhere for `pattern` to be tried at all
    source_has: str | None = None  # must match somewhere in the source text, where there is one
    unless: tuple[str, ...] = ()  # the excuses it takes (cleaners/excuses.py), by name
    _compiled: tuple | None = field(default=None, init=False, repr=False, compare=False)

    @property
    def pattern(self) -> regex.Pattern:
        return self._compile()[0]

    @property
    def requires(self) -> regex.Pattern | None:
        return self._compile()[1]

    @property
    def needs(self) -> Requirement | None:
        """What every match contains (cleaners/prefilter.py): a text without it is not searched."""
        return self._compile()[2]

    def _compile(self) -> tuple[regex.Pattern, regex.Pattern | None, Requirement | None, regex.Pattern | None]:
        compiled = self._compiled
        if compiled is None:  # two threads may both compile: the same result, either is kept
            compiled = (regex.compile(self.source, self.flags),
                        None if self.requires_source is None else regex.compile(self.requires_source, self.flags),
                        requirement(self.source, self.flags),
                        None if self.source_has is None else regex.compile(self.source_has, self.flags))
            object.__setattr__(self, "_compiled", compiled)
        return compiled

    def wanted_by(self, source_text: str | None, timeout: float = DEFAULT_MATCH_TIMEOUT) -> bool:
        """Whether the source text (None: there is none) holds what the rule needs there; raises
        TimeoutError past `timeout` seconds (a pack is user input)."""
        pattern = self._compile()[3]
        return pattern is None or source_text is None or pattern.search(source_text, timeout=timeout) is not None

    def applies_to(self, lang: str | None, source_lang: str | None = None) -> bool:
        """Whether the rule runs on text in `lang` translated from `source_lang` (primary subtags such
        as 'fr', or None if unknown). A rule for some languages, or against some, runs only where the
        language is known; a rule for some source languages only where the source language is."""
        if self.source_langs and (source_lang is None or source_lang not in self.source_langs):
            return False
        if self.langs or self.skip_langs:
            return lang is not None and (not self.langs or lang in self.langs) and lang not in self.skip_langs
        return True

    def matches(self, text: str, timeout: float = DEFAULT_MATCH_TIMEOUT, probe: Probe | None = None) -> Iterator[regex.Match]:
        """All non-overlapping matches; raises TimeoutError past `timeout` seconds in total (the
        `requires` search included: the pattern gets what the search left). A text that lacks
        what every match contains (`needs`) is not searched; `probe`, the same text's `Probe`,
        shares that test's answers among the rules run on one text."""
        if self.needs is not None:
            if probe is None or probe.text is not text:
                probe = Probe(text)
            if not self.needs.holds(probe):
                return iter(())
        if self.requires is not None:
            start = time.monotonic()
            if self.requires.search(text, timeout=timeout) is None:
                return iter(())
            timeout -= time.monotonic() - start
            if timeout <= 0:
                raise TimeoutError(f"rule {self.id}: its requires search used the whole time limit")
        return self.pattern.finditer(text, timeout=timeout)

    def excused(self, match: regex.Match, source_text: str | None, lang: str | None) -> bool:
        """Whether one of the rule's excuses (`unless`) accepts the match: no error after all."""
        return any(EXCUSES[name][0](match, source_text, lang) for name in self.unless)

    def replacement(self, match: regex.Match) -> str | None:
        return None if self.replace is None else same_apostrophe(match.group(), match.expand(self.replace))


def same_apostrophe(found: str, suggestion: str) -> str:
    """The suggestion with the apostrophe the text uses: a rule written with a straight `'` must
    not swap the typographic `’` of a text that has one (`Ukraine’s` stays `Ukraine’s`).

    >>> same_apostrophe("at Ukraine’s gates", "on Ukraine's doorstep")
    'on Ukraine’s doorstep'
    >>> same_apostrophe("at Ukraine's gates", "on Ukraine's doorstep")
    "on Ukraine's doorstep"
    """
    if "\u2019" in found and "'" not in found:
        return suggestion.replace("'", "\u2019")
    return suggestion


@dataclass(frozen=True, slots=True)
class RulePack:
    name: str
    path: str
    sha256: str
    rules: tuple[PatternRule, ...]


def load_pack(path: str | Path) -> RulePack:
    """Read and validate one YAML rule pack, once per process: the CLI's checks, the run signature,
    the registry and the cleaning all ask for it, and a pack is parsed again only if its file
    changed (its modification time or size)."""
    path = Path(path)
    try:
        stat = path.stat()
    except OSError:
        return _load_pack(path)  # the error, worded for the user
    return _cached_pack(path, stat.st_mtime_ns, stat.st_size)


@lru_cache(maxsize=64)
def _cached_pack(path: Path, mtime_ns: int, size: int) -> RulePack:
    return _load_pack(path)


def _load_pack(path: Path) -> RulePack:
    text, raw = read_data_file(path, "rule pack", RulePackError)
    data = parse_yaml(text, path, RulePackError)
    if not isinstance(data, dict) or not isinstance(data.get("rules"), list):
        raise RulePackError(f"{path}: a rule pack is a mapping with a 'rules' list")
    # every pattern compiled now, unless these very bytes compiled whole before (same `regex`, same
    # checks): a bad pattern is an error before the run starts, never a failure half-way through it
    compile_now = not passed_before(raw, _CHECK)
    rules, seen = [], set()
    for index, spec in enumerate(data["rules"], 1):
        rule = _parse_rule(spec, f"{path}: rule {index}", compile_now)
        if rule.id in seen:
            raise RulePackError(f"{path}: rule {index}: duplicate rule id {rule.id!r}")
        seen.add(rule.id)
        rules.append(rule)
    if compile_now:
        note_passed(raw, _CHECK)
    name = str(data.get("pack") or path.stem)
    return RulePack(name, str(path), hashlib.sha256(raw).hexdigest(), tuple(rules))


# What a pack that compiled whole was checked with: the `regex` module, this module's checks and
# the excuses' (the groups they read).
_CHECK = (f"rule pack|regex {regex.__version__}|{hashlib.sha256(Path(__file__).read_bytes()).hexdigest()}"
          f"|{hashlib.sha256((Path(__file__).parent / 'excuses.py').read_bytes()).hexdigest()}")


def _parse_rule(spec: object, where: str, compile_now: bool = True) -> PatternRule:
    if not isinstance(spec, dict):
        raise RulePackError(f"{where}: a rule is a mapping, got {type(spec).__name__}")
    where = f"{where} ({spec.get('id', '?')})"
    missing = [k for k in _REQUIRED if not isinstance(spec.get(k), str) or not spec[k]]
    if missing:
        raise RulePackError(f"{where}: missing or empty text field(s): {', '.join(missing)}")
    unknown = sorted(set(spec) - _ALLOWED)
    if unknown:
        raise RulePackError(f"{where}: unknown field(s): {', '.join(unknown)}")
    if spec["category"] not in CATEGORIES:
        raise RulePackError(f"{where}: category {spec['category']!r} is not one of {', '.join(CATEGORIES)}")
    if spec["severity"] not in SEVERITIES:
        raise RulePackError(f"{where}: severity {spec['severity']!r} is not one of {', '.join(SEVERITIES)}")
    fix = spec.get("fix", "review")
    if fix not in FIX_MODES:
        raise RulePackError(f"{where}: fix {fix!r} is not one of {', '.join(FIX_MODES)}")
    replace = spec.get("replace")
    if replace is not None and not isinstance(replace, str):
        raise RulePackError(f"{where}: replace must be text, got {type(replace).__name__}")
    if fix == "auto" and replace is None:
        raise RulePackError(f"{where}: fix 'auto' needs a 'replace'")
    source = regex.escape(spec["pattern"]) if spec.get("literal") else spec["pattern"]
    flags = regex.V0 | (regex.IGNORECASE if spec.get("ignore_case") else 0)
    requires = spec.get("requires")
    if requires is not None and (not isinstance(requires, str) or not requires):
        raise RulePackError(f"{where}: requires must be a non-empty pattern")
    source_has = spec.get("source_has")
    if source_has is not None and (not isinstance(source_has, str) or not source_has):
        raise RulePackError(f"{where}: source_has must be a non-empty pattern")
    unless = spec.get("unless", [])
    if not isinstance(unless, list) or not all(isinstance(name, str) and name in EXCUSES for name in unless):
        raise RulePackError(f"{where}: unless lists excuses by name, among: {', '.join(EXCUSES)}")
    rule = PatternRule(
        id=spec["id"],
        source=source,
        flags=flags,
        replace=replace,
        category=spec["category"],
        severity=spec["severity"],
        message=spec["message"],
        fix=fix,
        langs=_lang_set(spec.get("langs"), where),
        skip_langs=_lang_set(spec.get("skip_langs"), where),
        source_langs=_lang_set(spec.get("source_langs"), where),
        requires_source=requires,
        source_has=source_has,
        unless=tuple(unless),
    )
    if compile_now:
        try:
            rule._compile()
            if replace is not None:
                _check_template(rule.pattern, replace)
        except regex.error as exc:
            raise RulePackError(f"{where}: bad pattern, requires, source_has or replace template: {exc}") from exc
        _check_excuses(rule.pattern, rule.unless, where)
    return rule


def _check_template(pattern: regex.Pattern, replace: str) -> None:
    """Fail at load time, not mid-run, on a template that names a group the pattern lacks."""
    groups = set(range(pattern.groups + 1)) | set(pattern.groupindex)
    for ref in regex.findall(r"\\g<([^>]*)>|\\(\d+)", replace):
        name = ref[0] or ref[1]
        key = int(name) if name.isdigit() else name
        if key not in groups:
            raise regex.error(f"replace refers to group {name!r}, which the pattern does not have")


def _check_excuses(pattern: regex.Pattern, unless: tuple[str, ...], where: str) -> None:
    """Fail at load time, not mid-run, on an excuse that reads a group the pattern lacks."""
    groups = set(range(pattern.groups + 1)) | set(pattern.groupindex)
    for name in unless:
        missing = [group for group in EXCUSES[name][1] if group not in groups]
        if missing:
            raise RulePackError(f"{where}: the excuse {name!r} reads group(s) {missing}, which the pattern does not have")


def _lang_set(value: object, where: str) -> frozenset[str]:
    if value is None:
        return frozenset()
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise RulePackError(f"{where}: langs and skip_langs are lists of language codes")
    return frozenset(primary_subtag(v) for v in value)
