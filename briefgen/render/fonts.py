"""Font families: registered once per process, embedded and subset, with a glyph fallback.

ReportLab knows fonts by the name they were registered under, process-wide. Two layouts
may each bring a `NotoSans` folder with different files; registered as "NotoSans" both,
whichever came first would draw for both, and a campaign row's bytes would depend on
the rows before it. So a face is registered under its family name plus a digest of the
file's bytes: the same file is one font wherever it lies, different files never mix.
"""

from __future__ import annotations

import functools
import hashlib
import marshal
import os
import time
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from weakref import WeakKeyDictionary

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFError, TTFont, TTFontFace

from briefgen.errors import LayoutError

FACES = {"regular": "Regular", "bold": "Bold", "italic": "Italic", "bolditalic": "BoldItalic"}


@dataclass(frozen=True)
class Family:
    """A registered family: its faces' names, what it covers, what identifies it."""

    name: str                 # registered family name, e.g. "NotoSans"
    faces: dict[str, str]     # face -> registered font name
    coverage: frozenset[int]  # code points the regular face can draw
    stamp: str = ""           # what identifies the files (cache keys of laid-out text)


_REGISTERED: dict[tuple, Family] = {}


def find_family_dir(name: str, search: list[Path]) -> Path:
    for folder in search:
        candidate = folder / name
        if candidate.is_dir():
            return candidate
    looked = ", ".join(str(f / name) for f in search)
    raise LayoutError(f"font family '{name}' not found (looked in {looked})",
                      hint="add the family's folder of .ttf files under fonts/", code="font.missing")


MAX_FONT_BYTES = 64 * 1024 * 1024


def _face_files(name: str, folder: Path, single_face: bool) -> dict[str, Path]:
    files = {}
    wanted = {"regular": "Regular"} if single_face else FACES
    for face, suffix in wanted.items():
        path = folder / f"{name}-{suffix}.ttf"
        if not path.is_file() and face == "regular":
            path = folder / f"{name}.ttf"
        if not path.is_file():
            raise LayoutError(f"font file not found: {path}",
                              hint=f"family '{name}' needs {name}-{suffix}.ttf", code="font.missing")
        files[face] = path
    return files


def _digest(path: Path) -> str:
    """The sha256 of the file's bytes (hex): in its registered name (the first twelve
    digits) and in the key of its parsed face in the cache folder. Known from an earlier
    process while the file's stamp is the same (see `_known`)."""
    try:
        st = os.stat(path)
        if st.st_size > MAX_FONT_BYTES:
            raise LayoutError(f"font file {path} is over {MAX_FONT_BYTES >> 20} MB",
                              code="font.invalid")
        where = os.path.abspath(path)
        stamp = (st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns)
        files = _known()["files"]
        hit = files.get(where)
        if hit is not None and hit[0] == stamp:
            return hit[1]
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError as exc:
        raise LayoutError(f"cannot read font {path}: {exc.strerror}",
                          code="font.invalid") from None
    # A file changed within the last seconds might change again without its times
    # moving on (a coarse clock): its digest is only kept once it has been still.
    if time.time_ns() - max(st.st_mtime_ns, st.st_ctime_ns) > 2_000_000_000:
        files[where] = (stamp, digest)
        _KNOWN_STATE["changed"] = True
    return digest


# What font registration needs from earlier processes, in one entry of the cache folder
# (one read instead of one per face): each font file's sha256 by its stamp, and each
# parsed face's metadata (what "ttfmeta" entries hold) by the face's key. A file's stamp
# is its device, inode, size, and modification and change times in nanoseconds: any
# write to the file, or another file put in its place, changes it (the change time
# cannot be set back). Bounded: a brand's fonts come and go.
_KNOWN_STATE: dict = {"known": None, "changed": False}
KNOWN_LIMIT = 64


def _known() -> dict:
    known = _KNOWN_STATE["known"]
    if known is None:
        from briefgen import cache
        try:
            known = cache.load("fonts", cache.key("fonts"))
        except Exception:
            known = None
        if not (isinstance(known, dict) and isinstance(known.get("files"), dict)
                and isinstance(known.get("meta"), dict)
                and all(isinstance(v, tuple) and len(v) == 2 and isinstance(v[0], tuple)
                        and isinstance(v[1], str) for v in known["files"].values())):
            known = {"files": {}, "meta": {}}
        _KNOWN_STATE["known"] = known
    return known


