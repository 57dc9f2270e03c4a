"""Building rows: what a worker does with one row, and the local pool that runs them.

Workers return plain data, never exceptions: a bad row becomes its one-line message and
fails alone. Only the calling process writes files.
"""

from __future__ import annotations

import functools
import hashlib
import heapq
import itertools
import os
import threading
import time
from collections.abc import Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from pathlib import Path

from briefgen.errors import BriefgenError
from briefgen.selection import Profile

IN_FLIGHT_PER_JOB = 2        # rows handed to the pool at once, per worker


def message(exc: BriefgenError) -> str:
    """The one line the brief command prints for this error (without 'briefgen: ')."""
    diags = exc.diagnostics
    if len(diags) == 1:
        return str(diags[0])
    summary = getattr(exc, "summary", "")
    return f"{summary}: {diags[0]} (and {len(diags) - 1} more)"


@dataclass(frozen=True)
class Task:
    """What a worker needs for one row (picklable)."""

    row: int
    profile: Profile
    files: tuple[tuple[str, str, str], ...]
    allow_fallback: bool


_WORKSPACE = None  # one per worker process


def _init_worker(content: Path | None, parent: int | None = None) -> None:
    """`parent`: the pid of the process that started the pool. A worker still starting
    when that process died (spawn takes seconds on a busy machine) would otherwise take
    its new parent, init, for the one to watch, and never exit."""
    import signal
    import threading
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    # A forked worker inherits the campaign's own SIGTERM handler, which raises
    # KeyboardInterrupt once and then ignores every later signal. Stopping the pool
    # terminates the workers with SIGTERM: a worker building a row would hand that
    # KeyboardInterrupt back as the row's result, wait for the next row and, deaf to any
    # further SIGTERM, keep the campaign waiting for it to exit, forever.
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    _sigterm_reaches_us(False)   # before the thread below: threads inherit the mask
    parent = parent or os.getppid()
    if os.getppid() != parent:
        os._exit(1)
    threading.Thread(target=_exit_with_parent, args=(parent,), daemon=True).start()
    global _WORKSPACE
    from briefgen.build import Workspace
    _WORKSPACE = Workspace(content)


def _exit_with_parent(parent: int) -> None:
    """A worker whose campaign was killed (kill -9) would wait for rows forever."""
    while os.getppid() == parent:
        time.sleep(1)
    os._exit(1)


def _sigterm_reaches_us(yes: bool) -> None:
    """A worker may be ended by SIGTERM only while it builds a row. Killed while sending
    a result (a few hundred KB through a pipe) it would leave half a message there, and
    the pool's reader in the parent would wait for the rest of it forever; killed while
    taking a row from the queue it would hold that queue's lock. Outside a row the
    signal waits, and the worker ends when the pool tells it to."""
    import signal
    if hasattr(signal, "pthread_sigmask"):
        signal.pthread_sigmask(signal.SIG_UNBLOCK if yes else signal.SIG_BLOCK,
                               {signal.SIGTERM})


def _work(task: Task) -> dict:
    _sigterm_reaches_us(True)
    try:
        return execute(_WORKSPACE, task)
    finally:
        _sigterm_reaches_us(False)


def workspace():
    """This worker's Workspace (one per process: its pack, layouts and renderers stay warm
    across rows and requests); a Workspace of its own outside a worker."""
    global _WORKSPACE
    if _WORKSPACE is None:
        from briefgen.build import Workspace
        _WORKSPACE = Workspace()
    return _WORKSPACE


