"""Layouts: a folder of theme, labels and Jinja2 templates that composes a `Document`.

    layouts/<name>/layout.yaml     manifest: extends, section order, template parameters
    layouts/<name>/theme.yaml      visual values (see theme.py)
    layouts/<name>/labels.yaml     words the layout draws, per language
    layouts/<name>/templates/*.j2  prose blocks: cover, introduction, closing, ...

Templates write a small HTML-like markup (p, h1-h3, ul/li, b, i, a, box) with Jinja's
autoescaping, so user values can never become markup. Content texts reach templates as
`Rich` values that stand for already-parsed inline nodes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

from briefgen import cache
from briefgen import document as d
from briefgen import inline
from briefgen.cache import load_yaml  # parsed once per file content (the user's cache)
from briefgen.diagnostics import Diagnostic, Location, display_path
from briefgen.errors import LayoutError, ProblemsError, SelectionError
from briefgen.schema import Each, Field, Schema
from briefgen.sources import LocDict
from briefgen.theme import Theme, build_theme, merge

MAX_EXTENDS = 5

LAYOUT_SCHEMA = Schema(
    "Layout manifest: layouts/<name>/layout.yaml",
    "A layout is a folder: layout.yaml (this), theme.yaml (`briefgen schema theme`), "
    "labels.yaml (the words the layout draws, per language: a mapping of language to "
    "label -> text) and templates/<name>.html.j2. A layout that extends another uses its "
    "files where it has none, and merges its layout.yaml, theme.yaml and labels.yaml key "
    "by key.",
    {
        "description": Field("str?", None, "one line on what the layout is for"),
        "extends": Field("str?", None, "name or folder of the layout this one changes"),
        "brief": Field(Schema("Brief", "", {
            "sections": Field(Each("str", list=True), None,
                              "section order (default: cover, contents, introduction, "
                              "priorities, closing, endnotes). Built in: cover, contents, "
                              "priorities, endnotes; the id of a pack section places it "
                              "there; any other name is templates/<name>.html.j2"),
            "priority_new_page": Field("bool", True, "each priority starts on a new page"),
            "new_page_before": Field(Each("str", list=True), [],
                                     "sections that start on a new page"),
        }, code="layout"), None, "the brief"),
        "factsheet": Field(Schema("Factsheet", "", {
            "max_examples": Field("int", 2, "at most this many example boxes on a sheet"),
            "max_actions": Field("int", 6, "at most this many actions on a sheet"),
        }, code="layout"), None, "one-page factsheets"),
        "params": Field(Each(Schema("Parameter", "", {
            "default": Field("any", None, "its value unless a layout that extends this "
                                          "one changes it"),
            "doc": Field("str", "", "what it does"),
        }, code="layout"), key_doc="parameter"), {},
            "template parameters, read by templates as params.<name>"),
    }, code="layout")

BRIEF_SECTIONS = ("cover", "contents", "priorities", "endnotes")  # built in; others are templates


@dataclass
class Layout:
    """A layout: its folders, theme, labels and templates."""

    name: str
    dirs: list[Path]                  # this layout first, then what it extends
    manifest: dict[str, Any]
    theme: Theme
    labels: dict[str, dict[str, str]]
    templates: Templates
    fingerprint: str = ""
    theme_data: dict | None = None    # the merged theme.yaml values, to re-theme for a brand
    brand: Any = None                 # the Brand this layout was re-themed for, if any

    def with_brand(self, brand) -> Layout:
        """This layout in a brand's colours and fonts (cached per layout and brand)."""
        if brand is None or not brand.fingerprint:
            return self
        key = (self.fingerprint, brand.fingerprint)
        if key not in _BRANDED:
            from dataclasses import replace

            from briefgen.brand import theme_overrides
            data = merge(self.theme_data or {}, theme_overrides(brand, self.theme.palette))
            theme = build_theme(data, self.theme.source)
            _BRANDED[key] = replace(self, theme=theme, brand=brand,
                                    fingerprint=self.fingerprint + brand.fingerprint)
        return _BRANDED[key]

    @property
    def languages(self) -> list[str]:
        return sorted(self.labels)

    def label_set(self, lang: str) -> dict[str, str]:
        if lang not in self.labels:
            raise SelectionError(f"the layout has no labels for language '{lang}'",
                                 hint="available: " + ", ".join(self.languages), code="lang")
        return {**self.labels.get("en", {}), **self.labels[lang]}

    def params(self) -> dict[str, Any]:
        return {k: (v or {}).get("default") for k, v in (self.manifest.get("params") or {}).items()}


