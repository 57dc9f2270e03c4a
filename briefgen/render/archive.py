"""Tagged PDF/UA-1 and archival PDF/A-2a, written by ReportLab's own save.

Everything a tagged, archival file needs beyond what ReportLab writes is added to its
`PDFDocument` just before it numbers and writes out its objects, so the file is written
once (re-writing the finished file with pikepdf took more than half of a tagged build):

- the structure tree of the `Tagger` (StructTreeRoot, ParentTree with the pages' arrays
  and the annotations' keys, ParentTreeNextKey, IDTree, RoleMap), one object per element,
  all written straight to bytes in one walk; page StructParents and Tabs /S; catalog
  MarkInfo, Lang, ViewerPreferences DisplayDocTitle (each link annotation's StructParent,
  Contents and F are set when the canvas makes it: `render.tags`);
- XMP metadata in step with the Info dictionary, declaring PDF/A-2a and PDF/UA-1 (with
  the extension schema PDF/A requires for the pdfuaid namespace); no /Trapped in Info;
- an sRGB OutputIntent (a v2 ICC profile, zlib licence, in `icc/`);
- ToUnicode maps without U+0000 entries, in bfchar blocks of at most 100, astral
  characters as UTF-16 surrogate pairs (ReportLab writes all three wrong);
- an end of line before every `endstream` (PDF/A requires it, ReportLab writes none), a
  PDF 1.7 header, and the /ID ReportLab derives in invariant mode, fed with the pages'
  content as well: same inputs, same bytes. No object streams (PDF/A-2 does not ask
  for them).

pikepdf is not used here: a single document is built without importing it. Merged
packets (`briefgen.packet`) use pikepdf and the XMP and ICC helpers below.

ReportLab internals this relies on (ReportLab is pinned >=5.1,<5.2). Every hook briefgen's
archival writing has into ReportLab's internals is in this module, marked INTERNAL:

1. `Canvas.__init__` makes its `PDFDocument` itself (`self._doc`) and takes no class for
   it: `archival_canvas` swaps the instance's class to `ArchivalDocument`.
2. `PDFDocument.GetPDFData(canvas)` realises the fonts (their ToUnicode streams are made
   then), registers Catalog and Info, prepares the outline and calls `format()`, which
   numbers the objects in the order `Reference()` registered them and writes them. Our
   objects are added at the start of `format()`; numbers come from
   `idToObjectNumberAndVersion`, so the tree refers to pages ("Page<n>") and annotations
   ("Annot.<name>") by ReportLab's own numbers. The structure tree takes the next free
   numbers (`objectcounter`) without registering each object, and `ArchivalDocument`
   writes the file with its own copy of `format()` (same bytes) that puts those objects
   in as one piece, already written.
3. `PDFCatalog.format` / `PDFPage.format` write the keys named in the class attribute
   `__NoDefault__` (references for those in `__Refs__`): OutputIntents, StructParents and
   Tabs are added to those lists (a catalog subclass, per-page instance attributes).
4. `PDFInfo.format` always writes /Trapped: `_Info` writes the same without it.
5. `PDFStream.format` ends with the data followed directly by `endstream`: patched to put
   an end of line between them when the document is an `ArchivalDocument` (every stream
   goes through it: pages, forms, fonts, images, ours).
6. ReportLab's TrueType subsets keep their ToUnicode CMap as text in the `content` of a
   stream registered as "toUnicodeCMap:<font>" until it is written: rewritten there.
7. `PDFFile` takes the header's version from `PDFDocument._pdfVersion`.
"""

from __future__ import annotations

import re
import zlib
from itertools import accumulate
from pathlib import Path

from reportlab import rl_config
from reportlab.pdfbase import pdfdoc
from reportlab.pdfbase.pdfdoc import (LinkAnnotation, PDFArray, PDFCatalog, PDFDate,
                                      PDFDictionary, PDFDocument, PDFInfo, PDFObject,
                                      PDFObjectReference, PDFStream, PDFString)

from briefgen.render.tags import ROLE_MAP, Elem, Tagger

