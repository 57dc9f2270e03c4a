"""Every document kind in English, Spanish and French, both layouts.

Labels are read from the layout's labels.yaml and content from the pack, in the
document's language; dates are the forms a native reader writes, typed here by hand.
"""

from __future__ import annotations

import shutil

import pytest
import yaml
from pypdf import PdfReader

from briefgen import inline
from conftest import CONTENT, DATE, LAYOUTS, assert_bad_input, norm, run

LANGS = ["en", "es", "fr"]
LAYOUT_NAMES = ["default", "letter"]
LABELS = yaml.safe_load((LAYOUTS / "default" / "labels.yaml").read_text(encoding="utf-8"))
BCP47 = {"en": "en-US", "es": "es", "fr": "fr"}
LONG_DATES = {"en": "November 23, 2026", "es": "23 de noviembre de 2026", "fr": "23 novembre 2026"}


def plain(text, lang: str) -> str:
    return inline.plain(text.nodes(lang))


def lead(text, lang: str, n: int = 25) -> str:
    nodes = []
    for node in text.nodes(lang):
        if isinstance(node, (inline.FootnoteCite, inline.SourceCite)):
            break
        nodes.append(node)
    return inline.plain(tuple(nodes))[:n]


def all_text(path) -> str:
    return norm(" ".join(page.extract_text() for page in PdfReader(path).pages))


def lang_of(path) -> str:
    return str(PdfReader(path).trailer["/Root"]["/Lang"])


@pytest.fixture(scope="module")
def pack():
    from briefgen.content import load_pack
    return load_pack(CONTENT)


@pytest.mark.parametrize("layout", LAYOUT_NAMES)
@pytest.mark.parametrize("lang", LANGS)
def test_tailored_brief_speaks_the_language(tmp_path, pack, lang, layout):
    out = tmp_path / "brief.pdf"
    result = run("brief", "-m", "Villahermosa", "--country", "MX", "-p", "detention", "-p", "4",
                 "--lang", lang, "--layout", layout, "--date", DATE, "-o", out)
    assert result.exit_code == 0, result.stderr
    text = all_text(out)
    labels = LABELS[lang]
    for key in ("contents", "endnotes"):
        assert norm(labels[key]) in text, key
    assert norm(labels["actions_heading"]).upper() in text  # the theme sets h3 in capitals
    assert norm(labels["page_of"].format(page=2, pages="")) in text
    assert norm(LONG_DATES[lang]) in text
    two = labels["numbers"].split(", ")[1]  # counts are written as words
    assert norm(labels["closing_lead_many"].format(municipality="Villahermosa", count=two)) in text
    for pid in ("detention", "services"):
        assert norm(plain(pack.priority_by_id[pid].title, lang)) in text
    action = pack.actions_of("services")[0]
    assert norm(lead(action.text, lang)) in text
    assert lang_of(out) == BCP47[lang]
    assert plain(pack.title, lang) in PdfReader(out).pages[1].extract_text()  # running head


@pytest.mark.parametrize("layout", LAYOUT_NAMES)
@pytest.mark.parametrize("lang", LANGS)
def test_full_brief_in_each_language(tmp_path, pack, lang, layout):
    out = tmp_path / "full.pdf"
    result = run("brief", "--all", "-m", "Lyon", "--lang", lang, "--layout", layout,
                 "--date", DATE, "-o", out)
    assert result.exit_code == 0, result.stderr
    text = all_text(out)
    assert lang_of(out) == BCP47[lang]
    for key in ("contents", "endnotes", "examples_heading"):
        assert norm(LABELS[lang][key]) in text or norm(LABELS[lang][key]).upper() in text, key
    for example in pack.examples:
        assert norm(plain(example.title, lang)) in text, example.id
    for note in pack.footnotes.values():
        assert norm(lead(note.text, lang, 20)) in text, note.id
    for section in pack.sections:
        assert norm(plain(section.title, lang)) in text


