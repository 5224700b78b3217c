"""Layout: the one place that uses reportlab's page layout, turning a Letter into PDF bytes.

All page geometry lives in PAPERS below, in millimetres, so it can be checked against the
envelope standards it follows: DIN 5008 form B for A4 (address field 85 × 45 mm at 20 mm
from the left and 45 mm from the top, fitting a DL or C5/6 window envelope) and the
window of a US #10 envelope on a tri-folded US Letter sheet.
"""

from __future__ import annotations

import calendar
import contextlib
import copy
import dataclasses
import io
import os
import re
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import cache, lru_cache
from pathlib import Path
from typing import Any, BinaryIO

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_LEFT, TA_RIGHT
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase import pdfdoc
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    Flowable,
    Frame,
    FrameBreak,
    HRFlowable,
    KeepInFrame,
    KeepTogether,
    PageBreak,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
    doctemplate,
)

from .. import i18n, images
from ..errors import LayoutError, masks_interrupt
from ..missions import Mission
from ..profile import Profile, Signatory
from ..text.lettertext import Block, LetterText
from . import cjk, fonts


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
RETURN_LINE_SIZES = (RETURN_LINE_SIZE, 6)
"""The return line may step down to 6 pt (still legible through the window), then is cut."""
BODY_SIZE = 10
BODY_LEADING = 13.6
ADDRESS_SIZE = BODY_SIZE
"""The recipient's address is set at the body's size: a block too tall for the window
drops lines (Letter.address_variants), never shrinks its type."""
ADDRESS_LEADING = 1.22
ADDRESS_LEADING_TIGHT = 1.12
"""Line spacing (× size) of the address, tightened before any line is dropped."""
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
    second_date_text: str = ""
    """A bilingual letter's date in its second language, printed under the first."""
    when: date | None = None
    """The letter's date: also the PDF's creation date (see :func:`stamp`)."""

    @property
    def recipient_lines(self) -> tuple[str, ...]:
        """Addressee lines from the template, then the mission's postal address; in a
        Chinese, Japanese or Korean letter to an address written in that script, the
        address first (〒106-0046 東京都…, then the mission, then the person)."""
        return self.address_variants[0]

    @property
    def address_variants(self) -> tuple[tuple[str, ...], ...]:
        """The recipient block from whole to shortest, for a window or label too small
        for all of it (see :func:`address_variants`)."""
        language = i18n.base_language(self.text.language)
        return address_variants(
            self.text.recipient,
            self.extra_recipient_lines,
            self.mission.address.postal_lines(),
            mission=i18n.mission_name(self.mission, self.text.language),
            address_first=(
                language in CJK_LANGUAGES and self.mission.address.written_big_to_small()
            ),
        )


def address_variants(
    addressee: Sequence[str],
    extra: Sequence[str],
    postal: Sequence[str],
    *,
    mission: str | None = None,
    address_first: bool = False,
) -> tuple[tuple[str, ...], ...]:
    """``(*addressee, *extra, *postal)``, then shorter forms that still deliver: without
    the addressee's middle lines (the President's title), without ``extra`` (the
    mission's Chinese name), and with only the mission, which is then the addressee:
    ``mission`` (its name in the letter's language), or else the addressee's last line
    with its "c/o " dropped. The postal address is always whole; ``address_first`` puts
    it before the names, as a Japanese or Korean address in its own script runs."""
    addressee, extra, postal = tuple(addressee), tuple(extra), tuple(postal)
    outer = (addressee[0], addressee[-1]) if len(addressee) > 2 else addressee
    last = (
        (mission,)
        if mission is not None
        else tuple(re.sub(r"^c/o\s+", "", line, flags=re.I) for line in addressee[-1:])
    )
    names = [(*addressee, *extra), (*outer, *extra), outer, last]
    variants = [(*postal, *lines) if address_first else (*lines, *postal) for lines in names]
    return tuple(dict.fromkeys(variants))


@dataclass(frozen=True)
class Page:
    """A finished page as PDF drawing operators, to add to another document of the
    batch without laying the letter out again (see :meth:`PrintFile.add_pages`)."""

    size: tuple[float, float]
    code: str
    fonts: tuple[str, ...]
    forms: tuple[str, ...] = ()
    """Images drawn on the page, by reportlab's name for them."""
    objects: tuple[tuple[str, Any], ...] = ()
    """The images' PDF objects (and their transparency masks), by internal name."""


@dataclass(frozen=True)
class RenderedPDF:
    """A laid-out letter: its bytes and page count, and its pages for the print file."""

    data: bytes
    pages: int
    paper: Paper
    page_records: tuple[Page, ...] | None = None
    """None when the letter used a character outside the batch's planned encoding:
    its pages are then valid only in its own file."""


# --- styles -----------------------------------------------------------------------


PARAGRAPH_SPACE = 5
"""Space (pt) after a paragraph: with 13.6 pt leading, a clear break that still lets the
appeal, its legal grounds and the signature block share one page."""

PARAGRAPH_INDENT = {"zh": 2, "ja": 1}
"""First-line indent of body paragraphs, in characters: two in Chinese, one in Japanese."""

RIGHT_ALIGNED_CLOSING = frozenset({"ja"})
"""Languages whose closing stands flush right (Japanese 敬具)."""


