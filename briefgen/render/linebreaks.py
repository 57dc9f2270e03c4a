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

Across processes: a style is keyed by a fingerprint of its values (`style_key`), not by
the object, so the parsed paragraphs and breaks one document used can be kept in the
user's cache folder (`save`) and the next process's first document starts from them
(`load`): a fresh process used to parse and break every paragraph of its first brief,
more than half of that document's time. The file's key holds everything the results
depend on besides the keys themselves: briefgen's source (briefgen.cache), ReportLab's
version and settings, the fonts, the hyphenation dictionaries; see `Renderer`.
"""

from __future__ import annotations

import hashlib
from collections import OrderedDict
from weakref import WeakKeyDictionary

from reportlab.platypus import paragraph as _rl

# What breakLines sets on the paragraph, replayed on a hit even where unchanged.
_ALWAYS = ("frags", "height", "_width_max", "_splitLongWordCount", "_hyphenations")

# Words that ReportLab re-classes when it splits a paragraph after them.
_MUTABLE = tuple(c for c in (getattr(_rl, "_SplitWordHY", None),
                             getattr(_rl, "_SplitFragHY", None)) if c is not None)


class BreakStore:
    """A bounded store (line breaks; parsed paragraphs too), in two parts.

    A new entry waits in a probation part until a later document uses it again, which
    moves it to the main part; both drop their least recently used entry first. A
    campaign row's own texts (its town's name in the cover, the headings, the closing)
    are used by that row's document only, however often it wraps them: they leave
    through probation, so they neither push out what every row shares nor grow a
    worker's memory over a thousand rows. Probation holds a third of `limit`, room for
    every new entry of a document or two, so the next document still finds them.
    Entries loaded from the cache folder were a document's working set: they go to the
    main part. The renderer calls `next_document()` before each document it lays out.
    """

    def __init__(self, limit: int = 3000):
        self.limit = limit
        self._items: OrderedDict = OrderedDict()     # used by more than one document
        self._new: OrderedDict = OrderedDict()       # (document, value): one so far
        self._document = 0
        self.hits = self.misses = 0
        self.touched: set | None = None     # keys used while a document is recorded
        self.added = 0                      # entries put since the store was made

    @property
    def limit(self) -> int:
        return self._limit

    @limit.setter
    def limit(self, value: int) -> None:
        self._limit = value
        self._probation = max(1, value // 3)

    def next_document(self) -> None:
        self._document += 1

    def __len__(self) -> int:
        return len(self._items) + len(self._new)

    def __contains__(self, key) -> bool:
        return key in self._items or key in self._new

    def peek(self, key):
        """The entry, or None, without counting a use."""
        hit = self._items.get(key)
        if hit is None:
            entry = self._new.get(key)
            hit = entry[1] if entry is not None else None
        return hit

    def get(self, key):
        hit = self._items.get(key)
        if hit is not None:
            self._items.move_to_end(key)
        else:
            entry = self._new.get(key)
            if entry is None:
                self.misses += 1
                return None
            document, hit = entry
            if document == self._document:
                self._new.move_to_end(key)
            else:
                del self._new[key]
                self._keep(key, hit)
        self.hits += 1
        if self.touched is not None:
            self.touched.add(key)
        return hit

    def put(self, key, value, *, loaded: bool = False) -> None:
        if self._limit <= 0:
            return
        if not loaded:
            self.added += 1
            if self.touched is not None:
                self.touched.add(key)
        if loaded or key in self._items:
            self._new.pop(key, None)
            self._keep(key, value)
            return
        self._new[key] = (self._document, value)
        self._new.move_to_end(key)
        if len(self._new) > self._probation:
            self._new.popitem(last=False)

    def _keep(self, key, value) -> None:
        self._items[key] = value
        self._items.move_to_end(key)
        if len(self._items) > self._limit - self._probation:
            self._items.popitem(last=False)

    def clear(self) -> None:
        self._items.clear()
        self._new.clear()

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


# ------------------------------------------------------------------ across processes


class ById(int):
    """A style key that is the object's id: a style whose values have no stable text.
    Entries keyed by one live only in this process (they hold the style, so the id is
    not reused while they exist)."""

    __slots__ = ()


_STYLE_KEYS: WeakKeyDictionary = WeakKeyDictionary()


def _stable(value) -> str | None:
    """A text that differs whenever `value` does (None when there is none)."""
    if value is None or isinstance(value, (bool, int, float, str)):
        return f"{type(value).__name__}:{value!r}"
    if isinstance(value, (tuple, list)):
        parts = [_stable(v) for v in value]
        return None if None in parts else f"{type(value).__name__}({','.join(parts)})"
    cls = type(value)
    if cls.__module__ == "reportlab.lib.colors" and hasattr(value, "__dict__"):
        parts = [_stable(v) for _, v in sorted(vars(value).items())]
        names = ",".join(sorted(vars(value)))
        return None if None in parts else f"{cls.__qualname__}[{names}]({','.join(parts)})"
    return None


def style_key(style):
    """A short fingerprint of every value of a ParagraphStyle (not its parent, whose
    values it holds), the same in every process; a `ById` when a value has no stable
    text. Computed once per style object: briefgen never changes a style once made."""
    try:
        return _STYLE_KEYS[style]
    except (KeyError, TypeError):
        pass
    parts = []
    for name, value in sorted(vars(style).items()):
        if name == "parent":
            continue
        text = _stable(value)
        if text is None:
            key = ById(id(style))
            break
        parts.append(f"{name}={text}")
    else:
        key = hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:24]
    try:
        _STYLE_KEYS[style] = key
    except TypeError:
        pass
    return key


def _portable(key) -> bool:
    if isinstance(key, ById):
        return False
    if isinstance(key, tuple):
        return all(_portable(k) for k in key)
    return key is None or isinstance(key, (str, int, float))


FORMAT = 1


def snapshot(parsed: BreakStore, breaks: BreakStore, keys_parsed, keys_breaks) -> dict:
    """The portable entries among `keys_*` (a document's working set), to be stored."""
    out_p, out_b = {}, {}
    for k in keys_parsed:
        hit = parsed.peek(k)
        # only text paragraphs parsed in the style asked for (no nested-style entries,
        # no style the parser made for the paragraph)
        if hit is not None and k[:1] != ("nested",) and _portable(k) and hit[2] is None:
            out_p[k] = (hit[0], hit[1])
    from briefgen.render.replay import kept_tapes   # replay imports this module
    tapes = {}
    for k in keys_breaks:
        hit = breaks.peek(k)
        if hit is not None and _portable(k):
            out_b[k] = (hit[0], hit[1], hit[2])
            kept = kept_tapes(hit[0])
            if kept is not None:
                tapes[k] = kept
    from briefgen.render.markup import kept_words
    # the markup above holds hyphenated words: with those words kept, the next process
    # finds its paragraphs without reading a dictionary (or importing Pyphen); with the
    # tapes of how their lines were drawn, it draws none of them with ReportLab
    return {"format": FORMAT, "parsed": out_p, "breaks": out_b, "words": kept_words(),
            "tapes": tapes}


def restore(parsed: BreakStore, breaks: BreakStore, data) -> set:
    """Put a snapshot's entries into the stores; the keys put. Anything unexpected in
    it means none of it is used."""
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        return set()
    p, b = data.get("parsed"), data.get("breaks")
    if not isinstance(p, dict) or not isinstance(b, dict):
        return set()
    for k, v in p.items():
        if not (isinstance(k, tuple) and len(k) == 3 and isinstance(v, tuple) and len(v) == 2
                and isinstance(v[0], list)):
            return set()
    for k, v in b.items():
        if not (isinstance(k, tuple) and isinstance(v, tuple) and len(v) == 3
                and isinstance(v[1], list) and isinstance(v[2], dict)):
            return set()
    from briefgen.render.markup import keep_words
    keep_words(data.get("words"))
    put = set()
    for k, (frags, bullet_text) in p.items():
        if k not in parsed:
            parsed.put(k, (frags, bullet_text, None, None), loaded=True)
            put.add(k)
    tapes = data.get("tapes")
    if not isinstance(tapes, dict):
        tapes = {}
    from briefgen.render.replay import restore_tapes
    for k, (bl_para, widths_after, changed) in b.items():
        if k not in breaks:
            breaks.put(k, (bl_para, widths_after, changed, ()), loaded=True)
            put.add(k)
            kept = tapes.get(k)
            if isinstance(kept, bytes):
                restore_tapes(bl_para, kept)
    return put


def _settings() -> str:
    """ReportLab's version, its settings and the hyphenation dictionaries' package: what
    parsing and breaking depend on besides the text, the style and the fonts."""
    global _SETTINGS
    if _SETTINGS is None:
        from reportlab import Version, rl_config

        from briefgen import cache
        simple = (bool, int, float, str, type(None), tuple)
        values = sorted((k, repr(v)) for k, v in vars(rl_config).items()
                        if not k.startswith("__") and isinstance(v, simple))
        _SETTINGS = repr((Version, values, cache.library_stamp("pyphen"),
                          getattr(_rl, "pyphen", None) is not None))
    return _SETTINGS


_SETTINGS: str | None = None


def disk_key(*parts: str) -> str:
    from briefgen import cache
    return cache.key("paras", str(FORMAT), _settings(), *parts)


def load(parsed: BreakStore, breaks: BreakStore, key: str) -> set:
    """The entries kept under `key` put into the stores (the keys put); nothing when
    there is no such file or it cannot be used."""
    from briefgen import cache
    try:
        return restore(parsed, breaks, cache.load("paras", key))
    except Exception:   # a file from elsewhere that unpickled into nonsense: lay out anew
        return set()


def save(parsed: BreakStore, breaks: BreakStore, key: str, keys_parsed, keys_breaks) -> None:
    from briefgen import cache
    try:
        data = snapshot(parsed, breaks, keys_parsed, keys_breaks)
        if data["parsed"] or data["breaks"]:
            cache.store("paras", key, data)
    except Exception:   # never a reason for a failed build
        pass
