"""Document kinds are a registry: the CLI, check and campaign outputs read it, and a new
kind is one module (here, one registration in a test)."""

from __future__ import annotations

import pytest
from pypdf import PdfReader

from briefgen import document as d
from briefgen import inline, kinds
from briefgen.errors import SelectionError
from conftest import DATE, run


def test_the_built_in_kinds():
    assert list(kinds.KINDS) == ["brief", "factsheet", "at-a-glance"]
    assert kinds.outputs() == {
        "brief": "the tailored brief: <slug>/brief.pdf",
        "factsheets": "one sheet per priority of the row (every priority when none): "
                      "<slug>/factsheet-<priority>.pdf",
        "at-a-glance": "the one-page overview: <slug>/at-a-glance.pdf"}
    listed = run("list", "kinds")
    assert listed.exit_code == 0
    assert [line.split()[0] for line in listed.stdout.splitlines()] == list(kinds.KINDS)


def test_a_kind_is_registered_once():
    with pytest.raises(ValueError, match="registered twice"):
        kinds.register(kinds.KINDS["brief"])


def test_an_unknown_kind_names_the_registered_ones():
    with pytest.raises(SelectionError) as info:
        kinds.get("poster")
    assert str(info.value) == ("error: unknown document kind 'poster'; kinds: brief, factsheet, "
                               "at-a-glance [kind]")


@pytest.fixture
def contacts_kind():
    """A new kind, registered the way a module of briefgen/kinds/ would register itself."""
    def compose(c):
        items = tuple(d.ListItem((inline.Text(c.loc.plain(pr.short_title)),))
                      for pr in c.pack.priorities)
        return d.Document(kind="contacts", meta=c.meta("Who to call", "contacts"),
                          body=(d.Heading((inline.Text("Who to call"),), 1),
                                d.BulletList(items)),
                          labels=c.doc_labels(), one_page=True)

    kind = kinds.register(kinds.Kind(
        name="contacts", doc="one page of contacts", compose=compose, output="contacts",
        output_doc="<slug>/contacts.pdf", files=lambda pack, profile: [("contacts.pdf", {})],
        samples=lambda pack: [{}], one_page=True))
    yield kind
    del kinds.KINDS["contacts"]


def test_a_new_kind_reaches_check_and_campaigns(tmp_path, contacts_kind, pack):
    assert run("check").exit_code == 0
    towns = tmp_path / "towns.csv"
    towns.write_text("municipality,outputs\nLyon,brief;contacts\n", encoding="utf-8")
    result = run("campaign", towns, "--out", tmp_path / "out", "--jobs", "1", "--quiet")
    assert result.exit_code == 0, result.stderr
    page, = PdfReader(str(tmp_path / "out" / "lyon" / "contacts.pdf")).pages
    text = page.extract_text()
    assert "Who to call" in text
    for pr in pack.priorities:
        assert pr.short_title.texts["en"] in text
    assert (tmp_path / "out" / "lyon" / "brief.pdf").is_file()
    schema = run("schema", "campaign").stdout
    assert "contacts: <slug>/contacts.pdf" in schema


def test_unknown_output_lists_the_kinds(tmp_path):
    towns = tmp_path / "towns.csv"
    towns.write_text("municipality,outputs\nLyon,poster\n", encoding="utf-8")
    result = run("campaign", towns, "--out", tmp_path / "out", "--check")
    assert "unknown output 'poster'" in result.stderr
    assert "outputs: brief, factsheets, at-a-glance" in result.stderr


def test_one_workspace_builds_warm(tmp_path):
    from briefgen.build import Workspace, build_brief
    from briefgen.selection import Profile
    ws = Workspace()
    profile = Profile(municipality="Lyon", priorities=("1",))
    first = build_brief(profile, workspace=ws)
    layout = ws.layout(None)
    second = build_brief(profile, workspace=ws)
    assert ws.layout(None) is layout            # loaded once, kept by the workspace
    assert first.pdf == second.pdf
    assert run("brief", "-m", "Lyon", "-p", "1", "--date", DATE, "-o", tmp_path / "x.pdf") \
        .exit_code == 0
