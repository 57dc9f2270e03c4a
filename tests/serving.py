"""A real `briefgen serve` process on a free port, for the browser and load tests."""

from __future__ import annotations

import contextlib
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def running_server(data: Path, jobs: int = 1):
    """Yields the base URL; afterwards checks that the log holds no traceback."""
    port = free_port()
    log_path = data / "server.log"
    with open(log_path, "wb") as log:
        proc = subprocess.Popen([sys.executable, "-m", "briefgen", "serve", "--port",
                                 str(port), "--data", str(data / "data"), "--jobs", str(jobs)],
                                stdout=log, stderr=subprocess.STDOUT)
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 90
        while True:
            try:
                urllib.request.urlopen(base + "/static/app.css", timeout=2)
                break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    proc.kill()
                    pytest.fail("the server did not start: "
                                + log_path.read_text(errors="replace"))
                time.sleep(0.2)
        try:
            yield base
        finally:
            proc.terminate()
            try:
                proc.wait(20)
            except subprocess.TimeoutExpired:
                proc.kill()
    assert "Traceback" not in log_path.read_text(errors="replace")
