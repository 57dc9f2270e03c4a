"""Generated hostile strings against the promise: every profile field, CSV cell and
inline-markup text is either used literally or refused with one located line (a
BriefgenError, exit 2) — never a crash, never markup, never a vanished character.

One workspace is loaded for the module; most examples stop before layout (compose, turn
every block into ReportLab paragraphs, check every glyph), and a handful go all the way
through the command line, so the whole file takes a few seconds.
"""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import DATE, run

from briefgen import document as d
from briefgen import inline
from briefgen.build import Workspace
from briefgen.cli import make_profile
from briefgen.errors import BriefgenError

# The characters the hostile trial found trouble with, mixed into arbitrary text.
NASTY = list('<>&"\'[]()*\\{}%_#^!|;,\n\t\r') + [
    "\x00", "\x1b", "\x07", "\x7f", "\x85", "\u202e", "\u200f", "\ufeff", "\u00ad", "¹", "²",
    "ת", "ع", "☃", "😀", "\U000e0001", "ß", "İ", "ǅ", "\u0301", "Ω", "𝔘", "\ud7ff"]
SAMPLES = ["<b>Evil</b> & Co", "{{ 7*7 }}", "{% raw %}", "[x](javascript:alert(1))", "[^fn-x]",
           "**bold**", "\\", "../../etc/passwd", "/dev/null", "con", "1", "0", "-1", "7", "¹",
           "2026-02-30", "99999-01-01", "x" * 300, "Αθήνα", "Москва", "תל אביב", "Snow☃ville",
           "\x1b]0;owned\x07", "${HOME}", "%s%n", "nul\x00byte", " ", ""]

hostile = st.one_of(
    st.sampled_from(SAMPLES),
    st.text(alphabet=st.sampled_from(NASTY + list("abcXYZ 019")), max_size=24),
    st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=40),
)

TEXT_FIELDS = ("municipality", "organisation", "contact", "local_context")
FIELDS = TEXT_FIELDS + ("country", "region", "role", "lang", "priorities", "actions",
                        "examples", "date", "examples_per_priority")

QUICK = settings(max_examples=60, deadline=None, derandomize=True,
                 suppress_health_check=[HealthCheck.function_scoped_fixture,
                                        HealthCheck.too_slow])


@pytest.fixture(scope="module")
def ws():
    return Workspace()


def one_line(exc: BriefgenError) -> None:
    for diag in exc.diagnostics:
        text = str(diag)
        assert text and "\n" not in text and "Traceback" not in text, text


def plain_text(blocks) -> str:
    out = []
    for b in blocks:
        if isinstance(b, (d.Heading, d.Paragraph)):
            out.append(inline.plain(b.text))
        elif isinstance(b, d.BulletList):
            out.extend(inline.plain(i.text) for i in b.items)
        elif isinstance(b, d.Box):
            out += [inline.plain(b.title), inline.plain(b.caption), plain_text(b.body)]
    return " ".join(out)


def through_the_renderer(ws, doc, layout) -> None:
    """Everything the renderer does before layout: markup for every block (ReportLab
    parses it here), the running head and footer, and the missing-glyph check."""
    from briefgen.render import check_glyphs
    from briefgen.render.flow import Flow
    renderer = ws.renderer(layout)
    marker = renderer.marker(doc.meta.lang)
    Flow(renderer.theme, renderer.styles, marker).blocks((*doc.cover, *doc.body))
    renderer._check_running_text(doc, renderer.styles, marker)
    check_glyphs(marker)


@QUICK
@given(field=st.sampled_from(FIELDS), value=hostile)
def test_any_string_in_any_profile_field_is_used_literally_or_refused_in_one_line(
        ws, field, value):
    flags = {"municipality": "Malmö", "priorities": ("1",), "date": DATE}
    flags[field] = (value,) if field in ("priorities", "actions", "examples") else value
    try:
        profile = make_profile(None, **flags)
        doc, layout, _ = ws.compose("brief", profile)
        through_the_renderer(ws, doc, layout)
    except BriefgenError as exc:
        one_line(exc)
        return
    if field in TEXT_FIELDS and value.strip():
        shown = " ".join(value.split())
        text = " ".join(plain_text((*doc.cover, *doc.body)).split())
        assert shown in text or shown in doc.meta.author, (field, value)


