"""The story (nkrefugees_letters/pdf/story.py): the address in the envelope window, the return
line, the signatures in columns and never alone on a page, captions in the letter's language."""

from __future__ import annotations

import io

import pdfplumber
import pypdf
import pytest

from nkrefugees_letters.pdf import fonts, layout
from nkrefugees_letters.pdf.layout import PAPERS
from nkrefugees_letters.profile import Profile
from tests.pdf.helpers import (
    MM,
    ORG,
    compose,
    line_box,
    long_letter,
    words_of,
    words_text,
)


@pytest.mark.parametrize(
    ("mission_id", "paper", "address_line"),
    [("us-chicago", "letter", "100 West Erie Street"), ("gb-london", "a4", "Portland Place")],
)
@pytest.mark.parametrize("profile", [Profile(), ORG], ids=["personal", "organisation"])
def test_recipient_address_sits_in_the_envelope_window(
    mission_id: str, paper: str, address_line: str, profile: Profile
) -> None:
    pdf = layout.render_pdf(compose(mission_id, profile))
    assert pdf.paper.name == paper
    window = PAPERS[paper].window
    box = (
        window.left * MM,
        window.top * MM,
        (window.left + window.width) * MM,
        (window.top + window.height) * MM,
    )
    with pdfplumber.open(io.BytesIO(pdf.data)) as doc:
        inside = " ".join((doc.pages[0].within_bbox(box).extract_text() or "").split())
    letter = compose(mission_id, profile)
    # Every line of the address, whole, within the window (the mission name may wrap).
    for line in layout.window_lines(letter):
        for word in fonts.clean(line).split():
            assert word in inside, (word, inside)
    assert "His Excellency Xi Jinping" in inside
    assert address_line in inside
    assert "Appeal" not in inside and "2026" not in inside


def test_return_line_is_in_the_window_above_the_recipient() -> None:
    pdf = layout.render_pdf(compose("gb-london", ORG))
    window = PAPERS["a4"].window
    _, top, _, bottom = line_box(pdf.data, "Friends of Refugees · 12 Harbour Road")
    assert window.top * MM <= top and bottom <= (window.top + window.height) * MM
    assert bottom <= line_box(pdf.data, "His Excellency Xi Jinping")[1]


def test_signature_block_never_stands_alone_on_a_page() -> None:
    pdf = layout.render_pdf(long_letter())
    reader = pypdf.PdfReader(io.BytesIO(pdf.data))
    last = reader.pages[-1].extract_text() or ""
    assert "Jane Doe" in last
    assert "Paragraph 13" in last  # the last paragraph travels with the signatures


def test_three_signatories_in_columns() -> None:
    pdf = layout.render_pdf(compose("gb-london", ORG))
    words = {str(w["text"]): w for w in words_of(pdf.data)}
    jane, pedro = words["Jane Doe"], words["Pedro Ñandú"]
    assert abs(float(jane["top"]) - float(pedro["top"])) < 2  # same row
    assert float(pedro["x0"]) > float(jane["x0"]) + 100  # another column
    assert "김지혜" in words_text(pdf.data)


@pytest.mark.parametrize(
    ("language", "captions"),
    [
        ("en", ("FROM", "Your name", "Signature", "Name in capitals")),
        ("ko", ("보내는 사람", "성명", "서명", "성명(정자)")),
        ("zh", ("寄信人", "街道地址", "签名", "姓名（正楷）")),
        ("es", ("REMITENTE", "Dirección", "Firma", "Nombre en mayúsculas")),
    ],
)
def test_personal_letter_captions_follow_the_language(
    language: str, captions: tuple[str, ...]
) -> None:
    pdf = layout.render_pdf(compose("kr-seoul", Profile(), language=language))
    text = pypdf.PdfReader(io.BytesIO(pdf.data)).pages[0].extract_text() or ""
    for caption in captions:
        assert caption in text, caption
