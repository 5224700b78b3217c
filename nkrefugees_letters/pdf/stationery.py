"""Stationery: envelopes and address labels for a batch of letters, drawn with reportlab.

Sizes and positions are in geometry (ENVELOPES, LABEL_SHEETS). Both files are written
page by page as the batch runs, so their size does not limit the batch.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from functools import cache
from typing import Any, BinaryIO

from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, KeepInFrame

from .. import i18n
from ..errors import LettersError
from ..profile import Profile
from . import fonts, reuse
from .embedding import EncodingPlan
from .geometry import (
    ENVELOPE_FOR_PAPER,
    ENVELOPES,
    REFERENCE_RAISE,
    REFERENCE_WIDTH,
    RETURN_CLEARANCE,
    RETURN_WIDTH,
    RULE_GAP,
    RULED_CLEARANCE,
    RULED_HEADING_DROP,
    RULED_LABEL_DROP_PT,
    Envelope,
    LabelSheet,
)
from .story import paragraph
from .streaming import StreamingDocument
from .styles import CAPTION_SIZE, GREY, INK, RULE_GREY

RETURN_SIZE = 8
REFERENCE_SIZE = 5.5
"""The faint line (mission id, signer) that matches an envelope to its letter."""
RULED_HEADING_SIZE = 7
RULED_LINES = ("your_name", "street", "city")
"""Without a profile, lines to write the return address on, as the letter has."""
LABEL_SIZE = 8
LABEL_SIZES = (LABEL_SIZE, 7.5, 7)
"""A label's text steps down to 7 pt at the least; a longer address then drops lines."""
LABEL_LEADING = 1.15


def _canvas(handle: BinaryIO, size: tuple[float, float], plan: EncodingPlan | None) -> Canvas:
    """A canvas that writes each page of ``handle`` as it is finished."""
    fonts.register(fonts.LATIN)
    # Without the initial font every page names Helvetica, a font that is not embedded.
    canvas = reuse.PageCanvas(
        handle,
        pagesize=size,
        invariant=1,
        document=StreamingDocument,
        initialFontName=fonts.BODY_FONT,
    )
    reuse.attach_plan(canvas, plan)
    return canvas


def envelope_for(paper: str, override: str | None = None) -> Envelope:
    """The envelope given by ``--envelope``, else the one that fits the letter's paper."""
    key = (override or ENVELOPE_FOR_PAPER.get(paper, "dl")).lower().lstrip("#")
    if key not in ENVELOPES:
        raise LettersError(
            f"unknown envelope size {override!r}", hint="use dl, c5, c4 or 10 (US #10)"
        )
    return ENVELOPES[key]


@cache
def _styles() -> dict[str, ParagraphStyle]:
    fonts.register(fonts.LATIN)
    base = ParagraphStyle(
        "envelope",
        fontName=fonts.BODY_FONT,
        fontSize=10,
        leading=12.5,
        textColor=INK,
        wordWrap=None,
        splitLongWords=True,
    )
    return {
        "address": base,
        "return": ParagraphStyle(
            "return", parent=base, fontSize=RETURN_SIZE, leading=RETURN_SIZE * 1.25
        ),
        "return_name": ParagraphStyle(
            "return_name",
            parent=base,
            fontName=fonts.BOLD_FONT,
            fontSize=RETURN_SIZE,
            leading=RETURN_SIZE * 1.25,
        ),
        "label": ParagraphStyle(
            "label", parent=base, fontSize=LABEL_SIZE, leading=LABEL_SIZE * LABEL_LEADING
        ),
    }


@cache
def _label_style(size: float) -> ParagraphStyle:
    return ParagraphStyle(
        f"label{size}", parent=_styles()["label"], fontSize=size, leading=size * LABEL_LEADING
    )


def _fitting(
    variants: Sequence[Sequence[str]], width: float, height: float
) -> tuple[Sequence[str], ParagraphStyle]:
    """The longest form of an address, at the largest label size, that fits the label:
    every line first, from 8 down to 7 pt; then fewer lines (see layout.address_variants)."""
    for lines in variants:
        for size in LABEL_SIZES:
            style = _label_style(size)
            used = sum(p.wrap(width, 10_000)[1] for p in _lines(lines, style, "label"))
            if used <= height + 0.01:
                return lines, style
    return variants[-1], _label_style(LABEL_SIZES[-1])  # KeepInFrame shrinks it


