"""Preview: a letter's pages as PNG images for the web page (the one module that imports
pypdfium2)."""

from __future__ import annotations

import io
import threading

import pypdfium2

PREVIEW_WIDTH = 900
"""Pixels across: sharp on a phone held upright, small enough to send inline."""
MAX_PAGES = 3

_LOCK = threading.Lock()  # PDFium is not thread-safe


def pages_png(pdf: bytes, width: int = PREVIEW_WIDTH) -> list[bytes]:
    """The first pages of ``pdf`` drawn as PNG images ``width`` pixels wide."""
    images = []
    with _LOCK:
        document = pypdfium2.PdfDocument(pdf)
        try:
            for index in range(min(len(document), MAX_PAGES)):
                page = document[index]
                scale = width / page.get_width()
                picture = page.render(scale=scale).to_pil()
                buffer = io.BytesIO()
                picture.save(buffer, format="PNG", optimize=True)
                images.append(buffer.getvalue())
                page.close()
        finally:
            document.close()
    return images


__all__ = ["pages_png"]
