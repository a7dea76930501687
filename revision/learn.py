"""`mtqa learn`: mine the substitutions revisers keep making, as candidate rules with their evidence.

Each MT output is aligned with its human revision word by word (Levenshtein opcodes over token
lists, from rapidfuzz, the C++ edit-distance library mtqa already uses), and each run of changed
tokens (up to three on each side) is a substitution: "Dombas" -> "Donbas", "randomised" ->
"randomized". A substitution becomes a candidate when enough records make it (`support`) and
revisers make it in most records whose MT has the phrase (`consistency`): "the" -> "a" happens
often but is no rule. Candidates are written as a rule pack for a person to read, with the
evidence in comments; they are `fix: review` until that person says otherwise.
"""

from __future__ import annotations

import hashlib
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

import regex
import yaml
from rapidfuzz.distance import Levenshtein

from mtqa.revision.rules import rule_spec, slug

# Words (with inner hyphens and apostrophes) and punctuation marks; each CJK character alone, since
# those scripts do not separate words with spaces.
_CJK = r"\p{Han}\p{Hiragana}\p{Katakana}"
TOKEN = regex.compile(rf"[{_CJK}]|[^\W{_CJK}]+(?:[-'’][^\W{_CJK}]+)*|[^\w\s]")


@dataclass(frozen=True, slots=True)
class Pair:
    id: str
    mt: str
    post: str
    lang: str | None = None
    source: str | None = None  # the source text: outputs of several systems for one segment count once

    @property
    def unit(self) -> int:
        """What evidence is counted in: the source segment when known, else the record."""
        key = f"s\x00{self.source}" if self.source is not None else f"i\x00{self.id}"
        return int.from_bytes(hashlib.blake2b(key.encode("utf-8", "surrogatepass"), digest_size=8).digest(), "big")


@dataclass
class Candidate:
    src: str
    dst: str
    lang: str | None
    support: int = 0  # segments (or records, without sources) whose revision makes this substitution
    occurrences: int = 0  # segments whose MT has the phrase
    examples: list[tuple[str, str, str]] = field(default_factory=list)  # (id, MT context, revised context)

    @property
    def consistency(self) -> float:
        return self.support / self.occurrences if self.occurrences else 0.0


def substitutions(mt: str, post: str, max_tokens: int = 3) -> Iterator[tuple[str, str, tuple[str, ...]]]:
    """(MT phrase, revised phrase, MT tokens) for each run of changed tokens, as text of each side."""
    a = [(m.group(), m.start(), m.end()) for m in TOKEN.finditer(mt)]
    b = [(m.group(), m.start(), m.end()) for m in TOKEN.finditer(post)]
    runs: list[list[int]] = []
    for op in Levenshtein.opcodes([t[0] for t in a], [t[0] for t in b]):
        if op.tag == "equal":
            continue
        if runs and runs[-1][1] == op.src_start and runs[-1][3] == op.dest_start:  # adjacent: one change
            runs[-1][1], runs[-1][3] = op.src_end, op.dest_end
        else:
            runs.append([op.src_start, op.src_end, op.dest_start, op.dest_end])
    for i1, i2, j1, j2 in runs:
        if 0 < i2 - i1 <= max_tokens and 0 < j2 - j1 <= max_tokens:
            src, dst = mt[a[i1][1] : a[i2 - 1][2]], post[b[j1][1] : b[j2 - 1][2]]
            if regex.search(r"\w", src) and src != dst:
                yield src, dst, tuple(t[0] for t in a[i1:i2])


