"""A town's own programmes ("local examples"), given in a profile without copying the pack.

    local_examples:                    # in a profile: a list, or a YAML file that holds one
      - title: Zaragoza Acoge
        priority: services             # which point it belongs to (id or number); optional
        text: >-
          Since 2019 the city ...
        year: 2019
        url: https://www.zaragoza.es/...
        picture: {file: acoge.jpg, alt: Volunteers at the reception desk, credit: "© City"}

They come first, under "Already under way in <municipality>", before the pack's examples:
in the priority's section of a brief and on its factsheet; one without a priority gets its
own section before the priorities. Text is the user's own, printed as written (blank lines
make paragraphs); paths resolve against the file that names them.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from briefgen import document as d
from briefgen import inline
from briefgen.diagnostics import Location
from briefgen.errors import SelectionError
from briefgen.sources import LocDict, LocList, load_yaml

FIELDS = ("title", "text", "year", "url", "priority", "picture")
MAX_TEXT = 2500     # a box is never split across pages: keep it to what a page can hold


@dataclass(frozen=True)
class LocalExample:
    title: str
    text: str
    year: int | None = None
    url: str = ""
    priority: str = ""          # as written: an id or a number, resolved against the pack
    picture: tuple = ()         # (file, alt, credit) or ()
    where: Location | None = None


def coerce(raw: Any, loc: Location | None) -> tuple[LocalExample, ...]:
    """A profile's `local_examples`: a list of mappings, or the path of a YAML file of one."""
    if isinstance(raw, tuple) and all(isinstance(x, LocalExample) for x in raw):
        return raw
    if isinstance(raw, str):
        from briefgen.pictures import resolve
        path = resolve(raw, loc)
        data = load_yaml(path, "local examples file")
        if isinstance(data, LocDict) and "local_examples" in data:
            data = data["local_examples"]
        if not isinstance(data, LocList):
            raise SelectionError("a local examples file holds a list of examples",
                                 Location(str(path), 1),
                                 hint="e.g. '- {title: ..., text: ..., year: 2020, url: ...}'",
                                 code="local.type")
        raw = data
    if not isinstance(raw, (list, tuple)):
        raise SelectionError("'local_examples' must be a list of examples or a YAML file",
                             loc, hint="each with title, text, year, url", code="local.type")
    out = []
    for i, item in enumerate(raw):
        where = raw.loc_of(i) if isinstance(raw, LocList) else loc
        out.append(_one(item, where))
    return tuple(out)


def _one(item: Any, where: Location | None) -> LocalExample:
    if not isinstance(item, dict):
        raise SelectionError("each local example is a mapping (title, text, year, url)", where,
                             code="local.type")

    def at(key):
        return item.loc_of(key) if isinstance(item, LocDict) else where

    for key in item:
        if key not in FIELDS:
            raise SelectionError(f"unknown key '{key}' in a local example", at(key),
                                 hint="keys: " + ", ".join(FIELDS), code="local.key")
    title = " ".join(str(item.get("title") or "").split())
    text = str(item.get("text") or "").strip()
    if not title or not text:
        raise SelectionError("a local example needs a 'title' and a 'text'", where,
                             code="local.missing")
    if len(text) > MAX_TEXT:
        raise SelectionError(f"a local example's text is {len(text)} characters; at most "
                             f"{MAX_TEXT} fit in a box", at("text"),
                             hint="shorten it, or link to the full story with 'url'",
                             code="local.long")
    year = item.get("year")
    if year is not None:
        try:
            year = int(str(year).strip())
        except ValueError:
            raise SelectionError(f"'{item['year']}' is not a year", at("year"),
                                 hint="write it as e.g. 2021", code="local.year") from None
        if not 1900 <= year <= 2100:
            raise SelectionError(f"'{year}' is not a plausible year", at("year"),
                                 code="local.year")
    url = str(item.get("url") or "").strip()
    if url and not url.lower().startswith(("https://", "http://")):
        raise SelectionError(f"'{url}' is not a web address", at("url"),
                             hint="write the full address, starting https://", code="local.url")
    picture: tuple = ()
    if item.get("picture") is not None:
        spec = item["picture"]
        from briefgen.pictures import inspect, resolve
        if not isinstance(spec, dict) or not spec.get("file") or not spec.get("alt"):
            raise SelectionError("a local example's picture needs 'file' and 'alt'",
                                 at("picture"), hint="alt says in a sentence what it shows",
                                 code="local.picture")
        path = resolve(str(spec["file"]), at("picture"))
        inspect(path, at("picture"))
        picture = (str(path), " ".join(str(spec["alt"]).split()),
                   " ".join(str(spec.get("credit") or "").split()))
    priority = str(item.get("priority") or "").strip()
    return LocalExample(title, text, year, url, priority, picture, where)


