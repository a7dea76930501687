"""What a translation must carry over from its source intact: URLs, e-mail addresses, XML/HTML
tags and acronyms (pofilter's urls, emails, xmltags and acronyms), and the Latin-script names and
codes of a source in another script. Numbers have their own check, source.number_mismatch,
because locales write them differently.

A changed item is reported on the translation's item, with the source's as the suggestion; a
missing one at the end of the translation (where nothing marks its place), named in the message.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator
from functools import lru_cache
from itertools import zip_longest

import regex

from mtqa.cleaners import hunspell
from mtqa.cleaners.detectors import DocView, Hit, detector
from mtqa.cleaners.detectors.qa import data
from mtqa.cleaners.detectors.spelling import known_word
from mtqa.cleaners.detectors.structure import cased
from mtqa.cleaners.scripts import written_script
from mtqa.cleaners.spans import Spans
from mtqa.records import INLINE_CODE

# Not `\b` before the scheme: a URL glued to Chinese or Japanese text ("详见https://…") has no word
# boundary there, and it is still a URL. It ends at a full-width mark ("…/Help:目录。"), and a
# Chinese, Japanese or Korean character continues it only after a delimiter of a path or query or
# another such character ("/wiki/東京都", "?q=東京"): "…/a了解详情" is a URL and the sentence after it.
_CJK = r"\p{Han}\p{Hiragana}\p{Katakana}\p{Hangul}"
_URL_STOP = r"\s<>\"'«»“”‘’。，；：！？、（）「」『』【】"
# A hyphen before it is no part of it after a Hebrew prefix letter ("ב-https://…", "ל-www.gov.il").
_NO_ADDRESS_HYPHEN = r"(?<![\p{Hebrew}\p{Arabic}])-"
URL = regex.compile(r"(?:(?<![A-Za-z0-9+.]|" + _NO_ADDRESS_HYPHEN + r")(?:https?|ftp)://|(?<![A-Za-z0-9.]|"
                    + _NO_ADDRESS_HYPHEN + r")www\.)"
                    r"(?:[^" + _URL_STOP + _CJK + r"]|(?<=[/?=&#:%_~\-" + _CJK + r"])[" + _CJK + r"])+(?<![.,;:!?)\]])")
_CJK_LETTER = regex.compile(r"[" + _CJK + r"]")
# An e-mail address: word characters of any script but Chinese, Japanese and Korean, which are
# glued to an address in running text ("发邮件至tips@caixin.com提供线索", "info@example.co.kr로"),
# and Hebrew and Arabic, whose prefix letters are ("לinfo@…", "ל-info@…": to info@…).
_ADDRESS_CHAR = r"[^\W" + _CJK + r"\p{Hebrew}\p{Arabic}]"
EMAIL = regex.compile(r"(?<!" + _ADDRESS_CHAR + r"|[.+]|" + _NO_ADDRESS_HYPHEN + r")(?![.+-])(?:" + _ADDRESS_CHAR
                      + r"|[.+-])+@(?:" + _ADDRESS_CHAR + r"|-)+"
                      r"(?:\.(?:" + _ADDRESS_CHAR + r"|-)+)*\.(?:(?![\d_])" + _ADDRESS_CHAR + r"){2,}(?!" + _ADDRESS_CHAR + r"|-)")
_TAG = regex.compile(r"</?[A-Za-z][\w:.-]*(?:\s+[^<>]*?)?/?>")
_ATTRIBUTE = regex.compile(r"([\w:.-]+)\s*=\s*(\"[^\"]*\"|'[^']*'|[^\s>]+)")
# Two capitals or more (any script), digits allowed after the first: HIV, COVID, CD4, ВИЧ. Its
# edges are cased letters and digits only: Chinese writes "采用SXXBC和" without spaces.
_EDGE = r"[\p{Lu}\p{Ll}\p{N}]"
# A plural 's' may follow (NSAIDs); another letter makes it part of a word (ARNm, mRNA).
_ACRONYM = regex.compile(rf"(?<!{_EDGE})\p{{Lu}}[\p{{Lu}}\p{{N}}]*\p{{Lu}}\p{{N}}*(?=s?(?!{_EDGE}))")


def _unmatched(wanted: list[str], found: list[regex.Match], key: Callable[[str], str]) -> tuple[list[str], list[regex.Match]]:
    """The source's items the translation lacks, and the translation's items the source lacks,
    each in order, compared by `key` and counted (two URLs in the source need two)."""
    have = Counter(key(m.group()) for m in found)
    missing = []
    for item in wanted:
        if have[key(item)] > 0:
            have[key(item)] -= 1
        else:
            missing.append(item)
    want = Counter(key(item) for item in wanted)
    extra = []
    for m in found:
        if want[key(m.group())] > 0:
            want[key(m.group())] -= 1
        else:
            extra.append(m)
    return missing, extra


def _carried(view: DocView, pattern: regex.Pattern, what: str, key: Callable[[str], str] = str,
             needles: tuple[str, ...] = (), same: Callable[[str, str], bool] | None = None) -> Iterator[Hit]:
    """Hits for the items of `pattern` not carried over: a changed one paired with the source's
    it replaces (in order), a missing one at the end, an added one on itself. `needles`: strings
    one of which every item contains; texts with none of them are not searched. `same(found,
    wanted)`: a pairing that is the source's item after all."""
    source = view.doc.source
    if not source:
        return
    if needles and not any(needle in text for needle in needles for text in (source, view.text)):
        return
    missing, extra = _unmatched([m.group() for m in pattern.finditer(source)], list(pattern.finditer(view.text)), key)
    end = view.trimmed[1]
    for m, want in zip_longest(extra, missing):
        if m is not None and want is not None and same is not None and same(m.group(), want):
            continue
        if m is None:
            yield end, end, f"The source's {what} {want!r} is not in the translation.", None
        elif want is None:
            yield m.start(), m.end(), f"The {what} {m.group()!r} is not in the source.", None
        else:
            yield m.start(), m.end(), f"The {what} {m.group()!r} differs from the source's {want!r}.", want


