"""Every PDF briefgen writes is tagged PDF/UA-1 and PDF/A-2a: checked by pdfua, outloud,
qpdf, poppler's structure reader, our own checks, and mutations those checks must catch.

Each document (every kind, in every language and both layouts) is built once per session;
the validators then run once over all of them.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pikepdf
import pytest

from briefgen import document as d
from briefgen import inline
from briefgen.build import Workspace
from briefgen.selection import Profile

import pdfua_checks

LANGS = ("en", "es", "fr", "ar")
LAYOUTS = ("default", "letter")
BIN = Path(sys.executable).parent


def _profile(lang: str) -> Profile:
    return Profile(municipality="Malmö", country="SE", lang=lang, all=True,
                   organisation="Rädda Barnen 🂡", date=dt.date(2026, 11, 23))


@pytest.fixture(scope="session")
def tagged_docs(tmp_path_factory):
    """name -> (path, Built) for a brief, a factsheet and the overview per language and layout."""
    folder = tmp_path_factory.mktemp("tagged")
    ws = Workspace()
    out = {}
    for layout in LAYOUTS:
        for lang in LANGS:
            p = _profile(lang)
            for kind, opts in (("brief", {}), ("factsheet", {"priority": "families"}),
                               ("at-a-glance", {})):
                built = ws.build(kind, p, layout, **opts)
                path = folder / f"{kind}-{lang}-{layout}.pdf"
                path.write_bytes(built.pdf)
                out[path.stem] = (path, built)
    return out


def _en_brief(tagged_docs):
    return tagged_docs["brief-en-default"]


# --------------------------------------------------------------------------- validators


def test_pdfua_finds_nothing(tagged_docs):
    paths = [str(p) for p, _ in tagged_docs.values()]
    run = subprocess.run([str(BIN / "pdfua"), "check", *paths], capture_output=True, text=True)
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-2000:]
    assert "skip ]" not in run.stdout, run.stdout[-3000:]   # a check that could not run


def test_outloud_finds_nothing(tagged_docs, tmp_path):
    paths = [str(p) for p, _ in tagged_docs.values()]
    report = tmp_path / "outloud.json"
    run = subprocess.run([str(BIN / "outloud"), "--json", str(report), "--fail-on", "warning",
                          *paths], capture_output=True, text=True)
    assert report.is_file(), run.stderr[-2000:]
    results = json.loads(report.read_text())["results"]
    bad = {}
    for r in results:
        name = Path(r["path"]).stem
        findings = [f for f in r["findings"] if not _repeated_heading(f, tagged_docs[name][1])
                    and not _contextual_forms(f, *tagged_docs[name])]
        if findings or r["error"]:
            bad[name] = [f"{f['rule']} {f['message']} {f.get('evidence', '')}" for f in findings]
    assert not bad, json.dumps(bad, indent=1)[:4000]
    assert len(results) == len(paths)


def _repeated_heading(finding, built) -> bool:
    """outloud's PAG-001 takes any line that starts three pages with the same words for a
    running head. A subheading the layout repeats in every section ("Already done
    elsewhere") can land at the top of three pages: that finding is accepted only when
    its evidence is such a heading of the document, which the tree tags as a heading."""
    if finding["rule"] != "PAG-001" or "page numbers" in finding["message"]:
        return False
    evidence = str(finding.get("evidence") or "").strip().lower()
    headings = {inline.plain(b.text).strip().lower() for b in built.document.body
                if isinstance(b, d.Heading)}
    return bool(evidence) and all(e.strip() in headings for e in evidence.split(";"))


_COLLISION = re.compile(r"font \S+\+NotoSansArabic-\w+: \d+ different codes all map to "
                        r"U\+[0-9A-F]{4} '(.)'")


def _contextual_forms(finding, path, built) -> bool:
    """outloud's TXT-004 takes five or more codes that map to one letter for a broken
    map. Arabic letters have up to four joining forms, lam-alef ligatures start with lam,
    and a mark drawn after its letter gets one code per pen advance: many codes for one
    letter is right there. Accepted only for the Arabic face, a collision alone (no
    control or private-use codes), and when every Arabic code of the document's fonts is
    shown right by our own check (a glyph's text belongs to the cluster HarfBuzz draws
    it for)."""
    m = _COLLISION.fullmatch(finding["message"])
    if finding["rule"] != "TXT-004" or not m or not pdfua_checks._ARABIC.match(m.group(1)) \
            or built is None:
        return False
    return not _arabic_mapping(path, built)


_MAPPING: dict = {}


def _arabic_mapping(path, built) -> list[str]:
    if path not in _MAPPING:
        from conftest import REPO
        _MAPPING[path] = pdfua_checks.arabic_mapping_problems(
            path, _document_texts(built.document), REPO / "fonts" / "NotoSansArabic")
    return _MAPPING[path]


def _document_texts(doc: d.Document) -> list[str]:
    """Every text of the document as plain strings: blocks, notes, running words."""
    out = [doc.running_head, doc.meta.title, doc.meta.author, doc.footer_note,
           doc.labels.page_of, doc.labels.continued, doc.labels.digits]
    out += [inline.plain(t) for t in doc.footnotes.values()]

    def blocks(bs):
        for b in bs:
            for name in ("text", "title", "caption", "tag"):
                value = getattr(b, name, None)
                if isinstance(value, tuple):
                    out.append(inline.plain(value))
            if isinstance(b, d.Box):
                blocks(b.body)
            elif isinstance(b, d.BulletList):
                blocks(b.items)
            elif isinstance(b, d.ListItem):
                blocks(b.children)
            elif isinstance(b, d.Endnotes):
                blocks(b.entries)
    blocks(doc.cover)
    blocks(doc.body)
    return out


def test_arabic_glyphs_map_to_their_own_letters(tagged_docs):
    """What TXT-004 is accepted on: every code of the Arabic faces maps to letters of the
    cluster its glyph is drawn for (checked independently of briefgen's shaping)."""
    for name in ("brief-ar-default", "factsheet-ar-letter"):
        assert _arabic_mapping(*tagged_docs[name]) == [], name


def test_mutation_wrong_arabic_letter_is_caught(tagged_docs, tmp_path):
    path, built = tagged_docs["factsheet-ar-default"]
    out = tmp_path / "wrong-letter.pdf"
    with pikepdf.open(path) as pdf:
        font = next(o for o in pdf.objects if isinstance(o, pikepdf.Dictionary) and
                    o.get("/Type") == pikepdf.Name.Font and
                    "NotoSansArabic-Regular" in str(o.get("/BaseFont")))
        data = font.ToUnicode.read_bytes()
        lam = re.search(rb"<([0-9A-F]+)> <0644>", data)      # a form of lam
        font.ToUnicode.write(data.replace(lam.group(0), lam.group(0)[:-6] + b"<0628>", 1))
        pdf.save(out)                                           # ... now says beh
    found = pdfua_checks.arabic_mapping_problems(out, _document_texts(built.document),
                                                 Path(__file__).parents[1] / "fonts" /
                                                 "NotoSansArabic")
    assert any("maps to 'ب'" in p for p in found), found


@pytest.mark.skipif(not shutil.which("qpdf"), reason="qpdf (Debian qpdf) is not installed")
def test_qpdf_check_is_clean(tagged_docs):
    for path, _ in tagged_docs.values():
        run = subprocess.run(["qpdf", "--check", str(path)], capture_output=True, text=True)
        assert run.returncode == 0 and "No syntax or stream encoding errors" in run.stdout, \
            (path.name, run.stdout[-1500:], run.stderr[-1500:])


def test_our_checks_find_nothing(tagged_docs):
    found = {name: pdfua_checks.problems(path) for name, (path, _) in tagged_docs.items()}
    found = {k: v for k, v in found.items() if v}
    assert not found, json.dumps(found, indent=1)[:4000]


def test_same_inputs_same_bytes(tagged_docs):
    path, built = _en_brief(tagged_docs)
    again = Workspace().build("brief", _profile("en"), "default")
    assert again.pdf == path.read_bytes()


def test_every_stream_ends_with_an_end_of_line(tagged_docs):
    """PDF/A wants an end of line before each `endstream` (not counted in /Length);
    ReportLab writes none unless briefgen's archival writer adds it."""
    for name, (path, _) in tagged_docs.items():
        data = path.read_bytes()
        assert data.count(b"endstream") == len(re.findall(rb"(?:\r\n|\n|\r)endstream", data)), name
        assert data.startswith(b"%PDF-1.7\n"), name


def test_a_single_document_is_built_without_pikepdf():
    """The archival parts are written by ReportLab's save: building one tagged document
    does not load pikepdf (start-up time)."""
    code = ("import sys, datetime as dt\n"
            "from briefgen.build import Workspace\n"
            "from briefgen.selection import Profile\n"
            "Workspace().build('factsheet', Profile(municipality='Malmö', country='SE', "
            "date=dt.date(2026, 11, 23)), priority='protect')\n"
            "print('pikepdf' in sys.modules)\n")
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert run.returncode == 0, run.stderr[-2000:]
    assert run.stdout.strip() == "False"


# --------------------------------------------------------------------------- reading order


def _lead(nodes) -> str:
    """The text up to the first callout (poppler sets a callout apart with a space)."""
    out = []

    def walk(ns) -> bool:
        for n in ns:
            if isinstance(n, (inline.FootnoteMark, inline.EndnoteMark)):
                return False
            if isinstance(n, inline.Text):
                out.append(n.text)
            elif isinstance(n, inline.LineBreak):
                out.append(" ")
            elif hasattr(n, "children") and not walk(n.children):
                return False
        return True
    walk(nodes)
    return "".join(out)


def _expected_texts(doc: d.Document) -> list[str]:
    """The start of every heading, paragraph, list item, box text, footnote and endnote,
    in the order a sighted reader meets them (footnotes after the text citing them)."""
    out: list[str] = []
    cited: set[int] = set()

    def nodes(ns):
        text = " ".join(_lead(ns).split())
        if text:
            out.append(text[:25])
        for n in inline.walk(ns):
            if isinstance(n, inline.FootnoteMark) and n.number not in cited:
                cited.add(n.number)
                pending.append(n.number)

    pending: list[int] = []

    def flush():
        for n in pending:
            nodes(doc.footnotes[n])
        pending.clear()

    def blocks(bs):
        for b in bs:
            if isinstance(b, (d.Heading, d.Paragraph)):
                nodes(b.text)
                flush()
            elif isinstance(b, d.BulletList):
                items(b.items)
            elif isinstance(b, d.Box):
                for part in (b.title, b.caption):
                    if part:
                        nodes(part)
                        flush()
                blocks(b.body)
            elif isinstance(b, d.Endnotes):
                for e in b.entries:
                    nodes(e.text)

    def items(its):
        for it in its:
            nodes(it.tag + it.text)
            flush()
            items(it.children)

    blocks(doc.cover)
    blocks(doc.body)
    return out


@pytest.mark.skipif(not shutil.which("pdfinfo"), reason="pdfinfo (poppler-utils) is not installed")
@pytest.mark.parametrize("name", ["brief-en-default", "brief-fr-letter", "factsheet-es-default",
                                  "at-a-glance-en-letter"])
def test_struct_text_reads_in_document_order(tagged_docs, name):
    path, built = tagged_docs[name]
    run = subprocess.run(["pdfinfo", "-struct-text", str(path)], capture_output=True,
                         text=True, check=True)
    # compared without spaces: where a line breaks is the layout's business
    read = re.sub(r"\s+", "", "".join(re.findall(r'"(.*)"', run.stdout)))
    lower = read.lower()
    at = 0
    for snippet in _expected_texts(built.document):
        key = re.sub(r"\s+", "", snippet).lower()
        found = lower.find(key, at)
        assert found >= 0, (snippet, read[at:at + 300])
        at = found + 1


# --------------------------------------------------------------------------- the tree


def _kids(e):
    k = e.get("/K")
    items = list(k) if isinstance(k, pikepdf.Array) else ([] if k is None else [k])
    return [i for i in items if isinstance(i, pikepdf.Dictionary) and "/S" in i]


def _role(e) -> str:
    return str(e.S)[1:]


def _heading_or_p(style: str) -> str:
    return "H" if style in ("cover_title", "sheet_title", "cover_section", "sheet_section",
                            "glance_title", "box_title") else "P"


def _expected_roles(blocks) -> list[tuple[str, int]]:
    """(role, number of structural children) for each block, as a reader would tag it."""
    out = []
    for b in blocks:
        if isinstance(b, d.Heading):
            out.append(("H", 0))
        elif isinstance(b, d.Paragraph):
            out.append((_heading_or_p(b.style), 0))
        elif isinstance(b, d.BulletList):
            out.append(("L", len(b.items)))
        elif isinstance(b, d.Box):
            out.append(("Box", bool(b.title) + bool(b.caption) + len(b.body)))
        elif isinstance(b, d.Contents):
            out += [("H", 0), ("TOC", -1)]
        elif isinstance(b, d.Endnotes):
            out.append(("L", len(b.entries)))
    return out


@pytest.mark.parametrize("name", ["brief-en-default", "factsheet-fr-default",
                                  "at-a-glance-es-letter", "brief-ar-letter"])
def test_tree_follows_the_document_blocks(tagged_docs, name):
    path, built = tagged_docs[name]
    doc = built.document
    with pikepdf.open(path) as pdf:
        top = _kids(pdf.Root.StructTreeRoot)
        assert [_role(e) for e in top] == ["Document"]
        got = []
        for e in _kids(top[0]):
            role = _role(e)
            role = "H" if re.fullmatch(r"H[1-6]", role) else role
            kids = [k for k in _kids(e) if _role(k) not in ("Span", "Link", "Note")]
            got.append((role, len(kids) if role in ("L", "Box") else
                        (-1 if role == "TOC" else 0)))
        want = _expected_roles(doc.cover) + _expected_roles(doc.body)
        assert got == want
        if name.startswith("brief"):
            toc = next(e for e in _kids(top[0]) if _role(e) == "TOC")
            keys = [h.key for h in doc.body if isinstance(h, d.Heading) and h.toc and h.key]
            assert [_role(k) for k in _kids(toc)] == ["TOCI"] * len(keys)
            # every footnote is a Note with its label, in the IDTree
            notes = [e for e in _all(top[0]) if _role(e) == "Note"]
            assert sorted(str(n.ID) for n in notes) == sorted(f"fn-{n}" for n in doc.footnotes)
            for n in notes:
                assert _role(_kids(n)[0]) == "Lbl"


def _all(e):
    for k in _kids(e):
        yield k
        yield from _all(k)


def test_headings_never_skip_a_level(tagged_docs):
    for name, (path, _) in tagged_docs.items():
        with pikepdf.open(path) as pdf:
            levels = [int(_role(e)[1]) for e in _all(pdf.Root.StructTreeRoot)
                      if re.fullmatch(r"H[1-6]", _role(e))]
        assert levels and levels[0] == 1, name
        assert all(b <= a + 1 for a, b in zip(levels, levels[1:])), (name, levels)


def test_lang_on_catalog_and_title_shown(tagged_docs):
    for name, (path, built) in tagged_docs.items():
        with pikepdf.open(path) as pdf:
            assert str(pdf.Root.Lang) == built.document.meta.lang, name
            assert str(pdf.docinfo.Title) == built.document.meta.title


def test_astral_characters_come_back_as_text(tagged_docs):
    """The organisation's name has a character outside the BMP (U+1F0A1)."""
    import pypdfium2 as pdfium
    path, _ = _en_brief(tagged_docs)
    pdf = pdfium.PdfDocument(str(path))
    text = "".join(pdf[i].get_textpage().get_text_range() for i in range(len(pdf)))
    assert "Rädda Barnen \U0001F0A1" in text


# --------------------------------------------------------------------------- mutations


@pytest.fixture()
def mutable(tagged_docs, tmp_path):
    def copy(change) -> list[str]:
        src, _ = _en_brief(tagged_docs)
        with pikepdf.open(src) as pdf:
            change(pdf)
            out = tmp_path / "mutated.pdf"
            pdf.save(out)
        return pdfua_checks.problems(out)
    return copy


def test_mutation_link_without_struct_parent_is_caught(mutable):
    def strip(pdf):
        for page in pdf.pages:
            for a in page.obj.get("/Annots", []):
                if "/StructParent" in a:
                    del a["/StructParent"]
                    return
    assert any("without StructParent" in p for p in mutable(strip))


def test_mutation_page_without_struct_parents_is_caught(mutable):
    def strip(pdf):
        del pdf.pages[2].obj["/StructParents"]
    assert any("no /StructParents" in p for p in mutable(strip))


def test_mutation_missing_lang_is_caught(mutable):
    def strip(pdf):
        del pdf.Root["/Lang"]
    assert any("/Lang" in p for p in mutable(strip))


def test_mutation_figure_without_alt_is_caught(mutable):
    def strip(pdf):
        # turn the first paragraph into a Figure with no Alt, as an untagged image would be
        for e in _all(pdf.Root.StructTreeRoot):
            if _role(e) == "P":
                e.S = pikepdf.Name.Figure
                return
    assert "Figure without Alt" in mutable(strip)


def test_mutation_untagged_drawing_is_caught(mutable):
    def strip(pdf):
        page = pdf.pages[3]
        page.contents_add(pdf.make_stream(b"0 0 10 10 re f"), prepend=False)
    assert any("neither tagged nor an artifact" in p for p in mutable(strip))


def test_mutation_bad_to_unicode_is_caught(mutable):
    def strip(pdf):
        for obj in pdf.objects:
            if isinstance(obj, pikepdf.Dictionary) and obj.get("/Type") == pikepdf.Name.Font:
                obj.ToUnicode.write(obj.ToUnicode.read_bytes().replace(
                    b"beginbfchar\n", b"beginbfchar\n<00> <0000>\n", 1))
                return
    assert any("U+0000" in p for p in mutable(strip))


# --------------------------------------------------------------------------- merged files


@pytest.fixture(scope="session")
def packet(tagged_docs, tmp_path_factory):
    """Three tagged documents in three languages merged as a campaign packet is."""
    from briefgen.packet import merge_pdfs
    names = ["brief-en-default", "brief-es-letter", "factsheet-fr-default"]
    parts = [(n, tagged_docs[n][0].read_bytes()) for n in names]
    pdf = merge_pdfs(parts, title="Campaign: briefs", lang="en", labels=["01", "02", "03"])
    path = tmp_path_factory.mktemp("packet") / "packet.pdf"
    path.write_bytes(pdf)
    assert merge_pdfs(parts, title="Campaign: briefs", lang="en",
                      labels=["01", "02", "03"]) == pdf   # same parts, same bytes
    return path, names


def test_packet_keeps_every_part_tagged(packet, tagged_docs):
    path, names = packet
    assert pdfua_checks.problems(path) == []
    with pikepdf.open(path) as pdf:
        doc, = _kids(pdf.Root.StructTreeRoot)
        parts = _kids(doc)
        assert [_role(p) for p in parts] == ["Part"] * 3
        assert [str(p.T) for p in parts] == names
        assert [str(p.Lang) for p in parts] == ["en-GB", "es-ES", "fr-FR"] or \
            [str(p.Lang)[:2] for p in parts] == ["en", "es", "fr"]
        # each part's tree is whole: as many elements as in the part's own file
        for part, name in zip(parts, names):
            with pikepdf.open(tagged_docs[name][0]) as single:
                want = sum(1 for _ in _all(single.Root.StructTreeRoot))
            assert sum(1 for _ in _all(part)) == want - 1, name   # less its Document
        ids = [str(k) for k in list(pdf.Root.StructTreeRoot.IDTree.Names)[::2]]
        assert len(ids) == len(set(ids)) and ids


def test_packet_passes_the_validators(packet):
    path, _ = packet
    run = subprocess.run([str(BIN / "pdfua"), "check", str(path)], capture_output=True, text=True)
    assert run.returncode == 0 and "skip ]" not in run.stdout, run.stdout[-2000:]
    if shutil.which("qpdf"):
        run = subprocess.run(["qpdf", "--check", str(path)], capture_output=True, text=True)
        assert run.returncode == 0, run.stdout[-1500:]


def test_combined_factsheets_are_tagged(tmp_path):
    from conftest import run as cli
    out = tmp_path / "sheets.pdf"
    result = cli("factsheet", "--all", "--combined", "-m", "Malmö", "--country", "SE",
                 "--date", "2026-11-23", "-o", out)
    assert result.exit_code == 0, result.stderr
    assert pdfua_checks.problems(out) == []
    with pikepdf.open(out) as pdf:
        doc, = _kids(pdf.Root.StructTreeRoot)
        assert [_role(p) for p in _kids(doc)] == ["Part"] * 6


# --------------------------------------------------------------------------- figures


def test_figure_hook_tags_a_picture_with_alt_and_bbox(tmp_path):
    """The hook an image block uses: a Figure with its Alt and a layout BBox."""
    import io
    from reportlab.pdfgen.canvas import Canvas
    from briefgen.render import archive, tags

    tagger = tags.Tagger("en")
    from briefgen.render.fonts import load_family
    from briefgen.resources import fonts_dir
    family = load_family("NotoSans", [fonts_dir()])
    canv = archive.archival_canvas(tags.tagging_canvas(Canvas))(
        io.BytesIO(), invariant=1, lang="en", initialFontName=family.faces["regular"])
    canv.tagger = tagger
    canv.setTitle("A picture")
    canv.setViewerPreference("DisplayDocTitle", "true")
    fig = tagger.root.add(tags.Elem("Figure", alt="The city hall of Malmö"))
    canv.translate(100, 200)
    with tags.figure(canv, fig, 50, 40):
        canv.rect(0, 0, 50, 40, fill=1)
    with tags.figure(canv, None, 10, 10):     # decorative: an artifact
        canv.rect(60, 0, 10, 10, fill=1)
    canv.showPage()
    canv.save()
    path = tmp_path / "figure.pdf"
    path.write_bytes(canv.getpdfdata())
    assert pdfua_checks.problems(path) == []
    with pikepdf.open(path) as pdf:
        figure, = [e for e in _all(pdf.Root.StructTreeRoot) if _role(e) == "Figure"]
        assert str(figure.Alt) == "The city hall of Malmö"
        assert [float(v) for v in figure.A.BBox] == [100, 200, 150, 240]


@pytest.fixture(scope="module")
def pictured(tmp_path_factory):
    """A brief with three photos (one with its own credit) and a brand's logo on the cover
    and in every footer, and a factsheet with the logo in its footer: name -> path."""
    from PIL import Image, ImageDraw
    from conftest import REPO, run as cli
    folder = tmp_path_factory.mktemp("pictured")
    for name, mode, fill in (("cover.jpg", "RGB", (30, 90, 160)), ("grey.png", "L", 90),
                             ("red.png", "RGB", (200, 30, 40))):
        im = Image.new(mode, (1200, 800), "white" if mode == "RGB" else 240)
        ImageDraw.Draw(im).rectangle((100, 100, 1100, 700), fill=fill)
        im.save(folder / name, dpi=(300, 300))
    (folder / "town.yaml").write_text(
        "municipality: Malmö\npriorities: [services]\nexamples: [coto-brus]\npictures:\n"
        "  cover: {file: cover.jpg, alt: A blue panel on white}\n"
        "  priority.services: {file: grey.png, alt: A grey panel}\n"
        "  example.coto-brus: {file: red.png, alt: A red panel, credit: 'Photo: us'}\n",
        encoding="utf-8")
    brand = REPO / "examples" / "brand" / "_brand.yml"
    out = {"brief": folder / "brief.pdf"}
    result = cli("brief", folder / "town.yaml", "--brand", brand, "--date", "2026-11-23",
                 "-o", out["brief"])
    assert result.exit_code == 0, result.stderr
    ws = Workspace()
    for name, lang in (("factsheet", "en"), ("factsheet-ar", "ar")):
        profile = Profile(municipality="Malmö", lang=lang, date=dt.date(2026, 11, 23))
        built = ws.build("factsheet", profile, "default", priority="protect", brand=brand)
        out[name] = folder / f"{name}.pdf"
        out[name].write_bytes(built.pdf)
        _BUILT[out[name]] = built
    return out


_BUILT: dict = {}   # path -> Built, for the documents built in-process


def _figures(path):
    """(Figure element, its parent, the (page, MCID) it draws, the content it draws)."""
    out = []
    with pikepdf.open(path) as pdf:
        pages = {p.obj.objgen: i for i, p in enumerate(pdf.pages)}
        for e in _all(pdf.Root.StructTreeRoot):
            if _role(e) != "Figure":
                continue
            k = e.K
            assert isinstance(k, int), "a Figure is one marked sequence"
            page = pages[e.Pg.objgen]
            ops, inside, depth = [], False, 0
            for operands, op in pikepdf.parse_content_stream(pdf.pages[page]):
                op = str(op)
                if op == "BDC" and isinstance(operands[1], pikepdf.Dictionary) and \
                        int(operands[1].get("/MCID", -1)) == int(k):
                    inside, depth = True, 0
                elif inside and op in ("BDC", "BMC"):
                    depth += 1
                elif inside and op == "EMC":
                    if depth == 0:
                        inside = False
                    depth -= 1
                elif inside:
                    ops.append(op)
            out.append({"alt": str(e.get("/Alt", "")), "bbox": [float(v) for v in e.A.BBox]
                        if "/A" in e and "/BBox" in e.A else None, "page": page,
                        "parent": _role(e.P), "parent_kids": [_role(x) for x in _kids(e.P)],
                        "parent_alt": str(e.P.get("/Alt", "")), "ops": ops,
                        "box": [float(v) for v in pdf.pages[page].MediaBox]})
    return out


def test_pictures_with_alt_text_are_figures(pictured):
    figures = _figures(pictured["brief"])
    alts = [f["alt"] for f in figures]
    # the three photos in reading order, then the logo read after the cover's text;
    # icons and the footer logo repeats are artifacts
    assert sorted(alts) == sorted(["A blue panel on white", "A grey panel", "A red panel",
                                   "Children First Network"])
    for f in figures:
        assert "Do" in f["ops"], f        # the picture is drawn inside its sequence
        x0, y0, x1, y1 = f["bbox"]
        assert 0 <= x0 < x1 <= f["box"][2] and 0 <= y0 < y1 <= f["box"][3], f
    logo, = [f for f in figures if f["alt"] == "Children First Network"]
    assert logo["page"] == 0 and logo["parent"] == "Link"   # it links to the brand's home
    assert logo["parent_alt"] == "Children First Network"
    assert logo["bbox"][1] < 100                              # at the foot of the cover
    # each photo with its credit line (the pack's, or the profile's own): a Div of Figure
    # and Caption, in reading order
    for f in figures:
        if f is not logo:
            assert f["parent"] == "Div" and f["parent_kids"] == ["Figure", "Caption"], f
    caption = [e for e in _elements(pictured["brief"]) if e["role"] == "Caption"]
    assert [_squash(e["text"]) for e in caption] == [
        "©UNICEF/UN020011/GilbertsonVIIPhoto", "©UNICEF/UN043770/AshleyGilbertsonVIIPhoto",
        "Photo:us"]


@pytest.mark.parametrize("name", ["factsheet", "factsheet-ar"])
def test_a_one_page_sheet_shows_its_footer_logo_once_as_a_figure(pictured, name):
    figures = _figures(pictured[name])
    assert [f["alt"] for f in figures] == ["Children First Network logo"]
    assert figures[0]["parent"] == "Link" and figures[0]["bbox"][1] < 40
    x0, _, x1, _ = figures[0]["bbox"]
    width = figures[0]["box"][2]
    # at the start of the footer line: the left, the right in an Arabic sheet
    assert (x1 > width * 0.8) if name.endswith("-ar") else (x0 < width * 0.2)
    with pikepdf.open(pictured[name]) as pdf:
        links = [a for a in pdf.pages[0].obj.Annots if "/URI" in a.get("/A", {})
                 and str(a.A.URI) == "https://example.org/"]
        assert [str(a.Contents) for a in links] == \
            ["Children First Network logo (https://example.org/)"]


@pytest.mark.parametrize("organisation", ["Rädda Barnen", ""])
def test_a_logo_given_alone_is_a_figure_when_the_organisation_is_named(tmp_path,
                                                                        organisation):
    """--logo without a brand: the logo is "<organisation> logo" when the profile names
    the organisation, else it says nothing ("Logo") and is an artifact."""
    from PIL import Image
    from conftest import run as cli
    logo = tmp_path / "logo.png"
    Image.new("RGB", (300, 100), (200, 30, 40)).save(logo, dpi=(300, 300))
    out = tmp_path / "sheet.pdf"
    extra = ["--organisation", organisation] if organisation else []
    result = cli("factsheet", "-m", "Malmö", "-p", "protect", "--logo", logo, *extra,
                 "--date", "2026-11-23", "-o", out)
    assert result.exit_code == 0, result.stderr
    assert pdfua_checks.problems(out) == []
    alts = [f["alt"] for f in _figures(out)]
    assert alts == (["Rädda Barnen logo"] if organisation else [])


def test_pictured_documents_pass_the_validators(pictured, tmp_path):
    paths = [str(p) for p in pictured.values()]
    assert {p: pdfua_checks.problems(p) for p in paths} == {p: [] for p in paths}
    run = subprocess.run([str(BIN / "pdfua"), "check", *paths], capture_output=True, text=True)
    assert run.returncode == 0 and "skip ]" not in run.stdout, run.stdout[-3000:]
    report = tmp_path / "outloud.json"
    subprocess.run([str(BIN / "outloud"), "--json", str(report), "--fail-on", "warning", *paths],
                   capture_output=True, text=True)
    found = {r["path"]: [f"{f['rule']} {f['message']}" for f in r["findings"]
                         if not _contextual_forms(f, Path(r["path"]),
                                                  _BUILT.get(Path(r["path"])))]
             for r in json.loads(report.read_text())["results"]}
    assert found == {p: [] for p in paths}


def test_mutation_picture_figure_without_alt_is_caught(pictured, tmp_path):
    with pikepdf.open(pictured["brief"]) as pdf:
        figure = next(e for e in _all(pdf.Root.StructTreeRoot)
                      if _role(e) == "Figure" and str(e.Alt) == "A grey panel")
        del figure["/Alt"]
        out = tmp_path / "no-alt.pdf"
        pdf.save(out)
    assert "Figure without Alt" in pdfua_checks.problems(out)


# --------------------------------------------------------------------------- PDFBox


_JARS = ["preflight", "pdfbox2", "fontbox2", "xmpbox", "commons-logging", "javax.activation",
         "jaxb-api"]


@pytest.mark.skipif(not shutil.which("java") or
                    not all(Path(f"/usr/share/java/{j}.jar").is_file() for j in _JARS),
                    reason="PDFBox Preflight (Debian libpdfbox2-java, libactivation-java, "
                           "libjaxb-api-java) or java is not installed")
def test_pdfbox_preflight_on_a_copy_labelled_1b(tagged_docs, tmp_path):
    """Preflight knows PDF/A-1b only: a copy relabelled 1b must validate. The label is
    changed in place, byte for byte (same lengths, so every offset stays right), and
    everything else is the file as briefgen wrote it: its syntax (an end of line before
    every endstream, the header, the cross-reference table) is what Preflight checks."""
    path, _ = _en_brief(tagged_docs)
    data = path.read_bytes()
    for old, new in ((b"<pdfaid:part>2</pdfaid:part>", b"<pdfaid:part>1</pdfaid:part>"),
                     (b"<pdfaid:conformance>A</pdfaid:conformance>",
                      b"<pdfaid:conformance>B</pdfaid:conformance>"),
                     (b"%PDF-1.7\n", b"%PDF-1.4\n")):
        assert data.count(old) == 1, old     # the XMP is written uncompressed
        data = data.replace(old, new)
    copy = tmp_path / "a1b.pdf"
    copy.write_bytes(data)
    cp = ":".join(f"/usr/share/java/{j}.jar" for j in _JARS)
    run = subprocess.run(["java", "-cp", cp, "org.apache.pdfbox.preflight.Validator_A1b",
                          str(copy)], capture_output=True, text=True, timeout=300)
    assert "is a valid PDF/A-1b file" in run.stdout, run.stdout[-3000:] + run.stderr[-2000:]


def test_no_tags_gives_an_untagged_draft(tmp_path):
    from conftest import run as cli
    out = tmp_path / "draft.pdf"
    result = cli("brief", "-m", "Malmö", "-p", "protect", "--date", "2026-11-23", "--no-tags",
                 "-o", out)
    assert result.exit_code == 0, result.stderr
    with pikepdf.open(out) as pdf:
        assert "/StructTreeRoot" not in pdf.Root and "/MarkInfo" not in pdf.Root
        assert "/Metadata" not in pdf.Root    # and it claims no PDF/A either


# --------------------------------------------------------------------------- words


def _link_contents(path) -> list[str]:
    with pikepdf.open(path) as pdf:
        return [str(a.get("/Contents", "")) for pg in pdf.pages for a in pg.obj.get("/Annots", [])
                if a.get("/Subtype") == pikepdf.Name.Link]


@pytest.mark.parametrize("lang,words", [
    ("es", ("Nota al pie", "Nota final", "volver al texto")),
    ("fr", ("Note de bas de page", "Note de fin", "retour au texte"))])
def test_callout_links_speak_the_documents_language(tagged_docs, lang, words):
    """What a screen reader announces for a footnote callout, an endnote callout and a
    note's way back is in the document's language, with the callout's own number."""
    path, built = tagged_docs[f"brief-{lang}-default"]
    doc = built.document
    contents = _link_contents(path)
    footnote, endnote, back = words
    numbers = [m.group(1) for c in contents if (m := re.fullmatch(f"{footnote} (\\d+)", c))]
    assert sorted(map(int, numbers)) == sorted(doc.footnotes)      # one callout each
    labels = {m.group(1) for c in contents if (m := re.fullmatch(f"{endnote} ([ivxlc]+)", c))}
    endnotes = next(b for b in doc.body if isinstance(b, d.Endnotes))
    assert labels == {e.label for e in endnotes.entries}
    # every footnote and every endnote links back to where it is cited
    assert contents.count(back) == len(doc.footnotes) + len(endnotes.entries)
    assert not [c for c in contents if re.search(r"Footnote|Endnote|back to text", c)]


# --------------------------------------------------------------------------- languages


def _mcid_texts(path) -> dict:
    """(page index, MCID) -> the text pdfium reads in that marked-content sequence."""
    import ctypes
    import pypdfium2 as pdfium
    import pypdfium2.raw as raw
    pdf = pdfium.PdfDocument(str(path))
    out: dict = {}
    for i in range(len(pdf)):
        page = pdf[i]
        textpage = page.get_textpage()
        for obj in page.get_objects(max_depth=1):
            if obj.type != raw.FPDF_PAGEOBJ_TEXT:
                continue
            mcid = raw.FPDFPageObj_GetMarkedContentID(obj.raw)
            if mcid < 0:
                continue
            n = raw.FPDFTextObj_GetText(obj.raw, textpage.raw, None, 0)
            buf = (ctypes.c_ushort * (n // 2))()
            raw.FPDFTextObj_GetText(obj.raw, textpage.raw, buf, n)
            out[(i, mcid)] = out.get((i, mcid), "") + bytes(buf)[:n - 2].decode("utf-16-le")
    return out


def _elements(path) -> list[dict]:
    """Every structure element in tree order: role, own /Lang, the language in force
    (its own or an ancestor's, else the catalog's), /Alt, and the text of its subtree
    (footnotes placed inside it and callout numbers left out)."""
    texts = _mcid_texts(path)
    out = []
    with pikepdf.open(path) as pdf:
        pages = {p.obj.objgen: i for i, p in enumerate(pdf.pages)}

        def visit(e, lang) -> str:
            own = str(e.Lang) if "/Lang" in e else None
            entry = {"role": _role(e), "lang": own, "in": own or lang,
                     "alt": str(e.Alt) if "/Alt" in e else None, "elem": e.objgen}
            out.append(entry)
            k = e.get("/K")
            parts = []
            for item in (list(k) if isinstance(k, pikepdf.Array) else [k]):
                if isinstance(item, int) and "/Pg" in e:
                    parts.append(texts.get((pages[e.Pg.objgen], int(item)), ""))
                elif isinstance(item, pikepdf.Dictionary) and item.get("/Type") == pikepdf.Name.MCR:
                    parts.append(texts.get((pages[item.Pg.objgen], int(item.MCID)), ""))
                elif isinstance(item, pikepdf.Dictionary) and "/S" in item:
                    text = visit(item, own or lang)
                    callout = item.S == pikepdf.Name.Link and re.fullmatch(r"[0-9ivxlc]+", text)
                    parts.append("" if item.S == pikepdf.Name.Note or callout else text)
            entry["text"] = "".join(parts)
            return entry["text"]

        visit(pdf.Root.StructTreeRoot.K, str(pdf.Root.Lang))
    return out


@pytest.fixture(scope="module")
def fallback_brief(tmp_path_factory):
    """A Spanish brief from a pack where one action (a whole list item), one priority's
    summary (placed after its title in the closing list) and another priority's title (a
    heading, and a plain value that the cover, introduction and closing templates place)
    have no Spanish: English stands in."""
    import yaml
    from conftest import CONTENT
    folder = tmp_path_factory.mktemp("fallback")
    pack = folder / "content"
    shutil.copytree(CONTENT, pack)
    english = {}
    for name, key, field, which in (("actions.yaml", "actions", "text", "protect"),
                                    ("priorities.yaml", "priorities", "summary", "protect"),
                                    ("priorities.yaml", "priorities", "title", "families")):
        path = pack / name
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        item = next(x for x in data[key] if x["id"].startswith(which))
        del item[field]["es"]
        english[field] = inline.plain(inline.parse(item[field]["en"]))
        path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), "utf-8")
    profile = Profile(municipality="Cádiz", country="ES", lang="es",
                      priorities=("protect", "families"), date=dt.date(2026, 11, 23))
    built = Workspace(pack).build("brief", profile, "default", allow_fallback=True)
    out = folder / "brief.pdf"
    out.write_bytes(built.pdf)
    return out, english


def _squash(text: str) -> str:
    return re.sub(r"[\s\u00ad-]+", "", text)


def test_english_fallback_text_says_it_is_english(fallback_brief):
    path, english = fallback_brief
    with pikepdf.open(path) as pdf:
        assert str(pdf.Root.Lang) == "es"
    elems = _elements(path)
    # a Spanish footnote cited inside the English text says it is Spanish again
    assert all(e["role"] == "Note" for e in elems if e["lang"] == "es")
    marked = [e for e in elems if e["lang"] == "en"]
    assert marked and {e["lang"] for e in elems} == {None, "en", "es"}
    action, summary, title = (_squash(english[k]) for k in ("text", "summary", "title"))
    # the action is a whole list item: its LBody says "en"; so do the items that are only
    # the other priority's title (on the cover, in the introduction's agenda)
    body = [e for e in marked if e["role"] == "LBody"]
    assert sorted({_squash(e["text"]) for e in body}) == sorted({action, title})
    assert len([e for e in body if _squash(e["text"]) == title]) == 2
    # the summary follows the (Spanish) priority title inside one item, and the English
    # title is followed by a Spanish summary in the closing list: a Span says "en" for each
    spans = [e for e in marked if e["role"] == "Span"]
    assert {_squash(e["text"]).rstrip(".") for e in spans} == {summary.rstrip("."), title}
    # (the title's Span in its heading, "3. Keep ...", and in the closing list)
    assert len([e for e in spans if _squash(e["text"]) == title]) == 2
    # and no Spanish text is said to be English
    for e in elems:
        if e["in"] == "en" and not re.fullmatch(r"[0-9ivxlc]*", e["text"]):   # callouts
            text = _squash(e["text"])
            assert text in action or text in summary or text.strip(".").endswith(title), e
    assert not pdfua_checks.problems(path)


def test_english_pack_words_standing_in_say_they_are_english(tmp_path):
    """The pack's title and its words for a title, missing in Spanish: where templates and
    labels place them as plain values (the overview's kicker and title, the brief's cover
    line), the English says it is English, and the Spanish around it stays Spanish."""
    import yaml
    from conftest import CONTENT
    pack = tmp_path / "content"
    shutil.copytree(CONTENT, pack)
    data = yaml.safe_load((pack / "pack.yaml").read_text(encoding="utf-8"))
    english_title = data["title"]["en"]
    english_glance = data["words"]["glance_title"]["en"].format(municipality="Cádiz")
    del data["title"]["es"], data["words"]["glance_title"]["es"]
    (pack / "pack.yaml").write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False),
                                    "utf-8")
    ws = Workspace(pack)
    profile = Profile(municipality="Cádiz", country="ES", lang="es", priorities=("protect",),
                      date=dt.date(2026, 11, 23))
    said = {}
    for kind in ("at-a-glance", "brief"):
        path = tmp_path / f"{kind}.pdf"
        path.write_bytes(ws.build(kind, profile, "default", allow_fallback=True).pdf)
        assert not pdfua_checks.problems(path)
        # (lower case: the overview's kicker style sets its text in capitals)
        said[kind] = [(e["role"], _squash(e["text"]).lower()) for e in _elements(path)
                      if e["lang"] == "en"]
    title, glance = _squash(english_title).lower(), _squash(english_glance).lower()
    # the overview: its kicker is the pack title, its heading the pack's English words
    assert sorted(said["at-a-glance"]) == [("H1", glance), ("P", title)]
    # the brief: in the cover's kicker line, "Documento de política · Children Uprooted"
    assert said["brief"] == [("Span", title)]


def test_an_arabic_box_split_over_pages_is_tagged(tmp_path):
    """A local context too long for a page splits its box; the shaped "(continued)" line
    that opens the rest is an artifact (a cue for the eye), and nothing is left untagged."""
    text = " ".join(["تعمل البلدية مع المنظمات المحلية على استقبال الأطفال وأسرهم."] * 160)
    profile = Profile(municipality="بيروت", country="LB", lang="ar", priorities=("protect",),
                      local_context=text, date=dt.date(2026, 11, 23))
    built = Workspace().build("brief", profile, "default")
    path = tmp_path / "long.pdf"
    path.write_bytes(built.pdf)
    assert pdfua_checks.problems(path) == []
    import pypdfium2 as pdfium
    pdf = pdfium.PdfDocument(str(path))
    shown = sum(pdf[i].get_textpage().get_text_range().count("تابع") for i in range(len(pdf)))
    assert shown >= 1                                             # the cue is printed
    # and not read out: no element holds that line
    assert not [e for e in _elements(path) if re.sub(r"[\s()]", "", e["text"]) == "تابع"]
