"""Streaming: a PDF document that writes each page to its file as the page is finished.

A batch's print file holds thousands of pages, and reportlab keeps every page of a
document in memory until it saves. This document writes each finished page and its
content stream at once and keeps only its object number and where it starts in the file
(an array, not reportlab's three dictionaries: a batch's three documents number six
objects a letter); fonts, which grow as new characters appear, are written once at the
end. Only a batch's files use it.
"""

from __future__ import annotations

from array import array
from typing import Any, BinaryIO

from reportlab.pdfbase import pdfdoc

from . import reuse

XREF_LINES = 4096
"""Lines of the cross-reference table formatted at a time."""


class StreamingDocument(pdfdoc.PDFDocument):  # type: ignore[misc]
    """A PDFDocument that writes pages and their content streams as they are added;
    fonts, which grow as new characters appear, are written once at the end."""

    def __init__(self, handle: BinaryIO, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.out = handle
        self.offset = 0
        self.offsets = array("Q")
        """Where each object starts in the file, by object number: 0 until written."""
        self.started = False

    def write_out(self, data: bytes) -> int:
        """Write ``data`` to the file; return where it starts."""
        start = self.offset
        self.out.write(data)
        self.offset += len(data)
        return start

    def written(self, number: int) -> bool:
        """True once the object numbered ``number`` is in the file."""
        return number < len(self.offsets) and self.offsets[number] != 0

    def emit(self, name: str) -> None:
        """Write the object registered as ``name`` now, and forget it."""
        number = self.idToObjectNumberAndVersion[name][0]
        offset = self.write_out(pdfdoc.PDFIndirectObject(name, self.idToObject[name]).format(self))
        if len(self.offsets) <= number:
            self.offsets.extend([0] * (number + 1 - len(self.offsets)))
        self.offsets[number] = offset
        # Keep the name and its number registered (later references need them) but drop
        # the object, and the number's way back to the name.
        self.idToObject[name] = None
        del self.numberToId[number]

    def begin(self) -> None:
        """Write the file's header and the document information."""
        self.started = True
        version = max(reuse.pdf_version(self), pdfdoc.PDF_VERSION_DEFAULT)
        reuse.set_pdf_version(self, version)
        self.write_out(pdfdoc.PDFFile(version).format(self))
        # The document information goes first, so that output.is_ours finds the
        # creator near the start of even a very large file.
        self.info.invariant = self.invariant
        self.emit(self.Reference(self.info).name)

    def addPage(self, page: Any) -> None:  # noqa: N802 - reportlab's name
        if not self.started:
            self.begin()
        before = self.objectcounter
        super().addPage(page)
        name = reuse.object_name(page)
        self.emit(name)
        # Formatting the page registered its content stream: write that too.
        for number in range(before + 1, self.objectcounter + 1):
            other = self.numberToId.get(number)  # None: written already (the page)
            if other is not None and isinstance(self.idToObject[other], pdfdoc.PDFStream):
                self.emit(other)
        self.Pages.pages[-1] = pdfdoc.PDFObjectReference(name)

    def format(self) -> bytes:
        """Write the remaining objects, the cross-reference table and the trailer."""
        if not self.started:
            self.begin()
        self.Reference(self.Catalog)
        self.Reference(self.info)
        counter = 0
        # Formatting an object may register new ones: walk the numbers until none is left.
        while counter < self.objectcounter:
            counter += 1
            if not self.written(counter):
                self.emit(self.numberToId[counter])
        # The cross-reference table, as reportlab writes it: 20 bytes an object.
        start = self.write_out(f"xref\n0 {counter + 1}\n0000000000 65535 f \n".encode())
        for first in range(1, counter + 1, XREF_LINES):
            numbers = range(first, min(first + XREF_LINES, counter + 1))
            self.write_out("".join(f"{self.offsets[n]:010d} 00000 n \n" for n in numbers).encode())
        trailer = pdfdoc.PDFTrailer(
            startxref=start,
            Size=counter + 1,
            Root=self.Reference(self.Catalog),
            Info=self.Reference(self.info),
            ID=self.ID(),
        )
        self.write_out(trailer.format(self))
        return b""  # everything is already in the file


__all__ = ["XREF_LINES", "StreamingDocument"]
