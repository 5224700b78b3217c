"""Fonts: the bundled TrueType fonts, and which of them draws each character.

reportlab has no font fallback of its own: a character missing from the font is drawn
as a box. So every piece of text is split into runs, each run tagged with the first
bundled font that has all its glyphs. Fonts load on first use, so a Latin-only letter
never pays for the 4 MB CJK font. A batch numbers the characters of all its letters
alike (:func:`encoding_plan`, an :class:`EncodingPlan` handed to each document).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from functools import cache, lru_cache
from pathlib import Path
from typing import NamedTuple

from reportlab.lib.fonts import addMapping
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

from ..errors import LayoutError
from ..resources import fonts_dir
from .embedding import BatchFont, EncodingPlan


def _escape(text: str) -> str:
    """``&``, ``<`` and ``>`` as entities (xml.sax.saxutils.escape, whose import pulls in
    urllib, http and ssl: 15 ms of every process's start)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


class Family(NamedTuple):
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

SANS = Family(
    "NotoSans",
    "NotoSans-Regular.ttf",
    "NotoSans-Bold.ttf",
    "NotoSans-Regular.ttf",
    "NotoSans-Bold.ttf",
)
"""Latin letters and digits inside Chinese and Japanese text: the Han font is a sans
serif without Latin glyphs, and Noto Sans is the design it was drawn to go with."""

FAMILIES: tuple[Family, ...] = (LATIN, HANGUL, HAN, SANS)
"""Every bundled family; Latin first, then the CJK faces chosen by script (SANS is
chosen only inside Chinese and Japanese text, see :func:`to_markup`)."""

SYNTHETIC_BOLD_STROKE = 0.28
"""Width (pt) of the outline stroked around the Han glyphs to embolden them.

No bold of a Han font that reportlab can embed could be had (Debian's Mincho and Song
TrueType families have one weight; Noto Serif CJK and Source Han are CFF), so Chinese
and Japanese bold is drawn as word processors draw it: the glyphs filled and stroked
(PDF text render mode 2). 0.28 pt at 10 pt thickens each stem by about a third."""

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
    # Styles without a file of their own (CJK italics, the one-file Han font) are the
    # font already read: reportlab would draw them with it anyway (see restyled), and
    # reading the 4 MB Han font again was the slowest step of a start.
    loaded = _LOADED.get(path)
    if loaded is not None:
        if name.startswith(HAN.name + "-Bold"):
            return loaded.stroked(name, SYNTHETIC_BOLD_STROKE)
        return loaded.restyled(name)
    internal_name = f"NK{_STYLE_NAMES.index(name) + 1}"
    try:
        font = _LOADED[path] = BatchFont(name, str(path), internal_name)
    except OSError as exc:
        raise LayoutError(
            f"bundled font {path} cannot be read: {exc}",
            hint="reinstall nkletters",
        ) from None
    return font


_LOADED: dict[Path, BatchFont] = {}


# --- the batch's encoding plan (see embedding) ----------------------------------------

_STYLE_NAMES = [
    _style_name(family, bold, italic)
    for family in FAMILIES
    for bold in (False, True)
    for italic in (False, True)
]


def encoding_plan(texts: Iterable[str]) -> EncodingPlan:
    """The plan for text that will be printed: each character under every style of the
    bundled family that draws it (bold, italic… may appear anywhere)."""
    by_family: dict[Family, set[str]] = {}
    for text in texts:
        printed = clean(text)
        if printed.isascii():  # ASCII is numbered the same in every document already
            continue
        for char in set(printed):
            if char.isascii() or unicodedata.category(char) in _UNPRINTABLE:
                continue
            family = family_for(char)
            if family is not None:
                by_family.setdefault(family, set()).add(char)
    if HAN in by_family:
        # Latin characters inside Chinese or Japanese text are set in SANS (to_markup,
        # cjk); without Han characters there is no such text, and SANS is not loaded.
        sans = _coverage(SANS)
        latin = {char for char in by_family.get(LATIN, ()) if ord(char) in sans}
        by_family.setdefault(SANS, set()).update(latin | {LATIN_HAN_SPACE})
    plan: dict[str, str] = {}
    for family, chars in by_family.items():
        ordered = "".join(sorted(chars))
        for bold in (False, True):
            for italic in (False, True):
                plan[_style_name(family, bold, italic)] = ordered
    return EncodingPlan(tuple(plan.items()))


@cache
def _coverage(family: Family) -> frozenset[int]:
    register(family)
    face = pdfmetrics.getFont(family.name).face
    return frozenset(face.charToGlyph)


@cache
def _draws_ascii() -> bool:
    """Whether the Latin family draws every printable ASCII character and the typographic
    quotes that :func:`clean` puts in for straight ones."""
    covered = _coverage(LATIN)
    return all(ord(c) in covered for c in map(chr, range(0x20, 0x7F))) and all(
        ord(c) in covered for c in "‘’“”"
    )


def _is_hangul(code: int) -> bool:
    return 0xAC00 <= code <= 0xD7AF or 0x1100 <= code <= 0x11FF or 0x3130 <= code <= 0x318F


def family_for(char: str) -> Family | None:
    """The first bundled family that draws ``char`` (None when none does)."""
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
_FOLDED_SPACE = re.compile(r"[^\S\u3000\u00a0\u202f]+")
"""A run of white space, folded to one space. The ideographic space (U+3000) is a
full-width character, not a gap to fold: Japanese writes one after 拝啓. A no-break space
keeps two words on one line (Su Excelencia)."""


def clean(text: str) -> str:
    """Text as it will be printed: control characters become spaces, invisible
    formatting characters are dropped, runs of white space fold to one space, and
    straight quotes become typographic ones. Leading and trailing spaces stay: a run
    of bold text may end in one."""
    if text.isascii() and text.isprintable():
        # Nothing to replace or drop (printable ASCII has no control or formatting
        # characters), which is most of a letter: only the spaces and quotes.
        return typographic(_FOLDED_SPACE.sub(" ", text))
    out = []
    for char in text:
        category = unicodedata.category(char)
        if category == "Cc" or category in ("Zl", "Zp"):
            out.append(" ")
        elif category in _IGNORABLE:
            continue
        else:
            out.append(char)
    return typographic(_FOLDED_SPACE.sub(" ", "".join(out)))


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
    if text.isascii() and text.isprintable() and _draws_ascii():
        return []  # most names and titles: no need to look at each character
    missing = []
    for char in dict.fromkeys(clean(text)):  # each character once, in order
        if char == " ":
            continue
        if unicodedata.category(char) in _UNPRINTABLE or family_for(char) is None:
            missing.append(char)
    return missing


def unprintable_error(label: str, text: str) -> LayoutError | None:
    """The error to raise (or report) when ``text``, found in ``label``, holds a
    character no bundled font can draw; None when all of it prints."""
    missing = unprintable(text)
    return _cannot_print(label, missing) if missing else None


def _cannot_print(label: str, chars: list[str]) -> LayoutError:
    return LayoutError(
        f"{label} contains {describe(chars)}, which no bundled font can print",
        hint="remove or replace that character",
    )


def describe(chars: list[str]) -> str:
    """``'😀' (U+1F600 GRINNING FACE)`` for each character, for error messages."""
    return ", ".join(f"{c!r} (U+{ord(c):04X} {unicodedata.name(c, 'unnamed')})" for c in chars[:5])


@lru_cache(maxsize=8192)  # a batch marks up the same template sentences for every letter
def to_markup(
    text: str, *, where: str = "text", bold: bool = False, italic: bool = False, cjk: bool = False
) -> str:
    """Escape ``text`` for reportlab paragraph markup, wrapping every run that the
    Latin font lacks in a ``<font>`` tag for the bundled font that has it.

    ``bold`` and ``italic`` pick that font's style: a ``<font face>`` tag names one
    face, so neither ``<b>`` around it nor a bold paragraph style reaches inside.
    ``cjk`` marks Chinese or Japanese text: there, digits and Latin letters among Han
    characters are set in the sans serif that matches the Han font.

    Raises LayoutError naming ``where`` when a character cannot be printed at all.
    """
    text = clean(text)
    if text.isascii():
        return _escape(text)
    families: list[Family] = []
    for char in text:
        family = LATIN if char == " " else family_for(char)
        if family is None or unicodedata.category(char) in _UNPRINTABLE:
            raise _cannot_print(where, [char])
        families.append(family)
    if cjk and HAN in families:
        text, families = _latin_among_han(text, families)
    runs: list[tuple[Family, list[str]]] = []
    for char, family in zip(text, families, strict=True):
        if runs and (runs[-1][0] is family or char == " "):
            runs[-1][1].append(char)
        else:
            runs.append((family, [char]))
    parts = []
    for family, chars in runs:
        chunk = _escape("".join(chars))
        face = _style_name(family, bold, italic and family is not SANS)
        parts.append(chunk if family is LATIN else f'<font face="{face}">{chunk}</font>')
    return "".join(parts)


LATIN_HAN_SPACE = "\u2005"
"""The quarter-em space set between Han characters and Latin letters or digits, as
Japanese (JLREQ) and Chinese (clreq) typesetting ask: a gap narrower than a word space."""


def _latin_among_han(text: str, families: list[Family]) -> tuple[str, list[Family]]:
    """Latin letters and digits inside Chinese or Japanese text: in the sans serif that
    matches the Han font, a quarter em from the Han characters beside them."""
    sans = _coverage(SANS)
    chars: list[str] = []
    out: list[Family] = []
    previous: Family | None = None
    for char, family in zip(text, families, strict=True):
        if family is LATIN and char != " " and ord(char) in sans:
            family = SANS
        if {previous, family} == {HAN, SANS} and (
            _spaced_from_latin(chars[-1]) and _spaced_latin(char)
            if family is SANS
            else _spaced_from_latin(char) and _spaced_latin(chars[-1])
        ):
            chars.append(LATIN_HAN_SPACE)
            out.append(SANS)
        chars.append(char)
        out.append(family)
        previous = family
    return "".join(chars), out


def _spaced_from_latin(char: str) -> bool:
    """True for a Han character or kana (not punctuation) that Latin text keeps a
    quarter em from."""
    return unicodedata.category(char) == "Lo"


def _spaced_latin(char: str) -> bool:
    """True for a Latin letter, which stands a quarter em from Han characters. Digits
    do not: dates and article numbers (2026年9月24日, 第33条) stay close-set."""
    return char.isalpha()


@lru_cache(maxsize=1024)  # the same captions and labels recur on every letter of a batch
def font_for_plain_text(text: str, bold: bool = False) -> str:
    """The single registered font name to draw ``text`` with canvas.drawString.

    Canvas strings have no markup, so mixed-script text must go through a Paragraph;
    this picks the family of the first non-Latin character, Latin otherwise.
    """
    register(LATIN)
    for char in clean(text):
        family = family_for(char)
        if family is not None and family is not LATIN:
            return _style_name(family, bold, False)
    return _style_name(LATIN, bold, False)


__all__ = [
    "BODY_FONT",
    "BOLD_FONT",
    "FAMILIES",
    "HAN",
    "HANGUL",
    "ITALIC_FONT",
    "LATIN",
    "LATIN_HAN_SPACE",
    "SANS",
    "SYNTHETIC_BOLD_STROKE",
    "EncodingPlan",
    "Family",
    "clean",
    "describe",
    "encoding_plan",
    "family_for",
    "font_for_plain_text",
    "register",
    "to_markup",
    "typographic",
    "unprintable",
    "unprintable_error",
]
