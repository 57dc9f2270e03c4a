"""The start-up cache: parsed pack and fonts kept in the user's cache folder.

A process that reads them from the cache must write the same bytes as one that parses
everything; a cache that is corrupt, unwritable or stale must never change the output.
"""

from __future__ import annotations

import ast
import os
import shutil
import subprocess
import sys

import pytest
from pypdf import PdfReader

from briefgen import cache
from briefgen.content import load_pack
from conftest import CONTENT, DATE, REPO


def brief(tmp_path, name: str, **env) -> bytes:
    out = tmp_path / f"{name}.pdf"
    result = subprocess.run(
        [sys.executable, "-m", "briefgen", "brief", "-m", "Graz", "-p", "1", "-p", "4",
         "--date", DATE, "-o", str(out)],
        cwd=REPO, env={**os.environ, **env}, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    return out.read_bytes()


@pytest.fixture(scope="module")
def builds(tmp_path_factory):
    """The same brief built with no cache, into an empty cache, and from that cache."""
    tmp = tmp_path_factory.mktemp("startup")
    folder = tmp / "cache"
    env = {"BRIEFGEN_CACHE_DIR": str(folder)}
    return {
        "folder": folder,
        "tmp": tmp,
        "uncached": brief(tmp, "uncached", BRIEFGEN_NO_CACHE="1"),
        "filling": brief(tmp, "filling", **env),
        "entries": sorted(p.relative_to(folder).parts[0] for p in folder.rglob("*.pickle")),
        "warm": brief(tmp, "warm", **env),
    }


def test_a_warm_process_writes_the_bytes_of_a_cold_one(builds):
    assert builds["filling"] == builds["uncached"]
    assert builds["warm"] == builds["uncached"]
    # what was cached: the pack, every font face the layout registers, the layout's
    # YAML files; compiled templates beside them
    assert builds["entries"].count("pack") == 1
    assert builds["entries"].count("ttf") >= 5
    assert builds["entries"].count("yaml") >= 3
    assert builds["entries"].count("svg") >= 2          # the icons' sizes
    assert builds["entries"].count("svgform") >= 2      # and their drawn contents
    assert list((builds["folder"] / "jinja").rglob("*.cache"))
    assert "Graz" in PdfReader(builds["tmp"] / "warm.pdf").pages[0].extract_text()


def test_a_warm_process_parses_no_yaml_and_no_svg(builds):
    """From a warm cache folder the pack, layout, picture slots, icon sizes and icon forms
    are all read back: PyYAML and svglib (with lxml) are never imported; nor is Babel,
    whose dates and country names were kept; nor HarfBuzz, which only shapes, nor
    Pyphen: the words it hyphenated were kept with the layout; nor Jinja2: the markup
    its templates rendered for this brief was kept."""
    said = _warm_brief_then(builds, "modules.pdf",
                            "print(sorted({m.split('.')[0] for m in sys.modules} & "
                            "{'yaml', 'svglib', 'lxml', 'reportlab', 'babel', "
                            "'uharfbuzz', 'pyphen', 'jinja2', 'markupsafe'}))")
    assert said == "['reportlab']"


def test_a_warm_process_reads_only_the_faces_it_draws_with(builds):
    """From the cache folder a face's tables are read when first used: a brief in
    English never reads the script faces (Arabic, Hebrew, ...) nor unused faces."""
    said = _warm_brief_then(builds, "lazy.pdf",
                            "from reportlab.pdfbase import pdfmetrics\n"
                            "from briefgen.render.fonts import LazyFace\n"
                            "faces = [f.face for f in pdfmetrics._fonts.values()\n"
                            "         if isinstance(getattr(f, 'face', None), LazyFace)]\n"
                            "print(len(faces), sorted(f.name.decode() for f in faces\n"
                            "                         if '_load' in vars(f)))")
    count, unread = said.split(" ", 1)
    assert int(count) >= 13                       # every face came from the cache
    assert "NotoSansArabic-Bold" in unread and "NotoSansHebrew" in unread
    assert "NotoSans-Regular" not in unread       # the body text's face was read


def test_a_process_with_an_empty_cache_folder_keeps_unused_faces_unread(builds, tmp_path):
    """A face parsed for the cache folder is held as a warm process holds it: a campaign
    worker that started with an empty folder would otherwise keep every face whole."""
    code = ("import sys; from briefgen.cli import main\n"
            "try: main(sys.argv[1:])\n"
            "except SystemExit: pass\n"
            "from reportlab.pdfbase import pdfmetrics\n"
            "from briefgen.render.fonts import LazyFace\n"
            "print(sorted(f.face.name.decode() for f in pdfmetrics._fonts.values()\n"
            "             if isinstance(getattr(f, 'face', None), LazyFace)\n"
            "             and '_load' in vars(f.face)))")
    out = tmp_path / "empty.pdf"
    result = subprocess.run(
        [sys.executable, "-c", code, "brief", "-m", "Graz", "-p", "1", "-p", "4",
         "--date", DATE, "-o", str(out)], cwd=REPO, capture_output=True, text=True,
        env={**os.environ, "BRIEFGEN_CACHE_DIR": str(tmp_path / "empty-cache")}, check=True)
    assert out.read_bytes() == builds["uncached"]
    unread = set(ast.literal_eval(result.stdout.strip().splitlines()[-1]))
    assert {"NotoSansArabic-Bold", "NotoSansHebrew-Regular"} <= unread
    assert "NotoSans-Regular" not in unread       # the body text's face was read


def _warm_brief_then(builds, name: str, report: str) -> str:
    """Build the Graz brief in a fresh process from the warm cache folder, then run
    `report` (Python that prints one line) in that process: the line it printed. The
    brief must be the bytes built without a cache."""
    code = ("import sys; from briefgen.cli import main\n"
            "try: main(sys.argv[1:])\n"
            "except SystemExit: pass\n" + report)
    out = builds["tmp"] / name
    result = subprocess.run(
        [sys.executable, "-c", code, "brief", "-m", "Graz", "-p", "1", "-p", "4",
         "--date", DATE, "-o", str(out)], cwd=REPO, capture_output=True, text=True,
        env={**os.environ, "BRIEFGEN_CACHE_DIR": str(builds["folder"])}, check=True)
    assert out.read_bytes() == builds["uncached"]
    return result.stdout.strip().splitlines()[-1]


def test_a_face_whose_tables_were_pruned_is_parsed_again(builds, tmp_path):
    folder = tmp_path / "cache"
    shutil.copytree(builds["folder"], folder)
    for path in (folder / "ttf").glob("*.pickle"):   # the names and coverage stay
        path.unlink()
    assert list((folder / "ttfmeta").glob("*.pickle"))
    assert brief(tmp_path, "pruned", BRIEFGEN_CACHE_DIR=str(folder)) == builds["uncached"]
    assert list((folder / "ttf").glob("*.pickle"))     # and kept again


def test_a_corrupt_cache_is_parsed_around(builds, monkeypatch):
    folder = builds["folder"]
    monkeypatch.setenv("BRIEFGEN_CACHE_DIR", str(folder))
    truncated = 0
    for path in folder.rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            path.write_bytes(data[: len(data) // 2])  # as by a crash or a full disk
            truncated += 1
    assert truncated > len(builds["entries"])  # compiled templates too
    again = brief(builds["tmp"], "corrupt", BRIEFGEN_CACHE_DIR=str(folder))
    assert again == builds["uncached"]
    for path in folder.rglob("*.pickle"):  # and rewritten whole
        assert cache.load(path.parent.name, path.stem) is not None


def test_an_unusable_cache_folder_changes_nothing(builds, tmp_path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    assert brief(tmp_path, "blocked", BRIEFGEN_CACHE_DIR=str(blocker)) == builds["uncached"]
    assert blocker.read_text() == "x"


def test_an_edited_pack_is_parsed_again(tmp_path, monkeypatch):
    monkeypatch.setenv("BRIEFGEN_CACHE_DIR", str(tmp_path / "cache"))
    pack_dir = tmp_path / "pack"
    shutil.copytree(CONTENT, pack_dir)
    first = cache.load_pack(pack_dir)
    assert first == load_pack(pack_dir)
    assert cache.load_pack(pack_dir) == first  # from the cache
    path = pack_dir / "priorities.yaml"
    old = first.priorities[0].title.texts["en"]
    path.write_text(path.read_text(encoding="utf-8").replace(old, "Keep children safe", 1),
                    encoding="utf-8")
    assert cache.load_pack(pack_dir).priorities[0].title.texts["en"] == "Keep children safe"


def test_a_pack_with_problems_is_never_cached(tmp_path, monkeypatch):
    from briefgen.errors import BriefgenError
    monkeypatch.setenv("BRIEFGEN_CACHE_DIR", str(tmp_path / "cache"))
    pack_dir = tmp_path / "pack"
    shutil.copytree(CONTENT, pack_dir)
    (pack_dir / "regions.yaml").write_text("regions: [", encoding="utf-8")
    for _ in range(2):
        with pytest.raises(BriefgenError):
            cache.load_pack(pack_dir)
    assert not list((tmp_path / "cache").rglob("*.pickle"))


def test_no_reportlab_for_help_or_list():
    code = ("import sys; from briefgen.cli import main\n"
            "for args in (['--help'], ['list', 'priorities']):\n"
            "    try: main(args)\n"
            "    except SystemExit: pass\n"
            "print(sorted({m.split('.')[0] for m in sys.modules} & "
            "{'reportlab', 'jinja2', 'babel', 'pyphen', 'pypdf'}))")
    result = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True,
                            text=True, check=True)
    assert result.stdout.strip().splitlines()[-1] == "[]"


def test_a_cache_file_others_may_write_is_never_unpickled(tmp_path, monkeypatch):
    monkeypatch.setenv("BRIEFGEN_CACHE_DIR", str(tmp_path / "cache"))
    cache.store("probe", "k1", {"value": 1})
    path = tmp_path / "cache" / "probe" / "k1.pickle"
    assert path.stat().st_mode & 0o077 == 0       # written for this user only
    assert cache.load("probe", "k1") == {"value": 1}
    path.chmod(0o666)                             # now anyone could have replaced it
    assert cache.load("probe", "k1") is None


def test_the_cache_keeps_only_the_most_recently_used(tmp_path, monkeypatch):
    monkeypatch.setenv("BRIEFGEN_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setitem(cache.KEEP, "probe", 3)
    for i in range(3):
        cache.store("probe", f"k{i}", i)
        os.utime(tmp_path / "cache" / "probe" / f"k{i}.pickle", (1000 + i, 1000 + i))
    assert cache.load("probe", "k0") == 0      # used now: the most recent
    cache.store("probe", "k3", 3)              # one too many: k1, the least recent, goes
    kept = sorted(p.stem for p in (tmp_path / "cache" / "probe").iterdir())
    assert kept == ["k0", "k2", "k3"]


def test_dates_and_country_names_kept_are_babels(tmp_path, monkeypatch):
    import datetime as dt

    from babel import Locale

    from briefgen import compose, countries
    monkeypatch.setenv("BRIEFGEN_CACHE_DIR", str(tmp_path / "cache"))
    day = dt.date(2026, 11, 23)
    for lang, country in (("en", None), ("es", "ES"), ("ar", "LB"), ("ar", "EG"), ("fr", "")):
        want = compose._babel_date(day, lang, country)
        assert compose.format_date(day, lang, country) == want      # into the cache
        assert compose.format_date(day, lang, country) == want      # from it
    assert compose.format_date(day, "ar", "LB") != compose.format_date(day, "ar", "EG")
    countries.territories.cache_clear()
    assert countries.territories("es") == dict(Locale.parse("es").territories)
    countries.territories.cache_clear()
    assert countries.territories("es") == dict(Locale.parse("es").territories)   # kept
    assert list((tmp_path / "cache" / "babel").glob("*.pickle"))
    assert countries.country_name("SE", "fr") == "Suède"
    assert countries.country_code("Suecia", "es") == "SE"


def test_a_png_logo_drawn_through_the_lazy_pillow_module(tmp_path):
    """A one-shot command imports Pillow's Image module lazily; a brand's PNG logo loads
    it and the PDF is the one a process that imported Pillow first writes."""
    args = ["brief", str(REPO / "examples" / "malmo.yaml"), "--brand",
            str(REPO / "examples" / "brand" / "_brand.yml"), "--date", DATE]
    pdfs = []
    for first in ("", "import PIL.Image; "):
        out = tmp_path / f"logo{len(pdfs)}.pdf"
        code = (first + "import sys; from briefgen.cli import main\n"
                "try: main(sys.argv[1:])\n"
                "except SystemExit: pass\n"
                "print(type(sys.modules['PIL.Image']).__name__)")
        result = subprocess.run([sys.executable, "-c", code, *args, "-o", str(out)],
                                cwd=REPO, capture_output=True, text=True, check=True,
                                env={**os.environ, "BRIEFGEN_CACHE_DIR": str(tmp_path / "c")})
        assert result.stdout.strip().splitlines()[-1] == "module"   # loaded, not lazy
        pdfs.append(out.read_bytes())
    assert pdfs[0] == pdfs[1]
    assert len(PdfReader(tmp_path / "logo0.pdf").pages[0].images) >= 1


def test_importing_the_command_line_leaves_the_collector_as_it_was():
    code = ("import gc; import briefgen.cli; print(gc.isenabled())\n"
            "gc.disable(); import importlib; importlib.reload(briefgen.cli); "
            "print(gc.isenabled())")
    result = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True,
                            text=True, check=True)
    assert result.stdout.split() == ["True", "False"]


def test_a_brief_called_in_process_gives_the_collector_back(tmp_path):
    """The collector waits while a one-shot command builds; called with arguments (a
    library user, a test) the command leaves it on again. Only a process running its own
    command line, which ends right after, leaves it off (and its exit frozen)."""
    out = tmp_path / "in-process.pdf"
    code = ("import gc, sys; from briefgen.cli import main\n"
            "try: main(sys.argv[1:])\n"
            "except SystemExit as exc: print('exit', exc.code)\n"
            "print(gc.isenabled())")
    result = subprocess.run([sys.executable, "-c", code, "brief", "-m", "Graz", "-p", "1",
                             "--date", DATE, "-o", str(out)], cwd=REPO, capture_output=True,
                            text=True, check=True,
                            env={**os.environ, "BRIEFGEN_CACHE_DIR": str(tmp_path / "c")})
    assert result.stdout.split()[-3:] == ["exit", "0", "True"]
    assert out.is_file()
