"""Merging finished PDFs into one file with a bookmark per part (pypdf)."""

from __future__ import annotations

import io

from pypdf import PdfWriter
from pypdf.generic import NameObject, TextStringObject


def merge_pdfs(parts: list[tuple[str, bytes]], *, title: str, lang: str,
               labels: list[str] | None = None) -> bytes:
    """parts: (bookmark title, pdf bytes). Each part is read from its own stream: appending
    one reader twice would make the second copy's links point into the first."""
    writer = PdfWriter()
    start = 0
    for i, (name, pdf) in enumerate(parts):
        writer.append(io.BytesIO(pdf), outline_item=name, import_outline=True)
        end = len(writer.pages)
        if labels:
            writer.set_page_label(start, end - 1, style="/D", prefix=f"{labels[i]}-", start=1)
        start = end
    writer.add_metadata({"/Title": title, "/Producer": "briefgen (pypdf)"})
    writer.root_object[NameObject("/Lang")] = TextStringObject(lang)
    writer.page_mode = "/UseOutlines"
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
