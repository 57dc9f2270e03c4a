"""Shaped, bidirectional paragraphs: Arabic and Hebrew, and scripts that need shaping.

Stock ReportLab cannot set these: its shaping and its bidi sort never run together, and
it gives contextual glyphs private-use code points that text extraction returns instead
of letters. `ShapedParagraph` keeps ReportLab's markup parser (bold, italics, links,
anchors, superscripts) and does the rest itself, per paragraph:

1. the text of the fragments, with soft hyphens and zero-width spaces kept aside as
   break points, and bidi embedding levels for the whole paragraph (`bidi.py`);
2. a font per character, like a CSS font list: the fragment's face, then each script
   font, then the fallback; combining marks stay on their base letter's font;
3. HarfBuzz shapes each run (one font, one level, one fragment) with the whole paragraph
   as context, so letters join across a bold/regular boundary;
4. lines break on the logical text at spaces (and soft hyphens in words of left-to-right
   scripts: Arabic and Hebrew are never hyphenated), using the shaped advances;
5. each line is reordered on its own (UAX #9 L1, L2), aligned to its start side, and
   drawn glyph by glyph through ReportLab's font subsets. A glyph that is not a
   character's own gets a code point of its own whose ToUnicode entry is the letters it
   stands for, so text comes out of the PDF as letters, in logical order per run.

Latin-only paragraphs keep ReportLab's Paragraph: it is about seven times faster.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from reportlab.lib.colors import toColor
from reportlab.lib.enums import TA_CENTER, TA_RIGHT
from reportlab.pdfbase import pdfmetrics, ttfonts
from reportlab.pdfbase.pdfmetrics import getAscentDescent
from reportlab.platypus import Paragraph

from briefgen.render import bidi

# Characters that make a paragraph take the shaped path: right-to-left scripts, Arabic
# numbers, and the Indic scripts, whose letters reorder and combine.
COMPLEX = re.compile("[\u0590-\u08ff\u0900-\u0dff\ufb1d-\ufdff\ufe70-\ufeff\u200e\u200f]")
_RTL_SCRIPT = re.compile("[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufeff]")
SOFT_HYPHEN = "\u00ad"
_ZWSP = "\u200b"
_IGNORABLE = frozenset("\u00ad\u200b\u200c\u200d\u2060\ufeff\u200e\u200f")


def needs_shaping(text: str) -> bool:
    return COMPLEX.search(text) is not None


# ------------------------------------------------------------------ fonts and glyphs

class FaceInfo:
    """One registered TTF face: its HarfBuzz font (scaled to font units) and coverage."""

    _all: dict[str, "FaceInfo"] = {}

    def __init__(self, name: str):
        self.name = name
        self.font = pdfmetrics.getFont(name)
        face = self.font.face
        self.face = face
        self.cmap = face.charToGlyph
        import uharfbuzz as hb   # here, not at import: a Latin document never shapes
        blob = hb.Blob(face._ttf_data)
        self.hb_face = hb.Face(blob)
        self.hb_font = hb.Font(self.hb_face)
        self.upem = self.hb_face.upem
        self.hb_font.scale = (self.upem, self.upem)
        self.codes: dict[tuple, str] = {}   # (glyph, text, width) -> key character
        # an empty glyph of no width, to carry the later letters of a right-to-left
        # ligature in the ToUnicode map (see build_line)
        self.zero_width = next((self.cmap[c] for c in (0x200B, 0x200C, 0x200D)
                                if c in self.cmap and
                                self.hb_font.get_glyph_h_advance(self.cmap[c]) == 0), None)
        self.ascent, self.descent = face.ascent / 1000, face.descent / 1000

    def advance(self, gid: int) -> float:
        """The glyph's own advance in thousandths of an em (what the PDF's /Widths hold)."""
        return self.hb_font.get_glyph_h_advance(gid) * 1000 / self.upem

    @classmethod
    def get(cls, name: str) -> "FaceInfo":
        info = cls._all.get(name)
        if info is None:
            info = cls._all[name] = FaceInfo(name)
        return info

    def key(self, gid: int, text: str, width: int | None = None) -> str:
        """The character that stands for glyph `gid` drawn for `text`.

        A glyph that is the character's own (the font's cmap says so) uses the character:
        its ToUnicode entry is right already. Any other (contextual forms, ligatures,
        marks moved by shaping) gets a supplementary private-use code point mapped to the
        glyph, and its ToUnicode entry gives `text` (see `_to_unicode_cmap`).
        """
        if width is None and len(text) == 1 and self.cmap.get(ord(text)) == gid:
            return text
        mirror = _MIRROR.get(text)
        if width is None and mirror and self.cmap.get(ord(mirror)) == gid:
            # a bracket mirrored in a right-to-left run: readers mirror it back when they
            # reorder the line, so it maps to the character it looks like
            return mirror
        k = (gid, text, width)
        ch = self.codes.get(k)
        if ch is None:
            global _NEXT_PRIVATE
            cp = _NEXT_PRIVATE
            _NEXT_PRIVATE += 1
            ch = chr(cp)
            self.cmap[cp] = gid
            self.face.charWidths[cp] = self.advance(gid) if width is None else width
            _PRIVATE_TEXT[cp] = text
            self.codes[k] = ch
        return ch


_MIRROR = {**bidi.MIRROR}
_NEXT_PRIVATE = 0xF0000          # supplementary private use area A: never a real letter
_PRIVATE_TEXT: dict[int, str] = {}


_CMAPS: dict[tuple, str] = {}


def _to_unicode_cmap(fontname, subset):
    """ReportLab's ToUnicode CMap, with the letters each shaped glyph stands for;
    remembered, since a campaign's documents embed the same subsets (a private code
    stands for the same letters once given out)."""
    key = (fontname, tuple(subset))
    cmap = _CMAPS.get(key)
    if cmap is None:
        if len(_CMAPS) >= 64:
            _CMAPS.clear()
        cmap = _CMAPS[key] = _make_to_unicode_cmap(fontname, subset)
    return cmap


def _make_to_unicode_cmap(fontname, subset):
    entries = []
    for i, v in enumerate(subset):
        text = _PRIVATE_TEXT.get(v)
        if text is None:
            text = chr(v)
        text = "".join(c for c in text if c not in _IGNORABLE)
        entries.append("<%02X> <%s>" % (i, text.encode("utf-16-be").hex().upper()))
    cmap = [
        "/CIDInit /ProcSet findresource begin", "12 dict begin", "begincmap",
        "/CIDSystemInfo", "<< /Registry (%s)" % fontname, "/Ordering (%s)" % fontname,
        "/Supplement 0", ">> def", "/CMapName /%s def" % fontname, "/CMapType 2 def",
        "1 begincodespacerange", "<00> <%02X>" % (len(subset) - 1), "endcodespacerange",
        "%d beginbfchar" % len(subset)] + entries + [
        "endbfchar", "endcmap", "CMapName currentdict /CMap defineresource pop", "end", "end"]
    return "\n".join(cmap)


# ReportLab 5.1 builds each subset's ToUnicode with this module-level function; ours
# writes the same CMap plus the shaped glyphs' letters (tests/test_scripts.py checks it).
ttfonts.makeToUnicodeCMap = _to_unicode_cmap


@dataclass(frozen=True)
class FontChain:
    """Fonts tried in order for characters the fragment's own face lacks."""
    regular: tuple[str, ...]      # registered face names
    bold: tuple[str, ...]

    def faces(self, bold: bool) -> tuple[str, ...]:
        return self.bold if bold else self.regular


