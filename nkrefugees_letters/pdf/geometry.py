"""Geometry: every size and position on the page, envelope and label sheet, in millimetres.

Papers follow the envelope standards they are folded into: DIN 5008 form B for A4
(address field 85 × 45 mm at 20 mm from the left and 45 mm from the top, fitting a DL
or C5/6 window envelope) and the window of a US #10 envelope on a tri-folded US Letter
sheet. Envelopes are the standard DL (220 × 110), C5 (229 × 162), C4 (324 × 229) and
US #10 (9½ × 4⅛ in), printed landscape; label sheets are Avery L7160 (A4, 3 × 7 labels
of 63.5 × 38.1 mm) and Avery 5160 (US Letter, 3 × 10 labels of 2⅝ × 1 in).

Positions are measured from the top-left corner, like a ruler; the few lengths in
points (pt) say so. No reportlab here: the CLI and the checks read these tables
without loading it.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, kw_only=True)
class Rect:
    """A rectangle on the page in mm, measured from the top-left corner like a ruler."""

    left: float
    top: float
    width: float
    height: float


@dataclass(frozen=True, kw_only=True)
class Paper:
    """Page geometry for one paper size, in mm."""

    name: str
    label: str
    width: float
    height: float
    margin_left: float
    margin_right: float
    margin_top: float  # pages after the first
    margin_bottom: float
    letterhead_top: float
    letterhead_bottom: float
    window: Rect  # the envelope window: return line + recipient address go here
    info_block: Rect  # date, to the right of the window
    body_top: float  # first page: where the subject line starts
    fold_marks: tuple[float, ...]
    punch_mark: float | None

    @property
    def text_width(self) -> float:
        """Width (mm) between the left and right margins."""
        return self.width - self.margin_left - self.margin_right


PAPERS: dict[str, Paper] = {
    "a4": Paper(
        name="a4",
        label="A4",
        width=210,
        height=297,
        margin_left=25,
        margin_right=20,
        margin_top=25,
        margin_bottom=22,
        letterhead_top=12,
        letterhead_bottom=40,
        window=Rect(left=20, top=45, width=85, height=45),
        info_block=Rect(left=125, top=50, width=65, height=40),
        body_top=98.5,
        fold_marks=(105, 210),
        punch_mark=148.5,
    ),
    "letter": Paper(
        name="letter",
        label="US Letter",
        width=215.9,
        height=279.4,
        margin_left=25.4,
        margin_right=25.4,
        margin_top=25.4,
        margin_bottom=18,
        letterhead_top=12.7,
        letterhead_bottom=46,
        # A #10 window (4½ × 1⅛ in, ⅞ in from the left and ½ in from the bottom of the
        # envelope) over the top panel of a sheet folded in thirds, resting on its fold:
        # 51.9-80.4 mm from the top. WINDOW_PADDING on each side leaves 3 mm to spare
        # for a sheet that slides.
        window=Rect(left=22.2, top=51.9, width=88.9, height=28.5),
        info_block=Rect(left=127, top=53.3, width=63.5, height=25),
        body_top=88,
        fold_marks=(279.4 / 3, 279.4 * 2 / 3),
        punch_mark=None,
    ),
}

WINDOW_PADDING = 1.5
"""Clearance (mm) kept between the address text and the window's edge, so that a sheet
that shifts a little in the envelope still shows every line whole."""

# --- the letterhead -------------------------------------------------------------------

LOGO_HEIGHT = 22
LOGO_HEIGHT_CENTRED = 12
LOGO_MAX_WIDTH = 45
LOGO_GAP = 6
"""Between a logo and the name beside it."""
LOGO_GAP_CENTRED = 2
"""Between a centred logo and the name under it."""
LETTERHEAD_RULE_CLEARANCE = 3
"""Kept free above the accent rule that closes the letterhead."""
NAME_GAP = 1.5
"""Between the organisation's name and the lines under it."""

# --- a personal letter's sender lines ---------------------------------------------------

SENDER_LINES_WIDTH = 85
SENDER_HEADING_DROP = 2
"""The "From" heading stands this far below the letterhead's top."""
SENDER_LINE_GAP = 7
"""Between the heading and the first line, and between lines: room for handwriting."""
SENDER_LABEL_DROP_PT = 6.5
"""The caption under each line, in points below it."""

# --- pages after the first, the footer, fold marks ---------------------------------------

HEADER_TOP = 12
"""The running header of pages after the first, from the top of the page."""
PAGE_NUMBER_WIDTH = 30
"""The right end of the running header, kept for "Page 2 of 3"."""
HEADER_MAX_HEIGHT = 20
PAGE_NUMBER_MAX_HEIGHT = 10
HEADER_RULE_DROP_PT = 2
"""The rule under the running header, in points below its text."""
HEADER_ROOM = 6
"""Taken off the top of the text on later pages, for the running header."""
FOOTER_BOTTOM = 9
FOOTER_MAX_HEIGHT = 20
FOLD_MARK_LEFT = 4
FOLD_MARK_RIGHT = 9
PUNCH_MARK_RIGHT = 11
"""The punch mark (A4's middle) is longer than the fold marks."""

# --- the signature block and the receipt slip ----------------------------------------------

SIGNING_SPACE = 13
"""Height (mm) left above each signature line: room for a handwritten signature."""
SIGNATURE_COLUMN_MAX = 80
"""The widest a single signatory's column may be."""
BLANK_SIGNATURE_COLUMN_MAX = 75
"""The widest a column of a personal letter's blank signature lines may be."""
SIGNATURE_IMAGE_INSET_PT = 6
"""A signature image is this many points narrower than its column."""
COLUMN_GAP_PT = 10
"""Points between side-by-side signature blocks (and receipt-slip lines)."""
SIGNATURE_ROW_GAP_PT = 5
"""Points below each row of signature blocks."""
RECEIPT_SPACE = 11
"""Height (mm) of each line of a receipt slip that the mission fills in by hand."""


