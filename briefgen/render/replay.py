"""Paragraph drawing replayed: a paragraph drawn once is drawn again from what it did.

A campaign sets the same pack paragraphs in every row, and their line breaks are shared
(linebreaks.BreakStore hands every document the same broken lines, the same object).
Drawing them was ~40% of a campaign document: ReportLab's `drawPara` works out, line by
line and word by word, the moves, spacing, colours and font switches of each line, where
each link's rectangle goes, and so on, and all of that comes out the same every time.

So the first time a paragraph's lines are drawn (in a given context: see `_context`),
its drawing is recorded as a tape: the operators it wrote that depend on nothing but the
paragraph ("literals": text moves, word spacing, colours), and between them the calls
whose result depends on the document, kept as calls:

- each run of shown text (`_textOut`), since its bytes are the font subset's codes in
  this document and its font switch names this document's subset;
- the tagging calls: the text object begun (`beginText`: its first marked-content
  sequence, with this page's MCID), the inline markers (which close and open sequences),
  `drawText` (closes the last one, places footnotes);
- link annotations (`linkRect`, `linkURL`: their rectangles go through the current
  transform, and tagging gives each its structure parent), bookmarks (`bookmarkHorizontal`),
  the bullet (`_drawBullet`: its text is a text run of its own, and the list label's
  sequence), and the canvas state (`saveState`, `restoreState`, `setFillColor`).

Replaying appends the literals and makes those calls, with the same arguments, in the
same order, so that the page content, the structure tree, the annotations and the fonts'
code assignments come out byte for byte as a fresh `drawPara` makes them (the tests build
documents with replay on and off and compare the files). A paragraph whose drawing does
anything else (an inline image, an underline, another callback, a standard Type 1 font)
is not recorded: it is drawn by ReportLab every time.

Tapes hang off the broken lines (`blPara`) in a WeakKeyDictionary: they live as long as
the line-break store keeps those lines, so their number is bounded by that store.

Tapes are kept in the cache folder with the line breaks they belong to (`kept_tapes`,
`restore_tapes`, called by linebreaks' snapshot and restore), so that a one-shot process
replays what the last one drew. While a renderer is recording a document's working set
for the cache folder (`recording_first`), a paragraph is recorded the first time it is
drawn rather than the second.
"""

from __future__ import annotations

import io
import pickle
from contextlib import contextmanager
from weakref import WeakKeyDictionary

from reportlab import rl_config
from reportlab.lib.colors import Color
from reportlab.pdfbase.pdfdoc import fp_str as _fp_str
from reportlab.pdfbase.pdfmetrics import getFont
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.pdfgen.textobject import PDFTextObject
from reportlab.platypus import paragraph as _rl
from reportlab.platypus.paragraph import Paragraph

from briefgen.render.linebreaks import ById, style_key

_DRAW_PARA = Paragraph.drawPara
_DRAW_BULLET = getattr(_rl._drawBullet, "__wrapped__", _rl._drawBullet)


def _draw_bullet(canvas, offset, cur_y, bulletText, style, rtl=False):
    """ReportLab's _drawBullet, seen by the recorder of the paragraph being recorded on
    this canvas (one per document: documents drawn at the same time in other threads
    draw theirs unrecorded)."""
    rec = canvas.__dict__.get("_replay_recorder")
    if rec is None:
        return _DRAW_BULLET(canvas, offset, cur_y, bulletText, style, rtl)
    return rec.bullet(canvas, offset, cur_y, bulletText, style, rtl)


_draw_bullet.__wrapped__ = _DRAW_BULLET
_rl._drawBullet = _draw_bullet     # drawPara looks it up in its module when it draws one

# tape operations
_CANVAS, _TEXT_CODE, _RUN, _CALL, _BEGIN, _MARKER, _BULLET = range(7)
# and those of a tape's fast program (see _compile)
_SEGMENT, _SAVE, _RESTORE, _FILL = range(7, 11)

# the canvas calls kept as calls; drawing anything else means no tape
_CALLS = ("saveState", "restoreState", "setFillColor", "drawText", "linkRect", "linkURL",
          "bookmarkHorizontal")
_REFUSED = ("drawImage", "drawInlineImage", "line", "lines", "drawPath", "setFont")

