"""The content model: what a content pack says, with no idea of PDF or layout.

A pack is a folder of YAML files (pack, priorities, actions, examples, notes, regions).
Each record type is declared once below, as a table of fields; the loader validates every
file against it, checks every cross-reference, and reports all problems at once.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

from briefgen import inline
from briefgen.diagnostics import Diagnostic, Location
from briefgen.errors import ContentError, ProblemsError, SelectionError
from briefgen.schema import REQUIRED, Field, Schema
from briefgen.sources import LocDict, LocList, load_yaml

ACTION_KINDS = ("local", "national")

# The pack's own words for its topic (pack.yaml `words:`), each overriding the layout label
# of the same name: key -> (placeholders it may use, description). A `_general` key is the
# word for the general edition (a document for no municipality in particular).
TOPIC_WORDS: dict[str, tuple[tuple[str, ...], str]] = {
    "default_author": (("title",), "the campaign or publisher: the PDF's author when the "
                                   "profile names no organisation"),
    "doc_title": (("title", "municipality"), "title of a brief for one place, e.g. "
                  "'What {municipality} can do for clean air'"),
    "doc_title_general": (("title",), "title of the general edition (no municipality)"),
    "glance_title": (("title", "municipality"), "heading of the at-a-glance overview"),
    "glance_title_general": (("title",), "heading of the general at-a-glance overview"),
    "glance_lead": (("title",), "the line under the overview's heading"),
    "keywords": (("title",), "PDF keywords, separated by ';'"),
    "closing_ask": (("title",), "the closing paragraph's call to act"),
}


# --------------------------------------------------------------------------- text


@dataclass(frozen=True)
class LocalText:
    """One text in several languages, each remembering where it was written."""

    texts: dict[str, str]
    locs: dict[str, Location]
    loc: Location
    # inline nodes per language, parsed once when the pack is read: campaigns compose
    # thousands of documents from the same texts
    parsed: dict[str, tuple] = field(default_factory=dict, compare=False, repr=False)

    def has(self, lang: str) -> bool:
        return bool(self.texts.get(lang, "").strip())

    def nodes(self, lang: str) -> tuple:
        nodes = self.parsed.get(lang)
        if nodes is None:
            nodes = self.parsed[lang] = inline.parse(self.texts[lang])
        return nodes


@dataclass(frozen=True)
class LocalNames:
    """Place names: one list for every language, or per language where names differ
    (The Hague, La Haya, La Haye). A language not given uses the English names."""

    names: dict[str, tuple[str, ...]]
    loc: Location
    per_language: bool = False      # written as a mapping: every language must be there

    def has(self, lang: str) -> bool:
        return not self.per_language or lang in self.names

    def get(self, lang: str) -> tuple[str, ...]:
        return self.names.get(lang, self.names.get("en", ()))


# --------------------------------------------------------------------------- records


@dataclass(frozen=True)
class Priority:
    """One of the agenda's priorities."""

    id: str
    number: int
    title: LocalText
    short_title: LocalText
    summary: LocalText
    intro: tuple[LocalText, ...]
    headline_action: str
    headline_example: str
    loc: Location


@dataclass(frozen=True)
class Action:
    """One action of a priority, in every language of the pack."""

    id: str
    priority: str
    kind: str
    roles: tuple[str, ...]
    text: LocalText
    items: tuple[LocalText, ...]
    short: LocalText
    loc: Location

    @property
    def national(self) -> bool:
        return self.kind == "national"


@dataclass(frozen=True)
class Example:
    """One example of a municipality at work."""

    id: str
    title: LocalText
    places: LocalNames
    country: str
    region: str
    year: int | None
    priority: str
    origin: str | None
    text: LocalText
    short: LocalText
    source: str | None
    loc: Location


@dataclass(frozen=True)
class Footnote:
    """A footnote text of the pack."""

    id: str
    text: LocalText
    loc: Location


@dataclass(frozen=True)
class Source:
    """A source document, cited in endnotes."""

    id: str
    label: LocalText
    url: str
    loc: Location

    @property
    def href(self) -> str:
        """The URL as a link target: the seed prints some without a scheme."""
        if "://" in self.url or self.url.startswith("mailto:"):
            return self.url
        return "https://" + self.url


@dataclass(frozen=True)
class Section:
    """An extra section or box the pack adds to the brief, e.g. a partner initiative."""

    id: str
    title: LocalText
    paragraphs: tuple[LocalText, ...]
    after: str | None           # the brief section it follows, or
    before: str | None          # the one it precedes (default: before the endnotes)
    box: bool                   # drawn as a box rather than a headed section
    level: int                  # heading level of a section: 1 (in the contents) or 2
    loc: Location


