"""The markup a layout's templates rendered, kept in the cache folder (layout.Templates).

A process that reads it back must write the bytes of one that renders every template,
and must never read back markup rendered for other values or from another template.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

from briefgen.layout import _relative_refs
from conftest import DATE, LAYOUTS, REPO, Pdf, assert_bad_input, edit, run


def brief(tmp_path, name: str, *args: str, cache=None) -> tuple[bytes, Pdf]:
    """`briefgen brief ARGS` in a process of its own, with `cache` as its cache folder
    (None: no cache at all)."""
    out = tmp_path / f"{name}.pdf"
    env = {**os.environ, "BRIEFGEN_CACHE_DIR": str(cache)} if cache else \
        {**os.environ, "BRIEFGEN_NO_CACHE": "1"}
    result = subprocess.run([sys.executable, "-m", "briefgen", "brief", *args, "--date", DATE,
                             "-o", str(out)], cwd=REPO, env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    return out.read_bytes(), Pdf(out)


def test_markup_kept_for_one_town_is_not_another_towns(tmp_path):
    folder = tmp_path / "cache"
    brief(tmp_path, "graz", "-m", "Graz", "-p", "1", cache=folder)
    assert list((folder / "markup").glob("*.pickle"))       # the cover, the closing, ...
    kept, pdf = brief(tmp_path, "linz", "-m", "Linz", "-p", "1", cache=folder)
    assert "Linz" in pdf.page_norm(0) and "Graz" not in pdf.text
    assert kept == brief(tmp_path, "linz-uncached", "-m", "Linz", "-p", "1")[0]


def test_an_edited_template_is_rendered_anew(tmp_path):
    layout = tmp_path / "layout"
    shutil.copytree(LAYOUTS / "default", layout)
    folder = tmp_path / "cache"
    _, before = brief(tmp_path, "before", "-m", "Graz", "-p", "1", "--layout", str(layout),
                      cache=folder)
    edit(layout / "templates" / "closing.html.j2", r'<p class="closing">',
         '<p class="closing">Edited since the last build.</p>\\n<p class="closing">')
    _, after = brief(tmp_path, "after", "-m", "Graz", "-p", "1", "--layout", str(layout),
                     cache=folder)
    assert "Edited since" not in before.text
    assert "Editedsincethelastbuild." in "".join(after.text.split())


def test_content_texts_a_template_places_are_counted_from_its_first():
    placed = '<p><inline ref="4"></inline> and <inline ref="5"></inline></p>'
    assert _relative_refs(placed, 4, 6) == \
        '<p><inline ref="0"></inline> and <inline ref="1"></inline></p>'
    # a reference of the template's own (not a text it placed) is never kept
    assert _relative_refs('<p><inline ref="0"></inline></p>', 4, 6) is None
    assert _relative_refs("<p><INLINE ref='4'></INLINE></p>", 4, 5) is None


def test_no_random_filter_in_a_template(tmp_path):
    """The same inputs give the same PDF: a template cannot draw lots."""
    layout = tmp_path / "layout"
    shutil.copytree(LAYOUTS / "default", layout)
    closing = layout / "templates" / "closing.html.j2"
    line = edit(closing, r'<p class="closing">', '<p>{{ [1, 2]|random }}</p>\\n<p class="closing">')
    out = tmp_path / "x.pdf"
    said = assert_bad_input(run("brief", "-m", "Graz", "-p", "1", "--layout", layout,
                                "--date", DATE, "-o", out), out)
    assert "No filter named 'random'" in said and f"closing.html.j2:{line}" in said, said


def test_a_template_cannot_change_what_it_was_given(tmp_path):
    """A later template would see the change on a cold build and not after a kept one:
    the sandbox refuses it, in one located line."""
    layout = tmp_path / "layout"
    shutil.copytree(LAYOUTS / "default", layout)
    closing = layout / "templates" / "closing.html.j2"
    line = edit(closing, r'<p class="closing">',
                '<p>{{ priorities.append(1) }}</p>\\n<p class="closing">')
    out = tmp_path / "x.pdf"
    said = assert_bad_input(run("brief", "-m", "Graz", "-p", "1", "--layout", layout,
                                "--date", DATE, "-o", out), out)
    assert "unsafe operation" in said and f"closing.html.j2:{line}" in said, said
