"""briefgen and Typst side by side, on the same text, measured in one run.

    make bench-typst            (makes bench/.venv-typst with the `typst` package, then runs)
    .venv/bin/python bench/bench_typst.py [--rounds 5] [--docs 30] [--warm 5]

Both typeset the bundled pack's full agenda (`brief --all`, the general edition; in the
campaign, one per municipality): briefgen composes the
Document, and bench/typst_source.py writes the same blocks as Typst source (headings,
paragraphs, lists, boxes, footnotes, endnotes, contents, running head and page numbers),
so the words, notes and links are the same. Typst runs through its Python binding in
its own environment (never a dependency of briefgen), in a worker process of its own.

Each round measures, one after the other so that the machine's drift hits both alike:
- cold process: a whole `briefgen brief --all` process against a whole Python process
  that imports typst and compiles the file (both with their caches warm, as a user's
  second run has them); and once per round a briefgen process with an empty cache folder;
- warm in-process: the same document again in a process that already built it;
- campaign per document: `--docs` full agenda briefs, each for another municipality, as a
  campaign (`run_campaign`, one worker, files written) against a fresh Typst compiler
  compiling the `--docs` sources one after the other.
`--cold N` takes N whole-process pairs per round (briefgen, then Typst, N times).
Printed: the median over rounds of each figure, both sides, and the ratio briefgen/Typst
of those medians (for whole processes and the campaign also the median of each pair's or
round's own ratio, which the machine's drift between rounds disturbs least); memory as
peak RSS of each process; and the CPU time (user + system) of the cold processes and of
the campaigns, which another job on the machine disturbs far less than the wall time (on
a busy machine, compare those).

Typst lays out on several threads; by default it gets one (RAYON_NUM_THREADS=1), as a
campaign worker per CPU does. --typst-threads 0 lets it take what it wants.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

from typst_source import typst_source  # noqa: E402

from briefgen.build import Workspace  # noqa: E402
from briefgen.campaign import run_campaign  # noqa: E402
from briefgen.selection import Profile  # noqa: E402

DATE = dt.date(2026, 11, 23)
NAMES = ["Malmö", "Kraków", "São Paulo", "Αθήνα", "Springfield", "Lund", "Gävle", "Zürich",
         "Málaga", "Łódź", "Reykjavík", "Tromsø", "Córdoba", "Nîmes", "Ghent", "Kyiv",
         "Thessaloniki", "Bogotá", "Medellín", "Nairobi", "Kampala", "Dakar", "Lyon",
         "Marseille", "Palermo", "Lampedusa", "Tijuana", "Oaxaca", "Tapachula", "Bergen"]
TYPST_COLD = ("import sys, typst; typst.compile(sys.argv[1], output=sys.argv[2], "
              "font_paths=[sys.argv[3]], ignore_system_fonts=True)")


def typst_python() -> Path:
    return Path(os.environ.get("TYPST_PYTHON", HERE / ".venv-typst" / "bin" / "python"))


# A small process starts each measured one: the peak RSS a child reports counts what it
# inherited at fork, so forking from this (large) process would inflate it.
SPAWN = """
import json, os, subprocess, sys, time
t0 = time.perf_counter()
proc = subprocess.Popen(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
err = proc.stderr.read()
_, status, usage = os.wait4(proc.pid, 0)
ms = (time.perf_counter() - t0) * 1000
print(json.dumps({"ms": ms, "rss_kb": usage.ru_maxrss, "rc": os.waitstatus_to_exitcode(status),
                  "cpu_ms": (usage.ru_utime + usage.ru_stime) * 1000,
                  "err": err.decode(errors="replace")[-2000:]}))
"""


def run_measured(cmd: list[str], env=None) -> tuple[float, int]:
    """Wall milliseconds and peak RSS (KiB) of a whole child process (its CPU
    milliseconds go to LAST_CPU_MS)."""
    out = subprocess.run([sys.executable, "-S", "-c", SPAWN, *cmd], env=env, check=True,
                         capture_output=True, text=True).stdout
    answer = json.loads(out)
    if answer["rc"]:
        raise SystemExit(f"{cmd[0]} failed ({answer['rc']}): {answer['err']}")
    LAST_CPU_MS[0] = answer["cpu_ms"]
    return answer["ms"], answer["rss_kb"]


LAST_CPU_MS = [0.0]


def cpu_ms() -> float:
    r = resource.getrusage(resource.RUSAGE_SELF)
    return (r.ru_utime + r.ru_stime) * 1000


class TypstWorker:
    def __init__(self, fonts: Path, env):
        self.proc = subprocess.Popen([str(typst_python()), str(HERE / "typst_worker.py"),
                                      str(fonts)], stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, text=True, env=env)

    def ask(self, **req) -> dict:
        self.proc.stdin.write(json.dumps(req) + "\n")
        self.proc.stdin.flush()
        line = self.proc.stdout.readline()
        if not line:
            raise SystemExit("the Typst worker stopped")
        return json.loads(line)

    def close(self):
        self.proc.stdin.close()
        self.proc.wait()


def rss_kb() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def med(xs):
    return statistics.median(xs)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--docs", type=int, default=30, help="documents per campaign")
    parser.add_argument("--warm", type=int, default=5, help="warm builds per round")
    parser.add_argument("--cold", type=int, default=1,
                        help="whole-process pairs (briefgen, then Typst) per round")
    parser.add_argument("--typst-threads", type=int, default=1,
                        help="RAYON_NUM_THREADS for Typst (0: Typst decides)")
    args = parser.parse_args()
    if not typst_python().exists():
        raise SystemExit(f"no Typst environment at {typst_python()}: run `make bench-typst`")
    # A user's installed briefgen has its bytecode (pip compiles it); a checkout gets it on
    # its first run. An environment that forbids writing it would make every measured
    # process compile briefgen's modules from source (a few hundred ms): not what users see.
    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
    typst_env = dict(os.environ)
    if args.typst_threads:
        typst_env["RAYON_NUM_THREADS"] = str(args.typst_threads)
    fonts = ROOT / "fonts"
    # briefgen's cache folder of its own for this run: on a machine where others build
    # (tests copying packs), the user's folder may drop this checkout's entries between
    # rounds, and a "warm" process would parse everything again
    bench_cache = tempfile.TemporaryDirectory(prefix="bench-cache-")
    os.environ["BRIEFGEN_CACHE_DIR"] = bench_cache.name
    ws = Workspace()
    full = Profile(all=True, date=DATE)  # the general edition: no municipality

    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        # ---- the same text for both
        doc, layout, _ = ws.compose("brief", full)
        full_typ = tmp / "full.typ"
        full_typ.write_text(typst_source(doc, layout.theme), encoding="utf-8")
        names = [NAMES[i % len(NAMES)] + (f" {i // len(NAMES) + 1}" if i >= len(NAMES) else "")
                 for i in range(args.docs)]
        typ_files = []
        for i, name in enumerate(names):
            d, lay, _ = ws.compose("brief", Profile(municipality=name, all=True, date=DATE))
            path = tmp / f"row-{i:04d}.typ"
            path.write_text(typst_source(d, lay.theme), encoding="utf-8")
            typ_files.append(str(path))
        rows_csv = tmp / "campaign.csv"
        with open(rows_csv, "w", encoding="utf-8", newline="") as fh:
            out = csv.writer(fh)
            out.writerow(["municipality", "all", "date"])
            for name in names:
                out.writerow([name, "true", DATE.isoformat()])

        exe = str(Path(sys.executable).with_name("briefgen"))
        cold_cmd = [exe, "brief", "--all", "--date", DATE.isoformat(),
                    "-o", str(tmp / "cold.pdf")]
        typst_cold_cmd = [str(typst_python()), "-c", TYPST_COLD, str(full_typ),
                          str(tmp / "cold-typst.pdf"), str(fonts)]
        empty_cache_env = dict(os.environ)

        worker = TypstWorker(fonts, typst_env)
        # warm-ups (not measured): both processes' caches, both workers' first builds
        run_measured(cold_cmd)
        run_measured(typst_cold_cmd, typst_env)
        first = worker.ask(op="warm", file=str(full_typ), runs=1)
        pdf = ws.build("brief", full).pdf
        built_pages = ws.build("brief", full).pages
        typst_pages = _pages(tmp / "cold-typst.pdf")
        print(f"the full agenda brief: briefgen {built_pages} pages, {len(pdf) / 1024:.0f} KiB; "
              f"Typst {typst_pages} pages, {first['bytes'][0] / 1024:.0f} KiB")
        print(f"{args.rounds} rounds, interleaved; Typst threads: "
              f"{args.typst_threads or 'its own choice'}; {os.cpu_count()} CPUs\n")

        fig: dict[str, list[float]] = {k: [] for k in (
            "cold_b", "cold_t", "cold_empty", "warm_b", "warm_t", "camp_b", "camp_t",
            "rss_cold_b", "rss_cold_t", "rss_warm_t", "rss_camp_b", "rss_camp_t",
            "cpu_cold_b", "cpu_cold_t", "cpu_camp_b", "cpu_camp_t")}
        for r in range(args.rounds):
            for _ in range(args.cold):
                ms, rss = run_measured(cold_cmd)
                fig["cold_b"].append(ms)
                fig["rss_cold_b"].append(rss)
                fig["cpu_cold_b"].append(LAST_CPU_MS[0])
                ms, rss = run_measured(typst_cold_cmd, typst_env)
                fig["cold_t"].append(ms)
                fig["rss_cold_t"].append(rss)
                fig["cpu_cold_t"].append(LAST_CPU_MS[0])
            with tempfile.TemporaryDirectory() as cache:
                empty_cache_env["BRIEFGEN_CACHE_DIR"] = cache
                fig["cold_empty"].append(run_measured(cold_cmd, empty_cache_env)[0])

            samples = []
            for _ in range(args.warm):
                t0 = time.perf_counter()
                ws.build("brief", full)
                samples.append((time.perf_counter() - t0) * 1000)
            fig["warm_b"].append(med(samples))
            answer = worker.ask(op="warm", file=str(full_typ), runs=args.warm)
            fig["warm_t"].append(med(answer["ms"]))
            fig["rss_warm_t"].append(answer["rss_kb"])

            t0, c0 = time.perf_counter(), cpu_ms()
            result = run_campaign(rows_csv, tmp / f"out-{r}", jobs=1, force=True)
            seconds = time.perf_counter() - t0
            fig["cpu_camp_b"].append((cpu_ms() - c0) / args.docs)
            assert result.built == args.docs and not result.failed, result.problems[:3]
            fig["camp_b"].append(seconds * 1000 / args.docs)
            fig["rss_camp_b"].append(max(rss for _, _, rss in result.memory))
            answer = worker.ask(op="campaign", root=str(tmp), files=typ_files)
            fig["camp_t"].append(sum(answer["ms"]) / args.docs)
            fig["cpu_camp_t"].append(answer["cpu_s"] * 1000 / args.docs)
            fig["rss_camp_t"].append(answer["rss_kb"])
            print(f"round {r + 1}: cold {fig['cold_b'][-1]:6.0f} / {fig['cold_t'][-1]:6.0f} ms, "
                  f"warm {fig['warm_b'][-1]:6.1f} / {fig['warm_t'][-1]:6.1f} ms, campaign "
                  f"{fig['camp_b'][-1]:6.1f} / {fig['camp_t'][-1]:6.1f} ms per document "
                  "(briefgen / Typst)", flush=True)
        worker.close()

    def line(what, b, t, unit="ms", digits=1):
        bm, tm = med(fig[b]), med(fig[t])
        print(f"{what:<38} {bm:8.{digits}f} {unit} {tm:8.{digits}f} {unit}   {bm / tm:5.2f}x")

    def paired(what, b, t, show=True):
        # each round's two figures were taken one after the other, under the same load:
        # the median of the rounds' own ratios swings less than the ratio of the medians,
        # whose two medians may come from different rounds
        ratios = sorted(x / y for x, y in zip(fig[b], fig[t]))
        spread = (f"(rounds: {' '.join(f'{r:.2f}' for r in ratios)})" if show else
                  f"({len(ratios)} pairs, {ratios[0]:.2f}-{ratios[-1]:.2f})")
        print(f"{what:<38} {'':>11} {'':>11}   {med(ratios):5.2f}x  {spread}")

    print(f"\n{'median of ' + str(args.rounds) + ' rounds':<38} {'briefgen':>11} {'Typst':>11}"
          "   ratio")
    line("cold process (whole brief --all)", "cold_b", "cold_t", digits=0)
    line("  briefgen with an empty cache", "cold_empty", "cold_t", digits=0)
    line("warm in-process, per document", "warm_b", "warm_t")
    line(f"campaign, per document ({args.docs} docs)", "camp_b", "camp_t")
    # CPU time is far less sensitive than wall time to what else the machine runs
    line("CPU: cold process", "cpu_cold_b", "cpu_cold_t", digits=0)
    line("CPU: campaign, per document", "cpu_camp_b", "cpu_camp_t")
    paired("cold process, median of pair ratios", "cold_b", "cold_t", args.cold == 1)
    paired("CPU: cold, median of pair ratios", "cpu_cold_b", "cpu_cold_t", args.cold == 1)
    paired("campaign, median of round ratios", "camp_b", "camp_t")
    paired("CPU: campaign, median of round ratios", "cpu_camp_b", "cpu_camp_t")
    kib = {k: [v / 1024 for v in fig[k]] for k in fig if k.startswith("rss")}
    fig.update(kib)
    line("peak RSS, cold process", "rss_cold_b", "rss_cold_t", "MiB")
    line("peak RSS, campaign process", "rss_camp_b", "rss_camp_t", "MiB")
    print(f"(briefgen's in-process figures run in this process: peak RSS {rss_kb() / 1024:.0f} MiB; "
          f"the Typst worker after its warm builds: {med(fig['rss_warm_t']):.0f} MiB)")


def _pages(path: Path) -> int:
    from pypdf import PdfReader
    return len(PdfReader(path).pages)


if __name__ == "__main__":
    main()
