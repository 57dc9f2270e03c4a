"""Reading a campaign file: CSV or YAML rows, each value with its file:line, into profiles.

Nothing here builds or writes; a file that cannot be used at all raises (exit 2), a bad
row carries its problems so that it can fail alone.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from briefgen import kinds
from briefgen.diagnostics import Diagnostic, Location
from briefgen.errors import BriefgenError, ProblemsError
from briefgen.schema import Field, Schema
from briefgen.selection import PROFILE_SCHEMA, Profile, coerce_fields
from briefgen.sources import LocDict, LocList, load_yaml, read_bytes

# --------------------------------------------------------------------------- the row schema

# What a row may ask for is the campaign output of each registered document kind
# (kinds.outputs()).
DEFAULT_OUTPUTS = ("brief",)

# column (CSV) or key (YAML): every profile field, plus what only a campaign row has.
# The profile fields are checked by selection.coerce_fields.
ROW_SCHEMA = Schema(
    "Campaign row: a column of FILE.csv, or a key of a YAML campaign's entries",
    "One row per municipality; the header row names the columns. Every profile field, "
    "plus outputs. A row needs a municipality.", {
        **PROFILE_SCHEMA,
        "outputs": Field("outputs", list(DEFAULT_OUTPUTS),
                         "what to build for the row: " + ", ".join(kinds.outputs())),
    }, code="campaign")

YAML_KEYS = {"defaults": "profile fields every row starts from",
             "municipalities": "the rows: one profile mapping each"}

CSV_DELIMITERS = ",;\t"
CSV_SUFFIXES = {".csv", ".tsv", ".txt"}
YAML_SUFFIXES = {".yaml", ".yml"}
XLSX_SUFFIXES = {".xlsx", ".xlsm"}


@dataclass
class Row:
    """One data row as read: the values given (empty ones left out) and where each was."""

    number: int                                   # the row as the spreadsheet shows it
                                                  # (header = row 1); YAML: 1-based entry
    raw: dict[str, Any]
    locs: dict[str, Location]
    where: Location
    problem: Diagnostic | None = None             # found while reading (extra cells, ...)


def read_rows(path: Path, sheet: str | None = None) -> list[Row]:
    """The rows of a campaign file; a file that cannot be used at all raises (exit 2).

    `sheet` names the worksheet of an .xlsx file (default: the first)."""
    path = Path(path)
    suffix = path.suffix.lower()
    if sheet and suffix not in XLSX_SUFFIXES:
        raise BriefgenError(f"--sheet is for .xlsx files, and {path.name} is not one",
                            hint="remove --sheet, or give the workbook", code="campaign.sheet")
    if suffix in YAML_SUFFIXES:
        return _read_yaml(path)
    if suffix in CSV_SUFFIXES:
        return _read_csv(path)
    if suffix in XLSX_SUFFIXES:
        return _read_xlsx(path, sheet)
    if suffix == ".xls":
        raise BriefgenError(f"{path.name} is an old Excel 97-2003 workbook",
                            hint="in Excel, save it as .xlsx (Excel Workbook) or CSV UTF-8",
                            code="campaign.format")
    raise BriefgenError(f"campaign file must be .xlsx, CSV or YAML: {path}",
                        hint="give the spreadsheet (.xlsx), a CSV export or a .yaml file",
                        code="campaign.format")


def _read_bytes(path: Path) -> bytes:
    return read_bytes(path, "campaign file")


def column_key(header: str) -> str:
    """'  Local Context ' -> 'local_context': how a header cell names a field."""
    return re.sub(r"[\s-]+", "_", header.strip().lower())


def sniff_delimiter(header_line: str) -> str:
    try:
        return csv.Sniffer().sniff(header_line, delimiters=CSV_DELIMITERS).delimiter
    except csv.Error:  # one column, or nothing to tell them apart: the most frequent wins
        counts = {d: header_line.count(d) for d in CSV_DELIMITERS}
        best = max(counts, key=counts.get)
        return best if counts[best] else ","


def _read_csv(path: Path) -> list[Row]:
    data = _read_bytes(path)
    try:
        text = data.decode("utf-8-sig")        # with or without a byte-order mark
    except UnicodeDecodeError as exc:
        raise BriefgenError(f"campaign file is not UTF-8 text (byte {exc.start})",
                            Location(str(path)),
                            hint="export it from the spreadsheet as 'CSV UTF-8'",
                            code="file.encoding") from None
    if "\0" in text:
        raise BriefgenError("campaign file is not CSV text (it contains NUL bytes)",
                            Location(str(path)), hint="export the sheet as CSV",
                            code="campaign.format")
    header_line = text.lstrip("\r\n").splitlines()[0] if text.strip() else ""
    if not header_line.strip():
        raise BriefgenError("campaign file is empty: it needs a header row", Location(str(path)),
                            hint="the first line names the columns, e.g. municipality,country",
                            code="campaign.header")
    delimiter = sniff_delimiter(header_line)
    offset = text.count("\n", 0, len(text) - len(text.lstrip("\r\n")))  # blank lines on top
    # strict: a quote left open would otherwise swallow the rest of the file into one cell
    reader = csv.reader(io.StringIO(text.lstrip("\r\n"), newline=""), delimiter=delimiter,
                        strict=True)
    line = 0
    try:
        header = next(reader)
        records = []
        line = reader.line_num
        for number, cells in enumerate(reader, start=2 + offset):
            # (spreadsheet row: a record is one row, a multi-line cell included; file line)
            records.append((number, cells, line + 1 + offset))
            line = reader.line_num
    except csv.Error as exc:
        if "unexpected end of data" in str(exc):
            raise BriefgenError("a quoted cell that starts on this line is never closed",
                                Location(str(path), line + 1 + offset),
                                hint='close the quote (") or remove it; every cell after it '
                                     "was read as one", code="campaign.csv") from None
        raise BriefgenError(f"malformed CSV: {exc}",
                            Location(str(path), reader.line_num + offset),
                            hint='a quote (") may only start or end a cell; write "" for a '
                                 "quote inside a quoted cell", code="campaign.csv") from None
    header_loc = Location(str(path), 1 + offset)
    delim = {",": "comma", ";": "semicolon", "\t": "tab"}[delimiter]
    return _table_rows(path, header, header_loc, records, f" (read as {delim}-separated)")


def _table_rows(path: Path, header: list[str], header_loc: Location,
                records: list[tuple[int, list, int]], read_as: str = "") -> list[Row]:
    """Header and (spreadsheet row, cells, file line) records of a CSV or a worksheet."""
    keys = [column_key(h) for h in header]
    unknown = [h.strip() for h, k in zip(header, keys) if k and k not in ROW_SCHEMA]
    if unknown:
        import difflib
        hints = []
        for name in unknown:
            close = difflib.get_close_matches(column_key(name), list(ROW_SCHEMA), n=1)
            if close:
                hints.append(f"'{name}' -> '{close[0]}'?")
        plural = "s" if len(unknown) > 1 else ""
        raise BriefgenError(
            f"unknown column{plural} " + ", ".join(f"'{u}'" for u in unknown),
            header_loc, hint=("did you mean " + ", ".join(hints) + " " if hints else "") +
            "columns: " + ", ".join(ROW_SCHEMA), code="campaign.column")
    seen: set[str] = set()
    for h, k in zip(header, keys):
        if k and k in seen:
            raise BriefgenError(f"column '{h.strip()}' appears twice", header_loc,
                                hint="keep one column per field", code="campaign.column")
        seen.add(k)
    if "municipality" not in keys:
        raise BriefgenError("the campaign file has no 'municipality' column", header_loc,
                            hint=f"the header row{read_as} must name a "
                                 "'municipality' column; columns: " + ", ".join(ROW_SCHEMA),
                            code="campaign.column")

    rows: list[Row] = []
    for number, cells, line in records:
        if not any(_filled(c) for c in cells):
            continue  # blank lines and the ';;;;' lines spreadsheets leave at the end
        where = Location(str(path), line)
        raw: dict[str, Any] = {}
        locs: dict[str, Location] = {}
        problem = None
        for i, cell in enumerate(cells):
            key = keys[i] if i < len(keys) else ""
            if not key:
                if _filled(cell) and problem is None:
                    problem = Diagnostic(
                        f"a value in column {_column_letter(i)}, which has no header", where,
                        hint="name the column in the header row or remove the value",
                        code="campaign.cells")
                continue
            locs[key] = where.at(key)
            if isinstance(cell, str) and ("\n" in cell or "\r" in cell) and \
                    key != "local_context" and problem is None:
                problem = Diagnostic(
                    f"a line break inside the '{header[i].strip()}' cell", where,
                    hint='is a quote (") left open on this line? only local_context may '
                         "span lines", code="campaign.cells")
            if _filled(cell):
                raw[key] = cell.strip() if isinstance(cell, str) else cell
        rows.append(Row(number, raw, locs, where, problem))
    return rows


def _filled(cell: Any) -> bool:
    return cell is not None and (not isinstance(cell, str) or bool(cell.strip()))


def _column_letter(index: int) -> str:
    """0 -> A, 25 -> Z, 26 -> AA: how a spreadsheet names column index+1."""
    out = ""
    n = index + 1
    while n:
        n, r = divmod(n - 1, 26)
        out = chr(65 + r) + out
    return out


def _cell(value: Any) -> Any:
    """A worksheet value as a user means it: whole numbers without '.0', dates as dates."""
    if isinstance(value, bool):
        return value
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, (dt.time, dt.timedelta)):
        return str(value)
    return value


def _read_xlsx(path: Path, sheet: str | None) -> list[Row]:
    import zipfile
    data = _read_bytes(path)  # the same messages as CSV for a missing or unreadable file
    try:
        import openpyxl
        from openpyxl.utils.exceptions import InvalidFileException
    except ImportError:  # pragma: no cover - openpyxl is a dependency
        raise BriefgenError("reading .xlsx needs openpyxl", code="campaign.format") from None
    import warnings
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")   # openpyxl warns about styles and data validation
            book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError, ValueError) as exc:
        raise BriefgenError(f"{path.name} is not a readable .xlsx workbook ({exc})",
                            Location(str(path)),
                            hint="open it in Excel or LibreOffice and save it as .xlsx again",
                            code="campaign.xlsx") from None
    try:
        if sheet is not None:
            if sheet not in book.sheetnames:
                raise BriefgenError(f"the workbook has no sheet '{sheet}'", Location(str(path)),
                                    hint="sheets: " + ", ".join(book.sheetnames),
                                    code="campaign.sheet")
            ws = book[sheet]
        else:
            ws = book.worksheets[0]
        table = [(i + 1, [_cell(c.value) for c in r])
                 for i, r in enumerate(ws.iter_rows(min_row=1))]
    finally:
        book.close()
    table = [(n, cells) for n, cells in table if any(_filled(c) for c in cells)] or []
    if not table:
        raise BriefgenError(f"sheet '{ws.title}' is empty: it needs a header row",
                            Location(str(path)),
                            hint="row 1 names the columns, e.g. municipality, country",
                            code="campaign.header")
    header_row, header = table[0]
    header = ["" if h is None else str(h) for h in header]
    return _table_rows(path, header, Location(str(path), header_row),
                       [(n, cells, n) for n, cells in table[1:]],
                       f" of sheet '{ws.title}'")


def _read_yaml(path: Path) -> list[Row]:
    data = load_yaml(path, "campaign file")
    top = Location(str(path), 1)
    if not isinstance(data, LocDict):
        raise BriefgenError("a YAML campaign must be a mapping with 'municipalities:'",
                            data.loc if isinstance(data, LocList) else top,
                            hint="e.g. 'defaults: {country: SE}' and 'municipalities: "
                                 "[{municipality: Malmö}]'", code="campaign.yaml")
    problems = [Diagnostic(f"unknown key '{k}'", data.loc_of(k),
                           hint="keys: " + ", ".join(YAML_KEYS), code="campaign.key")
                for k in data if k not in YAML_KEYS]
    defaults = data.get("defaults")
    if defaults is None:
        defaults = LocDict()
        defaults.loc, defaults.key_locs = data.loc, {}
    elif not isinstance(defaults, LocDict):
        problems.append(Diagnostic("'defaults' must be a mapping of profile fields",
                                   data.loc_of("defaults"), code="campaign.yaml"))
        defaults = LocDict()
        defaults.loc, defaults.key_locs = data.loc, {}
    items = data.get("municipalities")
    if not isinstance(items, LocList):
        problems.append(Diagnostic(
            "the campaign has no 'municipalities:' list" if items is None else
            "'municipalities' must be a list of profiles",
            data.loc_of("municipalities") if "municipalities" in data else data.loc,
            hint="e.g. 'municipalities: [{municipality: Malmö, country: SE}]'",
            code="campaign.yaml"))
        items = LocList()
        items.loc, items.item_locs = data.loc, []

    def unknown_keys(mapping: LocDict, what: str) -> None:
        for k in mapping:
            if k not in ROW_SCHEMA:
                import difflib
                close = difflib.get_close_matches(str(k), list(ROW_SCHEMA), n=1)
                problems.append(Diagnostic(
                    f"unknown field '{k}' in {what}", mapping.loc_of(k),
                    hint=f"did you mean '{close[0]}'?" if close else
                    "fields: " + ", ".join(ROW_SCHEMA), code="campaign.field"))

    unknown_keys(defaults, "defaults")
    for i, item in enumerate(items):
        if isinstance(item, LocDict):
            unknown_keys(item, f"municipalities[{i}]")
    if problems:
        n = len(problems)
        raise ProblemsError(problems, f"{n} problem{'s' * (n != 1)} in campaign file {path}")

    base = {k: v for k, v in defaults.items() if v is not None}
    base_locs = {k: defaults.loc_of(k).at(k) for k in base}
    rows: list[Row] = []
    for i, item in enumerate(items):
        where = items.loc_of(i)
        if not isinstance(item, LocDict):
            problem = Diagnostic("each entry of 'municipalities' must be a mapping of profile "
                                 "fields", where, hint="e.g. '- municipality: Malmö'",
                                 code="campaign.yaml")
            rows.append(Row(i + 1, dict(base), dict(base_locs), where, problem))
            continue
        raw = {**base, **{k: v for k, v in item.items() if v is not None}}
        locs = {**base_locs, **{k: item.loc_of(k).at(k) for k in item if item[k] is not None}}
        rows.append(Row(i + 1, raw, locs, item.loc))
    return rows


# --------------------------------------------------------------------------- one row


def coerce_outputs(raw: Any, where: Location) -> tuple[str, ...]:
    if raw is None or raw == "" or raw == []:
        return DEFAULT_OUTPUTS
    items = re.split(r"[;|,\s]+", raw) if isinstance(raw, str) else \
        [str(x) for x in raw] if isinstance(raw, (list, tuple)) else [str(raw)]
    wanted = {x.strip().lower() for x in items if x.strip()}
    known = kinds.outputs()
    bad = sorted(wanted - set(known))
    if bad:
        raise BriefgenError(f"unknown output '{bad[0]}'", where,
                            hint="outputs: " + ", ".join(known), code="campaign.outputs")
    return tuple(o for o in known if o in wanted) or DEFAULT_OUTPUTS


def row_profile(row: Row, date: dt.date) -> tuple[Profile | None, tuple[str, ...],
                                                  list[Diagnostic]]:
    """The row's profile and outputs, or every problem of its fields."""
    problems = [row.problem] if row.problem else []
    raw = dict(row.raw)
    outputs_raw = raw.pop("outputs", None)
    raw.setdefault("municipality", "")
    values: dict[str, Any] = {}
    for name, value in raw.items():  # field by field, so --check can list every problem
        try:
            values.update(coerce_fields({name: value}, row.where, row.locs))
        except BriefgenError as exc:
            problems.extend(exc.diagnostics)
    try:
        outputs = coerce_outputs(outputs_raw, row.locs.get("outputs", row.where))
    except BriefgenError as exc:
        problems.extend(exc.diagnostics)
        outputs = DEFAULT_OUTPUTS
    if problems:
        return None, outputs, problems
    if values.get("date") is None:
        values["date"] = date  # one date for the whole run
    return Profile(**values, where=dict(row.locs)), outputs, []


def file_plan(profile: Profile, outputs: tuple[str, ...], pack) -> list[tuple[str, str, str]]:
    """(file name, document kind, priority id or '') for each file the row makes."""
    files = []
    for output in outputs:
        kind = kinds.by_output(output)
        files += [(name, kind.name, options.get("priority", ""))
                  for name, options in kind.files(pack, profile)]
    return files


def check_row_layout(profile: Profile, campaign_file: Path) -> None:
    """A row may name a built-in layout, or a layout folder inside the campaign file's
    folder: a spreadsheet from someone else must not reach any folder on this machine."""
    ref = profile.layout
    if not ref or ("/" not in ref and "\\" not in ref and not ref.startswith(".")):
        return  # a name: the built-in layouts (or, as before, ./NAME)
    base = Path(campaign_file).resolve().parent
    real = Path(ref).resolve()
    if real != base and base not in real.parents:
        raise BriefgenError(f"layout folder '{ref}' is outside the campaign file's folder "
                            f"{base}", profile.loc("layout"),
                            hint="name a built-in layout, or put the layout folder next to "
                                 "the campaign file", code="campaign.layout")
