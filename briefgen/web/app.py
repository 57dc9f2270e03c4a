"""The web application: routes that turn requests into library calls on the worker pool.

Nothing here builds a document itself: previews, downloads and campaign rows run on the
worker pool (campaign.workers.WorkerPool), so the event loop only waits. Every answer to
the page is a message a person can read; tracebacks go to the server log.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import logging
import multiprocessing
import shutil
from dataclasses import dataclass
from pathlib import Path

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, JSONResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from briefgen.errors import BriefgenError
from briefgen.web import forms, pages, tasks
from briefgen.web.brands import MAX_PIXELS, BrandProblems, Brands, Upload, public
from briefgen.web.campaigns import Campaigns, clean
from briefgen.web.i18n import STRINGS, pick_language
from briefgen.web.security import Guard
from briefgen.web.store import ID_RE, Store

log = logging.getLogger("briefgen.web")
STATIC = Path(__file__).resolve().parent / "static"
UI_COOKIE = "briefgen_ui"


@dataclass
class Config:
    data: Path
    token: str | None = None
    loopback: bool = True
    jobs: int = 2
    max_upload_mb: int = 5
    max_rows: int = 2000
    preview_queue: int = 64        # previews waiting at once, over all sessions
    build_timeout: float = 120.0   # seconds a preview or download may wait for a worker


def _ui(request: Request) -> str:
    return pick_language(request.query_params.get("ui"), request.cookies.get(UI_COOKIE),
                         request.headers.get("accept-language", ""))


def _message(text: str, status: int = 400) -> JSONResponse:
    return JSONResponse({"error": text}, status_code=status)


class Server:
    def __init__(self, config: Config):
        self.config = config
        self.store = Store(config.data)
        self.brands = Brands(self.store)
        self.secret = self.store.secret()
        self.pool = None
        self.campaigns: Campaigns | None = None
        self.previews: dict[str, object] = {}   # session -> its preview now queued
        self.waiting = 0
        self._pack = None

    # ------------------------------------------------------------------ lifecycle

    @contextlib.asynccontextmanager
    async def lifespan(self, app):
        from briefgen.campaign import WorkerPool
        # spawn, not fork: the server process has threads (event loop, campaigns), and a
        # forked child of a threaded process can inherit a held lock.
        self.pool = WorkerPool(self.config.jobs, mp_context=multiprocessing.get_context("spawn"))
        self.campaigns = Campaigns(self.store, self.pool, max_rows=self.config.max_rows)
        for _ in range(self.config.jobs):
            self.pool.submit(tasks.warm_up, priority=WorkerPool.INTERACTIVE)
        try:
            yield
        finally:
            self.campaigns.stop()
            self.pool.shutdown(wait=False)

    @property
    def pack(self):
        if self._pack is None:
            from briefgen.build import Workspace
            self._pack = Workspace().pack
        return self._pack

    async def run(self, fn, *args):
        """fn(*args) on a worker; the event loop only waits for it."""
        future = self.pool.submit(fn, *args, priority=self.pool.INTERACTIVE)
        return await asyncio.wait_for(asyncio.wrap_future(future), self.config.build_timeout)

    # ------------------------------------------------------------------ pages

    def _page(self, request: Request, html: str) -> HTMLResponse:
        response = HTMLResponse(html, headers={"cache-control": "no-store"})
        if request.query_params.get("ui") in STRINGS:
            response.set_cookie(UI_COOKIE, request.query_params["ui"], max_age=31536000,
                                httponly=True, samesite="strict")
        return response

    def _priorities(self, ui: str) -> list[tuple[str, int, str]]:
        from briefgen.inline import plain
        return [(p.id, p.number, plain(p.title.nodes(ui if p.title.has(ui) else "en")))
                for p in self.pack.priorities]

    async def brief_page(self, request: Request):
        ui = _ui(request)
        pack = self.pack
        from babel import Locale
        priorities = self._priorities(ui)
        layouts = [(name, _layout_description(name)) for name in forms.layout_names()]
        territories = Locale.parse(ui).territories
        countries = sorted(((c, n) for c, n in territories.items()
                            if len(c) == 2 and c.isalpha()), key=lambda x: x[1])
        html = pages.brief_page(ui, request.state.csrf, priorities=priorities,
                                languages=list(pack.languages),
                                layouts=layouts, countries=countries,
                                brands=await asyncio.to_thread(self.brands.list,
                                                               request.state.session),
                                max_megapixels=MAX_PIXELS // 1_000_000)
        return self._page(request, html)

    async def campaign_page(self, request: Request):
        from briefgen.web.campaigns import SUFFIXES, columns
        html = pages.campaign_page(_ui(request), request.state.csrf,
                                   max_mb=self.config.max_upload_mb,
                                   max_rows=self.config.max_rows, suffixes=SUFFIXES,
                                   columns=columns(), priorities=self._priorities(_ui(request)),
                                   brands=await asyncio.to_thread(self.brands.list,
                                                                  request.state.session))
        return self._page(request, html)

    # ------------------------------------------------------------------ one brief

    async def _form(self, request: Request) -> tuple[dict, str] | JSONResponse:
        try:
            body = await request.json()
        except ValueError:
            return _message("the request is not JSON")
        if not isinstance(body, dict) or not isinstance(body.get("fields", {}), dict):
            return _message("the request has no form fields")
        what = body.get("what", "brief")
        if what not in forms.KINDS:
            return _message("unknown document; choose: " + ", ".join(forms.KINDS))
        return body.get("fields", {}), what

    async def preview(self, request: Request):
        parsed = await self._form(request)
        if isinstance(parsed, Response):
            return parsed
        fields, what = parsed
        session = request.state.session
        brand = self._brand(session, fields)
        if isinstance(brand, Response):
            return brand
        if self.waiting >= self.config.preview_queue:
            return _message("the server is busy; the preview will come back in a moment", 503)
        earlier = self.previews.get(session)
        if earlier is not None:
            earlier.cancel()  # only succeeds while it waits: a newer form replaces it
        future = self.pool.submit(tasks.preview, fields, what, _ui(request),
                                  tasks.PREVIEW_WIDTH, brand, priority=self.pool.INTERACTIVE)
        self.previews[session] = future
        self.waiting += 1
        try:
            result = await asyncio.wait_for(asyncio.wrap_future(future),
                                            self.config.build_timeout)
        except asyncio.CancelledError:
            if not future.cancelled():
                raise
            return JSONResponse({"superseded": True})
        except asyncio.TimeoutError:
            return _message("the preview took too long; try again in a moment", 503)
        finally:
            self.waiting -= 1
            if self.previews.get(session) is future:
                del self.previews[session]
        if "internal" in result:
            log.error("preview failed:\n%s", result.pop("internal"))
        result["pages"] = ["data:image/png;base64," + base64.b64encode(p).decode()
                           for p in result["pages"]]
        return JSONResponse(result)

    async def build(self, request: Request):
        parsed = await self._form(request)
        if isinstance(parsed, Response):
            return parsed
        fields, what = parsed
        brand = self._brand(request.state.session, fields)
        if isinstance(brand, Response):
            return brand
        try:
            result = await self.run(tasks.download, fields, what, brand)
        except asyncio.TimeoutError:
            return _message("the build took too long; try again in a moment", 503)
        if "internal" in result:
            log.error("download failed:\n%s", result.pop("internal"))
        if result["problems"]:
            return JSONResponse({"problems": result["problems"]}, status_code=422)
        folder = await asyncio.to_thread(self.store.save_download, request.state.session,
                                         result["name"], result["pdf"])
        return JSONResponse({"url": f"/files/{folder}/{result['name']}",
                             "name": result["name"]})

    async def file(self, request: Request):
        path = self.store.download_path(request.state.session, request.path_params["folder"],
                                        request.path_params["name"])
        if path is None:
            raise HTTPException(404)
        return FileResponse(path, media_type="application/pdf", filename=path.name)

    # ------------------------------------------------------------------ brands

    def _brand(self, session: str, fields: dict):
        """The saved brand the form names (its id), as the worker needs it; None for
        briefgen's own design."""
        brand_id = fields.get("brand")
        if not brand_id:
            return None
        state = self.brands.get(session, str(brand_id))
        if state is None:
            return JSONResponse({"problems": [{
                "field": "brand", "level": "error",
                "message": "that brand is not saved here (any more); upload it again"}],
                "pages": [], "examples": [], "warnings": []}, status_code=422)
        return {"path": state["path"], "shown": state.get("shown", {})}

    async def brand_list(self, request: Request):
        return JSONResponse(await asyncio.to_thread(self.brands.list, request.state.session))

    async def brand_upload(self, request: Request):
        """A brand file, a logo and the other files the brand names: checked at once
        (every problem next to its field), then kept for this session."""
        limit = self.config.max_upload_mb * 1_000_000
        uploads: dict[str, list[Upload]] = {"brand_file": [], "logo": [], "brand_files": []}
        async with request.form(max_files=12, max_fields=5, max_part_size=limit) as form:
            for key in uploads:
                for item in form.getlist(key):
                    if isinstance(item, str) or not item.filename:
                        continue
                    uploads[key].append(Upload(key, item.filename, await item.read()))
        brand = (uploads["brand_file"] or [None])[0]
        logo = (uploads["logo"] or [None])[0]
        session = request.state.session
        try:
            folder, state = await asyncio.to_thread(self.brands.prepare, session, brand, logo,
                                                    uploads["brand_files"])
        except BrandProblems as exc:
            return JSONResponse({"problems": [p.as_dict() for p in exc.problems]},
                                status_code=422)
        try:
            verdict = await self.run(tasks.check_brand, str(folder / "brand.yml"),
                                     state["shown"])
        except asyncio.TimeoutError:
            verdict = {"problems": [{"field": "brand_file", "message":
                                     "checking the brand took too long; try again"}]}
        if "internal" in verdict:
            log.error("brand check failed:\n%s", verdict.pop("internal"))
        if verdict["problems"]:
            await asyncio.to_thread(shutil.rmtree, folder, True)
            return JSONResponse({"problems": verdict["problems"]}, status_code=422)
        state.update(name=verdict["name"], notes=verdict["notes"])
        return JSONResponse(await asyncio.to_thread(self.brands.keep, folder, state))

    # ------------------------------------------------------------------ campaigns

    async def upload(self, request: Request):
        limit = self.config.max_upload_mb * 1_000_000
        async with request.form(max_files=1, max_fields=5, max_part_size=limit) as form:
            upload = form.get("file")
            if upload is None or isinstance(upload, str) or not upload.filename:
                return _message("choose a spreadsheet file to upload")
            data = await upload.read()
            filename = upload.filename
            brand_id = form.get("brand")
        brand = None
        if isinstance(brand_id, str) and brand_id:
            saved = self.brands.get(request.state.session, brand_id)
            if saved is None:
                return JSONResponse({"problems": [{"field": "brand", "message":
                                    "that brand is not saved here (any more); upload it "
                                    "again on the brief page"}]}, status_code=422)
            brand = {"id": saved["id"], "label": public(saved)["label"]}
        try:
            state = await asyncio.to_thread(self.campaigns.create, request.state.session,
                                            filename, data, brand)
        except BriefgenError as exc:
            return JSONResponse({"problems": [{"field": "file",
                                               "message": clean(forms.said(d))}
                                              for d in exc.diagnostics]}, status_code=422)
        return JSONResponse(_public(state))

    async def example_sheet(self, request: Request):
        from briefgen.web.campaigns import EXAMPLE_SHEET
        return Response(EXAMPLE_SHEET.encode("utf-8-sig"), media_type="text/csv",
                        headers={"content-disposition":
                                 'attachment; filename="example-campaign.csv"'})

    async def campaign_list(self, request: Request):
        return JSONResponse(self.campaigns.list(request.state.session))

    def _campaign_id(self, request: Request) -> str:
        campaign_id = request.path_params["campaign"]
        if not ID_RE.fullmatch(campaign_id):
            raise HTTPException(404)
        return campaign_id

    async def campaign(self, request: Request):
        state = self.campaigns.state(request.state.session, self._campaign_id(request))
        if state is None:
            raise HTTPException(404)
        return JSONResponse(_public(state))

    async def start(self, request: Request):
        try:
            state = self.campaigns.start(request.state.session, self._campaign_id(request))
        except BriefgenError as exc:
            return _message(forms.said(exc.diagnostics[0]), 409)
        if state is None:
            raise HTTPException(404)
        return JSONResponse(_public(state))

    async def campaign_zip(self, request: Request):
        campaign_id = self._campaign_id(request)
        path = await asyncio.to_thread(self.campaigns.zip_path, request.state.session,
                                       campaign_id)
        if path is None:
            raise HTTPException(404)
        state = self.campaigns.state(request.state.session, campaign_id) or {}
        name = Path(state.get("name") or "campaign").stem or "campaign"
        return FileResponse(path, media_type="application/zip", filename=f"{name}.zip")


