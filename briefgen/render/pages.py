"""Pages: templates, running header and footer, outline, and numbers drawn after layout.

One layout pass only. "Page 3 of 12" and the contents' page numbers are PDF forms that
the pages reference while they are laid out and that are defined once the last page is
known, so no second pass is needed.
"""

from __future__ import annotations

import functools
import hashlib

from reportlab.lib.colors import HexColor
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Frame, NextPageTemplate, PageTemplate
from reportlab.platypus.doctemplate import BaseDocTemplate

from briefgen.render.archive import archival_canvas
from briefgen.render.flow import HeadingParagraph
from briefgen.render.images import draw_image
from briefgen.render.footnotes import FootnoteFrame, NoteStore
from briefgen.render.shaping import FontChain, Script, draw_line
from briefgen.render.tags import Tagger, artifact, tagging_canvas


class _Stamp:
    """The PDF's creation date: the document's own date, never the clock."""

    def __init__(self, year: int, month: int, day: int):
        self.t = 0
        self.YMDhms = (year, month, day, 0, 0, 0)
        self.dhh = self.dmm = 0
        self.tzname = "UTC"


@functools.lru_cache(maxsize=16)
def canvas_maker(date: tuple[int, int, int], tagged: bool = True):
    """The canvas class of documents dated `date`; one per date, not one per document
    (three new classes a document were three more objects for the cyclic collector)."""
    class DatedCanvas(Canvas):
        def __init__(self, *args, **kwargs):
            kwargs["invariant"] = 1
            super().__init__(*args, **kwargs)
            self._doc._timeStamp = _Stamp(*date)
            # ReportLab seeds the file's /ID with SOURCE_DATE_EPOCH (or the clock); seed it
            # with the document's date instead, so that the bytes depend on that alone.
            signature = hashlib.md5(usedforsecurity=False)
            signature.update(b"a reportlab document")
            signature.update(repr(tuple(date)).encode())
            self._doc.signature = signature
    return archival_canvas(tagging_canvas(DatedCanvas)) if tagged else DatedCanvas


