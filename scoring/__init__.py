"""Scoring with sacrebleu: metrics per target language, before/after comparison, significance."""
