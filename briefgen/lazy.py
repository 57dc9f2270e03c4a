"""Modules imported lazily by one-shot commands: loaded when first used, not at import.

ReportLab imports Pillow's Image module when it is imported (reportlab.lib.utils), about
15 ms CPU, a thirtieth of a whole `briefgen brief` process; a brief draws a raster image
only for a PNG or JPEG logo or picture. `one_shot_imports()` makes that module the
standard library's LazyLoader module, whose code runs when any of its attributes is
first read: ReportLab then reads it exactly as it would have.

Only for the one-shot commands (brief, factsheet), which build on one thread: before
Python 3.12, a lazy module's first load is not safe if two threads read it at once, so
campaigns and the server import as usual.
"""

from __future__ import annotations

import sys

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
