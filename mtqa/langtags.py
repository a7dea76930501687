"""Language tags: the one helper that reduces a BCP 47 tag (or a POSIX locale name) to what mtqa
compares, its primary language subtag. Rules, language ID, glossaries, duplicates, scoring and
the TMX/XLIFF readers all go through it, so 'fr-CA', 'fr_FR' and 'FR' are one language everywhere.

>>> primary_subtag("fr-CA"), primary_subtag("zh_Hant"), primary_subtag("EN")
('fr', 'zh', 'en')
"""

from __future__ import annotations


def primary_subtag(lang: str) -> str:
    """'fr-CA' -> 'fr', 'zh_Hant' -> 'zh': rules and language ID compare primary languages."""
    return lang.replace("_", "-").split("-", 1)[0].lower()
