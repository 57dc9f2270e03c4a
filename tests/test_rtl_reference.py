"""Reference renderings: headless Chromium lays out fixed Arabic paragraphs with the same
fonts (@font-face on briefgen's own TTF files), size, leading and width; briefgen's lines
must break at the same words and show the words in the same visual order.

Chromium's words come from Range rectangles read by script in the page; briefgen's from
the PDF, read back with pdfium (the text and each character's box).
"""

from __future__ import annotations

import io
import json
import re
import shutil
import subprocess
import unicodedata
from html import escape
from pathlib import Path

import pypdfium2 as pdfium
import pytest
from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import Frame, Paragraph
from reportlab.pdfgen.canvas import Canvas

from briefgen.render.fonts import load_family, load_script_family
from briefgen.render.shaping import FontChain, shaped_class

FONTS = Path(__file__).resolve().parents[1] / "fonts"
WIDTH, SIZE, LEADING, INDENT = 300, 10, 14.5, 14

PURE = ("كثيرًا ما تتولى المدن الاستقبال والرعاية والخدمات الأولى، ما يضعها في موقع قوي "
        "لحماية الأطفال المتنقلين من العنف والإساءة والاستغلال والاتجار بالبشر. يُحسم على "
        "المستوى المحلي ما إذا كانت ملايين قصص الهجرة ستنتهي بالنجاح أو بالفشل، ففي المدارس "
        "وحدائق الأحياء يلتقي القادمون الجدد والسكان القدامى أول مرة.")
MIXED = ("يضم هذا المثال كلمات لاتينية مثل UNICEF وIDNYC، وأرقامًا مثل 2015 و68%، ورابطًا "
         "هو https://www.unicef.org/ بين قوسين (للتجربة فقط)، ثم يعود إلى العربية حتى نهاية "
         "السطر الأخير من الفقرة.")
ITEMS = ("تدريب العاملين في الخطوط الأمامية على تحديد الأطفال المعرضين للخطر وإحالتهم.",
         "تعيين أوصياء للأطفال غير المصحوبين فور وصولهم، ومتابعة أوضاعهم بانتظام.",
         "إشراك الأطفال والأسر في تصميم الخدمات المحلية التي تعنيهم.")
CASES = [("pure", PURE, 0), ("mixed", MIXED, 0)] + \
        [(f"item{i}", t, INDENT) for i, t in enumerate(ITEMS)]

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")

_SCRIPT = """
document.fonts.ready.then(() => {
  const out = {};
  for (const p of document.querySelectorAll('p')) {
    const node = p.firstChild, text = node.data, words = [], re = /\\S+/g;
    let m;
    while ((m = re.exec(text))) {
      const r = document.createRange();
      r.setStart(node, m.index); r.setEnd(node, m.index + m[0].length);
      const rects = [...r.getClientRects()];
      words.push([m[0], Math.min(...rects.map(x => x.left)), rects[0].top]);
    }
    out[p.id] = words;
  }
  const pre = document.createElement('pre');
  pre.id = 'result'; pre.textContent = JSON.stringify(out);
  document.body.appendChild(pre);
});
"""


def _bare(word: str) -> str:
    """A word as a key: its letters and digits, sorted (no marks, no punctuation).

    What is compared is which words a line holds and where they stand, not how pdfium
    orders letters inside a word: it lists a vowel mark drawn offset from its letter
    (tanween) or an Arabic comma after a Latin word as words of their own, and reads a
    URL or "68%" inside an Arabic line backwards (tests/test_rtl.py checks what copies
    out; tests/test_bidi.py where punctuation goes).
    """
    return "".join(sorted(c for c in unicodedata.normalize("NFD", word)
                          if unicodedata.category(c)[0] in "LN"))


def _lines_from(words) -> list[list[str]]:
    """[(word, left, top)] -> words per line (top to bottom), each in visual order."""
    rows: dict[int, list] = {}
    for w, left, top in words:
        if _bare(w):
            rows.setdefault(round(top), []).append((left, _bare(w)))
    return [[w for _, w in sorted(rows[k])] for k in sorted(rows)]