class WorkerPool:
    """A bounded set of worker processes, each keeping one Workspace, that can outlive one
    campaign: `briefgen serve` builds every preview, download and campaign row on one.

    Work waits here, not in the executor, and goes out one task per worker, lowest
    `priority` first: a preview someone is looking at (0) overtakes the rows of a running
    campaign (1) instead of queueing behind them. A pool whose worker died is replaced
    at the next task."""

    INTERACTIVE, BATCH = 0, 1

    def __init__(self, jobs: int, content: Path | None = None, mp_context=None):
        self.jobs = jobs
        self._content = content
        self._context = mp_context
        self._lock = threading.RLock()
        self._waiting: list = []          # heap of (priority, seq, future, fn, args)
        self._seq = itertools.count()
        self._running = 0
        self._closed = False   # shut down: a row finishing afterwards hands out nothing new
        self._executor = self._new()

    def _new(self) -> ProcessPoolExecutor:
        return ProcessPoolExecutor(self.jobs, mp_context=self._context,
                                   initializer=_init_worker,
                                   initargs=(self._content, os.getpid()))

    def submit(self, fn, *args, priority: int = BATCH) -> Future:
        future: Future = Future()
        with self._lock:
            heapq.heappush(self._waiting, (priority, next(self._seq), future, fn, args))
            self._dispatch()
        return future

    def _dispatch(self) -> None:
        with self._lock:
            while not self._closed and self._running < self.jobs and self._waiting:
                _, _, future, fn, args = heapq.heappop(self._waiting)
                if not future.set_running_or_notify_cancel():
                    continue  # cancelled while it waited
                try:
                    inner = self._executor.submit(fn, *args)
                except BrokenProcessPool:  # a worker died earlier: start afresh
                    self._executor.shutdown(wait=False, cancel_futures=True)
                    self._executor = self._new()
                    inner = self._executor.submit(fn, *args)
                self._running += 1
                inner.add_done_callback(functools.partial(self._finished, future))

    def _finished(self, future: Future, inner: Future) -> None:
        with self._lock:
            self._running -= 1
        try:
            future.set_result(inner.result())
        except BaseException as exc:  # noqa: BLE001 - handed to whoever waits
            future.set_exception(exc)
        self._dispatch()

    def _close(self) -> None:
        """Hand out nothing more; what waits is cancelled (the caller holds the lock)."""
        self._closed = True
        for _, _, future, _, _ in self._waiting:
            future.cancel()
        self._waiting.clear()

    def shutdown(self, wait: bool = True) -> None:
        with self._lock:
            self._close()
        self._executor.shutdown(wait=wait, cancel_futures=True)

    def stop(self) -> None:
        """End the workers at once: waiting for the rows they are building could take a
        while, and after Ctrl-C nobody will write what they return."""
        with self._lock:
            self._close()
            processes = list((getattr(self._executor, "_processes", None) or {}).values())
            self._executor.shutdown(wait=False, cancel_futures=True)
        for process in processes:
            try:
                process.terminate()
            except (OSError, AttributeError):
                pass
        for process in processes:
            process.join(timeout=5)


def _rss_kb() -> int:
    try:
        import resource
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    except (ImportError, OSError):  # pragma: no cover - not on POSIX
        return 0


_ROWS_SEEN: list[bool] = []   # rows this process has built (up to two)


def _freeze_after_first_row() -> None:
    """Before the second row, what the process keeps (pack, layouts, fonts, caches: most
    of its objects) is moved out of the cyclic collector's sight with gc.freeze(), so that
    its full collections, which otherwise walk all of it every few rows, walk only what
    later rows made. Frozen objects are never collected as cycles, so this happens once,
    when nothing of the first row's document is left but what the process keeps."""
    if len(_ROWS_SEEN) < 2:
        _ROWS_SEEN.append(True)
        if len(_ROWS_SEEN) == 2:
            import gc
            gc.collect()
            gc.freeze()