def learn(pairs: Callable[[], Iterable[Pair]], min_support: int = 3, min_consistency: float = 0.5,
          max_tokens: int = 3, max_examples: int = 3) -> list[Candidate]:
    """Candidates from the pairs (a function giving a fresh iterator: the corpus is read twice,
    one record at a time), strongest evidence first."""
    found: dict[tuple, Candidate] = {}
    support: Counter = Counter()
    counted: set[tuple[tuple, int]] = set()  # (substitution, segment) already counted
    for pair in pairs():
        unit = pair.unit
        for src, dst, tokens in set(substitutions(pair.mt, pair.post, max_tokens)):
            key = (pair.lang, tokens, dst)
            if (key, unit) in counted:
                continue
            counted.add((key, unit))
            support[key] += 1
            candidate = found.setdefault(key, Candidate(src, dst, pair.lang))
            if len(candidate.examples) < max_examples:
                candidate.examples.append((pair.id, _context(pair.mt, src), _context(pair.post, dst)))
    keep = {key: found[key] for key, n in support.items() if n >= min_support}
    for key, candidate in keep.items():
        candidate.support = support[key]
    wanted = defaultdict(list)  # (lang, tokens) -> candidates, to count where the MT has the phrase
    for (lang, tokens, _), candidate in keep.items():
        wanted[(lang, tokens)].append(candidate)
    del counted
    seen: set[tuple[int, int]] = set()  # (candidate, segment) already counted
    for pair in pairs():
        tokens = [m.group() for m in TOKEN.finditer(pair.mt)]
        grams = {tuple(tokens[i : i + n]) for n in range(1, max_tokens + 1) for i in range(len(tokens) - n + 1)}
        unit = pair.unit
        for gram in grams:
            for candidate in wanted.get((pair.lang, gram), ()):
                if (id(candidate), unit) not in seen:
                    seen.add((id(candidate), unit))
                    candidate.occurrences += 1
    chosen = [c for c in keep.values() if c.consistency >= min_consistency]
    return sorted(chosen, key=lambda c: (-c.support, -c.consistency, c.lang or "", c.src, c.dst))


def _context(text: str, phrase: str, width: int = 30) -> str:
    at = text.find(phrase)
    start, end = max(0, at - width), min(len(text), at + len(phrase) + width)
    return ("…" if start else "") + text[start:end].replace("\n", " ") + ("…" if end < len(text) else "")


def candidate_rule(candidate: Candidate, number: int) -> dict:
    """A pack rule for review: a spelling fix when one word changes a little, else terminology."""
    one_word = " " not in candidate.src and " " not in candidate.dst
    spelling = one_word and Levenshtein.normalized_similarity(candidate.src.lower(), candidate.dst.lower()) >= 0.75
    message = (f"Revisers replaced \"{candidate.src}\" with \"{candidate.dst}\" in {candidate.support} of the "
               f"{candidate.occurrences} segments whose MT had it (learned by mtqa learn).")
    return rule_spec(f"learned.{number:03d}_{slug(candidate.src)}", candidate.src, candidate.dst,
                     "fluency/spelling" if spelling else "terminology", "minor", message, candidate.lang, fix="review")


def candidates_yaml(candidates: list[Candidate], pairs_read: int, origin: str) -> str:
    """The candidates as a rule pack, evidence in comments, ready for `--rules` once reviewed."""
    lines = [f"# Candidate rules learned by `mtqa learn` from {pairs_read} MT/revision pairs ({origin}).",
             "# Each comes with its support (source segments whose revision makes the substitution), consistency",
             "# (share of the segments whose MT had the phrase) and examples. Delete the ones you disagree with, set",
             "# `fix: auto` on those to apply without asking, and pass the file to mtqa with --rules.",
             "pack: learned", "rules:"]
    for number, candidate in enumerate(candidates, 1):
        lines.append(f"  # support {candidate.support}, consistency {candidate.consistency:.0%}")
        for doc_id, before, after in candidate.examples:
            lines.append(f"  #   {doc_id}: {before!r} -> {after!r}")
        block = yaml.safe_dump([candidate_rule(candidate, number)], allow_unicode=True, sort_keys=False, width=1000)
        lines += ["  " + line for line in block.splitlines()]
    return "\n".join(lines) + "\n" if candidates else "\n".join(lines[:-1] + ["rules: []"]) + "\n"
