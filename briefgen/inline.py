"""Inline text: the few kinds of run a brief needs, and the small markup content is written in.

Content texts use a Markdown-like markup that writers can type without escaping `&` or `<`:

    *italic*   **bold**   [^fn-id] (footnote)   [phrase](src:source-id) (endnote)
    [phrase](https://...) (link)   <https://...> (bare link)   \\* \\[ \\] \\< \\\\ (literal)

Parsing gives a tuple of nodes. Content references (`FootnoteCite`, `SourceCite`) are
resolved by the layout into numbered marks (`FootnoteMark`, `EndnoteMark`); the renderer
only ever sees resolved nodes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Text:
    """Plain text."""

    text: str


@dataclass(frozen=True)
class Styled:
    """Bold or italic inline nodes."""

    style: str  # "b" or "i"
    children: tuple


@dataclass(frozen=True)
class Link:
    """A link around inline nodes."""

    url: str
    children: tuple


@dataclass(frozen=True)
class Lang:
    """Text in another language than the document's (an English text standing in for a
    missing translation); `lang` is its BCP 47 tag, so that a reader can say it right."""
    lang: str
    children: tuple


@dataclass(frozen=True)
class LineBreak:
    """A line break inside a text."""


@dataclass(frozen=True)
class FootnoteCite:
    """A citation of a content footnote by id (unresolved)."""
    note_id: str


@dataclass(frozen=True)
class SourceCite:
    """A phrase citing an endnote source by id (unresolved)."""
    source_id: str
    children: tuple


@dataclass(frozen=True)
class FootnoteMark:
    """A resolved footnote callout: its number in this document."""
    number: int


@dataclass(frozen=True)
class EndnoteMark:
    """A resolved endnote callout; `first` marks the citation the note links back to."""
    label: str
    first: bool


class MarkupError(ValueError):
    """Content markup that cannot be read; the message says what and at which character."""


MAX_NESTING = 12    # emphasis and brackets inside each other; more is a typing slip


def parse(text: str) -> tuple:
    nodes, pos = _parse(text, 0, None)
    return tuple(nodes)


def _parse(s: str, i: int, closer: str | None, depth: int = 0) -> tuple[list, int]:
    if depth > MAX_NESTING:
        raise MarkupError(f"markup nested more than {MAX_NESTING} deep at character {i + 1}; "
                          "write \\* or \\[ for a literal star or bracket")
    nodes: list = []
    buf: list[str] = []

    def flush():
        if buf:
            nodes.append(Text("".join(buf)))
            buf.clear()

    n = len(s)
    while i < n:
        c = s[i]
        if closer and s.startswith(closer, i) and not (closer == "*" and s.startswith("**", i)):
            flush()
            return nodes, i + len(closer)
        if c == "\\" and i + 1 < n:
            buf.append(s[i + 1])
            i += 2
        elif s.startswith("**", i):
            flush()
            inner, i = _parse(s, i + 2, "**", depth + 1)
            nodes.append(Styled("b", tuple(inner)))
        elif c == "*":
            flush()
            inner, i = _parse(s, i + 1, "*", depth + 1)
            nodes.append(Styled("i", tuple(inner)))
        elif s.startswith("[^", i):
            end = s.find("]", i)
            if end < 0:
                raise MarkupError(f"footnote callout '[^' at character {i + 1} has no closing ']'")
            flush()
            nodes.append(FootnoteCite(s[i + 2:end].strip()))
            i = end + 1
        elif c == "[":
            flush()
            inner, j = _parse(s, i + 1, "]", depth + 1)
            if not s.startswith("(", j):
                raise MarkupError(f"'[' at character {i + 1} must be followed by '](target)'; "
                                  "write \\[ for a literal bracket")
            end = _closing_paren(s, j)
            if end < 0:
                raise MarkupError(f"link target at character {j + 1} has no closing ')'")
            target = s[j + 1:end].strip()
            if target.startswith("src:"):
                nodes.append(SourceCite(target[4:].strip(), tuple(inner)))
            else:
                nodes.append(Link(target, tuple(inner)))
            i = end + 1
        elif c == "<" and s.startswith(("<http://", "<https://", "<www"), i):
            end = s.find(">", i)
            if end < 0:
                raise MarkupError(f"link '<' at character {i + 1} has no closing '>'")
            flush()
            url = s[i + 1:end]
            nodes.append(Link(url, (Text(url),)))
            i = end + 1
        else:
            buf.append(c)
            i += 1
    if closer:
        raise MarkupError(f"'{'[' if closer == ']' else closer}' opened but never closed "
                          f"(expected '{closer}')")
    flush()
    return nodes, i


def _closing_paren(s: str, j: int) -> int:
    """Where the link target opened at s[j] == '(' ends: parentheses inside it pair up, so
    that https://en.wikipedia.org/wiki/Sanctuary_city_(US) stays whole."""
    depth = 0
    for k in range(j, len(s)):
        if s[k] == "(":
            depth += 1
        elif s[k] == ")":
            depth -= 1
            if depth == 0:
                return k
    return -1


LINK_SCHEMES = ("http", "https", "mailto", "tel")
_SCHEME = re.compile(r"([a-zA-Z][a-zA-Z0-9+.-]*):(?!\d)")


def link_problem(url: str) -> str | None:
    """Why a reader's PDF viewer must not be handed this link target, or None.

    A brief goes to people who click what it offers: `file:` opens their disk and
    `javascript:` runs code in some viewers. Web, mail and phone links only."""
    m = _SCHEME.match(url.strip())
    if m and m.group(1).lower() not in LINK_SCHEMES and not url.strip().startswith("www."):
        return (f"link target '{url[:60]}' uses '{m.group(1)}:'; links may be "
                + ", ".join(f"{x}:" for x in LINK_SCHEMES))
    return None


def plain(nodes) -> str:
    """The text a reader sees, without callouts."""
    out = []
    for node in nodes:
        if isinstance(node, Text):
            out.append(node.text)
        elif isinstance(node, (Styled, Link, SourceCite, Lang)):
            out.append(plain(node.children))
        elif isinstance(node, LineBreak):
            out.append(" ")
    return "".join(out)


def walk(nodes):
    """Every node, depth first, in reading order."""
    for node in nodes:
        yield node
        children = getattr(node, "children", None)
        if children:
            yield from walk(children)


def as_text(value: str) -> tuple:
    """A user-supplied string as inline nodes: taken literally, never parsed as markup."""
    return (Text(value),) if value else ()
