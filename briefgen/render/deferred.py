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

ReportLab imports four modules at import for what briefgen never asks of it: uharfbuzz in
ttfonts (a compiled extension: 10-20 ms, a thirtieth of a whole process), for the shaping
a paragraph style may ask for; pyphen in paragraph, for its own hyphenation (briefgen
hyphenates in render.markup); tempfile in lib/rltempfile, for the folder its test suite
writes to (tempfile brings shutil, random and the bz2 and lzma extensions: about 2 ms;
briefgen writes its files with output.new_file); and logging in frames and doctemplate,
whose loggers only write when a frame or template is debugged (about 3 ms). While
platypus is imported, a placeholder module stands in sys.modules for each
(lazy.standing_in); then ReportLab's name for it is an `OnUse`, which imports the real
module on the first attribute read and puts it in its place. It is true like the
module, so fonts stay `shapable` and ReportLab sees Pyphen as there, as with the
modules themselves. Nothing stands in for a module that is not installed.

Two of platypus's submodules, tables and xpreformatted, are imported when one of their
names is first asked of the package (see `_import_platypus_package`).
"""

from __future__ import annotations

import hashlib
import re
import sys
import types

from briefgen.lazy import standing_in

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


# Modules ReportLab imports at import for what briefgen does not ask of it (shaping in
# its paragraphs, its own hyphenation, its test suite's folder, its debug log), and the
# module attribute that holds each (see lazy.standing_in).
ON_USE = (("uharfbuzz", "reportlab.pdfbase.ttfonts", "uharfbuzz"),
          ("pyphen", "reportlab.platypus.paragraph", "pyphen"),
          ("tempfile", "reportlab.lib.rltempfile", "tempfile"),
          ("logging", "reportlab.platypus.frames", "logging"),
          ("logging", "reportlab.platypus.doctemplate", "logging"))


# ReportLab 5.1's reportlab/platypus/__init__.py (its sha256), whose star imports of
# tables and xpreformatted are left until one of their names is asked for.
_PLATYPUS_INIT = "6999337edee847a038272794ceaf82641696f756b75b315c67e8ac2734609ad9"
_LATER = {"tables": ("Table", "TableStyle", "CellStyle", "LongTable"),
          "xpreformatted": ("XPreformatted", "PythonPreformatted")}


class _Platypus(types.ModuleType):
    """reportlab.platypus before anything asked for tables or xpreformatted."""

    def __getattr__(self, name):
        if name not in _LATER and not any(name in names for names in _LATER.values()):
            raise AttributeError(f"module 'reportlab.platypus' has no attribute {name!r}")
        import importlib
        for sub, names in _LATER.items():
            module = importlib.import_module(f"reportlab.platypus.{sub}")
            for n in names:
                self.__dict__.setdefault(n, getattr(module, n))
        self.__class__ = types.ModuleType
        return getattr(self, name)


def _import_platypus_package() -> None:
    """`import reportlab.platypus`, leaving two of its submodules (a Table and
    preformatted text, which briefgen never sets) until a name of theirs is asked for:
    about 6 ms of a whole process, with reportlab.lib.validators and PyFontify. Its
    __init__ runs as it is, less those two star imports; for any other __init__ than
    the one known here, the package is imported as usual."""
    import importlib.util
    import reportlab
    try:
        spec = importlib.util.find_spec("reportlab.platypus")
        with open(spec.origin, "rb") as fh:
            source = fh.read()
    except (ImportError, ValueError, AttributeError, TypeError, OSError):
        spec = source = None
    if source is None or hashlib.sha256(source).hexdigest() != _PLATYPUS_INIT:
        import reportlab.platypus  # noqa: F401
        return
    lines = [line for line in source.decode("utf-8").splitlines(keepends=True)
             if line.strip() not in {f"from .{sub} import *" for sub in _LATER}]
    module = importlib.util.module_from_spec(spec)
    module.__class__ = _Platypus
    sys.modules["reportlab.platypus"] = module
    try:
        exec(compile("".join(lines), spec.origin, "exec"), module.__dict__)
    except BaseException:
        sys.modules.pop("reportlab.platypus", None)
        raise
    # a star import of the package takes every public name, the later ones too
    module.__all__ = sorted({n for n in module.__dict__ if not n.startswith("_")} |
                            set(_LATER) | {n for names in _LATER.values() for n in names})
    reportlab.platypus = module


def import_platypus() -> None:
    """Import reportlab.platypus, deferring the two patterns and HarfBuzz (once per
    process)."""
    if "reportlab.platypus.paragraph" in sys.modules:
        return
    original = re.compile

    def compile(pattern, flags=0):
        cls = _which(pattern, flags)
        return cls(pattern, flags, original) if cls else original(pattern, flags)

    re.compile = compile
    try:
        with standing_in(ON_USE):
            _import_platypus_package()   # imports paragraph and textsplit
    finally:
        re.compile = original
