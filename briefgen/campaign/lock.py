"""One campaign run per output folder at a time.

Two runs on one folder would delete each other's temporary files and overwrite each
other's manifest. The run holds an exclusive `flock` on DIR/.briefgen.lock, which the
kernel releases however the process ends (even kill -9), and writes who holds it into the
file so that a second run can say so. The file is removed when the run ends; a file left
by a killed run holds no lock and is simply taken over.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import socket
from contextlib import contextmanager
from pathlib import Path

from briefgen.errors import OutputError

LOCK_NAME = ".briefgen.lock"


def _holder(path: Path) -> str:
    try:
        info = json.loads(path.read_text(encoding="utf-8"))
        return (f"pid {int(info['pid'])} on {info['host']}, started {info['started']}")
    except (OSError, ValueError, KeyError, TypeError):
        return "a run that has not said who it is yet"


@contextmanager
def folder_lock(out_dir: Path):
    """Hold the folder's lock for the duration of the block, or raise OutputError (exit 2)
    naming the run that holds it."""
    try:
        import fcntl
    except ImportError:  # pragma: no cover - not POSIX: no lock, as before
        yield
        return
    path = Path(out_dir) / LOCK_NAME
    while True:
        try:
            fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW, 0o644)
        except OSError as exc:
            raise OutputError(f"cannot lock the output folder {out_dir}: {exc.strerror}",
                              hint="check the folder's permissions or choose another --out",
                              code="output.lock") from None
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            raise OutputError(f"another campaign is writing to {out_dir} "
                              f"({_holder(path)})",
                              hint="wait for it to finish, or give this one another --out",
                              code="output.locked") from None
        # The holder before us may have removed the file between our open and our lock:
        # then we hold a lock on a file nobody else sees, and must start again.
        try:
            same = os.fstat(fd).st_ino == os.stat(path, follow_symlinks=False).st_ino
        except FileNotFoundError:
            same = False
        if same:
            break
        os.close(fd)
    try:
        started = dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d %H:%M:%S UTC")
        record = json.dumps({"pid": os.getpid(), "host": socket.gethostname(),
                             "started": started})
        os.ftruncate(fd, 0)
        os.write(fd, record.encode() + b"\n")
        yield
    finally:
        try:
            os.unlink(path)
        except OSError:
            pass
        os.close(fd)
