"""Pictures into a composed document: the pack's icons and the photos a user supplies.

Composing says what a document contains; this says what it shows beside it. It works on
the renderer-neutral `Document` after composing, by the keys composing gives (headings
`priority-<id>`, boxes keyed by example or priority id), so document kinds need not know
about pictures:

- brief: an icon beside each priority's section title, every priority's icon on the cover
  band; the cover photo before "This brief covers", a priority's photo after its first
  paragraph, an example's photo at the foot of its box;
- factsheet: the priority's icon on the coloured band;
- at-a-glance: each priority's icon beside its panel.

The pack declares the slots in `pictures.yaml` (icons, and photo slots with credits); a
profile fills photo slots with files and alt text.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path

from briefgen import document as d
from briefgen.diagnostics import Diagnostic, Location
from briefgen.errors import BriefgenError
from briefgen.pictures import inspect, resolution_warning, resolve
from briefgen.sources import LocDict


@dataclass(frozen=True)
class Slots:
    icons: dict[str, str] = field(default_factory=dict)             # priority id -> file
    photos: dict[str, dict] = field(default_factory=dict)           # slot -> file/alt/credit
    source: str = ""


_SLOTS: dict[str, Slots] = {}


def load_slots(content_dir: Path) -> Slots:
    """The pack's pictures.yaml (none: no pictures), its files checked."""
    path = Path(content_dir) / "pictures.yaml"
    key = str(path.resolve())
    if key in _SLOTS:
        return _SLOTS[key]
    if not path.is_file():
        return Slots()
    from briefgen import cache   # parsed before: from the cache folder
    data = cache.load_yaml(path, "picture slots") or {}
    if not isinstance(data, LocDict):
        raise BriefgenError("pictures.yaml must be a mapping (icons, photos)",
                            Location(str(path), 1), code="pictures.type")
    for k in data:
        if k not in ("icons", "photos"):
            raise BriefgenError(f"unknown key '{k}'", data.loc_of(k), hint="keys: icons, photos",
                                code="pictures.key")
    icons = {}
    raw_icons = data.get("icons") or {}
    for pid, file in raw_icons.items():
        where = raw_icons.loc_of(pid) if isinstance(raw_icons, LocDict) else data.loc
        full = resolve(str(file), where)
        inspect(full, where)
        icons[str(pid)] = str(full)
    photos = {}
    raw_photos = data.get("photos") or {}
    for slot, spec in raw_photos.items():
        where = raw_photos.loc_of(slot) if isinstance(raw_photos, LocDict) else data.loc
        spec = dict(spec or {})
        entry = {"credit": str(spec.get("credit") or ""), "alt": str(spec.get("alt") or ""),
                 "file": ""}
        if spec.get("file"):
            if not entry["alt"]:
                raise BriefgenError(f"photo '{slot}' has a file but no 'alt' text", where,
                                    hint="say in a sentence what it shows", code="pictures.alt")
            full = resolve(str(spec["file"]), where)
            inspect(full, where)
            entry["file"] = str(full)
        photos[str(slot)] = entry
    slots = Slots(icons, photos, str(path))
    _SLOTS[key] = slots
    return slots


def slot_names(pack) -> list[str]:
    return (["cover"] + [f"priority.{p.id}" for p in pack.priorities] +
            [f"example.{e.id}" for e in pack.examples])


def photos_for(slots: Slots, profile, pack) -> tuple[dict[str, d.Image], list[Diagnostic]]:
    """The photos this document may show: the pack's filled slots, then the profile's."""
    chosen: dict[str, d.Image] = {}
    for slot, entry in slots.photos.items():
        if entry["file"]:
            chosen[slot] = d.Image(entry["file"], entry["alt"], credit=entry["credit"])
    valid = set(slot_names(pack))
    for slot, file, alt, credit in profile.pictures:
        where = profile.loc("pictures")
        if slot not in valid:
            import difflib
            close = difflib.get_close_matches(slot, sorted(valid), n=1)
            raise BriefgenError(f"unknown picture slot '{slot}'", where,
                                hint=f"did you mean '{close[0]}'?" if close else
                                "slots: cover, priority.<id>, example.<id>",
                                code="profile.pictures")
        inspect(Path(file), where)
        chosen[slot] = d.Image(file, alt, credit=credit or
                               slots.photos.get(slot, {}).get("credit", ""))
    return chosen, []


