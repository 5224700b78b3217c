"""Embedding: the bundled fonts as PDF objects — fixed names, planned numbering, subsets made once.

reportlab gives each document its own numbering of a font's characters, in the order
the document first uses them, and names the font after how many fonts the document
already holds. Two documents of one batch would then encode the same page
differently, and each would cut and compress its font subsets anew. :class:`BatchFont`
fixes the font's name, numbers the characters of the document's
:class:`EncodingPlan` first (so that a page laid out once can go into the letter's own
file and into the print file alike), and builds the objects of an identical subset
only once. A document built without a plan numbers characters as reportlab does.
"""

from __future__ import annotations

import copy
import weakref
import zlib
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, NamedTuple

from reportlab.pdfbase import pdfdoc
from reportlab.pdfbase.ttfonts import (
    FF_NONSYMBOLIC,
    FF_SYMBOLIC,
    SUBSETN,
    TTFont,
    makeToUnicodeCMap,
)

from . import reuse


@dataclass(frozen=True)
class EncodingPlan:
    """The characters each font numbers first, in this order, in every document built
    under the plan (see fonts.encoding_plan).

    A document that then draws a character outside the plan still prints it
    correctly; it just encodes that character its own way (reuse.encoding_is_planned).
    """

    characters: tuple[tuple[str, str], ...] = ()
    """(registered font name, its characters), for each font the plan numbers."""

    def for_font(self, name: str) -> str:
        """The characters the font ``name`` numbers first ("" for none)."""
        for font, chars in self.characters:
            if font == name:
                return chars
        return ""


class BatchFont(TTFont):  # type: ignore[misc]
    """A TrueType font with a fixed PDF name, a planned encoding and cached subsets."""

    def __init__(self, name: str, filename: str, internal_name: str) -> None:
        reuse.init_font(self, name, filename)  # TTFont.__init__, from a cache if it can
        # Not reportlab's F1, F2…, which count the document's fonts: a fixed name per
        # style, the same in every process whatever order the fonts load in.
        self.internal_name = internal_name

    def restyled(self, name: str) -> BatchFont:
        """This font under another style's name, for registering that name.

        reportlab's registerFont maps every name of a face it already knows to the font
        registered first, so the copy only carries the name; it never draws.
        """
        twin = copy.copy(self)
        twin.fontName = name
        twin.state = weakref.WeakKeyDictionary()
        return twin

    def stroked(self, name: str, stroke: float) -> StrokedFont:
        """This font under ``name``, drawn filled and stroked ``stroke`` pt wide: a
        synthetic bold.

        The twin shares this font's PDF font object and character numbering, so bold
        text adds no embedded font; only the render mode around its runs differs.
        """
        twin = StrokedFont.__new__(StrokedFont)
        twin.__dict__.update(self.__dict__)
        twin.fontName = name
        twin.regular = self
        twin.stroke = stroke
        # reportlab registers one font per face name; the twin needs its own entry.
        twin.face = copy.copy(self.face)
        twin.face.name = self.face.name + b"-Stroked"
        return twin

    def document_state(self, doc: Any) -> Any:
        """This font's numbering and subsets in ``doc``, the plan's characters first."""
        state = self.state.get(doc)
        if state is None:
            state = self.state[doc] = reuse.new_font_state(self)
            state.internalName = self.internal_name
            plan = reuse.plan_of(doc)
            planned = plan.for_font(self.fontName) if plan is not None else ""
            if planned:
                super().splitString(planned, doc)
            state.planned_count = len(state.assignments)
        return state

    def planned(self, doc: Any) -> bool:
        """Whether ``doc`` numbered no character beyond the plan."""
        state = self.state.get(doc)
        return state is None or len(state.assignments) == state.planned_count

    def splitString(self, text: str, doc: Any, encoding: str = "utf-8") -> Any:  # noqa: N802
        self.document_state(doc)
        return super().splitString(text, doc, encoding)

    def subset_name(self, subset: int, doc: Any) -> str:
        """The PDF name of one of this font's subsets in ``doc`` (registering the font)."""
        state = self.document_state(doc)
        if not 0 <= subset < len(state.subsets):
            raise IndexError(f"subset {subset} does not exist in font {self.fontName}")
        if self.fontName not in doc.fontMapping:
            doc.fontMapping[self.fontName] = "/" + self.internal_name
            doc.delayedFonts.append(self)
        return f"/{self.internal_name}+{subset}"

    def getSubsetInternalName(self, subset: int, doc: Any) -> str:  # noqa: N802
        # reportlab writes "<this> <size> Tf" wherever a run of text changes font. The
        # render mode goes with it: filled (0 Tr) after a stroked bold run (see
        # StrokedFont), since the mode outlasts the text object that set it.
        return "0 Tr " + self.subset_name(subset, doc)

    def addObjects(self, doc: Any) -> None:  # noqa: N802
        """Add this font's subsets to ``doc`` (reportlab calls this when saving)."""
        state = self.document_state(doc)
        state.frozen = 1
        fonts = doc.idToObject["BasicFonts"].dict
        for number, subset in enumerate(state.subsets):
            name = self.subset_name(number, doc)[1:]
            fonts[name] = self._subset_font(doc, name, _subset_parts(self, tuple(subset), number))
            doc.Reference(fonts[name], name)
        del self.state[doc]

    def _subset_font(self, doc: Any, name: str, parts: _SubsetParts) -> Any:
        font = pdfdoc.PDFTrueTypeFont()
        font.Name = name
        font.BaseFont = parts.base_name
        font.FirstChar = 0
        font.LastChar = parts.last_char
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
        return font


class StrokedFont(BatchFont):
    """A synthetic bold: the regular font's glyphs, filled and stroked.

    It numbers, subsets and embeds nothing itself: every call goes to the regular font,
    so the characters are the same PDF font whatever their weight.
    """

    regular: BatchFont
    stroke: float

    def document_state(self, doc: Any) -> Any:
        return self.regular.document_state(doc)

    def planned(self, doc: Any) -> bool:
        return self.regular.planned(doc)

    def splitString(self, text: str, doc: Any, encoding: str = "utf-8") -> Any:  # noqa: N802
        return self.regular.splitString(text, doc, encoding)

    def subset_name(self, subset: int, doc: Any) -> str:
        return self.regular.subset_name(subset, doc)

    def getSubsetInternalName(self, subset: int, doc: Any) -> str:  # noqa: N802
        return f"2 Tr {self.stroke} w " + self.subset_name(subset, doc)

    def addObjects(self, doc: Any) -> None:  # noqa: N802
        """Nothing to add: the regular font embeds the glyphs."""


class _SubsetParts(NamedTuple):
    base_name: str
    last_char: int
    widths: bytes
    """The PDF array, formatted: 256 numbers are slow to format for every file."""
    to_unicode: bytes
    """Compressed, like font_file."""
    font_file: bytes
    font_file_length: int


@lru_cache(maxsize=64)  # a batch embeds the same few subsets in every file
def _subset_parts(font: BatchFont, subset: tuple[int, ...], number: int) -> _SubsetParts:
    face = font.face
    base_name = b"".join((SUBSETN(number), b"+", face.name, face.subfontNameX)).decode("pdfdoc")
    program = face.makeSubset(list(subset))
    return _SubsetParts(
        base_name,
        len(subset) - 1,
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


__all__ = ["BatchFont", "EncodingPlan", "StrokedFont"]
