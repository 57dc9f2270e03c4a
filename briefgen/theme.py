"""A layout's visual values: page, palette, fonts and paragraph styles. Pure data.

`theme.yaml` files cascade: a layout that `extends:` another only states what differs.
The schema below is the one declaration of the file: `build_theme` validates the merged
files against it (every problem at once, each with the file and line that set the value)
and `briefgen schema theme` prints it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from briefgen import fields
from briefgen.diagnostics import Diagnostic, Location
from briefgen.errors import ProblemsError
from briefgen.schema import REQUIRED, Each, Field, Schema
from briefgen.sources import LocDict

ALIGNMENTS = ("left", "right", "center", "justify")
FIT_STEPS = ("tighten", "examples", "actions")

STYLE_SCHEMA = Schema("Style", "", {
    "font": Field("font-role", None, "font role: body, heading, ... (inherits from body)"),
    "bold": Field("bool", None, "bold face (inherits from body; default false)"),
    "italic": Field("bool", None, "italic face (inherits from body; default false)"),
    "size": Field("measure", None, "type size (inherits from body; default 10pt)"),
    "leading": Field("measure", None, "distance between baselines (inherits; default 1.3 x size)"),
    "color": Field("color", None, "text colour (inherits from body; default #000000)"),
    "space_before": Field("measure", 0, "space above"),
    "space_after": Field("measure", 0, "space below"),
    "align": Field(ALIGNMENTS, None, "alignment (inherits from body; default left)"),
    "left_indent": Field("measure", 0, "indent of every line"),
    "first_indent": Field("measure", 0, "extra indent of the first line (negative: hanging)"),
    "background": Field("color", None, "box background (none: no background)"),
    "border": Field("color", None, "box border colour (none: no border)"),
    "border_width": Field("measure", 0.75, "box border width"),
    "padding": Field("measure", 0, "box inner padding"),
    "upper": Field("bool", False, "set in capitals"),
}, code="theme")

THEME_SCHEMA = Schema(
    "Theme: layouts/<name>/theme.yaml",
    "The visual values of a layout. A layout that extends another states only what "
    "differs: mappings merge key by key. Measurements take pt, mm, cm or in; colours are "
    "#rrggbb or a palette name.",
    {
        "page": Field(Schema("Page", "", {
            "size": Field("page-size", "A4", "paper size"),
            "digits": Field(("native", "western"), "native",
                            "page and contents numbers: the language's own digits (Arabic-"
                            "Indic for Arabic) or western 0-9 whatever the language"),
            "margins": Field(Schema("Margins", "", {
                side: Field("measure", "20mm", f"{side} margin")
                for side in ("top", "bottom", "left", "right")}, code="theme"),
                None, "page margins"),
        }, code="theme"), None, "paper and margins"),
        "palette": Field(Each("color", key_doc="colour name"), {},
                         "named colours for styles and the cover ('link' colours links, "
                         "'rule' the footnote rule and footer line)"),
        "fonts": Field(Each("any", key_doc="role"), REQUIRED,
                       "font roles -> a family folder under fonts/ holding "
                       "<Family>-Regular/-Bold/-Italic/-BoldItalic.ttf; 'body' is required, "
                       "'fallback' (one face) draws characters the others lack, 'scripts' "
                       "is a list of families tried in order, before the fallback, for "
                       "letters the role's font lacks (Arabic, Hebrew, Devanagari, ...)"),
        "font_files": Field(Each(Each("str", key_doc="face"), key_doc="family"), {},
                            "families given by file (a brand kit's fonts): family -> face "
                            "(regular, bold, italic, bolditalic) -> .ttf path"),
        "styles": Field(Each(STYLE_SCHEMA, key_doc="style"), REQUIRED,
                        "paragraph and box styles by name; each inherits font, size, leading, "
                        "colour, weight and alignment from 'body'. Required: "
                        "body, h1-h3, bullet, the box, cover, sheet and glance styles"),
        "fit": Field(Schema("Fit", "", {
            "order": Field(Each(FIT_STEPS, list=True), list(FIT_STEPS),
                           "what a one-page sheet may do, in order, when it does not fit: "
                           "tighten type and spacing, drop examples, drop actions"),
            "min_scale": Field("number", 0.8, "the smallest scale of type and spacing, "
                                              "from 0.3 to 1"),
            "min_body_size": Field("measure", "8pt", "body text never smaller than this"),
        }, code="theme"), None, "the one-page fit policy of factsheets and the overview"),
        "logo": Field(Schema("Logo", "", {
            place: Field(Schema("Logo place", "", {
                "height": Field("measure", height, "height the logo is drawn at"),
                "max_width": Field("measure", "60mm", "the logo is never wider than this"),
                "size": Field("str", size, "which of the brand's logo sizes to use "
                                           "(small, medium, large)"),
            }, code="theme"), None, doc)
            for place, height, size, doc in (
                ("cover", "16mm", "large", "the logo at the foot of the cover page"),
                ("footer", "4mm", "small", "the logo left of the footer line"))},
            code="theme"), None, "where the issuer's logo (a brand kit's or --logo) goes and "
                                 "how tall it is drawn"),
        "pictures": Field(Schema("Pictures", "", {
            key: Field("measure", default, doc) for key, default, doc in (
                ("heading_icon", "24pt", "icon hung in the margin beside a priority's title"),
                ("band_icon", "46pt", "icon on a factsheet's coloured band"),
                ("panel_icon", "26pt", "icon beside each panel of the overview"),
                ("cover_icon", "30pt", "the row of icons on the cover band"),
                ("list_icon", "20pt", "icon beside a list item"),
                ("photo_height", "70mm", "a photo's height at most, in a section"),
                ("cover_photo_height", "85mm", "the cover photo's height at most"))},
            code="theme"), None, "sizes of the pack's icons and the photos a profile gives"),
        "cover": Field(Schema("Cover", "", {
            "band": Field("color", "accent", "colour of the cover's band"),
            "band_text": Field("color", "#ffffff", "text colour on the band"),
            "band_height": Field("measure", "95mm", "height of the band"),
        }, code="theme"), None, "the brief's cover"),
    }, code="theme")

REQUIRED_STYLES = ("body", "h1", "h2", "h3", "bullet", "small", "note", "box", "box_title",
                   "box_caption", "box_body", "toc1", "toc2", "endnote", "header", "footer",
                   "cover_kicker", "cover_title", "cover_subtitle", "cover_meta", "ask_tag",
                   "sheet_band", "sheet_number", "sheet_title", "sheet_for", "sheet_lead",
                   "sheet_section", "sheet_call", "glance_box", "glance_title", "glance_action",
                   "glance_example")


@dataclass(frozen=True)
class Style:
    """One paragraph style of a theme."""

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
    """A layout's page, type, colours and fit rules."""

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