# --------------------------------------------------------------------------- templates


# New markup entries one process writes per layout: a campaign's rows differ in the
# town's name, so theirs is never asked for again (and a warm worker renders it quickly).
STORES_PER_LAYOUT = 16

_REF = re.compile(r'<inline ref="(\d+)"></inline>')   # what Rich.__html__ writes
_ANY_INLINE = re.compile(r"<inline", re.IGNORECASE)


class Templates:
    """A layout's Jinja2 templates (see jinja.py), with the markup they rendered kept.

    The markup a template renders for a context is kept in the user's cache folder under
    a key of the layout's files, the template's name, the versions of Jinja2 and
    MarkupSafe and every value in the context; the content texts it placed are kept with
    it. The next process that renders the same template for the same values reads both
    back and never imports Jinja2 (about 27 ms of a ~220 ms `briefgen brief`). Rendering
    is a function of the template and the context alone: the sandbox has no clock, no
    files and, here, no random filter, and cannot change what it was given (jinja.py).
    A context holding a value of any other type than plain data and content texts is
    never kept."""

    def __init__(self, dirs: list[Path], fingerprint: str):
        self.dirs = dirs
        self.fingerprint = fingerprint
        self._env = None
        self._stores_left = STORES_PER_LAYOUT

    @property
    def env(self):
        if self._env is None:
            from briefgen import jinja
            self._env = jinja.environment(self.dirs, confined)
        return self._env

    def template(self, name: str):
        from briefgen import jinja
        return jinja.template(self.env, self.dirs, name)

    def render(self, name: str, context: dict[str, Any], registry: list) -> tuple[str, str]:
        """The markup of templates/<name> for `context`, and the template's file. The
        content texts it places are appended to `registry` (see `Rich.__html__`)."""
        key = self._key(name, context)
        if key is not None:
            kept = cache.load("markup", key)
            if isinstance(kept, tuple) and len(kept) == 3:
                markup, filename, placed = kept
                base = len(registry)
                registry.extend(placed)
                return _REF.sub(lambda m: f'<inline ref="{int(m[1]) + base}"></inline>',
                                markup), filename
        from briefgen import jinja
        tpl = self.template(name)
        start = len(registry)
        markup = jinja.render(tpl, context)
        filename = tpl.filename or name
        if key is not None and self._stores_left > 0:
            relative = _relative_refs(markup, start, len(registry))
            if relative is not None and \
                    cache.store("markup", key, (relative, filename, tuple(registry[start:]))):
                self._stores_left -= 1
        return markup, filename

    def _key(self, name: str, context: dict[str, Any]) -> str | None:
        parts: list[str] = []
        if cache.folder() is None or not _fingerprint(context, parts):
            return None
        return cache.key("markup", self.fingerprint, "\0".join(map(str, self.dirs)), name,
                         cache.library_stamp("jinja2"), cache.library_stamp("markupsafe"),
                         "\n".join(parts))


def _relative_refs(markup: str, start: int, end: int) -> str | None:
    """The markup with each content text's reference counted from the template's first
    (`start`); None if it refers to anything but the texts this rendering placed (a
    template that wrote an <inline> tag of its own)."""
    refs = _REF.findall(markup)
    if len(refs) != len(_ANY_INLINE.findall(markup)) or \
            not all(start <= int(r) < end for r in refs):
        return None
    return _REF.sub(lambda m: f'<inline ref="{int(m[1]) - start}"></inline>', markup)


def _fingerprint(value, out: list[str]) -> bool:
    """Append a text that tells `value` apart from any other context value; False for a
    value of a type whose rendering this cannot vouch for."""
    kind = type(value)
    if kind is str or kind in (int, float, bool) or value is None:
        out.append(f"{kind.__name__}:{value!r}")
    elif kind is dict:
        out.append(f"dict:{len(value)}")
        for k, v in value.items():
            if type(k) is not str or not _fingerprint(v, out):
                return False
            out.append(repr(k))
    elif kind is list or kind is tuple:
        out.append(f"{kind.__name__}:{len(value)}")
        return all(_fingerprint(v, out) for v in value)
    elif kind is Rich or kind is StandIn:
        out.append(f"{kind.__name__}:{value.nodes!r}")
    else:
        return False
    return True


