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
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

import regex

from langdetect import DetectorFactory, detector_factory
from langdetect.lang_detect_exception import LangDetectException

from cleaners.rulepack import primary_subtag

SEED = 0
_HAN = regex.compile(r"\p{Han}")
_lock = threading.Lock()
_supported: frozenset[str] | None = None


@dataclass(frozen=True, slots=True)
class Detection:
    lang: str | None  # primary language subtag, or None when the text is too short or the answer unsure
    prob: float  # langdetect's probability for its top candidate (0 when it could not run)
    letters: int  # letters in the text: the evidence the answer rests on


def _factory() -> detector_factory.DetectorFactory:
    global _supported
    if _supported is None:
        with _lock:
            if _supported is None:
                DetectorFactory.seed = SEED
                detector_factory.init_factory()
                _supported = frozenset(primary_subtag(code) for code in detector_factory._factory.get_lang_list())
    return detector_factory._factory


def supported_languages() -> frozenset[str]:
    """Primary subtags langdetect has a profile for (it has none for Basque, for instance)."""
    _factory()
    return _supported or frozenset()


def count_letters(text: str) -> int:
    return sum(map(str.isalpha, text))


def detect(text: str, min_letters: int, min_prob: float, min_han: int = 40) -> Detection:
    """The language of `text`, or `lang=None` when there is too little evidence to say.

    Evidence is the number of letters, or of Han characters in text that is mostly Han or that
    langdetect takes for Chinese.
    """
    letters = count_letters(text)
    han = len(_HAN.findall(text)) if letters else 0
    han_text = 2 * han > letters
    if letters == 0 or (han < min_han if han_text else letters < min_letters):
        return Detection(None, 0.0, letters)
    factory = _factory()
    detector = factory.create()
    detector.append(text)
    try:
        best = detector.get_probabilities()[0]
    except (LangDetectException, IndexError):
        return Detection(None, 0.0, letters)
    lang = primary_subtag(best.lang)
    sure = best.prob >= min_prob and (han >= min_han if lang == "zh" else True)
    return Detection(lang if sure else None, round(best.prob, 4), letters)
