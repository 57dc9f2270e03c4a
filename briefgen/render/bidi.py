"""The Unicode bidirectional algorithm (UAX #9), for paragraphs without explicit embeddings.

ReportLab orders right-to-left text only through `rlbidi`, which is not on the package
index, and python-bidi has no public API for the embedding levels that line breaking
needs. This is the part of UAX #9 that briefgen's paragraphs use: the weak-type rules
(W1-W7), paired brackets (N0), neutrals (N1, N2), implicit levels (I1, I2), and per line
the whitespace reset (L1) and reordering (L2). Explicit embeddings, overrides and
isolates (U+202A-U+202E, U+2066-U+2069) are dropped like boundary neutrals: content and
profile fields never need them, and a paragraph's direction comes from its document.

Checked against GNU FriBidi on random mixed strings (tests/test_bidi.py).
"""

from __future__ import annotations

import functools
import unicodedata

_EXPLICIT = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")

# Bidi_Paired_Bracket pairs (BidiBrackets.txt), the ones text in our languages uses.
_OPEN = {"(": ")", "[": "]", "{": "}", "\u2045": "\u2046", "\u207d": "\u207e",
         "\u208d": "\u208e", "\u2308": "\u2309", "\u230a": "\u230b", "\u2329": "\u232a",
         "\u2768": "\u2769", "\u276a": "\u276b", "\u27e6": "\u27e7", "\u27e8": "\u27e9",
         "\u3008": "\u3009", "\u300a": "\u300b", "\u300c": "\u300d", "\u300e": "\u300f",
         "\u3010": "\u3011", "\u3014": "\u3015", "\uff08": "\uff09", "\uff3b": "\uff3d",
         "\uff5b": "\uff5d"}
_CLOSE = {v: k for k, v in _OPEN.items()}
# Bidi_Mirroring_Glyph pairs among those (and a few others) both ways
MIRROR = {**_OPEN, **_CLOSE, "<": ">", ">": "<", "\u00ab": "\u00bb", "\u00bb": "\u00ab",
          "\u2039": "\u203a", "\u203a": "\u2039"}
_NEUTRAL = frozenset(("B", "S", "WS", "ON"))


@functools.lru_cache(maxsize=4096)
def _bidi_class(ch: str) -> str:
    if ch in _EXPLICIT:
        return "BN"
    return unicodedata.bidirectional(ch) or "L"


def char_types(text: str) -> list[str]:
    return [_bidi_class(c) for c in text]


def has_rtl(text: str) -> bool:
    return any(_bidi_class(c) in ("R", "AL", "AN") for c in text)


def levels(text: str, base: int) -> list[int]:
    """The embedding level of every character of one paragraph (base 0: LTR, 1: RTL).

    Line-independent levels (before rule L1); `line_levels` applies L1 to a line.
    """
    n = len(text)
    orig = char_types(text)
    idx = [i for i in range(n) if orig[i] != "BN"]       # X9: boundary neutrals removed
    t = [orig[i] for i in idx]
    m = len(t)
    e = "R" if base & 1 else "L"
    sos = eos = e
    # W1: a non-spacing mark takes the type of what precedes it
    prev = sos
    for k in range(m):
        if t[k] == "NSM":
            t[k] = prev
        prev = t[k]
    # W2, W3: European numbers after Arabic letters are Arabic numbers; AL is R
    last = sos
    for k in range(m):
        x = t[k]
        if x in ("L", "R", "AL"):
            last = x
        elif x == "EN" and last == "AL":
            t[k] = "AN"
    for k in range(m):
        if t[k] == "AL":
            t[k] = "R"
    # W4: one separator between two numbers of the same kind joins them
    for k in range(1, m - 1):
        x = t[k]
        if x == "ES" and t[k - 1] == "EN" and t[k + 1] == "EN":
            t[k] = "EN"
        elif x == "CS" and t[k - 1] == t[k + 1] and t[k - 1] in ("EN", "AN"):
            t[k] = t[k - 1]
    # W5: terminators (%, $, ...) next to European numbers are numbers
    k = 0
    while k < m:
        if t[k] == "ET":
            j = k
            while j < m and t[j] == "ET":
                j += 1
            if (k > 0 and t[k - 1] == "EN") or (j < m and t[j] == "EN"):
                for q in range(k, j):
                    t[q] = "EN"
            k = j
        else:
            k += 1
    # W6: other separators and terminators are neutral
    for k in range(m):
        if t[k] in ("ES", "ET", "CS"):
            t[k] = "ON"
    # W7: European numbers after a left-to-right letter are left-to-right
    last = sos
    for k in range(m):
        x = t[k]
        if x in ("L", "R"):
            last = x
        elif x == "EN" and last == "L":
            t[k] = "L"
    _brackets(text, idx, orig, t, e, sos)
    # N1, N2: neutrals between two strong types of one direction take it, others the base
    k = 0
    while k < m:
        if t[k] in _NEUTRAL:
            j = k
            while j < m and t[j] in _NEUTRAL:
                j += 1
            before = _strong(t[k - 1]) if k > 0 else sos
            after = _strong(t[j]) if j < m else eos
            fill = before if before == after else e
            for q in range(k, j):
                t[q] = fill
            k = j
        else:
            k += 1
    # I1, I2
    out = [base] * n
    for k in range(m):
        x = t[k]
        if base & 1:
            lv = base + 1 if x in ("L", "EN", "AN") else base
        else:
            lv = base + 1 if x == "R" else base + 2 if x in ("AN", "EN") else base
        out[idx[k]] = lv
    # removed characters take the level of what precedes them (base at the start)
    lv = base
    for i in range(n):
        if orig[i] == "BN":
            out[i] = lv
        else:
            lv = out[i]
    return out


