"""ReportLab's URL pattern compiled only when a word that could be a URL asks for it."""

from __future__ import annotations


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
