"""Page layout as a whole (nkrefugees_letters/pdf/layout.py, render_pdf): fonts embedded, metadata,
one page of the right size, identical bytes for identical input."""

from __future__ import annotations

import io

import pypdf

from nkrefugees_letters.pdf import layout
from tests.pdf.helpers import ORG, compose


def test_fonts_are_embedded() -> None:
    pdf = layout.render_pdf(compose("us-chicago", ORG))
    reader = pypdf.PdfReader(io.BytesIO(pdf.data))
    fonts = reader.pages[0]["/Resources"]["/Font"]
    assert len(fonts) >= 2
    for ref in fonts.values():
        font = ref.get_object()
        descendant = (
            font["/DescendantFonts"][0].get_object() if "/DescendantFonts" in font else font
        )
        descriptor = descendant["/FontDescriptor"].get_object()
        assert "/FontFile2" in descriptor, font["/BaseFont"]


def test_metadata() -> None:
    pdf = layout.render_pdf(compose("us-chicago", ORG))
    reader = pypdf.PdfReader(io.BytesIO(pdf.data))
    meta = reader.metadata
    assert meta is not None
    assert meta.author == "Friends of Refugees"
    assert (
        meta.title is not None
        and "Consulate General of the People's Republic of China in Chicago" in meta.title
    )
    assert meta.subject is not None and meta.subject.startswith("On the 44th anniversary")
    assert reader.trailer["/Root"]["/Lang"] == "en"


def test_one_page_and_page_size() -> None:
    for mission_id, size in (("us-chicago", (612, 792)), ("gb-london", (595, 842))):
        pdf = layout.render_pdf(compose(mission_id, ORG))
        assert pdf.pages == 1
        box = pypdf.PdfReader(io.BytesIO(pdf.data)).pages[0].mediabox
        assert (round(float(box.width)), round(float(box.height))) == size


def test_same_input_gives_identical_bytes() -> None:
    first = layout.render_pdf(compose("us-chicago", ORG)).data
    second = layout.render_pdf(compose("us-chicago", ORG)).data
    assert first == second