# ------------------------------------------------------------------ shaping a paragraph

@dataclass
class Run:
    start: int
    end: int
    level: int
    frag: object
    face: FaceInfo
    size: float
    glyphs: list        # (gid, cluster, x_advance, x_offset, y_offset) in points, visual order


@dataclass
class Shaped:
    """A paragraph's logical text, shaped once and broken into lines per width."""
    text: str
    base: int
    levels: list[int]
    runs: list[Run]
    advance: list[float]          # per character: the width of the cluster it starts
    breaks: set[int]              # indices where a line may start (after a space, ...)
    hyphens: set[int]             # indices where a soft hyphen was (a break with '-')
    hard: set[int]                # indices after a <br/>
    anchors: list[tuple[int, object]]   # (index, frag) of zero-width anchor fragments
    lines_cache: dict = field(default_factory=dict)


def _frag_text(frags) -> tuple[str, list, list, set, set, set]:
    """Concatenated text (whitespace collapsed), per-character frag, and break points."""
    chars: list[str] = []
    owner: list = []
    anchors: list = []
    hyphens: set[int] = set()
    zw: set[int] = set()
    hard: set[int] = set()
    space = True   # collapse leading whitespace
    for f in frags:
        if getattr(f, "lineBreak", False):
            while chars and chars[-1] == " ":
                chars.pop()
                owner.pop()
            hard.add(len(chars))
            space = True
            continue
        cb = getattr(f, "cbDefn", None)
        if cb is not None and not f.text:
            anchors.append((len(chars), f))
            continue
        for ch in f.text:
            if ch in " \t\n\r\u2028":
                if space:
                    continue
                space = True
                chars.append(" ")
                owner.append(f)
                continue
            if ch == SOFT_HYPHEN:
                hyphens.add(len(chars))
                continue
            if ch == _ZWSP:
                zw.add(len(chars))
                continue
            space = False
            chars.append(ch)
            owner.append(f)
    while chars and chars[-1] == " ":
        chars.pop()
        owner.pop()
    return "".join(chars), owner, anchors, hyphens, zw, hard


