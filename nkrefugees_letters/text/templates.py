"""Templates: finding, listing, reading, exporting and compiling letter template files.

A template file is a YAML front-matter block between ``---`` lines, then a body in the
markup of :mod:`.markup`. Each part is compiled once in the sandbox (cached while the
file is unchanged, and a built-in template's code between processes too, in
:mod:`.compiled`), remembering the file line it starts on for error messages.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

import jinja2

from .. import output, reading, validation, yamlcache, yamlio
from ..errors import DataError, OutputError, TemplateError
from ..resources import templates_dir
from . import compiled, sandbox

__all__ = [
    "FRONT_MATTER_FIELDS",
    "MAX_TEMPLATE_BYTES",
    "TEMPLATE_SUFFIX",
    "Template",
    "TemplateInfo",
    "builtin_names",
    "builtin_templates",
    "export_template",
    "find_template",
    "load_template",
    "template_source",
]

TEMPLATE_SUFFIX = ".md"
FRONT_MATTER_FIELDS = (
    "language",
    "subject",
    "recipient",
    "salutation",
    "closing",
    "description",
    "review",
)


@dataclass(frozen=True)
class Template:
    """A parsed template file: raw front matter strings and the compiled body."""

    name: str
    path: Path
    language: str
    front: Mapping[str, Any]
    body: jinja2.Template
    body_line: int
    fields: dict[str, jinja2.Template] = field(default_factory=dict)
    sources: dict[str, tuple[str, int]] = field(default_factory=dict)
    """Each part's Jinja source and the file line it starts on: ``"body"``, ``"subject"``,
    ``"recipient.0"``…; error messages and ``nkletters check`` use them."""


_FRONT = re.compile(r"\A---[ \t]*\r?\n(.*?)^---[ \t]*(?:\r?\n|\Z)", re.S | re.M)


def builtin_names() -> list[str]:
    """Names of the built-in templates, as ``NAME.LANG`` (e.g. ``appeal.en``)."""
    return sorted(
        p.name[: -len(TEMPLATE_SUFFIX)] for p in templates_dir().glob("*" + TEMPLATE_SUFFIX)
    )


def find_template(name: str, language: str) -> Path:
    """The file for a template given by name (``appeal``), name and language
    (``appeal.zh``), or path to a file of the user's own."""
    if name.endswith(TEMPLATE_SUFFIX) or "/" in name or "\\" in name:
        path = Path(name).expanduser()
        if not reading.is_file(path):
            raise TemplateError("template file not found", path=path, hint="check the path")
        return path
    directory = templates_dir()
    for candidate in (f"{name}.{language}", name):
        path = directory / (candidate + TEMPLATE_SUFFIX)
        if reading.is_file(path):
            return path
    known = builtin_names()
    suggestion = validation.closest(f"{name}.{language}", known)
    raise TemplateError(
        f"no built-in template {name!r} in language {language!r}",
        hint=(f"did you mean {suggestion!r}? " if suggestion else "")
        + "built-in templates: "
        + ", ".join(known),
    )


class TemplateInfo(NamedTuple):
    """A built-in template as ``nkletters templates list`` shows it."""

    name: str
    language: str
    description: str
    path: Path


def builtin_templates() -> list[TemplateInfo]:
    """Every built-in template with its language and the description from its front matter."""
    infos = []
    for name in builtin_names():
        template = load_template(templates_dir() / (name + TEMPLATE_SUFFIX))
        description = " ".join(str(template.front.get("description") or "").split())
        infos.append(TemplateInfo(name, template.language, description, template.path))
    return infos


def template_source(name: str, language: str = "en") -> tuple[Path, str]:
    """The file and the full text of a template given as for :func:`find_template`."""
    path = find_template(name, language)
    return path, _read_source(path)


MAX_TEMPLATE_BYTES = 1_000_000
"""A template file larger than this is not a letter template (a letter is a few KB)."""


def _read_source(path: Path) -> str:
    try:
        data = reading.read_bytes(path, MAX_TEMPLATE_BYTES)
    except DataError as exc:
        raise TemplateError(exc.message, path=path, hint=exc.hint) from None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise TemplateError(
            "template is not UTF-8 text", path=path, hint="save it as UTF-8"
        ) from None
    # Universal newlines, as Python's text files: a CR alone ends a line.
    return text.replace("\r\n", "\n").replace("\r", "\n")