@dataclass(frozen=True)
class Region:
    """A region of the pack and the countries in it."""

    id: str
    name: LocalText
    countries: tuple[str, ...]
    loc: Location


@dataclass(frozen=True)
class Pack:
    """The whole content pack."""

    root: Path
    id: str
    title: LocalText
    subtitle: LocalText
    languages: tuple[str, ...]
    intro: tuple[LocalText, ...]
    agenda_lead: LocalText
    purpose: tuple[LocalText, ...]
    words: dict[str, LocalText]
    sections: tuple[Section, ...]
    roles: tuple[str, ...]
    priorities: tuple[Priority, ...]
    actions: tuple[Action, ...]
    examples: tuple[Example, ...]
    footnotes: dict[str, Footnote]
    sources: dict[str, Source]
    regions: tuple[Region, ...]
    roles_declared: bool = True   # False: an older pack that names roles only in its actions
    fingerprint: str = field(default="", compare=False)

    @cached_property
    def priority_by_id(self) -> dict[str, Priority]:
        return {p.id: p for p in self.priorities}

    @cached_property
    def action_by_id(self) -> dict[str, Action]:
        return {a.id: a for a in self.actions}

    @cached_property
    def example_by_id(self) -> dict[str, Example]:
        return {e.id: e for e in self.examples}

    @cached_property
    def region_of_country(self) -> dict[str, str]:
        return {code: r.id for r in self.regions for code in r.countries}

    def actions_of(self, priority_id: str) -> list[Action]:
        return [a for a in self.actions if a.priority == priority_id]

    def examples_of(self, priority_id: str) -> list[Example]:
        return [e for e in self.examples if e.priority == priority_id]

    def resolve_priority(self, ref: str | int, where: Location | None = None) -> Priority:
        """An id, or its number in the agenda (1 to the number of priorities) as an alias."""
        key = str(ref).strip()
        if key.isascii() and key.isdigit():  # '¹' is a digit to Python, not to int()
            for p in self.priorities:
                if p.number == int(key):
                    return p
        elif key in self.priority_by_id:
            return self.priority_by_id[key]
        raise unknown_id("priority", key, [p.id for p in self.priorities], where,
                         aliases=f"or a number 1-{len(self.priorities)}",
                         listing="briefgen list priorities")

    def resolve_action(self, ref: str, where: Location | None = None) -> Action:
        if ref in self.action_by_id:
            return self.action_by_id[ref]
        raise unknown_id("action", ref, list(self.action_by_id), where,
                         listing="briefgen list actions")

    def resolve_example(self, ref: str, where: Location | None = None) -> Example:
        if ref in self.example_by_id:
            return self.example_by_id[ref]
        raise unknown_id("example", ref, list(self.example_by_id), where,
                         listing="briefgen list examples")

    def all_texts(self):
        """Every translatable field, with a dotted path, for translation checks."""
        yield "pack.title", self.title
        yield "pack.subtitle", self.subtitle
        for i, t in enumerate(self.intro):
            yield f"pack.intro[{i}]", t
        yield "pack.agenda_lead", self.agenda_lead
        for i, t in enumerate(self.purpose):
            yield f"pack.purpose[{i}]", t
        for key, t in self.words.items():
            yield f"pack.words.{key}", t
        for s in self.sections:
            yield f"pack.sections.{s.id}.title", s.title
            for i, t in enumerate(s.paragraphs):
                yield f"pack.sections.{s.id}.paragraphs[{i}]", t
        for p in self.priorities:
            for name in ("title", "short_title", "summary"):
                yield f"priorities.{p.id}.{name}", getattr(p, name)
            for i, t in enumerate(p.intro):
                yield f"priorities.{p.id}.intro[{i}]", t
        for a in self.actions:
            yield f"actions.{a.id}.text", a.text
            yield f"actions.{a.id}.short", a.short
            for i, t in enumerate(a.items):
                yield f"actions.{a.id}.items[{i}]", t
        for e in self.examples:
            for name in ("title", "text", "short"):
                yield f"examples.{e.id}.{name}", getattr(e, name)
        for f in self.footnotes.values():
            yield f"footnotes.{f.id}.text", f.text
        for s in self.sources.values():
            yield f"sources.{s.id}.label", s.label
        for r in self.regions:
            yield f"regions.{r.id}.name", r.name

    def missing_translations(self, lang: str) -> list[Diagnostic]:
        problems = []
        for path, text in self.all_texts():
            if not text.has(lang):
                problems.append(Diagnostic(
                    f"no '{lang}' text", text.loc.at(path), code="i18n.missing",
                    hint=f"add a '{lang}:' entry beside 'en:'"))
        for e in self.examples:  # names given per language must be given for each
            if not e.places.has(lang):
                problems.append(Diagnostic(
                    f"no '{lang}' place names", e.places.loc.at(f"examples.{e.id}.places"),
                    code="i18n.missing", hint=f"add a '{lang}:' list beside 'en:'"))
        return problems


