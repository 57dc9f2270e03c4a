"""Names in any script print right on any brief: a Hebrew or Arabic municipality on an
English brief is set right to left and joined, a Bengali one is shaped, and all of them
copy out of the PDF as the letters typed, in logical order (pdfium and pypdf)."""

from __future__ import annotations

import re
import unicodedata

import pypdfium2 as pdfium
import pytest
from pypdf import PdfReader

from conftest import assert_bad_input, build, run

NAMES = {
    "hebrew": ("\u05d9\u05e8\u05d5\u05e9\u05dc\u05d9\u05dd", "IL", "NotoSansHebrew"),   # ירושלים
    "arabic": ("\u0628\u064a\u0631\u0648\u062a", "LB", "NotoSansArabic"),               # بيروت
    # Siliguri, with the nukta letter RRA (ড়) and two pre-base vowel signs
    "bengali": ("\u09b6\u09bf\u09b2\u09bf\u0997\u09c1\u09dc\u09bf", "IN", "NotoSansBengali"),
}
# Arabic presentation forms and private-use code points must never reach the reader.
_BAD = re.compile("[\ue000-\uf8ff\U000f0000-\U0010ffff\ufb50-\ufdff\ufe70-\ufeff]")


@pytest.fixture(scope="module", params=sorted(NAMES))
def brief(request, tmp_path_factory):
    name, country, font = NAMES[request.param]
    out = build(tmp_path_factory.mktemp(request.param) / "b.pdf", "-m", name,
                "--country", country, "-p", "1")
    # profile values are stored NFC: U+09DC becomes U+09A1 U+09BC, the same letter
    return unicodedata.normalize("NFC", name), font, out


def _pdfium_pages(path):
    doc = pdfium.PdfDocument(str(path))
    try:
        return [doc[i].get_textpage().get_text_range() for i in range(len(doc))]
    finally:
        doc.close()


def test_name_copies_out_on_cover_running_head_and_closing(brief):
    name, _, out = brief
    pages = [unicodedata.normalize("NFC", t) for t in _pdfium_pages(out)]
    assert f"What {name} can do for" in pages[0]
    assert f"Prepared for: {name}" in pages[0]
    assert all(f"Children Uprooted \u2014 {name}" in p for p in pages[1:])
    closing = [p for p in pages if "Next steps for" in p]
    assert closing and f"Next steps for {name}" in closing[0].replace("\r\n", " ")


def test_pypdf_reads_the_letters(brief):
    name, _, out = brief
    text = unicodedata.normalize("NFC", PdfReader(out).pages[0].extract_text())
    # pypdf puts a space where a Bengali cluster's glyphs are not in letter order; the
    # letters themselves, and their order, are right.
    assert name in text.replace(" ", "") or name in text


def test_no_private_use_or_presentation_forms(brief):
    _, _, out = brief
    for text in _pdfium_pages(out) + [p.extract_text() for p in PdfReader(out).pages]:
        assert not _BAD.search(text), _BAD.findall(text)[:5]


def test_script_font_is_embedded(brief):
    _, font, out = brief
    reader = PdfReader(out)
    names = {str(f.get_object()["/BaseFont"]) for page in reader.pages
             for f in page["/Resources"]["/Font"].values()}
    ours = [n for n in names if n.split("+")[-1].startswith(font)]
    assert ours, names
    for page in reader.pages[:1]:
        for f in page["/Resources"]["/Font"].values():
            f = f.get_object()
            if str(f["/BaseFont"]).split("+")[-1].startswith(font):
                assert "/FontFile2" in f["/FontDescriptor"]


def test_letters_no_font_has_are_named_in_shaped_text(tmp_path):
    out = tmp_path / "b.pdf"
    line = assert_bad_input(run("brief", "-m", "\u0628\u064a\u0631\u0648\u062a \u4e2d",
                                "-p", "1", "-o", out), out)
    assert "U+4E2D CJK UNIFIED IDEOGRAPH-4E2D" in line


def test_a_vowel_drawn_in_two_parts_copies_out_whole(tmp_path):
    # ৌ is drawn as two glyphs around its consonant; pdfium reads it back whole
    name = "\u0995\u09cc\u09b6\u09b2\u09aa\u09c1\u09b0"          # কৌশলপুর
    out = build(tmp_path / "b.pdf", "-m", name, "-p", "1")
    text = _pdfium_pages(out)[0]
    assert unicodedata.normalize("NFC", name) in unicodedata.normalize("NFC", text)
    assert not re.search("[\x00-\x08\x0b\x0c\x0e-\x1f]", text)
