"""One document end to end: load, validate, select, compose, render.

A `Workspace` loads the content pack once and each layout (with its fonts) once per
process; campaign workers keep one for all their rows.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from briefgen import resources
from briefgen.compose import CREATOR, Composer
from briefgen.content import Pack, load_pack
from briefgen.diagnostics import Diagnostic
from briefgen.document import Document
from briefgen.errors import SelectionError
from briefgen.layout import Layout, load_layout
from briefgen.output import write_atomic
from briefgen.selection import Profile, select

RTL_LANGUAGES = {"ar", "he", "fa", "ur", "yi", "ps", "sd", "ug", "dv", "ckb"}


@dataclass
class Built:
    pdf: bytes
    document: Document
    warnings: list[Diagnostic]


class Workspace:
    def __init__(self, content: Path | None = None):
        self.content_dir = Path(content) if content else resources.content_dir()
        self._pack: Pack | None = None
        self._renderers: dict[str, object] = {}

    @property
    def pack(self) -> Pack:
        if self._pack is None:
            self._pack = load_pack(self.content_dir)
        return self._pack

    def layout(self, ref: str | None) -> Layout:
        return load_layout(ref or "default", resources.layouts_dir())

    def renderer(self, layout: Layout):
        key = str(layout.dirs[0])
        if key not in self._renderers:
            from briefgen.render import Renderer  # ReportLab is imported only to render
            from briefgen.theme import font_dirs
            self._renderers[key] = Renderer(layout.theme,
                                            font_dirs(layout.dirs, resources.fonts_dir()))
        return self._renderers[key]

    def check_language(self, lang: str, layout: Layout) -> None:
        base = lang.split("-")[0]
        available = [x for x in self.pack.languages if x in layout.labels]
        if base in RTL_LANGUAGES:
            raise SelectionError(
                f"right-to-left languages such as '{lang}' are not supported yet",
                hint="briefgen cannot yet lay out right-to-left text correctly; available: "
                     + ", ".join(available), code="lang.rtl")
        if base not in available:
            raise SelectionError(f"language '{lang}' is not available",
                                 hint="available: " + ", ".join(available), code="lang")

    def compose(self, kind: str, profile: Profile, layout_ref: str | None = None, *,
                allow_fallback: bool = False, **options) -> tuple[Document, Layout, list]:
        layout = self.layout(layout_ref or profile.layout or None)
        self.check_language(profile.lang or "en", layout)
        selection = select(self.pack, profile)
        composer = Composer(self.pack, layout, selection, allow_fallback=allow_fallback)
        from briefgen.documents import KINDS
        if kind not in KINDS:
            raise SelectionError(f"unknown document kind '{kind}'",
                                 hint="kinds: " + ", ".join(KINDS), code="kind")
        doc = KINDS[kind](composer, **options)
        return doc, layout, composer.loc.fallbacks

    def build(self, kind: str, profile: Profile, layout_ref: str | None = None, *,
              allow_fallback: bool = False, **options) -> Built:
        doc, layout, warnings = self.compose(kind, profile, layout_ref,
                                             allow_fallback=allow_fallback, **options)
        renderer = self.renderer(layout)
        if doc.one_page:
            pdf, notes = renderer.render_one_page(doc, CREATOR)
            warnings = warnings + notes
        else:
            pdf = renderer.render(doc, CREATOR)
        return Built(pdf, doc, warnings)


def build_brief(profile: Profile, output: Path | None = None, *, layout: str | None = None,
                content: Path | None = None, allow_fallback: bool = False) -> Built:
    """Build one brief; write it to `output` (atomically) when given."""
    built = Workspace(content).build("brief", profile, layout, allow_fallback=allow_fallback)
    if output:
        write_atomic(Path(output), built.pdf)
    return built


def build_factsheet(profile: Profile, priority: str, output: Path | None = None, *,
                    layout: str | None = None, content: Path | None = None,
                    allow_fallback: bool = False) -> Built:
    built = Workspace(content).build("factsheet", profile, layout, allow_fallback=allow_fallback,
                                     priority=priority)
    if output:
        write_atomic(Path(output), built.pdf)
    return built