def _save_known() -> None:
    """Store what this process added (nothing when it added nothing)."""
    if not _KNOWN_STATE["changed"]:
        return
    from briefgen import cache
    known = _KNOWN_STATE["known"]
    for part in ("files", "meta"):
        items = known[part]
        while len(items) > KNOWN_LIMIT:
            del items[next(iter(items))]     # the oldest first
    cache.store("fonts", cache.key("fonts"), known)
    _KNOWN_STATE["changed"] = False


def _register_face(reg_name: str, path: Path, digest: str):
    """Parse (from the cache folder when parsed before) and register one face; a font
    ReportLab refuses, or a damaged file, is a LayoutError naming the file."""
    try:
        font = parse_ttf(reg_name, path, digest)
    except TTFError as exc:
        raise LayoutError(f"cannot use font {path}: {' '.join(str(exc).split())[:120]}",
                          hint="use a TrueType (.ttf, glyf outlines) font that allows "
                               "embedding", code="font.invalid") from None
    except Exception as exc:  # a truncated or corrupt file fails anywhere in the parser
        raise LayoutError(f"cannot use font {path}: the file is damaged or truncated "
                          f"({type(exc).__name__})",
                          hint="copy the font file again from its source",
                          code="font.invalid") from None
    pdfmetrics.registerFont(font)
    return font


def load_family(name: str, search: list[Path], *, single_face: bool = False,
                files: dict[str, str] | None = None) -> Family:
    """Register a family's four faces (or just Regular for a fallback font), once per
    process and file content. `files` (face -> path) names the faces directly, as a brand
    kit does, instead of looking for the family's folder."""
    if files:
        files = {face: Path(files[face]) for face in FACES}
        for path in files.values():
            if not path.is_file():
                raise LayoutError(f"font file not found: {path}", code="font.missing")
    else:
        folder = find_family_dir(name, search)
        files = _face_files(name, folder, single_face)
    digests = {face: _digest(path) for face, path in files.items()}
    cache_key = (name, single_face, tuple(sorted(digests.items())))
    if cache_key in _REGISTERED:
        return _REGISTERED[cache_key]
    faces: dict[str, str] = {}
    coverage: frozenset[int] = frozenset()
    for face, path in files.items():
        base = "".join(c for c in name if c.isalnum()) or "Font"  # "House Sans" from a brand
        reg_name = f"{base}-{FACES[face]}-{digests[face][:12]}"
        font = _register_face(reg_name, path, digests[face])
        if face == "regular":
            coverage = _coverage(font)
        faces[face] = reg_name
    if single_face:
        faces = {face: faces["regular"] for face in FACES}
    pdfmetrics.registerFontFamily(faces["regular"], normal=faces["regular"], bold=faces["bold"],
                                  italic=faces["italic"], boldItalic=faces["bolditalic"])
    # the registered names hold the digests of the files
    family = Family(name, faces, coverage, "|".join(sorted(faces.values())))
    _REGISTERED[cache_key] = family
    _save_known()
    return family


def parse_ttf(name: str, path: Path, digest: str | None = None) -> TTFont:
    """`TTFont(name, path)`, from the user's cache folder when this file was parsed before.

    Parsing a face takes tens of milliseconds, and a brief registers thirteen. The parsed
    face is keyed by the file's bytes (their sha256, `digest` when the caller has it
    already) and ReportLab's version (see briefgen.cache); what
    is stored is exactly what TTFont's constructor set, less the per-document state. From
    the cache the face's tables are read only when something first asks for them
    (`LazyFace`): a Latin brief never draws with the eight script faces, nor with every
    face of each family.
    """
    from reportlab import Version, rl_config
    from reportlab.pdfbase import ttfonts

    from briefgen import cache
    if digest is None:
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
    # what the constructor's result depends on besides the file
    setting = repr((name, Version, getattr(ttfonts, "uharfbuzz", None) is not None,
                    rl_config.ttfAsciiReadable, getattr(ttfonts, "unShapedFontGlob", None)))
    k = cache.key("ttf", setting, "sha256", digest)
    known = _known()["meta"]
    meta = known.get(k)
    if meta is None:
        meta = cache.load("ttfmeta", k)
        if _meta_ok(meta):
            known[k] = _known_meta(meta)
            _KNOWN_STATE["changed"] = True
    if _meta_ok(meta):
        attrs, face_name, coverage = meta
        return _lazy_font(k, name, path, attrs, face_name, coverage)
    face_attrs = _unpack_face(cache.load("ttf", k), lazy_glyphs=False)
    if face_attrs is not None:
        attrs = face_attrs.pop("attrs")
        face = TTFontFace.__new__(TTFontFace)
        face.__dict__.update(face_attrs)
        face.filename = str(path)
        face._pdfScale = _pdf_scale(face.unitsPerEm)
        font = _font(name, attrs, face)
        kept = False
    else:
        font, attrs, kept = _parse_and_store(k, name, path)
    meta = (attrs, font.face.name, frozenset(font.face.charToGlyph))
    cache.store("ttfmeta", k, meta)
    _known()["meta"][k] = _known_meta(meta)
    _KNOWN_STATE["changed"] = True
    if kept:
        # Parsed just now and kept in the cache folder: hold it as the next process
        # will, its tables read back only if a document uses the face. A campaign
        # worker that starts with an empty cache folder would otherwise keep all
        # thirteen faces whole (~8 MiB) for the rest of the campaign.
        return _lazy_font(k, name, path, attrs, meta[1], meta[2])
    return font


