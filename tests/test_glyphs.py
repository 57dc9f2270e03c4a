"""Place names come from everywhere: what Noto lacks is drawn by the fallback font or
named in the error, never silently lost."""

from __future__ import annotations

from pypdf import PdfReader

from conftest import DATE, assert_bad_input, run


def _fonts(reader):
    names = set()
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            names.add(str(font.get_object()["/BaseFont"]))
    return names


def test_latin_greek_cyrillic_names_use_the_main_font(tmp_path):
    out = tmp_path / "b.pdf"
    name = "Łódź Αθήνα Москва Şanlıurfa Čakovec"
    result = run("brief", "-m", name, "-p", "1", "--date", DATE, "-o", out)
    assert result.exit_code == 0, result.stderr
    reader = PdfReader(out)
    assert name in reader.pages[0].extract_text()
    assert not any("DejaVu" in f for f in _fonts(reader))


def test_characters_noto_lacks_fall_back_to_dejavu(tmp_path):
    out = tmp_path / "b.pdf"
    # U+2600 BLACK SUN WITH RAYS is in DejaVu Sans, not in Noto Sans
    result = run("brief", "-m", "Sunny \u2600 Town", "-p", "1", "--date", DATE, "-o", out)
    assert result.exit_code == 0, result.stderr
    reader = PdfReader(out)
    assert "Sunny \u2600 Town" in reader.pages[0].extract_text()
    assert any(f.endswith("+DejaVuSans") for f in _fonts(reader))


def test_characters_no_font_has_are_named(tmp_path):
    out = tmp_path / "b.pdf"
    line = assert_bad_input(run("brief", "-m", "\u4e2d\u5c71\u5e02", "-p", "1", "-o", out), out)
    assert "U+4E2D CJK UNIFIED IDEOGRAPH-4E2D" in line
    assert "fallback" in line
