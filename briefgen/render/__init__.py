"""The renderer: the only part of briefgen that imports ReportLab.

It sees a `Document` and a `Theme`, never the content pack or templates.
"""

from __future__ import annotations

import gc
import io
from contextlib import contextmanager
from pathlib import Path

from briefgen.render.deferred import import_platypus

import_platypus()   # before anything imports ReportLab's platypus: see render.deferred

from reportlab.platypus import NextPageTemplate, PageBreak
from reportlab.platypus.doctemplate import LayoutError

from briefgen import document as d
from briefgen import inline
from briefgen.errors import RenderError
from briefgen.render import fastpaths, linebreaks, pdfwrite, replay
from briefgen.render.fonts import Family, char_name, load_family, load_script_family
from briefgen.render.flow import Flow, ParagraphCache, figure_elems, has_alt
from briefgen.render.footnotes import NoteStore
from briefgen.render.markup import Marker
from briefgen.render.pages import BriefDocTemplate, canvas_maker
from briefgen.render.shaping import FontChain, Script
from briefgen.render.styles import paragraph_styles
from briefgen.render.tags import Elem, Tagger, link
from briefgen.theme import Theme

PRODUCER = "briefgen (ReportLab)"

fastpaths.install()
pdfwrite.install()


class Renderer:
    """Fonts registered and styles built once; then any number of documents."""

    def __init__(self, theme: Theme, font_search: list[Path], *, tagged: bool = True):
        self.theme = theme
        # Tagged PDF/UA-1 and PDF/A-2a by default (written by ReportLab's save, see
        # render.archive); untagged output skips the marked content and all that (drafts).
        self.tagged = tagged
        self.families: dict[str, Family] = {}
        for role, family in theme.fonts.items():
            if role == "fallback":
                continue
            self.families[role] = load_family(family, font_search,
                                              files=theme.font_files.get(family))
        self.fallback = (load_family(theme.fonts["fallback"], font_search, single_face=True)
                         if theme.fonts.get("fallback") else None)
        self.scripts = tuple(load_script_family(name, font_search) for name in theme.scripts)
        last = (self.fallback,) if self.fallback else ()
        self.chain = FontChain(tuple(f.faces["regular"] for f in self.scripts + last),
                               tuple(f.faces["bold"] for f in self.scripts + last))
        self.styles = paragraph_styles(theme, self.families)
        self._coverage = {face: fam.coverage for fam in self.families.values()
                          for face in fam.faces.values()}
        self._scaled: dict[float, dict] = {1.0: self.styles}
        self.paragraphs = ParagraphCache()
        self._kept: dict[str, _Kept] = {}    # cache-folder key -> what documents used
        self.link_color = theme.palette.get("link", theme.palette.get("accent", "#1a5fa8"))

    def marker(self, lang: str = "en") -> Marker:
        return Marker(self.families["body"], self.fallback, self.link_color, lang,
                      self.scripts)

    def script(self, doc: d.Document) -> Script:
        return Script(self.chain, d.is_rtl(doc.meta.lang), doc.meta.lang)

    def render(self, doc: d.Document, creator: str) -> tuple[bytes, int]:
        """The PDF and its page count (known from layout, so nobody parses the PDF for it)."""
        with self._kept_layout(doc):
            pdf, pages, _ = self._build(doc, creator, self.styles)
        return pdf, pages

    @contextmanager
    def _kept_layout(self, doc: d.Document):
        """Parsed paragraphs and line breaks kept in the user's cache folder, per kind and
        language of document: loaded before the first such document this renderer lays
        out, stored after one that had to parse or break much anew (see linebreaks)."""
        try:
            key = linebreaks.disk_key(doc.kind, doc.meta.lang, str(self.tagged),
                                      self._stamp())
        except Exception:
            key = None
        cache = self.paragraphs
        kept = self._kept.get(key) if key is not None else None
        if key is not None and kept is None:
            kept = self._kept[key] = _Kept()
            linebreaks.load(cache._parsed, cache.breaks, key)
        if kept is None or kept.renders <= 0:   # a long campaign: its first rows only
            yield
            return
        kept.renders -= 1
        added = cache._parsed.added + cache.breaks.added
        taped = replay.recorded()
        cache.record()
        done = False
        try:
            with replay.recording_first():
                yield
            done = True
        finally:
            used_p, used_b = cache.recorded()
            if done:
                kept.parsed |= used_p
                kept.breaks |= used_b
                new = cache._parsed.added + cache.breaks.added - added
                new_tapes = replay.recorded() - taped
                # a document mostly laid out (or drawn) anew, not a campaign row that
                # added its town's few paragraphs to the ones kept
                if ((new and new * 10 >= len(used_p) + len(used_b)) or
                        new_tapes * 10 >= max(1, len(used_b))) and kept.saves > 0:
                    kept.saves -= 1
                    linebreaks.save(cache._parsed, cache.breaks, key, kept.parsed,
                                    kept.breaks)

    def _stamp(self) -> str:
        """The fonts and styles: with the settings in linebreaks.disk_key, what laid-out
        text depends on besides its markup and style."""
        if getattr(self, "_stamp_text", None) is None:
            fams = [*self.families.values(), *self.scripts,
                    *((self.fallback,) if self.fallback else ())]
            styles = sorted(str(linebreaks.style_key(st)) for st in self.styles.values())
            self._stamp_text = repr(([f.stamp for f in fams], styles))
        return self._stamp_text

    def _build(self, doc: d.Document, creator: str, styles):
        # Layout allocates hundreds of thousands of short-lived objects that reference
        # counting frees; the cyclic collector only slows it (about 15% of a brief), so
        # it waits until the document is done.
        enabled = gc.isenabled()
        gc.disable()
        try:
            return self._layout(doc, creator, styles)
        finally:
            if enabled:
                gc.enable()

    def styles_at(self, scale: float):
        key = round(scale, 3)
        if key not in self._scaled:
            self._scaled[key] = paragraph_styles(self.theme, self.families, type_scale=scale,
                                                 space_scale=scale)
        return self._scaled[key]

    def scales(self) -> list[float]:
        """The type scales a one-page sheet may use, largest first, above the floors."""
        fit = self.theme.fit
        if "tighten" not in fit["order"]:
            return [1.0]
        body = self.theme.styles["body"].size
        floor = max(fit["min_scale"], fit["min_body_size"] / body if body else 0)
        out, s = [], 1.0
        while s >= floor - 1e-9:
            out.append(round(s, 3))
            s -= 0.03
        return out or [1.0]

    def render_one_page(self, doc: d.Document, creator: str) -> tuple[bytes | None, float]:
        """The largest type scale at which the sheet fits one page: (pdf, scale), or (None, 0)."""
        with self._kept_layout(doc):
            for scale in self.scales():
                pdf, pages, _ = self._build(doc, creator, self.styles_at(scale))
                if pages == 1:
                    return pdf, scale
        return None, 0.0

    def overflow(self, doc: d.Document) -> float:
        """How many points the sheet's content overflows one page at the smallest scale."""
        styles = self.styles_at(self.scales()[-1])
        flow = Flow(self.theme, styles, self.marker(doc.meta.lang), script=self.script(doc))
        story = flow.blocks(doc.body)
        m = self.theme.margins
        width = self.theme.page_size[0] - m["left"] - m["right"]
        height = self.theme.page_size[1] - m["top"] - m["bottom"]
        total = 0.0
        for f in story:
            _, h = f.wrap(width, 10_000)
            total += h + f.getSpaceBefore() + f.getSpaceAfter()
        return max(0.0, total - height)

    def _layout(self, doc: d.Document, creator: str, styles):
        self.paragraphs.next_document()
        marker = self.marker(doc.meta.lang)
        tagger = None
        if self.tagged:
            tagger = marker.tagger = Tagger(doc.meta.lang)
            labels = doc.labels
            marker.callout_words = (labels.footnote, labels.endnote, labels.back)
        script = self.script(doc)
        flow = Flow(self.theme, styles, marker, self.paragraphs, script=script)
        flow.continued_label = doc.labels.continued
        flow.contents_entries = [(h.level, marker.nodes(h.text), h.key)
                                 for h in doc.body if isinstance(h, d.Heading) and h.toc and h.key]
        keys = [h.key for h in (*doc.cover, *doc.body) if isinstance(h, d.Heading) and h.key]
        twice = sorted({k for k in keys if keys.count(k) > 1})
        if twice:
            raise RenderError(f"two headings have the id '{twice[0]}'",
                              hint="give each heading of a layout's templates its own id=",
                              code="template.heading-id")
        flow.contents_labels = {h.key: h.label or inline.plain(h.text)
                                for h in doc.body if isinstance(h, d.Heading) and h.key}
        story = []
        place, logo_elems = logo_place(doc), (None, None)
        if doc.cover:
            story += flow.blocks(doc.cover)
            story += [NextPageTemplate("body"), PageBreak()]
        if place == "cover" and tagger is not None:   # read after what the cover says
            logo_elems = figure_elems(tagger.root, doc.logos["cover"])
        story += flow.blocks(doc.body)
        if place == "footer" and tagger is not None:  # drawn when the first page ends
            logo_elems = figure_elems(tagger.root, doc.logos["footer"])
        note_inlines = {n: [Elem("Lbl"), link(f"#fnref-{n}", doc.labels.back)]
                        for n in doc.footnotes} if tagger else {}
        notes = NoteStore({n: marker.nodes(text, inlines=note_inlines.get(n))
                           for n, text in doc.footnotes.items()},
                          styles["note"], self.theme.palette.get("rule", "#999999"),
                          gap=styles["note"].leading, paragraphs=self.paragraphs,
                          script=script, tagger=tagger, inlines=note_inlines)
        self._check_running_text(doc, styles, marker)
        check_glyphs(marker)
        buf = io.BytesIO()
        template = BriefDocTemplate(
            buf, theme=self.theme, styles=styles, doc=doc, notes=notes,
            body_font=self.families["body"].faces["regular"], runs=self.runs, script=script,
            tagger=tagger, logo_place=place, logo_elems=logo_elems,
            **metadata(doc, creator))
        template.toc_keys = [key for _, _, key in flow.contents_entries]
        try:
            template.build(story, canvasmaker=canvas_maker(doc.meta.date, self.tagged))
        except LayoutError:  # a block no page can hold, even split
            raise RenderError(f"a block of the {doc.kind} is too large for a page even when "
                              "split", hint="shorten the longest text (a local context or an "
                              "example), or a spacer in the layout", code="fit.too-large") \
                from None
        return buf.getvalue(), template.pages_done, tagger


    def runs(self, text: str, font: str) -> list[tuple[str, str]]:
        """`text` cut into (font, part): the characters `font` lacks in the fallback font."""
        cover = self._coverage.get(font)
        fallback = self.fallback
        if cover is None or not fallback or cover.issuperset(map(ord, text)):
            return [(font, text)] if text else []   # the usual case: one run, at C speed
        out: list[list[str]] = []
        for ch in text:
            use = font
            if cover is not None and fallback and ord(ch) not in cover \
                    and ord(ch) in fallback.coverage:
                use = fallback.faces["regular"]
            if out and out[-1][0] == use:
                out[-1][1] += ch
            else:
                out.append([use, ch])
        return [(f, t) for f, t in out]

    def _check_running_text(self, doc: d.Document, styles, marker: Marker) -> None:
        """The running head and footer are drawn outside paragraphs; their characters are
        checked like every paragraph's, so that none silently vanishes."""
        head, foot = styles["header"].fontName, styles["footer"].fontName
        fallback = self.fallback.coverage if self.fallback else frozenset()
        scripts = [f.coverage for f in self.scripts]   # letters the shaped line sets
        for text, font in ((doc.running_head, head), (doc.meta.author[:90], foot),
                           (doc.footer_note, foot), (doc.labels.page_of, foot),
                           (doc.labels.digits, foot)):
            cover = self._coverage.get(font, frozenset())
            for ch in text or "":
                cp = ord(ch)
                if cp not in cover and cp not in fallback and not ch.isspace() and \
                        not any(cp in c for c in scripts):
                    marker.missing.setdefault(ch, text[:60])


