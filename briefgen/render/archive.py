"""The post-pass that makes ReportLab's PDF tagged PDF/UA-1 and archival PDF/A-2a (pikepdf).

ReportLab has catalog slots for a structure tree but writes none; patching its object
model would tie briefgen to its internals, while pikepdf (qpdf) edits the finished file:

- the structure tree from the `Tagger` (StructTreeRoot, ParentTree, IDTree, RoleMap),
  appended as PDF syntax in an incremental update (several hundred elements made one by
  one through pikepdf's object API took most of the post-pass), then page StructParents
  and Tabs /S, MarkInfo, Lang, DisplayDocTitle;
- XMP metadata in step with the Info dictionary, declaring PDF/A-2a and PDF/UA-1 (with
  the extension schema PDF/A requires for the pdfuaid namespace);
- an sRGB OutputIntent (a v2 ICC profile, zlib licence, in `icc/`);
- ToUnicode maps without U+0000 entries, in bfchar blocks of at most 100, astral
  characters as UTF-16 surrogate pairs (ReportLab writes all three wrong);
- saved as PDF 1.7 with object streams and a deterministic /ID; qpdf writes an end of
  line before every `endstream`, which PDF/A requires and ReportLab omits.
"""

from __future__ import annotations

import io
import re
from pathlib import Path

import pikepdf
from pikepdf import Array, Dictionary, Name, String

from briefgen.render.tags import ROLE_MAP, Elem, Tagger

def escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


ICC = Path(__file__).with_name("icc") / "sRGB.icc"
_icc_bytes: bytes | None = None


def finish(pdf: bytes, tagger: Tagger | None) -> bytes:
    p = open_with_structure(pdf, tagger) if tagger is not None else \
        pikepdf.open(io.BytesIO(pdf))
    with p:
        archival(p, tagged=tagger is not None)
        return save(p)


def save(p: pikepdf.Pdf) -> bytes:
    """PDF 1.7 with object streams and an /ID derived from the content (same bytes in,
    same bytes out); qpdf writes the end of line before `endstream` that PDF/A wants."""
    out = io.BytesIO()
    p.save(out, force_version="1.7", object_stream_mode=pikepdf.ObjectStreamMode.generate,
           deterministic_id=True, fix_metadata_version=False,
           stream_decode_level=pikepdf.StreamDecodeLevel.none)
    return out.getvalue()


# --------------------------------------------------------------------------- structure


def spans(tagger: Tagger) -> None:
    """Text runs of an element that also holds elements (a P with a link inside) become
    Spans, so that every element's text sits in one place in the tree: checkers that list
    an element's own text before its children's (outloud's reading-order check) then see
    the order a reader does."""
    for elem in list(tagger.root.walk()):
        kids = elem.kids
        if not any(isinstance(k, Elem) for k in kids) or \
                not any(isinstance(k, tuple) and k[0] == "mcr" for k in kids):
            continue
        out: list = []
        run: Elem | None = None
        for k in kids:
            if isinstance(k, tuple) and k[0] == "mcr":
                if run is None:
                    run = Elem("Span")
                    run.placed = True
                    out.append(run)
                run.kids.append(k)
                tagger.page_mcids[k[1]][k[2]] = run
            else:
                run = None
                out.append(k)
        elem.kids = out


def _pdf_string(s: str) -> str:
    """A PDF text string: UTF-16BE with BOM, as hex."""
    if s.isascii():
        esc = s.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
        if all(32 <= ord(c) < 127 for c in s):
            return f"({esc})"
    return "<FEFF" + s.encode("utf-16-be").hex().upper() + ">"


