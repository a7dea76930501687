"""Consistency across a corpus: one name or term spelt in different ways in different documents
("Zelensky" here, "Zelenskyy" there), reported once per variant, both forms named.

Each document contributes its name-like words (capitalised words that are not common words of
the language) with their first position; the corpus-level step groups variants that differ only
by accents or case, or by one edit in words of six letters or more, and picks the form most
documents use. `NameConsistency` is the corpus check (cleaners/corpus.py) that runs it.
"""

from __future__ import annotations

import unicodedata
from collections import Counter
from collections.abc import Iterable

import regex
from rapidfuzz.distance import DamerauLevenshtein

from mtqa.cleaners.corpus import CorpusCheck, CorpusRule
from mtqa.cleaners.detectors.spelling import known_word
from mtqa.records import Finding

RULE = "consistency.name_variant"

_NAME = regex.compile(r"(?<![\p{L}\d_-])\p{Lu}\p{Ll}[\p{L}\p{M}]{2,}(?![\p{L}\d_-])")
MIN_DOCUMENTS = 3  # a group is reported only when its variants appear in this many documents together


def name_candidates(text: str, lang: str | None) -> list[tuple[str, int, int]]:
    """Name-like words of a text, each with the span of its first occurrence."""
    seen: dict[str, tuple[int, int]] = {}
    for m in _NAME.finditer(text):
        word = m.group()
        if word not in seen and not known_word(word.lower(), lang, common=True):
            seen[word] = (m.start(), m.end())
    return [(w, s, e) for w, (s, e) in seen.items()]


def _key(word: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", word.casefold()) if not unicodedata.combining(c))


def variant_groups(doc_counts: Counter) -> list[tuple[str, list[str]]]:
    """(majority form, other forms) for each group of variants, most used groups first.
    `doc_counts` counts, for each word, the documents it appears in. A word joins the group of the
    first more frequent word with the same key, or one edit from it (same first letter). Candidates
    come from an index of single-letter deletions (two words one edit apart share one), so each
    word costs a few lookups, not a comparison with every other word."""
    by_key: dict[str, list[str]] = {}
    deletions: dict[str, list[str]] = {}
    for word in sorted(doc_counts, key=lambda w: (-doc_counts[w], w)):
        key = _key(word)
        home = key if key in by_key else None
        if home is None and len(key) >= 6:
            home = next((k for v in _deletions(key) for k in deletions.get(v, ())
                         if k[0] == key[0] and DamerauLevenshtein.distance(k, key, score_cutoff=1) <= 1), None)
        if home is None:
            home = key
            for v in _deletions(key):
                deletions.setdefault(v, []).append(key)
        by_key.setdefault(home, []).append(word)
    groups = []
    for words in by_key.values():
        words = [w for w in words if w == words[0] or not _inflected(w, words[0])]
        if len(words) > 1 and sum(doc_counts[w] for w in words) >= MIN_DOCUMENTS and doc_counts[words[0]] > doc_counts[words[1]]:
            groups.append((words[0], words[1:]))
    groups.sort(key=lambda g: (-doc_counts[g[0]], g[0]))
    return groups


def _inflected(word: str, base: str) -> bool:
    """One form is the other with a short ending ("Putin", "Putina", "Putinu"; "Merkel",
    "Merkels"): an inflection, not a variant spelling."""
    short, long = sorted((word, base), key=len)
    return long.startswith(short) and long[len(short):].lower() in INFLECTION_ENDINGS


# Case endings names take in German (genitive -s), the Slavic languages and others ("Putina",
# "Putinu", "Putinem"). A final -y is left out: "Zelenskyy" is a variant spelling of "Zelensky".
INFLECTION_ENDINGS = frozenset({"s", "es", "a", "u", "e", "em", "om", "ovi", "ów", "ą", "ę",
                                "а", "у", "е", "ом", "ым", "ой", "ем", "ы", "и", "ю"})


def _deletions(key: str) -> list[str]:
    return [key] + [key[:i] + key[i + 1 :] for i in range(len(key))]


def count_documents(names_per_document: Iterable[Iterable[str]]) -> Counter:
    counts: Counter = Counter()
    for names in names_per_document:
        counts.update(set(names))
    return counts


class NameConsistency(CorpusCheck):
    """consistency.name_variant: a name spelt in a minority form, at that form's first occurrence
    in the corpus. No suggestion: the majority is only what most documents say, and MT repeats
    its own mistransliteration as readily as the right spelling (the message names both forms)."""

    name = "names"
    owns = (CorpusRule(RULE, "terminology", "minor", "none",
                       "A name spelt two ways across the corpus (`Zelenskyy` in 2 documents, `Zelensky` in 14): reported "
                       "once, at the minority form's first occurrence; which spelling is right is the reviser's call"),)
    reports = (RULE,)

    def __init__(self) -> None:
        self.counts: Counter = Counter()
        self.minority: dict[str, str] = {}

    def facts(self, view) -> list[list] | None:
        """The document's name-like words, each with its first span in the original text."""
        names = [[word, *view.log.orig_span(s, e)] for word, s, e in name_candidates(view.text, view.lang)]
        return names or None

    def gather(self, facts: list[list]) -> None:
        self.counts.update({word for word, _, _ in facts})

    def decide(self) -> None:
        self.minority = {variant: majority for majority, variants in variant_groups(self.counts) for variant in variants}

    def findings(self, doc_id: str, facts: list[list]) -> list[Finding]:
        found = []
        for word, start, end in facts:
            if word not in self.minority:
                continue
            majority = self.minority.pop(word)  # reported once: at the variant's first occurrence
            message = (f"'{word}' ({self.counts[word]} documents) is spelt '{majority}' in {self.counts[majority]} "
                       "documents of this corpus: one name, one spelling (check which is right).")
            found.append(Finding(doc_id, start, end, word, RULE, "terminology", "minor", message, None, "none"))
        return found
