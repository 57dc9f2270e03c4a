"""A briefgen `Document` written as Typst source, so that Typst typesets the same text.

Used by bench_typst.py only (never by briefgen). The document is composed by briefgen from
the bundled content pack, then each block becomes Typst: headings (bookmarked, listed by
`outline`), paragraphs and lists in the theme's sizes, colours and spacing, boxes as
unbreakable tinted blocks with a left rule, footnotes as Typst footnotes, endnotes as
labelled blocks their callouts link to, the contents page as `outline`, the running head
and "Page N of M" footer. The look is close to briefgen's, not identical: what matters
is that both typeset the same words, notes and links on pages of the same size.

Every text reaches Typst as a string literal inside code, so nothing in the content can
be read as Typst markup.
"""

from __future__ import annotations

from briefgen import document as d
from briefgen import inline


def lit(text: str) -> str:
    """A Typst string literal."""
    out = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    out = out.replace("\t", "\\t").replace("\r", "\\r")
    return f'"{out}"'


def length(pt: float) -> str:
    return f"{pt:.2f}pt"


class TypstWriter:
    def __init__(self, doc: d.Document, theme):
        self.doc = doc
        self.theme = theme
        self.seen_notes: set[int] = set()

    # ------------------------------------------------------------------ inline

    def inl(self, nodes, upper: bool = False) -> str:
        parts = [self.node(n, upper) for n in nodes]
        parts = [p for p in parts if p]
        if not parts:
            return "[]"
        if len(parts) == 1:
            return parts[0]
        return "(" + ", ".join(parts) + ").join()"

    def node(self, n, upper: bool) -> str:
        if isinstance(n, inline.Text):
            return lit(n.text.upper() if upper else n.text)
        if isinstance(n, inline.Styled):
            fn = "strong" if n.style == "b" else "emph"
            return f"{fn}({self.inl(n.children, upper)})"
        if isinstance(n, inline.Link):
            return f"link({lit(n.url)}, {self.inl(n.children, upper)})"
        if isinstance(n, inline.LineBreak):
            return "linebreak()"
        if isinstance(n, inline.FootnoteMark):
            num = n.number
            if num in self.seen_notes:
                return f'footnote(label("fn-{num}"))'
            self.seen_notes.add(num)
            body = self.inl(self.doc.footnotes.get(num, ()))
            return f"[#footnote({body})<fn-{num}>]"
        if isinstance(n, inline.EndnoteMark):
            return f'super(link(label("en-{n.label}"), {lit(n.label)}))'
        raise TypeError(f"no Typst for {type(n).__name__}")

    # ------------------------------------------------------------------ styles

    def style_defs(self) -> list[str]:
        p = self.theme.palette
        out = []
        for name, s in self.theme.styles.items():
            font = "Noto Serif" if "Serif" in self.theme.fonts.get(s.font, "") else "Noto Sans"
            weight = "bold" if s.bold else "regular"
            style = "italic" if s.italic else "normal"
            gap = max(0.0, s.leading - s.size * 0.72)
            fill = ""
            if s.background and name not in ("box", "sheet_band", "glance_box"):
                fill = f", fill: rgb({lit(s.background)}), inset: 3pt"
            out.append(
                f"#let st-{name.replace('_', '-')}(body) = block(width: 100%, "
                f"above: {length(s.space_before)}, below: {length(s.space_after)}{fill}, {{\n"
                f'  set text(font: {lit(font)}, size: {length(s.size)}, weight: "{weight}", '
                f'style: "{style}", fill: rgb({lit(s.color)}))\n'
                f"  set par(leading: {length(gap)}, first-line-indent: {length(s.first_indent)})\n"
                f"  pad(left: {length(max(0.0, s.left_indent))}, body)\n}})")
        _ = p
        return out

    def upper(self, style: str) -> bool:
        s = self.theme.styles.get(style)
        return bool(s and s.upper)

    def st(self, style: str) -> str:
        name = style if style in self.theme.styles else "body"
        return "st-" + name.replace("_", "-")

    # ------------------------------------------------------------------ blocks

    def blocks(self, blocks) -> list[str]:
        out = []
        for b in blocks:
            out.extend(self.block(b))
        return out

    def block(self, b) -> list[str]:
        if isinstance(b, d.Heading):
            style = b.style or f"h{b.level}"
            body = self.inl(b.text, self.upper(style))
            outlined = "true" if b.toc and b.key else "false"
            return [f"#{self.st(style)}(heading(level: {b.level}, outlined: {outlined}, "
                    f"bookmarked: {outlined}, {body}))"]
        if isinstance(b, d.Paragraph):
            return [f"#{self.st(b.style)}({self.inl(b.text, self.upper(b.style))})"]
        if isinstance(b, d.BulletList):
            return [f"#{self.st(b.style)}({self.items(b.items, b.numbered)})"]
        if isinstance(b, d.Box):
            return [self.box(b)]
        if isinstance(b, d.Contents):
            return [f"#outline(title: {self.inl(b.title)}, depth: 2)", "#pagebreak(weak: true)"]
        if isinstance(b, d.Endnotes):
            out = []
            for e in b.entries:
                out.append(f"#{self.st('endnote')}(({lit(e.label)}, h(1em), {self.inl(e.text)}, "
                           f"[ ], link({lit(e.href)}, {lit(e.url)})).join())<en-{e.label}>")
            return out
        if isinstance(b, d.PageBreak):
            return ["#pagebreak(weak: true)"]
        if isinstance(b, d.Spacer):
            return [f"#v({length(b.height)})"]
        raise TypeError(f"no Typst for block {type(b).__name__}")

    def items(self, items, numbered: bool) -> str:
        fn = "enum" if numbered or any(i.label for i in items) else "list"
        parts = []
        for item in items:
            body = self.inl(item.text)
            if item.tag:
                body = (f"(text(size: 7pt, weight: \"bold\", fill: rgb({lit(self.theme.palette['ask'])}), "
                        f"{self.inl(item.tag, True)}), linebreak(), {body}).join()")
            if item.tagged:
                bg = self.theme.palette.get("ask_light", "#ffffff")
                body = f"block(fill: rgb({lit(bg)}), inset: 3pt, {body})"
            if item.children:
                body = f"({body}, {self.items(item.children, False)}).join()"
            parts.append(body)
        return f"{fn}(spacing: 5pt, " + ", ".join(parts) + ")"

    def box(self, b: d.Box) -> str:
        look = self.theme.styles[b.style]
        inner = []
        if b.title:
            inner.append(f"{self.st('box_title')}({self.inl(b.title)})")
        if b.caption:
            inner.append(f"{self.st('box_caption')}({self.inl(b.caption)})")
        for blk in b.body:
            if isinstance(blk, d.Paragraph):
                style = blk.style if blk.style != "body" else "box_body"
                inner.append(f"{self.st(style)}({self.inl(blk.text)})")
            else:
                inner.extend(x.lstrip("#") for x in self.block(blk))
        body = "(" + ", ".join(inner) + ",).join()" if inner else "[]"
        bg = f"rgb({lit(look.background)})" if look.background else "none"
        stroke = (f"(left: {length(look.border_width)} + rgb({lit(look.border)}))"
                  if look.border else "none")
        return (f"#block(width: 100%, breakable: false, fill: {bg}, stroke: {stroke}, "
                f"inset: {length(look.padding)}, above: {length(look.space_before)}, "
                f"below: {length(look.space_after)}, {body})")

    # ------------------------------------------------------------------ document

    def source(self) -> str:
        doc, theme = self.doc, self.theme
        m = theme.margins
        w, h = theme.page_size
        meta = doc.meta
        lang, _, region = meta.lang.partition("-")
        y, mo, day = meta.date
        muted = theme.palette.get("muted", "#666666")
        rule = theme.palette.get("rule", "#cccccc")
        before, _, after = doc.labels.page_of.partition("{page}")
        middle, _, tail = after.partition("{pages}")
        head = [
            f"#set document(title: {lit(meta.title)}, author: ({lit(meta.author)},), "
            f"keywords: ({', '.join(lit(k) for k in meta.keywords)},), "
            f"date: datetime(year: {y}, month: {mo}, day: {day}))",
            f'#set text(font: "Noto Sans", size: 10pt, lang: {lit(lang)}'
            + (f", region: {lit(region)}" if region else "") + ")",
            "#show heading: it => it.body",
            *self.style_defs(),
            f"#let running = {lit(doc.running_head)}",
            f"#let author = {lit(meta.author)}",
            f"#let page-head = context text(size: 7.5pt, fill: rgb({lit(muted)}), running)",
            f"#let page-foot = context {{ set text(size: 7.5pt, fill: rgb({lit(muted)})); "
            f"line(length: 100%, stroke: 0.5pt + rgb({lit(rule)})); "
            f"author; h(1fr); {lit(before)}; counter(page).display(); {lit(middle)}; "
            f"str(counter(page).final().first()); {lit(tail)} }}",
            f"#set page(width: {length(w)}, height: {length(h)}, margin: (top: {length(m['top'])}, "
            f"bottom: {length(m['bottom'])}, left: {length(m['left'])}, "
            f"right: {length(m['right'])}), header: page-head, footer: page-foot)",
        ]
        body: list[str] = []
        if doc.cover:
            band = theme.cover.get("band", "#333333")
            band = theme.palette.get(band, band)
            height = theme.cover.get("band_height", 300)
            body.append(f"#set page(header: none, footer: none, background: place(top, "
                        f"rect(width: 100%, height: {length(height)}, fill: rgb({lit(band)}))))")
            body += self.blocks(doc.cover)
            body.append("#set page(header: page-head, footer: page-foot, background: none)")
        body += self.blocks(doc.body)
        return "\n".join(head + body) + "\n"


def typst_source(doc: d.Document, theme) -> str:
    return TypstWriter(doc, theme).source()
