"""Page thumbnails of a PDF as PNG images (pypdfium2), for `briefgen preview` and the web
page's preview.

The PNG is written here (zlib and a few chunks) so that no imaging library is needed:
pypdfium2 gives the pixels, the standard library packs them.
"""

from __future__ import annotations

import struct
import zlib

from briefgen.errors import BriefgenError

DEFAULT_WIDTH = 200          # pixels; an A4 page is then 283 pixels high


def thumbnails(pdf: bytes, width: int = DEFAULT_WIDTH, *, first: int = 0,
               count: int | None = None) -> list[bytes]:
    """PNG images of the pages of `pdf`, each `width` pixels wide."""
    import pypdfium2 as pdfium
    try:
        doc = pdfium.PdfDocument(pdf)
    except pdfium.PdfiumError as exc:
        raise BriefgenError(f"not a PDF that can be read: {exc}",
                            hint="give a PDF file briefgen or another program wrote",
                            code="preview.pdf") from None
    try:
        end = len(doc) if count is None else min(len(doc), first + count)
        images = []
        for index in range(first, end):
            page = doc[index]
            scale = width / page.get_width()
            bitmap = page.render(scale=scale, rev_byteorder=True)
            images.append(_png(bitmap.width, bitmap.height, bitmap.stride,
                               bitmap.n_channels, bytes(bitmap.buffer)))
            page.close()
        return images
    finally:
        doc.close()


def _chunk(tag: bytes, data: bytes) -> bytes:
    return (struct.pack(">I", len(data)) + tag + data
            + struct.pack(">I", zlib.crc32(tag + data) & 0xFFFFFFFF))


def _png(width: int, height: int, stride: int, channels: int, buf: bytes) -> bytes:
    color_type = {1: 0, 3: 2, 4: 6}[channels]
    row = width * channels
    raw = b"".join(b"\0" + buf[y * stride:y * stride + row] for y in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, color_type, 0, 0, 0)
    # Level 3: thumbnails are mostly white paper; higher levels cost time, not bytes.
    return (b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", header)
            + _chunk(b"IDAT", zlib.compress(raw, 3)) + _chunk(b"IEND", b""))