def _neutral_alike(ch: str, a: FaceInfo, b: FaceInfo) -> bool:
    """Whether `ch` is a space or punctuation that `a` and `b` draw equally wide."""
    if ch.isalnum() or bidi.char_types(ch)[0] not in ("WS", "ON", "CS", "ES", "ET"):
        return False
    cp = ord(ch)
    if cp not in b.cmap:
        return True
    return abs(a.advance(a.cmap[cp]) - b.advance(b.cmap[cp])) < 0.5


def _is_mark(ch: str) -> bool:
    return unicodedata.category(ch)[0] == "M" or ch in "\u200c\u200d"


def shape(frags, chain: FontChain, base: int, lang: str) -> Shaped:
    text, owner, anchors, hyphens, zw, hard = _frag_text(frags)
    n = len(text)
    levels = bidi.levels(text, base) if n else []
    # a font per character
    faces: list[FaceInfo] = []
    for i, ch in enumerate(text):
        f = owner[i]
        cp = ord(ch)
        own = FaceInfo.get(f.fontName)
        if i and owner[i - 1] is f and cp in faces[-1].cmap and (
                _is_mark(ch) or (faces[-1] is not own and _neutral_alike(ch, faces[-1], own))):
            # marks stay on their letter's font; a space or a full stop on the font of the
            # word before it when it is as wide there (line breaks stay a browser's), so
            # that a line of Arabic is one run: pypdf reorders within a run only
            faces.append(faces[-1])
            continue
        if cp in own.cmap or ch == " ":
            faces.append(own)
            continue
        for name in chain.faces(bool(getattr(f, "bold", 0))):
            info = FaceInfo.get(name)
            if cp in info.cmap:
                faces.append(info)
                break
        else:
            faces.append(own)
    # runs: one frag, one face, one level
    runs: list[Run] = []
    i = 0
    while i < n:
        j = i + 1
        while j < n and owner[j] is owner[i] and faces[j] is faces[i] and levels[j] == levels[i]:
            j += 1
        runs.append(_shape_run(text, i, j, levels[i], owner[i], faces[i], lang))
        i = j
    advance = [0.0] * n
    for run in runs:
        for gid, cl, adv, xo, yo in run.glyphs:
            advance[cl] += adv
    breaks = {i + 1 for i, ch in enumerate(text) if ch == " "}
    for i in range(1, n):
        prev = text[i - 1]
        # after a hyphen or an en dash between letters, as browsers do
        if prev in "-\u2013" and text[i].isalpha() and (i < 2 or text[i - 2].isalpha()):
            breaks.add(i)
    breaks |= zw
    hy = {i for i in hyphens if 0 < i < n and not _RTL_SCRIPT.match(text[i - 1])
          and not _RTL_SCRIPT.match(text[i])}
    return Shaped(text, base, levels, runs, advance, breaks, hy, hard, anchors)


def _shape_run(text: str, start: int, end: int, level: int, frag, face: FaceInfo,
               lang: str, context: bool = True) -> Run:
    import uharfbuzz as hb
    size = frag.fontSize
    buf = hb.Buffer()
    if context:
        buf.add_str(text, start, end - start)
    else:
        buf.add_str(text[start:end])
    buf.guess_segment_properties()
    buf.direction = "rtl" if level & 1 else "ltr"
    if lang:
        buf.language = lang
    buf.flags = hb.BufferFlags.REMOVE_DEFAULT_IGNORABLES
    hb.shape(face.hb_font, buf, {})
    scale = size / face.upem
    glyphs = []
    off = 0 if context else start
    for info, pos in zip(buf.glyph_infos, buf.glyph_positions):
        glyphs.append((info.codepoint, info.cluster + off, pos.x_advance * scale,
                       pos.x_offset * scale, pos.y_offset * scale))
    return Run(start, end, level, frag, face, size, glyphs)


# ------------------------------------------------------------------ lines

