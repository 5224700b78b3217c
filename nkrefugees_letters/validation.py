"""Validation: typed field access to loaded YAML, raising the first problem or collecting all.

Every error names the file, the line and the field's dotted path, e.g.
``profile.yaml:7: organisation.email: expected text, got a list``. Loaders validate with
:class:`Fields`; within :func:`collecting` the problems of optional fields are recorded
instead of raised, so that one pass of the loader's own code finds every problem
(``nkletters check``).
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterable, Iterator
from contextvars import ContextVar
from datetime import date
from pathlib import Path
from typing import Any

from .errors import DataError
from .yamlio import Mapping, Sequence, line_of

__all__ = ["Fields", "closest", "collecting", "report"]

_PROBLEMS: ContextVar[list[DataError] | None] = ContextVar("nkletters_problems", default=None)


@contextlib.contextmanager
def collecting() -> Iterator[list[DataError]]:
    """Within this block, :class:`Fields` records the problems of optional fields (and
    unknown keys) in the yielded list and goes on with the field's default instead of
    raising the first: one pass then finds every problem (``nkletters check``).

    A missing required field or a section of the wrong shape still raises: what comes
    after cannot be checked without it.
    """
    problems: list[DataError] = []
    token = _PROBLEMS.set(problems)
    try:
        yield problems
    finally:
        _PROBLEMS.reset(token)


def report(error: DataError) -> None:
    """Raise ``error`` — or, inside :func:`collecting`, record it and return."""
    problems = _PROBLEMS.get()
    if problems is None:
        raise error
    problems.append(error)


def closest(word: str, choices: Iterable[str]) -> str | None:
    """The choice most like ``word``, if any is close enough to suggest."""
    import difflib  # only when something is misspelt

    matches = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return matches[0] if matches else None


_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


class Fields:
    """Typed, located access to one YAML mapping, for validating it field by field.

    Every error names the file, the line and the field's dotted path, e.g.
    ``profile.yaml:7: organisation.email: expected text, got a list``.
    """

    def __init__(self, value: Any, path: Path, where: str, allowed: Iterable[str]) -> None:
        self.path = path
        self.where = where
        if not isinstance(value, Mapping):
            raise self.error(
                f"expected a mapping of fields ({', '.join(allowed)})",
                line_of(value),
            )
        self.data = value
        allowed = tuple(allowed)
        for key in value:
            if key not in allowed:
                suggestion = closest(key, allowed)
                hint = (
                    f"did you mean {suggestion!r}?"
                    if suggestion
                    else ("valid fields: " + ", ".join(allowed))
                )
                report(
                    DataError(
                        f"{self._name(key)}: unknown field",
                        path=path,
                        line=value.key_lines[key],
                        hint=hint,
                    )
                )

    def _name(self, key: str) -> str:
        return f"{self.where}.{key}" if self.where else key

    def qualified(self, key: str) -> str:
        """The dotted path of ``key`` in the file (``missions[3].superseded``), for messages
        and for the Fields of a nested value."""
        return self._name(key)

    def error(self, message: str, line: int | None, hint: str = "") -> DataError:
        """A DataError at ``line`` of this file, prefixed with this mapping's path."""
        prefix = f"{self.where}: " if self.where else ""
        return DataError(prefix + message, path=self.path, line=line, hint=hint)

    def line(self, key: str) -> int:
        """The line of ``key``, or of the mapping itself when the key is absent."""
        return self.data.key_lines.get(key, self.data.line)

    def has(self, key: str) -> bool:
        """True when the key is present with a non-empty value."""
        value = self.data.get(key)
        return value is not None and value != ""

    def text(self, key: str, *, required: bool = False, default: str = "") -> str:
        """A single-line text field, stripped; empty string when absent and optional."""
        value = self.data.get(key)
        if value is None or (isinstance(value, str) and not value.strip()):
            if required:
                raise DataError(
                    f"{self._name(key)}: required field is missing",
                    path=self.path,
                    line=self.line(key),
                    hint=f"add '{key}: …'",
                )
            return default
        if not isinstance(value, str):
            error = DataError(
                f"{self._name(key)}: expected text, got {_kind(value)}",
                path=self.path,
                line=line_of(value, self.line(key)),
                hint=f"write '{key}: some text'",
            )
            if required:
                raise error
            report(error)
            return default
        return " ".join(value.split())

    def choice(self, key: str, options: tuple[str, ...], *, default: str = "") -> str:
        """A text field that must be one of ``options``."""
        value = self.text(key, required=not default, default=default).lower()
        if value not in options:
            suggestion = closest(value, options)
            error = DataError(
                f"{self._name(key)}: expected one of {', '.join(options)}, got {value!r}",
                path=self.path,
                line=self.line(key),
                hint=f"did you mean {suggestion!r}?" if suggestion else "",
            )
            if not default:
                raise error
            report(error)
            return default
        return value

    def date(self, key: str, *, required: bool = False) -> date | None:
        """A YYYY-MM-DD date field."""
        value = self.text(key, required=required)
        if not value:
            return None
        if _DATE.match(value):
            try:
                return date.fromisoformat(value)
            except ValueError:
                pass
        error = DataError(
            f"{self._name(key)}: expected a date as YYYY-MM-DD, got {value!r}",
            path=self.path,
            line=self.line(key),
            hint="e.g. 2026-09-24",
        )
        if required:
            raise error
        report(error)
        return None

    def partial_date(self, key: str) -> str:
        """A date that may be known only to the month or year: YYYY-MM-DD, YYYY-MM or YYYY."""
        value = self.text(key)
        if not value:
            return ""
        padded = value + "-01-01"[len(value) - 4 :] if len(value) in (4, 7) else value
        if re.fullmatch(r"\d{4}(-\d{2}){0,2}", value):
            try:
                date.fromisoformat(padded)
                return value
            except ValueError:
                pass
        report(
            DataError(
                f"{self._name(key)}: expected a date as YYYY-MM-DD (or YYYY-MM, YYYY), "
                f"got {value!r}",
                path=self.path,
                line=self.line(key),
            )
        )
        return ""

    def number(self, key: str, low: float, high: float) -> float | None:
        """An optional decimal number within [low, high]."""
        value = self.text(key)
        if not value:
            return None
        try:
            number = float(value)
        except ValueError:
            number = float("nan")
        if not low <= number <= high:
            report(
                DataError(
                    f"{self._name(key)}: expected a number from {low:g} to {high:g}, got {value!r}",
                    path=self.path,
                    line=self.line(key),
                )
            )
            return None
        return number

    def boolean(self, key: str, *, default: bool) -> bool:
        """A yes/no field (true/false, yes/no)."""
        value = self.text(key).lower()
        if not value:
            return default
        if value in ("true", "yes", "on"):
            return True
        if value in ("false", "no", "off"):
            return False
        report(
            DataError(
                f"{self._name(key)}: expected true or false, got {value!r}",
                path=self.path,
                line=self.line(key),
            )
        )
        return default

    def text_list(self, key: str, *, required: bool = False) -> tuple[str, ...]:
        """A list of single-line texts; a lone text is taken as a one-item list."""
        value = self.data.get(key)
        if value is None or value == "":
            if required:
                raise DataError(
                    f"{self._name(key)}: required field is missing",
                    path=self.path,
                    line=self.line(key),
                    hint=f"add '{key}: [\"…\"]'",
                )
            return ()
        if isinstance(value, str):
            return (" ".join(value.split()),)
        if not isinstance(value, Sequence) or not all(isinstance(v, str) for v in value):
            wrong = (
                value
                if not isinstance(value, Sequence)
                else next(v for v in value if not isinstance(v, str))
            )
            error = DataError(
                f"{self._name(key)}: expected a list of texts, got {_kind(value)}"
                + (f" holding {_kind(wrong)}" if wrong is not value else ""),
                path=self.path,
                line=line_of(wrong, self.line(key)),
                hint=f'write \'{key}: ["first", "second"]\'',
            )
            if required:
                raise error
            report(error)
            return ()
        return tuple(" ".join(v.split()) for v in value if v.strip())

    def mapping(self, key: str, allowed: Iterable[str], *, required: bool = False) -> Fields | None:
        """A nested mapping, as Fields; None when absent and optional."""
        value = self.data.get(key)
        if value is None or value == "":
            if required:
                raise DataError(
                    f"{self._name(key)}: required section is missing",
                    path=self.path,
                    line=self.line(key),
                    hint=f"add '{key}:' with its fields ({', '.join(allowed)})",
                )
            return None
        if required:
            return Fields(value, self.path, self._name(key), allowed)
        try:
            return Fields(value, self.path, self._name(key), allowed)
        except DataError as error:
            report(error)
            return None

    def items(self, key: str) -> Iterator[tuple[int, Any]]:
        """The entries of a list field with their index; empty when absent."""
        value = self.data.get(key)
        if value is None or value == "":
            return iter(())
        if not isinstance(value, Sequence):
            report(
                DataError(
                    f"{self._name(key)}: expected a list, got {_kind(value)}",
                    path=self.path,
                    line=line_of(value, self.line(key)),
                    hint=f"start each entry of '{key}' on its own line with '- '",
                )
            )
            return iter(())
        return enumerate(value)


def _kind(value: Any) -> str:
    if isinstance(value, Mapping):
        return "a mapping"
    if isinstance(value, Sequence):
        return "a list"
    if isinstance(value, str):
        return "text"
    return type(value).__name__