def open_with_structure(pdf: bytes, tagger) -> pikepdf.Pdf:
    """The PDF with the structure tree appended as an incremental update.

    Creating each of several hundred structure elements through pikepdf's object API took
    most of the post-pass; written as PDF syntax, qpdf parses them at C++ speed."""
    for note in tagger.notes.values():
        if not note.placed and note.kids:   # cited where no marker placed it (shaped text)
            tagger.root.add(note)
    spans(tagger)
    with pikepdf.open(io.BytesIO(pdf)) as p:
        pages = [f"{pg.obj.objgen[0]} 0 R" for pg in p.pages]
        annots = {}
        for pg in p.pages:
            for a in pg.obj.get("/Annots", []):
                if "/StructParent" in a:
                    annots[int(a.StructParent)] = f"{a.objgen[0]} {a.objgen[1]} R"
        size = int(p.trailer.Size)
        root_ref = p.Root.objgen
        info_ref = p.trailer.Info.objgen if "/Info" in p.trailer else None
    prev = int(re.search(rb"startxref\s+(\d+)\s*%%EOF\s*$", pdf).group(1))

    # number every element first: parents and ParentTree refer to them
    nums: dict[int, int] = {}
    order: list[Elem] = []
    stack = [tagger.root]
    while stack:
        e = stack.pop()
        nums[id(e)] = size + len(order)
        order.append(e)
        stack.extend(reversed([k for k in e.kids if isinstance(k, Elem)]))
    root_num = size + len(order)
    tree_num = root_num + 1
    ids_num = root_num + 2
    parent_of = {id(k): nums[id(e)] for e in order for k in e.kids if isinstance(k, Elem)}

    objects: list[str] = []
    for e in order:
        first_page = next((k[1] for k in e.kids if isinstance(k, tuple)), None)
        kids = []
        for k in e.kids:
            if isinstance(k, Elem):
                kids.append(f"{nums[id(k)]} 0 R")
            elif k[0] == "mcr":
                kids.append(str(k[2]) if k[1] == first_page else
                            f"<</Type/MCR/Pg {pages[k[1]]}/MCID {k[2]}>>")
            else:
                kids.append(f"<</Type/OBJR/Obj {annots[k[2]]}/Pg {pages[k[1]]}>>")
        parent = parent_of.get(id(e), root_num)
        parts = [f"/Type/StructElem/S/{e.role}/P {parent} 0 R"]
        if first_page is not None:
            parts.append(f"/Pg {pages[first_page]}")
        parts.append("/K " + (kids[0] if len(kids) == 1 else "[" + " ".join(kids) + "]"))
        if e.alt is not None:
            parts.append("/Alt " + _pdf_string(e.alt))
        if e.lang:
            parts.append("/Lang " + _pdf_string(e.lang))
        if e.id:
            parts.append("/ID " + _pdf_string(e.id))
        if e.actual is not None:
            parts.append("/ActualText " + _pdf_string(e.actual))
        if e.attrs:
            attrs = []
            for key, v in e.attrs.items():
                if isinstance(v, str):
                    attrs.append(f"/{key}/{v}")
                elif isinstance(v, list):
                    attrs.append(f"/{key}[" + " ".join(f"{x:g}" for x in v) + "]")
                else:
                    attrs.append(f"/{key} {v}")
            parts.append("/A<<" + "".join(attrs) + ">>")
        objects.append("<<" + "".join(parts) + ">>")

    n_annots = len(tagger.annots)
    entries = []
    for key, (page, elem) in enumerate(tagger.annots):
        if id(elem) in nums:
            entries.append(f"{key} {nums[id(elem)]} 0 R")
    for i in range(len(pages)):
        seq = tagger.page_mcids.get(i)
        if seq:
            entries.append(f"{n_annots + i} [" + " ".join(f"{nums[id(e)]} 0 R" for e in seq) + "]")
    ids = sorted((e.id, nums[id(e)]) for e in order if e.id)
    role_map = "".join(f"/{k}/{v}" for k, v in ROLE_MAP.items())
    root = (f"<</Type/StructTreeRoot/K {nums[id(tagger.root)]} 0 R/ParentTree {tree_num} 0 R"
            f"/ParentTreeNextKey {n_annots + len(pages)}/RoleMap<<{role_map}>>"
            + (f"/IDTree {ids_num} 0 R" if ids else "") + ">>")
    objects.append(root)
    objects.append("<</Nums[" + " ".join(entries) + "]>>")
    if ids:
        objects.append("<</Names[" + " ".join(f"{_pdf_string(k)} {n} 0 R" for k, n in ids)
                       + "]>>")

    out = bytearray(pdf)
    if not out.endswith(b"\n"):
        out += b"\n"
    offsets = []
    for i, body in enumerate(objects):
        offsets.append(len(out))
        out += f"{size + i} 0 obj\n{body}\nendobj\n".encode("latin-1")
    xref_at = len(out)
    out += f"xref\n0 1\n0000000000 65535 f \n{size} {len(objects)}\n".encode()
    out += b"".join(f"{o:010d} 00000 n \n".encode() for o in offsets)
    info = f"/Info {info_ref[0]} {info_ref[1]} R" if info_ref else ""
    out += (f"trailer\n<</Size {size + len(objects)}/Root {root_ref[0]} {root_ref[1]} R{info}"
            f"/Prev {prev}>>\nstartxref\n{xref_at}\n%%EOF\n").encode()

    p = pikepdf.open(io.BytesIO(bytes(out)))
    for i, pg in enumerate(p.pages):
        pg.obj.Tabs = Name.S
        if tagger.page_mcids.get(i):
            pg.obj.StructParents = n_annots + i
    cat = p.Root
    cat.StructTreeRoot = p.get_object(root_num, 0)
    cat.MarkInfo = pikepdf.Dictionary(Marked=True)
    cat.Lang = pikepdf.String(tagger.lang)
    prefs = cat.get("/ViewerPreferences", pikepdf.Dictionary())
    prefs.DisplayDocTitle = True
    cat.ViewerPreferences = prefs
    return p


