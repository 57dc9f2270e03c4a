"""The YAML loader behind `sources.parse_yaml`: locations on every value, limits on size.

Kept apart from `sources` so that importing `sources` (LocDict, CSV reading) does not
import PyYAML: a process whose parsed files all come from the cache folder needs neither.
"""

from __future__ import annotations

import yaml

from briefgen.errors import BriefgenError
from briefgen.sources import (MAX_DEPTH, MAX_ITEMS, MAX_VALUES, LocDict, LocList, _mark,
                              refuse_control_characters)


class Loader(yaml.SafeLoader):
    source_path = "<string>"

    def __init__(self, stream):
        super().__init__(stream)
        self._depth = 0
        self._sizes: dict[int, int] = {}

    def compose_node(self, parent, index):
        alias = self.check_event(yaml.AliasEvent)
        self._depth += 1
        if self._depth > MAX_DEPTH:
            raise BriefgenError(f"the YAML nests lists and mappings more than {MAX_DEPTH} deep",
                                _mark(self.source_path, self.peek_event()),
                                hint="flatten the structure", code="yaml.depth")
        try:
            node = super().compose_node(parent, index)
        finally:
            self._depth -= 1
        if alias:
            return node
        if isinstance(node, yaml.SequenceNode):
            children = node.value
        elif isinstance(node, yaml.MappingNode):
            children = [n for pair in node.value for n in pair]
        else:
            children = ()
        if len(children) > MAX_ITEMS * (2 if isinstance(node, yaml.MappingNode) else 1):
            raise BriefgenError(f"a list or mapping of more than {MAX_ITEMS:,} items",
                                _mark(self.source_path, node), hint="split the file",
                                code="yaml.size")
        size = 1 + sum(self._sizes.get(id(c), 1) for c in children)
        self._sizes[id(node)] = size
        if size > MAX_VALUES:
            raise BriefgenError(f"the YAML stands for more than {MAX_VALUES:,} values "
                                "(aliases that repeat aliases?)", _mark(self.source_path, node),
                                hint="write the values out, or use fewer '*' aliases",
                                code="yaml.size")
        return node

    def construct_mapping(self, node, deep=False):
        if not isinstance(node, yaml.MappingNode):
            return super().construct_mapping(node, deep)
        self.flatten_mapping(node)
        result = LocDict()
        result.loc = _mark(self.source_path, node)
        result.key_locs = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                raise BriefgenError("a key must be a plain word, not a list or mapping",
                                    _mark(self.source_path, key_node),
                                    hint="write 'key: value'", code="yaml.key")
            # A key is the text as written: '1:', 'no:' or '2026-01-01:' stay text, so
            # that every reader of the mapping meets only string keys.
            key = key_node.value
            if key in result:
                raise BriefgenError(
                    f"duplicate key '{key}'", _mark(self.source_path, key_node),
                    hint="each key may appear once in a mapping", code="yaml.duplicate-key")
            result[key] = self.construct_object(value_node, deep=True)
            result.key_locs[key] = _mark(self.source_path, value_node)
        return result

    def construct_scalar(self, node):
        value = super().construct_scalar(node)
        if isinstance(value, str):  # "\x1b" and "\0" escapes get past the reader
            refuse_control_characters(value, "a YAML value", _mark(self.source_path, node))
        return value

    def construct_sequence(self, node, deep=False):
        result = LocList(self.construct_object(child, deep=True) for child in node.value)
        result.loc = _mark(self.source_path, node)
        result.item_locs = [_mark(self.source_path, child) for child in node.value]
        return result


def _construct_map(loader, node):
    return loader.construct_mapping(node, deep=True)


def _construct_seq(loader, node):
    return loader.construct_sequence(node, deep=True)


Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_map)
Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _construct_seq)
# Dates stay strings: the profile and campaign code parse them with a clear message.
Loader.yaml_implicit_resolvers = {
    ch: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for ch, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