@pytest.mark.parametrize("layout", LAYOUT_NAMES)
@pytest.mark.parametrize("lang", LANGS)
def test_factsheets_stay_one_page_in_longer_languages(tmp_path, pack, lang, layout):
    name = "Municipalidad de San Sebastián de los Reyes y Alcobendas del Norte, Región"[:80]
    result = run("factsheet", "--all", "-m", name, "--lang", lang, "--layout", layout,
                 "--date", DATE, "--out", tmp_path)
    assert result.exit_code == 0, result.stderr
    for pr in pack.priorities:
        path = tmp_path / f"factsheet-{pr.id}.pdf"
        page, = PdfReader(path).pages
        text = norm(page.extract_text())
        assert norm(plain(pr.title, lang)) in text
        assert norm(LABELS[lang]["sheet_why"]).upper() in text  # section labels in capitals
        assert lang_of(path) == BCP47[lang]


@pytest.mark.parametrize("layout", LAYOUT_NAMES)
@pytest.mark.parametrize("lang", LANGS)
def test_at_a_glance_in_each_language(tmp_path, pack, lang, layout):
    out = tmp_path / "glance.pdf"
    result = run("factsheet", "--at-a-glance", "-m", "Oslo", "--lang", lang, "--layout", layout,
                 "--date", DATE, "-o", out)
    assert result.exit_code == 0, result.stderr
    page, = PdfReader(out).pages
    text = norm(page.extract_text())
    for pr in pack.priorities:
        assert norm(plain(pr.title, lang))[:30] in text
    assert lang_of(out) == BCP47[lang]


@pytest.mark.parametrize("lang", ["es", "fr"])
def test_every_text_has_a_translation(pack, lang):
    """Fails as soon as a field gains English text but no Spanish or French."""
    missing = pack.missing_translations(lang)
    assert not missing, "\n".join(str(m) for m in missing[:10])


def test_check_lists_every_missing_translation(tmp_path):
    pack_dir = tmp_path / "pack"
    shutil.copytree(CONTENT, pack_dir)
    path = pack_dir / "actions.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    for action in data["actions"][:2]:
        del action["text"]["es"]
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    result = run("check", "--content", pack_dir, "--lang", "es")
    assert result.exit_code == 2
    lines = [l for l in result.stderr.splitlines() if "no 'es' text" in l]
    assert len(lines) == 2
    ids = [a["id"] for a in data["actions"][:2]]
    for line, ident in zip(lines, ids):
        assert "actions.yaml:" in line and f"actions.{ident}.text" in line

    out = tmp_path / "brief.pdf"
    strict = run("brief", "--content", pack_dir, "-m", "Cádiz", "-p", "protect", "--lang", "es",
                 "-o", out)
    assert strict.exit_code == 2 and not out.exists()
    assert "actions.yaml:" in strict.stderr and "--allow-fallback" in strict.stderr

    fallback = run("brief", "--content", pack_dir, "-m", "Cádiz", "-p", "protect", "--lang", "es",
                   "--allow-fallback", "--date", DATE, "-o", out)
    assert fallback.exit_code == 0, fallback.stderr
    assert fallback.stderr.count("English is used instead") == 2
    english = inline.plain(inline.parse(data["actions"][0]["text"]["en"]))[:25]
    assert norm(english) in all_text(out)


def test_unsupported_language_names_the_available_ones(tmp_path):
    line = assert_bad_input(run("brief", "-m", "Berlin", "--lang", "de", "-o",
                                tmp_path / "x.pdf"), tmp_path / "x.pdf")
    assert "en, es, fr" in line


def test_campaign_rows_each_build_in_their_own_language(tmp_path, pack):
    """One campaign, three languages: every file of a row speaks the row's language."""
    path = tmp_path / "towns.csv"
    path.write_text(
        "municipality,country,lang,priorities,outputs,date\n"
        f"Malmö,SE,en,protect,brief;factsheets,{DATE}\n"
        f"Villahermosa,MX,es,protect,brief;factsheets,{DATE}\n"
        f"Saint-Denis,FR,fr,protect,brief;factsheets,{DATE}\n"
        f"Genève,CH,,protect,at-a-glance,{DATE}\n", encoding="utf-8")
    out = tmp_path / "out"
    result = run("campaign", path, "--out", out, "--jobs", "2", "--quiet")
    assert result.exit_code == 0, result.stderr
    for slug, lang in (("malmo", "en"), ("villahermosa", "es"), ("saint-denis", "fr")):
        brief, sheet = out / slug / "brief.pdf", out / slug / "factsheet-protect.pdf"
        text = all_text(brief)
        assert norm(LABELS[lang]["contents"]) in text, slug
        assert norm(LONG_DATES[lang]) in text, slug
        assert norm(plain(pack.priority_by_id["protect"].title, lang)) in text, slug
        assert lang_of(brief) == lang_of(sheet) == BCP47[lang]
        assert len(PdfReader(sheet).pages) == 1
        assert norm(LABELS[lang]["sheet_why"]).upper() in all_text(sheet), slug
    assert lang_of(out / "geneve" / "at-a-glance.pdf") == "en-US"  # no lang: English


