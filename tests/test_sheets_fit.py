"""One-page factsheets: every priority, both layouts, short and 80-character names."""

from __future__ import annotations

import pytest
from click.testing import CliRunner
from pypdf import PdfReader

from briefgen.build import Workspace
from briefgen.cli import main
from briefgen.inline import plain

LONG_NAME = ("Municipalidad de San Sebastián de los Reyes y Alcobendas del Norte "
             "Ñuñoa-Kraków")[:80]
PRIORITIES = ["protect", "detention", "families", "services", "root-causes", "xenophobia"]


def _text(page) -> str:
    return " ".join(page.extract_text().split())


def _run(args):
    result = CliRunner().invoke(main, args, catch_exceptions=False)
    return result


@pytest.fixture(scope="module")
def pack():
    return Workspace().pack


@pytest.mark.parametrize("layout", ["default", "letter"])
@pytest.mark.parametrize("name", ["Oslo", LONG_NAME])
@pytest.mark.parametrize("priority", PRIORITIES)
def test_every_factsheet_is_one_page(tmp_path, pack, priority, name, layout):
    out = tmp_path / "sheet.pdf"
    result = _run(["factsheet", "-p", priority, "-m", name, "--country", "NO", "--layout", layout,
                   "--date", "2026-11-23", "-o", str(out)])
    assert result.exit_code == 0, result.output
    page, = PdfReader(out).pages
    text = _text(page)
    pr = pack.priority_by_id[priority]
    assert plain(pr.title.nodes("en"))[:40] in text
    # an 80-character name may wrap in the band: compare without spaces
    assert name.replace(" ", "") in text.replace(" ", "")
    assert len(name) <= 80


def test_factsheet_keeps_what_it_says_and_links_sources(tmp_path, pack):
    out = tmp_path / "protect.pdf"
    result = _run(["factsheet", "-p", "protect", "-m", "Oslo", "--country", "NO",
                   "--date", "2026-11-23", "-o", str(out)])
    assert result.exit_code == 0
    page, = PdfReader(out).pages
    text = _text(page).replace(" ", "")
    # the Norwegian example ranks first for a Norwegian municipality
    norway = pack.example_by_id["norway-reception"]
    assert plain(norway.title.nodes("en")).replace(" ", "")[:30] in text
    uris = [a.get_object()["/A"]["/URI"] for a in page.get("/Annots", [])
            if "/A" in a.get_object()]
    berlin = pack.sources["berlin-standards"]
    if plain(pack.example_by_id["berlin-standards"].title.nodes("en")).replace(" ", "")[:20] \
            in text:
        assert berlin.href in uris
    internal = [a.get_object() for a in page.get("/Annots", []) if "/Dest" in a.get_object()]
    assert internal, "source callouts link to their notes"


def test_named_examples_are_kept(tmp_path, pack):
    out = tmp_path / "services.pdf"
    result = _run(["factsheet", "-p", "services", "-e", "kiel", "-m", "Oslo",
                   "--date", "2026-11-23", "-o", str(out)])
    assert result.exit_code == 0
    page, = PdfReader(out).pages
    text = _text(page).replace(" ", "")
    assert "Kiel" in text
    auckland = plain(pack.example_by_id["auckland"].title.nodes("en")).replace(" ", "")[:25]
    assert auckland not in text


def test_overflow_of_named_choices_fails_with_the_amount(tmp_path, pack):
    out = tmp_path / "too-much.pdf"
    args = ["factsheet", "-p", "xenophobia", "-m", "Oslo", "-o", str(out)]
    for action in pack.actions_of("xenophobia"):
        args += ["-a", action.id]
    for example in pack.examples_of("xenophobia"):
        args += ["-e", example.id]
    result = _run(args)
    assert result.exit_code == 2
    assert "does not fit one page: it overflows by" in result.output
    assert "remove some -a/--action or -e/--example" in result.output
    assert not out.exists()


def test_all_combined_has_a_page_and_bookmark_per_priority(tmp_path, pack):
    out = tmp_path / "six.pdf"
    result = _run(["factsheet", "--all", "--combined", "-m", "Oslo", "--date", "2026-11-23",
                   "-o", str(out)])
    assert result.exit_code == 0, result.output
    reader = PdfReader(out)
    assert len(reader.pages) == 6
    titles = [item["/Title"] for item in reader.outline if isinstance(item, dict)]
    assert len(titles) == 6
    for i, pr in enumerate(pack.priorities):
        assert plain(pr.title.nodes("en"))[:30] in _text(reader.pages[i])


def test_all_writes_one_file_per_priority(tmp_path):
    result = _run(["factsheet", "--all", "-m", "Oslo", "--date", "2026-11-23",
                   "--out", str(tmp_path)])
    assert result.exit_code == 0
    for pid in PRIORITIES:
        assert len(PdfReader(tmp_path / f"factsheet-{pid}.pdf").pages) == 1


@pytest.mark.parametrize("layout", ["default", "letter"])
def test_at_a_glance_is_one_page_with_six_priorities(tmp_path, pack, layout):
    out = tmp_path / "glance.pdf"
    result = _run(["factsheet", "--at-a-glance", "-m", LONG_NAME, "--layout", layout,
                   "--date", "2026-11-23", "-o", str(out)])
    assert result.exit_code == 0, result.output
    page, = PdfReader(out).pages
    text = _text(page).replace(" ", "")
    for pr in pack.priorities:
        assert plain(pr.title.nodes("en")).replace(" ", "")[:30] in text
        action = pack.action_by_id[pr.headline_action]
        assert plain(action.short.nodes("en")).replace(" ", "")[:25] in text


def test_factsheet_footer_has_organisation_and_date(tmp_path):
    out = tmp_path / "f.pdf"
    result = _run(["factsheet", "-p", "3", "-m", "Lille", "--organisation", "UNICEF France",
                   "--lang", "fr", "--date", "2026-11-23", "-o", str(out)])
    assert result.exit_code == 0
    text = _text(PdfReader(out).pages[0])
    assert "UNICEF France" in text and "23 novembre 2026" in text
