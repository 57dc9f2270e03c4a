"""Inline nodes to ReportLab paragraph markup. Every piece of text is escaped here.

This is the only place that writes paragraph tags for text: content, templates and user
values arrive as nodes and leave as escaped markup, so `<b>Evil</b> & Co` prints as typed.
Characters the main font lacks are set in the fallback font; characters neither has are
collected and reported by name, never drawn as empty boxes.

Text is set ragged-right and words move to the next line whole, except long ones: those
get soft hyphens at the language's hyphenation points (Pyphen's dictionaries), so that a
word too long for the line, such as a 58-letter Welsh town name on a cover, is broken
with a hyphen, never silently mid-word. ReportLab draws a soft hyphen only where it
breaks the line, and text extraction sees the word whole.

The words a process hyphenated are kept with its laid-out paragraphs in the user's
cache folder (`kept_words`, `keep_words`, through render.linebreaks), with the size and
time of the dictionary file each came from: the next process takes a kept word as it is
while that file is unchanged, and imports Pyphen only for a word it has not seen.
"""

from __future__ import annotations

import functools
import os
import re

from briefgen import inline
from briefgen.render import tags
from briefgen.render.fonts import Family
from briefgen.render.shaping import COMPLEX

def escape(text: str) -> str:
    """`xml.sax.saxutils.escape`, whose module imports urllib.request (and with it email
    and http): a fifth of the imports a brief needs besides ReportLab."""
    return text.replace("&", "&amp;").replace(">", "&gt;").replace("<", "&lt;")


def quoteattr(text: str) -> str:
    """`xml.sax.saxutils.quoteattr`, the same output."""
    text = escape(text).replace("\n", "&#10;").replace("\r", "&#13;").replace("\t", "&#9;")
    if '"' not in text:
        return f'"{text}"'
    if "'" not in text:
        return f"'{text}'"
    return '"%s"' % text.replace('"', "&quot;")


# Characters that are never drawn and need no glyph.
_INVISIBLE = {0x200B, 0x200C, 0x200D, 0x2060, 0xFEFF, 0x00AD}

SOFT_HYPHEN = "\u00ad"
LONG_WORD = 16          # letters; shorter words are never hyphenated
# Arabic, Hebrew and the Indic scripts are never hyphenated: their words are shaped
# whole, and an Arabic reader does not expect a hyphen at all.
_LONG_WORD = re.compile("[^\\W\\d_\u0590-\u08ff\u0900-\u0dff\ufb1d-\ufdff\ufe70-\ufeff]{%d,}"
                        % LONG_WORD)
_EVERY = 6              # letters between breaks when the dictionary has none for a word


@functools.lru_cache(maxsize=None)
def _dictionary(lang: str):
    """Pyphen's dictionary for `lang` (None: there is none); its stamp in `_STAMPS`."""
    import pyphen
    name = pyphen.language_fallback(lang.replace("-", "_")) or \
        pyphen.language_fallback(lang.split("-")[0])
    folder = _dictionaries_folder(pyphen)
    if not name:
        _STAMPS[lang] = _stamp(None, folder)
        return None
    # Reading a dictionary's patterns takes longer than laying out a brief: keep the
    # parsed patterns in the user's cache (briefgen.cache), keyed by the file's bytes.
    from briefgen import cache
    path = pyphen.LANGUAGES[name]
    _STAMPS[lang] = _stamp(path, folder)
    try:
        k = cache.key("pyphen", name, getattr(pyphen, "__version__", ""), path.read_bytes())
    except OSError:
        return pyphen.Pyphen(lang=name)
    patterns = cache.load("pyphen", k)
    if isinstance(patterns, pyphen.HyphDict):
        pyphen.hdcache.setdefault(path, patterns)
        return pyphen.Pyphen(lang=name)
    dictionary = pyphen.Pyphen(lang=name)
    cache.store("pyphen", k, dictionary.hd)
    return dictionary


def _dictionaries_folder(pyphen) -> str | None:
    """The one folder Pyphen found its dictionaries in (None: several, or none)."""
    folders = {os.path.dirname(os.fspath(p)) for p in pyphen.LANGUAGES.values()
               if isinstance(p, os.PathLike)}
    return folders.pop() if len(folders) == 1 else None


def _stamp(path, folder: str | None) -> tuple | None:
    """What a language's hyphenation points depend on besides Pyphen's code (whose
    version is in the kept layout's key): its dictionary file's size and time, and the
    time of the folder of dictionaries, whose files say which languages have one (for
    a language without one, that alone). None when not known: nothing is kept."""
    try:
        if folder is None:
            return None
        f = os.stat(folder)
        if path is None:
            return (None, 0, 0, folder, f.st_mtime_ns)
        d = os.stat(path)
        return (str(path), d.st_size, d.st_mtime_ns, folder, f.st_mtime_ns)
    except (OSError, TypeError, ValueError):
        return None


