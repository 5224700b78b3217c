"""Output: file names and atomic writes, so that no user file is lost or half-written."""

from __future__ import annotations

import contextlib
import io
import os
import re
import tempfile
import unicodedata
from pathlib import Path
from typing import Any, BinaryIO, TextIO, cast

from .errors import OutputError

CREATOR = "nkletters"
"""The creator every PDF we write names in its metadata (the PDF modules pass it on)."""

OUR_MARK = f"/Creator ({CREATOR}".encode()
"""How a PDF says we wrote it; only such files are overwritten freely."""

TABLE_MARK = "mission_id"
"""The first column of every table we write (delivery.csv and .json name it first)."""


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
    try:
        if path.exists() and not path.is_dir():
            raise OutputError(
                f"{str(path)!r} is a file, not a folder", hint="choose another folder with --out"
            )
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
    table = path.suffix in (".csv", ".json") and TABLE_MARK.encode() in head[:4096]
    return OUR_MARK in head or table


def write_atomic(
    path: Path, data: bytes, *, force: bool = False, scratch: Path | None = None
) -> Path:
    """Write ``data`` to ``path`` through a temporary file and a rename.

    Readers see the old file or the whole new one, never part of it; an interrupted
    write leaves no partial file. A file we did not write is only replaced with ``force``.
    The temporary file goes in ``scratch`` when given (a folder on the same file system),
    else beside ``path``.
    """
    file = AtomicFile(path, force=force, scratch=scratch)
    try:
        file.binary.write(data)
    except BaseException:
        file.discard()
        raise
    return file.commit()


_UNFINISHED: set[Path] = set()
"""This process's temporary files not yet renamed or removed (see discard_unfinished)."""


class AtomicFile:
    """A file written under a temporary name and renamed to ``path`` when complete.

    Every problem of the file system (a read-only folder, a full disk, a name too long)
    is an :class:`OutputError` naming the file, and leaves no temporary file behind.
    """

    def __init__(
        self, path: Path, *, force: bool = False, scratch: Path | None = None, text: bool = False
    ) -> None:
        self.path = path
        try:
            exists = path.exists()
        except OSError as exc:  # a name too long, a folder that cannot be searched
            raise OutputError(
                f"cannot write {str(path)!r}: {exc.strerror}", hint="choose another --out"
            ) from None
        if exists and not force and not is_ours(path):
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
        self.temp = Path(temp)
        _UNFINISHED.add(self.temp)
        try:
            guarded = _Guarded(os.fdopen(fd, "wb"), path)
        except BaseException:
            os.close(fd)
            self._remove()
            raise
        self.binary = cast(BinaryIO, guarded)
        self.text: TextIO | None = (
            io.TextIOWrapper(io.BufferedWriter(guarded), encoding="utf-8", newline="")
            if text
            else None
        )

    def commit(self) -> Path:
        """Close the file and rename it to its place; return that path."""
        try:
            (self.text or self.binary).close()
            os.chmod(self.temp, 0o644)
            os.replace(self.temp, self.path)
        except BaseException as exc:
            self.discard()
            if isinstance(exc, OSError):
                raise _write_error(self.path, exc) from None
            raise
        _UNFINISHED.discard(self.temp)
        return self.path

    def discard(self) -> None:
        """Close and remove the temporary file; ``path`` stays as it was."""
        with contextlib.suppress(OSError, OutputError):
            (self.text or self.binary).close()
        self._remove()

    def _remove(self) -> None:
        with contextlib.suppress(OSError):
            os.unlink(self.temp)
        _UNFINISHED.discard(self.temp)


class _Guarded(io.RawIOBase):
    """A file whose write errors (a full disk) are OutputErrors naming the file."""

    def __init__(self, file: BinaryIO, path: Path) -> None:
        super().__init__()
        self._file = file
        self._path = path

    def writable(self) -> bool:
        return True

    def write(self, data: Any) -> int:
        try:
            self._file.write(data)
        except OSError as exc:
            raise _write_error(self._path, exc) from None
        return len(data)

    def tell(self) -> int:
        return self._file.tell()

    def flush(self) -> None:
        try:
            self._file.flush()
        except ValueError:
            pass  # already closed
        except OSError as exc:
            raise _write_error(self._path, exc) from None

    def close(self) -> None:
        if self.closed:
            return
        try:
            super().close()  # flushes
        finally:
            try:
                self._file.close()
            except OSError as exc:
                raise _write_error(self._path, exc) from None


def _write_error(path: Path, exc: OSError) -> OutputError:
    return OutputError(
        f"cannot write {str(path)!r}: {exc.strerror or exc}",
        hint="check free space and permissions",
    )


def discard_unfinished() -> None:
    """Remove the temporary files this process began and did not finish (an interrupted
    run); never another process's."""
    for temp in list(_UNFINISHED):
        with contextlib.suppress(OSError):
            os.unlink(temp)
        _UNFINISHED.discard(temp)
