"""Campaigns from an .xlsx workbook as people keep them: typed cells, several sheets.

The workbook is written here with openpyxl; rows are then read back from what the
campaign wrote (manifest.xlsx, manifest.csv, the PDFs), and messages are checked for the
row numbers the spreadsheet shows (header = row 1) and for naming the column.
"""

from __future__ import annotations

import datetime as dt

import openpyxl
import pytest
from pypdf import PdfReader

from conftest import assert_bad_input, run
from test_brand import make_logo


def workbook(path, sheets: dict[str, list[list]]):
    book = openpyxl.Workbook()
    book.remove(book.active)
    for title, rows in sheets.items():
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
            for cell in sheet[sheet.max_row]:
                if isinstance(cell.value, str) and cell.value.startswith("="):
                    cell.data_type = "s"  # text that looks like a formula, as typed with '=
    book.save(path)
    return path


HEADER = ["Municipality", "Country", "Priorities", "Date", "Examples per priority",
          "Organisation", "Outputs", "Logo"]


@pytest.fixture(scope="module")
def towns(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("xlsx")
    make_logo(tmp / "logo.png")
    path = workbook(tmp / "towns.xlsx", {
        "Sweden": [HEADER,
                   ["Malmö", "SE", 4, dt.datetime(2026, 11, 23), 1.0, None, "at-a-glance",
                    "logo.png"],
                   [None, None, None, None, None, None, None, None],      # an empty row
                   ["=cmd|' /C calc'!A0", "SE", "protect", dt.date(2026, 11, 23), None,
                    "UNICEF Sweden", "at-a-glance", None],
                   ["Lund", "SE", "nonsense", dt.date(2026, 11, 23), None, None, None, None]],
        "Spain": [["municipality", "country"], ["Zaragoza", "ES"]],
    })
    out = tmp / "out"
    result = run("campaign", path, "--out", out, "--jobs", "1")
    return tmp, path, out, result


def test_first_sheet_typed_cells_as_a_user_means_them(towns):
    tmp, _, out, result = towns
    assert result.exit_code == 1, result.stderr   # Lund's priority is wrong, the rest build
    glance = PdfReader(out / "malmo" / "at-a-glance.pdf")
    assert glance.metadata.author != "UNICEF Sweden"          # an empty cell is no value
    assert "November 23, 2026" in glance.pages[0].extract_text()  # a date cell is a date
    (logo,) = [o.get_object() for o in glance.pages[0]["/Resources"]["/XObject"].values()
               if o.get_object().get("/Subtype") == "/Image"]
    assert logo["/Width"] == 900                               # the logo column, relative


def test_messages_give_the_row_the_sheet_shows(towns):
    _, path, _, result = towns
    lines = [line for line in result.stderr.splitlines() if line.startswith("row ")]
    assert len(lines) == 1, lines
    assert lines[0].startswith(f"row 5: {path}:5: error: unknown priority 'nonsense' in "
                               "priorities; valid: ")


def test_manifest_xlsx_and_csv_keep_formulas_as_text(towns):
    _, _, out, _ = towns
    book = openpyxl.load_workbook(out / "manifest.xlsx")
    sheet = book.active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == ("row", "municipality", "status", "files", "error")
    assert [r[:3] for r in rows[1:]] == [(2, "Malmö", "built"),
                                         (4, "=cmd|' /C calc'!A0", "built"),
                                         (5, "Lund", "failed")]
    assert sheet["B3"].data_type == "s"                        # text, not a formula
    raw = (out / "manifest.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") and "'=cmd|".encode() in raw


def test_sheet_by_name_and_unknown_sheet(towns, tmp_path):
    _, path, _, _ = towns
    result = run("campaign", path, "--sheet", "Spain", "--check", "--out", tmp_path / "o")
    assert result.exit_code == 0, result.stderr
    assert result.stderr == "briefgen: checked 1 row: all fine\n"
    line = assert_bad_input(run("campaign", path, "--sheet", "France", "--check"))
    assert "the workbook has no sheet 'France'; sheets: Sweden, Spain" in line


def test_a_broken_or_old_workbook_is_one_line(tmp_path):
    bad = tmp_path / "t.xlsx"
    bad.write_bytes(b"PK\x03\x04 not really a zip")
    line = assert_bad_input(run("campaign", bad, "--check"))
    assert "t.xlsx is not a readable .xlsx workbook" in line
    old = tmp_path / "t.xls"
    old.write_bytes(b"\xd0\xcf\x11\xe0")
    line = assert_bad_input(run("campaign", old, "--check"))
    assert "is an old Excel 97-2003 workbook; in Excel, save it as .xlsx" in line
