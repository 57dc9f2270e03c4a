"""Exact shortcuts for three of ReportLab's hottest small functions.

A campaign brief spends most of its time in ReportLab's Python, and three helpers are
called thousands of times per document with answers that are cheap to know in advance:

- `TTFont.splitString` turns each run of drawn text into (subset, bytes) one character at
  a time in Python; once every character of a run has its code in the document's subset,
  the answer is a `str.translate` through those codes (about a tenth of the time);
- `pdfdoc.pdfdocEnc` encodes every formatted PDF token through a Python charmap codec;
  for ASCII text without the eight control characters that codec refuses it is the ASCII
  bytes;
- `pdfdoc.PDFName` escapes a dictionary key character by character on every use; the
  same few dozen keys are written thousands of times per file, so their escaped form is
  remembered.

Each shortcut answers exactly what the original answers (tests/test_fastpaths.py checks
them against ReportLab's own functions and whole documents against builds without them)
and falls back to the original for anything else. `install()` is idempotent; `disabled()`
puts the originals back for as long as it lasts (the reference in those tests).
"""

from __future__ import annotations

import re
from contextlib import contextmanager

from reportlab.pdfbase import pdfdoc, ttfonts

class Shortcuts:
    """Where a set of shortcuts goes in ReportLab: each name is an attribute of a module
    or class. `original` is ReportLab's own, read when this is made; `fast` is set once
    the shortcuts are defined. `install()` puts them in place (idempotent); `disabled()`
    puts ReportLab's back for as long as it lasts."""

    def __init__(self, places: dict[str, tuple[object, str]]):
        self.places = places
        self.original = {name: getattr(owner, attr) for name, (owner, attr) in places.items()}
        self.fast: dict[str, object] = {}

    def _put(self, functions: dict) -> None:
        for name, (owner, attr) in self.places.items():
            setattr(owner, attr, functions[name])

    def install(self) -> None:
        self._put(self.fast)

    @contextmanager
    def disabled(self):
        self._put(self.original)
        try:
            yield
        finally:
            self.install()


SHORTCUTS = Shortcuts({
    "splitString": (ttfonts.TTFont, "splitString"),
    "pdfdocEnc": (pdfdoc, "pdfdocEnc"),
    "PDFName": (pdfdoc, "PDFName"),
})
_ORIGINAL = SHORTCUTS.original

# --------------------------------------------------------------------------- splitString


class _Known:
    """Per document and font (that is, per `TTFont.State`): the characters whose subset-0 code is settled, as a set and
    as a `str.translate` table. Codes never change once assigned, and a character the font
    lacks always maps to 0, so an entry stays true for the rest of the document."""

    __slots__ = ("chars", "table")

    def __init__(self):
        self.chars: set[str] = set()
        self.table: dict[int, int] = {}


def split_string(self, text, doc, encoding="utf-8"):
    # kept on the document (one per font), as ReportLab keeps the font's state per document;
    # looking it up there is cheaper than the font's WeakKeyDictionary
    fonts = getattr(doc, "_briefgen_known", None)
    known = fonts.get(self) if fonts is not None else None
    if known is not None and isinstance(text, str) and text and known.chars.issuperset(text):
        return [(0, text.translate(known.table).encode("latin-1"))]
    result = _ORIGINAL["splitString"](self, text, doc, encoding)
    if isinstance(text, str) and text:
        if fonts is None:
            try:
                fonts = doc._briefgen_known = {}
            except AttributeError:   # not a PDFDocument: nothing to keep
                return result
        if known is None:
            known = fonts[self] = _Known()
        state = self.state[doc]
        assignments, glyphs = state.assignments, self.face.charToGlyph
        for ch in set(text).difference(known.chars):
            code = ord(ch)
            if code == 0xA0:   # ReportLab draws a no-break space as a space
                code = 32
            n = assignments.get(code)
            if n is None:
                if code in glyphs:
                    continue
                n = 0           # no glyph: always the .notdef code
            if n < 256:
                known.chars.add(ch)
                known.table[ord(ch)] = n
    return result


# --------------------------------------------------------------------------- PDF tokens

# characters below 128 that ReportLab's 'extpdfdoc' codec cannot encode
_UNENCODABLE = re.compile("[\x18-\x1f]")


def pdfdoc_enc(x):
    if type(x) is str and x.isascii() and not _UNENCODABLE.search(x):
        return x.encode("ascii")
    return _ORIGINAL["pdfdocEnc"](x)


_NAMES: dict[str, str] = {}


def pdf_name(data, lo=chr(0x21), hi=chr(0x7e)):
    if type(data) is not str or lo != "\x21" or hi != "\x7e":
        return _ORIGINAL["PDFName"](data, lo, hi)
    name = _NAMES.get(data)
    if name is None:
        if len(_NAMES) >= 4096:   # names made from text (destinations) keep coming
            _NAMES.clear()
        name = _NAMES[data] = _ORIGINAL["PDFName"](data)
    return name


# --------------------------------------------------------------------------- switching

SHORTCUTS.fast = {"splitString": split_string, "pdfdocEnc": pdfdoc_enc, "PDFName": pdf_name}
install = SHORTCUTS.install
disabled = SHORTCUTS.disabled