def _meta_ok(meta) -> bool:
    return isinstance(meta, tuple) and len(meta) == 3 and isinstance(meta[0], dict) \
        and isinstance(meta[2], (frozenset, bytes))


def _known_meta(meta: tuple) -> tuple:
    """A face's metadata as the "fonts" entry keeps it: its coverage as marshal data,
    read only for a family's regular face (`_coverage`), the one whose coverage counts."""
    attrs, face_name, coverage = meta
    return (attrs, face_name, marshal.dumps(coverage) if isinstance(coverage, frozenset)
            else coverage)


def _lazy_font(k: str, name: str, path: Path, attrs: dict, face_name, coverage) -> TTFont:
    """The font of a face kept under `k`, its tables read back on first use."""
    return _font(name, attrs, LazyFace(face_name, str(path), coverage,
                                       functools.partial(_face_attrs, k, name, path)))


def _font(name: str, attrs: dict, face) -> TTFont:
    font = TTFont.__new__(TTFont)
    font.__dict__.update(attrs)
    font.fontName, font.face, font.state = name, face, WeakKeyDictionary()
    return font


def _parse_and_store(k: str, name: str, path: Path) -> tuple[TTFont, dict, bool]:
    """The face parsed from its file, and kept in the cache folder; with its font's
    attributes (what the constructor set, less the per-document state) and whether
    the cache folder kept it."""
    from briefgen import cache
    font = TTFont(name, str(path))
    attrs = {k: v for k, v in vars(font).items() if k not in ("face", "state")}
    face_attrs = {k: v for k, v in vars(font.face).items() if k != "_pdfScale"}
    kept = cache.store("ttf", k, _pack_face(attrs, face_attrs))
    return font, attrs, kept


def _pack_face(attrs: dict, face_attrs: dict) -> tuple:
    """A parsed face as the "ttf" entry keeps it: the font's and the face's attributes,
    with the face's large plain tables (widths, glyph maps, metrics, the file's bytes)
    as marshal data, which reads back several times faster than pickle's, and the
    glyph -> characters map apart, since only shaping reads it."""
    small, tables = {}, {}
    for key, value in face_attrs.items():
        (tables if type(value) in (dict, list, bytes) and _marshals(value)
         else small)[key] = value
    glyphs = tables.pop("glyphToChar", None)
    return ("face-2", attrs, small, marshal.dumps(tables),
            None if glyphs is None else marshal.dumps(glyphs))


def _marshals(value) -> bool:
    """Whether marshal gives `value` back as it is (plain types all the way down)."""
    try:
        back = marshal.loads(marshal.dumps(value))
    except (ValueError, TypeError):
        return False
    return back == value and _same_types(back, value)


def _same_types(a, b) -> bool:
    if type(a) is not type(b):
        return False
    if type(a) is dict:
        return all(_same_types(x, y) for x, y in zip(a, b)) and \
            all(_same_types(x, y) for x, y in zip(a.values(), b.values()))
    if type(a) in (list, tuple):
        return all(_same_types(x, y) for x, y in zip(a, b))
    return True


def _unpack_face(entry, *, lazy_glyphs: bool) -> dict | None:
    """The face's attributes from a "ttf" entry, its font's under "attrs" (None: not
    such an entry). With `lazy_glyphs`, glyphToChar stays marshal data under _glyphs."""
    if not (isinstance(entry, tuple) and len(entry) == 5 and entry[0] == "face-2"):
        return None
    _, attrs, small, tables, glyphs = entry
    if not (isinstance(attrs, dict) and isinstance(small, dict)
            and isinstance(tables, bytes) and isinstance(glyphs, (bytes, type(None)))):
        return None
    face_attrs = dict(small)
    try:
        face_attrs.update(marshal.loads(tables))
        if glyphs is not None:
            if lazy_glyphs:
                face_attrs["_glyphs"] = glyphs
            else:
                face_attrs["glyphToChar"] = marshal.loads(glyphs)
    except Exception:   # data that does not read back: parse the file instead
        return None
    face_attrs["attrs"] = attrs
    return face_attrs


