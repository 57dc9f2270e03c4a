"""Tagged PDF: the structure tree and the marked content that ties the page to it.

ReportLab's open-source edition writes no tags, so briefgen does it in three parts:

- `Flow` builds the structure tree from the `Document` blocks before layout (`Elem`s:
  H1-H6, P, L/LI/Lbl/LBody, Box role-mapped to Div, TOC/TOCI, Note, Link) and hangs a
  `ParaTag` on each paragraph flowable; split pieces of a paragraph share it, so a paragraph
  broken across pages stays one P.
- `TaggingCanvas` writes the marked content as each block is drawn: an MCID sequence per
  element per page, opened inside BT for paragraph text (ISO 32000 forbids BDC/EMC that
  straddle BT/ET; a paragraph's background goes onto the canvas before its text object),
  switched at inline elements by zero-width `<onDraw name="tag">` markers in the markup, and
  `/Artifact` around everything else (running heads, rules, backgrounds). Every link
  annotation gets a StructParent and an OBJR in the Link element it belongs to.
- `briefgen.render.archive` writes the tree into the file as part of ReportLab's save.

The small API for a flowable that draws its own text (a shaped paragraph, a picture):

    with tagged(canv, elem):          # canvas-level marked content for elem
        ...draw...
    with artifact(canv, "Layout"):    # decoration a screen reader skips
        ...draw...
    canv.text_open(tx, elem) / canv.text_close(tx)   # inside a text object (BT ... ET)
    canv.annotation_owner = link_elem                # the Link a following link belongs to

All of them do nothing on a canvas that does not tag, so flowables need not check.
"""

from __future__ import annotations

import re
from contextlib import contextmanager

from reportlab.pdfbase.pdfdoc import LinkAnnotation, PDFDictionary, PDFString
from reportlab.pdfgen.canvas import Canvas
from reportlab.pdfgen.textobject import PDFTextObject
from reportlab.platypus import Paragraph

from briefgen.render import replay

# Custom structure types and the standard ones they stand for.
ROLE_MAP = {"Box": "Div"}


class Elem:
    """A structure element. `kids` holds Elems, ("mcr", page, mcid) and ("objr", page, key)."""

    __slots__ = ("role", "kids", "alt", "lang", "id", "title", "actual", "attrs", "placed",
                 "contents", "target", "note", "num")

    def __init__(self, role: str, *, alt: str | None = None, lang: str | None = None,
                 id: str | None = None, attrs: dict | None = None, contents: str = ""):
        self.role = role
        self.kids: list = []
        self.alt = alt
        self.lang = lang
        self.id = id
        self.title = None
        self.actual = None
        self.attrs = attrs
        self.placed = False
        self.contents = contents        # Links: what the annotation's Contents says
        self.target = ""                # Links: "#dest" or the URL
        self.note: Elem | None = None   # footnote callouts: the Note placed after it
        self.num = 0                    # its object number, once the tree is written

    def add(self, kid: "Elem") -> "Elem":
        self.kids.append(kid)
        kid.placed = True
        return kid

    def elems(self):
        return [k for k in self.kids if isinstance(k, Elem)]

    def walk(self):
        yield self
        for k in self.kids:
            if isinstance(k, Elem):
                yield from k.walk()

    # ReportLab deep-copies frames (and what hangs off them) while measuring; the tree
    # must stay one tree.
    def __deepcopy__(self, memo):
        return self

    def __repr__(self):
        return f"Elem({self.role}, {len(self.kids)} kids)"


class ParaTag:
    """What one paragraph (all its split pieces) draws into.

    `block` takes the text; `label` the bullet (a list item's Lbl); `inlines` are the
    elements the paragraph's markers open and close, by index; `carry` the inline elements
    still open where a split piece ended, reopened by the next piece.
    """

    __slots__ = ("block", "label", "inlines", "carry")

    def __init__(self, block: Elem, label: Elem | None = None, inlines=()):
        self.block = block
        self.label = label
        self.inlines = list(inlines)
        self.carry: list[Elem] = []

    def __deepcopy__(self, memo):
        return self


