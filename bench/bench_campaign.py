"""Time a generated campaign (briefs only) with one and with two worker processes.

    .venv/bin/python bench/bench_campaign.py [--rows 1000] [--jobs 1 2] [--all]

Prints the baseline, the same rows' briefs built one after another with Workspace.build
in this process with no campaign around them (no files, no manifest), and then, for each
--jobs value, briefs per second, the time per brief per worker against the baselines
measured just before and just after that run (this machine's speed drifts over minutes,
so a single baseline misleads), the speed-up, and the peak RSS of each worker process
(ru_maxrss, as the worker reports it with each row) after its share of the first 100
rows and at the end: a flat line means memory does not grow with the campaign. With
--jobs 1 the rows are built in the campaign's own process, so that figure includes it.
"""

from __future__ import annotations

import argparse
import csv
import os
import random
import tempfile
import time
from pathlib import Path

from briefgen.campaign import read_rows, row_profile, run_campaign
from briefgen.selection import default_date

NAMES = ["Malmö", "Kraków", "São Paulo", "Αθήνα", "Москва", "Springfield", "Lund", "Gävle",
         "Zürich", "Málaga", "Łódź", "Reykjavík", "Tromsø", "Córdoba", "Nîmes", "Ghent",
         "Kyiv", "Thessaloniki", "Bogotá", "Medellín", "Nairobi", "Kampala", "Dakar",
         "Lyon", "Marseille", "Palermo", "Lampedusa", "Tijuana", "Oaxaca", "Tapachula"]
COUNTRIES = ["SE", "PL", "BR", "GR", "RU", "US", "SE", "SE", "CH", "ES", "PL", "IS", "NO",
             "AR", "FR", "BE", "UA", "GR", "CO", "CO", "KE", "UG", "SN", "FR", "FR", "IT",
             "IT", "MX", "MX", "MX"]
PRIORITIES = ["protect", "detention", "families", "services", "root-causes", "xenophobia"]


def make_campaign(path: Path, rows: int, seed: int = 4, full: bool = False) -> None:
    """Rows with zero to three priorities, or with full=True the whole agenda in each."""
    rng = random.Random(seed)
    with open(path, "w", encoding="utf-8", newline="") as fh:
        out = csv.writer(fh)
        out.writerow(["municipality", "country", "priorities", "role", "date"]
                     + (["all"] if full else []))
        for i in range(rows):
            k = i % len(NAMES)
            picked = rng.sample(PRIORITIES, rng.choice([0, 1, 1, 2, 2, 3]))
            out.writerow([f"{NAMES[k]} {i // len(NAMES) + 1}" if i >= len(NAMES) else NAMES[k],
                          COUNTRIES[k], "" if full else ";".join(picked),
                          rng.choice(["", "arrival", "departure", "transit"]), "2026-11-23"]
                         + (["true"] if full else []))


def baseline(csv_path: Path) -> float:
    """Seconds per brief, building the campaign's rows directly (what `briefgen brief` does
    in-process, once the pack, layout and fonts are loaded)."""
    from briefgen.build import Workspace
    ws = Workspace(None)
    profiles = [row_profile(row, default_date())[0] for row in read_rows(csv_path)]
    ws.build("brief", profiles[0])  # load fonts, pack and layout before the clock starts
    t0 = time.perf_counter()
    for profile in profiles:
        ws.build("brief", profile)
    per_brief = (time.perf_counter() - t0) / len(profiles)
    print(f"baseline: {len(profiles)} briefs in-process, no campaign: "
          f"{per_brief * 1000:6.1f} ms per brief = {1 / per_brief:6.2f} briefs/s")
    return per_brief


def bench(csv_path: Path, jobs: int, rows: int, before: float) -> tuple[float, float]:
    """(briefs per second, the baseline measured after the run)."""
    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        result = run_campaign(csv_path, Path(tmp) / "out", jobs=jobs, force=True)
        seconds = time.perf_counter() - t0
    assert result.built == rows and not result.failed, (result.built, result.problems[:3])
    rate = result.built / seconds
    cost = seconds * jobs / result.built  # time per brief if every worker is busy
    print(f"--jobs {jobs}: {result.built} briefs in {seconds:6.1f} s = {rate:6.2f} briefs/s; "
          f"{cost * 1000:6.1f} ms per brief per worker")
    if jobs == 1:  # the campaign's own work (files, hashes, manifests), apart from building
        own = (seconds - result.build_seconds) / result.built
        print(f"    campaign work besides building: {own * 1000:.1f} ms per brief "
              f"({own / (result.build_seconds / result.built):.1%} of a build)")
    early = min(100, rows)
    by_pid: dict[int, list[tuple[int, int]]] = {}
    for n, pid, rss in result.memory:
        by_pid.setdefault(pid, []).append((n, rss))
    for pid, samples in sorted(by_pid.items()):
        at_early = max((rss for n, rss in samples if n <= early), default=0)
        at_end = samples[-1][1]
        print(f"    worker {pid}: {len(samples):5d} rows, peak RSS {at_early / 1024:6.1f} MiB "
              f"at row {early}, {at_end / 1024:6.1f} MiB at row {rows} "
              f"({(at_end - at_early) / 1024:+.1f} MiB)")
        # the curve between: flat once the worker's bounded stores have filled
        marks = [rows * q // 4 for q in (1, 2, 3)]
        curve = [max((rss for n, rss in samples if n <= m), default=0) for m in marks]
        print("      peak RSS by row " + ", ".join(f"{m}: {c / 1024:.1f} MiB"
                                                  for m, c in zip(marks, curve)))
    if not before:  # --no-baseline
        return rate, 0.0
    after = baseline(csv_path)
    print(f"    --jobs {jobs} per brief per worker: {cost / ((before + after) / 2):.2f}x the "
          "baselines just before and after")
    return rate, after


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1000)
    parser.add_argument("--jobs", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--all", action="store_true",
                        help="every row the full agenda brief (the Typst bench's document)")
    parser.add_argument("--no-baseline", action="store_true",
                        help="skip the in-process baselines (memory and rate only)")
    args = parser.parse_args()
    print(f"{args.rows} rows, briefs only{' (full agenda)' if args.all else ''}, "
          f"{os.cpu_count()} CPUs")
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "campaign.csv"
        make_campaign(path, args.rows, full=args.all)
        rates = {}
        latest = 0.0 if args.no_baseline else baseline(path)
        for jobs in args.jobs:
            rates[jobs], latest = bench(path, jobs, args.rows, latest)
    if len(rates) > 1:
        first, *rest = args.jobs
        for jobs in rest:
            print(f"speed-up --jobs {jobs} / --jobs {first}: {rates[jobs] / rates[first]:.2f}x")


if __name__ == "__main__":
    main()