# (lang, word) -> the word with its soft hyphens, hyphenated by this process or kept from
# an earlier one: what `kept_words` gives to be stored. Bounded (a campaign's town names).
_WORDS: dict[tuple[str, str], str] = {}
_STAMPS: dict[str, tuple | None] = {}    # lang -> the stamp its words were made under
MAX_WORDS = 4096


def _points(word: str, lang: str) -> str:
    marked = _WORDS.get((lang, word))
    if marked is not None:
        return marked
    dictionary = _dictionary(lang)  # loaded only once a long word needs it
    marked = dictionary.inserted(word, hyphen=SOFT_HYPHEN) if dictionary else word
    if SOFT_HYPHEN not in marked:
        # No dictionary points (another script, or no dictionary): break every few
        # letters, keeping three at either end, so that a break still shows a hyphen.
        cuts = range(_EVERY, len(word) - 2, _EVERY)
        marked = SOFT_HYPHEN.join(word[a:b] for a, b in zip([0, *cuts], [*cuts, len(word)]))
    if len(_WORDS) < MAX_WORDS:
        _WORDS[(lang, word)] = marked
    return marked


# The pack's texts recur in every document (about 220 a brief, per language); a campaign
# row adds a few of its own, so the bound stays near what a few languages need.
@functools.lru_cache(maxsize=2048)
def hyphenate(text: str, lang: str) -> str:
    """`text` with soft hyphens in its long words (none in words under LONG_WORD letters)."""
    if len(text) < LONG_WORD or max(map(len, text.split()), default=0) < LONG_WORD:
        return text   # no word that long (a run of letters never spans a space)
    return _LONG_WORD.sub(lambda match: _points(match.group(0), lang), text)


def kept_words() -> dict:
    """The words hyphenated so far: language -> (stamp, {word: hyphenated}); languages
    whose stamp is not known are left out."""
    out: dict = {}
    for (lang, word), marked in _WORDS.items():
        stamp = _STAMPS.get(lang)
        if stamp is not None:
            out.setdefault(lang, (stamp, {}))[1][word] = marked
    return out


def keep_words(data) -> int:
    """Take an earlier process's `kept_words()`, for each language whose stamp still
    holds; the number of words taken. Anything unexpected is ignored."""
    if not isinstance(data, dict):
        return 0
    taken = 0
    for lang, entry in data.items():
        if not (isinstance(lang, str) and isinstance(entry, tuple) and len(entry) == 2
                and isinstance(entry[0], tuple) and len(entry[0]) == 5
                and isinstance(entry[1], dict)):
            continue
        stamp, words = entry
        if lang in _STAMPS:
            if _STAMPS[lang] != stamp:
                continue
        elif _stamp(stamp[0], stamp[3]) != stamp:
            continue
        else:
            _STAMPS[lang] = stamp
        for word, marked in words.items():
            if type(word) is str and type(marked) is str and len(_WORDS) < MAX_WORDS \
                    and (lang, word) not in _WORDS:
                _WORDS[(lang, word)] = marked
                taken += 1
    return taken


_DRAWABLE: dict = {}


def _drawable(main: Family, scripts: tuple[Family, ...]) -> frozenset[int]:
    """What a text may hold to pass through unchanged: the main font's characters and
    the shaped scripts' letters the script fonts have (computed once per font set)."""
    key = (main.name, main.coverage.__hash__(), tuple(f.name for f in scripts))
    hit = _DRAWABLE.get(key)
    if hit is None:
        letters = {cp for f in scripts for cp in f.coverage
                   if COMPLEX.match(chr(cp)) and cp not in _INVISIBLE}
        hit = _DRAWABLE[key] = frozenset(main.coverage | letters)
    return hit