@dataclass
class Piece:
    """One visual piece of a line: one run's glyphs between two x positions."""
    run: Run
    keys: list            # (key char, x from piece start, x_offset, y_offset)
    width: float
    x: float = 0.0
    plan: list | None = None   # how to reach each glyph (_plan), made at first draw
    text: str = ""             # the key characters, one per glyph
    end: float = 0.0           # where the pen stands after the piece (_plan)
    segments: list | None = None   # (first, end, TJ move before, rise) runs of glyphs


@dataclass
class Line:
    start: int
    end: int              # logical range drawn (trailing spaces excluded)
    next: int             # where the next line starts
    width: float
    pieces: list
    hyphen: bool = False


def break_lines(sh: Shaped, start: int, widths: list[float],
                stop: int | None = None) -> list[tuple[int, int, int, bool]]:
    """Greedy line breaking of sh.text[start:stop], as browsers do: (start, end, next, hyphen).

    `stop` is where the part of a split paragraph ends; the lines of the part are those
    the whole paragraph had there.
    """
    text, adv, n = sh.text, sh.advance, len(sh.text)
    limit = n if stop is None else stop
    out = []
    i = start
    while i < limit:
        w_avail = widths[min(len(out), len(widths) - 1)]
        pos, width = i, 0.0
        last_ok = None          # (end, next, hyphen)
        while pos < n:
            if pos > i and pos in sh.hard:
                last_ok = (pos, pos, False)
                break
            width += adv[pos]
            pos += 1
            at_break = pos in sh.breaks or pos in sh.hyphens or pos == n or pos in sh.hard
            if not at_break:
                continue
            trimmed = width
            e = pos
            while e > i and text[e - 1] == " ":
                e -= 1
                trimmed -= adv[e]
            hy = pos in sh.hyphens and pos not in sh.breaks and pos != n
            extra = _hyphen_width(sh, e) if hy else 0.0
            if trimmed + extra <= w_avail + 1e-6:
                last_ok = (e, pos, hy)
                if pos == n:
                    break
            else:
                break
        if last_ok is None:
            # one word longer than the line: cut it where it stops fitting
            width, pos = 0.0, i
            while pos < n and (width + adv[pos] <= w_avail or pos == i or adv[pos] == 0):
                width += adv[pos]
                pos += 1
            last_ok = (pos, pos, False)
        e, nxt, hy = last_ok
        out.append((i, e, nxt, hy))
        i = nxt
        while i < n and text[i] == " ":
            i += 1
    return out


def _hyphen_width(sh: Shaped, end: int) -> float:
    for run in sh.runs:
        if run.start < end <= run.end:
            gid = run.face.cmap.get(ord("-"), 0)
            return run.face.advance(gid) * run.size / 1000
    return 0.0


def build_line(sh: Shaped, start: int, end: int, nxt: int, hyphen: bool) -> Line:
    lv = bidi.line_levels(sh.text, sh.levels, start, end, sh.base)
    pieces = []
    for run in sh.runs:
        a, b = max(run.start, start), min(run.end, end)
        if a >= b:
            continue
        if (a > run.start and sh.text[a - 1] != " ") or (b < run.end and sh.text[b] != " ") \
                or (hyphen and b == end):
            # cut inside a word: shape the piece on its own, with its hyphen
            sub = sh.text[a:b] + ("-" if hyphen and b == end else "")
            part = _shape_run(sub, 0, len(sub), run.level, run.frag, run.face, "",
                              context=False)
            glyphs = [(g, cl + a if cl + a < b else b - 1, adv, xo, yo)
                      for g, cl, adv, xo, yo in part.glyphs]
            texts = _cluster_texts(sh.text, glyphs, a, b, bool(run.level & 1))
            if hyphen and b == end:
                # the hyphen glyph stands for itself
                texts = [("-" if cl == b - 1 and k == len(glyphs) - 1 and run.level % 2 == 0
                          else t) for k, ((g, cl, *_), t) in enumerate(zip(glyphs, texts))]
        else:
            glyphs = [g for g in run.glyphs if a <= g[1] < b]
            texts = _cluster_texts(sh.text, glyphs, a, b, bool(run.level & 1))
        rtl = bool(run.level & 1)
        face = run.face
        entries, x = [], 0.0
        for (gid, cl, adv, xo, yo), t in zip(glyphs, texts):
            entries.append([cl, gid, x, xo, yo, adv, t])
            x += adv
        if rtl:
            # A right-to-left cluster's glyphs come mark first; drawn base first (each
            # glyph keeps its place, each position its letter), pdfium keeps a vowel
            # mark with its letter instead of listing it apart.
            i = 0
            while i < len(entries):
                j = i
                while j < len(entries) and entries[j][0] == entries[i][0]:
                    j += 1
                if j - i > 1:
                    geometry = [e[1:6] for e in entries[i:j]][::-1]
                    for e, g in zip(entries[i:j], geometry):
                        e[1:6] = g
                i = j
        keys = []
        size = run.size
        for n, (cl, gid, x, xo, yo, adv, t) in enumerate(entries):
            width = None
            if rtl and adv == 0 and n + 1 < len(entries):
                # a mark drawn after its letter: its PDF width takes the pen to the next
                # glyph, so extractors see no gap there (pdfium would add a space)
                nx = entries[n + 1]
                gap = (nx[2] + nx[3]) - (x + xo)
                if 0 < gap < 2 * size:
                    width = round(gap * 1000 / size)
            if rtl and len(t) > 1:
                if face.zero_width is not None:
                    # a ligature (lam-alef) stands for its first letter; empty glyphs
                    # before it in the stream carry the others, one letter each, so
                    # readers that reverse a line letter by letter (pdfium) and those
                    # that reverse glyph by glyph (pypdf) both give the letters in order
                    for letter in reversed(t[1:]):
                        keys.append((face.key(face.zero_width, letter), x + xo, 0.0, 0.0))
                    t = t[0]
                else:
                    t = t[::-1]
            keys.append((face.key(gid, t, width), x, xo, yo))
        pieces.append((lv[a - start], Piece(run, keys, sum(g[2] for g in glyphs))))
    order = bidi.visual_order([p[0] for p in pieces])
    visual = [pieces[k][1] for k in order]
    x = 0.0
    for p in visual:
        p.x = x
        x += p.width
    return Line(start, end, nxt, x, visual, hyphen)


