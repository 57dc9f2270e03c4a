"""ReportLab's formatting of PDF objects and shown text, replaced by shortcuts: same bytes.

Each shortcut is checked against ReportLab's own on values that take every branch; then
whole documents built one after another in one process (the remembered text runs made by
earlier documents, whose fonts numbered their characters differently) are compared byte
for byte with the same documents built without the shortcuts.
"""

from __future__ import annotations

import datetime as dt
from collections import OrderedDict

import pytest
from reportlab.pdfbase import pdfdoc

from briefgen.build import Workspace
from briefgen.render import fastpaths, pdfwrite
from briefgen.render.archive import Text
from briefgen.selection import Profile

DATE = dt.date(2026, 11, 23)

VALUES = [0, 7, -3, 2.5, 1e-7, 123456.789, -0.0, 0.0, 1.0, 1, 2 ** 40, float("nan"),
          True, False, None, "", "/Type", "plain",
          "café", Text("(already PDF)"), b"bytes", pdfdoc.PDFString("a (string)"),
          pdfdoc.PDFName("Name"), [1, 2]]


def _original(name):
    return pdfwrite._ORIGINAL[name]


def test_tokens_format_as_reportlab_formats_them():
    doc = pdfdoc.PDFDocument()
    for value in VALUES * 2:     # the second time from what was remembered
        with pdfwrite.disabled():
            expected = pdfdoc.format(value, doc)
        assert pdfwrite.pdf_format(value, doc) == expected, value


@pytest.mark.parametrize("multiline", [True, False, "forced"])
def test_dictionaries_and_arrays_format_as_reportlab_formats_them(multiline):
    doc = pdfdoc.PDFDocument()
    dicts = [pdfdoc.PDFDictionary({}), pdfdoc.PDFDictionary({"Type": "/Page", "N": 3}),
             pdfdoc.PDFDictionary({f"K{i}": i * 1.5 for i in range(14)}),
             pdfdoc.PDFDictionary(OrderedDict([("Z", 1), ("A", "x"), ("M", b"y")])),
             pdfdoc.PDFDictionary({"Nested": pdfdoc.PDFDictionary({"a b": [1, "x"]}),
                                   "Arr": pdfdoc.PDFArray([1, 2.25, "/N"])})]
    arrays = [pdfdoc.PDFArray([]), pdfdoc.PDFArray([1, 2, 3]),
              pdfdoc.PDFArray(list(range(23))), pdfdoc.PDFArray([0.5, "s", b"b", True]),
              pdfdoc.PDFArrayCompact(list(range(31)))]
    for obj in dicts + arrays:
        obj.multiline = multiline
    with pdfwrite.disabled():
        expected = [pdfdoc.format(o, doc) for o in dicts + arrays]
    assert [pdfwrite.dictionary_format(o, doc) for o in dicts] == expected[:len(dicts)]
    assert [pdfwrite.array_format(o, doc) for o in arrays] == expected[len(dicts):]


def test_text_strings_format_as_reportlab_formats_them():
    doc = pdfdoc.PDFDocument()
    strings = [pdfdoc.PDFString(s, escape=e) for s in ("Link", "a (b) \\ c", "Łódź", "مرحبا",
                                                       "", "x\ny") for e in (1, 0, 2, 4, 7)]
    strings += [pdfdoc.PDFString(b"bytes (raw)"), pdfdoc.PDFString("raw", enc="raw"),
                pdfdoc.PDFString("utf", enc="utf_16_be")]
    for s in strings * 2:     # the second time from what was remembered
        with pdfwrite.disabled():
            expected = pdfdoc.format(s, doc)
        assert pdfwrite.pdf_format(s, doc) == s.format(doc) == expected, (s.s, s.escape)


def test_references_format_as_reportlab_formats_them():
    doc = pdfdoc.PDFDocument()
    doc.idToObjectNumberAndVersion = {"Page1": (12, 0)}
    ref = pdfdoc.PDFObjectReference("Page1")
    assert pdfwrite.reference_format(ref, doc) == \
        _original("PDFObjectReference.format")(ref, doc) == b"12 0 R"
    with pytest.raises(KeyError, match="forward reference"):
        pdfwrite.reference_format(pdfdoc.PDFObjectReference("Page9"), doc)


# Names whose letters the fonts number in different orders: a run remembered from one
# document must not be written into the next with the other's codes.
ROWS = ["Malmö", "Αθήνα", "Lund", "Łódź", "Malmö"]


@pytest.fixture(scope="module")
def references():
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("BRIEFGEN_NO_CACHE", "1")
        ws = Workspace()
        with fastpaths.disabled(), pdfwrite.disabled():
            out = [ws.build("brief", Profile(municipality=name, all=True, date=DATE)).pdf
                   for name in ROWS[:4]]
            out.append(ws.build("factsheet", Profile(municipality="Zürich", date=DATE),
                                priority="protect").pdf)
    return out


def test_documents_one_after_another_are_byte_identical_with_the_shortcuts(references,
                                                                          monkeypatch):
    monkeypatch.setenv("BRIEFGEN_NO_CACHE", "1")
    pdfwrite.forget()   # what earlier tests' documents left (subsets, streams, runs)
    made = {"makeSubset": 0, "deflate": 0}
    for name in made:
        def counted(*args, _f=pdfwrite._ORIGINAL[name], _name=name):
            made[_name] += 1
            return _f(*args)
        monkeypatch.setitem(pdfwrite._ORIGINAL, name, counted)
    ws = Workspace()
    got = [ws.build("brief", Profile(municipality=name, all=True, date=DATE)).pdf
           for name in ROWS]
    assert pdfwrite._RUNS   # runs remembered and, from the second document on, reused
    # font subsets made once for the same glyphs (Malmö's again in the last brief) and
    # streams compressed once for the same bytes: reused, and the bytes still the same
    embedded = sum(pdf.count(b"/Length1 ") for pdf in got)    # one per subset's file
    assert 0 < made["makeSubset"] < embedded
    streams = sum(pdf.count(b"/FlateDecode") for pdf in got)
    assert pdfwrite._DEFLATED and 0 < made["deflate"] < streams
    assert got[:4] == references[:4]
    assert got[4] == references[0]   # Malmö again, after three other documents
    assert ws.build("factsheet", Profile(municipality="Zürich", date=DATE),
                    priority="protect").pdf == references[4]


def test_fill_colours_are_set_as_reportlab_sets_them():
    from reportlab.lib.colors import CMYKColor, Color, HexColor
    from reportlab.pdfgen.canvas import Canvas
    colours = [HexColor("#1a5fa8"), Color(0.2, 0.4, 0.6, alpha=0.5), Color(0, 0, 0),
               CMYKColor(0.1, 0.2, 0.3, 0.4), (0.5, 0.5, 0.5), (0, 0, 0, 1), "red",
               HexColor("#1a5fa8")]
    got, expected = [], []
    for fast, out in ((False, expected), (True, got)):
        canv = Canvas(None)
        tx = canv.beginText(0, 0)
        setter = pdfwrite.set_fill_color if fast else _original("setFillColor")
        for colour in colours:
            setter(canv, colour)
            setter(tx, colour)
        setter(canv, Color(1, 0, 0), alpha=0.25)
        out.append((list(canv._code), tx.getCode(), canv._fillColorObj, tx._fillColorObj))
    assert got == expected
    assert any("gs" in c for c in expected[0][0])   # the alpha went into the graphics state
