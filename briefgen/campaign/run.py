"""Running a campaign: rows in, PDFs and manifests out, resumable and in parallel.

No click here: `run_campaign` is the API, the `campaign` command only turns its result
into an exit code.
"""

from __future__ import annotations

import os
import time
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path

from briefgen import __version__
from briefgen.build import Workspace
from briefgen.cache import key as cache_key
from briefgen.campaign.cluster import Expected, connect, on_cluster
from briefgen.campaign.lock import folder_lock
from briefgen.campaign.manifest import (inputs_hash, picture_files_digest, previous_rows,
                                        prune, remove_leftovers, reusable, unchanged,
                                        write_manifests, write_packet)
from briefgen.campaign.progress import Progress
from briefgen.campaign.result import CampaignResult
from briefgen.campaign.rows import Row, check_row_layout, file_plan, read_rows, row_profile
from briefgen.campaign.slugs import unique_slugs
from briefgen.campaign.workers import Task, in_process, message, pooled
from briefgen.diagnostics import Diagnostic
from briefgen.errors import BriefgenError, OutputError
from briefgen.output import check_target, write_atomic
from briefgen.selection import Profile, default_date, select

MANIFEST_EVERY = 20          # rewrite the manifest after this many finished builds


@contextmanager
def interruptible():
    """Ctrl-C or SIGTERM stops the run once: the first signal raises KeyboardInterrupt and
    every later one is ignored while the run stops its workers and writes the manifest,
    so that a second Ctrl-C cannot break the clean-up halfway and leave it hanging."""
    import signal
    import threading
    if threading.current_thread() is not threading.main_thread():
        yield  # signals reach only the main thread; a caller in another one handles them
        return
    kinds = (signal.SIGINT, signal.SIGTERM)
    before = {k: signal.getsignal(k) for k in kinds}
    stopped = []

    def stop(signum, frame):
        for k in kinds:
            signal.signal(k, signal.SIG_IGN)
        stopped.append(signum)
        raise KeyboardInterrupt

    for k in kinds:
        signal.signal(k, stop)
    try:
        yield
    finally:
        if not stopped:  # once stopped, later signals stay ignored until the process exits
            for k, handler in before.items():
                signal.signal(k, handler)


