"""Which findings a reviewer wants to see: by rule, category, severity, language and document.

A run of 20,000 segments can hold thousands of pending findings; a reviser takes them a slice at
a time (the spelling ones first, only German, one document). The same filter serves the terminal
review, the CSV export and the browser desk (reports/desk), so a slice means the same everywhere.
Rules and documents take globs (`en.*`, `article-*`); a category matches itself and its
subcategories (`accuracy` takes `accuracy/mistranslation`); a language matches by primary subtag
(`en` takes `en-GB`), from the record's `lang` or, without one, its detected language.

>>> f = FindingFilter(rules=("en.*",), severities=("major",))
>>> f.keeps({"rule": "en.dombas_donbas", "severity": "major", "category": "fluency/spelling", "doc_id": "a"}, {})
True
>>> f.keeps({"rule": "fr-en.x", "severity": "major", "category": "style", "doc_id": "a"}, {})
False
"""

from __future__ import annotations

from dataclasses import dataclass
from fnmatch import fnmatchcase
from typing import Any


@dataclass(frozen=True)
class FindingFilter:
    rules: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()
    severities: tuple[str, ...] = ()
    langs: tuple[str, ...] = ()
    docs: tuple[str, ...] = ()

    def __bool__(self) -> bool:
        return any((self.rules, self.categories, self.severities, self.langs, self.docs))

    def keeps(self, finding: dict[str, Any], record: dict[str, Any]) -> bool:
        """Whether the finding (of the document `record`) is in the slice."""
        if self.rules and not any(fnmatchcase(finding["rule"], g) for g in self.rules):
            return False
        if self.categories and not any(finding["category"] == c or finding["category"].startswith(c.rstrip("/") + "/")
                                       for c in self.categories):
            return False
        if self.severities and finding["severity"] not in self.severities:
            return False
        if self.docs and not any(fnmatchcase(str(finding["doc_id"]), g) for g in self.docs):
            return False
        if self.langs:
            lang = primary(record.get("lang") or record.get("detected_lang"))
            if lang not in {primary(code) for code in self.langs}:
                return False
        return True

    def describe(self) -> str:
        """The slice in words, for the line that says how many findings it holds."""
        parts = [f"{name} {', '.join(values)}" for name, values in
                 (("rule", self.rules), ("category", self.categories), ("severity", self.severities),
                  ("language", self.langs), ("document", self.docs)) if values]
        return "; ".join(parts) or "all"


def primary(lang: str | None) -> str | None:
    return lang.replace("_", "-").split("-", 1)[0].lower() if lang else None
