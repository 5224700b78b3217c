"""Render: the one place that uses Jinja2, turning a letter template into LetterText.

A template file is a YAML front-matter block between ``---`` lines, then a body in a
small readable markup: blank lines separate paragraphs, ``- `` starts a bullet,
``**bold**`` and ``*italic*``, and a backslash makes the next character literal.
Everything runs in Jinja2's immutable sandbox with undefined variables as errors.
Values inserted with ``{{ … }}`` are escaped for that markup, so a name containing
``*`` or starting with ``-`` stays plain text.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, fields, is_dataclass
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

import jinja2
import jinja2.filters
from jinja2.exceptions import SecurityError
from jinja2.sandbox import ImmutableSandboxedEnvironment
from jinja2.utils import missing

from . import i18n, output, yamlio
from .errors import DataError, LettersError, OutputError, TemplateError
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
    review: str = ""
    """The template's note that the text awaits a native speaker's review, if any."""
    translation: LetterText | None = None
    """The same letter in a second language, printed after this one (``--lang en+zh``)."""

    @property
    def languages(self) -> tuple[str, ...]:
        """This text's language, then the translation's: ``("en", "zh")``."""
        second = self.translation.languages if self.translation else ()
        return (self.language, *second)

    def plain_text(self, recipient: Sequence[str] | None = None) -> str:
        """The letter as plain text, for previews and golden-file tests.

        Args:
            recipient: the address lines to start with instead of the template's own
                (``()`` starts with the subject).
        """
        subjects = [self.subject] + ([self.translation.subject] if self.translation else [])
        head = list(self.recipient if recipient is None else recipient)
        lines = [*head, *([""] if head else []), *subjects, ""]
        for part in (self, self.translation):
            if part is None:
                continue
            lines += [part.salutation, ""]
            for block in part.blocks:
                lines.append(("• " if block.kind == "bullet" else "") + block.plain)
                lines.append("")
            lines.append(part.closing)
            lines.append("")
        return "\n".join(lines[:-1])


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


# --- markup escaping -------------------------------------------------------------

_MARKUP_SPECIAL = re.compile(r"([\\*])")


def escape_markup(value: Any) -> str:
    """Make a value safe to insert into the body markup: one line, ``*`` and ``\\`` escaped,
    and a leading ``-`` or ``•`` that would start a bullet escaped too."""
    if value is None:
        return ""
    text = " ".join(str(value).split())
    text = _MARKUP_SPECIAL.sub(r"\\\1", text)
    if text.startswith(("-", "•")):
        text = "\\" + text
    return text


def _unescape(text: str) -> str:
    return re.sub(r"\\(.)", r"\1", text)


# --- the Jinja environment --------------------------------------------------------


MAX_TEXT = 100_000
"""The longest text or list a template may build with ``*``, ``join`` or ``replace``: far
beyond any letter, far below what would exhaust the memory."""

_WIDE_FORMAT = re.compile(r"%[^%a-zA-Z]*?(?:\*|\d{4,})")

# str methods that pad or multiply text (or bypass the checked filters): a template has
# filters for what a letter needs.
_REFUSED_STR_METHODS = frozenset(
    {"format", "format_map", "center", "ljust", "rjust", "zfill", "expandtabs", "join", "replace"}
)


class UnknownName(jinja2.UndefinedError):
    """A template used a variable, field or item that does not exist."""

    def __init__(self, message: str | None = None, *, name: Any = None, obj: Any = missing):
        super().__init__(message)
        self.name = name
        self.obj = obj


class UndefinedVariableError(TemplateError):
    """A template reads a variable that letters do not have (``{{ nmae }}``)."""

    def __init__(self, message: str, *, variable: str, **where: Any) -> None:
        super().__init__(message, **where)
        self.variable = variable


class _Undefined(jinja2.StrictUndefined):
    """StrictUndefined whose error remembers the missing name and its owner, so that the
    message can say ``mission has no field 'nmae' — did you mean 'name'?``."""

    __slots__ = ()

    def __init__(
        self,
        hint: str | None = None,
        obj: Any = missing,
        name: str | None = None,
        exc: type[jinja2.exceptions.TemplateRuntimeError] = jinja2.UndefinedError,
    ) -> None:
        if exc is jinja2.UndefinedError and hint is None:
            exc = functools.partial(UnknownName, name=name, obj=obj)  # type: ignore[assignment]
        super().__init__(hint, obj, name, exc)


class _LetterSandbox(ImmutableSandboxedEnvironment):
    """Jinja2's immutable sandbox (no Python internals, no mutation), also refusing the
    few operations with which a short template builds a gigantic text or number."""

    intercepted_binops = frozenset({"*", "**", "%"})

    def call_binop(
        self, context: jinja2.runtime.Context, operator: str, left: Any, right: Any
    ) -> Any:
        if operator == "*":
            for sequence, times in ((left, right), (right, left)):
                if (
                    isinstance(sequence, str | list | tuple)
                    and isinstance(times, int)
                    and len(sequence) * times > MAX_TEXT
                ):
                    raise SecurityError(f"'*' would make a length of {len(sequence) * times}")
        elif operator == "**":
            if isinstance(left, int) and isinstance(right, int) and abs(right) > 1000:
                raise SecurityError(f"'**' with the exponent {right} is too large")
        elif operator == "%" and isinstance(left, str) and _WIDE_FORMAT.search(left):
            raise SecurityError("'%' formatting with a width of 1000 or more")
        return super().call_binop(context, operator, left, right)

    def is_safe_attribute(self, obj: Any, attr: str, value: Any) -> bool:
        if isinstance(obj, str) and attr in _REFUSED_STR_METHODS:
            return False
        return bool(super().is_safe_attribute(obj, attr, value))

    def wrap_str_format(self, value: Any) -> Callable[..., str] | None:
        # str.format is refused outright (see is_safe_attribute), not wrapped.
        return None


@cache
def environment() -> ImmutableSandboxedEnvironment:
    """The sandboxed Jinja2 environment shared by every template."""
    env = _LetterSandbox(
        undefined=_Undefined,
        autoescape=False,
        finalize=escape_markup,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    # Nothing beyond what a letter needs: no range(), lipsum, cycler, joiner or namespace,
    # and only the filters that cannot build a gigantic text or reach outside the sandbox.
    env.globals.clear()
    env.filters = {name: env.filters[name] for name in _JINJA_FILTERS} | _FILTERS
    return env


_JINJA_FILTERS = (
    "abs",
    "capitalize",
    "count",
    "d",
    "default",
    "first",
    "float",
    "groupby",
    "int",
    "last",
    "length",
    "list",
    "lower",
    "map",
    "max",
    "min",
    "reject",
    "rejectattr",
    "reverse",
    "round",
    "select",
    "selectattr",
    "sort",
    "string",
    "sum",
    "title",
    "trim",
    "truncate",
    "unique",
    "upper",
    "wordcount",
)
"""Jinja2's own filters that a template may use (documented in docs/templates.md)."""