class Tagger:
    """One document's structure tree and the bookkeeping its writer needs."""

    def __init__(self, lang: str):
        self.lang = lang
        self.root = Elem("Document")
        self.page_mcids: dict[int, list[Elem]] = {}   # page index -> elem per MCID
        self.annots: list[tuple[int, Elem]] = []      # StructParent key -> (page, Link)
        self.notes: dict[int, Elem] = {}              # footnote number -> Note
        self.untagged_annots = 0

    def note(self, number: int) -> Elem:
        if number not in self.notes:
            self.notes[number] = Elem("Note", id=f"fn-{number}")
        return self.notes[number]

    def mcid(self, page: int, elem: Elem) -> int:
        seq = self.page_mcids.get(page)
        if seq is None:
            seq = self.page_mcids[page] = []
        n = len(seq)
        seq.append(elem)
        elem.kids.append(("mcr", page, n))
        return n

    def retract(self, page: int, elem: Elem, mcid: int) -> None:
        seq = self.page_mcids[page]
        assert len(seq) == mcid + 1 and elem.kids[-1] == ("mcr", page, mcid)
        seq.pop()
        elem.kids.pop()

    def annotation(self, page: int, elem: Elem) -> int:
        self.annots.append((page, elem))
        key = len(self.annots) - 1
        elem.kids.append(("objr", page, key))
        return key


# ------------------------------------------------------------------------- the canvas API


# `tagged` and `artifact` are classes rather than @contextmanager generators: they wrap
# every running head, rule, bullet and box background, and a generator-based context
# manager costs several times as much per use.
class tagged:
    __slots__ = ("canv", "elem")

    def __init__(self, canv, elem: Elem | None):
        self.canv = canv if elem is not None and hasattr(canv, "begin_tag") else None
        self.elem = elem

    def __enter__(self):
        if self.canv is not None:
            self.canv.begin_tag(self.elem)
        return None

    def __exit__(self, *exc):
        if self.canv is not None:
            self.canv.end_tag()
        return False


class artifact:
    __slots__ = ("canv", "kind", "subtype")

    def __init__(self, canv, kind: str = "Layout", subtype: str | None = None):
        self.canv = canv if hasattr(canv, "begin_artifact") else None
        self.kind, self.subtype = kind, subtype

    def __enter__(self):
        if self.canv is not None:
            self.canv.begin_artifact(self.kind, self.subtype)
        return None

    def __exit__(self, *exc):
        if self.canv is not None:
            self.canv.end_artifact()
        return False


@contextmanager
def figure(canv, elem: Elem | None, width: float, height: float):
    """Draw a picture or logo as its Figure element (Alt set by whoever made the element,
    from the document's alt text), with the layout BBox PDF/UA asks of a Figure. With no
    element (a decorative picture: empty alt text) it is drawn as an artifact."""
    if elem is None or not hasattr(canv, "begin_tag") or canv.tagger is None:
        with artifact(canv):
            yield
        return
    a, b, c, d, e, f = canv._currentMatrix
    xs = [a * x + c * y + e for x, y in ((0, 0), (width, 0), (0, height), (width, height))]
    ys = [b * x + d * y + f for x, y in ((0, 0), (width, 0), (0, height), (width, height))]
    elem.attrs = {"O": "Layout", "BBox": [round(min(xs), 2), round(min(ys), 2),
                                          round(max(xs), 2), round(max(ys), 2)]}
    with tagged(canv, elem):
        yield


_TEXT_SHOWN = re.compile(r"\((?:[^\\)]|\\.)+\)\s*(?:Tj|')|\]\s*TJ")


_LINE_ENDS = (" ", "\u00ad", "-")