enabled = True
_RECORD_FIRST = [False]      # record a paragraph the first time it is drawn (see above)
_TAPES: WeakKeyDictionary = WeakKeyDictionary()   # blPara -> {context: tape, _SEEN or ()}
_SEEN = object()
# paragraphs replayed, recorded, found not replayable; replays whose text runs were
# written from the document's codes (the rest formatted by the text object)
stats = {"played": 0, "recorded": 0, "refused": 0, "fast": 0}


@contextmanager
def disabled():
    """Every paragraph drawn by ReportLab while it lasts (the reference in the tests)."""
    global enabled
    was, enabled = enabled, False
    try:
        yield
    finally:
        enabled = was


def clear() -> None:
    _TAPES.clear()


@contextmanager
def recording_first():
    """Paragraphs recorded the first time they are drawn while it lasts: their tapes are
    to be kept in the cache folder for the next process."""
    was, _RECORD_FIRST[0] = _RECORD_FIRST[0], True
    try:
        yield
    finally:
        _RECORD_FIRST[0] = was


def _context(para, canv):
    """What a paragraph's drawing depends on besides its broken lines: its style's values,
    its size and bullet, and the canvas state it starts from (tagging, the font a new
    text object inherits). None when it is not to be replayed."""
    bullet = para.bulletText
    if bullet is not None and type(bullet) is not str:
        return None
    style = para.style
    skey = style_key(style)
    if isinstance(skey, ById):
        skey = style       # held by the key, so that its id is not reused meanwhile
    offsets = getattr(para, "_offsets", None)
    tag = getattr(para, "_tag", None)
    tagger = getattr(canv, "tagger", None)
    if tag is not None and tagger is not None:
        tagging = (bool(canv._mc_stack), len(tag.carry), tag.label is None)
    else:
        tagging = None
    return (para.__class__, skey, para.width, para.height, bullet,
            tuple(offsets) if offsets is not None else None,
            getattr(para, "_JustifyLast", False), getattr(para, "autoLeading", None),
            tagging, canv._fontname, canv._fontsize, canv._leading)


def draw_para(self, debug=0):
    """Paragraph.drawPara, replayed when this paragraph's lines were drawn before in the
    same context."""
    if debug or not enabled:
        return _DRAW_PARA(self, debug)
    bl = self.blPara
    canv = self.canv
    try:
        tapes = _TAPES.get(bl)
    except TypeError:
        return _DRAW_PARA(self, debug)
    key = _context(self, canv)
    if key is None:
        return _DRAW_PARA(self, debug)
    if tapes is None and not _RECORD_FIRST[0]:
        # first seen: drawn as usual (a paragraph only one document draws, a town's own,
        # is not recorded, unless its tape is to be kept in the cache folder)
        _TAPES[bl] = {key: _SEEN}
        return _DRAW_PARA(self, debug)
    if tapes is None:
        tapes = _TAPES[bl] = {}
    tape = tapes.get(key)
    if tape is None or tape is _SEEN:
        # seen before: recorded as it is drawn
        tape = tapes[key] = _record(self, canv)
        stats["recorded" if tape else "refused"] += 1
        return None
    if tape:
        stats["played"] += 1
        return _play(self, canv, tape)
    return _DRAW_PARA(self, debug)     # not replayable


# ------------------------------------------------------------------------- replaying


def _tables(canv, fonts):
    """Per font of a tape, this document's code table, if every character the tape shows
    in it (but the ASCII ones, which are their own codes) already has its code (below 256)
    and the font its subset name as when the tape was recorded: then its text runs are
    these characters' codes, and showing them assigns nothing. Else None (the runs are
    formatted by the text object)."""
    doc = canv._doc
    known = getattr(doc, "_briefgen_known", None)    # kept by fastpaths.split_string
    if known is None:
        return None
    tables = {}
    for font, name, chars in fonts:
        k = known.get(font)
        if k is None or not k.chars.issuperset(chars):
            return None
        state = font.state.get(doc)
        if state is None or state.internalName != name:
            return None
        tables[font] = k.table
    return tables


def _play(para, canv, tape) -> None:
    tables = _tables(canv, tape.fonts) if tape.fonts else None
    if tables is not None and tape.fast is not None and (
            tape.alpha is None or canv._extgstate.getValue("ca") == tape.alpha):
        stats["fast"] += 1
        _play_fast(para, canv, tape.fast, tables)
    else:
        _play_ops(para, canv, tape.ops, None)


