"""ReportLab's hot helpers replaced by shortcuts, and icon forms replayed: same answers, same bytes.

Each shortcut is checked against ReportLab's own function on inputs that take every branch;
then whole documents built with the shortcuts and with icon content copied from earlier
documents are compared byte for byte with documents built without either.
"""

from __future__ import annotations

import datetime as dt
import io

import pytest
from pypdf import PdfReader

from briefgen.build import Workspace
from briefgen.render import fastpaths, images
from briefgen.selection import Profile

DATE = dt.date(2026, 11, 23)


@pytest.fixture(scope="module")
def font():
    ws = Workspace()
    renderer = ws.renderer(ws.layout(None))
    return renderer.families["body"].faces["regular"]


def _font(name):
    from reportlab.pdfbase import pdfmetrics
    return pdfmetrics.getFont(name)


TEXTS = [
    "Malmö and Kraków", "", "Malmö and Kraków", "a\u00a0b",  # no-break space: a space
    "Αθήνα", "\u4e2d\u6587 not in the font", "Αθήνα again",
    # more than 256 distinct characters: later codes fall into subset 1
    "".join(chr(c) for c in range(0x100, 0x180)), "".join(chr(c) for c in range(0x370, 0x3d0)),
    "".join(chr(c) for c in range(0x400, 0x460)), "Лёд и ё", "Ā ā and plain",
    "Malmö and Kraków",
]


def test_split_string_answers_what_reportlab_answers(font):
    from reportlab.pdfbase.pdfdoc import PDFDocument
    original = fastpaths._ORIGINAL["splitString"]
    f = _font(font)
    with fastpaths.disabled():
        doc = PDFDocument()
        expected = [original(f, t, doc) for t in TEXTS]
    doc = PDFDocument()
    got = [fastpaths.split_string(f, t, doc) for t in TEXTS]
    assert got == expected
    assert any(subset > 0 for chunks in expected for subset, _ in chunks)
    # and a second document starts from nothing
    assert fastpaths.split_string(f, TEXTS[-5], PDFDocument()) == \
        original(f, TEXTS[-5], PDFDocument())


def test_pdf_tokens_encode_as_reportlab_encodes_them():
    original_enc = fastpaths._ORIGINAL["pdfdocEnc"]
    for value in ["/Type", "", "(plain text)", "café", "€ and ‘quotes’", b"bytes", 12,
                  "tab\tnew\nline", "\x1f"]:
        try:
            expected = original_enc(value)
        except UnicodeEncodeError:
            with pytest.raises(UnicodeEncodeError):
                fastpaths.pdfdoc_enc(value)
            continue
        assert fastpaths.pdfdoc_enc(value) == expected
    original_name = fastpaths._ORIGINAL["PDFName"]
    for value in ["Type", "fnref-3", "a b", "(x)", "ünïcode", "#", "Type"]:
        assert fastpaths.pdf_name(value) == original_name(value)
    assert fastpaths.pdf_name("abc", "b", "z") == original_name("abc", "b", "z")


CASES = {
    "full agenda": ("brief", Profile(municipality="Αθήνα", all=True, date=DATE), {}),
    "factsheet": ("factsheet", Profile(municipality="Malmö", country="SE", date=DATE),
                  {"priority": "protect"}),
}


@pytest.fixture(scope="module")
def references():
    """Each case built without the shortcuts and with every icon drawn afresh (nothing
    recorded in this process, nothing read from the cache folder)."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("BRIEFGEN_NO_CACHE", "1")
        ws = Workspace()
        out = {}
        with fastpaths.disabled():
            for name, (kind, profile, options) in CASES.items():
                images._FORMS.clear()
                out[name] = ws.build(kind, profile, **options).pdf
    images._FORMS.clear()
    return out


@pytest.mark.parametrize("case", CASES)
def test_documents_are_byte_identical_with_the_shortcuts(case, references, tmp_path,
                                                         monkeypatch):
    kind, profile, options = CASES[case]
    monkeypatch.setenv("BRIEFGEN_CACHE_DIR", str(tmp_path / "cache"))
    images._FORMS.clear()
    ws = Workspace()
    ws.build("brief", Profile(municipality="Lund", all=True, date=DATE))  # icons recorded
    assert any(form[2] for form in images._FORMS.values())
    pdf = ws.build(kind, profile, **options).pdf
    assert pdf == references[case]
    images._FORMS.clear()   # as a new process: the recorded contents from the cache folder
    assert ws.build(kind, profile, **options).pdf == references[case]
    assert all(form[1] is None for form in images._FORMS.values())   # no SVG parsed
    assert profile.municipality in PdfReader(io.BytesIO(pdf)).pages[0].extract_text()


def test_running_text_runs_switch_to_the_fallback_only_where_needed():
    ws = Workspace()
    renderer = ws.renderer(ws.layout(None))
    body = renderer.families["body"].faces["regular"]
    fallback = renderer.fallback.faces["regular"]
    assert 0x2192 not in renderer._coverage[body]   # an arrow: the fallback draws it
    assert renderer.runs("Malmö and Kraków", body) == [(body, "Malmö and Kraków")]
    assert renderer.runs("", body) == []
    assert renderer.runs("Malmö \u2192 Lund\u2192", body) == [
        (body, "Malmö "), (fallback, "\u2192"), (body, " Lund"), (fallback, "\u2192")]
    assert renderer.runs("\u2192", "a font briefgen did not load") == [
        ("a font briefgen did not load", "\u2192")]
