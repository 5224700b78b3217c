"""Layout: the PDF stage's face — a Letter in, the bytes of its PDF out (reportlab behind it).

The work is done in the modules this one gathers: geometry (every size, in mm),
styles, story (the flowables), pictures, furniture (what is drawn around the text),
letter (:func:`render_pdf`). A batch also uses printfile (many letters in one PDF),
stationery (envelopes, labels) and the encoding plan in fonts; reportlab's private
attributes are touched only in reuse.
"""

from __future__ import annotations

from .geometry import PAPERS, Paper, Rect
from .letter import (
    LAYOUT_CHARACTERS,
    Letter,
    RenderedPDF,
    address_variants,
    printed_strings,
    render_pdf,
)
from .pictures import load_image
from .story import block_markup, paragraph, window_lines
from .styles import BODY_SIZE, CJK_LANGUAGES, styles_for

__all__ = [
    "BODY_SIZE",
    "CJK_LANGUAGES",
    "LAYOUT_CHARACTERS",
    "PAPERS",
    "Letter",
    "Paper",
    "Rect",
    "RenderedPDF",
    "address_variants",
    "block_markup",
    "load_image",
    "paragraph",
    "printed_strings",
    "render_pdf",
    "styles_for",
    "window_lines",
]
