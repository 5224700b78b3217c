"""YAML cache: the strict parse of a file's YAML, kept so that a process need not import PyYAML.

A single letter reads one piece of YAML, its template's front matter, and importing
PyYAML to parse it costs about a tenth of that letter's start. The parse (every value a
:class:`yamlio.Text`, :class:`yamlio.Mapping` or :class:`yamlio.Sequence` that knows its
line) is stored as JSON in the user's cache folder (``$XDG_CACHE_HOME/nkletters``, else
``~/.cache/nkletters``), one file per source file, holding a digest of the text it came
from. Text that changed, a cache that is missing, damaged or from another version, or
text that does not parse all go to :func:`yamlio.load_text` (whose errors are what the
user sees); a folder that cannot be written costs only speed.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from typing import Any

from . import __version__, usercache, yamlio

__all__ = ["FORMAT", "load_text"]

FORMAT = 1
"""Changes whenever what a cache file holds does."""

_YAMLIO = Path(__file__).with_name("yamlio.py")
"""The parser: an edited one (a checkout, an upgrade) must not meet an old entry."""


def load_text(text: str, path: Path | str) -> Any:
    """:func:`yamlio.load_text` of ``text`` (read from ``path``), from the cache if it can.

    Raises DataError as :func:`yamlio.load_text` does.
    """
    where = _cache_file(path)
    key = _key(text)
    if where is not None and key:
        cached = _read(where, key)
        if cached is not None:
            return cached[0]
    value = yamlio.load_text(text, path)
    if where is not None and key:
        _write(where, key, value)
    return value


def _cache_file(path: Path | str) -> str | None:
    try:
        source = os.path.abspath(path)
    except (OSError, ValueError):
        return None
    return f"yaml-{usercache.digest(source)}.json"


def _key(text: str) -> str:
    try:
        parser = _YAMLIO.stat()
    except OSError:
        return ""  # no parser file to date the entry by (a zipped install): never cache
    digest = hashlib.sha256(text.encode("utf-8", "surrogatepass"))
    digest.update(f"|{FORMAT}|{__version__}|{parser.st_size}|{parser.st_mtime_ns}".encode())
    return digest.hexdigest()


def _read(where: str, key: str) -> tuple[Any] | None:
    """The cached value, in a tuple (it may be None); None when there is none to use."""
    data = usercache.read_bytes(where)
    if data is None:
        return None
    try:
        entry = json.loads(data)
        if entry["key"] != key:
            return None
        return (_from_json(entry["value"]),)
    except (ValueError, TypeError, KeyError, IndexError, AttributeError):
        return None  # missing, damaged or from another version: parse the text


def _write(where: str, key: str, value: Any) -> None:
    try:
        data = json.dumps({"key": key, "value": _to_json(value)}, ensure_ascii=False)
    except TypeError:  # a value the strict loader does not make: leave it uncached
        return
    usercache.write_bytes(where, data.encode("utf-8"))


def _to_json(value: Any) -> Any:
    if isinstance(value, yamlio.Text):
        return ["t", str(value), value.line]
    if isinstance(value, yamlio.Mapping):
        items = [[key, value.key_lines[key], _to_json(item)] for key, item in value.items()]
        return ["m", value.line, items]
    if isinstance(value, yamlio.Sequence):
        return ["s", value.line, [_to_json(item) for item in value]]
    if value is None:  # an empty document
        return ["n"]
    raise TypeError(f"not a value of the strict loader: {type(value).__name__}")


def _from_json(data: list[Any]) -> Any:
    kind = data[0]
    if kind == "t":
        text = yamlio.Text(data[1])
        text.line = _number(data[2])
        return text
    if kind == "m":
        mapping = yamlio.Mapping()
        mapping.line = _number(data[1])
        mapping.key_lines = {}
        for key, line, item in data[2]:
            mapping.key_lines[str(key)] = _number(line)
            mapping[str(key)] = _from_json(item)
        return mapping
    if kind == "s":
        sequence = yamlio.Sequence(_from_json(item) for item in data[2])
        sequence.line = _number(data[1])
        return sequence
    if kind == "n":
        return None
    raise ValueError(f"unknown kind of cached YAML value {kind!r}")


def _number(value: Any) -> int:
    if type(value) is not int:
        raise TypeError("a line number that is not a whole number")
    return value
