"""One schema per file format: it validates (every problem, file:line, key path, code) and
documents (`briefgen schema`); `briefgen new` writes a pack that every command builds."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from pypdf import PdfReader

from briefgen import fields
from conftest import CONTENT, DATE, assert_bad_input, line_of, run
from test_agenda import topic_words_in


def problems(result) -> list[str]:
    assert result.exit_code == 2, (result.exit_code, result.stderr, result.exception)
    assert "Traceback" not in result.stderr
    return result.stderr.splitlines()


# --------------------------------------------------------------------------- typed fields


@pytest.mark.parametrize("raw, points", [
    ("12pt", 12.0), ("25.4mm", 72.0), ("2.54cm", 72.0), ("1in", 72.0), (10, 10.0),
    (" 3 pt ", 3.0), ("-2pt", -2.0)])
def test_measurement(raw, points):
    assert fields.measurement(raw) == pytest.approx(points)


@pytest.mark.parametrize("raw", ["12px", "abc", "", "1.2.3mm", True])
def test_measurement_refused(raw):
    with pytest.raises(fields.FieldError, match="not a measurement"):
        fields.measurement(raw)


@pytest.mark.parametrize("raw, palette, hex_", [
    ("#1C6FB5", None, "#1c6fb5"), ("#fff", None, "#ffffff"), ("accent", {"accent": "#0b5f8a"},
                                                            "#0b5f8a")])
def test_color(raw, palette, hex_):
    assert fields.color(raw, palette) == hex_


@pytest.mark.parametrize("raw", ["#12345", "blue", "#ggg"])
def test_color_refused(raw):
    with pytest.raises(fields.FieldError, match="not a colour"):
        fields.color(raw, {"accent": "#000000"})


@pytest.mark.parametrize("raw, size", [("A4", (595.2756, 841.8898)), ("letter", (612.0, 792.0)),
                                       (["100mm", "4in"], (283.4646, 288.0))])
def test_page_size(raw, size):
    assert fields.page_size(raw) == pytest.approx(size)


@pytest.mark.parametrize("raw", ["B7", [1], "tall"])
def test_page_size_refused(raw):
    with pytest.raises(fields.FieldError):
        fields.page_size(raw)


# --------------------------------------------------------------------------- theme and layout


@pytest.fixture
def bad_layout(tmp_path) -> Path:
    folder = tmp_path / "bad"
    folder.mkdir()
    (folder / "layout.yaml").write_text("description: broken\nextends: default\n",
                                        encoding="utf-8")
    (folder / "theme.yaml").write_text(
        "fit:\n"
        "  min_scale: abc\n"
        "palette:\n"
        "  accent: \"#12345\"\n"
        "styles:\n"
        "  body: {size: 10pt, colour: ink}\n"
        "  h1: {size: big, font: serif}\n"
        "page:\n"
        "  size: B7\n", encoding="utf-8")
    return folder


def test_theme_problems_all_at_once_with_lines(bad_layout):
    lines = problems(run("check", "--layout", bad_layout))
    theme = str(bad_layout / "theme.yaml")
    assert lines == [
        f"briefgen: {theme}:2:14: error: 'abc' is not a number in fit.min_scale; "
        "write e.g. 0.85 [theme.type]",
        f"briefgen: {theme}:4:11: error: '#12345' is not a colour; write #rrggbb or a palette "
        "name (none) in palette.accent [theme.type]",
        f"briefgen: {theme}:6:30: error: unknown key 'colour' in styles.body.colour; "
        "did you mean 'color'? [theme.unknown-key]",
        f"briefgen: {theme}:7:14: error: 'big' is not a measurement; write e.g. 10pt, 12mm, "
        "1.5cm or 0.5in in styles.h1.size [theme.type]",
        f"briefgen: {theme}:7:25: error: style 'h1' uses font role 'serif', which the theme "
        "does not define in styles.h1.font; roles: body, heading, fallback [theme]",
        f"briefgen: {theme}:9:9: error: 'B7' is not a page size; use A4, A5, LETTER, LEGAL "
        "or [width, height] in page.size [theme.type]",
        f"briefgen: 6 problems in theme {theme}",
    ]


def test_a_wrong_theme_value_is_bad_input_not_a_crash(tmp_path):
    folder = tmp_path / "lay"
    folder.mkdir()
    (folder / "layout.yaml").write_text("extends: default\n", encoding="utf-8")
    (folder / "theme.yaml").write_text("fit: {min_scale: abc}\n", encoding="utf-8")
    out = tmp_path / "x.pdf"
    line = assert_bad_input(run("factsheet", "-p", "1", "--layout", folder, "-o", out), out)
    assert "'abc' is not a number in fit.min_scale" in line


def test_layout_manifest_problems(tmp_path):
    folder = tmp_path / "lay"
    folder.mkdir()
    (folder / "layout.yaml").write_text(
        "extends: default\n"
        "brief:\n"
        "  priority_new_pag: false\n"
        "factsheet:\n"
        "  max_examples: two\n"
        "colour: red\n", encoding="utf-8")
    lines = problems(run("check", "--layout", folder))
    manifest = str(folder / "layout.yaml")
    assert len(lines) == 4
    assert any(f"{manifest}:3:21: error: unknown key 'priority_new_pag' in "
               "brief.priority_new_pag; did you mean 'priority_new_page'? [layout.unknown-key]"
               in line for line in lines)
    assert any(f"{manifest}:5:17: error: 'two' is not a whole number in "
               "factsheet.max_examples [layout.type]" in line for line in lines)
    assert any(f"{manifest}:6:9: error: unknown key 'colour' in colour" in line
               for line in lines)
    assert lines[-1] == f"briefgen: 3 problems in layout '{folder}'"


# --------------------------------------------------------------------------- check = build


def test_check_refuses_an_empty_english_title(tmp_path):
    dest = tmp_path / "content"
    shutil.copytree(CONTENT, dest)
    path = dest / "pack.yaml"
    text = path.read_text(encoding="utf-8")
    line = line_of(path, r"^title:")
    path.write_text(re.sub(r'^title: \{en: "Children Uprooted"', 'title: {en: ""', text,
                           flags=re.M), encoding="utf-8")
    lines = problems(run("check", "--content", dest))
    assert any(f"pack.yaml:{line}:" in x and "the English text is empty in pack.title.en" in x
               and "[schema.empty]" in x for x in lines), lines
    out = tmp_path / "x.pdf"
    assert problems(run("brief", "--all", "--content", dest, "-o", out))
    assert not out.exists()


# --------------------------------------------------------------------------- the reference


def test_schema_prints_every_format():
    pack = run("schema", "pack")
    assert pack.exit_code == 0
    for needle in ("priorities.yaml priorities[]", "number: int?  (default none)",
                   "headline_action: ref:action  (required)", "words.doc_title_general: text",
                   "sections", "[text](src:SOURCE-ID)", "[^FOOTNOTE-ID]", "**bold**",
                   "<https://...>"):
        assert needle in pack.stdout, needle
    theme = run("schema", "theme").stdout
    assert "fit.min_scale: number  (default 0.8)" in theme
    assert "styles.<style>.size: measure" in theme
    layout = run("schema", "layout").stdout
    assert "brief.priority_new_page: bool  (default true)" in layout
    assert "params.<parameter>.default: any" in layout
    profile = run("schema", "profile").stdout
    assert "examples_per_priority: int  (default 2)" in profile
    campaign = run("schema", "campaign").stdout
    assert "outputs: outputs  (default [brief])" in campaign
    assert "municipalities:" in campaign
    everything = run("schema")
    assert everything.exit_code == 0
    for part in (pack.stdout, theme, layout, profile, campaign):
        assert part in everything.stdout


def test_schema_refuses_an_unknown_name():
    result = run("schema", "palette")
    assert result.exit_code == 2
    assert "pack, profile, campaign, layout, theme, markup" in result.stderr.replace("'", "")


# --------------------------------------------------------------------------- briefgen new


def test_new_pack_checks_and_builds_everything(tmp_path):
    pack = tmp_path / "my-pack"
    result = run("new", pack)
    assert result.exit_code == 0, result.stderr
    assert sorted(p.name for p in pack.iterdir()) == [
        "actions.yaml", "examples.yaml", "notes.yaml", "pack.yaml", "priorities.yaml",
        "regions.yaml"]
    assert "ok: content pack" in run("check", "--content", pack).stderr
    common = ("--content", pack, "--date", DATE)
    outs = []
    for name, args in {"general": ("brief", "--all"),
                       "town": ("brief", "-m", "Lyon", "--country", "FR", "-p", "2"),
                       "sheet": ("factsheet", "-p", "1", "-m", "Lyon"),
                       "glance": ("factsheet", "--at-a-glance")}.items():
        out = tmp_path / f"{name}.pdf"
        result = run(*args, *common, "-o", out)
        assert result.exit_code == 0, (name, result.stderr)
        outs.append(out)
    towns = tmp_path / "towns.csv"
    towns.write_text("municipality,outputs\nLyon,brief;factsheets;at-a-glance\n",
                     encoding="utf-8")
    result = run("campaign", towns, "--out", tmp_path / "campaign", "--content", pack,
                 "--jobs", "1", "--quiet")
    assert result.exit_code == 0, result.stderr
    outs += sorted((tmp_path / "campaign").rglob("*.pdf"))
    assert len(outs) == 4 + 4
    for out in outs:
        assert topic_words_in(out) == [], out.name
    cover = PdfReader(str(outs[0])).pages[0].extract_text()
    assert "Quiet streets: what local governments can do" in " ".join(cover.split())


def test_new_refuses_a_folder_in_use(tmp_path):
    (tmp_path / "x").mkdir()
    (tmp_path / "x" / "keep.txt").write_text("mine", encoding="utf-8")
    line = assert_bad_input(run("new", tmp_path / "x"))
    assert "exists and is not an empty folder" in line
    assert (tmp_path / "x" / "keep.txt").read_text(encoding="utf-8") == "mine"
