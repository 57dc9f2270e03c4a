"""Footnotes at the foot of the page that cites them, in one layout pass.

ReportLab has no footnotes. `FootnoteFrame` reserves room at the bottom of the frame as
flowables carrying callouts are placed (LaTeX's method): before a flowable is added, the
frame's bottom is raised by the height of this page's notes plus the flowable's new ones;
a split keeps the largest first part whose own notes still fit, cutting before a callout
whose note has no room left on the page. The notes are drawn when
the page ends. Only `NoteParagraph`s and `NoteBox`es are searched for callouts.
"""

from __future__ import annotations

from reportlab.lib.colors import HexColor
from reportlab.platypus import Paragraph
from reportlab.platypus.frames import Frame

from briefgen.render import tags
from briefgen.render.linebreaks import CachedBreaks
from briefgen.render.tags import ParaTag, TaggedParagraph


class NoteParagraph(CachedBreaks, TaggedParagraph):
    """A paragraph that carries footnote callouts (split parts keep the class)."""


class NoteText(CachedBreaks, TaggedParagraph):
    """A footnote's own text, drawn at the page foot."""


class NoteBox:
    """Mixin marking a box whose content carries footnote callouts."""


def callouts(flowable) -> list[int]:
    out: list[int] = []
    _collect(flowable, out)
    return out


def _collect(obj, out: list[int]) -> None:
    if isinstance(obj, NoteParagraph):
        _frags(obj.frags, out)
    elif isinstance(obj, NoteBox):
        for item in obj._content:
            _collect(item, out)


def _frags(frags, out: list[int]) -> None:
    # After wrap/split, frags hold nested "fragword" lists: [width, (frag, text), ...].
    for frag in frags:
        if isinstance(frag, (list, tuple)):
            _frags(frag, out)
            continue
        cb = getattr(frag, "cbDefn", None)
        if cb is not None and getattr(cb, "kind", None) == "anchor":
            name = getattr(cb, "name", "")
            if name.startswith("fnref-"):
                n = int(name[6:])
                if n not in out:
                    out.append(n)


class NoteStore(dict):
    """number -> note markup, shared by all frames of a document.

    `deepcopy` returns the same object: ReportLab deep-copies the current frame while
    measuring KeepTogether groups, and copying the notes each time made briefs 3x slower.
    """

    def __init__(self, notes: dict[int, str], style, rule_color: str, gap: float,
                 paragraphs=None, script=None, tagger: tags.Tagger | None = None,
                 inlines: dict[int, list] | None = None):
        super().__init__(notes)
        self.paragraphs = paragraphs        # a flow.ParagraphCache: parsed once, broken once
        self.script = script        # shaping and direction (render.shaping.Script)
        self.tagger = tagger                # tagged PDF: each note is a Note element
        self.inlines = inlines or {}        # number -> its elements: Lbl, back link, links
        self.style = style
        self.rule_color = rule_color
        self.gap = gap                      # space between text and the rule
        self._heights: dict[tuple[int, float], float] = {}
        self._paras: dict[int, Paragraph] = {}

    def __deepcopy__(self, memo):
        return self

    def paragraph(self, n: int) -> Paragraph:
        if self.tagger is None:
            text = (f'<a name="fn-{n}"/><super><a href="#fnref-{n}">{n}</a></super>'
                    f'\u2002{self[n]}')
        else:
            mk = tags.marker
            text = (f'<a name="fn-{n}"/>{mk("o0")}{mk("o1")}<super><a href="#fnref-{n}">{n}'
                    f'</a></super>{mk("c1")}{mk("c0")}\u2002{self[n]}')
        cls = self.script.cls(NoteText, text) if self.script else NoteText
        if self.paragraphs is not None:
            para = self.paragraphs.make(cls, text, self.style)
        else:
            para = cls(text, self.style)
        if self.tagger is not None:
            para._tag = ParaTag(self.tagger.note(n), inlines=self.inlines[n])
        return para

    def height(self, numbers: list[int], width: float) -> float:
        if not numbers:
            return 0.0
        total = self.gap
        for n in numbers:
            key = (n, width)
            h = self._heights.get(key)
            if h is None:
                para = self.paragraph(n)
                _, h = para.wrap(width, 10_000)
                h += self.style.spaceAfter
                self._heights[key] = h
            total += h
        return total


class FootnoteFrame(Frame):
    def __init__(self, *args, notes: NoteStore, **kwargs):
        self.notes = notes
        self.here: list[int] = []
        super().__init__(*args, **kwargs)

    def _reset(self):
        super()._reset()
        self.here = []

    def _reserve(self, numbers: list[int]) -> None:
        self._y1p = self._y1 + self._bottomPadding + self.notes.height(numbers, self._aW)

    def new_callouts(self, flowable) -> list[int]:
        """The notes `flowable` cites that this page does not hold yet."""
        return [n for n in callouts(flowable) if n not in self.here]

    def note_room(self, flowable) -> float:
        """How much higher this page's notes would reach if `flowable` were placed here."""
        new = self.new_callouts(flowable)
        if not new:
            return 0.0
        return (self.notes.height(self.here + new, self._aW)
                - self.notes.height(self.here, self._aW))

    def add(self, flowable, canv, trySplit=0):
        new = self.new_callouts(flowable)
        if not new:
            return Frame._add(self, flowable, canv, trySplit)
        saved = self._y1p
        self._reserve(self.here + new)
        if self._y - self._y1p < 0:  # the notes alone do not fit below what is placed
            self._y1p = saved
            return 0
        if Frame._add(self, flowable, canv, trySplit):
            self.here.extend(new)
            return 1
        self._y1p = saved
        return 0

    def split(self, flowable, canv):
        new = self.new_callouts(flowable)
        if not new:
            return Frame.split(self, flowable, canv)
        saved = self._y1p
        line = getattr(getattr(flowable, "style", None), "leading", 12.0)
        for k in range(len(new), -1, -1):
            self._reserve(self.here + new[:k])
            reserved = self._y1p
            # Shorten the first part a line at a time until it ends before any callout
            # whose note has no room here: the lines above the callout stay on this page.
            while self._y > self._y1p:
                parts = Frame.split(self, flowable, canv)
                if not parts:
                    break
                first = [n for n in callouts(parts[0]) if n not in self.here]
                if set(first) <= set(new[:k]):
                    self._y1p = reserved
                    return parts
                self._y1p += line
        self._y1p = saved
        return []

    def draw_notes(self, canv) -> None:
        if not self.here:
            return
        width = self._aW
        x = self._x1 + self._leftPadding
        y = self._y1 + self._bottomPadding
        paras = []
        for n in self.here:
            para = self.notes.paragraph(n)
            _, h = para.wrap(width, 10_000)
            paras.append((para, h))
        top = y + sum(h + self.notes.style.spaceAfter for _, h in paras)
        with tags.artifact(canv):
            canv.saveState()
            canv.setStrokeColor(HexColor(self.notes.rule_color))
            canv.setLineWidth(0.5)
            rule_y = top + self.notes.gap * 0.5
            rtl = bool(self.notes.script and self.notes.script.rtl)
            rule_x = x + width - min(width, 120) if rtl else x   # at the side lines start
            canv.line(rule_x, rule_y, rule_x + min(width, 120), rule_y)
            canv.restoreState()
        cursor = top
        tagging = self.notes.tagger is not None and hasattr(canv, "move_to_slot")
        for para, h in paras:
            cursor -= h
            start = canv.mark() if tagging else 0
            para.drawOn(canv, x, cursor)
            if tagging:
                canv.move_to_slot(start, para._tag.block)
            cursor -= self.notes.style.spaceAfter
