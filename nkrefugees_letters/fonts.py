"""Fonts: the bundled TrueType fonts, and which of them draws each character.

reportlab has no font fallback of its own: a character missing from the font is drawn
as a box. So every piece of text is split into runs, each run tagged with the first
bundled font that has all its glyphs. Fonts load on first use, so a Latin-only letter
never pays for the 4 MB CJK font.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cache, lru_cache
from xml.sax.saxutils import escape

from reportlab.lib.fonts import addMapping
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

from .errors import LayoutError
from .resources import fonts_dir


@dataclass(frozen=True)
class Family:
    """One bundled typeface: its reportlab name and the files of its four styles."""

    name: str
    regular: str
    bold: str
    italic: str
    bold_italic: str


LATIN = Family(
    "NotoSerif",
    "NotoSerif-Regular.ttf",
    "NotoSerif-Bold.ttf",
    "NotoSerif-Italic.ttf",
    "NotoSerif-BoldItalic.ttf",
)
HANGUL = Family(
    "NanumMyeongjo",
    "NanumMyeongjo.ttf",
    "NanumMyeongjoBold.ttf",
    "NanumMyeongjo.ttf",
    "NanumMyeongjoBold.ttf",
)
HAN = Family(
    "DroidSansFallback",
    "DroidSansFallbackFull.ttf",
    "DroidSansFallbackFull.ttf",
    "DroidSansFallbackFull.ttf",
    "DroidSansFallbackFull.ttf",
)

FAMILIES: tuple[Family, ...] = (LATIN, HANGUL, HAN)
"""Every bundled family; Latin first, then the CJK faces chosen by script."""

BODY_FONT = LATIN.name
BOLD_FONT = LATIN.name + "-Bold"
ITALIC_FONT = LATIN.name + "-Italic"


def _style_name(family: Family, bold: bool, italic: bool) -> str:
    suffix = {(False, False): "", (True, False): "-Bold", (False, True): "-Italic"}.get(
        (bold, italic), "-BoldItalic"
    )
    return family.name + suffix


@cache
def register(family: Family) -> None:
    """Register the family's four styles with reportlab (once per process)."""
    files = (
        (False, False, family.regular),
        (True, False, family.bold),
        (False, True, family.italic),
        (True, True, family.bold_italic),
    )
    for bold, italic, filename in files:
        name = _style_name(family, bold, italic)
        pdfmetrics.registerFont(_load(name, filename))
        # Lets <b> and <i> in paragraph markup pick the right face for this family.
        addMapping(family.name, int(bold), int(italic), name)


def _load(name: str, filename: str) -> TTFont:
    path = fonts_dir() / filename
    try:
        return TTFont(name, str(path))
    except OSError as exc:
        raise LayoutError(
            f"bundled font {path} cannot be read: {exc}",
            hint="reinstall nkletters",
        ) from None


@cache
def _coverage(family: Family) -> frozenset[int]:
    register(family)
    face = pdfmetrics.getFont(family.name).face
    return frozenset(face.charToGlyph)


def _is_hangul(code: int) -> bool:
    return 0xAC00 <= code <= 0xD7AF or 0x1100 <= code <= 0x11FF or 0x3130 <= code <= 0x318F


def _family_for(char: str) -> Family | None:
    code = ord(char)
    if code in _coverage(LATIN):
        return LATIN
    # Decide by script before touching a CJK font, so that Chinese text never loads
    # the Korean font and the other way round.
    order = (HANGUL, HAN) if _is_hangul(code) else (HAN, HANGUL)
    for family in order:
        if code in _coverage(family):
            return family
    return None


_IGNORABLE = frozenset({"Cf"})  # zero-width joiners, BOMs, bidi marks: no glyph to draw
_UNPRINTABLE = frozenset({"Cs", "Co", "Cn"})