class Marker:
    """Turns inline nodes into markup for one document, remembering what was missing."""

    def __init__(self, main: Family, fallback: Family | None, link_color: str,
                 lang: str = "en", scripts: tuple[Family, ...] = ()):
        self.main = main
        self.fallback = fallback
        # Letters of scripts that need shaping stay as they are: the shaped paragraph
        # picks their font (one of these) per character.
        self.scripts = scripts
        self._drawable = _drawable(main, scripts)
        self.link_color = link_color
        self.lang = lang
        self.missing: dict[str, str] = {}  # char -> a sample of the text it was in
        # Tagged PDF: the document's structure tree (None: untagged), and the words
        # link annotations say for footnote and endnote callouts.
        self.tagger: tags.Tagger | None = None
        self.callout_words = ("Footnote {number}", "Endnote {number}", "back to text")

    def text(self, value: str) -> str:
        cover = self.main.coverage
        # Fast path: nearly every string is fully covered by the main font, or by it
        # and the script fonts (an Arabic document's texts).
        if cover.issuperset(map(ord, value)) or self._drawable.issuperset(map(ord, value)):
            return escape(value)
        out: list[str] = []
        in_fallback = False
        for ch in value:
            cp = ord(ch)
            if ch == SOFT_HYPHEN:  # a break point, drawn (as a hyphen) only where used
                out.append(ch)
                continue
            if cp in _INVISIBLE or (cp < 32 and ch not in "\n\t"):
                continue
            if cp in cover or ch in "\n\t":
                if in_fallback:
                    out.append("</font>")
                    in_fallback = False
                out.append(escape(ch))
            elif self.scripts and COMPLEX.match(ch) and \
                    any(cp in f.coverage for f in self.scripts):
                if in_fallback:
                    out.append("</font>")
                    in_fallback = False
                out.append(ch)
            elif self.fallback and cp in self.fallback.coverage:
                if not in_fallback:
                    out.append(f'<font name="{self.fallback.faces["regular"]}">')
                    in_fallback = True
                out.append(escape(ch))
            else:
                self.missing.setdefault(ch, value[:60])
                if in_fallback:
                    out.append("</font>")
                    in_fallback = False
                out.append("?")
        if in_fallback:
            out.append("</font>")
        return "".join(out)

    def nodes(self, nodes, *, upper: bool = False, in_link: bool = False,
              inlines: list | None = None, lang: str | None = None) -> str:
        """Markup for `nodes`. With `inlines` (a list; tagged PDF), every link is also
        delimited by markers and its structure element appended to `inlines`. `lang`:
        the nodes are in that language, not the document's (hyphenation)."""
        if lang is not None and lang != self.lang:
            own, self.lang = self.lang, lang
            try:
                return self.nodes(nodes, upper=upper, in_link=in_link, inlines=inlines)
            finally:
                self.lang = own
        out: list[str] = []
        kw = {"inlines": inlines} if inlines is not None else {}
        for node in nodes:
            if isinstance(node, inline.Text):
                text = node.text.upper() if upper else node.text
                # Link text is often a URL, where an added hyphen would mislead.
                out.append(self.text(text if in_link else hyphenate(text, self.lang)))
            elif isinstance(node, inline.Styled):
                tag = node.style
                out.append(f"<{tag}>{self.nodes(node.children, upper=upper, in_link=in_link, **kw)}"
                           f"</{tag}>")
            elif isinstance(node, inline.Link):
                i = self._inline(out, inlines, node.url, _link_words(node))
                out.append(f"<a href={quoteattr(node.url)} color={quoteattr(self.link_color)}>"
                           f"{self.nodes(node.children, upper=upper, in_link=True)}</a>")
                self._close(out, i)
            elif isinstance(node, inline.Lang):
                # another language: a Span with its /Lang (tagged PDF), hyphenated as it
                i = self._open(out, inlines, tags.Elem("Span", lang=node.lang))
                out.append(self.nodes(node.children, upper=upper, in_link=in_link,
                                      lang=node.lang, **kw))
                self._close(out, i)
            elif isinstance(node, inline.LineBreak):
                out.append("<br/>")
            elif isinstance(node, inline.FootnoteMark):
                n = node.number
                out.append(f'<a name="fnref-{n}"/>')
                i = self._inline(out, inlines, f"#fn-{n}", self.callout_words[0].format(number=n),
                                 note=n)
                out.append(f'<super><a href="#fn-{n}" '
                           f'color={quoteattr(self.link_color)}>{n}</a></super>')
                self._close(out, i)
            elif isinstance(node, inline.EndnoteMark):
                label = node.label
                anchor = f'<a name="enref-{label}"/>' if node.first else ""
                out.append(anchor)
                i = self._inline(out, inlines, f"#en-{label}",
                                 self.callout_words[1].format(number=label))
                out.append(f'<super><a href="#en-{label}" '
                           f'color={quoteattr(self.link_color)}>{label}</a></super>')
                self._close(out, i)
            else:  # an unresolved content reference must never reach the renderer
                raise TypeError(f"renderer cannot draw {type(node).__name__}")
        return "".join(out)

    def _inline(self, out: list, inlines: list | None, target: str, words: str,
                note: int | None = None) -> int | None:
        """Open a Link element (tagged PDF only): its marker goes into `out`."""
        if inlines is None:
            return None
        return self._open(out, inlines, tags.link(target, words, self.tagger.note(note)
                          if note is not None and self.tagger is not None else None))

    @staticmethod
    def _open(out: list, inlines: list | None, elem) -> int | None:
        """Open an inline element (tagged PDF only): its marker goes into `out`."""
        if inlines is None:
            return None
        inlines.append(elem)
        out.append(tags.marker(f"o{len(inlines) - 1}"))
        return len(inlines) - 1

    @staticmethod
    def _close(out: list, i: int | None) -> None:
        if i is not None:
            out.append(tags.marker(f"c{i}"))


def _link_words(node) -> str:
    """What a link annotation says: its text, and where it goes when the text does not say."""
    words = inline.plain(node.children).strip()
    url = node.url
    return url if not words or words == url else f"{words} ({url})"