@cache
def _address_style(size: float) -> ParagraphStyle:
    return ParagraphStyle(
        f"address{size}", parent=_styles()["address"], fontSize=size, leading=size * 1.25
    )


def _lines(
    lines: Sequence[str], style: ParagraphStyle, where: str, first: ParagraphStyle | None = None
) -> list[Flowable]:
    return [
        paragraph(
            fonts.to_markup(line, where=f"{where} line {n + 1}"),
            first if n == 0 and first else style,
        )
        for n, line in enumerate(lines)
    ]


def _draw_block(
    canvas: Canvas,
    flowables: list[Flowable],
    left: float,
    top: float,
    width: float,
    height: float,
) -> None:
    """Draw flowables from the top-left corner (points), shrunk to fit if they must."""
    block = KeepInFrame(width, height, flowables, mode="shrink")
    _, used = block.wrapOn(canvas, width, height)
    block.drawOn(canvas, left, top - used)


class _Blocks:
    """Draws blocks of lines on one canvas, each distinct block laid out only once.

    A batch prints the same few addresses on hundreds of envelopes and labels. In one
    document the same lines in the same style and box always come out as the same
    drawing operators, so the operators of each block are kept and repeated.
    """

    def __init__(self, canvas: Canvas) -> None:
        self.canvas = canvas
        self._drawn: dict[tuple[Any, ...], list[str]] = {}

    def draw(
        self,
        lines: Sequence[str],
        style: ParagraphStyle,
        where: str,
        box: tuple[float, float, float, float],
        first: ParagraphStyle | None = None,
    ) -> None:
        """Draw ``lines`` in the box (left, top, width, height), in points."""
        left, top, width, height = box
        key = (tuple(lines), style.name, first.name if first else "", width, height)
        canvas = self.canvas
        canvas.saveState()
        canvas.translate(left, top)
        known = self._drawn.get(key)
        if known is None:
            start = reuse.code_mark(canvas)
            _draw_block(canvas, _lines(lines, style, where, first), 0, 0, width, height)
            if len(self._drawn) < MAX_KEPT_BLOCKS:
                self._drawn[key] = reuse.code_since(canvas, start)
        else:
            reuse.add_code(canvas, known)
        canvas.restoreState()


MAX_KEPT_BLOCKS = 2048
"""Distinct blocks kept per document: every mission's address, with room to spare."""


SUBJECT = "Save North Korean Refugees Day: appeal letters to the embassies and consulates of China"