@detector("qa.urls", "accuracy/mistranslation", "major",
          "A URL of the source missing from the translation or changed in it (or one the source does not have).")
def urls(view: DocView) -> Iterator[Hit]:
    """After a slash the URL pattern cannot tell a path in Chinese, Japanese or Korean ("/wiki/東京都")
    from the sentence that goes on after the URL ("…/a/了解详情"): a translation's URL that is the
    source's with such text after it is the source's, and one that differs gets no suggestion where
    the source's URL has none of that text (replacing it would delete the sentence's words)."""
    def same(found: str, wanted: str) -> bool:
        return _url_with_text_after(found, wanted) or _localised(found, wanted, view.source_lang, view.lang) == "only"

    for start, end, message, want in _carried(view, URL, "URL", key=_url_key, needles=("://", "www."), same=same):
        if want is not None and (_CJK_LETTER.search(view.text, start, end) and not _CJK_LETTER.search(want)
                                 or _localised(view.text[start:end], want, view.source_lang, view.lang)
                                 or _other_country(view.text[start:end], want)):
            want = None  # the site's page in the target language, or its country's domain: no reverting
        yield start, end, message, want


_URL_PART = regex.compile(r"[^/?=&#.]+")


def _localised(found: str, wanted: str, source_lang: str | None, lang: str | None) -> str | None:
    """How the translation's URL localises the source's: "only" where the two differ in nothing but
    the source's locale made the target's ("/en-us/windows" → "/it-it/windows", "?lang=en" →
    "?lang=it"), "also" where other parts differ too, None where no part is so localised."""
    if not source_lang or not lang or source_lang == lang:
        return None
    theirs, ours = _URL_PART.findall(wanted.casefold()), _URL_PART.findall(found.casefold())
    if len(theirs) < len(ours) <= len(theirs) + 2:  # a locale part put in ("/zh-cn/docs" for "/docs", "?hl=ru")
        return "only" if _locale_put_in(ours, theirs, lang) else None
    if len(theirs) != len(ours):
        return None
    changed = [(a, b) for a, b in zip(theirs, ours) if a != b]
    switched = [(a, b) for a, b in changed if _names_locale(a, source_lang) and _names_locale(b, lang)]
    if not switched:
        return None
    return "only" if len(switched) == len(changed) else "also"


