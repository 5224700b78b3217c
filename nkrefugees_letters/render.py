"""Render: the one place that uses Jinja2, turning a letter template into LetterText.

A template file is a YAML front-matter block between ``---`` lines, then a body in a
small readable markup: blank lines separate paragraphs, ``- `` starts a bullet,
``**bold**`` and ``*italic*``, and a backslash makes the next character literal.
Everything runs in Jinja2's immutable sandbox with undefined variables as errors.
Values inserted with ``{{ … }}`` are escaped for that markup, so a name containing
``*`` or starting with ``-`` stays plain text.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

import jinja2
from jinja2.sandbox import ImmutableSandboxedEnvironment

from . import i18n, yamlio
from .errors import TemplateError
from .resources import templates_dir

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
class Run:
    """A stretch of plain text with one style."""

    text: str
    bold: bool = False
    italic: bool = False


@dataclass(frozen=True)
class Block:
    """A paragraph (``kind == "paragraph"``) or one bullet item (``"bullet"``)."""

    kind: str
    runs: tuple[Run, ...]

    @property
    def plain(self) -> str:
        """The block's text without styling."""
        return "".join(run.text for run in self.runs)


@dataclass(frozen=True)
class LetterText:
    """A rendered letter: every word of it, no layout. The hand-off from Jinja2 to reportlab."""

    language: str
    subject: str
    recipient: tuple[str, ...]
    salutation: str
    blocks: tuple[Block, ...]
    closing: str

    def plain_text(self) -> str:
        """The letter as plain text, for previews and golden-file tests."""
        lines = [*self.recipient, "", self.subject, "", self.salutation, ""]
        for block in self.blocks:
            lines.append(("• " if block.kind == "bullet" else "") + block.plain)
            lines.append("")
        lines.append(self.closing)
        return "\n".join(lines)


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


# --- markup escaping -------------------------------------------------------------

_MARKUP_SPECIAL = re.compile(r"([\\*])")


def escape_markup(value: Any) -> str:
    """Make a value safe to insert into the body markup: one line, ``*`` and ``\\`` escaped,
    and a leading ``-`` that would start a bullet escaped too."""
    if value is None:
        return ""
    text = " ".join(str(value).split())
    text = _MARKUP_SPECIAL.sub(r"\\\1", text)
    if text.startswith("-"):
        text = "\\" + text
    return text


def _unescape(text: str) -> str:
    return re.sub(r"\\(.)", r"\1", text)


# --- the Jinja environment --------------------------------------------------------


@cache
def environment() -> ImmutableSandboxedEnvironment:
    """The sandboxed Jinja2 environment shared by every template."""
    env = ImmutableSandboxedEnvironment(
        undefined=jinja2.StrictUndefined,
        autoescape=False,
        finalize=escape_markup,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    # Nothing beyond what a letter needs: no range(), lipsum, cycler, joiner or namespace.
    env.globals.clear()
    env.filters.update(_FILTERS)
    return env


def _ordinal_filter(number: Any, language: str = "en") -> str:
    return i18n.ordinal(int(number), language)


def _date_filter(value: Any, language: str = "en", country: str = "GB") -> str:
    if not isinstance(value, date):
        raise TypeError("long_date expects a date")
    return i18n.long_date(value, language, country)


_FILTERS: dict[str, Callable[..., Any]] = {
    "ordinal": _ordinal_filter,
    "long_date": _date_filter,
}


# --- loading templates ------------------------------------------------------------

_FRONT = re.compile(r"\A---[ \t]*\r?\n(.*?)^---[ \t]*\r?\n", re.S | re.M)


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
        if not path.is_file():
            raise TemplateError("template file not found", path=path, hint="check the path")
        return path
    directory = templates_dir()
    for candidate in (f"{name}.{language}", name):
        path = directory / (candidate + TEMPLATE_SUFFIX)
        if path.is_file():
            return path
    known = builtin_names()
    suggestion = yamlio.closest(f"{name}.{language}", known)
    raise TemplateError(
        f"no built-in template {name!r} in language {language!r}",
        hint=(f"did you mean {suggestion!r}? " if suggestion else "")
        + "built-in templates: "
        + ", ".join(known),
    )


@cache
def load_template(path: Path) -> Template:
    """Read, parse and compile a template file (cached: batches reuse it)."""
    try:
        source = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise TemplateError(f"cannot read template: {exc}", path=path) from None
    match = _FRONT.match(source)
    if not match:
        raise TemplateError(
            "template has no front matter",
            path=path,
            line=1,
            hint="start the file with a '---' line, the fields (language, subject, …), and '---'",
        )
    front_source = match.group(1)
    raw = yamlio.load_text(front_source, path)
    # Line numbers inside the front matter are one off: the opening '---' is line 1.
    front = yamlio.Fields(raw, path, "", FRONT_MATTER_FIELDS)
    language = front.text("language", required=True)
    body_line = source[: match.end()].count("\n") + 1
    env = environment()
    fields: dict[str, jinja2.Template] = {}
    for key in ("subject", "salutation", "closing"):
        fields[key] = _compile(env, front.text(key, required=True), path, front.line(key) + 1)
    for index, line in enumerate(front.text_list("recipient", required=True)):
        fields[f"recipient.{index}"] = _compile(env, line, path, front.line("recipient") + 1)
    body = _compile(env, source[match.end() :], path, body_line)
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
    )