def _cluster_texts(text: str, glyphs: list, a: int, b: int, rtl: bool) -> list[str]:
    """The letters each glyph stands for in the ToUnicode map.

    A cluster's letters go, in logical order, to its glyphs in reading order (left to
    right, or right to left in a right-to-left run), one each, the last glyph taking
    what is left: a ligature stands for all its letters, and a Bengali vowel sign drawn
    before its consonant copies out after it, as typed. Extraction tools read glyphs in
    reading order, so the text comes out in logical order.
    """
    starts = sorted({g[1] for g in glyphs})
    nxt = {s: (starts[k + 1] if k + 1 < len(starts) else b) for k, s in enumerate(starts)}
    members: dict[int, list[int]] = {}
    for k, g in enumerate(glyphs):
        members.setdefault(g[1], []).append(k)
    texts = [""] * len(glyphs)
    for cl, ks in members.items():
        letters = text[cl:nxt[cl]]
        if len(ks) > len(letters):
            # a vowel drawn in two parts (Bengali ৌ around its consonant): its canonical
            # decomposition has a letter for each part, and NFC gives the vowel back
            nfd = unicodedata.normalize("NFD", letters)
            if len(nfd) > len(letters):
                letters = nfd
        if rtl:
            ks = ks[::-1]
        for j, k in enumerate(ks):
            texts[k] = letters[j:] if j == len(ks) - 1 else letters[j:j + 1]
    return texts


# ------------------------------------------------------------------ drawing

def _fmt(v: float) -> str:
    s = f"{v:.3f}".rstrip("0").rstrip(".")
    return s if s not in ("-0", "") else "0"


def _plan(p: Piece) -> list:
    """How to reach each glyph of a piece from where the last one left the pen: a TJ
    adjustment (or None), and the glyph's rise (marks, cursive attachment). Sets p.end,
    where the pen stands after the piece.

    Moves stay inside one TJ and rises use Ts, never a new text matrix: text extractors
    take a new matrix for a new chunk of text, and pypdf orders right-to-left text only
    within a chunk.
    """
    face, size = p.run.face.face, p.run.size
    plan = []
    cx = None
    for key, gx, xo, yo in p.keys:
        tx = gx + xo
        adj = None
        if cx is not None and abs(tx - cx) > 1e-4:
            adj = _fmt(-(tx - cx) * 1000 / size)
        plan.append((adj, round(yo, 3)))
        cx = tx + face.getCharWidth(ord(key)) * size / 1000
    p.end = cx or 0.0
    # runs of glyphs that follow one another with no move and no change of rise
    segments, i = [], 0
    while i < len(plan):
        j = i + 1
        while j < len(plan) and plan[j][0] is None and plan[j][1] == plan[i][1]:
            j += 1
        segments.append((i, j, plan[i][0], plan[i][1]))
        i = j
    p.segments = segments
    return plan


