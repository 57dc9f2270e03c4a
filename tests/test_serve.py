"""`briefgen serve` through Starlette's test client: the pages, the preview, downloads,
campaigns, and what keeps the server safe to leave running.

One server (one worker process) serves the whole module; expected words come from the
content pack and from what the command line prints for the same input.
"""

from __future__ import annotations

import base64
import io
import json
import re
import struct
import zipfile
from html.parser import HTMLParser
from pathlib import Path

import pytest
from pypdf import PdfReader

from conftest import ALL_PRIORITIES, CONTENT, DATE, run

pytest.importorskip("starlette")
from starlette.testclient import TestClient  # noqa: E402

from briefgen.content import load_pack  # noqa: E402
from briefgen.inline import plain  # noqa: E402
from briefgen.web.app import Config, create_app  # noqa: E402
from briefgen.web.i18n import STRINGS  # noqa: E402
from briefgen.web.server import prepare  # noqa: E402

BASE = "http://127.0.0.1:8000"
MALMO = {"municipality": "Malmö", "country": "SE", "priorities": ["protect", "services"],
         "date": DATE, "organisation": "UNICEF Sweden"}


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory):
    return tmp_path_factory.mktemp("serve-data")


@pytest.fixture(scope="module")
def app(data_dir):
    application = create_app(Config(data=data_dir, jobs=1, max_rows=50, max_upload_mb=1))
    with TestClient(application, base_url=BASE):
        yield application


def client(app) -> tuple[TestClient, dict]:
    """A browser of its own (own cookies, own session) and its CSRF header."""
    c = TestClient(app, base_url=BASE)
    page = c.get("/")
    assert page.status_code == 200
    token = re.search(r'name="csrf-token" content="([^"]+)"', page.text).group(1)
    return c, {"X-CSRF-Token": token}


@pytest.fixture(scope="module")
def browser(app):
    return client(app)


def pack_text(pid: str, lang: str, name: str = "title") -> str:
    """A priority's title (or short_title) as the pack writes it."""
    return plain(getattr(load_pack(CONTENT).priority_by_id[pid], name).nodes(lang))


def png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", data[16:24])


# --------------------------------------------------------------------------- pages


class Controls(HTMLParser):
    """Every form control with its id, and every label's for=."""

    def __init__(self):
        super().__init__()
        self.controls, self.labels, self.lang = [], set(), None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "html":
            self.lang = a.get("lang")
        if tag == "label" and a.get("for"):
            self.labels.add(a["for"])
        if tag in ("input", "select", "textarea") and a.get("type") != "hidden":
            self.controls.append(a)


@pytest.mark.parametrize("path", ["/", "/campaigns"])
@pytest.mark.parametrize("ui", ["en", "es", "fr"])
def test_every_control_has_a_label_in_every_language(app, path, ui):
    c = TestClient(app, base_url=BASE)
    page = c.get(f"{path}?ui={ui}")
    assert page.status_code == 200
    parser = Controls()
    parser.feed(page.text)
    assert parser.lang == ui
    assert parser.controls
    for control in parser.controls:
        if control.get("type") == "radio":
            continue  # the preview switch: each radio sits inside its own label
        assert control.get("id") in parser.labels, control
    assert STRINGS[ui]["nav_brief"] in page.text
    # the choice sticks: the next page comes in the same language
    assert f'<html lang="{ui}">' in c.get(path).text


def test_every_language_has_every_string():
    keys = set(STRINGS["en"])
    for lang, strings in STRINGS.items():
        assert set(strings) == keys, lang
        for key, text in strings.items():
            assert set(re.findall(r"\{\w+\}", text)) == \
                set(re.findall(r"\{\w+\}", STRINGS["en"][key])), (lang, key)


def test_priorities_are_offered_with_their_titles_from_the_pack(app):
    page = TestClient(app, base_url=BASE).get("/?ui=es").text
    for pid in ALL_PRIORITIES:
        title = pack_text(pid, "es")
        assert f'value="{pid}"' in page
        assert title.replace("'", "&#x27;") in page, title


