"""Footnotes, endnotes and links.

Footnotes are numbered 1, 2, 3 and drawn at the foot of the page that cites them; endnotes
are numbered i, ii, iii by first citation and listed at the end. Every callout links to its
note and every note links back.
"""

from __future__ import annotations

import dataclasses
import re

import pytest

from briefgen import document as d
from briefgen import inline
from briefgen.build import Workspace
from briefgen.selection import Profile
from conftest import DATE, MALMO_ARGS, ROMAN, Pdf, build, edit, en, lead, norm, roman, \
    text_before_cites


# --------------------------------------------------------------------------- helpers


def compose(**fields):
    profile = Profile().merged({"date": DATE, **fields})
    doc, _layout, _warnings = Workspace().compose("brief", profile)
    return doc


def marks(obj):
    """Footnote and endnote marks of a document's blocks, in reading order."""
    if isinstance(obj, (inline.FootnoteMark, inline.EndnoteMark)):
        yield obj
    elif dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        for f in dataclasses.fields(obj):
            yield from marks(getattr(obj, f.name))
    elif isinstance(obj, (tuple, list)):
        for item in obj:
            yield from marks(item)


def first_seen(values):
    seen = []
    for v in values:
        if v not in seen:
            seen.append(v)
    return seen


def footnote_links(pdf: Pdf):
    """Internal links drawn on a footnote number (callouts and the notes' back-links)."""
    return [l for l in pdf.links if l.dest_page is not None and re.fullmatch(r"\d+", l.text)]


def endnote_links(pdf: Pdf):
    return [l for l in pdf.links if l.dest_page is not None and ROMAN.fullmatch(l.text)]


def endnotes_page(pdf: Pdf) -> int:
    return dict(pdf.outline())["Endnotes"]


MALMO = dict(municipality="Malmö", country="SE", priorities=("protect", "4"))


# --------------------------------------------------------------------------- numbering


@pytest.mark.parametrize("fields", [MALMO, dict(municipality="X", all=True),
                                    dict(municipality="X", priorities=("xenophobia", "2"))],
                         ids=["malmo", "all", "reversed"])
def test_numbering_follows_first_citation(fields):
    doc = compose(**fields)
    body_marks = list(marks(doc.cover + doc.body))
    endnote_order = first_seen(m.label for m in body_marks
                               if isinstance(m, inline.EndnoteMark))
    assert endnote_order == [roman(k) for k in range(1, len(endnote_order) + 1)]
    footnote_order = first_seen(m.number for m in body_marks
                                if isinstance(m, inline.FootnoteMark))
    assert footnote_order == list(range(1, len(footnote_order) + 1))
    assert sorted(doc.footnotes) == footnote_order
    # exactly the first citation of each source carries the back-link anchor
    firsts = [m.label for m in body_marks if isinstance(m, inline.EndnoteMark) and m.first]
    assert firsts == endnote_order
    # the endnotes list: every cited source once, i..n in order
    (notes,) = [b for b in doc.body if isinstance(b, d.Endnotes)]
    assert [e.label for e in notes.entries] == endnote_order


def test_full_brief_cites_every_note_and_source(pack):
    doc = compose(municipality="X", all=True)
    assert len(doc.footnotes) == len(pack.footnotes)
    (notes,) = [b for b in doc.body if isinstance(b, d.Endnotes)]
    assert sorted(e.href for e in notes.entries) == sorted(s.href for s in pack.sources.values())


# --------------------------------------------------------------------------- footnote links


def _check_footnote_links(pdf: Pdf, n_notes: int):
    links = footnote_links(pdf)
    numbers = sorted({int(l.text) for l in links})
    assert numbers == list(range(1, n_notes + 1))
    for n in numbers:
        pair = [l for l in links if int(l.text) == n]
        # a callout in the text and the note's number at the foot, linking to each other
        assert len(pair) >= 2, (n, pair)
        callouts = [l for l in pair if l.dest_xy[1] < l.rect[1]]   # pointing down the page
        backs = [l for l in pair if l.dest_xy[1] > l.rect[3]]      # pointing up to the text
        assert callouts and backs, (n, pair)
    for l in links:
        assert l.dest_page == l.page, \
            f"footnote {l.text} on page {l.page + 1} links to page {l.dest_page + 1}"