@jinja2.pass_context
def _ordinal_filter(context: jinja2.runtime.Context, number: Any, language: str = "") -> str:
    return i18n.ordinal(int(number), language or str(context.get("language") or "en"))


@jinja2.pass_context
def _date_filter(
    context: jinja2.runtime.Context, value: Any, language: str = "", country: str = ""
) -> str:
    if not isinstance(value, date):
        raise TypeError(f"long_date expects a date, got {type(value).__name__}")
    return i18n.long_date(
        value,
        language or str(context.get("language") or "en"),
        country or str(context.get("country") or "GB"),
    )


@jinja2.pass_eval_context
def _join_filter(
    eval_ctx: jinja2.nodes.EvalContext,
    value: Iterable[Any],
    separator: str = "",
    attribute: str | int | None = None,
) -> str:
    items = list(value)
    if attribute is not None:
        items = list(map(jinja2.filters.make_attrgetter(eval_ctx.environment, attribute), items))
    texts = [str(item) for item in items]
    if sum(map(len, texts)) + len(separator) * max(len(texts) - 1, 0) > MAX_TEXT:
        raise SecurityError("'join' would build a text too long for a letter")
    return str(separator).join(texts)


def _replace_filter(value: Any, old: str, new: str, count: int | None = None) -> str:
    text, old, new = str(value), str(old), str(new)
    found = text.count(old) if old else len(text) + 1
    if count is not None and count >= 0:
        found = min(found, count)
    if len(text) + found * (len(new) - len(old)) > MAX_TEXT:
        raise SecurityError("'replace' would build a text too long for a letter")
    return text.replace(old, new, -1 if count is None else count)


_FILTERS: dict[str, Callable[..., Any]] = {
    "ordinal": _ordinal_filter,
    "long_date": _date_filter,
    "join": _join_filter,
    "replace": _replace_filter,
}


# --- loading templates ------------------------------------------------------------

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


@dataclass(frozen=True)
class TemplateInfo:
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
    try:
        return path, path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise TemplateError(f"cannot read template: {exc}", path=path) from None


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
    sources: dict[str, tuple[str, int]] = {}
    try:
        # Parse the front matter with the opening '---' line as an empty line, so that
        # YAML's line numbers are the file's.
        raw = yamlio.load_text("\n" + match.group(1), path)
        front = yamlio.Fields(raw, path, "", FRONT_MATTER_FIELDS)
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
    env = environment()
    fields = {key: _compile(env, text, path, line) for key, (text, line) in sources.items()}
    sources["body"] = (source[match.end() :], body_line)
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
        sources=sources,
    )


def _recipient_lines(front: yamlio.Fields) -> list[tuple[str, int]]:
    """The recipient lines with the file line of each."""
    texts = front.text_list("recipient", required=True)
    raw = front.data.get("recipient")
    items = [v for v in raw if v.strip()] if isinstance(raw, list) else [raw]
    return [
        (text, yamlio.line_of(item) or front.line("recipient"))
        for text, item in zip(texts, items, strict=False)
    ]