def _play_fast(para, canv, program, tables) -> None:
    """A tape's fast program: its text runs written from this document's codes (`tables`,
    checked by `_tables`), each stretch of text moves and runs between two calls appended
    at once, and the paragraph's own saveState/restoreState and fill colour as their
    operators (nothing between them changes the canvas state they restore)."""
    ccode = canv._code
    escape = canv._escape
    tx = None
    for op in program:
        kind = op[0]
        if kind == _SEGMENT:
            _, pieces, cut, check, exit_subset, tstars, shown, ink, flags, ops = op
            if check is not None and tx._curSubset != check:
                _play_ops(para, canv, ops, tables, tx)
                continue
            code = tx._code
            if cut:
                del code[-1]
            code.extend([text if font is None else
                         f"{prefix}({escape(text.translate(tables[font]).encode('latin-1'))}) Tj{suffix}"
                         for font, text, prefix, suffix in pieces])
            if exit_subset is not None:
                tx._curSubset = exit_subset
            if flags:   # LineText's bookkeeping
                if shown:
                    tx._shown = True
                    if ink:
                        tx._ink = True
                tx.lines_left -= tstars
        elif kind == _CALL:
            _call(canv, op, tx)
        elif kind == _SAVE:
            ccode.append("q")
        elif kind == _RESTORE:
            ccode.append("Q")
        elif kind == _FILL:
            ccode.append(op[1])
            if op[2] is not None:
                canv._doc.ensureMinPdfVersion("transparency")
        elif kind == _MARKER:
            _marker(canv, op, tx)
        elif kind == _BEGIN:
            tx = para.beginText(op[1], op[2])
            tx.__dict__.update(op[3])
        elif kind == _BULLET and op[5] is not None:
            # the bullet's text object, shown as _drawBullet shows it
            font, head, prefix, text = op[5]
            canv.drawText(_Shown(f"{head} {prefix}({escape(text.translate(tables[font]).encode('latin-1'))}) Tj ET"))
        else:
            tx = _play_ops(para, canv, (op,), tables, tx)


def _play_ops(para, canv, ops, tables, tx=None):
    """Tape operations as recorded, every run formatted by the text object; the text
    object they leave current."""
    ccode = canv._code
    for op in ops:
        kind = op[0]
        if kind == _RUN:
            _, text, tstar, fontname, fontsize, leading, reset, entry, fast = op
            if reset:
                tx._curSubset = -1
            tx._fontname = fontname
            tx._fontsize = fontsize
            tx._leading = leading
            tx._textOut(text, tstar)
        elif kind == _TEXT_CODE:
            code = tx._code
            if op[1]:
                del code[-1]
            code.extend(op[2])
        elif kind == _CALL:
            _call(canv, op, tx)
        elif kind == _CANVAS:
            if op[1]:
                del ccode[-1]
            ccode.extend(op[2])
        elif kind == _MARKER:
            _marker(canv, op, tx)
        elif kind == _BEGIN:
            tx = para.beginText(op[1], op[2])
            tx.__dict__.update(op[3])
        else:   # _BULLET
            _DRAW_BULLET(canv, op[1], op[2], op[3], para.style, op[4])
    return tx


def _call(canv, op, tx) -> None:
    """A recorded canvas call, made again; the text object it was passed is this one."""
    _, name, args, kw, at = op
    if at:
        args = list(args)
        for i in at:
            args[i] = tx
    getattr(canv, name)(*args, **kw)


def _marker(canv, op, tx) -> None:
    """A recorded inline tag marker, called again with the text state it saw."""
    _, name, label_kind, label, cur_x, cur_y, leading = op
    canv._curr_tx_info = dict(tx=tx, cur_x=cur_x, cur_y=cur_y, leading=leading, xs=None)
    try:
        canv.getNamedCB(name)(canv, label_kind, label)
    finally:
        del canv._curr_tx_info


class _Shown:
    """A text object already written out: what canvas.drawText draws of it."""

    __slots__ = ("code",)

    def __init__(self, code: str):
        self.code = code

    def getCode(self) -> str:
        return self.code


# ------------------------------------------------------------------------- recording


class _Refused(Exception):
    pass


