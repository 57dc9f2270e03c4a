"""Right-to-left documents: an Arabic brief for Beirut is laid out mirrored, reads right,
copies out as letters, and its factsheet and overview still fit one page.

Built with a copy of the bundled pack with Arabic added to a few texts (tests/rtl_pack.py)
and the default layout with Arabic labels (tests/packs/arabic-layout), so the texts
checked here come from those files, not from the output.
"""

from __future__ import annotations

import re
import unicodedata

import pypdfium2 as pdfium
import pytest
from pypdf import PdfReader

from conftest import DATE, run
from rtl_pack import (ARABIC_LAYOUT, PROTECT_SUMMARY, PROTECT_TITLE, SUBTITLE, TITLE,
                      arabic_pack)

BEIRUT = "\u0628\u064a\u0631\u0648\u062a"
ARABIC_INDIC = "\u0660\u0661\u0662\u0663\u0664\u0665\u0666\u0667\u0668\u0669"
_BAD = re.compile("[\ue000-\uf8ff\U000f0000-\U0010ffff\ufb50-\ufdff\ufe70-\ufeff]")


@pytest.fixture(scope="module")
def pack(tmp_path_factory):
    return arabic_pack(tmp_path_factory.mktemp("arpack"))


def _build(pack, out, *args):
    result = run(*args, "-m", BEIRUT, "--country", "LB", "--lang", "ar", "--content", pack,
                 "--layout", ARABIC_LAYOUT, "--allow-fallback", "--date", DATE, "-o", out)
    assert result.exit_code == 0, (result.stderr, result.exception)
    return out


@pytest.fixture(scope="module")
def brief(pack, tmp_path_factory):
    return _build(pack, tmp_path_factory.mktemp("arbrief") / "b.pdf", "brief", "-p", "1")


def _pages(path):
    doc = pdfium.PdfDocument(str(path))
    out = []
    for i in range(len(doc)):
        page = doc[i]
        tp = page.get_textpage()
        n = tp.count_chars()
        chars = [(tp.get_text_range(k, 1), tp.get_charbox(k)) for k in range(n)]
        out.append((unicodedata.normalize("NFC", tp.get_text_range()), chars, page.get_size()))
    doc.close()
    return out


def _find(chars, text):
    """The boxes of the characters of `text` in one page's character list."""
    joined = "".join(c for c, _ in chars)
    at = joined.find(text)
    assert at >= 0, text
    return [box for _, box in chars[at:at + len(text)]]


def test_arabic_texts_copy_out_in_logical_order(brief):
    pages = _pages(brief)
    assert TITLE in pages[0][0] and BEIRUT in pages[0][0]
    body = " ".join(p[0].replace("\r\n", " ") for p in pages)
    assert PROTECT_TITLE in body
    assert PROTECT_SUMMARY.split("\u060c")[0] in body
    for text, _, _ in pages:
        assert not _BAD.search(text), _BAD.findall(text)[:5]
    reader = PdfReader(brief)
    assert str(reader.trailer["/Root"]["/Lang"]) == "ar"
    # pypdf reorders right-to-left text within a run of one font: a line of Arabic is
    # one run, so it comes out in logical order, lam-alef and all
    cover = unicodedata.normalize("NFC", reader.pages[0].extract_text())
    assert SUBTITLE in cover, cover
    assert "\u0627\u0644\u0623\u0637\u0641\u0627\u0644" in cover   # الأطفال


def test_lines_are_right_aligned_and_footer_mirrored(brief):
    pages = _pages(brief)
    text, chars, (width, _) = pages[2]      # the introduction
    heading = _find(chars, "\u0645\u0642\u062f\u0645\u0629")   # مقدمة, the labels' word
    right = max(b[2] for b in heading)
    assert right > width * 0.8                  # at the right margin, not the left
    assert min(b[0] for b in heading) > width * 0.6
    # "صفحة ٣ من ٨" at the left of the footer, in Arabic-Indic digits, read right to
    # left: the total, drawn once the page count is known, is the leftmost word
    footer_y = min(b[1] for c, b in chars if c == "\u0635")   # صفحة is the lowest text
    x = {c: b[0] for c, b in chars if abs(b[1] - footer_y) < 3}
    total = ARABIC_INDIC[len(pages)] if len(pages) < 10 else None
    assert x["\u0635"] > x["\u0663"] > x["\u0645"]
    if total:
        assert x["\u0645"] > x[total]
    footer = _find(chars, "\u0635\u0641\u062d\u0629")
    assert max(b[2] for b in footer) < width * 0.4


def test_bullets_sit_right_of_their_text(brief):
    pages = _pages(brief)
    _, chars, (width, _) = next(p for p in pages if PROTECT_TITLE.split()[0] in p[0]
                                and "\u2022" in p[0])
    bullets = [box for c, box in chars if c == "\u2022"]
    assert bullets and all(b[0] > width * 0.8 for b in bullets)


