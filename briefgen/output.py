"""Writing files so that a failed or killed build never leaves a half-written one.

A target is written only when it is a new path or a regular file: a device node
(`-o /dev/null` run as root), a FIFO or a symbolic link is refused, never replaced. With
`root` (a campaign's output folder) the file must also lie inside that folder without
passing through a symbolic link, so a link planted in the folder cannot send the writes
(or the clean-up of temporary files) anywhere else.
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

from briefgen.errors import OutputError

# A name's own limit (NAME_MAX) is 255 bytes on the file systems briefgen meets; the
# temporary file is '.' + a prefix of the name + '.' + 12 random characters + '.part', so
# the prefix is cut to leave room whatever the name's length.
MAX_NAME_BYTES = 255
TEMP_PREFIX_BYTES = 100


def new_file(folder, prefix: str, suffix: str, mode: int = 0o600) -> tuple[int, str]:
    """A file of a name nobody else has, created and opened for writing: its descriptor and
    path. What `tempfile.mkstemp` does (a random name, created only if new, links not
    followed), without importing tempfile, which brings shutil and random: about 3 ms of
    a whole `briefgen brief` process, which otherwise never needs them. The new file gets
    `mode` less the umask, as any file the process creates."""
    flags = (os.O_RDWR | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0) |
             getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_BINARY", 0))
    for _ in range(100):
        name = os.path.join(folder, f"{prefix}{os.urandom(6).hex()}{suffix}")
        try:
            return os.open(name, flags, mode), name
        except FileExistsError:
            continue
    raise FileExistsError(errno.EEXIST, "no unused temporary name", str(folder))


def temp_prefix(name: str) -> str:
    """The start of the temporary files' names for `name` ('.NAME.' cut to fit)."""
    raw = name.encode("utf-8")[:TEMP_PREFIX_BYTES].decode("utf-8", "ignore")
    return f".{raw}."


def check_target(path: Path, root: Path | None = None) -> None:
    """Refuse a target that is not a new path or a regular file, or (with `root`) that is
    outside `root` or reached through a symbolic link below it."""
    path = Path(path)
    if len(path.name.encode("utf-8")) > MAX_NAME_BYTES:
        raise OutputError(f"output file name is {len(path.name.encode('utf-8'))} bytes long; "
                          f"file systems allow {MAX_NAME_BYTES}: {path.name[:40]}…",
                          hint="choose a shorter -o/--output name", code="output.name")
    if root is not None:
        root = Path(root)
        try:
            rel = path.relative_to(root)
        except ValueError:
            raise OutputError(f"{path} is outside the output folder {root}",
                              code="output.outside") from None
        current = root
        for part in rel.parts[:-1]:
            if part in ("..", "."):
                raise OutputError(f"{path} is outside the output folder {root}",
                                  code="output.outside")
            current = current / part
            if current.is_symlink():
                raise OutputError(f"{current} is a symbolic link; briefgen never writes "
                                  "through links in an output folder",
                                  hint="remove the link (or choose another --out)",
                                  code="output.link")
            if current.exists() and not current.is_dir():
                raise OutputError(f"{current} is a file where a folder is needed",
                                  hint="remove it or choose another --out",
                                  code="output.folder")
    try:
        info = os.lstat(path)
    except FileNotFoundError:
        return
    except OSError as exc:
        raise OutputError(f"cannot use output path {path}: {exc.strerror}",
                          code="output.unwritable") from None
    if stat.S_ISLNK(info.st_mode):
        raise OutputError(f"output path is a symbolic link: {path}",
                          hint="briefgen replaces only regular files; remove the link or "
                               "write the PDF elsewhere", code="output.link")
    if stat.S_ISDIR(info.st_mode):
        raise OutputError(f"output path is a folder: {path}",
                          hint="give a file name ending in .pdf", code="output.folder")
    if not stat.S_ISREG(info.st_mode):
        raise OutputError(f"output path is not a regular file: {path} "
                          f"({_kind(info.st_mode)})",
                          hint="briefgen writes only new or regular files; give a path "
                               "ending in .pdf", code="output.special")


def _kind(mode: int) -> str:
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISFIFO(mode):
        return "a named pipe"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a file"


def write_atomic(path: Path, data: bytes, root: Path | None = None) -> None:
    path = Path(path)
    folder = path.parent
    check_target(path, root)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(f"cannot create output folder {folder}: {exc.strerror}",
                          hint="choose another -o/--output path", code="output.folder") from None
    check_target(path, root)  # the folder may have been made by someone else meanwhile
    try:
        # as any new file: the permissions the umask gives
        fd, tmp = new_file(folder, temp_prefix(path.name), ".part", 0o666)
    except OSError as exc:
        raise OutputError(f"cannot write to {folder}: {exc.strerror}",
                          hint="check the folder's permissions or choose another output path",
                          code="output.unwritable") from None
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except OSError as exc:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise OutputError(f"cannot write {path}: {exc.strerror}", code="output.unwritable") from None
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
