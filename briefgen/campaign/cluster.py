"""Campaign rows on an existing Dask distributed cluster (optional: `briefgen[dask]`).

Workers render and return the bytes; the calling process writes the files and the
manifest exactly as in a local run. Each worker process keeps one Workspace (fonts,
content pack, layouts) for all the rows it builds.

A worker that runs another briefgen or another content pack would build documents that
do not match the manifest's inputs hash, so each row carries what the caller expects and
a worker that differs fails the row with a message saying so.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from itertools import islice
from dataclasses import dataclass
from pathlib import Path

from briefgen.campaign.workers import execute, failed_result
from briefgen.errors import BriefgenError

IN_FLIGHT_PER_WORKER = 2
CONNECT_TIMEOUT = "10s"
_WORKSPACES: dict = {}
# Layout pauses the garbage collector and fills process-wide caches (ours and
# ReportLab's), so the threads of one Dask worker take turns; parallelism comes from
# worker processes (`dask worker --nworkers N --nthreads 1`).
_ONE_AT_A_TIME = threading.Lock()


@dataclass(frozen=True)
class Expected:
    """What the caller built its inputs hashes from; a worker must have the same."""

    version: str
    pack_fingerprint: str
    content: str | None     # a folder path as the workers see it; None: the built-in pack


def _work(task, expected: Expected) -> dict:
    with _ONE_AT_A_TIME:
        return _work_alone(task, expected)


def _work_alone(task, expected: Expected) -> dict:
    from briefgen import __version__
    from briefgen.build import Workspace
    if __version__ != expected.version:
        return failed_result(task, f"the Dask worker runs briefgen {__version__}, this "
                             f"campaign briefgen {expected.version}: install the same "
                             "version on every worker")
    try:
        ws = _WORKSPACES.get(expected.content)
        if ws is None:
            ws = _WORKSPACES[expected.content] = Workspace(
                Path(expected.content) if expected.content else None)
        fingerprint = ws.pack.fingerprint
    except BriefgenError as exc:
        return failed_result(task, f"the Dask worker cannot load the content pack: "
                             f"{exc.diagnostics[0]}")
    if fingerprint != expected.pack_fingerprint:
        return failed_result(task, "the Dask worker's content pack differs from this "
                             "campaign's: give every worker the same --content folder")
    return execute(ws, task)


def connect(address: str):
    """A client of the scheduler at `address`, or a one-line error (exit 2)."""
    try:
        from distributed import Client
    except ImportError:
        raise BriefgenError("--scheduler needs Dask distributed, which is not installed",
                            hint="pip install 'briefgen[dask]'", code="dask.missing") from None
    from distributed.comm.addressing import parse_address, parse_host_port
    try:  # a malformed address fails inside Client, which then hangs at exit closing itself
        scheme, where = parse_address(address, strict=False)
        if scheme in ("tcp", "tls"):
            parse_host_port(where)
    except ValueError:
        raise BriefgenError(f"not a Dask scheduler address: '{address}'",
                            hint="write it as tcp://HOST:PORT, as `dask scheduler` prints it, "
                                 "e.g. tcp://10.0.0.5:8786", code="dask.address") from None
    try:
        client = Client(address, timeout=CONNECT_TIMEOUT, set_as_default=False)
    except (OSError, TimeoutError, ValueError) as exc:
        raise BriefgenError(f"cannot reach the Dask scheduler at {address}: {exc}",
                            hint="start one with `dask scheduler` and workers with "
                                 "`dask worker ADDRESS`, or check the address",
                            code="dask.connect") from None
    if not client.scheduler_info().get("workers"):
        client.close()
        raise BriefgenError(f"the Dask scheduler at {address} has no workers",
                            hint="start some with `dask worker ADDRESS` (from the same "
                                 "Python environment as briefgen)", code="dask.workers")
    return client


def on_cluster(tasks: Iterator, client, expected: Expected) -> Iterator[tuple]:
    """(task, result) as rows finish, with a bounded number of rows handed out at once.

    The generator owns the client: closing it (or finishing) cancels what is still
    queued and closes the connection."""
    from distributed import as_completed
    try:
        workers = max(1, len(client.scheduler_info().get("workers", {})))
        pending = iter(tasks)
        in_flight: dict = {}

        def submit(task):
            future = client.submit(_work, task, expected, pure=False)
            in_flight[future] = task
            return future

        queue = as_completed([submit(t) for t in islice(pending, IN_FLIGHT_PER_WORKER * workers)],
                             loop=client.loop)  # the client is not the default one
        for future in queue:
            task = in_flight.pop(future)
            try:
                result = future.result()
            except Exception as exc:  # a worker died, or the task could not run there
                result = failed_result(task, f"the Dask cluster could not build this row: "
                                             f"{type(exc).__name__}: {exc}")
            following = next(pending, None)
            if following is not None:
                queue.add(submit(following))
            yield task, result
    finally:
        for future in in_flight:
            future.cancel()
        client.close()