def unknown_id(kind: str, value: str, valid: list[str], where: Location | None = None, *,
               aliases: str = "", listing: str = "") -> SelectionError:
    close = difflib.get_close_matches(value, valid, n=1, cutoff=0.6)
    hint = f"did you mean '{close[0]}'? " if close else ""
    if len(valid) <= 8:
        hint += "valid: " + ", ".join(valid) + (f" ({aliases})" if aliases else "")
    else:
        hint += f"see `{listing}` for the {len(valid)} valid ids" + \
            (f" ({aliases})" if aliases else "")
    return SelectionError(f"unknown {kind} '{value}'", where, hint=hint, code=f"ref.{kind}")


# --------------------------------------------------------------------------- schema
#
# Each record type is declared once: field name -> Field(kind, default, description).
# The loader checks types, unknown keys and references from these tables, and
# `briefgen schema pack` prints them (the kinds are listed in schema.CONTENT_TYPES).

Spec = Schema

PACK_SCHEMA = Schema(
    "pack.yaml",
    "The pack's head: its title, introduction, topic words and extra sections.", {
    "id": Field("id", REQUIRED, "pack identifier"),
    "title": Field("text", REQUIRED, "the agenda's title, e.g. 'Clean Air Around Schools'"),
    "subtitle": Field("text", REQUIRED, "subtitle under the title"),
    "languages": Field("list:str", REQUIRED, "languages the pack is written in"),
    "intro": Field("list:text", REQUIRED, "introduction paragraphs"),
    "agenda_lead": Field("text", REQUIRED,
                         "sentence that introduces the agenda's list of priorities"),
    "purpose": Field("list:text", REQUIRED, "paragraphs after the agenda list"),
    "words": Field("map", None, "the pack's topic words per language: " + ", ".join(TOPIC_WORDS)),
    "sections": Field("list:map", (), "extra sections or boxes of the brief, each placed "
                                   "after or before a section of the layout"),
    "roles": Field("list:id", (), "roles a municipality may have (profile 'role'), if the "
                                "actions use them"),
    "child_friendly_cities": Field("map", None, "older form of one extra section: title, "
                                            "paragraphs (placed before the endnotes)"),
}, code="schema")
CFCI_SCHEMA = Schema(
    "pack.yaml child_friendly_cities",
    "The older form of one extra section (still read): it becomes the section "
    "child-friendly-cities, before the endnotes.", {
    "title": Field("text", REQUIRED, "box title"),
    "paragraphs": Field("list:text", REQUIRED, "box paragraphs"),
}, code="schema")
SECTION_SCHEMA = Schema(
    "pack.yaml sections[]",
    "An extra section or box of the brief, placed after or before a section of the layout.", {
    "id": Field("id", REQUIRED,
                "section id: its bookmark, and a name a layout may list in its sections"),
    "title": Field("text", REQUIRED, "heading of the section or title of the box"),
    "paragraphs": Field("list:text", REQUIRED, "the paragraphs"),
    "after": Field("str?", None, "the brief section it follows (e.g. closing, introduction)"),
    "before": Field("str?", None, "the brief section it precedes (default: endnotes)"),
    "box": Field("bool", False, "draw it as a box instead of a headed section (default false)"),
    "level": Field("int?", None, "heading level of a section: 1 (listed in the contents with the "
                             "priorities) or 2 (default)"),
}, code="schema")
PRIORITY_SCHEMA = Schema(
    "priorities.yaml priorities[]",
    "The agenda: one entry per priority, in order (1 to any number of them).", {
    "id": Field("id", REQUIRED, "unique priority id (not all digits: numbers are aliases)"),
    "number": Field("int?", None, "position in the agenda, 1 to the number of priorities; accepted "
                              "as an alias of the id (default: the order of the file)"),
    "title": Field("text", REQUIRED, "the priority as the agenda words it"),
    "short_title": Field("text", REQUIRED, "1-4 words for running heads"),
    "summary": Field("text", REQUIRED, "1-2 sentences on why it matters (factsheets)"),
    "intro": Field("list:text", REQUIRED, "lead paragraphs before the actions (may be empty)"),
    "headline_action": Field("ref:action", REQUIRED, "the action shown on the at-a-glance sheet"),
    "headline_example": Field("ref:example", REQUIRED,
                              "the example shown on the at-a-glance sheet"),
}, code="schema")
ACTION_SCHEMA = Schema(
    "actions.yaml actions[]",
    "What a local government can do, or ask of national authorities, under one priority.", {
    "id": Field("id", REQUIRED, "unique action id"),
    "priority": Field("ref:priority", REQUIRED, "the priority it belongs to"),
    "kind": Field("enum:" + ",".join(ACTION_KINDS), REQUIRED,
             "local action, or an ask to national authorities"),
    "roles": Field("list:str", (), "only for municipalities of these roles (pack.yaml 'roles')"),
    "text": Field("text", REQUIRED, "the recommended action"),
    "items": Field("list:text", (), "sub-points"),
    "short": Field("text", REQUIRED, "one-sentence version for factsheets"),
}, code="schema")
EXAMPLE_SCHEMA = Schema(
    "examples.yaml examples[]",
    "Case studies: what has already been done elsewhere.", {
    "id": Field("id", REQUIRED, "unique example id"),
    "title": Field("text", REQUIRED, "headline of the case study"),
    "places": Field("names", REQUIRED,
                    "municipalities involved (may be empty for national examples): "
                    "a list, or a list per language where names differ"),
    "country": Field("country", REQUIRED, "ISO 3166-1 alpha-2 code"),
    "region": Field("ref:region", REQUIRED, "world region id"),
    "year": Field("int?", REQUIRED, "year the seed gives for it, or null"),
    "priority": Field("ref:priority", REQUIRED, "the priority it illustrates"),
    "origin": Field("str?", None, "which source document it comes from (a note for editors)"),
    "text": Field("text", REQUIRED, "the full case study"),
    "short": Field("text", REQUIRED, "1-2 sentences for factsheets"),
    "source": Field("ref:source?", REQUIRED, "the endnote source it cites, or null"),
}, code="schema")
FOOTNOTE_SCHEMA = Schema(
    "notes.yaml footnotes[]",
    "Footnotes, cited in a text as [^ID].", {
    "id": Field("id", REQUIRED, "unique footnote id"),
    "text": Field("text", REQUIRED, "the note"),
}, code="schema")
SOURCE_SCHEMA = Schema(
    "notes.yaml sources[]",
    "Sources, cited in a text as [phrase](src:ID) and listed as endnotes.", {
    "id": Field("id", REQUIRED, "unique source id"),
    "label": Field("text", REQUIRED, "what the source documents"),
    "url": Field("str", REQUIRED, "the URL exactly as published"),
}, code="schema")
REGION_SCHEMA = Schema(
    "regions.yaml regions[]",
    "World regions, so that examples from the same region come first.", {
    "id": Field("id", REQUIRED, "region id"),
    "name": Field("text", REQUIRED, "region name"),
    "countries": Field("list:country", REQUIRED, "ISO 3166-1 alpha-2 codes"),
}, code="schema")