def _face_attrs(k: str, name: str, path: Path) -> dict:
    """A face's parsed tables: from the cache folder, or parsed again if the entry has
    gone since (another process pruned it)."""
    from briefgen import cache
    face_attrs = _unpack_face(cache.load("ttf", k), lazy_glyphs=True)
    if face_attrs is not None:
        face_attrs.pop("attrs")
        return face_attrs
    font, _, _ = _parse_and_store(k, name, path)
    return {k: v for k, v in vars(font.face).items() if k != "_pdfScale"}


class LazyFace(TTFontFace):
    """A TrueType face whose name and coverage are known and whose tables (widths, glyph
    maps, the file's bytes: most of a cached face) are read the first time any other
    attribute is asked for. Registered like any face; ReportLab never sees the
    difference, since every attribute it reads is the parsed face's."""

    def __init__(self, name, filename: str, coverage: frozenset | bytes, load):
        # not TTFontFace.__init__, which parses the file; coverage as a frozenset, or
        # its marshal data (read by `_coverage`)
        self.__dict__.update(name=name, filename=filename, _load=load,
                             **{"_coverage_data" if isinstance(coverage, bytes)
                                else "_coverage": coverage})

    def __getattr__(self, attr):
        # only for attributes not set yet: the tables, before they are read
        d = self.__dict__
        if attr == "glyphToChar" and "_glyphs" in d:   # read apart: see _pack_face
            try:
                d["glyphToChar"] = marshal.loads(d.pop("_glyphs"))
            except Exception:   # data that does not read back: from the file
                d["glyphToChar"] = TTFontFace(d["filename"]).glyphToChar
            return d["glyphToChar"]
        if attr.startswith("__") or "_load" not in d:
            raise AttributeError(attr)
        face_attrs = d["_load"]()
        for key, value in face_attrs.items():
            if key not in ("name", "filename"):
                d[key] = value
        d["_pdfScale"] = _pdf_scale(d["unitsPerEm"])
        del d["_load"]
        return getattr(self, attr)


def _coverage(font: TTFont) -> frozenset:
    d = vars(font.face)
    known = d.get("_coverage")
    if known is None and "_coverage_data" in d:
        try:
            known = marshal.loads(d.pop("_coverage_data"))
        except Exception:   # data that does not read back: from the face's tables
            known = None
        if type(known) is frozenset:
            d["_coverage"] = known
        else:
            known = None
    return known if known is not None else frozenset(font.face.charToGlyph)


def _pdf_scale(units_per_em: int):
    # as TTFontFile.extractInfo makes it (a local lambda, which pickle cannot store)
    if units_per_em == 1000:
        return lambda x: x
    mult = 1000 / units_per_em
    return lambda x: x * mult


def load_script_family(name: str, search: list[Path]) -> Family:
    """A script font (Arabic, Hebrew, ...): Regular, and Bold when the folder has it.

    Such fonts have no italics. The faces are registered as fonts but not as a family:
    ReportLab's family lookup would otherwise take a face standing in for italic as
    italic and mark every fragment set in it so. The shaped paragraph picks the face.
    """
    folder = find_family_dir(name, search)
    cache_key = ("script", name, str(folder.resolve()))
    if cache_key in _REGISTERED:
        return _REGISTERED[cache_key]
    faces: dict[str, str] = {}
    coverage: frozenset[int] = frozenset()
    stamp = []
    for face, suffix in (("regular", "Regular"), ("bold", "Bold")):
        path = folder / f"{name}-{suffix}.ttf"
        if not path.is_file():
            if face == "regular":
                raise LayoutError(f"font file not found: {path}",
                                  hint=f"script font '{name}' needs {name}-Regular.ttf",
                                  code="font.missing")
            continue
        reg_name = f"{name}-{suffix}"
        st = path.stat()
        stamp.append(f"{reg_name}:{path.resolve()}:{st.st_size}:{st.st_mtime_ns}")
        font = _register_face(reg_name, path, _digest(path))
        if face == "regular":
            coverage = _coverage(font)
        faces[face] = reg_name
    faces.setdefault("bold", faces["regular"])
    faces["italic"], faces["bolditalic"] = faces["regular"], faces["bold"]
    family = Family(name, faces, coverage, "|".join(stamp))
    _REGISTERED[cache_key] = family
    _save_known()
    return family


def char_name(ch: str) -> str:
    return f"U+{ord(ch):04X} {unicodedata.name(ch, 'unnamed character')}"
