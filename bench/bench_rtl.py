"""Cost of right-to-left and shaped text: an Arabic full brief against the English one.

    .venv/bin/python bench/bench_rtl.py [--runs N]

Renders in one process after a warm-up, as a campaign worker does. The Arabic brief uses
the test pack of tests/rtl_pack.py (the bundled pack with Arabic added to a few texts,
the rest falling back to English) and the Arabic labels of tests/packs/arabic-layout:
in a right-to-left document every paragraph takes the shaped path, Arabic or not, so
the figure is the shaped path's cost for a whole brief. Prints medians per document and
per page, and the ratio.
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from rtl_pack import ARABIC_LAYOUT, arabic_pack  # noqa: E402

from briefgen.build import Workspace  # noqa: E402
from briefgen.selection import Profile  # noqa: E402


class _Pages:
    def __init__(self, pages: int):
        self.pages = pages


def timed(fn, runs: int) -> tuple[list[float], int, float]:
    t0 = time.perf_counter()
    pages = fn().pages  # the first: fonts, shaping and line caches are empty
    first = (time.perf_counter() - t0) * 1000
    out = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        out.append((time.perf_counter() - t0) * 1000)
    return out, pages, first


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=9)
    args = parser.parse_args()
    date = dt.date(2026, 11, 23)
    with tempfile.TemporaryDirectory() as tmp:
        ar_ws = Workspace(arabic_pack(Path(tmp)))
        en_ws = Workspace()
        # Composing is timed apart: with the test pack most Arabic texts fall back to
        # English, and recording each fallback costs more than the layout itself; the
        # translated pack composes like any other language. Rendering is the part the
        # direction and the shaping change.
        def rendered(ws, profile, layout=None, **kw):
            doc, lay, _ = ws.compose("brief", profile, layout, **kw)
            renderer = ws.renderer(lay)
            return lambda: _Pages(renderer.render(doc, "bench")[1])

        en = Profile(municipality="Beirut", country="LB", all=True, date=date)
        en_name = Profile(municipality="\u0628\u064a\u0631\u0648\u062a", country="LB",
                          all=True, date=date)
        ar = Profile(municipality="\u0628\u064a\u0631\u0648\u062a", country="LB", all=True,
                     date=date, lang="ar")
        cases = [
            ("English full --all brief, render", rendered(en_ws, en)),
            ("English, Arabic municipality, render", rendered(en_ws, en_name)),
            ("Arabic full --all brief (RTL), render",
             rendered(ar_ws, ar, str(ARABIC_LAYOUT), allow_fallback=True)),
            ("English full --all brief, compose+render", lambda: en_ws.build("brief", en)),
        ]
        medians, firsts = [], []
        for name, fn in cases:
            samples, pages, first = timed(fn, args.runs)
            med = statistics.median(samples)
            medians.append(med)
            print(f"{name:<42} first {first:7.1f} ms   median {med:7.1f} ms  "
                  f"({med / pages:5.1f} ms/page, {pages} pages)   min {min(samples):7.1f}   "
                  f"max {max(samples):7.1f}   (n={len(samples)})")
            firsts.append(first)
        print(f"Arabic / English: {medians[2] / medians[0]:.2f}x repeated, "
              f"{firsts[2] / firsts[0]:.2f}x first")


if __name__ == "__main__":
    main()