@QUICK
@given(cells=st.lists(hostile, min_size=1, max_size=4), raw=st.booleans())
def test_any_csv_cells_are_read_or_refused_in_one_line(ws, tmp_path_factory, cells, raw):
    from briefgen.campaign import read_rows, row_profile
    from briefgen.selection import select
    header = ["municipality", "priorities", "local_context", "country"][:len(cells)]
    if raw:  # hand-written: quotes as they come, unbalanced or not
        text = ",".join(header) + "\n" + ",".join(cells) + "\n"
    else:
        buf = io.StringIO(newline="")
        csv.writer(buf).writerows([header, cells])
        text = buf.getvalue()
    path = tmp_path_factory.mktemp("csv") / "c.csv"
    path.write_bytes(text.encode("utf-8", "surrogatepass"))
    try:
        rows = read_rows(path)
    except BriefgenError as exc:
        one_line(exc)
        return
    for row in rows:
        profile, _, problems = row_profile(row, dt.date(2026, 11, 23))
        for p in problems:
            assert "\n" not in str(p), str(p)
        if profile is not None:
            try:
                select(ws.pack, profile)
            except BriefgenError as exc:
                one_line(exc)


def without_citations(nodes) -> tuple:
    """Citations as the layout leaves them for the renderer, minus the numbering: a cited
    phrase stays as text, a footnote callout goes."""
    out = []
    for n in nodes:
        if isinstance(n, inline.FootnoteCite):
            continue
        if isinstance(n, inline.SourceCite):
            out.append(inline.Styled("i", without_citations(n.children)))
        elif isinstance(n, (inline.Styled, inline.Link)):
            out.append(type(n)(n.style if isinstance(n, inline.Styled) else n.url,
                               without_citations(n.children)))
        else:
            out.append(n)
    return tuple(out)


@QUICK
@given(text=hostile)
def test_any_inline_markup_is_parsed_and_printed_literally_or_refused(ws, text):
    from reportlab.platypus import Paragraph
    try:
        nodes = inline.parse(text)
    except inline.MarkupError as exc:
        assert "\n" not in str(exc)
        return
    nodes = without_citations(nodes)
    renderer = ws.renderer(ws.layout("default"))
    marker = renderer.marker("en")
    markup = marker.nodes(nodes)
    para = Paragraph(markup, renderer.styles["body"])  # ReportLab's parser must accept it
    drawn = "".join(getattr(f, "text", "") for f in para.frags).replace("\u00ad", "")
    expected = inline.plain(nodes)
    for ch in set(marker.missing):  # what no font has is reported, and drawn as '?'
        expected = expected.replace(ch, "?")
    keep = [ch for ch in expected if ch.isprintable() and ch not in "\u200b\u200c\u200d\u2060"
            "\ufeff" and not ch.isspace()]
    assert "".join(keep) == "".join(c for c in drawn if not c.isspace() and c.isprintable()
                                    and c not in "\u200b\u200c\u200d\u2060\ufeff")


@settings(max_examples=4, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(name=hostile)
def test_a_whole_build_with_any_name_exits_0_or_2_in_one_line(tmp_path_factory, name):
    out = tmp_path_factory.mktemp("b") / "x.pdf"
    result = run("brief", "-m", name or "x", "-p", "1", "--date", DATE, "-o", out)
    assert result.exit_code in (0, 2), (result.exit_code, result.stderr, result.exception)
    if result.exit_code == 2:
        lines = result.stderr.splitlines()
        assert len(lines) == 1 and lines[0].startswith("briefgen: "), result.stderr
        assert not out.exists()