# --------------------------------------------------------------------------- placing


def _box(ex: LocalExample, municipality: str, width: float, picture: bool = True) -> d.Box:
    caption = municipality + (f" \u00b7 {ex.year}" if ex.year else "")
    paragraphs = [p for p in ex.text.replace("\r\n", "\n").split("\n\n") if p.strip()]
    body: list = [d.Paragraph((inline.Text(" ".join(p.split())),), "box_body")
                  for p in paragraphs]
    if ex.url:
        body.append(d.Paragraph((inline.Link(ex.url, (inline.Text(ex.url),)),), "box_caption"))
    if ex.picture and picture:   # one-page sheets leave pictures to the brief
        from briefgen.pictures import inspect
        file, alt, credit = ex.picture
        info = inspect(Path(file))
        w = width * 0.6
        h = w * info.height / info.width
        body.append(d.Image(file, alt, credit=credit, width=w, height=h))
    return d.Box((inline.Text(ex.title),), tuple(body), caption=(inline.Text(caption),),
                 key="local")


def priorities_with_local(examples, pack) -> set[str]:
    return {pack.resolve_priority(ex.priority, ex.where).id for ex in examples if ex.priority}


def place(doc: d.Document, examples: tuple[LocalExample, ...], pack, municipality: str,
          heading: str, theme) -> d.Document:
    """The document with the profile's local examples first in their sections."""
    if not examples or doc.kind not in ("brief", "factsheet"):
        return doc
    m = theme.margins
    width = theme.page_size[0] - m["left"] - m["right"]
    by_priority: dict[str, list] = {}
    for ex in examples:
        pid = pack.resolve_priority(ex.priority, ex.where).id if ex.priority else ""
        by_priority.setdefault(pid, []).append(
            _box(ex, municipality, width, picture=doc.kind == "brief"))
    title = (inline.Text(heading),)
    if doc.kind == "factsheet":
        band = doc.body[0] if doc.body and isinstance(doc.body[0], d.Box) else None
        boxes = by_priority.get(band.key if band else "", [])
        if not boxes:
            return doc
        body = list(doc.body)
        at = next((i for i, b in enumerate(body) if isinstance(b, d.Box) and b.key and
                   b is not band), None)
        if at is not None and at > 0 and isinstance(body[at - 1], d.Paragraph) and \
                body[at - 1].style == "sheet_section":
            at -= 1        # before "Already done elsewhere"
        if at is None:     # no pack example on the sheet: before the call to act
            at = next((i for i, b in enumerate(body) if isinstance(b, d.Paragraph) and
                       b.style == "sheet_call"), len(body))
        body[at:at] = [d.Paragraph(title, "sheet_section")] + boxes
        return replace(doc, body=tuple(body))
    # brief: per priority section, before its pack examples (or at its end)
    body = list(doc.body)
    out: list = []
    section = None
    inserted = set()

    def flush(pid):
        if pid and pid in by_priority and pid not in inserted:
            inserted.add(pid)
            out.extend([d.Heading(title, 3, toc=False)] + by_priority[pid])

    for i, block in enumerate(body):
        if isinstance(block, d.Heading) and block.level == 1:
            flush(section)
            if block.key.startswith("priority-"):
                section = block.key[len("priority-"):]
                if "" in by_priority and "" not in inserted:   # before the first priority
                    inserted.add("")
                    at = len(out)
                    while at and isinstance(out[at - 1], d.PageBreak):
                        at -= 1
                    out[at:at] = [d.Heading(title, 2, toc=False)] + by_priority[""]
            else:
                section = None
        elif section and isinstance(block, d.Box) and block.key and block.key != "local" \
                and section not in inserted:
            # the pack's examples start here; their heading is the block before
            if out and isinstance(out[-1], d.Heading) and out[-1].level == 3:
                heading_block = out.pop()
                flush(section)
                out.append(heading_block)
            else:
                flush(section)
        elif isinstance(block, d.PageBreak):
            flush(section)
            section = None if section in inserted else section
        out.append(block)
    flush(section)
    return replace(doc, body=tuple(out))
