"""The at-a-glance overview: every priority of the agenda, its headline action and
example, on one page.

An agenda long enough not to fit even at the smallest type (twelve priorities with
long titles) first loses the examples' sentences, keeping their titles and places, then
the examples, as far as the theme's `fit.order` allows dropping examples.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from briefgen import document as d
from briefgen import inline
from briefgen.kinds import Kind, register

if TYPE_CHECKING:  # the registry is read without importing the composer (or Jinja)
    from briefgen.compose import Composer


def compose(c: Composer, example_text: bool = True, examples: bool = True) -> d.Document:
    from briefgen.compose import format_date, place_caption
    pack, p = c.pack, c.profile
    body: list = [d.Box((), (
        d.Paragraph(c.loc.nodes(pack.title), "sheet_number"),
        d.Paragraph(c.label_nodes("glance_title"), "sheet_title"),
        d.Paragraph((inline.Text(c.label("glance_lead")),), "sheet_for"),
    ), style="sheet_band")]
    for pr in pack.priorities:
        action = pack.action_by_id[pr.headline_action]
        example = pack.example_by_id[pr.headline_example]
        inner = [d.Paragraph((inline.Text(f"{pr.number}. "),) + c.loc.nodes(pr.title),
                             "glance_title"),
                 d.Paragraph(c.loc.nodes(action.short), "glance_action")]
        if examples:
            place = f" ({place_caption(example, c.lang, c.loc, c.comma)})"
            inner.append(d.Paragraph(
                (inline.Styled("b", c.loc.nodes(example.title)),
                 inline.Text(place + (". " if example_text else "."))) +
                (c.loc.nodes(example.short) if example_text else ()), "glance_example"))
        body.append(d.Box((), tuple(inner), style="glance_box", key=pr.id))
    c.loc.raise_missing()
    dropped = () if example_text and examples else \
        ((("the examples' sentences" if examples else "the examples"), "of every priority"),)
    return d.Document(kind="at-a-glance",
                      meta=c.meta(c.label("glance_title"), c.loc.plain(pack.subtitle)),
                      body=tuple(body), labels=c.doc_labels(), one_page=True,
                      footer_note=format_date(p.effective_date, c.lang, c.sel.country),
                      droppable=dropped)


def shrink(c: Composer, options: dict, fit: dict) -> list[dict]:
    if "examples" not in fit["order"]:
        return []
    return [{"example_text": False}, {"examples": False}]


KIND = register(Kind(
    name="at-a-glance", doc="every priority on one page", compose=compose,
    output="at-a-glance", output_doc="the one-page overview: <slug>/at-a-glance.pdf",
    files=lambda pack, profile: [("at-a-glance.pdf", {})],
    samples=lambda pack: [{}], one_page=True, shrink=shrink,
    overflow_hint="use a layout with smaller type or shorter priority titles and headline "
                  "actions"))
