"""Furniture: what is drawn around a letter's text (letterhead, marks, headers) and its frames."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_LEFT, TA_RIGHT
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, Frame, KeepInFrame, PageTemplate, Paragraph, Spacer

from .. import i18n
from ..text.lettertext import LetterText
from . import fonts
from .geometry import (
    FOLD_MARK_LEFT,
    FOLD_MARK_RIGHT,
    FOOTER_BOTTOM,
    FOOTER_MAX_HEIGHT,
    HEADER_MAX_HEIGHT,
    HEADER_ROOM,
    HEADER_RULE_DROP_PT,
    HEADER_TOP,
    LETTERHEAD_RULE_CLEARANCE,
    LOGO_GAP,
    LOGO_GAP_CENTRED,
    LOGO_HEIGHT,
    LOGO_HEIGHT_CENTRED,
    LOGO_MAX_WIDTH,
    NAME_GAP,
    PAGE_NUMBER_MAX_HEIGHT,
    PAGE_NUMBER_WIDTH,
    PUNCH_MARK_RIGHT,
    SENDER_HEADING_DROP,
    SENDER_LABEL_DROP_PT,
    SENDER_LINE_GAP,
    SENDER_LINES_WIDTH,
    WINDOW_PADDING,
    Paper,
)
from .pictures import fit_image
from .story import address_area, para
from .styles import (
    CAPTION_SIZE,
    CJK_LANGUAGES,
    GREY,
    HEADER_SIZES,
    NAME_SIZES,
    RULE_GREY,
    SMALL_SIZE,
    Styles,
)

if TYPE_CHECKING:
    from .content import Letter


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
        fitted = Paragraph(markup, style)
        _, used = fitted.wrap(width, 1000)
        if used <= min(2 * style.leading + 0.1, height):
            return fitted
    return fitted


@dataclass
class Furniture:
    """What is drawn around the text: letterhead, fold marks, headers, footer."""

    letter: Letter
    paper: Paper
    styles: Styles

    def _y(self, top_mm: float) -> float:
        return float((self.paper.height - top_mm) * mm)

    def first_page(self, canvas: Canvas, _doc: Any) -> None:
        """Draw the first page's letterhead (or sender lines), fold marks and footer."""
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
        """Draw a later page's footer (its header waits for the page count)."""
        canvas.saveState()
        self._footer(canvas)
        canvas.restoreState()

    def page_header(self, canvas: Canvas, number: int, total: int) -> None:
        """Draw page ``number`` of ``total``'s running header; the first page has none."""
        if number == 1:
            return
        paper, styles = self.paper, self.styles
        left = paper.margin_left * mm
        width = paper.text_width * mm
        room = width - PAGE_NUMBER_WIDTH * mm
        header = _header_line(self.letter, styles["small"], room)
        page = Paragraph(
            fonts.to_markup(
                i18n.label("page", self.letter.text.language, number=number, total=total)
            ),
            ParagraphStyle("pn", parent=styles["small"], alignment=TA_RIGHT),
        )
        _, h = header.wrap(room, HEADER_MAX_HEIGHT * mm)
        top = self._y(HEADER_TOP)
        header.drawOn(canvas, left, top - h)
        page.wrap(PAGE_NUMBER_WIDTH * mm, PAGE_NUMBER_MAX_HEIGHT * mm)
        page.drawOn(canvas, left + width - PAGE_NUMBER_WIDTH * mm, top - page.height)
        canvas.setStrokeColor(RULE_GREY)
        canvas.setLineWidth(0.3)
        rule = top - h - HEADER_RULE_DROP_PT
        canvas.line(left, rule, left + width, rule)

    def _letterhead(self, canvas: Canvas) -> None:
        """Logo, name, tagline and contact lines above an accent rule, placed left,
        centred or right. A long name steps down in size to fit two lines."""
        org = self.letter.profile.organisation
        assert org is not None
        paper, head = self.paper, self.letter.profile.letterhead
        accent = colors.HexColor(head.accent_colour)
        left = paper.margin_left * mm
        width = paper.text_width * mm
        top = self._y(paper.letterhead_top)
        bottom = self._y(paper.letterhead_bottom) + LETTERHEAD_RULE_CLEARANCE * mm
        centred = head.placement == "centre"
        align = {"left": TA_LEFT, "centre": TA_CENTER, "right": TA_RIGHT}[head.placement]
        text_left, text_width, text_top = left, width, top
        if org.logo is not None:
            max_height = (LOGO_HEIGHT_CENTRED if centred else LOGO_HEIGHT) * mm
            logo = fit_image(org.logo, LOGO_MAX_WIDTH * mm, max_height)
            if centred:
                x = left + (width - logo.drawWidth) / 2
                text_top = top - logo.drawHeight - LOGO_GAP_CENTRED * mm
            elif head.placement == "right":
                x = left + width - logo.drawWidth
                text_width = width - logo.drawWidth - LOGO_GAP * mm
            else:
                x = left
                text_left = left + logo.drawWidth + LOGO_GAP * mm
                text_width = width - logo.drawWidth - LOGO_GAP * mm
            logo.drawOn(canvas, x, top - logo.drawHeight)
        small = ParagraphStyle("head_small", parent=self.styles["small"], alignment=align)
        details = self._details(small)
        room = text_top - bottom
        details_height = sum(p.wrap(text_width, room)[1] for p in details) + NAME_GAP * mm
        name = _fit_name(
            org.name, self.styles["body_first"], accent, align, text_width, room - details_height
        )
        block = KeepInFrame(
            text_width, room, [name, Spacer(1, NAME_GAP * mm), *details], mode="shrink"
        )
        _, used = block.wrapOn(canvas, text_width, text_top - bottom)
        block.drawOn(canvas, text_left, text_top - used)
        canvas.setStrokeColor(accent)
        canvas.setLineWidth(0.8)
        rule = self._y(paper.letterhead_bottom)
        canvas.line(left, rule, left + width, rule)

    def _details(self, small: ParagraphStyle) -> list[Flowable]:
        """The letterhead's lines under the name: tagline, address, contacts."""
        org, head = self.letter.profile.organisation, self.letter.profile.letterhead
        assert org is not None
        details: list[Flowable] = []
        if head.tagline:
            italic = ParagraphStyle("tag", parent=small, fontName=fonts.ITALIC_FONT)
            details.append(para(head.tagline, italic, "letterhead.tagline"))
        if org.address:
            details.append(para(" · ".join(org.address), small, "organisation.address"))
        if org.contact_line():
            details.append(para(org.contact_line(), small, "organisation contact line"))
        return details

    def _sender_lines(self, canvas: Canvas) -> None:
        """A personal letter: ruled lines where the sender writes name and address."""
        paper = self.paper
        left = paper.margin_left * mm
        width = SENDER_LINES_WIDTH * mm
        language = self.letter.text.language
        canvas.setFillColor(GREY)
        top = paper.letterhead_top + SENDER_HEADING_DROP
        heading = i18n.label("from", language)
        canvas.setFont(fonts.font_for_plain_text(heading), SMALL_SIZE)
        canvas.drawString(left, self._y(top), heading)
        canvas.setStrokeColor(RULE_GREY)
        canvas.setLineWidth(0.4)
        for index, key in enumerate(("your_name", "street", "city", "contact")):
            label = i18n.label(key, language)
            y = self._y(top + SENDER_LINE_GAP + index * SENDER_LINE_GAP)
            canvas.line(left, y, left + width, y)
            canvas.setFont(fonts.font_for_plain_text(label), CAPTION_SIZE)
            canvas.drawString(left, y - SENDER_LABEL_DROP_PT, label)

    def _fold_marks(self, canvas: Canvas) -> None:
        canvas.setStrokeColor(GREY)
        canvas.setLineWidth(0.4)
        for position in self.paper.fold_marks:
            canvas.line(
                FOLD_MARK_LEFT * mm, self._y(position), FOLD_MARK_RIGHT * mm, self._y(position)
            )
        punch = self.paper.punch_mark
        if punch is not None:
            canvas.line(FOLD_MARK_LEFT * mm, self._y(punch), PUNCH_MARK_RIGHT * mm, self._y(punch))

    def _footer(self, canvas: Canvas) -> None:
        footer = self.letter.profile.letterhead.footer
        if not footer or self.letter.profile.organisation is None:
            return
        paper = self.paper
        width = paper.text_width * mm
        style = ParagraphStyle("foot", parent=self.styles["small"], alignment=TA_CENTER)
        line = para(footer, style, "letterhead.footer")
        line.wrap(width, FOOTER_MAX_HEIGHT * mm)
        line.drawOn(canvas, paper.margin_left * mm, FOOTER_BOTTOM * mm)