@cache
def _styles(cjk: bool, spaced: bool = False, language: str = "") -> dict[str, ParagraphStyle]:
    """Paragraph styles. ``cjk`` text gets more leading and, unless it is ``spaced``
    (Korean writes spaces between words and breaks lines at them), line breaks
    between any two characters, as Chinese and Japanese typesetting does. ``language``
    brings its own conventions: paragraph indents, where the closing stands."""
    fonts.register(fonts.LATIN)
    wrap = "CJK" if cjk and not spaced else None
    leading = BODY_LEADING + (1.6 if cjk else 0)
    base = ParagraphStyle(
        "base",
        fontName=fonts.BODY_FONT,
        fontSize=BODY_SIZE,
        leading=leading,
        textColor=INK,
        spaceAfter=PARAGRAPH_SPACE,
        alignment=TA_LEFT,
        allowWidows=0,
        allowOrphans=0,
        wordWrap=wrap,
        splitLongWords=True,
        bulletFontName=fonts.BODY_FONT,
        hyphenationLang="",
    )
    # Only body paragraphs are indented; headers, captions and the address are not.
    body = ParagraphStyle(
        "body", parent=base, firstLineIndent=PARAGRAPH_INDENT.get(language, 0) * BODY_SIZE
    )
    return {
        "body": body,
        "body_first": ParagraphStyle("body_first", parent=base, firstLineIndent=0),
        "bullet": ParagraphStyle(
            "bullet", parent=base, leftIndent=14, bulletIndent=3, spaceAfter=2.5, firstLineIndent=0
        ),
        "bullet_last": ParagraphStyle(
            "bullet_last", parent=base, leftIndent=14, bulletIndent=3, firstLineIndent=0
        ),
        # Chinese and Japanese bold is the Han font stroked (fonts.SYNTHETIC_BOLD_STROKE).
        "subject": ParagraphStyle(
            "subject",
            parent=base,
            fontName=fonts.BOLD_FONT,
            firstLineIndent=0,
            spaceAfter=8,
            keepWithNext=1,
        ),
        "heading": ParagraphStyle(
            "heading",
            parent=base,
            fontName=fonts.BOLD_FONT,
            fontSize=SMALL_SIZE,
            leading=SMALL_SIZE * 1.4,
            textColor=GREY,
            firstLineIndent=0,
            spaceAfter=3,
            keepWithNext=1,
        ),
        "salutation": ParagraphStyle("salutation", parent=base, firstLineIndent=0, keepWithNext=1),
        "closing": ParagraphStyle(
            "closing",
            parent=base,
            firstLineIndent=0,
            alignment=TA_RIGHT if language in RIGHT_ALIGNED_CLOSING else TA_LEFT,
            spaceBefore=4,
            keepWithNext=1,
        ),
        "address": ParagraphStyle(
            "address",
            parent=base,
            fontSize=ADDRESS_SIZE,
            leading=ADDRESS_SIZE * ADDRESS_LEADING,
            firstLineIndent=0,
            spaceAfter=0,
        ),
        "address_tight": ParagraphStyle(
            "address_tight",
            parent=base,
            fontSize=ADDRESS_SIZE,
            leading=ADDRESS_SIZE * ADDRESS_LEADING_TIGHT,
            firstLineIndent=0,
            spaceAfter=0,
        ),
        "return": ParagraphStyle(
            "return",
            parent=base,
            fontSize=RETURN_LINE_SIZE,
            leading=RETURN_LINE_SIZE * 1.2,
            textColor=GREY,
            spaceAfter=1.5,
        ),
        "date": ParagraphStyle("date", parent=base, alignment=TA_RIGHT, spaceAfter=0),
        "small": ParagraphStyle(
            "small",
            parent=base,
            fontSize=SMALL_SIZE,
            leading=SMALL_SIZE * 1.3,
            textColor=GREY,
            spaceAfter=0,
        ),
        "sig_name": ParagraphStyle(
            "sig_name",
            parent=base,
            fontName=fonts.BOLD_FONT,
            fontSize=9.5,
            leading=12,
            spaceAfter=0,
        ),
        "sig_title": ParagraphStyle(
            "sig_title", parent=base, fontSize=8.5, leading=10.5, textColor=GREY, spaceAfter=0
        ),
    }


CJK_LANGUAGES = frozenset({"zh", "ja", "ko"})
SPACED_CJK_LANGUAGES = frozenset({"ko"})


def _styles_for(language: str) -> dict[str, ParagraphStyle]:
    """The styles for text in ``language`` (``zh``, ``ko``, ``en_GB``…)."""
    base = language.split("+")[0].split("_")[0].split("-")[0].lower()
    return _styles(base in CJK_LANGUAGES, base in SPACED_CJK_LANGUAGES, base)


def _para(text: str, style: ParagraphStyle, where: str) -> Paragraph:
    bold, italic = "Bold" in style.fontName, "Italic" in style.fontName
    markup = fonts.to_markup(
        text, where=where, bold=bold, italic=italic, cjk=style.wordWrap == "CJK"
    )
    return paragraph(markup, style)


def _fit_name(
    name: str, base: ParagraphStyle, colour: Any, align: int, width: float, height: float
) -> Paragraph:
    """The organisation's name, as large as possible within two lines and ``height``."""
    markup = fonts.to_markup(name, where="organisation.name", bold=True)
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
    for size in RETURN_LINE_SIZES:
        fitted = ParagraphStyle(f"return{size}", parent=style, fontSize=size, leading=size * 1.2)
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


def _window(letter: Letter, paper: Paper, styles: dict[str, ParagraphStyle]) -> list[Flowable]:
    """The return line and the recipient block, at full size (see :func:`window_lines`)."""
    head, lines, style = _window_choice(letter, paper, styles)
    return [
        *head,
        *(_para(line, style, f"recipient line {n + 1}") for n, line in enumerate(lines)),
    ]


