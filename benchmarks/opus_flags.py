"""OpusFilter's per-segment filters on sentence pairs: which filters reject each pair.

Run by benchmarks/bench_detect.py with the Python of OpusFilter's own virtual environment
(benchmarks/.venv-opusfilter, made by benchmarks/bench_peers.py's `opus_venv`), so it imports
nothing of mtqa. Reads JSONL on stdin, one pair a line: {"i": n, "src": "fr", "tgt": "en",
"source": ..., "text": ...}; writes JSONL on stdout in the same order: {"i": n, "failed": [filter
names]}. Every filter scores every pair (as OpusFilter's `score` step does), with the thresholds
OpusFilter documents as defaults, and the script and length unit of each language (as
bench_peers.py configures them). AverageWordLengthFilter is left out: it takes a Chinese segment
(no spaces) for one long word; the filters that need a corpus or a trained model (language-model
cross-entropy, word alignment, embeddings) are not per-segment checks.
"""

from __future__ import annotations

import json
import sys
from collections import defaultdict

SCRIPTS = {"zh": "Han", "ja": "Han", "ru": "Cyrillic"}  # CharacterScoreFilter's script; Latin otherwise
CHAR_UNIT = {"zh", "ja"}  # LengthRatioFilter counts characters, not words, in these


def make_filters(src: str, tgt: str) -> dict:
    """The filters that judge one pair on its own (no corpus, no model to train), by name."""
    from opusfilter import filters, lid

    return {
        "LangidFilter": lid.LangidFilter(languages=[src, tgt], thresholds=[0, 0]),
        "LengthRatioFilter": filters.LengthRatioFilter(
            threshold=3, unit=["char" if lang in CHAR_UNIT else "word" for lang in (src, tgt)]),
        "TerminalPunctuationFilter": filters.TerminalPunctuationFilter(threshold=-2),
        "NonZeroNumeralsFilter": filters.NonZeroNumeralsFilter(threshold=0.5),
        "CharacterScoreFilter": filters.CharacterScoreFilter(
            scripts=[SCRIPTS.get(src, "Latin"), SCRIPTS.get(tgt, "Latin")], thresholds=[1, 1]),
        "RepetitionFilter": filters.RepetitionFilter(threshold=2, min_length=3, max_length=100),
        "LongWordFilter": filters.LongWordFilter(threshold=40),
        "HtmlTagFilter": filters.HtmlTagFilter(),
        "AlphabetRatioFilter": filters.AlphabetRatioFilter(threshold=0.75),
        "LongestCommonSubstringFilter": filters.LongestCommonSubstringFilter(threshold=0.9),
        "SimilarityFilter": filters.SimilarityFilter(threshold=0.9),
    }


def main() -> None:
    rows = [json.loads(line) for line in sys.stdin]
    by_pair: dict[tuple[str, str], list[dict]] = defaultdict(list)
    for row in rows:
        by_pair[(row["src"], row["tgt"])].append(row)
    failed: dict[int, list[str]] = {}
    for (src, tgt), group in sorted(by_pair.items()):
        # OpusFilter reads one segment a line: a line break inside one is a space
        pairs = [(" ".join(r["source"].split()), " ".join(r["text"].split())) for r in group]
        for r in group:
            failed[r["i"]] = []
        for name, fil in make_filters(src, tgt).items():
            for r, score in zip(group, fil.score(pairs), strict=True):
                if not fil.accept(score):
                    failed[r["i"]].append(name)
    out = sys.stdout
    for row in rows:
        out.write(json.dumps({"i": row["i"], "failed": failed[row["i"]]}) + "\n")


if __name__ == "__main__":
    main()
