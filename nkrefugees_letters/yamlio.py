"""YAML: the one place that reads YAML, strictly, keeping line numbers for error messages.

PyYAML's safe loader guesses types (postcode ``01234`` → 668, country ``NO`` → False,
``2024-01-05`` → a date) and silently keeps the last of two duplicated keys. Here every
scalar stays a string, duplicate keys and aliases are errors, and each value remembers
its line so that validation can say ``file:line: field — expected …``.
"""

from __future__ import annotations

import contextlib
import difflib
import json
import re
from collections.abc import Iterable, Iterator
from contextvars import ContextVar
from datetime import date
from pathlib import Path
from typing import Any, ClassVar

import yaml

from . import reading
from .errors import DataError

_BaseLoader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

MAX_YAML_BYTES = 5_000_000


class Text(str):
    """A string scalar that remembers the line it came from."""

    line: int


class Mapping(dict[str, Any]):
    """A YAML mapping that remembers its own line and the line of each key."""

    line: int
    key_lines: dict[str, int]


class Sequence(list[Any]):
    """A YAML sequence that remembers its line."""

    line: int


class _StrictLoader(_BaseLoader):  # type: ignore[valid-type,misc]
    """Safe loader with no implicit typing, no duplicate keys and no aliases."""

    yaml_implicit_resolvers: ClassVar[dict[Any, Any]] = {}

    def construct_object(self, node: yaml.Node, deep: bool = False) -> Any:
        if node in self.constructed_objects:
            raise yaml.constructor.ConstructorError(
                None, None, "anchors and aliases (&name, *name) are not supported", node.start_mark
            )
        return super().construct_object(node, deep=deep)


def _construct_text(loader: _StrictLoader, node: yaml.ScalarNode) -> Text:
    value = Text(loader.construct_scalar(node))
    value.line = node.start_mark.line + 1
    return value


def _construct_mapping(loader: _StrictLoader, node: yaml.MappingNode) -> Mapping:
    result = Mapping()
    result.line = node.start_mark.line + 1
    result.key_lines = {}
    for key_node, value_node in node.value:
        if not isinstance(key_node, yaml.ScalarNode):
            raise yaml.constructor.ConstructorError(
                None, None, "a key must be plain text", key_node.start_mark
            )
        key = str(loader.construct_scalar(key_node))
        if key in result:
            raise yaml.constructor.ConstructorError(
                None,
                None,
                f"duplicate key {key!r} (first on line {result.key_lines[key]}); keep only one",
                key_node.start_mark,
            )
        result.key_lines[key] = key_node.start_mark.line + 1
        result[key] = loader.construct_object(value_node, deep=True)
    return result


def _construct_sequence(loader: _StrictLoader, node: yaml.SequenceNode) -> Sequence:
    result = Sequence(loader.construct_object(child, deep=True) for child in node.value)
    result.line = node.start_mark.line + 1
    return result


def _reject_tag(loader: _StrictLoader, suffix: str, node: yaml.Node) -> Any:
    tag = str(node.tag).replace("tag:yaml.org,2002:", "!!")
    raise yaml.constructor.ConstructorError(
        None, None, f"YAML tags such as {tag!r} are not allowed", node.start_mark
    )


# Start from an empty table so that only these three constructors exist.
_StrictLoader.yaml_constructors = {}
_StrictLoader.yaml_multi_constructors = {}
_StrictLoader.add_constructor("tag:yaml.org,2002:str", _construct_text)
_StrictLoader.add_constructor("tag:yaml.org,2002:map", _construct_mapping)
_StrictLoader.add_constructor("tag:yaml.org,2002:seq", _construct_sequence)
_StrictLoader.add_multi_constructor("", _reject_tag)
_StrictLoader.add_constructor(None, lambda loader, node: _reject_tag(loader, "", node))


