"""One priority on one page: why it matters, what the municipality can do, examples.

The fit policy of a sheet lives here: when it does not fit at the smallest type the
theme allows, the lowest-ranked examples go first (one is always kept), then the
lowest-ranked actions (two are always kept), as far as the theme's `fit.order` allows;
what the user named is never dropped.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from briefgen import document as d
from briefgen import inline
from briefgen.kinds import Kind, register
from briefgen.selection import rank_actions, rank_examples

if TYPE_CHECKING:  # the registry is read without importing the composer (or Jinja)
    from briefgen.compose import Composer

KEEP_EXAMPLES = 1   # a sheet never drops its last example...
KEEP_ACTIONS = 2    # ...nor its last two actions


@dataclass
class SheetPlan:
    """What a factsheet holds, in rank order, and which of it the user named."""
    actions: list
    examples: list
    named_actions: set
    named_examples: set


def plan(c: Composer, priority_ref: str) -> SheetPlan:
    pack, profile = c.pack, c.profile
    pr = pack.resolve_priority(priority_ref, profile.loc("priorities"))
    opts = c.layout.manifest.get("factsheet") or {}
    named_a = {a for a in profile.actions if pack.resolve_action(a).priority == pr.id}
    named_e = {e for e in profile.examples if pack.resolve_example(e).priority == pr.id}
    actions = [a for a in pack.actions_of(pr.id) if a.id in named_a] if named_a else \
        rank_actions(pack.actions_of(pr.id), profile.role)[:int(opts.get("max_actions", 6))]
    if named_a:
        actions = rank_actions(actions, profile.role)
    if named_e:
        examples = [e for e in pack.examples_of(pr.id) if e.id in named_e]
    else:
        examples = rank_examples(pack.examples_of(pr.id), c.sel.country,
                                 c.sel.region)[:int(opts.get("max_examples", 2))]
    return SheetPlan(actions, examples, named_a, named_e)


def shrink(c: Composer, options: dict, fit: dict) -> list[dict]:
    """The smaller sheets to try, in order, after the full one."""
    p = plan(c, options["priority"])
    order = fit["order"]
    # a sheet keeps one example from elsewhere, or none when the town's own fill it
    from briefgen.local import priorities_with_local
    keep = 0 if options["priority"] in priorities_with_local(c.profile.local_examples,
                                                             c.pack) else KEEP_EXAMPLES
    drop_e = 0 if p.named_examples or "examples" not in order else \
        max(0, len(p.examples) - keep)
    drop_a = 0 if p.named_actions or "actions" not in order else \
        max(0, len(p.actions) - KEEP_ACTIONS)
    return [{"drop_examples": e, "drop_actions": 0} for e in range(1, drop_e + 1)] + \
        [{"drop_examples": drop_e, "drop_actions": a} for a in range(1, drop_a + 1)]


def compose(c: Composer, priority: str, drop_examples: int = 0,
            drop_actions: int = 0) -> d.Document:
    from briefgen.compose import format_date
    pack, p = c.pack, c.profile
    pr = pack.resolve_priority(priority, p.loc("priorities"))
    sp = plan(c, priority)
    examples = sp.examples[:len(sp.examples) - drop_examples] if drop_examples else sp.examples
    actions = sp.actions[:len(sp.actions) - drop_actions] if drop_actions else sp.actions
    head = d.Box((), (
        d.Paragraph((inline.Text(c.label("sheet_number", number=pr.number,
                                         total=len(pack.priorities))),), "sheet_number"),
        d.Paragraph(c.loc.nodes(pr.title), "sheet_title"),
        d.Paragraph((inline.Text(c.label("sheet_for")),), "sheet_for"),
    ), style="sheet_band", key=pr.id)
    body: list = [head,
                  d.Paragraph((inline.Text(c.label("sheet_why")),), "sheet_section"),
                  d.Paragraph(c.loc.nodes(pr.summary), "sheet_lead"),
                  d.Paragraph((inline.Text(c.label("sheet_actions")),), "sheet_section")]
    local = [a for a in actions if not a.national]
    asks = [a for a in actions if a.national]
    items = [c.action_item(a, short=True) for a in local]
    if items:
        body.append(d.BulletList(tuple(items)))
    if asks:
        body.append(d.BulletList(tuple(c.action_item(a, tagged=True, short=True)
                                       for a in asks), "ask"))
    notes: dict[int, tuple] = {}
    if examples:
        body.append(d.Paragraph((inline.Text(c.label("sheet_examples")),), "sheet_section"))
        for e in examples:
            box = c.example_box(e, short=True)
            if e.source:
                source = pack.sources[e.source]
                n = len(notes) + 1
                notes[n] = c.loc.nodes(source.label) + (
                    inline.Text(" "), inline.Link(source.href, (inline.Text(source.url),)))
                box = replace(box, caption=box.caption + (inline.FootnoteMark(n),))
            body.append(box)
    body.append(d.Paragraph((inline.Text(c.label("sheet_call")),), "sheet_call"))
    if p.organisation or p.contact:
        contact = " \u00b7 ".join(x for x in (p.organisation, p.contact) if x)
        body.append(d.Paragraph((inline.Text(f"{c.label('contact')} {contact}"),), "small"))
    c.loc.raise_missing()
    title = c.label("sheet_doc_title", title=c.loc.plain(pr.short_title))
    dropped = [("example", e.id) for e in sp.examples if e not in examples] + \
              [("action", a.id) for a in sp.actions if a not in actions]
    return d.Document(kind="factsheet", meta=c.meta(title, c.loc.plain(pr.title)),
                      body=tuple(body), footnotes=notes, labels=c.doc_labels(),
                      one_page=True,
                      footer_note=format_date(p.effective_date, c.lang, c.sel.country),
                      droppable=tuple(dropped))


def files(pack, profile) -> list[tuple[str, dict]]:
    ids = [pack.resolve_priority(ref, profile.loc("priorities")).id
           for ref in profile.priorities] or [p.id for p in pack.priorities]
    return [(f"factsheet-{pid}.pdf", {"priority": pid}) for pid in dict.fromkeys(ids)]


KIND = register(Kind(
    name="factsheet", doc="one priority on one page", compose=compose,
    output="factsheets", output_doc="one sheet per priority of the row (every priority when "
                                    "none): <slug>/factsheet-<priority>.pdf",
    files=files, samples=lambda pack: [{"priority": pack.priorities[0].id}],
    one_page=True, shrink=shrink))
