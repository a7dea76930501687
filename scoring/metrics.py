"""Which sacrebleu metrics to compute for a target language, configured as sacrebleu intends.

BLEU's tokenisation follows sacrebleu's own choice for the target language (`trg_lang`): `zh`
for Chinese, MeCab for Japanese and Korean (sacrebleu's `ja`/`ko` extras, installed with mtqa),
`13a` otherwise. Thai, which has no spaces and no sacrebleu tokenizer that works offline, is
scored on characters. TER splits Chinese and Japanese into characters with sacrebleu's
`asian_support`, which only acts together with `normalized` (so both are on for them; for Thai,
TER stays on white space, which it hardly has: read Thai TER with care). chrF and chrF++ work on
characters and need no tokenizer. Every metric is sacrebleu's; mtqa computes none itself.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import Any

from sacrebleu.metrics import BLEU, CHRF, TER
from sacrebleu.metrics.base import Metric

_CHAR_TOKENIZED = {"th": "char"}  # languages sacrebleu has no word tokenizer for, offline
_TER_ASIAN = frozenset({"zh", "ja"})


class StatisticsOnce:
    """A sacrebleu metric that reads each segment once per object.

    A comparison asks sacrebleu for each side's segment statistics three times (its corpus
    score, then each paired test: bootstrap and approximate randomisation), six readings in all,
    and the two sides share every segment the revision left alone. TER's statistics of one long
    segment take ~0.1 s (its shift search). A segment's statistics depend only on its text, its
    references and the metric's settings, so they are kept, keyed by text and references, for as
    long as the metric object lives (one comparison): each distinct segment is read once
    (benchmarks/bench_scoring.py). Scores, p-values and signatures are sacrebleu's, unchanged.
    One thing differs: sacrebleu's warning about already-tokenized input (100 lines ending in
    " .") counts the segments it reads, so it no longer counts the revised side's unchanged ones.
    """

    def _extract_corpus_statistics(self, hypotheses: Sequence[str], references: Sequence[Sequence[str]] | None) -> Any:
        if references is None:  # sacrebleu's own reference cache: nothing to key on
            return super()._extract_corpus_statistics(hypotheses, references)
        known = self.__dict__.setdefault("_statistics_of", {})
        keys = [(hyp, tuple(stream[i] for stream in references)) for i, hyp in enumerate(hypotheses)]
        todo = [key for key in dict.fromkeys(keys) if key not in known]
        if todo:
            by_references: dict[tuple, list] = {}  # segments with the same references together
            for key in todo:
                by_references.setdefault(key[1], []).append(key)
            todo = [key for group in by_references.values() for key in group]
            streams = [list(stream) for stream in zip(*(refs for _, refs in todo))]
            known.update(zip(todo, super()._extract_corpus_statistics([hyp for hyp, _ in todo], streams)))
        # the signature's nrefs, which sacrebleu notes while reading the references it was given
        # (here perhaps only some): the one count of references per segment, or -1 ("var")
        counts = {sum(ref is not None for ref in refs) for _, refs in keys}
        self.num_refs = counts.pop() if len(counts) == 1 else -1
        return [known[key] for key in keys]

    def _cache_references(self, references: Sequence[Sequence[str | None]]) -> list[Any]:
        """sacrebleu's reference information (tokens, n-grams) per segment, read once for a run of
        segments with the same references: in a corpus of several systems' outputs every system's
        segment has the same ones, and compare() reads segments grouped by their references. Only
        the last set is kept, so memory does not grow with the corpus. sacrebleu only reads it."""
        out = []
        counts = set()
        for refs in zip(*references):
            if refs != self.__dict__.get("_last_references"):
                self._last_references = refs
                self._last_reference_info = super()._cache_references([[ref] for ref in refs])[0]
            out.append(self._last_reference_info)
            counts.add(sum(ref is not None for ref in refs))
        self.num_refs = counts.pop() if len(counts) == 1 else -1  # as sacrebleu notes it
        return out


class OnceBLEU(StatisticsOnce, BLEU):
    pass


class OnceCHRF(StatisticsOnce, CHRF):
    @staticmethod
    def _get_match_statistics(hyp_ngrams: Counter, ref_ngrams: Counter) -> list[int]:
        """sacrebleu's CHRF._get_match_statistics, with its loop in C: the n-grams both sides
        share, and the smaller count of each (the same integers; chrF's hottest function)."""
        common = hyp_ngrams.keys() & ref_ngrams.keys()
        matches = sum(map(min, map(hyp_ngrams.__getitem__, common), map(ref_ngrams.__getitem__, common)))
        return [sum(hyp_ngrams.values()) if ref_ngrams else 0, sum(ref_ngrams.values()), matches]


class OnceTER(StatisticsOnce, TER):
    """sacrebleu's TER with its shift search compiled (scoring/ter.py): the same statistics."""

    def _compute_segment_statistics(self, hypothesis: str, ref_kwargs: dict[str, Any]) -> list[float]:
        # sacrebleu's TER._compute_segment_statistics, line for line, with the compiled search
        from mtqa.scoring.ter import translation_edit_rate  # Numba loads only when a segment is scored

        ref_lengths = 0
        best_num_edits = int(1e16)
        words_hyp = hypothesis.split()
        ref_words = ref_kwargs["ref_words"]
        for words_ref in ref_words:
            num_edits, ref_len = translation_edit_rate(words_hyp, words_ref)
            ref_lengths += ref_len
            if num_edits < best_num_edits:
                best_num_edits = num_edits
        avg_ref_len = ref_lengths / len(ref_words)
        return [best_num_edits, avg_ref_len]


def metrics_for(lang: str | None) -> dict[str, Metric]:
    """Fresh metric objects for one target language (primary subtag, or None if unknown); share
    them across the scores and tests of one comparison, so each system is read once."""
    bleu = OnceBLEU(tokenize=_CHAR_TOKENIZED[lang]) if lang in _CHAR_TOKENIZED else OnceBLEU(trg_lang=lang or "")
    return {
        "bleu": bleu,
        "chrf": OnceCHRF(),
        "chrf++": OnceCHRF(word_order=2),
        "ter": OnceTER(normalized=True, asian_support=True) if lang in _TER_ASIAN else OnceTER(),
    }
