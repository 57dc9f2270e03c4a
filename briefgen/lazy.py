"""Modules imported lazily by one-shot commands: loaded when first used, not at import.

ReportLab imports Pillow's Image module when it is imported (reportlab.lib.utils), about
15 ms CPU, a thirtieth of a whole `briefgen brief` process; a brief draws a raster image
only for a PNG or JPEG logo or picture. `one_shot_imports()` makes that module the
standard library's LazyLoader module, whose code runs when any of its attributes is
first read: ReportLab then reads it exactly as it would have.

Only for the one-shot commands (brief, factsheet), which build on one thread: before
Python 3.12, a lazy module's first load is not safe if two threads read it at once, so
campaigns and the server import as usual.

`standing_in` is for a module that a library imports as a whole for what briefgen never
asks of it: while the library is imported, a placeholder stands in for the module; then
the library's name for it is an `OnUse`, which imports the module when it is first used.
"""

from __future__ import annotations

import sys
import types
from contextlib import contextmanager

LAZY = ("PIL.Image",)


def lazy_module(name: str) -> None:
    """`name` in sys.modules as a lazily loaded module (nothing if already imported or
    not installed)."""
    if name in sys.modules:
        return
    import importlib.util
    try:
        spec = importlib.util.find_spec(name)
    except (ImportError, ValueError):
        return
    if spec is None or spec.loader is None or not hasattr(spec.loader, "exec_module"):
        return
    spec.loader = importlib.util.LazyLoader(spec.loader)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    parent, _, child = name.rpartition(".")
    if parent in sys.modules:
        setattr(sys.modules[parent], child, module)


def one_shot_imports() -> None:
    for name in LAZY:
        lazy_module(name)


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


class LaterLogger:
    """`logging.getLogger(name)`, got when first used (a library that makes its logger at
    import, and writes to it only when debugging)."""

    def __init__(self, name: str):
        self._name = name

    def __getattr__(self, attr):
        import logging
        return getattr(logging.getLogger(self.__dict__["_name"]), attr)


# What a placeholder answers while it stands in: what importers call at their import
_AT_IMPORT = {"logging": {"getLogger": LaterLogger}}


def _placeholder(name: str) -> types.ModuleType:
    """A module that answers `_AT_IMPORT`'s names; anything else imports the real module
    (and puts it in place) and answers from it, so an importer that asks for more than
    was foreseen gets the module as ever."""
    module = types.ModuleType(name)
    module.__dict__.update(_AT_IMPORT.get(name, {}))

    def __getattr__(attr):
        import importlib
        if sys.modules.get(name) is module:
            del sys.modules[name]
        return getattr(importlib.import_module(name), attr)
    module.__getattr__ = __getattr__
    return module


@contextmanager
def standing_in(uses):
    """While it lasts, a placeholder in sys.modules for each module of `uses` ((module,
    owner, attribute): the module that `owner` holds as `owner.attribute`) that is not
    imported yet, is installed, and whose owner is not imported yet; afterwards each
    owner's attribute that holds a placeholder is an `OnUse` of the module."""
    import importlib.util
    placeholders: dict[str, types.ModuleType] = {}
    for name, owner, _attr in uses:
        if name in sys.modules or owner in sys.modules:
            continue
        try:
            if importlib.util.find_spec(name) is None:
                continue
        except (ImportError, ValueError):
            continue
        placeholders[name] = sys.modules[name] = _placeholder(name)
    try:
        yield
    finally:
        for name, placeholder in placeholders.items():
            if sys.modules.get(name) is placeholder:
                del sys.modules[name]
        for name, owner, attr in uses:
            placeholder = placeholders.get(name)
            holder = sys.modules.get(owner)
            if placeholder is not None and holder is not None and \
                    getattr(holder, attr, None) is placeholder:
                setattr(holder, attr, OnUse(name, owner, attr))
