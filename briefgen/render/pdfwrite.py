"""Exact shortcuts for ReportLab's formatting of PDF objects and of shown text.

Writing a full brief formats some 6,500 tokens through `pdfdoc.format`, a dispatcher
that asks each one whether it is a PDF object, a number, bytes or text (in that order,
with attribute look-ups on the way), and ~900 dictionaries and arrays that call it for
every key and value. The numbers, strings and bytes that make up nearly all of them are
known by their exact type at once:

- `format`: an `int` or `float` is ReportLab's `fp_str` of it (always ASCII), `bytes`
  are themselves, a `str` goes through `pdfdocEnc`; anything else (PDF objects, `bool`,
  subclasses) through ReportLab's own dispatcher;
- `PDFDictionary.format`: each key's `/Name` bytes are remembered (the same few dozen
  keys are written thousands of times per file), each value formatted as above;
- `PDFArray.format`: each element formatted as above;
- `PDFObjectReference.format`: "n v R" from the object numbers, which are integers.

- `PDFTextObject._formatText`, which turns each run of drawn text into its font switch
  and `(...) Tj` operators (~900 runs per full brief): a campaign draws the same runs in
  every document, so the operators made for a run are remembered with what they were
  made from (font, size, leading, the subset in use, the text) and with the font's
  (subset, codes) split of that text. A remembered run is used only when the font splits
  the text into the same codes in this document (`splitString`, called exactly as
  ReportLab calls it, assigns any new codes in the same order) and each subset it
  switches to has the same internal name here; else the operators are made afresh.

- `setFillColor` (text objects and the canvas, ~500 times per brief): the `rg` operator
  of each RGB colour made once.

Each gives the bytes ReportLab's own gives (tests/test_pdfwrite.py compares them, and
whole documents with these off); `disabled()` puts ReportLab's back while it lasts.
"""

from __future__ import annotations

from collections import OrderedDict

from reportlab import rl_config
from reportlab.lib.colors import Color
from reportlab.pdfbase import pdfdoc, pdfmetrics, ttfonts
from reportlab.pdfgen.canvas import Canvas
from reportlab.pdfgen.textobject import PDFTextObject, _PDFColorSetter

from briefgen.render import fastpaths
from briefgen.render.fastpaths import Shortcuts

SHORTCUTS = Shortcuts({
    "format": (pdfdoc, "format"),
    "PDFString.format": (pdfdoc.PDFString, "format"),
    "LinkAnnotation.format": (pdfdoc.LinkAnnotation, "format"),
    "Destination.format": (pdfdoc.Destination, "format"),
    "PDFDictionary.format": (pdfdoc.PDFDictionary, "format"),
    "PDFArray.format": (pdfdoc.PDFArray, "format"),
    "PDFObjectReference.format": (pdfdoc.PDFObjectReference, "format"),
    "PDFTextObject._formatText": (PDFTextObject, "_formatText"),
    "setFillColor": (_PDFColorSetter, "setFillColor"),
    "makeSubset": (ttfonts.TTFontFace, "makeSubset"),
    "deflate": (pdfdoc.PDFStreamFilterZCompress, "encode"),
})
_ORIGINAL = SHORTCUTS.original
_generic = _ORIGINAL["format"]
_fp_str = pdfdoc.fp_str


# The bytes of each number (ReportLab's fp_str) and of each short text token (names
# such as "/Annot", mostly), remembered: the same few thousand are written in every
# document. int 1 and float 1.0 are one key (fp_str writes both "1", and 0.0 and -0.0
# both "0"); a str is never equal to a number; only these exact types are looked up.
_TOKENS: dict = {}
_TOKENS_MAX = 16384


def _token(element) -> bytes:
    if type(element) is str:
        b = pdfdoc.pdfdocEnc(element)
        if len(element) > 64:
            return b
    else:
        b = _fp_str(element).encode("ascii")
    if len(_TOKENS) >= _TOKENS_MAX:
        _TOKENS.clear()
    _TOKENS[element] = b
    return b


def pdf_format(element, document, toplevel=0):
    t = type(element)
    if t is float or t is int or t is str:
        b = _TOKENS.get(element)
        return b if b is not None else _token(element)
    if t is bytes:
        return element
    f = _OBJECTS.get(t)
    # ReportLab's dispatcher would call the object's own format (the classes below have
    # no __RefOnly__); a comment is written only outside invariant mode
    if f is not None and "__RefOnly__" not in element.__dict__ and (
            not rl_config.pdfComments or rl_config.invariant):
        return f(element, document)
    return _generic(element, document, toplevel)


_NAMES: dict[str, bytes] = {}


