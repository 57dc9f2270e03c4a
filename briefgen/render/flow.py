"""Document blocks to ReportLab flowables."""

from __future__ import annotations

from pathlib import Path

from reportlab.lib.colors import HexColor
from reportlab.pdfbase.pdfmetrics import getAscentDescent
from reportlab.platypus import PageBreak, Paragraph, Spacer
from reportlab.platypus.flowables import CondPageBreak, Flowable

from briefgen import document as d
from briefgen import inline
from briefgen.render import tags
from briefgen.render.footnotes import FootnoteFrame, NoteBox, NoteParagraph
from briefgen.render.linebreaks import BreakStore, ById, CachedBreaks, style_key
from briefgen.render.markup import Marker
from briefgen.render.shaping import FontChain, Script
from briefgen.render.tags import Elem, ParaTag, TaggedParagraph

# Paragraph styles that are headings in the structure tree (one-page sheets title their
# parts with styled paragraphs, not Heading blocks); "+1" is one level below the heading
# the paragraph sits under.
HEADING_STYLES = {"cover_title": 1, "sheet_title": 1, "cover_section": 2, "sheet_section": 2,
                  "glance_title": 2, "box_title": "+1"}


class BodyParagraph(CachedBreaks, TaggedParagraph):
    """A paragraph whose line breaks are kept for the next one with the same text."""


class HeadingParagraph(CachedBreaks, TaggedParagraph):
    """A heading that the page template bookmarks and lists in the contents."""

    key = ""
    level = 0
    label = ""
    toc = True
    icon = None     # a d.Image hung in the left margin, centred on the first line

    def draw(self):
        super().draw()
        self.draw_icon()

    def draw_icon(self):
        # Hung in the margin before the text: the left one, or the right in right-to-left
        # documents. ShapedParagraph.draw calls this too, since it replaces draw().
        icon = self.icon
        if icon is not None:
            from briefgen.render.images import draw_image
            first = self.style.leading
            y = self.height - first / 2 - icon.height / 2 - self.style.fontSize * 0.1
            gap = 0.4 * icon.width
            x = self.width + gap if getattr(self, "rtl", False) else -icon.width - gap
            draw_image(self.canv, icon, x, y, icon.width, icon.height)


class IconItem(CachedBreaks, TaggedParagraph):
    """A list item with an icon in place of its bullet, centred on its first line."""

    icon = None

    def draw(self):
        super().draw()
        self.draw_icon()

    def draw_icon(self):
        # In the bullet's place: at the start of the line, which is the right edge in
        # right-to-left documents. ShapedParagraph.draw calls this too.
        icon = self.icon
        y = self.height - self.style.leading / 2 - icon.height / 2 - self.style.fontSize * 0.1
        from briefgen.render.images import draw_image
        x = self.width - icon.width if getattr(self, "rtl", False) else 0
        draw_image(self.canv, icon, x, y, icon.width, icon.height)


class FillSpacer(Flowable):
    """Empty space that pushes the flowables after it to the foot of the frame."""

    def __init__(self):
        super().__init__()
        self.following: list = []

    def wrap(self, availWidth, availHeight):
        need = 0.0
        for f in self.following:
            _, h = f.wrap(availWidth, availHeight)
            need += h + f.getSpaceBefore() + f.getSpaceAfter()
        self.width, self.height = availWidth, max(0.0, availHeight - need - 1)
        return self.width, self.height

    def draw(self):
        pass


class ArtifactParagraph(Paragraph):
    """Text drawn for the eye only (tagged PDF: an artifact)."""

    artifact_only = True    # read by tags.TaggedShaped, for the shaped variant

    def draw(self):
        with tags.artifact(self.canv):
            super().draw()