def window_lines(letter: Letter) -> tuple[str, ...]:
    """The recipient lines the letter prints in its envelope window: the longest form
    of the address (Letter.address_variants) that fits it at the body's size, with the
    usual line spacing or, failing that, a tighter one."""
    return _window_choice(letter, PAPERS[letter.paper], _styles_for(letter.text.language))[1]


def _window_choice(
    letter: Letter, paper: Paper, styles: dict[str, ParagraphStyle]
) -> tuple[list[Flowable], tuple[str, ...], ParagraphStyle]:
    width, height = _address_area(paper)
    org = letter.profile.organisation
    head = [_return_line(org.return_line(), styles["return"], width)] if org else []
    variants = letter.address_variants
    # Last of all, the return line goes (the letterhead above still gives the sender).
    candidates = [*((head, lines) for lines in variants), ([], variants[-1])]
    for top, lines in candidates:
        for style in (styles["address"], styles["address_tight"]):
            block = [
                *top,
                *(_para(line, style, f"recipient line {n + 1}") for n, line in enumerate(lines)),
            ]
            if _height(block, width) <= height + 0.01:
                return top, lines, style
    # Even that is too tall (a very long address): KeepInFrame shrinks it.
    return head, variants[-1], styles["address_tight"]


def _height(flowables: Sequence[Flowable], width: float) -> float:
    """The height (points) the flowables take stacked in a frame ``width`` wide."""
    total = 0.0
    for index, flowable in enumerate(flowables):
        total += flowable.wrap(width, 10_000)[1] + flowable.getSpaceAfter()
        if index:
            total += flowable.getSpaceBefore()
    return total


def _block_markup(block: Block, cjk_text: bool = False) -> str:
    parts = []
    for run in block.runs:
        chunk = fonts.to_markup(
            run.text, where="the letter text", bold=run.bold, italic=run.italic, cjk=cjk_text
        )
        if run.italic:
            chunk = f"<i>{chunk}</i>"
        if run.bold:
            chunk = f"<b>{chunk}</b>"
        parts.append(chunk)
    return "".join(parts)


# --- images -----------------------------------------------------------------------

MAX_IMAGE_SIDE = 2000
"""Longest side, in pixels, of an embedded image (40 mm of logo at 1,270 dpi). A larger
image is scaled down once per process: smaller PDFs, faster batches, same print."""


@cache
def _image(path: Path) -> ImageReader:
    """Read and check an image once per process (batches reuse the decoded logo).

    The whole image is decoded here, so that a truncated or corrupt file fails with a
    clear message before the PDF is begun. An image larger than MAX_IMAGE_SIDE is scaled
    down (a JPEG is decoded at reduced size, which is quick even for a huge photo).
    """
    from PIL import UnidentifiedImageError  # reportlab's own dependency

    try:
        data = images.read(path)
        picture = images.open_image(data)
        width, height = picture.size
        if max(width, height) > MAX_IMAGE_SIDE:
            picture.draft(None, (MAX_IMAGE_SIDE, MAX_IMAGE_SIDE))
            picture.thumbnail((MAX_IMAGE_SIDE, MAX_IMAGE_SIDE))
        picture.load()
        if picture.format == "JPEG":
            if picture.size == (width, height):
                reader = ImageReader(io.BytesIO(data))  # embedded as it is, without re-encoding
            else:
                scaled = io.BytesIO()
                picture.save(scaled, format="JPEG", quality=92)
                reader = ImageReader(scaled)
        else:
            reader = ImageReader(picture)
        reader.getSize()
    except images.ImageProblem as problem:
        raise LayoutError(
            f"image {str(path)!r} cannot be used ({problem.reason})", hint=problem.hint
        ) from None
    except Exception as exc:  # PIL raises many kinds for a broken file
        if isinstance(exc, UnidentifiedImageError):
            reason = "not an image file"
        elif isinstance(exc, OSError):
            reason = exc.strerror or str(exc)
        else:
            reason = type(exc).__name__
        raise LayoutError(
            f"image {str(path)!r} cannot be read ({reason})",
            hint="use a PNG or JPEG file that opens in an image viewer",
        ) from None
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


def _caption(key: str, languages: str) -> str:
    """A caption of the signature block in the letter's language, or in both languages
    of a bilingual letter (``Signature / 签名``)."""
    captions = [i18n.label(key, language) for language in languages.split("+")]
    return " / ".join(dict.fromkeys(captions))


def _blank_signature(styles: dict[str, ParagraphStyle], language: str) -> list[list[Flowable]]:
    """A personal letter: a line to sign on and a line for the name in capitals."""
    cells = []
    for key in ("signature", "name_in_capitals"):
        caption = _caption(key, language)
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
        rows = _blank_signature(styles, "+".join(letter.text.languages))
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
        cosigned = _caption("cosigned", "+".join(letter.text.languages))
        listing = f"{cosigned} " + "; ".join(letter.profile.cosigners)
        flowables.append(_para(listing, styles["small"], "co_signing_organisations"))
    return flowables