# Query keys whose value names a locale ("?hl=ru", "&lang=ja")
_LOCALE_KEYS = frozenset({"hl", "lang", "language", "locale", "lng", "lc", "setlang", "uselang"})


def _locale_put_in(ours: list[str], theirs: list[str], lang: str) -> bool:
    """Whether the translation's URL parts are the source's with one part that names the target's
    locale put in, or one such query parameter ("hl", "ru")."""
    for k, part in enumerate(ours):
        if _names_locale(part, lang):
            if ours[:k] + ours[k + 1:] == theirs:
                return True
            if k and ours[k - 1] in _LOCALE_KEYS and ours[:k - 1] + ours[k + 1:] == theirs:
                return True
    return False


def _names_locale(part: str, lang: str) -> bool:
    """Whether a URL part names the language's locale: "it", "it-it", "pt_br", "en-US"."""
    base = lang.split("-")[0].casefold()
    return part == base or (len(part) == len(base) + 3 and part.startswith(base) and part[len(base)] in "-_")


def _other_country(found: str, wanted: str) -> bool:
    """Whether a URL's or e-mail address's host is the source's in another top-level domain
    ("www.example.de" for www.example.com): the site's own, for the target country. A host changed
    otherwise ("exmaple.de") is a typo the source's undoes."""
    ours, theirs = _host(found).rsplit(".", 1), _host(wanted).rsplit(".", 1)
    return len(ours) == len(theirs) == 2 and ours[0] == theirs[0] and ours[1] != theirs[1]


def _host(address: str) -> str:
    """The host of a URL or e-mail address, in lower case ("www.example.de" for www.example.de/hilfe)."""
    return address.split("@")[-1].split("://")[-1].split("/")[0].split("?")[0].casefold()


def _url_key(url: str) -> str:
    return url.rstrip("/")


def _url_with_text_after(found: str, wanted: str) -> bool:
    """Whether the translation's URL is the source's with Chinese, Japanese or Korean text glued
    after it ("https://example.com/をご覧ください", "…/a/를"). The text is read back from the end,
    one character at a time (a pattern anchored at the end would retry from every character)."""
    cut = len(found)
    while cut and _CJK_LETTER.match(found, cut - 1):
        cut -= 1
    return cut < len(found) and _url_key(found[:cut]) == _url_key(wanted)


@detector("qa.emails", "accuracy/mistranslation", "major",
          "An e-mail address of the source missing from the translation or changed in it.")
def emails(view: DocView) -> Iterator[Hit]:
    """An address whose country domain changed ("supporto@example.it" for support@example.com) may
    be the office's in the target country: reported, with no suggestion to revert it."""
    for start, end, message, want in _carried(view, EMAIL, "e-mail address", key=str.casefold, needles=("@",)):
        if want is not None and _other_country(view.text[start:end], want):
            want = None
        yield start, end, message, want


@detector("qa.inline_codes", "accuracy/mistranslation", "major",
          "A TMX/XLIFF segment with fewer or more inline codes (tags, placeholders) than its source: formatting or a link lost.")
def inline_codes(view: DocView) -> Iterator[Hit]:
    """Codes show as INLINE_CODE in both texts (corpora/inline.py); a CAT tool cannot put back
    one the translation dropped, so the count must match."""
    source = view.doc.source
    if not source or INLINE_CODE not in source + view.text:
        return
    wanted, found = source.count(INLINE_CODE), view.text.count(INLINE_CODE)
    if found < wanted:
        end = view.trimmed[1]
        yield end, end, f"{wanted - found} of the source's {wanted} inline codes (tags, placeholders) are missing here.", None
    elif found > wanted:
        last = view.text.rindex(INLINE_CODE)
        yield last, last + 1, f"The translation has {found} inline codes, the source {wanted}: one is too many.", None


