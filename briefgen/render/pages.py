"""Pages: templates, running header and footer, outline, and numbers drawn after layout.

One layout pass only. "Page 3 of 12" and the contents' page numbers are PDF forms that
the pages reference while they are laid out and that are defined once the last page is
known, so no second pass is needed.
"""

from __future__ import annotations

import hashlib

from reportlab.lib.colors import HexColor
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Frame, NextPageTemplate, PageTemplate
from reportlab.platypus.doctemplate import BaseDocTemplate

from briefgen.render.flow import HeadingParagraph
from briefgen.render.footnotes import FootnoteFrame, NoteStore


class _Stamp:
    """The PDF's creation date: the document's own date, never the clock."""

    def __init__(self, year: int, month: int, day: int):
        self.t = 0
        self.YMDhms = (year, month, day, 0, 0, 0)
        self.dhh = self.dmm = 0
        self.tzname = "UTC"


def canvas_maker(date: tuple[int, int, int]):
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
    return DatedCanvas


class BriefDocTemplate(BaseDocTemplate):
    """A document with an optional cover page and footnoted body pages."""

    def __init__(self, fileobj, *, theme, styles, doc, notes: NoteStore, body_font: str,
                 one_page: bool = False, runs=None, **kwargs):
        self.theme = theme
        self.runs = runs or (lambda text, font: [(font, text)])
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
            cover_frame = Frame(m["left"], m["bottom"], width - m["left"] - m["right"],
                                height - m["bottom"] - m["top"] * 0.6, id="cover",
                                leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0)
            templates.append(PageTemplate("cover", [cover_frame], onPage=self._draw_cover,
                                          autoNextPageTemplate="body"))
            self._band = band
        templates.append(PageTemplate("body", [body], onPage=self._draw_running,
                                      onPageEnd=self._draw_notes))
        self.addPageTemplates(templates)

    # ---------------------------------------------------------------- decorations

    def _draw_cover(self, canv, doc):
        width, height = self.theme.page_size
        canv.saveState()
        canv.setFillColor(HexColor(self.theme.cover["band"]))
        canv.rect(0, height - self._band, width, self._band, stroke=0, fill=1)
        canv.restoreState()

    def _draw_running(self, canv, doc):
        width, height = self.theme.page_size
        m = self.theme.margins
        head, foot = self.pstyles["header"], self.pstyles["footer"]
        canv.saveState()
        canv.setFont(head.fontName, head.fontSize)
        canv.setFillColor(head.textColor)
        if self.model.running_head and not self.model.one_page:
            self._say(canv, m["left"], height - m["top"] * 0.55, self.model.running_head, head)
        rule = self.theme.palette.get("rule", "#cccccc")
        canv.setStrokeColor(HexColor(rule))
        canv.setLineWidth(0.5)
        y = m["bottom"] * 0.5
        canv.line(m["left"], y + foot.fontSize + 3, width - m["right"], y + foot.fontSize + 3)
        canv.setFont(foot.fontName, foot.fontSize)
        canv.setFillColor(foot.textColor)
        if self.model.meta.author:
            self._say(canv, m["left"], y, self.model.meta.author[:90], foot)
        if self.model.one_page and self.model.footer_note:
            self._say(canv, width - m["right"], y, self.model.footer_note, foot, right=True)
        if not self.model.one_page:
            label = self.model.labels.page_of
            before = label.split("{pages}")[0].replace("{page}", str(doc.page))
            width_total = canv.stringWidth(label.replace("{page}", "99").replace("{pages}", "99"),
                                           foot.fontName, foot.fontSize)
            x = width - m["right"] - width_total
            advance = self._say(canv, x, y, before, foot)
            canv.translate(x + advance, y)
            canv.doForm("total-pages")
        canv.restoreState()

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

    # ---------------------------------------------------------------- hooks

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

    def _define_numbers(self):
        canv = self.canv
        foot = self.pstyles["footer"]
        toc = self.pstyles["toc1"]
        suffix = self.model.labels.page_of.split("{pages}", 1)[-1] \
            if "{pages}" in self.model.labels.page_of else ""
        canv.beginForm("total-pages", lowerx=-10, lowery=-10, upperx=200, uppery=40)
        canv.setFont(foot.fontName, foot.fontSize)
        canv.setFillColor(foot.textColor)
        canv.drawString(0, 0, f"{self.pages_done}{suffix}")
        canv.endForm()
        for key in self.toc_keys:
            page = self.heading_pages.get(key, 0)
            canv.beginForm(f"pg-{key}", lowerx=-200, lowery=-10, upperx=10, uppery=40)
            canv.setFont(toc.fontName, toc.fontSize)
            canv.setFillColor(toc.textColor)
            canv.drawRightString(0, 0, str(page) if page else "")
            canv.endForm()

    toc_keys: list[str] = []


def first_template_switch():
    return NextPageTemplate("body")