SCHEMAS = {
    "pack.yaml": PACK_SCHEMA, "pack.yaml sections[]": SECTION_SCHEMA,
    "priorities.yaml priorities[]": PRIORITY_SCHEMA, "actions.yaml actions[]": ACTION_SCHEMA,
    "examples.yaml examples[]": EXAMPLE_SCHEMA, "notes.yaml footnotes[]": FOOTNOTE_SCHEMA,
    "notes.yaml sources[]": SOURCE_SCHEMA, "regions.yaml regions[]": REGION_SCHEMA,
    "pack.yaml child_friendly_cities": CFCI_SCHEMA,
}

# Notes are drawn at the foot of a page: one longer than this could not fit beside text.
MAX_FOOTNOTE_CHARS = 1200


# --------------------------------------------------------------------------- loading


class _Checker:
    """Collects problems while records are read, so that all are reported at once."""

    def __init__(self):
        self.problems: list[Diagnostic] = []
        self.refs: list[tuple[str, str, Location]] = []  # (kind, id, where)

    def error(self, message: str, loc: Location, code: str, hint: str | None = None):
        self.problems.append(Diagnostic(message, loc, code=code, hint=hint))

    def record(self, data: Any, spec: Spec, loc: Location, keypath: str) -> dict | None:
        if not isinstance(data, LocDict):
            self.error("expected a mapping of fields", loc.at(keypath), "schema.type")
            return None
        for key in data:
            if key not in spec:
                close = difflib.get_close_matches(str(key), list(spec), n=1)
                hint = f"did you mean '{close[0]}'?" if close else "allowed: " + ", ".join(spec)
                self.error(f"unknown key '{key}'", data.loc_of(key).at(f"{keypath}.{key}"),
                           "schema.unknown-key", hint)
        values = {}
        for name, f in spec.items():
            kind = f.type
            where = data.loc_of(name).at(f"{keypath}.{name}")
            if name not in data:
                if f.required:
                    self.error(f"missing field '{name}'", data.loc.at(keypath),
                               "schema.missing", f"add '{name}:' ({f.doc})")
                    values[name] = _EMPTY.get(kind.split(":")[0])
                else:
                    values[name] = f.default
                continue
            values[name] = self.value(data[name], kind, where, data, name)
        return values

    def value(self, raw: Any, kind: str, where: Location, parent=None, key=None) -> Any:
        base, _, rest = kind.partition(":")
        if base == "text":
            return self.text(raw, where)
        if base == "list":
            if raw is None:
                raw = LocList()
                raw.loc, raw.item_locs = where, []
            if not isinstance(raw, list):
                self.error("expected a list", where, "schema.type")
                return ()
            return tuple(self.value(item, rest, raw.loc_of(i).at(f"{where.keypath}[{i}]"))
                         for i, item in enumerate(raw))
        if base == "str?":
            if raw is None:
                return None
            base = "str"
        if base == "bool":
            if not isinstance(raw, bool):
                self.error("expected true or false", where, "schema.type")
                return False
            return raw
        if base in ("str", "id", "country"):
            if not isinstance(raw, str) or not raw.strip():
                self.error("expected a non-empty string", where, "schema.type")
                return ""
            if base == "country" and not (len(raw) == 2 and raw.isalpha() and raw.isupper()):
                self.error(f"'{raw}' is not an ISO 3166-1 alpha-2 code", where, "schema.country",
                           "use two capital letters, e.g. DE")
            return raw
        if base == "int" or base == "int?":
            if raw is None and base == "int?":
                return None
            if not isinstance(raw, int) or isinstance(raw, bool):
                self.error("expected a whole number", where, "schema.type")
                return None
            return raw
        if base == "enum":
            allowed = rest.split(",")
            if raw not in allowed:
                self.error(f"'{raw}' is not allowed", where, "schema.enum",
                           "use one of: " + ", ".join(allowed))
            return raw
        if base == "ref":
            target, optional = rest.rstrip("?"), rest.endswith("?")
            if raw is None and optional:
                return None
            if not isinstance(raw, str):
                self.error(f"expected a {target} id", where, "schema.type")
                return None
            self.refs.append((target, raw, where))
            return raw
        if base == "map":
            return raw
        if base == "names":
            return self.names(raw, where)
        raise AssertionError(kind)

    def names(self, raw: Any, where: Location) -> LocalNames:
        if not isinstance(raw, LocDict):
            return LocalNames({"en": self.value(raw, "list:str", where)}, where)
        names = {}
        for lang, value in raw.items():
            lwhere = raw.loc_of(lang).at(f"{where.keypath}.{lang}")
            if not isinstance(lang, str) or len(lang) != 2 or not lang.islower():
                self.error(f"'{lang}' is not a two-letter language code", lwhere, "schema.lang")
                continue
            names[lang] = self.value(value, "list:str", lwhere)
        if "en" not in names:
            self.error("no English ('en') names; English is the reference language", where,
                       "i18n.no-english")
        return LocalNames(names, where, per_language=True)

    def text(self, raw: Any, where: Location) -> LocalText:
        if not isinstance(raw, LocDict):
            self.error("expected a mapping of language to text, e.g. {en: \"...\"}", where,
                       "schema.text")
            return LocalText({}, {}, where)
        texts, locs, parsed = {}, {}, {}
        for lang, value in raw.items():
            lwhere = raw.loc_of(lang).at(f"{where.keypath}.{lang}")
            if not isinstance(lang, str) or len(lang) != 2 or not lang.islower():
                self.error(f"'{lang}' is not a two-letter language code", lwhere, "schema.lang")
                continue
            if not isinstance(value, str):
                self.error("expected text", lwhere, "schema.type")
                continue
            if lang == "en" and not value.strip():
                self.error("the English text is empty", lwhere, "schema.empty",
                           "write the text; English is the reference language")
                continue
            try:
                nodes = parsed[lang] = inline.parse(value)
            except inline.MarkupError as exc:
                self.error(f"bad markup: {exc}", lwhere, "markup")
                continue
            for node in inline.walk(nodes):
                if isinstance(node, inline.Link) and inline.link_problem(node.url):
                    self.error(inline.link_problem(node.url), lwhere, "link.scheme")
                if isinstance(node, inline.FootnoteCite):
                    self.refs.append(("footnote", node.note_id, lwhere))
                elif isinstance(node, inline.SourceCite):
                    self.refs.append(("source", node.source_id, lwhere))
            texts[lang], locs[lang] = value, lwhere
        if "en" not in texts and "en" not in raw:
            self.error("no English ('en') text; English is the reference language", where,
                       "i18n.no-english")
        return LocalText(texts, locs, where, parsed)


