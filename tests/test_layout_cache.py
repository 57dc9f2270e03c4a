"""Line breaks kept between documents: a warm worker writes the bytes a cold build writes.

The reference is a workspace whose break store keeps nothing (every paragraph broken
afresh, as before the cache existed); the warm one has built other documents first,
whose paragraphs share most texts, styles and widths with the one compared.
"""

from __future__ import annotations

import datetime as dt
import io

import pytest
from pypdf import PdfReader

from briefgen.build import Workspace
from briefgen.selection import Profile

DATE = dt.date(2026, 11, 23)


def workspace(limit: int | None = None) -> Workspace:
    ws = Workspace()
    if limit is not None:
        ws.renderer(ws.layout(None)).paragraphs.breaks.limit = limit
    return ws


@pytest.fixture(scope="module")
def cold():
    return workspace(limit=0)


@pytest.fixture(scope="module")
def warm():
    ws = workspace()
    # fill the store with documents that share most paragraphs with those compared
    ws.build("brief", Profile(municipality="Lund", all=True, date=DATE))
    ws.build("brief", Profile(municipality="Gävle", country="SE", date=DATE,
                              priorities=("protect", "services")))
    return ws


CASES = {
    "full agenda": ("brief", Profile(municipality="Malmö", all=True, date=DATE), {}),
    "tailored": ("brief", Profile(municipality="Kraków", country="PL", date=DATE,
                                  priorities=("detention", "families", "services")), {}),
    "full agenda in Spanish": ("brief", Profile(municipality="Málaga", all=True, lang="es",
                                                date=DATE), {}),
    "factsheet": ("factsheet", Profile(municipality="Malmö", country="SE", date=DATE),
                  {"priority": "protect"}),
}


@pytest.mark.parametrize("case", CASES)
def test_warm_build_is_byte_identical_to_a_cold_one(case, cold, warm):
    kind, profile, options = CASES[case]
    reference = cold.build(kind, profile, **options).pdf
    first = warm.build(kind, profile, **options).pdf
    again = warm.build(kind, profile, **options).pdf  # every paragraph now a hit
    assert first == reference
    assert again == reference
    assert profile.municipality in PdfReader(io.BytesIO(again)).pages[0].extract_text()


def test_the_store_is_used_and_bounded(warm):
    store = warm.renderer(warm.layout(None)).paragraphs.breaks
    assert store.hits > store.misses  # documents share most of their lines
    assert 0 < len(store) <= store.limit


def test_the_store_drops_the_least_recently_used():
    from briefgen.render.linebreaks import BreakStore
    store = BreakStore(limit=6)          # 2 on probation, 4 used by more than one document
    for key in "abcd":
        store.put(key, key)
        store.next_document()
        assert store.get(key) == key     # a later document's use: kept in the main part
    assert store.get("a") == "a"         # "a" is now the most recent
    store.put("e", "e")
    store.next_document()
    assert store.get("e") == "e"         # the main part is full: "b" goes
    assert store.get("b") is None
    assert all(store.get(k) == k for k in "acde")
    assert len(store) == 4


def test_texts_of_one_document_do_not_push_out_shared_ones():
    """A campaign row's own paragraphs (its town's name) are asked for by its document
    only, if several times: however many rows come, they neither evict what every row
    shares nor take more than the probation third of the store (a plain LRU store fills
    up with them)."""
    from briefgen.render.linebreaks import BreakStore
    store = BreakStore(limit=90)         # 30 on probation
    shared = [f"pack text {i}" for i in range(20)]
    for row in range(200):
        store.next_document()
        for key in shared:
            if store.get(key) is None:
                store.put(key, row)
        for part in range(3):
            store.put(f"town {row} part {part}", row)
            assert store.get(f"town {row} part {part}") == row   # wrapped again
    assert len(store) == 20 + 30
    assert all(store.get(key) == 0 for key in shared)   # kept since the first row
    assert store.get("town 199 part 2") == 199 and store.get("town 0 part 0") is None
