"""The running head, rule and issuer's name drawn on a document's first page and copied
onto its later pages: the same bytes as drawing them afresh on every page.

Each case is built twice in one workspace, with the copying off and on; they differ in
what the decoration holds: a brand with a footer logo (drawn afresh on every page, the
issuer's name after it), a right-to-left document (shaped running head, the page number
on the left), and a one-page sheet (the footer note).
"""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import pytest
from pypdf import PdfReader

from briefgen.build import Workspace
from briefgen.render.pages import BriefDocTemplate
from briefgen.selection import Profile

DATE = dt.date(2026, 11, 23)
BRAND = Path(__file__).resolve().parent.parent / "examples" / "brand" / "_brand.yml"

CASES = {
    "branded brief": ("brief", Profile(municipality="Malmö", all=True, date=DATE),
                      {"brand": BRAND}),
    "arabic brief": ("brief", Profile(municipality="Lund", date=DATE, lang="ar",
                                      organisation="Röda Korset"), {}),
    "factsheet": ("factsheet", Profile(municipality="Łódź", date=DATE),
                  {"priority": "protect", "brand": BRAND}),
}


@pytest.fixture(scope="module")
def ws():
    return Workspace()


@pytest.mark.parametrize("case", CASES)
def test_decoration_copied_from_the_first_page_gives_the_same_bytes(case, ws, monkeypatch):
    kind, profile, options = CASES[case]
    monkeypatch.setattr(BriefDocTemplate, "replay_decoration", False)
    afresh = ws.build(kind, profile, **options).pdf
    monkeypatch.setattr(BriefDocTemplate, "replay_decoration", True)
    copied = ws.build(kind, profile, **options).pdf
    assert copied == afresh
    pages = PdfReader(io.BytesIO(copied)).pages
    if len(pages) > 2:   # the decoration is on the later pages, with their own numbers
        last = pages[-1].extract_text()
        assert str(len(pages)) in last and profile.organisation in last
