"""Hunspell dictionaries, through pyenchant: which word forms a language has.

Hunspell knows a language's morphology (its affix rules and compounding), so inflected and
compound forms ("Teleskopen", "Weltbericht", "atendieron") are words, which no frequency list can
say. pyenchant talks to the system's libenchant, which finds the dictionaries Debian's
`hunspell-*` packages install (`make setup` installs them as root; README). A language without an
installed dictionary has no spelling check, and the run signature names the dictionaries used, so
two runs that differ only by the dictionaries installed are told apart.

Dictionaries are loaded on first use and at most MAX_LOADED at a time (least recently used
dropped). The bound holds every dictionary of DICTIONARY_FOR and OTHER_VARIETY at once: the
pool's warm-up loads the input's dictionaries before forking the workers (`load`), which share
them as long as none is dropped; a dropped one would be loaded again by each worker, in its own
memory.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from functools import lru_cache

from mtqa.limits import WORD_CACHE

# The dictionary used for a language: the variety whose conventions MT evaluation holds English
# to (US spelling), and each language's main variety.
DICTIONARY_FOR = {
    "en": "en_US",
    "de": "de_DE",
    "fr": "fr_FR",
    "es": "es_ES",
    "pt": "pt_PT",
    "it": "it_IT",
    "ru": "ru_RU",
}
# Another variety of a language, asked one thing only: whether it knows in lower case a word the
# main dictionary has with a capital only. US English has "Grey" (a surname) but not "grey": the
# British word is no capital lost.
OTHER_VARIETY = {"en": "en_GB"}
MAX_LOADED = len(DICTIONARY_FOR) + len(OTHER_VARIETY)

_loaded: OrderedDict[str, object] = OrderedDict()
_lock = threading.RLock()


@lru_cache(maxsize=1)
def _broker():
    """libenchant's broker, asked for Hunspell alone. Left to its defaults, libenchant takes each
    language's provider from the system's ordering file, and Debian's puts aspell first for English:
    where aspell-en happens to be installed, English would be checked against aspell's word list
    (no affix rules, other words), elsewhere against Hunspell's, and the same run would flag
    different words on two machines. None if libenchant is missing (no spelling check, said in the
    signature)."""
    try:
        import enchant
    except ImportError:
        return None
    broker = enchant.Broker()
    for tag in [*DICTIONARY_FOR.values(), *OTHER_VARIETY.values()]:
        broker.set_ordering(tag, "hunspell")
    return broker


@lru_cache(maxsize=1)
def _installed() -> frozenset[str]:
    broker = _broker()
    return frozenset() if broker is None else frozenset(tag for tag, provider in broker.list_dicts()
                                                       if provider.name == "hunspell")


@lru_cache(maxsize=1)
def available() -> dict[str, str]:
    """Language -> dictionary tag, for the Hunspell dictionaries installed on this machine."""
    return {lang: tag for lang, tag in DICTIONARY_FOR.items() if tag in _installed()}


def _variety(lang: str) -> str | None:
    """The other variety's tag, if the language's own dictionary and it are both installed."""
    tag = OTHER_VARIETY.get(lang)
    return tag if tag in _installed() and lang in available() else None


def variety_installed(lang: str) -> bool:
    """Whether the language has no other variety listed, or has it installed: without it, what
    the other variety knows cannot be told."""
    return lang not in OTHER_VARIETY or _variety(lang) is not None


def _dictionary(lang: str):
    return _by_tag(available().get(lang))


def _by_tag(tag: str | None):
    if tag is None:
        return None
    with _lock:
        found = _loaded.get(tag)
        if found is None:
            found = _broker().request_dict(tag)
            if found.provider.name != "hunspell":  # cannot happen for a tag of available(); never check against another
                raise RuntimeError(f"libenchant gave {found.provider.name} for {tag}, not Hunspell")
            _loaded[tag] = found
            while len(_loaded) > MAX_LOADED:
                _loaded.popitem(last=False)
        else:
            _loaded.move_to_end(tag)
        return found


def load(lang: str | None) -> None:
    """Load the language's dictionaries now, if installed (the pool's warm-up calls this)."""
    if has_dictionary(lang):
        _dictionary(lang)
        _by_tag(_variety(lang))


def release() -> None:
    """Forget every loaded dictionary and the answers remembered (they load again on next use)."""
    with _lock:
        _loaded.clear()
    knows.cache_clear()
    known_in_lower_case_elsewhere.cache_clear()


def has_dictionary(lang: str | None) -> bool:
    return bool(lang) and lang in available()


@lru_cache(maxsize=WORD_CACHE)  # words, not the corpus: a bound (mtqa/limits.py)
def knows(word: str, lang: str) -> bool:
    """Whether the language's dictionary accepts `word` as written (Hunspell also accepts a
    lower-case word written with a capital at the start of a sentence, and in capitals)."""
    dictionary = _dictionary(lang)
    if dictionary is None:
        return True
    with _lock:  # one libenchant handle, shared by the thread runner's threads
        return dictionary.check(word)


@lru_cache(maxsize=WORD_CACHE)
def known_in_lower_case_elsewhere(word: str, lang: str) -> bool:
    """Whether the language's other variety, if installed, accepts this lower-case word."""
    dictionary = _by_tag(_variety(lang))
    if dictionary is None:
        return False
    with _lock:
        return dictionary.check(word)


def signature() -> str:
    """The dictionaries a run uses, for the run signature: 'de_DE,en_GB,en_US,...' or 'none'."""
    varieties = [tag for lang in available() if (tag := _variety(lang))]
    return ",".join(sorted([*available().values(), *varieties])) or "none"
