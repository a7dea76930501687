"""How much each process may remember, so that its memory is bounded by these settings and not by
the corpus: environment settings, read once when a process imports this module (pool workers
inherit the main process's values). None of them changes an output; they trade memory for
repeated work, and the defaults were chosen by measurement (README, "Memory bounds").

MTQA_WORD_CACHE       words each per-word memo of a process keeps: Hunspell's answers
                      (cleaners/hunspell.py), the spelling check's repairs
                      and common words (cleaners/detectors/spelling.py), language ID's n-grams of a word
                      (cleaners/langid.py); about 150-400 bytes a word
MTQA_REPEAT_CACHE     documents whose cleaning a process remembers, to clean a repeat once
                      (cleaners/pipeline.py), and MTQA_REPEAT_CACHE_CHARS, their text at most
MTQA_SEEN_CACHE_MIB   SQLite's page cache (MiB) of each index the read stage keeps on disk: the ids
                      and the texts and sentences seen (corpora/seen.py)
MTQA_SEEN_FILTER_MIB  the Bloom filter (MiB) of each of those indexes, which spares SQLite the
                      question for a key never seen (corpora/seen.py)

>>> positive_setting("MTQA_DOCTEST_UNSET", 7)
7
"""

from __future__ import annotations

import os


INVALID: list[str] = []  # what is wrong with the settings: the command line stops on it, in one line


def positive_setting(name: str, default: int) -> int:
    """The environment's value of `name`, a whole number of at least 1, or `default` if unset. A
    value that is not one is recorded in INVALID (the command line refuses to run with it: a
    library caller gets the default)."""
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        value = 0
    if value < 1:
        INVALID.append(f"{name}={raw!r} is not a whole number of at least 1: set it to one, or unset it for the default ({default})")
        return default
    return value


# On the benchmark corpus at 10x (259,760 segments), 4,096 words a memo held each worker ~4 MB below
# 16,384 (which kept all of the ~7,000 words Hunspell's memo met there), for no CPU time measurably
# lost: the least recently used words go first (language ID's memo is emptied whole when full), and
# a word forgotten is one look-up again.
WORD_CACHE = positive_setting("MTQA_WORD_CACHE", 4_096)
# Repeats are side by side (one per rater in bio-MQM): a few hundred documents back is enough.
REPEAT_CACHE = positive_setting("MTQA_REPEAT_CACHE", 256)
REPEAT_CACHE_CHARS = positive_setting("MTQA_REPEAT_CACHE_CHARS", 2_000_000)
# Reading the benchmark corpus at 10x (two indexes of ~60 MB on disk): 16 MiB each peaked at 162 MB
# and 27-29 CPU-s, 8 MiB at 148 MB and 27 CPU-s, 4 MiB at 140 MB and 30-31 CPU-s (~1% of the run's
# CPU), 2 MiB at 135 MB.
SEEN_CACHE_MIB = positive_setting("MTQA_SEEN_CACHE_MIB", 4)
# 2 MiB is 16.8 million bits, two a key: at the 10x benchmark corpus's 682,760 keys in the texts'
# index, about one new key in 160 is a false alarm (SQLite is asked, as it was for every key), and
# reading it took 11.6-11.9 CPU-s against 13.8-14.3 without the filter (4 MiB: no faster); at ten
# times that corpus, one in three: raise it for such corpora.
SEEN_FILTER_MIB = positive_setting("MTQA_SEEN_FILTER_MIB", 2)
