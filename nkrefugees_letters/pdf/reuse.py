"""Reuse: the one module that reaches into reportlab's private attributes, for what a batch reuses.

A batch does once what reportlab would do for every letter: a page laid out for the
letter's own file goes into the print file as it is (:func:`record_page`,
:func:`replay`), a paragraph keeps its line breaks and operators
(:class:`SettledParagraph`), a document of thousands of pages is written as it grows
(:class:`PageCanvas`), a parsed font file is kept for the next process
(:func:`init_font`). reportlab has no public way to do this; its private attributes
(``canvas._code``, ``_doc``, ``doc._startBuild``, ``frame._atTop``…) may change in any
release, so pyproject.toml bounds reportlab to the versions they were read from (4 and
5) and no other module touches them: a new reportlab is checked here, and by the tests
that compare recorded pages with pages laid out afresh.
"""

from __future__ import annotations

import calendar
import copy
import mmap
import os
import re
import sys
import time
import weakref
from array import array
from collections.abc import Callable, Sequence
from datetime import date
from fnmatch import fnmatch
from pathlib import Path
from typing import Any, BinaryIO, NamedTuple

import reportlab
from reportlab import rl_config
from reportlab.pdfbase import pdfdoc, pdfmetrics
from reportlab.pdfbase.ttfonts import (
    TTEncoding,
    TTFNameBytes,
    TTFont,
    TTFontFace,
    unShapedFontGlob,
)
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import BaseDocTemplate, Paragraph
from reportlab.platypus.paragraph import _handleBulletWidth
from reportlab.rl_config import _FUZZ

from .. import usercache
from . import cjk

# --- the encoding plan a document is built under ------------------------------------------

_PLAN_ATTRIBUTE = "nkletters_plan"


def attach_plan(canvas: Canvas, plan: object | None) -> None:
    """Build ``canvas``'s document under ``plan`` (a fonts.EncodingPlan, or None).

    The batch fonts read it from the document they are given (:func:`plan_of`).
    """
    setattr(canvas._doc, _PLAN_ATTRIBUTE, plan)


def plan_of(doc: object) -> Any:
    """The plan ``doc`` (a reportlab PDFDocument) is built under, or None."""
    return getattr(doc, _PLAN_ATTRIBUTE, None)


def init_font(font: TTFont, name: str, filename: str) -> None:
    """``TTFont.__init__(font, name, filename)``, with the parsed font file from the
    user's cache when an earlier process left it there.

    Parsing a TrueType file in Python is the slowest step of a start (the Han and
    Hangul fonts about 100 ms each; a batch does it before its workers start). The
    parsed tables are kept as plain data, named after the file and reportlab's version.
    """
    face = _cached_face(Path(filename))
    if face is None:
        TTFont.__init__(font, name, filename)
        return
    # TTFont.__init__, with the face already made (reportlab 4-5).
    font.fontName = name
    font.face = face
    font.encoding = TTEncoding()
    font.state = weakref.WeakKeyDictionary()
    font._asciiReadable = rl_config.ttfAsciiReadable
    font.shapable = not any(fnmatch(name, glob) for glob in unShapedFontGlob)


def _cached_face(path: Path) -> TTFontFace | None:
    try:
        stat = path.stat()
    except OSError:
        return None
    cached = (
        f"fonts/{path.stem}-{stat.st_size}-{stat.st_mtime_ns}-rl{reportlab.Version}"
        f"-{sys.byteorder}-3"
    )
    data = usercache.read_marshal(f"{cached}.marshal")
    if not isinstance(data, dict):
        return _parse_and_keep(path, cached)
    try:
        data["_ttf_data"] = _mapped(path)
    except OSError:
        return None
    face = _CachedFace.__new__(_CachedFace)
    pdfmetrics.TypeFace.__init__(face, None)
    try:
        names = data.pop(_NAME_KEYS)
        multiple = data.pop(_SCALE_KEY)
        metrics = _Metrics(array(_METRICS_TYPE, data.pop(_METRICS_KEY)))
        positions = array(_POSITIONS_TYPE, data.pop(_POSITIONS_KEY))
    except (KeyError, TypeError, ValueError):  # an entry not as this version writes them
        return _parse_and_keep(path, cached)
    face.__dict__.update(data)
    face.hmetrics, face.glyphPos = metrics, positions
    for key in names:
        setattr(face, key, TTFNameBytes(getattr(face, key)))
    face._pdfScale = (lambda x: x) if multiple == 1 else (lambda x: x * multiple)
    face.__dict__[_GLYPHS_ENTRY] = f"{cached}-glyphs.marshal"
    return face


