"""Composing documents: what every kind shares (briefgen/kinds/ holds each kind).

Content texts are looked up in the document's language (falling back to English only
when allowed, and saying so), labels are filled, templates are rendered, and every
footnote and endnote citation is numbered in reading order: footnotes 1, 2, 3 and
endnotes i, ii, iii by first citation, counting only what this document contains.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from briefgen import __version__
from briefgen import document as d
from briefgen import inline
from briefgen.content import TOPIC_WORDS, Example, LocalNames, LocalText, Pack
from briefgen.countries import country_name
from briefgen.diagnostics import Diagnostic
from briefgen.errors import LayoutError, ProblemsError
from briefgen.layout import Layout, Rich, StandIn, blocks_from_template
from briefgen.selection import Selection

CREATOR = f"briefgen {__version__}"


def roman(n: int) -> str:
    out = []
    for value, numeral in ((1000, "m"), (900, "cm"), (500, "d"), (400, "cd"), (100, "c"),
                           (90, "xc"), (50, "l"), (40, "xl"), (10, "x"), (9, "ix"), (5, "v"),
                           (4, "iv"), (1, "i")):
        while n >= value:
            out.append(numeral)
            n -= value
    return "".join(out)


@dataclass
class Localizer:
    """Looks texts up in one language; records what had to fall back to English."""

    lang: str
    allow_fallback: bool
    fallbacks: list[Diagnostic] = field(default_factory=list)
    missing: list[Diagnostic] = field(default_factory=list)

    def nodes(self, text: LocalText) -> tuple:
        if text.has(self.lang):
            return text.nodes(self.lang)
        self._missing("text", text.loc)
        if not text.has("en"):
            return ()
        # said in English: marked, so that a tagged PDF tells a reader the language
        return (inline.Lang("en", text.nodes("en")),)

    def names(self, names: LocalNames) -> tuple[str, ...]:
        if not names.has(self.lang):
            self._missing("place names", names.loc)
        return names.get(self.lang)

    def _missing(self, what: str, where) -> None:
        problem = Diagnostic(f"no '{self.lang}' {what}", where, code="i18n.missing",
                             level="warning" if self.allow_fallback else "error",
                             hint="English is used instead" if self.allow_fallback else
                             "add the translation, or build with --allow-fallback")
        recorded = self.fallbacks if self.allow_fallback else self.missing
        if all(str(p) != str(problem) for p in recorded):  # a text used twice is said once
            recorded.append(problem)

    def plain(self, text: LocalText) -> str:
        return inline.plain(self.nodes(text))

    def value(self, text: LocalText, registry: list) -> str:
        """A text for a template: plain, or where English stands in, plain text that keeps
        its language mark when the template places it."""
        if text.has(self.lang):
            return self.plain(text)
        nodes = self.nodes(text)
        return StandIn(nodes, registry) if nodes else ""

    def raise_missing(self) -> None:
        if self.missing:
            n = len(self.missing)
            raise ProblemsError(self.missing, f"{n} text(s) have no '{self.lang}' translation")


def _filled_nodes(template: str, values: dict) -> tuple:
    """A label template filled as inline nodes: a value that carries nodes of its own (a
    StandIn) keeps them, everything else is text."""
    import string
    out: list = []
    for literal, field_name, spec, conversion in string.Formatter().parse(template):
        pieces = [literal] if literal else []
        if field_name is not None:
            value = values.get(field_name)
            if isinstance(value, StandIn) and not spec and not conversion:
                pieces.append(value.nodes)
            else:
                pieces.append(("{%s%s%s}" % (field_name, "!" + conversion if conversion else "",
                                             ":" + spec if spec else "")).format(**values))
        for piece in pieces:
            if isinstance(piece, tuple):
                out.extend(piece)
            elif out and isinstance(out[-1], inline.Text):
                out[-1] = inline.Text(out[-1].text + piece)
            else:
                out.append(inline.Text(piece))
    return tuple(out)


class Numbering:
    """Resolves content citations into numbered marks, in the order they are met."""

    def __init__(self, pack: Pack, loc: Localizer):
        self.pack = pack
        self.loc = loc
        self.footnotes: dict[int, tuple] = {}
        self.endnote_labels: dict[str, str] = {}

    def resolve(self, nodes: tuple) -> tuple:
        out = []
        for node in nodes:
            if isinstance(node, inline.FootnoteCite):
                # Every citation gets its own number: a note cited on two pages is printed
                # under each, and each callout links to the copy on its own page.
                n = len(self.footnotes) + 1
                note = self.pack.footnotes[node.note_id]
                self.footnotes[n] = self.resolve(self.loc.nodes(note.text))
                out.append(inline.FootnoteMark(n))
            elif isinstance(node, inline.SourceCite):
                source = self.pack.sources[node.source_id]
                label = self.endnote_labels.get(source.id)
                first = label is None
                if first:
                    label = self.endnote_labels[source.id] = roman(len(self.endnote_labels) + 1)
                out.append(inline.Link(source.href, self.resolve(node.children)))
                out.append(inline.EndnoteMark(label, first))
            elif isinstance(node, (inline.Styled, inline.Link, inline.Lang)):
                out.append(type(node)(*(_fields(node)[:-1]), self.resolve(node.children)))
            else:
                out.append(node)
        return tuple(out)

    def resolve_blocks(self, blocks) -> list:
        return [self.resolve_block(b) for b in blocks]

    def resolve_block(self, b):
        if isinstance(b, (d.Heading, d.Paragraph)):
            return _replace(b, text=self.resolve(b.text))
        if isinstance(b, d.BulletList):
            return _replace(b, items=tuple(self._item(i) for i in b.items))
        if isinstance(b, d.Box):
            return _replace(b, title=self.resolve(b.title), caption=self.resolve(b.caption),
                            body=tuple(self.resolve_blocks(b.body)))
        return b

    def _item(self, item: d.ListItem) -> d.ListItem:
        return _replace(item, text=self.resolve(item.text),
                        children=tuple(self._item(c) for c in item.children))

    def endnotes(self) -> d.Endnotes:
        entries = []
        for source_id, label in self.endnote_labels.items():
            source = self.pack.sources[source_id]
            entries.append(d.Endnote(label, self.resolve(self.loc.nodes(source.label)),
                                     source.url, source.href))
        return d.Endnotes(tuple(entries))


def _fields(node):
    return [getattr(node, f) for f in node.__dataclass_fields__]


def _replace(obj, **changes):
    from dataclasses import replace
    return replace(obj, **changes)


# --------------------------------------------------------------------------- context


# Digits zero to nine where a language does not write 0-9 (Babel formats with 0-9).
NATIVE_DIGITS = {"ar": "\u0660\u0661\u0662\u0663\u0664\u0665\u0666\u0667\u0668\u0669",
                 "fa": "\u06f0\u06f1\u06f2\u06f3\u06f4\u06f5\u06f6\u06f7\u06f8\u06f9"}


def format_date(date: dt.date, lang: str, country: str | None = None) -> str:
    """The date written out in `lang` (for Arabic, as read in `country`), from the
    cache folder when this date was written so before: Babel and its locale data are
    then not loaded at all (they were about a twentieth of a whole brief process)."""
    from briefgen import cache
    k = cache.key("date", cache.library_stamp("babel"), date.isoformat(), lang,
                  country or "")
    hit = cache.load("babel", k)
    if isinstance(hit, str):
        return hit
    text = _babel_date(date, lang, country)
    cache.store("babel", k, text)
    return text


def _babel_date(date: dt.date, lang: str, country: str | None) -> str:
    from babel import Locale, UnknownLocaleError
    from babel.dates import format_date as babel_format
    locale = lang
    # Arabic names the months two ways: "كانون الأول" in Lebanon, Jordan, Syria, Iraq and
    # Palestine, "ديسمبر" elsewhere. Babel's regional locale knows which a reader expects.
    if lang == "ar" and country:
        try:
            locale = str(Locale.parse(f"ar_{country}"))
        except (UnknownLocaleError, ValueError):
            pass
    return babel_format(date, format="long", locale=locale)


def place_caption(example: Example, lang: str, loc: Localizer, comma: str = ", ") -> str:
    parts = list(loc.names(example.places))
    parts.append(country_name(example.country, lang))
    text = comma.join(parts)
    if example.year:
        text += f" \u00b7 {example.year}"
    return text


class Composer:
    """Everything one document needs: pack, layout, selection, language, and the parts
    that every kind of document is made of. One Composer makes one document."""

    def __init__(self, pack: Pack, layout: Layout, selection: Selection, *,
                 allow_fallback: bool = False):
        self.pack = pack
        self.layout = layout
        self.sel = selection
        self.profile = selection.profile
        self.lang = self.profile.lang or "en"
        self.loc = Localizer(self.lang, allow_fallback)
        # The general edition: the agenda for local governments in general, no place named.
        self.general = not self.profile.municipality
        self.registry: list = []
        labels = layout.label_set(self.lang)
        for key, text in pack.words.items():  # the pack's topic words win over the layout's
            labels[key] = self.loc.value(text, self.registry)
        self.labels = labels
        self.comma = labels.get("list_comma", ", ")  # between names: "Beirut, Lebanon"
        self.numbering = Numbering(pack, self.loc)

    def label(self, key: str, **values) -> str:
        """A label in the document's language, its {placeholders} filled; in the general
        edition the label's `_general` form when the layout or pack has one."""
        if self.general and f"{key}_general" in self.labels:
            key = f"{key}_general"
        text = self.labels.get(key, key)
        values = {"title": self.loc.value(self.pack.title, self.registry),
                  "municipality": self.profile.municipality, **values}
        try:
            filled = text.format(**values)
            if isinstance(text, StandIn):   # the pack's words for it are English standing in
                return StandIn((inline.Lang(text.nodes[0].lang, (inline.Text(filled),)),),
                               self.registry)
            if not any(isinstance(v, StandIn) for v in values.values()):
                return filled
            return StandIn(_filled_nodes(text, values), self.registry)
        except (KeyError, IndexError, ValueError) as exc:
            raise LayoutError(f"label '{key}' has a placeholder briefgen cannot fill: {exc}",
                              hint="placeholders: " + ", ".join("{%s}" % v for v in values),
                              code="label.placeholder") from None

    def label_nodes(self, key: str, **values) -> tuple:
        """A label as inline content: its filled text, with the language mark of any value
        in another language (an English pack title in a Spanish label, say)."""
        text = self.label(key, **values)
        return text.nodes if isinstance(text, StandIn) else (inline.Text(text),)

    def rich(self, text: LocalText) -> Rich:
        return Rich(self.loc.nodes(text), self.registry)

    def context(self) -> dict:
        p, pack = self.profile, self.pack
        date = p.effective_date
        priorities = [self.priority_context(sp.priority) for sp in self.sel.priorities]
        return {
            "municipality": p.municipality,
            "country": country_name(self.sel.country, self.lang) if self.sel.country else "",
            "region": next((self.loc.value(r.name, self.registry) for r in pack.regions
                            if r.id == self.sel.region), ""),
            "role": p.role,
            "organisation": p.organisation,
            "contact": p.contact,
            "date": format_date(date, self.lang, self.sel.country),
            "iso_date": date.isoformat(),
            "local_context": p.local_context,
            "lang": self.lang,
            "complete": self.sel.complete,
            "general": self.general,
            "title": self.label("doc_title"),
            # topic words arrive filled in; other labels keep their {placeholders}
            "labels": {**self.labels, **{k: self.label(k) for k in TOPIC_WORDS
                                         if k in self.labels}},
            "params": self.layout.params(),
            "pack": {
                "title": self.loc.value(pack.title, self.registry),
                "subtitle": self.loc.value(pack.subtitle, self.registry),
                "intro": [self.rich(t) for t in pack.intro],
                "agenda_lead": self.rich(pack.agenda_lead),
                "purpose": [self.rich(t) for t in pack.purpose],
            },
            "agenda": [self.priority_context(pr) for pr in pack.priorities],
            "priorities": priorities,
        }

    def priority_context(self, pr) -> dict:
        return {"id": pr.id, "number": pr.number,
                "title": self.loc.value(pr.title, self.registry),
                "short_title": self.loc.value(pr.short_title, self.registry),
                "summary": self.rich(pr.summary)}

    def template(self, name: str, ctx: dict) -> list:
        return blocks_from_template(self.layout, f"{name}.html.j2", ctx, self.registry)

    def meta(self, title: str, subject: str) -> d.Meta:
        p = self.profile
        date = p.effective_date
        keywords = [k.strip() for k in self.label("keywords").split(";")] + [p.municipality]
        # str(): the document's metadata holds plain text, not a template's StandIn
        return d.Meta(title=str(title), author=str(p.organisation or self.label("default_author")),
                      subject=str(subject), keywords=tuple(k for k in keywords if k),
                      lang=self.labels.get("bcp47", self.lang), creator=CREATOR,
                      date=(date.year, date.month, date.day))

    def doc_labels(self) -> d.Labels:
        # page_of keeps {page} and {pages}: the renderer fills them, in the language's
        # own digits; a layout's labels may set `digits`
        digits = self.labels.get("digits") or NATIVE_DIGITS.get(self.lang.split("-")[0],
                                                                 "0123456789")
        return d.Labels(page_of=self.labels["page_of"], back=self.labels["back"],
                        continued=self.labels.get("continued", d.Labels.continued),
                        digits=digits,
                        footnote=self.labels.get("footnote_link", d.Labels.footnote),
                        endnote=self.labels.get("endnote_link", d.Labels.endnote))

    # ------------------------------------------------------------------ shared blocks

    def action_item(self, a, tagged: bool = False, short: bool = False,
                    tag: bool = True) -> d.ListItem:
        text = self.loc.nodes(a.short if short else a.text)
        children = () if short else tuple(d.ListItem(self.loc.nodes(t)) for t in a.items)
        tag = (inline.Text(self.label("national_ask")),) if tagged and tag else ()
        return d.ListItem(text, tag=tag, tagged=tagged, children=children)

    def example_box(self, e: Example, short: bool = False) -> d.Box:
        caption = (inline.Text(place_caption(e, self.lang, self.loc, self.comma)),)
        body = (d.Paragraph(self.loc.nodes(e.short if short else e.text), "box_body"),)
        return d.Box(self.loc.nodes(e.title), body, caption=caption, key=e.id)