class LineText(PDFTextObject):
    """A paragraph's text object: each line ends with a space, so text read from the
    structure tree has a word break where a line breaks (poppler would run the last word
    of one line into the first of the next)."""

    _ink = False      # has the open sequence shown anything but spaces?
    _shown = False    # has it shown anything at all?
    lines_left = 0    # lines of the paragraph still to come (the last needs no space)

    def _textOut(self, text, TStar=0):
        if TStar:
            self.lines_left -= 1
            if self.lines_left > 0 and not text.endswith(_LINE_ENDS) and not self._in_url():
                text += " "
            if text:
                self._shown = True
                if not self._ink and not text.isspace():
                    self._ink = True
            # PDFTextObject._textOut, inlined
            self._code.append(self._formatText(text) + " T*")
            return
        if text:
            self._shown = True
            if not self._ink and not text.isspace():
                self._ink = True
        self._code.append(self._formatText(text))

    def _in_url(self) -> bool:
        # a URL broken across lines has no space in it
        st = getattr(self._canvas, "_para", None)
        return bool(st and st.stack and st.stack[-1].target
                    and not st.stack[-1].target.startswith("#"))


class _ParaState:
    __slots__ = ("tag", "tx", "stack", "open", "open_mcid", "open_page", "open_at",
                 "artifact", "notes")

    def __init__(self, tag: ParaTag):
        self.tag = tag
        self.tx = None
        self.stack: list[Elem] = tag.carry[:]
        # the open sequence: its element, MCID, page and where it starts in tx._code
        self.open = None
        self.open_mcid = self.open_page = self.open_at = 0
        self.artifact = False
        self.notes: list[Elem] = []   # notes called out in this piece, not yet placed


_ART = object()   # an artifact on TaggingCanvas._mc_stack
_ARTIFACT_BDC: dict[tuple, str] = {}
_LABELS: dict[str, tuple[bool, int]] = {}


def _label(label: str) -> tuple[bool, int]:
    """A marker's label: `o3` opens inline element 3, `c3` closes it."""
    parsed = _LABELS[label] = (label[0] == "o", int(label[1:]))
    return parsed


class _Slot(str):
    """An empty piece of page content where a footnote's drawing is moved (see
    `TaggingCanvas.move_to_slot`); `matrix` is the transform in force there."""

    matrix: tuple = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)
    at = 0    # where it was put in the page's code (later insertions may move it on)


