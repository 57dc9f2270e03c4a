"""The brief form: its fields as the browser sends them, into a Profile and the problems of
each field, in the words the command line uses.

Everything the browser sends is text, checked by the one profile declaration
(selection.coerce_fields) field by field so that every field's problem is known at once.
Nothing the browser sends names a file: the layout is one of the built-in names, and the
content pack is the server's.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from briefgen import resources
from briefgen.diagnostics import Diagnostic, Location
from briefgen.errors import BriefgenError
from briefgen.selection import Profile, coerce_fields, default_date, rank_examples, select

# The fields of the form, in the order they appear; each is a profile field.
TEXT_FIELDS = ("municipality", "country", "lang", "layout", "organisation", "contact",
               "local_context", "date")
LIST_FIELDS = ("priorities", "examples")
FIELDS = TEXT_FIELDS + LIST_FIELDS
KINDS = ("brief", "factsheets", "at-a-glance")
MAX_TEXT = {"local_context": 4000}
MAX_FIELD = 300
MAX_ITEMS = 100


@dataclass
class Problem:
    """One problem, next to the field that caused it ('' when no one field did)."""

    field: str
    message: str
    level: str = "error"

    def as_dict(self) -> dict[str, str]:
        return {"field": self.field, "message": self.message, "level": self.level}


@dataclass
class FormResult:
    profile: Profile | None
    problems: list[Problem] = field(default_factory=list)
    partial: Profile | None = None   # the fields that are fine, to find further problems


def layout_names() -> list[str]:
    """The built-in layouts: the only ones a browser may choose."""
    root = resources.layouts_dir()
    return sorted(p.name for p in root.iterdir() if (p / "layout.yaml").is_file())


def said(diag: Diagnostic) -> str:
    """A diagnostic in the command line's words, without the file location (the page shows
    it next to the field it is about)."""
    text = diag.message
    keypath = diag.location.keypath if diag.location else None
    if keypath and keypath not in FIELDS:
        text += f" in {keypath}"
    if diag.hint:
        text += f"; {diag.hint}"
    return text


def problems_of(exc: BriefgenError) -> list[Problem]:
    out = []
    for diag in exc.diagnostics:
        keypath = diag.location.keypath if diag.location else None
        out.append(Problem(keypath if keypath in FIELDS else "", said(diag), diag.level))
    return out


def _text(value: Any, name: str) -> str:
    if value is None:
        return ""
    if isinstance(value, (list, tuple)):
        value = value[0] if value else ""
    return str(value)[:MAX_TEXT.get(name, MAX_FIELD)]


def _items(value: Any) -> list[str]:
    if value is None or value == "":
        return []
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, (list, tuple)):
        return []
    return [str(v)[:MAX_FIELD] for v in value[:MAX_ITEMS] if str(v).strip()]


def profile_from(values: dict[str, Any]) -> FormResult:
    """The profile the form describes, or every problem of its fields."""
    problems: list[Problem] = []
    checked: dict[str, Any] = {}
    where: dict[str, Location] = {}
    for name in FIELDS:
        raw: Any = _items(values.get(name)) if name in LIST_FIELDS else \
            _text(values.get(name), name).strip()
        if raw in ("", []):
            continue
        if name == "layout" and raw not in layout_names():
            problems.append(Problem(name, f"unknown layout '{raw}'; layouts: "
                                    + ", ".join(layout_names())))
            continue
        loc = Location(keypath=name)
        try:
            checked.update(coerce_fields({name: raw}, loc))
            where[name] = loc
        except BriefgenError as exc:
            problems += problems_of(exc)
    if "municipality" not in checked and not any(p.field == "municipality" for p in problems):
        problems.insert(0, Problem("municipality", "no municipality given"))
    if isinstance(values.get("examples"), list):
        # The page sends the list only once the person has used the toggles: then what is
        # ticked is exactly what goes in, and a priority with none ticked gets none.
        checked["examples_per_priority"] = 0
    checked.setdefault("date", default_date())
    if problems:
        checked.setdefault("municipality", "?")
        return FormResult(None, problems, Profile(**checked, where=where))
    return FormResult(Profile(**checked, where=where))


def further_problems(pack, form: FormResult) -> list[Problem]:
    """What the pack says about the fields that passed their own check (an unknown
    country, say), so that the page shows every problem at once, not one per edit."""
    if form.partial is None:
        return []
    seen = {p.field for p in form.problems}
    try:
        select(pack, form.partial)
    except BriefgenError as exc:
        return [p for p in problems_of(exc) if p.field and p.field not in seen]
    return []


def suggestions(pack, profile: Profile, lang: str) -> list[dict[str, Any]]:
    """The examples of the chosen priorities, most relevant to the place first, each marked
    whether the brief includes it now (what briefgen picks, or what the user named)."""
    from briefgen.countries import country_name
    from briefgen.inline import plain
    selection = select(pack, profile)
    chosen = {e.id for e in selection.examples}

    def text(t) -> str:
        return plain(t.nodes(lang if t.has(lang) else "en"))

    out = []
    for sp in selection.priorities:
        ranked = rank_examples(pack.examples_of(sp.priority.id), selection.country,
                               selection.region)
        for e in ranked:
            out.append({"id": e.id, "priority": sp.priority.id, "title": text(e.title),
                        "places": ", ".join(e.places.get(lang)) or country_name(e.country, lang),
                        "year": e.year, "chosen": e.id in chosen})
    return out
