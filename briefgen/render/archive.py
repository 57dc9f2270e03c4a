"""The post-pass that makes ReportLab's PDF tagged PDF/UA-1 and archival PDF/A-2a (pikepdf).

ReportLab has catalog slots for a structure tree but writes none; patching its object
model would tie briefgen to its internals, while pikepdf (qpdf) edits the finished file:

- the structure tree from the `Tagger` (StructTreeRoot, ParentTree, IDTree, RoleMap),
  page StructParents and Tabs /S, MarkInfo, link annotations' StructParent/Contents/F;
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
from xml.sax.saxutils import escape

import pikepdf
from pikepdf import Array, Dictionary, Name, String

from briefgen.render.tags import ROLE_MAP, Elem, Tagger

ICC = Path(__file__).with_name("icc") / "sRGB.icc"
_icc_bytes: bytes | None = None


def finish(pdf: bytes, tagger: Tagger | None) -> bytes:
    with pikepdf.open(io.BytesIO(pdf)) as p:
        if tagger is not None:
            write_structure(p, tagger)
        archival(p, tagged=tagger is not None)
        out = io.BytesIO()
        p.save(out, force_version="1.7", object_stream_mode=pikepdf.ObjectStreamMode.generate,
               deterministic_id=True, fix_metadata_version=False)
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


def write_structure(p: pikepdf.Pdf, tagger: Tagger) -> None:
    spans(tagger)
    pages = [page.obj for page in p.pages]
    annots: dict[int, pikepdf.Object] = {}
    for page in pages:
        for a in page.get("/Annots", []):
            if "/StructParent" in a:
                annots[int(a.StructParent)] = a

    root = p.make_indirect(Dictionary(Type=Name.StructTreeRoot))
    objs: dict[int, pikepdf.Object] = {}

    def build(elem: Elem, parent) -> pikepdf.Object:
        d = p.make_indirect(Dictionary(Type=Name.StructElem, S=Name("/" + elem.role), P=parent))
        objs[id(elem)] = d
        first_page = next((k[1] for k in elem.kids if isinstance(k, tuple)), None)
        if first_page is not None:
            d.Pg = pages[first_page]
        kids = Array()
        for k in elem.kids:
            if isinstance(k, Elem):
                kids.append(build(k, d))
            elif k[0] == "mcr":
                _, page, mcid = k
                kids.append(mcid if page == first_page else
                            Dictionary(Type=Name.MCR, Pg=pages[page], MCID=mcid))
            else:
                _, page, key = k
                kids.append(Dictionary(Type=Name.OBJR, Obj=annots[key], Pg=pages[page]))
        # a single kid is written bare: pdfua 0.1.3 fails on a heading whose /K is an array
        d.K = kids[0] if len(kids) == 1 else kids
        if elem.alt is not None:
            d.Alt = String(elem.alt)
        if elem.lang:
            d.Lang = String(elem.lang)
        if elem.id:
            d.ID = String(elem.id)
        if elem.actual is not None:
            d.ActualText = String(elem.actual)
        if elem.attrs:
            d.A = Dictionary({f"/{k}": (Name("/" + v) if isinstance(v, str) else v)
                              for k, v in elem.attrs.items()})
        return d

    doc = build(tagger.root, root)
    root.K = doc

    n_annots = len(tagger.annots)
    nums = Array()
    for key, (page, elem) in enumerate(tagger.annots):
        nums.append(key)
        nums.append(objs[id(elem)])
        annot = annots[key]
        annot.Contents = String(elem.contents or "Link")
        annot.F = 4
    for i, page in enumerate(pages):
        page.Tabs = Name.S
        seq = tagger.page_mcids.get(i)
        if seq:
            page.StructParents = n_annots + i
            nums.append(n_annots + i)
            nums.append(p.make_indirect(Array([objs[id(e)] for e in seq])))
    root.ParentTree = p.make_indirect(Dictionary(Nums=nums))
    root.ParentTreeNextKey = n_annots + len(pages)
    root.RoleMap = Dictionary({f"/{k}": Name("/" + v) for k, v in ROLE_MAP.items()})
    ids = sorted((e.id, objs[id(e)]) for e in tagger.root.walk() if e.id and id(e) in objs)
    if ids:
        names = Array()
        for key, obj in ids:
            names.append(String(key))
            names.append(obj)
        root.IDTree = p.make_indirect(Dictionary(Names=names))

    cat = p.Root
    cat.StructTreeRoot = root
    cat.MarkInfo = Dictionary(Marked=True)
    cat.Lang = String(tagger.lang)
    prefs = cat.get("/ViewerPreferences", Dictionary())
    prefs.DisplayDocTitle = True
    cat.ViewerPreferences = prefs


# --------------------------------------------------------------------------- PDF/A


def archival(p: pikepdf.Pdf, *, tagged: bool) -> None:
    info = p.docinfo
    if "/Trapped" in info:
        del info["/Trapped"]
    p.Root.Metadata = p.make_stream(xmp(info, tagged).encode("utf-8"),
                                    Type=Name.Metadata, Subtype=Name.XML)
    p.Root.OutputIntents = Array([output_intent(p)])
    for obj in p.objects:   # fonts of pages and of forms (page numbers) alike
        if isinstance(obj, Dictionary) and obj.get("/Type") == Name.Font:
            tu = obj.get("/ToUnicode")
            if tu is not None:
                fix_to_unicode(tu)


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
