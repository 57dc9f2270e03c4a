"""ReportLab's platypus imported without compiling two patterns a process rarely needs,
and without importing HarfBuzz and Pyphen, which a warm Latin brief never uses.

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

ReportLab imports two modules at import for what briefgen never asks of it: uharfbuzz in
ttfonts (a compiled extension: 10-20 ms, a thirtieth of a whole process), for the shaping
a paragraph style may ask for, and pyphen in paragraph, for its own hyphenation (briefgen
hyphenates in render.markup). While platypus is imported, a placeholder module stands
in sys.modules for each; then ReportLab's name for it is an `OnUse`, which imports the
real module on the first attribute read and puts it in its place. It is true like the
module, so fonts stay `shapable` and ReportLab sees Pyphen as there, as with the
modules themselves. Nothing stands in for a module that is not installed.
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


class OnUse:
    """A module of another's (`owner.attr`) until it is used: then the module itself."""

    def __init__(self, name: str, owner: str, attr: str):
        self._where = (name, owner, attr)

    def __getattr__(self, name):
        import importlib
        module_name, owner, attr = self.__dict__["_where"]
        module = importlib.import_module(module_name)
        holder = sys.modules.get(owner)
        if holder is not None and getattr(holder, attr, None) is self:
            setattr(holder, attr, module)
        return getattr(module, name)


# Modules ReportLab imports at import for what briefgen does not ask of it (shaping in
# its paragraphs, its own hyphenation), and the module attribute that holds each.
ON_USE = (("uharfbuzz", "reportlab.pdfbase.ttfonts", "uharfbuzz"),
          ("pyphen", "reportlab.platypus.paragraph", "pyphen"))


def _placeholders() -> dict[str, types.ModuleType]:
    import importlib.util
    out = {}
    for name, owner, _attr in ON_USE:
        if name in sys.modules or owner in sys.modules:
            continue
        try:
            if importlib.util.find_spec(name) is None:
                continue
        except (ImportError, ValueError):
            continue
        out[name] = sys.modules[name] = types.ModuleType(name)
    return out


def import_platypus() -> None:
    """Import reportlab.platypus, deferring the two patterns and HarfBuzz (once per
    process)."""
    if "reportlab.platypus.paragraph" in sys.modules:
        return
    original = re.compile

    def compile(pattern, flags=0):
        cls = _which(pattern, flags)
        return cls(pattern, flags, original) if cls else original(pattern, flags)

    placeholders = _placeholders()
    re.compile = compile
    try:
        import reportlab.platypus  # noqa: F401  (imports paragraph and textsplit)
    finally:
        re.compile = original
        for name, owner, attr in ON_USE:
            placeholder = placeholders.get(name)
            if placeholder is None:
                continue
            if sys.modules.get(name) is placeholder:
                del sys.modules[name]
            holder = sys.modules.get(owner)
            if holder is not None and getattr(holder, attr, None) is placeholder:
                setattr(holder, attr, OnUse(name, owner, attr))
