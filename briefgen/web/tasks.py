"""What the web page asks of a worker process: a preview, or the PDFs to download.

These run in the campaign's worker processes (campaign.workers.WorkerPool), each with its
one warm Workspace, never in the server's process: a slow build never holds up the page.
They return plain data and never raise for bad input: problems come back as data.
"""

from __future__ import annotations

import time
from pathlib import Path
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


def _documents(ws, form: FormResult, what: str, lang: str, brand: dict | None = None):
    """(file name, Built) for the documents of one download button, in the brand chosen
    (brand: what app.py found of the session's saved brand; its paths are the server's)."""
    profile = form.profile
    kit = brand["path"] if brand else None
    layout = profile.layout or None
    if what == "brief":
        return [("brief.pdf", ws.build("brief", profile, layout, brand=kit))]
    if what == "at-a-glance":
        return [("at-a-glance.pdf", ws.build("at-a-glance", profile, layout, brand=kit))]
    ids = [ws.pack.resolve_priority(ref, profile.loc("priorities")).id
           for ref in profile.priorities] or [p.id for p in ws.pack.priorities]
    return [(f"factsheet-{pid}.pdf",
             ws.build("factsheet", profile, layout, priority=pid, brand=kit))
            for pid in dict.fromkeys(ids)]


def _brand_problems(exc: BriefgenError, brand: dict | None) -> list[Problem]:
    """problems_of, with the brand's own problems next to the brand field and in the
    names the person uploaded (never the server's paths)."""
    if not brand:
        return problems_of(exc)
    from briefgen.web.brands import located, unshown
    folder = Path(brand["path"]).parent
    out = []
    for diag, problem in zip(exc.diagnostics, problems_of(exc)):
        path = diag.location.path if diag.location else None
        ours = bool(path) and Path(path).resolve().parent == folder.resolve()
        if ours or (diag.code or "").startswith(("brand", "picture")):
            text = located(diag.location if ours else None, problem.message)
            problem = Problem("brand", unshown(text, folder, brand.get("shown", {})),
                              problem.level)
        out.append(problem)
    return out


def _shown(text: str, brand: dict | None) -> str:
    if not brand:
        return text
    from briefgen.web.brands import unshown
    return unshown(text, Path(brand["path"]).parent, brand.get("shown", {}))


def check_brand(path: str, shown: dict | None = None) -> dict:
    """The brand reader's verdict on an uploaded brand, every picture decoded: its
    problems and notes in the command line's words, and its name."""
    from briefgen.pictures import inspect
    from briefgen.selection import Profile
    from briefgen.web.brands import located, unshown
    from briefgen.web.forms import said
    ws = workspace()
    folder = Path(path).parent
    out: dict[str, Any] = {"problems": [], "notes": [], "name": ""}

    def words(diag) -> str:
        loc = diag.location if diag.location and diag.location.path == path else None
        return unshown(located(loc, said(diag)), folder, shown or {})
    try:
        kit = ws.brand(Profile(), path)
        for logo in {str(x.path) for x in kit.logos.values()}:
            inspect(logo)
        out["name"] = kit.name
        out["notes"] = [words(n) for n in kit.notes]
    except BriefgenError as exc:
        out["problems"] = [{"field": "brand_file" if d.location and d.location.path == path
                            else "logo", "message": words(d)} for d in exc.diagnostics]
    except Exception as exc:  # noqa: BLE001
        out["problems"] = [p.as_dict() for p in _internal(exc)]
        out["internal"] = _traceback()
    return out


def preview(values: dict[str, Any], what: str = "brief", ui_lang: str = "en",
            width: int = PREVIEW_WIDTH, brand: dict | None = None) -> dict[str, Any]:
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
        # the pages as they look: the draft (untagged) build of the same workspace, since
        # the structure tree changes no pixel; the downloads are tagged
        built = _documents(ws.draft(), form, what, ui_lang, brand)
        out["build_ms"] = round((time.process_time() - cpu) * 1000, 1)
        pages = []
        for _, b in built:
            pages += thumbnails(b.pdf, width)
            out["warnings"] += [Problem("", _shown(str(w.message), brand), "warning").as_dict()
                                for w in b.warnings]
        out["pages"] = pages
    except BriefgenError as exc:
        out["problems"] = [p.as_dict() for p in _brand_problems(exc, brand)]
    except Exception as exc:  # noqa: BLE001 - a bug: a message here, the traceback logged
        out["problems"] = _internal(exc)
        out["internal"] = _traceback()
    # wall and CPU time in the worker: on a busy machine the two differ, and the CPU time
    # is what the preview costs
    out["ms"] = round((time.perf_counter() - started) * 1000, 1)
    out["cpu_ms"] = round((time.process_time() - cpu) * 1000, 1)
    return out


def download(values: dict[str, Any], what: str, brand: dict | None = None) -> dict[str, Any]:
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
        built = _documents(ws, form, what, "en", brand)
        if len(built) == 1:
            name, b = built[0]
            return {"problems": [], "name": f"{place}-{name}", "pdf": b.pdf}
        from briefgen.packet import merge_pdfs
        first = built[0][1].document.meta
        pdf = merge_pdfs([(b.document.meta.title, b.pdf) for _, b in built],
                         title=first.title.split(":")[0], lang=first.lang)
        return {"problems": [], "name": f"{place}-factsheets.pdf", "pdf": pdf}
    except BriefgenError as exc:
        return {"problems": [p.as_dict() for p in _brand_problems(exc, brand)]}
    except Exception as exc:  # noqa: BLE001
        return {"problems": _internal(exc), "internal": _traceback()}


def warm_up() -> int:
    """Load the pack, the default layout and its fonts before the first real request."""
    import os
    preview({"municipality": "Warm-up", "date": "2026-01-01"})
    download({"municipality": "Warm-up", "date": "2026-01-01"}, "brief")  # the tagged one
    return os.getpid()


def _traceback() -> str:
    import traceback
    return traceback.format_exc()