def draw_line(canv, line: Line, x0: float, y: float, marks=None, inside: bool = False) -> None:
    """Draw a line's pieces with the left end at x0 and the baseline at y.

    One text object for the line, a font or colour change only where the text changes:
    readers (pypdf) put each chunk of text apart, and order right to left only inside one.

    `inside`: the caller has begun the text object (a paragraph's lines share one) and
    ends it, and the marked-content sequence open at the line's end stays open.

    Tagged PDF: `marks` (tags.ShapedMarks) gives the order to draw the pieces in, the
    marked-content sequence that starts at a piece (what opens and closes it), and the
    Link element each piece's link rectangle belongs to.
    """
    doc = canv._doc
    links: list = []
    order, opens, owners = marks.line(line) if marks is not None else (None, {}, {})
    pieces = line.pieces if order is None else [line.pieces[k] for k in order]
    code = [] if inside else ["BT"]
    tj: list[str] = []
    cur = None                   # (font, subset, size) set with Tf
    color = None
    rise = 0.0                   # Ts in force
    pen = None                   # (x, baseline) where the pen stands

    def flush():
        if tj:
            code.append("[%s] TJ" % " ".join(tj))
            tj.clear()

    def use(font, subset, size):
        nonlocal cur
        if cur != (font, subset, size):
            flush()
            code.append("%s %s Tf" % (font.getSubsetInternalName(subset, doc), _fmt(size)))
            cur = (font, subset, size)

    def move_to(first, base, size):
        """Start a piece at (first, base): a new Tm off the pen's baseline, else the TJ
        adjustment from where the pen stands (None when it stands there already)."""
        if pen is None or abs(pen[1] - base) > 1e-4:
            flush()
            code.append("1 0 0 1 %s %s Tm" % (_fmt(first), _fmt(base)))
            return None
        gap = first - pen[0]
        return _fmt(-gap * 1000 / size) if abs(gap) > 1e-4 else None

    def set_rise(yo):
        nonlocal rise
        flush()
        code.append("%s Ts" % _fmt(yo))
        rise = yo

    for i_piece, p in enumerate(pieces):
        k_piece = i_piece if order is None else order[i_piece]
        run = p.run
        frag = run.frag
        font = run.face.font
        size = run.size
        up = getattr(frag, "rise", 0) or 0
        px = x0 + p.x
        if k_piece in opens:
            flush()
            if marks.closing:
                code.append(marks.closing)
            code.append(opens[k_piece][0])
            marks.closing = opens[k_piece][1]
            pen = None      # a sequence starts from its own position (a new Tm)
        if p.keys:
            if p.plan is None:
                p.plan = _plan(p)
                p.text = "".join(k[0] for k in p.keys)
            if frag.textColor != color:
                flush()
                canv._code.append(" ".join(code))
                code.clear()
                canv.setFillColor(frag.textColor)   # allowed inside a text object
                color = frag.textColor
            base = y + up
            first = px + p.keys[0][1] + p.keys[0][2]
            k = 0
            plan = p.plan
            chunks = font.splitString(p.text, doc)
            if len(chunks) == 1:
                # one subset (nearly always): whole runs of glyphs as one hex string
                subset, data = chunks[0]
                use(font, subset, size)
                for i0, i1, adj, yo in p.segments:
                    if i0 == 0:
                        adj = move_to(first, base, size)
                    if yo != rise:
                        set_rise(yo)
                    if adj is not None:
                        tj.append(adj)
                    tj.append("<%s>" % data[i0:i1].hex().upper())
                chunks = ()
            for subset, data in chunks:
                use(font, subset, size)
                for byte in data:
                    adj, yo = plan[k]
                    if k == 0:
                        adj = move_to(first, base, size)
                    k += 1
                    if yo != rise:
                        set_rise(yo)
                    if adj is not None:
                        tj.append(adj)
                    tj.append("<%02X>" % byte)
            pen = (px + p.end, base)
        for kind, url in getattr(frag, "link", None) or ():
            ascent, descent = getAscentDescent(frag.fontName, size)
            rect = [url, px, y + up + descent, px + p.width, y + up + ascent,
                    owners.get(k_piece)]
            last = links[-1] if links else None
            if last and last[0] == url and abs(last[3] - px) < 0.01 and last[5] is rect[5]:
                # the next piece of the same link (a word, its space): one rectangle
                last[3] = rect[3]
                last[2], last[4] = min(last[2], rect[2]), max(last[4], rect[4])
            else:
                links.append(rect)
    flush()
    if rise:
        code.append("0 Ts")
    if not inside:
        if marks is not None and marks.closing:
            code.append(marks.closing)
            marks.closing = ""
        code.append("ET")
    canv._code.append(" ".join(code))
    for url, x1, y1, x2, y2, owner in links:   # one per visual piece of each link on the line
        if owner is not None:
            canv.annotation_owner = owner
        if url.startswith("#"):
            canv.linkRect("", url[1:], (x1, y1, x2, y2), relative=1, thickness=0)
        else:
            canv.linkURL(url, (x1, y1, x2, y2), relative=1, thickness=0)
        if owner is not None:
            canv.annotation_owner = None


