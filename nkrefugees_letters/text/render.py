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
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextvars import ContextVar
from dataclasses import dataclass, field, fields, is_dataclass
from datetime import date
from functools import cache
from pathlib import Path, PurePath
from typing import Any

import jinja2
import jinja2.filters
from jinja2 import nodes
from jinja2.compiler import CodeGenerator, Frame
from jinja2.exceptions import SecurityError
from jinja2.runtime import LoopContext
from jinja2.sandbox import ImmutableSandboxedEnvironment
from jinja2.utils import missing

from .. import i18n, output, reading, yamlio
from ..errors import DataError, LettersError, OutputError, TemplateError
from ..resources import templates_dir

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
    text = " ".join(_text(value).split())
    text = _MARKUP_SPECIAL.sub(r"\\\1", text)
    if text.startswith(("-", "•")):
        text = "\\" + text
    return text


def _unescape(text: str) -> str:
    return re.sub(r"\\(.)", r"\1", text)


# --- the Jinja environment --------------------------------------------------------


MAX_TEXT = 100_000
"""The longest text or list a template may build (with ``*``, ``+``, ``~``, ``join``,
``replace``…) and the longest text it may print: far beyond any letter, far below what
would exhaust the memory."""
MAX_NUMBER_BITS = 10_000
"""The largest number a template may compute, in bits (about 3,000 digits)."""
MAX_STEPS = 100_000
"""Loop iterations and calls a template may make in one letter (a letter needs hundreds)."""
RENDER_SECONDS = 3.0
"""The time one letter's template may take; a letter takes milliseconds."""

_WIDE_FORMAT = re.compile(r"%[^%a-zA-Z]*?(?:\*|\d{4,})")

# str methods that pad, multiply or expand text (or bypass the checked filters), and
# the int method that makes bytes of any length: a template has filters for what a
# letter needs.
_REFUSED_STR_METHODS = frozenset(
    {
        "format",
        "format_map",
        "center",
        "ljust",
        "rjust",
        "zfill",
        "expandtabs",
        "join",
        "replace",
        "translate",
        "maketrans",
        "encode",
    }
)
_REFUSED_INT_METHODS = frozenset({"to_bytes"})
_HIDDEN_FIELDS = frozenset({"origin", "path"})
"""Fields a template never sees: where a record was read from, on the user's disk."""


class _TooMuch(SecurityError):  # noqa: N818 - reads as the message says
    """The template went over its letter's budget of steps, time or printed text."""


class _Budget:
    """What one letter's rendering may still spend: steps (loop iterations, calls) and time."""

    __slots__ = ("deadline", "steps")

    def __init__(self) -> None:
        self.steps = 0
        self.deadline = time.monotonic() + RENDER_SECONDS

    def spend(self) -> None:
        self.steps += 1
        if self.steps > MAX_STEPS:
            raise _TooMuch(f"repeats a loop or a call more than {MAX_STEPS:,} times")
        if time.monotonic() > self.deadline:
            raise _TooMuch(f"took more than {RENDER_SECONDS:g} seconds")


_BUDGET: ContextVar[_Budget | None] = ContextVar("nkletters_render_budget", default=None)


def _spend() -> None:
    budget = _BUDGET.get()
    if budget is not None:
        budget.spend()


def _check_size(value: Any, operator: str) -> Any:
    """``value``, unless it is a text, list or number too large for a letter."""
    if isinstance(value, str | list | tuple) and len(value) > MAX_TEXT:
        raise SecurityError(f"{operator!r} would make a length of {len(value)}")
    if isinstance(value, int) and value.bit_length() > MAX_NUMBER_BITS:
        raise SecurityError(f"{operator!r} would make a number too large for a letter")
    return value


def _text(value: Any) -> str:
    """A value as the text a letter prints; anything that is not a value is refused,
    so that no Python object (and no path on the user's disk) ends up in a letter."""
    if isinstance(value, str):
        return value
    if isinstance(value, bool | int | float | date | jinja2.Undefined):
        return str(value)
    if isinstance(value, _Record):
        names = value._names()
        example = "name" if "name" in names else names[0]
        raise SecurityError(
            f"{value._kind} is a record of fields, not a text: print one of them, "
            f"e.g. {{{{ {value._kind}.{example} }}}}"
        )
    if isinstance(value, list | tuple):
        raise SecurityError("a list is not a text: print its items with |join(', ')")
    raise SecurityError(f"a {type(value).__name__} is not a text a letter can print")


