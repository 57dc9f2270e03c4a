"""The US Letter layout (layouts/letter), when it exists."""

from __future__ import annotations

import pytest

from conftest import LAYOUTS, MALMO_ARGS, Pdf, build, norm

LETTER = LAYOUTS / "letter" / "layout.yaml"

pytestmark = pytest.mark.skipif(not LETTER.is_file(),
                                reason="layouts/letter/layout.yaml does not exist yet")


@pytest.fixture(scope="module")
def letter_brief(tmp_path_factory):
    out = tmp_path_factory.mktemp("letter") / "letter.pdf"
    return Pdf(build(out, *MALMO_ARGS, "--layout", "letter"))


def test_letter_page_size(letter_brief):
    for i, page in enumerate(letter_brief.pages):
        box = page.mediabox
        assert (round(float(box.width)), round(float(box.height))) == (612, 792), i


def test_letter_brief_has_the_same_content(letter_brief, malmo_brief):
    assert "Malmö" in letter_brief.texts[0]
    assert [t for t, _ in letter_brief.outline()] == [t for t, _ in malmo_brief.outline()]
    for title, page in letter_brief.outline():
        assert norm(title) in letter_brief.page_norm(page)

