"""Layout: the one place that uses reportlab's page layout, turning a Letter into PDF bytes.

All page geometry lives in PAPERS below, in millimetres, so it can be checked against the
envelope standards it follows: DIN 5008 form B for A4 (address field 85 × 45 mm at 20 mm
from the left and 45 mm from the top, fitting a DL or C5/6 window envelope) and the
window of a US #10 envelope on a tri-folded US Letter sheet.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_LEFT, TA_RIGHT
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    Flowable,
    Frame,
    FrameBreak,
    HRFlowable,
    KeepInFrame,
    KeepTogether,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from . import fonts
from .errors import LayoutError
from .missions import Mission
from .profile import Profile, Signatory
from .render import Block, LetterText


@dataclass(frozen=True)
class Rect:
    """A rectangle on the page in mm, measured from the top-left corner like a ruler."""

    left: float
    top: float
    width: float
    height: float


@dataclass(frozen=True)
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
        # envelope) on the top panel of a sheet folded in thirds: what stays visible
        # however the sheet slides in the envelope.
        window=Rect(left=22.2, top=52.5, width=88.9, height=27.5),
        info_block=Rect(left=127, top=53.3, width=63.5, height=25),
        body_top=88,
        fold_marks=(279.4 / 3, 279.4 * 2 / 3),
        punch_mark=None,
    ),
}

LOGO_HEIGHT = 22
LOGO_HEIGHT_CENTRED = 12
LOGO_MAX_WIDTH = 45
NAME_SIZES = (15, 14, 13, 12, 11, 10, 9, 8)
"""The organisation's name steps down through these sizes until it fits two lines."""

SIGNING_SPACE = 13
"""Height (mm) left above each signature line: room for a handwritten signature."""

WINDOW_PADDING = 1.5
"""Clearance (mm) kept between the address text and the window's edge, so that a sheet
that shifts a little in the envelope still shows every line whole."""

RETURN_LINE_SIZE = 6.5
BODY_SIZE = 10
BODY_LEADING = 13.6
ADDRESS_SIZE = 10
SMALL_SIZE = 7.5
INK = colors.HexColor("#1a1a1a")
GREY = colors.HexColor("#6b6b6b")
RULE_GREY = colors.HexColor("#9a9a9a")


@dataclass(frozen=True)
class Letter:
    """Everything that goes on the page: the words, the recipient, the sender, the paper."""

    text: LetterText
    mission: Mission
    profile: Profile
    paper: str
    date_text: str
    signatories: tuple[Signatory, ...] = ()
    fold_marks: bool = False
    title: str = ""
    extra_recipient_lines: tuple[str, ...] = field(default_factory=tuple)

    @property
    def recipient_lines(self) -> tuple[str, ...]:
        """Addressee lines from the template, then the mission's postal address."""
        return (
            *self.text.recipient,
            *self.extra_recipient_lines,
            *self.mission.address.postal_lines(),
        )


@dataclass(frozen=True)
class RenderedPDF:
    """A laid-out letter: its bytes and page count."""

    data: bytes
    pages: int
    paper: Paper


# --- styles -----------------------------------------------------------------------


