"""Composing documents: a selection, the pack and a layout become a `Document`.

Content texts are looked up in the document's language (falling back to English only
when allowed, and saying so), templates are filled, and every footnote and endnote
citation is numbered in reading order: footnotes 1, 2, 3 and endnotes i, ii, iii by
first citation, counting only what this document contains.
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
from briefgen.errors import ContentError, LayoutError, ProblemsError
from briefgen.layout import Layout, Rich, blocks_from_template
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
        return text.nodes("en") if text.has("en") else ()

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

    def raise_missing(self) -> None:
        if self.missing:
            n = len(self.missing)
            raise ProblemsError(self.missing, f"{n} text(s) have no '{self.lang}' translation")


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
            elif isinstance(node, (inline.Styled, inline.Link)):
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
    """Everything one document needs: pack, layout, selection, language."""

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
        labels = layout.label_set(self.lang)
        for key, text in pack.words.items():  # the pack's topic words win over the layout's
            labels[key] = self.loc.plain(text)
        self.labels = labels
        self.comma = labels.get("list_comma", ", ")  # between names: "Beirut, Lebanon"
        self.numbering = Numbering(pack, self.loc)
        self.registry: list = []

    def label(self, key: str, **values) -> str:
        """A label in the document's language, its {placeholders} filled; in the general
        edition the label's `_general` form when the layout or pack has one."""
        if self.general and f"{key}_general" in self.labels:
            key = f"{key}_general"
        text = self.labels.get(key, key)
        values = {"title": self.loc.plain(self.pack.title),
                  "municipality": self.profile.municipality, **values}
        try:
            return text.format(**values)
        except (KeyError, IndexError, ValueError) as exc:
            raise LayoutError(f"label '{key}' has a placeholder briefgen cannot fill: {exc}",
                              hint="placeholders: " + ", ".join("{%s}" % v for v in values),
                              code="label.placeholder") from None

    def rich(self, text: LocalText) -> Rich:
        return Rich(self.loc.nodes(text), self.registry)

    def context(self) -> dict:
        p, pack = self.profile, self.pack
        date = p.effective_date
        priorities = [self.priority_context(sp.priority) for sp in self.sel.priorities]
        return {
            "municipality": p.municipality,
            "country": country_name(self.sel.country, self.lang) if self.sel.country else "",
            "region": next((self.loc.plain(r.name) for r in pack.regions
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
                "title": self.loc.plain(pack.title),
                "subtitle": self.loc.plain(pack.subtitle),
                "intro": [self.rich(t) for t in pack.intro],
                "agenda_lead": self.rich(pack.agenda_lead),
                "purpose": [self.rich(t) for t in pack.purpose],
            },
            "agenda": [self.priority_context(pr) for pr in pack.priorities],
            "priorities": priorities,
        }

    def priority_context(self, pr) -> dict:
        return {"id": pr.id, "number": pr.number, "title": self.loc.plain(pr.title),
                "short_title": self.loc.plain(pr.short_title),
                "summary": self.rich(pr.summary)}

    def template(self, name: str, ctx: dict) -> list:
        return blocks_from_template(self.layout, f"{name}.html.j2", ctx, self.registry)

    def meta(self, title: str, subject: str) -> d.Meta:
        p = self.profile
        date = p.effective_date
        keywords = [k.strip() for k in self.label("keywords").split(";")] + [p.municipality]
        return d.Meta(title=title, author=p.organisation or self.label("default_author"),
                      subject=subject, keywords=tuple(k for k in keywords if k),
                      lang=self.labels.get("bcp47", self.lang), creator=CREATOR,
                      date=(date.year, date.month, date.day))

    def doc_labels(self) -> d.Labels:
        # page_of keeps {page} and {pages}: the renderer fills them, in the language's
        # own digits; a layout's labels may set `digits`
        digits = self.labels.get("digits") or NATIVE_DIGITS.get(self.lang.split("-")[0],
                                                                 "0123456789")
        return d.Labels(page_of=self.labels["page_of"], back=self.labels["back"],
                        continued=self.labels.get("continued", d.Labels.continued),
                        digits=digits)

    # ------------------------------------------------------------------ brief

    def brief_sections(self, opts: dict) -> list:
        """The layout's section order with the pack's extra sections put in their place."""
        order = list(opts.get("sections") or ["cover", "contents", "introduction", "priorities",
                                              "closing", "endnotes"])
        extra = {x.id: x for x in self.pack.sections}
        for section in self.pack.sections:
            if section.id in order:
                continue  # the layout names it: that is its place
            target = section.after or section.before or "endnotes"
            if target not in order:
                if not (section.after or section.before):
                    order.append(section.id)
                    continue
                raise ContentError(
                    f"section '{section.id}' is placed {'after' if section.after else 'before'} "
                    f"'{target}', which layout '{self.layout.name}' does not have",
                    section.loc, hint="sections of this layout: " + ", ".join(order),
                    code="section.place")
            at = order.index(target) + (1 if section.after else 0)
            order.insert(at, section.id)
        return [extra.get(name, name) for name in order]

    def pack_section(self, section) -> list:
        paragraphs = [d.Paragraph(self.loc.nodes(t), "box_body" if section.box else "body")
                      for t in section.paragraphs]
        if section.box:
            return [d.Box(self.loc.nodes(section.title), tuple(paragraphs))]
        return [d.Heading(self.loc.nodes(section.title), section.level, key=section.id)] + \
            paragraphs

    def brief(self) -> d.Document:
        opts = self.layout.manifest.get("brief") or {}
        ctx = self.context()
        cover: list = []
        body: list = []
        new_page = False  # a page break asked for before a section that turned out empty
        for section in self.brief_sections(opts):
            name = section if isinstance(section, str) else section.id
            if name == "cover":
                cover = self.template("cover", ctx)
            elif name == "contents":
                body += [d.Contents((inline.Text(self.label("contents")),)), d.PageBreak()]
            elif name == "priorities":
                for i, sp in enumerate(self.sel.priorities):
                    if opts.get("priority_new_page", True) and body and \
                            not isinstance(body[-1], d.PageBreak):
                        body.append(d.PageBreak())
                    body += self.priority_section(sp)
            elif name == "endnotes":
                body.append(_ENDNOTES_PLACEHOLDER)
            else:
                blocks = self.template(name, ctx) if isinstance(section, str) else \
                    self.pack_section(section)
                new_page = new_page or name in opts.get("new_page_before", [])
                if not blocks:
                    continue
                if new_page and body and not isinstance(body[-1], d.PageBreak):
                    body.append(d.PageBreak())
                new_page = False
                body += blocks
        cover = self.numbering.resolve_blocks(cover)
        body = self.numbering.resolve_blocks(body)
        if _ENDNOTES_PLACEHOLDER in body:
            at = body.index(_ENDNOTES_PLACEHOLDER)
            notes = self.numbering.endnotes()
            body[at:at + 1] = ([d.PageBreak(),
                                d.Heading((inline.Text(self.label("endnotes")),), 1,
                                          key="endnotes"), notes] if notes.entries else [])
        self.loc.raise_missing()
        name = self.profile.municipality
        title = self.label("doc_title")
        pack_title = self.loc.plain(self.pack.title)
        return d.Document(
            kind="brief", meta=self.meta(title, self.loc.plain(self.pack.subtitle)),
            cover=tuple(cover), body=tuple(body), footnotes=dict(self.numbering.footnotes),
            running_head=f"{pack_title} \u2014 {name}" if name else pack_title,
            labels=self.doc_labels())

    def priority_section(self, sp) -> list:
        pr = sp.priority
        title = (inline.Text(f"{pr.number}. "),) + self.loc.nodes(pr.title)
        out: list = [d.Heading(title, 1, key=f"priority-{pr.id}")]
        out += [d.Paragraph(self.loc.nodes(t)) for t in pr.intro]
        local = [a for a in sp.actions if not a.national]
        asks = [a for a in sp.actions if a.national]
        if local:
            out.append(d.Heading((inline.Text(self.label("actions_heading")),), 3, toc=False))
            out.append(d.BulletList(tuple(self.action_item(a) for a in local)))
        if asks:
            out.append(d.Heading((inline.Text(self.label("asks_heading")),), 3, toc=False))
            out.append(d.BulletList(tuple(self.action_item(a, tagged=True, tag=False)
                                          for a in asks), "ask"))
        if sp.examples:
            out.append(d.Heading((inline.Text(self.label("examples_heading")),), 3, toc=False))
            out += [self.example_box(e) for e in sp.examples]
        return out

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

    # ------------------------------------------------------------------ one-page sheets

    def sheet_plan(self, priority_ref: str) -> SheetPlan:
        from briefgen.selection import rank_actions, rank_examples
        pack, profile = self.pack, self.profile
        pr = pack.resolve_priority(priority_ref, profile.loc("priorities"))
        opts = self.layout.manifest.get("factsheet") or {}
        named_a = {a for a in profile.actions if pack.resolve_action(a).priority == pr.id}
        named_e = {e for e in profile.examples if pack.resolve_example(e).priority == pr.id}
        actions = [a for a in pack.actions_of(pr.id) if a.id in named_a] if named_a else \
            rank_actions(pack.actions_of(pr.id), profile.role)[:int(opts.get("max_actions", 6))]
        if named_a:
            actions = rank_actions(actions, profile.role)
        if named_e:
            examples = [e for e in pack.examples_of(pr.id) if e.id in named_e]
        else:
            examples = rank_examples(pack.examples_of(pr.id), self.sel.country,
                                     self.sel.region)[:int(opts.get("max_examples", 2))]
        return SheetPlan(actions, examples, named_a, named_e)


    def factsheet(self, priority_ref: str, drop_examples: int = 0,
                   drop_actions: int = 0) -> d.Document:
        pack, p = self.pack, self.profile
        pr = pack.resolve_priority(priority_ref, p.loc("priorities"))
        plan = self.sheet_plan(priority_ref)
        examples = plan.examples[:len(plan.examples) - drop_examples] if drop_examples else \
            plan.examples
        actions = plan.actions[:len(plan.actions) - drop_actions] if drop_actions else plan.actions
        n_total = len(pack.priorities)
        head = d.Box((), (
            d.Paragraph((inline.Text(self.label("sheet_number", number=pr.number, total=n_total)),),
                        "sheet_number"),
            d.Paragraph(self.loc.nodes(pr.title), "sheet_title"),
            d.Paragraph((inline.Text(self.label("sheet_for")),), "sheet_for"),
        ), style="sheet_band", key=pr.id)
        body: list = [head,
                      d.Paragraph((inline.Text(self.label("sheet_why")),), "sheet_section"),
                      d.Paragraph(self.loc.nodes(pr.summary), "sheet_lead"),
                      d.Paragraph((inline.Text(self.label("sheet_actions")),), "sheet_section")]
        local = [a for a in actions if not a.national]
        asks = [a for a in actions if a.national]
        items = [self.action_item(a, short=True) for a in local]
        if items:
            body.append(d.BulletList(tuple(items)))
        if asks:
            body.append(d.BulletList(tuple(self.action_item(a, tagged=True, short=True)
                                           for a in asks), "ask"))
        notes: dict[int, tuple] = {}
        if examples:
            body.append(d.Paragraph((inline.Text(self.label("sheet_examples")),), "sheet_section"))
            for e in examples:
                box = self.example_box(e, short=True)
                if e.source:
                    source = pack.sources[e.source]
                    n = len(notes) + 1
                    notes[n] = self.loc.nodes(source.label) + (
                        inline.Text(" "), inline.Link(source.href, (inline.Text(source.url),)))
                    box = _replace(box, caption=box.caption + (inline.FootnoteMark(n),))
                body.append(box)
        body.append(d.Paragraph((inline.Text(self.label("sheet_call")),), "sheet_call"))
        if p.organisation or p.contact:
            contact = " \u00b7 ".join(x for x in (p.organisation, p.contact) if x)
            body.append(d.Paragraph((inline.Text(f"{self.label('contact')} {contact}"),), "small"))
        self.loc.raise_missing()
        title = self.label("sheet_doc_title", title=self.loc.plain(pr.short_title))
        dropped = [("example", e.id) for e in plan.examples if e not in examples] + \
                  [("action", a.id) for a in plan.actions if a not in actions]
        return d.Document(kind="factsheet", meta=self.meta(title, self.loc.plain(pr.title)),
                          body=tuple(body), footnotes=notes, labels=self.doc_labels(),
                          one_page=True,
                          footer_note=format_date(p.effective_date, self.lang, self.sel.country),
                          droppable=tuple(dropped))


    def at_a_glance(self, drop_examples: int = 0, drop_actions: int = 0) -> d.Document:
        pack, p = self.pack, self.profile
        body: list = [d.Box((), (
            d.Paragraph((inline.Text(self.loc.plain(pack.title)),), "sheet_number"),
            d.Paragraph((inline.Text(self.label("glance_title")),), "sheet_title"),
            d.Paragraph((inline.Text(self.label("glance_lead")),), "sheet_for"),
        ), style="sheet_band")]
        for pr in pack.priorities:
            action = pack.action_by_id[pr.headline_action]
            example = pack.example_by_id[pr.headline_example]
            inner = [d.Paragraph((inline.Text(f"{pr.number}. "),) + self.loc.nodes(pr.title),
                                 "glance_title"),
                     d.Paragraph(self.loc.nodes(action.short), "glance_action")]
            inner.append(d.Paragraph((inline.Styled("b", self.loc.nodes(example.title)),
                                      inline.Text(f" ({place_caption(example, self.lang, self.loc, self.comma)}). ")) +
                                     self.loc.nodes(example.short), "glance_example"))
            body.append(d.Box((), tuple(inner), style="glance_box", key=pr.id))
        self.loc.raise_missing()
        title = self.label("glance_title")
        return d.Document(kind="at-a-glance", meta=self.meta(title, self.loc.plain(pack.subtitle)),
                          body=tuple(body), labels=self.doc_labels(), one_page=True,
                          footer_note=format_date(p.effective_date, self.lang, self.sel.country))


_ENDNOTES_PLACEHOLDER = d.Spacer(-1.0)


@dataclass
class SheetPlan:
    """What a factsheet holds, in rank order, and which of it the user named."""
    actions: list
    examples: list
    named_actions: set
    named_examples: set
