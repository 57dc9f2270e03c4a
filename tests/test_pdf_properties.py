"""What the PDF file itself promises: embedded fonts, metadata, reproducibility, escaping."""

from __future__ import annotations

import os
import re
import subprocess

import yaml

from conftest import DATE, MALMO_ARGS, REPO, VENV_BRIEFGEN, Pdf, build, en

STANDARD_14 = ("Helvetica", "Times", "Courier", "Symbol", "ZapfDingbats")
SUBSET = re.compile(r"^/?[A-Z]{6}\+")


# --------------------------------------------------------------------------- fonts


def _fonts(pdf: Pdf):
    """(where, font dictionary) for every font a page or one of its forms uses."""
    seen = []

    def from_resources(resources, where):
        if resources is None:
            return
        resources = resources.get_object()
        for name, ref in (resources.get("/Font") or {}).items():
            seen.append((f"{where} {name}", ref.get_object()))
        for name, ref in (resources.get("/XObject") or {}).items():
            xobj = ref.get_object()
            if xobj.get("/Subtype") == "/Form":
                from_resources(xobj.get("/Resources"), f"{where} {name}")

    for i, page in enumerate(pdf.pages):
        from_resources(page.get("/Resources"), f"page {i + 1}")
    return seen


def _descriptor(font):
    if font.get("/Subtype") == "/Type0":
        font = font["/DescendantFonts"][0].get_object()
    fd = font.get("/FontDescriptor")
    return fd.get_object() if fd is not None else None


def test_every_font_is_embedded_and_subset(full_brief):
    problems = []
    for where, font in _fonts(full_brief):
        base = str(font.get("/BaseFont"))
        fd = _descriptor(font)
        if fd is None or "/FontFile2" not in fd:
            problems.append(f"{where}: {base} is not embedded as TrueType")
        if not SUBSET.match(base):
            problems.append(f"{where}: {base} has no subset prefix")
        if any(s in base for s in STANDARD_14):
            problems.append(f"{where}: {base} is a standard-14 font")
    assert not problems, "\n".join(sorted(set(problems)))


def test_truetype_fonts_are_embedded_subsets(full_brief):
    """The document's own fonts (whatever else is wrongly there) are embedded subsets."""
    fonts = [(w, f) for w, f in _fonts(full_brief) if f.get("/Subtype") != "/Type1"]
    names = set()
    for where, font in fonts:
        base = str(font["/BaseFont"])
        fd = _descriptor(font)
        assert fd is not None and "/FontFile2" in fd, f"{where}: {base}"
        assert SUBSET.match(base), f"{where}: {base}"
        names.add(base.split("+", 1)[1])
    theme = yaml.safe_load((REPO / "layouts" / "default" / "theme.yaml").read_text("utf-8"))
    body = theme["fonts"]["body"]
    assert {f"{body}-Regular", f"{body}-Bold"} <= names, names


def test_no_standard_14_font_is_drawn_with(full_brief):
    """Text is never set in a standard-14 font (no 'Tf' with one, anywhere)."""
    for i, page in enumerate(full_brief.pages):
        fonts = (page["/Resources"].get_object().get("/Font") or {})
        std = [name for name, ref in fonts.items()
               if any(s in str(ref.get_object().get("/BaseFont")) for s in STANDARD_14)]
        data = page.get_contents().get_data()
        for name in std:
            for m in re.finditer(re.escape(name.encode()) + rb"\s+[\d.]+\s+Tf(.*?)ET", data,
                                 flags=re.S):
                assert not re.search(rb"\)\s*Tj|\]\s*TJ", m.group(1)), \
                    f"page {i + 1} draws text in {name}"


# --------------------------------------------------------------------------- metadata


def test_metadata(tmp_path):
    profile_path = REPO / "examples" / "malmo.yaml"
    profile = yaml.safe_load(profile_path.read_text(encoding="utf-8"))
    pdf = Pdf(build(tmp_path / "meta.pdf", profile_path))
    meta = pdf.reader.metadata
    assert profile["municipality"] in meta.title
    assert meta.author == profile["organisation"]
    assert meta.subject and meta.subject.strip()
    assert meta.get("/Keywords") and meta["/Keywords"].strip()
    assert profile["municipality"] in meta["/Keywords"]
    assert pdf.reader.trailer["/Root"]["/Lang"] == "en-US"
    assert str(meta["/CreationDate"]).startswith("D:20261123")


def test_metadata_subject_is_the_pack_subtitle(malmo_brief, pack):
    assert malmo_brief.reader.metadata.subject == en(pack.subtitle)


def test_author_flag_and_default(tmp_path, malmo_brief):
    pdf = Pdf(build(tmp_path / "org.pdf", *MALMO_ARGS, "--organisation", "Save the Kids & Co"))
    assert pdf.reader.metadata.author == "Save the Kids & Co"
    # without an organisation the author is still set
    assert malmo_brief.reader.metadata.author.strip()


def test_date_flag_sets_creation_date(tmp_path):
    pdf = Pdf(build(tmp_path / "d.pdf", "-m", "Malmö", "-p", "1"))  # build() adds --date
    assert str(pdf.reader.metadata["/CreationDate"]).startswith("D:" + DATE.replace("-", ""))
    assert "November 23, 2026" in pdf.texts[0]


# --------------------------------------------------------------------------- determinism


def test_same_input_same_bytes_in_process(tmp_path):
    a = build(tmp_path / "a.pdf", *MALMO_ARGS)
    b = build(tmp_path / "sub" / "b.pdf", *MALMO_ARGS)
    assert a.read_bytes() == b.read_bytes()


def test_same_input_same_bytes_across_processes(tmp_path, full_brief):
    outs = []
    for seed in ("1", "2"):
        out = tmp_path / f"p{seed}.pdf"
        env = dict(os.environ, PYTHONHASHSEED=seed)
        env.pop("SOURCE_DATE_EPOCH", None)
        proc = subprocess.run([str(VENV_BRIEFGEN), "brief", "--all", "-m", "Springfield",
                               "--date", DATE, "-o", str(out)],
                              cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120)
        assert proc.returncode == 0, proc.stderr
        outs.append(out.read_bytes())
    assert outs[0] == outs[1]
    # and the same as the in-process build of the session
    assert outs[0] == full_brief.path.read_bytes()


# --------------------------------------------------------------------------- escaping


def test_user_values_are_printed_as_typed(tmp_path):
    name = "<b>Evil</b> & Co"
    pdf = Pdf(build(tmp_path / "evil.pdf", "-m", name, "-p", "1",
                    "--local-context", "Fish & <i>chips</i> &amp; more"))
    assert name in pdf.texts[0]
    assert name in pdf.reader.metadata.title
    assert "Fish & <i>chips</i> &amp; more" in pdf.text
    outline = [t for t, _ in pdf.outline()]
    assert any(name in t for t in outline), outline



def test_default_layout_is_a4(malmo_brief):
    for page in malmo_brief.pages:
        box = page.mediabox
        assert (round(float(box.width)), round(float(box.height))) == (595, 842)


def test_output_file_mode_follows_umask(tmp_path, malmo_brief):
    out = build(tmp_path / "mode.pdf", *MALMO_ARGS)
    reference = tmp_path / "reference.txt"
    reference.write_text("x")  # created the ordinary way, under the same umask
    assert oct(out.stat().st_mode & 0o777) == oct(reference.stat().st_mode & 0o777)