def _story(
    letter: Letter, paper: Paper, styles: dict[str, ParagraphStyle], text_width: float
) -> list[Flowable]:
    org = letter.profile.organisation
    # Read every image now: inside reportlab's page callbacks a broken file would fail
    # with reportlab's own words added to ours.
    for image in (org.logo if org else None, *(s.signature_image for s in letter.signatories)):
        if image is not None:
            _image(image)
    window_box = KeepInFrame(*_address_area(paper), _window(letter, paper, styles), mode="shrink")
    story: list[Flowable] = [window_box, FrameBreak()]
    story.append(_para(letter.date_text, styles["date"], "date"))
    if letter.second_date_text:
        story.append(_para(letter.second_date_text, styles["date"], "date"))
    story.append(FrameBreak())
    if letter.text.translation is None:
        story.append(_para(letter.text.subject, styles["subject"], "subject"))
        story += _text_and_signatures(letter, letter.text, styles, text_width)
        return story
    # Bilingual: each language's part under a heading in that language, with its own
    # subject, salutation, text and closing. The first part's last paragraph keeps its
    # closing; the second part starts below a rule, or on a new page with the rule
    # left out of sight above it, and ends with the sentence that says which text
    # prevails and the one signature block.
    first, second = letter.text, letter.text.translation
    second_styles = _styles_for(second.language)
    story.append(_para(i18n.language_heading(first.language), styles["heading"], "heading"))
    story.append(_para(first.subject, styles["subject"], "subject"))
    story.append(_para(first.salutation, styles["salutation"], "salutation"))
    body = _body(first, styles)
    closing = _para(first.closing, styles["closing"], "closing")
    story += [*body[:-1], KeepTogether([*body[-1:], closing])]
    rule = _SeparatorRule(
        width="100%", thickness=0.4, color=RULE_GREY, spaceBefore=6, spaceAfter=10
    )
    part: list[Flowable] = [
        rule,
        _para(i18n.language_heading(second.language), second_styles["heading"], "heading"),
        _para(second.subject, second_styles["subject"], "subject"),
    ]
    part += _text_and_signatures(letter, second, second_styles, text_width)
    story.append(KeepTogether(part))
    return story


def _text_and_signatures(
    letter: Letter, text: LetterText, styles: dict[str, ParagraphStyle], text_width: float
) -> list[Flowable]:
    """Salutation, body and closing of ``text``, then the signature block."""
    story: list[Flowable] = [_para(text.salutation, styles["salutation"], "salutation")]
    body = _body(text, styles)
    # The signature block must never stand alone at the top of a page: keep it with the
    # last paragraph and the closing.
    ending: list[Flowable] = [*body[-1:], _para(text.closing, styles["closing"], "closing")]
    languages = letter.text.languages
    if len(languages) > 1:
        # Which text prevails, once in each language, each in its own type.
        for language in languages:
            note = i18n.prevailing_text_note(languages[0], languages[1], language)
            ending.append(_para(note, _note_style(_styles_for(language)), "prevailing text"))
    # Captions and the page furniture follow the first language's styles.
    ending += _signatures(letter, _styles_for(letter.text.language), text_width)
    return [*story, *body[:-1], KeepTogether(ending)]


class _SeparatorRule(HRFlowable):  # type: ignore[misc]
    """The rule between the two parts of a bilingual letter: drawn where the second
    part follows the first on the same page, left out at the top of a page, where the
    page header already stands above the text."""

    _hidden = False

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:  # noqa: N803
        frame = getattr(self, "_frame", None)
        self._hidden = bool(frame is not None and frame._atTop)
        if self._hidden:
            return availWidth, 0.0
        return super().wrap(availWidth, availHeight)  # type: ignore[no-any-return]

    def getSpaceAfter(self) -> float:  # noqa: N802 - reportlab's name
        return 0.0 if self._hidden else float(super().getSpaceAfter())

    def draw(self) -> None:
        if not self._hidden:
            super().draw()


def _note_style(styles: dict[str, ParagraphStyle]) -> ParagraphStyle:
    return ParagraphStyle("note", parent=styles["small"], spaceBefore=4, spaceAfter=0)


class _SettledParagraph(Paragraph):  # type: ignore[misc]
    """A paragraph that remembers its line breaks for each width it was given.

    Breaking lines is most of the cost of a letter, and platypus asks again for the
    same widths (KeepTogether and KeepInFrame measure, then the frame places). The
    result depends only on the text, the style and the width, so the same paragraph
    can serve every letter of a batch that prints it.
    """

    _wrapped_for = -1.0
    width: float
    height: float

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:  # noqa: N803
        # split() drops blPara when it moves the paragraph on: then break lines again.
        if availWidth == self._wrapped_for and "blPara" in self.__dict__:
            return self.width, self.height
        known: dict[float, tuple[Any, ...]] = self.__dict__.setdefault("_by_width", {})
        if availWidth in known:
            self.width, self.height, self.blPara, self._wrapWidths = known[availWidth]
        else:
            super().wrap(availWidth, availHeight)
            if not hasattr(self, "blPara"):
                self._wrapped_for = -1.0
                return self.width, self.height
            known[availWidth] = (self.width, self.height, self.blPara, self._wrapWidths)
        self._wrapped_for = availWidth
        return self.width, self.height

    def breakLinesCJK(self, maxWidths: Any) -> Any:  # noqa: N802, N803 - reportlab's names
        # Both kinsoku rules, not only reportlab's "no closing mark at a line's start".
        return cjk.break_paragraph(self, maxWidths)

    def draw(self) -> None:
        # The operators that draw these lines depend only on the lines, the canvas
        # state they start from and the font encoding: under a batch's planned
        # encoding they are the same in every letter, so they are made once.
        canvas = self.canv
        key = (
            self.blPara,
            canvas._fontname,
            canvas._fontsize,
            canvas._leading,
            canvas._fillColorObj,
            canvas._strokeColorObj,
            fonts.plan_number(),
        )
        drawn: dict[tuple[Any, ...], tuple[list[str], tuple[str, ...]]]
        drawn = self.__dict__.setdefault("_drawn", {})
        if key in drawn:
            code, used = drawn[key]
            for name in used:
                fonts.use_in(name, canvas._doc)
            canvas._code.extend(code)
            return
        start = len(canvas._code)
        super().draw()
        doc = canvas._doc
        if len(drawn) < 8 and fonts.encoding_is_planned(doc):
            code = canvas._code[start:]
            text = "\n".join(code)
            used = tuple(name for name, pdf in doc.fontMapping.items() if f"{pdf}+" in text)
            drawn[key] = (code, used)


