"""Envelopes and address labels: sizes, positions, return address, escaping."""

from __future__ import annotations

import io
from datetime import date

import pdfplumber
import pypdf
import pytest

from nkrefugees_letters import letters, missions, output
from nkrefugees_letters.errors import LettersError
from nkrefugees_letters.pdf import geometry, stationery
from nkrefugees_letters.pdf.layout import Letter
from nkrefugees_letters.profile import Organisation, Profile

MM = 72 / 25.4
DIRECTORY = missions.load()
ORG = Profile(organisation=Organisation("Smith & Sons <Relief>", ("1 Main Street", "Springfield")))


def letter(mission_id: str, profile: Profile = ORG) -> Letter:
    options = letters.LetterOptions(when=date(2026, 9, 24))
    return letters.compose(DIRECTORY.get(mission_id), profile, options)


def envelope_args(item: Letter) -> tuple[str, tuple[str, ...]]:
    return item.paper, item.recipient_lines


def sizes(data: bytes) -> list[tuple[int, int]]:
    reader = pypdf.PdfReader(io.BytesIO(data))
    return [(round(float(p.mediabox.width)), round(float(p.mediabox.height))) for p in reader.pages]


@pytest.mark.parametrize(
    ("paper", "override", "expected"),
    [("a4", None, "DL"), ("letter", None, "#10"), ("a4", "c5", "C5"), ("letter", "C4", "C4")],
)
def test_envelope_follows_the_paper_unless_overridden(
    paper: str, override: str | None, expected: str
) -> None:
    assert stationery.envelope_for(paper, override).label == expected


def test_unknown_envelope_is_an_error() -> None:
    with pytest.raises(LettersError, match="unknown envelope size 'b4' — use dl, c5, c4 or 10"):
        stationery.envelope_for("a4", "b4")


def test_envelopes_one_page_each_at_the_envelope_size() -> None:
    buffer = io.BytesIO()
    envelopes = stationery.Envelopes(buffer, ORG)
    envelopes.add(*envelope_args(letter("gb-london")), reference="2026-09-24_gb-london")
    envelopes.add(*envelope_args(letter("us-chicago")), reference="2026-09-24_us-chicago")
    assert envelopes.close() == 2
    dl = (round(220 * MM), round(110 * MM))
    ten = (round(241.3 * MM), round(104.8 * MM))
    assert sizes(buffer.getvalue()) == [dl, ten]


def test_envelope_override_applies_to_every_letter() -> None:
    buffer = io.BytesIO()
    envelopes = stationery.Envelopes(buffer, ORG, size="c5")
    envelopes.add(*envelope_args(letter("us-chicago")))
    envelopes.close()
    assert sizes(buffer.getvalue()) == [(round(229 * MM), round(162 * MM))]


def test_envelope_has_return_address_recipient_and_reference() -> None:
    buffer = io.BytesIO()
    envelopes = stationery.Envelopes(buffer, ORG)
    london = letter("gb-london")
    envelopes.add(*envelope_args(london), reference="2026-09-24_gb-london")
    envelopes.close()
    with pdfplumber.open(io.BytesIO(buffer.getvalue())) as pdf:
        page = pdf.pages[0]
        # Return address in the top-left quarter, markup characters printed verbatim.
        corner = page.within_bbox((0, 0, page.width / 2, page.height / 3)).extract_text()
        assert "Smith & Sons <Relief>" in corner
        assert "1 Main Street" in corner
        # The recipient right of centre.
        right = page.within_bbox((page.width * 0.4, 0, page.width, page.height)).extract_text()
        for line in london.mission.address.postal_lines():
            assert line in right
        assert "His Excellency Xi Jinping" in right
        assert "2026-09-24_gb-london" in page.extract_text()


def test_personal_profile_prints_ruled_lines_for_a_return_address() -> None:
    buffer = io.BytesIO()
    envelopes = stationery.Envelopes(buffer, Profile())
    envelopes.add(*envelope_args(letter("gb-london", Profile())))
    envelopes.close()
    with pdfplumber.open(io.BytesIO(buffer.getvalue())) as pdf:
        page = pdf.pages[0]
        corner = page.within_bbox((0, 0, page.width / 2, page.height / 3))
        assert corner.extract_text().splitlines() == [
            "FROM",
            "Your name",
            "Street address",
            "City, postal code",
        ]
        ruled = [line for line in corner.lines if line["x1"] - line["x0"] > 50 * 72 / 25.4]
        assert len(ruled) == 3


@pytest.mark.parametrize(
    ("paper", "per_sheet", "size"),
    [("a4", 21, (595, 842)), ("letter", 30, (612, 792))],
)
def test_labels_fill_standard_sheets(paper: str, per_sheet: int, size: tuple[int, int]) -> None:
    sheet = geometry.LABEL_SHEETS[paper]
    assert sheet.per_sheet == per_sheet
    buffer = io.BytesIO()
    labels = stationery.Labels(buffer, sheet)
    for number in range(per_sheet + 1):
        labels.add([f"Label {number}", "Street", "City"])
    assert labels.close() == 2
    assert sizes(buffer.getvalue()) == [size, size]


@pytest.mark.parametrize("paper", ["a4", "letter"])
def test_each_label_sits_inside_its_cell(paper: str) -> None:
    sheet = geometry.LABEL_SHEETS[paper]
    buffer = io.BytesIO()
    labels = stationery.Labels(buffer, sheet)
    chicago = letter("us-chicago").recipient_lines
    for _ in range(sheet.per_sheet):
        labels.add(chicago)
    labels.close()
    with pdfplumber.open(io.BytesIO(buffer.getvalue())) as pdf:
        page = pdf.pages[0]
        for slot in (0, sheet.columns + 1, sheet.per_sheet - 1):
            row, column = divmod(slot, sheet.columns)
            left = (sheet.left + column * sheet.pitch_x) * MM
            top = (sheet.top + row * sheet.pitch_y) * MM
            cell = (left, top, left + sheet.label_width * MM, top + sheet.label_height * MM)
            text = " ".join((page.within_bbox(cell).extract_text() or "").split())
            assert "His Excellency Xi Jinping" in text
            assert "CHICAGO, IL 60654" in text


def test_files_are_marked_as_ours_at_the_start() -> None:
    # Overwriting is allowed only for files nkletters wrote (output.is_ours reads the
    # start of the file): the mark comes first, not at the end with the other objects.
    buffer = io.BytesIO()
    labels = stationery.Labels(buffer, geometry.LABEL_SHEETS["a4"])
    for number in range(21 * 60):
        labels.add([f"Label {number}", "Street", "City"])
    labels.close()
    data = buffer.getvalue()
    assert output.OUR_MARK in data[:1024]
    assert len(pypdf.PdfReader(io.BytesIO(data), strict=True).pages) == 60
