"""Pictures: logos and signature images, read, checked and scaled once per process."""

from __future__ import annotations

import io
from functools import cache
from pathlib import Path

from reportlab.lib.utils import ImageReader
from reportlab.platypus import Flowable

from .. import images
from ..errors import LayoutError

MAX_IMAGE_SIDE = 2000
"""Longest side, in pixels, of an embedded image (40 mm of logo at 1,270 dpi). A larger
image is scaled down once per process: smaller PDFs, faster batches, same print."""


@cache
def load_image(path: Path) -> ImageReader:
    """Read and check an image once per process (batches reuse the decoded logo).

    The whole image is decoded here, so that a truncated or corrupt file fails with a
    clear message before the PDF is begun. An image larger than MAX_IMAGE_SIDE is scaled
    down (a JPEG is decoded at reduced size, which is quick even for a huge photo).

    Raises:
        LayoutError: the file is missing, not an image, or broken.
    """
    from PIL import UnidentifiedImageError  # reportlab's own dependency

    try:
        data = images.read(path)
        picture = images.open_image(data)
        width, height = picture.size
        if max(width, height) > MAX_IMAGE_SIDE:
            picture.draft(None, (MAX_IMAGE_SIDE, MAX_IMAGE_SIDE))
            picture.thumbnail((MAX_IMAGE_SIDE, MAX_IMAGE_SIDE))
        picture.load()
        if picture.format == "JPEG":
            if picture.size == (width, height):
                reader = ImageReader(io.BytesIO(data))  # embedded as it is, without re-encoding
            else:
                scaled = io.BytesIO()
                picture.save(scaled, format="JPEG", quality=92)
                reader = ImageReader(scaled)
        else:
            reader = ImageReader(picture)
        reader.getSize()
    except images.ImageProblem as problem:
        raise LayoutError(
            f"image {str(path)!r} cannot be used ({problem.reason})", hint=problem.hint
        ) from None
    except Exception as exc:  # PIL raises many kinds for a broken file
        if isinstance(exc, UnidentifiedImageError):
            reason = "not an image file"
        elif isinstance(exc, OSError):
            reason = exc.strerror or str(exc)
        else:
            reason = type(exc).__name__
        raise LayoutError(
            f"image {str(path)!r} cannot be read ({reason})",
            hint="use a PNG or JPEG file that opens in an image viewer",
        ) from None
    return reader


class Picture(Flowable):  # type: ignore[misc]
    """An already-decoded image scaled to fit; platypus' Image would re-read the file."""

    def __init__(self, reader: ImageReader, width: float, height: float) -> None:
        super().__init__()
        self.reader = reader
        self.drawWidth, self.drawHeight = width, height

    def wrap(self, _available_width: float, _available_height: float) -> tuple[float, float]:
        return self.drawWidth, self.drawHeight

    def draw(self) -> None:
        self.canv.drawImage(self.reader, 0, 0, self.drawWidth, self.drawHeight, mask="auto")


def fit_image(path: Path, max_width: float, max_height: float) -> Picture:
    """The image at ``path``, as large as fits ``max_width`` × ``max_height`` (points)."""
    reader = load_image(path)
    width, height = reader.getSize()
    scale = min(max_width / width, max_height / height)
    return Picture(reader, width * scale, height * scale)


__all__ = ["MAX_IMAGE_SIDE", "Picture", "fit_image", "load_image"]
