"""Parsed paragraphs and line breaks kept in the cache folder for the next process.

A process whose first document finds its paragraphs' parsed fragments and line breaks in
the cache folder must write the bytes a process that parses and breaks everything writes:
each case is built by a process without any cache, by one that fills an empty cache
folder, and by a third that reads from it; all in separate processes.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from briefgen import cache
from briefgen.render import linebreaks
from conftest import REPO

# Each case: (kind, profile fields, build options, tagged)
CASES = {
    "brief-all": ("brief", {"municipality": "Malmö", "all": True}, {}, True),
    "brief-ar": ("brief", {"municipality": "Malmö", "country": "SE", "lang": "ar",
                           "priorities": ["protect", "families"]}, {}, True),
    "factsheet": ("factsheet", {"municipality": "Graz", "country": "AT"},
                  {"priority": "protect"}, True),
    "glance": ("at-a-glance", {"municipality": "Graz"}, {}, True),
    "brief-untagged": ("brief", {"municipality": "Malmö", "all": True}, {}, False),
}

# Builds every case in this one process, counting ReportLab's own line breaking, and
# prints what it saw.
SCRIPT = r"""
import datetime as dt, json, sys
import briefgen.render   # first: it imports ReportLab's platypus (see render.deferred)
from reportlab.platypus import paragraph
from briefgen.build import Workspace
from briefgen.selection import Profile

calls = {"n": 0}
original = paragraph.Paragraph.breakLines
def counting(self, width):
    calls["n"] += 1
    return original(self, width)
paragraph.Paragraph.breakLines = counting
from briefgen.render import replay
drawn = {"n": 0}
draw = replay._DRAW_PARA
def counting_draws(self, debug=0):
    drawn["n"] += 1
    return draw(self, debug)
replay._DRAW_PARA = counting_draws

cases, out = json.loads(sys.argv[1]), sys.argv[2]
spaces = {}
seen = {}
for name, (kind, fields, options, tagged) in cases.items():
    ws = spaces.setdefault(tagged, Workspace(tagged=tagged))
    fields = dict(fields, date=dt.date(2026, 11, 23))
    for k in ("priorities",):
        if k in fields:
            fields[k] = tuple(fields[k])
    before, before_drawn = calls["n"], drawn["n"]
    pdf = ws.build(kind, Profile(**fields), **options).pdf
    open(f"{out}/{name}.pdf", "wb").write(pdf)
    seen[name] = calls["n"] - before
    seen[name + " drawn"] = drawn["n"] - before_drawn
