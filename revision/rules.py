"""Turn a decision (or a learned substitution) into a rule of the user's own YAML pack.

"Always replace Dombas with Donbas in English" becomes an ordinary pack rule: a word-bounded
literal pattern, the replacement, the language, the finding's category and severity, and
`fix: auto` when a person decided it (`review` for learned candidates). The rule is appended to the
pack's text, so the user's comments and layout stay; the pack is loaded again after writing, and a
pack that would not load is never left behind.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import regex
import yaml

from mtqa.cleaners.rulepack import RulePackError, load_pack
from mtqa.corpora.writers import atomic_writer


def literal_pattern(text: str) -> str:
    """A pattern for exactly `text`, not inside a longer word ("Kiev" does not match "Kievan")."""
    pattern = regex.escape(text, special_only=True)
    if regex.match(_WORDY, text):
        pattern = r"(?<!\w)" + pattern
    if regex.search(_WORDY + r"\Z", text):
        pattern += r"(?!\w)"
    return pattern


# A word character of a script that separates words with spaces (no boundary inside Chinese text).
_WORDY = r"[^\W\p{Han}\p{Hiragana}\p{Katakana}]"


def rule_spec(rule_id: str, text: str, replacement: str, category: str, severity: str, message: str,
              lang: str | None, fix: str = "auto", source_lang: str | None = None) -> dict[str, Any]:
    spec: dict[str, Any] = {"id": rule_id, "pattern": literal_pattern(text), "replace": replacement.replace("\\", "\\\\"),
                            "category": category, "severity": severity, "fix": fix, "message": message}
    if lang:
        spec["langs"] = [lang]
    if source_lang:
        spec["source_langs"] = [source_lang]
    return spec


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", text.lower()).strip("_")[:30] or "x"


def add_rule(pack: Path, spec: dict[str, Any]) -> tuple[str, bool]:
    """Append a rule to the pack (created if missing); returns (rule id, whether it was added).
    A rule with the same pattern, replacement and languages already there is not added twice."""
    text = pack.read_text(encoding="utf-8") if pack.exists() else f"# mtqa rules kept from review decisions\npack: {slug(pack.stem)}\nrules:\n"
    try:
        data = yaml.safe_load(text) if text.strip() else None
    except yaml.YAMLError as exc:
        raise RulePackError(f"{pack}: invalid YAML: {getattr(exc, 'problem', exc)}") from exc
    if not isinstance(data, dict) or not isinstance(data.get("rules") or [], list):
        raise RulePackError(f"{pack}: not a rule pack (a mapping with a 'rules' list)")
    rules = data.get("rules") or []
    key = (spec["pattern"], spec.get("replace"), spec.get("langs"))
    for rule in rules:
        if (rule.get("pattern"), rule.get("replace"), rule.get("langs")) == key:
            return rule["id"], False
    ids = {rule.get("id") for rule in rules}
    base, n = spec["id"], 1
    while spec["id"] in ids:
        n += 1
        spec = {**spec, "id": f"{base}_{n}"}
    block = yaml.safe_dump([spec], allow_unicode=True, sort_keys=False, width=1000)
    appended = text.rstrip("\n") + "\n" + "".join("  " + line + "\n" for line in block.splitlines())
    if _rules_after_append(appended) != len(rules) + 1:  # `rules:` is not the last key, or in flow style
        appended = yaml.safe_dump({**data, "rules": [*rules, spec]}, allow_unicode=True, sort_keys=False, width=1000)
    with atomic_writer(pack.with_name(pack.name + ".new")) as stream:
        stream.write(appended)
    try:
        load_pack(pack.with_name(pack.name + ".new"))
    except RulePackError:
        pack.with_name(pack.name + ".new").unlink()
        raise
    pack.with_name(pack.name + ".new").replace(pack)
    return spec["id"], True


def _rules_after_append(text: str) -> int:
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError:
        return -1
    return len(data.get("rules") or []) if isinstance(data, dict) else -1