# --------------------------------------------------------------------------- loading


def confined(path: Path, folder: Path, what: str) -> Path:
    """`path` if it is inside `folder` once links are followed; a layout's files (and the
    templates a template includes) never reach outside their layout's folder, so a
    symbolic link cannot print /etc/passwd in a brief."""
    real, base = Path(path).resolve(), Path(folder).resolve()
    if real != base and base not in real.parents:
        raise LayoutError(f"{what} {display_path(path)} leads outside its layout folder "
                          f"{display_path(folder)}",
                          hint="copy the file into the layout folder instead of linking it",
                          code="layout.outside")
    return path


_BRANDED: dict[tuple[str, str], Layout] = {}   # (layout, brand) fingerprints


def find_layout(ref: str, builtin_root: Path) -> Path:
    """A layout name (a folder of the built-in layouts) or a path to a layout folder."""
    candidate = Path(ref)
    if ("/" in ref or ref.startswith(".")) and candidate.is_dir():
        return candidate
    if (builtin_root / ref).is_dir():
        return builtin_root / ref
    if candidate.is_dir():
        return candidate
    names = sorted(p.name for p in builtin_root.iterdir() if (p / "layout.yaml").is_file()) \
        if builtin_root.is_dir() else []
    raise LayoutError(f"layout '{ref}' not found (looked for {builtin_root / ref} and ./{ref})",
                      hint="built-in layouts: " + ", ".join(names), code="layout.missing")


def load_layout(ref: str, builtin_root: Path) -> Layout:
    """Read, check and merge a layout and what it extends. Callers keep the result: a
    `Workspace` loads each layout once per process."""
    folder = find_layout(ref, builtin_root).resolve()
    chain: list[tuple[Path, dict]] = []
    problems: list[Diagnostic] = []
    current: Path | None = folder
    while current is not None:
        if any(current == p for p, _ in chain):
            raise LayoutError("layouts extend each other in a circle: " +
                              " -> ".join(p.name for p, _ in chain) + f" -> {current.name}",
                              code="layout.cycle")
        if len(chain) >= MAX_EXTENDS:
            raise LayoutError(f"layout '{ref}' extends more than {MAX_EXTENDS} deep",
                              code="layout.depth")
        manifest_path = current / "layout.yaml"
        if manifest_path.is_file():
            confined(manifest_path, current, "layout manifest")
        if not manifest_path.is_file():
            raise LayoutError(f"layout manifest not found: {manifest_path}",
                              hint="a layout folder needs layout.yaml", code="layout.missing")
        manifest = load_yaml(manifest_path, "layout manifest") or LocDict()
        if not isinstance(manifest, dict):
            raise LayoutError("layout.yaml must be a mapping", Location(str(manifest_path), 1),
                              code="layout.type")
        checked = LAYOUT_SCHEMA.validate(manifest, Location(str(manifest_path), 1), "",
                                         problems)
        chain.append((current, manifest))
        parent = checked["extends"]
        if problems:
            break
        current = find_layout(str(parent), builtin_root).resolve() if parent else None

    if problems:
        n = len(problems)
        raise ProblemsError(problems, f"{n} problem{'s' * (n != 1)} in layout '{ref}'")
    merged_manifest: dict = {}
    theme_data: dict = {}
    labels: dict = {}
    theme_files = []
    for path, manifest in reversed(chain):
        merged_manifest = merge(merged_manifest, _plain(manifest))
        tpath = path / "theme.yaml"
        if tpath.is_file() and confined(tpath, path, "theme"):
            raw = load_yaml(tpath, "theme")
            if raw is not None and not isinstance(raw, dict):
                raise LayoutError("theme.yaml must be a mapping", Location(str(tpath), 1),
                                  code="theme.type")
            theme_data = merge(theme_data, raw or {})   # keeps each value's file and line
            theme_files.append(str(tpath))
        lpath = path / "labels.yaml"
        if lpath.is_file() and confined(lpath, path, "labels"):
            raw_labels = load_yaml(lpath, "labels") or {}
            check_labels(raw_labels, lpath)
            labels = merge(labels, _plain(raw_labels))
    if not theme_files:
        raise LayoutError(f"no theme.yaml in layout '{ref}' or what it extends",
                          Location(str(folder)), code="layout.theme")
    theme = build_theme(theme_data, theme_files[-1])
    dirs = [p for p, _ in chain]
    for path in dirs:  # a layout's own fonts, like its templates, stay in its folder
        fonts = path / "fonts"
        if fonts.exists():
            confined(fonts, path, "font folder")
            for font in sorted(fonts.rglob("*.ttf")):
                confined(font, path, "font")
    from briefgen.content import fingerprint_folder
    fp = "".join(fingerprint_folder(p, "*") for p in dirs)
    return Layout(folder.name, dirs, merged_manifest, theme, labels, Templates(dirs, fp), fp,
                  theme_data)


