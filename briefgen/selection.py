"""From a municipality profile and the user's choices to what one document contains.

A profile comes from a YAML file, command-line flags or a campaign row; all three are
validated by the one declaration below. Selection is deterministic: the same profile and
pack always give the same priorities, actions and examples in the same order.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from briefgen.content import Action, Example, Pack, Priority
from briefgen.diagnostics import Location
from briefgen.errors import SelectionError
from briefgen.schema import Field, Schema
from briefgen.sources import LocDict, load_yaml, refuse_control_characters

DEFAULT_EXAMPLES_PER_PRIORITY = 2
MAX_NAME_CHARS = 120

# The profile file, the flags and campaign columns share this one declaration.
PROFILE_SCHEMA = Schema(
    "Profile: a municipality (PROFILE.yaml, the flags of brief and factsheet, a campaign row)",
    "Every field is optional. Without a municipality, brief and factsheet build the general "
    "edition. Flags override the file.", {
        "municipality": Field("str", "", "name of the municipality (none: the general edition; "
                                         "a campaign row needs one)"),
        "country": Field("str", "", "country: an ISO 3166-1 alpha-2 code or its name"),
        "region": Field("str", "", "world region id or name (default: from the country)"),
        "role": Field("role", "", "one of the roles the content pack declares "
                                  "(briefgen list roles)"),
        "lang": Field("str", "en", "language code of the document, e.g. en"),
        "organisation": Field("str", "", "organisation that issues the brief"),
        "contact": Field("str", "", "contact line printed in the closing section"),
        "date": Field("date", None, "date of the brief, YYYY-MM-DD (none: today, or "
                                    "SOURCE_DATE_EPOCH)"),
        "local_context": Field("str", "", "a paragraph on the local situation, printed in "
                                          "the introduction"),
        "priorities": Field("list", (), "priority ids, or their numbers in the agenda "
                                        "(none: every priority)"),
        "actions": Field("list", (), "action ids"),
        "examples": Field("list", (), "example ids"),
        "examples_per_priority": Field("int", DEFAULT_EXAMPLES_PER_PRIORITY,
                                       "how many examples to pick per priority"),
        "layout": Field("str", "", "layout name or folder (campaign rows)"),
        "brand": Field("str", "", "a brand file (Quarto _brand.yml style): name, logo, colours, "
                                  "fonts; relative to the file that names it"),
        "logo": Field("str", "", "a logo picture (PNG, JPEG or SVG) that replaces the brand's"),
        "local_examples": Field("local_examples", (), "the town's own programmes, shown first: "
                                                      "a list of {title, text, year, url, "
                                                      "priority, picture}, or a YAML file of one"),
        "pictures": Field("pictures", (), "photos for the pack's picture slots: slot -> {file, "
                                          "alt, credit}; slots: cover, priority.<id>, "
                                          "example.<id>"),
        "all": Field("bool", False, "select the whole agenda"),
    }, code="profile")


def _default(name: str):
    return PROFILE_SCHEMA[name].default


@dataclass(frozen=True)
class Profile:
    """A validated profile; each field's default is the schema's."""
    municipality: str = _default("municipality")
    country: str = _default("country")
    region: str = _default("region")
    role: str = _default("role")
    lang: str = _default("lang")
    organisation: str = _default("organisation")
    contact: str = _default("contact")
    date: dt.date | None = _default("date")
    local_context: str = _default("local_context")
    priorities: tuple[str, ...] = _default("priorities")
    actions: tuple[str, ...] = _default("actions")
    examples: tuple[str, ...] = _default("examples")
    examples_per_priority: int = _default("examples_per_priority")
    layout: str = _default("layout")
    brand: str = _default("brand")
    logo: str = _default("logo")
    # (slot, absolute file path, alt text, credit) for each picture the profile gives
    pictures: tuple[tuple[str, str, str, str], ...] = _default("pictures")
    local_examples: tuple = _default("local_examples")  # briefgen.local.LocalExample, in order
    all: bool = _default("all")
    # where each field was given, for messages: field -> Location
    where: dict[str, Location] = field(default_factory=dict, compare=False, repr=False)

    def loc(self, name: str) -> Location | None:
        return self.where.get(name)

    def merged(self, overrides: dict[str, Any], where: Location | None = None) -> Profile:
        """This profile with the given fields replaced (flags override the file)."""
        values = {k: v for k, v in overrides.items() if v not in (None, (), "")}
        if not values:
            return self
        checked = coerce_fields(values, where or Location(keypath="command line"))
        locs = dict(self.where)
        for k in checked:
            locs[k] = where or Location(keypath=f"--{k}")
        return replace(self, **checked, where=locs)

    @property
    def effective_date(self) -> dt.date:
        return self.date or default_date()


def default_date() -> dt.date:
    """Today, unless SOURCE_DATE_EPOCH pins it (reproducible builds)."""
    pinned = source_date_epoch()
    return pinned if pinned is not None else dt.date.today()


MAX_EPOCH = 253402300799    # 9999-12-31 23:59:59 UTC, the last second a PDF date can write


def source_date_epoch() -> dt.date | None:
    """The date SOURCE_DATE_EPOCH pins, None when unset; anything but whole seconds since
    1970 in range is an error (exit 2), never a silent "today" or a crash in ReportLab,
    which reads the variable too."""
    raw = os.environ.get("SOURCE_DATE_EPOCH")
    if raw is None or not raw.strip():
        return None
    epoch = raw.strip()
    shown = epoch[:40].encode("unicode_escape").decode("ascii")
    if not (epoch.isascii() and epoch.isdigit()):
        raise SelectionError(f"'{shown}' is not a time", Location(keypath="SOURCE_DATE_EPOCH"),
                             hint="give whole seconds since 1970-01-01 UTC (e.g. 1764547200) "
                                  "or unset it", code="env.source-date-epoch")
    if int(epoch) > MAX_EPOCH:
        raise SelectionError(f"'{shown}' is after the year 9999",
                             Location(keypath="SOURCE_DATE_EPOCH"),
                             hint="give whole seconds since 1970-01-01 UTC (e.g. 1764547200) "
                                  "or unset it", code="env.source-date-epoch")
    return dt.datetime.fromtimestamp(int(epoch), dt.timezone.utc).date()


def coerce_fields(values: dict[str, Any], where: Location,
                  locs: dict[str, Location] | None = None) -> dict[str, Any]:
    """Check and convert raw profile values (from YAML, flags or a CSV row)."""
    out: dict[str, Any] = {}
    for name, raw in values.items():
        loc = (locs or {}).get(name, where)
        if name not in PROFILE_SCHEMA:
            import difflib
            close = difflib.get_close_matches(name, list(PROFILE_SCHEMA), n=1)
            raise SelectionError(f"unknown profile field '{name}'", loc,
                                 hint=f"did you mean '{close[0]}'?" if close else
                                 "fields: " + ", ".join(PROFILE_SCHEMA), code="profile.unknown")
        kind = PROFILE_SCHEMA[name].type
        out[name] = _coerce(name, kind, raw, loc)
    return out


def _coerce(name: str, kind: str, raw: Any, loc: Location) -> Any:
    if raw is None:
        return _DEFAULTS[name]
    if kind == "str":
        if isinstance(raw, (int, float)) and not isinstance(raw, bool):
            raw = str(raw)
        if not isinstance(raw, str):
            raise SelectionError(f"'{name}' must be text", loc, code="profile.type")
        refuse_control_characters(raw, f"'{name}'", loc,
                                  "\t\n\r" if name == "local_context" else "\t")
        value = " ".join(raw.split()) if name != "local_context" else raw.strip()
        if name == "municipality":
            if not value:
                raise SelectionError("the municipality name is empty", loc,
                                     hint="fill the row's 'municipality' cell" if _in_sheet(loc)
                                     else "give a name with -m/--municipality or 'municipality:'",
                                     code="profile.municipality")
            if len(value) > MAX_NAME_CHARS:
                raise SelectionError(
                    f"the municipality name is {len(value)} characters; at most "
                    f"{MAX_NAME_CHARS} fit on a cover", loc, code="profile.municipality")
        if name == "lang":
            value = value.lower().replace("_", "-")
        return value
    if kind == "role":  # checked against the pack's roles when selecting
        return str(raw).strip().lower()
    if kind == "date":
        if isinstance(raw, dt.date):
            return raw
        try:
            return dt.date.fromisoformat(str(raw).strip())
        except ValueError:
            raise SelectionError(f"'{raw}' is not a date", loc, hint="write it as YYYY-MM-DD",
                                 code="profile.date") from None
    if kind == "list":
        if isinstance(raw, str):
            items = [x.strip() for x in raw.replace("|", ";").replace(",", ";").split(";")]
        elif isinstance(raw, (list, tuple)):
            items = [str(x).strip() for x in raw]
        else:
            items = [str(raw)]
        return tuple(x for x in items if x)
    if kind == "int":
        try:
            value = int(raw)
        except (TypeError, ValueError):
            raise SelectionError(f"'{name}' must be a whole number", loc,
                                 code="profile.type") from None
        if value < 0:
            raise SelectionError(f"'{name}' cannot be negative", loc, code="profile.type")
        return value
    if kind == "pictures":
        return _pictures(raw, loc)
    if kind == "local_examples":
        from briefgen.local import coerce
        return coerce(raw, loc)
    if kind == "bool":
        if isinstance(raw, bool):
            return raw
        return str(raw).strip().lower() in ("1", "yes", "true", "y")
    raise AssertionError(kind)


def _in_sheet(loc: Location | None) -> bool:
    """The value comes from a campaign spreadsheet's cell (so messages name the column)."""
    return bool(loc and loc.path and Path(loc.path).suffix.lower() in
                (".csv", ".tsv", ".txt", ".xlsx", ".xlsm"))


