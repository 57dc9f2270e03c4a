"""Brands uploaded from the web page: a brand file (Quarto's _brand.yml), a logo and the
other files the brand file names, kept in the session's folder under names made here.

A brand file names its logos and fonts by path, relative to itself. From the command line
that is the user's own disk; from a browser it would be a path on the server, so a brand
uploaded here may name only the files uploaded with it, by their file name: an absolute
path, a '..', or a file that was not uploaded is refused with the line it is on (a URL is
refused by the brand reader itself, in the command line's words). The names it gives are
then rewritten, in place on their lines, to the names the server gave those files, so the
brand reader's messages keep the line numbers of the file the person has.

Pictures are checked before anything decodes them: the header's pixel size (Pillow reads
only the header on open) against MAX_PIXELS, and an SVG with an entity, a DOCTYPE or a
reference to anything outside itself is refused. The full check (the brand reader, every
picture decoded) runs on a worker, as a build would (tasks.check_brand).

    DATA/sessions/<key>/brands/<id>/  brand.json, brand.yml, logo.<ext>, file-<n>.<ext>
"""

from __future__ import annotations

import re
import shutil
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from briefgen.diagnostics import Location
from briefgen.errors import BriefgenError
from briefgen.web.forms import Problem, said
from briefgen.web.store import ID_RE, Store, now, read_json, write_json

MAX_PIXELS = 25_000_000          # a logo needs far less; Pillow decodes this much at most
MAX_BRAND_BYTES = 100_000
MAX_FILES = 8                    # other files (fonts, more logos) with one brand
IMAGES = {".png": "PNG", ".jpg": "JPEG", ".jpeg": "JPEG", ".svg": "SVG"}
FONTS = {".ttf"}
BRAND_SUFFIXES = {".yml", ".yaml"}
KEEP_BRANDS = 20                 # brands kept per session, newest first


@dataclass
class Upload:
    """One uploaded file: the name the browser gave (compared, shown, never a path)."""

    field: str
    filename: str
    data: bytes

    @property
    def suffix(self) -> str:
        return Path(self.filename.replace("\\", "/")).suffix.lower()

    @property
    def basename(self) -> str:
        return self.filename.replace("\\", "/").rsplit("/", 1)[-1]

    @property
    def shown(self) -> str:
        return display(self.basename)


class BrandProblems(Exception):
    def __init__(self, problems: list[Problem]):
        super().__init__("; ".join(p.message for p in problems))
        self.problems = problems


def display(name: str) -> str:
    return re.sub(r"[^\w .()-]+", "_", name)[:80] or "file"


# --------------------------------------------------------------------------- one file


def check_picture(upload: Upload) -> str | None:
    """What is wrong with an uploaded picture before anything decodes it, or None."""
    kind = IMAGES.get(upload.suffix)
    name = upload.shown
    if kind is None:
        return f"{name} is not PNG, JPEG or SVG; save it as .png, .jpg or .svg"
    if kind == "SVG":
        return _svg_problem(upload.data, name)
    import io

    from PIL import Image
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(upload.data)) as im:  # reads the header only
                width, height = im.size
                found = im.format
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        return (f"{name} is too large to decode safely: at most "
                f"{MAX_PIXELS // 1_000_000} megapixels here; scale it down")
    except Exception:  # noqa: BLE001 - Pillow raises many types for a broken file
        return f"{name} cannot be read as a picture; open it in an image editor and save it " \
               "again as PNG or JPEG"
    if found not in ("PNG", "JPEG", "MPO"):
        return f"{name} is {found or 'unknown'}, not PNG or JPEG; save it as .png or .jpg"
    if width * height > MAX_PIXELS:
        return (f"{name} is {width} x {height} pixels ({width * height / 1e6:.0f} "
                f"megapixels), more than the {MAX_PIXELS // 1_000_000} megapixels a picture "
                "may have here; scale it down (300 dpi at the printed size is plenty)")
    return None


_SVG_REFS = re.compile(rb"""(?:\bhref|\bsrc)\s*=\s*["']\s*([^"'\s]*)""", re.I)
_SVG_URLS = re.compile(rb"""url\(\s*["']?\s*([^"')\s]*)""", re.I)


