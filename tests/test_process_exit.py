"""A one-shot command run as its own process ends without Python's teardown.

After `brief` or `factsheet` the process flushes its output, runs atexit's handlers and
ends with the exit code the command decided: what it wrote, and that code, must be
exactly what a normal exit gives.
"""

from __future__ import annotations

import os
import subprocess
import sys

from conftest import DATE, REPO

SHEET = ["factsheet", "-p", "protect", "--date", DATE]


def _run(args, **kw):
    return subprocess.run([sys.executable, "-m", "briefgen", *args], cwd=REPO,
                          capture_output=True, **kw)


def test_the_whole_pdf_arrives_on_standard_output(tmp_path):
    to_file = _run([*SHEET, "-o", str(tmp_path / "sheet.pdf")])
    assert to_file.returncode == 0, to_file.stderr
    to_stdout = _run([*SHEET, "-o", "-"])
    assert to_stdout.returncode == 0, to_stdout.stderr
    assert to_stdout.stdout == (tmp_path / "sheet.pdf").read_bytes()
    assert to_stdout.stdout.rstrip().endswith(b"%%EOF")


def test_the_exit_code_of_an_error_survives(tmp_path):
    result = _run(["factsheet", "-p", "nonsense", "--date", DATE,
                   "-o", str(tmp_path / "x.pdf")], text=True)
    assert result.returncode == 2
    assert result.stderr.startswith("briefgen: error: unknown priority 'nonsense'")
    assert not (tmp_path / "x.pdf").exists()


def test_atexit_handlers_still_run(tmp_path):
    code = ("import atexit, sys\n"
            "atexit.register(lambda: print('handler ran', flush=True))\n"
            "from briefgen.cli import main\n"
            "sys.argv = ['briefgen', *sys.argv[1:]]\n"
            "main()\n")
    result = subprocess.run([sys.executable, "-c", code, *SHEET,
                             "-o", str(tmp_path / "sheet.pdf")], cwd=REPO,
                            capture_output=True, text=True, env={**os.environ})
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "handler ran"
    assert (tmp_path / "sheet.pdf").read_bytes().startswith(b"%PDF")
