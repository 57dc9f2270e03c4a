"""Folder names for rows: readable ASCII, unique within a campaign, never outside DIR."""

from __future__ import annotations

import re
import unicodedata

MAX_SLUG = 60
WINDOWS_RESERVED = {"con", "prn", "aux", "nul", *(f"com{i}" for i in range(1, 10)),
                    *(f"lpt{i}" for i in range(1, 10))}

_TRANSLIT = {
    # Greek (ELOT 743, simplified)
    "α": "a", "β": "v", "γ": "g", "δ": "d", "ε": "e", "ζ": "z", "η": "i", "θ": "th", "ι": "i",
    "κ": "k", "λ": "l", "μ": "m", "ν": "n", "ξ": "x", "ο": "o", "π": "p", "ρ": "r", "σ": "s",
    "ς": "s", "τ": "t", "υ": "y", "φ": "f", "χ": "ch", "ψ": "ps", "ω": "o",
    # Cyrillic (Russian, Ukrainian, Belarusian, Serbian, Macedonian, Bulgarian)
    "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ё": "e", "ж": "zh", "з": "z",
    "и": "i", "й": "y", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o", "п": "p", "р": "r",
    "с": "s", "т": "t", "у": "u", "ф": "f", "х": "kh", "ц": "ts", "ч": "ch", "ш": "sh",
    "щ": "shch", "ъ": "", "ы": "y", "ь": "", "э": "e", "ю": "yu", "я": "ya", "і": "i",
    "ї": "yi", "є": "ye", "ґ": "g", "ў": "u", "ђ": "dj", "ј": "j", "љ": "lj", "њ": "nj",
    "ћ": "c", "џ": "dz", "ѓ": "gj", "ќ": "kj", "ѕ": "dz",
    # Latin letters that NFKD does not take apart
    "ł": "l", "ø": "o", "æ": "ae", "œ": "oe", "đ": "d", "ð": "d", "þ": "th", "ı": "i",
    "ħ": "h", "ŧ": "t", "ŋ": "ng", "ĸ": "q",
}


def ascii_name(name: str) -> str:
    """'Kraków' -> 'krakow', 'Αθήνα' -> 'athina', 'Москва' -> 'moskva'; other scripts drop."""
    out = []
    for ch in unicodedata.normalize("NFC", name.casefold()):
        if ch in _TRANSLIT:
            out.append(_TRANSLIT[ch])
            continue
        for part in unicodedata.normalize("NFKD", ch):  # accents come off here
            if part in _TRANSLIT:
                out.append(_TRANSLIT[part])
            elif part.isascii():
                out.append(part)
    return "".join(out)


def row_slug(name: str, number: int) -> str:
    """A folder name that stays inside the output folder whatever the name says."""
    text = re.sub(r"[^a-z0-9]+", "-", ascii_name(name)).strip("-")
    text = text[:MAX_SLUG].rstrip("-")
    if not text:
        return f"row-{number}"
    if text in WINDOWS_RESERVED:
        return f"{text}-row-{number}"
    return text


def unique_slugs(names: list[tuple[int, str]]) -> dict[int, str]:
    """row number -> slug, unique within the campaign, decided in row order."""
    taken: set[str] = set()
    out: dict[int, str] = {}
    for number, name in names:
        base = row_slug(name, number)
        candidate, k = base, 2
        while candidate in taken:
            suffix = f"-{k}"
            candidate = base[:MAX_SLUG - len(suffix)].rstrip("-") + suffix
            k += 1
        taken.add(candidate)
        out[number] = candidate
    return out
