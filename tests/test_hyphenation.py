"""Long words break with a hyphen, never silently mid-word (ReportLab's default).

A town name longer than the cover's line must still read as one word: every break in it
shows a hyphen, and the text a reader copies (or a search finds) is the name whole.
"""

from __future__ import annotations

import re

import pytest
from pypdf import PdfReader

from briefgen.render.markup import LONG_WORD, SOFT_HYPHEN, hyphenate
from conftest import DATE, norm, run

WELSH = "Llanfairpwllgwyngyllgogerychwyrndrobwllllantysiliogogogoch"  # 58 letters
GREEK = "Παπαδημητροπουλοχωριοπολη"  # no dictionary for these letters in an English brief


def cover_text(path) -> str:
    return PdfReader(path).pages[0].extract_text()


@pytest.mark.parametrize("name", [WELSH, GREEK])
@pytest.mark.parametrize("lang", ["en", "es", "fr"])
def test_a_name_too_long_for_the_cover_breaks_with_hyphens(tmp_path, name, lang):
    out = tmp_path / "brief.pdf"
    result = run("brief", "-m", name, "-p", "protect", "--lang", lang, "--date", DATE,
                 "-o", out)
    assert result.exit_code == 0, result.stderr
    text = cover_text(out)
    assert SOFT_HYPHEN not in text
    start = text.index(name[:8])                     # the title, the first place it is set
    title = text[start:start + len(name) + 12]
    assert "\n" in title[:len(name)]                 # it did not fit one line...
    assert re.sub(r"-\n", "", title).startswith(name)  # ...and each break shows a hyphen
    # Anywhere else in the brief (running head, closing) the name reads whole.
    later = norm(" ".join(p.extract_text() for p in PdfReader(out).pages[1:]))
    assert name in re.sub(r"- ", "", later)


def test_only_long_words_get_break_points():
    short = "A" * (LONG_WORD - 1)
    assert hyphenate(f"{short} responsabilidades", "es") == \
        f"{short} res{SOFT_HYPHEN}pon{SOFT_HYPHEN}sa{SOFT_HYPHEN}bi{SOFT_HYPHEN}li" \
        f"{SOFT_HYPHEN}da{SOFT_HYPHEN}des"


def test_urls_in_links_are_never_hyphenated(tmp_path):
    """Link text (often the URL itself) is left as it is: an added hyphen would mislead."""
    out = tmp_path / "agenda.pdf"
    assert run("brief", "--all", "-m", "Lund", "--date", DATE, "-o", out).exit_code == 0
    for page in PdfReader(out).pages:
        for link in re.findall(r"https?://\S+", page.extract_text()):
            assert SOFT_HYPHEN not in link


def test_kept_words_are_taken_only_while_their_dictionary_is_unchanged(tmp_path):
    """The words one process hyphenated, kept for the next (with the kept layout): taken
    as they are while the dictionary file they came from is unchanged, not after."""
    import os

    from briefgen.render import markup
    hyphenate("Wir übernehmen Verantwortungsbereitschaft", "de")   # Pyphen's dictionary
    kept = markup.kept_words()
    stamp, words = kept["de"]
    assert words["Verantwortungsbereitschaft"].count(SOFT_HYPHEN) >= 4
    assert os.path.basename(stamp[0]).startswith("hyph_de")

    folder = tmp_path / "dictionaries"
    folder.mkdir()
    dic = folder / "hyph_zz.dic"
    dic.write_text("UTF-8\n1a1\n", encoding="utf-8")
    made = markup._stamp(dic, str(folder))
    word = "Zzzzzzzzzzzzzzzzzzzz"
    marked = "Zzzz" + SOFT_HYPHEN + "zzzzzzzzzzzzzzzz"
    try:
        assert markup.keep_words({"zz-kept": (made, {word: marked})}) == 1
        assert hyphenate(f"a {word}", "zz-kept") == f"a {marked}"
        dic.write_text("UTF-8\n1b1\n", encoding="utf-8")       # the dictionary changed
        assert markup.keep_words({"zz-stale": (made, {word: marked})}) == 0
        assert markup.keep_words({"zz-odd": ("nonsense", {word: 1})}) == 0
        assert markup.keep_words(["nonsense"]) == 0
    finally:
        for lang in ("zz-kept", "zz-stale", "zz-odd"):
            markup._WORDS.pop((lang, word), None)
            markup._STAMPS.pop(lang, None)


@pytest.mark.parametrize("text", [" " * 20, "x " + "a" * 20, "short words only, every one",
                                  "\u00a0" * 3 + "Verantwortungsbereitschaft\tand more",
                                  "1234567890123456789 digits are no word"])
def test_texts_without_a_long_word_are_left_as_they_are_and_others_not(text):
    from briefgen.render import markup
    want = markup._LONG_WORD.sub(lambda m: markup._points(m.group(0), "de"), text)
    assert hyphenate(text, "de") == want