class _List:
    """One code list's literal part between two calls: what was appended to it (and
    whether its last entry was replaced, as a text move merged into the one before)."""

    __slots__ = ("code", "n", "last", "literal_tail", "op")

    def __init__(self, code, op):
        self.code = code
        self.op = op
        self.literal_tail = False   # is the last entry a literal (one a call did not make)?
        self.mark()

    def mark(self):
        code = self.code
        self.n = len(code)
        self.last = code[-1] if code else None

    def flush(self, ops) -> None:
        code, n = self.code, self.n
        if len(code) < n:
            raise _Refused("entries removed")
        cut = 0
        if n and code[n - 1] is not self.last:
            if not self.literal_tail:
                raise _Refused("a call's output changed")
            cut, n = 1, n - 1
        new = code[n:]
        if cut or new:
            ops.append((self.op, cut, tuple(new)))
            self.literal_tail = True
        self.mark()

    def after_call(self) -> None:
        code = self.code
        if len(code) != self.n or (code and code[-1] is not self.last):
            self.literal_tail = False
        self.mark()


class _Recorder:
    def __init__(self, para, canv):
        self.para = para
        self.canv = canv
        self.ops: list = []
        self.depth = 0
        self.canvas = _List(canv._code, _CANVAS)
        self.text: _List | None = None
        self.tx = None
        self.refused: str | None = None
        self.fonts: dict = {}    # font -> (subset name, characters shown by fast runs)
        self.fills: dict = {}    # index of a setFillColor call -> (its operator, alpha)

    def flush(self) -> None:
        if self.refused:
            return
        try:
            if self.canv._code is not self.canvas.code:
                raise _Refused("the canvas code list was replaced")
            self.canvas.flush(self.ops)
            if self.text is not None:
                if self.tx._code is not self.text.code:
                    raise _Refused("the text object's code list was replaced")
                self.text.flush(self.ops)
        except _Refused as e:
            self.refused = str(e)

    def after_call(self) -> None:
        if self.refused:
            return
        self.canvas.after_call()
        if self.text is not None:
            self.text.after_call()

    def call(self, op, real, args, kw=None):
        """Record `op`, then make the real call (nested calls pass through)."""
        if self.depth:
            return real(*args, **(kw or {}))
        self.flush()
        self.ops.append(op)
        self.depth += 1
        try:
            return real(*args, **(kw or {}))
        finally:
            self.depth -= 1
            self.after_call()

    # -- the hooks

    def canvas_call(self, name, real):
        def hook(*args, **kw):
            if self.depth:
                return real(*args, **kw)
            at = tuple(i for i, a in enumerate(args) if a is self.tx and a is not None)
            if any(isinstance(a, PDFTextObject) for a in kw.values()) or any(
                    isinstance(a, PDFTextObject) and a is not self.tx for a in args):
                # only the paragraph's own text object can be put back at replay
                self.refused = self.refused or "another text object passed"
            op = (_CALL, name, args, dict(kw), at)
            if name != "setFillColor":
                return self.call(op, real, args, kw)
            self.flush()
            code, at_op = self.canvas.code, len(self.ops)
            n, ca = len(code), self.canv._extgstate.getValue("ca")
            result = self.call(op, real, args, kw)
            # what it wrote, to be written as it is in the fast program: one colour,
            # no new transparency state
            color = args[0] if len(args) == 1 and not kw else None
            alpha = getattr(color, "alpha", None)
            if type(color) is Color and len(code) == n + 1 and code[-1].endswith(" rg") \
                    and not getattr(self.canv, "_enforceColorSpace", None) \
                    and (alpha is None or alpha == ca):
                self.fills[at_op] = (code[-1], alpha)
            return result
        return hook

    def refused_call(self, name, real):
        def hook(*args, **kw):
            if not self.depth:
                self.refused = self.refused or name
            return real(*args, **kw)
        return hook

    def named_cb(self, real_get):
        def get(name):
            func = real_get(name)
            if func is None or self.depth:
                return func

            def marker(canv, kind, label):
                info = canv._curr_tx_info
                if name != "tag" or info.get("tx") is not self.tx:
                    self.refused = self.refused or f"callback {name}"
                op = (_MARKER, name, kind, label, info.get("cur_x"), info.get("cur_y"),
                      info.get("leading"))
                return self.call(op, func, (canv, kind, label))
            return marker
        return get

    def begin_text(self, real):
        def hook(x=0, y=0):
            if self.depth or self.tx is not None:
                self.refused = self.refused or "a second text object"
                return real(x, y)
            op = [_BEGIN, x, y, {}]
            tx = self.call(op, real, (x, y))
            self.begin_op = op
            self.tx = tx
            self.text = _List(tx._code, _TEXT_CODE)
            tx._textOut = self.text_out(tx, tx._textOut)
            return tx
        return hook

    def text_out(self, tx, real):
        formatted = []
        real_format = tx._formatText

        def format_text(text):
            out = real_format(text)
            formatted.append((text, out))
            return out
        tx._formatText = format_text

        def hook(text, TStar=0):
            if self.depth:
                return real(text, TStar)
            font = getFont(tx._fontname)
            if not font._dynamicFont:
                self.refused = self.refused or "a standard font"
            reset = tx._curSubset == -1
            op = [_RUN, text, TStar, tx._fontname, tx._fontsize, tx._leading, reset,
                  tx._curSubset, None]
            del formatted[:]
            n = len(tx._code)
            self.call(op, real, (text, TStar))
            if len(formatted) == 1 and len(tx._code) == n + 1:
                op[8] = self.fast_run(tx, font, op, *formatted[0], tx._code[-1])
            return None
        return hook

    def fast_run(self, tx, font, op, shown, out, appended):
        """How the run can be shown again without formatting: (font, the text shown,
        the font switch before it, what follows, whether it has ink), or None."""
        from briefgen.render.tags import LineText   # tags imports this module
        suffix = " T*" if op[2] else ""
        flags = isinstance(tx, LineText)
        if type(tx) not in (LineText, PDFTextObject) or appended != out + suffix:
            return None
        if not shown:
            return (font, "", "", suffix, False, flags) if out == "" else None
        ink = not shown.isspace()
        doc = self.canv._doc
        split = font.splitString(shown, doc)
        if len(split) != 1 or split[0][0] != 0 or tx._curSubset != 0:
            return None
        prefix = ""
        if op[7] != 0:
            prefix = (f"{font.getSubsetInternalName(0, doc)} {_fp_str(op[4])} Tf "
                      f"{_fp_str(op[5])} TL ")
        if out != f"{prefix}({self.canv._escape(split[0][1])}) Tj" \
                or not self.shows(font, shown):
            return None
        return (font, shown, prefix, suffix, ink, flags)

    def bullet(self, canvas, offset, cur_y, bulletText, style, rtl):
        if self.depth or canvas is not self.canv or style is not self.para.style:
            if not self.depth:
                self.refused = self.refused or "a bullet drawn elsewhere"
            return _DRAW_BULLET(canvas, offset, cur_y, bulletText, style, rtl)
        made = []
        cd = canvas.__dict__
        before = cd.get("beginText")
        real_begin = canvas.beginText

        def begin_text(*args, **kw):
            tx = real_begin(*args, **kw)
            made.append(tx)
            return tx
        cd["beginText"] = begin_text
        op = [_BULLET, offset, cur_y, bulletText, rtl, None]
        try:
            result = self.call(op, _DRAW_BULLET, (canvas, offset, cur_y, bulletText, style, rtl))
        finally:
            if before is None:
                cd.pop("beginText", None)
            else:
                cd["beginText"] = before
        if len(made) == 1 and type(made[0]) is PDFTextObject:
            op[5] = self.fast_bullet(made[0], bulletText)
        return result

    def fast_bullet(self, tx, text):
        """How the bullet's text object can be written again without formatting: (font,
        its code up to the text, the font switch, the text), or None."""
        code = tx._code
        font = getFont(tx._fontname)
        if len(code) != 5 or code[0] != "BT" or code[4] != "ET" or not font._dynamicFont \
                or not text:
            return None
        doc = self.canv._doc
        split = font.splitString(text, doc)
        if len(split) != 1 or split[0][0] != 0:
            return None
        prefix = (f"{font.getSubsetInternalName(0, doc)} {_fp_str(tx._fontsize)} Tf "
                  f"{_fp_str(tx._leading)} TL ")
        if code[3] != f"{prefix}({self.canv._escape(split[0][1])}) Tj" \
                or not self.shows(font, text):
            return None
        return (font, " ".join(code[:3]), prefix, text)

    def shows(self, font, text) -> bool:
        """Note that a fast run shows `text` in `font` (False: the font's subset name
        changed within the paragraph)."""
        state = font.state[self.canv._doc]
        entry = self.fonts.get(font)
        if entry is None:
            entry = self.fonts[font] = (state.internalName, set())
        elif entry[0] != state.internalName:
            return False
        entry[1].update(text)
        return True