@pytest.mark.parametrize("kind", [("factsheet", "-p", "protect"), ("factsheet", "--at-a-glance")])
def test_one_page_sheets_fit_in_arabic(pack, tmp_path, kind):
    out = _build(pack, tmp_path / "s.pdf", *kind)
    reader = PdfReader(out)
    page, = reader.pages
    text = unicodedata.normalize("NFC", _pages(out)[0][0])
    assert BEIRUT in text


def test_a_long_paragraph_splits_across_pages_without_losing_a_line(tmp_path):
    import io

    from reportlab.lib.styles import ParagraphStyle
    from reportlab.platypus import Paragraph, SimpleDocTemplate

    from briefgen.render.fonts import load_family, load_script_family
    from briefgen.render.shaping import FontChain, shaped_class
    from conftest import REPO

    fonts = REPO / "fonts"
    body = load_family("NotoSans", [fonts])
    arabic = load_script_family("NotoSansArabic", [fonts])
    cls = shaped_class(Paragraph, FontChain((arabic.faces["regular"],), (arabic.faces["bold"],)),
                       True, "ar")
    words = [f"{PROTECT_TITLE.split()[k % 4]}{k}" for k in range(400)]
    style = ParagraphStyle("t", fontName=body.faces["regular"], fontSize=10, leading=14,
                           allowWidows=0, allowOrphans=0)
    buf = io.BytesIO()
    doc = SimpleDocTemplate(buf, pagesize=(300, 200), leftMargin=20, rightMargin=20,
                            topMargin=20, bottomMargin=20)
    doc.build([cls(" ".join(words), style)])
    out = tmp_path / "split.pdf"
    out.write_bytes(buf.getvalue())
    pages = _pages(out)
    assert len(pages) > 3
    found = " ".join(p[0].replace("\r\n", " ") for p in pages).split()
    assert [w for w in found if w in set(words)] == words


def test_every_link_rectangle_covers_its_text(brief):
    """Links are clickable on each visual piece: every rectangle lies over drawn text."""
    reader = PdfReader(brief)
    pages = _pages(brief)
    uris = 0
    for page, (_, chars, _) in zip(reader.pages, pages):
        for annot in page.get("/Annots") or ():
            a = annot.get_object()
            if a.get("/Subtype") != "/Link":
                continue
            x0, y0, x1, y1 = (float(v) for v in a["/Rect"])
            inside = [c for c, b in chars if c.strip() and x0 - 1 <= (b[0] + b[2]) / 2 <= x1 + 1
                      and y0 - 1 <= (b[1] + b[3]) / 2 <= y1 + 1]
            assert inside, (a.get("/A"), a["/Rect"])
            uris += "/A" in a and "/URI" in a["/A"]
    assert uris >= 4      # the endnotes' sources at least


def test_same_arabic_input_same_bytes(pack, brief, tmp_path):
    # the second build reuses the shaped paragraphs and lines the first one cached
    again = _build(pack, tmp_path / "again.pdf", "brief", "-p", "1")
    assert again.read_bytes() == brief.read_bytes()


@pytest.mark.parametrize("lang", ["en", "ar"])
def test_cover_icons_and_logo_start_where_the_text_starts(tmp_path, lang):
    """Right to left, the cover's row of priority icons starts at the right margin with
    the first priority's icon, and the issuer's logo sits at the right, under the text;
    left to right, both start at the left margin."""
    import datetime as dt

    from conftest import REPO

    from briefgen.build import Workspace
    from briefgen.selection import Profile
    profile = Profile(municipality="Beirut", country="LB", lang=lang, priorities=("protect",),
                      date=dt.date(2026, 11, 23))
    built = Workspace().build("brief", profile, brand=REPO / "examples" / "brand" / "_brand.yml")
    path = tmp_path / "cover.pdf"
    path.write_bytes(built.pdf)
    doc = pdfium.PdfDocument(str(path))
    page = doc[0]
    width, height = page.get_size()
    drawn = [(o.type, o.get_bounds()) for o in page.get_objects()]
    doc.close()
    band = [box for kind, box in drawn if kind == pdfium.raw.FPDF_PAGEOBJ_FORM
            and box[1] > height * 0.55]                  # the icons in the cover's band
    logo = [box for kind, box in drawn if kind == pdfium.raw.FPDF_PAGEOBJ_IMAGE]
    assert len(band) == 6 and len(logo) == 1
    lefts = [box[0] for box in band]
    if lang == "ar":
        assert lefts == sorted(lefts, reverse=True)      # drawn from the right
        assert band[0][2] > width * 0.85 and logo[0][2] > width * 0.85
        assert logo[0][0] > width / 2
    else:
        assert lefts == sorted(lefts)
        assert band[0][0] < width * 0.15 and logo[0][0] < width * 0.15
        assert logo[0][2] < width / 2
