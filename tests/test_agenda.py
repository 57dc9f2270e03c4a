"""Any agenda: a pack on another topic with its own ids and count, and the general edition.

`tests/packs/clean-air/` is a pack about clean air around schools with three priorities;
a nine-priority variant is made from it here. Built in every kind, both layouts and in a
campaign, none of its pages or metadata may carry a word of the bundled topic.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from pypdf import PdfReader

from conftest import CONTENT, DATE, REPO, assert_bad_input, en, norm, run

CLEAN_AIR = REPO / "tests" / "packs" / "clean-air"
LAYOUT_NAMES = ("default", "letter")

# Words of the bundled topic (Children Uprooted) in its three languages.
BUNDLED_TOPIC = re.compile(
    r"uproot|child|refugee|migra|unicef|detention|xenophob|displaced|\bsix\b|\bsix-|"
    r"desarraigad|déracin|infancia|niños|enfants", re.IGNORECASE)


def topic_words_in(path: Path) -> list[str]:
    """Every bundled-topic word a reader or a catalogue could see in a PDF."""
    reader = PdfReader(str(path))
    seen = [p.extract_text() or "" for p in reader.pages]
    meta = reader.metadata or {}
    seen += [str(meta.get(k, "")) for k in ("/Title", "/Author", "/Subject", "/Keywords")]

    def walk(items):
        for item in items:
            if isinstance(item, list):
                walk(item)
            else:
                seen.append(item.title)
    walk(reader.outline)
    text = " ".join(" ".join(s.split()) for s in seen)
    return sorted({m.group(0).lower() for m in BUNDLED_TOPIC.finditer(text)})


def ok(result):
    assert result.exit_code == 0, (result.exit_code, result.stderr, result.exception)
    return result


# --------------------------------------------------------------------------- three priorities


@pytest.fixture(scope="module")
def clean_air_builds(tmp_path_factory) -> dict[str, Path]:
    """Every document kind of the clean-air pack, in both layouts, tailored and general."""
    out = tmp_path_factory.mktemp("clean-air")
    built = {}
    for layout in LAYOUT_NAMES:
        common = ("--content", CLEAN_AIR, "--layout", layout, "--date", DATE)
        for name, args in {
            "brief": ("brief", "-m", "Ghent", "--country", "BE", "-p", "traffic", "-p", "3"),
            "brief-all": ("brief", "--all", "-m", "Ghent"),
            "brief-general": ("brief", "--all"),
            "factsheet": ("factsheet", "-p", "monitor", "-m", "Ghent"),
            "factsheet-general": ("factsheet", "-p", "2"),
            "sheets": ("factsheet", "--all", "--combined", "-m", "Lille", "--country", "FR"),
            "glance": ("factsheet", "--at-a-glance", "-m", "Ghent"),
            "glance-general": ("factsheet", "--at-a-glance"),
        }.items():
            path = out / f"{name}-{layout}.pdf"
            ok(run(*args, *common, "-o", path))
            built[f"{name}-{layout}"] = path
    return built


def test_clean_air_pack_checks(tmp_path):
    result = ok(run("check", "--content", CLEAN_AIR))
    assert "(3 priorities, 7 actions, 4 examples)" in result.stderr


def test_clean_air_documents_carry_nothing_of_the_bundled_topic(clean_air_builds):
    for name, path in clean_air_builds.items():
        assert topic_words_in(path) == [], name


def test_clean_air_brief_uses_the_packs_words(clean_air_builds):
    reader = PdfReader(str(clean_air_builds["brief-default"]))
    cover = norm(reader.pages[0].extract_text())
    assert norm("Clean air around schools: what Ghent can do") in cover
    assert norm("Prepared for: Ghent, Belgium") in cover
    assert reader.metadata["/Author"] == "Clean Air Schools network"
    assert reader.metadata["/Keywords"] == "clean air, schools, air quality, city council, Ghent"
    text = norm(" ".join(p.extract_text() for p in reader.pages))
    # the pack's closing words, and the count of the row's priorities as a word
    assert norm("This brief sets out two priorities") in text
    assert norm("We suggest the council names one officer for each front") in text
    # the pack's box sits after the introduction, before the first priority
    pages = [norm(p.extract_text()) for p in reader.pages]
    box, = (i for i, t in enumerate(pages) if norm("About the pledge") in t)
    assert norm("Pupils breathe the air") in pages[box]
    first = next(reader.get_destination_page_number(item) for item in reader.outline
                 if not isinstance(item, list) and item.title.startswith("2. "))
    assert box < first


def test_clean_air_sheets_number_the_pack_priorities(clean_air_builds):
    page, = PdfReader(str(clean_air_builds["factsheet-default"])).pages
    assert norm("PRIORITY 1 OF 3") in norm(page.extract_text())
    sheets = PdfReader(str(clean_air_builds["sheets-default"]))
    assert len(sheets.pages) == 3
    page, = PdfReader(str(clean_air_builds["glance-default"])).pages
    text = norm(page.extract_text())
    assert norm("Three fronts, one step and one example each.") in text
    for title in ("1. Measure the air at every school gate", "2. Keep engines away from the gate",
                  "3. Plant a green screen"):
        assert norm(title) in text


def test_clean_air_general_edition(clean_air_builds):
    for layout in LAYOUT_NAMES:
        reader = PdfReader(str(clean_air_builds[f"brief-general-{layout}"]))
        texts = [p.extract_text() for p in reader.pages]
        assert norm("Clean air around schools: what city councils can do") in norm(texts[0])
        everything = norm(" ".join(texts))
        assert norm("Prepared for") not in everything
        assert norm("Next steps") not in everything
        assert reader.metadata["/Title"] == "Clean air around schools: what city councils can do"
        # the running head is the pack's title alone
        assert texts[1].splitlines()[0].strip() == "Clean Air Around Schools"
        page, = PdfReader(str(clean_air_builds[f"factsheet-general-{layout}"])).pages
        text = norm(page.extract_text())
        assert norm("Factsheet for local governments") in text
        assert norm("What local governments can do") in text.replace("WHAT", "What") or \
            norm("WHAT LOCAL GOVERNMENTS CAN DO") in text
        page, = PdfReader(str(clean_air_builds[f"glance-general-{layout}"])).pages
        assert norm("Clean air at the school gate") in norm(page.extract_text())


def test_clean_air_campaign(tmp_path):
    towns = tmp_path / "towns.csv"
    towns.write_text("municipality,country,layout,outputs\n"
                     "Ghent,BE,default,brief;factsheets;at-a-glance\n"
                     "Lille,FR,letter,brief;at-a-glance\n", encoding="utf-8")
    out = tmp_path / "out"
    result = run("campaign", towns, "--out", out, "--content", CLEAN_AIR, "--jobs", "1",
                 "--packet", "--quiet")
    ok(result)
    pdfs = sorted(out.rglob("*.pdf"))
    names = {str(p.relative_to(out)) for p in pdfs}
    assert {"ghent/brief.pdf", "ghent/factsheet-monitor.pdf", "ghent/factsheet-traffic.pdf",
            "ghent/factsheet-greening.pdf", "ghent/at-a-glance.pdf", "lille/brief.pdf",
            "lille/at-a-glance.pdf", "packet.pdf"} <= names
    for path in pdfs:
        assert topic_words_in(path) == [], path.name


def test_campaign_row_still_needs_a_name(tmp_path):
    towns = tmp_path / "towns.csv"
    towns.write_text("municipality,country\n,BE\n", encoding="utf-8")
    result = run("campaign", towns, "--out", tmp_path / "out", "--content", CLEAN_AIR,
                 "--jobs", "1", "--quiet")
    assert result.exit_code == 1
    assert "the municipality name is empty" in result.stderr


def test_a_pack_without_roles_refuses_a_role(tmp_path):
    out = tmp_path / "x.pdf"
    result = run("brief", "-m", "Ghent", "--role", "arrival", "--content", CLEAN_AIR, "-o", out)
    line = assert_bad_input(result, out)
    assert "unknown role 'arrival'" in line and "declares no roles" in line


def test_bundled_roles_come_from_the_pack(tmp_path):
    result = ok(run("list", "roles"))
    assert result.stdout.split() == ["arrival", "departure", "transit"]
    out = tmp_path / "x.pdf"
    line = assert_bad_input(run("brief", "-m", "Malmö", "--role", "harbour", "-o", out), out)
    assert "unknown role 'harbour'" in line and "roles: arrival, departure, transit" in line


# --------------------------------------------------------------------------- nine priorities

NINE_TOPICS = ["idling", "buses", "bikes", "walking", "heating", "indoor"]


@pytest.fixture(scope="module")
def nine_pack(tmp_path_factory) -> Path:
    """The clean-air pack with six more priorities: nine in all, each with one action and
    one example."""
    dest = tmp_path_factory.mktemp("nine") / "pack"
    shutil.copytree(CLEAN_AIR, dest)
    pri, act, exa = [], [], []
    for i, topic in enumerate(NINE_TOPICS, start=4):
        pri.append(f"""- id: {topic}
  title: {{en: "Front {i}: {topic} near the school"}}
  short_title: {{en: "Front {i}"}}
  summary: {{en: "Front {i} deals with {topic} around the school."}}
  intro: []
  headline_action: {topic}-act
  headline_example: {topic}-ex