def paragraph(markup: str, style: ParagraphStyle, bullet: str | None = None) -> Paragraph:
    """A paragraph for ``markup`` (from fonts.to_markup), shared by every letter that
    prints the same text in the same style: a batch parses and breaks it once."""
    shared = _shared_paragraph(markup, style, bullet)
    # platypus marks a flowable it had to move to the next frame; that mark belongs to
    # one document, and a shared paragraph must start each letter without it.
    shared.__dict__.pop("_postponed", None)
    return shared


@lru_cache(maxsize=1024)  # bounded: signers' names and notes differ from letter to letter
def _shared_paragraph(markup: str, style: ParagraphStyle, bullet: str | None) -> Paragraph:
    return _SettledParagraph(markup, style, bulletText=bullet)


def _body_paragraph(block: Block, style: ParagraphStyle, bullet: bool) -> Paragraph:
    markup = _block_markup(block, style.wordWrap == "CJK")
    return paragraph(markup, style, "•" if bullet else None)


def _body(text: LetterText, styles: dict[str, ParagraphStyle]) -> list[Flowable]:
    """The paragraphs and bullet items of one language's text."""
    body: list[Flowable] = []
    blocks = text.blocks
    for index, block in enumerate(blocks):
        if block.kind == "bullet":
            last = index + 1 == len(blocks) or blocks[index + 1].kind != "bullet"
            style = styles["bullet_last" if last else "bullet"]
            body.append(_body_paragraph(block, style, True))
        else:
            # A Japanese letter's opening word (拝啓) stands at the margin.
            first = index == 0 and block.plain.startswith(OPENING_WORDS)
            body.append(_body_paragraph(block, styles["body_first" if first else "body"], False))
    return body


OPENING_WORDS = ("拝啓", "謹啓", "前略")
"""The words that open a Japanese letter, written without the paragraph indent."""


# --- page furniture ---------------------------------------------------------------


def _record(canvas: Canvas) -> Page:
    """The page being drawn on ``canvas``, as a Page."""
    doc = canvas._doc
    forms = tuple(dict.fromkeys(canvas._formsinuse))
    objects = []
    for form in forms:
        internal = doc.getXObjectName(form)
        image = doc.idToObject[internal]
        objects.append((internal, image))
        mask = getattr(image, "smask", None)  # an image's transparency is one more object
        if mask is not None:
            objects.append((mask.name, doc.idToObject[mask.name]))
    return Page(
        (float(canvas._pagesize[0]), float(canvas._pagesize[1])),
        "\n".join(canvas._code),
        tuple(doc.fontMapping),
        forms,
        tuple(objects),
    )


def _replay(canvas: Canvas, page: Page) -> None:
    """Add ``page`` to ``canvas``'s document as its next page."""
    doc = canvas._doc
    for name in page.fonts:
        fonts.use_in(name, doc)
    for internal, image in page.objects:
        if internal not in doc.idToObject:
            # The object remembers its registration in the document it came from; a
            # copy without that mark can be registered here under the same name.
            fresh = copy.copy(image)
            fresh.__dict__.pop("__InternalName__", None)
            doc.Reference(fresh, internal)
    canvas.setPageSize(page.size)
    canvas._code = [page.code]
    canvas._formsinuse = list(page.forms)
    Canvas.showPage(canvas)


