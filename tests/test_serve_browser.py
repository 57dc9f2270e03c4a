"""`briefgen serve` in a real browser: Playwright driving the system's Chromium against a
real server process, as a campaign officer would use it.

Playwright cannot download its own browsers here; it launches Debian's chromium through
executable_path. Without chromium (or playwright) these tests skip and say why.
"""

from __future__ import annotations

import io
import re
import shutil
import zipfile

import pytest
from pypdf import PdfReader

from conftest import DATE, REPO
from serving import running_server

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
if CHROMIUM is None:
    pytest.skip("no chromium on this machine (apt-get install chromium)",
                allow_module_level=True)
sync_api = pytest.importorskip("playwright.sync_api",
                               reason="playwright is not installed (pip install playwright)")

# The machine may be busy (the suite runs beside other work): wait for the page, not a
# fixed few seconds.
sync_api.expect.set_options(timeout=60_000)

ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    with running_server(tmp_path_factory.mktemp("browser")) as base:
        yield base


@pytest.fixture(scope="module")
def browser():
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        yield b
        b.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(accept_downloads=True, locale="en-GB",
                                  viewport={"width": 1360, "height": 900})
    pg = context.new_page()
    pg.set_default_timeout(60_000)
    yield pg
    context.close()


def test_fill_the_form_see_the_preview_download_the_brief(server, page):
    expect = sync_api.expect
    page.goto(server + "/")
    page.get_by_label("Municipality").fill("Malmö")
    page.get_by_label("Country", exact=True).fill("Sweden")
    page.get_by_label("Date").fill(DATE)
    # the keyboard alone ticks a priority: focus it and press the space bar
    page.locator("#p-protect").focus()
    page.keyboard.press("Space")
    expect(page.locator("#p-protect")).to_be_checked()
    expect(page.locator("#preview-status")).to_contain_text("Preview up to date")
    assert page.locator("#pages img").count() >= 4
    # the examples suggested for the place, each with its toggle
    expect(page.locator("#examples-list input[type=checkbox]").first).to_be_visible()
    with page.expect_download() as download:
        page.get_by_role("button", name="Download the brief").click()
    pdf = PdfReader(download.value.path())
    assert "Malmö" in pdf.metadata.title
    assert "Malmö" in pdf.pages[0].extract_text()


def test_a_problem_appears_next_to_its_field(server, page):
    expect = sync_api.expect
    page.goto(server + "/")
    page.get_by_label("Municipality").fill("Malmö")
    page.get_by_label("Country", exact=True).fill("Swedn")
    problem = page.locator("#problem-country")
    expect(problem).to_be_visible()
    expect(problem).to_contain_text("unknown country 'Swedn'")
    expect(page.locator("#f-country")).to_have_attribute("aria-invalid", "true")


def test_the_page_in_spanish(server, page):
    page.goto(server + "/?ui=es")
    assert page.locator("html").get_attribute("lang") == "es"
    page.get_by_label("Municipio").fill("Zaragoza")
    sync_api.expect(page.locator("#preview-status")).to_contain_text("Vista previa al día")


def test_a_campaign_with_a_bad_row(server, page, tmp_path):
    expect = sync_api.expect
    towns = tmp_path / "towns.csv"
    towns.write_text("municipality,country,lang,priorities,outputs\n"
                     "Malmö,SE,en,protect,brief\n"
                     "Nowhere,XX,en,protect,brief\n"
                     "Saint-Denis,FR,fr,services,brief\n", encoding="utf-8")
    page.goto(server + "/campaigns")
    page.get_by_label("Spreadsheet", exact=False).set_input_files(towns)
    page.get_by_role("button", name="Upload and check").click()
    row = page.locator("#problems tbody tr")
    expect(row).to_have_count(1)
    cells = row.locator("td")
    expect(cells.nth(0)).to_have_text("3")            # the spreadsheet's row number
    expect(cells.nth(1)).to_have_text("Nowhere")
    expect(cells.nth(3)).to_contain_text("unknown country 'XX'")
    page.get_by_role("button", name="Build the campaign").click()
    zip_link = page.locator("#zip")
    expect(zip_link).to_be_visible(timeout=120_000)
    expect(page.locator("#progress-line")).to_contain_text("3 of 3 rows done: 2 built")
    expect(page.locator("#failures tbody tr")).to_have_count(1)
    with page.expect_download() as download:
        zip_link.click()
    with zipfile.ZipFile(download.value.path()) as zf:
        names = set(zf.namelist())
        assert {"manifest.json", "manifest.csv", "packet.pdf", "malmo/brief.pdf",
                "saint-denis/brief.pdf"} <= names
        brief = PdfReader(io.BytesIO(zf.read("saint-denis/brief.pdf")))
        assert "Saint-Denis" in brief.pages[0].extract_text()
    # the campaign is listed for this browser
    expect(page.locator("#campaign-list tbody tr").first).to_contain_text("towns.csv")


EXAMPLE_BRAND = REPO / "examples" / "brand"


