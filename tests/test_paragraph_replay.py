"""Paragraphs drawn again from what they drew in an earlier document (render.replay):
the same bytes as ReportLab drawing them afresh.

A campaign's rows in one workspace, as a worker builds them (a paragraph is recorded
the second time its lines are drawn, replayed from the third): towns whose names number
the fonts' characters differently (so that some replays write their text from this
document's codes, and others must format it again), tagged and as drafts without tags;
compared with the same documents drawn by ReportLab in a workspace of their own.
"""

from __future__ import annotations

import datetime as dt

import pytest

from briefgen.build import Workspace
from briefgen.render import replay
from briefgen.selection import Profile

DATE = dt.date(2026, 11, 23)
ROWS = [("brief", Profile(municipality=town, all=True, date=DATE), {}, True)
        for town in ("Malmö", "Łódź", "Lund", "Αθήνα")]
ROWS += [("brief", Profile(municipality=town, country="SE", date=DATE), {}, False)
         for town in ("Zürich", "Gävle", "Kraków")]


def _build(ws, kind, profile, options, tagged):
    return (ws if tagged else ws.draft()).build(kind, profile, **options).pdf


@pytest.fixture(scope="module")
def references():
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("BRIEFGEN_NO_CACHE", "1")
        ws = Workspace()
        with replay.disabled():
            return [_build(ws, *row) for row in ROWS]


@pytest.fixture(scope="module")
def replayed():
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("BRIEFGEN_NO_CACHE", "1")
        replay.clear()
        ws = Workspace()
        before = dict(replay.stats)
        pdfs = [_build(ws, *row) for row in ROWS]
        used = {k: replay.stats[k] - before[k] for k in before}
        return ws, pdfs, used


def test_replayed_rows_are_byte_identical_to_rows_drawn_afresh(references, replayed):
    _, pdfs, used = replayed
    assert used["played"] > 400 and used["fast"] > 300 and used["played"] > used["fast"]
    for (kind, profile, _, tagged), got, want in zip(ROWS, pdfs, references):
        assert got == want, f"{kind} for {profile.municipality} (tagged: {tagged})"


def test_a_changed_tape_changes_the_document(references, replayed):
    """The comparison above sees what replay draws: one text move dropped from every tape
    shows in the next document."""
    ws, _, _ = replayed
    changed = 0
    for tapes in list(replay._TAPES.values()):
        for key, tape in tapes.items():
            if not isinstance(tape, replay._Tape):
                continue
            ops = list(tape.ops)
            for i, op in enumerate(ops):
                if op[0] == replay._TEXT_CODE and any(s.endswith(" Td") for s in op[2]):
                    ops[i] = (op[0], op[1], tuple(s for s in op[2] if not s.endswith(" Td")))
                    changed += 1
                    break
            tapes[key] = replay._Tape(tuple(ops), tape.fonts)
    assert changed
    try:
        assert _build(ws, *ROWS[1]) != references[1]
    finally:
        replay.clear()
