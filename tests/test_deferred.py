"""ReportLab's URL pattern compiled only when a word that could be a URL asks for it."""

from __future__ import annotations

import subprocess
import sys


def _fresh_process_prints(code: str) -> list[str]:
    """What `code` prints, as words, run in a Python that has imported nothing yet."""
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True).stdout.split()


def test_the_deferred_url_pattern_answers_what_reportlab_answers():
    import re

    from briefgen.render import deferred
    from reportlab.platypus import paragraph
    pattern = paragraph.uri_pat.pattern
    assert deferred._which(pattern, re.I) is deferred.DeferredURL
    assert deferred._which(pattern + "x", re.I) is None    # another pattern: compiled
    lazy, real = deferred.DeferredURL(pattern, re.I), re.compile(pattern, re.I)
    words = ["www.unicef.org", "children", "mailto:info@example.org", "Malmö",
             "https://www.unicef.org/child-alert", "HTTPS://EXAMPLE.ORG/a",
             "ftp://10.0.0.1:21/x", "a://b", "https://", "://example.org",
             "https://bücher.example/ü"]
    for i, word in enumerate(words):
        got, want = lazy.match(word), real.match(word)
        assert (got and got.group(0, 1)) == (want and want.group(0, 1)), word
        if i == 3:   # nothing with "://" asked yet: never compiled
            assert lazy._compiled is None
    assert lazy._compiled is not None
    assert lazy.pattern == pattern and lazy.flags == real.flags


def test_harfbuzz_is_imported_by_its_first_use_in_reportlab():
    """ttfonts' `uharfbuzz` stands in for the module until something reads from it; it
    is true, so TrueType fonts stay shapable, as with the module itself."""
    code = (
        "import sys\n"
        "import briefgen.render\n"
        "from reportlab.pdfbase import ttfonts\n"
        "from briefgen.lazy import OnUse\n"
        "print(type(ttfonts.uharfbuzz) is OnUse, 'uharfbuzz' in sys.modules,\n"
        "      bool(ttfonts.uharfbuzz))\n"
        "buffer = ttfonts.uharfbuzz.Buffer\n"
        "import uharfbuzz\n"
        "print(ttfonts.uharfbuzz is uharfbuzz, buffer is uharfbuzz.Buffer)\n")
    out = _fresh_process_prints(code)
    assert out == ["True", "False", "True", "True", "True"]


def test_platypus_tables_and_preformatted_text_come_when_asked_for():
    code = (
        "import sys\n"
        "import briefgen.render\n"
        "print('reportlab.platypus.tables' in sys.modules,\n"
        "      'reportlab.platypus.xpreformatted' in sys.modules)\n"
        "import reportlab.platypus as P\n"
        "from reportlab.platypus import Table, XPreformatted, Paragraph\n"
        "from reportlab.platypus.tables import Table as T2\n"
        "print(Table is T2, P.tables.LongTable is P.LongTable, 'XPreformatted' in P.__all__)\n"
        "ns = {}\n"
        "exec('from reportlab.platypus import *', ns)\n"
        "print(ns['PythonPreformatted'] is P.PythonPreformatted, ns['Paragraph'] is Paragraph)\n"
        "try:\n"
        "    P.NoSuchFlowable\n"
        "except AttributeError:\n"
        "    print('AttributeError')\n")
    out = _fresh_process_prints(code)
    assert out == ["False", "False", "True", "True", "True", "True", "True",
                   "AttributeError"]


def test_a_warm_brief_never_imports_tempfile_and_reportlab_still_finds_its_folder():
    """ReportLab's rltempfile holds a stand-in for tempfile (which brings shutil and
    random) until it asks for its folder; briefgen itself writes with output.new_file."""
    code = (
        "import sys\n"
        "import briefgen.render\n"
        "from reportlab.lib import rltempfile\n"
        "from briefgen.lazy import OnUse\n"
        "print(type(rltempfile.tempfile) is OnUse, 'tempfile' in sys.modules)\n"
        "where = rltempfile.get_rl_tempdir()\n"
        "import tempfile\n"
        "print(rltempfile.tempfile is tempfile, where.startswith(tempfile.gettempdir()))\n")
    out = _fresh_process_prints(code)
    assert out == ["True", "False", "True", "True"]


def test_reportlabs_debug_loggers_are_made_when_first_used():
    code = (
        "import sys\n"
        "import briefgen.render\n"
        "from reportlab.platypus import frames, doctemplate\n"
        "print('logging' in sys.modules)\n"
        "frames.logger.debug('not shown')\n"
        "import logging\n"
        "print(frames.logger.name, frames.logger.level == logging.getLogger('reportlab.platypus').level,\n"
        "      doctemplate.logging.getLogger is logging.getLogger)\n")
    out = _fresh_process_prints(code)
    assert out == ["False", "reportlab.platypus", "True", "True"]


def test_an_importer_that_asks_a_placeholder_for_more_gets_the_module(tmp_path):
    """A module imported while a placeholder stands in that reads anything else of it at
    import (here `json.dumps`) gets the real module, imported there and then."""
    (tmp_path / "needs_json.py").write_text("import json\nDUMPED = json.dumps([1])\n")
    code = (
        "import sys\n"
        f"sys.path.insert(0, {str(tmp_path)!r})\n"
        "from briefgen.lazy import standing_in, OnUse\n"
        "with standing_in([('json', 'needs_json', 'json')]):\n"
        "    import needs_json\n"
        "import json\n"
        "print(needs_json.DUMPED, type(needs_json.json).__name__, needs_json.json.dumps is json.dumps)\n")
    out = _fresh_process_prints(code)
    assert out == ["[1]", "OnUse", "True"]
