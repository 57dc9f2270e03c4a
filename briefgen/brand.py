"""A brand kit: an organisation's name, logos, colours and fonts, from a `_brand.yml` file.

The file follows the structure of Quarto's brand.yml (posit's "brand-yml") so that a file an
organisation already keeps for its Quarto reports works here unchanged. We read it with a
small reader of our own rather than the `brand-yml` package: that package validates with
pydantic and reads YAML with ruamel, so its errors carry no file:line, it pulls in a stack
we do not otherwise need, and most of what it models (Bootstrap and Shiny defaults, Google
font downloads, dark mode) does not apply to print. What applies to print is read here;
what does not is reported as a note; what brand.yml does not define is an error.

    meta:        name (or {full, short}), link/links (a URL or a mapping of URLs)
    logo:        a path; or images: {name: path}, small/medium/large: a path, an image
                 name, {path, alt} or {light, dark}
    color:       palette, primary, secondary, foreground, background (hex or palette names)
    typography:  fonts (source: file, files with weight/style), base, headings

Paths resolve relative to the brand file; URLs are never fetched. Pure data: no ReportLab.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from briefgen import fields
from briefgen.diagnostics import Diagnostic, Location
from briefgen.errors import BriefgenError, ProblemsError
from briefgen.sources import LocDict, LocList, load_yaml

LOGO_SIZES = ("small", "medium", "large")
PRINT_COLORS = ("primary", "secondary", "foreground", "background")
OTHER_COLORS = ("tertiary", "success", "info", "warning", "danger", "light", "dark")
FACE_KEYS = ("regular", "bold", "italic", "bolditalic")
CSS_NAMES = {"white": "#ffffff", "black": "#000000"}
WCAG_AA = 4.5

# key -> what happens with it in print; "" = used. Anything else in the file is an error.
SCHEMA: dict[str, dict[str, str]] = {
    "meta": {"name": "", "link": "", "links": "", "description": "is not printed"},
    "logo": {"images": "", "small": "", "medium": "", "large": ""},
    "color": {"palette": "", **{k: "" for k in PRINT_COLORS},
              **{k: "is not used in print" for k in OTHER_COLORS}},
    "typography": {"fonts": "", "base": "", "headings": "",
                   "monospace": "is not used: briefs set no code",
                   "monospace-inline": "is not used: briefs set no code",
                   "monospace-block": "is not used: briefs set no code",
                   "link": "is not used: links take the primary colour"},
    "defaults": {},  # any content: settings for Quarto, Bootstrap or Shiny
}


@dataclass(frozen=True)
class Logo:
    path: Path
    alt: str


@dataclass(frozen=True)
class FontFamily:
    name: str
    files: dict[str, Path]      # regular, bold, italic, bolditalic -> .ttf


@dataclass(frozen=True)
class Brand:
    source: str                                  # the brand file
    name: str = ""                               # meta.name (full)
    short_name: str = ""
    links: dict[str, str] = field(default_factory=dict)
    logos: dict[str, Logo] = field(default_factory=dict)       # small/medium/large
    colors: dict[str, str] = field(default_factory=dict)       # primary... -> #rrggbb
    palette: dict[str, str] = field(default_factory=dict)
    base_font: FontFamily | None = None
    headings_font: FontFamily | None = None
    notes: tuple[Diagnostic, ...] = ()
    fingerprint: str = ""

    @property
    def home(self) -> str:
        return self.links.get("home", "")

    def logo(self, preference: tuple[str, ...]) -> Logo | None:
        """The first logo size in `preference` that the brand has, else any it has."""
        for size in preference + LOGO_SIZES:
            if size in self.logos:
                return self.logos[size]
        return None

    def with_logo(self, path: Path, alt: str = "") -> Brand:
        """The brand with one logo for every size (a campaign's 'logo' column)."""
        logo = Logo(Path(path), alt or (f"{self.name} logo" if self.name else "Logo"))
        digest = hashlib.sha256((self.fingerprint + str(path)).encode()).hexdigest()[:16]
        from dataclasses import replace
        return replace(self, logos={s: logo for s in LOGO_SIZES}, fingerprint=digest)


def load_brand(path: Path | str) -> Brand:
    """Read and check a brand file; every problem at once, with its file:line."""
    path = Path(path)
    data = load_yaml(path, "brand file")
    if data is None:
        data = LocDict()
        data.loc, data.key_locs = Location(str(path), 1), {}
    if not isinstance(data, LocDict):
        raise BriefgenError("a brand file must be a mapping (meta, logo, color, typography)",
                            Location(str(path), 1), code="brand.type")
    reader = _Reader(path)
    brand = reader.read(data)
    if reader.errors:
        n = len(reader.errors)
        raise ProblemsError(reader.errors, f"{n} problem{'s' * (n != 1)} in brand file {path}")
    return brand


def empty_brand() -> Brand:
    return Brand(source="")


class _Reader:
    def __init__(self, path: Path):
        self.path = path
        self.base = path.resolve().parent
        self.errors: list[Diagnostic] = []
        self.notes: list[Diagnostic] = []
        self.files: list[Path] = []

    # ------------------------------------------------------------------ helpers
    def error(self, message: str, loc: Location, hint: str | None = None,
              code: str = "brand") -> None:
        self.errors.append(Diagnostic(message, loc, code=code, hint=hint))

    def note(self, message: str, loc: Location, code: str = "brand.print") -> None:
        # the message names the key itself: no " in <keypath>" after it
        loc = Location(loc.path, loc.line, loc.column)
        self.notes.append(Diagnostic(message, loc, code=code, level="note"))

    def keys(self, mapping: LocDict, section: str) -> None:
        allowed = SCHEMA[section]
        for key in mapping:
            loc = mapping.loc_of(key).at(f"{section}.{key}")
            if key not in allowed:
                self.error(f"unknown key '{key}'", loc,
                           hint=f"{section} may have: " + ", ".join(allowed), code="brand.key")
            elif allowed[key]:
                self.note(f"'{section}.{key}' {allowed[key]}", loc)

    def file(self, value: Any, loc: Location, what: str) -> Path | None:
        text = str(value).strip()
        if "://" in text or text.startswith("data:"):
            self.error(f"{what} '{text}' is a URL; briefgen never fetches files", loc,
                       hint="download the file and give its path, relative to the brand file",
                       code="brand.url")
            return None
        full = (self.base / text)
        if not full.is_file():
            self.error(f"{what} not found: {text} (looked for {full})", loc,
                       hint="paths are relative to the brand file", code="file.missing")
            return None
        self.files.append(full)
        return full

    # ------------------------------------------------------------------ sections
    def read(self, data: LocDict) -> Brand:
        for key in data:
            if key not in SCHEMA:
                self.error(f"unknown key '{key}'", data.loc_of(key).at(key),
                           hint="a brand file has: " + ", ".join(SCHEMA), code="brand.key")
        if "defaults" in data:
            self.note("'defaults' (settings for Quarto, Bootstrap, Shiny) do not apply to "
                      "print", data.loc_of("defaults").at("defaults"))
        name, short, links = self.meta(data.get("meta"), data.loc_of("meta"))
        palette, colors = self.color(data.get("color"), data.loc_of("color"))
        logos = self.logo(data.get("logo"), data.loc_of("logo"), name)
        base, headings = self.typography(data.get("typography"), data.loc_of("typography"))
        digest = hashlib.sha256(self.path.read_bytes())
        for f in sorted(set(self.files)):
            digest.update(str(f).encode())
            digest.update(f.read_bytes())
        return Brand(str(self.path), name, short, links, logos, colors, palette, base, headings,
                     tuple(self.notes), digest.hexdigest()[:16])

    def meta(self, meta: Any, loc: Location) -> tuple[str, str, dict[str, str]]:
        if meta is None:
            return "", "", {}
        if not isinstance(meta, LocDict):
            self.error("'meta' must be a mapping (name, link)", loc.at("meta"))
            return "", "", {}
        self.keys(meta, "meta")
        name = short = ""
        raw = meta.get("name")
        if isinstance(raw, LocDict):
            name = str(raw.get("full") or raw.get("short") or "").strip()
            short = str(raw.get("short") or "").strip()
        elif raw is not None:
            name = str(raw).strip()
        links: dict[str, str] = {}
        for key in ("link", "links"):
            raw = meta.get(key)
            if isinstance(raw, LocDict):
                links.update({str(k): str(v).strip() for k, v in raw.items() if v})
            elif raw:
                links["home"] = str(raw).strip()
        return name, short or name, links

    def color(self, color: Any, loc: Location) -> tuple[dict[str, str], dict[str, str]]:
        if color is None:
            return {}, {}
        if not isinstance(color, LocDict):
            self.error("'color' must be a mapping (palette, primary, ...)", loc.at("color"))
            return {}, {}
        self.keys(color, "color")
        raw_palette = color.get("palette") or {}
        if not isinstance(raw_palette, dict):
            self.error("'color.palette' must be a mapping of names to colours",
                       color.loc_of("palette").at("color.palette"))
            raw_palette = {}
        palette: dict[str, str] = {}
        for key, value in raw_palette.items():
            where = raw_palette.loc_of(key).at(f"color.palette.{key}") \
                if isinstance(raw_palette, LocDict) else loc
            hexed = self._hex(value, palette, where)
            if hexed:
                palette[str(key)] = hexed
        colors: dict[str, str] = {}
        for key in PRINT_COLORS:
            if color.get(key) is not None:
                hexed = self._hex(color[key], {**palette, **colors},
                                  color.loc_of(key).at(f"color.{key}"))
                if hexed:
                    colors[key] = hexed
        return palette, colors

    def _hex(self, value: Any, names: dict[str, str], loc: Location) -> str | None:
        text = str(value).strip()
        if text.lower() in CSS_NAMES and text not in names:
            return CSS_NAMES[text.lower()]
        try:
            return fields.color(text, names)
        except fields.FieldError:
            known = ", ".join(sorted(names)) or "none defined"
            self.error(f"'{value}' is not a colour", loc,
                       hint=f"write #rrggbb or a palette name ({known})", code="brand.color")
            return None

    def _image(self, value: Any, loc: Location, images: dict[str, Logo], default_alt: str,
               keypath: str) -> Logo | None:
        if isinstance(value, LocDict):
            if "light" in value or "dark" in value:
                # print is light: the light variant is the one for a white page
                if "dark" in value:
                    self.note(f"'{keypath}.dark' is not used: pages are printed light",
                              value.loc_of("dark").at(f"{keypath}.dark"))
                inner = value.get("light", value.get("dark"))
                return self._image(inner, value.loc_of("light" if "light" in value else "dark"),
                                   images, default_alt, keypath)
            for key in value:
                if key not in ("path", "alt"):
                    self.error(f"unknown key '{key}'", value.loc_of(key).at(f"{keypath}.{key}"),
                               hint="an image has: path, alt (or light, dark)", code="brand.key")
            if "path" not in value:
                self.error("the image has no 'path'", value.loc.at(keypath), code="brand.logo")
                return None
            path = self.file(value["path"], value.loc_of("path").at(f"{keypath}.path"), "logo")
            alt = str(value.get("alt") or default_alt).strip()
            return Logo(path, alt) if path else None
        if isinstance(value, str) and value.strip() in images:
            return images[value.strip()]
        if value is None:
            return None
        path = self.file(value, loc.at(keypath), "logo")
        return Logo(path, default_alt) if path else None

    def logo(self, logo: Any, loc: Location, name: str) -> dict[str, Logo]:
        default_alt = f"{name} logo" if name else "Logo"
        if logo is None:
            return {}
        if not isinstance(logo, LocDict):
            one = self._image(logo, loc, {}, default_alt, "logo")
            return {s: one for s in LOGO_SIZES} if one else {}
        self.keys(logo, "logo")
        images: dict[str, Logo] = {}
        raw_images = logo.get("images") or {}
        if isinstance(raw_images, LocDict):
            for key, value in raw_images.items():
                img = self._image(value, raw_images.loc_of(key), {}, default_alt,
                                  f"logo.images.{key}")
                if img:
                    images[str(key)] = img
        out = {}
        for size in LOGO_SIZES:
            if size in logo:
                img = self._image(logo[size], logo.loc_of(size), images, default_alt,
                                  f"logo.{size}")
                if img:
                    out[size] = img
        return out

    def typography(self, typo: Any, loc: Location) -> tuple[FontFamily | None,
                                                             FontFamily | None]:
        if typo is None:
            return None, None
        if not isinstance(typo, LocDict):
            self.error("'typography' must be a mapping (fonts, base, headings)",
                       loc.at("typography"))
            return None, None
        self.keys(typo, "typography")
        families: dict[str, FontFamily] = {}
        fonts = typo.get("fonts") or []
        if not isinstance(fonts, LocList):
            self.error("'typography.fonts' must be a list of font families",
                       typo.loc_of("fonts").at("typography.fonts"))
            fonts = []
        for i, spec in enumerate(fonts):
            where = fonts.loc_of(i).at(f"typography.fonts[{i}]")
            if not isinstance(spec, LocDict) or "family" not in spec:
                self.error("each font needs 'family' and 'source'", where, code="brand.font")
                continue
            family = str(spec["family"]).strip()
            source = str(spec.get("source", "file")).strip()
            if source != "file":
                self.note(f"font '{family}' (source: {source}) is not used: briefgen fetches "
                          "nothing from the web, so the layout's font is used; give the .ttf "
                          "files with 'source: file'", where, code="brand.font-source")
                continue
            got = self._font_files(spec, family, where)
            if got:
                families[family] = got

        def role(key: str) -> FontFamily | None:
            raw = typo.get(key)
            if raw is None:
                return None
            where = typo.loc_of(key).at(f"typography.{key}")
            family = raw.get("family") if isinstance(raw, LocDict) else raw
            if isinstance(raw, LocDict):
                for k in raw:
                    if k != "family":
                        self.note(f"'typography.{key}.{k}' is not used: the layout sets "
                                  "sizes, weights and colours", raw.loc_of(k).at(
                                      f"typography.{key}.{k}"))
            if family is None:
                return None
            family = str(family).strip()
            if family in families:
                return families[family]
            if not any(n.message.startswith(f"font '{family}'") for n in self.notes):
                self.note(f"font '{family}' has no files in typography.fonts: the layout's "
                          "font is used", where, code="brand.font-source")
            return None

        return role("base"), role("headings")

    def _font_files(self, spec: LocDict, family: str, where: Location) -> FontFamily | None:
        files = spec.get("files") or []
        if not isinstance(files, LocList) or not files:
            self.error(f"font '{family}' has source 'file' but no 'files' list", where,
                       code="brand.font")
            return None
        faces: dict[str, Path] = {}
        for j, item in enumerate(files):
            at = files.loc_of(j).at(f"{where.keypath}.files[{j}]")
            if isinstance(item, LocDict):
                raw_path, weight, style = item.get("path"), item.get("weight", 400), \
                    item.get("style", "normal")
            else:
                raw_path, weight, style = item, 400, "normal"
            if raw_path is None:
                self.error("a font file needs a 'path'", at, code="brand.font")
                continue
            path = self.file(raw_path, at, "font file")
            if path is None:
                continue
            if path.suffix.lower() != ".ttf":
                self.error(f"font file {raw_path} is not a .ttf", at,
                           hint="use TrueType (.ttf) files; .otf, .woff and variable fonts "
                                "cannot be embedded by briefgen", code="brand.font")
                continue
            bold = _is_bold(weight)
            if bold is None:
                self.error(f"'{weight}' is not a font weight", at,
                           hint="use 400/normal or 700/bold", code="brand.font")
                continue
            italic = str(style).strip().lower() in ("italic", "oblique")
            key = ("bold" if bold else "") + ("italic" if italic else "") or "regular"
            faces.setdefault(key, path)
        missing = [k for k in FACE_KEYS if k not in faces]
        if missing and faces:
            self.error(f"font '{family}' lacks the " + ", ".join(missing) + " face" +
                       ("s" if len(missing) > 1 else ""), where,
                       hint="give four files: regular (400), bold (700), italic, bold italic",
                       code="brand.font")
            return None
        return FontFamily(family, faces) if faces else None


def _is_bold(weight: Any) -> bool | None:
    names = {"thin": 100, "extra-light": 200, "ultra-light": 200, "light": 300, "normal": 400,
             "regular": 400, "medium": 500, "semi-bold": 600, "demi-bold": 600, "bold": 700,
             "extra-bold": 800, "ultra-bold": 800, "black": 900}
    text = str(weight).strip().lower()
    value = names.get(text)
    if value is None:
        try:
            value = int(text)
        except ValueError:
            return None
    return value >= 600


# --------------------------------------------------------------------------- colour


def luminance(hex_color: str) -> float:
    """WCAG relative luminance of '#rrggbb'."""
    out = []
    for i in (1, 3, 5):
        c = int(hex_color[i:i + 2], 16) / 255
        out.append(c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4)
    r, g, b = out
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: str, b: str) -> float:
    la, lb = sorted((luminance(a), luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def mix(a: str, b: str, t: float) -> str:
    """`a` moved a fraction `t` of the way towards `b`."""
    parts = []
    for i in (1, 3, 5):
        x, y = int(a[i:i + 2], 16), int(b[i:i + 2], 16)
        parts.append(round(x + (y - x) * t))
    return "#" + "".join(f"{p:02x}" for p in parts)


def theme_overrides(brand: Brand, palette: dict[str, str]) -> dict:
    """What the brand changes in a layout's theme data: palette entries and font roles.

    `primary` becomes the accent (covers, headings, boxes, links) with its light tint for
    box backgrounds; `secondary` the second accent (the national asks); `foreground` the
    ink. The layout's own palette names are kept, so its styles need no change.
    """
    over: dict[str, Any] = {"palette": {}}
    p = over["palette"]
    primary = brand.colors.get("primary")
    if primary:
        p["accent"] = p["link"] = primary
        p["accent_light"] = mix(primary, "#ffffff", 0.9)
        p["rule"] = mix(primary, "#ffffff", 0.75)
    secondary = brand.colors.get("secondary")
    if secondary:
        p["ask"] = secondary
        p["ask_light"] = mix(secondary, "#ffffff", 0.9)
    if brand.colors.get("foreground"):
        p["ink"] = brand.colors["foreground"]
    fonts: dict[str, str] = {}
    files: dict[str, dict[str, str]] = {}
    if brand.base_font:
        fonts["body"] = brand.base_font.name
        files[brand.base_font.name] = {k: str(v) for k, v in brand.base_font.files.items()}
    if brand.headings_font or brand.base_font:
        fam = brand.headings_font or brand.base_font
        fonts["heading"] = fam.name
        files[fam.name] = {k: str(v) for k, v in fam.files.items()}
    if fonts:
        over["fonts"] = fonts
        over["font_files"] = files
    return over


def contrast_warnings(brand: Brand, palette: dict[str, str]) -> list[Diagnostic]:
    """Brand colours that make text hard to read (WCAG AA asks 4.5:1 for body-size text)."""
    out = []
    white = "#ffffff"
    checks = []
    if brand.colors.get("primary"):
        primary = brand.colors["primary"]
        checks += [("primary", primary, white, "white text on it (covers, sheet bands) and "
                    "headings on white"),
                   ("primary", primary, palette.get("accent_light", mix(primary, white, 0.9)),
                    "box titles on its light tint")]
    if brand.colors.get("secondary"):
        checks.append(("secondary", brand.colors["secondary"], palette.get("ask_light", white),
                       "the national-ask labels on their tint"))
    if brand.colors.get("foreground"):
        checks.append(("foreground", brand.colors["foreground"], white, "body text on white"))
    said = set()
    for key, fg, bg, what in checks:
        ratio = contrast(fg, bg)
        if ratio < WCAG_AA and key not in said:
            said.add(key)
            out.append(Diagnostic(
                f"color.{key} {fg} gives {what} a contrast of {ratio:.1f}:1, below the 4.5:1 "
                "that WCAG AA asks", Location(brand.source), level="warning",
                hint="use a darker shade for print", code="brand.contrast"))
    return out
