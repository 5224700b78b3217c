"""User cache: the one folder where nkletters keeps what it worked out, read and written safely.

What a process derives from files that rarely change is kept in
``$XDG_CACHE_HOME/nkletters`` (else ``~/.cache/nkletters``) for the next process to use:
the validated directory, the place index, parsed fonts, template front matter, the
templates' compiled code and Babel's answers. Each is named after a digest of everything
it depends on, so a new version of any of those files gets a new entry; the largest
(the place index, parsed fonts) remove their older versions' entries when they write one
(:func:`remove_superseded`). A cache only ever costs or saves time: a missing or damaged
entry is worked out again, and a folder that cannot be written is left alone without a
word.
"""

from __future__ import annotations

import contextlib
import gc
import hashlib
import marshal
import os
import re
import tempfile
from pathlib import Path
from typing import Any

__all__ = [
    "MAX_ENTRY_BYTES",
    "digest",
    "folder",
    "read_bytes",
    "read_marshal",
    "remove_superseded",
    "write_bytes",
    "write_marshal",
]

MAX_ENTRY_BYTES = 64_000_000
"""An entry larger than this is not ours (the largest, a CJK font's parse, is ~2 MB)."""


def folder() -> Path:
    """The cache folder (it may not exist yet)."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "nkletters"


def digest(*parts: object) -> str:
    """A short name for everything an entry depends on (16 hex digits)."""
    text = "|".join(str(part) for part in parts)
    return hashlib.sha256(text.encode("utf-8", "replace")).hexdigest()[:16]


def read_bytes(name: str) -> bytes | None:
    """The entry ``name`` (a path under the folder), or None when there is none to read."""
    try:
        with (folder() / name).open("rb") as handle:
            # Asked for more bytes than the file holds, Python makes room for all of
            # them first (64 MB); the file's own size is enough.
            size = os.fstat(handle.fileno()).st_size
            if size > MAX_ENTRY_BYTES:
                return None
            data = handle.read(size + 1)
    except (OSError, RuntimeError):  # RuntimeError: no home folder to find
        return None
    # Entries are renamed into place whole; one that grew while it was read is not one.
    return data if len(data) <= size else None


def write_bytes(name: str, data: bytes) -> bool:
    """Keep ``data`` as the entry ``name``, whole or not at all; False when it cannot be.

    Written to a temporary file beside it and renamed, so that a reader (another process
    writing a letter at the same moment) sees the old entry or the new one, never part.
    """
    try:
        target = folder() / name
        target.parent.mkdir(parents=True, exist_ok=True)
        handle, temp = tempfile.mkstemp(
            prefix=f".{target.name}.", suffix=".part", dir=target.parent
        )
    except (OSError, RuntimeError):
        return False  # a read-only or missing home: only speed is lost
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        os.chmod(temp, 0o644)  # mkstemp's file is the user's alone; a cache need not be
        os.replace(temp, target)
    except OSError:
        return False  # a full disk: the same
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temp)
    return True


def read_marshal(name: str) -> object | None:
    """The value kept by :func:`write_marshal` as ``name``, or None when there is none
    or it is damaged. The caller checks that it is the kind of value it kept.

    The folder is the user's own and only nkletters writes it: its entries are trusted
    as Python trusts its own ``.pyc`` files in ``__pycache__`` (marshal too, and several
    times faster to read than JSON).
    """
    data = read_bytes(name)
    if data is None:
        return None
    # Tens of thousands of new objects, none of them garbage (a parsed font, the
    # directory): the collector would walk them again and again as they arrive.
    collecting = gc.isenabled()
    gc.disable()
    try:
        value: object = marshal.loads(data)  # noqa: S302
        return value
    except (EOFError, ValueError, TypeError):
        return None
    finally:
        if collecting:
            gc.enable()


def write_marshal(name: str, value: Any) -> bool:
    """Keep ``value`` (plain data, or compiled code) as the entry ``name``, as
    :func:`write_bytes` does; False when it cannot be kept (a value marshal refuses)."""
    try:
        data = marshal.dumps(value)
    except ValueError:
        return False
    return write_bytes(name, data)


def remove_superseded(where: str, superseded: re.Pattern[str], keep: set[str]) -> None:
    """Remove the entries in the folder ``where`` (under the cache folder) whose names
    match ``superseded``, other than ``keep``: what an older version of a file (a font
    reinstalled, upgraded) left, which nothing will read again. Each install would
    otherwise add its own copy, megabytes each. One that cannot be removed (open
    elsewhere, on Windows) goes next time.
    """
    try:
        names = os.listdir(folder() / where)
    except (OSError, RuntimeError):
        return
    for name in names:
        if name not in keep and superseded.fullmatch(name):
            with contextlib.suppress(OSError):
                os.unlink(folder() / where / name)