class _Kept:
    """What the documents of one kind and language used, to be kept in the cache folder:
    recorded for a process's first few such documents, stored at most a few times."""

    def __init__(self):
        self.parsed: set = set()
        self.breaks: set = set()
        self.renders = 8
        self.saves = 3


def logo_place(doc: d.Document) -> str | None:
    """Where the issuer's logo is a Figure (with its link): once a document, on the cover,
    else in the footer of the first page. Repeated in every footer, it is page furniture
    (an artifact, without a link), like the issuer's name beside it. A logo without alt
    text is an artifact everywhere."""
    for place in ("cover", "footer"):
        logo = doc.logos.get(place)
        if logo is not None and (place == "footer" or doc.cover):
            return place if has_alt(logo) else None
    return None


def check_glyphs(marker: Marker) -> None:
    if marker.missing:
        chars = ", ".join(f"{char_name(c)} (in '{sample}')" for c, sample in
                          list(marker.missing.items())[:3])
        raise RenderError(f"no font can draw {chars}",
                          hint="remove the character or add a fallback font that has it "
                               "(theme fonts.fallback)", code="font.glyph")


def metadata(doc: d.Document, creator: str) -> dict:
    m = doc.meta
    return dict(title=m.title, author=m.author, subject=m.subject, keywords=list(m.keywords),
                creator=creator, producer=PRODUCER, lang=m.lang, displayDocTitle=True)