@cache
def _styles(cjk: bool) -> dict[str, ParagraphStyle]:
    fonts.register(fonts.LATIN)
    wrap = "CJK" if cjk else None
    leading = BODY_LEADING + (1.6 if cjk else 0)
    body = ParagraphStyle(
        "body",
        fontName=fonts.BODY_FONT,
        fontSize=BODY_SIZE,
        leading=leading,
        textColor=INK,
        spaceAfter=6.5,
        alignment=TA_LEFT,
        allowWidows=0,
        allowOrphans=0,
        wordWrap=wrap,
        splitLongWords=True,
        bulletFontName=fonts.BODY_FONT,
        hyphenationLang="",
    )
    return {
        "body": body,
        "bullet": ParagraphStyle(
            "bullet", parent=body, leftIndent=14, bulletIndent=3, spaceAfter=3.5
        ),
        "bullet_last": ParagraphStyle("bullet_last", parent=body, leftIndent=14, bulletIndent=3),
        "subject": ParagraphStyle(
            "subject", parent=body, fontName=fonts.BOLD_FONT, spaceAfter=10, keepWithNext=1
        ),
        "salutation": ParagraphStyle("salutation", parent=body, keepWithNext=1),
        "closing": ParagraphStyle("closing", parent=body, spaceBefore=4, keepWithNext=1),
        "address": ParagraphStyle(
            "address", parent=body, fontSize=ADDRESS_SIZE, leading=ADDRESS_SIZE * 1.22, spaceAfter=0
        ),
        "return": ParagraphStyle(
            "return",
            parent=body,
            fontSize=RETURN_LINE_SIZE,
            leading=RETURN_LINE_SIZE * 1.3,
            textColor=GREY,
            spaceAfter=2,
        ),
        "date": ParagraphStyle("date", parent=body, alignment=TA_RIGHT, spaceAfter=0),
        "small": ParagraphStyle(
            "small",
            parent=body,
            fontSize=SMALL_SIZE,
            leading=SMALL_SIZE * 1.3,
            textColor=GREY,
            spaceAfter=0,
        ),
        "sig_name": ParagraphStyle(
            "sig_name",
            parent=body,
            fontName=fonts.BOLD_FONT,
            fontSize=9.5,
            leading=12,
            spaceAfter=0,
        ),
        "sig_title": ParagraphStyle(
            "sig_title", parent=body, fontSize=8.5, leading=10.5, textColor=GREY, spaceAfter=0
        ),
    }


def _para(text: str, style: ParagraphStyle, where: str) -> Paragraph:
    return Paragraph(fonts.to_markup(text, where=where), style)


def _fit_name(
    name: str, base: ParagraphStyle, colour: Any, align: int, width: float, height: float
) -> Paragraph:
    """The organisation's name, as large as possible within two lines and ``height``."""
    markup = fonts.to_markup(name, where="organisation.name")
    for size in NAME_SIZES:
        style = ParagraphStyle(
            f"org{size}",
            parent=base,
            fontName=fonts.BOLD_FONT,
            fontSize=size,
            leading=size * 1.18,
            textColor=colour,
            alignment=align,
            spaceAfter=0,
        )
        paragraph = Paragraph(markup, style)
        _, used = paragraph.wrap(width, 1000)
        if used <= min(2 * style.leading + 0.1, height):
            return paragraph
    return paragraph


def _return_line(text: str, style: ParagraphStyle, width: float) -> Paragraph:
    """The sender's address on one line above the recipient, smaller if it must be;
    a very long one is cut with an ellipsis rather than pushing the address down."""
    markup = fonts.to_markup(text, where="return address")
    for size in (RETURN_LINE_SIZE, 6, 5.5, 5):
        fitted = ParagraphStyle(f"return{size}", parent=style, fontSize=size, leading=size * 1.3)
        paragraph = Paragraph(markup, fitted)
        if paragraph.wrap(width, 1000)[1] <= fitted.leading + 0.1:
            return paragraph
    cut = text
    while len(cut) > 10:
        cut = cut[: int(len(cut) * 0.9)].rstrip(" ·,")
        paragraph = Paragraph(fonts.to_markup(cut + "…", where="return address"), fitted)
        if paragraph.wrap(width, 1000)[1] <= fitted.leading + 0.1:
            break
    return paragraph


def _block_markup(block: Block) -> str:
    parts = []
    for run in block.runs:
        chunk = fonts.to_markup(run.text, where="the letter text")
        if run.italic:
            chunk = f"<i>{chunk}</i>"
        if run.bold:
            chunk = f"<b>{chunk}</b>"
        parts.append(chunk)
    return "".join(parts)


# --- images -----------------------------------------------------------------------

MAX_IMAGE_PIXELS = 40_000_000