_EMPTY = {"text": LocalText({}, {}, Location()), "names": LocalNames({}, Location()),
          "list": (), "str": "", "str?": None, "bool": False, "id": "", "int": 0,
          "int?": None, "enum": "", "ref": None, "map": None, "country": ""}


def _records(chk: _Checker, data: Any, key: str, spec: Spec, path: Path):
    """The records of a top-level list `key:` in a file, validated."""
    file_loc = Location(str(path), 1)
    if not isinstance(data, LocDict) or key not in data:
        chk.error(f"expected a top-level '{key}:' list", file_loc, "schema.missing")
        return []
    for extra in data:
        if extra != key:
            chk.error(f"unknown key '{extra}'", data.loc_of(extra).at(extra), "schema.unknown-key",
                      f"the file holds only '{key}:'")
    items = data[key]
    if not isinstance(items, LocList):
        chk.error("expected a list", data.loc_of(key).at(key), "schema.type")
        return []
    out, seen = [], {}
    for i, item in enumerate(items):
        loc = items.loc_of(i)
        values = chk.record(item, spec, loc, f"{key}[{i}]")
        if values is None:
            continue
        ident = values.get("id")
        if ident:
            if ident in seen:
                chk.error(f"duplicate id '{ident}' (first at line {seen[ident].line})",
                          loc.at(f"{key}[{i}].id"), "schema.duplicate-id")
                continue
            seen[ident] = loc
        values["loc"] = loc.at(f"{key}[{i}]")
        out.append(values)
    return out


