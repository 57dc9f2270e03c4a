"""Shared fixtures and helpers for the end-to-end suite.

Every build goes through the command line (click's CliRunner) with a fixed --date, and
every PDF is read back the way a reader would: pypdf for pages, text, outline, metadata
and annotations; pypdfium2 only to read the few characters under a link rectangle.
Expected text always comes from the content pack (content/*.yaml), never from output.
"""

from __future__ import annotations

import dataclasses
import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from pypdf import PdfReader

from briefgen import inline
from briefgen.cli import main
from briefgen.content import load_pack

REPO = Path(__file__).resolve().parents[1]
CONTENT = REPO / "content"
LAYOUTS = REPO / "layouts"
VENV_BRIEFGEN = REPO / ".venv" / "bin" / "briefgen"
DATE = "2026-11-23"

ALL_PRIORITIES = ("protect", "detention", "families", "services", "root-causes", "xenophobia")


# --------------------------------------------------------------------------- running


def run(*args: str):
    """Invoke the CLI in-process; stdout and stderr stay separate."""
    return CliRunner().invoke(main, [str(a) for a in args])


def build(out: Path, *args: str) -> Path:
    """`briefgen brief ARGS --date DATE -o OUT`; the build must succeed."""
    result = run("brief", *args, "--date", DATE, "-o", out)
    assert result.exit_code == 0, (result.exit_code, result.stderr, result.exception)
    assert out.is_file() and out.stat().st_size > 0
    return out


def assert_bad_input(result, output: Path | None = None) -> str:
    """Exit code 2, one 'briefgen:' line on stderr, no traceback, no output file."""
    assert result.exit_code == 2, (result.exit_code, result.stderr, result.exception)
    assert isinstance(result.exception, SystemExit), result.exception
    assert "Traceback" not in result.stderr and "Traceback" not in result.stdout
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("briefgen:"), lines[0]
    if output is not None:
        assert not output.exists(), f"{output} was written despite the error"
        if output.parent.is_dir():
            leftovers = [p.name for p in output.parent.iterdir() if p.name.endswith(".part")]
            assert not leftovers, leftovers
    return lines[0]


# --------------------------------------------------------------------------- text


def norm(text: str) -> str:
    """Text without any whitespace: line breaks fall anywhere in a PDF."""
    return re.sub(r"\s+", "", text)


def en(text) -> str:
    """The English plain text of a content LocalText."""
    return inline.plain(text.nodes("en"))


def _tokens(nodes):
    """Flatten inline nodes into ('text', str) and ('cite', node) tokens, in reading order.

    A source citation's phrase is text the reader sees; its roman label follows it."""
    for node in nodes:
        if isinstance(node, inline.Text):
            yield "text", node.text
        elif isinstance(node, inline.LineBreak):
            yield "text", " "
        elif isinstance(node, (inline.Styled, inline.Link)):
            yield from _tokens(node.children)
        elif isinstance(node, inline.SourceCite):
            yield from _tokens(node.children)
            yield "cite", node
        elif isinstance(node, inline.FootnoteCite):
            yield "cite", node


def lead(text, n: int = 30) -> str:
    """Up to n characters from the start of a content text, stopping at its first callout
    (callouts are superscripts that stick to the words around them in extracted text)."""
    out = []
    for kind, value in _tokens(text.nodes("en")):
        if kind == "cite":
            break
        out.append(value)
    return " ".join("".join(out).split())[:n]


def text_before_cites(text, n: int = 30):
    """For each footnote citation in a text: (note id, the n characters just before it,
    counted from the previous callout at most)."""
    found = []
    run_text: list[str] = []
    for kind, value in _tokens(text.nodes("en")):
        if kind == "text":
            run_text.append(value)
            continue
        if isinstance(value, inline.FootnoteCite):
            found.append((value.note_id, " ".join("".join(run_text).split())[-n:]))
        run_text = []
    return found


# --------------------------------------------------------------------------- PDFs


@dataclasses.dataclass
class Link:
    page: int                 # 0-based page holding the annotation
    rect: tuple               # x0, y0, x1, y1
    text: str                 # what is drawn under the rectangle
    dest_page: int | None     # internal links: 0-based target page
    dest_xy: tuple | None
    uri: str | None           # external links