def tag_key(tag: str) -> str:
    """A tag as it must carry over: its name, whether it closes or stands alone, and its attributes
    except those whose values are text to translate (alt, title...)."""
    name = regex.match(r"</?([\w:.-]+)", tag).group(1).lower()
    translatable = set(data()["translatable_attributes"])
    attributes = sorted(f"{k.lower()}={v.strip(chr(34) + chr(39))}" for k, v in _ATTRIBUTE.findall(tag)
                        if k.lower() not in translatable)
    return f"{'/' if tag.startswith('</') else ''}{name} {' '.join(attributes)}{'/' if tag.endswith('/>') else ''}"


@detector("qa.xml_tags", "accuracy/mistranslation", "major",
          "An XML/HTML tag of the source missing from the translation, changed, or added to it.")
def xml_tags(view: DocView) -> Iterator[Hit]:
    """A link to the site's page in the target language (<a href="…/it/privacy"> for "…/en/privacy")
    is the source's tag, localised (qa.urls's reading of a URL)."""
    def same(found: str, wanted: str) -> bool:
        ours, theirs = URL.findall(found), URL.findall(wanted)
        return (len(ours) == len(theirs) > 0 and tag_key(URL.sub("", found)) == tag_key(URL.sub("", wanted))
                and all(a == b or _localised(a, b, view.source_lang, view.lang) == "only" for a, b in zip(ours, theirs)))

    return _carried(view, _TAG, "tag", key=tag_key, needles=("<",), same=same)


@detector("qa.acronyms", "accuracy/mistranslation", "minor",
          "An acronym of the source (HIV, COVID) that the translation neither keeps nor replaces with one of its own.")
def acronyms(view: DocView) -> Iterator[Hit]:
    """A translation may translate an acronym (HIV is VIH in Spanish, ВИЧ in Russian): an acronym
    of the translation that the source lacks stands for one of the source's, in order. Only those
    left over are reported; a source written in capitals (a heading) has none. An acronym with a
    capital but not in capitals ('Covid' for 'COVID', house style in much of the press) is reported
    where it stands; one in lower case is qa.acronym_case's."""
    found = _acronym_forms(view)
    if found is None:
        return
    other_case, left = found
    for acronym, near in other_case:
        if not near.group().islower():
            yield near.start(), near.end(), f"The source's acronym {acronym!r} is written {near.group()!r} here.", acronym
    if not cased(view.lang):
        return  # Chinese and Japanese write most acronyms out in their own characters
    ignore = _ignored()
    wanted = {m.group() for m in _ACRONYM.finditer(view.doc.source)}
    own = {m.group() for m in _ACRONYM.finditer(view.text) if m.group() not in ignore and m.group() not in wanted}
    end = view.trimmed[1]
    for acronym in left[len(own):]:
        yield end, end, f"The source's acronym {acronym!r} is not in the translation.", None


@detector("qa.acronym_case", "fluency/spelling", "minor",
          "An acronym of the source written in lower case in the translation ('ct' for 'CT', 'hiv' for 'HIV'), "
          "as MT that lowercases its output leaves it.")
def acronym_case(view: DocView) -> Iterator[Hit]:
    """The source's spelling is the suggestion: the letters are the same, only the case differs.
    Split from qa.acronyms, whose other half (an acronym missing, which translators often spell
    out) is right far less often."""
    found = _acronym_forms(view)
    for acronym, near in found[0] if found else ():
        if near.group().islower():
            yield near.start(), near.end(), f"The source's acronym {acronym!r} is written {near.group()!r} here.", acronym


# Case folding as wide as the regex's IGNORECASE, one character at a time: it also matches I with
# Turkish dotless ı and İ with i, which casefold() keeps apart ("ı", "i̇").
_TURKISH_I = str.maketrans({"ı": "i", "\u0307": None})


def _folded(text: str) -> str:
    return text.casefold().translate(_TURKISH_I)


_NOT_UPPER = regex.compile(r"[^\p{Uppercase}]+")
_NOT_LOWER = regex.compile(r"[^\p{Lowercase}]+")


def _mostly_capitals(text: str) -> bool:
    """Whether at least half the text's cased letters are capitals (qa.upper_share's test, counted
    in C by deleting the other characters: it is asked of every source with an acronym)."""
    upper = len(_NOT_UPPER.sub("", text))
    return upper > 0 and upper >= len(_NOT_LOWER.sub("", text))