def _public(state: dict) -> dict:
    """What the page sees of a campaign (not the server's file names)."""
    return {k: v for k, v in state.items() if k not in ("source", "lines")}


def _layout_description(name: str) -> str:
    from briefgen import resources
    from briefgen.sources import load_yaml
    try:
        data = load_yaml(resources.layouts_dir() / name / "layout.yaml", "layout")
        return str(data.get("description", "")).rstrip(".")
    except BriefgenError:
        return ""


async def _not_found(request: Request, exc: HTTPException):
    text = "not found" if exc.status_code == 404 else (exc.detail or "error")
    if request.url.path.startswith("/api/"):
        return _message(text, exc.status_code)
    ui = _ui(request)
    return HTMLResponse(pages.message_page(ui, text, "briefgen: " + text),
                        status_code=exc.status_code)


async def _crash(request: Request, exc: Exception):
    log.exception("request %s %s failed", request.method, request.url.path)
    return _message("something went wrong on the server; the server log has the details",
                    500)


def create_app(config: Config) -> Starlette:
    server = Server(config)
    routes = [
        Route("/", server.brief_page),
        Route("/campaigns", server.campaign_page),
        Route("/campaigns/example.csv", server.example_sheet),
        Route("/api/preview", server.preview, methods=["POST"]),
        Route("/api/build", server.build, methods=["POST"]),
        Route("/api/brands", server.brand_list),
        Route("/api/brands", server.brand_upload, methods=["POST"]),
        Route("/files/{folder}/{name}", server.file),
        Route("/api/campaigns", server.campaign_list),
        Route("/api/campaigns", server.upload, methods=["POST"]),
        Route("/api/campaigns/{campaign}", server.campaign),
        Route("/api/campaigns/{campaign}/start", server.start, methods=["POST"]),
        Route("/campaigns/{campaign}/download", server.campaign_zip),
        Mount("/static", StaticFiles(directory=STATIC), name="static"),
    ]
    app = Starlette(routes=routes, lifespan=server.lifespan,
                    exception_handlers={HTTPException: _not_found, Exception: _crash})
    app.state.server = server
    guarded = Guard(app, secret=server.secret, token=config.token, loopback=config.loopback,
                    max_body=config.max_upload_mb * 1_000_000 + 100_000)
    guarded.server = server
    return guarded