def load_pack(root: Path) -> Pack:
    """Read and check a content pack folder. All problems are raised together."""
    root = Path(root)
    if not root.is_dir():
        raise ContentError(f"content pack folder not found: {root}",
                           hint="point --content at a folder holding pack.yaml")
    files = {}
    for name in ("pack", "priorities", "actions", "examples", "notes", "regions"):
        path = root / f"{name}.yaml"
        if not path.is_file():
            raise ContentError(f"content pack file missing: {path}",
                               hint=f"a pack needs {name}.yaml beside pack.yaml")
        files[name] = (path, load_yaml(path, "content file"))

    chk = _Checker()
    ppath, pdata = files["pack"]
    head = chk.record(pdata, PACK_SCHEMA, Location(str(ppath), 1), "pack") or {}
    words = _words(chk, head.get("words"), pdata.loc_of("words") if isinstance(pdata, LocDict)
                   else Location(str(ppath), 1))
    sections = _sections(chk, head.get("sections") or (), pdata)
    if isinstance(head.get("child_friendly_cities"), LocDict):
        raw = head["child_friendly_cities"]
        cfci = chk.record(raw, CFCI_SCHEMA, raw.loc, "pack.child_friendly_cities") or {}
        if cfci and not any(x.id == "child-friendly-cities" for x in sections):
            sections.append(Section("child-friendly-cities", cfci["title"], cfci["paragraphs"],
                                    None, None, False, 2, raw.loc.at("pack.child_friendly_cities")))

    priorities = _records(chk, files["priorities"][1], "priorities", PRIORITY_SCHEMA,
                          files["priorities"][0])
    actions = _records(chk, files["actions"][1], "actions", ACTION_SCHEMA, files["actions"][0])
    examples = _records(chk, files["examples"][1], "examples", EXAMPLE_SCHEMA,
                        files["examples"][0])
    npath, ndata = files["notes"]
    notes_ok = isinstance(ndata, LocDict)
    footnotes = _records(chk, _only_key(ndata, "footnotes"), "footnotes", FOOTNOTE_SCHEMA, npath)
    sources = _records(chk, _only_key(ndata, "sources"), "sources", SOURCE_SCHEMA, npath)
    if notes_ok:
        for key in ndata:
            if key not in ("footnotes", "sources"):
                chk.error(f"unknown key '{key}'", ndata.loc_of(key).at(key), "schema.unknown-key",
                          "notes.yaml holds 'footnotes:' and 'sources:'")
    regions = _records(chk, files["regions"][1], "regions", REGION_SCHEMA, files["regions"][0])

    ids = {
        "priority": {p["id"] for p in priorities},
        "action": {a["id"] for a in actions},
        "example": {e["id"] for e in examples},
        "footnote": {f["id"] for f in footnotes},
        "source": {s["id"] for s in sources},
        "region": {r["id"] for r in regions},
    }
    for kind, ident, where in chk.refs:
        if ident not in ids[kind]:
            close = difflib.get_close_matches(ident, sorted(ids[kind]), n=1)
            chk.error(f"unknown {kind} '{ident}'", where, f"ref.{kind}",
                      f"did you mean '{close[0]}'?" if close else f"no {kind} has that id")

    _number_priorities(chk, priorities, files["priorities"][0])
    roles = tuple(head.get("roles") or ())
    if not roles:  # an older pack: the roles its actions name, and any other is accepted
        roles = tuple(dict.fromkeys(r for a in actions for r in a["roles"]))
    else:
        for a in actions:
            for i, r in enumerate(a["roles"]):
                if r not in roles:
                    chk.error(f"unknown role '{r}'", a["loc"].at(f"{a['loc'].keypath}.roles[{i}]"),
                              "ref.role", "roles declared in pack.yaml: " + ", ".join(roles))
    by_action = {a["id"]: a for a in actions}
    by_example = {e["id"]: e for e in examples}
    for p in priorities:
        a = by_action.get(p["headline_action"])
        if a and a["priority"] != p["id"]:
            chk.error(f"headline action '{a['id']}' belongs to '{a['priority']}'",
                      p["loc"].at(p["loc"].keypath + ".headline_action"), "ref.headline")
        e = by_example.get(p["headline_example"])
        if e and e["priority"] != p["id"]:
            chk.error(f"headline example '{e['id']}' belongs to '{e['priority']}'",
                      p["loc"].at(p["loc"].keypath + ".headline_example"), "ref.headline")
    for f in footnotes:
        for lang in f["text"].texts:
            nodes = f["text"].nodes(lang)
            # a note citing a note (itself, or one that cites it back) never ends
            if any(isinstance(n, inline.FootnoteCite) for n in inline.walk(nodes)):
                chk.error("a footnote cannot cite a footnote", f["text"].locs[lang],
                          "ref.footnote-in-footnote", "write the detail into this note")
        for lang, text in f["text"].texts.items():
            if len(text) > MAX_FOOTNOTE_CHARS:
                chk.error(f"footnote is {len(text)} characters; the most a page can hold is "
                          f"{MAX_FOOTNOTE_CHARS}", f["text"].locs[lang], "limit.footnote",
                          "shorten it or move the detail into the text")
    for src in sources:
        problem = inline.link_problem(src["url"] or "")
        if problem:
            chk.error(problem, src["loc"].at(src["loc"].keypath + ".url"), "link.scheme")
    seen_codes: dict[str, str] = {}
    for r in regions:
        for code in r["countries"]:
            if code in seen_codes:
                chk.error(f"country {code} is in both '{seen_codes[code]}' and '{r['id']}'",
                          r["loc"], "schema.region")
            seen_codes[code] = r["id"]

    if chk.problems:
        n = len(chk.problems)
        raise ProblemsError(chk.problems, f"{n} problem{'s' * (n != 1)} in content pack {root}")

    def build(cls, values):
        return cls(**{k: v for k, v in values.items()})

    pack = Pack(
        root=root,
        id=head["id"], title=head["title"], subtitle=head["subtitle"],
        languages=tuple(head["languages"]), intro=head["intro"],
        agenda_lead=head["agenda_lead"], purpose=head["purpose"],
        words=words, sections=tuple(sections), roles=roles,
        roles_declared="roles" in (pdata if isinstance(pdata, LocDict) else {}),
        priorities=tuple(sorted((build(Priority, p) for p in priorities), key=lambda p: p.number)),
        actions=tuple(build(Action, a) for a in actions),
        examples=tuple(build(Example, e) for e in examples),
        footnotes={f["id"]: build(Footnote, f) for f in footnotes},
        sources={s["id"]: build(Source, s) for s in sources},
        regions=tuple(build(Region, r) for r in regions),
        fingerprint=fingerprint_folder(root, "*.yaml"),
    )
    return pack