@lru_cache(maxsize=1)
def _ignored() -> frozenset[str]:
    """Capitals that are no acronym to carry over (data/qa.yaml `acronym_ignore`)."""
    return frozenset(data()["acronym_ignore"])


@lru_cache(maxsize=None)  # one entry per target language
def lower_case_by_norm(lang: str) -> frozenset[str]:
    """Acronyms the language's norm writes in lower case, and those chat writes so in every
    language (data/qa.yaml)."""
    norms = data()["acronyms_lower_case_by_norm"]
    return frozenset(norms.get(lang, [])) | frozenset(norms["any"])


@lru_cache(maxsize=1)
def _loanwords() -> frozenset[str]:
    """English words that Chinese, Japanese and Korean write in capitals (data/qa.yaml)."""
    return frozenset(data()["loanwords_in_capitals"])


# A lower-case form this common in the translation's language is one of its words ("us", "or",
# "it"), not the source's acronym (US, OR, IT) lowered.
COMMON_WORD_ZIPF = 5.0


def _acronym_forms(view: DocView) -> tuple[list[tuple[str, regex.Match]], list[str]] | None:
    """The source's acronyms that the translation has only in another case (each with where it
    first stands), and those it lacks; None where the source has no acronyms to compare (none, or
    a source in a cased script written in capitals throughout: a heading)."""
    source = view.doc.source
    if not source:
        return None
    ignore = _ignored()
    wanted = list(dict.fromkeys(m.group() for m in _ACRONYM.finditer(source) if m.group() not in ignore))
    if not wanted or (cased(view.source_lang) and _mostly_capitals(source)):
        return None  # (a Chinese source's only cased letters are its acronyms: no heading in capitals)
    text = view.text
    # a plain substring test first: most acronyms are kept as they are, or absent in every case
    runs = set(_CASED_RUN.findall(text)) if any(a in text for a in wanted) else set()
    missing = [a for a in wanted if a not in runs and a + "s" not in runs]
    other_case, left = [], []
    lower_by_norm = lower_case_by_norm(view.lang or "")
    folded = _folded(text) if missing else ""
    folded_runs: set[str] | None = None
    source_runs: set[str] | None = None
    for acronym in missing:
        near = None
        if _folded(acronym) in folded:
            if folded_runs is None:
                folded_runs = {_folded(run) for run in _CASED_RUN.findall(text)}
            if _folded(acronym) in folded_runs:
                near = _other_case(acronym, text)
            elif _folded(acronym + "s") in folded_runs:
                source_runs = set(_CASED_RUN.findall(source)) if source_runs is None else source_runs
                near = _lowered_plural(acronym, text, source_runs, view.lang)
                if near:
                    acronym += "s"  # the suggestion keeps the plural
        if near and near.group() in lower_by_norm:
            continue  # kept, as the language's norm writes it ("covid" in Spanish)
        if near and near.group().casefold() in _loanwords() and not cased(view.source_lang):
            continue  # a loanword Chinese writes in capitals ("手机APP"): "app" in English
        if near and near.group().islower() and (known_word(near.group(), view.lang, min_zipf=COMMON_WORD_ZIPF)
                                                or _not_a_word_of_the_text(text, near)):
            near = None
        if near:
            other_case.append((acronym, near))
        else:
            left.append(acronym)
    return other_case, left


def _lowered_plural(acronym: str, text: str, source_runs: set[str], lang: str | None) -> regex.Match | None:
    """Where the text has the source's acronym as a plural in lower case ("daas" for "DAAs", "nps"
    for "NP"). Not where the source has that lower-case form itself ("cis" beside "CIs"), nor
    where the translation's dictionary knows it as a word ("gas", "cats", "hrs", "aces"): even
    beside the source's plural acronym, the word is as likely meant."""
    near = _other_case(acronym + "s", text)
    if near is None or not near.group().islower() or near.group() in source_runs:
        return None  # ("DEMOS" for a German genitive "DEMOs Arbeit" is the acronym kept)
    if hunspell.has_dictionary(lang) and hunspell.knows(near.group(), lang):
        return None
    return near


