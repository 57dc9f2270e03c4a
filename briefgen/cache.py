"""Parsed inputs kept in the user's cache folder, so that the next process starts warm.

Parsing the content pack's YAML and the TrueType fonts is most of what a `briefgen brief`
process does before it lays out anything. Each parsed result is stored under a key that
hashes everything it depends on: the bytes (and names) of the input files, briefgen's own
source code, and the versions of Python and of the library that parsed it. A changed
file, a new briefgen or a new ReportLab simply misses and parses again.

Never a correctness risk: a missing, truncated, corrupt or foreign file, an unwritable
folder or any error while reading or writing means parsing as if there were no cache.
Files are written to a temporary name and renamed into place, so concurrent writers never
leave a torn file and readers never see one. The stored key is checked on reading.

The folder is `$XDG_CACHE_HOME/briefgen` (default `~/.cache/briefgen`), or
`$BRIEFGEN_CACHE_DIR`; `BRIEFGEN_NO_CACHE=1` turns the cache off.
"""

from __future__ import annotations

import functools
import hashlib
import os
import pickle
import sys
import time
from pathlib import Path
from typing import Any, Callable

_MAGIC = b"briefgen-cache-1\n"

# Files kept per kind, the least recently used removed first: each edit of a pack, each
# new briefgen and each content folder makes new keys, and the old files would pile up.
KEEP = {"pack": 8, "ttf": 48, "ttfmeta": 48, "yaml": 48, "pyphen": 16, "svg": 64,
        "svgform": 64, "paras": 32, "babel": 64, "dccode": 8, "markup": 64}
KEEP_OTHER = 32


def folder() -> Path | None:
    if os.environ.get("BRIEFGEN_NO_CACHE", "").strip() not in ("", "0"):
        return None
    explicit = os.environ.get("BRIEFGEN_CACHE_DIR")
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME") or ""
    if not os.path.isabs(base):  # the XDG rule: a relative value is ignored
        home = os.path.expanduser("~")
        if home == "~":
            return None
        base = os.path.join(home, ".cache")
    return Path(base) / "briefgen"


@functools.lru_cache(maxsize=1)
def code_fingerprint() -> str:
    """briefgen's own source and the interpreter: parsed objects are only valid for them.

    Each source file counts by its name, size and modification time (in nanoseconds):
    what Python itself checks before it runs a module's compiled code (it takes the
    time in seconds), so an entry is never older than the code that runs. Reading and
    hashing all the source instead took a hundredth of a whole `brief` process."""
    from briefgen import __version__
    h = hashlib.sha256(f"{__version__}|{sys.version}|{pickle.HIGHEST_PROTOCOL}".encode())
    package = os.path.dirname(os.path.realpath(__file__))
    stack = [""]
    files = []
    while stack:
        rel = stack.pop()
        with os.scandir(os.path.join(package, rel)) as entries:
            for entry in entries:
                name = os.path.join(rel, entry.name)
                if entry.is_dir(follow_symlinks=False):
                    if entry.name != "__pycache__":
                        stack.append(name)
                elif entry.name.endswith(".py"):
                    st = entry.stat()
                    files.append(f"{name}:{st.st_size}:{st.st_mtime_ns}")
    h.update("\n".join(sorted(files)).encode())
    return h.hexdigest()


@functools.lru_cache(maxsize=8)
def library_stamp(package: str) -> str:
    """The version of an installed package, known without importing it (importing svglib
    is what a cached result saves): the size and time of each of its top-level files."""
    import importlib.util
    try:
        spec = importlib.util.find_spec(package)
    except (ImportError, ValueError):
        return f"{package}:missing"
    if spec is None or not spec.origin:
        return f"{package}:missing"
    where = Path(spec.origin).parent if spec.submodule_search_locations else Path(spec.origin)
    files = sorted(where.glob("*.py")) if where.is_dir() else [where]
    parts = [package]
    for path in files:
        try:
            st = path.stat()
        except OSError:
            continue
        parts.append(f"{path.name}:{st.st_size}:{st.st_mtime_ns}")
    return "|".join(parts)


def key(*parts: str | bytes) -> str:
    h = hashlib.sha256(code_fingerprint().encode())
    for part in parts:
        data = part.encode() if isinstance(part, str) else part
        h.update(len(data).to_bytes(8, "little"))
        h.update(data)
    return h.hexdigest()


def _path(kind: str, k: str) -> Path | None:
    root = folder()
    return root / kind / f"{k}.pickle" if root else None


def _trusted(path: Path) -> bool:
    """Unpickling runs code: only files this user owns and nobody else may write."""
    try:
        return _trusted_stat(os.stat(path))
    except OSError:
        return False


def _trusted_stat(st: os.stat_result) -> bool:
    if not hasattr(os, "geteuid"):
        return True
    return st.st_uid == os.geteuid() and not st.st_mode & 0o022


