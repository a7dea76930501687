"""mtqa: machine-translation quality checks and cleanup.

This package holds only what every other package shares: the version and the record types.
The work lives in `cleaners` (text), `corpora` (I/O) and `flows` (orchestration and CLI).
"""

__version__ = "0.1.0"