def _name(key, document) -> bytes:
    if type(key) is not str:
        return pdf_format(pdfdoc.PDFName(key), document)
    name = _NAMES.get(key)
    if name is None:
        if len(_NAMES) >= 4096:   # names made from text (destinations) keep coming
            _NAMES.clear()
        name = _NAMES[key] = pdfdoc.pdfdocEnc(pdfdoc.PDFName(key))
    return name


def _values(values, document) -> list:
    """Each value formatted as `pdf_format` formats it (its common cases inline)."""
    out = []
    add = out.append
    tokens = _TOKENS
    for v in values:
        t = type(v)
        if t is str or t is int or t is float:
            b = tokens.get(v)
            add(b if b is not None else _token(v))
        elif t is bytes:
            add(v)
        else:
            add(pdf_format(v, document))
    return out


def dictionary_format(self, document, IND=b"\n "):
    d = self.dict
    keys = list(d.keys())
    if not isinstance(d, OrderedDict):
        keys.sort()
    names = _NAMES
    L = [(names.get(k) or _name(k, document)) + b" " + v
         for k, v in zip(keys, _values([d[k] for k in keys], document))]
    if (self.multiline and rl_config.pdfMultiLine) or self.multiline == "forced":
        L = IND.join(L)
    else:
        # break up every 6 elements anyway
        t = L.insert
        for i in reversed(range(6, len(L), 6)):
            t(i, b"\n ")
        L = b" ".join(L)
    return b"<<\n" + L + b"\n>>"


def array_format(self, document, IND=b"\n "):
    L = _values(self.sequence, document)
    if (self.multiline and rl_config.pdfMultiLine) or self.multiline == "forced":
        L = IND.join(L)
    else:
        n = len(L)
        if n > 10:
            # break up every 10 elements anyway
            t = L.insert
            for i in reversed(range(10, n, 10)):
                t(i, b"\n ")
        L = b" ".join(L)
    return b"[ " + L + b" ]"


def reference_format(self, document):
    try:
        n, v = document.idToObjectNumberAndVersion[self.name]
    except Exception:
        return _ORIGINAL["PDFObjectReference.format"](self, document)   # its error
    if type(n) is int and type(v) is int:
        return b"%d %d R" % (n, v)
    return _ORIGINAL["PDFObjectReference.format"](self, document)


_STRINGS: dict[tuple, bytes] = {}


def string_format(self, document):
    """`PDFString.format`: the bytes of a text string with automatic encoding and no
    encryption depend only on the text and the escape flags, and the same strings (link
    contents, addresses, titles) are written in every document: remembered."""
    s = self.s
    if type(s) is not str or type(self) is not pdfdoc.PDFString or \
            getattr(self, "enc", "auto") != "auto" or \
            not isinstance(document.encrypt, pdfdoc.NoEncryption):
        return _ORIGINAL["PDFString.format"](self, document)
    key = (s, getattr(self, "escape", 1))
    b = _STRINGS.get(key)
    if b is None:
        if len(_STRINGS) >= 4096:
            _STRINGS.clear()
        b = _STRINGS[key] = _ORIGINAL["PDFString.format"](self, document)
    return b


# --------------------------------------------------------------------------- links

_Annotation = pdfdoc.Annotation
_LinkAnnotation = pdfdoc.LinkAnnotation
_PERMITTED: dict[tuple, frozenset] = {}


def link_annotation_format(self, document):
    """`Annotation.format` of a link (~117 per full brief): the dictionary ReportLab's
    `LinkAnnotation.Dict` and `Annotation.AnnotationDict` make, made without their
    keyword-argument rounds, then formatted as above."""
    cls = type(self)
    if cls.Dict is not _LinkAnnotation.Dict or cls.AnnotationDict is not \
            _Annotation.AnnotationDict or cls.cvtdict is not _Annotation.cvtdict:
        return _ORIGINAL["LinkAnnotation.format"](self, document)
    kw = dict(self.otherkw)
    kw["Border"] = self.Border
    kw["Rect"] = self.Rect
    kw["Contents"] = self.Contents
    kw["Subtype"] = "/Link"
    kw["Dest"] = self.Destination
    escape = kw.pop("escape", 1)
    d = dict(cls.defaults)
    d.update(kw)
    for name in cls.required:
        if name not in d:
            return _ORIGINAL["LinkAnnotation.format"](self, document)   # its error
    rect = d["Rect"]
    if not isinstance(rect, (str, bytes)):
        d["Rect"] = pdfdoc.PDFArray(rect)
    d["Contents"] = pdfdoc.PDFString(d["Contents"], escape)
    key = (cls.permitted, cls)
    permitted = _PERMITTED.get(key)
    if permitted is None:
        permitted = _PERMITTED[key] = frozenset(cls.permitted)
    if not permitted.issuperset(d):
        return _ORIGINAL["LinkAnnotation.format"](self, document)       # its error
    return dictionary_format(pdfdoc.PDFDictionary(d), document)


