"""Campaign builds: the documents of many municipalities from one CSV or YAML file.

    file -> rows (CSV cells or YAML mappings, each value with its file:line)
         -> per row: profile (the one profile declaration), outputs, slug, inputs hash
         -> unchanged rows skipped; the rest built by workers (one Workspace each)
         -> DIR/<slug>/*.pdf written by the parent, atomically; DIR/manifest.json + .csv

The parent reads and checks the file, decides every slug in row order (so reruns agree),
and is the only process that writes. Workers return bytes, never exceptions: a bad row
becomes its one-line message and fails alone. No click here: `run_campaign` is the API,
the `campaign` command only turns its result into an exit code.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import json
import os
import re
import time
import unicodedata
from glob import escape as glob_escape
from collections.abc import Iterator
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

from briefgen import __version__
from briefgen.diagnostics import Diagnostic, Location
from briefgen.errors import BriefgenError, ProblemsError
from briefgen.selection import PROFILE_SCHEMA, Profile, coerce_fields, default_date
from briefgen.sources import LocDict, LocList, load_yaml

# --------------------------------------------------------------------------- the row schema

OUTPUTS: dict[str, str] = {
    "brief": "the tailored brief: <slug>/brief.pdf",
    "factsheets": "one sheet per priority of the row (all six when none): "
                  "<slug>/factsheet-<priority>.pdf",
    "at-a-glance": "the one-page overview: <slug>/at-a-glance.pdf",
}
DEFAULT_OUTPUTS = ("brief",)

# column (CSV) or key (YAML) -> (kind, description): every profile field, plus what only a
# campaign row has. The profile fields are checked by selection.coerce_fields.
ROW_SCHEMA: dict[str, tuple[str, str]] = {
    **PROFILE_SCHEMA,
    "outputs": ("outputs", "what to build for the row: brief, factsheets, at-a-glance "
                           "(default brief)"),
}

YAML_KEYS = {"defaults": "profile fields every row starts from",
             "municipalities": "the rows: one profile mapping each"}

CSV_DELIMITERS = ",;\t"
CSV_SUFFIXES = {".csv", ".tsv", ".txt"}
YAML_SUFFIXES = {".yaml", ".yml"}

MAX_SLUG = 60
MANIFEST_EVERY = 20          # rewrite the manifest after this many finished builds
IN_FLIGHT_PER_JOB = 2        # rows handed to the pool at once, per worker

WINDOWS_RESERVED = {"con", "prn", "aux", "nul", *(f"com{i}" for i in range(1, 10)),
                    *(f"lpt{i}" for i in range(1, 10))}


# --------------------------------------------------------------------------- reading rows


@dataclass
class Row:
    """One data row as read: the values given (empty ones left out) and where each was."""

    number: int                                   # 1-based among the data rows
    raw: dict[str, Any]
    locs: dict[str, Location]
    where: Location
    problem: Diagnostic | None = None             # found while reading (extra cells, ...)


def read_rows(path: Path) -> list[Row]:
    """The rows of a campaign file; a file that cannot be used at all raises (exit 2)."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix in YAML_SUFFIXES:
        return _read_yaml(path)
    if suffix in CSV_SUFFIXES:
        return _read_csv(path)
    raise BriefgenError(f"campaign file must be CSV or YAML: {path}",
                        hint="name it .csv (a spreadsheet export) or .yaml",
                        code="campaign.format")