class Envelopes:
    """envelopes.pdf: one envelope per letter, with the profile's return address (or
    ruled lines to write one on)."""

    def __init__(
        self,
        handle: BinaryIO,
        profile: Profile,
        *,
        size: str | None = None,
        title: str = "",
        when: date | None = None,
        plan: EncodingPlan | None = None,
    ) -> None:
        first = ENVELOPES["dl"]
        self._canvas = _canvas(handle, (first.width * mm, first.height * mm), plan)
        reuse.stamp(self._canvas, when)
        self._canvas.setCreator("nkletters")
        self._canvas.setTitle(title or "Envelopes")
        self._canvas.setSubject(f"{SUBJECT}: one envelope per letter, in print-file order")
        org = profile.organisation
        self._canvas.setAuthor(org.name if org else "nkletters")
        self._return = [org.name, *org.address] if org else []
        self._size = size
        self._blocks = _Blocks(self._canvas)
        self.count = 0

    def add(
        self, paper: str, recipient: Sequence[str], reference: str = "", language: str = "en"
    ) -> Envelope:
        """Print the envelope for a letter on ``paper`` to ``recipient``; ``reference``
        (faint, bottom left) matches envelope to letter, e.g. the mission id and signer;
        ``language`` is that of the captions under the ruled return-address lines."""
        envelope = envelope_for(paper, self._size)
        styles = _styles()
        canvas = self._canvas
        width, height = envelope.width * mm, envelope.height * mm
        canvas.setPageSize((width, height))
        margin = envelope.margin * mm
        blocks = self._blocks
        if self._return:
            room = (envelope.address_top - envelope.margin - RETURN_CLEARANCE) * mm
            box = (margin, height - margin, RETURN_WIDTH * mm, room)
            blocks.draw(
                self._return, styles["return"], "return address", box, styles["return_name"]
            )
        else:
            self._ruled_lines(envelope, language)
        left = envelope.address_left * mm
        top = height - envelope.address_top * mm
        address_width = min(envelope.address_width * mm, width - margin - left)
        style = _address_style(envelope.address_size)
        blocks.draw(recipient, style, "recipient", (left, top, address_width, top - margin))
        if reference:
            # One short line that changes on every envelope: drawn directly, shrunk
            # to fit its REFERENCE_WIDTH, rather than laid out as a paragraph.
            font = fonts.font_for_plain_text(reference)
            size = min(
                REFERENCE_SIZE,
                REFERENCE_SIZE
                * REFERENCE_WIDTH
                * mm
                / stringWidth(reference, font, REFERENCE_SIZE),
            )
            canvas.setFillColor(RULE_GREY)
            canvas.setFont(font, size)
            baseline = margin + REFERENCE_RAISE * mm - REFERENCE_SIZE
            canvas.drawString(margin, baseline, fonts.clean(reference))
        canvas.showPage()
        self.count += 1
        return envelope

    def _ruled_lines(self, envelope: Envelope, language: str) -> None:
        """Lines where a volunteer without a profile writes the return address."""
        canvas = self._canvas
        height = envelope.height * mm
        left = envelope.margin * mm
        width = min(RETURN_WIDTH, envelope.address_left - envelope.margin - RULED_CLEARANCE) * mm
        heading = i18n.label("from", language)
        canvas.setFillColor(GREY)
        canvas.setFont(fonts.font_for_plain_text(heading), RULED_HEADING_SIZE)
        canvas.drawString(left, height - (envelope.margin + RULED_HEADING_DROP) * mm, heading)
        canvas.setStrokeColor(RULE_GREY)
        canvas.setLineWidth(0.4)
        for index, key in enumerate(RULED_LINES):
            y = height - (envelope.margin + RULED_HEADING_DROP + RULE_GAP * (index + 1)) * mm
            canvas.line(left, y, left + width, y)
            label = i18n.label(key, language)
            canvas.setFont(fonts.font_for_plain_text(label), CAPTION_SIZE)
            canvas.drawString(left, y - RULED_LABEL_DROP_PT, label)

    def close(self) -> int:
        """Finish the file; return the number of envelopes."""
        self._canvas.save()
        return self.count


class Labels:
    """labels.pdf: one address label per letter on standard label sheets."""

    def __init__(
        self,
        handle: BinaryIO,
        sheet: LabelSheet,
        *,
        title: str = "",
        when: date | None = None,
        plan: EncodingPlan | None = None,
    ) -> None:
        self.sheet = sheet
        size = (sheet.page_width * mm, sheet.page_height * mm)
        self._canvas = _canvas(handle, size, plan)
        reuse.stamp(self._canvas, when)
        self._canvas.setCreator("nkletters")
        self._canvas.setTitle(title or f"Address labels ({sheet.name})")
        self._canvas.setSubject(f"{SUBJECT}: one address label per letter ({sheet.name})")
        self._canvas.setAuthor("nkletters")
        self._blocks = _Blocks(self._canvas)
        self.count = 0

    def add(self, lines: Sequence[str], shorter: Sequence[Sequence[str]] = ()) -> None:
        """Print the next label, starting a new sheet when one is full; ``shorter`` forms
        of the address are used when ``lines`` do not fit at 7 pt or more."""
        sheet = self.sheet
        slot = self.count % sheet.per_sheet
        if slot == 0 and self.count:
            self._canvas.showPage()
        row, column = divmod(slot, sheet.columns)
        pad = sheet.padding * mm
        left = (sheet.left + column * sheet.pitch_x) * mm + pad
        top = (sheet.page_height - sheet.top - row * sheet.pitch_y) * mm - pad
        width = sheet.label_width * mm - 2 * pad
        height = sheet.label_height * mm - 2 * pad
        chosen, style = _fitting([lines, *shorter], width, height)
        self._blocks.draw(chosen, style, "label", (left, top, width, height))
        self.count += 1

    def close(self) -> int:
        """Finish the file; return the number of sheets."""
        if self.count:
            self._canvas.showPage()
        self._canvas.save()
        return -(-self.count // self.sheet.per_sheet)


__all__ = ["Envelopes", "Labels", "envelope_for"]
