"""Names for files and folders from names people give: readable ASCII, one rule for all.

The CLI's default output names and a campaign's row folders both come from `slug`, so
'Αθήνα' is 'athina' and 'Москва' is 'moskva' wherever briefgen names a file after it.
"""

from __future__ import annotations

import hashlib
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


def slug(name: str) -> str:
    """A file-name-safe ASCII form of `name`, at most MAX_SLUG characters; '' when no
    letter or digit of it has an ASCII form (Chinese, Arabic, ... names)."""
    text = re.sub(r"[^a-z0-9]+", "-", ascii_name(name)).strip("-")
    return text[:MAX_SLUG].rstrip("-")


def file_stem(name: str) -> str:
    """`slug(name)`, never empty and never a name Windows reserves: a name without an ASCII
    form gets a short digest of itself, so that two such names never share a file."""
    text = slug(name)
    if not text:
        return "m-" + hashlib.sha256(name.encode("utf-8")).hexdigest()[:8]
    if text in WINDOWS_RESERVED:
        return f"{text}-m"
    return text