def _record(para, canv):
    """Draw `para` with ReportLab, recording what it does: the tape, or () when its
    drawing cannot be replayed."""
    rec = _Recorder(para, canv)
    cd = canv.__dict__
    names = (*_CALLS, *_REFUSED, "getNamedCB")
    before = {n: cd[n] for n in names if n in cd}
    for name in _CALLS:
        cd[name] = rec.canvas_call(name, getattr(canv, name))
    for name in _REFUSED:
        real = getattr(canv, name, None)
        if real is not None:
            cd[name] = rec.refused_call(name, real)
    cd["getNamedCB"] = rec.named_cb(canv.getNamedCB)
    cd["_replay_recorder"] = rec
    para.__dict__["beginText"] = rec.begin_text(para.beginText)
    ok = False
    try:
        _DRAW_PARA(para, 0)
        rec.flush()
        ok = True
    finally:
        cd.pop("_replay_recorder", None)
        for name in names:
            cd.pop(name, None)
        cd.update(before)
        para.__dict__.pop("beginText", None)
        if rec.tx is not None:
            rec.tx.__dict__.pop("_textOut", None)
            rec.tx.__dict__.pop("_formatText", None)
    if not ok or rec.refused or rec.tx is None:
        return ()
    tx = rec.tx
    rec.begin_op[3] = {k: tx.__dict__[k] for k in ("preformatted", "direction")
                       if k in tx.__dict__}
    ops = tuple(tuple(op) if isinstance(op, list) else op for op in rec.ops)
    # an ASCII character the font has is its own code in every document (ReportLab's
    # readable subset 0); the others get theirs in the order a document first shows them
    fonts = tuple((font, name, frozenset(chars).difference(_own_codes(font)))
                  for font, (name, chars) in rec.fonts.items())
    alphas = {alpha for _, alpha in rec.fills.values() if alpha is not None}
    fast = _compile(ops, rec.fills) if len(alphas) <= 1 else None
    return _Tape(ops, fonts, fast, alphas.pop() if alphas else None)