ICC = Path(__file__).with_name("icc") / "sRGB.icc"
_icc: dict[str, bytes] = {}


def icc_profile() -> bytes:
    if "raw" not in _icc:
        _icc["raw"] = ICC.read_bytes()
    return _icc["raw"]


def _icc_deflated() -> bytes:
    if "flate" not in _icc:
        _icc["flate"] = zlib.compress(icc_profile(), 9)
    return _icc["flate"]


OUTPUT_CONDITION = "sRGB IEC61966-2.1"
REGISTRY = "http://www.color.org"


# --------------------------------------------------------------------------- the hook


def archival_canvas(base: type) -> type:
    """`base` (a Canvas class) whose document is written tagged and archival on save; the
    tree comes from the canvas's `tagger` (set by the doc template), if any."""

    class ArchivalCanvas(base):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self._doc.__class__ = ArchivalDocument   # INTERNAL 1

    return ArchivalCanvas


class ArchivalDocument(PDFDocument):
    _tagger: Tagger | None = None
    _structure: "_Structure | None" = None
    _written: bytes | None = None

    def GetPDFData(self, canvas):                    # INTERNAL 2
        self._tagger = getattr(canvas, "tagger", None)
        return super().GetPDFData(canvas)

    def format(self):                                # INTERNAL 2
        # written once: a canvas saved and then asked for its data gets the same bytes
        if self._written is None:
            self.archival(self._tagger)
            self._written = super().format() if self._structure is None else \
                self._format(self._structure)
        return self._written

    def _format(self, structure: "_Structure") -> bytes:   # INTERNAL 2
        """ReportLab's `PDFDocument.format` (objects in number order, the xref table, the
        trailer; same bytes), writing the structure tree's objects in one piece."""
        cat, info = self.Catalog, self.info
        self.encrypt.prepare(self)
        self.Reference(cat)
        self.Reference(info)
        if self.encrypt.info():
            raise ValueError("an archival PDF cannot be encrypted (PDF/A)")
        numbertoid = self.numberToId
        numbers = self.idToObjectNumberAndVersion
        idToOb = self.idToObject
        idToOf = self.idToOffset
        register = self.encrypt.register
        enc = pdfdoc.pdfdocEnc
        plain = not rl_config.pdfComments or rl_config.invariant
        offsets = []
        self.__accum__ = File = pdfdoc.PDFFile(self._pdfVersion)
        write = File.write
        first, last = structure.first, structure.last
        counter = 0
        while True:
            counter += 1
            if counter == first:
                at = File.add(structure.data)
                offsets.extend([at + o for o in structure.offsets])
                counter = last
                continue
            oid = numbertoid.get(counter)
            if oid is None:
                break
            # PDFIndirectObject(oid, object).format(self) and File.add(...), inline: what
            # pdfdoc.format does with a PDF object at the top level is call its format
            # (with a comment before it only outside invariant mode)
            n, v = numbers[oid]
            register(n, v)
            obj = idToOb[oid]
            fcontent = obj.format(self) if plain and isinstance(obj, PDFObject) else \
                pdfdoc.format(obj, self, toplevel=1)
            data = enc("%s %s obj\n" % (n, v)) + fcontent + \
                (b"" if fcontent.endswith(b"\n") else b"\n") + b"endobj\n"
            at = idToOf[oid] = File.offset
            File.offset = at + len(data)
            write(data)
            offsets.append(at)
        del self.__accum__
        size = len(numbertoid) + last - first + 1
        if counter - 1 != size:
            raise ValueError(f"counter {counter} doesn't match the {size} objects")
        # the xref table as PDFCrossReferenceTable writes it (all versions 0)
        xref = "xref\n0 %d\n0000000000 65535 f \n%s" % (
            size + 1, "".join(["%010d 00000 n \n" % o for o in offsets]))
        xrefoffset = File.add(xref.encode("ascii"))
        trailer = pdfdoc.PDFTrailer(startxref=xrefoffset, Size=size + 1,
                                    Root=self.Reference(cat), Info=self.Reference(info),
                                    Encrypt=None, ID=self.ID())
        File.add(trailer.format(self))
        for ds in getattr(self, "_digiSigs", []):
            ds.sign(File)
        return File.format(self)

    def archival(self, tagger: Tagger | None) -> None:
        """Add the structure tree (with a tagger) and the PDF/A parts to the document."""
        cat = self.Catalog
        cat.__class__ = _Catalog                     # INTERNAL 3
        self.info.__class__ = _Info                  # INTERNAL 4
        self._pdfVersion = max(self._pdfVersion, (1, 7))   # INTERNAL 7
        tagged = tagger is not None
        if tagged:
            self._structure = _write_structure(self, tagger)
            cat.MarkInfo = PDFDictionary({"Marked": "true"})
            cat.Lang = PDFString(tagger.lang)
        prefs = getattr(cat, "ViewerPreferences", None)
        if prefs is None:
            prefs = cat.ViewerPreferences = pdfdoc.ViewerPreferencesPDFDictionary()
        prefs["DisplayDocTitle"] = "true"
        for name, obj in self.idToObject.items():   # INTERNAL 6
            if name.startswith("toUnicodeCMap:") and isinstance(obj.content, str):
                obj.content = _fixed_cmap(obj.content)
        cat.Metadata = _stream(xmp(self._info_values(), tagged).encode("utf-8"),
                               {"Type": "/Metadata", "Subtype": "/XML"})
        profile = _stream(_icc_deflated(), {"N": 3, "Filter": "/FlateDecode"})
        cat.OutputIntents = PDFArray([PDFDictionary({
            "Type": "/OutputIntent", "S": "/GTS_PDFA1",
            "OutputConditionIdentifier": PDFString(OUTPUT_CONDITION),
            "Info": PDFString(OUTPUT_CONDITION), "RegistryName": PDFString(REGISTRY),
            "DestOutputProfile": self.Reference(profile)})])
        # the /ID (invariant mode: a digest of title, author, subject, keywords and date)
        # also follows what the pages show
        for page in self.Pages.pages:
            if isinstance(page.stream, str):
                self.updateSignature(page.stream)

    def _info_values(self) -> dict[str, str]:
        info = self.info
        date = PDFDate(ts=self._timeStamp, dateFormatter=info._dateFormatter).format(self)
        date = date.decode("latin-1").strip("()")
        return {"Title": info.title, "Author": info.author, "Subject": info.subject,
                "Keywords": info.keywords, "Creator": info.creator,
                "Producer": info.producer, "CreationDate": date, "ModDate": date}


