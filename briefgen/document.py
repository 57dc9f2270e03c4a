"""The renderer-neutral document: the contract between a layout and the renderer.

A layout composes content into these blocks, with every footnote and endnote already
numbered; the renderer draws them. Blocks carry style names that the theme defines.
Inline runs are the nodes of `briefgen.inline` (resolved ones only).
"""

from __future__ import annotations

from dataclasses import dataclass, field

Inlines = tuple  # of briefgen.inline nodes

# Languages written right to left: a document in one of them is laid out mirrored.
RTL_LANGUAGES = frozenset({"ar", "he", "fa", "ur", "yi", "ps", "sd", "ug", "dv", "ckb"})


def is_rtl(lang: str) -> bool:
    return lang.split("-")[0].lower() in RTL_LANGUAGES


@dataclass(frozen=True)
class Image:
    """A picture: a logo, a photo or a drawn icon. `alt` says what it shows to a reader who
    cannot see it (tagged PDF needs it on a Figure); decorative pictures have alt "".
    Sizes are points; 0 means "from the other side and the picture's proportions"."""
    path: str                   # a checked file (PNG, JPEG or SVG)
    alt: str
    credit: str = ""            # e.g. "© UNICEF/UN020011/Gilbertson VII Photo"
    width: float = 0.0
    height: float = 0.0
    align: str = "left"         # left, center, right
    style: str = "figure"       # paragraph style of the credit line: <style>_credit
    link: str = ""              # a URL the picture links to (a logo's home page)
    decorative: bool = False    # says nothing the text beside it does not (an icon)
    tint: str = ""              # one-colour artwork (our icons) drawn in this colour


@dataclass(frozen=True)
class Heading:
    """A heading, bookmarked and listed in the contents when it has a key."""

    text: Inlines
    level: int = 1             # 1 section, 2 subsection, 3 minor
    key: str = ""              # bookmark/anchor name; "" = no bookmark
    toc: bool = True           # listed in the contents
    style: str = ""            # default: h{level}
    label: str = ""            # outline/contents text (plain), default from text
    icon: Image | None = None  # drawn in the margin beside the heading (section openers)


@dataclass(frozen=True)
class Paragraph:
    """A paragraph in one of the theme's styles."""

    text: Inlines
    style: str = "body"


@dataclass(frozen=True)
class ListItem:
    """One list item, with an optional tag set before its text."""

    text: Inlines
    tag: Inlines = ()          # a short label set before the text, e.g. "Ask to national authorities"
    tagged: bool = False       # drawn set apart (the national asks)
    children: tuple = ()       # nested ListItems
    label: str = ""            # the item's own number or mark, e.g. "4." (default: bullet)
    icon: Image | None = None  # drawn in place of the bullet or number


@dataclass(frozen=True)
class BulletList:
    """A bulleted (or numbered) list."""

    items: tuple[ListItem, ...]
    style: str = "bullet"
    numbered: bool = False     # 1. 2. 3. instead of bullets


@dataclass(frozen=True)
class Box:
    """A boxed case study or panel; never split across pages."""
    title: Inlines
    body: tuple                 # blocks
    caption: Inlines = ()       # e.g. "Berlin, Germany"
    style: str = "box"
    key: str = ""               # what the box is about: an example or priority id
    icon: Image | None = None   # drawn at the box's top right (bands) or left (panels)


@dataclass(frozen=True)
class Contents:
    """The contents list, with its title."""

    title: Inlines


@dataclass(frozen=True)
class Endnote:
    """One endnote: its label and the source it documents."""

    label: str                  # "iv"
    text: Inlines               # what the source documents
    url: str                    # shown
    href: str                   # linked


@dataclass(frozen=True)
class Endnotes:
    """The endnotes list."""

    entries: tuple[Endnote, ...]


@dataclass(frozen=True)
class PageBreak:
    """A new page."""


@dataclass(frozen=True)
class Spacer:
    """Vertical space (or all that is left)."""

    height: float               # points
    fill: bool = False          # take the frame's remaining height, less what follows


@dataclass(frozen=True)
class Meta:
    """The document's metadata (Info, XMP) and language."""

    title: str
    author: str
    subject: str
    keywords: tuple[str, ...]
    lang: str                   # BCP 47, e.g. en-GB
    creator: str
    date: tuple[int, int, int]  # year, month, day: the PDF's dates


@dataclass(frozen=True)
class Labels:
    """Words the renderer itself draws, already in the document's language."""
    page_of: str = "Page {page} of {pages}"
    back: str = "back to text"
    continued: str = "(continued)"    # opens the rest of a box too tall for one page
    digits: str = "0123456789"   # the language's digits, zero to nine, for page numbers
    # what a screen reader says for a callout's link (tagged PDF); {number} is the
    # callout's number or label
    footnote: str = "Footnote {number}"
    endnote: str = "Endnote {number}"


@dataclass(frozen=True)
class Document:
    """What the renderer sets: metadata, labels, cover, body, notes."""

    kind: str                        # "brief", "factsheet", "at-a-glance"
    meta: Meta
    cover: tuple = ()                # blocks of the cover page (may be empty)
    body: tuple = ()                 # blocks after the cover
    footnotes: dict = field(default_factory=dict)   # number -> Inlines
    running_head: str = ""
    footer_note: str = ""            # one-page sheets: drawn at the right of the footer
    labels: Labels = Labels()
    one_page: bool = False
    # for one-page sheets: which blocks may be dropped to fit, lowest rank first
    droppable: tuple = ()
    notes_block: tuple = ()          # one-page sheets: the notes drawn at the foot
    # the issuer's logo by place, as the layout sized it: "cover" and "footer" -> Image
    logos: dict = field(default_factory=dict)
    cover_art: tuple = ()            # Images set in a row on the cover band (the icons)
