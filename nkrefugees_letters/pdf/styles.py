"""Styles: the type of a letter — sizes, leading, colours and paragraph styles for each language."""

from __future__ import annotations

from functools import cache

from reportlab.lib import colors
from reportlab.lib.enums import TA_LEFT, TA_RIGHT
from reportlab.lib.styles import ParagraphStyle

from . import fonts

NAME_SIZES = (15, 14, 13, 12, 11, 10, 9, 8)
"""The organisation's name steps down through these sizes until it fits two lines."""
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
HEADER_SIZES = (SMALL_SIZE, 7, 6.5, 6)
"""The running header steps down through these sizes to stay on one line."""
CAPTION_SIZE = 5.5
"""The captions under the lines a personal letter's sender fills in."""
INK = colors.HexColor("#1a1a1a")
GREY = colors.HexColor("#6b6b6b")
RULE_GREY = colors.HexColor("#9a9a9a")

PARAGRAPH_SPACE = 5
"""Space (pt) after a paragraph: with 13.6 pt leading, a clear break that still lets the
appeal, its legal grounds and the signature block share one page."""

PARAGRAPH_INDENT = {"zh": 2, "ja": 1}
"""First-line indent of body paragraphs, in characters: two in Chinese, one in Japanese."""

RIGHT_ALIGNED_CLOSING = frozenset({"ja"})
"""Languages whose closing stands flush right (Japanese 敬具)."""

CJK_LANGUAGES = frozenset({"zh", "ja", "ko"})
SPACED_CJK_LANGUAGES = frozenset({"ko"})

Styles = dict[str, ParagraphStyle]


def styles_for(language: str) -> Styles:
    """The paragraph styles for text in ``language`` (``zh``, ``ko``, ``en_GB``…)."""
    base = language.split("+")[0].split("_")[0].split("-")[0].lower()
    return _styles(base in CJK_LANGUAGES, base in SPACED_CJK_LANGUAGES, base)


def note_style(styles: Styles) -> ParagraphStyle:
    """The sentence of a bilingual letter that says which text prevails."""
    return ParagraphStyle("note", parent=styles["small"], spaceBefore=4, spaceAfter=0)


@cache
def _styles(cjk: bool, spaced: bool = False, language: str = "") -> Styles:
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
        **_list_styles(base),
        **_heading_styles(base, language),
        **_address_styles(base),
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


def _list_styles(base: ParagraphStyle) -> Styles:
    return {
        "bullet": ParagraphStyle(
            "bullet", parent=base, leftIndent=14, bulletIndent=3, spaceAfter=2.5, firstLineIndent=0
        ),
        "bullet_last": ParagraphStyle(
            "bullet_last", parent=base, leftIndent=14, bulletIndent=3, firstLineIndent=0
        ),
    }


def _heading_styles(base: ParagraphStyle, language: str) -> Styles:
    return {
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
    }


def _address_styles(base: ParagraphStyle) -> Styles:
    return {
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
    }


__all__ = [
    "ADDRESS_LEADING",
    "ADDRESS_LEADING_TIGHT",
    "ADDRESS_SIZE",
    "BODY_LEADING",
    "BODY_SIZE",
    "CAPTION_SIZE",
    "CJK_LANGUAGES",
    "GREY",
    "HEADER_SIZES",
    "INK",
    "NAME_SIZES",
    "PARAGRAPH_INDENT",
    "PARAGRAPH_SPACE",
    "RETURN_LINE_SIZE",
    "RETURN_LINE_SIZES",
    "RIGHT_ALIGNED_CLOSING",
    "RULE_GREY",
    "SMALL_SIZE",
    "SPACED_CJK_LANGUAGES",
    "Styles",
    "note_style",
    "styles_for",
]
