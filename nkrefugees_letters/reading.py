"""Reading: the one way a user's file is read, bounded by the bytes actually read.

The size a file system reports is no limit: ``/dev/zero``, a pipe or a file still being
written reports none, or a wrong one, and would be read until the memory runs out. A
named pipe (FIFO) that nobody writes to would make a plain ``open`` wait for ever. Here
the bytes are counted as they are read, and a pipe with no writer reads as empty.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

from .errors import DataError

__all__ = ["CHUNK", "FileTooLarge", "is_file", "read_bytes"]

CHUNK = 1 << 16


class FileTooLarge(DataError):  # noqa: N818 - reads as the message says
    """The file holds more bytes than its kind ever needs."""


def read_bytes(path: Path, limit: int) -> bytes:
    """The whole content of ``path``, at most ``limit`` bytes.

    Raises:
        DataError: naming ``path``, when it does not exist, cannot be read, or holds
            more than ``limit`` bytes (counted, not taken from the file system).
    """
    try:
        # O_NONBLOCK: opening a FIFO with no writer returns at once instead of waiting.
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    except FileNotFoundError:
        raise DataError("file not found", path=path, hint="check the path") from None
    except OSError as exc:
        raise DataError(f"cannot read file: {exc.strerror}", path=path) from None
    chunks: list[bytes] = []
    size = 0
    try:
        _blocking(fd)
        while size <= limit:
            chunk = os.read(fd, min(CHUNK, limit + 1 - size))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
    except BlockingIOError:
        pass  # still non-blocking, and the pipe's writer has not written: nothing to read
    except OSError as exc:
        raise DataError(f"cannot read file: {exc.strerror}", path=path) from None
    finally:
        os.close(fd)
    if size > limit:
        raise FileTooLarge(
            f"file is larger than {_megabytes(limit)}", path=path, hint="is this the right file?"
        )
    return b"".join(chunks)


def is_file(path: Path) -> bool:
    """True for a regular file; False, not an OSError, for a name too long or a path
    through a file (Path.is_file raises those)."""
    try:
        return path.is_file()
    except OSError:
        return False


def _blocking(fd: int) -> None:
    """Reads from ``fd`` wait for data again (a FIFO's writer may be slow to start)."""
    with contextlib.suppress(ImportError, OSError):
        import fcntl

        flags = fcntl.fcntl(fd, fcntl.F_GETFL)
        fcntl.fcntl(fd, fcntl.F_SETFL, flags & ~os.O_NONBLOCK)


def _megabytes(limit: int) -> str:
    return f"{limit / 1_000_000:g} MB" if limit >= 1_000_000 else f"{limit:,} bytes"
