"""Page layout: where things sit on the page, fonts, metadata, pagination, determinism."""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path

import pdfplumber
import pypdf
import pytest

from nkrefugees_letters import letters, missions
from nkrefugees_letters.pdf import fonts, layout
from nkrefugees_letters.pdf.layout import PAPERS
from nkrefugees_letters.profile import Organisation, Profile, Signatory
from nkrefugees_letters.text.lettertext import Block, LetterText, Run

MM = 72 / 25.4
DIRECTORY = missions.load()
WHEN = date(2026, 9, 24)


def compose(
    mission_id: str = "us-chicago", profile: Profile | None = None, **options: object
) -> layout.Letter:
    opts = letters.LetterOptions(when=WHEN, **options)  # type: ignore[arg-type]
    return letters.compose(DIRECTORY.get(mission_id), profile or Profile(), opts)


ORG = Profile(
    organisation=Organisation(
        name="Friends of Refugees",
        address=("12 Harbour Road", "Cape Town 8001"),
        email="info@example.org",
        website="example.org",
    ),
    signatories=(
        Signatory("Jane Doe", "Chair"),
        Signatory("Kim Ji-hye 김지혜", "Secretary"),
        Signatory("Pedro Ñandú", "Treasurer"),
    ),
)


def words_of(pdf_bytes: bytes, page: int = 0) -> list[dict[str, float | str]]:
    with pdfplumber.open(io.BytesIO(pdf_bytes)) as pdf:
        return list(pdf.pages[page].extract_words(keep_blank_chars=True, use_text_flow=True))


def line_box(pdf_bytes: bytes, text: str) -> tuple[float, float, float, float]:
    """(x0, top, x1, bottom) in points of the first extracted line containing ``text``."""
    with pdfplumber.open(io.BytesIO(pdf_bytes)) as pdf:
        for line in pdf.pages[0].extract_text_lines():
            if text in line["text"]:
                return line["x0"], line["top"], line["x1"], line["bottom"]
    raise AssertionError(f"{text!r} not on page 1")


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


def long_letter() -> layout.Letter:
    base = compose("gb-london", ORG)
    blocks = tuple(
        Block(
            "paragraph",
            (Run(f"Paragraph {n}: " + "This sentence is here to fill the page. " * 12),),
        )
        for n in range(14)
    )
    text = LetterText(
        language="en",
        subject=base.text.subject,
        recipient=base.text.recipient,
        salutation=base.text.salutation,
        blocks=blocks,
        closing=base.text.closing,
    )
    return layout.Letter(
        text=text,
        mission=base.mission,
        profile=ORG,
        paper="a4",
        date_text=base.date_text,
        signatories=ORG.signatories,
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


def words_text(pdf_bytes: bytes) -> str:
    return " ".join(str(w["text"]) for w in words_of(pdf_bytes))


def test_same_input_gives_identical_bytes() -> None:
    first = layout.render_pdf(compose("us-chicago", ORG)).data
    second = layout.render_pdf(compose("us-chicago", ORG)).data
    assert first == second


def test_unprintable_character_is_a_clear_error() -> None:
    from nkrefugees_letters.errors import LayoutError

    profile = Profile(organisation=Organisation(name="Relief 😀"))
    with pytest.raises(
        LayoutError, match=r"organisation.name contains '😀' \(U\+1F600 GRINNING FACE\)"
    ):
        letters.check_printable(profile)


def make_png(path: Path, width: int = 120, height: int = 60) -> Path:
    """A solid-colour RGB PNG, written by hand so the test needs no imaging library."""
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    raw = b"".join(b"\x00" + b"\x1f\x3a\x5f" * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    path.write_bytes(
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(raw))
        + chunk(b"IEND", b"")
    )
    return path


def test_logo_is_drawn_in_the_letterhead(tmp_path: Path) -> None:
    logo = make_png(tmp_path / "logo.png")
    profile = Profile(organisation=Organisation(name="Logo Org", logo=logo))
    pdf = layout.render_pdf(compose("gb-london", profile))
    with pdfplumber.open(io.BytesIO(pdf.data)) as doc:
        images = doc.pages[0].images
    assert len(images) == 1
    assert images[0]["bottom"] < PAPERS["a4"].letterhead_bottom * MM


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
