"""A brand kit (Quarto-style _brand.yml): name, logo, colours and fonts on every kind.

The logo is a PNG made here with Pillow; what the reader gets is read back with pypdf:
the logo's image XObject on the cover and on every page's footer (one object, drawn many
times), /Author from meta.name, the primary colour in the page's drawing operators, and
the brand's own font files embedded.
"""

from __future__ import annotations

import shutil
import textwrap
from pathlib import Path

import pytest
from pypdf import PdfReader

from conftest import DATE, REPO, assert_bad_input, run

PRIMARY = "#b3203a"


def make_logo(path: Path, size=(900, 300), mode="RGBA") -> Path:
    from PIL import Image, ImageDraw
    im = Image.new(mode, size, (0, 0, 0, 0) if mode == "RGBA" else "white")
    draw = ImageDraw.Draw(im)
    w, h = size
    draw.ellipse((0, 0, h - 1, h - 1), fill="#b3203a")
    draw.rectangle((h + h // 10, h // 3, w - 1, 2 * h // 3), fill="#222222")
    im.save(path)
    return path


def write_brand(folder: Path, body: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "_brand.yml"
    path.write_text(textwrap.dedent(body), encoding="utf-8")
    return path


BRAND = f"""\
meta:
  name: Children First Network
  link:
    home: https://example.org/
logo:
  images:
    wide: logos/wide.png
  small: wide
  large:
    path: logos/wide.png
    alt: Children First Network
color:
  palette:
    red: "{PRIMARY}"
  primary: red
  tertiary: "#eeeeee"
typography:
  fonts:
    - family: House Sans
      source: file
      files:
        - path: fonts/HS-R.ttf
        - path: fonts/HS-B.ttf
          weight: bold
        - path: fonts/HS-I.ttf
          style: italic
        - path: fonts/HS-BI.ttf
          weight: 700
          style: italic
  base: House Sans
defaults:
  quarto: {{}}
"""


@pytest.fixture(scope="module")
def brand_file(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("brand")
    (folder / "logos").mkdir()
    make_logo(folder / "logos" / "wide.png")
    fonts = folder / "fonts"
    fonts.mkdir()
    src = REPO / "fonts" / "NotoSerif"
    for face, short in (("Regular", "R"), ("Bold", "B"), ("Italic", "I"), ("BoldItalic", "BI")):
        shutil.copy(src / f"NotoSerif-{face}.ttf", fonts / f"HS-{short}.ttf")
    return write_brand(folder, BRAND)


@pytest.fixture(scope="module")
def branded(brand_file, tmp_path_factory):
    """A brief, a factsheet and the overview in the brand (no organisation given)."""
    out = tmp_path_factory.mktemp("branded")
    results = {}
    for name, args in (("brief", ["brief", "-m", "Malmö", "--country", "SE", "-p", "protect"]),
                       ("factsheet", ["factsheet", "-m", "Malmö", "-p", "protect"]),
                       ("glance", ["factsheet", "--at-a-glance", "-m", "Malmö"])):
        pdf = out / f"{name}.pdf"
        result = run(*args, "--brand", brand_file, "--date", DATE, "-o", pdf)
        assert result.exit_code == 0, result.stderr
        results[name] = (PdfReader(pdf), result.stderr)
    return results


def page_images(page) -> dict:
    xobjects = page["/Resources"].get("/XObject") or {}
    return {name: obj.get_object() for name, obj in xobjects.items()
            if obj.get_object().get("/Subtype") == "/Image"}


def test_logo_on_cover_and_every_footer_embedded_once(branded):
    for name, (reader, _) in branded.items():
        ids = set()
        for i, page in enumerate(reader.pages):
            images = page_images(page)
            assert images, f"{name} page {i + 1} has no logo"
            ids |= {obj.indirect_reference.idnum for obj in images.values()}
        assert len(ids) == 1, f"{name}: the logo is embedded {len(ids)} times"
        (image,) = {obj.indirect_reference.idnum: obj for p in reader.pages
                    for obj in page_images(p).values()}.values()
        assert image["/Width"] == 900 and "/SMask" in image  # transparency kept


def test_brand_name_is_author_and_organisation(branded):
    for name, (reader, _) in branded.items():
        assert reader.metadata.author == "Children First Network", name
    brief = branded["brief"][0]
    assert "Children First Network" in brief.pages[0].extract_text()  # "Prepared by"


def test_primary_colour_drives_the_accent(branded):
    r, g, b = (int(PRIMARY[i:i + 2], 16) / 255 for i in (1, 3, 5))
    op = f"{r:.6g} {g:.6g} {b:.6g} rg".replace("0.", ".")
    for name, (reader, _) in branded.items():
        stream = reader.pages[0].get_contents().get_data().decode("latin-1")
        assert any(f"{x} rg" in stream for x in (op, op.replace(".", "0.", 1))) or \
            _has_fill(stream, (r, g, b)), f"{name}: no fill in the primary colour"


def _has_fill(stream: str, rgb) -> bool:
    import re
    for m in re.finditer(r"([\d.]+) ([\d.]+) ([\d.]+) rg", stream):
        if all(abs(float(x) - y) < 0.003 for x, y in zip(m.groups(), rgb)):
            return True
    return False


def test_brand_fonts_by_file_are_embedded(branded):
    reader = branded["brief"][0]
    fonts = set()
    for page in reader.pages[:3]:
        for f in (page["/Resources"].get("/Font") or {}).values():
            fonts.add(str(f.get_object()["/BaseFont"]))
    # the brand's files are Noto Serif under other names; the layout's own font is Noto Sans
    assert any(f.endswith("+NotoSerif-Regular") for f in fonts), fonts
    assert any(f.endswith("+NotoSerif-Bold") for f in fonts), fonts
    assert not any("NotoSans" in f for f in fonts), fonts


def test_keys_that_do_not_apply_to_print_are_notes(branded, brand_file):
    stderr = branded["brief"][1]
    stderr = stderr.replace(str(brand_file.parent) + "/", "")
    assert "_brand.yml:16:13: note: 'color.tertiary' is not used in print [brand.print]" \
        in stderr
    assert "note: 'defaults' (settings for Quarto, Bootstrap, Shiny) do not apply" in stderr
    assert "error" not in stderr


def test_unknown_key_is_an_error_with_its_line(tmp_path):
    path = write_brand(tmp_path, """\
        meta:
          name: X
        color:
          primray: "#123456"
        """)
    line = assert_bad_input(run("brief", "-m", "Malmö", "--brand", path, "-o",
                                tmp_path / "x.pdf"), tmp_path / "x.pdf")
    assert ":4:" in line and "error: unknown key 'primray' in color.primray" in line
    assert "[brand.key]" in line


def test_a_url_logo_is_refused_never_fetched(tmp_path):
    path = write_brand(tmp_path, """\
        logo: https://example.org/logo.png
        """)
    line = assert_bad_input(run("brief", "-m", "Malmö", "--brand", path, "-o",
                                tmp_path / "x.pdf"))
    assert "is a URL; briefgen never fetches files" in line and ":1:" in line


def test_a_font_without_its_four_faces_is_an_error(tmp_path):
    (tmp_path / "R.ttf").write_bytes((REPO / "fonts/NotoSerif/NotoSerif-Regular.ttf").read_bytes())
    path = write_brand(tmp_path, """\
        typography:
          fonts:
            - family: Half
              source: file
              files: [R.ttf]
          base: Half
        """)
    line = assert_bad_input(run("brief", "-m", "Malmö", "--brand", path, "-o",
                                tmp_path / "x.pdf"))
    assert "font 'Half' lacks the bold, italic, bolditalic faces" in line


def test_a_light_primary_warns_about_contrast(tmp_path):
    make_logo(tmp_path / "l.png")
    path = write_brand(tmp_path, """\
        logo: l.png
        color:
          primary: "#ffcc00"
        """)
    result = run("factsheet", "--at-a-glance", "-m", "Malmö", "--brand", path, "--date", DATE,
                 "-o", tmp_path / "g.pdf")
    assert result.exit_code == 0, result.stderr
    assert "warning: color.primary #ffcc00 gives white text on it" in result.stderr
    assert "below the 4.5:1 that WCAG AA asks" in result.stderr


def test_profile_brand_resolves_relative_to_the_profile(tmp_path, brand_file):
    folder = tmp_path / "towns"
    folder.mkdir()
    shutil.copytree(brand_file.parent, folder / "kit")
    (folder / "lund.yaml").write_text("municipality: Lund\nbrand: kit/_brand.yml\n"
                                      "organisation: UNICEF Sweden\n", encoding="utf-8")
    out = tmp_path / "lund.pdf"
    result = run("factsheet", folder / "lund.yaml", "-p", "1", "--date", DATE, "-o", out)
    assert result.exit_code == 0, result.stderr
    reader = PdfReader(out)
    assert reader.metadata.author == "UNICEF Sweden"   # the profile's organisation wins
    assert page_images(reader.pages[0])


def test_logo_flag_alone_puts_a_logo_on_the_footer(tmp_path):
    logo = make_logo(tmp_path / "small.png", size=(60, 20))
    out = tmp_path / "s.pdf"
    result = run("factsheet", "-m", "Malmö", "-p", "1", "--logo", logo, "--date", DATE,
                 "-o", out)
    assert result.exit_code == 0, result.stderr
    assert "the footer logo small.png prints at" in result.stderr  # 60 px over 34 pt: 127 dpi
    assert "under the 150 dpi print needs" in result.stderr
    assert page_images(PdfReader(out).pages[0])


def test_campaign_rows_with_brand_and_logo_columns(tmp_path, brand_file):
    shutil.copytree(brand_file.parent, tmp_path / "kit")
    make_logo(tmp_path / "other.png", size=(600, 200))
    (tmp_path / "towns.csv").write_text(
        "municipality,country,brand,logo,outputs\n"
        "Lund,SE,kit/_brand.yml,,at-a-glance\n"
        "Umeå,SE,kit/_brand.yml,other.png,at-a-glance\n"
        "Kiruna,SE,kit/missing.yml,,at-a-glance\n", encoding="utf-8")
    result = run("campaign", tmp_path / "towns.csv", "--out", tmp_path / "out", "--jobs", "1")
    assert result.exit_code == 1, result.stderr       # the third row fails alone
    assert "brand file not found" in result.stderr and "missing.yml" in result.stderr
    lund = PdfReader(tmp_path / "out" / "lund" / "at-a-glance.pdf")
    umea = PdfReader(tmp_path / "out" / "umea" / "at-a-glance.pdf")
    assert lund.metadata.author == umea.metadata.author == "Children First Network"
    (lund_logo,) = page_images(lund.pages[0]).values()
    (umea_logo,) = page_images(umea.pages[0]).values()
    assert (lund_logo["/Width"], umea_logo["/Width"]) == (900, 600)


def test_check_validates_a_brand_and_shows_its_notes(brand_file):
    result = run("check", "--brand", brand_file)
    assert result.exit_code == 0, result.stderr
    assert "note: 'color.tertiary' is not used in print" in result.stderr
    assert result.stderr.splitlines()[-1].endswith(f"with brand {brand_file}")
