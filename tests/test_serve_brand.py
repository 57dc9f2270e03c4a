"""Brands in `briefgen serve`, through Starlette's test client: upload a brand file and its
logo, see it in the preview and in every download, and the uploads that are refused.

Expected words come from the command line (`briefgen brief --brand` on the same file) and
from the brand file itself; the PDFs are opened with pikepdf and pypdf.
"""

from __future__ import annotations

import io
import re
from pathlib import Path

import pikepdf
import pytest
from pypdf import PdfReader

from conftest import DATE, REPO, run

pytest.importorskip("starlette")
from starlette.testclient import TestClient  # noqa: E402

from briefgen.web.app import Config, create_app  # noqa: E402

BASE = "http://127.0.0.1:8000"
EXAMPLE = REPO / "examples" / "brand"
BRAND_TEXT = (EXAMPLE / "_brand.yml").read_text(encoding="utf-8")
LOGO = (EXAMPLE / "logo.png").read_bytes()
CHERRY = (0x9E / 255, 0x1B / 255, 0x32 / 255)      # color.palette.cherry, the primary
TOWN = {"municipality": "Malmö", "country": "SE", "priorities": ["protect"], "date": DATE}


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    application = create_app(Config(data=tmp_path_factory.mktemp("brand-data"), jobs=1,
                                    max_upload_mb=5))
    with TestClient(application, base_url=BASE):
        yield application


def client(app) -> tuple[TestClient, dict]:
    c = TestClient(app, base_url=BASE)
    token = re.search(r'name="csrf-token" content="([^"]+)"', c.get("/").text).group(1)
    return c, {"X-CSRF-Token": token}


@pytest.fixture(scope="module")
def browser(app):
    return client(app)


def upload(browser, brand: str | None = BRAND_TEXT, logo: bytes | None = LOGO,
           logo_name: str = "logo.png", others=()):
    c, headers = browser
    files = []
    if brand is not None:
        files.append(("brand_file", ("_brand.yml", brand.encode("utf-8"), "text/yaml")))
    if logo is not None:
        files.append(("logo", (logo_name, logo, "application/octet-stream")))
    files += [("brand_files", item) for item in others]
    return c.post("/api/brands", headers=headers, files=files)


@pytest.fixture(scope="module")
def saved(browser):
    r = upload(browser)
    assert r.status_code == 200, r.text
    return r.json()


def brand_folders(app) -> list[Path]:
    root = app.server.store.root / "sessions"
    return sorted(p for p in root.glob("*/brands/*") if p.is_dir())


def images_of(pdf: bytes) -> list[tuple[int, int]]:
    """(width, height) of every image XObject on every page."""
    out = []
    with pikepdf.open(io.BytesIO(pdf)) as doc:
        for page in doc.pages:
            for _, xobj in page.get_images().items():
                out.append((int(xobj.Width), int(xobj.Height)))
    return out


def fill_colours(pdf: bytes, page: int = 0) -> set[tuple[float, float, float]]:
    with pikepdf.open(io.BytesIO(pdf)) as doc:
        return {tuple(round(float(x), 3) for x in operands)
                for operands, op in pikepdf.parse_content_stream(doc.pages[page])
                if str(op) in ("rg", "RG") and len(operands) == 3}


def logo_size() -> tuple[int, int]:
    from PIL import Image
    with Image.open(EXAMPLE / "logo.png") as im:
        return im.size


def cherry_in(colours) -> bool:
    return any(all(abs(a - b) < 0.004 for a, b in zip(c, CHERRY)) for c in colours)


def download(browser, fields: dict, what: str) -> bytes:
    c, headers = browser
    r = c.post("/api/build", headers=headers, json={"fields": fields, "what": what})
    assert r.status_code == 200, r.text
    got = c.get(r.json()["url"])
    assert got.status_code == 200
    return got.content


# --------------------------------------------------------------------------- a brand used


def test_the_uploaded_brand_is_offered_on_the_page(browser, saved):
    c, _ = browser
    assert saved["name"] == "Children First Network"      # the brand file's meta.name
    page = c.get("/").text
    assert f'<option value="{saved["id"]}">' in page
    assert [b["id"] for b in c.get("/api/brands").json()] == [saved["id"]]


def test_preview_and_every_download_use_the_brand(browser, saved):
    c, headers = browser
    fields = dict(TOWN, brand=saved["id"])
    r = c.post("/api/preview", headers=headers, json={"fields": fields})
    assert r.status_code == 200
    result = r.json()
    assert result["problems"] == [] and len(result["pages"]) >= 4
    plain = c.post("/api/preview", headers=headers, json={"fields": TOWN}).json()
    assert result["pages"][0] != plain["pages"][0]            # the cover looks different

    brief = download(browser, fields, "brief")
    reader = PdfReader(io.BytesIO(brief))
    assert "Children First Network" in reader.pages[0].extract_text()  # the organisation
    assert logo_size() in images_of(brief)                    # the logo, as uploaded
    assert cherry_in(fill_colours(brief))                     # the primary colour
    unbranded = download(browser, TOWN, "brief")
    assert logo_size() not in images_of(unbranded)
    assert not cherry_in(fill_colours(unbranded))
    for what in ("factsheets", "at-a-glance"):
        pdf = download(browser, fields, what)
        assert logo_size() in images_of(pdf), what


