"""Where a problem is, and how it is said: `file:line: error: message [code]`."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Location:
    """A place in a user-supplied file: path, 1-based line and column, dotted key path."""

    path: str | None = None
    line: int | None = None
    column: int | None = None
    keypath: str | None = None

    def __str__(self) -> str:
        parts = []
        if self.path:
            where = display_path(self.path)
            if self.line:
                where += f":{self.line}"
                if self.column:
                    where += f":{self.column}"
            parts.append(where)
        return ":".join(parts)

    def at(self, keypath: str) -> Location:
        return Location(self.path, self.line, self.column, keypath)


def display_path(path) -> str:
    """Relative to the working folder when inside it, so messages stay short."""
    cwd = Path.cwd().resolve()
    for candidate in (Path(os.path.abspath(path)), Path(path).resolve()):  # a link as named
        try:
            return str(candidate.relative_to(cwd))
        except ValueError:
            pass
    return str(path)


@dataclass(frozen=True)
class Diagnostic:
    """One problem found while reading or checking user input."""

    message: str
    location: Location | None = None
    code: str | None = None
    level: str = "error"
    hint: str | None = None

    def __str__(self) -> str:
        text = self.message
        if self.location and self.location.keypath:
            text += f" in {self.location.keypath}"
        if self.hint:
            text += f"; {self.hint}"
        if self.code:
            text += f" [{self.code}]"
        where = str(self.location) if self.location else ""
        prefix = f"{where}: " if where else ""
        return f"{prefix}{self.level}: {text}"


_BIDI_CONTROLS = {0x061C, 0x200E, 0x200F, *range(0x202A, 0x202F), *range(0x2066, 0x206A)}


def terminal_safe(text: str) -> str:
    """`text` with what a terminal would act on instead of print written as escapes:
    control characters (ESC starts sequences that retitle or redraw the terminal) and the
    invisible bidi controls that reorder what is shown. Names from campaign files reach
    progress and error lines through this."""
    out = []
    for ch in text:
        cp = ord(ch)
        if cp < 32 or 0x7F <= cp < 0xA0:
            out.append(f"\\x{cp:02x}")
        elif cp in _BIDI_CONTROLS:
            out.append(f"\\u{cp:04x}")
        else:
            out.append(ch)
    return "".join(out)