def _pictures(raw: Any, loc: Location) -> tuple:
    from briefgen.pictures import resolve
    if isinstance(raw, tuple):  # already checked (a profile merged again)
        return raw
    if not isinstance(raw, dict):
        raise SelectionError("'pictures' must map slots to pictures", loc,
                             hint="e.g. 'cover: {file: photos/cover.jpg, alt: ...}'",
                             code="profile.pictures")
    out = []
    for slot, spec in raw.items():
        where = raw.loc_of(slot) if isinstance(raw, LocDict) else loc
        if not isinstance(spec, dict) or not spec.get("file"):
            raise SelectionError(f"picture '{slot}' needs a 'file' and its 'alt' text", where,
                                 hint="e.g. {file: photos/cover.jpg, alt: what it shows}",
                                 code="profile.pictures")
        unknown = [k for k in spec if k not in ("file", "alt", "credit")]
        if unknown:
            raise SelectionError(f"unknown key '{unknown[0]}' in picture '{slot}'", where,
                                 hint="a picture has file, alt, credit", code="profile.pictures")
        alt = " ".join(str(spec.get("alt") or "").split())
        if not alt:
            raise SelectionError(f"picture '{slot}' has no 'alt' text", where,
                                 hint="say in a sentence what the picture shows: readers "
                                      "who cannot see it hear this", code="profile.alt")
        path = resolve(str(spec["file"]), where)
        out.append((str(slot), str(path), alt, " ".join(str(spec.get("credit") or "").split())))
    return tuple(out)