class _Catalog(PDFCatalog):
    __NoDefault__ = PDFCatalog.__NoDefault__ + ["OutputIntents"]
    # MarkInfo and OutputIntents stay direct; the rest as ReportLab has them
    __Refs__ = [k for k in PDFCatalog.__Refs__ if k != "MarkInfo"]


class _Info(PDFInfo):
    def format(self, document):
        PD = PDFDictionary({
            "Title": PDFString(self.title), "Author": PDFString(self.author),
            "CreationDate": PDFDate(ts=document._timeStamp, dateFormatter=self._dateFormatter),
            "ModDate": PDFDate(ts=document._timeStamp, dateFormatter=self._dateFormatter),
            "Producer": PDFString(self.producer), "Creator": PDFString(self.creator),
            "Subject": PDFString(self.subject), "Keywords": PDFString(self.keywords)})
        return PD.format(document)


_PAGE_KEYS = pdfdoc.PDFPage.__NoDefault__ + ["StructParents", "Tabs"]


def _stream(content: bytes, entries: dict) -> PDFStream:
    return PDFStream(PDFDictionary(entries), content, filters=None)


_format_stream = PDFStream.format


def _format_stream_eol(self, document):              # INTERNAL 5
    out = _format_stream(self, document)
    if isinstance(document, ArchivalDocument):
        assert out.endswith(b"endstream\n")
        out = out[:-10] + b"\nendstream\n"
    return out


PDFStream.format = _format_stream_eol


