"""Bad input of every kind: exit code 2, one line on stderr saying what and where,
no traceback, and no output file."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from conftest import DATE, assert_bad_input, edit, line_of, run

PACKS = Path(__file__).resolve().parent / "packs"


def brief(out: Path, *args):
    return run("brief", *args, "--date", DATE, "-o", out)


# --------------------------------------------------------------------------- selection


def test_unknown_priority_suggests_the_closest(tmp_path):
    out = tmp_path / "x.pdf"
    line = assert_bad_input(brief(out, "-m", "Malmö", "-p", "protec"), out)
    assert "'protec'" in line
    assert re.search(r"did you mean '?protect'?", line), line


@pytest.mark.parametrize("ref", ["0", "7"])
def test_priority_number_out_of_range(tmp_path, ref):
    out = tmp_path / "x.pdf"
    line = assert_bad_input(brief(out, "-m", "Malmö", "-p", ref), out)
    assert f"'{ref}'" in line and "1-6" in line


def test_unknown_example(tmp_path):
    out = tmp_path / "x.pdf"
    line = assert_bad_input(brief(out, "-m", "Malmö", "-e", "atlantis"), out)
    assert "example" in line and "'atlantis'" in line
    assert "briefgen list examples" in line


def test_unknown_action(tmp_path):
    out = tmp_path / "x.pdf"
    line = assert_bad_input(brief(out, "-m", "Malmö", "-a", "protect-nothing"), out)
    assert "action" in line and "'protect-nothing'" in line


def test_empty_municipality(tmp_path):
    # no -m at all is the general edition (tests/test_agenda.py); an empty name is a mistake
    out = tmp_path / "x.pdf"
    line = assert_bad_input(brief(out, "-m", " ", "-p", "1"), out)
    assert "the municipality name is empty" in line


def test_bad_date(tmp_path):
    out = tmp_path / "x.pdf"
    line = assert_bad_input(run("brief", "-m", "X", "--date", "2026-13-45", "-o", out), out)
    assert "2026-13-45" in line and "YYYY-MM-DD" in line


def test_unknown_country(tmp_path):
    out = tmp_path / "x.pdf"
    line = assert_bad_input(brief(out, "-m", "X", "--country", "Narnia"), out)
    assert "Narnia" in line


# --------------------------------------------------------------------------- profile file


def test_malformed_profile_yaml(tmp_path):
    profile = PACKS / "bad-yaml" / "profile.yaml"
    bad_line = line_of(profile, r"^\s+role:")  # indented under a scalar: not valid YAML
    out = tmp_path / "x.pdf"
    line = assert_bad_input(brief(out, profile), out)
    assert re.search(rf"profile\.yaml:{bad_line}:\d+", line), (bad_line, line)
    assert "YAML" in line


def test_missing_profile_file(tmp_path):
    out = tmp_path / "x.pdf"
    line = assert_bad_input(brief(out, tmp_path / "nowhere.yaml"), out)
    assert "nowhere.yaml" in line


def test_unknown_profile_field(tmp_path):
    profile = tmp_path / "p.yaml"
    profile.write_text("municipality: Malmö\nmunicipalty: Lund\n", encoding="utf-8")
    out = tmp_path / "x.pdf"
    line = assert_bad_input(brief(out, profile), out)
    assert "municipalty" in line and "p.yaml:2" in line


# --------------------------------------------------------------------------- content packs


def _unknown_key(pack: Path):
    line = edit(pack / "examples.yaml", r"^(\s*)year: 2017\s*$", r"\1year: 2017\n\1yaer: 2018")
    return "examples.yaml", line + 1, "unknown key 'yaer'"


def _dangling_source(pack: Path):
    line = edit(pack / "examples.yaml", r"^(\s*)source: idnyc\s*$", r"\1source: idnyc-gone")
    return "examples.yaml", line, "unknown source 'idnyc-gone'"


def _duplicate_action(pack: Path):
    line = edit(pack / "actions.yaml", r"^(\s*-\s+)id: protect-working-groups\s*$",
                r"\1id: protect-standards")
    return "actions.yaml", line, "duplicate id 'protect-standards'"


def _missing_field(pack: Path):
    path = pack / "actions.yaml"
    text = path.read_text(encoding="utf-8")
    start = line_of(path, r"^\s*-\s+id: protect-working-groups\s*$")
    lines = text.splitlines(keepends=True)
    kind = next(i for i in range(start, len(lines)) if re.match(r"\s*kind:", lines[i]))
    del lines[kind]
    path.write_text("".join(lines), encoding="utf-8")
    return "actions.yaml", start, "missing field 'kind'"


SCENARIOS = {"unknown-key": _unknown_key, "dangling-source": _dangling_source,
             "duplicate-id": _duplicate_action, "missing-field": _missing_field}


def test_scenario_base_pack_is_healthy(pack_copy):
    result = run("check", "--content", pack_copy)
    assert result.exit_code == 0, result.stderr
    assert result.stderr.startswith("ok:")


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_content_pack_defect_check(pack_copy, scenario):
    file_name, line, message = SCENARIOS[scenario](pack_copy)
    result = run("check", "--content", pack_copy)
    text = assert_bad_input(result)
    assert message in text, text
    assert re.search(rf"{re.escape(file_name)}:{line}(:\d+)?:", text), (file_name, line, text)


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_content_pack_defect_brief(tmp_path, pack_copy, scenario):
    file_name, line, message = SCENARIOS[scenario](pack_copy)
    out = tmp_path / "x.pdf"
    text = assert_bad_input(brief(out, "--content", pack_copy, "-m", "Malmö", "-p", "1"), out)
    assert message in text and f"{file_name}:{line}" in text, text


def test_dangling_source_in_markup(pack_copy):
    path = pack_copy / "examples.yaml"
    cite = edit(path, r"\(src:idnyc\)", "(src:idnyc-gone)")
    result = run("check", "--content", pack_copy)
    text = assert_bad_input(result)
    assert "unknown source 'idnyc-gone'" in text, text
    m = re.search(r"examples\.yaml:(\d+)", text)
    assert m, text
    # the text that cites it: at most a few lines above the citation (its 'en:' line)
    assert cite - 10 <= int(m.group(1)) <= cite, (cite, text)


def test_missing_content_folder(tmp_path):
    line = assert_bad_input(run("check", "--content", tmp_path / "nothing"))
    assert "nothing" in line


# --------------------------------------------------------------------------- output


def test_output_folder_cannot_be_created(tmp_path):
    out = Path("/proc/nope/x.pdf")
    line = assert_bad_input(brief(out, "-m", "Malmö", "-p", "1"), out)
    assert "/proc/nope" in line


def test_output_under_a_file(tmp_path):
    blocker = tmp_path / "afile"
    blocker.write_text("not a folder")
    out = blocker / "x.pdf"
    line = assert_bad_input(brief(out, "-m", "Malmö", "-p", "1"), out)
    assert str(blocker) in line


def test_output_is_a_folder(tmp_path):
    line = assert_bad_input(brief(tmp_path, "-m", "Malmö", "-p", "1"))
    assert "folder" in line
    assert list(tmp_path.iterdir()) == []


@pytest.mark.skipif(hasattr(os, "geteuid") and os.geteuid() == 0,
                    reason="root can write into read-only folders")
def test_output_in_read_only_folder(tmp_path):
    folder = tmp_path / "ro"
    folder.mkdir()
    folder.chmod(0o555)
    try:
        out = folder / "x.pdf"
        line = assert_bad_input(brief(out, "-m", "Malmö", "-p", "1"), out)
        assert str(folder) in line
    finally:
        folder.chmod(0o755)


# --------------------------------------------------------------------------- languages


def test_unavailable_language_names_the_available(tmp_path, pack):
    out = tmp_path / "x.pdf"
    line = assert_bad_input(brief(out, "-m", "Malmö", "--lang", "de"), out)
    assert "'de'" in line
    m = re.search(r"available: ([a-z, -]+)", line)
    assert m, line
    available = [x.strip() for x in m.group(1).split(",")]
    assert "en" in available and "de" not in available
    assert set(available) <= set(pack.languages)


def test_right_to_left_language_without_texts_is_unavailable_not_refused(tmp_path):
    # Right-to-left is laid out (tests/test_rtl.py); a language the pack and the
    # layout's labels lack is simply not available.
    out = tmp_path / "x.pdf"
    line = assert_bad_input(brief(out, "-m", "Malmö", "--lang", "he"), out)
    assert "language 'he' is not available" in line and "right-to-left" not in line


# --------------------------------------------------------------------------- layouts


def _layout(tmp_path: Path) -> Path:
    folder = tmp_path / "mylayout"
    folder.mkdir()
    (folder / "layout.yaml").write_text("extends: default\n", encoding="utf-8")
    return folder


def test_missing_font(tmp_path):
    layout = _layout(tmp_path)
    (layout / "theme.yaml").write_text("fonts: {body: NoSuchFont}\n", encoding="utf-8")
    out = tmp_path / "x.pdf"
    line = assert_bad_input(brief(out, "-m", "Malmö", "-p", "1", "--layout", layout), out)
    assert "NoSuchFont" in line
    assert str(layout.resolve() / "fonts" / "NoSuchFont") in line, line


def test_missing_font_check(tmp_path):
    layout = _layout(tmp_path)
    (layout / "theme.yaml").write_text("fonts: {body: NoSuchFont}\n", encoding="utf-8")
    line = assert_bad_input(run("check", "--layout", layout))
    assert "NoSuchFont" in line


def test_template_with_undefined_variable(tmp_path):
    layout = _layout(tmp_path)
    (layout / "templates").mkdir()
    template = layout / "templates" / "cover.html.j2"
    template.write_text('<p class="cover_title">{{ municipality }}</p>\n'
                        '<p class="cover_meta">{{ nope }}</p>\n', encoding="utf-8")
    bad_line = line_of(template, r"\{\{ nope \}\}")
    out = tmp_path / "x.pdf"
    line = assert_bad_input(brief(out, "-m", "Malmö", "-p", "1", "--layout", layout), out)
    assert f"cover.html.j2:{bad_line}" in line, line
    assert "nope" in line


def test_unknown_layout(tmp_path):
    out = tmp_path / "x.pdf"
    line = assert_bad_input(brief(out, "-m", "Malmö", "--layout", "no-such-layout"), out)
    assert "no-such-layout" in line and "default" in line
