"""Time briefs and factsheets inside one process (after a warm-up) and as whole processes.

    .venv/bin/python bench/bench_brief.py [--runs N]

Prints median and min/max milliseconds per document. Fonts, the content pack and the
layout are loaded once, as in a campaign worker.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from briefgen.build import Workspace
from briefgen.selection import Profile

ROOT = Path(__file__).resolve().parent.parent


def timed(fn, runs: int) -> list[float]:
    fn()  # warm-up: fonts, pack, layout, caches
    out = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        out.append((time.perf_counter() - t0) * 1000)
    return out


def report(name: str, samples: list[float]) -> None:
    print(f"{name:<44} median {statistics.median(samples):7.1f} ms   "
          f"min {min(samples):7.1f}   max {max(samples):7.1f}   (n={len(samples)})")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    ws = Workspace()
    date = dt.date(2026, 11, 23)
    full = Profile(all=True, date=date)   # the general edition of the whole agenda
    tailored = Profile(municipality="Malmö", country="SE", date=date,
                       priorities=("protect", "detention", "services"))
    report("full --all brief, in-process", timed(lambda: ws.build("brief", full), args.runs))
    report("tailored brief (3 priorities), in-process",
           timed(lambda: ws.build("brief", tailored), args.runs))
    report("factsheet (protect), in-process",
           timed(lambda: ws.build("factsheet", tailored, priority="protect"), args.runs))
    report(f"factsheets, all {len(ws.pack.priorities)}, in-process",
           timed(lambda: [ws.build("factsheet", tailored, priority=p.id)
                          for p in ws.pack.priorities], max(3, args.runs // 3)))
    report("at-a-glance, in-process", timed(lambda: ws.build("at-a-glance", tailored), args.runs))
    exe = str(Path(sys.executable).with_name("briefgen"))
    # with bytecode, as an installed briefgen has it (see bench_typst.py)
    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
    with tempfile.TemporaryDirectory() as tmp:
        cmd = [exe, "brief", "--all", "--date", "2026-11-23",
               "-o", str(Path(tmp) / "full.pdf")]
        report("whole `briefgen brief --all` process",
               timed(lambda: subprocess.run(cmd, check=True, capture_output=True),
                     max(3, args.runs // 3)))


if __name__ == "__main__":
    main()