# --------------------------------------------------------------------------- structure


def _pdf_string(s: str) -> str:
    """A PDF text string: literal when printable ASCII, else UTF-16BE with BOM, as hex."""
    if s.isascii() and s.isprintable():     # printable ASCII: 32 <= ord(c) < 127
        return "(" + s.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)") + ")"
    return "<FEFF" + s.encode("utf-16-be").hex().upper() + ">"


def _pdf_name(s: str) -> str:
    return "/" + "".join(c if "!" <= c <= "~" and c not in "%()<>[]{}/#" else
                         "".join(f"#{b:02X}" for b in c.encode("utf-8")) for c in s)


def _pdf_value(v) -> str:
    """An attribute value: a str is a name, numbers and lists as such, a dict nested."""
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, (int, float)):
        return f"{v:g}" if isinstance(v, float) else str(v)
    if isinstance(v, Text):
        return _pdf_string(v)
    if isinstance(v, str):
        return _pdf_name(v)
    if isinstance(v, (list, tuple)):
        return "[" + " ".join(_pdf_value(x) for x in v) + "]"
    if isinstance(v, dict):
        return "<<" + "".join(f"{_pdf_name(k)} {_pdf_value(x)}" for k, x in v.items()) + ">>"
    raise TypeError(f"attribute value {v!r}")


class Text(str):
    """An attribute value written as a text string, not a name."""


def _annotation_key(obj) -> int | None:
    """The StructParent render.tags gave an annotation (LinkAnnotation or dictionary)."""
    if isinstance(obj, LinkAnnotation):
        return obj.otherkw.get("StructParent")
    if isinstance(obj, PDFDictionary):
        return obj.dict.get("StructParent")
    return None


def _spans(elem: Elem, page_mcids: dict) -> None:
    """Text runs of an element that also holds elements (a P with a link inside) become
    Spans, so that every element's text sits in one place in the tree: checkers that list
    an element's own text before its children's (outloud's reading-order check) then see
    the order a reader does."""
    out: list = []
    run: Elem | None = None
    for k in elem.kids:
        if k.__class__ is tuple and k[0] == "mcr":
            if run is None:
                run = Elem("Span")
                run.placed = True
                out.append(run)
            run.kids.append(k)
            page_mcids[k[1]][k[2]] = run
        else:
            run = None
            out.append(k)
    elem.kids = out


class _Structure:
    """The structure tree's objects, numbered `first` to `last`, already written out:
    `data` is their bytes as they go into the file, `offsets` where each starts in it."""

    __slots__ = ("first", "last", "data", "offsets")

    def __init__(self, first: int, texts: list[str]):
        self.first = first
        self.last = first + len(texts) - 1
        chunks = [f"{n} 0 obj\n{text}\nendobj\n" for n, text in enumerate(texts, first)]
        # ASCII throughout (text strings are written as hex unless printable ASCII), so
        # the offsets counted in characters are offsets in bytes
        self.data = "".join(chunks).encode("ascii")
        self.offsets = [0, *accumulate(map(len, chunks))][:-1]


def _role(roles: dict[str, str], role: str) -> str:
    name = roles[role] = _pdf_name(role)
    return name


def _elem_entries(e: Elem, text: str, ids: list, n: int) -> str:
    """`text` (a structure element's dictionary so far) with the element's optional
    entries; an element with an ID is listed in `ids` for the IDTree."""
    if e.title:
        text += "/T " + _pdf_string(e.title)
    if e.alt is not None:
        text += "/Alt " + _pdf_string(e.alt)
    if e.lang:
        text += "/Lang " + _pdf_string(e.lang)
    if e.id:
        text += "/ID " + _pdf_string(e.id)
        ids.append((e.id, n))
    if e.actual is not None:
        text += "/ActualText " + _pdf_string(e.actual)
    if e.attrs:
        text += "/A" + _pdf_value(e.attrs)
    return text