_OWN_CODES: dict[str, frozenset] = {}


def _own_codes(font) -> frozenset:
    """The characters that are their own codes in every document's subset 0 of `font`."""
    own = _OWN_CODES.get(font.fontName)
    if own is None:
        readable = font._asciiReadable
        if readable is None:
            readable = rl_config.ttfAsciiReadable
        face = font.face
        glyphs = face.charToGlyph
        own = frozenset(chr(n) for n in range(32, 128) if n in glyphs) \
            if readable and not getattr(face, "_full_font", None) else frozenset()
        _OWN_CODES[font.fontName] = own
    return own


class _Tape:
    """What a paragraph's drawing did (`ops`), and the same as a fast program (`fast`,
    None when there is none) for a document where the characters of the text runs it
    shows in `fonts` (font, subset name, characters) have their codes and the fill alpha
    is `alpha` (None: any)."""

    __slots__ = ("ops", "fonts", "fast", "alpha")

    def __init__(self, ops, fonts, fast=None, alpha=None):
        self.ops = ops
        self.fonts = fonts
        self.fast = fast
        self.alpha = alpha


_UNKNOWN = object()


class _Segment:
    """Text moves and fast runs between two calls, to be appended at once."""

    def __init__(self):
        self.pieces: list = []      # (font or None, text, prefix, suffix)
        self.ops: list = []         # the same as recorded, for a document where it differs
        self.cut = 0                # the entry before the segment replaced (a merged move)
        self.check = None           # the text object's subset the first run starts from
        self.subset = _UNKNOWN      # the subset after the last run
        self.tstars = 0
        self.shown = self.ink = False
        self.flags = None

    def add(self, op) -> bool:
        self.ops.append(op)
        if op[0] == _TEXT_CODE:
            if op[1]:
                if self.pieces:
                    if self.pieces[-1][0] is not None:
                        return False   # never: a move merges with a move
                    self.pieces.pop()
                elif len(self.ops) == 1:
                    self.cut = 1
                else:
                    return False
            self.pieces += [(None, text, None, None) for text in op[2]]
            return True
        _, text, tstar, _, _, _, reset, entry, fast = op
        font, shown, prefix, suffix, ink, flags = fast
        if reset:
            self.subset = -1
        elif self.subset is _UNKNOWN:
            self.check = self.subset = entry
        elif self.subset != entry:
            return False
        if shown:
            self.pieces.append((font, shown, prefix, suffix))
            self.subset = 0
            self.shown = True
            self.ink = self.ink or ink
        else:
            self.pieces.append((None, suffix, None, None))
        self.tstars += 1 if tstar else 0
        if self.flags is None:
            self.flags = flags
        return self.flags == flags

    def op(self):
        return (_SEGMENT, tuple(self.pieces), self.cut, self.check,
                None if self.subset is _UNKNOWN else self.subset, self.tstars, self.shown,
                self.ink, bool(self.flags), tuple(self.ops))


