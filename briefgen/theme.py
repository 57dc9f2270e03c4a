"""A layout's visual values: page, palette, fonts and paragraph styles. Pure data.

`theme.yaml` files cascade: a layout that `extends:` another only states what differs.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from briefgen import fields
from briefgen.diagnostics import Location
from briefgen.errors import LayoutError
from briefgen.sources import LocDict

# style key -> (kind, description)
STYLE_SCHEMA: dict[str, tuple[str, str]] = {
    "font": ("font-role", "font role: body, heading, ..."),
    "bold": ("bool", "bold face"),
    "italic": ("bool", "italic face"),
    "size": ("measure", "type size"),
    "leading": ("measure", "distance between baselines"),
    "color": ("color", "text colour"),
    "space_before": ("measure", "space above"),
    "space_after": ("measure", "space below"),
    "align": ("enum:left,right,center,justify", "alignment"),
    "left_indent": ("measure", "indent of every line"),
    "first_indent": ("measure", "extra indent of the first line"),
    "background": ("color", "box background"),
    "border": ("color", "box border colour"),
    "border_width": ("measure", "box border width"),
    "padding": ("measure", "box inner padding"),
    "upper": ("bool", "set in capitals"),
}

REQUIRED_STYLES = ("body", "h1", "h2", "h3", "bullet", "small", "note", "box", "box_title",
                   "box_caption", "box_body", "toc1", "toc2", "endnote", "header", "footer",
                   "cover_kicker", "cover_title", "cover_subtitle", "cover_meta", "ask_tag",
                   "sheet_band", "sheet_number", "sheet_title", "sheet_for", "sheet_lead",
                   "sheet_section", "sheet_call", "glance_box", "glance_title", "glance_action",
                   "glance_example")


@dataclass(frozen=True)
class Style:
    name: str
    font: str
    bold: bool
    italic: bool
    size: float
    leading: float
    color: str
    space_before: float
    space_after: float
    align: str
    left_indent: float
    first_indent: float
    background: str | None
    border: str | None
    border_width: float
    padding: float
    upper: bool


@dataclass(frozen=True)
class Theme:
    page_size: tuple[float, float]
    margins: dict[str, float]           # top, bottom, left, right
    palette: dict[str, str]
    fonts: dict[str, str]               # role -> family folder name; 'fallback' is special
    styles: dict[str, Style]
    fit: dict[str, Any]                 # one-page fit policy
    cover: dict[str, Any]               # cover band colours and height
    source: str                         # the theme file(s), for messages
    # families tried, in order, for letters the role's font lacks (Arabic, Hebrew,
    # Devanagari, ...), before 'fallback'; each has a Regular and may have a Bold face
    scripts: tuple[str, ...] = ()
    # page and contents numbers: "native" (the language's own digits, e.g. Arabic-Indic
    # for Arabic) or "western" (0-9 whatever the language)
    digits: str = "native"
    # family -> face -> .ttf path, for families given by file (a brand kit's fonts)
    font_files: dict[str, dict[str, str]] = field(default_factory=dict)
    # where logos go and how tall: cover.height, cover.size, footer.height, footer.size
    logo: dict[str, Any] = field(default_factory=dict)
    # icon and photo sizes: heading_icon, band_icon, panel_icon, cover_icon, photo_height...
    pictures: dict[str, float] = field(default_factory=dict)


def merge(base: dict, over: dict) -> dict:
    """Deep merge: mappings merge key by key, everything else is replaced."""
    out = dict(base)
    for key, value in over.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = merge(out[key], value)
        else:
            out[key] = value
    return out


def build_theme(data: dict, where: str) -> Theme:
    def err(message: str, keypath: str, node: Any = None) -> LayoutError:
        loc = None
        if isinstance(node, LocDict):
            loc = node.loc.at(keypath)
        return LayoutError(message, loc or Location(where, keypath=keypath),
                           hint="fix the theme file", code="theme")

    def measure(value, keypath, node=None):
        try:
            return fields.measurement(value)
        except fields.FieldError as exc:
            raise err(str(exc), keypath, node) from None

    try:
        page = data.get("page") or {}
        page_dims = fields.page_size(page.get("size", "A4"))
        palette = {k: fields.color(v) for k, v in (data.get("palette") or {}).items()}
    except fields.FieldError as exc:
        raise err(str(exc), "page/palette") from None
    margins = {side: measure((page.get("margins") or {}).get(side, "20mm"), f"page.margins.{side}")
               for side in ("top", "bottom", "left", "right")}
    raw_fonts = dict(data.get("fonts") or {})
    scripts = raw_fonts.pop("scripts", None) or []
    if isinstance(scripts, str) or not isinstance(scripts, list):
        raise err("fonts.scripts must be a list of font family folders", "fonts.scripts")
    fonts = {str(k): str(v) for k, v in raw_fonts.items()}
    digits = str(page.get("digits", "native"))
    if digits not in ("native", "western"):
        raise err(f"'{digits}' is not a digit style (native, western)", "page.digits")
    if "body" not in fonts:
        raise err("the theme names no 'body' font", "fonts")

    raw_styles = data.get("styles") or {}
    base = raw_styles.get("body") or {}
    styles = {}
    for name, spec in raw_styles.items():
        spec = spec or {}
        for key in spec:
            if key not in STYLE_SCHEMA:
                raise err(f"unknown style key '{key}'", f"styles.{name}.{key}", spec)
        full = {**base, **spec} if name != "body" else spec
        try:
            color = fields.color(full.get("color", "#000000"), palette)
            background = fields.color(full["background"], palette) if full.get("background") \
                else None
            border = fields.color(full["border"], palette) if full.get("border") else None
        except fields.FieldError as exc:
            raise err(str(exc), f"styles.{name}", spec) from None
        role = str(full.get("font", "body"))
        if role not in fonts:
            raise err(f"style '{name}' uses font role '{role}', which the theme does not define",
                      f"styles.{name}.font", spec)
        align = str(full.get("align", "left"))
        if align not in ("left", "right", "center", "justify"):
            raise err(f"'{align}' is not an alignment (left, right, center, justify)",
                      f"styles.{name}.align", spec)
        size = measure(full.get("size", 10), f"styles.{name}.size", spec)
        if not 1 <= size <= 500:
            raise err(f"type size {size:g}pt is outside 1-500pt", f"styles.{name}.size", spec)
        styles[name] = Style(
            name=name, font=role, bold=bool(full.get("bold", False)),
            italic=bool(full.get("italic", False)), size=size,
            leading=measure(full.get("leading", size * 1.3), f"styles.{name}.leading", spec),
            color=color,
            space_before=measure(spec.get("space_before", 0), f"styles.{name}.space_before"),
            space_after=measure(spec.get("space_after", 0), f"styles.{name}.space_after"),
            align=align,
            left_indent=measure(spec.get("left_indent", 0), f"styles.{name}.left_indent"),
            first_indent=measure(spec.get("first_indent", 0), f"styles.{name}.first_indent"),
            background=background, border=border,
            border_width=measure(spec.get("border_width", 0.75), f"styles.{name}.border_width"),
            padding=measure(spec.get("padding", 0), f"styles.{name}.padding"),
            upper=bool(spec.get("upper", False)),
        )
    missing = [s for s in REQUIRED_STYLES if s not in styles]
    if missing:
        raise err("the theme lacks styles: " + ", ".join(missing), "styles")

    for name, st in styles.items():
        if st.leading <= 0:
            raise err(f"leading {st.leading:g}pt is not above zero", f"styles.{name}.leading")
        if min(st.space_before, st.space_after, st.padding, st.border_width) < 0:
            raise err("spacing, padding and border width cannot be negative", f"styles.{name}")
    width, height = page_dims
    if width - margins["left"] - margins["right"] < 72 or \
            height - margins["top"] - margins["bottom"] < 72 or min(margins.values()) < 0:
        raise err("the margins leave less than an inch of the page to print on, or are "
                  "negative", "page.margins")

    fit = dict(data.get("fit") or {})
    raw_scale = fit.get("min_scale", 0.8)
    try:
        fit["min_scale"] = float(raw_scale)
    except (TypeError, ValueError):
        fit["min_scale"] = -1.0
    if not 0.3 <= fit["min_scale"] <= 1:
        raise err(f"'{raw_scale}' is not a scale from 0.3 to 1", "fit.min_scale")
    fit["min_body_size"] = measure(fit.get("min_body_size", "8pt"), "fit.min_body_size")
    fit["order"] = list(fit.get("order", ["tighten", "examples", "actions"]))
    for step in fit["order"]:
        if step not in ("tighten", "examples", "actions"):
            raise err(f"unknown fit step '{step}' (tighten, examples, actions)", "fit.order")
    cover = dict(data.get("cover") or {})
    try:
        cover["band"] = fields.color(cover.get("band", "accent"), palette)
        cover["band_text"] = fields.color(cover.get("band_text", "#ffffff"), palette)
        cover["band_height"] = fields.measurement(cover.get("band_height", "95mm"))
    except fields.FieldError as exc:
        raise err(str(exc), "cover") from None
    logo = {}
    for place, default_h, default_size in (("cover", "16mm", "large"), ("footer", "4mm", "small")):
        spec = dict((data.get("logo") or {}).get(place) or {})
        logo[place] = {"height": measure(spec.get("height", default_h), f"logo.{place}.height"),
                       "width": measure(spec.get("max_width", "60mm"), f"logo.{place}.max_width"),
                       "size": str(spec.get("size", default_size))}
    pictures = {}
    for key, default in (("heading_icon", "24pt"), ("band_icon", "46pt"), ("panel_icon", "26pt"),
                         ("cover_icon", "30pt"), ("list_icon", "20pt"), ("photo_height", "70mm"),
                         ("cover_photo_height", "85mm")):
        pictures[key] = measure((data.get("pictures") or {}).get(key, default), f"pictures.{key}")
    font_files = {str(k): {str(f): str(p) for f, p in v.items()}
                  for k, v in (data.get("font_files") or {}).items()}
    return Theme(page_dims, margins, palette, fonts, styles, fit, cover, where,
                 tuple(str(x) for x in scripts), digits, font_files=font_files, logo=logo,
                 pictures=pictures)


def font_dirs(layout_dirs: list[Path], builtin: Path) -> list[Path]:
    """Where font families are looked for: each layout's fonts/ folder, then the built-in one."""
    return [d / "fonts" for d in layout_dirs] + [builtin]
