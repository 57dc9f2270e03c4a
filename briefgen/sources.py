"""Reading user files (YAML, CSV) so that every value still knows where it came from."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from briefgen.diagnostics import Location
from briefgen.errors import BriefgenError


class LocDict(dict):
    """A YAML mapping that remembers the location of itself and of each value."""

    loc: Location
    key_locs: dict[Any, Location]

    def loc_of(self, key: Any) -> Location:
        return self.key_locs.get(key, self.loc)


class LocList(list):
    """A YAML sequence that remembers the location of itself and of each item."""

    loc: Location
    item_locs: list[Location]

    def loc_of(self, index: int) -> Location:
        return self.item_locs[index] if index < len(self.item_locs) else self.loc


def _mark(path: str, node) -> Location:
    return Location(path, node.start_mark.line + 1, node.start_mark.column + 1)


# Limits on what one YAML file may ask for. Aliases let a few lines stand for billions of
# values (the "billion laughs"): the composer counts every value an alias stands for, so
# such a file is refused before anything walks it. Nesting deeper than any briefgen file
# needs would otherwise end in Python's recursion limit.
MAX_YAML_BYTES = 32 * 1024 * 1024
MAX_VALUES = 2_000_000       # values in the file, counting each alias's expansion
MAX_ITEMS = 200_000          # items in one list or mapping
MAX_DEPTH = 40               # mappings and lists inside each other


def parse_yaml(text: str, path: str = "<string>") -> Any:
    """Parse YAML text; a syntax error becomes one line with file:line:column.

    PyYAML and the loader are imported here, not with this module: a process whose pack
    and layout come from the cache folder parses no YAML and never imports them."""
    import yaml

    from briefgen.yamlloader import Loader
    loader = None
    try:
        loader = Loader(text)  # the reader refuses NUL and control characters here
        loader.source_path = path
        return loader.get_single_data()
    except yaml.reader.ReaderError as exc:
        line = text.count("\n", 0, exc.position) + 1
        column = exc.position - (text.rfind("\n", 0, exc.position) + 1) + 1
        raise BriefgenError(f"{_char(exc.character)} is not allowed in YAML",
                            Location(path, line, column),
                            hint="remove it (control characters cannot be printed)",
                            code="yaml.character") from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        loc = Location(path, mark.line + 1, mark.column + 1) if mark else Location(path)
        problem = exc.problem or exc.context or "not valid YAML"
        raise BriefgenError(f"malformed YAML: {problem}", loc,
                            hint="check indentation, quotes and colons near that line",
                            code="yaml.syntax") from None
    except yaml.YAMLError as exc:
        problem = " ".join(str(exc).split())
        raise BriefgenError(f"malformed YAML: {problem}", Location(path),
                            code="yaml.syntax") from None
    finally:
        if loader is not None:
            loader.dispose()


def _char(ch) -> str:
    import unicodedata
    if isinstance(ch, int):
        ch = chr(ch)
    name = unicodedata.name(ch, "") or {0: "NUL"}.get(ord(ch), "a control character")
    return f"U+{ord(ch):04X} ({name})"


def control_character(text: str, allowed: str = "") -> str | None:
    """The first character of `text` that a page or a terminal cannot show (C0 and C1
    controls, DEL; tab and newline only when `allowed`), or None."""
    for ch in text:
        cp = ord(ch)
        if (cp < 32 or 0x7F <= cp < 0xA0) and ch not in allowed:
            return ch
    return None


def refuse_control_characters(text: str, what: str, loc: Location | None,
                              allowed: str = "\t\n\r") -> None:
    ch = control_character(text, allowed)
    if ch is not None:
        raise BriefgenError(f"{_char(ch)} in {what}", loc,
                            hint="remove it (control characters cannot be printed)",
                            code="text.control")


MAX_FILE_BYTES = 256 * 1024 * 1024


def read_bytes(path: Path, what: str, limit: int = MAX_FILE_BYTES) -> bytes:
    """A regular file's bytes, at most `limit` of them. A device, a named pipe or a socket
    given as a file (/dev/zero, a FIFO) would be read forever or block: refused."""
    import stat
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except FileNotFoundError:
        raise BriefgenError(f"{what} not found: {path}", hint="check the path",
                            code="file.missing") from None
    except IsADirectoryError:
        raise BriefgenError(f"{what} is a folder, not a file: {path}", code="file.folder") from None
    except OSError as exc:
        raise BriefgenError(f"cannot read {what} {path}: {exc.strerror}",
                            code="file.unreadable") from None
    with os.fdopen(fd, "rb") as fh:
        info = os.fstat(fh.fileno())
        if stat.S_ISDIR(info.st_mode):
            raise BriefgenError(f"{what} is a folder, not a file: {path}", code="file.folder")
        if not stat.S_ISREG(info.st_mode):
            raise BriefgenError(f"{what} is not a regular file (a device or a pipe): {path}",
                                hint="give the path of a file", code="file.special")
        try:
            data = fh.read(limit + 1)
        except OSError as exc:
            raise BriefgenError(f"cannot read {what} {path}: {exc.strerror}",
                                code="file.unreadable") from None
    if len(data) > limit:
        raise BriefgenError(f"{what} is over {limit >> 20} MB; at most {limit >> 20} MB are read",
                            Location(str(path)), hint="split it into smaller files",
                            code="file.size")
    return data


def read_text(path: Path, what: str, limit: int = MAX_FILE_BYTES) -> str:
    data = read_bytes(path, what, limit)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise BriefgenError(f"{what} is not UTF-8 text (byte {exc.start})", Location(str(path)),
                            hint="save it as UTF-8", code="file.encoding") from None


def load_yaml(path: Path, what: str = "YAML file") -> Any:
    return parse_yaml(read_text(Path(path), what, MAX_YAML_BYTES), str(path))
