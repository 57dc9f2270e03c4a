"""One document end to end: load, validate, select, compose, render.

A `Workspace` owns what a process keeps between documents: the content pack, layouts and
renderers (with their fonts); campaign workers keep one for all their rows. The document
kinds are the registry of briefgen/kinds/; the one-page fit loop is `Workspace.build`.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

from briefgen import kinds, resources
from briefgen.compose import CREATOR, Composer
from briefgen.content import Pack, load_pack
from briefgen.diagnostics import Diagnostic, Location
from briefgen.document import Document
from briefgen.errors import RenderError, SelectionError
from briefgen.layout import Layout, find_layout, load_layout
from briefgen.output import write_atomic
from briefgen.selection import Profile, select, source_date_epoch

@dataclass
class Built:
    """A built document: the PDF, the Document it sets, warnings, pages."""

    pdf: bytes
    document: Document
    warnings: list[Diagnostic]
    pages: int


class Workspace:
    """The process's state: the content pack, each layout and each renderer (with its
    fonts), loaded once and kept for every document this process builds. The CLI keeps
    one per command, a campaign worker one for all its rows; pass one to `build_brief`
    to build several documents warm."""

    def __init__(self, content: Path | None = None, *, tagged: bool = True):
        self.content_dir = Path(content) if content else resources.content_dir()
        self.tagged = tagged        # PDF/UA-1 + PDF/A-2a; False only for quick drafts
        self._pack: Pack | None = None
        self._layouts: dict[tuple[str, str], Layout] = {}
        self._renderers: dict[str, object] = {}
        self._brands: dict[tuple[str, str], object] = {}
        self._draft: Workspace | None = None

    @property
    def pack(self) -> Pack:
        if self._pack is None:
            from briefgen import cache
            self._pack = cache.load_pack(self.content_dir)
        return self._pack

    def draft(self) -> Workspace:
        """This workspace building untagged PDFs, for previews: the same pages (tagging
        changes no pixel), without the cost of the structure tree. It shares this one's
        pack, layouts and brands and keeps renderers of its own."""
        if not self.tagged:
            return self
        if self._draft is None:
            draft = Workspace(self.content_dir, tagged=False)
            draft._pack, draft._layouts, draft._brands = self.pack, self._layouts, self._brands
            self._draft = draft
        return self._draft

    def layout(self, ref: str | None, brand=None) -> Layout:
        ref = ref or "default"
        builtin = resources.layouts_dir()
        key = (str(find_layout(ref, builtin).resolve()), ref)
        if key not in self._layouts:
            self._layouts[key] = load_layout(ref, builtin)
        return self._layouts[key].with_brand(brand)

    def brand(self, profile: Profile, brand=None):
        """The brand a document is built in: `brand` (a Brand or a path) or the profile's
        `brand:` file, with the profile's `logo:` in place of the brand's logos."""
        from briefgen.brand import Brand, empty_brand, load_brand
        from briefgen.pictures import resolve
        if brand is not None and not isinstance(brand, Brand):
            brand = self._load_brand(Path(brand), load_brand)
        if brand is None and profile.brand:
            path = resolve(profile.brand, profile.loc("brand"))
            brand = self._load_brand(path, load_brand, profile.loc("brand"))
        if profile.logo:
            from briefgen.pictures import inspect
            path = resolve(profile.logo, profile.loc("logo"))
            inspect(path, profile.loc("logo"))
            brand = (brand or replace(empty_brand(), source=str(path))).with_logo(path)
        return brand

    def _load_brand(self, path: Path, load, where=None):
        from briefgen.errors import BriefgenError
        try:
            stat = path.stat()
        except OSError:
            raise BriefgenError(f"brand file not found: {path}", where,
                                hint="paths are relative to the file that names them",
                                code="file.missing") from None
        key = (str(path.resolve()), f"{stat.st_size}:{stat.st_mtime_ns}")
        if key not in self._brands:
            self._brands[key] = load(path)
        return self._brands[key]

    def logos(self, brand, layout: Layout, places=("cover", "footer"),
              where=None) -> tuple[dict, list]:
        """The brand's logo for each place the layout puts one, sized; dpi warnings."""
        from briefgen.document import Image
        from briefgen.pictures import inspect, resolution_warning
        out, warnings = {}, []
        if brand is None:
            return out, warnings
        for place, spec in layout.theme.logo.items():
            if place not in places:
                continue
            logo = brand.logo((spec["size"],))
            if logo is None:
                continue
            info = inspect(logo.path, Location(brand.source) if brand.source else where)
            height = spec["height"]
            width = height * info.width / info.height
            if width > spec["width"]:
                width, height = spec["width"], spec["width"] * info.height / info.width
            out[place] = Image(str(logo.path), logo.alt, width=width, height=height,
                               link=brand.home)
            warn = resolution_warning(info, width, height, Location(brand.source),
                                      f"the {place} logo")
            if warn and all(str(w) != str(warn) for w in warnings):
                warnings.append(warn)
        return out, warnings

    def renderer(self, layout: Layout):
        key = str(layout.dirs[0]) + (layout.brand.fingerprint if layout.brand else "")
        if key not in self._renderers:
            from briefgen.render import Renderer  # ReportLab is imported only to render
            from briefgen.theme import font_dirs
            self._renderers[key] = Renderer(layout.theme,
                                            font_dirs(layout.dirs, resources.fonts_dir()),
                                            tagged=self.tagged)
        return self._renderers[key]

    def check_language(self, lang: str, layout: Layout) -> None:
        base = lang.split("-")[0]
        available = [x for x in self.pack.languages if x in layout.labels]
        if base not in available:
            raise SelectionError(f"language '{lang}' is not available",
                                 hint="available: " + ", ".join(available), code="lang")

    def composer(self, profile: Profile, layout: Layout, *,
                 allow_fallback: bool = False) -> Composer:
        """A fresh composer for one document (it numbers notes as it goes)."""
        self.check_language(profile.lang or "en", layout)
        return Composer(self.pack, layout, select(self.pack, profile),
                        allow_fallback=allow_fallback)

    def _layout_of(self, layout_ref, profile: Profile) -> Layout:
        return layout_ref if isinstance(layout_ref, Layout) else \
            self.layout(layout_ref or profile.layout or None)

    def compose(self, kind: str, profile: Profile, layout_ref: str | Layout | None = None, *,
                allow_fallback: bool = False, brand=None,
                **options) -> tuple[Document, Layout, list]:
        source_date_epoch()  # ReportLab reads it too: a bad value is an error, here
        doc_kind = kinds.get(kind)
        brand = self.brand(profile, brand)
        layout = self._layout_of(layout_ref, profile).with_brand(brand)
        if brand is not None and brand.name and not profile.organisation:
            profile = replace(profile, organisation=brand.name)
        composer = self.composer(profile, layout, allow_fallback=allow_fallback)
        doc = doc_kind.compose(composer, **options)
        warnings = list(composer.loc.fallbacks)
        if profile.local_examples:
            from briefgen.local import place
            heading = layout.label_set(profile.lang or "en").get(
                "local_heading", "Already under way in {municipality}")
            doc = place(doc, profile.local_examples, self.pack, profile.municipality,
                        heading.format(municipality=profile.municipality), layout.theme)
        from briefgen.illustrate import illustrate, load_slots, photos_for
        slots = load_slots(self.content_dir)
        photos, _ = photos_for(slots, profile, self.pack)
        doc, picture_warnings = illustrate(doc, slots, photos, layout.theme, self.pack)
        warnings += picture_warnings
        if brand is not None:
            from briefgen.brand import contrast_warnings
            logos, logo_warnings = self.logos(
                brand, layout, ("cover", "footer") if doc.cover else ("footer",))
            if profile.organisation:
                # a logo given alone (--logo, a 'logo' column) says whose it is, for a
                # reader who cannot see it; "Logo" alone is read as no alt text
                logos = {place: replace(img, alt=f"{profile.organisation} logo")
                         if img.alt.strip().lower() == "logo" else img
                         for place, img in logos.items()}
            if logos:
                doc = replace(doc, logos=logos)
            warnings += list(brand.notes) + contrast_warnings(brand, layout.theme.palette) + \
                logo_warnings
        return doc, layout, warnings

    def build(self, kind: str, profile: Profile, layout_ref: str | Layout | None = None, *,
              allow_fallback: bool = False, brand=None, **options) -> Built:
        doc_kind = kinds.get(kind)
        doc, layout, warnings = self.compose(kind, profile, layout_ref,
                                             allow_fallback=allow_fallback, brand=brand,
                                             **options)
        renderer = self.renderer(layout)
        if not doc_kind.one_page:
            pdf, pages = renderer.render(doc, CREATOR)
            return Built(pdf, doc, warnings, pages)
        # One page: the renderer tightens type and spacing as the theme allows; when even
        # that does not fit, the kind's shrink plan says what to leave out, step by step.
        # What the user named is never dropped: if it cannot fit, that is an error that
        # says by how much the sheet overflows.
        composer = self.composer(profile, layout, allow_fallback=allow_fallback)
        for attempt in [{}] + doc_kind.shrink(composer, options, layout.theme.fit):
            if attempt:
                doc, _, _ = self.compose(kind, profile, layout, allow_fallback=allow_fallback,
                                         brand=brand, **options, **attempt)
            pdf, _scale = renderer.render_one_page(doc, CREATOR)
            if pdf is not None:
                notes = list(warnings)
                if doc.droppable:
                    left_out = ", ".join(f"{k} {i}" for k, i in doc.droppable)
                    notes.append(Diagnostic(f"to fit one page, left out {left_out}",
                                            level="note", code="fit.dropped"))
                return Built(pdf, doc, notes, 1)
        over = renderer.overflow(doc)
        raise RenderError(
            f"the {kind} does not fit one page: it overflows by {over:.0f} pt "
            f"(about {max(1, round(over / 14))} lines) at the smallest type the layout allows",
            hint=doc_kind.overflow_hint, code="fit.overflow")


def build_brief(profile: Profile, output: Path | None = None, *, layout: str | None = None,
                content: Path | None = None, allow_fallback: bool = False,
                brand=None, workspace: Workspace | None = None) -> Built:
    """Build one brief; write it to `output` (atomically) when given. Pass the same
    `workspace` to several calls to load the pack, layouts and fonts once.

    `brand` is a Brand (`briefgen.brand.load_brand(path)`) or the path of a brand file."""
    ws = workspace or Workspace(content)
    built = ws.build("brief", profile, layout, allow_fallback=allow_fallback, brand=brand)
    if output:
        write_atomic(Path(output), built.pdf)
    return built


def build_factsheet(profile: Profile, priority: str, output: Path | None = None, *,
                    layout: str | None = None, content: Path | None = None,
                    allow_fallback: bool = False, brand=None,
                    workspace: Workspace | None = None) -> Built:
    ws = workspace or Workspace(content)
    built = ws.build("factsheet", profile, layout, allow_fallback=allow_fallback,
                     priority=priority, brand=brand)
    if output:
        write_atomic(Path(output), built.pdf)
    return built
