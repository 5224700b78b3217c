"""Font cache: what reportlab reads from a TrueType file, kept for the next process.

reportlab parses a font's tables in pure Python whenever a TTFont is made: about 10 ms
a face, some 40 ms of a one-letter process. What the parse yields is plain numbers,
lists and dicts, so it is stored with :mod:`marshal` (which, unlike pickle, runs no code
when it loads) in the user's cache folder (``$XDG_CACHE_HOME/nkletters``, else
``~/.cache/nkletters``), one file per font file. The file's name holds a digest of the
font's path, size and modification time and of the versions of reportlab, Python and
this format, so a changed font or an upgrade never meets an old entry.

A cache that is missing, stale, unreadable or corrupt means the font is parsed as
before; one that cannot be written (a read-only home) costs only speed. Either way the
font, and so the PDF, is the same: the cache holds exactly the face's attributes.

This is the one module that builds reportlab font objects from their parts (the
attributes of ``TTFontFace`` and ``TTFont.__init__``, private to reportlab; read for
reportlab 4 and 5, and checked by the tests against a parsed font).
"""

from __future__ import annotations

import contextlib
import hashlib
import marshal
import os
import sys
import tempfile
import weakref
import zlib
from fnmatch import fnmatch
from pathlib import Path
from typing import Any

import reportlab
from reportlab import rl_config
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTEncoding, TTFNameBytes, TTFont, TTFontFace, TTFontParser

__all__ = ["FORMAT", "CachedTTFont", "cache_path"]

FORMAT = 1
"""Changes whenever what a cache file holds does."""

_MAGIC = b"nkletters-font\n"
_SUPPORTED = reportlab.Version.split(".")[0] in ("4", "5")
"""The reportlab versions whose TTFont this module was written against; others parse."""

_NOT_STORED = frozenset({"_ttf_data", "_pdfScale", "filename"})
"""Face attributes the cache does not hold: the file's bytes and name (read again, as
subsetting needs them), and the scaling function (rebuilt from unitsPerEm)."""


class CachedTTFont(TTFont):  # type: ignore[misc]
    """A ``TTFont`` whose face comes from the cache when it can, parsed otherwise."""

    face: TTFontFace

    def __init__(self, name: str, filename: str) -> None:
        face = _cached_face(filename) if _SUPPORTED else None
        if face is None:
            super().__init__(name, filename)
            if _SUPPORTED:
                _store(filename, self.face)
            return
        # What TTFont.__init__ sets besides the face (reportlab 4.0 to 5.x).
        self.fontName = name
        self.face = face
        self.encoding = TTEncoding()
        self.state: weakref.WeakKeyDictionary[Any, Any] = weakref.WeakKeyDictionary()
        self._asciiReadable = rl_config.ttfAsciiReadable
        self.shapable = not any(fnmatch(name, glob) for glob in rl_config.unShapedFontGlob)


def cache_path(filename: str) -> Path | None:
    """Where the parse of the font file ``filename`` is (or would be) cached; None when
    the file cannot be read."""
    try:
        found = os.stat(filename)
    except OSError:
        return None
    key = "|".join(
        (
            os.path.abspath(filename),
            str(found.st_size),
            str(found.st_mtime_ns),
            reportlab.Version,
            sys.version.split()[0],
            str(marshal.version),
            str(FORMAT),
        )
    )
    digest = hashlib.sha256(key.encode()).hexdigest()[:16]
    return _cache_dir() / f"font-{Path(filename).stem}-{digest}.marshal"


def _cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "nkletters"


def _cached_face(filename: str) -> TTFontFace | None:
    path = cache_path(filename)
    if path is None:
        return None
    try:
        data = path.read_bytes()
    except OSError:
        return None
    try:
        return _face(filename, _decode(data))
    except Exception:  # any fault in a cache file means: parse the font
        return None


def _decode(data: bytes) -> dict[str, Any]:
    """The face's attributes from a cache file; ValueError when it is not a whole one."""
    header = len(_MAGIC) + 4
    if not data.startswith(_MAGIC) or len(data) < header:
        raise ValueError("not a font cache file")
    payload = data[header:]
    if zlib.crc32(payload) != int.from_bytes(data[len(_MAGIC) : header], "big"):
        raise ValueError("font cache file damaged")
    # marshal, unlike pickle, calls nothing while loading; what it returns is only read.
    attributes, names = marshal.loads(payload)  # noqa: S302
    if not isinstance(attributes, dict) or not isinstance(names, dict):
        raise ValueError("not a font cache file")
    for key, (raw, text) in names.items():
        attributes[key] = _name(raw, text)
    return attributes


def _face(filename: str, attributes: dict[str, Any]) -> TTFontFace:
    """The face as ``TTFontFace(filename)`` would parse it, from its cached attributes."""
    face = TTFontFace.__new__(TTFontFace)
    pdfmetrics.TypeFace.__init__(face, None)
    # Reads the file (subsetting copies its tables) and its table directory: well under
    # a millisecond; the tables' contents are what the cache saves parsing.
    TTFontParser.__init__(face, filename)
    face.__dict__.update(attributes)
    units = face.unitsPerEm
    if not isinstance(units, int) or units <= 0:
        raise ValueError("font cache file damaged")
    # The same function extractInfo makes, so widths come out as the same numbers.
    factor = 1000 / units
    face._pdfScale = (lambda x: x) if units == 1000 else (lambda x: x * factor)
    return face


def _name(raw: bytes, text: str) -> TTFNameBytes:
    """A font name as reportlab holds it: UTF-8 bytes that also carry their text."""
    name = TTFNameBytes(raw)
    name.ustr = text
    return name


def _encode(face: TTFontFace) -> bytes:
    attributes = {}
    names = {}
    for key, value in face.__dict__.items():
        if key in _NOT_STORED:
            continue
        if isinstance(value, TTFNameBytes):
            names[key] = (bytes(value), value.ustr)
        else:
            attributes[key] = value
    payload = marshal.dumps((attributes, names))
    return _MAGIC + zlib.crc32(payload).to_bytes(4, "big") + payload


def _store(filename: str, face: TTFontFace) -> None:
    """Write the parse of ``filename`` to the cache, atomically; silently not at all
    when the folder cannot be written or the face holds what marshal cannot keep."""
    path = cache_path(filename)
    if path is None:
        return
    try:
        data = _encode(face)
    except ValueError:  # an attribute marshal cannot write: a reportlab we do not know
        return
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
        try:
            with os.fdopen(handle, "wb") as out:
                out.write(data)
            os.chmod(name, 0o644)  # mkstemp's file is the user's alone; a cache need not be
            os.replace(name, path)
        finally:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(name)
    except OSError:
        return  # a read-only or full cache folder only costs speed
    _remove_others(path)


def _remove_others(path: Path) -> None:
    """Remove this font's entries for other versions of it, or of reportlab or Python."""
    prefix = path.name.rsplit("-", 1)[0] + "-"
    for other in path.parent.glob(prefix + "*.marshal"):
        if other != path and len(other.name) == len(path.name):
            with contextlib.suppress(OSError):
                other.unlink()
