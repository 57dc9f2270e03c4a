"""Writing files so that a failed or killed build never leaves a half-written one."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from briefgen.errors import OutputError


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def write_atomic(path: Path, data: bytes) -> None:
    path = Path(path)
    folder = path.parent
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(f"cannot create output folder {folder}: {exc.strerror}",
                          hint="choose another -o/--output path", code="output.folder") from None
    if path.is_dir():
        raise OutputError(f"output path is a folder: {path}", hint="give a file name ending in .pdf",
                          code="output.folder")
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=folder)
    except OSError as exc:
        raise OutputError(f"cannot write to {folder}: {exc.strerror}",
                          hint="check the folder's permissions or choose another output path",
                          code="output.unwritable") from None
    try:
        # mkstemp creates 0600 files; a PDF should get the permissions the umask gives.
        os.chmod(tmp, 0o666 & ~_umask())
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