def illustrate(doc: d.Document, slots: Slots, photos: dict[str, d.Image], theme,
               pack=None) -> tuple[d.Document, list[Diagnostic]]:
    sizes = theme.pictures
    accent = theme.palette.get("accent", "#000000")
    on_band = theme.cover.get("band_text", "#ffffff")
    warnings: list[Diagnostic] = []
    m = theme.margins
    frame_w = theme.page_size[0] - m["left"] - m["right"]

    def icon(pid: str, size: float, tint: str, align: str = "left") -> d.Image | None:
        file = slots.icons.get(pid)
        return d.Image(file, "", width=size, height=size, decorative=True, tint=tint,
                       align=align) if file else None

    def photo(slot: str, width: float, max_h: float) -> d.Image | None:
        img = photos.get(slot)
        if img is None:
            return None
        info = inspect(Path(img.path))
        w = width
        h = w * info.height / info.width
        if h > max_h:
            h, w = max_h, max_h * info.width / info.height
        warn = resolution_warning(info, w, h, None, f"the {slot} photo")
        if warn:
            warnings.append(warn)
        return replace(img, width=w, height=h)

    if doc.kind == "brief":
        body = []
        pending: d.Image | None = None
        for block in doc.body:
            if isinstance(block, d.Heading) and block.key.startswith("priority-"):
                pid = block.key[len("priority-"):]
                block = replace(block, icon=icon(pid, sizes["heading_icon"], accent))
                pending = photo(f"priority.{pid}", frame_w, sizes["photo_height"])
                body.append(block)
                continue
            if isinstance(block, d.Box) and block.key:
                pic = photo(f"example.{block.key}", frame_w * 0.6, sizes["photo_height"] * 0.7)
                if pic:
                    block = replace(block, body=block.body + (pic,))
            body.append(block)
            if pending is not None and isinstance(block, d.Paragraph):
                body.append(pending)
                pending = None
        numbers = {str(p.number): p.id for p in pack.priorities} if pack else {}
        cover = [_cover_list(b, numbers, icon, sizes, accent) for b in doc.cover]
        cover_photo = photo("cover", frame_w, sizes["cover_photo_height"])
        if cover_photo:
            at = next((i for i, b in enumerate(cover) if isinstance(b, d.Paragraph) and
                       b.style == "cover_section"), len(cover))
            cover.insert(at, cover_photo)
        art = tuple(i for i in (icon(p, sizes["cover_icon"], on_band) for p in slots.icons)
                    if i) if not cover_photo else ()
        return replace(doc, body=tuple(body), cover=tuple(cover), cover_art=art), warnings
    if doc.kind == "factsheet":
        body = list(doc.body)
        if body and isinstance(body[0], d.Box) and body[0].key:
            body[0] = replace(body[0], icon=icon(body[0].key, sizes["band_icon"], on_band,
                                                     "right"))
        return replace(doc, body=tuple(body)), warnings
    if doc.kind == "at-a-glance":
        body = [replace(b, icon=icon(b.key, sizes["panel_icon"], accent))
                if isinstance(b, d.Box) and b.style == "glance_box" and b.key else b
                for b in doc.body]
        return replace(doc, body=tuple(body)), warnings
    return doc, warnings


def _cover_list(block, by_number: dict[str, str], icon, sizes, accent):
    """The cover's list of priorities, each with its icon (items carry 'N.' labels)."""
    if not (isinstance(block, d.BulletList) and block.style == "cover_list"):
        return block
    items = []
    for item in block.items:
        pid = by_number.get(item.label.rstrip("."))
        img = icon(pid, sizes["list_icon"], accent) if pid else None
        items.append(replace(item, icon=img) if img else item)
    return replace(block, items=tuple(items))