def _words(chk: _Checker, raw: Any, where_words: Location) -> dict[str, LocalText]:
    """pack.yaml `words:`: the topic words, each a text per language."""
    if raw is None:
        return {}
    if not isinstance(raw, LocDict):
        chk.error("expected a mapping of word -> text", where_words.at("pack.words"),
                  "schema.type")
        return {}
    import string
    words = {}
    for key, value in raw.items():
        where = raw.loc_of(key).at(f"pack.words.{key}")
        if key not in TOPIC_WORDS:
            close = difflib.get_close_matches(str(key), list(TOPIC_WORDS), n=1)
            chk.error(f"unknown word '{key}'", where, "schema.unknown-key",
                      f"did you mean '{close[0]}'?" if close else
                      "words: " + ", ".join(TOPIC_WORDS))
            continue
        text = chk.text(value, where)
        allowed = TOPIC_WORDS[key][0]
        for lang, t in text.texts.items():
            try:
                names = {f for _, f, _, _ in string.Formatter().parse(t) if f is not None}
            except ValueError as exc:
                chk.error(f"bad placeholder: {exc}", text.locs[lang], "schema.placeholder",
                          "write a literal brace as {{ or }}")
                continue
            for name in sorted(names - set(allowed)):
                chk.error(f"unknown placeholder '{{{name}}}'", text.locs[lang],
                          "schema.placeholder",
                          "this word may use " + (", ".join("{%s}" % a for a in allowed)))
        words[key] = text
    return words