_DEFAULTS = {name: f.default for name, f in PROFILE_SCHEMA.items()}


def load_profile(path: Path) -> Profile:
    data = load_yaml(Path(path), "profile")
    if data is None:
        data = LocDict()
        data.loc, data.key_locs = Location(str(path), 1), {}
    if not isinstance(data, LocDict):
        raise SelectionError("a profile must be a mapping of fields", Location(str(path), 1),
                             hint="e.g. 'municipality: Malmö'", code="profile.type")
    locs = {k: data.loc_of(k).at(k) for k in data}
    values = coerce_fields(dict(data), data.loc, locs)
    return Profile(**values, where=locs)


# --------------------------------------------------------------------------- selection


@dataclass(frozen=True)
class SelectedPriority:
    """A priority and the actions and examples chosen of it."""

    priority: Priority
    actions: tuple[Action, ...]
    examples: tuple[Example, ...]


@dataclass(frozen=True)
class Selection:
    """What one document covers, resolved from a profile."""

    profile: Profile
    country: str          # resolved ISO code, or ""
    region: str           # resolved region id, or ""
    priorities: tuple[SelectedPriority, ...]
    complete: bool        # the whole agenda (--all)

    @property
    def actions(self) -> list[Action]:
        return [a for sp in self.priorities for a in sp.actions]

    @property
    def examples(self) -> list[Example]:
        return [e for sp in self.priorities for e in sp.examples]