def load_text(text: str, path: Path | str) -> Any:
    """Parse YAML text strictly; raise DataError naming ``path``, line and column."""
    try:
        return yaml.load(text, Loader=_StrictLoader)  # noqa: S506 - strict safe loader
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        problem = exc.problem or exc.context or "invalid YAML"
        if problem.startswith("could not determine a constructor"):
            problem = f"YAML tags such as {exc.problem!r} are not allowed"
        if "nesting depth" in problem:  # PyYAML 6.0.4 and later; earlier ones recurse
            raise _too_deep(path, mark) from None
        if mark is not None and _is_tab(text, mark.index):
            raise DataError(
                "invalid YAML: a tab character",
                path=path,
                line=mark.line + 1,
                column=mark.column + 1,
                hint="YAML indents with spaces only: replace the tab with spaces "
                "(your editor may have a 'convert tabs to spaces' setting)",
            ) from None
        raise DataError(
            f"invalid YAML: {problem}",
            path=path,
            line=mark.line + 1 if mark else None,
            column=mark.column + 1 if mark else None,
            hint="write the value as plain text"
            if isinstance(exc, yaml.constructor.ConstructorError) and "tags" in problem
            else ""
            if isinstance(exc, yaml.constructor.ConstructorError)
            else "check the indentation and quoting at that place",
        ) from None
    except yaml.reader.ReaderError as exc:
        # A control character: the reader knows only its offset in the text.
        before = text[: exc.position]
        raise DataError(
            f"invalid YAML: the character U+{exc.character:04X} is not allowed",
            path=path,
            line=before.count("\n") + 1,
            column=exc.position - (before.rfind("\n") + 1) + 1,
            hint="delete it (an invisible control character, often pasted in by accident)",
        ) from None
    except yaml.YAMLError as exc:
        raise DataError(f"invalid YAML: {' '.join(str(exc).split())}", path=path) from None
    except RecursionError:
        raise _too_deep(path, None) from None


def _is_tab(text: str, index: int) -> bool:
    # PyYAML points at the tab itself, or at the token just after the run of tabs.
    return text[index : index + 1] == "\t" or text[max(index - 1, 0) : index] == "\t"


_HIDDEN_VALUE = re.compile(r"^\s*(?:-\s+)?([A-Za-z_][\w-]*):\s+(#\S+)")


def comment_values(text: str) -> list[tuple[int, str, str]]:
    """``(line, key, text)`` for each ``key: #c00000``: an unquoted value starting with
    ``#`` is a comment to YAML, so the key is silently left empty. A real comment has a
    space after its ``#``, which is how the two are told apart."""
    return [
        (number, match[1], match[2])
        for number, line in enumerate(text.splitlines(), start=1)
        if (match := _HIDDEN_VALUE.match(line))
    ]


def _too_deep(path: Path | str, mark: Any) -> DataError:
    return DataError(
        "invalid YAML: lists or mappings nested too deeply",
        path=path,
        line=mark.line + 1 if mark else None,
        column=mark.column + 1 if mark else None,
        hint="is this the right file?",
    )


def load_file(path: Path) -> Any:
    """Read and parse a YAML file strictly (see :func:`load_text`)."""
    data = reading.read_bytes(path, MAX_YAML_BYTES)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise DataError("file is not UTF-8 text", path=path, hint="save it as UTF-8") from None
    # Universal newlines, as reading the file as text did: a CR alone ends a line.
    return load_text(text.replace("\r\n", "\n").replace("\r", "\n"), path)


# Characters a YAML reader refuses or reads as a line break when they stand unescaped.
_UNSAFE_IN_YAML = re.compile("[\x7f-\x9f\u2028\u2029\ud800-\udfff\ufffe\uffff]")


def quote(text: str) -> str:
    """``text`` as a double-quoted YAML scalar that reads back as exactly that string."""
    # A JSON string is a valid YAML double-quoted scalar; JSON leaves a few characters
    # raw that YAML refuses (DEL, C1 controls) or folds into a space (NEL, U+2028).
    quoted = json.dumps(text, ensure_ascii=False)
    return _UNSAFE_IN_YAML.sub(lambda m: f"\\u{ord(m.group()):04x}", quoted)


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
    matches = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return matches[0] if matches else None


def line_of(value: Any, default: int | None = None) -> int | None:
    """The line a loaded value came from, when it knows it."""
    return getattr(value, "line", default)


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