def _strong(x: str) -> str:
    return "L" if x == "L" else "R"  # EN and AN count as R for neutrals


def _brackets(text, idx, orig, t, e, sos) -> None:
    """N0: a pair of brackets takes the direction of what it encloses or surrounds."""
    pairs, stack = [], []
    for k, i in enumerate(idx):
        if t[k] != "ON":
            continue
        ch = text[i]
        if ch in _OPEN:
            if len(stack) >= 63:
                break
            stack.append((_OPEN[ch], k))
        elif ch in _CLOSE:
            for s in range(len(stack) - 1, -1, -1):
                if stack[s][0] == ch:
                    pairs.append((stack[s][1], k))
                    del stack[s:]
                    break
    if not pairs:
        return
    pairs.sort()
    opposite = "R" if e == "L" else "L"
    for a, b in pairs:
        found = None
        for q in range(a + 1, b):
            x = t[q]
            if x in ("L", "R", "EN", "AN"):
                s = _strong(x)
                if s == e:
                    found = e
                    break
                found = opposite
        if found is None:
            continue
        if found == opposite:
            ctx = sos
            for q in range(a - 1, -1, -1):
                if t[q] in ("L", "R", "EN", "AN"):
                    ctx = _strong(t[q])
                    break
            found = opposite if ctx == opposite else e
        for q in (a, b):
            t[q] = found
            # marks that followed the bracket (W1 made them ON) follow it again
            r = q + 1
            while r < len(t) and orig[idx[r]] == "NSM":
                t[r] = found
                r += 1


def line_levels(text: str, paragraph_levels: list[int], start: int, end: int,
                base: int) -> list[int]:
    """Levels of text[start:end] as one line, after rule L1 (trailing whitespace to base)."""
    lv = paragraph_levels[start:end]
    types = char_types(text[start:end])
    trailing = True
    for k in range(len(lv) - 1, -1, -1):
        x = types[k]
        if x in ("S", "B"):
            lv[k] = base
            trailing = True
        elif trailing and x in ("WS", "BN"):
            lv[k] = base
        else:
            trailing = False
    return lv


def visual_order(lv: list[int]) -> list[int]:
    """L2: the logical indices of a line in visual (left-to-right) order."""
    order = list(range(len(lv)))
    if not lv:
        return order
    high = max(lv)
    odd = [x for x in lv if x & 1]
    if not odd:
        return order
    low_odd = min(odd)
    for level in range(high, low_odd - 1, -1):
        i, n = 0, len(lv)
        while i < n:
            if lv[order[i]] >= level:
                j = i
                while j < n and lv[order[j]] >= level:
                    j += 1
                order[i:j] = order[i:j][::-1]
                i = j
            else:
                i += 1
    return order
