"""`briefgen campaign`: many municipalities from one CSV or YAML file.

Campaigns are written into tmp_path as a spreadsheet would export them (BOM, semicolons,
tabs), built through the CLI with --jobs 1 (one test with --jobs 2), and read back: the
files under DIR/<slug>/, the manifest, and the PDFs themselves with pypdf. Briefs ask for
one priority so that each row stays quick to build.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import ALL_PRIORITIES, DATE, assert_bad_input, norm, run
from pypdf import PdfReader

from briefgen import campaign as campaign_mod
from briefgen.campaign import workers
from briefgen.campaign import ConsoleProgress, read_rows, row_profile, row_slug, unique_slugs
from briefgen.selection import default_date

HEADER = ["municipality", "country", "priorities", "date"]
VALID = "protect, detention, families, services, root-causes, xenophobia (or a number 1-6)"


@pytest.fixture(autouse=True)
def in_tmp(tmp_path, monkeypatch):
    """Messages name files relative to the working folder: work where the files are."""
    monkeypatch.chdir(tmp_path)


def write_csv(path: Path, rows: list[list[str]], *, header=HEADER, delimiter: str = ",",
              bom: bool = False) -> Path:
    buf = io.StringIO(newline="")
    writer = csv.writer(buf, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + buf.getvalue().encode("utf-8"))
    return path


def campaign(*args):
    return run("campaign", *args)


def manifest(out: Path) -> dict:
    return json.loads((out / "manifest.json").read_text(encoding="utf-8"))


def statuses(out: Path) -> dict[str, str]:
    return {r["municipality"]: r["status"] for r in manifest(out)["rows"]}


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def first_page(path: Path) -> str:
    return PdfReader(str(path)).pages[0].extract_text()


def pdfs(out: Path) -> list[str]:
    return sorted(str(p.relative_to(out)) for p in out.rglob("*.pdf"))


def parts(folder: Path) -> list[str]:
    return [p.name for p in folder.rglob("*") if p.name.endswith(".part")]


# --------------------------------------------------------------------------- slugs


@pytest.mark.parametrize("name, number, expected", [
    ("Kraków", 1, "krakow"),
    ("Malmö", 1, "malmo"),
    ("São Paulo", 1, "sao-paulo"),
    ("Αθήνα", 1, "athina"),
    ("Москва", 1, "moskva"),
    ("Łódź", 1, "lodz"),
    ("東京", 7, "row-7"),
    ("../../etc", 1, "etc"),
    ("/abs", 1, "abs"),
    ("..", 3, "row-3"),
    ("C:\\Windows\\System32", 1, "c-windows-system32"),
    ("con", 4, "con-row-4"),
    ("LPT1", 2, "lpt1-row-2"),
    ("<b>Evil</b> & Co", 1, "b-evil-b-co"),
    ("x" * 80, 1, "x" * 60),
])
def test_slug(name, number, expected):
    assert row_slug(name, number) == expected


def test_duplicate_slugs_are_numbered_in_row_order():
    slugs = unique_slugs([(1, "Springfield"), (2, "Kraków"), (3, "springfield"),
                          (4, "Springfield!"), (5, "y" * 70), (6, "y" * 61)])
    assert slugs == {1: "springfield", 2: "krakow", 3: "springfield-2", 4: "springfield-3",
                     5: "y" * 60, 6: "y" * 58 + "-2"}


# --------------------------------------------------------------------------- reading


def test_rows_without_a_date_share_the_campaigns_date(tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1795392000")  # 2026-11-23
    path = write_csv(tmp_path / "c.csv", [["Malmö", "SE", "", ""], ["Lund", "", "", "2025-01-02"]])
    rows = read_rows(path)
    dates = [row_profile(r, default_date())[0].date for r in rows]
    assert dates == [dt.date(2026, 11, 23), dt.date(2025, 1, 2)]


def test_header_names_are_matched_loosely_and_blank_lines_ignored(tmp_path):
    path = tmp_path / "c.csv"
    path.write_text(" Municipality ;COUNTRY; Local Context \r\nMalmö;SE; By the sea \r\n"
                    ";;\r\n\r\n", encoding="utf-8")
    row, = read_rows(path)
    assert row.raw == {"municipality": "Malmö", "country": "SE", "local_context": "By the sea"}
    assert row.number == 2  # as a spreadsheet shows it: the header is row 1


# --------------------------------------------------------------------------- building


NAMES = ["Kraków", "Αθήνα", "Москва", "Malmö", "São Paulo", "Springfield", "Springfield",
         "../../etc", "/abs", "con", "<b>Evil</b> & Co", "=HYPERLINK(\"http://x.example\")"]
SLUGS = ["krakow", "athina", "moskva", "malmo", "sao-paulo", "springfield", "springfield-2",
         "etc", "abs", "con-row-11", "b-evil-b-co", "hyperlink-http-x-example"]


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    """A semicolon CSV with a BOM, names in many scripts, duplicates and path-like names."""
    tmp = tmp_path_factory.mktemp("world")
    rows = [[name, "PL" if i == 0 else "", "protect" if i else "protect|4", DATE]
            for i, name in enumerate(NAMES)]
    path = write_csv(tmp / "world.csv", rows, delimiter=";", bom=True)
    out = tmp / "out"
    result = campaign(path, "--out", out, "--jobs", "1")
    assert result.exit_code == 0, (result.stderr, result.exception)
    return path, out, result


def test_names_in_many_scripts_become_safe_folders(world):
    _, out, _ = world
    assert pdfs(out) == sorted(f"{s}/brief.pdf" for s in SLUGS)
    assert sorted(p.name for p in out.iterdir()) == sorted(SLUGS + ["manifest.csv",
                                                                    "manifest.json"])
    assert not parts(out)
    for name, slug in zip(NAMES, SLUGS):
        assert norm(name) in norm(first_page(out / slug / "brief.pdf")), name


def test_markup_in_a_name_is_printed_as_text(world):
    _, out, _ = world
    assert "What <b>Evil</b> & Co can do" in " ".join(first_page(
        out / "b-evil-b-co" / "brief.pdf").split())


def test_lists_in_a_semicolon_file_use_the_bar(world):
    _, out, _ = world
    text = norm(PdfReader(str(out / "krakow" / "brief.pdf")).pages[0].extract_text())
    assert "1.Protect" in text and "4." in text


def test_manifest_records_every_row_and_file(world):
    _, out, result = world
    data = manifest(out)
    assert [r["row"] for r in data["rows"]] == list(range(2, len(NAMES) + 2))  # header: 1
    assert [r["municipality"] for r in data["rows"]] == NAMES
    assert {r["status"] for r in data["rows"]} == {"built"}
    for entry, slug in zip(data["rows"], SLUGS):
        assert entry["error"] is None
        assert len(entry["inputs"]) == 64
        file, = entry["files"]
        assert file["path"] == f"{slug}/brief.pdf"
        assert file["sha256"] == sha(out / file["path"])
        assert file["pages"] == len(PdfReader(str(out / file["path"])).pages) > 1
    summary = data["summary"]
    assert (summary["built"], summary["skipped"], summary["failed"]) == (len(NAMES), 0, 0)
    assert summary["briefgen"] == "0.1.0" and summary["seconds"] > 0
    raw = (out / "manifest.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # the byte-order mark Excel needs for UTF-8
    with open(out / "manifest.csv", encoding="utf-8-sig", newline="") as fh:
        table = list(csv.reader(fh))
    assert table[0] == ["row", "municipality", "status", "files", "error"]
    assert table[2] == ["3", "Αθήνα", "built", "athina/brief.pdf", ""]
    # a name that a spreadsheet would run as a formula is marked as text
    assert table[-1][1] == "'" + NAMES[-1] and data["rows"][-1]["municipality"] == NAMES[-1]
    assert len(table) == len(NAMES) + 1
    # progress: one plain line per row (stderr is not a terminal here), then the summary
    lines = result.stderr.splitlines()
    assert lines[0] == f"[1/{len(NAMES)}] built Kraków"
    assert lines[-1].startswith(f"briefgen: done: {len(NAMES)} built, 0 skipped, 0 failed in ")
    assert lines[-1].endswith(f"output in {out}")


def test_tab_separated_file_with_factsheets_and_at_a_glance(tmp_path):
    path = write_csv(tmp_path / "c.tsv", [
        ["Lund", "Sweden", "1;families", "factsheets;at-a-glance", DATE],
        ["Gävle", "SE", "", "factsheets", DATE],
    ], header=["Municipality", "Country", "Priorities", "Outputs", "Date"], delimiter="\t")
    out = tmp_path / "out"
    result = campaign(path, "--out", out, "--jobs", "1", "--quiet")
    assert result.exit_code == 0, result.stderr
    assert result.stderr == ""
    assert pdfs(out) == sorted(
        ["lund/factsheet-protect.pdf", "lund/factsheet-families.pdf", "lund/at-a-glance.pdf"] +
        [f"gavle/factsheet-{p}.pdf" for p in ALL_PRIORITIES])
    for pdf in out.rglob("*.pdf"):
        page, = PdfReader(str(pdf)).pages
    assert "Lund" in first_page(out / "lund" / "factsheet-families.pdf")


def test_a_bad_row_fails_alone(tmp_path):
    path = write_csv(tmp_path / "c.csv", [
        ["Malmö", "SE", "protect", DATE],
        ["Lund", "SE", "nonsense", DATE],
        ["", "SE", "protect", DATE],
        ["Uppsala", "SE", "protect", DATE],
    ])
    extra = write_csv(tmp_path / "e.csv", [["Umeå", "protect", "no-such-example"]],
                      header=["municipality", "priorities", "examples"])
    out = tmp_path / "out"
    result = campaign(path, "--out", out, "--jobs", "1")
    assert result.exit_code == 1, result.stderr
    assert f"row 3: c.csv:3: error: unknown priority 'nonsense' in priorities; valid: " \
           f"{VALID} [ref.priority]" in result.stderr.splitlines()
    assert "row 4: c.csv:4: error: the municipality name is empty in municipality; fill the " \
           "row's 'municipality' cell [profile.municipality]" \
           in result.stderr.splitlines()
    assert pdfs(out) == ["malmo/brief.pdf", "uppsala/brief.pdf"]
    assert statuses(out) == {"Malmö": "built", "Lund": "failed", "": "failed",
                             "Uppsala": "built"}
    lund = manifest(out)["rows"][1]
    assert lund["files"] == [] and lund["error"].startswith("c.csv:3: error: unknown priority")
    assert manifest(out)["summary"]["failed"] == 2
    # the same message as `briefgen brief`, apart from where the value came from
    brief = run("brief", "-m", "Lund", "-p", "nonsense", "-o", tmp_path / "x.pdf")
    assert brief.stderr.strip().split("in command line")[1] in lund["error"]

    result = campaign(extra, "--out", tmp_path / "out2", "--jobs", "1", "--quiet")
    assert result.exit_code == 1
    assert result.stderr.startswith("row 2: e.csv:2: error: unknown example 'no-such-example' "
                                    "in examples; see `briefgen list examples`")


def test_unknown_column_is_named(tmp_path):
    path = write_csv(tmp_path / "c.csv", [["Malmö", "x", "SE"]],
                     header=["municipality", "Mayor", "countyr"])
    out = tmp_path / "out"
    line = assert_bad_input(campaign(path, "--out", out))
    assert line.startswith("briefgen: c.csv:1: error: unknown columns 'Mayor', 'countyr'; "
                           "did you mean 'countyr' -> 'country'? columns: municipality, ")
    assert line.endswith("[campaign.column]")
    assert not out.exists()


def test_no_municipality_column(tmp_path):
    path = write_csv(tmp_path / "c.csv", [["Malmö", "SE"]], header=["name", "country"])
    path.write_text("country\nSE\n", encoding="utf-8")
    line = assert_bad_input(campaign(path, "--out", tmp_path / "out"))
    assert line.startswith("briefgen: c.csv:1: error: the campaign file has no 'municipality' "
                           "column; the header row (read as comma-separated)")


@pytest.mark.parametrize("name, data, expected", [
    ("c.xlsx", b"PK\x03\x04", "error: c.xlsx is not a readable .xlsx workbook"),
    ("c.pdf", b"%PDF", "error: campaign file must be .xlsx, CSV or YAML"),
    ("c.csv", b"\xff\xfemunicipality", "error: campaign file is not UTF-8 text (byte 0)"),
    ("c.csv", b"", "error: campaign file is empty: it needs a header row"),
    ("missing.csv", None, "error: campaign file not found"),
])
def test_unusable_files(tmp_path, name, data, expected):
    path = tmp_path / name
    if data is not None:
        path.write_bytes(data)
    line = assert_bad_input(campaign(path, "--out", tmp_path / "out"))
    assert expected in line
    assert not (tmp_path / "out").exists()


# --------------------------------------------------------------------------- reruns


@pytest.fixture
def three(tmp_path):
    path = write_csv(tmp_path / "c.csv", [[n, "SE", "protect", DATE]
                                          for n in ("Malmö", "Lund", "Umeå")])
    out = tmp_path / "out"
    result = campaign(path, "--out", out, "--jobs", "1", "--quiet")
    assert result.exit_code == 0, result.stderr
    return path, out


def test_rerun_skips_unchanged_rows_and_force_rebuilds(three):
    path, out = three
    before = {p: sha(out / p) for p in pdfs(out)}
    result = campaign(path, "--out", out, "--jobs", "1")
    assert result.exit_code == 0
    assert set(statuses(out).values()) == {"skipped"}
    assert "[2/3] skipped Lund" in result.stderr
    assert "0 built, 3 skipped, 0 failed" in result.stderr
    assert {f["path"]: f["sha256"] for r in manifest(out)["rows"] for f in r["files"]} == \
        before

    result = campaign(path, "--out", out, "--jobs", "1", "--force", "--quiet")
    assert result.exit_code == 0
    assert set(statuses(out).values()) == {"built"}
    assert {p: sha(out / p) for p in pdfs(out)} == before  # same input, same bytes


def test_a_changed_row_is_rebuilt(three):
    path, out = three
    path.write_text(path.read_text(encoding="utf-8").replace("Lund,SE,protect",
                                                             "Lund,SE,detention"))
    assert campaign(path, "--out", out, "--jobs", "1", "--quiet").exit_code == 0
    assert statuses(out) == {"Malmö": "skipped", "Lund": "built", "Umeå": "skipped"}


def test_after_a_kill_only_the_damaged_rows_are_rebuilt(three):
    path, out = three
    (out / "malmo" / "brief.pdf").unlink()
    damaged = out / "umea" / "brief.pdf"
    damaged.write_bytes(damaged.read_bytes()[:1000])  # a torn file, as a crash might leave
    result = campaign(path, "--out", out, "--jobs", "1", "--quiet")
    assert result.exit_code == 0, result.stderr
    assert statuses(out) == {"Malmö": "built", "Lund": "skipped", "Umeå": "built"}
    for entry in manifest(out)["rows"]:
        file, = entry["files"]
        assert sha(out / file["path"]) == file["sha256"]
    assert not parts(out)


def test_files_of_rows_gone_from_the_file_are_removed_but_never_a_changed_one(tmp_path):
    path = write_csv(tmp_path / "c.csv", [["Malmö", "SE", "protect", DATE, "brief;factsheets"],
                                          ["Lund", "SE", "protect", DATE, "brief"],
                                          ["Umeå", "SE", "protect", DATE, "brief"],
                                          ["Gävle", "SE", "protect", DATE, "brief"]],
                     header=HEADER + ["outputs"])
    out = tmp_path / "out"
    assert campaign(path, "--out", out, "--jobs", "1", "--quiet").exit_code == 0
    assert (out / "malmo" / "factsheet-protect.pdf").exists()
    kept_by_hand = out / "gavle" / "brief.pdf"
    kept_by_hand.write_bytes(kept_by_hand.read_bytes() + b"% annotated by hand\n")

    # Malmö now wants only its brief, Lund has gone, Umeå has a bad priority, Gävle has gone.
    write_csv(path, [["Malmö", "SE", "protect", DATE, "brief"],
                     ["Umeå", "SE", "nonsense", DATE, "brief"]], header=HEADER + ["outputs"])
    result = campaign(path, "--out", out, "--jobs", "1")
    assert result.exit_code == 1
    assert statuses(out) == {"Malmö": "built", "Umeå": "failed"}  # outputs changed
    assert not (out / "malmo" / "factsheet-protect.pdf").exists()
    assert (out / "malmo" / "brief.pdf").exists()
    assert not (out / "lund").exists()                 # its only file went, then the folder
    assert (out / "umea" / "brief.pdf").exists()       # a failed row keeps its last good file
    assert kept_by_hand.exists()                       # changed since: not ours to delete
    assert manifest(out)["summary"]["removed"] == ["lund/brief.pdf",
                                                   "malmo/factsheet-protect.pdf"]
    assert "(removed 2 files earlier runs made for rows or outputs no longer in the file)" \
        in result.stderr.splitlines()[-1]


def test_kill_9_mid_run_leaves_no_torn_pdf_and_the_next_run_completes(tmp_path):
    """A real SIGKILL of the campaign process while two workers are busy."""
    psutil = pytest.importorskip("psutil")
    rows = [[f"Town {i}", "SE", "protect", DATE] for i in range(150)]
    path = write_csv(tmp_path / "c.csv", rows)
    out = tmp_path / "out"
    proc = subprocess.Popen([sys.executable, "-m", "briefgen.cli", "campaign", str(path),
                             "--out", str(out), "--jobs", "2", "--quiet"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while len(list(out.rglob("*.pdf"))) < 45 and proc.poll() is None:
        assert time.monotonic() < deadline, "the campaign made no progress"
        time.sleep(0.01)
    workers = psutil.Process(proc.pid).children()
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    assert proc.returncode == -signal.SIGKILL, "the campaign ended before it could be killed"
    _, alive = psutil.wait_procs(workers, timeout=10)
    assert not alive, "workers outlived the killed campaign"

    written = list(out.rglob("*.pdf"))
    assert 45 <= len(written) < len(rows)
    for pdf in written:  # every file there is whole: written aside, then renamed
        assert len(PdfReader(str(pdf)).pages) > 1, pdf

    result = campaign(path, "--out", out, "--jobs", "2", "--quiet")
    assert result.exit_code == 0, result.stderr
    data = manifest(out)
    counts = {s: sum(r["status"] == s for r in data["rows"]) for s in ("built", "skipped")}
    assert counts["skipped"] >= 40  # the manifest was saved at least twice before the kill
    assert counts["built"] + counts["skipped"] == len(rows)
    for entry in data["rows"]:
        file, = entry["files"]
        assert sha(out / file["path"]) == file["sha256"]
    assert not parts(out)


def test_ctrl_c_writes_the_manifest_of_what_was_done(three, monkeypatch):
    path, out = three
    calls = []
    real = workers.execute

    def interrupted_at_the_second_row(ws, task):
        calls.append(task.row)
        if len(calls) == 2:
            raise KeyboardInterrupt
        return real(ws, task)

    monkeypatch.setattr(workers, "execute", interrupted_at_the_second_row)
    result = campaign(path, "--out", out, "--jobs", "1", "--force")
    assert result.exit_code == 130
    *_, summary, last = result.stderr.splitlines()
    assert summary.startswith("briefgen: interrupted: 1 built, 0 skipped, 0 failed in ")
    assert last == "briefgen: interrupted"
    data = manifest(out)
    assert [(r["municipality"], r["status"]) for r in data["rows"]] == [("Malmö", "built")]
    assert calls == [2, 3]  # rows as the sheet shows them

    monkeypatch.setattr(workers, "execute", real)
    result = campaign(path, "--out", out, "--jobs", "1", "--quiet")
    assert result.exit_code == 0
    assert statuses(out) == {"Malmö": "skipped", "Lund": "built", "Umeå": "built"}


# --------------------------------------------------------------------------- --check


def test_check_lists_every_bad_row_and_writes_nothing(tmp_path):
    path = write_csv(tmp_path / "c.csv", [
        ["Malmö", "SE", "protect", DATE, "", ""],
        ["Lund", "Narnia", "nonsense", "yesterday", "", ""],
        ["", "SE", "", DATE, "", ""],
        ["Umeå", "SE", "", DATE, "he", ""],
        ["Gävle", "SE", "", DATE, "", "no-such-layout"],
        ["Kiruna", "SE", "7", DATE, "", ""],
    ], header=HEADER + ["lang", "layout"])
    out = tmp_path / "out"
    result = campaign(path, "--out", out, "--check")
    assert result.exit_code == 1
    lines = result.stderr.splitlines()
    assert lines[:2] == [
        "row 3: c.csv:3: error: 'yesterday' is not a date in date; write it as YYYY-MM-DD "
        "[profile.date]",
        "row 4: c.csv:4: error: the municipality name is empty in municipality; fill the "
        "row's 'municipality' cell [profile.municipality]"]
    assert lines[2].startswith("row 5: error: language 'he' is not available")
    assert lines[3].startswith("row 6: error: layout 'no-such-layout' not found")
    assert lines[4] == f"row 7: c.csv:7: error: unknown priority '7' in priorities; valid: " \
                       f"{VALID} [ref.priority]"
    assert lines[5] == "briefgen: checked 6 rows: 5 with problems"
    assert not out.exists()

    good = write_csv(tmp_path / "good.csv", [["Malmö", "SE", "protect|services", DATE]])
    result = campaign(good, "--out", out, "--check")
    assert result.exit_code == 0
    assert result.stderr == "briefgen: checked 1 row: all fine\n"
    assert not out.exists()


def test_check_reports_a_second_problem_in_the_same_row(tmp_path):
    path = write_csv(tmp_path / "c.csv", [["Lund", "Narnia", "nonsense", DATE]])
    result = campaign(path, "--check", "--out", tmp_path / "out")
    assert result.exit_code == 1
    assert "row 2: c.csv:2: error: unknown country 'Narnia' in country;" in result.stderr


# --------------------------------------------------------------------------- --packet, YAML


def test_packet_and_two_workers(tmp_path):
    """--jobs 2 gives the same bytes as --jobs 1; the packet has a bookmark per brief."""
    path = write_csv(tmp_path / "c.csv", [
        ["Malmö", "SE", "protect", DATE],
        ["Lund", "SE", "nonsense", DATE],
        ["Kraków", "PL", "protect", DATE],
        ["Αθήνα", "GR", "protect", DATE],
    ])
    one, two = tmp_path / "one", tmp_path / "two"
    assert campaign(path, "--out", one, "--jobs", "1", "--quiet").exit_code == 1
    result = campaign(path, "--out", two, "--jobs", "2", "--packet")
    assert result.exit_code == 1, result.stderr
    assert pdfs(two) == ["athina/brief.pdf", "krakow/brief.pdf", "malmo/brief.pdf",
                         "packet.pdf"]
    assert {p: sha(two / p) for p in pdfs(one)} == {p: sha(one / p) for p in pdfs(one)}
    assert statuses(two) == statuses(one)

    reader = PdfReader(str(two / "packet.pdf"))
    top = [item.title for item in reader.outline if not isinstance(item, list)]
    assert top == ["Malmö", "Kraków", "Αθήνα"]
    sizes = [len(PdfReader(str(two / s / "brief.pdf")).pages)
             for s in ("malmo", "krakow", "athina")]
    assert len(reader.pages) == sum(sizes)
    assert reader.page_labels[0] == "malmo-1"
    assert reader.page_labels[sizes[0]] == "krakow-1"
    assert reader.page_labels[-1] == f"athina-{sizes[2]}"


YAML = """\
defaults:
  country: SE
  organisation: UNICEF Sweden
  date: {date}
  priorities: [protect]