def execute(ws, task: Task) -> dict:
    """Build every file of one row. Returns plain data: a worker never raises."""
    _freeze_after_first_row()
    files, warnings = [], []
    started = time.perf_counter()
    try:
        for name, kind, priority in task.files:
            options = {"priority": priority} if priority else {}
            built = ws.build(kind, task.profile, task.profile.layout or None,
                             allow_fallback=task.allow_fallback, **options)
            files.append((name, built.pdf, built.pages, hashlib.sha256(built.pdf).hexdigest()))
            warnings += [f"{name}: {w}" for w in built.warnings]
        error = None
    except BriefgenError as exc:
        files, error = [], message(exc)
    except Exception as exc:  # a bug: the row fails, the campaign goes on
        files, error = [], (f"internal error: {type(exc).__name__}: {exc} (build this row "
                            "with `briefgen --debug brief` for the traceback and report it)")
    return {"row": task.row, "files": files, "warnings": warnings, "error": error,
            "pid": os.getpid(), "rss_kb": _rss_kb(),
            "seconds": time.perf_counter() - started}


def failed_result(task: Task, error: str) -> dict:
    """What a worker that could not build the row at all reports for it."""
    return {"row": task.row, "files": [], "warnings": [], "pid": 0, "rss_kb": 0,
            "seconds": 0.0, "error": error}


def in_process(tasks: Iterator[Task], ws) -> Iterator[tuple[Task, dict]]:
    for task in tasks:
        yield task, execute(ws, task)


def warm_cache(task: Task, content: Path | None, warm_key: str) -> None:
    """Build `task` once in a worker of its own and throw the result away, unless a
    campaign did so before for the same code, pack and layout (`warm_key`).

    With an empty cache folder every worker parses the layout, the pictures (importing
    svglib and lxml) and the hyphenation patterns on its first row and keeps what that
    took: about 25 MiB more at row 1,000 than a worker that found them in the folder. One
    throwaway worker parses them once and stores them, and then every worker of the
    campaign starts warm. Its errors are the row's, and the row reports them when it is
    built for real."""
    from briefgen import cache
    if cache.folder() is None or cache.load("warmed", warm_key):
        return
    pool = WorkerPool(1, content)
    try:
        pool.submit(_work, task).result()   # the built row is thrown away
    except Exception:   # the pool itself failed: the campaign's own pool will say so
        return
    except BaseException:   # Ctrl-C: stop the build, then go on as the campaign does
        pool.stop()
        raise
    finally:
        pool.shutdown(wait=True)
    cache.store("warmed", warm_key, True)


def pooled(tasks: Iterator[Task], jobs: int, content: Path | None,
           pool: WorkerPool | None = None,
           warm_key: str | None = None) -> Iterator[tuple[Task, dict]]:
    """Results as they finish; at most IN_FLIGHT_PER_JOB * jobs rows are handed out at once,
    so memory stays flat however long the campaign. With `pool`, rows share that pool's
    workers with whoever else uses it, and the pool stays up afterwards. With `warm_key`,
    a pool of its own starts only once the cache folder is warm (see `warm_cache`)."""
    own = pool is None
    if own:
        if warm_key is not None:
            first = next(tasks, None)
            if first is not None:
                warm_cache(first, content, warm_key)
                tasks = itertools.chain([first], tasks)
        pool = WorkerPool(jobs, content)
    else:
        jobs = pool.jobs
    in_flight: dict = {}
    pending = iter(tasks)
    exhausted = False
    finished = False
    try:
        while True:
            while not exhausted and len(in_flight) < IN_FLIGHT_PER_JOB * jobs:
                task = next(pending, None)
                if task is None:
                    exhausted = True
                    break
                in_flight[pool.submit(_work, task)] = task
            if not in_flight:
                finished = True
                return
            done, _ = wait(in_flight, return_when=FIRST_COMPLETED)
            for future in sorted(done, key=lambda f: in_flight[f].row):
                task = in_flight.pop(future)
                try:
                    result = future.result()
                except BrokenProcessPool:
                    result = failed_result(task, "the worker process building this row "
                                           "stopped unexpectedly (killed, or out of memory?)")
                yield task, result
    finally:
        if own and not finished:  # interrupted or closed early: stop the rows being built
            pool.stop()
        if own:
            pool.shutdown(wait=True)
        else:
            for future in in_flight:
                future.cancel()