def ensure_folder(path: Path) -> None:
    """`path` and the cache root above it, created readable by this user only."""
    root = folder()
    if root is not None and not root.is_dir():
        root.mkdir(parents=True, exist_ok=True, mode=0o700)
    path.mkdir(parents=True, exist_ok=True, mode=0o700)


def load(kind: str, k: str) -> Any | None:
    """The object stored under `k`, or None (missing, unreadable, stale or corrupt)."""
    root = folder()
    if root is None:
        return None
    name = os.path.join(root, kind, k + ".pickle")
    try:
        fd = os.open(name, os.O_RDONLY | getattr(os, "O_CLOEXEC", 0))
    except OSError:
        return None
    try:
        with open(fd, "rb") as fh:    # closes fd
            st = os.fstat(fh.fileno())
            if not _trusted_stat(st):
                return None
            data = fh.read()
    except OSError:
        return None
    header = _MAGIC + k.encode() + b"\n"
    if not data.startswith(header):
        return None
    try:
        value = pickle.loads(memoryview(data)[len(header):])
    except Exception:  # truncated or corrupt: parse instead
        return None
    # recently used: pruned last (a file used in the last minute already counts as such)
    if time.time() - st.st_mtime > 60:
        try:
            os.utime(name)
        except OSError:
            pass
    return value


def prune(folder_path: Path, keep: int) -> None:
    """Remove all but the `keep` most recently used entries of a folder."""
    try:
        entries = [(e.stat().st_mtime, e.path, e.is_dir()) for e in os.scandir(folder_path)
                   if not e.name.startswith(".tmp-")]
    except OSError:
        return
    if len(entries) <= keep:
        return
    import shutil
    for _, path, is_dir in sorted(entries, reverse=True)[keep:]:
        try:
            if is_dir:
                shutil.rmtree(path)
            else:
                os.unlink(path)
        except OSError:  # another process removed it first
            pass


def store(kind: str, k: str, value: Any) -> bool:
    """Keep `value` under `k`; silently does nothing when it cannot. Whether it was kept."""
    path = _path(kind, k)
    if path is None:
        return False
    try:
        payload = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
        ensure_folder(path.parent)
        from briefgen.output import new_file
        fd, tmp = new_file(path.parent, ".tmp-", ".pickle")
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(_MAGIC + k.encode() + b"\n")
                fh.write(payload)
            os.replace(tmp, path)
            prune(path.parent, KEEP.get(kind, KEEP_OTHER))
        except BaseException:
            try:
                os.unlink(tmp)
            except OSError:
                pass
            raise
    except Exception:  # a read-only home, a full disk, an unpicklable value: no cache
        return False
    return True


def cached(kind: str, k: str, make: Callable[[], Any]) -> Any:
    value = load(kind, k)
    if value is None:
        value = make()
        store(kind, k, value)
    return value


def folder_digest(root: Path) -> str:
    """A hash of the names and bytes of every file below `root`."""
    h = hashlib.sha256(str(Path(root).resolve()).encode())
    for path in sorted(Path(root).rglob("*")):
        if path.is_file():
            h.update(str(path.relative_to(root)).encode() + b"\0")
            data = path.read_bytes()
            h.update(len(data).to_bytes(8, "little"))
            h.update(data)
    return h.hexdigest()


def load_pack(root: Path):
    """`content.load_pack(root)`, from the cache when the pack's files are unchanged.

    A pack with problems is never stored: it raises on every load, as it should.
    """
    from briefgen import content
    try:
        # the path as given too: the pack's messages name files by it
        k = key("pack", str(root), folder_digest(root))
    except OSError:  # unreadable files: let the loader say which
        return content.load_pack(root)
    hit = load("pack", k)
    parsed = getattr(content, "_PARSED", None)
    if isinstance(hit, tuple) and len(hit) == 2 and isinstance(hit[0], content.Pack):
        if isinstance(parsed, dict) and isinstance(hit[1], dict):
            for text, nodes in hit[1].items():
                parsed.setdefault(text, nodes)
        return hit[0]
    pack = content.load_pack(root)
    store("pack", k, (pack, dict(parsed) if isinstance(parsed, dict) else {}))
    return pack


def load_yaml(path: Path, what: str = "YAML file"):
    """`sources.load_yaml(path, what)`, from the cache when the file is unchanged."""
    from briefgen import sources
    try:
        data = Path(path).read_bytes()
    except OSError:  # let the loader say what is wrong
        return sources.load_yaml(path, what)
    k = key("yaml", str(path), what, data)
    hit = load("yaml", k)
    if isinstance(hit, tuple) and len(hit) == 1:
        return hit[0]
    value = sources.load_yaml(path, what)
    store("yaml", k, (value,))
    return value