def _compile(env: jinja2.Environment, source: str, path: Path, first_line: int) -> jinja2.Template:
    try:
        return env.from_string(source)
    except jinja2.TemplateSyntaxError as exc:
        message = exc.message or "invalid syntax"
        hint = ""
        unknown_filter = re.match(r"No filter named '(.*)'", message)
        if unknown_filter:
            suggestion = yamlio.closest(unknown_filter.group(1), env.filters)
            hint = (f"did you mean {suggestion!r}? " if suggestion else "") + (
                "filters: " + ", ".join(sorted(env.filters))
            )
        raise TemplateError(
            f"template syntax error: {message}",
            path=path,
            line=first_line + (exc.lineno or 1) - 1,
            hint=hint,
        ) from None


# --- rendering --------------------------------------------------------------------


def render(template: Template, context: Mapping[str, Any]) -> LetterText:
    """Fill the template with ``context`` and parse the body markup into a LetterText.

    Raises:
        TemplateError: naming the template file, the line and what went wrong (an
            undefined variable, something the sandbox refuses, a failing filter…).
    """

    def run(tpl: jinja2.Template, first_line: int) -> str:
        def fail(exc: BaseException, message: str, hint: str = "") -> TemplateError:
            line = _error_line(exc, first_line)
            return TemplateError(message, path=template.path, line=line, hint=hint)

        try:
            return tpl.render(context)
        except UnknownName as exc:
            error = fail(exc, *_explain_unknown(exc, context))
            if exc.obj is missing:
                raise UndefinedVariableError(
                    error.message,
                    variable=str(exc.name),
                    path=error.path,
                    line=error.line,
                    hint=error.hint,
                ) from None
            raise error from None
        except jinja2.UndefinedError as exc:
            raise fail(exc, f"undefined: {exc.message}", SEE_DOCS) from None
        except SecurityError as exc:
            raise fail(
                exc,
                f"the template tried something the sandbox forbids: {exc}",
                "a template can use only the variables and filters in docs/templates.md",
            ) from None
        except RecursionError as exc:
            raise fail(exc, "the template calls a macro that never stops calling itself") from None
        except MemoryError as exc:
            raise fail(exc, "the template builds a text too large to print") from None
        except LettersError as exc:
            raise fail(exc, exc.message, exc.hint) from None
        except (TypeError, ValueError, ArithmeticError, LookupError, jinja2.TemplateError) as exc:
            raise fail(exc, f"the template failed: {exc}") from None

    def first_line(key: str) -> int:
        return template.sources[key][1] if key in template.sources else 1

    def text(key: str) -> str:
        return _unescape(" ".join(run(template.fields[key], first_line(key)).split()))

    # The front matter first, then the body: errors come in the order of the file.
    subject = text("subject")
    recipient = tuple(text(key) for key in template.fields if key.startswith("recipient."))
    salutation = text("salutation")
    closing = text("closing")
    body = run(template.body, template.body_line)
    return LetterText(
        language=template.language,
        subject=subject,
        recipient=tuple(line for line in recipient if line),
        salutation=salutation,
        blocks=parse_body(body),
        closing=closing,
        review=" ".join(str(template.front.get("review") or "").split()),
    )


SEE_DOCS = "see docs/templates.md for the variables a template can use"
"""The hint for a misspelt or unknown variable."""


def _explain_unknown(exc: UnknownName, context: Mapping[str, Any]) -> tuple[str, str]:
    """What was missing, and the hint: the closest valid name, or how to guard a value."""
    name, owner = exc.name, exc.obj
    if owner is missing:
        suggestion = yamlio.closest(str(name), context)
        hint = f"did you mean {suggestion!r}? " if suggestion else ""
        return f"undefined variable {name!r}", hint + SEE_DOCS
    if owner is None:
        return (
            f"{name!r} of an empty value",
            "organisation is empty in a personal letter: put this inside "
            "{% if not personal %} … {% endif %}",
        )
    kind = _KINDS.get(type(owner), type(owner).__name__.lower())
    if not isinstance(name, str):
        return f"{kind} has no item {name!r}", "check the index"
    known = _public_names(owner)
    suggestion = yamlio.closest(name, known)
    if suggestion:
        hint = f"did you mean {suggestion!r}?"
    else:
        hint = f"its fields: {', '.join(known)}" if known else SEE_DOCS
    return f"{kind} has no field {name!r}", hint


_KINDS = {str: "text", tuple: "list", list: "list", int: "number", float: "number"}


def _public_names(owner: Any) -> list[str]:
    names = [f.name for f in fields(owner)] if is_dataclass(owner) else []
    names += [
        n for n, v in vars(type(owner)).items() if isinstance(v, property) and not n.startswith("_")
    ]
    return names


def with_placeholders(context: Mapping[str, Any], names: Iterable[str]) -> dict[str, Any]:
    """``context`` plus ``names`` bound to a placeholder that prints as nothing and has
    every field: rendering again then goes past those names to the next problem."""
    return {**context, **{name: jinja2.ChainableUndefined(name=name) for name in names}}


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