# Before a lower-case form: a number (a unit symbol: "5 mm" is no MM lowered) or the marks of an
# address, a handle or an option; after it, the rest of an address ("who.int", "ema@").
_UNIT_OR_ADDRESS_BEFORE = regex.compile(r"(?:\d\s?|[.@#/\\_-])$")
_ADDRESS_AFTER = regex.compile(r"^[.@/\\_]\w")


def _not_a_word_of_the_text(text: str, m: regex.Match) -> bool:
    """Whether a lower-case match is a unit after a number, or part of a URL, an address or a code."""
    return bool(_UNIT_OR_ADDRESS_BEFORE.search(text, max(0, m.start() - 2), m.start())
                or _ADDRESS_AFTER.match(text, m.end(), m.end() + 2)
                or m.start() in addresses(text))


@lru_cache(maxsize=8)
def addresses(text: str) -> Spans:
    """The text's URLs and e-mail addresses (asked by several checks of the same text)."""
    return Spans([u.span() for pattern in (URL, EMAIL) for u in pattern.finditer(text)])


# A run of cased letters and digits: an acronym stands in a text as one whole run (nothing cased
# on either side), or as a run with a plural 's' (NSAIDs); the source's acronyms are looked up
# among the translation's runs, and searched for only where a run folds to one.
_CASED_RUN = regex.compile(rf"{_EDGE}+")


def _other_case(acronym: str, text: str) -> regex.Match | None:
    """Where the acronym first stands in the text in another case, as a whole word. Asked only
    where one of the text's words folds to it: compiling a pattern for each acronym of a corpus
    (thousands) cost more than the rest of the check, and the search itself decides what matches
    (Turkish I and ı, not I and İ; "ß" is no SS)."""
    return regex.search(rf"(?<!{_EDGE}){regex.escape(acronym)}(?!{_EDGE})", text, regex.IGNORECASE)


# A name, code or unit written in Latin letters in a source of another script ("Kaplan-Meier",
# "p.Ser1781Arg", "c.5343C>G", "mmol/L", "NuVision"): three characters or more, a letter among
# them and a capital or a digit (a lower-case word such as "in vitro" is a word, which a
# translation may inflect).
_LATIN_TOKEN = regex.compile(r"(?<![\p{Latin}\d])[\p{Latin}\d][\p{Latin}\d.\-+>:/']*[\p{Latin}\d]")
_CAPITAL_OR_DIGIT = regex.compile(r"[\p{Lu}\d]")
_LATIN = regex.compile(r"\p{Latin}")
_WHITESPACE = regex.compile(r"\s+")


@detector("source.copied_token_changed", "fluency/spelling", "minor",
          "A name or code in Latin letters of a source in another script that the translation copies with "
          "spaces put in or capitals lost ('p.ser1781 arg' for 'p.Ser1781Arg', 'Kaplan-meier', 'g / L').")