# What briefgen and the templates fill into labels; any other {name} would fail mid-build.
LABEL_PLACEHOLDERS = ("municipality", "count", "number", "total", "page", "pages", "title")


def check_labels(data, path: Path) -> None:
    """labels.yaml: a mapping of language to a mapping of label to text, each text using
    only the placeholders briefgen fills."""
    import string
    if not isinstance(data, LocDict):
        raise LayoutError("labels.yaml must map languages to labels", Location(str(path), 1),
                          code="label.type")
    for lang, entries in data.items():
        if not isinstance(entries, LocDict):
            raise LayoutError(f"the labels of '{lang}' must be a mapping of label to text",
                              data.loc_of(lang), code="label.type")
        for key, text in entries.items():
            where = entries.loc_of(key).at(f"{lang}.{key}")
            if not isinstance(text, str):
                raise LayoutError(f"label '{key}' must be text", where, code="label.type")
            try:
                names = [f for _, f, _, _ in string.Formatter().parse(text) if f is not None]
            except ValueError:
                raise LayoutError(f"label '{key}' has an unpaired '{{' or '}}'", where,
                                  hint="write {{ and }} for literal braces",
                                  code="label.placeholder") from None
            for name in names:
                if name not in LABEL_PLACEHOLDERS:
                    raise LayoutError(f"label '{key}' uses the placeholder {{{name[:30]}}}, "
                                      "which briefgen does not fill", where,
                                      hint="placeholders: " + ", ".join(
                                          "{" + n + "}" for n in LABEL_PLACEHOLDERS),
                                      code="label.placeholder")


def _plain(value):
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


# --------------------------------------------------------------------------- template markup


class Rich:
    """Parsed inline content handed to a template; `{{ value }}` places it."""

    def __init__(self, nodes: tuple, registry: list):
        self.nodes = nodes
        self._registry = registry

    def __html__(self) -> str:
        self._registry.append(self.nodes)
        return f'<inline ref="{len(self._registry) - 1}"></inline>'

    def __str__(self) -> str:
        return inline.plain(self.nodes)


class StandIn(str):
    """A plain text handed to a template in another language than the document (English
    standing in for a missing translation). It compares, tests and formats as the text
    it is; placed with `{{ value }}` it keeps the mark that says which language it is in."""

    def __new__(cls, nodes: tuple, registry: list):
        self = super().__new__(cls, inline.plain(nodes))
        self.nodes = nodes
        self._registry = registry
        return self

    __html__ = Rich.__html__


_BLOCK_TAGS = {"p", "h1", "h2", "h3", "ul", "ol", "li", "box", "pagebreak", "spacer", "img"}
_VOID = {"br", "pagebreak", "spacer", "inline", "img"}
_SPACE = re.compile(r"\s+")