class Pdf:
    """A built PDF, read back once."""

    def __init__(self, path: Path):
        self.path = Path(path)
        self.reader = PdfReader(str(path))
        self.pages = self.reader.pages
        self.texts = [p.extract_text() or "" for p in self.pages]
        self._links = None

    @property
    def text(self) -> str:
        return "\n".join(self.texts)

    def page_norm(self, i: int) -> str:
        return norm(self.texts[i])

    def pages_with(self, snippet: str) -> list[int]:
        key = norm(snippet)
        return [i for i in range(len(self.texts)) if key in self.page_norm(i)]

    def outline(self):
        """Flattened outline: (title, 0-based page)."""
        out = []

        def walk(items):
            for item in items:
                if isinstance(item, list):
                    walk(item)
                else:
                    out.append((item.title, self.reader.get_destination_page_number(item)))
        walk(self.reader.outline)
        return out

    @property
    def links(self) -> list[Link]:
        if self._links is None:
            self._links = self._read_links()
        return self._links

    def _read_links(self) -> list[Link]:
        import pypdfium2 as pdfium

        numbers = {p.indirect_reference.idnum: i for i, p in enumerate(self.pages)}
        doc = pdfium.PdfDocument(str(self.path))
        links = []
        try:
            for i, page in enumerate(self.pages):
                textpage = doc[i].get_textpage()
                for ref in page.get("/Annots") or []:
                    annot = ref.get_object()
                    if annot.get("/Subtype") != "/Link":
                        continue
                    x0, y0, x1, y1 = (float(v) for v in annot["/Rect"])
                    h = y1 - y0
                    # the middle of the rectangle: its edges touch the lines around it
                    text = textpage.get_text_bounded(x0 + 0.5, y0 + h * 0.25, x1 - 0.5,
                                                     y1 - h * 0.25).strip()
                    dest = annot.get("/Dest")
                    dest_page = dest_xy = uri = None
                    if dest is not None:
                        dest = dest.get_object() if hasattr(dest, "get_object") else dest
                        dest_page = numbers[dest[0].idnum]
                        dest_xy = (float(dest[2]), float(dest[3]))
                    action = annot.get("/A")
                    if action is not None:
                        action = action.get_object()
                        if action.get("/S") == "/URI":
                            uri = str(action["/URI"])
                    links.append(Link(i, (x0, y0, x1, y1), text, dest_page, dest_xy, uri))
                textpage.close()
        finally:
            doc.close()
        return links


ROMAN = re.compile(r"[ivxlcdm]+")


def roman(n: int) -> str:
    out = []
    for value, numeral in ((1000, "m"), (900, "cm"), (500, "d"), (400, "cd"), (100, "c"),
                           (90, "xc"), (50, "l"), (40, "xl"), (10, "x"), (9, "ix"), (5, "v"),
                           (4, "iv"), (1, "i")):
        while n >= value:
            out.append(numeral)
            n -= value
    return "".join(out)


# --------------------------------------------------------------------------- fixtures


@pytest.fixture(scope="session")
def pack():
    """The built-in content pack, loaded directly (not through the CLI)."""
    return load_pack(CONTENT)


@pytest.fixture(scope="session")
def full_brief(tmp_path_factory) -> Pdf:
    """The whole agenda (--all), built once per session."""
    out = tmp_path_factory.mktemp("full") / "full.pdf"
    build(out, "--all", "-m", "Springfield")
    return Pdf(out)


MALMO_ARGS = ("-m", "Malmö", "--country", "SE", "-p", "protect", "-p", "4")


@pytest.fixture(scope="session")
def malmo_brief(tmp_path_factory) -> Pdf:
    """The tailored brief of the README: Malmö, Sweden, priorities 1 and 4."""
    out = tmp_path_factory.mktemp("malmo") / "out.pdf"
    build(out, *MALMO_ARGS)
    return Pdf(out)


@pytest.fixture
def pack_copy(tmp_path):
    """A fresh copy of the built-in content pack, for scenario packs with one defect."""
    dest = tmp_path / "content"
    shutil.copytree(CONTENT, dest)
    return dest


def edit(path: Path, pattern: str, repl: str) -> int:
    """Replace the first match of a regular expression (multiline) in a file.

    Returns the 1-based line where the match started. Patterns name ids and keys, not
    indentation, so that the scenarios survive reformatting of the pack."""
    text = path.read_text(encoding="utf-8")
    m = re.search(pattern, text, flags=re.MULTILINE)
    assert m, f"{pattern!r} not found in {path.name}: the content pack changed"
    path.write_text(text[:m.start()] + m.expand(repl) + text[m.end():], encoding="utf-8")
    return text.count("\n", 0, m.start()) + 1


def line_of(path: Path, pattern: str) -> int:
    """1-based line of the first match of a regular expression in a file."""
    text = path.read_text(encoding="utf-8")
    m = re.search(pattern, text, flags=re.MULTILINE)
    assert m, f"{pattern!r} not found in {path.name}"
    return text.count("\n", 0, m.start()) + 1
