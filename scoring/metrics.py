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

from sacrebleu.metrics import BLEU, CHRF, TER
from sacrebleu.metrics.base import Metric

METRICS = ("bleu", "chrf", "chrf++", "ter")
LOWER_IS_BETTER = frozenset({"ter"})
_CHAR_TOKENIZED = {"th": "char"}  # languages sacrebleu has no word tokenizer for, offline
_TER_ASIAN = frozenset({"zh", "ja"})


def metrics_for(lang: str | None) -> dict[str, Metric]:
    """Fresh metric objects for one target language (primary subtag, or None if unknown)."""
    bleu = BLEU(tokenize=_CHAR_TOKENIZED[lang]) if lang in _CHAR_TOKENIZED else BLEU(trg_lang=lang or "")
    return {
        "bleu": bleu,
        "chrf": CHRF(),
        "chrf++": CHRF(word_order=2),
        "ter": TER(normalized=True, asian_support=True) if lang in _TER_ASIAN else TER(),
    }
