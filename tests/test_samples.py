"""Sample letters shown in the README: a logo letterhead, three signatories, two pages.

Each is rendered and checked here. ``NKLETTERS_UPDATE_DOCS=1 python -m pytest
tests/test_samples.py`` also writes them as PNGs under docs/.
"""

from __future__ import annotations

import io
import os
from datetime import date
from pathlib import Path

import pdfplumber
import pytest
from PIL import Image, ImageDraw

from nkrefugees_letters import letters, missions
from nkrefugees_letters.pdf import layout
from nkrefugees_letters.profile import Letterhead, Organisation, Profile, Signatory
from nkrefugees_letters.text.lettertext import Block, LetterText, Run

DOCS = Path(__file__).resolve().parents[1] / "docs"
DIRECTORY = missions.load()
WHEN = date(2026, 9, 24)


def make_logo(path: Path) -> Path:
    image = Image.new("RGBA", (400, 400), (255, 255, 255, 0))
    draw = ImageDraw.Draw(image)
    draw.ellipse((10, 10, 390, 390), fill=(31, 58, 95, 255))
    draw.polygon([(200, 70), (330, 300), (70, 300)], fill=(255, 255, 255, 255))
    draw.ellipse((165, 180, 235, 250), fill=(196, 40, 40, 255))
    image.save(path)
    return path


def organisation(logo: Path | None) -> Organisation:
    return Organisation(
        name="Friends of North Korean Refugees",
        address=("12 Harbour Road", "Cape Town 8001"),
        email="info@example.org",
        phone="+27 21 555 0100",
        website="www.example.org",
        logo=logo,
    )


def save_png(pdf: bytes, name: str) -> None:
    """Write each page as docs/NAME[-N].png when asked (pypdfium2 comes with pdfplumber)."""
    if os.environ.get("NKLETTERS_UPDATE_DOCS") != "1":
        return
    import pypdfium2

    document = pypdfium2.PdfDocument(pdf)
    for index in range(len(document)):
        suffix = f"-{index + 1}" if len(document) > 1 else ""
        document[index].render(scale=80 / 72).to_pil().save(
            DOCS / f"{name}{suffix}.png", optimize=True
        )


def compose(mission_id: str, profile: Profile) -> layout.Letter:
    options = letters.LetterOptions(when=WHEN)
    return letters.compose(DIRECTORY.get(mission_id), profile, options)


def test_logo_letterhead(tmp_path: Path) -> None:
    profile = Profile(
        organisation=organisation(make_logo(tmp_path / "logo.png")),
        letterhead=Letterhead(
            tagline="No one should be sent back to persecution",
            accent_colour="#7a1f2b",
            footer="Registered non-profit organisation 123-456 · www.example.org",
        ),
        signatories=(Signatory("Jane Doe", "Chair"),),
    )
    pdf = layout.render_pdf(compose("za-pretoria", profile))
    assert pdf.pages == 1
    with pdfplumber.open(io.BytesIO(pdf.data)) as doc:
        page = doc.pages[0]
        assert len(page.images) == 1
        text = page.extract_text() or ""
    assert "Friends of North Korean Refugees" in text
    assert "No one should be sent back to persecution" in text
    assert "Registered non-profit organisation 123-456" in text
    save_png(pdf.data, "letter-logo")


def test_three_signatories(tmp_path: Path) -> None:
    profile = Profile(
        organisation=organisation(make_logo(tmp_path / "logo.png")),
        signatories=(
            Signatory("Jane Doe", "Chair"),
            Signatory("Kim Ji-hye 김지혜", "Secretary General"),
            Signatory("Pedro Ñandú", "Treasurer", "Asociación Ñandú — Perú"),
        ),
        cosigners=("Human Rights Watchers Japan", "Save the Refugees Trust"),
    )
    pdf = layout.render_pdf(compose("us-chicago", profile))
    assert pdf.pages == 1
    with pdfplumber.open(io.BytesIO(pdf.data)) as doc:
        text = doc.pages[0].extract_text() or ""
    for name in ("Jane Doe", "Kim Ji-hye 김지혜", "Pedro Ñandú", "Asociación Ñandú — Perú"):
        assert name in text
    assert "Co-signed by: Human Rights Watchers Japan; Save the Refugees Trust" in text
    save_png(pdf.data, "letter-three-signatories")


def test_two_page_letter() -> None:
    profile = Profile(
        organisation=organisation(None), signatories=(Signatory("Jane Doe", "Chair"),)
    )
    base = compose("gb-london", profile)
    extra = (
        "Each year we hear from families who have waited years for news of a relative "
        "detained after being returned. Their testimony is consistent and it is harrowing. "
    )
    blocks = (
        *base.text.blocks[:3],
        *(Block("paragraph", (Run(extra * 3),)) for _ in range(4)),
        *base.text.blocks[3:],
    )
    text = LetterText(
        base.text.language,
        base.text.subject,
        base.text.recipient,
        base.text.salutation,
        blocks,
        base.text.closing,
    )
    letter = layout.Letter(
        text=text,
        mission=base.mission,
        profile=profile,
        paper="a4",
        date_text=base.date_text,
        signatories=profile.signatories,
    )
    pdf = layout.render_pdf(letter)
    assert pdf.pages == 2
    with pdfplumber.open(io.BytesIO(pdf.data)) as doc:
        second = doc.pages[1].extract_text() or ""
    assert "Page 2 of 2" in second
    assert "Jane Doe" in second and "Respectfully yours," in second
    save_png(pdf.data, "letter-two-pages")


@pytest.mark.parametrize("name", ["letter-logo", "letter-three-signatories", "letter-two-pages-1"])
def test_committed_pictures_exist(name: str) -> None:
    assert (DOCS / f"{name}.png").is_file()