# --------------------------------------------------------------------------- PDF/A


def archival(p: pikepdf.Pdf, *, tagged: bool) -> None:
    info = p.docinfo
    if "/Trapped" in info:
        del info["/Trapped"]
    p.Root.Metadata = p.make_stream(xmp(info, tagged).encode("utf-8"),
                                    Type=Name.Metadata, Subtype=Name.XML)
    p.Root.OutputIntents = Array([output_intent(p)])
    for tu in _to_unicode_maps(p):
        fix_to_unicode(tu)


def _to_unicode_maps(p: pikepdf.Pdf):
    """The ToUnicode streams of every font of the pages and of their forms (page numbers),
    each once: ReportLab shares one font dictionary among all pages."""
    seen: set = set()
    maps = {}
    stack = [page.obj.get("/Resources") for page in p.pages]
    while stack:
        res = stack.pop()
        if res is None or (res.is_indirect and res.objgen in seen):
            continue
        if res.is_indirect:
            seen.add(res.objgen)
        fonts = res.get("/Font")
        if fonts is not None and not (fonts.is_indirect and fonts.objgen in seen):
            if fonts.is_indirect:
                seen.add(fonts.objgen)
            for font in fonts.values():
                tu = font.get("/ToUnicode")
                if tu is not None:
                    maps[tu.objgen] = tu
        for xobj in res.get("/XObject", {}).values():
            if xobj.get("/Subtype") == Name.Form and xobj.objgen not in seen:
                seen.add(xobj.objgen)
                stack.append(xobj.get("/Resources"))
    return [maps[k] for k in sorted(maps)]


def output_intent(p: pikepdf.Pdf):
    global _icc_bytes
    if _icc_bytes is None:
        _icc_bytes = ICC.read_bytes()
    profile = p.make_stream(_icc_bytes, N=3)
    return Dictionary(Type=Name.OutputIntent, S=Name.GTS_PDFA1,
                      OutputConditionIdentifier=String("sRGB IEC61966-2.1"),
                      Info=String("sRGB IEC61966-2.1"), RegistryName=String("http://www.color.org"),
                      DestOutputProfile=profile)


def _xmp_date(pdf_date: str) -> str:
    # D:20261123000000+00'00' -> 2026-11-23T00:00:00+00:00
    m = re.match(r"D:(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(Z|[+-]\d{2}'?\d{2}'?)?", pdf_date)
    if not m:
        return ""
    y, mo, d, h, mi, s, tz = m.groups()
    tz = tz or "Z"
    if tz != "Z":
        tz = tz.replace("'", "")
        tz = f"{tz[:3]}:{tz[3:5]}"
    return f"{y}-{mo}-{d}T{h}:{mi}:{s}{tz}"


