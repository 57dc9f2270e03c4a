"""The bidi algorithm (briefgen/render/bidi.py): levels and visual order of mixed lines,
checked by hand on the cases a brief meets and against GNU FriBidi on random strings."""

from __future__ import annotations

import ctypes
import ctypes.util
import random
import re

import pytest

from briefgen.render import bidi


def visual(text: str, base: int) -> str:
    lv = bidi.line_levels(text, bidi.levels(text, base), 0, len(text), base)
    return "".join(text[i] for i in bidi.visual_order(lv))


def test_arabic_words_read_right_to_left():
    # logical "ابن سينا" is drawn with its first word at the right
    assert visual("\u0627\u0628\u0646 \u0633\u064a\u0646\u0627", 1) == \
        "\u0627\u0646\u064a\u0633 \u0646\u0628\u0627"


def test_latin_and_numbers_inside_arabic_keep_their_order():
    text = "\u0641\u064a \u0639\u0627\u0645 2015 \u0642\u0627\u0644\u062a UNICEF \u0625\u0646 68%."
    out = visual(text, 1)
    assert "2015" in out and "UNICEF" in out
    # after Arabic letters, 68 is an Arabic number (W2) and the % sign a neutral that
    # follows the Arabic direction: it reads "%68", as browsers show it
    assert "%68" in out
    # the sentence's first word is rightmost, the full stop at the far left
    assert out.endswith("\u064a\u0641") and out.startswith(".")


def test_brackets_pair_around_latin_in_arabic():
    # "(UNICEF)" inside Arabic: the brackets take the Arabic direction and mirror
    text = "\u0645\u0646\u0638\u0645\u0629 (UNICEF) \u0647\u0646\u0627"
    lv = bidi.levels(text, 1)
    assert lv[text.index("(")] == 1 and lv[text.index(")")] == 1
    assert lv[text.index("U")] == 2


def test_hebrew_name_in_english_line():
    assert visual("What \u05d0\u05d1\u05d2 can do", 0) == "What \u05d2\u05d1\u05d0 can do"


def test_trailing_spaces_take_the_paragraph_level():
    text = "abc \u05d0\u05d1 "
    lv = bidi.line_levels(text, bidi.levels(text, 0), 0, len(text), 0)
    assert lv[-1] == 0


def _fribidi():
    path = ctypes.util.find_library("fribidi")
    if not path:
        return None
    try:
        return ctypes.CDLL(path)
    except OSError:
        return None


def test_levels_match_fribidi_on_random_mixed_strings():
    lib = _fribidi()
    if lib is None:
        pytest.skip("GNU FriBidi (libfribidi0) is not installed: nothing to compare with")

    def fribidi_levels(text, base):
        n = len(text)
        arr = (ctypes.c_uint32 * n)(*map(ord, text))
        types, brackets = (ctypes.c_uint32 * n)(), (ctypes.c_uint32 * n)()
        lib.fribidi_get_bidi_types(arr, n, types)
        lib.fribidi_get_bracket_types(arr, n, types, brackets)
        par = ctypes.c_uint32(0x111 if base else 0x110)   # FRIBIDI_PAR_RTL / _LTR
        out = (ctypes.c_int8 * n)()
        lib.fribidi_get_par_embedding_levels_ex(types, brackets, n, ctypes.byref(par), out)
        return list(out)

    pool = "abc ABC \u05d0\u05d1\u05d2 \u0639\u0631\u0628\u064a 0123 \u0660\u0661 .,:-+/%$#()[]{}!?" \
           "\u064b\u0301\u200d\u00ad\t\u00ab\u00bb'\"\u2013\u2014"
    # FriBidi merges a bracket with a combining mark beside it into one neutral run and
    # stops treating it as a bracket (UAX #9 N0 keeps it); such strings are left out.
    quirk = re.compile("[()\\[\\]{}][\u064b\u0301]|[\u064b\u0301][()\\[\\]{}]")
    rng = random.Random(13)
    checked = 0
    while checked < 3000:
        text = "".join(rng.choice(pool) for _ in range(rng.randint(1, 30)))
        if quirk.search(text):
            continue
        base = rng.randint(0, 1)
        ours = bidi.line_levels(text, bidi.levels(text, base), 0, len(text), base)
        theirs = fribidi_levels(text, base)
        types = bidi.char_types(text)
        keep = [i for i, t in enumerate(types) if t != "BN"]
        assert [ours[i] for i in keep] == [theirs[i] for i in keep], (text, base)
        checked += 1