def export_template(
    name: str, language: str = "en", destination: Path | None = None, *, force: bool = False
) -> Path:
    """Copy a template to ``destination`` (a file, or a folder to put ``NAME.LANG.md`` in;
    default: the current folder) as the start of one's own. Never replaces an existing
    file without ``force``."""
    source_path, text = template_source(name, language)
    target = destination if destination is not None else Path(source_path.name)
    if target.is_dir():
        target = target / source_path.name
    if target.exists() and not force:
        raise OutputError(
            f"{str(target)!r} already exists",
            hint="give another file name, or pass --force to replace it",
        )
    return output.write_atomic(target, text.encode("utf-8"), force=True)


def load_template(path: Path) -> Template:
    """Read, parse and compile a template file.

    Cached while the file is unchanged (batches reuse it), by its full path: the same
    relative name in another folder, or an edited file, is read again.
    """
    try:
        stat = path.stat()
        key: tuple[object, ...] = (path.resolve(), stat.st_mtime_ns, stat.st_size)
    except OSError:
        key = ()
    return _load_template(path, key)


@functools.lru_cache(maxsize=64)
def _load_template(path: Path, _key: tuple[object, ...]) -> Template:
    source = _read_source(path)
    match = _FRONT.match(source)
    if not match:
        raise TemplateError(
            "template has no front matter",
            path=path,
            line=1,
            hint="start the file with a '---' line, the fields (language, subject, …), and '---'",
        )
    sources: dict[str, tuple[str, int]] = {}
    try:
        # Parse the front matter with the opening '---' line as an empty line, so that
        # YAML's line numbers are the file's.
        raw = yamlcache.load_text("\n" + match.group(1), path)
        front = validation.Fields(raw, path, "", FRONT_MATTER_FIELDS)
        language = front.text("language", required=True)
        front.text("review")  # must be plain text if given; render() copies it into LetterText
        for key in ("subject", "salutation", "closing"):
            sources[key] = (
                front.text(key, required=True),
                yamlio.line_of(raw.get(key)) or front.line(key),
            )
        for index, item in enumerate(_recipient_lines(front)):
            sources[f"recipient.{index}"] = item
    except DataError as exc:
        raise TemplateError(
            exc.message, path=exc.path, line=exc.line, column=exc.column, hint=exc.hint
        ) from None
    body_line = source[: match.end()].count("\n") + 1
    env = sandbox.environment()
    # The built-in templates' compiled code is kept between processes (a few entries
    # per release); a user's own file, or one uploaded to the web page, is compiled anew.
    keep = path.resolve().parent == templates_dir().resolve()
    fields = {
        key: _compile(env, text, path, line, keep=keep) for key, (text, line) in sources.items()
    }
    sources["body"] = (source[match.end() :], body_line)
    body = _compile(env, source[match.end() :], path, body_line, keep=keep)
    return Template(
        name=path.name[: -len(TEMPLATE_SUFFIX)]
        if path.name.endswith(TEMPLATE_SUFFIX)
        else path.stem,
        path=path,
        language=language,
        front=raw,
        body=body,
        body_line=body_line,
        fields=fields,
        sources=sources,
    )


def _recipient_lines(front: validation.Fields) -> list[tuple[str, int]]:
    """The recipient lines with the file line of each."""
    texts = front.text_list("recipient", required=True)
    raw = front.data.get("recipient")
    items = [v for v in raw if v.strip()] if isinstance(raw, list) else [raw]
    return [
        (text, yamlio.line_of(item) or front.line("recipient"))
        for text, item in zip(texts, items, strict=False)
    ]


def _compile(
    env: jinja2.Environment, source: str, path: Path, first_line: int, *, keep: bool
) -> jinja2.Template:
    try:
        return compiled.from_string(env, source) if keep else env.from_string(source)
    except jinja2.TemplateSyntaxError as exc:
        message = exc.message or "invalid syntax"
        hint = ""
        unknown_filter = re.match(r"No filter named '(.*)'", message)
        if unknown_filter:
            suggestion = validation.closest(unknown_filter.group(1), env.filters)
            hint = (f"did you mean {suggestion!r}? " if suggestion else "") + (
                "filters: " + ", ".join(sorted(env.filters))
            )
        raise TemplateError(
            f"template syntax error: {message}",
            path=path,
            line=first_line + (exc.lineno or 1) - 1,
            hint=hint,
        ) from None