def resolve_country(value: str, pack: Pack, lang: str, where: Location | None) -> str:
    if not value:
        return ""
    from briefgen.countries import country_code
    code = country_code(value, lang)
    if code is None:
        raise SelectionError(f"unknown country '{value}'", where,
                             hint="give an ISO 3166-1 alpha-2 code (e.g. SE) or the country's "
                                  "English, Spanish or French name", code="profile.country")
    return code


def resolve_region(profile: Profile, country: str, pack: Pack) -> str:
    value = profile.region.strip()
    if not value:
        return pack.region_of_country.get(country, "")
    key = value.lower()
    for region in pack.regions:
        names = {t.lower() for t in region.name.texts.values()}
        if key == region.id or key in names:
            return region.id
    raise SelectionError(f"unknown region '{value}'", profile.loc("region"),
                         hint="use one of: " + ", ".join(r.id for r in pack.regions),
                         code="profile.region")


def rank_examples(examples: list[Example], country: str, region: str) -> list[Example]:
    """Most relevant first: same country, then same region, then the rest; pack order within."""
    def tier(e: Example) -> int:
        if country and e.country == country:
            return 0
        if region and e.region == region:
            return 1
        return 2
    return sorted(examples, key=tier)  # sorted() is stable: pack order breaks ties


def rank_actions(actions: list[Action], role: str) -> list[Action]:
    """For one-page sheets: local actions before asks, actions for this role first."""
    def key(a: Action) -> tuple[int, int]:
        role_fit = 0 if (not a.roles or role in a.roles) else 1
        return (role_fit, 1 if a.national else 0)
    return sorted(actions, key=key)


def check_role(pack: Pack, profile: Profile) -> None:
    if not profile.role or profile.role in pack.roles:
        return
    if pack.roles_declared or not pack.roles:  # an older pack accepts any role
        raise SelectionError(f"unknown role '{profile.role}'", profile.loc("role"),
                             hint=("roles: " + ", ".join(pack.roles)) if pack.roles else
                             "this content pack declares no roles; leave 'role' out",
                             code="profile.role")


def select(pack: Pack, profile: Profile) -> Selection:
    check_role(pack, profile)
    country = resolve_country(profile.country, pack, profile.lang, profile.loc("country"))
    region = resolve_region(profile, country, pack)

    if profile.all:
        chosen = [SelectedPriority(p, tuple(pack.actions_of(p.id)), tuple(pack.examples_of(p.id)))
                  for p in pack.priorities]
        return Selection(profile, country, region, tuple(chosen), True)

    wanted = [pack.resolve_priority(ref, profile.loc("priorities")) for ref in profile.priorities]
    named_actions = [pack.resolve_action(ref, profile.loc("actions")) for ref in profile.actions]
    named_examples = [pack.resolve_example(ref, profile.loc("examples"))
                      for ref in profile.examples]
    ids = {p.id for p in wanted} | {a.priority for a in named_actions} | \
          {e.priority for e in named_examples}
    if not ids:
        ids = {p.id for p in pack.priorities}

    chosen = []
    for p in pack.priorities:  # agenda order, whatever order the user named them in
        if p.id not in ids:
            continue
        acts = [a for a in pack.actions_of(p.id) if a in named_actions] or pack.actions_of(p.id)
        exs = [e for e in pack.examples_of(p.id) if e in named_examples]
        if not exs:
            exs = rank_examples(pack.examples_of(p.id), country, region)
            exs = exs[:profile.examples_per_priority]
        chosen.append(SelectedPriority(p, tuple(acts), tuple(exs)))
    return Selection(profile, country, region, tuple(chosen), False)
