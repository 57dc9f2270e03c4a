"""Reading user files (YAML, CSV) so that every value still knows where it came from."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

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


def _mark(path: str, node: yaml.Node) -> Location:
    return Location(path, node.start_mark.line + 1, node.start_mark.column + 1)


class _Loader(yaml.SafeLoader):
    source_path = "<string>"

    def construct_mapping(self, node, deep=False):
        if not isinstance(node, yaml.MappingNode):
            return super().construct_mapping(node, deep)
        self.flatten_mapping(node)
        result = LocDict()
        result.loc = _mark(self.source_path, node)
        result.key_locs = {}
        for key_node, value_node in node.value:
            key = self.construct_object(key_node, deep=True)
            if key in result:
                raise BriefgenError(
                    f"duplicate key '{key}'", _mark(self.source_path, key_node),
                    hint="each key may appear once in a mapping", code="yaml.duplicate-key")
            result[key] = self.construct_object(value_node, deep=True)
            result.key_locs[key] = _mark(self.source_path, value_node)
        return result

    def construct_sequence(self, node, deep=False):
        result = LocList(self.construct_object(child, deep=True) for child in node.value)
        result.loc = _mark(self.source_path, node)
        result.item_locs = [_mark(self.source_path, child) for child in node.value]
        return result


def _construct_map(loader, node):
    return loader.construct_mapping(node, deep=True)


def _construct_seq(loader, node):
    return loader.construct_sequence(node, deep=True)


_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_map)
_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _construct_seq)
# Dates stay strings: the profile and campaign code parse them with a clear message.
_Loader.yaml_implicit_resolvers = {
    ch: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for ch, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def parse_yaml(text: str, path: str = "<string>") -> Any:
    """Parse YAML text; a syntax error becomes one line with file:line:column."""
    loader = _Loader(text)
    loader.source_path = path
    try:
        return loader.get_single_data()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        loc = Location(path, mark.line + 1, mark.column + 1) if mark else Location(path)
        problem = exc.problem or exc.context or "not valid YAML"
        raise BriefgenError(f"malformed YAML: {problem}", loc,
                            hint="check indentation, quotes and colons near that line",
                            code="yaml.syntax") from None
    except yaml.YAMLError as exc:
        raise BriefgenError(f"malformed YAML: {exc}", Location(path), code="yaml.syntax") from None
    finally:
        loader.dispose()


def read_text(path: Path, what: str) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise BriefgenError(f"{what} not found: {path}", hint="check the path",
                            code="file.missing") from None
    except IsADirectoryError:
        raise BriefgenError(f"{what} is a folder, not a file: {path}", code="file.folder") from None
    except UnicodeDecodeError as exc:
        raise BriefgenError(f"{what} is not UTF-8 text (byte {exc.start})", Location(str(path)),
                            hint="save it as UTF-8", code="file.encoding") from None
    except OSError as exc:
        raise BriefgenError(f"cannot read {what} {path}: {exc.strerror}", code="file.unreadable") from None


def load_yaml(path: Path, what: str = "YAML file") -> Any:
    return parse_yaml(read_text(path, what), str(path))
