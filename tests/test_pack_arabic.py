"""The Arabic translation of the built-in content pack: complete, and carrying the English facts.

A translation is written anew, so its words cannot be compared with the English ones; what
must survive is what a reader checks or clicks: the footnotes and endnote sources a text
cites, its links, its bold phrases and every number. Numbers stay in Western digits in the
content (the renderer may print them as Arabic-Indic digits), so the digits are compared
as written. Labels keep the English placeholders, so briefgen can fill them."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
import string

import pytest
import yaml

from briefgen import inline
from conftest import LAYOUTS

ARABIC_LETTER = re.compile("[\u0621-\u064a]")
EASTERN_DIGIT = re.compile("[\u0660-\u0669\u06f0-\u06f9]")
NUMBER = re.compile("[0-9]+")


def texts(pack):
    return [(path, text) for path, text in pack.all_texts() if text.has("en")]


def facts(text, lang: str) -> dict:
    cites, sources, links, bold = [], [], [], 0
    for node in inline.walk(text.nodes(lang)):
        if isinstance(node, inline.FootnoteCite):
            cites.append(node.note_id)
        elif isinstance(node, inline.SourceCite):
            sources.append(node.source_id)
        elif isinstance(node, inline.Link):
            links.append(node.url)
        elif isinstance(node, inline.Styled) and node.style == "b":
            bold += 1
    return {"footnotes": cites, "sources": sources, "links": sorted(links), "bold": bold,
            "numbers": sorted(NUMBER.findall(inline.plain(text.nodes(lang))))}


def test_every_text_of_the_pack_is_in_arabic(pack):
    missing = [path for path, text in texts(pack) if not text.has("ar")]
    assert not missing, missing
    assert not pack.missing_translations("ar")


def test_arabic_texts_are_written_in_arabic(pack):
    # a copied English text would pass the fact checks: every text has Arabic letters
    latin_only = [path for path, text in texts(pack)
                  if not ARABIC_LETTER.search(text.texts["ar"])]
    assert not latin_only, latin_only


def test_arabic_texts_carry_the_english_facts(pack):
    differing = []
    for path, text in texts(pack):
        english, arabic = facts(text, "en"), facts(text, "ar")
        if english != arabic:
            differing.append((path, {k: (english[k], arabic[k]) for k in english
                                     if english[k] != arabic[k]}))
    assert not differing, differing


def test_numbers_stay_in_western_digits(pack):
    eastern = [path for path, text in texts(pack) if EASTERN_DIGIT.search(text.texts["ar"])]
    assert not eastern, eastern


def test_place_names_per_language_include_arabic(pack):
    for e in pack.examples:
        if not e.places.get("en"):
            continue
        assert e.places.per_language, (e.id, "Arabic names differ: give one list per language")
        assert len(e.places.get("ar")) == len(e.places.get("en")), e.id
        for name in e.places.get("ar"):
            assert ARABIC_LETTER.search(name), (e.id, name)


@pytest.mark.parametrize("layout", sorted(p.parent.name for p in LAYOUTS.glob("*/labels.yaml")))
def test_arabic_labels_match_the_english_ones(layout):
    labels = yaml.safe_load((LAYOUTS / layout / "labels.yaml").read_text(encoding="utf-8"))
    english, arabic = labels["en"], labels["ar"]
    assert sorted(arabic) == sorted(english)
    fields = string.Formatter()
    for key, text in english.items():
        expected = sorted(f for _, f, _, _ in fields.parse(text) if f)
        assert sorted(f for _, f, _, _ in fields.parse(arabic[key]) if f) == expected, key
        words = re.sub(r"\{\w+\}", "", text)  # "{title}" alone has nothing to translate
        if key != "bcp47" and re.search("[A-Za-z]", words):
            assert ARABIC_LETTER.search(arabic[key]), key
    # counts are written as words that the closing sentence takes one at a time
    assert len(arabic["numbers"].split(", ")) == len(english["numbers"].split(", "))


# --------------------------------------------------------------------------- composed words
# An Arabic document composed (not rendered: the renderer's right-to-left path is its own
# work): the words briefgen adds around the content read as an Arabic reader writes them.


def _texts(node) -> list[str]:
    if isinstance(node, inline.Text):
        return [node.text]
    if isinstance(node, str):
        return [node]
    if isinstance(node, (tuple, list)):
        return [t for child in node for t in _texts(child)]
    if dataclasses.is_dataclass(node):
        return [t for f in dataclasses.fields(node) for t in _texts(getattr(node, f.name))]
    return []


def _compose(pack, kind: str, country: str):
    from briefgen import resources
    from briefgen.compose import Composer
    from briefgen.kinds import KINDS
    from briefgen.layout import load_layout
    from briefgen.selection import Profile, select
    profile = Profile(municipality="بيروت" if country == "LB" else "القاهرة", country=country,
                      lang="ar", all=True, date=dt.date(2026, 11, 23))
    composer = Composer(pack, load_layout("default", resources.layouts_dir()), select(pack, profile))
    return KINDS[kind].compose(composer)


def test_arabic_brief_for_beirut_dates_and_places_as_in_lebanon(pack):
    doc = _compose(pack, "brief", "LB")
    cover, body = " ".join(_texts(doc.cover)), " ".join(_texts(doc.body))
    assert "23 تشرين الثاني 2026" in cover  # the Levant's month names
    assert "بيروت، لبنان" in cover  # the Arabic comma between names
    assert "بيروت، لبنان" in body  # the Beirut example's caption


def test_arabic_overview_for_cairo_uses_the_other_month_names(pack):
    doc = _compose(pack, "at-a-glance", "EG")
    assert doc.footer_note == "23 نوفمبر 2026"
    assert "(أمستردام، لاهاي، ألمير، هولندا). " in " ".join(_texts(doc.body))


# --------------------------------------------------------------------------- the built pack


def test_check_lists_no_missing_arabic_text():
    from conftest import run
    result = run("check", "--lang", "ar")
    assert result.exit_code == 0, result.stderr
    assert result.stderr.startswith("ok: content pack")


def test_arabic_overview_for_beirut_fits_and_reads_back(tmp_path, pack):
    import pypdfium2
    from pypdf import PdfReader
    from conftest import DATE, run
    out = tmp_path / "glance.pdf"
    result = run("factsheet", "--at-a-glance", "-m", "بيروت", "--country", "LB", "--lang", "ar",
                 "--date", DATE, "-o", out)
    assert result.exit_code == 0, result.stderr
    page, = PdfReader(out).pages
    text = " ".join(page.extract_text().split())
    pdf = pypdfium2.PdfDocument(out)  # pypdf reorders a line that mixes digits and Arabic
    footer = " ".join(pdf[0].get_textpage().get_text_range().split())
    pdf.close()
    assert "23 تشرين الثاني 2026" in footer  # DATE, in the Levant's month names
    for p in pack.priorities:
        assert inline.plain(p.title.nodes("ar"))[:20] in text, p.id


def test_arabic_cover_lists_its_priorities_and_sections_keep_their_icons(tmp_path, pack):
    # The cover list and section titles carry the priority icons; in Arabic they are
    # shaped paragraphs, which once dropped both the icons and the cover list's titles.
    import pypdfium2
    from pypdf import PdfReader
    from conftest import DATE, run
    from test_pictures import icon_forms
    out = tmp_path / "brief.pdf"
    result = run("brief", "-p", "protect", "-p", "families", "-m", "بيروت", "--country", "LB",
                 "--lang", "ar", "--date", DATE, "-o", out)
    assert result.exit_code == 0, result.stderr
    reader = PdfReader(out)
    assert icon_forms(reader.pages[0]) == 6 + 2   # six on the band, two in the list
    assert len([p for p in reader.pages if icon_forms(p)]) >= 3   # cover + two sections
    pdf = pypdfium2.PdfDocument(out)
    cover = " ".join(pdf[0].get_textpage().get_text_range().split())
    pdf.close()
    for pid in ("protect", "families"):
        title = next(p for p in pack.priorities if p.id == pid).title
        assert inline.plain(title.nodes("ar"))[:15] in cover, pid
