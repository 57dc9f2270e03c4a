"""Time `briefgen serve`: the preview of a tailored brief, and the server under load.

    .venv/bin/python bench/bench_serve.py [--runs N] [--rows N] [--previews N] [--jobs N]
                                          [--no-load]

Starts a real server (uvicorn, its worker pool) on a free port with a fresh data folder.

1. Preview: N previews of a tailored brief (Malmö, three priorities, 12 pages), one after
   another after a warm-up. Prints the time the worker spent (build + thumbnails), its
   CPU time, and the round trip the browser sees.
2. Load: a campaign of --rows rows starts, and at once --previews previews are sent
   together while the page polls the campaign's progress. Prints the slowest and median
   response of each kind, and checks that every preview came back and every row was built.
"""

from __future__ import annotations

import argparse
import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx2 as httpx

FIELDS = {"municipality": "Malmö", "country": "SE", "date": "2026-11-23",
          "priorities": ["protect", "detention", "services"], "organisation": "UNICEF Sweden"}
TOWNS = ["Malmö,SE,en", "Zaragoza,ES,es", "Lyon,FR,fr", "Kraków,PL,en", "Villahermosa,MX,es"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(data: Path, jobs: int) -> tuple[subprocess.Popen, str]:
    port = free_port()
    log = open(data / "server.log", "wb")
    proc = subprocess.Popen([sys.executable, "-m", "briefgen", "serve", "--port", str(port),
                             "--data", str(data / "data"), "--jobs", str(jobs)],
                            stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    for _ in range(300):
        try:
            httpx.get(base + "/static/app.css", timeout=1)
            return proc, base
        except httpx.HTTPError:
            time.sleep(0.2)
    proc.kill()
    raise SystemExit("the server did not start")


def session(base: str) -> tuple[httpx.Client, dict]:
    c = httpx.Client(base_url=base, timeout=300)
    token = re.search(r'name="csrf-token" content="([^"]+)"', c.get("/").text).group(1)
    return c, {"X-CSRF-Token": token}


def stats(name: str, samples: list[float], unit: str = "ms") -> None:
    print(f"{name:<46} median {statistics.median(samples):8.1f} {unit}   "
          f"min {min(samples):8.1f}   max {max(samples):8.1f}   (n={len(samples)})")


def bench_preview(base: str, runs: int) -> None:
    c, csrf = session(base)
    for _ in range(3):  # warm-up: fonts, pack, layout, renderer in the worker
        c.post("/api/preview", json={"fields": FIELDS}, headers=csrf)
    worker, cpu, trip, build = [], [], [], []
    for i in range(runs):
        fields = dict(FIELDS, local_context=f"Revision {i}.")  # a new form each time
        t0 = time.perf_counter()
        data = c.post("/api/preview", json={"fields": fields}, headers=csrf).json()
        trip.append((time.perf_counter() - t0) * 1000)
        assert data["pages"] and not data["problems"], data["problems"]
        worker.append(data["ms"])
        cpu.append(data["cpu_ms"])
        build.append(data.get("build_ms", 0.0))
    pages = len(data["pages"])
    print(f"preview of a tailored brief ({pages} pages, 200 px thumbnails):")
    stats("  server side (worker: build + thumbnails)", worker)
    stats("  server side, CPU time of the worker", cpu)
    stats("  ... of which building the brief (CPU)", build)
    stats("  ... of which the thumbnails (CPU)", [c - b for c, b in zip(cpu, build)])
    stats("  round trip seen by the browser", trip)


def bench_load(base: str, rows: int, previews: int) -> None:
    c, csrf = session(base)
    csv = "municipality,country,lang,outputs\n" + "".join(
        f"{TOWNS[i % len(TOWNS)].split(',')[0]} {i},{','.join(TOWNS[i % len(TOWNS)].split(',')[1:])},"
        "brief\n" for i in range(rows))
    t0 = time.perf_counter()
    state = c.post("/api/campaigns", files={"file": ("load.csv", csv.encode())},
                   headers=csrf).json()
    check_ms = (time.perf_counter() - t0) * 1000
    assert state["total"] == rows and not state["problems"], state.get("problems")
    c.post(f"/api/campaigns/{state['id']}/start", headers=csrf)
    started = time.perf_counter()
    results: list[tuple[float, dict]] = []

    def one(i: int) -> None:
        pc, pcsrf = session(base)   # each preview from its own browser
        t = time.perf_counter()
        r = pc.post("/api/preview", json={"fields": dict(FIELDS, municipality=f"Town {i}")},
                    headers=pcsrf)
        results.append(((time.perf_counter() - t) * 1000, r.json()))

    threads = [threading.Thread(target=one, args=(i,)) for i in range(previews)]
    for t in threads:
        t.start()
    polls = []
    while True:
        t = time.perf_counter()
        s = c.get(f"/api/campaigns/{state['id']}").json()
        polls.append((time.perf_counter() - t) * 1000)
        if s["status"] != "running":
            break
        time.sleep(0.5)
    campaign_s = time.perf_counter() - started
    for t in threads:
        t.join()
    ok = [r for _, r in results if r.get("pages")]
    print(f"load: {previews} previews at once while a {rows}-row campaign builds:")
    print(f"  upload and check of {rows} rows: {check_ms:.0f} ms")
    stats("  preview response", [ms for ms, _ in results])
    stats("  ... of which in the worker", [r["ms"] for _, r in results if "ms" in r])
    stats("  progress poll response", polls)
    print(f"  previews answered with pages: {len(ok)} of {previews}")
    print(f"  campaign: {s['status']}, {s['built']} built, {s['failed']} failed of {rows} "
          f"in {campaign_s:.1f} s ({campaign_s / rows * 1000:.0f} ms a row)")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--rows", type=int, default=200)
    parser.add_argument("--previews", type=int, default=20)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--no-load", action="store_true",
                        help="time the preview only (for runs interleaved with others)")
    args = parser.parse_args()
    print("load average at start: %.2f %.2f %.2f" % os.getloadavg())
    with tempfile.TemporaryDirectory() as tmp:
        proc, base = start_server(Path(tmp), args.jobs)
        try:
            bench_preview(base, args.runs)
            if not args.no_load:
                bench_load(base, args.rows, args.previews)
        except Exception:
            print("the server's log ends:\n" + (Path(tmp) / "server.log").read_text(
                errors="replace")[-3000:], file=sys.stderr)
            raise
        finally:
            proc.terminate()
            proc.wait(30)
    print("load average at end:   %.2f %.2f %.2f" % os.getloadavg())


if __name__ == "__main__":
    main()