def _compile(ops, fills):
    """A tape's fast program (see _play_fast), or None."""
    program = []
    segment = None
    depth = 0
    for i, op in enumerate(ops):
        kind = op[0]
        if kind == _TEXT_CODE or (kind == _RUN and op[8] is not None):
            if segment is None:
                segment = _Segment()
            if not segment.add(op):
                return None
            continue
        if segment is not None:
            program.append(segment.op())
            segment = None
        if kind == _CALL and op[1] in ("saveState", "restoreState"):
            if op[2] or op[3]:
                return None
            depth += 1 if op[1] == "saveState" else -1
            if depth < 0:
                return None
            program.append((_SAVE,) if op[1] == "saveState" else (_RESTORE,))
        elif kind == _CALL and op[1] == "setFillColor":
            if i not in fills:
                return None
            program.append((_FILL, *fills[i]))
        else:
            program.append(op)
    if segment is not None:
        program.append(segment.op())
    return tuple(program) if depth == 0 else None


# ------------------------------------------------------------------------- across processes


class _TapePickler(pickle.Pickler):
    """A tape as data: its fonts by name (the same registered font in the next process)
    and the paragraph's text object as a place (replay passes its own)."""

    def persistent_id(self, obj):
        if isinstance(obj, TTFont):
            return ("font", obj.fontName)
        if isinstance(obj, PDFTextObject):
            return ("text",)
        if isinstance(obj, (Canvas, Paragraph)):
            raise pickle.PicklingError("a tape that holds a canvas or a paragraph")
        return None


class _TapeUnpickler(pickle.Unpickler):
    def persistent_load(self, pid):
        if pid == ("text",):
            return None
        if isinstance(pid, tuple) and len(pid) == 2 and pid[0] == "font":
            font = getFont(pid[1])
            if isinstance(font, TTFont):
                return font
        raise pickle.UnpicklingError(f"no such font: {pid!r}")


def kept_tapes(bl) -> bytes | None:
    """The tapes of these broken lines that another process can replay, as bytes (None:
    none). A context that names a style by its id, or anything that does not pickle,
    is left out."""
    try:
        tapes = _TAPES.get(bl)
    except TypeError:
        return None
    if not tapes:
        return None
    portable = {ctx: tape for ctx, tape in tapes.items()
                if isinstance(tape, _Tape) and isinstance(ctx[1], str)}
    if not portable:
        return None
    buf = io.BytesIO()
    try:
        _TapePickler(buf, protocol=pickle.HIGHEST_PROTOCOL).dump(
            {ctx: (tape.ops, tape.fonts, tape.fast, tape.alpha)
             for ctx, tape in portable.items()})
    except Exception:   # never a reason for a failed build: the next process draws it
        return None
    return buf.getvalue()


def restore_tapes(bl, data: bytes) -> bool:
    """Hang tapes another process kept (`kept_tapes`) off these broken lines."""
    try:
        if bl in _TAPES:
            return False
        tapes = _TapeUnpickler(io.BytesIO(data)).load()
        if not isinstance(tapes, dict):
            return False
        _TAPES[bl] = {ctx: _Tape(*parts) for ctx, parts in tapes.items()}
    except Exception:   # a file from elsewhere: its paragraphs are drawn anew
        return False
    return True


def recorded() -> int:
    """Tapes recorded in this process so far."""
    return stats["recorded"]