seen["url pattern compiled"] = paragraph.uri_pat._compiled is not None
print(json.dumps(seen))
"""


def build_all(folder, **env) -> tuple[dict, dict]:
    folder.mkdir(parents=True, exist_ok=True)
    result = subprocess.run([sys.executable, "-c", SCRIPT, json.dumps(CASES), str(folder)],
                            cwd=REPO, env={**os.environ, **env}, capture_output=True,
                            text=True)
    assert result.returncode == 0, result.stderr
    seen = json.loads(result.stdout.strip().splitlines()[-1])
    return {name: (folder / f"{name}.pdf").read_bytes() for name in CASES}, seen


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("kept")
    env = {"BRIEFGEN_CACHE_DIR": str(tmp / "cache")}
    return {
        "tmp": tmp,
        "none": build_all(tmp / "none", BRIEFGEN_NO_CACHE="1"),
        "filling": build_all(tmp / "filling", **env),
        "kept": sorted((tmp / "cache" / "paras").glob("*.pickle")),
        "warm": build_all(tmp / "warm", **env),
    }


@pytest.mark.parametrize("case", CASES)
def test_a_process_starting_from_kept_layout_writes_the_same_bytes(runs, case):
    reference = runs["none"][0][case]
    assert runs["filling"][0][case] == reference
    assert runs["warm"][0][case] == reference


def test_the_next_process_breaks_almost_no_line_again(runs):
    # one file per kind, language and tagging
    assert len(runs["kept"]) == 5
    cold, warm = runs["filling"][1], runs["warm"][1]
    assert cold["brief-all"] > 150
    # every paragraph of the full brief is kept (what is not: breaks ReportLab changes
    # afterwards, hyphenated splits, and shaped text, which keeps its own)
    assert warm["brief-all"] == 0
    assert warm["factsheet"] <= cold["factsheet"] // 5
    # and with no line broken at a URL, ReportLab's URL pattern is never compiled
    assert cold["url pattern compiled"] and not warm["url pattern compiled"]


def test_the_next_process_draws_almost_no_paragraph_with_reportlab(runs):
    """How each paragraph's lines were drawn is kept with them (render.replay): the next
    process replays it, and the bytes are the same (above)."""
    cold, warm = runs["filling"][1], runs["warm"][1]
    assert cold["brief-all drawn"] > 150 and cold["brief-untagged drawn"] > 150
    assert cold["factsheet drawn"] >= 10 and cold["glance drawn"] >= 10
    for case in ("brief-all", "brief-untagged", "factsheet", "glance"):
        assert warm[f"{case} drawn"] == 0, case


def test_a_foreign_or_damaged_file_is_laid_out_around(runs, monkeypatch):
    """Files of the right name whose contents are not what this briefgen wrote: ignored,
    the paragraphs parsed and broken anew, the bytes the same."""
    folder = runs["tmp"] / "cache"
    files = sorted((folder / "paras").glob("*.pickle"))
    assert files
    monkeypatch.setenv("BRIEFGEN_CACHE_DIR", str(folder))
    for i, path in enumerate(files):
        if i % 2:
            path.write_bytes(path.read_bytes()[:200])     # truncated
        else:                                              # well formed, wrong shape
            cache.store("paras", path.stem, {"format": linebreaks.FORMAT,
                                             "parsed": {("x", "y", None): "nonsense"},
                                             "breaks": {}})
    pdfs, seen = build_all(runs["tmp"] / "damaged", BRIEFGEN_CACHE_DIR=str(folder))
    assert pdfs == runs["none"][0]
    assert seen["brief-all"] > runs["warm"][1]["brief-all"]      # laid out anew


def test_restore_takes_nothing_from_an_unexpected_snapshot():
    parsed, breaks = linebreaks.BreakStore(10), linebreaks.BreakStore(10)
    for data in (None, [], {"format": linebreaks.FORMAT + 1, "parsed": {}, "breaks": {}},
                 {"format": linebreaks.FORMAT, "parsed": {("a", "b", None): ([], None)},
                  "breaks": {("k",): (None, "not a list", {})}}):
        assert linebreaks.restore(parsed, breaks, data) == set()
        assert len(parsed) == len(breaks) == 0


def test_styles_with_the_same_values_share_a_key_and_others_do_not():
    from reportlab.lib.colors import HexColor
    from reportlab.lib.styles import ParagraphStyle
    a = ParagraphStyle("body", fontSize=10, leading=12, textColor=HexColor("#112233"))
    b = ParagraphStyle("body", fontSize=10, leading=12, textColor=HexColor("#112233"))
    assert linebreaks.style_key(a) == linebreaks.style_key(b)
    for changed in ({"fontSize": 10.5}, {"leading": 12.01}, {"textColor": HexColor("#112234")},
                    {"alignment": 4}, {"hyphenationLang": "en_GB"}):
        c = ParagraphStyle("body", **{"fontSize": 10, "leading": 12,
                                      "textColor": HexColor("#112233"), **changed})
        assert linebreaks.style_key(c) != linebreaks.style_key(a), changed
    # a child inherits its parent's values: the same key as a style made with them
    child = ParagraphStyle("body", parent=a)
    assert linebreaks.style_key(child) == linebreaks.style_key(a)
    # a value without a stable text: keyed by the object, never kept on disk
    odd = ParagraphStyle("body", fontSize=10, leading=12, textColor=object())
    assert isinstance(linebreaks.style_key(odd), linebreaks.ById)



def test_tapes_that_name_a_font_this_process_lacks_are_not_replayed():
    import io
    import pickle

    from briefgen.render import replay

    class NamesAFont(pickle.Pickler):
        def persistent_id(self, obj):
            return ("font", "NoSuchFont-Regular") if obj == "the font" else None

    class Lines:   # stands for a paragraph's broken lines (a weak key)
        pass

    buf = io.BytesIO()
    NamesAFont(buf).dump({("context",): ((("op", "the font"),), (), None, None)})
    lines = Lines()
    assert replay.restore_tapes(lines, buf.getvalue()) is False
    assert replay.restore_tapes(lines, b"not a pickle") is False
    assert lines not in replay._TAPES
