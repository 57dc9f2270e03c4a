"""What tagged PDF/UA-1 + PDF/A-2 costs: the same documents built tagged and untagged.

    .venv/bin/python bench/bench_tagging.py [--runs N]

Both renderers live in one process and take turns run by run, so that a busy machine slows
both alike; the figures are CPU time of this process (time.process_time), which other
processes on a shared machine disturb far less than wall-clock time, and each run starts
after a full garbage collection, so that none pays for another's garbage. "untagged" is the
renderer without marked content and without the archival objects ReportLab's save writes
for a tagged build (the output briefgen wrote before it tagged). Prints medians in
milliseconds and the tagged/untagged ratio, and the fastest run of each with their ratio
(on a busy machine other processes only ever add time, so the fastest runs are the
closest to what an idle machine measures), the median of the runs' own ratios (each
tagged run over the untagged run just before it: a pair sees nearly the same load), then
the time spent making the archival objects (structure tree, XMP, ...) for the full brief.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import statistics
import time

from briefgen import resources
from briefgen.build import Workspace
from briefgen.compose import CREATOR
from briefgen.render import Renderer
from briefgen.selection import Profile
from briefgen.theme import font_dirs


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    ws = Workspace()
    layout = ws.layout(None)
    dirs = font_dirs(layout.dirs, resources.fonts_dir())
    tagged = Renderer(layout.theme, dirs, tagged=True)
    plain = Renderer(layout.theme, dirs, tagged=False)
    date = dt.date(2026, 11, 23)
    cases = [
        ("full --all brief", Profile(municipality="Children Uprooted", all=True, date=date),
         "brief", {}),
        ("tailored brief (3 priorities)",
         Profile(municipality="Malmö", country="SE", date=date,
                 priorities=("protect", "detention", "services")), "brief", {}),
        ("factsheet (protect)", Profile(municipality="Malmö", country="SE", date=date),
         "factsheet", {"priority": "protect"}),
    ]
    for name, profile, kind, opts in cases:
        doc, _, _ = ws.compose(kind, profile, layout, **opts)
        render = (lambda r: r.render_one_page(doc, CREATOR)) if doc.one_page else \
            (lambda r: r.render(doc, CREATOR))
        samples = {"tagged": [], "untagged": []}
        for r in (tagged, plain):
            render(r)  # warm-up
        for _ in range(args.runs):
            for label, r in (("untagged", plain), ("tagged", tagged)):
                gc.collect()   # no run pays for garbage an earlier one left
                t0 = time.process_time()
                render(r)
                samples[label].append((time.process_time() - t0) * 1000)
        t, u = statistics.median(samples["tagged"]), statistics.median(samples["untagged"])
        pages = tagged.render(doc, CREATOR)[1] if not doc.one_page else 1
        tmin, umin = min(samples["tagged"]), min(samples["untagged"])
        paired = statistics.median(a / b for a, b in zip(samples["tagged"], samples["untagged"]))
        print(f"{name:<32} {pages:3d} pages   untagged {u:7.1f} ms   tagged {t:7.1f} ms   "
              f"ratio {t / u:5.2f} (+{(t - u) / pages:.2f} ms a page)   "
              f"fastest runs {umin:.1f} / {tmin:.1f} ms, ratio {tmin / umin:4.2f}   "
              f"paired ratio {paired:4.2f}   (n={args.runs})")
    # what the archival writing adds to ReportLab's save (structure tree, XMP, OutputIntent,
    # ToUnicode fixes), timed inside the full brief's tagged builds
    from briefgen.render import archive
    doc, _, _ = ws.compose("brief", cases[0][1], layout)
    spent: list[float] = []
    real = archive.ArchivalDocument.archival

    def timed(self, tagger):
        t0 = time.process_time()
        real(self, tagger)
        spent.append((time.process_time() - t0) * 1000)
    archive.ArchivalDocument.archival = timed
    try:
        for _ in range(args.runs):
            tagged.render(doc, CREATOR)
    finally:
        archive.ArchivalDocument.archival = real
    print(f"{'archival objects (full brief)':<32}           median {statistics.median(spent):7.1f} ms"
          "   (their writing by ReportLab's save not included)")


if __name__ == "__main__":
    main()
