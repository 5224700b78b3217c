"""The streaming document (nkrefugees_letters/pdf/streaming.py): pages written as they are
finished, a cross-reference table that points at every object, and no per-object
bookkeeping kept beyond a number and an offset."""

from __future__ import annotations

import io
import re

import pypdf
from reportlab.pdfbase import pdfdoc

from nkrefugees_letters.pdf import fonts, reuse
from nkrefugees_letters.pdf.streaming import XREF_LINES, StreamingDocument

PAGES = XREF_LINES // 2 + 300
"""Enough pages (each a page and its content stream) for a table of more than one part."""


def _document(pages: int) -> tuple[bytes, StreamingDocument]:
    fonts.register(fonts.LATIN)
    handle = io.BytesIO()
    canvas = reuse.PageCanvas(
        handle,
        pagesize=(300, 200),
        invariant=1,
        document=StreamingDocument,
        initialFontName=fonts.BODY_FONT,
    )
    for number in range(pages):
        canvas.setFont(fonts.BODY_FONT, 12)
        canvas.drawString(20, 100, f"Envelope {number + 1}, Ünterstraße 4")
        canvas.showPage()
    document = canvas._doc
    canvas.save()
    return handle.getvalue(), document


def test_every_object_is_where_the_cross_reference_table_says() -> None:
    data, document = _document(PAGES)
    xref = data.rindex(b"\nxref\n") + 1
    assert data[data.rindex(b"startxref\n") + 10 :].split()[0] == str(xref).encode()
    header, *entries = data[xref:].split(b"trailer")[0].split(b"\n")[1:-1]
    first, count = map(int, header.split())
    assert (first, count) == (0, document.objectcounter + 1) and len(entries) == count
    assert entries[0] == b"0000000000 65535 f "
    for number, entry in enumerate(entries[1:], start=1):
        assert re.fullmatch(rb"\d{10} 00000 n ", entry), entry
        offset = int(entry[:10])
        assert data[offset:].startswith(f"{number} 0 obj".encode()), number
    reader = pypdf.PdfReader(io.BytesIO(data), strict=True)
    assert len(reader.pages) == PAGES
    assert "Ünterstraße" in reader.pages[-1].extract_text()


def test_a_written_object_leaves_only_its_number_and_offset() -> None:
    _, document = _document(50)
    assert document.numberToId == {}  # every object written, none remembered by number
    assert all(document.written(n) for n in range(1, document.objectcounter + 1))
    assert {type(o) for o in document.idToObject.values()} == {type(None)}
    assert not hasattr(document, "idToOffset") or not document.idToOffset
    assert isinstance(pdfdoc.PDFObjectReference("Page1").format(document), bytes)
