"""What the web page asks of a worker process: a preview, or the PDFs to download.

These run in the campaign's worker processes (campaign.workers.WorkerPool), each with its
one warm Workspace, never in the server's process: a slow build never holds up the page.
They return plain data and never raise for bad input: problems come back as data.
"""

from __future__ import annotations

import time
from typing import Any

from briefgen.campaign.workers import workspace
from briefgen.errors import BriefgenError
from briefgen.web.forms import (FormResult, Problem, further_problems, problems_of,
                                profile_from, suggestions)

PREVIEW_WIDTH = 200


def _internal(exc: Exception) -> list[dict]:
    # The server's log gets the traceback (the caller logs it); the page gets a sentence.
    return [Problem("", "briefgen could not build this document because of an internal "
                    f"error ({type(exc).__name__}); the server log has the details").as_dict()]


def _documents(ws, form: FormResult, what: str, lang: str):
    """(file name, Built) for the documents of one download button."""
    profile = form.profile
    if what == "brief":
        return [("brief.pdf", ws.build("brief", profile, profile.layout or None))]
    if what == "at-a-glance":
        return [("at-a-glance.pdf", ws.build("at-a-glance", profile, profile.layout or None))]
    ids = [ws.pack.resolve_priority(ref, profile.loc("priorities")).id
           for ref in profile.priorities] or [p.id for p in ws.pack.priorities]
    return [(f"factsheet-{pid}.pdf",
             ws.build("factsheet", profile, profile.layout or None, priority=pid))
            for pid in dict.fromkeys(ids)]


def preview(values: dict[str, Any], what: str = "brief", ui_lang: str = "en",
            width: int = PREVIEW_WIDTH) -> dict[str, Any]:
    """Thumbnails of one document of the form, the suggested examples, every problem."""
    from briefgen.thumbnails import thumbnails
    started, cpu = time.perf_counter(), time.process_time()
    ws = workspace()
    out: dict[str, Any] = {"problems": [], "examples": [], "pages": [], "warnings": []}
    form = profile_from(values)
    if form.profile is None:
        problems = form.problems + further_problems(ws.pack, form)
        out["problems"] = [p.as_dict() for p in problems]
        return out
    try:
        out["examples"] = suggestions(ws.pack, form.profile, ui_lang)
        built = _documents(ws, form, what, ui_lang)
        pages = []
        for _, b in built:
            pages += thumbnails(b.pdf, width)
            out["warnings"] += [Problem("", str(w.message), "warning").as_dict()
                                for w in b.warnings]
        out["pages"] = pages
    except BriefgenError as exc:
        out["problems"] = [p.as_dict() for p in problems_of(exc)]
    except Exception as exc:  # noqa: BLE001 - a bug: a message here, the traceback logged
        out["problems"] = _internal(exc)
        out["internal"] = _traceback()
    # wall and CPU time in the worker: on a busy machine the two differ, and the CPU time
    # is what the preview costs
    out["ms"] = round((time.perf_counter() - started) * 1000, 1)
    out["cpu_ms"] = round((time.process_time() - cpu) * 1000, 1)
    return out


def download(values: dict[str, Any], what: str) -> dict[str, Any]:
    """The PDF of one download button: the brief, the overview, or the factsheets of the
    chosen priorities in one file with a bookmark each. Named after the place
    (zaragoza-brief.pdf), as the command line names its default output."""
    from briefgen.campaign.slugs import row_slug
    ws = workspace()
    form = profile_from(values)
    if form.profile is None:
        problems = form.problems + further_problems(ws.pack, form)
        return {"problems": [p.as_dict() for p in problems]}
    place = row_slug(form.profile.municipality, 0)
    try:
        built = _documents(ws, form, what, "en")
        if len(built) == 1:
            name, b = built[0]
            return {"problems": [], "name": f"{place}-{name}", "pdf": b.pdf}
        from briefgen.packet import merge_pdfs
        first = built[0][1].document.meta
        pdf = merge_pdfs([(b.document.meta.title, b.pdf) for _, b in built],
                         title=first.title.split(":")[0], lang=first.lang)
        return {"problems": [], "name": f"{place}-factsheets.pdf", "pdf": pdf}
    except BriefgenError as exc:
        return {"problems": [p.as_dict() for p in problems_of(exc)]}
    except Exception as exc:  # noqa: BLE001
        return {"problems": _internal(exc), "internal": _traceback()}


def warm_up() -> int:
    """Load the pack, the default layout and its fonts before the first real request."""
    import os
    preview({"municipality": "Warm-up", "date": "2026-01-01"})
    return os.getpid()


def _traceback() -> str:
    import traceback
    return traceback.format_exc()
