"""Fonts: the bundled TrueType fonts, and which of them draws each character.

reportlab has no font fallback of its own: a character missing from the font is drawn
as a box. So every piece of text is split into runs, each run tagged with the first
bundled font that has all its glyphs. Fonts load on first use, so a Latin-only letter
never pays for the 4 MB CJK font.
"""

from __future__ import annotations

import copy
import re
import unicodedata
import weakref
import zlib
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

from reportlab.lib.fonts import addMapping
from reportlab.pdfbase import pdfdoc, pdfmetrics
from reportlab.pdfbase.ttfonts import (
    FF_NONSYMBOLIC,
    FF_SYMBOLIC,
    SUBSETN,
    TTFont,
    makeToUnicodeCMap,
)

from ..errors import LayoutError
from ..resources import fonts_dir
from .fontcache import CachedTTFont


def _escape(text: str) -> str:
    """``&``, ``<`` and ``>`` as entities (xml.sax.saxutils.escape, whose import pulls in
    urllib, http and ssl: 15 ms of every process's start)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


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
            return loaded.stroked(name)
        return loaded.restyled(name)
    try:
        font = _LOADED[path] = _BatchFont(name, str(path))
    except OSError as exc:
        raise LayoutError(
            f"bundled font {path} cannot be read: {exc}",
            hint="reinstall nkletters",
        ) from None
    return font


_LOADED: dict[Path, _BatchFont] = {}


# --- the same font objects in every document of a batch ------------------------------
# reportlab gives each document its own numbering of a font's characters, in the order
# the document first uses them, and names the font after how many fonts the document
# already holds. Two documents of one batch would then encode the same page
# differently, and each would cut and compress its font subsets anew. _BatchFont fixes
# the font's name, lets a batch number the characters in advance (plan_encoding) so
# that a page laid out once can go into the letter's own file and into the print file
# alike, and builds the objects of an identical subset only once.

_PLAN: dict[str, str] = {}
_PLAN_NUMBER = 0
_STYLE_NAMES = [
    _style_name(family, bold, italic)
    for family in FAMILIES
    for bold in (False, True)
    for italic in (False, True)
]


def plan_encoding(plan: dict[str, str]) -> None:
    """Number these characters first, in this order, in every document from now on.

    ``plan`` maps a registered font name to the characters it will draw. A document
    that then draws a character outside the plan still prints it correctly; it just
    encodes that character its own way (see :func:`encoding_is_planned`).
    """
    global _PLAN_NUMBER  # the plan is process-wide, like reportlab's font registry
    _PLAN.clear()
    _PLAN.update(plan)
    _PLAN_NUMBER += 1


def plan_number() -> int:
    """Changes whenever the plan does: part of the key of anything drawn under it."""
    return _PLAN_NUMBER


def encoding_plan(texts: Iterable[str]) -> dict[str, str]:
    """The plan for text that will be printed: each character under every style of the
    bundled family that draws it (bold, italic… may appear anywhere)."""
    by_family: dict[Family, set[str]] = {}
    sans = _coverage(SANS)
    for text in texts:
        for char in clean(text):
            if char.isascii() or unicodedata.category(char) in _UNPRINTABLE:
                continue  # ASCII is numbered the same in every document already
            family = _family_for(char)
            if family is not None:
                by_family.setdefault(family, set()).add(char)
            if family is LATIN and ord(char) in sans:
                # The same character inside Chinese or Japanese text (to_markup, cjk)
                by_family.setdefault(SANS, set()).add(char)
    if HAN in by_family:
        by_family.setdefault(SANS, set()).add(LATIN_HAN_SPACE)
    plan = {}
    for family, chars in by_family.items():
        ordered = "".join(sorted(chars))
        for bold in (False, True):
            for italic in (False, True):
                plan[_style_name(family, bold, italic)] = ordered
    return plan


def use_in(name: str, doc: Any) -> None:
    """Make the registered font ``name`` part of ``doc``, for a page drawn elsewhere."""
    font = pdfmetrics.getFont(name)
    if isinstance(font, _BatchFont):
        font.subset_name(0, doc)
    else:
        doc.getInternalFontName(name)


def encoding_is_planned(doc: object) -> bool:
    """True when every font used in ``doc`` numbered only the planned characters."""
    for name in getattr(doc, "fontMapping", {}):
        font = pdfmetrics.getFont(name)
        if isinstance(font, _BatchFont) and not font.planned(doc):
            return False
    return True


class _BatchFont(CachedTTFont):
    """A TrueType font with a fixed PDF name, a planned encoding and cached subsets."""

    def __init__(self, name: str, filename: str) -> None:
        super().__init__(name, filename)
        # Not reportlab's F1, F2…, which count the document's fonts: a fixed name per
        # style, the same in every process whatever order the fonts load in.
        self.internal_name = f"NK{_STYLE_NAMES.index(name) + 1}"

    def restyled(self, name: str) -> _BatchFont:
        """This font under another style's name, for registering that name.

        reportlab's registerFont maps every name of a face it already knows to the font
        registered first, so the copy only carries the name; it never draws.
        """
        twin = copy.copy(self)
        twin.fontName = name
        twin.state = weakref.WeakKeyDictionary()
        return twin

    def stroked(self, name: str) -> _StrokedFont:
        """This font under ``name``, drawn filled and stroked: a synthetic bold.

        The twin shares this font's PDF font object and character numbering, so bold
        text adds no embedded font; only the render mode around its runs differs.
        """
        twin = _StrokedFont.__new__(_StrokedFont)
        twin.__dict__.update(self.__dict__)
        twin.fontName = name
        twin.regular = self
        # reportlab registers one font per face name; the twin needs its own entry.
        twin.face = copy.copy(self.face)
        twin.face.name = self.face.name + b"-Stroked"
        return twin

    def _state(self, doc: Any) -> Any:
        state = self.state.get(doc)
        if state is None:
            state = self.state[doc] = TTFont.State(self._asciiReadable, self)
            state.internalName = self.internal_name
            planned = _PLAN.get(self.fontName, "")
            if planned:
                super().splitString(planned, doc)
            state.planned_count = len(state.assignments)
        return state

    def planned(self, doc: Any) -> bool:
        """Whether ``doc`` numbered no character beyond the plan."""
        state = self.state.get(doc)
        return state is None or len(state.assignments) == state.planned_count

    def splitString(self, text: str, doc: Any, encoding: str = "utf-8") -> Any:  # noqa: N802
        self._state(doc)
        return super().splitString(text, doc, encoding)

    def subset_name(self, subset: int, doc: Any) -> str:
        """The PDF name of one of this font's subsets in ``doc`` (registering the font)."""
        state = self._state(doc)
        if not 0 <= subset < len(state.subsets):
            raise IndexError(f"subset {subset} does not exist in font {self.fontName}")
        if self.fontName not in doc.fontMapping:
            doc.fontMapping[self.fontName] = "/" + self.internal_name
            doc.delayedFonts.append(self)
        return f"/{self.internal_name}+{subset}"

    def getSubsetInternalName(self, subset: int, doc: Any) -> str:  # noqa: N802
        # reportlab writes "<this> <size> Tf" wherever a run of text changes font. The
        # render mode goes with it: filled (0 Tr) after a stroked bold run (see
        # _StrokedFont), since the mode outlasts the text object that set it.
        return "0 Tr " + self.subset_name(subset, doc)

    def addObjects(self, doc: Any) -> None:  # noqa: N802
        """Add this font's subsets to ``doc`` (reportlab calls this when saving)."""
        state = self._state(doc)
        state.frozen = 1
        fonts = doc.idToObject["BasicFonts"].dict
        for number, subset in enumerate(state.subsets):
            name = self.subset_name(number, doc)[1:]
            parts = _subset_parts(self, tuple(subset), number)
            font = pdfdoc.PDFTrueTypeFont()
            font.Name = name
            font.BaseFont = parts.base_name
            font.FirstChar = 0
            font.LastChar = len(subset) - 1
            font.Widths = _Formatted(parts.widths)
            font.ToUnicode = doc.Reference(_flate(parts.to_unicode), f"toUnicodeCMap:{name}")
            font_file = _flate(parts.font_file)
            font_file.dictionary["Length1"] = parts.font_file_length
            face = self.face
            descriptor = pdfdoc.PDFDictionary(
                {
                    "Type": "/FontDescriptor",
                    "Ascent": face.ascent,
                    "CapHeight": face.capHeight,
                    "Descent": face.descent,
                    "Flags": (face.flags & ~FF_NONSYMBOLIC) | FF_SYMBOLIC,
                    "FontBBox": pdfdoc.PDFArray(face.bbox),
                    "FontName": pdfdoc.PDFName(parts.base_name),
                    "ItalicAngle": face.italicAngle,
                    "StemV": face.stemV,
                    "FontFile2": doc.Reference(font_file, f"fontFile:{name}"),
                    "MissingWidth": face.defaultWidth,
                }
            )
            font.FontDescriptor = doc.Reference(descriptor, f"fontDescriptor:{name}")
            fonts[name] = font
            doc.Reference(font, name)
        del self.state[doc]