def copied_token_changed(view: DocView) -> Iterator[Hit]:
    """A Chinese, Japanese, Russian or Hebrew source writes in Latin letters only what is copied,
    not translated: gene and protein names, mutations, units, product and company names. The
    translation has them as the source writes them, so the source's form is the suggestion. What
    counts as changed is narrow:
    - spaces put inside a word, a run of capitals or camel-case parts that are no words, or beside
      a mark ("MacB ook", "DL BCL", "Clus talX", "g / L", "c.5343C > G"); not between a number and
      letters, which style guides space and sources glue ("100 mg" for "100mg", "iPhone 12"),
      between an acronym and a word ("IBM Watson"), between the words of a name a source runs
      together ("MacBook Air", "WeChat Pay", "iPad mini"), after a sign ("CD4+ T") or between
      groups of three digits;
    - capitals lowered in a token whose case is its own (a capital after a lower-case letter or a
      digit: "Kaplan-Meier", "iTRAQ", "p.Ser1781Arg"; not "OKlol" in chat), but not a litre's "L",
      which SI writes either way ("mmol/l"). A first capital lowered is source.name_lowercased's,
      an acronym written in lower case qa.acronym_case's, and a capital raised is often the target's
      norm ("COVID-19" for "Covid-19").
    No suggestion where the translation also spaces a number off its letters or a name's words
    apart: which spacing is right there the source does not say."""
    source = view.doc.source
    if not source or not view.source_lang or written_script(view.source_lang) in (None, "Latn"):
        return
    text = view.text
    squeezed = None  # the text without spaces, case folded: a token not in it is not there in any form
    addresses = Spans(m.span() for pattern in (URL, EMAIL) for m in pattern.finditer(source))
    tokens = {m.group() for m in _LATIN_TOKEN.finditer(source) if m.start() not in addresses}
    hits: list[Hit] = []
    for token in sorted(tokens, key=lambda t: (-len(t), t)):  # "K562/STAT3" before its "K562"
        if len(token) < 3 or token in text or not _CAPITAL_OR_DIGIT.search(token) or not _LATIN.search(token):
            continue
        squeezed = _WHITESPACE.sub("", text).casefold() if squeezed is None else squeezed
        if token.casefold() not in squeezed:
            continue
        spaced = regex.compile(r"(?<![\p{L}\d])" + r"\s*".join(map(regex.escape, token)) + r"(?![\p{L}\d])", regex.IGNORECASE)
        for m in spaced.finditer(text, timeout=1.0):
            found = m.group()
            if any(start < m.end() and m.start() < end for start, end, _, _ in hits) or found in source:
                continue  # part of a longer token's finding, or written so in the source too
            if found.islower() and _ACRONYM.search(token):
                continue  # an acronym in lower case ("daas" for "DAAs", "sars-cov-2"): qa.acronym_case's
            gaps = _gaps(found)  # where the spaces were put in, as indexes of the token
            wrong = [t for t in gaps if _gap_splits_a_run(token, t, view.lang)]
            fixable = len(wrong) == len(gaps)  # no space the source's form would take away rightly
            if wrong:
                hits.append((m.start(), m.end(), f"The source's {token!r} is written {found!r} here: spaces put in.",
                             token if fixable else None))
            elif _capitals_lost(token, _WHITESPACE.sub("", found)) and _INNER_CAPITAL.search(token):
                hits.append((m.start(), m.end(), f"The source's {token!r} is written {found!r} here: capitals lost.",
                             token if fixable else None))
    yield from sorted(hits, key=lambda hit: (hit[0], hit[1]))


def _gaps(found: str) -> list[int]:
    """Where spaces stand in `found`, as the index in the token of the character after them."""
    gaps, t = [], 0
    for i, char in enumerate(found):
        if char.isspace():
            if i and not found[i - 1].isspace():
                gaps.append(t)
        else:
            t += 1
    return gaps


# A capital after a lower-case letter or a digit, marks between ("mRNA", "iTRAQ", "Kaplan-Meier",
# "p.Ser1781Arg", "c.5343C"): a token whose case is its own, not a word's or an acronym's.
_INNER_CAPITAL = regex.compile(r"[\p{Ll}\d][^\p{L}\d]*\p{Lu}")
# Signs a space may follow or precede in good English ("CD4+ T cells", "CD8 + T").
_SIGNS = "+−±"