def tagging_canvas(base: type[Canvas]) -> type[Canvas]:
    """`base` (a Canvas class) with marked content; `tagger` is set by the doc template."""
    # drawText below writes the text object's code as Canvas.drawText does
    assert base.drawText is Canvas.drawText, f"{base} draws text its own way"

    class TaggingCanvas(base):
        tagger: Tagger | None = None

        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self._mc_stack: list = []       # canvas-level sequences: an Elem, or _ART
            self._para: _ParaState | None = None
            self.annotation_owner: Elem | None = None
            self._slots: dict[int, _Slot] = {}    # id(Note) -> where it is painted
            self.setNamedCB("tag", type(self)._on_marker)

        def _page(self) -> int:
            return self._pageNumber - 1

        # ------------------------------------------------------------- canvas level

        # The marked-content bookkeeping below runs some 6,000 times in a full brief:
        # it is written for speed (locals, no helper calls on the common paths, the
        # paragraph's artifact opened and closed in place), for the same output.

        def begin_tag(self, elem: Elem) -> None:
            tagger = self.tagger
            if tagger is None:
                return
            code = self._code
            st = self._para
            if st is not None and st.artifact:
                code.append("EMC")
                st.artifact = False
            n = tagger.mcid(self._pageNumber - 1, elem)
            code.append(f"/{elem.role} <</MCID {n}>> BDC")
            self._mc_stack.append(elem)

        def end_tag(self) -> None:
            if self.tagger is None:
                return
            stack = self._mc_stack
            kind = stack.pop()
            assert kind is not _ART, "an artifact closed as a tag"
            code = self._code
            code.append("EMC")
            st = self._para
            if st is not None and not st.artifact and not stack:
                code.append("/Artifact BMC")
                st.artifact = True

        def begin_artifact(self, kind: str = "Layout", subtype: str | None = None) -> None:
            if self.tagger is None:
                return
            code = self._code
            st = self._para
            if st is not None and st.artifact:
                code.append("EMC")
                st.artifact = False
            bdc = _ARTIFACT_BDC.get((kind, subtype))
            if bdc is None:
                props = f"/Type /{kind}" + (f" /Subtype /{subtype}" if subtype else "")
                bdc = _ARTIFACT_BDC[(kind, subtype)] = f"/Artifact <<{props}>> BDC"
            code.append(bdc)
            self._mc_stack.append(_ART)

        def end_artifact(self) -> None:
            if self.tagger is None:
                return
            stack = self._mc_stack
            kind = stack.pop()
            assert kind is _ART, f"a tag closed as an artifact: {kind}"
            code = self._code
            code.append("EMC")
            st = self._para
            if st is not None and not st.artifact and not stack:
                code.append("/Artifact BMC")
                st.artifact = True

        # A paragraph draws its background and bullet on the canvas, around its text
        # object: those parts are artifacts unless tagged otherwise.
        def _suspend_para_artifact(self):
            st = self._para
            if st is not None and st.artifact:
                self._code.append("EMC")
                st.artifact = False

        def _resume_para_artifact(self):
            st = self._para
            if st is not None and not st.artifact and not self._mc_stack:
                self._code.append("/Artifact BMC")
                st.artifact = True

        # ------------------------------------------------------------- paragraphs

        def begin_paragraph(self, tag: ParaTag) -> None:
            st = self._para = _ParaState(tag)
            if not self._mc_stack:
                self._code.append("/Artifact BMC")
                st.artifact = True

        def end_paragraph(self) -> None:
            st = self._para
            if st.artifact:
                self._code.append("EMC")
                st.artifact = False
            st.tag.carry = st.stack[:]
            self._para = None

        def paragraph_text(self, tx) -> None:
            """Called with the paragraph's main text object, just begun: its first
            sequence opened (text_open, written out)."""
            st = self._para
            st.tx = tx
            stack = st.stack
            self.text_open(tx, stack[-1] if stack else st.tag.block)

        def text_open(self, tx, elem: Elem) -> None:
            tagger = self.tagger
            if tagger is None:
                return
            page = self._pageNumber - 1
            # Tagger.mcid, inlined
            seq = tagger.page_mcids.get(page)
            if seq is None:
                seq = tagger.page_mcids[page] = []
            n = len(seq)
            seq.append(elem)
            elem.kids.append(("mcr", page, n))
            code = tx._code
            code.append(f"/{elem.role} <</MCID {n}>> BDC")
            tx._ink = tx._shown = False
            st = self._para
            if st is not None:
                st.open = elem
                st.open_mcid = n
                st.open_page = page
                st.open_at = len(code)

        def text_close(self, tx) -> None:
            st = self._para
            if st is None or st.open is None or self.tagger is None:
                return
            elem, n, page, at = st.open, st.open_mcid, st.open_page, st.open_at
            st.open = None
            # a paragraph's LineText knows; another text object's code is read
            line_text = tx.__class__ is LineText
            if not (tx._shown if line_text else
                    any(_TEXT_SHOWN.search(c) for c in tx._code[at:])):
                # nothing drawn: an empty sequence (a paragraph that opens with a link)
                del tx._code[at - 1]
                self.tagger.retract(page, elem, n)
                return
            if line_text and not tx._ink:
                # only the space that ends a line: nothing to read
                tx._code[at - 1] = "/Artifact BMC"
                self.tagger.retract(page, elem, n)
            tx._code.append("EMC")

        def _on_marker(self, kind, label: str) -> None:
            """ReportLab's callback for a `tag` marker, inside the paragraph's text
            object: `o3` opens inline element 3 of the paragraph, `c3` closes it. The
            open sequence is closed and the next one opened."""
            tx = self._curr_tx_info["tx"]
            st = self._para
            if st is None or self.tagger is None:
                return
            opens, i = _LABELS.get(label) or _label(label)
            elem = st.tag.inlines[i]
            self.text_close(tx)
            stack = st.stack
            if opens:
                if not elem.placed:
                    (stack[-1] if stack else st.tag.block).add(elem)
                stack.append(elem)
            else:
                if stack and stack[-1] is elem:
                    stack.pop()
                note = elem.note
                elem = stack[-1] if stack else st.tag.block
                if note is not None and not note.placed:
                    st.notes.append(note)
            self.text_open(tx, elem)

        def drawText(self, tx):
            st = self._para
            if st is None or self.tagger is None:
                self._code.append(str(tx.getCode()))     # Canvas.drawText
                return
            code = self._code
            if st.artifact:
                code.append("EMC")
                st.artifact = False
            if tx is st.tx:
                self.text_close(tx)
                code.append(str(tx.getCode()))
                if st.notes:
                    self.place_notes(st.notes, st.tag.block)
                    st.notes = []
            elif st.tag.label is not None:
                self.begin_tag(st.tag.label)    # the bullet or number
                code.append(str(tx.getCode()))
                self.end_tag()
            else:
                self.begin_artifact()
                code.append(str(tx.getCode()))
                self.end_artifact()
            if not st.artifact and not self._mc_stack:
                code.append("/Artifact BMC")
                st.artifact = True

        def place_notes(self, notes: list[Elem], block: Elem) -> None:
            """A footnote follows the text that calls it out, in the tree and in the
            content stream: its drawing (made when the page ends) is moved here, so that
            reading order and painting order agree."""
            if not notes or self.tagger is None:
                return
            slot = _Slot()
            slot.matrix = self._currentMatrix
            slot.at = len(self._code)
            self._code.append(slot)
            for note in notes:
                if not note.placed:
                    block.add(note)
                    if block.lang:   # cited in another language's text
                        note.lang = self.tagger.lang
                self._slots[id(note)] = slot

        def mark(self) -> int:
            return len(self._code)

        def move_to_slot(self, start: int, note: Elem) -> None:
            """Move what was drawn since `mark()` to where `note` was called out."""
            slot = self._slots.pop(id(note), None)
            if slot is None or self.tagger is None:
                return
            code = self._code[start:]
            del self._code[start:]
            at = slot.at
            if at >= len(self._code) or self._code[at] is not slot:
                at = next((i for i, c in enumerate(self._code) if c is slot), None)
            if at is None:
                self._code.extend(code)
                return
            a, b, c, d, e, f = slot.matrix
            det = a * d - b * c
            inverse = (d / det, -b / det, -c / det, a / det, (c * f - d * e) / det,
                       (b * e - a * f) / det)
            undo = "q " + " ".join(_num(v) for v in inverse) + " cm"
            self._code[at + 1:at + 1] = [undo, *code, "Q"]
            # later notes of the same callout paragraph follow this one
            nxt = _Slot()
            nxt.matrix = slot.matrix
            nxt.at = at + len(code) + 3
            self._code.insert(nxt.at, nxt)
            for k, v in self._slots.items():
                if v is slot:
                    self._slots[k] = nxt

        # ------------------------------------------------------------- annotations

        def _addAnnotation(self, annotation, name=None, addtopage=1):
            if self.tagger is not None and addtopage:
                owner = self._link_owner(annotation)
                if owner is not None and not owner.placed:
                    # a link drawn without its markers (a shaped paragraph): it joins the
                    # paragraph's element where the drawing is
                    st, shaped = self._para, getattr(self, "_shaped", None)
                    home = (st.stack[-1] if st.stack else st.tag.block) if st is not None \
                        else shaped.block if shaped is not None else None
                    if home is not None:
                        home.add(owner)
                if owner is None:
                    self.tagger.untagged_annots += 1
                else:
                    key = self.tagger.annotation(self._pageNumber - 1, owner)
                    if isinstance(annotation, LinkAnnotation):
                        annotation.__class__ = _TaggedLinkAnnotation
                        annotation.otherkw["StructParent"] = key
                        annotation.otherkw["F"] = 4
                        annotation.Contents = owner.contents or "Link"
                    elif isinstance(annotation, PDFDictionary):
                        annotation["StructParent"] = key
                        annotation["F"] = 4
                        annotation["Contents"] = PDFString(owner.contents or "Link")
            return super()._addAnnotation(annotation, name, addtopage)

        def _link_owner(self, annotation) -> Elem | None:
            if self.annotation_owner is not None:
                return self.annotation_owner
            st = self._para
            target = _annotation_target(annotation)
            if st is None:
                shaped = getattr(self, "_shaped", None)
                if shaped is not None:
                    for e in shaped.inlines:
                        if e.role == "Link" and e.target == target:
                            if not e.placed:
                                shaped.block.add(e)
                            return e
                return None
            # the link elements of this paragraph: the open ones first, then the rest
            for e in st.stack:
                if e.role == "Link" and e.target == target:
                    return e
            for e in st.tag.inlines:
                if e.role == "Link" and e.target == target:
                    return e
            return None

        def showPage(self):
            if self.tagger is not None:
                assert not self._mc_stack, f"marked content left open: {self._mc_stack}"
            super().showPage()

    return TaggingCanvas


