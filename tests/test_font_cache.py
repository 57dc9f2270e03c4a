"""A parsed face as the cache folder keeps it reads back as the parsed face itself."""

from __future__ import annotations

from reportlab.pdfbase.ttfonts import TTFont

from briefgen.render import fonts
from conftest import REPO

FONT = REPO / "fonts" / "NotoSans" / "NotoSans-Regular.ttf"


def _parsed():
    font = TTFont("CacheTest", str(FONT))
    attrs = {k: v for k, v in vars(font).items() if k not in ("face", "state")}
    face = {k: v for k, v in vars(font.face).items() if k != "_pdfScale"}
    return attrs, face


def test_a_packed_face_reads_back_as_parsed():
    attrs, face = _parsed()
    entry = fonts._pack_face(attrs, face)
    back = fonts._unpack_face(entry, lazy_glyphs=False)
    assert back.pop("attrs") == attrs
    assert back == face
    assert {k: type(v) for k, v in back.items()} == {k: type(v) for k, v in face.items()}
    # the large tables went to marshal data, the glyph map apart
    assert {"charWidths", "charToGlyph", "hmetrics", "glyphPos"} <= set(
        __import__("marshal").loads(entry[3]))
    lazy = fonts._unpack_face(entry, lazy_glyphs=True)
    assert "glyphToChar" not in lazy and isinstance(lazy["_glyphs"], bytes)


def test_a_lazy_face_reads_its_glyph_map_when_asked(tmp_path):
    attrs, face = _parsed()
    entry = fonts._pack_face(attrs, face)
    lazy = fonts.LazyFace(face["name"], str(FONT), frozenset(face["charToGlyph"]),
                          lambda: {k: v for k, v in fonts._unpack_face(
                              entry, lazy_glyphs=True).items() if k != "attrs"})
    assert lazy.charWidths == face["charWidths"]
    assert "glyphToChar" not in vars(lazy)
    assert lazy.glyphToChar == face["glyphToChar"]
    # damaged glyph data: read from the file instead
    broken = fonts.LazyFace(face["name"], str(FONT), frozenset(), lambda: {
        **{k: v for k, v in fonts._unpack_face(entry, lazy_glyphs=True).items()
           if k != "attrs"}, "_glyphs": b"\x00not marshal"})
    assert broken.unitsPerEm == face["unitsPerEm"]
    assert broken.glyphToChar == face["glyphToChar"]


def test_an_entry_that_does_not_read_back_is_not_used():
    attrs, face = _parsed()
    entry = list(fonts._pack_face(attrs, face))
    entry[3] = entry[3][: len(entry[3]) // 2]       # truncated tables
    assert fonts._unpack_face(tuple(entry), lazy_glyphs=False) is None
    assert fonts._unpack_face(("face-1", attrs, face), lazy_glyphs=False) is None
    assert fonts._unpack_face(None, lazy_glyphs=True) is None


def test_a_font_files_digest_is_taken_from_before_only_while_its_stamp_holds(monkeypatch):
    import hashlib
    import os
    monkeypatch.setitem(fonts._KNOWN_STATE, "known", {"files": {}, "meta": {}})
    monkeypatch.setitem(fonts._KNOWN_STATE, "changed", False)
    real = hashlib.sha256(FONT.read_bytes()).hexdigest()
    assert fonts._digest(FONT) == real
    files = fonts._KNOWN_STATE["known"]["files"]
    stamp, digest = files[os.path.abspath(FONT)]
    assert digest == real and fonts._KNOWN_STATE["changed"]
    st = os.stat(FONT)
    assert stamp == (st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns)
    files[os.path.abspath(FONT)] = (stamp, "0" * 64)      # what an earlier process said
    assert fonts._digest(FONT) == "0" * 64
    files[os.path.abspath(FONT)] = ((*stamp[:4], stamp[4] - 1), "0" * 64)   # changed since
    assert fonts._digest(FONT) == real


def test_a_font_file_written_a_moment_ago_is_hashed_again_next_time(tmp_path, monkeypatch):
    import shutil
    monkeypatch.setitem(fonts._KNOWN_STATE, "known", {"files": {}, "meta": {}})
    monkeypatch.setitem(fonts._KNOWN_STATE, "changed", False)
    copy = tmp_path / "NotoSans-Regular.ttf"
    shutil.copyfile(FONT, copy)
    fonts._digest(copy)
    assert fonts._KNOWN_STATE["known"]["files"] == {}


def test_a_faces_coverage_kept_as_data_reads_back_when_asked_for():
    import marshal
    attrs, face = _parsed()
    coverage = frozenset(face["charToGlyph"])
    entry = fonts._pack_face(attrs, face)

    def load():
        return {k: v for k, v in fonts._unpack_face(entry, lazy_glyphs=True).items()
                if k != "attrs"}

    font = fonts._font("CacheTest", attrs, fonts.LazyFace(
        face["name"], str(FONT), fonts._known_meta((attrs, face["name"], coverage))[2], load))
    assert "_load" in vars(font.face)
    assert fonts._coverage(font) == coverage
    assert "_load" in vars(font.face)          # the tables were not needed for it
    damaged = fonts._font("CacheTest", attrs, fonts.LazyFace(
        face["name"], str(FONT), marshal.dumps([1, 2])[:-1], load))
    assert fonts._coverage(damaged) == coverage   # from the face's own tables