class _BlockParser(HTMLParser):
    """Template output to document blocks."""

    def __init__(self, registry: list, source: str, styles=None):
        super().__init__(convert_charrefs=True)
        self.registry = registry
        self.source = source
        self.styles = styles            # the theme's style names, to check class="..."
        self.blocks: list = []
        self.stack: list[tuple[str, dict, list]] = []   # open inline containers
        self.current: tuple[str, dict] | None = None    # open text block
        self.items: list | None = None
        self.box: tuple[dict, list] | None = None
        self._mark = (1, 1)   # (line in the rendered text, template line it comes from)

    def handle_pi(self, data):
        if data.startswith("L") and data.rstrip("?")[1:].isdigit():
            self._mark = (self.getpos()[0], int(data.rstrip("?")[1:]))

    def template_line(self) -> int:
        out_line, src_line = self._mark
        return src_line + self.getpos()[0] - out_line

    def style_of(self, attrs: dict, default: str) -> str:
        """The class="..." of a tag, which must name a style of the theme."""
        name = attrs.get("class") or default
        if self.styles is not None and name and name not in self.styles:
            raise self.error_at(f"class '{name[:40]}' is not a style of the theme "
                                f"(styles: {', '.join(sorted(self.styles))})")
        return name

    def error_at(self, message: str) -> LayoutError:
        line = self.template_line()
        return LayoutError(message, Location(self.source, line), code="template.markup",
                           hint="templates may use p, h1-h3, ul/ol/li, box, img, b, i, a, br")

    def _image(self, attrs: dict) -> d.Image:
        """<img src="art/map.png" alt="..." width="60mm" credit="..." align="center">:
        src relative to the template's folder, alt required ("" for a decorative one)."""
        from briefgen import fields
        from briefgen.pictures import inspect, resolve
        if self.current is not None:
            raise self.error_at("<img> inside a paragraph; place it between blocks")
        for key in attrs:
            if key not in ("src", "alt", "width", "height", "credit", "align"):
                raise self.error_at(f"<img> has no attribute '{key}' (src, alt, width, height, "
                                    "credit, align)")
        if not attrs.get("src"):
            raise self.error_at("<img> needs src")
        if "alt" not in attrs or attrs["alt"] is None:
            raise self.error_at("<img> needs alt: what the picture shows (alt=\"\" if it only "
                                "decorates)")
        where = Location(self.source, self.template_line())
        path = resolve(attrs["src"], where)
        inspect(path, where)
        try:
            width = fields.measurement(attrs["width"]) if attrs.get("width") else 0.0
            height = fields.measurement(attrs["height"]) if attrs.get("height") else 0.0
        except fields.FieldError as exc:
            raise self.error_at(str(exc)) from None
        align = attrs.get("align") or "left"
        if align not in ("left", "center", "right"):
            raise self.error_at(f"<img align> is left, center or right, not '{align}'")
        alt = " ".join(attrs["alt"].split())
        return d.Image(str(path), alt, credit=attrs.get("credit") or "", width=width,
                       height=height, align=align, decorative=not alt)

    # containers ------------------------------------------------------------
    def _open_text(self, tag, attrs):
        if self.current is not None:
            raise self.error_at(f"<{tag}> inside <{self.current[0]}>")
        self.current = (tag, attrs)
        self.stack = [("root", {}, [])]

    def _close_text(self):
        tag, attrs = self.current
        nodes = _trim(tuple(self.stack[0][2]))
        self.current, self.stack = None, []
        if tag == "li":
            self.items.append(d.ListItem(nodes, label=attrs.get("value") or ""))
            return
        if not nodes:
            return
        if tag == "p":
            block = d.Paragraph(nodes, self.style_of(attrs, "body"))
        else:
            level = int(tag[1])
            key = heading_id(attrs.get("id") or "")
            block = d.Heading(nodes, level, key=key, toc=attrs.get("toc") != "no" and bool(key),
                              style=self.style_of(attrs, ""))
        self._emit(block)

    def _emit(self, block):
        if self.box is not None:
            self.box[1].append(block)
        else:
            self.blocks.append(block)

    def handle_starttag(self, tag, attrs_list):
        attrs = dict(attrs_list)
        if tag in ("p", "h1", "h2", "h3", "li"):
            if tag == "li" and self.items is None:
                raise self.error_at("<li> outside <ul>")
            self._open_text(tag, attrs)
        elif tag in ("ul", "ol"):
            self.items = []
            self._ul_class = self.style_of(attrs, "bullet")
        elif tag == "box":
            self.style_of(attrs, "box")
            self.box = (attrs, [])
        elif tag == "pagebreak":
            self._emit(d.PageBreak())
        elif tag == "img":
            self._emit(self._image(attrs))
        elif tag == "spacer":
            if attrs.get("height") == "fill":   # pushes what follows to the foot of the frame
                self._emit(d.Spacer(0.0, fill=True))
            else:
                try:
                    height = float(attrs.get("height", "12"))
                except ValueError:
                    height = -1.0
                if not 0 <= height <= 500:
                    raise self.error_at(f"spacer height '{attrs.get('height')}' is not a number "
                                        "of points from 0 to 500, or 'fill'")
                self._emit(d.Spacer(height))
        elif tag in ("b", "strong", "i", "em", "a"):
            if self.current is None:
                raise self.error_at(f"<{tag}> outside a paragraph")
            self.stack.append((tag, attrs, []))
        elif tag == "br":
            if self.current is not None:
                self.stack[-1][2].append(inline.LineBreak())
        elif tag == "inline":
            if self.current is None:
                raise self.error_at("content text placed outside a paragraph")
            self.stack[-1][2].extend(self.registry[int(attrs["ref"])])
        else:
            raise self.error_at(f"unknown tag <{tag}>")

    def handle_endtag(self, tag):
        if tag in ("p", "h1", "h2", "h3", "li"):
            if self.current is None or self.current[0] != tag:
                raise self.error_at(f"</{tag}> without <{tag}>")
            while len(self.stack) > 1:
                self._close_inline()
            self._close_text()
        elif tag in ("ul", "ol"):
            if self.items:
                self._emit(d.BulletList(tuple(self.items), self._ul_class, numbered=tag == "ol"))
            self.items = None
        elif tag == "box":
            attrs, body = self.box
            self.box = None
            title = (inline.Text(attrs.get("title", "")),) if attrs.get("title") else ()
            self.blocks.append(d.Box(title, tuple(body), style=attrs.get("class") or "box"))
        elif tag in ("b", "strong", "i", "em", "a"):
            if len(self.stack) > 1:
                self._close_inline()
        elif tag in _VOID:
            pass

    def _close_inline(self):
        tag, attrs, children = self.stack.pop()
        if tag in ("b", "strong"):
            node = inline.Styled("b", tuple(children))
        elif tag in ("i", "em"):
            node = inline.Styled("i", tuple(children))
        else:
            href = attrs.get("href", "")
            problem = inline.link_problem(href)
            if problem:
                raise self.error_at(problem)
            node = inline.Link(href, tuple(children))
        self.stack[-1][2].append(node)

    def handle_data(self, data):
        if self.current is None:
            if data.strip():
                raise self.error_at(f"text outside a paragraph: '{data.strip()[:30]}'")
            return
        run = self.stack[-1][2]
        if run and isinstance(run[-1], inline.Text):
            # text split only by a line mark is one run, as it was before marks
            run[-1] = inline.Text(_SPACE.sub(" ", run[-1].text + data))
        else:
            run.append(inline.Text(_SPACE.sub(" ", data)))


