"""Pictures on the page: PNG/JPEG as image XObjects, SVG as a form, each embedded once.

ReportLab's `drawImage` stores a raster image under a digest of its pixels, so a logo drawn
in the footer of every page is one XObject in the file. An SVG (through svglib) becomes a
form XObject the first time a document draws it and is referenced after that.
"""

from __future__ import annotations

import hashlib
import io
from pathlib import Path

from reportlab.lib.utils import ImageReader
from reportlab.platypus import Paragraph
from reportlab.platypus.flowables import Flowable

from briefgen import document as d

_READERS: dict[str, object] = {}


def _reader(path: str):
    """An ImageReader for a checked file; odd Pillow modes normalised to what PDF carries."""
    if path in _READERS:
        return _READERS[path]
    from PIL import Image
    with Image.open(path) as im:
        mode, fmt = im.mode, im.format
        if fmt == "JPEG" and mode in ("RGB", "L", "CMYK"):
            reader = ImageReader(path)   # passed through as DCT data, CMYK kept
        elif mode in ("RGB", "RGBA", "L"):
            reader = ImageReader(path)
        else:
            # palette, grey+alpha, 16-bit...: RGBA keeps any transparency, then PNG bytes
            im = im.convert("RGBA" if ("A" in mode or "transparency" in im.info) else "RGB")
            buf = io.BytesIO()
            im.save(buf, format="PNG")
            buf.seek(0)
            reader = ImageReader(buf)
    if len(_READERS) > 200:
        _READERS.clear()
    _READERS[path] = reader
    return reader


def _tinted(drawing, tint: str):
    """A copy of one-colour artwork with every stroke and fill in `tint`."""
    import copy

    from reportlab.graphics.shapes import Group
    from reportlab.lib.colors import HexColor
    colour = HexColor(tint)
    drawing = copy.deepcopy(drawing)

    def walk(node):
        for child in getattr(node, "contents", []):
            if isinstance(child, Group):
                walk(child)
                continue
            if getattr(child, "strokeColor", None) is not None:
                child.strokeColor = colour
            if getattr(child, "fillColor", None) is not None:
                child.fillColor = colour
    walk(drawing)
    return drawing


def _draw_without_helvetica(drawing, canv) -> None:
    """renderPDF starts every drawing by setting its default font, Helvetica, which would
    put a non-embedded standard font in the PDF even for an icon without text. It is set
    to the canvas's own (embedded) font for the time of the drawing."""
    from reportlab.graphics import renderPDF, shapes
    saved = shapes.STATE_DEFAULTS["fontName"]
    shapes.STATE_DEFAULTS["fontName"] = canv._fontname
    try:
        renderPDF.draw(drawing, canv, 0, 0)
    finally:
        shapes.STATE_DEFAULTS["fontName"] = saved


def draw_image(canv, img: d.Image, x: float, y: float, width: float, height: float,
               figure=None, link=None) -> None:
    """Draw `img` into the box (x, y, width, height), keeping its proportions.

    Tagged PDF: drawn as its `figure` element (a Figure with Alt and BBox) when given,
    its link annotation owned by `link`; otherwise as an artifact (icons, cover art,
    pictures without alt text)."""
    from briefgen.render.tags import artifact
    from briefgen.render.tags import figure as tag_figure
    if figure is None:
        with artifact(canv):
            _draw_image(canv, img, x, y, width, height)
        return
    owner = getattr(canv, "annotation_owner", None)
    canv.annotation_owner = link
    canv.saveState()
    canv.translate(x, y)
    try:
        with tag_figure(canv, figure, width, height):
            _draw_image(canv, img, 0, 0, width, height)
    finally:
        canv.restoreState()
        canv.annotation_owner = owner


def _draw_image(canv, img: d.Image, x: float, y: float, width: float, height: float) -> None:
    if Path(img.path).suffix.lower() == ".svg":
        name, (form_w, form_h) = _svg_form(canv, img)
        s = min(width / form_w, height / form_h)
        canv.saveState()
        canv.translate(x + (width - form_w * s) / 2, y + (height - form_h * s) / 2)
        canv.scale(s, s)
        canv.doForm(name)
        canv.restoreState()
    else:
        canv.drawImage(_reader(img.path), x, y, width, height, mask="auto",
                       preserveAspectRatio=True, anchor="c")
    if img.link:
        canv.linkURL(img.link, (x, y, x + width, y + height), relative=1, thickness=0)


# (path, size, mtime, tint) -> [form name, tinted drawing (None until needed), recorded
# contents, size, cache key]: an icon drawn on every page costs a dictionary lookup, not a
# file read, a hash and a deep copy each time, and each later document copies the
# recorded content instead of walking the drawing through renderPDF again
_FORMS: dict[tuple, list] = {}