def xmp(info, tagged: bool) -> str:
    def get(key):
        v = info.get(key)
        return str(v) if v is not None else ""

    title, author, subject = get("/Title"), get("/Author"), get("/Subject")
    keywords, creator, producer = get("/Keywords"), get("/Creator"), get("/Producer")
    created, modified = _xmp_date(get("/CreationDate")), _xmp_date(get("/ModDate"))
    e = escape
    ua = ('    <rdf:Description rdf:about="" xmlns:pdfuaid="http://www.aiim.org/pdfua/ns/id/">\n'
          '      <pdfuaid:part>1</pdfuaid:part>\n'
          '    </rdf:Description>\n') if tagged else ""
    return f"""<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>
<x:xmpmeta xmlns:x="adobe:ns:meta/">
  <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
    <rdf:Description rdf:about=""
        xmlns:pdfaExtension="http://www.aiim.org/pdfa/ns/extension/"
        xmlns:pdfaSchema="http://www.aiim.org/pdfa/ns/schema#"
        xmlns:pdfaProperty="http://www.aiim.org/pdfa/ns/property#">
      <pdfaExtension:schemas>
        <rdf:Bag>
          <rdf:li rdf:parseType="Resource">
            <pdfaSchema:schema>PDF/UA Universal Accessibility Schema</pdfaSchema:schema>
            <pdfaSchema:namespaceURI>http://www.aiim.org/pdfua/ns/id/</pdfaSchema:namespaceURI>
            <pdfaSchema:prefix>pdfuaid</pdfaSchema:prefix>
            <pdfaSchema:property>
              <rdf:Seq>
                <rdf:li rdf:parseType="Resource">
                  <pdfaProperty:name>part</pdfaProperty:name>
                  <pdfaProperty:valueType>Integer</pdfaProperty:valueType>
                  <pdfaProperty:category>internal</pdfaProperty:category>
                  <pdfaProperty:description>Indicates, which part of ISO 14289 standard is followed</pdfaProperty:description>
                </rdf:li>
              </rdf:Seq>
            </pdfaSchema:property>
          </rdf:li>
        </rdf:Bag>
      </pdfaExtension:schemas>
    </rdf:Description>
    <rdf:Description rdf:about="" xmlns:pdfaid="http://www.aiim.org/pdfa/ns/id/">
      <pdfaid:part>2</pdfaid:part>
      <pdfaid:conformance>{"A" if tagged else "B"}</pdfaid:conformance>
    </rdf:Description>
{ua}    <rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/">
      <dc:format>application/pdf</dc:format>
      <dc:title><rdf:Alt><rdf:li xml:lang="x-default">{e(title)}</rdf:li></rdf:Alt></dc:title>
      <dc:creator><rdf:Seq><rdf:li>{e(author)}</rdf:li></rdf:Seq></dc:creator>
      <dc:description><rdf:Alt><rdf:li xml:lang="x-default">{e(subject)}</rdf:li></rdf:Alt></dc:description>
    </rdf:Description>
    <rdf:Description rdf:about="" xmlns:pdf="http://ns.adobe.com/pdf/1.3/">
      <pdf:Producer>{e(producer)}</pdf:Producer>
      <pdf:Keywords>{e(keywords)}</pdf:Keywords>
    </rdf:Description>
    <rdf:Description rdf:about="" xmlns:xmp="http://ns.adobe.com/xap/1.0/">
      <xmp:CreatorTool>{e(creator)}</xmp:CreatorTool>
      <xmp:CreateDate>{created}</xmp:CreateDate>
      <xmp:ModifyDate>{modified}</xmp:ModifyDate>
    </rdf:Description>
  </rdf:RDF>
</x:xmpmeta>
<?xpacket end="w"?>"""


# --------------------------------------------------------------------------- fonts

_BFCHAR = re.compile(rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>")


def _utf16(hexvalue: bytes) -> str | None:
    """ReportLab writes each code point as %04X, astral ones as 5-6 hex digits."""
    cp = int(hexvalue, 16)
    if cp == 0:
        return None
    if len(hexvalue) <= 4 or cp > 0x10FFFF:
        return f"{cp:04X}" if len(hexvalue) <= 4 else hexvalue.decode().upper()
    return chr(cp).encode("utf-16-be").hex().upper()


def fix_to_unicode(tu) -> None:
    data = tu.read_bytes()
    if b"beginbfchar" not in data:
        return
    head, _, rest = data.partition(b"beginbfchar")
    head = head.rsplit(b"\n", 1)[0]
    body, _, tail = rest.partition(b"endbfchar")
    pairs = []
    for code, value in _BFCHAR.findall(body):
        u = _utf16(value)
        if u is not None:
            pairs.append(f"<{code.decode().upper()}> <{u}>")
    blocks = []
    for i in range(0, len(pairs), 100):
        chunk = pairs[i:i + 100]
        blocks.append(f"{len(chunk)} beginbfchar\n" + "\n".join(chunk) + "\nendbfchar")
    new = head + b"\n" + "\n".join(blocks).encode() + tail
    if new != data:
        tu.write(new)