class KeepWithNext(CondPageBreak):
    """Start a new frame unless the headings and the start of what follows fit here.

    ReportLab's keepWithNext moves a heading on whenever heading plus the *whole* next
    paragraph do not fit, which leaves pages half empty; this needs only the first lines.
    `headings` is the run of headings from this one to the text they head (a section
    title directly followed by a subheading), so neither is left alone at a page foot.
    """

    def __init__(self, headings: list[Flowable], following: Flowable | None):
        super().__init__(0)
        self.headings = headings
        self.following = following

    def wrap(self, availWidth, availHeight):
        frame = self._doctemplateAttr("frame")
        need = 0.0
        for i, heading in enumerate(self.headings):
            _, h = heading.wrap(availWidth, availHeight)
            if i or not getattr(frame, "_atTop", True):
                need += heading.getSpaceBefore()
            need += h + heading.getSpaceAfter()
        nxt = self.following
        if isinstance(nxt, Paragraph):
            need += nxt.getSpaceBefore() + 2.2 * nxt.style.leading  # two lines: no orphan
        elif nxt is not None:
            _, nh = nxt.wrap(availWidth, availHeight)
            if isinstance(nxt, Box) and nh > _frame_height(frame, availHeight):
                nh = 4 * 14.0  # it splits wherever it starts: its first lines are enough
            need += nxt.getSpaceBefore() + nh
        if nxt is not None and isinstance(frame, FootnoteFrame):
            # Without the notes what follows would cite, a heading stays at the foot of a
            # page that fits the next box but not the box and its footnotes.
            need += frame.note_room(nxt)
        self.height = need
        return super().wrap(availWidth, availHeight)


class Box(Flowable):
    """A tinted panel with a rule on its left; it moves whole to the next page.

    Only a box taller than a whole page splits (a 12 KB local context, a very long
    example): what fits stays, the rest goes on in a box that starts with `continued`, a
    short line such as "(continued)".

    Drawn directly rather than as a one-cell Table: a Table re-wraps its cell on every
    draw and leaves its default Helvetica in the page's font resources.
    """

    def __init__(self, content: list, *, padding: float, background: str | None,
                 border: str | None, border_width: float, continued=None,
                 rtl: bool = False, icon=None):
        super().__init__()
        self.rtl = rtl             # the rule on the right, where right-to-left lines start
        self._content = content
        self.icon = icon            # d.Image at the top right (align right) or left
        self.padding = padding
        self.background = HexColor(background) if background else None
        self.border = HexColor(border) if border else None
        self.border_width = border_width if border else 0.0
        self.continued = continued      # () -> the flowable that opens a continuation
        self._placed: list[tuple[Flowable, float]] = []
        self._look = dict(padding=padding, background=background, border=border,
                          border_width=border_width, continued=continued, rtl=rtl)

    def _icon_room(self) -> float:
        return self.icon.width + self.padding if self.icon is not None else 0.0

    def wrap(self, availWidth, availHeight):
        inner = availWidth - 2 * self.padding - self.border_width - self._icon_room()
        y, placed, last = self.padding, [], len(self._content) - 1
        for i, f in enumerate(self._content):
            if i:
                y += f.getSpaceBefore()
            _, h = f.wrap(inner, 0x7FFFFFFF)
            placed.append((f, y + h))
            y += h + (f.getSpaceAfter() if i < last else 0)
        self._placed = placed
        if self.icon is not None:
            y = max(y, self.padding + self.icon.height)
        self.width, self.height = availWidth, y + self.padding
        return self.width, self.height

    def split(self, availWidth, availHeight):
        frame = self._doctemplateAttr("frame")
        self.wrap(availWidth, availHeight)
        if self.continued is None or self.height <= _frame_height(frame, availHeight):
            return []  # it fits a page: it moves whole to the next one
        inner = availWidth - 2 * self.padding - self.border_width - self._icon_room()
        room = availHeight - 2 * self.padding
        y, head, tail = 0.0, [], None
        for i, f in enumerate(self._content):
            gap = f.getSpaceBefore() if head else 0.0
            _, h = f.wrap(inner, 0x7FFFFFFF)
            if y + gap + h <= room:
                head.append(f)
                y += gap + h + f.getSpaceAfter()
                continue
            parts = f.split(inner, room - y - gap) if room - y - gap > 0 else []
            if parts:
                head.append(parts[0])
                tail = [*parts[1:], *self._content[i + 1:]]
            else:
                tail = self._content[i:]
            break
        if tail is None or not head:
            return []  # it fits, or not even its first line does: ReportLab says so
        first = type(self)(head, **self._look, icon=self.icon)  # the icon opens the box
        rest = type(self)([self.continued(), *tail], **self._look)
        first.spaceBefore, rest.spaceAfter = self.spaceBefore, self.spaceAfter
        first.spaceAfter = rest.spaceBefore = 0
        return [first, rest]

    def draw(self):
        canv = self.canv
        with tags.artifact(canv):
            canv.saveState()
            if self.background is not None:
                canv.setFillColor(self.background)
                canv.rect(0, 0, self.width, self.height, stroke=0, fill=1)
            if self.border is not None:
                canv.setFillColor(self.border)
                x = self.width - self.border_width if self.rtl else 0
                canv.rect(x, 0, self.border_width, self.height, stroke=0, fill=1)
            canv.restoreState()
        x = self.padding if self.rtl else self.border_width + self.padding
        if self.icon is not None:
            from briefgen.render.images import draw_image
            icon = self.icon
            top = self.height - self.padding - icon.height
            if (icon.align == "right") != self.rtl:     # mirrored right to left
                right = self.width - self.padding - (self.border_width if self.rtl else 0)
                draw_image(canv, icon, right - icon.width, top, icon.width, icon.height)
            else:
                draw_image(canv, icon, x, top, icon.width, icon.height)
                x += self._icon_room()
        for f, bottom in self._placed:
            f.drawOn(canv, x, self.height - bottom)


