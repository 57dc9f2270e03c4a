"""Dataclass methods compiled once, not at every start.

Creating a dataclass writes the source of its methods (`__init__`, `__repr__`, `__eq__`,
and for a frozen one `__hash__`, `__setattr__`, `__delattr__`) and compiles it with
`exec`; briefgen's fifty-odd dataclasses and those of the libraries it imports spent
about 50 ms CPU of a whole `briefgen brief` process in that compiling, at every start.

`install()` gives the dataclasses module an `exec` of its own that compiles each source
text once: from the user's cache folder when a process compiled it before (the code
objects, written with marshal), else as `exec` itself would (the same filename, no
inherited __future__ flags: the same code object). What the methods do is unchanged;
only where their compiled code comes from. `save()` keeps what this process used, at
the end of a one-shot command.

Unreadable, stale or foreign files (see briefgen.cache) just mean compiling as before.
"""

from __future__ import annotations

import builtins
import marshal
import sys
import types

_LOADED: dict[str, types.CodeType] = {}
_USED: dict[str, types.CodeType] = {}
_STATE = {"installed": False, "new": 0, "compiled": 0}   # new: since the last save
MAX_ENTRIES = 4000


def _key() -> str:
    from briefgen import cache
    return cache.key("dccode", sys.version, sys.implementation.cache_tag or "")


def _exec(source, globals=None, locals=None, /):
    if type(source) is str:
        code = _USED.get(source) or _LOADED.get(source)
        if code is None:
            # as exec(source) compiles it in the dataclasses module, which has no
            # __future__ imports of its own
            code = builtins.compile(source, "<string>", "exec", dont_inherit=True)
            _STATE["new"] += 1
            _STATE["compiled"] += 1
        _USED[source] = code
        source = code
    return builtins.exec(source, globals, locals)


def install() -> None:
    """Compiled dataclass methods from the cache folder from now on (idempotent)."""
    if _STATE["installed"]:
        return
    import dataclasses
    if getattr(dataclasses, "exec", builtins.exec) is not builtins.exec:
        return   # someone else's exec there: leave it alone
    _STATE["installed"] = True
    try:
        from briefgen import cache
        blob = cache.load("dccode", _key())
        codes = marshal.loads(blob) if isinstance(blob, bytes) else None
        if isinstance(codes, dict) and all(type(k) is str and type(v) is types.CodeType
                                           for k, v in codes.items()):
            _LOADED.update(codes)
    except Exception:   # a damaged file: compile as before
        _LOADED.clear()
    dataclasses.exec = _exec


def save() -> None:
    """Keep the code this process's dataclasses used, if any had to be compiled."""
    if not _STATE["new"] or len(_USED) > MAX_ENTRIES:
        return
    try:
        from briefgen import cache
        cache.store("dccode", _key(), marshal.dumps(dict(_USED)))
        _STATE["new"] = 0
    except Exception:   # never a reason for a failed command
        pass
