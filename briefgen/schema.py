"""Every user-written file's schema, declared once: each field's type, default and meaning.

The same declarations validate (collecting every problem with its file:line, key path and
a code) and document (`briefgen schema NAME` prints them). A `Schema` is a mapping of field
name to `Field`; a field's type is either a type name (below) or a nested `Schema`, for a
mapping of known keys, or `Each(schema)`, for a mapping of names chosen by the user
(palette colours, styles) or a list of records.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from typing import Any

from briefgen import fields
from briefgen.diagnostics import Diagnostic, Location
from briefgen.sources import LocDict, LocList


class _Required:
    def __repr__(self) -> str:
        return "required"


REQUIRED = _Required()


@dataclass(frozen=True)
class Field:
    """One key of a schema: its type, default and help."""

    type: Any                 # a type name of TYPE_DOCS, a Schema, or Each(...)
    default: Any = REQUIRED   # REQUIRED, or the value used when the key is absent
    doc: str = ""

    @property
    def required(self) -> bool:
        return self.default is REQUIRED


@dataclass(frozen=True)
class Each:
    """A mapping whose keys the user names (`styles: {body: ...}`) or, with list=True, a
    list; every value of one type."""
    type: Any
    list: bool = False
    key_doc: str = "name"


class Schema(dict):
    """name -> Field, with a title and a paragraph for the reference."""

    def __init__(self, title: str, doc: str, fields_: dict[str, Field], *, code: str = "schema"):
        super().__init__(fields_)
        self.title = title
        self.doc = doc
        self.code = code

    # validation -----------------------------------------------------------------------

    def validate(self, data: Any, where: Location, keypath: str,
                 problems: list[Diagnostic]) -> dict[str, Any]:
        """The values of `data` converted, defaults filled in; problems appended."""
        out: dict[str, Any] = {}
        if data is None:
            data = {}
        if not isinstance(data, dict):
            problems.append(Diagnostic("expected a mapping of fields", where.at(keypath or "."),
                                       code=f"{self.code}.type"))
            data = {}
        loc_of = data.loc_of if isinstance(data, LocDict) else (lambda k: where)
        for key in data:
            if key not in self:
                close = difflib.get_close_matches(str(key), list(self), n=1)
                problems.append(Diagnostic(
                    f"unknown key '{key}'", loc_of(key).at(_join(keypath, key)),
                    code=f"{self.code}.unknown-key",
                    hint=f"did you mean '{close[0]}'?" if close else
                    "allowed: " + ", ".join(self)))
        for name, f in self.items():
            path = _join(keypath, name)
            if name not in data or data[name] is None and not _nullable(f):
                if f.required:
                    problems.append(Diagnostic(f"missing field '{name}'", where.at(keypath or "."),
                                               code=f"{self.code}.missing",
                                               hint=f"add '{name}:' ({f.doc})"))
                    out[name] = None
                elif f.default is None:   # a nested mapping gets its own defaults
                    out[name] = f.type.validate(None, where, path, problems) \
                        if isinstance(f.type, Schema) else None
                else:
                    out[name] = convert(f.type, f.default, where, path, problems, self.code)
                continue
            out[name] = convert(f.type, data[name], loc_of(name), path, problems, self.code)
        return out

    # documentation --------------------------------------------------------------------

    def reference(self, prefix: str = "", depth: int = 0) -> list[str]:
        lines = []
        if depth == 0:
            lines += [self.title, "=" * len(self.title), "", *_wrap(self.doc), ""]
        for name, f in self.items():
            key = _join(prefix, name)
            default = "required" if f.required else "optional" if \
                isinstance(f.type, Schema) and f.default is None else f"default {_show(f.default)}"
            lines.append(f"{key}: {type_name(f.type)}  ({default})")
            lines += ["    " + line for line in _wrap(f.doc, 84)]
            inner = f.type.type if isinstance(f.type, Each) else f.type
            if isinstance(inner, Schema):
                sub = f"{key}[]" if isinstance(f.type, Each) and f.type.list else \
                    f"{key}.<{f.type.key_doc}>" if isinstance(f.type, Each) else key
                lines += inner.reference(sub, depth + 1)
        return lines


def _nullable(f: Field) -> bool:
    return isinstance(f.type, str) and f.type.endswith("?")


def _join(keypath: str, key: Any) -> str:
    return f"{keypath}.{key}" if keypath else str(key)


def _show(value: Any) -> str:
    if value is None:
        return "none"
    if value == "":
        return "empty"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(str(v) for v in value) + "]"
    return str(value)


def _wrap(text: str, width: int = 88) -> list[str]:
    import textwrap
    return textwrap.wrap(text, width) or []


# --------------------------------------------------------------------------- types

# type name -> what it accepts, for the reference. `?` after a name: may also be null.
TYPE_DOCS = {
    "str": "text on one line",
    "id": "an identifier: letters, digits and '-'",
    "bool": "true or false",
    "int": "a whole number",
    "number": "a number, e.g. 0.85",
    "measure": "a length: 10pt, 12mm, 1.5cm, 0.5in (a bare number is points)",
    "color": "#rrggbb, #rgb or a palette name",
    "page-size": "A4, A5, Letter, Legal, or [width, height] in any unit",
    "font-role": "a font role the theme's `fonts` defines (body, heading, ...)",
    "list[str]": "a list of texts",
    "any": "any value",
    # profile and campaign values (a cell of a spreadsheet is text; these are how it is read)
    "list": "several ids: a YAML list, or one text separated by ';' (or ',' or '|')",
    "date": "YYYY-MM-DD",
    "role": "one of the roles the content pack declares",
    "outputs": "brief, factsheets, at-a-glance: a list, or one text separated by ';'",
    "local_examples": "a list of {title, text, year, url, priority, picture}, or a YAML file "
                      "of one",
    "pictures": "slot -> {file, alt, credit}",
}


def type_name(t: Any) -> str:
    if isinstance(t, Schema):
        return "mapping"
    if isinstance(t, Each):
        return f"list of {type_name(t.type)}" if t.list else \
            f"mapping of {t.key_doc} -> {type_name(t.type)}"
    if isinstance(t, tuple):   # an enum
        return "one of " + ", ".join(t)
    return str(t)


def convert(t: Any, raw: Any, where: Location, path: str, problems: list[Diagnostic],
            code: str = "schema") -> Any:
    def bad(message: str, hint: str | None = None):
        problems.append(Diagnostic(message, where.at(path), code=f"{code}.type", hint=hint))

    if isinstance(t, Schema):
        return t.validate(raw, where, path, problems)
    if isinstance(t, Each):
        if t.list:
            if not isinstance(raw, list):
                bad("expected a list")
                return []
            locs = raw.loc_of if isinstance(raw, LocList) else (lambda i: where)
            return [convert(t.type, item, locs(i), f"{path}[{i}]", problems, code)
                    for i, item in enumerate(raw)]
        if not isinstance(raw, dict):
            bad(f"expected a mapping of {t.key_doc} -> {type_name(t.type)}")
            return {}
        locs = raw.loc_of if isinstance(raw, LocDict) else (lambda k: where)
        return {str(k): convert(t.type, v, locs(k), _join(path, k), problems, code)
                for k, v in raw.items()}
    if isinstance(t, tuple):
        if raw not in t:
            bad(f"'{raw}' is not allowed", "use one of: " + ", ".join(t))
        return raw
    if t.endswith("?"):
        if raw is None:
            return None
        t = t[:-1]
    if t == "any":
        return raw
    if t in ("str", "id", "font-role"):
        if isinstance(raw, (int, float)) and not isinstance(raw, bool) and t == "str":
            return str(raw)
        if not isinstance(raw, str) or not raw.strip():
            bad("expected a non-empty text")
            return ""
        return raw
    if t == "bool":
        if not isinstance(raw, bool):
            bad("expected true or false")
            return False
        return raw
    if t == "int":
        if not isinstance(raw, int) or isinstance(raw, bool):
            bad(f"'{raw}' is not a whole number")
            return 0
        return raw
    if t == "number":
        if not isinstance(raw, (int, float)) or isinstance(raw, bool):
            bad(f"'{raw}' is not a number", "write e.g. 0.85")
            return None
        return float(raw)
    if t == "list[str]":
        if not isinstance(raw, list):
            bad("expected a list")
            return []
        return [str(x) for x in raw]
    try:
        if t == "measure":
            return fields.measurement(raw)
        if t == "page-size":
            return fields.page_size(raw)
        if t == "color":   # palette names are resolved by the theme, after the palette
            if isinstance(raw, str) and not raw.startswith("#"):
                return raw
            return fields.color(raw)
    except fields.FieldError as exc:
        bad(str(exc))
        return None
    raise AssertionError(f"unknown schema type {t!r}")


# --------------------------------------------------------------------------- inline markup

INLINE_MARKUP = """\
Inline markup (every text of a content pack)
============================================

