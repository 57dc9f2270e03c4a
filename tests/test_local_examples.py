"""A town's own programmes from a profile: first, under the place's heading, every language."""

from __future__ import annotations

import textwrap

import pytest
import yaml
from pypdf import PdfReader

from conftest import DATE, LAYOUTS, assert_bad_input, norm, run

LABELS = yaml.safe_load((LAYOUTS / "default" / "labels.yaml").read_text(encoding="utf-8"))
FIRST = "Welcome office for newly arrived families"
SECOND = "Free legal advice for young people"


@pytest.fixture(scope="module")
def profile(tmp_path_factory):
    folder = tmp_path_factory.mktemp("zaragoza")
    (folder / "ours.yaml").write_text(textwrap.dedent(f"""\
        - title: {FIRST}
          priority: services
          text: Since 2018 the office has helped families enrol their children in school.
          year: 2018
          url: https://www.example.org/welcome
        - title: {SECOND}
          priority: 3
          text: Lawyers give free advice every Tuesday.
        """), encoding="utf-8")
    path = folder / "zaragoza.yaml"
    path.write_text("municipality: Zaragoza\ncountry: ES\npriorities: [families, services]\n"
                    "local_examples: ours.yaml\n", encoding="utf-8")
    return path


@pytest.mark.parametrize("lang", ["en", "es", "fr"])
def test_local_examples_come_first_under_the_place(profile, tmp_path, lang):
    out = tmp_path / "b.pdf"
    result = run("brief", profile, "--lang", lang, "--date", DATE, "-o", out)
    assert result.exit_code == 0, result.stderr
    text = norm(" ".join(p.extract_text() for p in PdfReader(out).pages))
    local = norm(LABELS[lang]["local_heading"].format(municipality="Zaragoza")).upper()
    elsewhere = norm(LABELS[lang]["examples_heading"]).upper()
    assert text.count(local) == 2                      # one per priority that has some
    for title in (SECOND, FIRST):                      # families (3) before services (4)
        at = text.index(norm(title))
        assert text.rfind(local, 0, at) > text.rfind(elsewhere, 0, at)  # under the place...
        assert text.find(elsewhere, at) > at           # ...and before the pack's examples
    assert text.index(norm(SECOND)) < text.index(norm(FIRST))
    assert norm("Zaragoza · 2018") in text and norm("https://www.example.org/welcome") in text


def test_a_factsheet_shows_them_too(profile, tmp_path):
    out = tmp_path / "s.pdf"
    result = run("factsheet", profile, "-p", "services", "--date", DATE, "-o", out)
    assert result.exit_code == 0, result.stderr
    page, = PdfReader(out).pages
    text = norm(page.extract_text())
    assert norm(FIRST) in text and norm(SECOND) not in text


def test_a_bad_local_example_names_its_line(tmp_path):
    path = tmp_path / "p.yaml"
    path.write_text("municipality: Lund\nlocal_examples:\n  - title: X\n    text: Y\n"
                    "    year: soon\n", encoding="utf-8")
    line = assert_bad_input(run("brief", path, "-o", tmp_path / "b.pdf"))
    assert "p.yaml:5:" in line and "'soon' is not a year" in line


def test_list_examples_filters_by_country_and_region():
    result = run("list", "examples", "--country", "ES")
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines and all(line.endswith("Spain") for line in lines)
    national = run("list", "examples", "--region", "europe").stdout.splitlines()
    assert set(lines) < set(national)
    assert any(line.split()[-1] == "Norway" for line in national)  # a country, not "NO"
    line = assert_bad_input(run("list", "priorities", "--country", "ES"))
    assert "--country and --region filter examples" in line


def test_a_campaign_column_names_the_file(profile, tmp_path):
    import shutil
    shutil.copy(profile.parent / "ours.yaml", tmp_path / "ours.yaml")
    (tmp_path / "towns.csv").write_text(
        "municipality,priorities,local_examples,outputs\n"
        "Zaragoza,services,ours.yaml,factsheets\n", encoding="utf-8")
    out = tmp_path / "out"
    result = run("campaign", tmp_path / "towns.csv", "--out", out, "--jobs", "1")
    assert result.exit_code == 0, result.stderr
    page, = PdfReader(out / "zaragoza" / "factsheet-services.pdf").pages
    assert norm(FIRST) in norm(page.extract_text())
    again = run("campaign", tmp_path / "towns.csv", "--out", out, "--jobs", "1")
    assert "skipped" in again.stderr or "1 skipped" in again.stderr, again.stderr
