"""Shared helpers of the PDF tests: a letter composed for a mission, an organisation with three
signatories, a long letter, words and lines read back from a page, a PNG written by hand."""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path

import pdfplumber

from nkrefugees_letters import letters, missions
from nkrefugees_letters.pdf import layout
from nkrefugees_letters.profile import Organisation, Profile, Signatory
from nkrefugees_letters.text.lettertext import Block, LetterText, Run

__all__ = [
    "DIRECTORY",
    "MM",
    "ORG",
    "WHEN",
    "compose",
    "line_box",
    "long_letter",
    "make_png",
    "words_of",
    "words_text",
]

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


def words_text(pdf_bytes: bytes) -> str:
    return " ".join(str(w["text"]) for w in words_of(pdf_bytes))


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
