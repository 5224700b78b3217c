"""The fonts as PDF objects (nkrefugees_letters/pdf/embedding.py): fixed names and a
planned numbering, the same in every file of a batch."""

from __future__ import annotations

import io
from datetime import date

import pypdf

from nkrefugees_letters import letters, missions
from nkrefugees_letters.pdf import fonts, layout
from nkrefugees_letters.profile import Profile, Signatory


def _font_programs(data: bytes) -> dict[str, bytes]:
    page = pypdf.PdfReader(io.BytesIO(data)).pages[0]
    found = {}
    for ref in page["/Resources"]["/Font"].values():
        font = ref.get_object()
        descriptor = font["/FontDescriptor"].get_object()
        found[str(font["/BaseFont"])] = descriptor["/FontFile2"].get_object().get_data()
    return found


def test_a_planned_encoding_gives_every_file_the_same_font_subsets() -> None:
    directory = missions.load()
    options = letters.LetterOptions(when=date(2026, 9, 24))
    chicago = letters.compose(directory.get("us-chicago"), Profile(), options)
    # Characters only the second letter prints: without the plan its subset would differ.
    signer = (Signatory("Zoë Núñez", "Señora"),)
    london = letters.compose(directory.get("gb-london"), Profile(), options, signatories=signer)
    plan = fonts.encoding_plan([*layout.printed_strings(chicago), *layout.printed_strings(london)])
    first = _font_programs(layout.render_pdf(chicago, plan).data)
    second = _font_programs(layout.render_pdf(london, plan).data)
    assert first and first.keys() == second.keys()
    assert all(first[name] == second[name] for name in first)
    # The name is the font's own, not the document's count of fonts.
    page = pypdf.PdfReader(io.BytesIO(layout.render_pdf(chicago).data)).pages[0]
    assert all(name.startswith("/NK") for name in page["/Resources"]["/Font"])
