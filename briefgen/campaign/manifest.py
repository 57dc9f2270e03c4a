"""What a campaign folder records: inputs hashes, manifest.json and .csv, the packet, and
the clean-up of files earlier runs left."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import json
from glob import escape as glob_escape
from pathlib import Path
from typing import Any

from briefgen import __version__
from briefgen.output import temp_prefix, write_atomic
from briefgen.selection import PROFILE_SCHEMA, Profile


def _jsonable(value: Any) -> Any:
    import dataclasses
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _jsonable(getattr(value, f.name)) for f in dataclasses.fields(value)
                if f.name != "where"}
    if isinstance(value, tuple):
        return [_jsonable(v) for v in value]
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


def picture_files_digest(profile: Profile) -> str:
    """A digest of the picture files a row names (logo, photos, local examples' pictures),
    so that a rerun rebuilds a row whose picture was replaced under the same name."""
    paths = []
    if profile.logo:
        from briefgen.pictures import resolve
        paths.append(resolve(profile.logo, profile.loc("logo")))
    paths += [Path(file) for _, file, _, _ in profile.pictures]
    paths += [Path(ex.picture[0]) for ex in profile.local_examples if ex.picture]
    h = hashlib.sha256()
    for path in paths:
        h.update(str(path).encode())
        h.update((sha256_file(path) or "missing").encode())
    return h.hexdigest()


def sha256_file(path: Path) -> str | None:
    h = hashlib.sha256()
    try:
        with open(path, "rb") as fh:
            for chunk in iter(lambda: fh.read(1 << 20), b""):
                h.update(chunk)
    except OSError:
        return None
    return h.hexdigest()


def remove_leftovers(folder: Path, name: str) -> None:
    """Temporary files a killed run left for this file (write_atomic's '.NAME.*.part')."""
    if folder.is_symlink() or not folder.is_dir():
        return
    for part in folder.glob(f"{glob_escape(temp_prefix(name))}*.part"):
        if part.is_symlink():
            continue
        try:
            part.unlink()
        except OSError:
            pass


def previous_rows(out_dir: Path) -> list[dict]:
    """The rows of the manifest the last run left, each with a list of files, or none."""
    try:
        data = json.loads((out_dir / "manifest.json").read_text(encoding="utf-8"))
        rows = data["rows"]
    except (OSError, ValueError, KeyError, TypeError, RecursionError):
        return []  # no manifest, or not one of ours: everything is built
    if not isinstance(rows, list):
        return []
    leftovers = data.get("leftovers")
    if isinstance(leftovers, list):  # listed only so that this run can prune them
        rows = [*rows, {"files": leftovers}]
    return [e for e in rows if isinstance(e, dict) and isinstance(e.get("files"), list)]


def reusable(rows: list[dict]) -> dict[str, dict]:
    """inputs hash -> manifest entry of a row the last run built (or kept)."""
    return {e["inputs"]: e for e in rows
            if e.get("inputs") and e.get("status") in ("built", "skipped")}


def prune(out_dir: Path, earlier_rows: list[dict], rows: list[dict]) -> list[str]:
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
            if _through_link(out_dir, rel):  # never follow a link out of the folder
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


def _through_link(out_dir: Path, rel: str) -> bool:
    """`rel` climbs out of the folder or passes through (or is) a symbolic link."""
    current = out_dir
    for part in Path(rel).parts:
        if part in ("..", ".") or Path(part).is_absolute():
            return True
        current = current / part
        if current.is_symlink():
            return True
    return False


def unchanged(old: dict, out_dir: Path, expected: list[str]) -> bool:
    """The files the last run recorded are the ones wanted, still there, byte for byte."""
    try:
        recorded = {f["path"]: f["sha256"] for f in old["files"]}
    except (KeyError, TypeError):
        return False
    if sorted(recorded) != sorted(expected):
        return False
    if any(_through_link(out_dir, p) for p in recorded):
        return False
    return all(sha256_file(out_dir / p) == digest for p, digest in recorded.items())


MANIFEST_COLUMNS = ["row", "municipality", "status", "files", "error"]


def write_manifests(out_dir: Path, rows: list[dict], summary: dict,
                    leftovers: list[dict] = (), *, xlsx: bool = False) -> None:
    """manifest.json (for programs), manifest.csv (UTF-8 with a byte-order mark, so that
    Excel reads the names right in any locale) and, for a campaign read from a workbook,
    manifest.xlsx."""
    data = {"rows": rows, "summary": summary}
    if leftovers:  # files of earlier runs not yet pruned (see run_campaign's save)
        data["leftovers"] = list(leftovers)
    write_atomic(out_dir / "manifest.json",
                 (json.dumps(data, ensure_ascii=False, indent=1) + "\n").encode(), out_dir)
    table = [[e["row"], e["municipality"], e["status"], ";".join(f["path"] for f in e["files"]),
              e["error"] or ""] for e in rows]
    buf = io.StringIO(newline="")
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(MANIFEST_COLUMNS)
    for r in table:
        writer.writerow([r[0], spreadsheet_safe(r[1]), r[2], r[3], spreadsheet_safe(r[4])])
    write_atomic(out_dir / "manifest.csv", buf.getvalue().encode("utf-8-sig"), out_dir)
    if xlsx:
        write_atomic(out_dir / "manifest.xlsx", _xlsx(table), out_dir)


def _xlsx(table: list[list]) -> bytes:
    """The manifest as a workbook: every text cell stored as text, never as a formula."""
    import openpyxl
    from openpyxl.styles import Font
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "manifest"
    sheet.append(MANIFEST_COLUMNS)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for r in table:
        sheet.append(r)
        for cell in sheet[sheet.max_row]:
            if isinstance(cell.value, str):
                cell.data_type = "s"   # '=SUM(...)' from a campaign file stays text
    for col, width in zip("ABCDE", (6, 28, 9, 60, 60)):
        sheet.column_dimensions[col].width = width
    sheet.freeze_panes = "A2"
    stamp = dt.datetime(2000, 1, 1)
    book.properties.created = book.properties.modified = stamp
    buf = io.BytesIO()
    book.save(buf)
    return buf.getvalue()


def spreadsheet_safe(text: str) -> str:
    """A cell a spreadsheet shows as text: names come from campaign files, and one that
    starts with '=', '+', '-' or '@' would otherwise run as a formula when manifest.csv
    is opened (CSV injection). The leading apostrophe is how spreadsheets mark text."""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def write_packet(out_dir: Path, entries: list[dict], title: str,
                 langs: dict[int, str]) -> Path | None:
    """Every brief of the campaign (built now or kept from before), a bookmark each;
    `langs`: each row's language (the packet speaks the first brief's)."""
    from briefgen.packet import merge_pdfs
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
    write_atomic(out_dir / "packet.pdf", pdf, out_dir)
    return out_dir / "packet.pdf"
