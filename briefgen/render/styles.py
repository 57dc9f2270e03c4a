"""Theme styles to ReportLab paragraph styles, at a given scale (one-page sheets shrink)."""

from __future__ import annotations

from reportlab.lib.colors import HexColor
from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY, TA_LEFT, TA_RIGHT
from reportlab.lib.styles import ParagraphStyle

from briefgen.render.fonts import Family
from briefgen.theme import Style, Theme

_ALIGN = {"left": TA_LEFT, "right": TA_RIGHT, "center": TA_CENTER, "justify": TA_JUSTIFY}


def face_name(family: Family, bold: bool, italic: bool) -> str:
    key = ("bold" if bold else "") + ("italic" if italic else "") or "regular"
    return family.faces[key]


def paragraph_styles(theme: Theme, families: dict[str, Family], *, type_scale: float = 1.0,
                     space_scale: float = 1.0) -> dict[str, ParagraphStyle]:
    out = {}
    for name, s in theme.styles.items():
        out[name] = make_style(s, families[s.font], type_scale, space_scale)
    return out


def make_style(s: Style, family: Family, type_scale: float = 1.0,
               space_scale: float = 1.0) -> ParagraphStyle:
    size = s.size * type_scale
    return ParagraphStyle(
        s.name,
        fontName=face_name(family, s.bold, s.italic),
        fontSize=size,
        leading=s.leading * type_scale,
        textColor=HexColor(s.color),
        spaceBefore=s.space_before * space_scale,
        spaceAfter=s.space_after * space_scale,
        alignment=_ALIGN[s.align],
        leftIndent=s.left_indent,
        firstLineIndent=s.first_indent,
        bulletFontName=face_name(family, False, False),
        bulletFontSize=size,
        allowWidows=0,
        allowOrphans=0,
        splitLongWords=1,
        uriWasteReduce=0.3,
        # superscript callouts must not collide with the line above
        autoLeading="max",
        backColor=HexColor(s.background) if s.background and s.name not in _BOXES else None,
        borderPadding=(2, 4, 3, 4) if s.background and s.name not in _BOXES else 0,
    )


# Box styles draw their background as a table cell, not behind each paragraph.
_BOXES = {"box", "sheet_band", "glance_box"}