def _gap_splits_a_run(token: str, t: int, lang: str | None) -> bool:
    """Whether a space put in before the token's character `t` splits what is written as one:
    a capitalised word ("MacB ook"), a run of capitals ("DL BCL") or of lower-case letters ("Dom
    pe", "Clus talX"), camel-case parts that are no words apart, two digits (not groups of three,
    "1 000"), or a mark from what it joins ("g / L", "c.5343C > G"). Not a number from letters
    ("100 mg", "iPhone 12"), an acronym from a word ("IBM Watson", "OK lol"), words a name runs
    together ("MacBook Air", "WeChat Pay", "iPad mini", "vivo iQOO"), two acronyms ("SAP HANA"),
    an acronym from a letter after it ("CAR T"), a word from a model or an acronym after it
    ("ThinkPad X1", "Smart TV"; "ccc DNA" for "cccDNA" is missed with them, since "vivo X90" is
    right), nor a sign from what follows ("CD4+ T")."""
    before, after = token[t - 1], token[t]
    if before.isdigit() and after.isdigit():
        return not regex.match(r"\d{3}(?!\d)", token[t:])
    if before.isalpha() and after.isalpha():
        if before.isupper() and after.islower():  # inside a capitalised word ("MacB ook"), not after an acronym ("OK lol")
            return len(regex.search(r"\p{Lu}+$", token[:t]).group()) == 1
        if before.isupper():  # capitals both sides split a run ("DL BCL", "CO VID-19"), unless a word follows ("IBM Watson")
            return not token[t + 1:t + 2].islower() and not _two_acronyms(token, t, lang)
        right = regex.match(r"\p{Lu}?\p{Ll}*", token[t:]).group()
        if after.islower():  # inside a lower-case run ("Dom pe", "Bio therapies"), unless a name's word follows ("iPad mini")
            if token[t + 1:t + 2].isupper():  # a word before a name such as "iQOO" or "eBay" ("vivo iQOO")
                return not _name_word(regex.search(r"\p{L}*$", token[:t]).group(), lang)
            return right.casefold() not in _spaced_name_words()
        left = regex.search(r"\p{Lu}?\p{Ll}*$", token[:t]).group()  # camel-case words ("MacBook Air", "WeChat Pay")
        designation = not token[t + 1:t + 2].islower()  # a model or an acronym after a word ("ThinkPad X1", "Smart TV")
        return not (_name_word(left, lang) and (designation or _name_word(right, lang)))
    if before in _SIGNS or after in _SIGNS:
        return False
    return not (before.isalnum() and after.isalnum())


def _two_acronyms(token: str, t: int, lang: str | None) -> bool:
    """Whether a run of capitals split before `t` is two acronyms or names a source glued ("SAP
    HANA" for "SAPHANA"), or an acronym and the one letter English writes apart after it ("CAR
    T" for "CART", "CAR-T"). Two acronyms: three capitals or more each side, each a word of its
    own, and the run as one no English word. "DL BCL" and "CO VID-19" split one acronym: "DL"
    and "CO" are too short to tell, and "DLBCL" and "COVID" are words anyway."""
    left = regex.search(r"\p{Lu}+$", token[:t]).group()
    right = regex.match(r"\p{Lu}+", token[t:]).group()
    if len(left) >= 3 and len(right) == 1 and right == token[t:]:
        return True  # a letter at the token's end: "CAR T cells" (so "COVI D" is missed with it)
    joined = (left + right).casefold()
    return (len(left) >= 3 and len(right) >= 3 and _name_word(left, lang) and _name_word(right, lang)
            and not known_word(joined, "en"))


def _name_word(word: str, lang: str | None) -> bool:
    """Whether a part of a name is a word of its own: of the translation's language or English
    (names of products and firms are English words), or a data list's (qa.yaml)."""
    low = word.casefold()
    return (len(word) > 1 or word == "i") and (
        low in _spaced_name_words() or known_word(low, lang, min_zipf=_NAME_WORD_ZIPF) or known_word(low, "en", min_zipf=_NAME_WORD_ZIPF))


# How common a part of a name must be to count as a word of its own ("Air", "Pay", "mini").
_NAME_WORD_ZIPF = 2.5


@lru_cache(maxsize=1)
def _spaced_name_words() -> frozenset[str]:
    return frozenset(w.casefold() for w in data()["spaced_name_words"])


@lru_cache(maxsize=1)
def _case_free() -> regex.Pattern:
    """Capitals a unit writes in either case (qa.yaml `case_free_capitals`: a litre's L)."""
    return regex.compile(data()["case_free_capitals"])


def _capitals_lost(token: str, found: str) -> bool:
    """Whether `found` is `token` with capitals lowered, one of them after its first letter and
    not a litre's L."""
    if len(token) != len(found) or token == found:
        return False
    changed = [i for i, (a, b) in enumerate(zip(token, found)) if a != b]
    litres = {m.end() - 1 for m in _case_free().finditer(token)}
    return all(token[i].isupper() and found[i] == token[i].lower() for i in changed) and \
        any(i > 0 and i not in litres for i in changed)
