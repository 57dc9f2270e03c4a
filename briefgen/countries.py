"""Country names and ISO 3166 codes, from the CLDR data Babel ships."""

from __future__ import annotations

import unicodedata
from functools import lru_cache

from babel import Locale

NAME_LANGUAGES = ("en", "es", "fr")


def _fold(text: str) -> str:
    text = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in text if not unicodedata.combining(c)).replace(".", "").strip()


@lru_cache(maxsize=8)
def _index(extra_lang: str) -> dict[str, str]:
    index: dict[str, str] = {}
    langs = NAME_LANGUAGES + ((extra_lang,) if extra_lang not in NAME_LANGUAGES else ())
    for lang in langs:
        try:
            territories = Locale.parse(lang).territories
        except Exception:  # an unknown language just contributes no names
            continue
        for code, name in territories.items():
            if len(code) == 2 and code.isalpha():
                index.setdefault(_fold(name), code)
    for code in Locale.parse("en").territories:
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
        return Locale.parse(lang.replace("-", "_")).territories.get(code, code)
    except Exception:
        return code
