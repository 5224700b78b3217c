"""The print file (nkrefugees_letters/pdf/printfile.py): many letters in one PDF."""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path

import pypdf

from nkrefugees_letters import batch, letters, missions, signers
from nkrefugees_letters.pdf import layout
from nkrefugees_letters.pdf.printfile import PrintFile
from nkrefugees_letters.profile import Profile
from tests.batch.helpers import compose_job


def test_print_file_embeds_each_font_once_and_numbers_pages_per_letter(tmp_path: Path) -> None:
    directory = missions.load()
    options = letters.LetterOptions(when=date(2026, 9, 24))
    people = tuple(signers.Signer(n + 2, f"Signer {n}", "Volunteer") for n in range(24))
    many = batch.Job(0, directory.get("gb-london"), "x.pdf", people)
    long_letter = compose_job(many, Profile(), options)
    short_letter = letters.compose(directory.get("us-chicago"), Profile(), options)
    alone = layout.render_pdf(long_letter).pages
    assert alone >= 2
    buffer = io.BytesIO()
    print_file = PrintFile(buffer)
    assert print_file.add(long_letter) == alone
    assert print_file.add(short_letter) == 1
    assert print_file.add(long_letter) == alone
    assert print_file.close() == 2 * alone + 1
    reader = pypdf.PdfReader(io.BytesIO(buffer.getvalue()), strict=True)
    assert len(reader.pages) == 2 * alone + 1
    # Mixed paper sizes: the US letter is US Letter, the others A4.
    widths = [round(float(p.mediabox.width)) for p in reader.pages]
    assert widths == [595] * alone + [612] + [595] * alone
    texts = [page.extract_text() or "" for page in reader.pages]
    assert f"Page 2 of {alone}" in texts[1]
    assert f"Page 2 of {alone}" in texts[alone + 2]
    assert not any(f"Page {alone + 1}" in t for t in texts)
    fonts_seen = []
    for obj_id in range(1, len(reader.xref_objStm) + 2000):
        try:
            obj = reader.get_object(obj_id)
        except Exception:  # walking object numbers until there are no more
            break
        if isinstance(obj, dict) and obj.get("/Type") == "/FontDescriptor":
            fonts_seen.append(str(obj["/FontName"]))
    assert fonts_seen and len(fonts_seen) == len(set(fonts_seen))


def test_print_file_pages_match_single_letters(tmp_path: Path) -> None:
    directory = missions.load()
    options = letters.LetterOptions(when=date(2026, 9, 24))
    buffer = io.BytesIO()
    print_file = PrintFile(buffer, duplex=True)
    expected = 0
    for mission_id in ("us-chicago", "gb-london", "kr-seoul", "jp-tokyo"):
        letter = letters.compose(directory.get(mission_id), Profile(), options)
        pages = layout.render_pdf(letter).pages
        assert print_file.add(letter) == pages
        expected += pages + pages % 2
    assert print_file.close() == expected
    assert len(pypdf.PdfReader(io.BytesIO(buffer.getvalue())).pages) == expected


def test_print_file_embeds_the_logo_once(tmp_path: Path) -> None:
    from PIL import Image

    from nkrefugees_letters.profile import Organisation

    logo = tmp_path / "logo.png"
    Image.new("RGB", (300, 120), (200, 30, 30)).save(logo)
    profile = Profile(organisation=Organisation("Friends of Refugees", logo=logo))
    directory = missions.load()
    buffer = io.BytesIO()
    print_file = PrintFile(buffer)
    for mission_id in ("us-chicago", "gb-london", "kr-seoul"):
        options = letters.LetterOptions(when=date(2026, 9, 24))
        print_file.add(letters.compose(directory.get(mission_id), profile, options))
    print_file.close()
    reader = pypdf.PdfReader(io.BytesIO(buffer.getvalue()), strict=True)
    images = {ref.idnum for page in reader.pages for ref in page["/Resources"]["/XObject"].values()}
    assert len(reader.pages) == 3
    assert len(images) == 1
