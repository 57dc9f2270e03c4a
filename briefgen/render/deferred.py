"""ReportLab's platypus imported without compiling two patterns a process rarely needs,
and without importing HarfBuzz, which a document in a Latin script never uses.

Importing `reportlab.platypus` compiles, at module level, a URL pattern in paragraph.py
(case-insensitive, with `\\xa1-\\uffff` ranges: about 40 ms, a twelfth of a whole
`briefgen brief` process) and a CJK pattern in lib/textsplit.py (about 6 ms). The second
is used only by `textsplit.cjkwrap`, which nothing in briefgen calls; the first only by
`paragraph._uri_split_pairs`, when a word does not fit its line, and it can only match a
string that contains "://" (its first group, which is not optional, ends with it).

`import_platypus()` imports platypus with those two patterns left as `Deferred` objects
that compile on first use, and the URL one answers None without compiling for a string
without "://": exactly the answer the compiled pattern gives, so the PDF is the same.
Patterns are recognised by their exact text (a hash of it): another ReportLab version's
patterns are compiled as usual.

ReportLab's ttfonts imports uharfbuzz at import (a compiled extension: 10-20 ms, a
thirtieth of a whole process) for the shaping a paragraph style may ask for, which
briefgen never does: its own shaped paragraphs (render.shaping) import it when they
shape. While platypus is imported, a placeholder module stands in sys.modules for it;
then ttfonts' `uharfbuzz` is `HarfBuzzOnUse`, which imports the real one on the first
attribute read and puts it in its place. It is true like the module, so ttfonts' fonts
are `shapable` as they are with it. Nothing stands in when uharfbuzz is not installed.
"""

from __future__ import annotations

import hashlib
import re
import sys
import types

_URI_PREFIX = "(^(?:[a-z0-9\\.\\-\\+]*)://)"
_URI_SHA = "e5bef3fc9b6136e3eed630940dbc3a33"   # ReportLab 5.1's paragraph.uri_pat
_CJK = "([\u2e80-\uffff])"                      # ReportLab's textsplit.rx


class Deferred:
    """A compiled pattern, compiled when it is first used."""

    def __init__(self, pattern: str, flags: int, compile=re.compile):
        self.pattern, self._flags = pattern, flags
        self._compile = compile
        self._compiled = None

    def compiled(self) -> re.Pattern:
        if self._compiled is None:
            self._compiled = self._compile(self.pattern, self._flags)
        return self._compiled

    def __getattr__(self, name):
        return getattr(self.compiled(), name)


class DeferredURL(Deferred):
    """The URL pattern: a string without "://" cannot match, so no need to compile."""

    def match(self, string, *args, **kwargs):
        if not args and not kwargs and isinstance(string, str) and "://" not in string:
            return None
        return self.compiled().match(string, *args, **kwargs)


def _which(pattern, flags) -> type[Deferred] | None:
    if not isinstance(pattern, str):
        return None
    if pattern == _CJK:
        return Deferred
    if pattern.startswith(_URI_PREFIX) and \
            hashlib.sha256(pattern.encode()).hexdigest()[:32] == _URI_SHA:
        return DeferredURL
    return None


class HarfBuzzOnUse:
    """ttfonts' `uharfbuzz` until it is used: then the module itself."""

    def __getattr__(self, name):
        import uharfbuzz
        from reportlab.pdfbase import ttfonts
        if ttfonts.uharfbuzz is self:
            ttfonts.uharfbuzz = uharfbuzz
        return getattr(uharfbuzz, name)


def _harfbuzz_placeholder() -> types.ModuleType | None:
    if "uharfbuzz" in sys.modules or "reportlab.pdfbase.ttfonts" in sys.modules:
        return None
    import importlib.util
    try:
        if importlib.util.find_spec("uharfbuzz") is None:
            return None
    except (ImportError, ValueError):
        return None
    placeholder = sys.modules["uharfbuzz"] = types.ModuleType("uharfbuzz")
    return placeholder


def import_platypus() -> None:
    """Import reportlab.platypus, deferring the two patterns and HarfBuzz (once per
    process)."""
    if "reportlab.platypus.paragraph" in sys.modules:
        return
    original = re.compile

    def compile(pattern, flags=0):
        cls = _which(pattern, flags)
        return cls(pattern, flags, original) if cls else original(pattern, flags)

    placeholder = _harfbuzz_placeholder()
    re.compile = compile
    try:
        import reportlab.platypus  # noqa: F401  (imports paragraph and textsplit)
    finally:
        re.compile = original
        if placeholder is not None:
            if sys.modules.get("uharfbuzz") is placeholder:
                del sys.modules["uharfbuzz"]
            ttfonts = sys.modules.get("reportlab.pdfbase.ttfonts")
            if ttfonts is not None and getattr(ttfonts, "uharfbuzz", None) is placeholder:
                ttfonts.uharfbuzz = HarfBuzzOnUse()