def test_a_logo_alone_is_a_brand(browser):
    r = upload(browser, brand=None, logo_name="our-logo.png")
    assert r.status_code == 200, r.text
    brand = r.json()
    assert brand["name"] == "our-logo.png"
    pdf = download(browser, dict(TOWN, brand=brand["id"]), "brief")
    assert logo_size() in images_of(pdf)


def test_another_session_cannot_use_the_brand(app, saved):
    other = client(app)
    c, headers = other
    assert c.get("/api/brands").json() == []
    assert saved["id"] not in c.get("/").text
    r = c.post("/api/preview", headers=headers,
               json={"fields": dict(TOWN, brand=saved["id"])})
    assert r.status_code == 422
    assert r.json()["problems"][0]["field"] == "brand"
    r = c.post("/api/build", headers=headers, json={"fields": dict(TOWN, brand="../x"),
                                                    "what": "brief"})
    assert r.status_code == 422


# --------------------------------------------------------------------------- refused


def refused(browser, app, field: str, **kwargs) -> str:
    before = brand_folders(app)
    r = upload(browser, **kwargs)
    assert r.status_code == 422, r.text
    problems = r.json()["problems"]
    assert problems and {p["field"] for p in problems} == {field}, problems
    assert brand_folders(app) == before               # nothing kept
    assert "Traceback" not in r.text
    return " ".join(p["message"] for p in problems)


@pytest.mark.parametrize("path, words", [
    ("../etc/passwd", "logo '../etc/passwd' goes up a folder ('..') in logo.images.mark"),
    ("/etc/passwd", "logo '/etc/passwd' is an absolute path"),
    ("brand/../../logo.png", "goes up a folder"),
    ("other.png", "logo 'other.png' was not uploaded with the brand file"),
])
def test_a_brand_may_name_only_the_files_uploaded_with_it(browser, app, path, words):
    text = BRAND_TEXT.replace("mark: logo.png", f"mark: {path}")
    message = refused(browser, app, "brand_file", brand=text)
    assert words in message
    assert message.startswith("line 10: ")            # the line of the person's own file
    assert str(app.server.store.root) not in message


def test_a_url_in_the_brand_is_refused_in_the_command_lines_words(browser, app, tmp_path):
    text = BRAND_TEXT.replace("mark: logo.png", "mark: https://example.org/logo.png")
    message = refused(browser, app, "brand_file", brand=text)
    (tmp_path / "_brand.yml").write_text(text, encoding="utf-8")
    (tmp_path / "logo.png").write_bytes(LOGO)
    cli = run("check", "--brand", tmp_path / "_brand.yml")
    assert cli.exit_code == 2
    words = "logo 'https://example.org/logo.png' is a URL; briefgen never fetches files"
    assert words in cli.stderr and words in message


def test_brand_problems_in_the_words_of_brief_brand(browser, app, tmp_path):
    text = BRAND_TEXT.replace("primary: cherry", "primary: '#zz'\n  bogus: 2")
    message = refused(browser, app, "brand_file", brand=text)
    (tmp_path / "_brand.yml").write_text(text, encoding="utf-8")
    (tmp_path / "logo.png").write_bytes(LOGO)
    profile = tmp_path / "town.yaml"
    profile.write_text("municipality: Malmö\ncountry: SE\n", encoding="utf-8")
    cli = run("brief", profile, "--brand", tmp_path / "_brand.yml", "-o", tmp_path / "x.pdf")
    assert cli.exit_code == 2
    said = [re.sub(r"^briefgen: \S+:(\d+):\d+: error: (.*) \[[a-z.]+\]$", r"line \1: \2", line)
            for line in cli.stderr.splitlines() if ": error: " in line]
    assert len(said) == 2
    for line in said:
        assert line in message


def test_a_picture_over_the_pixel_limit_is_refused_before_decoding(browser, app):
    from PIL import Image
    buf = io.BytesIO()
    Image.new("1", (6000, 5000)).save(buf, "PNG")      # 30 megapixels in a few KB
    message = refused(browser, app, "logo", brand=None, logo=buf.getvalue())
    assert "6000 x 5000 pixels" in message and "25 megapixels" in message


@pytest.mark.parametrize("svg, words", [
    (b'<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
     b'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><text>&x;</text></svg>',
     "XML entities"),
    (b'<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" '
     b'width="10" height="10"><image xlink:href="/etc/passwd" width="10" height="10"/></svg>',
     "refers to /etc/passwd outside itself"),
    (b'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
     b'<rect style="fill:url(http://example.org/x)" width="5" height="5"/></svg>',
     "outside itself"),
])
def test_an_svg_with_entities_or_outside_references_is_refused(browser, app, svg, words):
    message = refused(browser, app, "logo", brand=None, logo=svg, logo_name="logo.svg")
    assert words in message


