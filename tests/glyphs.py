"""Test helper: prove that every character a PDF shows is drawn with a real glyph.

Two independent checks, both with fontTools:

* ``drawn_chars`` + ``missing_from_bundled``: each character pdfplumber extracts, with the
  font that draws it, must be in the cmap of the bundled TrueType file of that font.
* ``embedded_problems``: each character drawn in a font subset embedded in the PDF must,
  through the subset's ToUnicode CMap and its own cmap, reach a glyph other than
  ``.notdef``, with an outline unless the character is a space.
"""

from __future__ import annotations

import io
import re
import unicodedata
from functools import cache
from pathlib import Path

import pdfplumber
import pypdf
from fontTools.ttLib import TTFont

from nkrefugees_letters.resources import fonts_dir


@cache
def bundled_cmaps() -> dict[str, frozenset[int]]:
    """PostScript name → the code points of each bundled font."""
    cmaps: dict[str, frozenset[int]] = {}
    for path in sorted(fonts_dir().glob("*.ttf")):
        font = TTFont(str(path), lazy=True)
        cmaps[font["name"].getDebugName(6)] = frozenset(font.getBestCmap())
    return cmaps


def _base_font(name: str) -> str:
    """``AAAAAB+NotoSerif-Bold`` → ``NotoSerif-Bold`` (drop the subset tag)."""
    return name.split("+", 1)[1] if re.match(r"^[A-Z]{6}\+", name) else name


def drawn_chars(pdf: bytes | Path, *, subset_names: bool = False) -> list[tuple[str, str]]:
    """Every character drawn in the PDF with its font's base name (or, with
    ``subset_names``, the subset's own name such as ``AAAAAB+NotoSerif-Bold``)."""
    source = io.BytesIO(pdf) if isinstance(pdf, bytes) else str(pdf)
    with pdfplumber.open(source) as document:
        return [
            (char["text"], char["fontname"] if subset_names else _base_font(char["fontname"]))
            for page in document.pages
            for char in page.chars
        ]


def missing_from_bundled(chars: list[tuple[str, str]]) -> list[str]:
    """Characters whose font is not a bundled one, or whose font lacks them."""
    cmaps = bundled_cmaps()
    problems = []
    for text, font in chars:
        if font not in cmaps:
            problems.append(f"{text!r} drawn in {font}, which is not a bundled font")
        elif _control(text):
            # reportlab draws a character its font lacks as code 0, which reads back as U+0000.
            problems.append(f"{text!r} drawn in {font}: a character the font lacks")
        elif len(text) != 1 or ord(text) not in cmaps[font]:
            problems.append(f"{text!r} drawn in {font}, which has no glyph for it")
    return sorted(set(problems))


_BFCHAR = re.compile(r"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>")


def _to_unicode(font: pypdf.generic.DictionaryObject) -> dict[int, str]:
    data = font["/ToUnicode"].get_object().get_data().decode("latin-1")
    mapping: dict[int, str] = {}
    for block in re.findall(r"beginbfchar(.*?)endbfchar", data, re.S):
        for code, target in _BFCHAR.findall(block):
            mapping[int(code, 16)] = bytes.fromhex(target).decode("utf-16-be")
    for block in re.findall(r"beginbfrange(.*?)endbfrange", data, re.S):
        for start, end, target in re.findall(
            r"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>", block
        ):
            first = ord(bytes.fromhex(target).decode("utf-16-be"))
            for offset, code in enumerate(range(int(start, 16), int(end, 16) + 1)):
                mapping[code] = chr(first + offset)
    return mapping


def embedded_problems(pdf: bytes | Path) -> list[str]:
    """Problems with the fonts embedded in the PDF: a font not embedded, or a character
    mapped to ``.notdef`` or to an empty glyph in its embedded subset."""
    reader = pypdf.PdfReader(io.BytesIO(pdf) if isinstance(pdf, bytes) else str(pdf))
    drawn: dict[str, set[str]] = {}
    for text, font_name in drawn_chars(pdf, subset_names=True):
        drawn.setdefault(font_name, set()).add(text)
    problems: list[str] = []
    seen: set[str] = set()
    for page in reader.pages:
        for ref in page["/Resources"]["/Font"].values():
            font = ref.get_object()
            name = str(font["/BaseFont"]).lstrip("/")
            if name in seen:
                continue
            seen.add(name)
            descriptor = font.get("/FontDescriptor")
            if descriptor is None or "/FontFile2" not in descriptor.get_object():
                problems.append(f"{name} is not embedded")
                continue
            data = descriptor.get_object()["/FontFile2"].get_object().get_data()
            subset = TTFont(io.BytesIO(data))
            cmap = subset["cmap"].tables[0].cmap
            glyphs = subset["glyf"]
            # A subset's ToUnicode also lists codes nothing uses (reportlab keeps 0-127
            # for ASCII in the first subset): check only what the page draws.
            used = drawn.get(name, set())
            to_unicode = _to_unicode(font)
            problems += [
                f"{name}: {t!r} has no ToUnicode entry" for t in used - {*to_unicode.values()}
            ]
            for code, text in sorted(to_unicode.items()):
                if text not in used:
                    continue
                glyph = cmap.get(code, ".notdef")
                if glyph == ".notdef" or _control(text):
                    problems.append(f"{name}: {text!r} has no glyph")
                elif glyphs[glyph].numberOfContours == 0 and not _blank(text):
                    problems.append(f"{name}: {text!r} is drawn as an empty glyph")
    return sorted(set(problems))


def _blank(text: str) -> bool:
    return all(unicodedata.category(c) == "Zs" for c in text)


def _control(text: str) -> bool:
    return any(unicodedata.category(c) == "Cc" for c in text)
