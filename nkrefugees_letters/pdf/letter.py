"""Letter: what goes on the page, and its layout into the bytes of one PDF (:func:`render_pdf`)."""

from __future__ import annotations

import contextlib
import dataclasses
import io
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any

from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import BaseDocTemplate, doctemplate

from .. import i18n
from ..errors import LayoutError, masks_interrupt
from ..missions import Mission
from ..profile import Profile, Signatory
from ..text.lettertext import LetterText
from . import fonts, reuse
from .furniture import Furniture, templates
from .geometry import PAPERS, Paper
from .story import caption, story
from .styles import CJK_LANGUAGES, styles_for

if TYPE_CHECKING:
    from .embedding import EncodingPlan


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
    """The letter's date: also the PDF's creation date (see reuse.stamp)."""

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
class RenderedPDF:
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
        found += [i18n.mission_name(letter.mission, language), i18n.language_heading(language)]
        if len(languages) > 1:
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
        creator="nkletters",
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
    "Letter",
    "RenderedPDF",
    "address_variants",
    "fitting",
    "printed_strings",
    "render_pdf",
]