**bold**                a phrase in bold
*italic*                a phrase in italics
[text](src:SOURCE-ID)   cites a source of notes.yaml: the phrase links to its URL and
                        gets an endnote number (i, ii, iii) in the order of first citation
[^FOOTNOTE-ID]          a footnote of notes.yaml: a number (1, 2, 3) here, the note at the
                        foot of the page
[text](https://...)     a link to a web address
<https://...>           a web address, printed and linked
\\*  \\[  \\]  \\<  \\\\       a literal *, [, ], < or backslash

Line breaks inside a text are spaces; a paragraph is one text. Every text is a mapping
of language to text, e.g. {en: "...", es: "..."}; English ('en') is the reference and
must be given.
"""


# --------------------------------------------------------------------------- the reference

CONTENT_TYPES = """\
Types of the content pack
=========================

text            a mapping of language to text: {en: "...", es: "..."}; 'en' is required
                and may not be empty; inline markup allowed (see below)
list:X          a YAML list of X
names           place names: a list, or a mapping of language to list where names differ
id              an identifier; ids are unique within their file
ref:KIND        the id of a priority, action, example, region or source of the pack
country         an ISO 3166-1 alpha-2 code in capitals, e.g. DE
enum:a,b        one of the listed words
int, int?       a whole number (int?: or empty)
str, str?       text on one line, not translated (str?: or empty)
bool            true or false
map             a mapping, described below it
"""