class _CachedFace(TTFontFace):  # type: ignore[misc]  # reportlab has no type hints
    """A face read from the cache. Its map from glyphs to characters, which only text
    shaping uses and which is the largest part of a CJK font's parse, is read from its
    own entry when first asked for (or parsed again from the font file)."""

    def __getattr__(self, name: str) -> Any:
        if name != _GLYPH_MAP or _GLYPHS_ENTRY not in self.__dict__:
            raise AttributeError(name)
        found = usercache.read_marshal(self.__dict__[_GLYPHS_ENTRY])
        if not isinstance(found, dict):
            found = getattr(TTFontFace(self.filename), _GLYPH_MAP)
        setattr(self, _GLYPH_MAP, found)
        return found


def _mapped(path: Path) -> mmap.mmap | bytes:
    """The font file's bytes, for the glyphs a document embeds: mapped rather than read,
    so that only the glyphs used are read from disk, and a batch's workers share one copy
    (4 MB for the Han font). reportlab only slices and indexes them."""
    with path.open("rb") as handle:
        try:
            return mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ)
        except (OSError, ValueError):  # a file system that cannot map it: read it
            return handle.read()


class _Metrics:
    """A face's ``hmetrics``, (advance, side bearing) for each glyph, read from one array
    of numbers: a list of 50,000 pairs (the Han font's) takes 10 ms to read back, the
    array nothing. reportlab only indexes it, to subset the font."""

    def __init__(self, numbers: array[float]) -> None:
        self.numbers = numbers

    def __len__(self) -> int:
        return len(self.numbers) // 2

    def __getitem__(self, glyph: int) -> tuple[float, float]:
        if not 0 <= glyph < len(self):
            raise IndexError(glyph)
        return self.numbers[2 * glyph], self.numbers[2 * glyph + 1]


_GLYPH_MAP = "glyphToChar"
_NOT_KEPT = frozenset({"_pdfScale", "_ttf_data", _GLYPH_MAP, "hmetrics", "glyphPos"})
_METRICS_KEY = "nkletters hmetrics"
_METRICS_TYPE = "d"  # numbers from the font, or (past its last full metric) reportlab's
# advance already scaled to 1000 units, a float: kept exactly as reportlab has them
_POSITIONS_KEY = "nkletters glyphPos"
_POSITIONS_TYPE = "L"  # at least 32 bits: where each glyph starts in the glyf table
_NAME_KEYS = "nkletters name keys"
_SCALE_KEY = "nkletters scale"
_GLYPHS_ENTRY = "_nkletters_glyphs_entry"


def _parse_and_keep(path: Path, cached: str) -> TTFontFace | None:
    """Parse the font file, and keep the result for the next process (if it can)."""
    face = TTFontFace(str(path))
    # Not the file itself (as large again): it is read from the font file, as ever.
    data = {key: value for key, value in vars(face).items() if key not in _NOT_KEPT}
    names = [key for key, value in data.items() if isinstance(value, TTFNameBytes)]
    for key in names:
        data[key] = bytes(data[key])
    data[_NAME_KEYS] = names
    data[_SCALE_KEY] = face._pdfScale(1)  # 1000 / units per em, exactly as reportlab has it
    pairs = [number for pair in face.hmetrics for number in pair]
    data[_METRICS_KEY] = array(_METRICS_TYPE, pairs).tobytes()
    data[_POSITIONS_KEY] = array(_POSITIONS_TYPE, face.glyphPos).tobytes()
    # A value marshal cannot keep is not kept: the file is parsed again next time.
    glyphs, entry = f"{cached}-glyphs.marshal", f"{cached}.marshal"
    if usercache.write_marshal(glyphs, vars(face)[_GLYPH_MAP]) and usercache.write_marshal(
        entry, data
    ):
        # The entries of this font as an earlier install or reportlab left them.
        older = re.compile(rf"{re.escape(path.stem)}-\d+-\d+-rl.*\.marshal")
        usercache.remove_superseded("fonts", older, {Path(glyphs).name, Path(entry).name})
    return face


