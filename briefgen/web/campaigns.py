"""Campaigns from the web page: upload, check every row, build, watch, download, resume.

Each campaign is a folder (see store.py) holding the uploaded file, campaign.json (what
the page shows) and out/, the folder `briefgen campaign` itself writes with its manifest.
The build is `run_campaign` on the server's worker pool, in a thread of its own, so the
page stays responsive; a restarted server marks campaigns that were running as
interrupted, and starting one again skips every row the manifest says is done.
"""

from __future__ import annotations

import logging
import re
import shutil
import threading
import time
import zipfile
from pathlib import Path
from typing import Any

from briefgen.campaign import Progress, check_rows, rows as row_reading, run_campaign
from briefgen.diagnostics import Diagnostic
from briefgen.errors import BriefgenError
from briefgen.web.store import Store, now, read_json, write_json

log = logging.getLogger("briefgen.web")

# What read_rows takes (the .xlsx kinds too, once the campaign reader has them).
SUFFIXES = tuple(sorted(row_reading.CSV_SUFFIXES | row_reading.YAML_SUFFIXES
                        | getattr(row_reading, "XLSX_SUFFIXES", set())))
# Row fields whose value names a file or folder on the server. From a campaign file on the
# command line that is the user's own disk; from the web page it would be a path from the
# browser, so only a built-in layout name is taken, and files are never named.
FILE_FIELDS = ("layout", "brand", "logo", "local_examples", "content")
MAX_ROWS = 2000
MAX_RUNNING = 4              # campaigns building at once, over all sessions
SAVE_EVERY = 10              # rows between two writes of campaign.json while building
_LOCATION = re.compile(r"^(?:\S*?source\.[a-z]+:\d+(?::\d+)?: )?(?:error: )?")
_CODE = re.compile(r" \[[a-z][a-z.-]*\]$")

# What the page offers to start from: the columns people use most, two rows.
EXAMPLE_SHEET = ("municipality,country,lang,priorities,outputs,organisation,contact,date\n"
                 "Malmö,SE,en,protect;services,brief;at-a-glance,,,\n"
                 "Zaragoza,ES,es,families,brief;factsheets,,,\n")


def columns() -> list[tuple[str, str]]:
    """Every column a row may have, as the row schema declares it (files excepted: a
    spreadsheet uploaded here cannot name them)."""
    return [(name, f.doc) for name, f in row_reading.ROW_SCHEMA.items()
            if name not in FILE_FIELDS or name == "layout"]


def clean(message: str) -> str:
    """A row's message without the server's file path (the page names the row itself),
    the column (the table has its own) and the [code] meant for scripts."""
    text = _CODE.sub("", _LOCATION.sub("", message, count=1))
    return re.sub(r" in (?:%s)(?=;|$)" % "|".join(map(re.escape, row_reading.ROW_SCHEMA)),
                  "", text, count=1)


def _problem(line: int, municipality: str, diag: Diagnostic) -> dict[str, Any]:
    column = diag.location.keypath if diag.location and diag.location.keypath else ""
    text = diag.message + (f"; {diag.hint}" if diag.hint else "")
    return {"row": line, "municipality": municipality, "column": column, "message": text}


class WebProgress(Progress):
    """What a running campaign tells the page: counts, time left and each failure."""

    def __init__(self, job: Campaigns, folder: Path, state: dict):
        self.job, self.folder, self.state = job, folder, state

    def start(self, total, out_dir, checking):
        with self.job.lock:
            self.state.update(done=0, total=total, built=0, skipped=0, failed=0,
                              failures=[], started=now(), eta=None)

    def row(self, done, total, entry):
        lines = self.state.get("lines", {})
        with self.job.lock:
            s = self.state
            s["done"], s["total"] = done, total
            status = entry["status"]
            if status in ("built", "skipped", "failed"):
                s[status] = s.get(status, 0) + 1
            if status == "failed":
                s["failures"].append({"row": lines.get(str(entry["row"]), entry["row"]),
                                      "municipality": entry["municipality"],
                                      "message": clean(entry["error"] or "")})
            elapsed = now() - s["started"]
            s["eta"] = round(elapsed / done * (total - done), 1) if done else None
        if done % SAVE_EVERY == 0:
            self.job.save(self.folder, self.state)

    def finish(self, result):
        pass


