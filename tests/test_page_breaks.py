"""What a designer checks first: no heading left alone at the foot of a page.

A heading is a section label of labels.yaml (in the document's language) or any line set
at 15 pt or more (section titles, the contents and endnotes titles). Each is found on its
page with its position and size, as pypdf reads them; below it on the same page there must
be text that is not a heading, at 8 pt or more (the start of what it heads), not only
footnotes and the footer, which are set at 7.5 pt.
"""

from __future__ import annotations

import pytest
import yaml
from pypdf import PdfReader

from conftest import ALL_PRIORITIES, DATE, LAYOUTS, run

LABELS = yaml.safe_load((LAYOUTS / "default" / "labels.yaml").read_text(encoding="utf-8"))
HEADING_KEYS = ("actions_heading", "asks_heading", "examples_heading")
TEXT_SIZE = 8.0      # body 10, box captions 8, endnotes 8.5; footnotes and footer 7.5
TITLE_SIZE = 15.0    # h1 19-21 pt, h2 13-14 pt


def placed_text(page) -> list[tuple[str, float, float]]:
    """(text, baseline y, font size in points) for each piece of text on the page."""
    items: list[tuple[str, float, float]] = []

    def visit(text, cm, tm, font, size):
        if text.strip():
            scale = abs(tm[3] * cm[3]) or 1.0
            items.append((text.strip(), tm[5] * cm[3] + cm[5], size * scale))

    page.extract_text(visitor_text=visit)
    return items


def orphaned_headings(path, lang: str) -> list[str]:
    labels = {LABELS[lang][k].upper() for k in HEADING_KEYS}

    def is_heading(text: str, size: float) -> bool:
        return text.upper() in labels or size >= TITLE_SIZE

    problems = []
    for number, page in enumerate(PdfReader(path).pages, start=1):
        items = placed_text(page)
        for text, y, size in items:
            if is_heading(text, size):
                below = [t for t, y2, s2 in items
                         if y2 < y - 1 and s2 >= TEXT_SIZE and not is_heading(t, s2)]
                if not below:
                    problems.append(f"page {number}: '{text}' has nothing under it")
    return problems


CASES = [(lang, (pid,)) for lang in ("en", "es", "fr") for pid in ALL_PRIORITIES] + [
    ("es", ("families", "services")), ("fr", ("xenophobia", "services")),
    ("en", ("protect", "detention", "services"))]


@pytest.mark.parametrize("layout", ["default", "letter"])
@pytest.mark.parametrize("lang,priorities", CASES)
def test_no_heading_ends_a_page(tmp_path, lang, priorities, layout):
    out = tmp_path / "brief.pdf"
    flags = [a for pid in priorities for a in ("-p", pid)]
    result = run("brief", "-m", "Villahermosa", "--country", "MX", *flags, "--lang", lang,
                 "--layout", layout, "--date", DATE, "-o", out)
    assert result.exit_code == 0, result.stderr
    headings_found = sum(text.upper() in {LABELS[lang][k].upper() for k in HEADING_KEYS}
                         for page in PdfReader(out).pages for text, _, _ in placed_text(page))
    assert headings_found >= 2  # the check below looks at something
    assert orphaned_headings(out, lang) == []


@pytest.mark.parametrize("lang", ["en", "es", "fr"])
def test_no_heading_ends_a_page_in_the_full_agenda(tmp_path, lang):
    out = tmp_path / "agenda.pdf"
    result = run("brief", "--all", "-m", "Barcelona", "--country", "ES", "--lang", lang,
                 "--date", DATE, "-o", out)
    assert result.exit_code == 0, result.stderr
    assert orphaned_headings(out, lang) == []
