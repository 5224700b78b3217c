"""Page furniture (nkrefugees_letters/pdf/furniture.py): the letterhead and its logo, the
running header on later pages."""

from __future__ import annotations

import io
from pathlib import Path

import pdfplumber
import pypdf

from nkrefugees_letters.pdf import layout
from nkrefugees_letters.pdf.layout import PAPERS
from nkrefugees_letters.profile import Organisation, Profile
from tests.pdf.helpers import (
    MM,
    compose,
    long_letter,
    make_png,
)


def test_later_pages_carry_a_header_with_page_n_of_m() -> None:
    pdf = layout.render_pdf(long_letter())
    assert pdf.pages >= 2
    reader = pypdf.PdfReader(io.BytesIO(pdf.data))
    assert "Page 1 of" not in (reader.pages[0].extract_text() or "")
    for number in range(2, pdf.pages + 1):
        text = reader.pages[number - 1].extract_text() or ""
        assert f"Page {number} of {pdf.pages}" in text
        assert "His Excellency Xi Jinping" in text


def test_logo_is_drawn_in_the_letterhead(tmp_path: Path) -> None:
    logo = make_png(tmp_path / "logo.png")
    profile = Profile(organisation=Organisation(name="Logo Org", logo=logo))
    pdf = layout.render_pdf(compose("gb-london", profile))
    with pdfplumber.open(io.BytesIO(pdf.data)) as doc:
        images = doc.pages[0].images
    assert len(images) == 1
    assert images[0]["bottom"] < PAPERS["a4"].letterhead_bottom * MM
