"""Output: file names and atomic writes, so that no user file is lost or half-written."""

from __future__ import annotations

import contextlib
import os
import re
import tempfile
import unicodedata
from pathlib import Path

from .errors import OutputError

OUR_MARK = b"/Creator (nkletters"
"""Every PDF we write says so in its metadata; only such files are overwritten freely."""


def safe_name(text: str, limit: int = 60) -> str:
    """A file-system-safe slug: ASCII letters, digits and hyphens, never empty.

    Names in other scripts are transliterated (张伟 → ``zhang-wei``, 김지혜 → ``gimjihye``)
    so that each signer's file can be found by name.
    """
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    if not text.isascii():
        from unidecode import unidecode  # only for names outside ASCII

        ascii_text = unidecode(unicodedata.normalize("NFC", text))
    slug = re.sub(r"[^A-Za-z0-9]+", "-", ascii_text).strip("-").lower()[:limit].strip("-")
    return slug or "x"


def ensure_dir(path: Path) -> Path:
    """Create the output folder (and parents); a clear error when that is impossible."""
    if path.exists() and not path.is_dir():
        raise OutputError(
            f"{str(path)!r} is a file, not a folder", hint="choose another folder with --out"
        )
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(
            f"cannot create output folder {str(path)!r}: {exc.strerror}",
            hint="choose another folder with --out",
        ) from None
    if not path.is_dir():
        raise OutputError(f"{str(path)!r} is not a folder", hint="choose another folder with --out")
    return path


def is_ours(path: Path) -> bool:
    """True when ``path`` is a file nkletters wrote earlier (its PDF metadata says so)."""
    try:
        with path.open("rb") as handle:
            head = handle.read(1 << 20)
    except OSError:
        return False
    return OUR_MARK in head or (path.suffix in (".csv", ".json") and b"mission_id" in head[:4096])


def write_atomic(
    path: Path, data: bytes, *, force: bool = False, scratch: Path | None = None
) -> Path:
    """Write ``data`` to ``path`` through a temporary file and a rename.

    Readers see the old file or the whole new one, never part of it; an interrupted
    write leaves no partial file. A file we did not write is only replaced with ``force``.
    The temporary file goes in ``scratch`` when given (a folder on the same file system),
    else beside ``path``.
    """
    if path.exists() and not force and not is_ours(path):
        raise OutputError(
            f"{str(path)!r} exists and was not written by nkletters",
            hint="move it away, choose another --out folder, or pass --force",
        )
    ensure_dir(path.parent)
    try:
        fd, temp = tempfile.mkstemp(
            prefix=f".{path.name}.", suffix=".part", dir=scratch or path.parent
        )
    except OSError as exc:
        raise OutputError(
            f"cannot write in {str(path.parent)!r}: {exc.strerror}",
            hint="check the folder's permissions or choose another --out",
        ) from None
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.chmod(temp, 0o644)
        os.replace(temp, path)
    except BaseException as exc:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        if isinstance(exc, OSError):
            raise OutputError(
                f"cannot write {str(path)!r}: {exc.strerror}",
                hint="check free space and permissions",
            ) from None
        raise
    return path