class _PageCountingCanvas(Canvas):  # type: ignore[misc]
    """Defers page headers to the end, when the total page count is known, and keeps
    each finished page as a Page for the print file."""

    def __init__(self, *args: Any, furniture: _Furniture, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._furniture = furniture
        self._pages: list[dict[str, Any]] = []
        self.records: list[Page] = []
        self.planned = True

    def showPage(self) -> None:  # noqa: N802 - reportlab's name
        self._pages.append(dict(self.__dict__))
        self._startPage()

    def save(self) -> None:
        total = len(self._pages)
        for number, state in enumerate(self._pages, start=1):
            self.__dict__.update(state)
            self._furniture.page_header(self, number, total)
            self.records.append(_record(self))
            super().showPage()
        self._furniture.page_count = total
        self.planned = fonts.encoding_is_planned(self._doc)
        super().save()


HEADER_SIZES = (SMALL_SIZE, 7, 6.5, 6)
"""The running header steps down through these sizes to stay on one line."""


def _header_line(letter: Letter, style: ParagraphStyle, width: float) -> Paragraph:
    """The running header of pages after the first, always one line: the addressee,
    the mission and the date; smaller type, then without the mission, then cut."""
    language = letter.text.language
    mission = i18n.mission_name(letter.mission, language)
    addressee = _addressee(letter.text, mission)
    choices = [
        " · ".join(part for part in (addressee, mission, letter.date_text) if part),
        " · ".join(part for part in (addressee, letter.date_text) if part),
    ]
    cjk_text = style.wordWrap == "CJK"
    for text in choices:
        markup = fonts.to_markup(text, where="page header", cjk=cjk_text)
        for size in HEADER_SIZES:
            fitted = ParagraphStyle(
                f"header{size}", parent=style, fontSize=size, leading=size * 1.3
            )
            header = Paragraph(markup, fitted)
            if header.wrap(width, 1000)[1] <= fitted.leading + 0.1:
                return header
    text = choices[-1]
    while len(text) > 10:
        text = text[: int(len(text) * 0.9)].rstrip(" ·,")
        header = Paragraph(fonts.to_markup(text + "…", where="page header", cjk=cjk_text), fitted)
        if header.wrap(width, 1000)[1] <= fitted.leading + 0.1:
            break
    return header


def _addressee(text: LetterText, mission: str) -> str:
    """The line of the template's recipient that names the person: of the lines that do
    not name the mission, the first (His Excellency Xi Jinping), or in Chinese, Japanese
    and Korean, where the title comes before the name, the last (習近平閣下)."""
    lines = [line for line in text.recipient if mission not in line] or list(text.recipient)
    if not lines:
        return ""
    return lines[-1] if i18n.base_language(text.language) in CJK_LANGUAGES else lines[0]


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
        header = _header_line(self.letter, styles["small"], width - 30 * mm)
        page = Paragraph(
            fonts.to_markup(
                i18n.label("page", self.letter.text.language, number=number, total=total)
            ),
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
            org.name, self.styles["body_first"], accent, align, text_width, room - details_height
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
        language = self.letter.text.language
        canvas.setFillColor(GREY)
        top = paper.letterhead_top + 2
        heading = i18n.label("from", language)
        canvas.setFont(fonts.font_for_plain_text(heading), SMALL_SIZE)
        canvas.drawString(left, self._y(top), heading)
        canvas.setStrokeColor(RULE_GREY)
        canvas.setLineWidth(0.4)
        for index, key in enumerate(("your_name", "street", "city", "contact")):
            label = i18n.label(key, language)
            y = self._y(top + 7 + index * 7)
            canvas.line(left, y, left + width, y)
            canvas.setFont(fonts.font_for_plain_text(label), 5.5)
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


def _templates(paper: Paper, furniture: _Furniture | _LetterSwitch) -> list[PageTemplate]:
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


LAYOUT_CHARACTERS = "•·"
"""What the layout adds to the text: list bullets, the separator in page headers."""


def printed_strings(letter: Letter) -> list[str]:
    """Every piece of text the letter may print: its words, recipient, dates,
    signatories and the sender's profile (for fonts.encoding_plan)."""
    found: list[str] = [*letter.recipient_lines, letter.date_text, letter.second_date_text]
    found += [letter.mission.name, letter.title, LAYOUT_CHARACTERS]
    languages = letter.text.languages
    for language in languages:
        # The page header names the mission in the letter's language; a bilingual
        # letter adds its headings and the sentence on which text prevails.
        found += [i18n.mission_name(letter.mission, language), i18n.language_heading(language)]
        if len(languages) > 1:
            found.append(i18n.prevailing_text_note(languages[0], languages[1], language))
    found += [_caption(key, "+".join(languages)) for key in ("signature", "name_in_capitals")]

    def walk(value: Any) -> None:
        if isinstance(value, str):
            found.append(value)
        elif isinstance(value, (tuple, list)):
            for item in value:
                walk(item)
        elif dataclasses.is_dataclass(value) and not isinstance(value, type):
            for each in dataclasses.fields(value):
                walk(getattr(value, each.name))

    walk((letter.text, letter.signatories, letter.profile))
    return found


@contextlib.contextmanager
def _fitting() -> Iterator[None]:
    """reportlab's LayoutError (a block taller than a page) as ours: that letter's
    failure; and an interrupt that reportlab's bare except turned into a KeyError
    (errors.masks_interrupt) as the interrupt it is."""
    try:
        yield
    except doctemplate.LayoutError:
        raise LayoutError(
            "part of the letter is taller than a page (a name, title or note thousands of "
            "characters long?)",
            hint="shorten it",
        ) from None
    except Exception as exc:
        if masks_interrupt(exc):
            raise KeyboardInterrupt from None
        raise


def render_pdf(letter: Letter) -> RenderedPDF:
    """Lay out the letter and return the PDF bytes (byte-identical for identical input)."""
    paper = PAPERS[letter.paper]
    styles = _styles_for(letter.text.language)
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

    canvases: list[_PageCountingCanvas] = []

    def canvasmaker(*args: Any, **kwargs: Any) -> Canvas:
        # Without this every page names Helvetica, a font that is not embedded.
        kwargs["initialFontName"] = fonts.BODY_FONT
        canvases.append(_PageCountingCanvas(*args, furniture=furniture, **kwargs))
        stamp(canvases[-1], letter.when)
        return canvases[-1]

    with _fitting():
        doc.build(story, canvasmaker=canvasmaker)
    canvas = canvases[-1]
    records = tuple(canvas.records) if canvas.planned else None
    return RenderedPDF(buffer.getvalue(), furniture.page_count, paper, records)


def stamp(canvas: Canvas, when: date | None) -> None:
    """Date the PDF ``when`` (midnight UTC) rather than reportlab's invariant 1 January
    2000, which looks like a bug: still the same bytes for the same letter.
    ``SOURCE_DATE_EPOCH``, when set, wins (reproducible builds)."""
    if when is None or os.environ.get("SOURCE_DATE_EPOCH", "").strip():
        return
    # reportlab reads the date from its document's TimeStamp (private; reportlab 4-5).
    stamp_ = canvas._doc._timeStamp
    seconds = calendar.timegm(when.timetuple())
    stamp_.t, stamp_.lt = seconds, time.gmtime(seconds)
    stamp_.YMDhms = tuple(stamp_.lt)[:6]
    stamp_.dhh = stamp_.dmm = 0
    stamp_.tzname = "UTC"


# --- many letters in one print file -----------------------------------------------
# A batch's print file holds thousands of pages. reportlab keeps every page of a
# document in memory until it saves, so the two classes below write each finished page
# to the file at once and keep only its object number; fonts, which grow as new
# characters appear, are written once at the end. Subclassing reportlab's PDFDocument
# here keeps that knowledge of its internals in one place.


class _StreamingPDFDocument(pdfdoc.PDFDocument):  # type: ignore[misc]
    """A PDFDocument that writes pages and their content streams as they are added."""

    _pdfVersion: tuple[int, int]  # noqa: N815 - reportlab's name

    def stream_to(self, handle: BinaryIO) -> None:
        self._out = handle
        self._offset = 0
        self._emitted: set[str] = set()
        self._started = False

    def _write(self, data: bytes) -> int:
        start = self._offset
        self._out.write(data)
        self._offset += len(data)
        return start

    def _emit(self, name: str) -> None:
        offset = self._write(pdfdoc.PDFIndirectObject(name, self.idToObject[name]).format(self))
        self.idToOffset[name] = offset
        self._emitted.add(name)
        # Keep the name registered (later references check it) but drop the object.
        self.idToObject[name] = None

    def _start(self) -> None:
        self._started = True
        self._pdfVersion = max(self._pdfVersion, pdfdoc.PDF_VERSION_DEFAULT)
        self._write(pdfdoc.PDFFile(self._pdfVersion).format(self))
        # The document information goes first, so that output.is_ours finds the
        # creator near the start of even a very large file.
        self.info.invariant = self.invariant
        self._emit(self.Reference(self.info).name)

    def addPage(self, page: Any) -> None:  # noqa: N802 - reportlab's name
        if not self._started:
            self._start()
        before = self.objectcounter
        super().addPage(page)
        name = page.__InternalName__
        self._emit(name)
        # Formatting the page registered its content stream: write that too.
        for number in range(before + 1, self.objectcounter + 1):
            other = self.numberToId[number]
            if other not in self._emitted and isinstance(self.idToObject[other], pdfdoc.PDFStream):
                self._emit(other)
        self.Pages.pages[-1] = pdfdoc.PDFObjectReference(name)

    def format(self) -> bytes:
        """Write the remaining objects, the cross-reference table and the trailer."""
        if not self._started:
            self._start()
        self.Reference(self.Catalog)
        self.Reference(self.info)
        counter = 0
        # Formatting an object may register new ones: walk the numbers until none is left.
        while counter + 1 in self.numberToId:
            counter += 1
            name = self.numberToId[counter]
            if name not in self._emitted:
                self._emit(name)
        xref = pdfdoc.PDFCrossReferenceTable()
        xref.addsection(0, [self.numberToId[n] for n in range(1, counter + 1)])
        start = self._write(xref.format(self))
        trailer = pdfdoc.PDFTrailer(
            startxref=start,
            Size=counter + 1,
            Root=self.Reference(self.Catalog),
            Info=self.Reference(self.info),
            ID=self.ID(),
        )
        self._write(trailer.format(self))
        return b""  # everything is already in the file


class StreamingCanvas(Canvas):  # type: ignore[misc]
    """A canvas that writes each finished page to ``handle`` straight away, so that a
    document of thousands of pages needs no more memory than one of ten."""

    def __init__(self, handle: BinaryIO, *args: Any, **kwargs: Any) -> None:
        fonts.register(fonts.LATIN)
        # Without this every page names Helvetica, a font that is not embedded.
        kwargs["initialFontName"] = fonts.BODY_FONT
        super().__init__(handle, *args, **kwargs)
        # The canvas makes its own PDFDocument; give it the streaming behaviour.
        self._doc.__class__ = _StreamingPDFDocument
        self._doc.stream_to(handle)


class _PrintCanvas(StreamingCanvas):
    """Holds back the pages of the current letter until it ends, then draws their
    headers ("Page 2 of 3", numbered per letter) and adds a blank back if asked."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._held: list[dict[str, Any]] = []

    def showPage(self) -> None:  # noqa: N802 - reportlab's name
        self._held.append(dict(self.__dict__))
        self._startPage()

    def end_letter(self, furniture: _Furniture, *, blank_back: bool) -> tuple[int, int]:
        """Write the held pages; return (the letter's pages, blank pages added)."""
        total = len(self._held)
        for number, state in enumerate(self._held, start=1):
            self.__dict__.update(state)
            furniture.page_header(self, number, total)
            super().showPage()
        self._held = []
        if blank_back and total % 2:
            super().showPage()
            return total, 1
        return total, 0


class _LetterSwitch:
    """Page furniture that draws whichever letter is being laid out."""

    current: _Furniture | None = None

    def first_page(self, canvas: Canvas, doc: Any) -> None:
        assert self.current is not None
        self.current.first_page(canvas, doc)

    def later_page(self, canvas: Canvas, doc: Any) -> None:
        assert self.current is not None
        self.current.later_page(canvas, doc)


RECEIPT_SPACE = 11
"""Height (mm) of each line of a receipt slip that the mission fills in by hand."""


def _receipt_slip(
    blocks: Sequence[Block], styles: dict[str, ParagraphStyle], width: float
) -> list[Flowable]:
    """A slip under a cover note, cut off and signed or stamped by the mission."""
    cut = HRFlowable(
        width="100%", thickness=0.5, color=GREY, dash=(3, 2), spaceBefore=10, spaceAfter=8
    )
    slip: list[Flowable] = [cut]
    for block in blocks:
        slip.append(Paragraph(_block_markup(block), styles["body"]))
    cells = [
        [
            Spacer(1, RECEIPT_SPACE * mm),
            HRFlowable(width="92%", thickness=0.6, color=INK, spaceAfter=2, hAlign="LEFT"),
            _para(caption, styles["sig_title"], "receipt slip"),
        ]
        for caption in ("Date", "Name and position", "Signature or stamp")
    ]
    table = Table([cells], colWidths=[width / 3] * 3, hAlign="LEFT")
    table.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("FONTNAME", (0, 0), (-1, -1), fonts.BODY_FONT),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (-1, -1), 10),
            ]
        )
    )
    return [KeepTogether([*slip, table])]