class _Record:
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
        return _text(self)

    def __repr__(self) -> str:
        return f"<{self._kind}>"

    def _names(self) -> list[str]:
        return list(self._values)


@cache
def _record_class(name: str) -> type[_Record]:
    # Named after the record's own class, so that messages say 'Mission' object.
    return type(name, (_Record,), {"__slots__": ()})


def _public_names(owner: Any) -> list[str]:
    if isinstance(owner, _Record):
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


def _values(value: Any) -> Any:
    """``value`` as templates see it: records as :class:`_Record`, lists as tuples, and
    paths left out (a template never prints where a file is)."""
    if isinstance(value, _PLAIN):
        return value
    if is_dataclass(value) and not isinstance(value, type):
        return _record(value)
    if isinstance(value, list | tuple):
        return tuple(_values(item) for item in value)
    if isinstance(value, Mapping):
        return {str(key): _values(item) for key, item in value.items()}
    if isinstance(value, PurePath):
        return None
    raise TypeError(f"a template cannot be given a {type(value).__name__}")  # a bug


_RECORDS: dict[int, tuple[Any, _Record]] = {}
"""Each record's view by the record's identity (a batch renders the same mission and
profile often); the record is kept with it, so that its id cannot be reused."""


def _record(value: Any) -> _Record:
    known = _RECORDS.get(id(value))
    if known is not None and known[0] is value:
        return known[1]
    if len(_RECORDS) > 4096:
        _RECORDS.clear()
    record = _make_record(value)
    _RECORDS[id(value)] = (value, record)
    return record


def _make_record(value: Any) -> _Record:
    values = {name: _values(getattr(value, name)) for name in _public_names(value)}
    return _record_class(type(value).__name__)(type(value).__name__.lower(), values)


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


class _CountedLoops(CodeGenerator):
    """Jinja's code generator, with every ``{% for %}`` loop counting its iterations
    against the letter's budget and every ``~`` going through the sandbox's checks."""

    def visit_Template(self, node: nodes.Template, frame: Frame | None = None) -> None:  # noqa: N802
        for loop in node.find_all(nodes.For):
            counted = nodes.Call(nodes.EnvironmentAttribute("counted"), [loop.iter], [], None, None)
            loop.iter = counted.set_lineno(loop.lineno).set_environment(self.environment)
        super().visit_Template(node, frame)

    def visit_Concat(self, node: nodes.Concat, frame: Frame) -> None:  # noqa: N802
        self.write("environment.concat_texts((")
        for argument in node.nodes:
            self.visit(argument, frame)
            self.write(", ")
        self.write("))")


class _LetterSandbox(ImmutableSandboxedEnvironment):
    """Jinja2's immutable sandbox (no Python internals, no mutation), also refusing
    every operation that would build a text, list or number too large for a letter,
    and stopping a template that loops, calls or prints without end (see _Budget)."""

    code_generator_class = _CountedLoops
    intercepted_binops = frozenset({"*", "**", "%", "+"})

    def call_binop(
        self, context: jinja2.runtime.Context, operator: str, left: Any, right: Any
    ) -> Any:
        _spend()
        _refuse_growth(operator, left, right)
        return _check_size(super().call_binop(context, operator, left, right), operator)

    def call(self, context: jinja2.runtime.Context, obj: Any, /, *args: Any, **kwargs: Any) -> Any:
        _spend()
        if isinstance(obj, LoopContext) and args:  # a recursive loop's next level
            args = (self.counted(args[0]), *args[1:])
        return super().call(context, obj, *args, **kwargs)

    def counted(self, iterable: Any) -> Iterator[Any]:
        """A loop's items, each spending a step of the letter's budget."""
        for item in iterable:
            _spend()
            yield item

    def concat_texts(self, parts: Sequence[Any]) -> str:
        """``a ~ b ~ …``: the texts joined, unless that is too long for a letter."""
        _spend()
        texts = [_text(part) for part in parts]
        if sum(map(len, texts)) > MAX_TEXT:
            raise SecurityError(f"'~' would make a length of {sum(map(len, texts))}")
        return "".join(texts)

    def concat(self, parts: Iterable[str]) -> str:
        """What a template, macro or block prints, joined, unless too long for a letter."""
        collected: list[str] = []
        length = 0
        for part in parts:  # one by one: a flood stops before it fills the memory
            length += len(part)
            if length > MAX_TEXT:
                raise _TooMuch(f"prints more than {MAX_TEXT:,} characters")
            collected.append(part)
        return "".join(collected)

    def is_safe_attribute(self, obj: Any, attr: str, value: Any) -> bool:
        if isinstance(obj, str) and attr in _REFUSED_STR_METHODS:
            return False
        if isinstance(obj, int) and attr in _REFUSED_INT_METHODS:
            return False
        return bool(super().is_safe_attribute(obj, attr, value))

    def wrap_str_format(self, value: Any) -> Callable[..., str] | None:
        # str.format is refused outright (see is_safe_attribute), not wrapped.
        return None