def _read_bytes(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise BriefgenError(f"campaign file not found: {path}", hint="check the path",
                            code="file.missing") from None
    except IsADirectoryError:
        raise BriefgenError(f"campaign file is a folder, not a file: {path}",
                            code="file.folder") from None
    except OSError as exc:
        raise BriefgenError(f"cannot read campaign file {path}: {exc.strerror}",
                            code="file.unreadable") from None


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
    reader = csv.reader(io.StringIO(text.lstrip("\r\n"), newline=""), delimiter=delimiter)
    try:
        header = next(reader)
        records = []
        line = reader.line_num
        for cells in reader:
            records.append((line + 1, cells))
            line = reader.line_num
    except csv.Error as exc:
        raise BriefgenError(f"malformed CSV: {exc}", Location(str(path), reader.line_num),
                            code="campaign.csv") from None
    offset = text.count("\n", 0, len(text) - len(text.lstrip("\r\n")))  # blank lines on top
    header_loc = Location(str(path), 1 + offset)

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
        delim = {",": "comma", ";": "semicolon", "\t": "tab"}[delimiter]
        raise BriefgenError("the campaign file has no 'municipality' column", header_loc,
                            hint=f"the header row (read as {delim}-separated) must name a "
                                 "'municipality' column; columns: " + ", ".join(ROW_SCHEMA),
                            code="campaign.column")

    rows: list[Row] = []
    for line, cells in records:
        if not any(c.strip() for c in cells):
            continue  # blank lines and the ';;;;' lines spreadsheets leave at the end
        where = Location(str(path), line + offset)
        raw: dict[str, Any] = {}
        locs: dict[str, Location] = {}
        problem = None
        for i, cell in enumerate(cells):
            key = keys[i] if i < len(keys) else ""
            if not key:
                if cell.strip() and problem is None:
                    problem = Diagnostic(
                        f"a value in column {i + 1}, which has no header", where,
                        hint="name the column in the header row or remove the value",
                        code="campaign.cells")
                continue
            locs[key] = where.at(key)
            if cell.strip():
                raw[key] = cell.strip()
        rows.append(Row(len(rows) + 1, raw, locs, where, problem))
    return rows


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
    bad = sorted(wanted - set(OUTPUTS))
    if bad:
        raise BriefgenError(f"unknown output '{bad[0]}'", where,
                            hint="outputs: " + ", ".join(OUTPUTS), code="campaign.outputs")
    return tuple(o for o in OUTPUTS if o in wanted) or DEFAULT_OUTPUTS


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
    if "brief" in outputs:
        files.append(("brief.pdf", "brief", ""))
    if "factsheets" in outputs:
        ids = [pack.resolve_priority(ref, profile.loc("priorities")).id
               for ref in profile.priorities] or [p.id for p in pack.priorities]
        files += [(f"factsheet-{pid}.pdf", "factsheet", pid) for pid in dict.fromkeys(ids)]
    if "at-a-glance" in outputs:
        files.append(("at-a-glance.pdf", "at-a-glance", ""))
    return files


def message(exc: BriefgenError) -> str:
    """The one line the brief command prints for this error (without 'briefgen: ')."""
    diags = exc.diagnostics
    if len(diags) == 1:
        return str(diags[0])
    summary = getattr(exc, "summary", "")
    return f"{summary}: {diags[0]} (and {len(diags) - 1} more)"


# --------------------------------------------------------------------------- slugs

_TRANSLIT = {
    # Greek (ELOT 743, simplified)
    "α": "a", "β": "v", "γ": "g", "δ": "d", "ε": "e", "ζ": "z", "η": "i", "θ": "th", "ι": "i",
    "κ": "k", "λ": "l", "μ": "m", "ν": "n", "ξ": "x", "ο": "o", "π": "p", "ρ": "r", "σ": "s",
    "ς": "s", "τ": "t", "υ": "y", "φ": "f", "χ": "ch", "ψ": "ps", "ω": "o",
    # Cyrillic (Russian, Ukrainian, Belarusian, Serbian, Macedonian, Bulgarian)
    "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ё": "e", "ж": "zh", "з": "z",
    "и": "i", "й": "y", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o", "п": "p", "р": "r",
    "с": "s", "т": "t", "у": "u", "ф": "f", "х": "kh", "ц": "ts", "ч": "ch", "ш": "sh",
    "щ": "shch", "ъ": "", "ы": "y", "ь": "", "э": "e", "ю": "yu", "я": "ya", "і": "i",
    "ї": "yi", "є": "ye", "ґ": "g", "ў": "u", "ђ": "dj", "ј": "j", "љ": "lj", "њ": "nj",
    "ћ": "c", "џ": "dz", "ѓ": "gj", "ќ": "kj", "ѕ": "dz",
    # Latin letters that NFKD does not take apart
    "ł": "l", "ø": "o", "æ": "ae", "œ": "oe", "đ": "d", "ð": "d", "þ": "th", "ı": "i",
    "ħ": "h", "ŧ": "t", "ŋ": "ng", "ĸ": "q",
}


def ascii_name(name: str) -> str:
    """'Kraków' -> 'krakow', 'Αθήνα' -> 'athina', 'Москва' -> 'moskva'; other scripts drop."""
    out = []
    for ch in unicodedata.normalize("NFC", name.casefold()):
        if ch in _TRANSLIT:
            out.append(_TRANSLIT[ch])
            continue
        for part in unicodedata.normalize("NFKD", ch):  # accents come off here
            if part in _TRANSLIT:
                out.append(_TRANSLIT[part])
            elif part.isascii():
                out.append(part)
    return "".join(out)


def row_slug(name: str, number: int) -> str:
    """A folder name that stays inside the output folder whatever the name says."""
    text = re.sub(r"[^a-z0-9]+", "-", ascii_name(name)).strip("-")
    text = text[:MAX_SLUG].rstrip("-")
    if not text:
        return f"row-{number}"
    if text in WINDOWS_RESERVED:
        return f"{text}-row-{number}"
    return text


def unique_slugs(names: list[tuple[int, str]]) -> dict[int, str]:
    """row number -> slug, unique within the campaign, decided in row order."""
    taken: set[str] = set()
    out: dict[int, str] = {}
    for number, name in names:
        base = row_slug(name, number)
        candidate, k = base, 2
        while candidate in taken:
            suffix = f"-{k}"
            candidate = base[:MAX_SLUG - len(suffix)].rstrip("-") + suffix
            k += 1
        taken.add(candidate)
        out[number] = candidate
    return out


# --------------------------------------------------------------------------- hashing


def _jsonable(value: Any) -> Any:
    if isinstance(value, tuple):
        return list(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def inputs_hash(profile: Profile, outputs: tuple[str, ...], slug: str, pack_fingerprint: str,
                layout_fingerprint: str, allow_fallback: bool) -> str:
    """What a row's files depend on: its fields, the pack, the layout and this version."""
    fields = {name: _jsonable(getattr(profile, name)) for name in PROFILE_SCHEMA}
    fields["date"] = profile.effective_date.isoformat()
    payload = {"fields": fields, "outputs": list(outputs), "slug": slug,
               "allow_fallback": allow_fallback, "pack": pack_fingerprint,
               "layout": layout_fingerprint, "briefgen": __version__}
    return hashlib.sha256(json.dumps(payload, sort_keys=True, ensure_ascii=False)
                          .encode()).hexdigest()


def sha256_file(path: Path) -> str | None:
    h = hashlib.sha256()
    try:
        with open(path, "rb") as fh:
            for chunk in iter(lambda: fh.read(1 << 20), b""):
                h.update(chunk)
    except OSError:
        return None
    return h.hexdigest()


# --------------------------------------------------------------------------- building


@dataclass(frozen=True)
class Task:
    """What a worker needs for one row (picklable)."""

    row: int
    profile: Profile
    files: tuple[tuple[str, str, str], ...]
    allow_fallback: bool


_WORKSPACE = None  # one per worker process


def _init_worker(content: Path | None) -> None:
    import signal
    import threading
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    threading.Thread(target=_exit_with_parent, args=(os.getppid(),), daemon=True).start()
    global _WORKSPACE
    from briefgen.build import Workspace
    _WORKSPACE = Workspace(content)


def _exit_with_parent(parent: int) -> None:
    """A worker whose campaign was killed (kill -9) would wait for rows forever."""
    while os.getppid() == parent:
        time.sleep(1)
    os._exit(1)


def _work(task: Task) -> dict:
    return execute(_WORKSPACE, task)


def _rss_kb() -> int:
    try:
        import resource
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    except (ImportError, OSError):  # pragma: no cover - not on POSIX
        return 0


def execute(ws, task: Task) -> dict:
    """Build every file of one row. Returns plain data: a worker never raises."""
    files, warnings = [], []
    try:
        for name, kind, priority in task.files:
            options = {"priority": priority} if priority else {}
            built = ws.build(kind, task.profile, task.profile.layout or None,
                             allow_fallback=task.allow_fallback, **options)
            files.append((name, built.pdf, built.pages, hashlib.sha256(built.pdf).hexdigest()))
            warnings += [f"{name}: {w}" for w in built.warnings]
        error = None
    except BriefgenError as exc:
        files, error = [], message(exc)
    except Exception as exc:  # a bug: the row fails, the campaign goes on
        files, error = [], (f"internal error: {type(exc).__name__}: {exc} (build this row "
                            "with `briefgen --debug brief` for the traceback and report it)")
    return {"row": task.row, "files": files, "warnings": warnings, "error": error,
            "pid": os.getpid(), "rss_kb": _rss_kb()}


def failed_result(task: Task, error: str) -> dict:
    """What a worker that could not build the row at all reports for it."""
    return {"row": task.row, "files": [], "warnings": [], "pid": 0, "rss_kb": 0,
            "error": error}


def _in_process(tasks: Iterator[Task], ws) -> Iterator[tuple[Task, dict]]:
    for task in tasks:
        yield task, execute(ws, task)


def _pooled(tasks: Iterator[Task], jobs: int, content: Path | None
            ) -> Iterator[tuple[Task, dict]]:
    """Results as they finish; at most IN_FLIGHT_PER_JOB * jobs rows are handed out at once,
    so memory stays flat however long the campaign."""
    def new_pool():
        return ProcessPoolExecutor(jobs, initializer=_init_worker, initargs=(content,))

    pool = new_pool()
    in_flight: dict = {}
    pending = iter(tasks)
    exhausted = False
    try:
        while True:
            while not exhausted and len(in_flight) < IN_FLIGHT_PER_JOB * jobs:
                task = next(pending, None)
                if task is None:
                    exhausted = True
                    break
                try:
                    in_flight[pool.submit(_work, task)] = task
                except BrokenProcessPool:  # a worker died earlier: start afresh
                    pool.shutdown(wait=False, cancel_futures=True)
                    pool = new_pool()
                    in_flight[pool.submit(_work, task)] = task
            if not in_flight:
                return
            done, _ = wait(in_flight, return_when=FIRST_COMPLETED)
            for future in sorted(done, key=lambda f: in_flight[f].row):
                task = in_flight.pop(future)
                try:
                    result = future.result()
                except BrokenProcessPool:
                    result = failed_result(task, "the worker process building this row "
                                           "stopped unexpectedly (killed, or out of memory?)")
                yield task, result
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


# --------------------------------------------------------------------------- the campaign


@dataclass
class CampaignResult:
    out_dir: Path
    rows: list[dict]                    # manifest entries, in row order
    built: int = 0
    skipped: int = 0
    failed: int = 0
    seconds: float = 0.0
    problems: list[str] = field(default_factory=list)   # "row N: message", one per problem
    checked: bool = False               # --check: nothing was built
    total: int = 0                      # data rows in the file
    packet: Path | None = None
    interrupted: bool = False
    removed: list[str] = field(default_factory=list)    # stale files of earlier runs
    # (builds finished so far, worker pid, its peak RSS in KiB) after each build
    memory: list[tuple[int, int, int]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.failed and not self.problems


class Progress:
    """What a campaign tells its caller while it runs. The default says nothing."""

    def start(self, total: int, out_dir: Path, checking: bool) -> None:
        pass

    def row(self, done: int, total: int, entry: dict) -> None:
        pass

    def finish(self, result: CampaignResult) -> None:
        pass


class ConsoleProgress(Progress):
    """A redrawn progress bar on a terminal, plain lines otherwise; failures always."""

    BAR = 24

    def __init__(self, stream: TextIO, *, quiet: bool = False, tty: bool | None = None):
        self.stream = stream
        self.quiet = quiet
        self.tty = stream.isatty() if tty is None else tty
        self.started = time.monotonic()
        self.width = 0

    def _write(self, text: str) -> None:
        self.stream.write(text)
        self.stream.flush()

    def _clear(self) -> None:
        if self.width:
            self._write("\r" + " " * self.width + "\r")
            self.width = 0

    def start(self, total, out_dir, checking):
        self.started = time.monotonic()

    def row(self, done, total, entry):
        failed = entry["status"] == "failed"
        if failed:
            self._clear()
            self._write(f"row {entry['row']}: {entry['error']}\n")
        elif entry["status"] == "built" and entry.get("warnings"):
            # One line a row, not one a field: a campaign with a missing translation
            # would otherwise print it for every row. The manifest keeps them all.
            first, more = entry["warnings"][0], len(entry["warnings"]) - 1
            self._clear()
            self._write(f"row {entry['row']}: {first}"
                        + (f" (and {more} more in manifest.json)" if more else "") + "\n")
        if self.quiet:
            return
        if not self.tty:
            name = entry["municipality"] or f"row {entry['row']}"
            self._write(f"[{done}/{total}] {entry['status']} {name}\n")
            return
        elapsed = time.monotonic() - self.started
        eta = elapsed / done * (total - done) if done else 0
        filled = round(self.BAR * done / total) if total else self.BAR
        line = (f"[{'#' * filled}{'.' * (self.BAR - filled)}] {done}/{total}  "
                f"ETA {_clock(eta)}  {entry['municipality'][:30]}")
        self._write("\r" + line.ljust(self.width))
        self.width = len(line)

    def finish(self, result):
        self._clear()
        if result.checked:
            for line in result.problems:
                self._write(f"{line}\n")
            if not self.quiet or result.problems:
                bad = len({p.split(":")[0] for p in result.problems})
                self._write(f"briefgen: checked {result.total} row{'s' * (result.total != 1)}: "
                            + (f"{bad} with problems\n" if bad else "all fine\n"))
            return
        if self.quiet:
            return
        head = "interrupted" if result.interrupted else "done"
        removed = len(result.removed)
        self._write(f"briefgen: {head}: {result.built} built, {result.skipped} skipped, "
                    f"{result.failed} failed in {result.seconds:.1f} s; output in "
                    f"{result.out_dir}"
                    + (f" (removed {removed} file{'s' * (removed != 1)} earlier runs made "
                       "for rows or outputs no longer in the file)" if removed else "")
                    + "\n")


def _clock(seconds: float) -> str:
    seconds = int(seconds + 0.5)
    return f"{seconds // 60}:{seconds % 60:02d}"


def run_campaign(path: Path, out_dir: Path, *, jobs: int | None = None, force: bool = False,
                 check_only: bool = False, packet: bool = False,
                 progress: Progress | None = None, content: Path | None = None,
                 allow_fallback: bool = False, scheduler: str | None = None
                 ) -> CampaignResult:
    """Build (or with check_only, only validate) every row of a campaign file.

    A file that cannot be used raises BriefgenError; a bad row fails alone and is counted
    in the result. On KeyboardInterrupt the manifest of what was done is written and the
    interrupt goes on to the caller. With `scheduler` (a Dask scheduler address) the rows
    are built on that cluster instead of in local worker processes.
    """
    from briefgen.build import Workspace
    progress = progress or Progress()
    started = time.monotonic()
    path, out_dir = Path(path), Path(out_dir)
    rows = read_rows(path)
    ws = Workspace(content)
    pack = ws.pack  # a broken pack stops everything here (exit 2)
    date = default_date()
    result = CampaignResult(out_dir, [], total=len(rows), checked=check_only)
    if not check_only and out_dir.exists() and not out_dir.is_dir():
        from briefgen.errors import OutputError
        raise OutputError(f"output folder is a file: {out_dir}", hint="choose another --out",
                          code="output.folder")
    client = None
    if scheduler and not check_only:  # an unreachable cluster is known before any row
        from briefgen.cluster import connect
        client = connect(scheduler)
    progress.start(len(rows), out_dir, check_only)

    prepared = []  # (row, profile | None, outputs, problems)
    for row in rows:
        profile, outputs, problems = row_profile(row, date)
        prepared.append((row, profile, outputs, problems))

    if check_only:
        for row, profile, outputs, problems in prepared:
            if profile is not None:
                problems = _check_row(ws, profile, outputs)
            seen = set()
            for p in problems:
                if str(p) not in seen:
                    seen.add(str(p))
                    result.problems.append(f"row {row.number}: {p}")
        result.seconds = time.monotonic() - started
        progress.finish(result)
        return result

    slugs = unique_slugs([(row.number, profile.municipality if profile else
                           str(row.raw.get("municipality", "")))
                          for row, profile, _, _ in prepared
                          if profile or str(row.raw.get("municipality", "")).strip()])
    earlier_rows = _previous_rows(out_dir)
    previous = {} if force else _reusable(earlier_rows)
    entries: dict[int, dict] = {}
    tasks: list[Task] = []
    slug_of: dict[int, str] = {}
    done = 0

    def record(entry: dict) -> None:
        nonlocal done
        entries[entry["row"]] = entry
        status = entry["status"]
        setattr(result, status, getattr(result, status) + 1)
        if entry["status"] == "failed":
            result.problems.append(f"row {entry['row']}: {entry['error']}")
        done += 1
        progress.row(done, len(rows), entry)

    for row, profile, outputs, problems in prepared:
        name = profile.municipality if profile else str(row.raw.get("municipality", ""))
        entry = {"row": row.number, "municipality": name, "slug": slugs.get(row.number),
                 "status": "failed", "files": [], "error": None, "inputs": None,
                 "warnings": []}
        if problems:
            entry["error"] = str(problems[0])
            record(entry)
            continue
        slug = slug_of[row.number] = slugs[row.number]
        try:
            layout = ws.layout(profile.layout or None)
            files = file_plan(profile, outputs, pack)
        except BriefgenError as exc:
            entry["error"] = message(exc)
            record(entry)
            continue
        entry["inputs"] = inputs_hash(profile, outputs, slug, pack.fingerprint,
                                      layout.fingerprint, allow_fallback)
        old = previous.get(entry["inputs"])
        if old is not None and _unchanged(old, out_dir, [f"{slug}/{f[0]}" for f in files]):
            entry.update(status="skipped", files=old["files"],
                         warnings=list(old.get("warnings") or []))
            record(entry)
            continue
        entry["status"] = "pending"
        entries[row.number] = entry
        tasks.append(Task(row.number, profile, tuple(files), allow_fallback))

    def summary() -> dict:
        return {"built": result.built, "skipped": result.skipped, "failed": result.failed,
                "removed": result.removed,
                "seconds": round(time.monotonic() - started, 3), "briefgen": __version__}

    def save() -> None:
        finished = [e for _, e in sorted(entries.items()) if e["status"] != "pending"]
        write_manifests(out_dir, finished, summary())

    from briefgen.output import write_atomic
    jobs = max(1, min(jobs or os.cpu_count() or 1, len(tasks) or 1))
    if client is not None:
        from briefgen.cluster import Expected, on_cluster
        expected = Expected(__version__, pack.fingerprint,
                            str(Path(content).resolve()) if content else None)
        results = on_cluster(iter(tasks), client, expected)  # closes the client when done
    elif jobs == 1:
        results = _in_process(iter(tasks), ws)
    else:
        results = _pooled(iter(tasks), jobs, content)
    builds = 0
    try:
        for task, res in results:
            entry = entries[task.row]
            slug = slug_of[task.row]
            result.memory.append((builds + 1, res["pid"], res["rss_kb"]))
            if res["error"] is None:
                try:
                    for name, pdf, pages, digest in res["files"]:
                        _remove_leftovers(out_dir / slug, name)
                        write_atomic(out_dir / slug / name, pdf)
                        entry["files"].append({"path": f"{slug}/{name}", "pages": pages,
                                               "sha256": digest})
                    entry.update(status="built", warnings=res["warnings"])
                except BriefgenError as exc:
                    entry.update(status="failed", error=message(exc), files=[])
            else:
                entry.update(status="failed", error=res["error"])
            del res
            record(entry)
            builds += 1
            if builds % MANIFEST_EVERY == 0:
                save()
    except KeyboardInterrupt:
        result.interrupted = True
        if hasattr(results, "close"):
            results.close()  # cancel what is pending, wait for what runs
        save()
        result.rows = [e for _, e in sorted(entries.items()) if e["status"] != "pending"]
        result.seconds = time.monotonic() - started
        progress.finish(result)
        raise

    result.rows = [e for _, e in sorted(entries.items())]
    result.removed = _prune(out_dir, earlier_rows, result.rows)
    save()
    if packet:
        result.packet = _write_packet(out_dir, result.rows, path.stem, prepared)
    result.seconds = time.monotonic() - started
    progress.finish(result)
    return result


def _remove_leftovers(folder: Path, name: str) -> None:
    """Temporary files a killed run left for this file (write_atomic's '.NAME.*.part')."""
    for part in folder.glob(f".{glob_escape(name)}.*.part"):
        try:
            part.unlink()
        except OSError:
            pass


def _check_row(ws, profile: Profile, outputs: tuple[str, ...]) -> list[Diagnostic]:
    """Everything about a row that can be known without rendering it."""
    from briefgen.selection import select
    problems: list[Diagnostic] = []
    try:
        layout = ws.layout(profile.layout or None)
        ws.check_language(profile.lang or "en", layout)
    except BriefgenError as exc:
        problems += exc.diagnostics
    for step in (lambda: select(ws.pack, profile), lambda: file_plan(profile, outputs, ws.pack)):
        try:
            step()
        except BriefgenError as exc:
            problems += exc.diagnostics
    return problems


def _previous_rows(out_dir: Path) -> list[dict]:
    """The rows of the manifest the last run left, each with a list of files, or none."""
    try:
        data = json.loads((out_dir / "manifest.json").read_text(encoding="utf-8"))
        rows = data["rows"]
    except (OSError, ValueError, KeyError, TypeError):
        return []  # no manifest, or not one of ours: everything is built
    if not isinstance(rows, list):
        return []
    return [e for e in rows if isinstance(e, dict) and isinstance(e.get("files"), list)]


def _reusable(rows: list[dict]) -> dict[str, dict]:
    """inputs hash -> manifest entry of a row the last run built (or kept)."""
    return {e["inputs"]: e for e in rows
            if e.get("inputs") and e.get("status") in ("built", "skipped")}


def _prune(out_dir: Path, earlier_rows: list[dict], rows: list[dict]) -> list[str]:
    """Remove the PDFs an earlier run recorded that this run no longer makes.

    A town taken out of the spreadsheet, or a row that now asks for fewer outputs, would
    otherwise leave its old PDFs in the folder that campaign staff upload or print. Only
    files the old manifest vouches for, byte for byte, are removed (never a file someone
    edited or put there), and none of a row that failed this time: its last good files
    stay until it builds again.
    """
    wanted = {f["path"] for e in rows for f in e["files"]}
    failed_slugs = {e["slug"] for e in rows if e["status"] == "failed"}
    root = out_dir.resolve()
    removed = []
    for entry in earlier_rows:
        for f in entry["files"]:
            try:
                rel, digest = str(f["path"]), f["sha256"]
            except (KeyError, TypeError):
                continue
            if rel in wanted or rel.split("/")[0] in failed_slugs:
                continue
            path = (out_dir / rel).resolve()
            if root not in path.parents or sha256_file(path) != digest:
                continue
            try:
                path.unlink()
                removed.append(rel)
                path.parent.rmdir()  # only when that emptied the folder
            except OSError:
                pass
    return sorted(removed)


def _unchanged(old: dict, out_dir: Path, expected: list[str]) -> bool:
    """The files the last run recorded are the ones wanted, still there, byte for byte."""
    try:
        recorded = {f["path"]: f["sha256"] for f in old["files"]}
    except (KeyError, TypeError):
        return False
    if sorted(recorded) != sorted(expected):
        return False
    return all(sha256_file(out_dir / p) == digest for p, digest in recorded.items())


def write_manifests(out_dir: Path, rows: list[dict], summary: dict) -> None:
    from briefgen.output import write_atomic
    data = {"rows": rows, "summary": summary}
    write_atomic(out_dir / "manifest.json",
                 (json.dumps(data, ensure_ascii=False, indent=1) + "\n").encode())
    buf = io.StringIO(newline="")
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(["row", "municipality", "status", "files", "error"])
    for e in rows:
        writer.writerow([e["row"], spreadsheet_safe(e["municipality"]), e["status"],
                         ";".join(f["path"] for f in e["files"]),
                         spreadsheet_safe(e["error"] or "")])
    write_atomic(out_dir / "manifest.csv", buf.getvalue().encode())


def spreadsheet_safe(text: str) -> str:
    """A cell a spreadsheet shows as text: names come from campaign files, and one that
    starts with '=', '+', '-' or '@' would otherwise run as a formula when manifest.csv
    is opened (CSV injection). The leading apostrophe is how spreadsheets mark text."""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def _write_packet(out_dir: Path, entries: list[dict], title: str, prepared) -> Path | None:
    """Every brief of the campaign (built now or kept from before), a bookmark each."""
    from briefgen.output import write_atomic
    from briefgen.packet import merge_pdfs
    langs = {row.number: (profile.lang if profile else "en")
             for row, profile, _, _ in prepared}
    parts, labels, lang = [], [], None
    for e in entries:
        if e["status"] not in ("built", "skipped"):
            continue
        brief = next((f["path"] for f in e["files"] if f["path"].endswith("/brief.pdf")), None)
        if brief is None:
            continue
        parts.append((e["municipality"], (out_dir / brief).read_bytes()))
        labels.append(brief.split("/")[0])
        lang = lang or langs.get(e["row"], "en")
    if not parts:
        return None
    pdf = merge_pdfs(parts, title=f"{title}: briefs", lang=lang or "en", labels=labels)
    write_atomic(out_dir / "packet.pdf", pdf)
    return out_dir / "packet.pdf"