def new_font_state(font: TTFont) -> Any:
    """A fresh per-document state (character numbering, subsets) for ``font``."""
    return TTFont.State(font._asciiReadable, font)


def use_in(name: str, doc: Any) -> None:
    """Make the registered font ``name`` part of ``doc``, for a page drawn elsewhere."""
    font = pdfmetrics.getFont(name)
    if hasattr(font, "subset_name"):
        font.subset_name(0, doc)
    else:
        doc.getInternalFontName(name)


def encoding_is_planned(doc: object) -> bool:
    """True when every font used in ``doc`` numbered only the planned characters."""
    for name in getattr(doc, "fontMapping", {}):
        planned = getattr(pdfmetrics.getFont(name), "planned", None)
        if planned is not None and not planned(doc):
            return False
    return True


def stamp(canvas: Canvas, when: date | None) -> None:
    """Date the PDF ``when`` (midnight UTC) rather than reportlab's invariant 1 January
    2000, which looks like a bug: still the same bytes for the same letter.
    ``SOURCE_DATE_EPOCH``, when set, wins (reproducible builds)."""
    if when is None or os.environ.get("SOURCE_DATE_EPOCH", "").strip():
        return
    stamp_ = canvas._doc._timeStamp
    seconds = calendar.timegm(when.timetuple())
    stamp_.t, stamp_.lt = seconds, time.gmtime(seconds)
    stamp_.YMDhms = tuple(stamp_.lt)[:6]
    stamp_.dhh = stamp_.dmm = 0
    stamp_.tzname = "UTC"


# --- finished pages, to add to another document -------------------------------------------


class Page(NamedTuple):
    """A finished page as PDF drawing operators, to add to another document of the
    batch without laying the letter out again (see :func:`replay`)."""

    size: tuple[float, float]
    code: str
    fonts: tuple[str, ...]
    forms: tuple[str, ...] = ()
    """Images drawn on the page, by reportlab's name for them."""
    objects: tuple[tuple[str, Any], ...] = ()
    """The images' PDF objects (and their transparency masks), by internal name."""


def record_page(canvas: Canvas) -> Page:
    """The page being drawn on ``canvas``, as a Page."""
    doc = canvas._doc
    forms = tuple(dict.fromkeys(canvas._formsinuse))
    objects = []
    for form in forms:
        internal = doc.getXObjectName(form)
        image = doc.idToObject[internal]
        objects.append((internal, image))
        mask = getattr(image, "smask", None)  # an image's transparency is one more object
        if mask is not None:
            objects.append((mask.name, doc.idToObject[mask.name]))
    return Page(
        (float(canvas._pagesize[0]), float(canvas._pagesize[1])),
        "\n".join(canvas._code),
        tuple(doc.fontMapping),
        forms,
        tuple(objects),
    )


def replay(canvas: Canvas, page: Page) -> None:
    """Add ``page`` to ``canvas``'s document as its next page."""
    doc = canvas._doc
    for name in page.fonts:
        use_in(name, doc)
    for internal, image in page.objects:
        if internal not in doc.idToObject:
            # The object remembers its registration in the document it came from; a
            # copy without that mark can be registered here under the same name.
            fresh = copy.copy(image)
            fresh.__dict__.pop("__InternalName__", None)
            doc.Reference(fresh, internal)
    canvas.setPageSize(page.size)
    canvas._code = [page.code]
    canvas._formsinuse = list(page.forms)
    Canvas.showPage(canvas)


def code_mark(canvas: Canvas) -> int:
    """Where the drawing operators of ``canvas``'s page stand now (see :func:`code_since`)."""
    return len(canvas._code)


def code_since(canvas: Canvas, mark: int) -> list[str]:
    """The operators drawn on ``canvas`` since ``mark``: to repeat with :func:`add_code`."""
    return canvas._code[mark:]  # type: ignore[no-any-return]


def add_code(canvas: Canvas, code: Sequence[str]) -> None:
    """Draw operators kept from an earlier drawing on the same document."""
    canvas._code.extend(code)


# --- one canvas for every document ---------------------------------------------------------

HeaderDrawer = Callable[[Canvas, int, int], None]
"""Draws page ``number`` of ``total``'s running header on the canvas."""


