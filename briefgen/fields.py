"""Small typed values for print: measurements, colours, page sizes."""

from __future__ import annotations

import math
import re

MAX_POINTS = 14400.0          # 200 inches: the largest page PDF allows
MIN_PAGE = 72.0               # one inch: no briefgen document fits on less
UNITS = {"pt": 1.0, "mm": 72 / 25.4, "cm": 72 / 2.54, "in": 72.0}
PAGE_SIZES = {"A4": (595.2756, 841.8898), "A5": (419.5276, 595.2756),
              "LETTER": (612.0, 792.0), "LEGAL": (612.0, 1008.0)}
_MEASURE = re.compile(r"^\s*(-?\d+(?:\.\d+)?)\s*(pt|mm|cm|in)?\s*$")
_HEX = re.compile(r"^#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})$")


class FieldError(ValueError):
    """A value of the wrong form; the message says what form is expected."""


def measurement(value) -> float:
    """'12pt', '2.5mm', '1in', 10 -> points."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if not math.isfinite(value) or abs(value) > MAX_POINTS:
            raise FieldError(f"'{value}' is not a measurement a page can hold")
        return float(value)
    m = _MEASURE.match(str(value))
    if not m:
        raise FieldError(f"'{value}' is not a measurement; write e.g. 10pt, 12mm, 1.5cm or 0.5in")
    points = float(m.group(1)) * UNITS[m.group(2) or "pt"]
    if abs(points) > MAX_POINTS:
        raise FieldError(f"'{value}' is larger than any page ({MAX_POINTS:.0f}pt, 5 m)")
    return points


def color(value, palette: dict[str, str] | None = None) -> str:
    """'#1c6fb5', '#fff' or a palette name -> '#rrggbb'."""
    text = str(value).strip()
    if palette and text in palette:
        text = str(palette[text]).strip()
    if not _HEX.match(text):
        names = ", ".join(sorted(palette)) if palette else "none"
        raise FieldError(f"'{value}' is not a colour; write #rrggbb or a palette name ({names})")
    if len(text) == 4:
        text = "#" + "".join(c * 2 for c in text[1:])
    return text.lower()


def page_size(value) -> tuple[float, float]:
    """'A4', 'Letter', or [width, height] in any unit -> points."""
    if isinstance(value, (list, tuple)) and len(value) == 2:
        width, height = measurement(value[0]), measurement(value[1])
        if min(width, height) < MIN_PAGE:
            raise FieldError(f"page size {list(value)} is smaller than {MIN_PAGE:.0f}pt "
                             "(one inch) a side")
        return width, height
    key = str(value).strip().upper()
    if key in PAGE_SIZES:
        return PAGE_SIZES[key]
    raise FieldError(f"'{value}' is not a page size; use {', '.join(PAGE_SIZES)} or [width, height]")
