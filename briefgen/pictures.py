"""Picture files: checked before anything is laid out, so a bad image is one line, exit 2.

PNG and JPEG are read with Pillow (which ReportLab itself uses to embed them); SVG is
parsed with svglib. Paths are local files only: a URL is refused, never fetched. A file
is checked once per process (keyed by path, size and modification time).
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from pathlib import Path

from briefgen.diagnostics import Diagnostic, Location
from briefgen.errors import BriefgenError

# A print picture of 40 megapixels is already an A3 poster at 300 dpi; anything larger is
# a mistake or a decompression bomb (a small file that unpacks to gigabytes).
MAX_PIXELS = 40_000_000
MIN_DPI = 150
RASTER = {".png", ".jpg", ".jpeg"}
VECTOR = {".svg"}


@dataclass(frozen=True)
class PictureInfo:
    path: str
    kind: str                   # "png", "jpeg", "svg"
    width: float                # pixels (raster) or points (SVG)
    height: float
    mode: str = ""              # Pillow mode: RGB, RGBA, L, CMYK, P, ...


_CHECKED: dict[tuple[str, int, int], PictureInfo] = {}


def is_url(text: str) -> bool:
    return "://" in text or text.startswith(("data:", "//"))


def resolve(value: str, where: Location | None) -> Path:
    """A picture path as the user wrote it, relative to the file that names it."""
    text = str(value).strip()
    if is_url(text):
        raise BriefgenError(f"picture '{text}' is a URL; briefgen never fetches files", where,
                            hint="download it and give the file's path", code="picture.url")
    path = Path(text).expanduser()
    if not path.is_absolute() and where is not None and where.path:
        path = Path(where.path).resolve().parent / path
    return path


def inspect(path: Path | str, where: Location | None = None) -> PictureInfo:
    """Open and fully decode a picture; any problem is a BriefgenError naming the file."""
    path = Path(path)
    try:
        stat = path.stat()
    except FileNotFoundError:
        raise BriefgenError(f"picture not found: {path}", where,
                            hint="paths are relative to the file that names them",
                            code="picture.missing") from None
    except OSError as exc:
        raise BriefgenError(f"cannot read picture {path}: {exc.strerror}", where,
                            code="picture.unreadable") from None
    if not path.is_file():
        raise BriefgenError(f"picture is not a file: {path}", where, code="picture.missing")
    key = (str(path.resolve()), stat.st_size, stat.st_mtime_ns)
    if key in _CHECKED:
        return _CHECKED[key]
    suffix = path.suffix.lower()
    if suffix in VECTOR:
        info = _inspect_svg(path, where)
    elif suffix in RASTER:
        info = _inspect_raster(path, where)
    else:
        raise BriefgenError(f"picture {path.name} is not PNG, JPEG or SVG", where,
                            hint="save it as .png, .jpg or .svg", code="picture.format")
    _CHECKED[key] = info
    return info


def _bad(path: Path, where, what: str) -> BriefgenError:
    return BriefgenError(f"picture {path} cannot be used: {what}", where,
                         hint="open it in an image editor and save it again as PNG or JPEG",
                         code="picture.invalid")


def _inspect_raster(path: Path, where) -> PictureInfo:
    from PIL import Image
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(path) as im:
                width, height = im.size
                if width * height > MAX_PIXELS:
                    raise BriefgenError(
                        f"picture {path} is {width} x {height} pixels, more than "
                        f"{MAX_PIXELS // 1_000_000} megapixels", where,
                        hint="scale it down (300 dpi at the printed size is plenty)",
                        code="picture.size")
                kind = (im.format or "").lower()
                if kind not in ("png", "jpeg", "mpo"):
                    raise BriefgenError(f"picture {path.name} is {im.format or 'unknown'}, "
                                        "not PNG or JPEG", where,
                                        hint="save it as .png or .jpg", code="picture.format")
                mode = im.mode
                im.load()  # decodes everything: a truncated file fails here
    except BriefgenError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise BriefgenError(f"picture {path} is too large to decode safely", where,
                            hint="scale it down", code="picture.size") from None
    except Exception as exc:  # Pillow raises many types for broken files
        raise _bad(path, where, _short(exc)) from None
    return PictureInfo(str(path), "jpeg" if kind == "mpo" else kind, width, height, mode)


def _inspect_svg(path: Path, where) -> PictureInfo:
    """Its size, from the user's cache folder when these bytes passed the checks before:
    a process whose pictures are all known then never imports svglib (lxml, cssselect2)."""
    from briefgen import cache
    try:
        k = cache.key("svg-info", cache.library_stamp("svglib"), path.read_bytes())
    except OSError:
        k = None
    hit = cache.load("svg", k) if k else None
    if isinstance(hit, tuple) and len(hit) == 2 and all(isinstance(v, float) for v in hit):
        return PictureInfo(str(path), "svg", *hit)
    drawing = load_svg(path, where)
    info = PictureInfo(str(path), "svg", float(drawing.width), float(drawing.height))
    if k:
        cache.store("svg", k, (info.width, info.height))
    return info


_SVG: dict[str, object] = {}


def load_svg(path: Path, where=None):
    """An SVG file as a ReportLab Drawing (svglib); external references are not followed."""
    key = str(Path(path).resolve())
    if key in _SVG:
        return _SVG[key]
    import logging
    logging.getLogger("svglib.svglib").setLevel(logging.ERROR)
    try:
        from svglib.svglib import svg2rlg
    except ImportError:  # pragma: no cover - svglib is a dependency
        raise BriefgenError("SVG pictures need svglib", where, code="picture.format") from None
    text = Path(path).read_bytes()
    if b"<!ENTITY" in text:
        raise _bad(Path(path), where, "it declares XML entities (refused for safety)")
    try:
        drawing = svg2rlg(str(path))
    except Exception as exc:
        raise _bad(Path(path), where, _short(exc)) from None
    if drawing is None or not drawing.width or not drawing.height:
        raise _bad(Path(path), where, "it is not a readable SVG with a width and height")
    _SVG[key] = drawing
    return drawing


def _short(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return text[:120]


def resolution_warning(info: PictureInfo, width_pt: float, height_pt: float,
                       where: Location | None, what: str) -> Diagnostic | None:
    """A warning when a raster picture prints at under MIN_DPI."""
    if info.kind == "svg" or width_pt <= 0:
        return None
    dpi = min(info.width / (width_pt / 72), info.height / (height_pt / 72))
    if dpi >= MIN_DPI:
        return None
    return Diagnostic(f"{what} {Path(info.path).name} prints at {dpi:.0f} dpi, under the "
                      f"{MIN_DPI} dpi print needs", where, level="warning",
                      hint=f"use a file of at least {int(width_pt / 72 * MIN_DPI) + 1} pixels "
                           "wide", code="picture.dpi")
