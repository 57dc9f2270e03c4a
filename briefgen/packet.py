"""Merging finished PDFs into one file with a bookmark per part, keeping them tagged (pikepdf).

Each part's structure tree becomes a `Part` of the packet's `Document` (with the part's
language and title), its ParentTree keys and IDs renumbered so that they stay unique; the
packet is then finished for PDF/A-2 here (XMP for the packet, OutputIntent, ToUnicode
maps of parts made before briefgen wrote them right, saved by qpdf). A packet with an
untagged part (a PDF from before briefgen tagged) is merged untagged.
"""

from __future__ import annotations

import io

import pikepdf
from pikepdf import Array, Dictionary, Name, String


def merge_pdfs(parts: list[tuple[str, bytes]], *, title: str, lang: str,
               labels: list[str] | None = None) -> bytes:
    """parts: (bookmark title, pdf bytes)."""
    out = pikepdf.new()
    sources = [pikepdf.open(io.BytesIO(pdf)) for _, pdf in parts]
    tagged = all("/StructTreeRoot" in s.Root for s in sources)
    doc = root = None
    if tagged:
        root = out.make_indirect(Dictionary(Type=Name.StructTreeRoot))
        doc = out.make_indirect(Dictionary(Type=Name.StructElem, S=Name.Document, P=root,
                                           K=Array()))
        root.K = doc
    nums: dict[int, pikepdf.Object] = {}
    ids: list[tuple[str, pikepdf.Object]] = []
    role_map = Dictionary()
    next_key = 0
    outline: list[tuple[str, int, list]] = []
    page_labels = Array()
    try:
        for i, ((name, _), src) in enumerate(zip(parts, sources)):
            start = len(out.pages)
            part = tree = None
            if tagged:
                tree = src.Root.StructTreeRoot
                offset = next_key
                _renumber(src, offset)
                prefix = f"{labels[i] if labels else i + 1}-"
                for e in _elems(tree):
                    if "/ID" in e:
                        e.ID = String(prefix + str(e.ID))
                part = tree.K
                if isinstance(part, Array):   # a tree without one Document element
                    part = Dictionary(Type=Name.StructElem, S=Name.Part, K=part)
                part.S = Name.Part
                part.T = String(name)
                if "/Lang" in src.Root:
                    part.Lang = src.Root.Lang
                if "/P" in part:
                    del part["/P"]
                parent_tree = _number_tree(tree.get("/ParentTree"))
                next_key = offset + max(int(tree.get("/ParentTreeNextKey", 0)),
                                        max(parent_tree, default=-1) + 1)
            src_pages = {p.obj.objgen: n for n, p in enumerate(src.pages)}
            entries = _outline(src, src_pages)
            out.pages.extend(src.pages)
            outline.append((name, start, entries))
            if labels:
                page_labels.append(start)
                page_labels.append(Dictionary(S=Name.D, P=String(f"{labels[i]}-"), St=1))
            if tagged:
                copied = out.copy_foreign(part)
                copied.P = doc
                doc.K.append(copied)
                for key, value in parent_tree.items():
                    # a page's entry is an array of elements, often a direct object
                    nums[key + offset] = out.copy_foreign(value) if value.is_indirect else \
                        Array([out.copy_foreign(e) for e in value])
                for k, v in tree.get("/RoleMap", Dictionary()).items():
                    role_map[k] = v
                ids += [(str(e.ID), e) for e in _elems(copied) if "/ID" in e]
        _write_outline(out, outline)
        if labels:
            out.Root.PageLabels = Dictionary(Nums=page_labels)
        out.Root.PageMode = Name.UseOutlines
        first = sources[0].docinfo if sources else {}
        info = out.docinfo
        for key in ("/Author", "/Creator", "/CreationDate", "/ModDate", "/Subject"):
            if key in first:
                info[key] = first[key]
        info.Title = String(title)
        info.Producer = String("briefgen (pikepdf)")
        out.Root.Lang = String(lang)
        out.Root.ViewerPreferences = Dictionary(DisplayDocTitle=True)
        if tagged:
            arr = Array()
            for key in sorted(nums):
                arr.append(key)
                arr.append(nums[key])
            root.ParentTree = out.make_indirect(Dictionary(Nums=arr))
            root.ParentTreeNextKey = next_key
            root.RoleMap = role_map
            if ids:
                names = Array()
                for key, obj in sorted(ids, key=lambda x: x[0]):
                    names.append(String(key))
                    names.append(obj)
                root.IDTree = out.make_indirect(Dictionary(Names=names))
            out.Root.StructTreeRoot = root
            out.Root.MarkInfo = Dictionary(Marked=True)
        archival(out, tagged=tagged)
        return save(out)
    finally:
        for s in sources:
            s.close()


