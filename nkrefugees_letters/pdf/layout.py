"""Layout: the PDF stage's face — a Letter in, the bytes of its PDF out (reportlab behind it).

The work is done in the modules this one gathers: content (the Letter it receives),
geometry (every size, in mm), styles, story (the flowables), pictures, furniture (what
is drawn around the text) and letter (:func:`render_pdf`). A batch also uses printfile
(many letters in one PDF), stationery (envelopes, labels) and the encoding plan in
embedding; reportlab's private attributes are touched only in reuse.
"""

from __future__ import annotations

from .content import Letter, address_variants
from .geometry import PAPERS, Paper, Rect
from .letter import LAYOUT_CHARACTERS, RenderedPDF, printed_strings, render_pdf
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