""")
        act.append(f"""- id: {topic}-act
  priority: {topic}
  kind: local
  text: {{en: "Act on {topic} within 200 metres of every gate."}}
  short: {{en: "Act on {topic} near every gate."}}
""")
        exa.append(f"""- id: {topic}-ex
  title: {{en: "Town {i} acts on {topic}"}}
  places: [Town {i}]
  country: FR
  region: west
  year: 2020
  priority: {topic}
  text: {{en: "Town {i} acted on {topic} near its schools."}}
  short: {{en: "Town {i} acted on {topic}."}}
  source:
""")
    for name, extra in (("priorities", pri), ("actions", act), ("examples", exa)):
        path = dest / f"{name}.yaml"
        path.write_text(path.read_text(encoding="utf-8") + "".join(extra), encoding="utf-8")
    return dest


def test_nine_priorities_every_kind(tmp_path, nine_pack):
    common = ("--content", nine_pack, "--date", DATE)
    brief = tmp_path / "brief.pdf"
    ok(run("brief", "--all", "-m", "Ghent", *common, "-o", brief))
    reader = PdfReader(str(brief))
    outline = [item.title for item in reader.outline if not isinstance(item, list)]
    assert "9. Front 9: indoor near the school" in outline
    assert norm("This brief sets out nine priorities") in norm(
        " ".join(p.extract_text() for p in reader.pages))
    sheet = tmp_path / "nine.pdf"
    ok(run("factsheet", "-p", "9", "-m", "Ghent", *common, "-o", sheet))
    page, = PdfReader(str(sheet)).pages
    assert norm("PRIORITY 9 OF 9") in norm(page.extract_text())
    glance = tmp_path / "glance.pdf"
    ok(run("factsheet", "--at-a-glance", *common, "-o", glance))
    page, = PdfReader(str(glance)).pages
    text = norm(page.extract_text())
    for i in range(4, 10):
        assert norm(f"{i}. Front {i}") in text
    for path in (brief, sheet, glance):
        assert topic_words_in(path) == [], path.name


def test_number_aliases_follow_the_pack(tmp_path, nine_pack):
    out = tmp_path / "x.pdf"
    line = assert_bad_input(run("brief", "-m", "Ghent", "-p", "10", "--content", nine_pack,
                                "-o", out), out)
    assert "unknown priority '10'" in line
    assert "see `briefgen list priorities` for the 9 valid ids (or a number 1-9)" in line
    line = assert_bad_input(run("brief", "-m", "Ghent", "-p", "4", "--content", CLEAN_AIR,
                                "-o", out), out)
    assert "valid: monitor, traffic, greening (or a number 1-3)" in line


# --------------------------------------------------------------------------- pack problems


@pytest.fixture
def air_copy(tmp_path) -> Path:
    dest = tmp_path / "pack"
    shutil.copytree(CLEAN_AIR, dest)
    return dest


def _problems(result) -> list[str]:
    assert result.exit_code == 2, (result.exit_code, result.stderr)
    return result.stderr.splitlines()


def test_priority_numbers_must_run_one_to_n(air_copy):
    path = air_copy / "priorities.yaml"
    text = path.read_text(encoding="utf-8")
    text = text.replace("- id: monitor\n", "- id: monitor\n  number: 2\n", 1)
    text = text.replace("- id: traffic\n", "- id: traffic\n  number: 2\n", 1)
    text = text.replace("- id: greening\n", "- id: '4'\n  number: 7\n", 1)
    path.write_text(text, encoding="utf-8")
    lines = _problems(run("check", "--content", air_copy))
    joined = "\n".join(lines)
    assert "priority number 2 is also 'monitor'" in joined
    assert "priority number 7 is outside 1-3" in joined
    assert "priority id '4' is a number" in joined


def test_unknown_word_and_placeholder(air_copy):
    path = air_copy / "pack.yaml"
    text = path.read_text(encoding="utf-8")
    text = text.replace("  glance_lead:", "  glance_leed: {en: x}\n  glance_lead:", 1)
    text = text.replace("what {municipality} can do\"}", "what {town} can do\"}", 1)
    path.write_text(text, encoding="utf-8")
    joined = "\n".join(_problems(run("check", "--content", air_copy)))
    assert "unknown word 'glance_leed' in pack.words.glance_leed; did you mean 'glance_lead'?" \
        in joined
    assert "unknown placeholder '{town}'" in joined


def test_section_placed_after_a_section_the_layout_lacks(air_copy, tmp_path):
    path = air_copy / "pack.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("after: introduction",
                                                             "after: appendix"),
                    encoding="utf-8")
    out = tmp_path / "x.pdf"
    line = assert_bad_input(run("brief", "-m", "Ghent", "--content", air_copy, "-o", out), out)
    assert "section 'pledge-box' is placed after 'appendix', which layout 'default' does not " \
           "have" in line
    assert_bad_input(run("check", "--content", air_copy))


# --------------------------------------------------------------------------- bundled pack


@pytest.fixture(scope="module")
def general_brief(tmp_path_factory) -> PdfReader:
    out = tmp_path_factory.mktemp("general") / "agenda.pdf"
    ok(run("brief", "--all", "--date", DATE, "-o", out))
    return PdfReader(str(out))


def test_general_edition_is_the_seed_brief(general_brief, pack):
    texts = [p.extract_text() for p in general_brief.pages]
    cover = norm(texts[0])
    assert norm(en(pack.title)) in cover and norm(en(pack.subtitle)) in cover
    everything = norm(" ".join(texts))
    assert norm("Prepared for") not in everything
    assert norm("Next steps") not in everything
    assert general_brief.metadata["/Title"] == en(pack.title)
    assert general_brief.metadata["/Author"] == en(pack.words["default_author"])
    for page in texts[1:]:
        assert page.splitlines()[0].strip() == en(pack.title)   # no name in the running head
    # every priority, every example, the extra section, the endnotes: seed 001's contents
    for pr in pack.priorities:
        assert norm(f"{pr.number}. {en(pr.title)}") in everything
    for e in pack.examples:
        assert norm(en(e.title)) in everything, e.id
    section, = pack.sections
    assert norm(en(section.title)) in everything
    outline = [item.title for item in general_brief.outline if not isinstance(item, list)]
    assert outline[-1] == "Endnotes"


def test_general_sheets_of_the_bundled_pack(tmp_path, pack):
    glance = tmp_path / "glance.pdf"
    ok(run("factsheet", "--at-a-glance", "--date", DATE, "-o", glance))
    page, = PdfReader(str(glance)).pages
    assert norm(en(pack.words["glance_title_general"])) in norm(page.extract_text())
    sheet = tmp_path / "sheet.pdf"
    ok(run("factsheet", "-p", "1", "--date", DATE, "-o", sheet))
    page, = PdfReader(str(sheet)).pages
    assert norm("Factsheet for local governments") in norm(page.extract_text())


def test_a_pack_in_the_older_schema_still_builds(tmp_path, pack):
    """The bundled pack as it was written before words, roles and sections existed."""
    dest = tmp_path / "old"
    shutil.copytree(CONTENT, dest)
    path = dest / "pack.yaml"
    text = path.read_text(encoding="utf-8")
    start, end = text.index("# The campaign's own words"), text.index("sections:\n")
    text = text[:start] + text[end:]
    text = text.replace("sections:\n- id: child-friendly-cities\n  after: closing\n",
                        "child_friendly_cities:\n")
    path.write_text(text, encoding="utf-8")
    assert "words:" not in text and "roles:" not in text
    ok(run("check", "--content", dest))
    out = tmp_path / "old.pdf"
    ok(run("brief", "--all", "-m", "Lyon", "--role", "transit", "--content", dest,
           "--date", DATE, "-o", out))
    text = norm(" ".join(p.extract_text() for p in PdfReader(str(out)).pages))
    assert norm(en(pack.sections[0].title)) in text
    assert norm(f"{en(pack.title)}: what Lyon can do") in text


def test_no_count_of_the_bundled_agenda_in_code_labels_or_help():
    offenders = []
    for path in sorted((REPO / "briefgen").rglob("*.py")):
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if re.search(r"\bsix\b|1-6|1 to 6", line, re.IGNORECASE):
                offenders.append(f"{path.name}:{n}")
    for path in sorted((REPO / "layouts").rglob("*")):
        if not path.is_file():
            continue
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if re.search(r"\bsix\b|\bseis\b|1-6", line, re.IGNORECASE) and \
                    not line.strip().startswith("numbers:"):
                offenders.append(f"{path.name}:{n}")
    for command in ([], ["brief"], ["factsheet"], ["campaign"], ["list"], ["check"]):
        out = run(*command, "--help").output
        if re.search(r"\bsix\b|1-6", out, re.IGNORECASE):
            offenders.append(" ".join(["briefgen", *command, "--help"]))
    assert offenders == []


def test_twelve_long_priorities_fit_the_overview(tmp_path, nine_pack):
    """Past what fits at the smallest type, the overview drops the examples' sentences,
    then the examples, and says so; every priority and headline action stays."""
    dest = tmp_path / "twelve"
    shutil.copytree(nine_pack, dest)
    long = "and a title long enough to take the whole width of the box on the page"
    extra = {"priorities": [], "actions": [], "examples": []}
    for i in range(10, 13):
        t = f"extra{i}"
        extra["priorities"].append(
            f"- id: {t}\n  title: {{en: \"Front {i} {long}\"}}\n  short_title: {{en: \"F{i}\"}}\n"
            f"  summary: {{en: \"Front {i}.\"}}\n  intro: []\n  headline_action: {t}-act\n"
            f"  headline_example: {t}-ex\n")
        extra["actions"].append(
            f"- id: {t}-act\n  priority: {t}\n  kind: local\n"
            f"  text: {{en: \"Act on front {i} {long}.\"}}\n"
            f"  short: {{en: \"Act on front {i} {long}.\"}}\n")
        extra["examples"].append(
            f"- id: {t}-ex\n  title: {{en: \"Town {i} acts\"}}\n  places: [Town {i}]\n"
            f"  country: FR\n  region: west\n  year: 2020\n  priority: {t}\n"
            f"  text: {{en: \"Town {i} acted.\"}}\n  short: {{en: \"Town {i} acted {long}.\"}}\n"
            "  source:\n")
    for name, items in extra.items():
        path = dest / f"{name}.yaml"
        path.write_text(path.read_text(encoding="utf-8") + "".join(items), encoding="utf-8")
    out = tmp_path / "glance.pdf"
    result = ok(run("factsheet", "--at-a-glance", "--content", dest, "--date", DATE, "-o", out))
    assert "note: to fit one page, left out the examples" in result.stderr
    page, = PdfReader(str(out)).pages
    text = norm(page.extract_text())
    for i in (1, 9, 12):
        assert norm(f"{i}. ") in text
    assert norm(f"Act on front 12 {long}.") in text
