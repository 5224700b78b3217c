"""Letter: a Letter laid out into the bytes of one PDF (:func:`render_pdf`), and what it prints."""

from __future__ import annotations

import contextlib
import dataclasses
import io
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any, NamedTuple

from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import BaseDocTemplate, doctemplate

from .. import i18n, output
from ..errors import LayoutError, masks_interrupt
from . import fonts, reuse
from .content import Letter
from .furniture import Furniture, templates
from .geometry import PAPERS, Paper
from .story import caption, story
from .styles import styles_for

if TYPE_CHECKING:
    from .embedding import EncodingPlan


class RenderedPDF(NamedTuple):
    """A laid-out letter: its bytes and page count, and its pages for the print file."""

    data: bytes
    pages: int
    paper: Paper
    page_records: tuple[reuse.Page, ...] | None = None
    """The pages, for a print file built under the same plan (PrintFile.add_pages).
    None for a letter laid out without a plan, and for one that used a character
    outside its plan: its pages are then valid only in its own file."""


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
        found.append(i18n.mission_name(letter.mission, language))
        if len(languages) > 1:
            found.append(i18n.language_heading(language))
            found.append(i18n.prevailing_text_note(languages[0], languages[1], language))
    found += [caption(key, "+".join(languages)) for key in ("signature", "name_in_capitals")]

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
def fitting() -> Iterator[None]:
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


def render_pdf(letter: Letter, plan: EncodingPlan | None = None) -> RenderedPDF:
    """Lay out the letter and return the PDF bytes (byte-identical for identical input).

    A batch passes its ``plan`` (fonts.encoding_plan): the letter's characters are then
    numbered as in every other file of the batch, and its pages come back as
    ``page_records`` for the print file. A single letter passes none and pays for none
    of it.
    """
    paper = PAPERS[letter.paper]
    styles = styles_for(letter.text.language)
    furniture = Furniture(letter, paper, styles)
    buffer = io.BytesIO()
    org = letter.profile.organisation
    doc = BaseDocTemplate(
        buffer,
        pagesize=(paper.width * mm, paper.height * mm),
        title=letter.title or letter.text.subject,
        author=org.name if org else "nkletters",
        subject=letter.text.subject,
        creator=output.CREATOR,
        lang=letter.text.language.split("+")[0],
        invariant=1,
        pageCompression=1,
    )
    doc.addPageTemplates(templates(paper, furniture))
    flowables = story(letter, paper, styles, paper.text_width * mm)
    canvases: list[reuse.PageCanvas] = []

    def canvasmaker(*args: Any, **kwargs: Any) -> Canvas:
        # Without this every page names Helvetica, a font that is not embedded.
        kwargs["initialFontName"] = fonts.BODY_FONT
        canvas = reuse.PageCanvas(
            *args, hold=True, record=plan is not None, header=furniture.page_header, **kwargs
        )
        reuse.attach_plan(canvas, plan)
        reuse.stamp(canvas, letter.when)
        canvases.append(canvas)
        return canvas

    with fitting():
        doc.build(flowables, canvasmaker=canvasmaker)
    canvas = canvases[-1]
    records = tuple(canvas.records) if canvas.records is not None and canvas.planned else None
    return RenderedPDF(buffer.getvalue(), canvas.letter_pages, paper, records)


__all__ = [
    "LAYOUT_CHARACTERS",
    "RenderedPDF",
    "fitting",
    "printed_strings",
    "render_pdf",
]