def test_footnote_links_both_ways_tailored(malmo_brief):
    doc = compose(**MALMO)
    _check_footnote_links(malmo_brief, len(doc.footnotes))


def test_footnotes_on_the_citing_page_full(full_brief, pack):
    _check_footnote_links(full_brief, len(pack.footnotes))


def test_footnote_text_on_the_page_of_its_citation(full_brief, pack):
    checked = set()
    for _path, text in pack.all_texts():
        if not text.has("en"):
            continue
        for note_id, before in text_before_cites(text):
            assert len(before) >= 12, (note_id, before)
            pages = full_brief.pages_with(before)
            assert len(pages) == 1, (note_id, before, pages)
            note = lead(pack.footnotes[note_id].text)
            assert norm(note) in full_brief.page_norm(pages[0]), \
                f"note {note_id} is not on page {pages[0] + 1}, which cites it"
            checked.add(note_id)
    assert checked == set(pack.footnotes)


# --------------------------------------------------------------------------- endnotes


def _check_endnotes(pdf: Pdf, pack, doc):
    (notes,) = [b for b in doc.body if isinstance(b, d.Endnotes)]
    by_href = {s.href: s for s in pack.sources.values()}
    page = endnotes_page(pdf)
    text = pdf.page_norm(page)
    # the endnotes page lists i, ii, iii ... in order, each with its source's label
    at = -1
    for k, entry in enumerate(notes.entries, start=1):
        assert entry.label == roman(k)
        source = by_href[entry.href]
        key = norm(roman(k) + en(source.label)[:30])
        assert key in text[at + 1:], f"endnote {roman(k)} missing or out of order"
        at = text.index(key, at + 1)
        assert norm(source.url) in norm(pdf.text), source.id
    # in the text, callouts meet the labels in order i, ii, iii ... (reading order)
    callouts = sorted((l for l in endnote_links(pdf) if l.page != page),
                      key=lambda l: (l.page, -l.rect[3], l.rect[0]))
    assert first_seen(l.text for l in callouts) == [e.label for e in notes.entries]
    for l in callouts:
        assert l.dest_page == page
    # each label on the endnotes page links back to the page of the first citation
    first_page = {}
    for l in callouts:
        first_page.setdefault(l.text, l.page)
    backs = [l for l in endnote_links(pdf) if l.page == page]
    assert [l.text for l in sorted(backs, key=lambda l: -l.rect[3])] == \
        [e.label for e in notes.entries]
    for l in backs:
        assert l.dest_page == first_page[l.text], l


def test_endnotes_tailored(malmo_brief, pack):
    _check_endnotes(malmo_brief, pack, compose(**MALMO))


def test_endnotes_full(full_brief, pack):
    _check_endnotes(full_brief, pack, compose(municipality="Springfield", all=True))


def test_external_links_cover_every_cited_source(malmo_brief, full_brief, pack):
    doc = compose(**MALMO)
    (notes,) = [b for b in doc.body if isinstance(b, d.Endnotes)]
    cited = [s for s in pack.sources.values() if s.href in {e.href for e in notes.entries}]
    assert cited
    uris = {l.uri for l in malmo_brief.links if l.uri}
    for s in cited:
        assert s.href in uris, s.id
    uris = {l.uri for l in full_brief.links if l.uri}
    for s in pack.sources.values():
        assert s.href in uris, s.id
    # a URL printed without a scheme is still a working link
    idnyc = pack.sources["idnyc"]
    assert "://" not in idnyc.url and idnyc.href == "https://" + idnyc.url
    assert idnyc.href in uris


# --------------------------------------------------------------------------- a note cited twice


def test_note_cited_on_two_pages_links_to_its_own_page(tmp_path, pack_copy, pack):
    # cite the protect priority's first footnote again in a services action
    note_id = "fn-national-standards"
    edit(pack_copy / "actions.yaml", r"free, quality education,(\s+)whatever their migration",
         rf"free, quality education,[^{note_id}]\1whatever their migration")
    pdf = Pdf(build(tmp_path / "twice.pdf", "--content", pack_copy, *MALMO_ARGS))
    note_pages = pdf.pages_with(lead(pack.footnotes[note_id].text))
    assert len(note_pages) == 2  # the note is printed under both citations
    for l in footnote_links(pdf):
        assert l.dest_page == l.page, \
            f"footnote {l.text} on page {l.page + 1} links to page {l.dest_page + 1}"