_SAFE_ID = re.compile(r"^[A-Za-z0-9_.-]{1,64}$")


def heading_id(value: str) -> str:
    """A heading's id as the renderer may use it in anchors and bookmarks: kept when it is
    a plain word, else a digest of it, so that a user value in `id="..."` (a name with a
    quote, say) can never become markup."""
    if not value or _SAFE_ID.match(value):
        return value
    import hashlib
    return "h-" + hashlib.sha256(value.encode("utf-8")).hexdigest()[:12]


def _trim(nodes: tuple) -> tuple:
    """Drop the whitespace templates leave at a block's edges."""
    nodes = list(nodes)
    while nodes and isinstance(nodes[0], inline.Text) and not nodes[0].text.strip():
        nodes.pop(0)
    while nodes and isinstance(nodes[-1], inline.Text) and not nodes[-1].text.strip():
        nodes.pop()
    if nodes and isinstance(nodes[0], inline.Text):
        nodes[0] = inline.Text(nodes[0].text.lstrip())
    if nodes and isinstance(nodes[-1], inline.Text):
        nodes[-1] = inline.Text(nodes[-1].text.rstrip())
    return tuple(nodes)


def blocks_from_template(layout: Layout, name: str, context: dict, registry: list) -> list:
    html, filename = layout.templates.render(name, context, registry)
    parser = _BlockParser(registry, filename, layout.theme.styles)
    parser.feed(html)
    parser.close()
    if parser.current is not None:
        raise parser.error_at(f"<{parser.current[0]}> is never closed")
    return parser.blocks
