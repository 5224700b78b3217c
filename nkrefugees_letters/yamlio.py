"""YAML: the one place that reads YAML, strictly, keeping line numbers for error messages.

PyYAML's safe loader guesses types (postcode ``01234`` → 668, country ``NO`` → False,
``2024-01-05`` → a date) and silently keeps the last of two duplicated keys. Here every
scalar stays a string, duplicate keys and aliases are errors, and each value remembers
its line so that validation can say ``file:line: field — expected …``.
"""

from __future__ import annotations

import json
import re
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from . import reading
from .errors import DataError
from .lazyimport import lazy_module

if TYPE_CHECKING:
    import yaml
else:  # loaded by the first parse: a letter whose YAML all comes from caches skips it
    yaml = lazy_module("yaml")

__all__ = [
    "MAX_YAML_BYTES",
    "Mapping",
    "Sequence",
    "Text",
    "comment_values",
    "line_of",
    "load_file",
    "load_text",
    "quote",
]

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


@cache  # a class on a base from PyYAML, so made when PyYAML is first needed
def _strict_loader() -> type[yaml.SafeLoader]:
    class _StrictLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
        """Safe loader with no implicit typing, no duplicate keys and no aliases."""

        yaml_implicit_resolvers: ClassVar[dict[Any, Any]] = {}

        def construct_object(self, node: yaml.Node, deep: bool = False) -> Any:
            if node in self.constructed_objects:
                raise yaml.constructor.ConstructorError(
                    None,
                    None,
                    "anchors and aliases (&name, *name) are not supported",
                    node.start_mark,
                )
            return super().construct_object(node, deep=deep)

    # Start from an empty table so that only these three constructors exist.
    _StrictLoader.yaml_constructors = {}
    _StrictLoader.yaml_multi_constructors = {}
    _StrictLoader.add_constructor("tag:yaml.org,2002:str", _construct_text)
    _StrictLoader.add_constructor("tag:yaml.org,2002:map", _construct_mapping)
    _StrictLoader.add_constructor("tag:yaml.org,2002:seq", _construct_sequence)
    _StrictLoader.add_multi_constructor("", _reject_tag)
    _StrictLoader.add_constructor(None, lambda loader, node: _reject_tag(loader, "", node))
    return _StrictLoader


def _construct_text(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> Text:
    value = Text(loader.construct_scalar(node))
    value.line = node.start_mark.line + 1
    return value


def _construct_mapping(loader: yaml.SafeLoader, node: yaml.MappingNode) -> Mapping:
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


def _construct_sequence(loader: yaml.SafeLoader, node: yaml.SequenceNode) -> Sequence:
    result = Sequence(loader.construct_object(child, deep=True) for child in node.value)
    result.line = node.start_mark.line + 1
    return result


def _reject_tag(loader: yaml.SafeLoader, suffix: str, node: yaml.Node) -> Any:
    tag = str(node.tag).replace("tag:yaml.org,2002:", "!!")
    raise yaml.constructor.ConstructorError(
        None, None, f"YAML tags such as {tag!r} are not allowed", node.start_mark
    )


def load_text(text: str, path: Path | str) -> Any:
    """Parse YAML text strictly; raise DataError naming ``path``, line and column."""
    try:
        return yaml.load(text, Loader=_strict_loader())  # the strict safe loader
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


def line_of(value: Any, default: int | None = None) -> int | None:
    """The line a loaded value came from, when it knows it."""
    return getattr(value, "line", default)