def test_campaign_fallback_is_per_row_and_said(tmp_path):
    pack_dir = tmp_path / "pack"
    shutil.copytree(CONTENT, pack_dir)
    path = pack_dir / "priorities.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    del data["priorities"][0]["summary"]["fr"]
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    towns = tmp_path / "towns.csv"
    towns.write_text("municipality,lang,priorities,date\n"
                     f"Lyon,fr,protect,{DATE}\nLeón,es,protect,{DATE}\n", encoding="utf-8")

    strict = run("campaign", towns, "--content", pack_dir, "--out", tmp_path / "a", "--quiet",
                 "--jobs", "1")
    assert strict.exit_code == 1
    lyon, = [l for l in strict.stderr.splitlines() if l.startswith("row 2: ")]
    assert "priorities.yaml:" in lyon and "--allow-fallback" in lyon
    assert not (tmp_path / "a" / "lyon").exists()
    assert (tmp_path / "a" / "leon" / "brief.pdf").exists()

    lenient = run("campaign", towns, "--content", pack_dir, "--out", tmp_path / "b", "--quiet",
                  "--jobs", "1", "--allow-fallback")
    assert lenient.exit_code == 0, lenient.stderr
    lyon, = lenient.stderr.splitlines()
    assert lyon.startswith("row 2: brief.pdf: ") and "priorities.yaml:" in lyon
    assert "warning: no 'fr' text in priorities[0].summary; English is used instead" in lyon


@pytest.mark.parametrize("lang,expected", [("en", "Amsterdam, The Hague, Almere, Netherlands"),
                                           ("es", "Ámsterdam, La Haya, Almere, Países Bajos"),
                                           ("fr", "Amsterdam, La Haye, Almere, Pays-Bas")])
def test_place_names_as_each_language_writes_them(tmp_path, lang, expected):
    out = tmp_path / "brief.pdf"
    result = run("brief", "-m", "Utrecht", "--country", "NL", "-p", "root-causes",
                 "-e", "amsterdam-hague-almere", "--lang", lang, "--date", DATE, "-o", out)
    assert result.exit_code == 0, result.stderr
    assert norm(expected) in all_text(out)


def test_place_names_given_per_language_must_be_given_for_each(tmp_path):
    pack_dir = tmp_path / "pack"
    shutil.copytree(CONTENT, pack_dir)
    path = pack_dir / "examples.yaml"
    full = ("places: {en: [Amsterdam, The Hague, Almere], es: [Ámsterdam, La Haya, Almere], "
            "fr: [Amsterdam, La Haye, Almere]")  # an 'ar:' list may follow
    text = path.read_text(encoding="utf-8")
    assert full in text
    path.write_text(text.replace(full, full.replace(", fr: [Amsterdam, La Haye, Almere]", "")),
                    encoding="utf-8")
    result = run("check", "--content", pack_dir, "--lang", "fr")
    assert result.exit_code == 2
    line, = [l for l in result.stderr.splitlines() if "place names" in l]
    assert "examples.yaml:" in line and "no 'fr' place names" in line
    assert "examples.amsterdam-hague-almere.places" in line

    out = tmp_path / "brief.pdf"
    args = ["brief", "--content", pack_dir, "-m", "Lille", "-p", "root-causes", "-e",
            "amsterdam-hague-almere", "--lang", "fr", "--date", DATE, "-o", out]
    strict = run(*args)
    assert strict.exit_code == 2 and "no 'fr' place names" in strict.stderr
    lenient = run(*args, "--allow-fallback")
    assert lenient.exit_code == 0 and "English is used instead" in lenient.stderr
    assert norm("Amsterdam, The Hague, Almere, Pays-Bas") in all_text(out)
