"""The Typst side of bench_typst.py; runs in the bench's own Typst environment.

    bench/.venv-typst/bin/python bench/typst_worker.py FONT_DIR

Reads one JSON request a line on stdin and answers one JSON line on stdout:
  {"op": "warm", "file": F, "runs": N}   compile F N times with one Compiler
  {"op": "campaign", "root": D, "files": [F, ...]}  a fresh Compiler, then each file
                                         (all in folder D) once, as a campaign
Each answer gives the milliseconds of each compile, the process's peak RSS (KiB) and its
CPU seconds so far. Nothing of briefgen is imported here.
"""

from __future__ import annotations

import json
import resource
import sys
import time

import typst


def rss_kb() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def main() -> None:
    fonts = sys.argv[1]
    for line in sys.stdin:
        req = json.loads(line)
        times, sizes = [], []
        c0 = cpu()
        if req["op"] == "warm":
            compiler = typst.Compiler(req["file"], font_paths=[fonts], ignore_system_fonts=True)
            for _ in range(req["runs"]):
                t0 = time.perf_counter()
                pdf = compiler.compile()
                times.append((time.perf_counter() - t0) * 1000)
                sizes.append(len(pdf))
        elif req["op"] == "campaign":
            t0 = time.perf_counter()
            compiler = typst.Compiler(root=req["root"], font_paths=[fonts],
                                      ignore_system_fonts=True)
            for path in req["files"]:
                pdf = compiler.compile(path)
                sizes.append(len(pdf))
                t1 = time.perf_counter()
                times.append((t1 - t0) * 1000)  # the first includes making the compiler
                t0 = t1
        else:
            raise SystemExit(f"unknown op {req['op']!r}")
        print(json.dumps({"ms": times, "bytes": sizes, "rss_kb": rss_kb(),
                          "cpu_s": cpu() - c0}), flush=True)


if __name__ == "__main__":
    main()
