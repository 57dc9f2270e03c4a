"""The reference text of every file format, gathered from their schema declarations.

It lives apart from `schema.py` because it reads the declarations of the modules built
on top of that one (content, selection, campaign rows, layout, theme): the declaring
machinery stays at the bottom of the import graph, and only `briefgen schema` pays for
importing every declaring module.
"""

from __future__ import annotations

from briefgen.schema import CONTENT_TYPES, INLINE_MARKUP, TYPE_DOCS, _wrap

NAMES = ("pack", "profile", "campaign", "layout", "theme", "markup")


def reference(name: str | None = None) -> str:
    """The reference text of one file format (or of all): what `briefgen schema` prints."""
    if name is None:
        return "\n\n".join(reference(n) for n in NAMES)
    if name == "markup":
        return INLINE_MARKUP
    lines: list[str] = []
    if name == "pack":
        from briefgen import content
        for schema in content.SCHEMAS.values():
            lines += schema.reference() + [""]
        lines += ["pack.yaml words", "===============", "",
                  *_wrap("The topic's own words, each a text per language. Each replaces the "
                         "layout label of the same name; a word left out keeps the layout's "
                         "neutral one. {title} is the pack's title, {municipality} the place; "
                         "a *_general word is for the general edition (no municipality)."), ""]
        for key, (placeholders, doc) in content.TOPIC_WORDS.items():
            marks = ", ".join("{%s}" % p for p in placeholders)
            lines.append(f"words.{key}: text  (may use {marks})")
            lines += ["    " + line for line in _wrap(doc, 84)]
        lines += ["", CONTENT_TYPES, INLINE_MARKUP]
    elif name == "profile":
        from briefgen.selection import PROFILE_SCHEMA
        lines += PROFILE_SCHEMA.reference()
    elif name == "campaign":
        from briefgen import kinds
        from briefgen.campaign.rows import ROW_SCHEMA, YAML_KEYS
        lines += ROW_SCHEMA.reference()
        lines += ["", "outputs (several separated by ';'; one per document kind):"]
        lines += [f"    {k}: {v}" for k, v in kinds.outputs().items()]
        lines += ["", "A YAML campaign is a mapping of:"]
        lines += [f"    {k}: {v}" for k, v in YAML_KEYS.items()]
    elif name == "layout":
        from briefgen.layout import LAYOUT_SCHEMA
        lines += LAYOUT_SCHEMA.reference()
    elif name == "theme":
        from briefgen.theme import THEME_SCHEMA
        lines += THEME_SCHEMA.reference()
        lines += ["", "Types", "-----"] + [f"{k}: {v}" for k, v in TYPE_DOCS.items()]
    else:
        raise ValueError(name)
    return "\n".join(lines).rstrip() + "\n"
