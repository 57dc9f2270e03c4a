"""Where a problem is, and how it is said: `file:line: error: message [code]`."""

from __future__ import annotations

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
            where = _display_path(self.path)
            if self.line:
                where += f":{self.line}"
                if self.column:
                    where += f":{self.column}"
            parts.append(where)
        return ":".join(parts)

    def at(self, keypath: str) -> Location:
        return Location(self.path, self.line, self.column, keypath)


def _display_path(path: str) -> str:
    """Relative to the working folder when inside it, so messages stay short."""
    try:
        return str(Path(path).resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
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
