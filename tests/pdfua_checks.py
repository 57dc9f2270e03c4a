"""Our own checks of a tagged PDF/UA-1 + PDF/A-2 file, read with pikepdf.

pdfua and outloud cover part of PDF/UA-1; mutation tests showed each misses things (a
removed link StructParent, a removed font program), so the suite checks these too.
`problems(path)` lists what is wrong, one line each; an empty list means nothing found.
"""

from __future__ import annotations

import re
from pathlib import Path

import pikepdf
from pikepdf import Array, Dictionary, Name

STANDARD = set("""Document Part Art Sect Div BlockQuote Caption TOC TOCI Index NonStruct Private
P H H1 H2 H3 H4 H5 H6 L LI Lbl LBody Table TR TH TD THead TBody TFoot Span Quote Note
Reference BibEntry Code Link Annot Ruby RB RT RP Warichu WT WP Figure Formula Form""".split())
_TEXT_OPS = {"Tj", "TJ", "'", '"'}
_PAINT_OPS = {"f", "F", "f*", "S", "s", "B", "B*", "b", "b*", "Do", "sh"}
_BCP47 = re.compile(r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$")


def problems(path: Path | str) -> list[str]:
    with pikepdf.open(path) as pdf:
        return list(_problems(pdf))


def _problems(pdf: pikepdf.Pdf):
    root = pdf.Root
    if not root.get("/MarkInfo", {}).get("/Marked", False):
        yield "catalog: MarkInfo /Marked is not true"
    lang = str(root.get("/Lang", ""))
    if not _BCP47.match(lang):
        yield f"catalog: /Lang {lang!r} is not a language tag"
    if not root.get("/ViewerPreferences", {}).get("/DisplayDocTitle", False):
        yield "catalog: DisplayDocTitle is not true"
    title = str(pdf.docinfo.get("/Title", ""))
    if not title:
        yield "info: no /Title"
    yield from _xmp(pdf, title)
    yield from _output_intent(pdf)
    tree = root.get("/StructTreeRoot")
    if tree is None:
        yield "catalog: no StructTreeRoot"
        return
    parent_tree = _number_tree(tree.get("/ParentTree"))
    role_map = tree.get("/RoleMap", Dictionary())
    elems = list(_walk(tree))
    ids = {str(k) for k in _name_tree_keys(tree.get("/IDTree"))}
    for e, parent in elems:
        s = str(e.S)[1:]
        if s not in STANDARD:
            mapped = str(role_map.get("/" + s, ""))[1:]
            if mapped not in STANDARD:
                yield f"element {s}: not a standard type and not role-mapped to one"
        if e.get("/P") is None or e.P.objgen != parent.objgen:
            yield f"element {s}: /P is not its parent"
        if s == "Figure" and not str(e.get("/Alt", "")).strip():
            yield "Figure without Alt"
        if "/ID" in e and str(e.ID) not in ids:
            yield f"element {s}: ID {e.ID} missing from the IDTree"
    pages = {page.obj.objgen: i for i, page in enumerate(pdf.pages)}
    refs = _content_refs(elems, pages)
    for i, page in enumerate(pdf.pages):
        yield from _page(pdf, page, i, parent_tree, refs)
    yield from _fonts(pdf)


def _walk(tree):
    stack = [(tree.get("/K"), tree)]
    while stack:
        k, parent = stack.pop()
        items = list(k) if isinstance(k, Array) else [k]
        for item in reversed(items):
            if isinstance(item, Dictionary) and item.get("/Type", Name.StructElem) == Name.StructElem \
                    and "/S" in item:
                yield item, parent
                stack.append((item.get("/K"), item))


def _content_refs(elems, pages):
    """(page index, mcid) -> element, and annotation objgen -> element, from the tree."""
    out = {}
    for e, _ in elems:
        pg = e.get("/Pg")
        k = e.get("/K")
        for item in (list(k) if isinstance(k, Array) else [k]):
            if isinstance(item, int) and pg is not None:
                out[(pages[pg.objgen], int(item))] = e
            elif isinstance(item, Dictionary) and item.get("/Type") == Name.MCR:
                out[(pages[item.Pg.objgen], int(item.MCID))] = e
            elif isinstance(item, Dictionary) and item.get("/Type") == Name.OBJR:
                out[("annot", item.Obj.objgen)] = e
    return out


def _page(pdf, page, i, parent_tree, refs):
    where = f"page {i + 1}"
    if page.obj.get("/Tabs") != Name.S:
        yield f"{where}: /Tabs is not /S"
    mcids = []
    stack: list[str] = []
    loose = 0
    for operands, op in pikepdf.parse_content_stream(page):
        op = str(op)
        if op == "BDC":
            props = operands[1]
            if isinstance(props, Dictionary) and "/MCID" in props:
                stack.append("tag")
                mcids.append(int(props.MCID))
            else:
                stack.append("artifact" if operands[0] == Name.Artifact else "other")
        elif op == "BMC":
            stack.append("artifact" if operands[0] == Name.Artifact else "other")
        elif op == "EMC":
            if not stack:
                yield f"{where}: EMC without BDC"
            else:
                stack.pop()
        elif op in _TEXT_OPS or op in _PAINT_OPS:
            if not any(s in ("tag", "artifact") for s in stack):
                loose += 1
    if stack:
        yield f"{where}: marked content left open"
    if loose:
        yield f"{where}: {loose} drawing operations neither tagged nor an artifact"
    if mcids:
        key = page.obj.get("/StructParents")
        if key is None:
            yield f"{where}: has marked content but no /StructParents"
        else:
            entry = parent_tree.get(int(key))
            for n in mcids:
                elem = refs.get((i, n))
                if elem is None:
                    yield f"{where}: MCID {n} belongs to no element"
                elif entry is None or n >= len(entry) or entry[n].objgen != elem.objgen:
                    yield f"{where}: ParentTree does not lead MCID {n} to its element"
    for annot in page.obj.get("/Annots", []):
        if annot.get("/Subtype") != Name.Link:
            continue
        if not str(annot.get("/Contents", "")).strip():
            yield f"{where}: link annotation without Contents"
        key = annot.get("/StructParent")
        if key is None:
            yield f"{where}: link annotation without StructParent"
            continue
        elem = parent_tree.get(int(key))
        owner = refs.get(("annot", annot.objgen))
        if elem is None or owner is None or elem.objgen != owner.objgen:
            yield f"{where}: link annotation's StructParent does not lead to its OBJR"
        elif owner.S != Name.Link:
            yield f"{where}: link annotation owned by {owner.S}, not Link"


def _number_tree(node) -> dict:
    out = {}
    if node is None:
        return out
    nums = node.get("/Nums")
    if nums is not None:
        for k, v in zip(nums[::2], nums[1::2]):
            out[int(k)] = v
    for kid in node.get("/Kids", []):
        out.update(_number_tree(kid))
    return out


def _name_tree_keys(node):
    if node is None:
        return []
    keys = list(node.get("/Names", [])[::2])
    for kid in node.get("/Kids", []):
        keys += _name_tree_keys(kid)
    return keys


def _xmp(pdf, title):
    meta = pdf.Root.get("/Metadata")
    if meta is None:
        yield "catalog: no XMP metadata"
        return
    xml = meta.read_bytes().decode("utf-8")
    for need in ("<pdfaid:part>2</pdfaid:part>", "<pdfuaid:part>1</pdfuaid:part>",
                 "<pdfaSchema:prefix>pdfuaid</pdfaSchema:prefix>"):
        if need not in xml:
            yield f"XMP: no {need}"
    m = re.search(r"<dc:title>.*?<rdf:li[^>]*>(.*?)</rdf:li>", xml, re.S)
    from xml.sax.saxutils import unescape
    if not m or unescape(m.group(1)) != title:
        yield "XMP: dc:title differs from the Info /Title"
    if "/Trapped" in pdf.docinfo:
        yield "info: /Trapped (PDF/A-2 wants it absent or in XMP too)"


def _output_intent(pdf):
    intents = pdf.Root.get("/OutputIntents", [])
    if not intents:
        yield "catalog: no OutputIntent"
        return
    icc = intents[0].get("/DestOutputProfile")
    if icc is None:
        yield "OutputIntent without a profile"
        return
    data = icc.read_bytes()
    if data[8] != 2 or data[16:20] != b"RGB ":
        yield "OutputIntent profile is not an ICC v2 RGB profile"


_BFCHAR_BLOCK = re.compile(rb"(\d+) beginbfchar(.*?)endbfchar", re.S)


def _fonts(pdf):
    for obj in pdf.objects:
        if not isinstance(obj, Dictionary) or obj.get("/Type") != Name.Font:
            continue
        name = str(obj.get("/BaseFont", "?"))
        fd = obj.get("/FontDescriptor")
        if obj.get("/Subtype") == Name.Type0:
            fd = obj.DescendantFonts[0].get("/FontDescriptor")
        if fd is None or not any(k in fd for k in ("/FontFile", "/FontFile2", "/FontFile3")):
            yield f"font {name}: not embedded"
        tu = obj.get("/ToUnicode")
        if tu is None:
            yield f"font {name}: no ToUnicode"
            continue
        data = tu.read_bytes()
        for count, body in _BFCHAR_BLOCK.findall(data):
            if int(count) > 100:
                yield f"font {name}: a bfchar block of {int(count)} entries (limit 100)"
            if re.search(rb"<[0-9A-Fa-f]+>\s*<0000>", body):
                yield f"font {name}: ToUnicode maps a code to U+0000"
            for value in re.findall(rb"<[0-9A-Fa-f]+>\s*<([0-9A-Fa-f]+)>", body):
                if len(value) % 4:
                    yield f"font {name}: ToUnicode value <{value.decode()}> is not UTF-16"


# --------------------------------------------------------------------------- shaped text

_ARABIC = re.compile("[\u0600-\u06ff\u0750-\u077f\u08a0-\u08ff]")
_SCRIPT_FONT = re.compile(r"\+(NotoSansArabic-\w+)$")


def _outline(font, name: str) -> tuple:
    from fontTools.pens.recordingPen import DecomposingRecordingPen
    glyphs = font.getGlyphSet()
    pen = DecomposingRecordingPen(glyphs)
    glyphs[name].draw(pen)
    return tuple((op, tuple(pts)) for op, pts in pen.value)


def _clusters_by_outline(ttf: Path, texts) -> dict:
    """outline -> the clusters (letters) HarfBuzz draws with that glyph, over the Arabic
    words of `texts`, shaped with the original font."""
    import io

    import uharfbuzz as hb
    from fontTools.ttLib import TTFont
    data = ttf.read_bytes()
    font = TTFont(io.BytesIO(data))
    order = font.getGlyphOrder()
    hb_font = hb.Font(hb.Face(data))
    out: dict = {}
    shapes: dict = {}
    for word in {w for t in texts for w in t.split() if _ARABIC.search(w)}:
        buf = hb.Buffer()
        buf.add_str(word)
        buf.guess_segment_properties()
        hb.shape(hb_font, buf, {})
        starts = sorted({i.cluster for i in buf.glyph_infos})
        ends = dict(zip(starts, [*starts[1:], len(word)]))
        for info in buf.glyph_infos:
            g = info.codepoint
            if g not in shapes:
                shapes[g] = _outline(font, order[g])
            out.setdefault(shapes[g], set()).add(word[info.cluster:ends[info.cluster]])
    return out


def arabic_mapping_problems(path: Path | str, texts, fonts_dir: Path) -> list[str]:
    """Each ToUnicode entry of an embedded Arabic face whose text is not a letter of a
    cluster its glyph is drawn for, when the document's words are shaped independently
    with HarfBuzz and the original font (glyphs compared by outline).

    Contextual forms (initial, medial, final, lam-alef) are different glyphs for one
    letter, so several codes mapping to one letter is right. Inside a cluster the letters
    go to the glyphs in drawing order (a mark's letter may sit on its base's glyph, so
    that extraction reads the cluster in logical order): a code is right when its text
    belongs to its glyph's cluster. Empty glyphs carry a ligature's further letters.
    """
    import io

    from fontTools.ttLib import TTFont
    bad: list[str] = []
    made: dict[str, dict] = {}
    with pikepdf.open(path) as pdf:
        for obj in pdf.objects:
            if not isinstance(obj, Dictionary) or obj.get("/Type") != Name.Font:
                continue
            base = str(obj.get("/BaseFont", ""))
            m = _SCRIPT_FONT.search(base)
            if not m:
                continue
            face = m.group(1)
            if face not in made:
                made[face] = _clusters_by_outline(Path(fonts_dir) / f"{face}.ttf", texts)
            clusters = made[face]
            subset = TTFont(io.BytesIO(obj.FontDescriptor.FontFile2.read_bytes()))
            cmap = subset["cmap"].tables[0].cmap
            data = obj.ToUnicode.read_bytes()
            for body in re.findall(rb"beginbfchar(.*?)endbfchar", data, re.S):
                for code, value in re.findall(rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>", body):
                    text = bytes.fromhex(value.decode()).decode("utf-16-be")
                    if not _ARABIC.search(text):
                        continue
                    shape = _outline(subset, cmap[int(code, 16)])
                    drawn = clusters.get(shape, set())
                    ok = any(text in c for c in drawn) or (not shape and any(
                        text in c[1:] for cs in clusters.values() for c in cs))
                    if not ok:
                        bad.append(f"font {base}: code <{code.decode()}> maps to {text!r}, "
                                   f"its glyph draws {sorted(drawn)[:3] or 'no cluster'}")
    return bad
