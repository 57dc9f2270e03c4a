"""Command-line conventions: -q/-v, -V and `version`, completion, `-o -`, template lines."""

from __future__ import annotations

import io
import shutil

import pytest
import yaml
from pypdf import PdfReader

from conftest import CONTENT, DATE, LAYOUTS, assert_bad_input, run

LABELS = yaml.safe_load((LAYOUTS / "default" / "labels.yaml").read_text(encoding="utf-8"))


def test_quiet_verbose_and_stdout(tmp_path):
    out = tmp_path / "s.pdf"
    quiet = run("factsheet", "-m", "Lund", "-p", "1", "--date", DATE, "-q", "-o", out)
    assert quiet.exit_code == 0 and quiet.stderr == "" and out.is_file()
    loud = run("factsheet", "-m", "Lund", "-p", "1", "--date", DATE, "-v", "-o", out)
    assert loud.exit_code == 0
    assert loud.stderr.splitlines()[0] == f"wrote {out}"
    assert loud.stderr.splitlines()[1].startswith("briefgen: factsheet: 1 page, ")
    piped = run("factsheet", "-m", "Lund", "-p", "1", "--date", DATE, "-o", "-")
    assert piped.exit_code == 0 and "wrote" not in piped.stderr
    assert piped.stdout_bytes == out.read_bytes()          # the same PDF, on stdout
    page, = PdfReader(io.BytesIO(piped.stdout_bytes)).pages


def test_version_and_completion():
    short = run("-V")
    assert short.exit_code == 0 and short.stdout.startswith("briefgen, version ")
    long = run("version", "-v")
    assert long.stdout.splitlines()[0] == short.stdout.strip().replace(", version", "")
    assert any(line.startswith("reportlab ") for line in long.stdout.splitlines())
    for shell in ("bash", "zsh", "fish"):
        script = run("completion", shell)
        assert script.exit_code == 0 and "_BRIEFGEN_COMPLETE" in script.stdout, shell
    assert run("completion", "powershell").exit_code == 2


@pytest.mark.parametrize("lang,layout", [("en", "default"), ("es", "default"),
                                         ("fr", "default"), ("en", "letter")])
def test_no_bullet_before_the_national_ask_box(tmp_path, lang, layout):
    out = tmp_path / "s.pdf"
    result = run("factsheet", "-m", "Lund", "-p", "protect", "--lang", lang, "--layout", layout,
                 "--date", DATE, "-o", out)
    assert result.exit_code == 0, result.stderr
    page, = PdfReader(out).pages
    lines = [line.strip() for line in page.extract_text().splitlines()]
    tag = LABELS[lang]["national_ask"].upper()
    (at,) = [i for i, line in enumerate(lines) if tag in line]
    assert not lines[at].startswith("\u2022") and lines[at - 1] != "\u2022", lines[at - 1:at + 1]


def test_a_template_error_names_the_templates_own_line(tmp_path):
    layout = tmp_path / "mine"
    (layout / "templates").mkdir(parents=True)
    (layout / "layout.yaml").write_text("extends: default\n", encoding="utf-8")
    template = layout / "templates" / "closing.html.j2"
    template.write_text("{# a comment\n   on two lines #}\n<p>one</p>\n{% for x in [1, 2] %}\n"
                        "<p>{{ x }}</p>\n{% endfor %}\n<zz>bad</zz>\n", encoding="utf-8")
    line = assert_bad_input(run("brief", "-m", "Lund", "-p", "1", "--layout", layout, "-o",
                                tmp_path / "b.pdf"))
    assert "closing.html.j2:7: error: unknown tag <zz>" in line
    template.write_text("<p>one</p>\n{% for x in [1, 2] %}\n\n<p>{{ x.nope.deeper }}</p>\n"
                        "{% endfor %}\n", encoding="utf-8")
    line = assert_bad_input(run("brief", "-m", "Lund", "-p", "1", "--layout", layout, "-o",
                                tmp_path / "b.pdf"))
    assert "closing.html.j2:4: error: template error:" in line


def test_pictures_do_not_depend_on_where_the_pack_is(tmp_path):
    shutil.copytree(CONTENT, tmp_path / "pack")
    a, b = tmp_path / "a.pdf", tmp_path / "b.pdf"
    for args, out in (([], a), (["--content", tmp_path / "pack"], b)):
        result = run("factsheet", "--at-a-glance", "-m", "Lund", "--date", DATE, *args,
                     "-o", out)
        assert result.exit_code == 0, result.stderr
    assert a.read_bytes() == b.read_bytes()