class PageDrawer(Protocol):
    """What draws the furniture of first and later pages (a Furniture, or a switch
    between the Furniture of the letters of one document)."""

    def first_page(self, canvas: Canvas, doc: Any) -> None: ...

    def later_page(self, canvas: Canvas, doc: Any) -> None: ...


def _frame(left: float, bottom: float, width: float, height: float, name: str) -> Frame:
    return Frame(
        left,
        bottom,
        width,
        height,
        id=name,
        leftPadding=0,
        rightPadding=0,
        topPadding=0,
        bottomPadding=0,
    )


def templates(paper: Paper, furniture: PageDrawer) -> list[PageTemplate]:
    """The first page's frames (window, date, body) and the later pages' frame."""
    page_width, page_height = paper.width * mm, paper.height * mm
    left = paper.margin_left * mm
    text_width = page_width - left - paper.margin_right * mm
    bottom = paper.margin_bottom * mm
    window = paper.window
    # The address starts at the body's left margin (DIN 5008: 5 mm inside the field).
    window_top = page_height - (window.top + window.height - WINDOW_PADDING) * mm
    window_frame = _frame(left, window_top, *address_area(paper), "window")
    info = paper.info_block
    info_frame = _frame(
        info.left * mm,
        page_height - (info.top + info.height) * mm,
        page_width - paper.margin_right * mm - info.left * mm,
        info.height * mm,
        "info",
    )
    first_body = _frame(
        left, bottom, text_width, page_height - paper.body_top * mm - bottom, "body"
    )
    later_height = page_height - paper.margin_top * mm - bottom - HEADER_ROOM * mm
    later_body = _frame(left, bottom, text_width, later_height, "later")
    return [
        PageTemplate(
            "first",
            [window_frame, info_frame, first_body],
            onPage=furniture.first_page,
            autoNextPageTemplate="later",
        ),
        PageTemplate("later", [later_body], onPage=furniture.later_page),
    ]


__all__ = ["Furniture", "PageDrawer", "templates"]
