"""Print file: many letters laid out one after another into one PDF, written as it grows."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any, BinaryIO

from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    Flowable,
    HRFlowable,
    KeepTogether,
    PageBreak,
    Paragraph,
    Spacer,
)

from .. import output
from ..errors import LayoutError
from ..text.lettertext import Block
from . import fonts, reuse
from .content import Letter
from .embedding import EncodingPlan
from .furniture import Furniture, templates
from .geometry import PAPERS, RECEIPT_SPACE
from .letter import fitting
from .story import block_markup, columns_table, para, story
from .streaming import StreamingDocument
from .styles import GREY, INK, styles_for


class _LetterSwitch:
    """Page furniture that draws whichever letter is being laid out."""

    current: Furniture | None = None

    def first_page(self, canvas: Canvas, doc: Any) -> None:
        assert self.current is not None
        self.current.first_page(canvas, doc)

    def later_page(self, canvas: Canvas, doc: Any) -> None:
        assert self.current is not None
        self.current.later_page(canvas, doc)


def _receipt_slip(
    blocks: Sequence[Block], styles: dict[str, ParagraphStyle], width: float
) -> list[Flowable]:
    """A slip under a cover note, cut off and signed or stamped by the mission."""
    cut = HRFlowable(
        width="100%", thickness=0.5, color=GREY, dash=(3, 2), spaceBefore=10, spaceAfter=8
    )
    slip: list[Flowable] = [cut]
    for block in blocks:
        slip.append(Paragraph(block_markup(block), styles["body"]))
    cells = [
        [
            Spacer(1, RECEIPT_SPACE * mm),
            HRFlowable(width="92%", thickness=0.6, color=INK, spaceAfter=2, hAlign="LEFT"),
            para(caption, styles["sig_title"], "receipt slip"),
        ]
        for caption in ("Date", "Name and position", "Signature or stamp")
    ]
    return [KeepTogether([*slip, columns_table([cells], [width / 3] * 3)])]


class PrintFile:
    """Many letters laid out one after another into one PDF written as it grows.

    Built directly rather than by merging files, so each font is embedded once. Each
    letter starts on a new page, numbered from 1 ("Page 2 of 3"); with ``duplex`` a
    letter with an odd number of pages gets a blank back, so the next one starts on a
    fresh sheet. Letters may differ in paper size. Under a batch's ``plan`` the pages
    of letters laid out for their own files go in as they are (:meth:`add_pages`).
    """

    def __init__(
        self,
        handle: BinaryIO,
        *,
        duplex: bool = False,
        title: str = "",
        author: str = "",
        when: date | None = None,
        plan: EncodingPlan | None = None,
    ) -> None:
        self._handle = handle
        self._when = when
        self._duplex = duplex
        self._title = title
        self._author = author
        self._plan = plan
        self._doc: BaseDocTemplate | None = None
        self._switch = _LetterSwitch()
        self.pages = 0
        """Pages written so far, blank backs included."""
        self.blank_pages = 0

    def _open(self, size: tuple[float, float], language: str) -> BaseDocTemplate:
        doc = BaseDocTemplate(
            self._handle,
            pagesize=size,
            title=self._title,
            author=self._author or "nkletters",
            subject=self._title,
            creator=output.CREATOR,
            lang=language.split("+")[0],
            invariant=1,
            pageCompression=1,
        )
        for each in PAPERS.values():
            pair = templates(each, self._switch)
            for template in pair:
                # One pair of templates per paper size, each page drawn at its own size.
                template.id = f"{template.id}-{each.name}"
                template.pagesize = (each.width * mm, each.height * mm)
                if template.autoNextPageTemplate:
                    template.autoNextPageTemplate += f"-{each.name}"
            doc.addPageTemplates(pair)
        fonts.register(fonts.LATIN)

        def canvasmaker(*args: Any, **kwargs: Any) -> Canvas:
            # Without this every page names Helvetica, a font that is not embedded.
            kwargs["initialFontName"] = fonts.BODY_FONT
            return reuse.PageCanvas(*args, hold=True, document=StreamingDocument, **kwargs)

        reuse.start_build(doc, self._handle, canvasmaker)
        reuse.attach_plan(doc.canv, self._plan)
        reuse.stamp(doc.canv, self._when)
        self._doc = doc
        return doc

    def add(self, letter: Letter, *, slip: Sequence[Block] = ()) -> int:
        """Lay out one letter (and a receipt ``slip`` under it); return its page count."""
        paper = PAPERS[letter.paper]
        doc = self._doc or self._open((paper.width * mm, paper.height * mm), letter.text.language)
        styles = styles_for(letter.text.language)
        furniture = Furniture(letter, paper, styles)
        self._switch.current = furniture
        reuse.switch_template(doc, f"first-{paper.name}")
        text_width = paper.text_width * mm
        flowables = story(letter, paper, styles, text_width)
        if slip:
            flowables += _receipt_slip(slip, styles, text_width)
        flowables.append(PageBreak())
        with fitting():
            while flowables:
                doc.clean_hanging()
                doc.handle_flowable(flowables)
        pages, blank = doc.canv.end_letter(furniture.page_header, blank_back=self._duplex)
        self.pages += pages + blank
        self.blank_pages += blank
        return int(pages)

    def add_pages(self, pages: Sequence[reuse.Page], language: str = "en") -> int:
        """Add a letter already laid out under this file's plan (RenderedPDF.page_records);
        return its page count.

        Much cheaper than :meth:`add`: the pages go in as they are, headers included.
        """
        if not pages:
            raise LayoutError("a letter needs at least one page")
        doc = self._doc or self._open(pages[0].size, language)
        for page in pages:
            reuse.replay(doc.canv, page)
        blank = 0
        if self._duplex and len(pages) % 2:
            # Canvas.showPage itself: the canvas holds back only pages laid out here.
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
        reuse.end_build(self._doc)
        return self.pages


__all__ = ["PrintFile"]