@cache
def _image(path: Path) -> ImageReader:
    """Read an image once per process: batches reuse the decoded logo."""
    try:
        reader = ImageReader(str(path))
        width, height = reader.getSize()
    except Exception as exc:  # reportlab/PIL raise many kinds for a broken file
        raise LayoutError(
            f"image {str(path)!r} cannot be read ({type(exc).__name__})",
            hint="use a PNG or JPEG file that opens in an image viewer",
        ) from None
    if width * height > MAX_IMAGE_PIXELS:
        raise LayoutError(
            f"image {str(path)!r} is {width}×{height} pixels, too large to embed",
            hint="scale it down to under 4000 pixels a side",
        )
    return reader


class _Picture(Flowable):  # type: ignore[misc]
    """An already-decoded image scaled to fit; platypus' Image would re-read the file."""

    def __init__(self, reader: ImageReader, width: float, height: float) -> None:
        super().__init__()
        self.reader = reader
        self.drawWidth, self.drawHeight = width, height

    def wrap(self, _available_width: float, _available_height: float) -> tuple[float, float]:
        return self.drawWidth, self.drawHeight

    def draw(self) -> None:
        self.canv.drawImage(self.reader, 0, 0, self.drawWidth, self.drawHeight, mask="auto")


def _fit_image(path: Path, max_width: float, max_height: float) -> _Picture:
    reader = _image(path)
    width, height = reader.getSize()
    scale = min(max_width / width, max_height / height)
    return _Picture(reader, width * scale, height * scale)


# --- building the story -----------------------------------------------------------


def _signature_cell(
    person: Signatory, styles: dict[str, ParagraphStyle], width: float
) -> list[Flowable]:
    cell: list[Flowable] = []
    if person.signature_image:
        cell.append(_fit_image(person.signature_image, width - 6, SIGNING_SPACE * mm))
    else:
        cell.append(Spacer(1, SIGNING_SPACE * mm))
    cell.append(
        HRFlowable(
            width="92%", thickness=0.6, color=INK, spaceBefore=1, spaceAfter=3, hAlign="LEFT"
        )
    )
    cell.append(_para(person.name, styles["sig_name"], "signatory name"))
    for text, label in (
        (person.title, "signatory title"),
        (person.organisation, "signatory organisation"),
    ):
        if text:
            cell.append(_para(text, styles["sig_title"], label))
    return cell


def _blank_signature(styles: dict[str, ParagraphStyle]) -> list[list[Flowable]]:
    """A personal letter: a line to sign on and a line for the name in capitals."""
    cells = []
    for caption in ("Signature", "Name in capitals"):
        cells.append(
            [
                Spacer(1, SIGNING_SPACE * mm),
                HRFlowable(
                    width="92%",
                    thickness=0.6,
                    color=INK,
                    spaceBefore=1,
                    spaceAfter=3,
                    hAlign="LEFT",
                ),
                _para(caption, styles["sig_title"], "caption"),
            ]
        )
    return [cells]


def _signatures(letter: Letter, styles: dict[str, ParagraphStyle], width: float) -> list[Flowable]:
    people = letter.signatories
    columns = 2 if not people or len(people) in (2, 4) else min(3, len(people))
    column_width = width / columns if columns > 1 else min(width, 80 * mm)
    rows: list[list[Any]] = []
    if not people:
        rows = _blank_signature(styles)
        column_width = min(column_width, 75 * mm)
    for start in range(0, len(people), columns):
        row: list[Any] = [
            _signature_cell(p, styles, column_width) for p in people[start : start + columns]
        ]
        row += [[]] * (columns - len(row))
        rows.append(row)
    table = Table(rows, colWidths=[column_width] * columns, hAlign="LEFT")
    table.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                # Tables set a cell font even around flowables; keep it an embedded one.
                ("FONTNAME", (0, 0), (-1, -1), fonts.BODY_FONT),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (-1, -1), 10),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 5),
            ]
        )
    )
    flowables: list[Flowable] = [table]
    if letter.profile.cosigners:
        listing = "Co-signed by: " + "; ".join(letter.profile.cosigners)
        flowables.append(_para(listing, styles["small"], "co_signing_organisations"))
    return flowables


