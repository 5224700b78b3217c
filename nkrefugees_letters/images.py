"""Images: the one place that opens a logo or signature with Pillow, bounded and quiet.

Pillow decodes lazily and guards against decompression bombs only beyond 89 megapixels,
printing a ``DecompressionBombWarning`` to stderr first. A letterhead logo or a scanned
signature needs a few megapixels: we read at most MAX_IMAGE_BYTES, refuse more than
MAX_PIXELS ourselves with one clear line, and let no Pillow warning reach the user.
"""

from __future__ import annotations

import io
import warnings
from pathlib import Path
from typing import TYPE_CHECKING

from . import reading
from .errors import DataError

if TYPE_CHECKING:
    from PIL.Image import Image

__all__ = ["MAX_IMAGE_BYTES", "MAX_PIXELS", "ImageProblem", "TooLarge", "open_image", "read"]

MAX_IMAGE_BYTES = 20_000_000
"""A logo or signature file larger than this is not one (a print-quality logo: < 2 MB)."""
MAX_PIXELS = 50_000_000
"""50 megapixels: a logo needs a few (the layout scales to 2000 pixels a side), but a
48-megapixel phone photo of a signature is still taken and scaled down. More is not a
logo, and would cost hundreds of MB to decode."""


class ImageProblem(Exception):  # noqa: N818 - a reason, turned into the caller's error
    """Why an image cannot be used, in words for the user, with how to fix it."""

    def __init__(self, reason: str, hint: str) -> None:
        super().__init__(reason)
        self.reason = reason
        self.hint = hint


class TooLarge(ImageProblem):
    """The image has more pixels, or its file more bytes, than a logo ever needs."""


def read(path: Path) -> bytes:
    """The image file's bytes, at most MAX_IMAGE_BYTES.

    Raises:
        ImageProblem: the file cannot be read, or is too large.
    """
    try:
        return reading.read_bytes(path, MAX_IMAGE_BYTES)
    except reading.FileTooLarge as exc:
        raise TooLarge(exc.message, "a logo or signature needs 2 MB at most") from None
    except DataError as exc:
        raise ImageProblem(exc.message, exc.hint or "check the file") from None


def open_image(data: bytes) -> Image:
    """Pillow's image for ``data`` (not yet decoded), once its size is known to be sane.

    Raises:
        ImageProblem: not an image Pillow knows, or more than MAX_PIXELS.
    """
    from PIL import Image as PILImage  # reportlab's own dependency, needed only for images
    from PIL import UnidentifiedImageError

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PILImage.DecompressionBombWarning)
        try:
            picture = PILImage.open(io.BytesIO(data))
        except PILImage.DecompressionBombError:
            raise _too_many_pixels() from None
        except UnidentifiedImageError:
            raise ImageProblem(
                "not an image file", "use a PNG or JPEG file that opens in an image viewer"
            ) from None
    width, height = picture.size
    if width * height > MAX_PIXELS:
        raise _too_many_pixels(width, height)
    return picture


def _too_many_pixels(width: int = 0, height: int = 0) -> TooLarge:
    size = f"{width} × {height} pixels, " if width else ""
    return TooLarge(
        f"{size}more than {MAX_PIXELS // 1_000_000} megapixels",
        "scale it down: a logo or signature needs 2000 pixels a side at most",
    )