class PageCanvas(Canvas):  # type: ignore[misc]
    """The canvas of every document nkletters writes.

    With ``hold``, it holds back the pages of the current letter until the letter ends
    (:meth:`end_letter`, or saving), then draws their headers ("Page 2 of 3", numbered
    per letter) and, with ``record``, keeps each finished page as a :class:`Page`. Its
    PDF ``document`` may be another than reportlab's (streaming.StreamingDocument).
    """

    _doc: Any

    def __init__(
        self,
        filename: Any,
        *args: Any,
        hold: bool = False,
        record: bool = False,
        document: Callable[..., pdfdoc.PDFDocument] | None = None,
        header: HeaderDrawer | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(filename, *args, **kwargs)
        if document is not None:
            # The document the canvas made, made again by ``document`` (a PDFDocument
            # subclass, e.g. streaming.StreamingDocument) from the same settings.
            self._doc = document(
                filename,
                compression=self._pageCompression,
                invariant=self._doc.invariant,
                filename=filename,
                pdfVersion=kwargs.get("pdfVersion") or pdfdoc.PDF_VERSION_DEFAULT,
                lang=kwargs.get("lang"),
            )
            self.setPageCompression(self._pageCompression)
        self._hold = hold
        self._held: list[dict[str, Any]] = []
        self._header = header
        self.records: list[Page] | None = [] if record else None
        self.letter_pages = 0
        """The last letter's page count, once it has ended."""
        self.planned = True
        """Whether the document numbered only planned characters (known once saved)."""

    def showPage(self) -> None:  # noqa: N802 - reportlab's name
        if not self._hold:
            super().showPage()
            return
        self._held.append(dict(self.__dict__))
        self._startPage()

    def end_letter(
        self, header: HeaderDrawer | None, *, blank_back: bool = False
    ) -> tuple[int, int]:
        """Write the held pages; return (the letter's pages, blank pages added)."""
        total = len(self._held)
        for number, state in enumerate(self._held, start=1):
            self.__dict__.update(state)
            if header is not None:
                header(self, number, total)
            if self.records is not None:
                self.records.append(record_page(self))
            Canvas.showPage(self)
        self._held = []
        self.letter_pages = total
        if blank_back and total % 2:
            Canvas.showPage(self)
            return total, 1
        return total, 0

    def save(self) -> None:
        if self._held:
            self.end_letter(self._header)
        # Before saving: saving hands each font's numbering over to the file.
        self.planned = encoding_is_planned(self._doc)
        super().save()


# --- a document built one letter at a time --------------------------------------------------


def pdf_version(doc: pdfdoc.PDFDocument) -> tuple[int, int]:
    """The PDF version ``doc`` will declare (features it draws may have raised it)."""
    return doc._pdfVersion  # type: ignore[no-any-return]


def set_pdf_version(doc: pdfdoc.PDFDocument, version: tuple[int, int]) -> None:
    """Make ``doc`` declare PDF ``version``."""
    doc._pdfVersion = version


def object_name(obj: pdfdoc.PDFObject) -> str:
    """The name under which ``obj`` was registered in its document."""
    return obj.__InternalName__  # type: ignore[no-any-return]


def start_build(doc: BaseDocTemplate, handle: BinaryIO, canvasmaker: Callable[..., Canvas]) -> None:
    """Begin ``doc`` without its story: reportlab's own multi-pass builds use this step;
    build() would need every flowable of every letter in one list."""
    doc._startBuild(handle, canvasmaker=canvasmaker)


def switch_template(doc: BaseDocTemplate, name: str) -> None:
    """Start ``doc``'s next page with the page template ``name``.

    The previous letter ended with a page break and its next page has not begun:
    choosing the template now makes that page the next letter's first.
    """
    doc.handle_nextPageTemplate(name)
    doc._setPageTemplate()


def end_build(doc: BaseDocTemplate) -> None:
    """Finish a document begun with :func:`start_build`."""
    doc._endBuild()


def forget_postponed(flowable: Any) -> None:
    """Drop the mark platypus leaves on a flowable it moved on to the next frame."""
    flowable.__dict__.pop("_postponed", None)


def at_top_of_frame(flowable: Any) -> bool:
    """Whether platypus is placing ``flowable`` at the top of its frame."""
    frame = getattr(flowable, "_frame", None)
    return bool(frame is not None and frame._atTop)


# --- paragraphs that keep their line breaks and operators -----------------------------------


class SettledParagraph(Paragraph):  # type: ignore[misc]
    """A paragraph that remembers its line breaks for each width it was given.

    Breaking lines is most of the cost of a letter, and platypus asks again for the
    same widths (KeepTogether and KeepInFrame measure, then the frame places). The
    result depends only on the text, the style and the width, so the same paragraph
    can serve every letter of a batch that prints it.
    """

    _wrapped_for = -1.0
    width: float
    height: float

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:  # noqa: N803
        # split() drops blPara when it moves the paragraph on: then break lines again.
        if availWidth == self._wrapped_for and "blPara" in self.__dict__:
            return self.width, self.height
        known: dict[float, tuple[Any, ...]] = self.__dict__.setdefault("_by_width", {})
        if availWidth in known:
            self.width, self.height, self.blPara, self._wrapWidths = known[availWidth]
        else:
            super().wrap(availWidth, availHeight)
            if not hasattr(self, "blPara"):
                self._wrapped_for = -1.0
                return self.width, self.height
            known[availWidth] = (self.width, self.height, self.blPara, self._wrapWidths)
        self._wrapped_for = availWidth
        return self.width, self.height

    def breakLinesCJK(self, maxWidths: Any) -> Any:  # noqa: N802, N803 - reportlab's names
        # Both kinsoku rules, not only reportlab's "no closing mark at a line's start".
        widths = maxWidths if isinstance(maxWidths, (list, tuple)) else [maxWidths]
        self.height = 0
        if hasattr(self, "blPara") and getattr(self, "_splitpara", False):
            return self.blPara
        style = self.style
        # reportlab's own helper widens the first line's indent for a bullet
        _handleBulletWidth(self.bulletText, style, widths)
        auto_leading = getattr(self, "autoLeading", getattr(style, "autoLeading", ""))
        bounds = auto_leading not in ("", "off")
        return cjk.split_lines(self.frags, widths, bounds, tolerance=_FUZZ)

    def draw(self) -> None:
        # The operators that draw these lines depend only on the lines, the canvas
        # state they start from and the font encoding: under a batch's planned
        # encoding they are the same in every letter, so they are made once.
        canvas = self.canv
        doc = canvas._doc
        key = (
            self.blPara,
            canvas._fontname,
            canvas._fontsize,
            canvas._leading,
            canvas._fillColorObj,
            canvas._strokeColorObj,
            plan_of(doc),
        )
        drawn: dict[tuple[Any, ...], tuple[list[str], tuple[str, ...], tuple[int, int]]]
        drawn = self.__dict__.setdefault("_drawn", {})
        if key in drawn:
            code, used, version = drawn[key]
            for name in used:
                use_in(name, doc)
            set_pdf_version(doc, max(pdf_version(doc), version))
            canvas._code.extend(code)
            return
        # Drawing may raise the PDF version the document declares (reportlab's
        # ensureMinPdfVersion: a colour sets its opacity, a 1.4 feature); a replay must
        # raise it the same, or the same file would say 1.3 in one run and 1.4 in another.
        before = pdf_version(doc)
        set_pdf_version(doc, pdfdoc.PDF_VERSION_DEFAULT)
        start = len(canvas._code)
        try:
            super().draw()
        finally:
            version = pdf_version(doc)
            set_pdf_version(doc, max(before, version))
        if len(drawn) < 8 and encoding_is_planned(doc):
            code = canvas._code[start:]
            text = "\n".join(code)
            used = tuple(name for name, pdf in doc.fontMapping.items() if f"{pdf}+" in text)
            drawn[key] = (code, used, version)


__all__ = [
    "HeaderDrawer",
    "Page",
    "PageCanvas",
    "SettledParagraph",
    "add_code",
    "at_top_of_frame",
    "attach_plan",
    "code_mark",
    "code_since",
    "encoding_is_planned",
    "end_build",
    "forget_postponed",
    "init_font",
    "new_font_state",
    "object_name",
    "pdf_version",
    "plan_of",
    "record_page",
    "replay",
    "set_pdf_version",
    "stamp",
    "start_build",
    "switch_template",
    "use_in",
]