def _images(pdf_path) -> list[tuple[int, int]]:
    import pikepdf
    with pikepdf.open(pdf_path) as doc:
        return [(int(x.Width), int(x.Height)) for p in doc.pages
                for x in p.get_images().values()]


def test_a_branded_brief(server, page, tmp_path):
    from PIL import Image
    expect = sync_api.expect
    page.goto(server + "/")
    page.get_by_label("Municipality").fill("Malmö")
    page.get_by_label("Country", exact=True).fill("Sweden")
    expect(page.locator("#preview-status")).to_contain_text("Preview up to date")
    # a brand naming a file outside its folder is refused, next to the field
    bad = tmp_path / "_brand.yml"
    bad.write_text((EXAMPLE_BRAND / "_brand.yml").read_text(encoding="utf-8")
                   .replace("mark: logo.png", "mark: ../etc/passwd"), encoding="utf-8")
    page.get_by_label("Brand file (_brand.yml").set_input_files(bad)
    page.get_by_label("Logo (PNG").set_input_files(EXAMPLE_BRAND / "logo.png")
    page.get_by_role("button", name="Upload the brand").click()
    problem = page.locator("#problem-brand_file")
    expect(problem).to_contain_text("logo '../etc/passwd' goes up a folder ('..')")
    expect(page.locator("#f-brand_file")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#f-brand_file")).to_be_focused()
    # the example brand and its logo
    page.get_by_label("Brand file (_brand.yml").set_input_files(EXAMPLE_BRAND / "_brand.yml")
    page.get_by_label("Logo (PNG").set_input_files(EXAMPLE_BRAND / "logo.png")
    page.get_by_role("button", name="Upload the brand").click()
    expect(page.locator("#brand-status")).to_contain_text("Brand saved: Children First Network")
    expect(problem).to_be_hidden()
    expect(page.get_by_label("Brand of the documents")).to_have_value(
        page.locator("#f-brand option").nth(1).get_attribute("value"))
    expect(page.locator("#preview-status")).to_contain_text("Preview up to date")
    with page.expect_download() as download:
        page.get_by_role("button", name="Download the brief").click()
    path = download.value.path()
    pdf = PdfReader(path)
    assert "Children First Network" in pdf.pages[0].extract_text()
    with Image.open(EXAMPLE_BRAND / "logo.png") as im:
        assert im.size in _images(path)


def test_an_arabic_brief(server, page):
    expect = sync_api.expect
    page.goto(server + "/")
    page.get_by_label("Municipality").fill("Malmö")
    page.get_by_label("Language of the brief").select_option("ar")
    expect(page.locator("#preview-status")).to_contain_text("Preview up to date")
    assert page.locator("#pages img").count() >= 4
    with page.expect_download() as download:
        page.get_by_role("button", name="Download the brief").click()
    pdf = PdfReader(download.value.path())
    text = "".join(p.extract_text() for p in pdf.pages[:4])
    assert re.search("[\u0600-\u06ff]{4}", text), text[:200]


def test_an_excel_campaign_with_a_bad_row(server, page, tmp_path):
    from openpyxl import Workbook
    expect = sync_api.expect
    book = Workbook()
    sheet = book.active
    sheet.append(["municipality", "country", "lang", "priorities", "outputs"])
    sheet.append(["Malmö", "SE", "en", "protect", "brief"])
    sheet.append(["Lund", "SE", "en", "protect", "brief"])
    sheet.append(["Nowhere", "SE", "en", "no-such-priority", "brief"])
    towns = tmp_path / "towns.xlsx"
    book.save(towns)
    page.goto(server + "/campaigns")
    page.get_by_label("Spreadsheet (Excel or CSV)").set_input_files(towns)
    page.get_by_role("button", name="Upload and check").click()
    row = page.locator("#problems tbody tr")
    expect(row).to_have_count(1)
    cells = row.locator("td")
    expect(cells.nth(0)).to_have_text("4")            # the row Excel shows
    expect(cells.nth(1)).to_have_text("Nowhere")
    expect(cells.nth(3)).to_contain_text("no-such-priority")
    page.get_by_role("button", name="Build the campaign").click()
    zip_link = page.locator("#zip")
    expect(zip_link).to_be_visible(timeout=120_000)
    expect(page.locator("#progress-line")).to_contain_text("3 of 3 rows done: 2 built")
    failures = page.locator("#failures tbody tr")
    expect(failures).to_have_count(1)
    expect(failures.locator("td").nth(0)).to_have_text("4")
    with page.expect_download() as download:
        zip_link.click()
    with zipfile.ZipFile(download.value.path()) as zf:
        names = set(zf.namelist())
        assert {"manifest.json", "manifest.xlsx", "packet.pdf", "malmo/brief.pdf",
                "lund/brief.pdf"} <= names, names
        brief = PdfReader(io.BytesIO(zf.read("lund/brief.pdf")))
        assert "Lund" in brief.pages[0].extract_text()
