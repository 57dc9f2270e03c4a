"""Dataclass methods compiled once and kept: the same code as Python's own compiling."""

from __future__ import annotations

import dataclasses
import inspect
import marshal
import os
import subprocess
import sys

from briefgen import cache, dccode
from conftest import DATE, REPO


def _make():
    @dataclasses.dataclass(frozen=True)
    class Frozen:
        a: int
        b: str = "x"
        c: tuple = dataclasses.field(default_factory=tuple)

    @dataclasses.dataclass(order=True)
    class Plain:
        n: float
        label: str | None = None
        tags: list = dataclasses.field(default_factory=list, repr=False)

    return Frozen, Plain


METHODS = ("__init__", "__repr__", "__eq__", "__hash__", "__setattr__", "__delattr__",
           "__lt__")


def _codes(cls):
    return {m: marshal.dumps(getattr(cls, m).__code__) for m in METHODS
            if getattr(getattr(cls, m), "__code__", None) is not None
            and getattr(cls, m).__code__.co_filename == "<string>"}


def test_the_methods_are_those_python_compiles(monkeypatch):
    monkeypatch.setattr(dataclasses, "exec", dccode._exec, raising=False)
    cached = _make()
    monkeypatch.delattr(dataclasses, "exec")
    plain = _make()
    for a, b in zip(cached, plain):
        assert _codes(a) and _codes(a) == _codes(b)
        assert str(inspect.signature(a)) == str(inspect.signature(b))
        assert a.__init__.__annotations__ == b.__init__.__annotations__
    frozen = cached[0](1, c=(2,))
    assert frozen == cached[0](1, "x", (2,)) and hash(frozen) == hash(cached[0](1, c=(2,)))
    assert repr(frozen).endswith("Frozen(a=1, b='x', c=(2,))")
    try:
        frozen.a = 2
    except dataclasses.FrozenInstanceError:
        pass
    else:
        raise AssertionError("a frozen instance was changed")
    assert cached[1](1.0) < cached[1](2.0)


def _run(folder, tmp_path, name):
    code = ("import sys; from briefgen.cli import main\n"
            "try: main(sys.argv[1:])\n"
            "except SystemExit: pass\n"
            "from briefgen import dccode\n"
            "print(len(dccode._LOADED), dccode._STATE['compiled'])")
    out = tmp_path / f"{name}.pdf"
    result = subprocess.run(
        [sys.executable, "-c", code, "brief", "-m", "Graz", "-p", "1", "--date", DATE,
         "-o", str(out)], cwd=REPO, capture_output=True, text=True, check=True,
        env={**os.environ, "BRIEFGEN_CACHE_DIR": str(folder)})
    loaded, new = map(int, result.stdout.strip().splitlines()[-1].split())
    return loaded, new, out.read_bytes()


def test_a_warm_process_compiles_no_dataclass_method(tmp_path):
    folder = tmp_path / "cache"
    loaded, new, first = _run(folder, tmp_path, "first")
    assert loaded == 0 and new > 100          # briefgen's own: fifty-odd classes
    loaded, new, second = _run(folder, tmp_path, "second")
    assert loaded > 100 and new == 0
    assert second == first
    # a damaged file: compiled as before, the same bytes
    for path in (folder / "dccode").glob("*.pickle"):
        path.write_bytes(path.read_bytes()[:1000])
    loaded, new, third = _run(folder, tmp_path, "third")
    assert loaded == 0 and new > 100 and third == first


def test_a_foreign_entry_is_not_used(tmp_path, monkeypatch):
    monkeypatch.setenv("BRIEFGEN_CACHE_DIR", str(tmp_path / "cache"))
    cache.store("dccode", dccode._key(), marshal.dumps({"def f(): pass": 42}))
    monkeypatch.setattr(dccode, "_LOADED", {})
    monkeypatch.setitem(dccode._STATE, "installed", False)
    monkeypatch.delattr(dataclasses, "exec", raising=False)
    dccode.install()
    assert dccode._LOADED == {}                 # not code: none of it is used
    assert dataclasses.exec is dccode._exec
    assert _make()[0](1).b == "x"
