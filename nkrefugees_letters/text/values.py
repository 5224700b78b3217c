"""Values: what a template sees — plain values and read-only records, printable only as text.

A template is never given a Python object: records (a mission, a profile, a signer)
become read-only views of their public fields, paths are left out, and any text, list
or number it builds is held to what a letter could need (MAX_TEXT, MAX_NUMBER_BITS).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import fields, is_dataclass
from datetime import date
from functools import cache
from pathlib import PurePath
from typing import Any

import jinja2
from jinja2.exceptions import SecurityError

__all__ = [
    "MAX_NUMBER_BITS",
    "MAX_TEXT",
    "Record",
    "as_text",
    "check_size",
    "public_names",
    "template_values",
]

MAX_TEXT = 100_000
"""The longest text or list a template may build (with ``*``, ``+``, ``~``, ``join``,
``replace``…) and the longest text it may print: far beyond any letter, far below what
would exhaust the memory."""
MAX_NUMBER_BITS = 10_000
"""The largest number a template may compute, in bits (about 3,000 digits)."""
_HIDDEN_FIELDS = frozenset({"origin", "path"})
"""Fields a template never sees: where a record was read from, on the user's disk."""


def check_size(value: Any, operator: str) -> Any:
    """``value``, unless it is a text, list or number too large for a letter.

    Raises:
        SecurityError: naming ``operator``, the operation that built ``value``.
    """
    if isinstance(value, str | list | tuple) and len(value) > MAX_TEXT:
        raise SecurityError(f"{operator!r} would make a length of {len(value)}")
    if isinstance(value, int) and value.bit_length() > MAX_NUMBER_BITS:
        raise SecurityError(f"{operator!r} would make a number too large for a letter")
    return value


def as_text(value: Any) -> str:
    """A value as the text a letter prints; anything that is not a value is refused,
    so that no Python object (and no path on the user's disk) ends up in a letter.

    Raises:
        SecurityError: for a record, a list or any other object, saying what to print.
    """
    if isinstance(value, str):
        return value
    if isinstance(value, bool | int | float | date | jinja2.Undefined):
        return str(value)
    if isinstance(value, Record):
        names = value._names()
        example = "name" if "name" in names else names[0]
        raise SecurityError(
            f"{value._kind} is a record of fields, not a text: print one of them, "
            f"e.g. {{{{ {value._kind}.{example} }}}}"
        )
    if isinstance(value, list | tuple):
        raise SecurityError("a list is not a text: print its items with |join(', ')")
    raise SecurityError(f"a {type(value).__name__} is not a text a letter can print")


class Record:
    """A read-only view of a record (a mission, an organisation, a signatory) for
    templates: its public fields and properties as values, nothing else of the object."""

    __slots__ = ("_kind", "_values")
    _kind: str
    _values: dict[str, Any]

    def __init__(self, kind: str, values: dict[str, Any]) -> None:
        object.__setattr__(self, "_kind", kind)
        object.__setattr__(self, "_values", values)

    def __getattr__(self, name: str) -> Any:
        try:
            return self._values[name]
        except KeyError:
            raise AttributeError(name) from None

    def __getitem__(self, name: str) -> Any:
        return self._values[name]

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError(name)

    def __str__(self) -> str:
        return as_text(self)

    def __repr__(self) -> str:
        return f"<{self._kind}>"

    def _names(self) -> list[str]:
        return list(self._values)


@cache
def _record_class(name: str) -> type[Record]:
    # Named after the record's own class, so that messages say 'Mission' object.
    return type(name, (Record,), {"__slots__": ()})


def public_names(owner: Any) -> list[str]:
    if isinstance(owner, Record):
        return owner._names()
    # A file's place on disk (a logo, a signature image) is no text for a letter.
    names = (
        [f.name for f in fields(owner) if "Path" not in str(f.type)] if is_dataclass(owner) else []
    )
    names += [
        n for n, v in vars(type(owner)).items() if isinstance(v, property) and not n.startswith("_")
    ]
    return [n for n in names if n not in _HIDDEN_FIELDS]


_PLAIN = (str, bool, int, float, date, jinja2.Undefined, type(None))


def template_values(value: Any) -> Any:
    """``value`` as templates see it: records as :class:`Record`, lists as tuples, and
    paths left out (a template never prints where a file is)."""
    if isinstance(value, _PLAIN):
        return value
    if is_dataclass(value) and not isinstance(value, type):
        return _record(value)
    if isinstance(value, list | tuple):
        return tuple(template_values(item) for item in value)
    if isinstance(value, Mapping):
        return {str(key): template_values(item) for key, item in value.items()}
    if isinstance(value, PurePath):
        return None
    raise TypeError(f"a template cannot be given a {type(value).__name__}")  # a bug


_RECORDS: dict[int, tuple[Any, Record]] = {}
"""Each record's view by the record's identity (a batch renders the same mission and
profile often); the record is kept with it, so that its id cannot be reused."""


def _record(value: Any) -> Record:
    known = _RECORDS.get(id(value))
    if known is not None and known[0] is value:
        return known[1]
    if len(_RECORDS) > 4096:
        _RECORDS.clear()
    record = _make_record(value)
    _RECORDS[id(value)] = (value, record)
    return record


def _make_record(value: Any) -> Record:
    values = {name: template_values(getattr(value, name)) for name in public_names(value)}
    return _record_class(type(value).__name__)(type(value).__name__.lower(), values)