_SPACING = ("space_before", "space_after", "left_indent", "first_indent", "border_width",
            "padding", "upper")


def merge(base: dict, over: dict) -> dict:
    """Deep merge: mappings merge key by key, everything else is replaced. Mappings read
    from YAML keep, for each key, the location of the file that set it."""
    out = LocDict(base)
    out.loc = getattr(over, "loc", None) or getattr(base, "loc", None) or Location()
    out.key_locs = dict(getattr(base, "key_locs", {}) or {})
    for key, value in over.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = merge(out[key], value)
        else:
            out[key] = value
        if isinstance(over, LocDict):
            out.key_locs[key] = over.loc_of(key)
    return out


def _loc(data: Any, keys: list, fallback: Location) -> Location:
    """Where the value at `keys` was written, as near as the data knows."""
    loc = getattr(data, "loc", None) or fallback
    node = data
    for key in keys:
        if not isinstance(node, LocDict) or key not in node:
            break
        loc = node.loc_of(key)
        node = node[key]
    return loc


def build_theme(data: dict, where: str) -> Theme:
    """Validate the merged theme files and build the theme; every problem is raised at once."""
    problems: list[Diagnostic] = []
    top = Location(where, 1)
    v = THEME_SCHEMA.validate(data, top, "", problems)

    def problem(message: str, keys: list, hint: str | None = None) -> None:
        problems.append(Diagnostic(message, _loc(data, keys, top).at(".".join(map(str, keys))),
                                   code="theme", hint=hint))

    page = v["page"] or {}
    margins = page.get("margins") or {}
    palette: dict[str, str] = {}
    broken = set()   # palette names already reported: their uses are not reported again
    for name, value in (v["palette"] or {}).items():
        if value is None:
            broken.add(name)
            continue
        try:
            palette[name] = fields.color(value)
        except (fields.FieldError, TypeError) as exc:
            problem(str(exc), ["palette", name])

    def color(value, keys) -> str | None:
        if value is None or value in broken:
            return None
        try:
            return fields.color(value, palette)
        except fields.FieldError as exc:
            problem(str(exc), keys)
            return None

    raw_fonts = dict(v["fonts"] or {})
    scripts = raw_fonts.pop("scripts", None) or []
    if not isinstance(scripts, list) or not all(isinstance(x, str) for x in scripts):
        problem("fonts.scripts must be a list of font family folders", ["fonts", "scripts"])
        scripts = []
    fonts = {}
    for k, val in raw_fonts.items():
        if not isinstance(val, str) or not val.strip():
            problem("expected a font family folder name", ["fonts", k])
            continue
        fonts[str(k)] = val
    if v["fonts"] is not None and "body" not in fonts:
        problem("the theme names no 'body' font", ["fonts"], "add 'body: <Family>' to fonts")

    raw_styles = v["styles"] or {}
    body = raw_styles.get("body") or {}
    styles = {}
    for name, spec in raw_styles.items():
        given = {k: val for k, val in spec.items() if val is not None}
        inherit = {k: val for k, val in body.items() if val is not None} if name != "body" else {}
        full = {**inherit, **given}
        role = str(full.get("font", "body"))
        if fonts and role not in fonts:
            problem(f"style '{name}' uses font role '{role}', which the theme does not define",
                    ["styles", name, "font"], "roles: " + ", ".join(fonts))
        size = full.get("size", 10.0)
        spec = {k: (0 if val is None and k in _SPACING else val) for k, val in spec.items()}
        # a value out of range is reported where it is written, not in every style
        # that inherits it
        if not 1 <= size <= 500:
            if "size" in given:
                problem(f"type size {size:g}pt is outside 1-500pt", ["styles", name, "size"])
            size = 10.0
        leading = full.get("leading", size * 1.3)
        if leading <= 0:
            if "leading" in given:
                problem(f"leading {leading:g}pt is not above zero", ["styles", name, "leading"])
            leading = size * 1.3
        if min(spec["space_before"], spec["space_after"], spec["padding"],
               spec["border_width"]) < 0:
            problem("spacing, padding and border width cannot be negative", ["styles", name])
        styles[name] = Style(
            name=name, font=role, bold=bool(full.get("bold", False)),
            italic=bool(full.get("italic", False)), size=size,
            leading=leading,
            color=color(full.get("color", "#000000"), ["styles", name, "color"]) or "#000000",
            space_before=spec["space_before"], space_after=spec["space_after"],
            align=full.get("align", "left"),
            left_indent=spec["left_indent"], first_indent=spec["first_indent"],
            background=color(full.get("background"), ["styles", name, "background"]),
            border=color(full.get("border"), ["styles", name, "border"]),
            border_width=spec["border_width"], padding=spec["padding"],
            upper=bool(spec["upper"]),
        )
    missing = [s for s in REQUIRED_STYLES if s not in styles]
    if v["styles"] is not None and missing:
        problem("the theme lacks styles: " + ", ".join(missing), ["styles"])

    if page.get("size") and all(v is not None for v in margins.values()):
        width, height = page["size"]
        if width - margins["left"] - margins["right"] < 72 or \
                height - margins["top"] - margins["bottom"] < 72 or min(margins.values()) < 0:
            problem("the margins leave less than an inch of the page to print on, or are "
                    "negative", ["page", "margins"])
    fit = dict(v["fit"] or {})
    if fit["min_scale"] is not None and not 0.3 <= fit["min_scale"] <= 1:
        problem(f"'{fit['min_scale']:g}' is not a scale from 0.3 to 1", ["fit", "min_scale"],
                "e.g. 0.82")
    cover = dict(v["cover"] or {})
    cover["band"] = color(cover["band"], ["cover", "band"])
    cover["band_text"] = color(cover["band_text"], ["cover", "band_text"])
    logo = {place: {"height": spec["height"], "width": spec["max_width"],
                    "size": str(spec["size"])}
            for place, spec in (v["logo"] or {}).items()}
    pictures = dict(v["pictures"] or {})
    font_files = {str(k): {str(f): str(p) for f, p in (faces or {}).items()}
                  for k, faces in (v["font_files"] or {}).items()}
    if problems:
        n = len(problems)
        problems.sort(key=lambda d: (d.location.path or "", d.location.line or 0,
                                     d.location.column or 0))   # in reading order
        raise ProblemsError(problems, f"{n} problem{'s' * (n != 1)} in theme {where}")
    return Theme(page["size"], dict(margins), palette, fonts, styles, fit, cover, where,
                 tuple(scripts), page["digits"], font_files=font_files,
                 logo=logo, pictures=pictures)


def font_dirs(layout_dirs: list[Path], builtin: Path) -> list[Path]:
    """Where font families are looked for: each layout's fonts/ folder, then the built-in one."""
    return [d / "fonts" for d in layout_dirs] + [builtin]