def run_campaign(path: Path, out_dir: Path, *, jobs: int | None = None, force: bool = False,
                 check_only: bool = False, packet: bool = False,
                 progress: Progress | None = None, content: Path | None = None,
                 allow_fallback: bool = False, scheduler: str | None = None,
                 pool=None, brand: Path | None = None,
                 sheet: str | None = None) -> CampaignResult:
    """Build (or with check_only, only validate) every row of a campaign file.

    A file that cannot be used raises BriefgenError; a bad row fails alone and is counted
    in the result. On KeyboardInterrupt the manifest of what was done is written and the
    interrupt goes on to the caller. With `scheduler` (a Dask scheduler address) the rows
    are built on that cluster instead of in local worker processes; with `pool` (a
    campaign.workers.WorkerPool) on that pool's workers, which stay up afterwards. `brand`
    is the brand file of every row that has no 'brand' column of its own.
    """
    progress = progress or Progress()
    started = time.monotonic()
    path, out_dir = Path(path), Path(out_dir)
    rows = read_rows(path, sheet)
    ws = Workspace(content)
    pack = ws.pack  # a broken pack stops everything here (exit 2)
    date = default_date()
    result = CampaignResult(out_dir, [], total=len(rows), checked=check_only)
    if not check_only and out_dir.exists() and not out_dir.is_dir():
        raise OutputError(f"output folder is a file: {out_dir}", hint="choose another --out",
                          code="output.folder")
    client = None
    if scheduler and not check_only:  # an unreachable cluster is known before any row
        client = connect(scheduler)
    progress.start(len(rows), out_dir, check_only)

    prepared = []  # (row, profile | None, outputs, problems)
    for row in rows:
        profile, outputs, problems = row_profile(row, date)
        if profile is not None and brand and not profile.brand:
            from dataclasses import replace
            profile = replace(profile, brand=str(Path(brand).resolve()))
        prepared.append((row, profile, outputs, problems))

    if check_only:
        for row, profile, outputs, problems in prepared:
            if profile is not None:
                problems = _check_row(ws, profile, outputs, path)
            seen = set()
            for p in problems:
                if str(p) not in seen:
                    seen.add(str(p))
                    result.problems.append(f"row {row.number}: {p}")
        result.seconds = time.monotonic() - started
        progress.finish(result)
        return result

    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(f"cannot create output folder {out_dir}: {exc.strerror}",
                          hint="choose another --out", code="output.folder") from None
    with folder_lock(out_dir), interruptible():
        for name in ("manifest.json", "manifest.csv", *(("packet.pdf",) if packet else ())):
            check_target(out_dir / name, out_dir)  # a link planted there is refused now
        names = {row.number: profile.municipality if profile else
                 str(row.raw.get("municipality", "")) for row, profile, _, _ in prepared}
        langs = {row.number: (profile.lang if profile else "") or "en"
                 for row, profile, _, _ in prepared}
        slugs = unique_slugs([(number, name) for number, name in names.items() if name.strip()],
                             langs)
        earlier_rows = previous_rows(out_dir)
        previous = {} if force else reusable(earlier_rows)
        entries: dict[int, dict] = {}
        tasks: list[Task] = []
        first_layout = ""   # the first row to build's layout: what warms the cache folder
        done = 0

        def record(entry: dict) -> None:
            nonlocal done
            entries[entry["row"]] = entry
            status = entry["status"]
            setattr(result, status, getattr(result, status) + 1)
            if entry["status"] == "failed":
                result.problems.append(f"row {entry['row']}: {entry['error']}")
            done += 1
            progress.row(done, len(rows), entry)

        for row, profile, outputs, problems in prepared:
            entry = {"row": row.number, "municipality": names[row.number],
                     "slug": slugs.get(row.number), "status": "failed", "files": [],
                     "error": None, "inputs": None, "warnings": []}
            if problems:
                entry["error"] = str(problems[0])
                record(entry)
                continue
            slug = entry["slug"]
            try:
                check_row_layout(profile, path)
                layout = ws.layout(profile.layout or None, brand=ws.brand(profile))
                files = file_plan(profile, outputs, pack)
            except BriefgenError as exc:
                entry["error"] = message(exc)
                record(entry)
                continue
            for name, _, _ in files:  # a link or device in DIR stops the run before it writes
                check_target(out_dir / slug / name, out_dir)
            entry["inputs"] = inputs_hash(profile, outputs, slug, pack.fingerprint,
                                          layout.fingerprint + picture_files_digest(profile),
                                          allow_fallback)
            old = previous.get(entry["inputs"])
            if old is not None and unchanged(old, out_dir, [f"{slug}/{f[0]}" for f in files]):
                entry.update(status="skipped", files=old["files"],
                             warnings=list(old.get("warnings") or []))
                record(entry)
                continue
            entry["status"] = "pending"
            entries[row.number] = entry
            first_layout = first_layout or layout.fingerprint
            tasks.append(Task(row.number, profile, tuple(files), allow_fallback))

        def summary() -> dict:
            return {"built": result.built, "skipped": result.skipped, "failed": result.failed,
                    "removed": result.removed,
                    "seconds": round(time.monotonic() - started, 3), "briefgen": __version__}

        def finished() -> list[dict]:
            return [e for _, e in sorted(entries.items()) if e["status"] != "pending"]

        def save(removed: list[str] = ()) -> None:
            # Files of earlier runs that no row lists yet stay in the manifest, so that a
            # run killed before it prunes them (kill -9 in a --force rebuild) leaves them
            # for the next run to prune instead of unlisted in the folder forever.
            rows_now = finished()
            listed = {f["path"] for e in rows_now for f in e["files"]} | set(removed)
            leftovers = [f for e in earlier_rows for f in e["files"]
                         if isinstance(f, dict) and f.get("path") not in listed
                         and (out_dir / str(f.get("path"))).is_file()]
            write_manifests(out_dir, rows_now, summary(), leftovers,
                            xlsx=path.suffix.lower() in (".xlsx", ".xlsm"))

        jobs = max(1, min(jobs or usable_cpus(), len(tasks) or 1))
        # Building in this process, a row's files are written (and fsynced) by a thread of
        # its own while the next row is built, so the disk's wait no longer adds to every
        # row. Worker processes build while this one writes anyway, and a pool may fork
        # a new worker, which a second thread could leave holding a lock: they write here.
        writer = Writer(threaded=client is None and pool is None and jobs == 1)
        if client is not None:
            expected = Expected(__version__, pack.fingerprint,
                                str(Path(content).resolve()) if content else None)
            results = on_cluster(iter(tasks), client, expected)  # closes the client when done
        elif pool is not None:
            results = pooled(iter(tasks), jobs, content, pool)
        elif jobs == 1:
            results = in_process(iter(tasks), ws)
        else:
            results = pooled(iter(tasks), jobs, content,
                             warm_key=cache_key("warmed", pack.fingerprint,
                                                first_layout))
        builds = 0

        # What follows a row's build runs on the writer, in row order: its files written,
        # then counted, reported and saved in the manifest, so that a row is listed only
        # once its files are on disk.
        def count(entry: dict) -> None:
            nonlocal builds
            record(entry)
            builds += 1
            if builds % MANIFEST_EVERY == 0:
                save()

        def write_and_count(entry: dict, res: dict) -> None:
            try:
                entry["files"] = write_row(out_dir, entry["slug"], res["files"])
                entry.update(status="built", warnings=res["warnings"])
            except BriefgenError as exc:
                entry.update(status="failed", error=message(exc), files=[])
            count(entry)

        def fail_and_count(entry: dict, error: str) -> None:
            entry.update(status="failed", error=error)
            count(entry)

        received = 0
        try:
            for task, res in results:
                received += 1
                result.memory.append((received, res["pid"], res["rss_kb"]))
                result.build_seconds += res["seconds"]
                entry = entries[task.row]
                if res["error"] is None:
                    writer.run(write_and_count, entry, res)
                else:
                    writer.run(fail_and_count, entry, res["error"])
                del res
            writer.finish()
        except KeyboardInterrupt:
            result.interrupted = True
            results.close()  # cancel what is pending, stop what runs
            writer.finish()  # the rows handed to the writer are written and listed
            save()
            result.rows = finished()
            result.seconds = time.monotonic() - started
            progress.finish(result)
            raise
        finally:
            writer.close()

        result.rows = [e for _, e in sorted(entries.items())]
        result.removed = prune(out_dir, earlier_rows, result.rows)
        save(result.removed)
        if packet:
            langs = {row.number: (profile.lang if profile else "en")
                     for row, profile, _, _ in prepared}
            args = (out_dir, result.rows, path.stem, langs)
            # On a shared pool (briefgen serve) the merge runs on a worker: pikepdf saves
            # a 200-brief packet in one call that holds the GIL for seconds, which would
            # stall the server's event loop (and its keep-alive connections) meanwhile.
            result.packet = pool.submit(write_packet, *args).result() if pool is not None \
                else write_packet(*args)
        result.seconds = time.monotonic() - started
        progress.finish(result)
        return result