class BriefDocTemplate(BaseDocTemplate):
    """A document with an optional cover page and footnoted body pages."""

    def __init__(self, fileobj, *, theme, styles, doc, notes: NoteStore, body_font: str,
                 one_page: bool = False, runs=None, script: Script | None = None,
                 tagger: Tagger | None = None, logo_place: str | None = None,
                 logo_elems=(None, None), **kwargs):
        self.tagger = tagger
        # The issuer's logo is shown to a reader once, where `logo_place` says ("cover" or
        # the first "footer"), drawn when that page ends (its place in the tree is after
        # what the page says) as its (Figure, Link) elements; elsewhere it is an artifact.
        self.logo_place = logo_place
        self.logo_elems = logo_elems
        self.theme = theme
        self.runs = runs or (lambda text, font: [(font, text)])
        self.script = script or Script(FontChain((), ()))
        digits = doc.labels.digits if theme.digits == "native" else "0123456789"
        self._digits = str.maketrans("0123456789", digits) if len(digits) == 10 else {}
        self.pstyles = styles
        self.model = doc
        self.heading_pages: dict[str, int] = {}
        self.pages_done = 0
        self._outline_level = -1
        self.number_font = body_font
        m = theme.margins
        width, height = theme.page_size
        super().__init__(fileobj, pagesize=theme.page_size, leftMargin=m["left"],
                         rightMargin=m["right"], topMargin=m["top"], bottomMargin=m["bottom"],
                         initialFontName=body_font, initialFontSize=10, **kwargs)
        frame_args = (m["left"], m["bottom"], width - m["left"] - m["right"],
                      height - m["top"] - m["bottom"])
        body = FootnoteFrame(*frame_args, id="body", notes=notes, leftPadding=0, rightPadding=0,
                             topPadding=0, bottomPadding=0)
        templates = []
        if doc.cover:
            band = theme.cover["band_height"]
            logo = doc.logos.get("cover")
            # the cover's text stops above the logo, which sits at the foot of the page
            bottom = m["bottom"] + (logo.height + 10 if logo else 0)
            cover_frame = Frame(m["left"], bottom, width - m["left"] - m["right"],
                                height - bottom - m["top"] * 0.6, id="cover",
                                leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0)
            templates.append(PageTemplate("cover", [cover_frame], onPage=self._draw_cover,
                                          onPageEnd=self._end_cover,
                                          autoNextPageTemplate="body"))
            self._band = band
        templates.append(PageTemplate("body", [body], onPage=self._draw_running,
                                      onPageEnd=self._draw_notes))
        self.addPageTemplates(templates)

    # ---------------------------------------------------------------- decorations

    def _draw_cover(self, canv, doc):
        width, height = self.theme.page_size
        with artifact(canv):
            canv.saveState()
            canv.setFillColor(HexColor(self.theme.cover["band"]))
            canv.rect(0, height - self._band, width, self._band, stroke=0, fill=1)
            canv.restoreState()
            m = self.theme.margins
            rtl = self.script.rtl
            # a row along the foot of the band, from the side the text starts on: the
            # first priority's icon is the first one a reader meets
            x = width - m["right"] if rtl else m["left"]
            for icon in self.model.cover_art:
                step = icon.width * 1.9
                draw_image(canv, icon, x - icon.width if rtl else x,
                           height - self._band + 12 * mm, icon.width, icon.height)
                x += -step if rtl else step
            logo = self.model.logos.get("cover")
            if logo and self.logo_place != "cover":
                draw_image(canv, _unlinked(logo), self._start_x(logo.width), m["bottom"],
                           logo.width, logo.height)

    def _end_cover(self, canv, doc):
        logo = self.model.logos.get("cover")
        if logo and self.logo_place == "cover":
            m = self.theme.margins
            draw_image(canv, logo, self._start_x(logo.width), m["bottom"], logo.width,
                       logo.height, *self.logo_elems)

    def _start_x(self, width: float) -> float:
        """Where something `width` wide sits at the margin its text lines start from:
        right to left, against the right margin."""
        m = self.theme.margins
        if self.script.rtl:
            return self.theme.page_size[0] - m["right"] - width
        return m["left"]

    def number(self, n: int) -> str:
        """A page number in the document's digits (Arabic-Indic in Arabic) or the theme's."""
        return str(n).translate(self._digits)

    def _text(self, canv, x: float, y: float, text: str, style, end: bool = False) -> float:
        """Draw one line of plain text starting (or, with `end`, ending) at x; its width.

        Text in a script that needs shaping, or in a right-to-left document, goes through
        the shaped line; the rest is drawn by `_say`, with the fallback font where needed.
        """
        if self.script.needs(text):
            line = self.script.line(text, style.fontName, style.fontSize, style.textColor)
            draw_line(canv, line, x - line.width if end else x, y)
            return line.width
        canv.setFillColor(style.textColor)
        return self._say(canv, x, y, text, style, right=end)

    def _width(self, text: str, style) -> float:
        if self.script.needs(text) and text.strip():   # a shaped line drops edge spaces
            return self.script.line(text, style.fontName, style.fontSize, style.textColor).width
        from reportlab.pdfbase.pdfmetrics import stringWidth
        return sum(stringWidth(part, font, style.fontSize)
                   for font, part in self.runs(text, style.fontName))

    def _draw_running(self, canv, doc):
        width, height = self.theme.page_size
        m = self.theme.margins
        head, foot = self.pstyles["header"], self.pstyles["footer"]
        rtl = self.script.rtl
        # right to left, what starts at the left margin starts at the right one
        start, end = (width - m["right"], m["left"]) if rtl else (m["left"], width - m["right"])
        canv.saveState()
        y = m["bottom"] * 0.5

        def head_and_rule():
            if self.model.running_head and not self.model.one_page:
                with artifact(canv, "Pagination", "Header"):
                    self._text(canv, start, height - m["top"] * 0.55, self.model.running_head,
                               head, end=rtl)
            rule = self.theme.palette.get("rule", "#cccccc")
            canv.setStrokeColor(HexColor(rule))
            canv.setLineWidth(0.5)
            with artifact(canv):
                canv.line(m["left"], y + foot.fontSize + 3, width - m["right"],
                          y + foot.fontSize + 3)

        self._as_before(canv, "head", None, head_and_rule)
        footer = artifact(canv, "Pagination", "Footer")
        footer.__enter__()
        author_x = start
        logo = self.model.logos.get("footer")
        if logo:
            if self.logo_place != "footer":     # else drawn as the Figure at the page end
                draw_image(canv, _unlinked(logo), *self._footer_logo_at(logo), logo.width,
                           logo.height)
            author_x = start - logo.width - 6 if rtl else start + logo.width + 6

        def author():
            if self.model.meta.author:
                self._text(canv, author_x, y, self.model.meta.author[:90], foot, end=rtl)
            if self.model.one_page and self.model.footer_note:
                self._text(canv, end, y, self.model.footer_note, foot, end=not rtl)

        self._as_before(canv, "author", author_x, author)
        if not self.model.one_page and rtl:
            # "صفحة ٣ من ١٢": the total, known only at the end, is the leftmost word
            label = self.model.labels.page_of
            before = label.split("{pages}")[0].replace("{page}", self.number(doc.page))
            suffix = label.split("{pages}", 1)[1] if "{pages}" in label else ""
            reserve = self._width(self.number(99) + suffix, foot)
            x = m["left"] + reserve
            space = self._width(" ", foot) if before.endswith(" ") else 0
            self._text(canv, x + space, y, before.strip(), foot)
            canv.translate(x, y)
            canv.doForm("total-pages")
        elif not self.model.one_page:
            label = self.model.labels.page_of
            before = label.split("{pages}")[0].replace("{page}", self.number(doc.page))
            nn = self.number(99)
            width_total = self._width(label.replace("{page}", nn).replace("{pages}", nn), foot)
            x = width - m["right"] - width_total
            used = self._text(canv, x, y, before, foot)
            canv.translate(x + used, y)
            canv.doForm("total-pages")
        footer.__exit__(None, None, None)
        canv.restoreState()

    replay_decoration = True   # False: every page draws its running head and footer afresh

    def _as_before(self, canv, part: str, key, draw) -> None:
        """Draw one part of the page decoration that is the same on every page, or append
        what this document's first page drew for it (with the same `key`) to the page.

        The running head, the rule and the issuer's name come out as the same operators on
        every page: each page starts from the same graphics state, the part sets the
        colours, fonts and lines it uses, its marked content (artifacts, no MCIDs) is
        balanced, and within one document the fonts' codes for its characters are fixed
        once drawn. It makes no annotation and uses no picture (the footer's logo is drawn
        apart, afresh). Only the page number differs, and it is drawn afresh."""
        drawn = self.__dict__.setdefault("_drawn", {})
        known = drawn.get(part)
        if known is not None and known[0] == key and self.replay_decoration:
            canv._code.extend(known[1])
            return
        start = len(canv._code)
        draw()
        drawn[part] = (key, canv._code[start:])

    def _footer_logo_at(self, logo) -> tuple[float, float]:
        # at the start of the footer line (the right in a right-to-left document),
        # bottom-aligned with the text's descenders; the issuer's name follows it
        m = self.theme.margins
        return (self._start_x(logo.width),
                m["bottom"] * 0.5 - self.pstyles["footer"].fontSize * 0.25)

    def _say(self, canv, x, y, text, style, right=False) -> float:
        """Draw one line of user text (a name, an organisation) in the style's font, with
        the characters it lacks in the fallback font, as paragraphs are; the width drawn.
        The renderer has checked beforehand that one of the two has every character."""
        runs = self.runs(text, style.fontName)
        widths = [canv.stringWidth(part, font, style.fontSize) for font, part in runs]
        if right:
            x -= sum(widths)
        start = x
        for (font, part), w in zip(runs, widths):
            canv.setFont(font, style.fontSize)
            canv.drawString(x, y, part)
            x += w
        canv.setFont(style.fontName, style.fontSize)
        return x - start

    def _draw_notes(self, canv, doc):
        for frame in self.pageTemplate.frames:
            if isinstance(frame, FootnoteFrame):
                frame.draw_notes(canv)
        logo = self.model.logos.get("footer")
        if logo and self.logo_place == "footer":
            draw_image(canv, logo, *self._footer_logo_at(logo), logo.width, logo.height,
                       *self.logo_elems)
            self.logo_place = "drawn"     # the other pages' footers draw it as an artifact

    # ---------------------------------------------------------------- hooks

    def beforeDocument(self):
        self.canv.tagger = self.tagger

    def afterPage(self):
        self.pages_done += 1

    def afterFlowable(self, flowable):
        if isinstance(flowable, HeadingParagraph) and flowable.key:
            key = flowable.key
            if key in self.heading_pages:  # split headings report twice
                return
            self.heading_pages[key] = self.page
            level = min(flowable.level - 1, self._outline_level + 1)
            self._outline_level = level
            self.canv.addOutlineEntry(flowable.label, key, level=level, closed=False)

    def _endBuild(self):
        self._doSave = 0
        super()._endBuild()
        if self.heading_pages:
            self.canv.showOutline()  # open the bookmarks pane
        self._define_numbers()
        self.canv.save()
        _release(self.canv)

    def _define_numbers(self):
        canv = self.canv
        foot = self.pstyles["footer"]
        toc = self.pstyles["toc1"]
        suffix = self.model.labels.page_of.split("{pages}", 1)[-1] \
            if "{pages}" in self.model.labels.page_of else ""
        rtl = self.script.rtl
        canv.beginForm("total-pages", lowerx=-200, lowery=-10, upperx=200, uppery=40)
        # right to left the total ends where the form is placed; left to right it starts
        self._text(canv, 0, 0, f"{self.number(self.pages_done)}{suffix}", foot, end=rtl)
        canv.endForm()
        for key in self.toc_keys:
            page = self.heading_pages.get(key, 0)
            canv.beginForm(f"pg-{key}", lowerx=-200, lowery=-10, upperx=200, uppery=40)
            if page:   # numbers sit at the outer side: the left in right-to-left contents
                self._text(canv, 0, 0, self.number(page), toc, end=not rtl)
            canv.endForm()

    toc_keys: list[str] = []


def _release(canv) -> None:
    """Once the file is written, nothing reads the canvas or its PDF document again.
    They hold every page, font and annotation object of the file in reference cycles
    (objects that point back at the document), which only the cyclic collector frees:
    in a process that builds many documents (a campaign worker, serve) its traversal of
    them after each document cost more than the freeing. Emptied, they are freed at once
    by reference counting."""
    doc = getattr(canv, "_doc", None)
    if doc is not None:
        doc.__dict__.clear()
    canv.__dict__.clear()


def _unlinked(logo):
    """A logo drawn as an artifact has no link: every link annotation of a tagged PDF
    belongs to a Link element, and the logo's link is where its Figure is."""
    from dataclasses import replace
    return replace(logo, link="") if logo.link else logo


def first_template_switch():
    return NextPageTemplate("body")