def test_the_page_loads_nothing_from_elsewhere(app):
    page = TestClient(app, base_url=BASE).get("/").text
    for url in re.findall(r'(?:src|href)="([^"]+)"', page):
        assert url.startswith(("/", "?", "#")), url
    c = TestClient(app, base_url=BASE)
    for asset in ("/static/app.js", "/static/app.css", "/static/icon.svg"):
        r = c.get(asset)
        assert r.status_code == 200
        text = r.text.replace('xmlns="http://www.w3.org/2000/svg"', "")
        assert "http://" not in text and "https://" not in text, asset
    csp = c.get("/").headers["content-security-policy"]
    assert "default-src 'self'" in csp and "script-src 'self'" in csp


# --------------------------------------------------------------------------- one brief


def test_preview_shows_the_pages_and_the_examples_for_the_place(app, browser):
    c, csrf = browser
    r = c.post("/api/preview", json={"fields": MALMO}, headers=csrf)
    assert r.status_code == 200
    data = r.json()
    assert data["problems"] == []
    pages = [base64.b64decode(p.split(",", 1)[1]) for p in data["pages"]]
    assert len(pages) >= 4
    for png in pages:
        width, height = png_size(png)
        assert width == 200 and 270 < height < 300  # A4 in proportion
    # the examples offered are those of the ticked priorities, two of each chosen
    examples = data["examples"]
    assert {e["priority"] for e in examples} == {"protect", "services"}
    chosen = [e for e in examples if e["chosen"]]
    assert len(chosen) == 4
    assert all(e["title"] for e in examples)


def test_the_preview_shows_the_pages_of_the_download(app, browser):
    """The preview is built untagged (faster); its pages are the tagged download's."""
    from PIL import Image, ImageChops
    import pypdfium2 as pdfium
    c, csrf = browser
    fields = dict(MALMO, local_context="Malmö has welcomed many families since 2015.")
    preview = c.post("/api/preview", json={"fields": fields}, headers=csrf).json()
    r = c.post("/api/build", json={"fields": fields, "what": "brief"}, headers=csrf)
    pdf = c.get(r.json()["url"]).content
    assert "/StructTreeRoot" in PdfReader(io.BytesIO(pdf)).trailer["/Root"]
    doc = pdfium.PdfDocument(pdf)
    assert len(preview["pages"]) == len(doc)
    for i, uri in enumerate(preview["pages"]):
        shown = Image.open(io.BytesIO(base64.b64decode(uri.split(",", 1)[1]))).convert("RGB")
        page = doc[i]
        real = page.render(scale=200 / page.get_width()).to_pil().convert("RGB")
        assert shown.size == real.size
        diff = ImageChops.difference(shown, real).getextrema()
        assert max(hi for _, hi in diff) <= 8, (i, diff)


def test_untoggled_examples_leave_the_brief(app, browser):
    c, csrf = browser
    data = c.post("/api/preview", json={"fields": MALMO}, headers=csrf).json()
    keep = [e["id"] for e in data["examples"] if e["chosen"]][:1]
    fields = dict(MALMO, examples=keep, priorities=["protect"])
    r = c.post("/api/build", json={"fields": fields, "what": "brief"}, headers=csrf)
    assert r.status_code == 200, r.text
    pdf = PdfReader(io.BytesIO(c.get(r.json()["url"]).content))
    text = " ".join(p.extract_text() for p in pdf.pages)
    kept = next(e for e in data["examples"] if e["id"] == keep[0])
    dropped = [e for e in data["examples"] if e["chosen"] and e["id"] not in keep
               and e["priority"] == "protect"]
    assert " ".join(kept["title"].split()[:3]) in " ".join(text.split())
    for e in dropped:
        assert " ".join(e["title"].split()) not in " ".join(text.split())