class Campaigns:
    def __init__(self, store: Store, pool, *, max_rows: int = MAX_ROWS,
                 content: Path | None = None):
        self.store = store
        self.pool = pool
        self.max_rows = max_rows
        self.content = content
        self.lock = threading.RLock()
        self.live: dict[str, dict] = {}     # folder -> state of a campaign building now
        self.threads: dict[str, threading.Thread] = {}
        self.stopping = False
        self.recover()

    # ------------------------------------------------------------------ state

    def recover(self) -> None:
        """After a restart: a campaign that was building is interrupted, to be resumed."""
        for folder in self.store.all_campaign_dirs():
            state = read_json(folder / "campaign.json")
            if state.get("status") == "running":
                state["status"] = "interrupted"
                self.save(folder, state)

    def save(self, folder: Path, state: dict) -> None:
        with self.lock:
            snapshot = dict(state, failures=list(state.get("failures", [])))
        write_json(folder / "campaign.json", snapshot)

    def state(self, session: str, campaign_id: str) -> dict | None:
        folder = self.store.campaign_dir(session, campaign_id)
        if folder is None:
            return None
        with self.lock:
            live = self.live.get(str(folder))
            if live is not None:
                return dict(live, failures=list(live["failures"]))
        return read_json(folder / "campaign.json")

    def list(self, session: str) -> list[dict]:
        root = self.store.campaigns_dir(session)
        out = []
        for folder in root.glob("*") if root.is_dir() else ():
            state = self.state(session, folder.name)
            if state:
                out.append({k: state.get(k) for k in
                            ("id", "name", "created", "status", "total", "done", "built",
                             "skipped", "failed")})
        return sorted(out, key=lambda s: s.get("created") or 0, reverse=True)

    # ------------------------------------------------------------------ upload and check

    def create(self, session: str, filename: str, data: bytes,
               brand: dict | None = None) -> dict:
        """Keep the upload in a folder of its own and check every row; a file that cannot
        be used at all raises BriefgenError (and leaves nothing behind). `brand` (id and
        label of a brand saved in the session) is the brand of every row."""
        suffix = Path(filename or "").suffix.lower()
        if suffix not in SUFFIXES:
            kinds = "Excel (.xlsx), CSV or YAML" if ".xlsx" in SUFFIXES else "CSV or YAML"
            raise BriefgenError(f"campaign file must be {kinds}",
                                hint="save the sheet as an Excel workbook (.xlsx) or as "
                                     "'CSV UTF-8' and upload that", code="campaign.format")
        campaign_id = self.store.new_id()
        folder = self.store.campaigns_dir(session) / campaign_id
        folder.mkdir(parents=True)
        source = folder / f"source{suffix}"
        try:
            source.write_bytes(data)
            checked = check_rows(source, self.content)
        except BriefgenError:
            shutil.rmtree(folder, ignore_errors=True)
            raise
        except Exception:
            shutil.rmtree(folder, ignore_errors=True)
            raise
        if len(checked) > self.max_rows:
            shutil.rmtree(folder, ignore_errors=True)
            raise BriefgenError(f"the file has {len(checked)} rows; at most {self.max_rows} "
                                "can be built here", hint="split it into smaller files",
                                code="campaign.rows")
        if not checked:
            shutil.rmtree(folder, ignore_errors=True)
            raise BriefgenError("the file has no rows below its header",
                                hint="one row per municipality", code="campaign.rows")
        from briefgen.web.forms import layout_names
        named = []
        for row, _ in checked:
            for key in FILE_FIELDS:
                value = str(row.raw.get(key, "")).strip()
                if value and not (key == "layout" and value in layout_names()):
                    named.append((row, key, value))
        if named:
            shutil.rmtree(folder, ignore_errors=True)
            row, key, value = named[0]
            hint = ("layouts: " + ", ".join(layout_names())) if key == "layout" else \
                "leave the column empty here, or build this file with 'briefgen campaign'"
            raise BriefgenError(
                f"row {row.where.line or row.number}: '{value}' in column '{key}' names a "
                "file, and a spreadsheet uploaded here cannot name files on the server"
                + (f" (and {len(named) - 1} more)" if len(named) > 1 else ""),
                hint=hint, code="serve.file")
        problems, lines = [], {}
        for row, diags in checked:
            line = row.where.line or row.number
            lines[str(row.number)] = line
            name = str(row.raw.get("municipality", ""))
            problems += [_problem(line, name, d) for d in diags]
        display = re.sub(r"[^\w .()-]+", "_", Path(filename).name)[:80] or "campaign"
        state = {"id": campaign_id, "name": display, "created": now(), "status": "checked",
                 "source": source.name, "total": len(checked), "done": 0, "built": 0,
                 "skipped": 0, "failed": 0, "failures": [], "problems": problems,
                 "bad_rows": len({p["row"] for p in problems}), "lines": lines,
                 "eta": None, "message": "", "brand": brand}
        self.save(folder, state)
        return state

    # ------------------------------------------------------------------ build

    def start(self, session: str, campaign_id: str) -> dict | None:
        folder = self.store.campaign_dir(session, campaign_id)
        if folder is None:
            return None
        key = str(folder)
        with self.lock:
            if key in self.live:
                return self.state(session, campaign_id)
            if len(self.live) >= MAX_RUNNING:
                raise BriefgenError(f"{MAX_RUNNING} campaigns are building on this server "
                                    "now", hint="start this one when one of them is done",
                                    code="campaign.busy")
            state = read_json(folder / "campaign.json")
            brand = None
            if state.get("brand"):
                from briefgen.web.brands import Brands
                saved = Brands(self.store).get(session, state["brand"]["id"])
                if saved is None:
                    raise BriefgenError("the brand of this campaign is not saved any more",
                                        hint="upload the brand again on the brief page, "
                                             "then the spreadsheet", code="campaign.brand")
                brand = Path(saved["path"])
            state.update(status="running", message="", failures=[], done=0)
            self.live[key] = state
            (folder / "campaign.zip").unlink(missing_ok=True)  # stale once this run starts
        self.save(folder, state)
        thread = threading.Thread(target=self._run, args=(folder, state, brand), daemon=True,
                                  name=f"campaign-{campaign_id}")
        self.threads[key] = thread
        thread.start()
        return self.state(session, campaign_id)

    def _run(self, folder: Path, state: dict, brand: Path | None = None) -> None:
        started = time.monotonic()
        final: dict[str, Any] = {}
        try:
            result = run_campaign(folder / state["source"], folder / "out", packet=True,
                                  content=self.content, pool=self.pool, brand=brand,
                                  progress=WebProgress(self, folder, state))
            final = dict(status="done", built=result.built, skipped=result.skipped,
                         failed=result.failed, done=result.total, eta=0)
        except BriefgenError as exc:
            final = dict(status="error", message=clean(str(exc.diagnostics[0])))
        except Exception:  # noqa: BLE001 - a bug: the page says so, the log has it all
            log.exception("campaign %s failed", folder.name)
            final = dict(status="error", message="the campaign stopped because of an "
                         "internal error; the server log has the details")
        finally:
            # One step: the page never sees 'done' while the campaign still counts as
            # building (its ZIP would be refused).
            with self.lock:
                if self.stopping:  # the server is stopping: resume it after the restart
                    final = dict(status="interrupted", message="")
                state.update(final or {"status": "error"})
                state["seconds"] = round(time.monotonic() - started, 1)
                self.live.pop(str(folder), None)
                self.threads.pop(str(folder), None)
            self.save(folder, state)

    def stop(self) -> None:
        """The server stops: what builds now is interrupted, to be resumed later."""
        with self.lock:
            self.stopping = True
            live = [(Path(key), state) for key, state in self.live.items()]
        for folder, state in live:
            with self.lock:
                state["status"] = "interrupted"
            self.save(folder, state)

    def wait(self, timeout: float | None = None) -> None:
        """Wait for every campaign building now (tests, and a clean shutdown)."""
        for thread in list(self.threads.values()):
            thread.join(timeout)

    # ------------------------------------------------------------------ download

    def zip_path(self, session: str, campaign_id: str) -> Path | None:
        """The campaign's ZIP: every PDF, the packet and the manifests, as out/ holds them."""
        folder = self.store.campaign_dir(session, campaign_id)
        if folder is None or str(folder) in self.live:
            return None
        out = folder / "out"
        if not (out / "manifest.json").is_file():
            return None
        target = folder / "campaign.zip"
        if target.is_file():
            return target
        part = folder / ".campaign.zip.part"
        with zipfile.ZipFile(part, "w") as zf:
            for path in sorted(out.rglob("*")):
                if not path.is_file() or path.name.startswith("."):
                    continue
                method = zipfile.ZIP_STORED if path.suffix == ".pdf" else zipfile.ZIP_DEFLATED
                zf.write(path, path.relative_to(out).as_posix(), compress_type=method)
        part.replace(target)
        return target