def _story(
    letter: Letter, paper: Paper, styles: dict[str, ParagraphStyle], text_width: float
) -> list[Flowable]:
    org = letter.profile.organisation
    window: list[Flowable] = []
    if org is not None:
        window.append(_return_line(org.return_line(), styles["return"], _address_area(paper)[0]))
    for index, line in enumerate(letter.recipient_lines):
        window.append(_para(line, styles["address"], f"recipient line {index + 1}"))
    window_box = KeepInFrame(*_address_area(paper), window, mode="shrink")
    story: list[Flowable] = [window_box, FrameBreak()]
    story.append(_para(letter.date_text, styles["date"], "date"))
    story.append(FrameBreak())
    story.append(_para(letter.text.subject, styles["subject"], "subject"))
    story.append(_para(letter.text.salutation, styles["salutation"], "salutation"))
    body: list[Flowable] = []
    blocks = letter.text.blocks
    for index, block in enumerate(blocks):
        if block.kind == "bullet":
            last = index + 1 == len(blocks) or blocks[index + 1].kind != "bullet"
            style = styles["bullet_last" if last else "bullet"]
            body.append(Paragraph(_block_markup(block), style, bulletText="•"))
        else:
            body.append(Paragraph(_block_markup(block), styles["body"]))
    # The signature block must never stand alone at the top of a page: keep it with the
    # last paragraph and the closing.
    ending: list[Flowable] = [*body[-1:], _para(letter.text.closing, styles["closing"], "closing")]
    ending += _signatures(letter, styles, text_width)
    story += body[:-1]
    story.append(KeepTogether(ending))
    return story


# --- page furniture ---------------------------------------------------------------