def _sections(chk: _Checker, raw: Any, pdata: Any) -> list[Section]:
    if not raw:
        return []
    out, seen = [], set()
    for i, item in enumerate(raw):
        loc = item.loc if isinstance(item, LocDict) else pdata.loc_of("sections")
        path = f"pack.sections[{i}]"
        values = chk.record(item, SECTION_SCHEMA, loc, path)
        if not values:
            continue
        if values["id"] in seen:
            chk.error(f"duplicate id '{values['id']}'", loc.at(path + ".id"),
                      "schema.duplicate-id")
            continue
        seen.add(values["id"])
        if values["after"] and values["before"]:
            chk.error("give 'after' or 'before', not both", loc.at(path), "schema.section")
        level = values["level"] or 2
        if level not in (1, 2):
            chk.error(f"level {level} is not 1 or 2", loc.at(path + ".level"), "schema.section")
        out.append(Section(values["id"], values["title"], values["paragraphs"], values["after"],
                           values["before"], values["box"], level, loc.at(path)))
    return out


def _number_priorities(chk: _Checker, priorities: list[dict], path: Path) -> None:
    """Numbers are the agenda's order: given for every priority or for none, 1 to N."""
    for i, p in enumerate(priorities):
        if p["id"] and p["id"].isdigit():
            chk.error(f"priority id '{p['id']}' is a number", p["loc"].at(p["loc"].keypath + ".id"),
                      "schema.priority", "numbers are aliases of the ids; use a word")
        if p["number"] is None:
            p["number"] = i + 1
    if not priorities:
        chk.error("the agenda has no priorities", Location(str(path), 1), "schema.priority",
                  "add at least one entry under 'priorities:'")
        return
    n = len(priorities)
    seen: dict[int, str] = {}
    for p in priorities:
        where = p["loc"].at(p["loc"].keypath + ".number")
        if not 1 <= p["number"] <= n:
            chk.error(f"priority number {p['number']} is outside 1-{n}", where,
                      "schema.priority", f"number the {n} priorities 1 to {n}, or leave "
                                         "'number' out to use the order of the file")
        elif p["number"] in seen:
            chk.error(f"priority number {p['number']} is also '{seen[p['number']]}'", where,
                      "schema.priority", "each priority has its own number")
        seen.setdefault(p["number"], p["id"])


def _only_key(data: Any, key: str) -> Any:
    """A one-key view of a mapping, so a file with two lists is read like two files."""
    if not isinstance(data, LocDict) or key not in data:
        return data if not isinstance(data, LocDict) else _one(data, key, missing=True)
    return _one(data, key)


def _one(data: LocDict, key: str, missing: bool = False) -> LocDict:
    out = LocDict()
    out.loc, out.key_locs = data.loc, {}
    if not missing:
        out[key] = data[key]
        out.key_locs[key] = data.loc_of(key)
    return out


def fingerprint_folder(root: Path, pattern: str) -> str:
    """A hash of every matching file below root: the campaign's 'has the input changed?'."""
    import hashlib
    h = hashlib.sha256()
    for path in sorted(Path(root).rglob(pattern)):
        if not path.is_file():
            continue
        h.update(str(path.relative_to(root)).encode())
        h.update(path.read_bytes())
    return h.hexdigest()