def _renumber(src: pikepdf.Pdf, offset: int) -> None:
    """Shift the part's ParentTree keys (pages' StructParents, annotations' StructParent)."""
    if not offset:
        return
    for page in src.pages:
        if "/StructParents" in page.obj:
            page.obj.StructParents = int(page.obj.StructParents) + offset
        for a in page.obj.get("/Annots", []):
            if "/StructParent" in a:
                a.StructParent = int(a.StructParent) + offset


def _elems(node):
    """Every structure element under `node` (depth first)."""
    stack = [node.get("/K")]
    while stack:
        k = stack.pop()
        for item in (list(k) if isinstance(k, Array) else [k]):
            if isinstance(item, Dictionary) and "/S" in item and \
                    item.get("/Type", Name.StructElem) == Name.StructElem:
                yield item
                stack.append(item.get("/K"))


def _number_tree(node) -> dict:
    out: dict = {}
    if node is None:
        return out
    nums = node.get("/Nums")
    if nums is not None:
        for k, v in zip(list(nums)[::2], list(nums)[1::2]):
            out[int(k)] = v
    for kid in node.get("/Kids", []):
        out.update(_number_tree(kid))
    return out


def _outline(src: pikepdf.Pdf, pages: dict) -> list:
    """The part's bookmarks: (title, page index in the part, destination, children)."""
    def items(first):
        out = []
        node = first
        while node is not None:
            dest = node.get("/Dest")
            index = pages.get(dest[0].objgen) if isinstance(dest, Array) and len(dest) else None
            out.append((str(node.get("/Title", "")), index, dest, items(node.get("/First"))))
            node = node.get("/Next")
        return out
    outlines = src.Root.get("/Outlines")
    return items(outlines.get("/First")) if outlines is not None else []


def _write_outline(out: pikepdf.Pdf, parts: list) -> None:
    """One bookmark per part, its own bookmarks beneath it, all open."""
    def chain(parent, entries):
        objs = []
        for title, page, dest, children in entries:
            item = out.make_indirect(Dictionary(Title=String(title), Parent=parent))
            if page is not None:
                d = Array([out.pages[page].obj, *list(dest)[1:]]) if dest is not None \
                    else Array([out.pages[page].obj, Name.Fit])
                item.Dest = d
            kids = chain(item, children)
            if kids:
                item.First, item.Last = kids[0], kids[-1]
                item.Count = len(kids)
            objs.append(item)
        for a, b in zip(objs, objs[1:]):
            a.Next, b.Prev = b, a
        return objs

    root = out.make_indirect(Dictionary(Type=Name.Outlines))
    entries = []
    for name, start, children in parts:
        shifted = [(t, None if p is None else p + start, d, _shift(c, start))
                   for t, p, d, c in children]
        entries.append((name, start, None, shifted))
    top = chain(root, entries)
    if top:
        root.First, root.Last = top[0], top[-1]
        root.Count = len(top)
    out.Root.Outlines = root


def _shift(entries, start):
    return [(t, None if p is None else p + start, d, _shift(c, start)) for t, p, d, c in entries]


# --------------------------------------------------------------------------- PDF/A


def archival(p: pikepdf.Pdf, *, tagged: bool) -> None:
    from briefgen.render import archive
    info = p.docinfo
    if "/Trapped" in info:
        del info["/Trapped"]
    values = {str(k)[1:]: str(v) for k, v in info.items()}
    p.Root.Metadata = p.make_stream(archive.xmp(values, tagged).encode("utf-8"),
                                    Type=Name.Metadata, Subtype=Name.XML)
    profile = p.make_stream(archive.icc_profile(), N=3)
    p.Root.OutputIntents = Array([Dictionary(
        Type=Name.OutputIntent, S=Name.GTS_PDFA1,
        OutputConditionIdentifier=String(archive.OUTPUT_CONDITION),
        Info=String(archive.OUTPUT_CONDITION), RegistryName=String(archive.REGISTRY),
        DestOutputProfile=profile)])
    for tu in _to_unicode_maps(p):
        data = tu.read_bytes().decode("latin-1")
        new = archive.to_unicode_cmap(data)
        if new != data:
            tu.write(new.encode("latin-1"))


def save(p: pikepdf.Pdf) -> bytes:
    """PDF 1.7 with object streams and an /ID derived from the content (same bytes in,
    same bytes out); qpdf writes the end of line before `endstream` that PDF/A wants."""
    out = io.BytesIO()
    p.save(out, force_version="1.7", object_stream_mode=pikepdf.ObjectStreamMode.generate,
           deterministic_id=True, fix_metadata_version=False,
           stream_decode_level=pikepdf.StreamDecodeLevel.none)
    return out.getvalue()


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
