"""`briefgen serve` as started from a terminal on another address: it prints the address
with a fresh access token, and answers nothing without it."""

from __future__ import annotations

import re
import subprocess
import sys
import time
import urllib.error
import urllib.request

from serving import free_port


def test_another_address_prints_a_token_and_needs_it(tmp_path):
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "briefgen", "serve", "--host", "0.0.0.0",
                             "--port", str(port), "--data", str(tmp_path), "--jobs", "1"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        line = proc.stderr.readline()
        found = re.fullmatch(rf"briefgen: serving on http://0\.0\.0\.0:{port}/\?token=(\S+)\n",
                             line)
        assert found, line
        token = found.group(1)
        assert len(token) >= 16
        base = f"http://127.0.0.1:{port}/static/app.css"
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(base, timeout=2)
                raise AssertionError("answered without the token")
            except urllib.error.HTTPError as exc:
                assert exc.code == 401
                break
            except OSError:
                assert time.monotonic() < deadline and proc.poll() is None
                time.sleep(0.2)
        with_token = urllib.request.Request(base, headers={"Authorization": f"Bearer {token}"})
        assert urllib.request.urlopen(with_token, timeout=10).status == 200
    finally:
        proc.terminate()
        proc.wait(20)
