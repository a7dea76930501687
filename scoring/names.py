"""The metrics mtqa reports, by name: apart from scoring/metrics.py, so that what only names them
(the reports) does not load sacrebleu, and a run with no references to score never does."""

METRICS = ("bleu", "chrf", "chrf++", "ter")
LOWER_IS_BETTER = frozenset({"ter"})