def clean(text: str) -> str:
    """Text as it will be printed: control characters become spaces, invisible
    formatting characters are dropped, runs of white space fold to one space, and
    straight quotes become typographic ones. Leading and trailing spaces stay: a run
    of bold text may end in one."""
    out = []
    for char in text:
        category = unicodedata.category(char)
        if category == "Cc" or category in ("Zl", "Zp"):
            out.append(" ")
        elif category in _IGNORABLE:
            continue
        else:
            out.append(char)
    # The ideographic space (U+3000) is a full-width character, not a gap to fold:
    # Japanese writes one after 拝啓.
    return typographic(re.sub(r"[^\S\u3000]+", " ", "".join(out)))


_QUOTES = (
    (re.compile(r"(?<=\w)'(?=\w)"), "’"),  # apostrophe: People’s, O’Neil
    (re.compile(r"(^|(?<=[\s(\[{—–-]))'"), "‘"),  # opening single quote
    (re.compile(r"'"), "’"),
    (re.compile(r"(^|(?<=[\s(\[{—–-]))\""), "“"),  # opening double quote
    (re.compile(r"\""), "”"),
)


def typographic(text: str) -> str:
    """Straight quotes and apostrophes as a typesetter would print them: ’ ‘ “ ”."""
    if "'" not in text and '"' not in text:
        return text
    for pattern, replacement in _QUOTES:
        text = pattern.sub(replacement, text)
    return text


def unprintable(text: str) -> list[str]:
    """The characters of ``text`` that no bundled font can draw (after :func:`clean`)."""
    missing = []
    for char in clean(text):
        if char == " " or char in missing:
            continue
        if unicodedata.category(char) in _UNPRINTABLE or _family_for(char) is None:
            missing.append(char)
    return missing


def describe(chars: list[str]) -> str:
    """``'😀' (U+1F600 GRINNING FACE)`` for each character, for error messages."""
    return ", ".join(f"{c!r} (U+{ord(c):04X} {unicodedata.name(c, 'unnamed')})" for c in chars[:5])


@lru_cache(maxsize=8192)  # a batch marks up the same template sentences for every letter
def to_markup(text: str, *, where: str = "text", bold: bool = False, italic: bool = False) -> str:
    """Escape ``text`` for reportlab paragraph markup, wrapping every run that the
    Latin font lacks in a ``<font>`` tag for the bundled font that has it.

    ``bold`` and ``italic`` pick that font's style: a ``<font face>`` tag names one
    face, so neither ``<b>`` around it nor a bold paragraph style reaches inside.

    Raises LayoutError naming ``where`` when a character cannot be printed at all.
    """
    text = clean(text)
    if text.isascii():
        return escape(text)
    runs: list[tuple[Family, list[str]]] = []
    for char in text:
        family = LATIN if char == " " else _family_for(char)
        if family is None or unicodedata.category(char) in _UNPRINTABLE:
            raise LayoutError(
                f"{where} contains {describe([char])}, which no bundled font can print",
                hint="remove or replace that character",
            )
        if runs and (runs[-1][0] is family or char == " "):
            runs[-1][1].append(char)
        else:
            runs.append((family, [char]))
    parts = []
    for family, chars in runs:
        chunk = escape("".join(chars))
        face = _style_name(family, bold, italic)
        parts.append(chunk if family is LATIN else f'<font face="{face}">{chunk}</font>')
    return "".join(parts)


@lru_cache(maxsize=1024)  # the same captions and labels recur on every letter of a batch
def font_for_plain_text(text: str, bold: bool = False) -> str:
    """The single registered font name to draw ``text`` with canvas.drawString.

    Canvas strings have no markup, so mixed-script text must go through a Paragraph;
    this picks the family of the first non-Latin character, Latin otherwise.
    """
    register(LATIN)
    for char in clean(text):
        family = _family_for(char)
        if family is not None and family is not LATIN:
            return _style_name(family, bold, False)
    return _style_name(LATIN, bold, False)