def _svg_form(canv, img: d.Image) -> tuple[str, tuple[float, float]]:
    """The form XObject of an SVG picture in this document, made on its first use, and
    the artwork's size.

    Rendering does not change a drawing, so one tinted copy serves every document of the
    process, and a form's content, recorded by the first document that draws it, serves
    the later ones. The recorded contents are kept in the user's cache folder too (keyed
    by the SVG's bytes, the tint, ReportLab and svglib), so a new process draws known
    icons without importing svglib or parsing the SVG."""
    path = Path(img.path)
    stat = path.stat()
    key = (str(path), stat.st_size, stat.st_mtime_ns, img.tint)
    form = _FORMS.get(key)
    if form is None:
        data = path.read_bytes()
        # named by content, not path: the same PDF wherever briefgen is installed
        name = "svg-" + hashlib.sha256(data + img.tint.encode()).hexdigest()[:12]
        disk_key, drawing, replays, size = _stored_form(data, img.tint)
        if not replays:
            drawing = _drawing(path, img.tint)
            size = (drawing.width, drawing.height)
        if len(_FORMS) > 500:
            _FORMS.clear()
        form = _FORMS[key] = [name, drawing, replays, size, disk_key]
    name, drawing, replays, size, disk_key = form
    known = getattr(canv, "_briefgen_forms", None)
    if known is None:
        known = canv._briefgen_forms = set()
    if name not in known:
        canv.beginForm(name, lowerx=0, lowery=0, upperx=size[0], uppery=size[1])
        # what the form's content depends on besides the drawing: the state a form starts in
        # (the canvas class is made per document: named, not itself)
        start = (tuple(c.__qualname__ for c in type(canv).__mro__), canv.bottomup,
                 canv._fontname, canv._fontsize, canv._leading, canv._pageCompression)
        code = replays.get(start)
        if code is not None:
            canv._code.extend(code)
        else:
            if drawing is None:
                drawing = form[1] = _drawing(path, img.tint)
            before = _side_effects(canv)
            _draw_without_helvetica(drawing, canv)
            # no name in the content: it uses no resource (font, graphics state, colour
            # space, image) that another document would have to register
            if _side_effects(canv) == before and not any("/" in c for c in canv._code):
                replays[start] = tuple(canv._code)
                if disk_key:
                    from briefgen import cache
                    cache.store("svgform", disk_key, (size, dict(replays)))
        canv.endForm()
        known.add(name)
    return name, size


def _drawing(path: Path, tint: str):
    from briefgen.pictures import load_svg
    drawing = load_svg(path)
    return _tinted(drawing, tint) if tint else drawing


def _stored_form(data: bytes, tint: str) -> tuple[str | None, None, dict, tuple]:
    """(cache key, None, recorded contents, size) of an SVG from the cache folder."""
    from reportlab import Version

    from briefgen import cache
    try:
        disk_key = cache.key("svgform", Version, cache.library_stamp("svglib"), tint, data)
    except Exception:  # no usable cache: draw
        return None, None, {}, (0, 0)
    hit = cache.load("svgform", disk_key)
    if isinstance(hit, tuple) and len(hit) == 2 and isinstance(hit[1], dict) and hit[1] \
            and isinstance(hit[0], tuple) and len(hit[0]) == 2 \
            and all(isinstance(c, tuple) and all(isinstance(x, str) for x in c)
                    for c in hit[1].values()):
        return disk_key, None, dict(hit[1]), hit[0]
    return disk_key, None, {}, (0, 0)


def _side_effects(canv) -> tuple:
    """What drawing into a form may register besides its content: graphics states (alpha),
    colour spaces, shadings, nested forms or images, annotations, fonts, PDF objects. A
    form whose drawing registers none of them and names no resource is its content alone,
    and replaying that content gives the same document as drawing it again."""
    doc = canv._doc
    return (len(canv._extgstate._c), len(canv._colorsUsed), len(canv._shadingUsed),
            len(canv._formsinuse), len(canv._annotationrefs), len(doc.fontMapping),
            len(doc.idToObject))


class Picture(Flowable):
    """An Image block in the flow: the picture at its size, its credit line below."""

    def __init__(self, img: d.Image, credit: Paragraph | None, natural: tuple[float, float],
                 figure=None, link=None):
        super().__init__()
        self.img = img
        self.credit = credit
        self.figure = figure            # tagged PDF: its Figure element (None: an artifact)
        self.link = link                # and the Link around it when the picture links
        self.natural = natural          # width, height in points at 72 dpi (or SVG size)
        self.hAlign = {"center": "CENTER", "right": "RIGHT"}.get(img.align, "LEFT")
        self._size = (0.0, 0.0)
        self._credit_h = 0.0

    def _box(self, avail_w: float) -> tuple[float, float]:
        nw, nh = self.natural
        w, h = self.img.width, self.img.height
        if w and not h:
            h = w * nh / nw
        elif h and not w:
            w = h * nw / nh
        elif not w and not h:
            w, h = avail_w, avail_w * nh / nw
        if w > avail_w:
            w, h = avail_w, h * avail_w / w
        return w, h

    def wrap(self, availWidth, availHeight):
        w, h = self._box(availWidth)
        self._size = (w, h)
        self._credit_h = 0.0
        if self.credit is not None:
            _, ch = self.credit.wrap(max(w, 60), availHeight)
            self._credit_h = ch + 2
        self.width, self.height = w, h + self._credit_h
        return self.width, self.height

    def draw(self):
        w, h = self._size
        draw_image(self.canv, self.img, 0, self._credit_h, w, h, self.figure, self.link)
        if self.credit is not None:
            if self.figure is not None:     # the credit is the figure's Caption
                self.credit.drawOn(self.canv, 0, 0)
                return
            from briefgen.render.tags import artifact
            with artifact(self.canv):       # the credit of a picture without alt text
                self.credit.drawOn(self.canv, 0, 0)