class ShapedParagraph(Paragraph):
    """A paragraph laid out by `shape` and `break_lines`; see the module docstring.

    `chain`, `rtl` and `lang` are class attributes (`shaped_class` makes the classes), so
    the paragraph cache and the page template construct it like any Paragraph.
    """

    chain: FontChain = FontChain((), ())
    rtl = False
    lang = ""

    def __init__(self, text, style=None, bulletText=None, frags=None, **kw):
        super().__init__(text, style, bulletText=bulletText, frags=frags, **kw)
        self._shaped: Shaped | None = None
        self._start = 0
        self._stop: int | None = None     # a split part ends here
        self._first = True
        self._lines: list[Line] = []

    @property
    def shaped(self) -> Shaped:
        if self._shaped is None:
            # by content: headings, notes and contents entries are made anew for each
            # document, and campaigns set the same texts again and again
            st = self.style
            key = (getattr(self, "text", None) or id(self.frags), st.fontName, st.fontSize,
                   str(st.textColor), self.rtl, self.chain, self.lang)
            hit = _PARA_CACHE.get(key)
            if hit is None or (not key[0].__class__ is str and hit[0] is not self.frags):
                if len(_PARA_CACHE) > 20_000:
                    _PARA_CACHE.clear()
                hit = _PARA_CACHE[key] = (self.frags, shape(self.frags, self.chain,
                                                            1 if self.rtl else 0, self.lang))
            self._shaped = hit[1]
        return self._shaped

    def _widths(self, availWidth):
        st = self.style
        first = availWidth - st.leftIndent - st.rightIndent - \
            (st.firstLineIndent if self._first else 0)
        return [first, availWidth - st.leftIndent - st.rightIndent]

    def wrap(self, availWidth, availHeight):
        self.width = availWidth
        sh = self.shaped
        key = (self._start, self._stop, self._first, round(availWidth, 3))
        lines = sh.lines_cache.get(key)
        if lines is None:
            lines = [build_line(sh, *b) for b in break_lines(sh, self._start,
                                                             self._widths(availWidth),
                                                             self._stop)]
            sh.lines_cache[key] = lines
        self._lines = lines
        self.height = len(lines) * self.style.leading
        return self.width, self.height

    def minWidth(self):
        return max((p.width for line in self._lines for p in line.pieces), default=0)

    def split(self, availWidth, availHeight):
        if not self._lines or self.width != availWidth:
            self.wrap(availWidth, availHeight)
        lines, leading = self._lines, self.style.leading
        n = len(lines)
        fit = int((availHeight + 1e-6) // leading)
        if fit >= n:
            return [self]
        if not self.style.allowOrphans and fit < 2:
            return []
        if not self.style.allowWidows and n - fit < 2:
            fit = n - 2
        if fit < 1 or (not self.style.allowOrphans and fit < 2):
            return []
        cut = lines[fit].start
        return [self._part(lines[:fit], self._start, cut, self._first, False),
                self._part(lines[fit:], cut, self._stop, False, True)]

    def _part(self, lines, start, stop, first, later):
        p = self.__class__.__new__(self.__class__)
        p.__dict__.update(self.__dict__)
        # ReportLab marks a flowable it had to move on; a new part starts unmarked
        p.__dict__.pop("_postponed", None)
        p._start, p._stop, p._first, p._lines = start, stop, first, lines
        sh = self.shaped
        end = lines[-1].next if lines else start
        p.frags = [f for i, f in sh.anchors if start <= i < end or (i == end and
                                                                     end == len(sh.text))]
        p.height = len(lines) * self.style.leading
        if later:
            p.bulletText = None
            p.style = self.style
        return p

    def line_extent(self, k: int = -1) -> tuple[float, float]:
        """Left and right x of line k, relative to the paragraph's left edge."""
        line = self._lines[k]
        x = self._line_x(line, k if k >= 0 else len(self._lines) + k)
        return x, x + line.width

    def _line_x(self, line: Line, k: int) -> float:
        st = self.style
        first = k == 0 and self._first
        indent = st.leftIndent + (st.firstLineIndent if first else 0)
        box = self.width - st.leftIndent - st.rightIndent - \
            (st.firstLineIndent if first else 0)
        align = st.alignment
        if align == TA_CENTER:
            off = (box - line.width) / 2
        elif (align == TA_RIGHT) != bool(self.rtl):   # end side
            off = box - line.width
        else:
            off = 0.0
        left = st.rightIndent if self.rtl else indent
        return left + off

    def draw(self):
        canv = self.canv
        st = self.style
        ascent = getAscentDescent(st.fontName, st.fontSize)[0]
        y = self.height - ascent
        sh = self.shaped
        if self._lines:
            start = self._start
            end = self._lines[-1].next
            for i, f in sh.anchors:
                if f.cbDefn.kind == "anchor" and (start <= i < end or (i == end == len(sh.text))):
                    canv.bookmarkHorizontal(f.cbDefn.name, 0, self.height)
        marks = getattr(self, "_marks", None)   # tagged PDF (tags.TaggedShaped)
        if self.bulletText and self._first:
            if marks is None:
                self._draw_bullet(canv, y)
            else:
                with marks.bullet():
                    self._draw_bullet(canv, y)
        # one text object for the paragraph: a marked-content sequence (which may not
        # straddle BT/ET) then runs on from one line to the next
        canv._code.append("BT")
        for k, line in enumerate(self._lines):
            draw_line(canv, line, self._line_x(line, k), y, marks, inside=True)
            y -= st.leading
        if marks is not None and marks.closing:
            canv._code.append(marks.closing)
            marks.closing = ""
        canv._code.append("ET")
        draw_icon = getattr(self, "draw_icon", None)  # a heading's or list item's icon
        if draw_icon is not None and self._first:
            draw_icon()

    def _draw_bullet(self, canv, y):
        st = self.style
        text = self.bulletText if isinstance(self.bulletText, str) else \
            "".join(f.text for f in self.bulletText)
        line = single_line(text, st.bulletFontName, st.bulletFontSize, st.textColor,
                           self.chain, self.rtl, self.lang)
        if self.rtl:
            x = self.width - st.bulletIndent - line.width
        else:
            x = st.bulletIndent
        draw_line(canv, line, x, y)


_PARA_CACHE: dict = {}
_CLASSES: dict = {}


@dataclass(frozen=True)
class Script:
    """One document's text setting: its font chain, direction and language."""
    chain: FontChain
    rtl: bool = False
    lang: str = ""

    def cls(self, base, markup: str):
        """`base` for a Latin-only paragraph of a left-to-right document, else its shaped
        variant."""
        if self.rtl or COMPLEX.search(markup):
            return shaped_class(base, self.chain, self.rtl, self.lang)
        return base

    def needs(self, text: str) -> bool:
        return self.rtl or COMPLEX.search(text) is not None

    def line(self, text: str, font: str, size: float, color) -> Line:
        return single_line(text, font, size, color, self.chain, self.rtl, self.lang)


def shaped_class(base, chain: FontChain, rtl: bool, lang: str):
    """A ShapedParagraph subclass of `base` (Paragraph, NoteParagraph, HeadingParagraph)."""
    key = (base, chain, rtl, lang)
    cls = _CLASSES.get(key)
    if cls is None:
        from briefgen.render.tags import TaggedShaped  # tagged PDF: one sequence each
        bases = (TaggedShaped, ShapedParagraph) if base is Paragraph else \
            (TaggedShaped, ShapedParagraph, base)
        cls = _CLASSES[key] = type(f"Shaped{base.__name__}", bases,
                                   {"chain": chain, "rtl": rtl, "lang": lang})
    return cls


class _Frag:
    __slots__ = ("text", "fontName", "fontSize", "textColor", "bold", "rise", "link")

    def __init__(self, text, font, size, color, bold=False):
        self.text, self.fontName, self.fontSize = text, font, size
        self.textColor, self.bold, self.rise, self.link = toColor(color), bold, 0, None


_LINE_CACHE: dict = {}


def single_line(text: str, font: str, size: float, color, chain: FontChain, rtl: bool,
                lang: str) -> Line:
    """One unbroken line of plain text (running heads, footers, page numbers)."""
    key = (text, font, size, str(color), chain, rtl, lang)
    line = _LINE_CACHE.get(key)
    if line is None:
        if len(_LINE_CACHE) > 5000:
            _LINE_CACHE.clear()
        sh = shape([_Frag(text, font, size, color)], chain, 1 if rtl else 0, lang)
        line = build_line(sh, 0, len(sh.text), len(sh.text), False)
        _LINE_CACHE[key] = line
    return line