def _frame_height(frame, default: float) -> float:
    """The height a whole page's frame offers (what a box must exceed to split)."""
    height = getattr(frame, "_height", None)
    if not height:
        return default
    return height - getattr(frame, "_topPadding", 0) - getattr(frame, "_bottomPadding", 0)


class NoteCarryingBox(NoteBox, Box):
    pass


class Contents(Flowable):
    """The contents list: titles, dot leaders and page numbers drawn after layout."""

    def __init__(self, entries, styles, number_font: str, link_color: str,
                 cache: ParagraphCache | None = None, script: Script | None = None, links=None):
        super().__init__()
        self.cache = cache
        self.script = script or Script(FontChain((), ()))
        self.entries = entries      # (level, markup, key)
        self.links = links          # tagged PDF: the Link element of each entry
        self.styles = styles        # level -> ParagraphStyle
        self.number_font = number_font
        self.link_color = link_color
        self._rows: list[tuple[Paragraph, float, str, int]] = []

    def wrap(self, availWidth, availHeight):
        self._rows, total = [], 0.0
        number_room = 36
        for level, markup, key in self.entries:
            style = self.styles[min(level, max(self.styles))]
            cls = self.script.cls(BodyParagraph, markup)
            para = self.cache.make(cls, markup, style) if self.cache else cls(markup, style)
            _, h = para.wrap(availWidth - number_room - style.leftIndent, availHeight)
            self._rows.append((para, h, key, level))
            total += h + style.spaceBefore + style.spaceAfter
        self.width, self.height = availWidth, total
        return availWidth, total

    def draw(self):
        canv = self.canv
        y = self.height
        for i, (para, h, key, level) in enumerate(self._rows):
            link = self.links[i] if self.links else None
            style = para.style
            y -= style.spaceBefore + h
            rtl = self.script.rtl
            # right to left: the entry starts at the right, the number sits at the left
            para_x = self.width - para.width - style.leftIndent if rtl else style.leftIndent
            with tags.tagged(canv, link):
                para.drawOn(canv, para_x, y)
            ascent = getAscentDescent(style.fontName, style.fontSize)[0]
            if hasattr(para, "line_extent"):
                n_lines = len(para._lines)
                left, right = para.line_extent(-1)
                text_end = para_x + (left if rtl else right)
            else:
                lines = para.blPara.lines
                n_lines = len(lines)
                # a line of one-font text (kind 0) is a tuple (extraSpace, words); a line of
                # mixed fragments (kind 1) has the attribute
                last = lines[-1]
                used = last[0] if para.blPara.kind == 0 else getattr(last, "extraSpace", None)
                text_end = style.leftIndent + (para.width - used if used is not None
                                               else para.width)
            # the number and leader sit on the baseline of the entry's last line
            baseline = y + h - ascent - (n_lines - 1) * style.leading
            _artifact = tags.artifact(canv)
            _artifact.__enter__()
            canv.saveState()
            canv.setFont(self.number_font, style.fontSize * 0.8)
            canv.setFillColor(HexColor("#9aa5b1"))
            dot_w = canv.stringWidth(". ", self.number_font, style.fontSize * 0.8)
            # one string of spaced dots between the entry's end and the number's room
            if rtl:
                dots = int((text_end - 6 - 30) // dot_w)
                if dots > 0:
                    canv.drawRightString(text_end - 6, baseline, ". " * dots)
            else:
                dots = int((self.width - 30 - text_end - 6) // dot_w)
                if dots > 0:
                    canv.drawString(text_end + 6, baseline, ". " * dots)
            canv.restoreState()
            canv.saveState()
            canv.translate(0 if rtl else self.width, baseline)
            canv.setFont(self.number_font, style.fontSize)
            canv.setFillColor(style.textColor)
            canv.doForm(f"pg-{key}")
            canv.restoreState()
            _artifact.__exit__(None, None, None)
            canv.annotation_owner = link
            canv.linkRect("", key, (0, y - 2, self.width, y + h), relative=1, thickness=0)
            canv.annotation_owner = None
            y -= style.spaceAfter


class ParagraphCache:
    """Parsed paragraph markup, reused across documents built by one process.

    Campaigns and repeated builds lay out the same texts again and again; parsing
    ReportLab's markup is a fifth of a brief's time. Frags are only read during layout,
    so sharing them is safe. Bounded, so that memory stays flat over thousands of rows.
    """

    # Least recently used dropped first: a campaign's rows share a few hundred paragraphs,
    # and each row adds its town's own, which later rows never ask for again (a larger
    # bound only grows each worker's memory, about 28 KB a row, for nothing).
    LIMIT = 2_000

    def __init__(self):
        self._parsed = BreakStore(self.LIMIT)
        self.breaks = BreakStore(1_500)
        self._icon_styles: dict = {}   # (id(style), room, numbered) -> (style, its parent)

    def next_document(self) -> None:
        """Called before each document: what only one document uses stays on probation."""
        self._parsed.next_document()
        self.breaks.next_document()

    def nested(self, style, depth: int):
        """The style of a sub-list item, made once per style and depth."""
        key = ("nested", id(style), depth)
        hit = self._parsed.get(key)
        if hit is None:
            from reportlab.lib.styles import ParagraphStyle
            hit = (ParagraphStyle(
                f"{style.name}-{depth}", parent=style, leftIndent=style.leftIndent + 14 * depth,
                bulletIndent=style.bulletIndent + 14 * depth), style)
            self._parsed.put(key, hit)
        return hit[0]

    def icon_style(self, style, room: float, numbered: bool):
        """The style of a list item with an icon in the bullet's place (`room` wide, the
        item's number after it when `numbered`), made once per style, room and number
        rather than once per item and document (a new style is a new fingerprint to
        compute, see linebreaks.style_key)."""
        key = (id(style), room, numbered)
        hit = self._icon_styles.get(key)
        if hit is None:
            from reportlab.lib.styles import ParagraphStyle
            if len(self._icon_styles) >= 256:
                self._icon_styles.clear()
            hit = self._icon_styles[key] = (ParagraphStyle(
                f"{style.name}-icon", parent=style, bulletIndent=room,
                leftIndent=room + (style.leftIndent if numbered else 0)), style)
        return hit[0]

    def make(self, cls, markup: str, style, bullet: str | None = None):
        # the style by its values (linebreaks.style_key): the same key in every process,
        # so that the entries can be kept in the cache folder
        skey = style_key(style)
        key = (markup, skey, bullet)
        hit = self._parsed.get(key)
        if hit is None:
            para = cls(markup, style, bulletText=bullet)
            own = para.style is not style     # a style the parser made for this text
            self._parsed.put(key, (para.frags, para.bulletText, para.style if own else None,
                                   style if isinstance(skey, ById) else None))
        else:
            frags, bullet_text, parsed_style, _keep_alive = hit
            para = cls(markup, parsed_style or style, bulletText=bullet_text, frags=frags)
        if isinstance(para, CachedBreaks):
            para._breaks, para._break_key = self.breaks, key
            if isinstance(skey, ById):
                para._break_styles = (style, para.style)
        return para

    def record(self) -> None:
        """Note from now on which entries are used (a document's working set)."""
        self._parsed.touched, self.breaks.touched = set(), set()

    def recorded(self) -> tuple[set, set]:
        out = (self._parsed.touched or set(), self.breaks.touched or set())
        self._parsed.touched = self.breaks.touched = None
        return out


class Flow:
    """Converts a document's blocks to flowables with one theme's styles."""

    def __init__(self, theme, styles, marker: Marker, cache: ParagraphCache | None = None, *,
                 script: Script | None = None):
        self.theme = theme
        self.script = script or Script(FontChain((), ()))
        self.styles = styles
        self.m = marker
        self.cache = cache or ParagraphCache()
        self.contents_entries: list[tuple[int, str, str]] | None = None
        self.continued_label = "(continued)"
        self.contents_labels: dict[str, str] = {}   # key -> plain title
        # Tagged PDF: the structure tree is built here, from the blocks, before layout.
        self.tagger = marker.tagger
        self.parents: list[Elem] = [self.tagger.root] if self.tagger else []
        self.level = 0              # the last heading level in the tree
        self.section = 0            # the same, outside boxes

    def _continued(self):
        markup = self.m.text(self.continued_label)
        # a visual cue on the box's next page: an artifact, not read out
        return self.script.cls(ArtifactParagraph, markup)(markup, self.styles["box_caption"])

    # ------------------------------------------------------------ structure elements

    def elem(self, role: str, **kw) -> Elem | None:
        if self.tagger is None:
            return None
        return self.parents[-1].add(Elem(role, **kw))

    def heading_role(self, level, in_box: bool = False) -> str:
        if level == "+1":
            level = self.section + 1
        level = max(1, min(int(level), self.level + 1, 6))
        self.level = level
        if not in_box:
            self.section = level
        return f"H{level}"

    def tag(self, para, role: str | None, inlines, label: Elem | None = None,
            block: Elem | None = None):
        if self.tagger is not None:
            para._tag = ParaTag(block or self.elem(role), label, inlines)
        return para

    def para(self, nodes, style: str, cls=None, in_box: bool = False,
             role: str | None = None) -> Paragraph:
        st = self.styles[style]
        inlines = [] if self.tagger else None
        lang, own = _whole_lang(nodes)
        markup = self.m.nodes(own, upper=self._upper(style), inlines=inlines, lang=lang)
        if cls is None:
            cls = NoteParagraph if _has_notes(nodes) else BodyParagraph
        para = self.cache.make(self.script.cls(cls, markup), markup, st)
        if self.tagger is not None:
            level = HEADING_STYLES.get(style)
            role = role or (self.heading_role(level, in_box) if level else "P")
            self.tag(para, role, inlines)
            para._tag.block.lang = lang
        return para

    def blocks(self, blocks) -> list:
        out: list = []
        for block in blocks:
            out.extend(self.block(block))
        for i, f in enumerate(out):
            if isinstance(f, FillSpacer):
                f.following = out[i + 1:]
        # Headings keep with what follows them.
        result = []
        for i, f in enumerate(out):
            if isinstance(f, HeadingParagraph):
                run, following = [f], None
                for g in out[i + 1:]:
                    if isinstance(g, HeadingParagraph):
                        run.append(g)
                    elif not isinstance(g, Spacer):
                        following = g
                        break
                result.append(KeepWithNext(run, following))
            result.append(f)
        return result

    def block(self, b) -> list:
        if isinstance(b, d.Heading):
            style = b.style or f"h{b.level}"
            anchor = f'<a name="{b.key}"/>' if b.key else ""
            st = self.styles[style]
            inlines = [] if self.tagger else None
            lang, own = _whole_lang(b.text)
            markup = anchor + self.m.nodes(own, upper=self._upper(style), inlines=inlines,
                                           lang=lang)
            para = self.cache.make(self.script.cls(HeadingParagraph, markup), markup, st)
            para.key, para.level, para.toc = b.key, b.level, b.toc
            para.label = b.label or inline.plain(b.text)
            para.icon = b.icon
            if self.tagger is not None:
                self.tag(para, self.heading_role(b.level), inlines)
                para._tag.block.lang = lang
            return [para]
        if isinstance(b, d.Paragraph):
            return [self.para(b.text, b.style)]
        if isinstance(b, d.BulletList):
            return self.bullets(b.items, b.style, 0, b.numbered)

        if isinstance(b, d.Box):
            return [self.box(b)]
        if isinstance(b, d.Contents):
            return self.contents(b)
        if isinstance(b, d.Endnotes):
            return self.endnotes(b)
        if isinstance(b, d.Image):
            return [self.picture(b)]
        if isinstance(b, d.PageBreak):
            return [PageBreak()]
        if isinstance(b, d.Spacer):
            return [FillSpacer()] if b.fill else [Spacer(1, b.height)]
        raise TypeError(f"unknown block {type(b).__name__}")

    def _upper(self, style: str) -> bool:
        return self.theme.styles[style].upper

    def bullets(self, items, style: str, depth: int, numbered: bool = False) -> list:
        out = []
        base = self.styles[style]
        ask = self.styles.get("ask", base)
        numbering = "Decimal" if numbered or any(i.label for i in items) else \
            ("Circle" if depth else "Disc")
        lst = self.elem("L", attrs={"O": "List", "ListNumbering": numbering})
        for number, item in enumerate(items, 1):
            st = ask if item.tagged else base
            text = item.text
            markup = ""
            inlines = [] if self.tagger else None
            if item.tag:
                tag, tag_theme = self.styles["ask_tag"], self.theme.styles["ask_tag"]
                markup = (f'<font name="{tag.fontName}" size="{tag.fontSize:.1f}" '
                          f'color="{tag_theme.color}">'
                          f'{self.m.nodes(item.tag, upper=tag_theme.upper, inlines=inlines)}'
                          f'</font><br/>')
            lang, own = _whole_lang(text) if not item.tag else (None, text)
            markup += self.m.nodes(own, inlines=inlines, lang=lang)
            if depth:
                st = self.cache.nested(st, depth)
            cls = NoteParagraph if (_has_notes(text)) else BodyParagraph
            bullet = item.label or (f"{number}." if numbered else ("\u2013" if depth else "\u2022"))
            if item.tag:
                bullet = None  # the tag and the tint set the item apart; a bullet is one too many
            if item.icon is not None:
                para = self.icon_item(item.icon, markup, st, item.label or None)
            else:
                para = self.cache.make(self.script.cls(cls, markup), markup, st, bullet)
            body = None
            if lst is not None:
                li = lst.add(Elem("LI"))
                drawn = item.label or None if item.icon is not None else bullet
                label = li.add(Elem("Lbl")) if drawn else None   # no bullet, no Lbl
                body = li.add(Elem("LBody"))
                # with a sub-list, the item's own text is a P before it: text is added to
                # the tree as it is drawn, the sub-list now
                text_elem = body.add(Elem("P")) if item.children else body
                text_elem.lang = lang
                self.tag(para, None, inlines, label=label, block=text_elem)
            out.append(para)
            if item.children:
                if body is not None:
                    self.parents.append(body)
                out.extend(self.bullets(item.children, style, depth + 1))
                if body is not None:
                    self.parents.pop()
        return out

    def box(self, b: d.Box):
        st, look = self.styles[b.style], self.theme.styles[b.style]
        group = self.elem("Box")
        if group is not None:
            self.parents.append(group)
        cell = [self.para(b.title, "box_title", in_box=True)] if b.title else []
        if b.caption:
            cell.append(self.para(b.caption, "box_caption", in_box=True))
        notes = _has_notes(b.title) or _has_notes(b.caption)
        for blk in b.body:
            if isinstance(blk, d.Paragraph):
                cell.append(self.para(blk.text, blk.style if blk.style != "body" else "box_body",
                                      in_box=True))
                notes = notes or _has_notes(blk.text)
            else:
                cell.extend(self.block(blk))
        if group is not None:
            self.parents.pop()
        cls = NoteCarryingBox if notes else Box
        box = cls(cell, padding=look.padding, background=look.background, border=look.border,
                  border_width=look.border_width, continued=self._continued,
                  rtl=self.script.rtl, icon=b.icon)
        box.spaceBefore, box.spaceAfter = st.spaceBefore, st.spaceAfter
        return box

    def icon_item(self, icon: d.Image, markup: str, st, label: str | None) -> Paragraph:
        """The icon, then the item's own number (kept: the text refers to it), then text."""
        style = self.cache.icon_style(st, icon.width * 1.5, bool(label))
        # The script's class, so that Arabic or Bengali item text is shaped like any other.
        para = self.cache.make(self.script.cls(IconItem, markup), markup, style, label)
        para.icon = icon
        return para

    def picture(self, b: d.Image):
        """A picture in the flow. Tagged PDF: a picture with alt text is a Figure with its
        Alt (inside a Link when it links), its credit line a Caption beside it in a Div
        (an Alt stands for its element's whole content, so a Caption inside the Figure
        would never be read); a picture without alt text and its credit are artifacts."""
        from briefgen.pictures import inspect
        from briefgen.render.images import Picture
        info = inspect(Path(b.path))
        fig = link = None
        if self.tagger is not None and has_alt(b):
            group = self.elem("Div") if b.credit else None
            if group is not None:
                self.parents.append(group)
            fig, link = figure_elems(self.parents[-1], b)
        credit = None
        if b.credit:
            style = "credit" if "credit" in self.styles else "small"
            if fig is not None:
                credit = self.para((inline.Text(b.credit),), style, role="Caption")
                self.parents.pop()
            else:   # no element: Picture draws it as an artifact
                markup = self.m.nodes((inline.Text(b.credit),))
                credit = self.cache.make(self.script.cls(BodyParagraph, markup), markup,
                                         self.styles[style])
        pic = Picture(b, credit, (info.width, info.height), figure=fig, link=link)
        pic.spaceBefore, pic.spaceAfter = 4, 10
        return pic

    def contents(self, b: d.Contents):
        entries = self.contents_entries or []
        levels = {1: self.styles["toc1"], 2: self.styles["toc2"]}
        title = self.block(d.Heading(b.title, 1, key="", toc=False, style="h1"))
        number_font = self.styles["toc1"].fontName
        links = None
        if self.tagger is not None:
            toc, links = self.elem("TOC"), []
            for _, markup, key in entries:
                label = self.contents_labels.get(key, key)
                links.append(toc.add(Elem("TOCI")).add(tags.link("#" + key, label)))
        return title + [Contents(entries, levels, number_font, self.m.link_color, self.cache,
                                 self.script, links)]

    def endnotes(self, b: d.Endnotes) -> list:
        st = self.styles["endnote"]
        out = []
        lst = self.elem("L", attrs={"O": "List", "ListNumbering": "LowerRoman"})
        mk = tags.marker if lst is not None else (lambda label: "")
        for e in b.entries:
            label = e.label
            inlines = None
            if lst is not None:
                inlines = [Elem("Lbl"), tags.link(f"#enref-{label}", self.m.callout_words[2]),
                           Elem("LBody")]
            text = self.m.nodes(e.text, inlines=inlines)
            url = self.m.text(e.url)
            if inlines is not None:
                inlines.append(tags.link(e.href, e.url))
            markup = (f'<a name="en-{label}"/>{mk("o0")}{mk("o1")}<a href="#enref-{label}" '
                      f'color="{self.m.link_color}">{label}</a>{mk("c1")}{mk("c0")}{mk("o2")}'
                      f'\u2003{text} {mk(f"o{len(inlines) - 1}" if inlines else "")}'
                      f'<a href="{_attr(e.href)}" color="{self.m.link_color}">{url}</a>'
                      f'{mk(f"c{len(inlines) - 1}" if inlines else "")}{mk("c2")}')
            para = self.cache.make(self.script.cls(BodyParagraph, markup), markup, st)
            if lst is not None:
                self.tag(para, None, inlines, block=lst.add(Elem("LI")))
            out.append(para)
        return out


def _attr(url: str) -> str:
    from briefgen.render.markup import escape
    return escape(url).replace('"', "&quot;")


def has_alt(img: d.Image) -> bool:
    """Whether a picture says something to a reader who cannot see it: alt text that is
    more than the word "logo" (what a brand kit gives a logo when nobody is named)."""
    return not img.decorative and img.alt.strip().lower() not in ("", "logo")


def figure_elems(parent: Elem, img: d.Image) -> tuple[Elem, Elem | None]:
    """The Figure for a picture with alt text, added to `parent`; inside a Link (whose
    annotation it is) when the picture links somewhere: (figure, link or None)."""
    if img.link:
        link = parent.add(tags.link(img.link, f"{img.alt} ({img.link})"))
        link.alt = img.alt      # the link's name: it has no text of its own
        return link.add(Elem("Figure", alt=img.alt)), link
    return parent.add(Elem("Figure", alt=img.alt)), None


def _whole_lang(nodes) -> tuple[str | None, tuple]:
    """A block's text wholly in another language: (that language, the text), so that the
    block's element carries the language; else (None, nodes), any part in another
    language becoming a Span of its own."""
    if len(nodes) == 1 and isinstance(nodes[0], inline.Lang):
        return nodes[0].lang, nodes[0].children
    return None, nodes


def _has_notes(nodes) -> bool:
    return any(isinstance(n, inline.FootnoteMark) for n in inline.walk(nodes))