class PrintFile:
    """Many letters laid out one after another into one PDF written as it grows.

    Built directly rather than by merging files, so each font is embedded once. Each
    letter starts on a new page, numbered from 1 ("Page 2 of 3"); with ``duplex`` a
    letter with an odd number of pages gets a blank back, so the next one starts on a
    fresh sheet. Letters may differ in paper size.
    """

    def __init__(
        self,
        handle: BinaryIO,
        *,
        duplex: bool = False,
        title: str = "",
        author: str = "",
        when: date | None = None,
    ) -> None:
        self._handle = handle
        self._when = when
        self._duplex = duplex
        self._title = title
        self._author = author
        self._doc: BaseDocTemplate | None = None
        self._switch: _LetterSwitch | None = None
        self.pages = 0
        """Pages written so far, blank backs included."""
        self.blank_pages = 0

    def _open(
        self, size: tuple[float, float], language: str
    ) -> tuple[BaseDocTemplate, _LetterSwitch]:
        switch = _LetterSwitch()
        doc = BaseDocTemplate(
            self._handle,
            pagesize=size,
            title=self._title,
            author=self._author or "nkletters",
            subject=self._title,
            creator="nkletters",
            lang=language.split("+")[0],
            invariant=1,
            pageCompression=1,
        )
        for each in PAPERS.values():
            templates = _templates(each, switch)
            for template in templates:
                # One pair of templates per paper size, each page drawn at its own size.
                template.id = f"{template.id}-{each.name}"
                template.pagesize = (each.width * mm, each.height * mm)
                if template.autoNextPageTemplate:
                    template.autoNextPageTemplate += f"-{each.name}"
            doc.addPageTemplates(templates)
        # reportlab's own multi-pass builds use these two steps; build() would need
        # every flowable of every letter in one list.
        doc._startBuild(self._handle, canvasmaker=_PrintCanvas)
        stamp(doc.canv, self._when)
        self._doc, self._switch = doc, switch
        return doc, switch

    def add(self, letter: Letter, *, slip: Sequence[Block] = ()) -> int:
        """Lay out one letter (and a receipt ``slip`` under it); return its page count."""
        paper = PAPERS[letter.paper]
        doc, switch = (
            (self._doc, self._switch)
            if self._doc
            else self._open((paper.width * mm, paper.height * mm), letter.text.language)
        )
        assert switch is not None
        styles = _styles_for(letter.text.language)
        furniture = _Furniture(letter, paper, styles)
        switch.current = furniture
        # The previous letter ended with a page break and its next page has not begun:
        # choosing the template now makes that page this letter's first.
        doc.handle_nextPageTemplate(f"first-{paper.name}")
        doc._setPageTemplate()
        text_width = (paper.width - paper.margin_left - paper.margin_right) * mm
        story = _story(letter, paper, styles, text_width)
        if slip:
            story += _receipt_slip(slip, styles, text_width)
        story.append(PageBreak())
        with _fitting():
            while story:
                doc.clean_hanging()
                doc.handle_flowable(story)
        pages: int
        blank: int
        pages, blank = doc.canv.end_letter(furniture, blank_back=self._duplex)
        furniture.page_count = pages
        self.pages += pages + blank
        self.blank_pages += blank
        return pages

    def add_pages(self, pages: Sequence[Page], language: str = "en") -> int:
        """Add a letter already laid out (RenderedPDF.page_records); return its page count.

        Much cheaper than :meth:`add`: the pages go in as they are, headers included.
        """
        if not pages:
            raise LayoutError("a letter needs at least one page")
        doc = self._doc or self._open(pages[0].size, language)[0]
        for page in pages:
            _replay(doc.canv, page)
        blank = 0
        if self._duplex and len(pages) % 2:
            doc.canv.setPageSize(pages[-1].size)
            Canvas.showPage(doc.canv)
            blank = 1
        self.pages += len(pages) + blank
        self.blank_pages += blank
        return len(pages)

    def close(self) -> int:
        """Finish the file (fonts, page tree, cross-references); return its page count."""
        if self._doc is None:
            raise LayoutError("a print file needs at least one letter")
        self._doc._endBuild()
        return self.pages