@pytest.fixture(scope="module")
def chromium(tmp_path_factory):
    if not CHROMIUM:
        pytest.skip("Debian's chromium is not installed: no reference rendering")
    tmp = tmp_path_factory.mktemp("chromium")
    face = "".join(
        f'@font-face{{font-family:"{fam}";src:url("{(FONTS / fam / (fam + "-Regular.ttf")).as_uri()}")}}'
        for fam in ("NotoSans", "NotoSansArabic"))
    css = (f'{face} body{{margin:0}} p{{font-family:"NotoSans","NotoSansArabic";'
           f"font-size:{SIZE}px;line-height:{LEADING}px;width:{WIDTH}px;margin:0 0 20px 0;"
           "text-align:start;font-kerning:normal}")
    body = "".join(f'<p dir="rtl" id="{cid}" style="width:{WIDTH - indent}px;'
                   f'margin-inline-start:{indent}px">{escape(text)}</p>'
                   for cid, text, indent in CASES)
    page = tmp / "ref.html"
    page.write_text(f'<!doctype html><html lang="ar"><head><meta charset="utf-8"><style>{css}'
                    f"</style></head><body>{body}<script>{_SCRIPT}</script></body></html>",
                    encoding="utf-8")
    proc = subprocess.run(
        [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--no-first-run", f"--user-data-dir={tmp / 'profile'}",
         "--allow-file-access-from-files", "--virtual-time-budget=10000", "--dump-dom",
         page.as_uri()], capture_output=True, text=True, timeout=120)
    m = re.search(r'<pre id="result">(.*?)</pre>', proc.stdout, re.S)
    if not m:
        pytest.skip(f"chromium gave no layout (exit {proc.returncode}): {proc.stderr[-300:]}")
    data = json.loads(m.group(1).replace("&amp;", "&").replace("&lt;", "<").replace("&gt;", ">"))
    return {cid: _lines_from(words) for cid, words in data.items()}


@pytest.fixture(scope="module")
def briefgen_lines(tmp_path_factory):
    body = load_family("NotoSans", [FONTS])
    arabic = load_script_family("NotoSansArabic", [FONTS])
    chain = FontChain((arabic.faces["regular"],), (arabic.faces["bold"],))
    cls = shaped_class(Paragraph, chain, True, "ar")
    buf = io.BytesIO()
    canv = Canvas(buf, pagesize=(WIDTH + 100, 1000), invariant=1)
    out = {}
    for cid, text, indent in CASES:
        style = ParagraphStyle(cid, fontName=body.faces["regular"], fontSize=SIZE,
                               leading=LEADING, leftIndent=indent,
                               bulletFontName=body.faces["regular"], bulletFontSize=SIZE)
        para = cls(escape(text), style, bulletText="\u2022" if indent else None)
        frame = Frame(50, 50, WIDTH, 900, leftPadding=0, rightPadding=0, topPadding=0,
                      bottomPadding=0, showBoundary=0)
        frame.addFromList([para], canv)
        canv.showPage()
        out[cid] = len(para._lines)
    canv.save()
    doc = pdfium.PdfDocument(buf.getvalue())
    lines = {}
    for i, (cid, _, _) in enumerate(CASES):
        tp = doc[i].get_textpage()
        words, cur, left, top = [], "", None, None
        for k in range(tp.count_chars()):
            ch = tp.get_text_range(k, 1)
            box = tp.get_charbox(k)
            if ch.isspace() or ch == "\u2022":
                if cur:
                    words.append((cur, left, top))
                cur, left = "", None
                continue
            cur += ch
            left = box[0] if left is None else min(left, box[0])
            top = -round((box[1] + box[3]) / 2 / LEADING)
        if cur:
            words.append((cur, left, top))
        lines[cid] = _lines_from(words)
        assert len(lines[cid]) == out[cid]
    doc.close()
    return lines


@pytest.mark.parametrize("cid", [c for c, _, _ in CASES])
def test_lines_break_at_the_same_words_as_chromium(chromium, briefgen_lines, cid):
    ours, theirs = briefgen_lines[cid], chromium[cid]
    assert [sorted(line) for line in ours] == [sorted(line) for line in theirs]


@pytest.mark.parametrize("cid", [c for c, _, _ in CASES])
def test_words_are_in_chromiums_visual_order(chromium, briefgen_lines, cid):
    assert briefgen_lines[cid] == chromium[cid]