def test_with_every_toggle_off_a_priority_has_no_examples(app, browser):
    c, csrf = browser
    fields = dict(MALMO, priorities=["protect"])
    offered = c.post("/api/preview", json={"fields": fields}, headers=csrf).json()["examples"]
    r = c.post("/api/build", json={"fields": dict(fields, examples=[]), "what": "brief"},
               headers=csrf)
    assert r.status_code == 200, r.text
    pdf = PdfReader(io.BytesIO(c.get(r.json()["url"]).content))
    text = " ".join(" ".join(p.extract_text() for p in pdf.pages).split())
    assert offered
    for e in offered:
        assert " ".join(e["title"].split()) not in text, e["title"]
    sheet = c.post("/api/build", json={"fields": dict(fields, examples=[]),
                                       "what": "factsheets"}, headers=csrf)
    assert sheet.status_code == 200, sheet.text
    page, = PdfReader(io.BytesIO(c.get(sheet.json()["url"]).content)).pages


def test_problems_sit_next_to_their_field_in_the_command_lines_words(app, browser, tmp_path):
    c, csrf = browser
    fields = dict(MALMO, country="Swedn", date="2026-13-01")
    data = c.post("/api/preview", json={"fields": fields}, headers=csrf).json()
    assert data["pages"] == []
    by_field = {p["field"]: p["message"] for p in data["problems"]}
    assert set(by_field) == {"country", "date"}
    for flag, value, field in (("--country", "Swedn", "country"),
                               ("--date", "2026-13-01", "date")):
        args = ["brief", "-m", "Malmö", flag, value]
        if flag != "--date":
            args += ["--date", DATE]
        cli = run(*args, "-o", tmp_path / "never.pdf")
        assert cli.exit_code == 2
        line = cli.stderr.strip()
        # same message and hint; the page leaves out where (it is next to the field)
        message, hint = by_field[field].split("; ", 1)
        assert message in line and hint in line, (by_field[field], line)


def test_no_municipality_is_a_problem_of_that_field(app, browser):
    c, csrf = browser
    data = c.post("/api/preview", json={"fields": {"country": "SE"}}, headers=csrf).json()
    assert data["problems"] == [{"field": "municipality", "message": "no municipality given",
                                 "level": "error"}]


def test_a_layout_must_be_one_of_the_built_in_ones(app, browser):
    c, csrf = browser
    for bad in ("../../etc", "/tmp", "layouts/default"):
        data = c.post("/api/preview", json={"fields": dict(MALMO, layout=bad)},
                      headers=csrf).json()
        assert data["problems"][0]["field"] == "layout"
        assert data["problems"][0]["message"].startswith(f"unknown layout '{bad}'")


def test_download_the_brief_factsheets_and_overview(app, browser):
    c, csrf = browser
    got = {}
    for what in ("brief", "factsheets", "at-a-glance"):
        r = c.post("/api/build", json={"fields": MALMO, "what": what}, headers=csrf)
        assert r.status_code == 200, r.text
        assert r.json()["name"] == f"malmo-{what}.pdf"
        pdf = c.get(r.json()["url"])
        assert pdf.headers["content-type"] == "application/pdf"
        assert "attachment" in pdf.headers["content-disposition"]
        got[what] = PdfReader(io.BytesIO(pdf.content))
    brief = got["brief"]
    assert "Malmö" in brief.metadata.title
    assert "UNICEF Sweden" in brief.pages[0].extract_text()
    sheets = got["factsheets"]
    assert len(sheets.pages) == 2                  # one per ticked priority
    titles = [o.title for o in sheets.outline]
    assert len(titles) == 2
    for title, pid in zip(titles, ("protect", "services")):
        assert title.startswith(pack_text(pid, "en", "short_title")), title
    page, = got["at-a-glance"].pages
    assert "Malmö" in page.extract_text()


