"""The brief: cover, contents, introduction, the chosen priorities, closing, endnotes.

Sections come in the layout's order (`brief.sections`), with the pack's extra sections
put where the pack places them; a template section may turn out empty (the closing of the
general edition), and a page break asked for before it then goes to the next section.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from briefgen import document as d
from briefgen import inline
from briefgen.errors import ContentError
from briefgen.kinds import Kind, register

if TYPE_CHECKING:  # the registry is read without importing the composer (or Jinja)
    from briefgen.compose import Composer

DEFAULT_SECTIONS = ["cover", "contents", "introduction", "priorities", "closing", "endnotes"]
_ENDNOTES = d.Spacer(-1.0)   # where the endnotes go, once every citation is numbered


def sections(c: Composer, opts: dict) -> list:
    """The layout's section order with the pack's extra sections put in their place."""
    order = list(opts.get("sections") or DEFAULT_SECTIONS)
    extra = {x.id: x for x in c.pack.sections}
    for section in c.pack.sections:
        if section.id in order:
            continue  # the layout names it: that is its place
        target = section.after or section.before or "endnotes"
        if target not in order:
            if not (section.after or section.before):
                order.append(section.id)
                continue
            raise ContentError(
                f"section '{section.id}' is placed {'after' if section.after else 'before'} "
                f"'{target}', which layout '{c.layout.name}' does not have",
                section.loc, hint="sections of this layout: " + ", ".join(order),
                code="section.place")
        order.insert(order.index(target) + (1 if section.after else 0), section.id)
    return [extra.get(name, name) for name in order]


def pack_section(c: Composer, section) -> list:
    paragraphs = [d.Paragraph(c.loc.nodes(t), "box_body" if section.box else "body")
                  for t in section.paragraphs]
    if section.box:
        return [d.Box(c.loc.nodes(section.title), tuple(paragraphs))]
    return [d.Heading(c.loc.nodes(section.title), section.level, key=section.id)] + paragraphs


def priority_section(c: Composer, sp) -> list:
    pr = sp.priority
    title = (inline.Text(f"{pr.number}. "),) + c.loc.nodes(pr.title)
    out: list = [d.Heading(title, 1, key=f"priority-{pr.id}")]
    out += [d.Paragraph(c.loc.nodes(t)) for t in pr.intro]
    local = [a for a in sp.actions if not a.national]
    asks = [a for a in sp.actions if a.national]
    if local:
        out.append(d.Heading((inline.Text(c.label("actions_heading")),), 3, toc=False))
        out.append(d.BulletList(tuple(c.action_item(a) for a in local)))
    if asks:
        out.append(d.Heading((inline.Text(c.label("asks_heading")),), 3, toc=False))
        out.append(d.BulletList(tuple(c.action_item(a, tagged=True, tag=False)
                                      for a in asks), "ask"))
    if sp.examples:
        out.append(d.Heading((inline.Text(c.label("examples_heading")),), 3, toc=False))
        out += [c.example_box(e) for e in sp.examples]
    return out


def compose(c: Composer) -> d.Document:
    opts = c.layout.manifest.get("brief") or {}
    ctx = c.context()
    cover: list = []
    body: list = []
    new_page = False  # a page break asked for before a section that turned out empty
    for section in sections(c, opts):
        name = section if isinstance(section, str) else section.id
        if name == "cover":
            cover = c.template("cover", ctx)
        elif name == "contents":
            body += [d.Contents((inline.Text(c.label("contents")),)), d.PageBreak()]
        elif name == "priorities":
            for sp in c.sel.priorities:
                if opts.get("priority_new_page", True) and body and \
                        not isinstance(body[-1], d.PageBreak):
                    body.append(d.PageBreak())
                body += priority_section(c, sp)
        elif name == "endnotes":
            body.append(_ENDNOTES)
        else:
            blocks = c.template(name, ctx) if isinstance(section, str) else \
                pack_section(c, section)
            new_page = new_page or name in opts.get("new_page_before", [])
            if not blocks:
                continue
            if new_page and body and not isinstance(body[-1], d.PageBreak):
                body.append(d.PageBreak())
            new_page = False
            body += blocks
    cover = c.numbering.resolve_blocks(cover)
    body = c.numbering.resolve_blocks(body)
    if _ENDNOTES in body:
        at = body.index(_ENDNOTES)
        notes = c.numbering.endnotes()
        body[at:at + 1] = ([d.PageBreak(), d.Heading((inline.Text(c.label("endnotes")),), 1,
                                                    key="endnotes"), notes]
                           if notes.entries else [])
    c.loc.raise_missing()
    name = c.profile.municipality
    pack_title = c.loc.plain(c.pack.title)
    return d.Document(
        kind="brief", meta=c.meta(c.label("doc_title"), c.loc.plain(c.pack.subtitle)),
        cover=tuple(cover), body=tuple(body), footnotes=dict(c.numbering.footnotes),
        running_head=f"{pack_title} \u2014 {name}" if name else pack_title,
        labels=c.doc_labels())


KIND = register(Kind(
    name="brief", doc="the tailored brief (or the general edition)", compose=compose,
    output="brief", output_doc="the tailored brief: <slug>/brief.pdf",
    files=lambda pack, profile: [("brief.pdf", {})],
    samples=lambda pack: [{}]))
