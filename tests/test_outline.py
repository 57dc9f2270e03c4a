"""Bookmarks, the contents page and page numbers: each takes the reader to the right page."""

from __future__ import annotations

import re

import yaml

from conftest import LAYOUTS, en, norm

LABELS = yaml.safe_load((LAYOUTS / "default" / "labels.yaml").read_text(encoding="utf-8"))["en"]


def _priority_heading(p) -> str:
    return f"{p.number}. {en(p.title)}"


def test_outline_titles_of_tailored_brief(malmo_brief, pack):
    titles = [t for t, _ in malmo_brief.outline()]
    expected = ["Introduction",
                _priority_heading(pack.priority_by_id["protect"]),
                _priority_heading(pack.priority_by_id["services"]),
                LABELS["closing_heading"].format(municipality="Malmö"),
                "Endnotes"]
    for title in expected:
        assert title in titles, (title, titles)
    # in reading order, and no unselected priority
    assert [t for t in titles if t in expected] == expected
    for pid in ("detention", "families", "root-causes", "xenophobia"):
        assert _priority_heading(pack.priority_by_id[pid]) not in titles


def test_outline_of_full_brief_lists_all_priorities_in_order(full_brief, pack):
    titles = [t for t, _ in full_brief.outline()]
    headings = [_priority_heading(p) for p in pack.priorities]
    assert [t for t in titles if t in headings] == headings
    assert titles[0] == "Introduction" and titles[-1] == "Endnotes"


def _check_destinations(pdf):
    outline = pdf.outline()
    assert outline
    pages = [page for _, page in outline]
    assert pages == sorted(pages), "bookmarks are not in page order"
    for title, page in outline:
        assert page is not None and 0 <= page < len(pdf.pages)
        assert norm(title) in pdf.page_norm(page), f"{title!r} is not on page {page + 1}"


def test_outline_destinations_hold_their_heading(malmo_brief):
    _check_destinations(malmo_brief)


def test_outline_destinations_hold_their_heading_full(full_brief):
    _check_destinations(full_brief)


def _contents_rows(pdf, with_leaders: bool = False) -> list[tuple]:
    """(title, printed page number) rows of the contents page; with_leaders adds how many
    leader dots the row has."""
    page = next(i for i, t in enumerate(pdf.texts) if LABELS["contents"] in t.splitlines())
    lines = pdf.texts[page].splitlines()
    lines = lines[lines.index(LABELS["contents"]) + 1:]
    rows, title, dots = [], [], 0
    for line in lines:
        if re.fullmatch(r"\s*\d+\s*", line):
            if title:
                row = (" ".join(" ".join(title).split()), int(line))
                rows.append(row + (dots,) if with_leaders else row)
            title, dots = [], 0
        elif re.fullmatch(r"\s*(\.\s*)+", line):
            dots += line.count(".")
        else:
            title.append(line)
    return rows


def test_every_contents_entry_has_a_dot_leader(full_brief):
    """The dots lead the eye from each title to its page number, also after a title of
    one font (a regression: those leaders started past the right edge and never showed)."""
    rows = _contents_rows(full_brief, with_leaders=True)
    assert len(rows) >= 7
    for title, _, dots in rows:
        assert dots >= 5, f"contents entry {title!r} has {dots} leader dots"


def test_contents_page_numbers_match_bookmarks(full_brief):
    rows = _contents_rows(full_brief)
    outline = full_brief.outline()
    assert [norm(t) for t, _ in rows] == [norm(t) for t, _ in outline]
    for (title, printed), (_, page) in zip(rows, outline):
        assert printed == page + 1, f"contents says {title!r} is on page {printed}"


def test_contents_links_go_to_the_headings(full_brief):
    outline = full_brief.outline()
    contents_page = next(i for i, t in enumerate(full_brief.texts)
                         if LABELS["contents"] in t.splitlines())
    targets = [l.dest_page for l in full_brief.links
               if l.page == contents_page and l.dest_page is not None]
    assert targets == [page for _, page in outline]


def test_page_x_of_y_footer(full_brief):
    total = len(full_brief.pages)
    for i, text in enumerate(full_brief.texts[1:], start=1):
        m = re.search(r"Page\s+(\d+)\s+of\s+(\d+)", text)
        assert m, f"no page number on page {i + 1}"
        assert (int(m.group(1)), int(m.group(2))) == (i + 1, total)