class _StrokedFont(_BatchFont):
    """A synthetic bold: the regular font's glyphs, filled and stroked.

    It numbers, subsets and embeds nothing itself: every call goes to the regular font,
    so the characters are the same PDF font whatever their weight.
    """

    regular: _BatchFont

    def _state(self, doc: Any) -> Any:
        return self.regular._state(doc)

    def planned(self, doc: Any) -> bool:
        return self.regular.planned(doc)

    def splitString(self, text: str, doc: Any, encoding: str = "utf-8") -> Any:  # noqa: N802
        return self.regular.splitString(text, doc, encoding)

    def subset_name(self, subset: int, doc: Any) -> str:
        return self.regular.subset_name(subset, doc)

    def getSubsetInternalName(self, subset: int, doc: Any) -> str:  # noqa: N802
        return f"2 Tr {SYNTHETIC_BOLD_STROKE} w " + self.subset_name(subset, doc)

    def addObjects(self, doc: Any) -> None:  # noqa: N802
        """Nothing to add: the regular font embeds the glyphs."""


@dataclass(frozen=True)
class _SubsetParts:
    base_name: str
    widths: bytes
    """The PDF array, formatted: 256 numbers are slow to format for every file."""
    to_unicode: bytes
    """Compressed, like font_file."""
    font_file: bytes
    font_file_length: int