# --- envelopes -------------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class Envelope:
    """An envelope size, printed landscape; positions in mm from its top-left corner."""

    name: str
    label: str
    width: float
    height: float
    margin: float
    """Space kept clear at the edges: printers cannot print there."""
    address_left: float
    address_top: float
    address_width: float
    address_size: float
    """The recipient's type size, in points."""


ENVELOPES: dict[str, Envelope] = {
    "dl": Envelope(
        name="dl",
        label="DL",
        width=220,
        height=110,
        margin=10,
        address_left=95,
        address_top=48,
        address_width=115,
        address_size=10,
    ),
    "c5": Envelope(
        name="c5",
        label="C5",
        width=229,
        height=162,
        margin=12,
        address_left=100,
        address_top=72,
        address_width=115,
        address_size=11,
    ),
    "c4": Envelope(
        name="c4",
        label="C4",
        width=324,
        height=229,
        margin=15,
        address_left=145,
        address_top=100,
        address_width=160,
        address_size=12,
    ),
    # US #10: the address a little left of centre and just below the middle, as USPS asks.
    "10": Envelope(
        name="10",
        label="#10",
        width=241.3,
        height=104.8,
        margin=10,
        address_left=95,
        address_top=45,
        address_width=130,
        address_size=10,
    ),
}
ENVELOPE_FOR_PAPER = {"a4": "dl", "letter": "10"}
"""A letter folded in three fits a DL envelope (A4) or a #10 (US Letter)."""

RETURN_WIDTH = 85
RETURN_CLEARANCE = 4
"""Kept free between the return address and the recipient's address."""
REFERENCE_WIDTH = 80
"""The faint reference line (mission id, signer) is shrunk to fit this."""
REFERENCE_RAISE = 3
"""The reference line's height above the bottom margin."""
RULED_HEADING_DROP = 2.5
"""Without a profile: the "From" heading, below the top margin."""
RULE_GAP = 7
"""Distance (mm) between the ruled return-address lines: room for handwriting."""
RULED_CLEARANCE = 10
"""Kept free between the ruled lines and the recipient's address."""
RULED_LABEL_DROP_PT = 6.5
"""The caption under each ruled line, in points below it."""


# --- label sheets ------------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class LabelSheet:
    """A sheet of address labels; all lengths in mm."""

    name: str
    paper: str
    page_width: float
    page_height: float
    columns: int
    rows: int
    label_width: float
    label_height: float
    left: float
    top: float
    pitch_x: float
    pitch_y: float
    padding: float

    @property
    def per_sheet(self) -> int:
        """Labels on one sheet."""
        return self.columns * self.rows


LABEL_SHEETS: dict[str, LabelSheet] = {
    "a4": LabelSheet(
        name="Avery L7160",
        paper="a4",
        page_width=210,
        page_height=297,
        columns=3,
        rows=7,
        label_width=63.5,
        label_height=38.1,
        left=7.25,
        top=15.15,
        pitch_x=66.04,
        pitch_y=38.1,
        padding=4,
    ),
    "letter": LabelSheet(
        name="Avery 5160",
        paper="letter",
        page_width=215.9,
        page_height=279.4,
        columns=3,
        rows=10,
        label_width=66.675,
        label_height=25.4,
        left=4.7625,
        top=12.7,
        pitch_x=69.85,
        pitch_y=25.4,
        padding=2.5,
    ),
}

__all__ = [
    "BLANK_SIGNATURE_COLUMN_MAX",
    "COLUMN_GAP_PT",
    "ENVELOPES",
    "ENVELOPE_FOR_PAPER",
    "FOLD_MARK_LEFT",
    "FOLD_MARK_RIGHT",
    "FOOTER_BOTTOM",
    "FOOTER_MAX_HEIGHT",
    "HEADER_MAX_HEIGHT",
    "HEADER_ROOM",
    "HEADER_RULE_DROP_PT",
    "HEADER_TOP",
    "LABEL_SHEETS",
    "LETTERHEAD_RULE_CLEARANCE",
    "LOGO_GAP",
    "LOGO_GAP_CENTRED",
    "LOGO_HEIGHT",
    "LOGO_HEIGHT_CENTRED",
    "LOGO_MAX_WIDTH",
    "NAME_GAP",
    "PAGE_NUMBER_MAX_HEIGHT",
    "PAGE_NUMBER_WIDTH",
    "PAPERS",
    "PUNCH_MARK_RIGHT",
    "RECEIPT_SPACE",
    "REFERENCE_RAISE",
    "REFERENCE_WIDTH",
    "RETURN_CLEARANCE",
    "RETURN_WIDTH",
    "RULED_CLEARANCE",
    "RULED_HEADING_DROP",
    "RULED_LABEL_DROP_PT",
    "RULE_GAP",
    "SENDER_HEADING_DROP",
    "SENDER_LABEL_DROP_PT",
    "SENDER_LINES_WIDTH",
    "SENDER_LINE_GAP",
    "SIGNATURE_COLUMN_MAX",
    "SIGNATURE_IMAGE_INSET_PT",
    "SIGNATURE_ROW_GAP_PT",
    "SIGNING_SPACE",
    "WINDOW_PADDING",
    "Envelope",
    "LabelSheet",
    "Paper",
    "Rect",
]