_SEQUENCES = (str, list, tuple)


def _refuse_growth(operator: str, left: Any, right: Any) -> None:
    """Refuse ``left OPERATOR right`` before computing it, when the result would be too
    large for a letter (computing it first would already take the time and memory)."""
    if operator == "*":
        for sequence, times in ((left, right), (right, left)):
            if (
                isinstance(sequence, _SEQUENCES)
                and _is_int(times)
                and len(sequence) * times > MAX_TEXT
            ):
                raise SecurityError(f"'*' would make a length of {len(sequence) * times}")
        bits = left.bit_length() + right.bit_length() if _is_int(left) and _is_int(right) else 0
        if bits > MAX_NUMBER_BITS + 1:
            raise SecurityError("'*' would make a number too large for a letter")
    elif operator == "**" and _is_int(left) and _is_int(right) and abs(left) > 1 and right > 0:
        if right > 1000:
            raise SecurityError(f"'**' with the exponent {right} is too large")
        if (abs(left).bit_length() - 1) * right > MAX_NUMBER_BITS:
            raise SecurityError("'**' would make a number too large for a letter")
    elif operator == "+" and isinstance(left, _SEQUENCES) and isinstance(right, _SEQUENCES):
        if len(left) + len(right) > MAX_TEXT:
            raise SecurityError(f"'+' would make a length of {len(left) + len(right)}")
    elif operator == "%" and isinstance(left, str):
        if _WIDE_FORMAT.search(left):
            raise SecurityError("'%' formatting with a width of 1000 or more")
        for argument in right if isinstance(right, tuple) else (right,):
            _text(argument)  # refuses a record or a list, which would print as Python


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


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
    env.filters = {name: _checked(name, env.filters[name]) for name in _JINJA_FILTERS} | _FILTERS
    return env


_TEXT_FILTERS = frozenset(
    {"capitalize", "lower", "string", "title", "trim", "truncate", "upper", "wordcount"}
)
"""Jinja2's filters that turn their value into text: given only values (see _text)."""


def _checked(name: str, function: Callable[..., Any]) -> Callable[..., Any]:
    """Jinja2's filter ``name``, given only values where it makes text (see _text)."""
    if name == "sum":
        return _sum_numbers(function)
    if name not in _TEXT_FILTERS:
        return function
    # pass_environment/pass_context filters take that first, the value second.
    position = 1 if getattr(function, "jinja_pass_arg", None) else 0

    @functools.wraps(function)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        _text(args[position])
        return function(*args, **kwargs)

    return wrapper


def _sum_numbers(function: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(function)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        start = kwargs.get("start", args[3] if len(args) > 3 else 0)
        if not isinstance(start, int | float):
            raise SecurityError("'sum' adds numbers; use join for texts")
        return _check_size(function(*args, **kwargs), "sum")

    return wrapper


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
    texts = [_text(item) for item in items]
    if sum(map(len, texts)) + len(separator) * max(len(texts) - 1, 0) > MAX_TEXT:
        raise SecurityError("'join' would build a text too long for a letter")
    return str(separator).join(texts)


def _replace_filter(value: Any, old: str, new: str, count: int | None = None) -> str:
    text, old, new = _text(value), _text(old), _text(new)
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
        if not reading.is_file(path):
            raise TemplateError("template file not found", path=path, hint="check the path")
        return path
    directory = templates_dir()
    for candidate in (f"{name}.{language}", name):
        path = directory / (candidate + TEMPLATE_SUFFIX)
        if reading.is_file(path):
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

    The template sees the context's values, not its objects (records become read-only
    views of their fields), and has one budget of steps and time for the whole letter.

    Raises:
        TemplateError: naming the template file, the line and what went wrong (an
            undefined variable, something the sandbox refuses, a failing filter…).
    """
    token = _BUDGET.set(_Budget())
    try:
        return _render(template, _values(context))
    finally:
        _BUDGET.reset(token)


def _render(template: Template, context: Mapping[str, Any]) -> LetterText:
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
        except _TooMuch as exc:
            raise fail(
                exc,
                f"the template {exc}, far more than a letter needs",
                "look for a loop or a macro that never ends",
            ) from None
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