def test_an_arabic_brief_from_the_page(app, browser):
    c, csrf = browser
    page = c.get("/").text
    assert '<option value="ar" lang="ar">العربية</option>' in page   # every pack language
    fields = dict(MALMO, lang="ar")
    r = c.post("/api/preview", json={"fields": fields}, headers=csrf)
    assert r.status_code == 200 and r.json()["problems"] == [] and r.json()["pages"]
    r = c.post("/api/build", json={"fields": fields, "what": "brief"}, headers=csrf)
    assert r.status_code == 200, r.text
    pdf = PdfReader(io.BytesIO(c.get(r.json()["url"]).content))
    title = pack_text("protect", "ar")
    text = "".join(p.extract_text() for p in pdf.pages[:6])
    assert re.search("[\u0600-\u06ff]{4}", text)            # Arabic letters, as text
    assert pdf.pdf_header and pdf.trailer["/Root"].get("/Lang") == "ar"
    assert title.split()[0] in text or title.split()[-1] in text


def test_a_download_with_problems_says_what_they_are(app, browser):
    c, csrf = browser
    r = c.post("/api/build", json={"fields": {"country": "SE"}, "what": "brief"},
               headers=csrf)
    assert r.status_code == 422
    assert r.json()["problems"][0]["field"] == "municipality"


# --------------------------------------------------------------------------- safety


def test_every_change_needs_the_sessions_csrf_token(app, browser):
    c, csrf = browser
    assert c.post("/api/preview", json={"fields": MALMO}).status_code == 403
    assert c.post("/api/preview", json={"fields": MALMO},
                  headers={"X-CSRF-Token": "0" * 64}).status_code == 403
    other, other_csrf = client(app)
    r = c.post("/api/preview", json={"fields": MALMO}, headers=other_csrf)
    assert r.status_code == 403  # another session's token is no good here
    r = c.post("/api/preview", json={"fields": MALMO},
               headers={**csrf, "Origin": "http://evil.example"})
    assert r.status_code == 403


def test_only_requests_addressed_to_this_computer(app):
    for host in ("evil.example", "evil.example:8000", "10.0.0.5:8000"):
        r = TestClient(app, base_url=f"http://{host}").get("/")
        assert r.status_code == 421, host
    for host in ("localhost:8000", "127.0.0.1", "[::1]:8000"):
        assert TestClient(app, base_url=f"http://{host}").get("/").status_code == 200


def test_the_session_outlives_the_browser_window(app):
    cookie = TestClient(app, base_url=BASE).get("/").headers["set-cookie"]
    assert "briefgen_session=" in cookie and "HttpOnly" in cookie
    assert "SameSite=Strict" in cookie and "Max-Age=7776000" in cookie   # 90 days


def test_one_sessions_files_are_invisible_to_another(app, browser):
    c, csrf = browser
    url = c.post("/api/build", json={"fields": MALMO, "what": "at-a-glance"},
                 headers=csrf).json()["url"]
    assert c.get(url).status_code == 200
    other, _ = client(app)
    assert other.get(url).status_code == 404


@pytest.mark.parametrize("path", ["/files/../../secret", "/files/%2e%2e/secret/x.pdf",
                                  "/files/0123456789abcdef/..%2Fsecret",
                                  "/api/campaigns/..%2F..%2Fsecret",
                                  "/campaigns/../secret/download"])
def test_no_path_from_the_browser_reaches_the_files(app, browser, path):
    c, _ = browser
    r = c.get(path)
    assert r.status_code == 404
    assert b"Traceback" not in r.content


def test_errors_are_messages_never_tracebacks(app, browser):
    c, csrf = browser
    for body in (b"not json", b"[1, 2]", b'{"fields": "x"}', b'{"what": "poster"}'):
        r = c.post("/api/preview", content=body, headers=csrf)
        assert r.status_code == 400, body
        assert set(r.json()) == {"error"} and "Traceback" not in r.text