@lru_cache(maxsize=64)  # a batch embeds the same few subsets in every file
def _subset_parts(font: _BatchFont, subset: tuple[int, ...], number: int) -> _SubsetParts:
    face = font.face
    base_name = b"".join((SUBSETN(number), b"+", face.name, face.subfontNameX)).decode("pdfdoc")
    program = face.makeSubset(list(subset))
    return _SubsetParts(
        base_name,
        pdfdoc.PDFArray([face.getCharWidth(code) for code in subset]).format(None),
        zlib.compress(makeToUnicodeCMap(base_name, list(subset)).encode("utf-8")),
        zlib.compress(program),
        len(program),
    )


class _Formatted(pdfdoc.PDFObject):  # type: ignore[misc]
    """A PDF value already written out."""

    def __init__(self, data: bytes) -> None:
        self.data = data

    def format(self, _document: Any) -> bytes:
        return self.data


def _flate(compressed: bytes) -> Any:
    """A PDF stream of already compressed bytes (reportlab would compress them again)."""
    return pdfdoc.PDFStream(
        pdfdoc.PDFDictionary({"Filter": pdfdoc.PDFArray([pdfdoc.PDFName("FlateDecode")])}),
        compressed,
    )


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
    # Japanese writes one after 拝啓. A no-break space keeps two words on one line
    # (Su Excelencia).
    return typographic(re.sub(r"[^\S\u3000\u00a0\u202f]+", " ", "".join(out)))


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
        family = LATIN if char == " " else _family_for(char)
        if family is None or unicodedata.category(char) in _UNPRINTABLE:
            raise LayoutError(
                f"{where} contains {describe([char])}, which no bundled font can print",
                hint="remove or replace that character",
            )
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
        family = _family_for(char)
        if family is not None and family is not LATIN:
            return _style_name(family, bold, False)
    return _style_name(LATIN, bold, False)
