"""Line breaks reused: a paragraph laid out once at a width is not broken into lines again.

Breaking lines (`Paragraph.breakLines`) was the largest part of a brief's time, and most
of it was repeated work: within one document a paragraph is wrapped several times at the
same width (to keep a heading with it, to measure a box, to try a split), and in a
campaign every row sets the same pack texts in the same styles. `BreakStore` keeps what
breaking produced, keyed by the paragraph's markup, style and bullet (the key its parsed
fragments are cached under) and the line widths; `CachedBreaks` replays it: the same
lines, the same processed fragments, the same attributes ReportLab set, so the PDF is
byte for byte the one a fresh break would give.

Only results nothing mutates afterwards are kept. ReportLab changes a few objects after
breaking: splitting at a hyphenated word re-classes that word, the "hard" split path
appends spaces to fragment texts, and right-to-left drawing reverses each line's words.
A break whose result holds such words, which left fragments unprocessed, or whose style
wraps other than left-to-right (CJK, RTL, shaping), is not stored.
"""

from __future__ import annotations

from collections import OrderedDict

from reportlab.platypus import paragraph as _rl

# What breakLines sets on the paragraph, replayed on a hit even where unchanged.
_ALWAYS = ("frags", "height", "_width_max", "_splitLongWordCount", "_hyphenations")

# Words that ReportLab re-classes when it splits a paragraph after them.
_MUTABLE = tuple(c for c in (getattr(_rl, "_SplitWordHY", None),
                             getattr(_rl, "_SplitFragHY", None)) if c is not None)


class BreakStore:
    """A bounded store (line breaks; parsed paragraphs too), least recently used dropped
    first."""

    def __init__(self, limit: int = 3000):
        self.limit = limit
        self._items: OrderedDict = OrderedDict()
        self.hits = self.misses = 0

    def __len__(self) -> int:
        return len(self._items)

    def get(self, key):
        hit = self._items.get(key)
        if hit is None:
            self.misses += 1
            return None
        self.hits += 1
        self._items.move_to_end(key)
        return hit

    def put(self, key, value) -> None:
        if self.limit <= 0:
            return
        self._items[key] = value
        if len(self._items) > self.limit:
            self._items.popitem(last=False)

    def clear(self) -> None:
        self._items.clear()


def _reusable(para, bl_para) -> bool:
    style = para.style
    if getattr(style, "wordWrap", None) or getattr(style, "shaping", 0):
        return False
    kind = getattr(bl_para, "kind", None)
    if kind == 0:
        for line in bl_para.lines:
            words = line[1] if isinstance(line, tuple) else getattr(line, "words", ())
            if any(isinstance(w, _MUTABLE) for w in words):
                return False
        return True
    if kind == 1:
        frags = para.frags
        if not _rl._processed_frags(frags):
            return False
        return not any(isinstance(f, _MUTABLE) for f in frags)
    return False


class CachedBreaks:
    """Mixin for Paragraph classes: breakLines through a BreakStore when given a key."""

    _breaks: BreakStore | None = None
    _break_key = None
    # the styles whose ids are in the key: each entry holds them, so no id is reused
    # by another style while an entry that names it exists
    _break_styles: tuple = ()

    def breakLines(self, width):
        store, key = self._breaks, self._break_key
        if store is None or key is None or not isinstance(width, list):
            return super().breakLines(width)
        k = (key, *width)
        self._break_full_key = k
        hit = store.get(k)
        if hit is not None:
            bl_para, widths_after, changed, _styles = hit
            width[:] = widths_after
            self.__dict__.update(changed)
            return bl_para
        before = dict(self.__dict__)
        bl_para = super().breakLines(width)
        if _reusable(self, bl_para):
            changed = {n: v for n, v in self.__dict__.items()
                       if n in _ALWAYS or n not in before or before[n] is not v}
            changed.pop("_break_full_key", None)
            store.put(k, (bl_para, list(width), changed, self._break_styles))
        return bl_para

    def split(self, availWidth, availHeight):
        parts = super().split(availWidth, availHeight)
        k = getattr(self, "_break_full_key", None)
        if len(parts) == 2 and k is not None and self._breaks is not None:
            # the parts' fragments follow from this break and where it was cut
            cut = len(parts[0].blPara.lines)
            for i, part in enumerate(parts):
                part._breaks = self._breaks
                part._break_key = (k, "split", cut, i)
                part._break_styles = (*self._break_styles, part.style)
        return parts