def test_the_access_token_on_any_other_address(data_dir):
    token = "t" * 24
    application = create_app(Config(data=data_dir / "tok", token=token, loopback=False,
                                    jobs=1))
    c = TestClient(application, base_url="http://192.168.1.20:8000")
    r = c.get("/")
    assert r.status_code == 401 and "token" in r.json()["error"]
    assert c.get("/?token=wrong-token-wrong-token").status_code == 401
    r = c.get(f"/campaigns?token={token}", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/campaigns"
    assert c.get("/").status_code == 200        # the cookie carries it now
    bare = TestClient(application, base_url="http://192.168.1.20:8000")
    assert bare.get("/", headers={"Authorization": f"Bearer {token}"}).status_code == 200
    # a person who opens the bare address gets a page that says what to do, in French here
    page = bare.get("/", headers={"Accept": "text/html", "Accept-Language": "fr-FR,fr;q=0.9"})
    assert page.status_code == 401 and page.headers["content-type"].startswith("text/html")
    assert STRINGS["fr"]["need_token"].split("(")[0] in page.text


def test_serve_refuses_to_start_unsafely(tmp_path):
    from briefgen.errors import BriefgenError
    with pytest.raises(BriefgenError, match="at least 16"):
        prepare("0.0.0.0", 0, tmp_path, "short")
    folder, token, loopback = prepare("0.0.0.0", 0, tmp_path, None)
    assert not loopback and len(token) >= 16      # never another address without one
    assert prepare("127.0.0.1", 0, tmp_path, None)[1:] == (None, True)
    result = run("serve", "--host", "0.0.0.0", "--token", "short", "--data", tmp_path)
    assert result.exit_code == 2
    assert result.stderr.startswith("briefgen: error: the access token is 5 characters")


def test_uploads_have_limits(app, browser):
    c, csrf = browser
    big = b"municipality\n" + b"x" * 1_200_000
    r = c.post("/api/campaigns", files={"file": ("big.csv", big)}, headers=csrf)
    assert r.status_code == 413 and "too large" in r.json()["error"]
    rows = b"municipality,country\n" + b"".join(b"Town %d,SE\n" % i for i in range(51))
    r = c.post("/api/campaigns", files={"file": ("many.csv", rows)}, headers=csrf)
    assert r.status_code == 422
    assert r.json()["problems"][0]["message"].startswith("the file has 51 rows; at most 50")
    r = c.post("/api/campaigns", files={"file": ("towns.xls", b"\xd0\xcf")}, headers=csrf)
    assert r.status_code == 422
    assert "CSV" in r.json()["problems"][0]["message"]


# --------------------------------------------------------------------------- campaigns


def test_the_example_spreadsheet_is_a_campaign_without_problems(app, browser):
    c, csrf = browser
    page = c.get("/campaigns").text
    for column in ("municipality", "country", "priorities", "outputs"):
        assert f"<code>{column}</code>" in page
    for pid in ALL_PRIORITIES:                   # what to write in the priorities column
        assert f"<code>{pid}</code>" in page and pack_text(pid, "en") in page
    sheet = c.get("/campaigns/example.csv")
    assert sheet.headers["content-type"].startswith("text/csv")
    r = c.post("/api/campaigns", files={"file": ("example.csv", sheet.content)},
               headers=csrf)
    assert r.status_code == 200 and r.json()["problems"] == [] and r.json()["total"] == 2


def test_a_spreadsheet_cannot_name_files_on_the_server(app, browser):
    c, csrf = browser
    for column, value in (("layout", "/etc"), ("layout", "../../layouts/default")):
        sheet = f"municipality,{column}\nMalmö,letter\nLund,{value}\n".encode()
        r = c.post("/api/campaigns", files={"file": ("t.csv", sheet)}, headers=csrf)
        assert r.status_code == 422, r.text
        message = r.json()["problems"][0]["message"]
        assert message.startswith(f"row 3: '{value}' in column '{column}' names a file")
    ok = c.post("/api/campaigns", files={"file": ("t.csv", b"municipality,layout\nLund,letter\n")},
                headers=csrf)
    assert ok.status_code == 200 and ok.json()["problems"] == []

CSV = ("municipality,country,lang,priorities,outputs\n"
       "Malmö,SE,en,protect,brief;at-a-glance\n"
       "Nowhere,XX,en,protect,brief\n"
       "Saint-Denis,FR,fr,services,brief\n").encode()


def test_a_campaign_from_upload_to_zip(app, browser):
    c, csrf = browser
    r = c.post("/api/campaigns", files={"file": ("towns.csv", CSV)}, headers=csrf)
    assert r.status_code == 200, r.text
    state = r.json()
    assert state["status"] == "checked" and state["total"] == 3
    problem, = state["problems"]
    # the row as the spreadsheet shows it: the header is row 1, Nowhere is row 3
    assert problem["row"] == 3 and problem["municipality"] == "Nowhere"
    assert problem["column"] == "country"
    cli = run("campaign", "--check", _write(Path(app.server.store.root) / "t.csv", CSV))
    assert problem["message"].split(";")[0] in cli.stderr
    assert "source" not in state and "lines" not in state     # no server file names
    r = c.post(f"/api/campaigns/{state['id']}/start", headers=csrf)
    assert r.status_code == 200 and r.json()["status"] == "running"
    app.server.campaigns.wait(120)
    state = c.get(f"/api/campaigns/{state['id']}").json()
    assert (state["status"], state["built"], state["failed"]) == ("done", 2, 1)
    failure, = state["failures"]
    assert failure["row"] == 3 and "unknown country 'XX'" in failure["message"]
    assert str(app.server.store.root) not in json.dumps(state)
    z = c.get(f"/campaigns/{state['id']}/download")
    assert z.status_code == 200 and z.headers["content-type"] == "application/zip"
    names = set(zipfile.ZipFile(io.BytesIO(z.content)).namelist())
    assert {"manifest.json", "manifest.csv", "packet.pdf", "malmo/brief.pdf",
            "malmo/at-a-glance.pdf", "saint-denis/brief.pdf"} <= names
    zf = zipfile.ZipFile(io.BytesIO(z.content))
    packet = PdfReader(io.BytesIO(zf.read("packet.pdf")))
    top = [o.title for o in packet.outline if not isinstance(o, list)]
    assert top == ["Malmö", "Saint-Denis"]
    listed = c.get("/api/campaigns").json()
    assert state["id"] in [x["id"] for x in listed]
    other, _ = client(app)
    assert other.get("/api/campaigns").json() == []
    assert other.get(f"/api/campaigns/{state['id']}").status_code == 404
    assert other.get(f"/campaigns/{state['id']}/download").status_code == 404


def test_a_restarted_server_finds_its_campaigns_and_resumes(app, browser, data_dir):
    c, csrf = browser
    state = c.post("/api/campaigns", files={"file": ("again.csv", CSV)}, headers=csrf).json()
    c.post(f"/api/campaigns/{state['id']}/start", headers=csrf)
    app.server.campaigns.wait(120)
    # as if the server had been stopped while building: the state says running
    folder = app.server.store.campaign_dir(c.cookies["briefgen_session"], state["id"])
    saved = json.loads((folder / "campaign.json").read_text())
    (folder / "campaign.json").write_text(json.dumps(dict(saved, status="running")))
    restarted = create_app(Config(data=data_dir, jobs=1))
    with TestClient(restarted, base_url=BASE) as again:
        again.cookies.update(c.cookies)
        seen = again.get(f"/api/campaigns/{state['id']}").json()
        assert seen["status"] == "interrupted"
        r = again.post(f"/api/campaigns/{state['id']}/start", headers=csrf)
        assert r.status_code == 200
        restarted.server.campaigns.wait(120)
        done = again.get(f"/api/campaigns/{state['id']}").json()
        # the manifest says what was built: nothing is built twice
        assert (done["status"], done["built"], done["skipped"], done["failed"]) == \
            ("done", 0, 2, 1)


def _write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


# --------------------------------------------------------------------------- preview CLI


def test_preview_command_writes_a_thumbnail_per_page(tmp_path):
    pdf = tmp_path / "b.pdf"
    assert run("brief", "-m", "Malmö", "--date", DATE, "-p", "1", "-o", pdf).exit_code == 0
    pages = len(PdfReader(pdf).pages)
    result = run("preview", pdf, "--png", tmp_path / "thumbs", "--width", "120")
    assert result.exit_code == 0, result.stderr
    pngs = sorted((tmp_path / "thumbs").glob("*.png"))
    assert [p.name for p in pngs] == [f"page-{i:02d}.png" for i in range(1, pages + 1)]
    assert png_size(pngs[0].read_bytes())[0] == 120
    result = run("preview", CONTENT / "pack.yaml", "--png", tmp_path / "x")
    assert result.exit_code == 2
    bad = tmp_path / "bad.pdf"
    bad.write_bytes(b"not a pdf")
    result = run("preview", bad, "--png", tmp_path / "y")
    assert result.exit_code == 2 and "not a PDF" in result.stderr


def test_open_hands_what_was_written_to_the_desktop(tmp_path, monkeypatch):
    """--open runs the desktop's opener (xdg-open here) on the PDF or folder."""
    import os
    import time
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    opened = tmp_path / "opened.txt"
    opener = bin_dir / "xdg-open"
    opener.write_text(f'#!/bin/sh\necho "$1" >> "{opened}"\n')
    opener.chmod(0o755)
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ['PATH']}")
    pdf = tmp_path / "b.pdf"
    assert run("brief", "-m", "Malmö", "-p", "1", "--date", DATE, "-o", pdf,
               "--open").exit_code == 0
    glance = tmp_path / "g.pdf"
    assert run("factsheet", "--at-a-glance", "-m", "Malmö", "--date", DATE, "-o", glance,
               "--open").exit_code == 0
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline and (
            not opened.exists() or len(opened.read_text().splitlines()) < 2):
        time.sleep(0.1)
    assert sorted(opened.read_text().splitlines()) == sorted([str(pdf), str(glance)])