class _TaggedLinkAnnotation(LinkAnnotation):
    permitted = LinkAnnotation.permitted + ("StructParent", "F")


def _num(v: float) -> str:
    return ("%.6f" % v).rstrip("0").rstrip(".") or "0" if abs(v) > 1e-9 else "0"


def _role(elem: Elem) -> str:
    return elem.role


def _annotation_target(annotation) -> str:
    if isinstance(annotation, LinkAnnotation):
        dest = annotation.Destination
        return "#" + str(getattr(dest, "name", dest))
    if isinstance(annotation, PDFDictionary):
        action = annotation.dict.get("A")
        uri = action.dict.get("URI") if action is not None else None
        return getattr(uri, "s", str(uri))
    return ""


def link(target: str, contents: str, note: Elem | None = None) -> Elem:
    e = Elem("Link", contents=contents)
    e.target = target
    e.note = note
    return e


# ------------------------------------------------------------------------- paragraphs


class TaggedParagraph(Paragraph):
    """A Paragraph that draws its text into its `ParaTag` (split pieces share it)."""

    _tag: ParaTag | None = None
    drawPara = replay.draw_para     # drawn lines replayed in later documents

    def split(self, availWidth, availHeight):
        parts = super().split(availWidth, availHeight)
        for p in parts:
            p._tag = self._tag
        return parts

    def draw(self):
        canv = self.canv
        if self._tag is None or getattr(canv, "tagger", None) is None:
            return super().draw()
        canv.begin_paragraph(self._tag)
        try:
            super().draw()
        finally:
            canv.end_paragraph()

    def beginText(self, x, y):
        canv = self.canv
        if self._tag is None or getattr(canv, "tagger", None) is None:
            return canv.beginText(x, y)
        tx = LineText(canv, x, y)
        tx.lines_left = len(self.blPara.lines)
        canv.paragraph_text(tx)
        return tx