_XYZ = pdfdoc.PDFDestinationXYZ


def destination_format(self, document):
    """`Destination.format` with its XYZ array formatted as above (the links' and the
    outline's destinations)."""
    f, p = self.fmt, self.page
    if f is None or p is None or type(f) is not _XYZ:
        return _ORIGINAL["Destination.format"](self, document)
    f.page = p
    a = pdfdoc.PDFArray([document.Reference(p), pdfdoc.PDFName(f.typename), f.left, f.top,
                         f.zoom])
    return array_format(a, document)


# --------------------------------------------------------------------------- shown text

_RUNS: dict[tuple, tuple] = {}
_RUNS_MAX = 2048     # a full brief shows ~900 runs (~0.5 KiB each); cleared when full
_get_font = pdfmetrics.getFont


def format_text(self, text):
    if type(text) is not str or not text:
        return _ORIGINAL["PDFTextObject._formatText"](self, text)
    font = _get_font(self._fontname)
    if not font._dynamicFont:   # a standard Type 1 font: ReportLab's own
        return _ORIGINAL["PDFTextObject._formatText"](self, text)
    # ReportLab's path for TrueType text that is not shaped (a plain str, not ShapedStr)
    canv = self._canvas
    doc = canv._doc
    key = (self._fontname, self._fontsize, self._leading, self._curSubset, text)
    known = _RUNS.get(key)
    # this document's subset names, as ReportLab gave them out (a font's name is fixed
    # once the document first asks for it, which registers the font: asked for real)
    names = doc.__dict__.get("_briefgen_subset_names")
    if names is None:
        names = doc.__dict__["_briefgen_subset_names"] = {}
    # a run of printable ASCII the face has is split the same in every document without
    # assigning anything (ReportLab numbers those characters as themselves from the
    # start): not split again, once this document has split one for real in this font
    # (which makes the font's state here) and fastpaths' table of settled codes holds
    # them all (paragraph replay reads it)
    if known is not None and known[4] and font in names:
        split = known[0]
    else:
        split = font.splitString(text, doc)
        if known is not None and known[4]:
            _settle_ascii(doc, font)
            names[font] = True
    if known is not None and known[0] == split:
        for subset, name in known[1]:
            got = names.get((font, subset))
            if got is None:
                got = names[(font, subset)] = font.getSubsetInternalName(subset, doc)
            if got != name:
                break
        else:
            self._curSubset = known[3]
            return known[2]
    out = []
    switches = []
    tmpl = None
    escape = canv._escape
    for subset, t in split:
        if subset != self._curSubset:
            if not tmpl:
                tmpl = f"{_fp_str(self._fontsize)} Tf {_fp_str(self._leading)} TL"
            name = names[(font, subset)] = font.getSubsetInternalName(subset, doc)
            out.append(f"{name} {tmpl}")
            switches.append((subset, name))
            self._curSubset = subset
        out.append(f"({escape(t)}) Tj")
    code = " ".join(out)
    if len(_RUNS) >= _RUNS_MAX:
        _RUNS.clear()
    _RUNS[key] = (split, tuple(switches), code, self._curSubset, _ascii_run(font, text, split))
    return code


_PRINTABLE = frozenset(range(32, 127))


def _settle_ascii(doc, font) -> None:
    """Put the printable ASCII the font has into fastpaths' table of settled codes for
    this document (as its split_string would once it met them): each is its own code
    from the font state's start."""
    fonts = doc.__dict__.get("_briefgen_known")
    if fonts is None:
        fonts = doc._briefgen_known = {}
    known = fonts.get(font)
    if known is None:
        known = fonts[font] = fastpaths._Known()
    glyphs = font.face.charToGlyph
    for code in _PRINTABLE:
        if code in glyphs:
            known.chars.add(chr(code))
            known.table[code] = code


def _ascii_run(font, text: str, split) -> bool:
    """Whether `text` is printable ASCII that the font numbers as itself in every
    document (its state starts with those codes assigned: `TTFont.State`)."""
    if not text.isascii() or not font._asciiReadable:
        return False
    codes = set(map(ord, text))
    glyphs = font.face.charToGlyph
    return codes <= _PRINTABLE and all(c in glyphs for c in codes) and \
        split == [(0, text.encode("latin-1"))]


# --------------------------------------------------------------------------- fonts, streams


def make_subset(self, subset):
    """`TTFontFace.makeSubset`, remembered on the face: a subset's file depends only on
    the face's tables and on the glyph each of its codes maps to, and the documents of a
    campaign embed the same subsets again and again (ReportLab numbers ASCII as itself
    and the other characters in the order a document first uses them, so rows whose
    names use the same letters make the same subsets). The key is the codes and their
    glyphs, so a code mapped to another glyph since (shaping adds private codes) makes
    the subset afresh."""
    glyphs = self.charToGlyph
    codes = tuple(subset)
    key = (codes, tuple([glyphs.get(c, 0) for c in codes]))
    known = self.__dict__.get("_briefgen_subsets")
    if known is None:
        known = self.__dict__["_briefgen_subsets"] = {}
    data = known.get(key)
    if data is None:
        data = _ORIGINAL["makeSubset"](self, subset)
        if len(known) >= 4:
            known.clear()
        known[key] = data
    return data


