"""Facts of the built-in content pack, checked by a person against the two seed documents.

A guard: if an edit of content/ changes one of these, a human should look again."""

from __future__ import annotations

from conftest import ALL_PRIORITIES, en


def test_six_priorities_in_agenda_order(pack):
    assert [p.id for p in pack.priorities] == list(ALL_PRIORITIES)
    assert [p.number for p in pack.priorities] == [1, 2, 3, 4, 5, 6]


def test_counts(pack):
    assert len(pack.footnotes) == 11
    assert len(pack.sources) == 17
    assert len(pack.examples) == 21


def test_idnyc_url_is_printed_as_in_the_seed(pack):
    assert pack.sources["idnyc"].url == "www1.nyc.gov/site/idnyc/index.page"


def test_barcelona_housing_numbers(pack):
    text = en(pack.example_by_id["barcelona-housing"].text)
    assert "24" in text and "90" in text


def test_madrid_year(pack):
    assert pack.example_by_id["madrid-detention"].year == 2017


def test_amsterdam_cites_the_vng_program(pack):
    example = pack.example_by_id["amsterdam-hague-almere"]
    assert example.source == "vng-logorep"
    assert "src:vng-logorep" in example.text.texts["en"]


def test_every_footnote_and_source_is_cited(pack):
    cited = "\n".join(t.texts.get("en", "") for _, t in pack.all_texts())
    for note in pack.footnotes:
        assert f"[^{note}]" in cited, note
    for source in pack.sources:
        assert f"src:{source}" in cited, source