def _svg_problem(data: bytes, name: str) -> str | None:
    head = data[:4096].lstrip()
    if not (b"<svg" in data[:65536] and head[:1] == b"<"):
        return f"{name} is not an SVG file; save it as .svg, .png or .jpg"
    if b"<!ENTITY" in data or b"<!DOCTYPE" in data.upper():
        return f"{name} declares a DOCTYPE or XML entities, which are refused for safety; " \
               "save it again as plain SVG (e.g. 'Plain SVG' in Inkscape)"
    refs = [r for r in _SVG_REFS.findall(data) + _SVG_URLS.findall(data)
            if r and not r.startswith(b"#")]
    if refs or re.search(rb"@import|xi:include|<\s*(?:\w+:)?include\b", data, re.I):
        what = refs[0].decode("utf-8", "replace")[:60] if refs else "another file"
        return f"{name} refers to {what} outside itself, which is refused for safety; " \
               "embed everything in the SVG, or save the logo as PNG"
    return None


def check_font(upload: Upload) -> str | None:
    if upload.suffix not in FONTS:
        return f"{upload.shown} is not a TrueType font (.ttf); the brand file may name " \
               "logos (.png, .jpg, .svg) and fonts (.ttf)"
    if upload.data[:4] not in (b"\x00\x01\x00\x00", b"true"):
        return f"{upload.shown} is not a TrueType font file; use the .ttf files of the family"
    return None


# --------------------------------------------------------------------------- the brand file


@dataclass
class Ref:
    value: str
    loc: Location
    what: str            # "logo" or "font file"


def references(data: Any) -> list[Ref]:
    """Every file a brand file names, where the brand reader (briefgen.brand) reads one."""
    from briefgen.sources import LocDict, LocList
    refs: list[Ref] = []

    def image(value, loc: Location, keypath: str, names=()):
        if isinstance(value, LocDict):
            if "light" in value or "dark" in value:
                key = "light" if "light" in value else "dark"
                image(value[key], value.loc_of(key), keypath, names)
            elif "path" in value:
                image(value["path"], value.loc_of("path"), keypath + ".path")
        elif value is not None and not isinstance(value, (LocList, dict, list)):
            if isinstance(value, str) and value.strip() in names:
                return
            refs.append(Ref(str(value), loc.at(keypath), "logo"))

    if not isinstance(data, LocDict):
        return refs
    logo = data.get("logo")
    if isinstance(logo, LocDict):
        images = logo.get("images")
        names = ()
        if isinstance(images, LocDict):
            names = tuple(images)
            for key, value in images.items():
                image(value, images.loc_of(key), f"logo.images.{key}")
        for size in ("small", "medium", "large"):
            if size in logo:
                image(logo[size], logo.loc_of(size), f"logo.{size}", names)
    elif logo is not None:
        image(logo, data.loc_of("logo"), "logo")
    typo = data.get("typography")
    fonts = typo.get("fonts") if isinstance(typo, LocDict) else None
    if isinstance(fonts, LocList):
        for i, spec in enumerate(fonts):
            if not isinstance(spec, LocDict) or str(spec.get("source", "file")).strip() != "file":
                continue
            files = spec.get("files")
            if not isinstance(files, LocList):
                continue
            for j, item in enumerate(files):
                where = f"typography.fonts[{i}].files[{j}]"
                if isinstance(item, LocDict):
                    if "path" in item and not isinstance(item["path"], (LocDict, LocList)):
                        refs.append(Ref(str(item["path"]), item.loc_of("path").at(where),
                                        "font file"))
                elif item is not None and not isinstance(item, LocList):
                    refs.append(Ref(str(item), files.loc_of(j).at(where), "font file"))
    return refs


def _is_url(text: str) -> bool:
    return "://" in text or text.startswith("data:")


def _ref_problem(ref: Ref, uploaded: dict[str, str]) -> str | None:
    """Why a name in the brand file cannot be used here, or None (then it names a file
    uploaded with it or is a URL, which the brand reader refuses in its own words)."""
    text = ref.value.strip()
    if _is_url(text):
        return None
    where = f" in {ref.loc.keypath}" if ref.loc.keypath else ""
    only = "a brand uploaded here may name only the files uploaded with it"
    fix = "write the file's name alone (e.g. logo.png) and upload that file with the brand"
    if text.startswith(("/", "\\", "~")) or re.match(r"[A-Za-z]:", text):
        return f"{ref.what} '{text}' is an absolute path{where}; {only}: {fix}"
    parts = re.split(r"[/\\]", text)
    if ".." in parts:
        return f"{ref.what} '{text}' goes up a folder ('..'){where}; {only}: {fix}"
    if parts[-1] not in uploaded:
        field = "the Logo field" if ref.what == "logo" else "'Other files'"
        return (f"{ref.what} '{text}' was not uploaded with the brand file{where}; upload "
                f"{display(parts[-1])} in {field}, or correct the name in the brand file")
    return None