# --------------------------------------------------------------------------- worker pool


def test_a_preview_overtakes_the_rows_of_a_running_campaign():
    """One worker: campaign rows wait in line; a preview goes ahead of those not begun."""
    import time
    from briefgen.campaign import WorkerPool
    pool = WorkerPool(1)
    try:
        pool.submit(time.sleep, 0).result(60)        # the worker is up
        order = []
        rows = [pool.submit(time.sleep, 0.3) for _ in range(3)]
        preview = pool.submit(time.sleep, 0.01, priority=WorkerPool.INTERACTIVE)
        for name, f in [("row", r) for r in rows] + [("preview", preview)]:
            f.add_done_callback(lambda _, name=name: order.append(name))
        for f in rows:
            f.result(60)
        assert order == ["row", "preview", "row", "row"]
        waiting = pool.submit(time.sleep, 0.3)
        pool.submit(time.sleep, 0.3)
        late = pool.submit(time.sleep, 0.3)
        assert late.cancel()                          # still waiting: it can be dropped
        waiting.result(60)
    finally:
        pool.shutdown()


def test_the_web_layer_uses_the_library_not_the_renderer():
    """briefgen/web is a thin layer: no ReportLab, no render/, no click, no jinja2."""
    import ast
    from conftest import REPO
    for path in sorted((REPO / "briefgen" / "web").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else \
                [node.module or ""] if isinstance(node, ast.ImportFrom) else []
            for name in names:
                assert not name.startswith(("reportlab", "briefgen.render", "click",
                                            "jinja2")), (path.name, name)