def _write_structure(doc: PDFDocument, tagger: Tagger) -> _Structure:
    """The structure tree as PDF objects, numbered from the document's next free number
    (the root first, then the ParentTree, then the elements, parent before kids, and the
    IDTree last), written out in one walk; pages get StructParents and Tabs."""
    for note in tagger.notes.values():
        if not note.placed and note.kids:   # cited where no marker placed it (shaped text)
            tagger.root.add(note)
    numbers = doc.idToObjectNumberAndVersion
    objects = doc.idToObject
    pages = []
    annots: dict[int, str] = {}
    for page in doc.Pages.pages:
        pages.append("%d 0 R" % numbers[page.__InternalName__][0])
        for ref in page.Annots or ():
            key = _annotation_key(objects.get(ref.name))
            if key is not None:
                annots[key] = "%d 0 R" % numbers[ref.name][0]
        page.__NoDefault__ = _PAGE_KEYS                         # INTERNAL 3
        page.Tabs = "/S"
        page.StructParents = None

    # One walk: each element numbers its element kids as it is written (the tree root
    # and the ParentTree come first), turning mixed content into Spans on the way.
    first = doc.objectcounter + 1
    root_num, tree_num = first, first + 1
    texts: list = [None, None, None]
    tagger.root.num = first + 2
    page_mcids = tagger.page_mcids
    ids: list[tuple[str, int]] = []
    roles: dict[str, str] = {}
    stack = [(tagger.root, root_num, first + 2)]
    pop, push = stack.pop, stack.append
    while stack:
        e, parent, n = pop()
        kids = e.kids
        elems = None
        if len(kids) == 1 and kids[0].__class__ is tuple and kids[0][0] == "mcr":
            # the common case: one marked-content sequence (a P, a Span, a Lbl, ...)
            _, first_page, mcid = kids[0]
            text = f"<</Type/StructElem/S{roles.get(e.role) or _role(roles, e.role)}" \
                   f"/P {parent} 0 R/Pg {pages[first_page]}/K {mcid}"
            if e.title or e.alt is not None or e.lang or e.id or e.actual is not None \
                    or e.attrs:
                text = _elem_entries(e, text, ids, n)
            texts[n - first] = text + ">>"
            continue
        first_page = None
        out = []
        mixed = 0       # 1: element kids seen, 2: marked content seen
        for k in kids:
            if k.__class__ is not tuple:
                mixed |= 1
                m = k.num = first + len(texts)
                texts.append(None)
                out.append(f"{m} 0 R")
                if elems is None:
                    elems = [(k, n, m)]
                else:
                    elems.append((k, n, m))
            elif k[0] == "mcr":
                mixed |= 2
                if first_page is None:
                    first_page = k[1]
                    out.append(str(k[2]))
                elif k[1] == first_page:
                    out.append(str(k[2]))
                else:
                    out.append(f"<</Type/MCR/Pg {pages[k[1]]}/MCID {k[2]}>>")
            else:
                if first_page is None:
                    first_page = k[1]
                out.append(f"<</Type/OBJR/Obj {annots[k[2]]}/Pg {pages[k[1]]}>>")
        if mixed == 3:
            # text beside elements: give the numbers back, make Spans, and do it again
            del texts[len(texts) - len(elems):]
            _spans(e, page_mcids)
            push((e, parent, n))
            continue
        role = roles.get(e.role) or _role(roles, e.role)
        k = out[0] if len(out) == 1 else "[" + " ".join(out) + "]"
        if first_page is not None:
            text = f"<</Type/StructElem/S{role}/P {parent} 0 R/Pg {pages[first_page]}/K {k}"
        else:
            text = f"<</Type/StructElem/S{role}/P {parent} 0 R/K {k}"
        if e.title or e.alt is not None or e.lang or e.id or e.actual is not None or e.attrs:
            text = _elem_entries(e, text, ids, n)
        texts[n - first] = text + ">>"
        if elems is not None:
            elems.reverse()
            stack.extend(elems)
    ids.sort()
    ids_num = first + len(texts)
    last = ids_num - 1      # the last element's number

    n_annots = len(tagger.annots)
    # (an element numbered by an earlier write of another tree is not in this one)
    entries = [f"{key} {elem.num} 0 R" for key, (_, elem) in enumerate(tagger.annots)
               if first <= elem.num <= last]
    for i, page in enumerate(doc.Pages.pages):
        seq = page_mcids.get(i)
        if seq:
            page.StructParents = n_annots + i
            entries.append(f"{n_annots + i} [" + " ".join([f"{e.num} 0 R" for e in seq])
                           + "]")
    texts[1] = "<</Nums[" + " ".join(entries) + "]>>"
    id_tree = ""
    if ids:
        texts.append("<</Names[" + " ".join([f"{_pdf_string(k)} {n} 0 R" for k, n in ids])
                     + "]>>")
        id_tree = f"/IDTree {ids_num} 0 R"
    role_map = "".join(f"{_pdf_name(k)}{_pdf_name(v)}" for k, v in ROLE_MAP.items())
    texts[0] = (f"<</Type/StructTreeRoot/K {tagger.root.num} 0 R"
                f"/ParentTree {tree_num} 0 R/ParentTreeNextKey {n_annots + len(pages)}"
                f"/RoleMap<<{role_map}>>{id_tree}>>")
    structure = _Structure(first, texts)
    # INTERNAL 2: the numbers are taken; the catalog refers to the root by a name
    # ReportLab resolves (the objects themselves are written by ArchivalDocument.format)
    doc.objectcounter = structure.last
    numbers["StructTreeRoot"] = (root_num, 0)
    doc.Catalog.StructTreeRoot = PDFObjectReference("StructTreeRoot")
    return structure


