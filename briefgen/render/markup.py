"""Inline nodes to ReportLab paragraph markup. Every piece of text is escaped here.

This is the only place that writes paragraph tags for text: content, templates and user
values arrive as nodes and leave as escaped markup, so `<b>Evil</b> & Co` prints as typed.
Characters the main font lacks are set in the fallback font; characters neither has are
collected and reported by name, never drawn as empty boxes.
"""

from __future__ import annotations

from xml.sax.saxutils import escape, quoteattr

from briefgen import inline
from briefgen.render.fonts import Family

# Characters that are never drawn and need no glyph.
_INVISIBLE = {0x200B, 0x200C, 0x200D, 0x2060, 0xFEFF, 0x00AD}


class Marker:
    """Turns inline nodes into markup for one document, remembering what was missing."""

    def __init__(self, main: Family, fallback: Family | None, link_color: str):
        self.main = main
        self.fallback = fallback
        self.link_color = link_color
        self.missing: dict[str, str] = {}  # char -> a sample of the text it was in

    def text(self, value: str) -> str:
        cover = self.main.coverage
        # Fast path: nearly every string is fully covered by the main font.
        if cover.issuperset(map(ord, value)):
            return escape(value)
        out: list[str] = []
        in_fallback = False
        for ch in value:
            cp = ord(ch)
            if cp in _INVISIBLE or (cp < 32 and ch not in "\n\t"):
                continue
            if cp in cover or ch in "\n\t":
                if in_fallback:
                    out.append("</font>")
                    in_fallback = False
                out.append(escape(ch))
            elif self.fallback and cp in self.fallback.coverage:
                if not in_fallback:
                    out.append(f'<font name="{self.fallback.faces["regular"]}">')
                    in_fallback = True
                out.append(escape(ch))
            else:
                self.missing.setdefault(ch, value[:60])
                if in_fallback:
                    out.append("</font>")
                    in_fallback = False
                out.append("?")
        if in_fallback:
            out.append("</font>")
        return "".join(out)

    def nodes(self, nodes, *, upper: bool = False) -> str:
        out: list[str] = []
        for node in nodes:
            if isinstance(node, inline.Text):
                out.append(self.text(node.text.upper() if upper else node.text))
            elif isinstance(node, inline.Styled):
                tag = node.style
                out.append(f"<{tag}>{self.nodes(node.children, upper=upper)}</{tag}>")
            elif isinstance(node, inline.Link):
                out.append(f"<a href={quoteattr(node.url)} color={quoteattr(self.link_color)}>"
                           f"{self.nodes(node.children, upper=upper)}</a>")
            elif isinstance(node, inline.LineBreak):
                out.append("<br/>")
            elif isinstance(node, inline.FootnoteMark):
                n = node.number
                out.append(f'<a name="fnref-{n}"/><super><a href="#fn-{n}" '
                           f'color={quoteattr(self.link_color)}>{n}</a></super>')
            elif isinstance(node, inline.EndnoteMark):
                label = node.label
                anchor = f'<a name="enref-{label}"/>' if node.first else ""
                out.append(f'{anchor}<super><a href="#en-{label}" '
                           f'color={quoteattr(self.link_color)}>{label}</a></super>')
            else:  # an unresolved content reference must never reach the renderer
                raise TypeError(f"renderer cannot draw {type(node).__name__}")
        return "".join(out)