def _rewrite(text: str, refs: list[tuple[Ref, str]]) -> str | None:
    """The brand file with each reference replaced by the server's name, on its own line
    (the lines stay where they were); None if a reference is not written plainly."""
    lines = text.split("\n")
    by_line: dict[int, list[tuple[int, str, str]]] = {}
    seen = set()
    for ref, new in refs:
        key = (ref.loc.line, ref.loc.column)
        if key in seen:
            continue
        seen.add(key)
        by_line.setdefault(ref.loc.line - 1, []).append((ref.loc.column - 1, ref.value, new))
    for index, edits in by_line.items():
        line = lines[index]
        for col, value, new in sorted(edits, reverse=True):
            if line[col:col + 1] in ("'", '"'):
                quote = line[col]
                end = line.find(quote, col + 1)
                if end < 0 or line[col + 1:end] != value:
                    return None
                line = line[:col] + f'"{new}"' + line[end + 1:]
            elif line[col:col + len(value)] == value:
                line = line[:col] + f'"{new}"' + line[col + len(value):]
            else:
                return None
        lines[index] = line
    return "\n".join(lines)


# --------------------------------------------------------------------------- saving


class Brands:
    def __init__(self, store: Store):
        self.store = store

    def root(self, session: str) -> Path:
        return self.store.session_dir(session) / "brands"

    def folder(self, session: str, brand_id: str) -> Path | None:
        if not ID_RE.fullmatch(brand_id or ""):
            return None
        folder = self.root(session) / brand_id
        return folder if (folder / "brand.json").is_file() else None

    def get(self, session: str, brand_id: str) -> dict | None:
        folder = self.folder(session, brand_id)
        if folder is None:
            return None
        state = read_json(folder / "brand.json")
        state["path"] = str(folder / "brand.yml")
        return state

    def list(self, session: str) -> list[dict]:
        root = self.root(session)
        out = []
        for folder in root.iterdir() if root.is_dir() else ():
            state = read_json(folder / "brand.json")
            if state.get("id") == folder.name:
                out.append(public(state))
        return sorted(out, key=lambda s: s.get("created") or 0, reverse=True)

    def remove(self, session: str, brand_id: str) -> None:
        folder = self.folder(session, brand_id)
        if folder is not None:
            shutil.rmtree(folder, ignore_errors=True)

    def prepare(self, session: str, brand: Upload | None, logo: Upload | None,
                others: list[Upload]) -> tuple[Path, dict]:
        """Check what was uploaded and keep it in a new folder: (folder, state). Every
        problem found is raised at once (BrandProblems), and then nothing is kept."""
        problems: list[Problem] = []
        if brand is None and logo is None:
            raise BrandProblems([Problem("brand_file", "choose a brand file (_brand.yml), "
                                         "a logo, or both")])
        if len(others) > MAX_FILES:
            problems.append(Problem("brand_files", f"at most {MAX_FILES} other files with "
                                    "one brand"))
        if logo is not None:
            bad = check_picture(logo)
            if bad:
                problems.append(Problem("logo", bad))
        for other in others[:MAX_FILES]:
            bad = check_picture(other) if other.suffix in IMAGES else check_font(other)
            if bad:
                problems.append(Problem("brand_files", bad))
        files = [u for u in ([logo] if logo else []) + others[:MAX_FILES]]
        names: dict[str, str] = {}      # name as uploaded -> name on the server
        for i, upload in enumerate(files):
            names.setdefault(upload.basename, "logo" + upload.suffix if upload is logo
                             else f"file-{i}{upload.suffix}")
        text = None
        named_logo = False
        if brand is not None:
            text, brand_problems, named = self._brand_text(brand, names)
            problems += brand_problems
            named_logo = logo is not None and logo.basename in named
        raw = brand.data.decode("utf-8", "replace") if brand is not None else ""
        if logo is not None and not named_logo and re.search(r"^logo\s*:", raw, re.M):
            problems.append(Problem("logo", f"the brand file's logo section does not name "
                                    f"{logo.shown}; name it there (e.g. 'large: "
                                    f"{logo.shown}') or leave this field empty"))
        if problems:
            raise BrandProblems(problems)
        text = text or ""
        if logo is not None and not named_logo:
            # a logo beside a brand file without one (or alone): the brand's logo
            text = text.rstrip("\n") + ("\n" if text.strip() else "") + \
                f'logo: "{names[logo.basename]}"\n'
        brand_id = self.store.new_id()
        folder = self.root(session) / brand_id
        folder.mkdir(parents=True)
        written = set()
        for upload in files:
            server = names[upload.basename]
            if server not in written:
                (folder / server).write_bytes(upload.data)
                written.add(server)
        (folder / "brand.yml").write_text(text, encoding="utf-8")
        shown = {names[u.basename]: u.shown for u in files}
        if brand is not None:
            shown["brand.yml"] = brand.shown
        state = {"id": brand_id, "created": now(), "name": "",
                 "brand_file": brand.shown if brand else "", "logo": logo.shown if logo else "",
                 "files": [u.shown for u in others],
                 "shown": shown, "notes": []}
        return folder, state

    def _brand_text(self, brand: Upload, names: dict[str, str]):
        from briefgen.sources import parse_yaml
        problems: list[Problem] = []
        if brand.suffix not in BRAND_SUFFIXES:
            return None, [Problem("brand_file", f"{brand.shown} is not a brand file: choose "
                                  "the .yml file (Quarto's _brand.yml)")], set()
        if len(brand.data) > MAX_BRAND_BYTES:
            return None, [Problem("brand_file", f"{brand.shown} is over "
                                  f"{MAX_BRAND_BYTES // 1000} KB; a brand file is a few "
                                  "lines")], set()
        try:
            text = brand.data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            return None, [Problem("brand_file", f"{brand.shown} is not UTF-8 text (byte "
                                  f"{exc.start}); save it as UTF-8")], set()
        text = text.replace("\r\n", "\n")
        try:
            data = parse_yaml(text, brand.shown)
        except BriefgenError as exc:
            return None, [Problem("brand_file", located(d.location, said(d)))
                          for d in exc.diagnostics], set()
        edits, named = [], set()
        for ref in references(data):
            bad = _ref_problem(ref, names)
            if bad:
                problems.append(Problem("brand_file", located(ref.loc, bad)))
            elif not _is_url(ref.value.strip()):
                base = re.split(r"[/\\]", ref.value.strip())[-1]
                named.add(base)
                edits.append((ref, names[base]))
        if problems:
            return None, problems, named
        rewritten = _rewrite(text, edits)
        if rewritten is None:
            return None, [Problem("brand_file", f"{brand.shown}: write each file name on "
                                  "one line, plainly or in quotes (e.g. logo: logo.png)")], named
        return rewritten, [], named

    def keep(self, folder: Path, state: dict) -> dict:
        write_json(folder / "brand.json", state)
        self._prune(folder.parent)
        return public(state)

    @staticmethod
    def _prune(root: Path) -> None:
        folders = sorted((p for p in root.iterdir() if p.is_dir()),
                         key=lambda p: p.stat().st_mtime, reverse=True)
        for old in folders[KEEP_BRANDS:]:
            shutil.rmtree(old, ignore_errors=True)


def located(loc: Location | None, text: str) -> str:
    """'line 12: ...': where in the person's own file (the page names the file)."""
    if loc is not None and loc.line:
        return f"line {loc.line}: {text}"
    return text


def public(state: dict) -> dict:
    """What the page sees of a brand (not the server's file names)."""
    label = state.get("name") or state.get("brand_file") or state.get("logo") or "brand"
    extra = [x for x in (state.get("brand_file"), state.get("logo")) if x and x != label]
    return {"id": state.get("id"), "name": label, "created": state.get("created"),
            "label": label + (f" ({', '.join(extra)})" if extra else ""),
            "notes": state.get("notes", [])}


def unshown(text: str, folder: Path, shown: dict[str, str]) -> str:
    """A message with the server's file names turned back into the names uploaded."""
    for server, name in sorted(shown.items(), key=lambda x: -len(x[0])):
        text = text.replace(str(folder / server), name)
        text = text.replace(str(folder.resolve() / server), name)
    text = text.replace(str(folder.resolve()) + "/", "").replace(str(folder) + "/", "")
    for server, name in shown.items():
        text = re.sub(rf"(?<![\w.-]){re.escape(server)}(?![\w.-])", name, text)
    return text