class _PageCountingCanvas(Canvas):  # type: ignore[misc]
    """Defers page headers to the end, when the total page count is known."""

    def __init__(self, *args: Any, furniture: _Furniture, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._furniture = furniture
        self._pages: list[dict[str, Any]] = []

    def showPage(self) -> None:  # noqa: N802 - reportlab's name
        self._pages.append(dict(self.__dict__))
        self._startPage()

    def save(self) -> None:
        total = len(self._pages)
        for number, state in enumerate(self._pages, start=1):
            self.__dict__.update(state)
            self._furniture.page_header(self, number, total)
            super().showPage()
        self._furniture.page_count = total
        super().save()


@dataclass
class _Furniture:
    """What is drawn around the text: letterhead, fold marks, headers, footer."""

    letter: Letter
    paper: Paper
    styles: dict[str, ParagraphStyle]
    page_count: int = 0

    def _y(self, top_mm: float) -> float:
        return float((self.paper.height - top_mm) * mm)

    def first_page(self, canvas: Canvas, _doc: Any) -> None:
        canvas.saveState()
        if self.letter.profile.organisation is None:
            self._sender_lines(canvas)
        else:
            self._letterhead(canvas)
        if self.letter.fold_marks:
            self._fold_marks(canvas)
        self._footer(canvas)
        canvas.restoreState()

    def later_page(self, canvas: Canvas, _doc: Any) -> None:
        canvas.saveState()
        self._footer(canvas)
        canvas.restoreState()

    def page_header(self, canvas: Canvas, number: int, total: int) -> None:
        if number == 1:
            return
        paper, styles = self.paper, self.styles
        left = paper.margin_left * mm
        width = (paper.width - paper.margin_left - paper.margin_right) * mm
        recipient = self.letter.text.recipient[0] if self.letter.text.recipient else ""
        text = f"{recipient} · {self.letter.mission.name} · {self.letter.date_text}"
        header = Paragraph(fonts.to_markup(text, where="page header"), styles["small"])
        page = Paragraph(
            f"Page {number} of {total}",
            ParagraphStyle("pn", parent=styles["small"], alignment=TA_RIGHT),
        )
        _, h = header.wrap(width - 30 * mm, 20 * mm)
        header.drawOn(canvas, left, self._y(12) - h)
        page.wrap(30 * mm, 10 * mm)
        page.drawOn(canvas, left + width - 30 * mm, self._y(12) - page.height)
        canvas.setStrokeColor(RULE_GREY)
        canvas.setLineWidth(0.3)
        canvas.line(left, self._y(12) - h - 2, left + width, self._y(12) - h - 2)

    def _letterhead(self, canvas: Canvas) -> None:
        """Logo, name, tagline and contact lines above an accent rule, placed left,
        centred or right. A long name steps down in size to fit two lines."""
        org = self.letter.profile.organisation
        assert org is not None
        paper, head = self.paper, self.letter.profile.letterhead
        accent = colors.HexColor(head.accent_colour)
        left = paper.margin_left * mm
        width = (paper.width - paper.margin_left - paper.margin_right) * mm
        top = self._y(paper.letterhead_top)
        bottom = self._y(paper.letterhead_bottom) + 3 * mm
        centred = head.placement == "centre"
        align = {"left": TA_LEFT, "centre": TA_CENTER, "right": TA_RIGHT}[head.placement]
        text_left, text_width, text_top = left, width, top
        if org.logo is not None:
            max_height = (LOGO_HEIGHT_CENTRED if centred else LOGO_HEIGHT) * mm
            logo = _fit_image(org.logo, LOGO_MAX_WIDTH * mm, max_height)
            if centred:
                x = left + (width - logo.drawWidth) / 2
                text_top = top - logo.drawHeight - 2 * mm
            elif head.placement == "right":
                x = left + width - logo.drawWidth
                text_width = width - logo.drawWidth - 6 * mm
            else:
                x = left
                text_left = left + logo.drawWidth + 6 * mm
                text_width = width - logo.drawWidth - 6 * mm
            logo.drawOn(canvas, x, top - logo.drawHeight)
        small = ParagraphStyle("head_small", parent=self.styles["small"], alignment=align)
        details: list[Flowable] = []
        if head.tagline:
            italic = ParagraphStyle("tag", parent=small, fontName=fonts.ITALIC_FONT)
            details.append(_para(head.tagline, italic, "letterhead.tagline"))
        if org.address:
            details.append(_para(" · ".join(org.address), small, "organisation.address"))
        if org.contact_line():
            details.append(_para(org.contact_line(), small, "organisation contact line"))
        room = text_top - bottom
        details_height = sum(p.wrap(text_width, room)[1] for p in details) + 1.5 * mm
        name = _fit_name(
            org.name, self.styles["body"], accent, align, text_width, room - details_height
        )
        block = KeepInFrame(text_width, room, [name, Spacer(1, 1.5 * mm), *details], mode="shrink")
        _, height = block.wrapOn(canvas, text_width, text_top - bottom)
        block.drawOn(canvas, text_left, text_top - height)
        canvas.setStrokeColor(accent)
        canvas.setLineWidth(0.8)
        rule = self._y(paper.letterhead_bottom)
        canvas.line(left, rule, left + width, rule)

    def _sender_lines(self, canvas: Canvas) -> None:
        """A personal letter: ruled lines where the sender writes name and address."""
        paper = self.paper
        left = paper.margin_left * mm
        width = 85 * mm
        canvas.setFont(fonts.BODY_FONT, SMALL_SIZE)
        canvas.setFillColor(GREY)
        labels = ("Your name", "Street address", "City, postal code", "Email or phone")
        top = paper.letterhead_top + 2
        canvas.drawString(left, self._y(top), "FROM")
        canvas.setStrokeColor(RULE_GREY)
        canvas.setLineWidth(0.4)
        for index, label in enumerate(labels):
            y = self._y(top + 7 + index * 7)
            canvas.line(left, y, left + width, y)
            canvas.setFont(fonts.BODY_FONT, 5.5)
            canvas.drawString(left, y - 6.5, label)

    def _fold_marks(self, canvas: Canvas) -> None:
        canvas.setStrokeColor(GREY)
        canvas.setLineWidth(0.4)
        for position in self.paper.fold_marks:
            canvas.line(4 * mm, self._y(position), 9 * mm, self._y(position))
        if self.paper.punch_mark is not None:
            canvas.line(
                4 * mm, self._y(self.paper.punch_mark), 11 * mm, self._y(self.paper.punch_mark)
            )

    def _footer(self, canvas: Canvas) -> None:
        footer = self.letter.profile.letterhead.footer
        if not footer or self.letter.profile.organisation is None:
            return
        paper = self.paper
        width = (paper.width - paper.margin_left - paper.margin_right) * mm
        style = ParagraphStyle("foot", parent=self.styles["small"], alignment=TA_CENTER)
        para = _para(footer, style, "letterhead.footer")
        _, _h = para.wrap(width, 20 * mm)
        para.drawOn(canvas, paper.margin_left * mm, 9 * mm)


# --- the document -----------------------------------------------------------------


def _address_area(paper: Paper) -> tuple[float, float]:
    """Width and height (points) of the address text inside the envelope window."""
    window = paper.window
    width = (window.left + window.width - WINDOW_PADDING - paper.margin_left) * mm
    return width, (window.height - 2 * WINDOW_PADDING) * mm


def _templates(paper: Paper, furniture: _Furniture) -> list[PageTemplate]:
    page_width, page_height = paper.width * mm, paper.height * mm
    left = paper.margin_left * mm
    text_width = page_width - left - paper.margin_right * mm
    bottom = paper.margin_bottom * mm
    window = paper.window
    # The address starts at the body's left margin (DIN 5008: 5 mm inside the field).
    window_frame = Frame(
        left,
        page_height - (window.top + window.height - WINDOW_PADDING) * mm,
        *_address_area(paper),
        id="window",
        leftPadding=0,
        rightPadding=0,
        topPadding=0,
        bottomPadding=0,
    )
    info = paper.info_block
    info_frame = Frame(
        info.left * mm,
        page_height - (info.top + info.height) * mm,
        page_width - paper.margin_right * mm - info.left * mm,
        info.height * mm,
        id="info",
        leftPadding=0,
        rightPadding=0,
        topPadding=0,
        bottomPadding=0,
    )
    first_body = Frame(
        left,
        bottom,
        text_width,
        page_height - paper.body_top * mm - bottom,
        id="body",
        leftPadding=0,
        rightPadding=0,
        topPadding=0,
        bottomPadding=0,
    )
    later_body = Frame(
        left,
        bottom,
        text_width,
        page_height - paper.margin_top * mm - bottom - 6 * mm,
        id="later",
        leftPadding=0,
        rightPadding=0,
        topPadding=0,
        bottomPadding=0,
    )
    return [
        PageTemplate(
            "first",
            [window_frame, info_frame, first_body],
            onPage=furniture.first_page,
            autoNextPageTemplate="later",
        ),
        PageTemplate("later", [later_body], onPage=furniture.later_page),
    ]


def render_pdf(letter: Letter) -> RenderedPDF:
    """Lay out the letter and return the PDF bytes (byte-identical for identical input)."""
    paper = PAPERS[letter.paper]
    cjk = letter.text.language.split("+")[0] in ("zh", "ja", "ko")
    styles = _styles(cjk)
    furniture = _Furniture(letter, paper, styles)
    buffer = io.BytesIO()
    org = letter.profile.organisation
    doc = BaseDocTemplate(
        buffer,
        pagesize=(paper.width * mm, paper.height * mm),
        title=letter.title or letter.text.subject,
        author=org.name if org else "nkletters",
        subject=letter.text.subject,
        creator="nkletters",
        lang=letter.text.language.split("+")[0],
        invariant=1,
        pageCompression=1,
    )
    doc.addPageTemplates(_templates(paper, furniture))
    text_width = (paper.width - paper.margin_left - paper.margin_right) * mm
    story = _story(letter, paper, styles, text_width)

    def canvasmaker(*args: Any, **kwargs: Any) -> Canvas:
        # Without this every page names Helvetica, a font that is not embedded.
        kwargs["initialFontName"] = fonts.BODY_FONT
        return _PageCountingCanvas(*args, furniture=furniture, **kwargs)

    doc.build(story, canvasmaker=canvasmaker)
    return RenderedPDF(buffer.getvalue(), furniture.page_count, paper)
