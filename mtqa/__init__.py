"""mtqa: machine-translation quality checks and cleanup.

This package holds only what every other package shares: the version, the record types
(records.py), the one atomic writer and JSONL reader (files.py) and the language-tag helper
(langtags.py).
The work lives in `cleaners` (text), `corpora` (I/O) and `flows` (orchestration and CLI).
"""

__version__ = "0.1.0"