# Compressed streams seen twice are remembered (font files, ToUnicode maps, the page
# number forms and any page a campaign's documents share); a stream seen once only
# leaves its hash. Bounded by the bytes kept.
_DEFLATED: dict = {}
_DEFLATED_SIZE = [0]
_DEFLATED_MAX = 1 << 20
_SEEN: set = set()


def deflate(self, text):
    t = type(text)
    if type(self) is not pdfdoc.PDFStreamFilterZCompress or (t is not bytes and t is not str):
        return _ORIGINAL["deflate"](self, text)
    out = _DEFLATED.get(text)
    if out is not None:
        return out
    out = _ORIGINAL["deflate"](self, text)
    h = hash(text)
    if h in _SEEN:
        size = len(text) + len(out)
        if _DEFLATED_SIZE[0] + size > _DEFLATED_MAX:
            _DEFLATED.clear()
            _DEFLATED_SIZE[0] = 0
        _DEFLATED[text] = out
        _DEFLATED_SIZE[0] += size
    else:
        if len(_SEEN) >= 2048:
            _SEEN.clear()
        _SEEN.add(h)
    return out


# --------------------------------------------------------------------------- colours

_RG: dict[tuple, str] = {}
_TEXT_FILL_ALPHA = PDFTextObject._setFillAlpha
_CANVAS_FILL_ALPHA = Canvas._setFillAlpha
_TRANSPARENCY = pdfdoc.PDF_SUPPORT_VERSION["transparency"]


def _fill_alpha(extgstate):
    return extgstate._d.get("ca", extgstate.defaults["ca"])


def set_fill_color(self, aColor, alpha=None):
    """ReportLab's, with the `rg` operator of each RGB colour made once: paragraphs set
    the fill colour ~500 times per brief (every link, every line after one)."""
    if type(aColor) is not Color or self._enforceColorSpace:
        return _ORIGINAL["setFillColor"](self, aColor, alpha)
    rgb = (aColor.red, aColor.green, aColor.blue)
    code = _RG.get(rgb)
    if code is None:
        if len(_RG) >= 1024:
            _RG.clear()
        code = _RG[rgb] = "%s rg" % _fp_str(rgb)
    self._fillColorObj = aColor
    self._code.append(code)
    if alpha is None:
        alpha = getattr(aColor, "alpha", None)
        if alpha is None:
            return
    # ReportLab's setFillAlpha of the alpha the fill already has, in a document already
    # at the PDF version transparency needs, changes nothing: skipped (every HexColor
    # carries alpha 1)
    cls = type(self)
    if cls._setFillAlpha is _TEXT_FILL_ALPHA:
        canv = self._canvas
    elif cls._setFillAlpha is _CANVAS_FILL_ALPHA:
        canv = self
    else:
        canv = None
    if canv is None or (type(alpha) is not float and type(alpha) is not int) or \
            not 0 <= alpha <= 1 or canv._doc._pdfVersion < _TRANSPARENCY or \
            _fill_alpha(canv._extgstate) != alpha:
        self.setFillAlpha(alpha)


_OBJECTS = {
    pdfdoc.PDFDictionary: dictionary_format,
    pdfdoc.PDFArray: array_format,
    pdfdoc.PDFObjectReference: reference_format,
    pdfdoc.PDFString: string_format,
    pdfdoc.Destination: destination_format,
}

SHORTCUTS.fast = {
    "format": pdf_format,
    "PDFString.format": string_format,
    "LinkAnnotation.format": link_annotation_format,
    "Destination.format": destination_format,
    "PDFDictionary.format": dictionary_format,
    "PDFArray.format": array_format,
    "PDFObjectReference.format": reference_format,
    "PDFTextObject._formatText": format_text,
    "setFillColor": set_fill_color,
    "makeSubset": make_subset,
    "deflate": deflate,
}
install = SHORTCUTS.install
disabled = SHORTCUTS.disabled


def forget() -> None:
    """Empty what this module remembers across documents (text runs, compressed streams,
    the registered faces' subsets): the next documents make everything afresh."""
    _RUNS.clear()
    _DEFLATED.clear()
    _DEFLATED_SIZE[0] = 0
    _SEEN.clear()
    for font in list(pdfmetrics._fonts.values()):
        face = getattr(font, "face", None)
        if face is not None:
            vars(face).pop("_briefgen_subsets", None)
