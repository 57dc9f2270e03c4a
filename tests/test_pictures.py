"""Pictures: the pack's icons on every kind, photos a profile gives, print-ready checks.

Pictures are made here with Pillow (CMYK JPEG, greyscale PNG, palette PNG with
transparency); what the reader gets is read back with pypdf: the image objects with their
colour spaces, masks and sizes, the icons as form objects, credits as text.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
from pypdf import PdfReader

from conftest import DATE, REPO, assert_bad_input, norm, run


def xobjects(page, subtype: str) -> dict:
    found = {}

    def walk(resources):
        for name, ref in ((resources or {}).get("/XObject") or {}).items():
            obj = ref.get_object()
            if obj.get("/Subtype") == subtype:
                found[ref.idnum if hasattr(ref, "idnum") else name] = obj
            if obj.get("/Subtype") == "/Form":
                walk(obj.get("/Resources"))
    walk(page["/Resources"])
    return found


def icon_forms(page) -> int:
    names = [str(n) for n in (page["/Resources"].get("/XObject") or {})]
    return len([n for n in names if "svg-" in n])


def make(path: Path, mode: str, size=(1200, 800), **save) -> Path:
    from PIL import Image, ImageDraw
    colour = {"CMYK": (0, 60, 100, 10), "L": 90, "P": 3, "RGB": (30, 90, 160)}[mode]
    im = Image.new(mode, size, {"CMYK": (0, 0, 0, 0), "L": 240, "P": 0, "RGB": "white"}[mode])
    if mode == "P":
        im.putpalette([255, 255, 255, 200, 30, 40, 20, 120, 60, 30, 60, 160] + [0] * 756)
    ImageDraw.Draw(im).rectangle((100, 100, size[0] - 100, size[1] - 100), fill=colour)
    im.save(path, **save)
    return path


def test_the_pack_icons_are_on_factsheet_overview_and_section_openers(tmp_path):
    sheet, glance, brief = tmp_path / "s.pdf", tmp_path / "g.pdf", tmp_path / "b.pdf"
    for args, out in ((["factsheet", "-p", "protect"], sheet), (["factsheet", "--at-a-glance"],
                      glance), (["brief", "-p", "protect", "-p", "families"], brief)):
        result = run(*args, "-m", "Malmö", "--date", DATE, "-o", out)
        assert result.exit_code == 0, result.stderr
    assert icon_forms(PdfReader(sheet).pages[0]) == 1
    assert icon_forms(PdfReader(glance).pages[0]) == 6          # one per priority
    reader = PdfReader(brief)
    assert icon_forms(reader.pages[0]) == 6 + 2   # six white on the band, two in the list
    openers = [i for i, p in enumerate(reader.pages) if icon_forms(p)]
    assert len(openers) >= 3                                    # cover + the two sections


@pytest.fixture(scope="module")
def photo_brief(tmp_path_factory):
    folder = tmp_path_factory.mktemp("photos")
    make(folder / "cover.jpg", "CMYK", format="JPEG", dpi=(300, 300))
    make(folder / "grey.png", "L")
    make(folder / "logo-ish.png", "P", size=(1000, 600), transparency=0)
    (folder / "town.yaml").write_text(textwrap.dedent("""\
        municipality: Malmö
        priorities: [services]
        examples: [coto-brus]
        pictures:
          cover: {file: cover.jpg, alt: An orange panel on white}
          priority.services: {file: grey.png, alt: A grey panel}
          example.coto-brus: {file: logo-ish.png, alt: A red panel, credit: "Photo: us"}
        """), encoding="utf-8")
    out = folder / "brief.pdf"
    result = run("brief", folder / "town.yaml", "--date", DATE, "-o", out)
    assert result.exit_code == 0, result.stderr
    return PdfReader(out), result.stderr


def test_profile_photos_keep_their_colour_spaces_and_transparency(photo_brief):
    reader, _ = photo_brief
    images = {}
    for page in reader.pages:
        images.update(xobjects(page, "/Image"))
    spaces = sorted(str(img["/ColorSpace"]) for img in images.values())
    assert spaces == ["/DeviceCMYK", "/DeviceGray", "/DeviceRGB"], spaces
    rgb = next(i for i in images.values() if i["/ColorSpace"] == "/DeviceRGB")
    assert "/SMask" in rgb                                      # the palette's transparency


def test_photo_credits_are_printed_from_the_pack_slots(photo_brief):
    reader, _ = photo_brief
    text = norm("".join(p.extract_text() for p in reader.pages))
    assert norm("© UNICEF/UN020011/Gilbertson VII Photo") in text          # cover slot
    assert norm("© UNICEF/UN043770/Ashley Gilbertson VII Photo") in text   # services
    assert norm("Photo: us") in text                                       # the profile's own


def test_a_low_resolution_photo_warns(photo_brief):
    _, stderr = photo_brief
    # 1200 x 800 px at most 85 mm tall (127 mm wide) is 240 dpi; the 1000 px example photo
    # in 60 % of the frame is above 150 dpi too: nothing warns
    assert "dpi" not in stderr


def test_under_150_dpi_is_a_warning(tmp_path):
    make(tmp_path / "small.png", "RGB", size=(400, 300))
    (tmp_path / "t.yaml").write_text("municipality: Lund\npictures:\n  cover: {file: small.png, "
                                     "alt: A blue panel}\n", encoding="utf-8")
    result = run("brief", tmp_path / "t.yaml", "-p", "1", "--date", DATE, "-o", tmp_path / "b.pdf")
    assert result.exit_code == 0, result.stderr
    # at most 85 mm tall on the cover: 4:3 makes it 113 mm wide, 400 px over 4.46 in
    assert "warning: the cover photo small.png prints at 90 dpi, under the 150 dpi" in \
        result.stderr


def test_a_photo_without_alt_text_is_refused(tmp_path):
    make(tmp_path / "p.png", "RGB")
    (tmp_path / "t.yaml").write_text("municipality: Lund\npictures:\n  cover: {file: p.png}\n",
                                     encoding="utf-8")
    line = assert_bad_input(run("brief", tmp_path / "t.yaml", "-o", tmp_path / "b.pdf"),
                            tmp_path / "b.pdf")
    assert "t.yaml:3:" in line and "picture 'cover' has no 'alt' text" in line


@pytest.mark.parametrize("damage", ["corrupt", "truncated", "bomb", "url", "gif"])
def test_a_broken_picture_is_one_line_naming_the_file(tmp_path, damage):
    from PIL import Image
    name = {"bomb": "huge.png", "gif": "anim.gif"}.get(damage, "photo.png")
    path = tmp_path / name
    if damage == "corrupt":
        path.write_bytes(b"\x89PNG\r\n\x1a\n" + b"garbage" * 50)
    elif damage == "truncated":
        make(path, "RGB", format="PNG")
        path.write_bytes(path.read_bytes()[:3000])
    elif damage == "bomb":
        Image.new("1", (9000, 9000)).save(path)                   # 81 megapixels, 10 KB
    elif damage == "gif":
        Image.new("RGB", (10, 10)).save(path)
    file = "https://example.org/x.png" if damage == "url" else name
    (tmp_path / "t.yaml").write_text(f"municipality: Lund\npictures:\n  cover: {{file: '{file}',"
                                     " alt: A photo}\n", encoding="utf-8")
    out = tmp_path / "b.pdf"
    line = assert_bad_input(run("brief", tmp_path / "t.yaml", "-o", out), out)
    expected = {"corrupt": "cannot be used", "truncated": "cannot be used",
                "bomb": "is 9000 x 9000 pixels, more than 40 megapixels",
                "url": "is a URL; briefgen never fetches files", "gif": "is not PNG, JPEG or SVG"}
    assert expected[damage] in line, line
    assert (name if damage != "url" else "example.org") in line


def test_a_template_img_is_placed_with_its_alt_and_credit(tmp_path):
    import shutil
    layout = tmp_path / "mine"
    (layout / "templates" / "art").mkdir(parents=True)
    (layout / "layout.yaml").write_text("extends: default\n", encoding="utf-8")
    make(layout / "templates" / "art" / "map.png", "RGB", size=(900, 600))
    closing = (REPO / "layouts/default/templates/closing.html.j2").read_text(encoding="utf-8")
    (layout / "templates" / "closing.html.j2").write_text(
        closing + '\n<img src="art/map.png" alt="A map of the region" width="80mm" '
                  'credit="Map: our own">\n', encoding="utf-8")
    out = tmp_path / "b.pdf"
    result = run("brief", "-m", "Lund", "-p", "1", "--layout", layout, "--date", DATE, "-o", out)
    assert result.exit_code == 0, result.stderr
    reader = PdfReader(out)
    hits = [i for i, p in enumerate(reader.pages) if xobjects(p, "/Image")]
    assert hits and "Map: our own" in reader.pages[hits[0]].extract_text()
    (img,) = xobjects(reader.pages[hits[0]], "/Image").values()
    assert img["/Width"] == 900
    shutil.rmtree(layout / "templates" / "art")
    line = assert_bad_input(run("brief", "-m", "Lund", "-p", "1", "--layout", layout, "-o",
                                tmp_path / "c.pdf"))
    assert "picture not found" in line and "closing.html.j2:" in line