class Writer:
    """Runs what follows each row's build, in order: on a thread of its own (`threaded`)
    or at once. At most one row waits for the thread, which bounds the PDFs held; an
    error there (a manifest that cannot be written) is raised here, at the next row."""

    def __init__(self, threaded: bool):
        self._pool = ThreadPoolExecutor(1, thread_name_prefix="briefgen-write") \
            if threaded else None
        self._queued: list = []

    def run(self, fn, *args) -> None:
        if self._pool is None:
            fn(*args)
            return
        self._settle(keep=1)
        self._queued.append(self._pool.submit(fn, *args))

    def finish(self) -> None:
        """Wait for everything handed over (an interrupt meanwhile: call again)."""
        self._settle(keep=0)

    def _settle(self, keep: int) -> None:
        while len(self._queued) > keep or (self._queued and self._queued[0].done()):
            self._queued[0].result()
            self._queued.pop(0)

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True)


def write_row(out_dir: Path, slug: str, files) -> list[dict]:
    """Write one row's built files into its folder; their manifest entries."""
    listed = []
    for name, pdf, pages, digest in files:
        remove_leftovers(out_dir / slug, name)
        write_atomic(out_dir / slug / name, pdf, out_dir)
        listed.append({"path": f"{slug}/{name}", "pages": pages, "sha256": digest})
    return listed


def usable_cpus() -> int:
    """The CPUs this process may run on: fewer than the machine has under a CPU
    affinity mask (taskset, containers, CI runners), where os.cpu_count() overcounts."""
    try:
        return len(os.sched_getaffinity(0)) or 1
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def check_rows(path: Path, content: Path | None = None) -> list[tuple[Row, list[Diagnostic]]]:
    """Every row of a campaign file with every problem it has, without building anything
    (what --check prints, as data). A file that cannot be used at all raises."""
    rows = read_rows(Path(path))
    ws = Workspace(content)
    ws.pack  # noqa: B018 - a broken pack stops everything here
    date = default_date()
    checked = []
    for row in rows:
        profile, outputs, problems = row_profile(row, date)
        if profile is not None:
            problems = _check_row(ws, profile, outputs, Path(path))
        unique = {str(p): p for p in problems}
        checked.append((row, list(unique.values())))
    return checked


def _check_row(ws, profile: Profile, outputs: tuple[str, ...], path: Path) -> list[Diagnostic]:
    """Everything about a row that can be known without rendering it."""
    problems: list[Diagnostic] = []
    try:
        check_row_layout(profile, path)
        layout = ws.layout(profile.layout or None, brand=ws.brand(profile))
        ws.check_language(profile.lang or "en", layout)
    except BriefgenError as exc:
        problems += exc.diagnostics
    for step in (lambda: select(ws.pack, profile), lambda: file_plan(profile, outputs, ws.pack)):
        try:
            step()
        except BriefgenError as exc:
            problems += exc.diagnostics
    return problems
