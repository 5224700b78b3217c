"""Story: a letter's flowables — the window's address, the date, the text and the signatures."""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import (
    Flowable,
    FrameBreak,
    HRFlowable,
    KeepInFrame,
    KeepTogether,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from .. import i18n
from ..profile import Signatory
from ..text.lettertext import Block, LetterText
from . import fonts, reuse
from .geometry import (
    BLANK_SIGNATURE_COLUMN_MAX,
    COLUMN_GAP_PT,
    PAPERS,
    SIGNATURE_COLUMN_MAX,
    SIGNATURE_IMAGE_INSET_PT,
    SIGNATURE_ROW_GAP_PT,
    SIGNING_SPACE,
    WINDOW_PADDING,
    Paper,
)
from .pictures import fit_image, load_image
from .styles import INK, RETURN_LINE_SIZES, RULE_GREY, Styles, note_style, styles_for

if TYPE_CHECKING:
    from .content import Letter

OPENING_WORDS = ("拝啓", "謹啓", "前略")
"""The words that open a Japanese letter, written without the paragraph indent."""


# --- paragraphs ---------------------------------------------------------------------------


def paragraph(markup: str, style: ParagraphStyle, bullet: str | None = None) -> Paragraph:
    """A paragraph for ``markup`` (from fonts.to_markup), shared by every letter that
    prints the same text in the same style: a batch parses and breaks it once."""
    shared = _shared_paragraph(markup, style, bullet)
    # platypus marks a flowable it had to move to the next frame; that mark belongs to
    # one document, and a shared paragraph must start each letter without it.
    reuse.forget_postponed(shared)
    return shared


@lru_cache(maxsize=1024)  # bounded: signers' names and notes differ from letter to letter
def _shared_paragraph(markup: str, style: ParagraphStyle, bullet: str | None) -> Paragraph:
    return reuse.SettledParagraph(markup, style, bulletText=bullet)


def para(text: str, style: ParagraphStyle, where: str) -> Paragraph:
    """A paragraph of plain ``text`` (``where`` names it in an error message)."""
    bold, italic = "Bold" in style.fontName, "Italic" in style.fontName
    markup = fonts.to_markup(
        text, where=where, bold=bold, italic=italic, cjk=style.wordWrap == "CJK"
    )
    return paragraph(markup, style)


def block_markup(block: Block, cjk_text: bool = False) -> str:
    """A block of the letter's text (its bold and italic runs) as paragraph markup."""
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


def height(flowables: Sequence[Flowable], width: float) -> float:
    """The height (points) the flowables take stacked in a frame ``width`` wide."""
    total = 0.0
    for index, flowable in enumerate(flowables):
        total += flowable.wrap(width, 10_000)[1] + flowable.getSpaceAfter()
        if index:
            total += flowable.getSpaceBefore()
    return total


# --- the envelope window --------------------------------------------------------------------


def address_area(paper: Paper) -> tuple[float, float]:
    """Width and height (points) of the address text inside the envelope window."""
    window = paper.window
    width = (window.left + window.width - WINDOW_PADDING - paper.margin_left) * mm
    return width, (window.height - 2 * WINDOW_PADDING) * mm


def _return_line(text: str, style: ParagraphStyle, width: float) -> Paragraph:
    """The sender's address on one line above the recipient, smaller if it must be;
    a very long one is cut with an ellipsis rather than pushing the address down."""
    markup = fonts.to_markup(text, where="return address")
    for size in RETURN_LINE_SIZES:
        fitted = ParagraphStyle(f"return{size}", parent=style, fontSize=size, leading=size * 1.2)
        line = Paragraph(markup, fitted)
        if line.wrap(width, 1000)[1] <= fitted.leading + 0.1:
            return line
    cut = text
    while len(cut) > 10:
        cut = cut[: int(len(cut) * 0.9)].rstrip(" ·,")
        line = Paragraph(fonts.to_markup(cut + "…", where="return address"), fitted)
        if line.wrap(width, 1000)[1] <= fitted.leading + 0.1:
            break
    return line


def _window(letter: Letter, paper: Paper, styles: Styles) -> list[Flowable]:
    """The return line and the recipient block, at full size (see :func:`window_lines`)."""
    head, lines, style = _window_choice(letter, paper, styles)
    return [
        *head,
        *(para(line, style, f"recipient line {n + 1}") for n, line in enumerate(lines)),
    ]


def window_lines(letter: Letter) -> tuple[str, ...]:
    """The recipient lines the letter prints in its envelope window: the longest form
    of the address (Letter.address_variants) that fits it at the body's size, with the
    usual line spacing or, failing that, a tighter one."""
    return _window_choice(letter, PAPERS[letter.paper], styles_for(letter.text.language))[1]


def _window_choice(
    letter: Letter, paper: Paper, styles: Styles
) -> tuple[list[Flowable], tuple[str, ...], ParagraphStyle]:
    width, room = address_area(paper)
    org = letter.profile.organisation
    head = [_return_line(org.return_line(), styles["return"], width)] if org else []
    variants = letter.address_variants
    # Last of all, the return line goes (the letterhead above still gives the sender).
    candidates = [*((head, lines) for lines in variants), ([], variants[-1])]
    for top, lines in candidates:
        for style in (styles["address"], styles["address_tight"]):
            block = [
                *top,
                *(para(line, style, f"recipient line {n + 1}") for n, line in enumerate(lines)),
            ]
            if height(block, width) <= room + 0.01:
                return top, lines, style
    # Even that is too tall (a very long address): KeepInFrame shrinks it.
    return head, variants[-1], styles["address_tight"]


# --- signatures -------------------------------------------------------------------------------


def _signature_line() -> HRFlowable:
    return HRFlowable(
        width="92%", thickness=0.6, color=INK, spaceBefore=1, spaceAfter=3, hAlign="LEFT"
    )


def _signature_cell(person: Signatory, styles: Styles, width: float) -> list[Flowable]:
    cell: list[Flowable] = []
    if person.signature_image:
        cell.append(
            fit_image(person.signature_image, width - SIGNATURE_IMAGE_INSET_PT, SIGNING_SPACE * mm)
        )
    else:
        cell.append(Spacer(1, SIGNING_SPACE * mm))
    cell.append(_signature_line())
    cell.append(para(person.name, styles["sig_name"], "signatory name"))
    for text, label in (
        (person.title, "signatory title"),
        (person.organisation, "signatory organisation"),
    ):
        if text:
            cell.append(para(text, styles["sig_title"], label))
    return cell


def caption(key: str, languages: str) -> str:
    """A caption of the signature block in the letter's language, or in both languages
    of a bilingual letter (``Signature / 签名``)."""
    captions = [i18n.label(key, language) for language in languages.split("+")]
    return " / ".join(dict.fromkeys(captions))


def _blank_signature(styles: Styles, language: str) -> list[list[Flowable]]:
    """A personal letter: a line to sign on and a line for the name in capitals."""
    cells = []
    for key in ("signature", "name_in_capitals"):
        cells.append(
            [
                Spacer(1, SIGNING_SPACE * mm),
                _signature_line(),
                para(caption(key, language), styles["sig_title"], "caption"),
            ]
        )
    return [cells]


def columns_table(
    rows: list[list[Any]], widths: list[float], *, bottom_padding: float | None = None
) -> Table:
    """Cells side by side, top-aligned and flush left, :data:`COLUMN_GAP_PT` apart: the
    signature blocks of a letter, the lines of a cover note's receipt slip."""
    style = [
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        # Tables set a cell font even around flowables; keep it an embedded one.
        ("FONTNAME", (0, 0), (-1, -1), fonts.BODY_FONT),
        ("LEFTPADDING", (0, 0), (-1, -1), 0),
        ("RIGHTPADDING", (0, 0), (-1, -1), COLUMN_GAP_PT),
    ]
    if bottom_padding is not None:
        style.append(("BOTTOMPADDING", (0, 0), (-1, -1), bottom_padding))
    table = Table(rows, colWidths=widths, hAlign="LEFT")
    table.setStyle(TableStyle(style))
    return table


def _signatures(letter: Letter, styles: Styles, width: float) -> list[Flowable]:
    people = letter.signatories
    columns = 2 if not people or len(people) in (2, 4) else min(3, len(people))
    column_width = width / columns if columns > 1 else min(width, SIGNATURE_COLUMN_MAX * mm)
    rows: list[list[Any]] = []
    if not people:
        rows = _blank_signature(styles, "+".join(letter.text.languages))
        column_width = min(column_width, BLANK_SIGNATURE_COLUMN_MAX * mm)
    for start in range(0, len(people), columns):
        row: list[Any] = [
            _signature_cell(p, styles, column_width) for p in people[start : start + columns]
        ]
        row += [[]] * (columns - len(row))
        rows.append(row)
    table = columns_table(rows, [column_width] * columns, bottom_padding=SIGNATURE_ROW_GAP_PT)
    flowables: list[Flowable] = [table]
    if letter.profile.cosigners:
        cosigned = caption("cosigned", "+".join(letter.text.languages))
        listing = f"{cosigned} " + "; ".join(letter.profile.cosigners)
        flowables.append(para(listing, styles["small"], "co_signing_organisations"))
    return flowables


# --- the story ----------------------------------------------------------------------------------


def story(letter: Letter, paper: Paper, styles: Styles, text_width: float) -> list[Flowable]:
    """Every flowable of the letter, for the page templates of furniture.templates."""
    org = letter.profile.organisation
    # Read every image now: inside reportlab's page callbacks a broken file would fail
    # with reportlab's own words added to ours.
    for image in (org.logo if org else None, *(s.signature_image for s in letter.signatories)):
        if image is not None:
            load_image(image)
    window_box = KeepInFrame(*address_area(paper), _window(letter, paper, styles), mode="shrink")
    flowables: list[Flowable] = [window_box, FrameBreak()]
    flowables.append(para(letter.date_text, styles["date"], "date"))
    if letter.second_date_text:
        flowables.append(para(letter.second_date_text, styles["date"], "date"))
    flowables.append(FrameBreak())
    if letter.text.translation is None:
        flowables.append(para(letter.text.subject, styles["subject"], "subject"))
        flowables += _text_and_signatures(letter, letter.text, styles, text_width)
        return flowables
    return flowables + _bilingual(letter, styles, text_width)


def _bilingual(letter: Letter, styles: Styles, text_width: float) -> list[Flowable]:
    """Each language's part under a heading in that language, with its own subject,
    salutation, text and closing. The first part's last paragraph keeps its closing;
    the second part starts below a rule, or on a new page with the rule left out of
    sight above it, and ends with the sentence that says which text prevails and the
    one signature block."""
    first, second = letter.text, letter.text.translation
    assert second is not None
    second_styles = styles_for(second.language)
    flowables = [
        para(i18n.language_heading(first.language), styles["heading"], "heading"),
        para(first.subject, styles["subject"], "subject"),
        para(first.salutation, styles["salutation"], "salutation"),
    ]
    body = _body(first, styles)
    closing = para(first.closing, styles["closing"], "closing")
    flowables += [*body[:-1], KeepTogether([*body[-1:], closing])]
    rule = _SeparatorRule(
        width="100%", thickness=0.4, color=RULE_GREY, spaceBefore=6, spaceAfter=10
    )
    part: list[Flowable] = [
        rule,
        para(i18n.language_heading(second.language), second_styles["heading"], "heading"),
        para(second.subject, second_styles["subject"], "subject"),
    ]
    part += _text_and_signatures(letter, second, second_styles, text_width)
    flowables.append(KeepTogether(part))
    return flowables


def _text_and_signatures(
    letter: Letter, text: LetterText, styles: Styles, text_width: float
) -> list[Flowable]:
    """Salutation, body and closing of ``text``, then the signature block."""
    opening: list[Flowable] = [para(text.salutation, styles["salutation"], "salutation")]
    body = _body(text, styles)
    # The signature block must never stand alone at the top of a page: keep it with the
    # last paragraph and the closing.
    ending: list[Flowable] = [*body[-1:], para(text.closing, styles["closing"], "closing")]
    languages = letter.text.languages
    if len(languages) > 1:
        # Which text prevails, once in each language, each in its own type.
        for language in languages:
            note = i18n.prevailing_text_note(languages[0], languages[1], language)
            ending.append(para(note, note_style(styles_for(language)), "prevailing text"))
    # Captions and the page furniture follow the first language's styles.
    ending += _signatures(letter, styles_for(letter.text.language), text_width)
    return [*opening, *body[:-1], KeepTogether(ending)]


class _SeparatorRule(HRFlowable):  # type: ignore[misc]
    """The rule between the two parts of a bilingual letter: drawn where the second
    part follows the first on the same page, left out at the top of a page, where the
    page header already stands above the text."""

    hidden = False

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:  # noqa: N803
        self.hidden = reuse.at_top_of_frame(self)
        if self.hidden:
            return availWidth, 0.0
        return super().wrap(availWidth, availHeight)  # type: ignore[no-any-return]

    def getSpaceAfter(self) -> float:  # noqa: N802 - reportlab's name
        return 0.0 if self.hidden else float(super().getSpaceAfter())

    def draw(self) -> None:
        if not self.hidden:
            super().draw()


def _body_paragraph(block: Block, style: ParagraphStyle, bullet: bool) -> Paragraph:
    markup = block_markup(block, style.wordWrap == "CJK")
    return paragraph(markup, style, "•" if bullet else None)


def _body(text: LetterText, styles: Styles) -> list[Flowable]:
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


__all__ = [
    "OPENING_WORDS",
    "address_area",
    "block_markup",
    "caption",
    "columns_table",
    "height",
    "para",
    "paragraph",
    "story",
    "window_lines",
]