# --------------------------------------------------------------------------- PDF/A


def escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


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


def xmp(info: dict[str, str], tagged: bool) -> str:
    """XMP in step with the Info values `info` (keys as in the Info dictionary, no slash)."""
    def get(key):
        v = info.get(key)
        return str(v) if v is not None else ""

    title, author, subject = get("Title"), get("Author"), get("Subject")
    keywords, creator, producer = get("Keywords"), get("Creator"), get("Producer")
    created, modified = _xmp_date(get("CreationDate")), _xmp_date(get("ModDate"))
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

_BFCHAR = re.compile(r"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>")


def _utf16(hexvalue: str) -> str | None:
    """ReportLab writes each code point as %04X, astral ones as 5-6 hex digits; a map
    already in UTF-16 (render.shaping's) has 4, 8 or more digits and is kept."""
    cp = int(hexvalue, 16)
    if cp == 0:
        return None
    if len(hexvalue) <= 4 or cp > 0x10FFFF:
        return f"{cp:04X}" if len(hexvalue) <= 4 else hexvalue.upper()
    return chr(cp).encode("utf-16-be").hex().upper()


_cmaps: dict[str, str] = {}


def _fixed_cmap(data: str) -> str:
    """`to_unicode_cmap`, remembered: the builds of one process (a campaign) embed the same
    font subsets again and again."""
    fixed = _cmaps.get(data)
    if fixed is None:
        if len(_cmaps) >= 256:
            _cmaps.clear()
        fixed = _cmaps[data] = to_unicode_cmap(data)
    return fixed


def to_unicode_cmap(data: str) -> str:
    """A ToUnicode CMap as ReportLab writes it, made right: no entry to U+0000 (nor an
    empty one), bfchar blocks of at most 100 entries, astral characters as UTF-16."""
    if "beginbfchar" not in data:
        return data
    head, _, rest = data.partition("beginbfchar")
    head = head.rsplit("\n", 1)[0]
    body, _, tail = rest.partition("endbfchar")
    pairs = []
    for code, value in _BFCHAR.findall(body):
        u = _utf16(value)
        if u is not None:
            pairs.append(f"<{code.upper()}> <{u}>")
    blocks = []
    for i in range(0, len(pairs), 100):
        chunk = pairs[i:i + 100]
        blocks.append(f"{len(chunk)} beginbfchar\n" + "\n".join(chunk) + "\nendbfchar")
    return head + "\n" + "\n".join(blocks) + tail