def test_an_svg_logo_drawn_inside_itself_is_taken(browser):
    svg = (b'<svg xmlns="http://www.w3.org/2000/svg" width="120" height="40">'
           b'<defs><linearGradient id="g"><stop offset="0" stop-color="#123456"/></linearGradient>'
           b'</defs><rect width="120" height="40" fill="url(#g)"/></svg>')
    r = upload(browser, brand=None, logo=svg, logo_name="mark.svg")
    assert r.status_code == 200, r.text


def test_not_a_picture_and_not_a_brand_file(browser, app):
    assert "is not PNG, JPEG or SVG" in refused(browser, app, "logo", brand=None,
                                                logo=b"GIF89a....", logo_name="logo.gif")
    assert "cannot be read as a picture" in refused(browser, app, "logo", brand=None,
                                                    logo=b"\x89PNG broken")
    c, headers = browser
    r = c.post("/api/brands", headers=headers, files=[("logo", ("", b""))])
    assert r.status_code == 422
    assert "choose a brand file" in r.json()["problems"][0]["message"]


def test_a_truncated_logo_is_refused_with_the_name_uploaded(browser, app):
    message = refused(browser, app, "logo", brand=None, logo=LOGO[:3000],
                      logo_name="broken.png")
    assert "broken.png" in message and str(app.server.store.root) not in message


def test_a_campaign_in_the_brand(app, browser, saved):
    c, headers = browser
    sheet = "municipality,country,outputs\nLund,SE,brief;at-a-glance\n"
    r = c.post("/api/campaigns", headers=headers, data={"brand": saved["id"]},
               files={"file": ("towns.csv", sheet.encode())})
    assert r.status_code == 200, r.text
    state = r.json()
    assert state["brand"]["label"].startswith("Children First Network")
    assert c.post(f"/api/campaigns/{state['id']}/start", headers=headers).status_code == 200
    app.server.campaigns.wait(300)
    done = c.get(f"/api/campaigns/{state['id']}").json()
    assert (done["status"], done["built"]) == ("done", 1), done
    import zipfile
    with zipfile.ZipFile(io.BytesIO(c.get(f"/campaigns/{state['id']}/download").content)) as zf:
        for name in ("lund/brief.pdf", "lund/at-a-glance.pdf"):
            pdf = zf.read(name)
            assert logo_size() in images_of(pdf), name
            assert cherry_in(fill_colours(pdf)), name
    # another session's brand id is refused, not used
    other, other_headers = client(app)
    r = other.post("/api/campaigns", headers=other_headers, data={"brand": saved["id"]},
                   files={"file": ("towns.csv", sheet.encode())})
    assert r.status_code == 422 and r.json()["problems"][0]["field"] == "brand"


def test_a_logo_the_brand_file_does_not_name_is_refused(browser, app):
    before = brand_folders(app)
    r = upload(browser, logo_name="other.png")
    assert r.status_code == 422
    said = {p["field"]: p["message"] for p in r.json()["problems"]}
    assert "the brand file's logo section does not name other.png" in said["logo"]
    assert "logo 'logo.png' was not uploaded with the brand file" in said["brand_file"]
    assert brand_folders(app) == before


def test_a_brand_with_its_fonts_in_a_folder(browser):
    """A Quarto brand names its fonts by a path in its folder; uploaded beside it, they
    are found by their file name and used for the headings."""
    serif = REPO / "fonts" / "NotoSerif"
    faces = {"Regular": 400, "Bold": 700, "Italic": 400, "BoldItalic": 700}
    files = "".join(
        f"        - {{path: fonts/NotoSerif-{face}.ttf, weight: {weight}"
        + (", style: italic" if "Italic" in face else "") + "}\n"
        for face, weight in faces.items())
    text = BRAND_TEXT + ("typography:\n  fonts:\n    - family: Brand Serif\n      source: file\n"
                         "      files:\n" + files + "  headings: Brand Serif\n")
    others = [(f"NotoSerif-{face}.ttf", (serif / f"NotoSerif-{face}.ttf").read_bytes(),
               "font/ttf") for face in faces]
    r = upload(browser, brand=text, others=others)
    assert r.status_code == 200, r.text
    def fonts(pdf: bytes) -> set[str]:
        with pikepdf.open(io.BytesIO(pdf)) as doc:
            return {str(f.get("/BaseFont")).split("+")[-1] for page in doc.pages[:3]
                    for f in page.Resources.get("/Font", {}).values()}
    # the default layout sets its headings in a sans-serif: the brand's serif replaces it
    assert not any("Serif" in f for f in fonts(download(browser, TOWN, "brief")))
    branded = fonts(download(browser, dict(TOWN, brand=r.json()["id"]), "brief"))
    assert "NotoSerif-Bold" in branded, branded