def _compile(env: jinja2.Environment, source: str, path: Path, first_line: int) -> jinja2.Template:
    try:
        return env.from_string(source)
    except jinja2.TemplateSyntaxError as exc:
        raise TemplateError(
            f"template syntax error: {exc.message}",
            path=path,
            line=first_line + (exc.lineno or 1) - 1,
        ) from None


# --- rendering --------------------------------------------------------------------


def render(template: Template, context: Mapping[str, Any]) -> LetterText:
    """Fill the template with ``context`` and parse the body markup into a LetterText."""

    def run(tpl: jinja2.Template, first_line: int) -> str:
        try:
            return tpl.render(context)
        except jinja2.UndefinedError as exc:
            raise TemplateError(
                f"template uses an undefined variable: {exc.message}",
                path=template.path,
                line=_error_line(exc, first_line),
                hint="see docs/templates.md for the variables a template can use",
            ) from None
        except jinja2.exceptions.SecurityError as exc:
            raise TemplateError(
                f"template tried something the sandbox forbids: {exc}",
                path=template.path,
                line=_error_line(exc, first_line),
            ) from None
        except (TypeError, ValueError, ArithmeticError, jinja2.TemplateError) as exc:
            raise TemplateError(
                f"template failed: {exc}", path=template.path, line=_error_line(exc, first_line)
            ) from None

    def text(key: str) -> str:
        return _unescape(" ".join(run(template.fields[key], 1).split()))

    recipient = tuple(text(key) for key in template.fields if key.startswith("recipient."))
    body = run(template.body, template.body_line)
    return LetterText(
        language=template.language,
        subject=text("subject"),
        recipient=tuple(line for line in recipient if line),
        salutation=text("salutation"),
        blocks=parse_body(body),
        closing=text("closing"),
    )


def _error_line(exc: BaseException, first_line: int) -> int | None:
    # Jinja marks the template line in the traceback of the failing frame.
    tb = exc.__traceback__
    line = None
    while tb is not None:
        if tb.tb_frame.f_code.co_filename == "<template>":
            line = tb.tb_lineno
        tb = tb.tb_next
    return first_line + line - 1 if line else None


# --- body markup ------------------------------------------------------------------

_INLINE = re.compile(r"(\\.)|(\*\*)|(\*)")


def parse_inline(text: str) -> tuple[Run, ...]:
    """Split a paragraph's text into runs at ``**`` and ``*`` markers."""
    runs: list[Run] = []
    bold = italic = False
    buffer: list[str] = []
    position = 0

    def flush() -> None:
        if buffer:
            runs.append(Run("".join(buffer), bold, italic))
            buffer.clear()

    for match in _INLINE.finditer(text):
        buffer.append(text[position : match.start()])
        position = match.end()
        if match.group(1):
            buffer.append(match.group(1)[1])
            continue
        flush()
        if match.group(2):
            bold = not bold
        else:
            italic = not italic
    buffer.append(text[position:])
    flush()
    return tuple(r for r in runs if r.text)


_BULLET = re.compile(r"^[-•]\s+")


def parse_body(body: str) -> tuple[Block, ...]:
    """Parse the rendered body into paragraphs and bullet items."""
    blocks: list[Block] = []
    for chunk in re.split(r"\n[ \t]*\n", body.strip()):
        item: list[str] | None = None
        paragraph: list[str] = []
        items: list[list[str]] = []
        for raw_line in chunk.splitlines():
            line = raw_line.strip()
            if not line:
                continue
            if _BULLET.match(line):
                item = [_BULLET.sub("", line)]
                items.append(item)
            elif item is not None:
                item.append(line)
            else:
                paragraph.append(line)
        if paragraph:
            blocks.append(Block("paragraph", parse_inline(" ".join(paragraph))))
        blocks.extend(Block("bullet", parse_inline(" ".join(lines))) for lines in items)
    return tuple(b for b in blocks if b.runs)