municipalities:
  - municipality: Malmö
    outputs: [brief, at-a-glance]
  - municipality: Oslo
    country: "NO"
    priorities: [detention]
  - municipality: Lund
    examples: [no-such-example]
"""


def test_yaml_campaign_with_defaults(tmp_path):
    path = tmp_path / "c.yaml"
    path.write_text(YAML.format(date=DATE), encoding="utf-8")
    out = tmp_path / "out"
    result = campaign(path, "--out", out, "--jobs", "1", "--quiet")
    assert result.exit_code == 1
    assert result.stderr.startswith("row 3: c.yaml:13:15: error: unknown example "
                                    "'no-such-example' in examples;")
    assert pdfs(out) == ["malmo/at-a-glance.pdf", "malmo/brief.pdf", "oslo/brief.pdf"]
    assert "UNICEF Sweden" in PdfReader(str(out / "oslo" / "brief.pdf")).pages[0].extract_text()
    assert "End the immigration detention" in " ".join(
        PdfReader(str(out / "oslo" / "brief.pdf")).pages[0].extract_text().split())


def test_yaml_unknown_field_says_where(tmp_path):
    path = tmp_path / "c.yaml"
    path.write_text("defaults:\n  contry: SE\nmunicipalities:\n  - municipality: Malmö\n"
                    "    mayor: X\n", encoding="utf-8")
    result = campaign(path, "--out", tmp_path / "out")
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [
        "briefgen: c.yaml:2:11: error: unknown field 'contry' in defaults; did you mean "
        "'country'? [campaign.field]",
        "briefgen: c.yaml:5:12: error: unknown field 'mayor' in municipalities[0]; fields: "
        + ", ".join(campaign_mod.ROW_SCHEMA) + " [campaign.field]",
        "briefgen: 2 problems in campaign file " + str(path)]


# --------------------------------------------------------------------------- progress


def test_progress_bar_on_a_terminal():
    stream = io.StringIO()
    progress = ConsoleProgress(stream, tty=True)
    progress.start(4, Path("out"), False)
    progress.row(1, 4, {"row": 1, "status": "built", "municipality": "Malmö", "error": None})
    progress.row(2, 4, {"row": 2, "status": "failed", "municipality": "Lund",
                        "error": "c.csv:3: error: bad"})
    text = stream.getvalue()
    assert text.startswith("\r[" + "#" * 6 + "." * 18 + "] 1/4  ETA ")
    assert "\rrow 2: c.csv:3: error: bad\n\r[" in text  # the bar is cleared first
    assert text.rstrip().endswith("2/4  ETA 0:00  Lund")
    assert "[1/4]" not in text


@pytest.mark.parametrize("name", ["campaign.csv", "campaign.yaml"])
def test_the_readme_example_campaigns_are_valid(name):
    from conftest import REPO
    result = campaign(REPO / "examples" / name, "--check")
    assert result.exit_code == 0, result.stderr
    assert result.stderr.endswith(": all fine\n")


def test_two_workers_start_from_a_cache_folder_a_warm_up_filled(tmp_path, monkeypatch):
    """With an empty cache folder, a throwaway worker builds the first row once and
    fills the folder, so that every worker of the campaign starts warm instead of each
    parsing the layout, pictures and hyphenation itself and keeping what that took. The
    bytes are those of a campaign without a cache; the next campaign warms nothing."""
    path = write_csv(tmp_path / "c.csv", [
        ["Malmö", "SE", "protect", DATE],
        ["Kraków", "PL", "families", DATE],
        ["Αθήνα", "GR", "protect", DATE],
    ])
    monkeypatch.setenv("BRIEFGEN_NO_CACHE", "1")
    uncached = tmp_path / "uncached"
    assert campaign(path, "--out", uncached, "--jobs", "2", "--quiet").exit_code == 0
    monkeypatch.delenv("BRIEFGEN_NO_CACHE")
    folder = tmp_path / "cache"
    monkeypatch.setenv("BRIEFGEN_CACHE_DIR", str(folder))
    cold, warm = tmp_path / "cold", tmp_path / "warm"

    result = campaign(path, "--out", cold, "--jobs", "2", "--quiet")
    assert result.exit_code == 0, result.stderr
    marks = list((folder / "warmed").glob("*.pickle"))
    assert len(marks) == 1
    stamp = marks[0].stat().st_mtime_ns

    assert campaign(path, "--out", warm, "--jobs", "2", "--quiet").exit_code == 0
    assert [p.stat().st_mtime_ns for p in (folder / "warmed").glob("*.pickle")] == [stamp]
    expected = {p: sha(uncached / p) for p in pdfs(uncached)}
    assert len(expected) == 3
    assert {p: sha(cold / p) for p in pdfs(cold)} == expected
    assert {p: sha(warm / p) for p in pdfs(warm)} == expected
