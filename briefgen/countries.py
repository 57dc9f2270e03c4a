"""Country names and ISO 3166 codes, from the CLDR data Babel ships.

A language's names are read from Babel once and kept in the user's cache folder (keyed
by Babel's files, see briefgen.cache): importing Babel and loading a locale's data was
about a twentieth of a whole `briefgen brief` process, for a few country names.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache

NAME_LANGUAGES = ("en", "es", "fr")


@lru_cache(maxsize=32)
def territories(lang: str) -> dict[str, str]:
    """Babel's territory names in `lang` ('en', 'pt_BR'); raises for an unknown one."""
    from briefgen import cache
    k = cache.key("territories", cache.library_stamp("babel"), lang)
    hit = cache.load("babel", k)
    if isinstance(hit, dict):
        return hit
    from babel import Locale
    names = dict(Locale.parse(lang).territories)
    cache.store("babel", k, names)
    return names


def _fold(text: str) -> str:
    text = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in text if not unicodedata.combining(c)).replace(".", "").strip()


@lru_cache(maxsize=8)
def _index(extra_lang: str) -> dict[str, str]:
    index: dict[str, str] = {}
    langs = NAME_LANGUAGES + ((extra_lang,) if extra_lang not in NAME_LANGUAGES else ())
    for lang in langs:
        try:
            names = territories(lang)
        except Exception:  # an unknown language just contributes no names
            continue
        for code, name in names.items():
            if len(code) == 2 and code.isalpha():
                index.setdefault(_fold(name), code)
    for code in territories("en"):
        if len(code) == 2 and code.isalpha():
            index.setdefault(_fold(code), code)
    index.setdefault("uk", "GB")
    index.setdefault("usa", "US")
    return index


def country_code(value: str, lang: str = "en") -> str | None:
    """'SE', 'se', 'Sweden', 'Suecia', 'Suède' -> 'SE'; None when unknown."""
    return _index(lang.split("-")[0])[_fold(value)] if _fold(value) in _index(
        lang.split("-")[0]) else None


def country_name(code: str, lang: str) -> str:
    try:
        return territories(lang.replace("-", "_")).get(code, code)
    except Exception:
        return code