class TaggedShaped:
    """Mixin put first on shaped paragraphs (render.shaping), which draw their own text
    objects, one per line: `ShapedMarks` opens the marked content inside each line's text
    object where the element changes (the paragraph's block, a Link, a Lbl, a Span in
    another language), so inline elements are delimited as in other paragraphs; the
    bullet is the Lbl (or an artifact) and icons stay artifacts, outside the text."""

    def draw(self):
        tag = getattr(self, "_tag", None)
        canv = self.canv
        if tag is None or getattr(canv, "tagger", None) is None:
            if getattr(self, "artifact_only", False):   # ShapedParagraph.draw replaces
                with artifact(canv):                    # the artifact class's own draw
                    return super().draw()
            return super().draw()
        marks = self._marks = ShapedMarks(canv, tag, self.shaped)
        canv._shaped = tag
        try:
            super().draw()
        finally:
            canv._shaped = None
            self._marks = None
        canv.place_notes(marks.notes, tag.block)


class ShapedMarks:
    """The structure elements of a shaped paragraph's text, by logical character range.

    The paragraph's `<onDraw name="tag">` markers (Marker.nodes) stay in the shaped text
    as zero-width anchors: `oN` at index i and `cN` at j make inline element N cover
    [i, j). A line is drawn in visual order (right to left lines reversed, mixed runs
    reordered), but its sequences get their MCIDs, and the elements their places in the
    tree, in logical order, so that the tree reads as the text does.
    """

    def __init__(self, canv, tag: ParaTag, shaped):
        self.canv = canv
        self.tag = tag
        self.notes: list[Elem] = []
        ranges: list[tuple[int, int, int, Elem]] = []
        opened: dict[int, tuple[int, int]] = {}
        for seq, (i, f) in enumerate(shaped.anchors):
            cb = f.cbDefn
            if cb.kind != "onDraw" or cb.name != "tag":
                continue
            n = int(cb.label[1:])
            if cb.label[0] == "o":
                opened[n] = (i, seq)
            elif n in opened:
                start, first = opened.pop(n)
                ranges.append((start, i, first, tag.inlines[n]))
        # outer elements first: the longer, or the one opened first (a Lbl around its Link)
        ranges.sort(key=lambda r: (r[0], -r[1], r[2]))
        self.ranges = [(a, b, e) for a, b, _, e in ranges]
        self.open: Elem | None = None   # the element of the sequence left open
        self.closing = ""               # what closes it (draw_line writes both)

    def _chain(self, at: int) -> list[Elem]:
        """The inline elements around logical index `at`, outermost first."""
        return [e for a, b, e in self.ranges if a <= at < b]

    def _place(self, chain: list[Elem]) -> None:
        parent = self.tag.block
        for e in chain:
            if not e.placed:
                parent.add(e)
            parent = e

    def line(self, line) -> tuple[list[int], dict[int, str], dict[int, Elem]]:
        """How to draw a line: the order of its pieces, the BDC that starts at a piece,
        and each piece's Link element.

        Pieces of one element that follow one another on the line are one sequence, drawn
        in visual order; the sequences are drawn in logical order (each from its own
        position), so that painting order, MCIDs and the tree agree."""
        tagger = self.canv.tagger
        page = self.canv._page()
        segments: list[list] = []   # [pieces, element, logical start, elements around]
        owners: dict[int, Elem] = {}
        for k, p in enumerate(line.pieces):
            at = max(p.run.start, line.start)
            chain = self._chain(at)
            links = [e for e in chain if e.role == "Link"]
            if links:
                owners[k] = links[-1]
            elem = chain[-1] if chain else self.tag.block
            if segments and (segments[-1][1] is elem or not p.keys):
                seg = segments[-1]
                seg[0].append(k)
                if p.keys:
                    seg[2] = min(seg[2], at)
                continue
            segments.append([[k], elem, at, chain])
        order, opens = [], {}
        for pieces, elem, _, chain in sorted(segments, key=lambda s: s[2]):
            self._place(chain)
            for e in chain:
                if e.note is not None and not e.note.placed and e.note not in self.notes:
                    self.notes.append(e.note)
            order += pieces
            if elem is self.open and self.closing:
                continue    # the previous line's last sequence runs on
            n = tagger.mcid(page, elem)
            opens[pieces[0]] = (f"/{_role(elem)} <</MCID {n}>> BDC", "EMC")
            self.open = elem
        return order, opens, owners

    @contextmanager
    def bullet(self):
        """The bullet or number: the list item's Lbl, else an artifact."""
        if self.tag.label is not None:
            with tagged(self.canv, self.tag.label):
                yield
        else:
            with artifact(self.canv):
                yield


def marker(label: str) -> str:
    return f'<onDraw name="tag" label="{label}"/>'
