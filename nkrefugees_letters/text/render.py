"""Render: fills a compiled template with a letter's values, in the sandbox, into a LetterText.

The template sees the context's values, not its objects (see :mod:`.values`), and has
one budget of steps and time for the whole letter (see :mod:`.sandbox`). Every failure
becomes a TemplateError naming the template file and line.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import jinja2
from jinja2.exceptions import SecurityError
from jinja2.utils import missing

from .. import validation
from ..errors import LettersError, TemplateError
from .lettertext import LetterText
from .markup import parse_body, unescape
from .sandbox import TooMuch, UnknownName, letter_budget
from .templates import Template
from .values import public_names, template_values

__all__ = ["SEE_DOCS", "UndefinedVariableError", "render", "with_placeholders"]


class UndefinedVariableError(TemplateError):
    """A template reads a variable that letters do not have (``{{ nmae }}``)."""

    def __init__(self, message: str, *, variable: str, **where: Any) -> None:
        super().__init__(message, **where)
        self.variable = variable


def render(template: Template, context: Mapping[str, Any]) -> LetterText:
    """Fill the template with ``context`` and parse the body markup into a LetterText.

    The template sees the context's values, not its objects (records become read-only
    views of their fields), and has one budget of steps and time for the whole letter.

    Raises:
        TemplateError: naming the template file, the line and what went wrong (an
            undefined variable, something the sandbox refuses, a failing filter…).
    """
    with letter_budget():
        values = template_values(context)
        # The front matter first, then the body: errors come in the order of the file.
        subject = _field(template, "subject", values)
        recipient = tuple(
            _field(template, key, values) for key in template.fields if key.startswith("recipient.")
        )
        salutation = _field(template, "salutation", values)
        closing = _field(template, "closing", values)
        body = _fill(template, template.body, template.body_line, values)
    return LetterText(
        language=template.language,
        subject=subject,
        recipient=tuple(line for line in recipient if line),
        salutation=salutation,
        blocks=parse_body(body),
        closing=closing,
        review=" ".join(str(template.front.get("review") or "").split()),
    )


def _field(template: Template, key: str, context: Mapping[str, Any]) -> str:
    """A front-matter field filled in: one line, the markup's escapes undone."""
    first_line = template.sources[key][1] if key in template.sources else 1
    return unescape(" ".join(_fill(template, template.fields[key], first_line, context).split()))


_FAILURES = (
    jinja2.UndefinedError,
    SecurityError,
    RecursionError,
    MemoryError,
    LettersError,
    TypeError,
    ValueError,
    ArithmeticError,
    LookupError,
    jinja2.TemplateError,
)
"""What a template's own mistakes raise; anything else is a bug and keeps its traceback."""


def _fill(
    template: Template, part: jinja2.Template, first_line: int, context: Mapping[str, Any]
) -> str:
    """One compiled part of ``template`` (starting at ``first_line``) rendered with ``context``.

    Raises:
        UndefinedVariableError: for a variable the context does not have.
        TemplateError: for every other failure, at its line of the file.
    """
    try:
        return part.render(context)
    except UnknownName as exc:
        message, hint = _explain_unknown(exc, context)
        line = _error_line(exc, first_line)
        if exc.obj is missing:
            raise UndefinedVariableError(
                message, variable=str(exc.name), path=template.path, line=line, hint=hint
            ) from None
        raise TemplateError(message, path=template.path, line=line, hint=hint) from None
    except _FAILURES as exc:
        message, hint = _describe(exc)
        line = _error_line(exc, first_line)
        raise TemplateError(message, path=template.path, line=line, hint=hint) from None


def _describe(exc: BaseException) -> tuple[str, str]:
    """The message and hint for one of :data:`_FAILURES` (most specific kind first)."""
    if isinstance(exc, jinja2.UndefinedError):
        return f"undefined: {exc.message}", SEE_DOCS
    if isinstance(exc, TooMuch):
        return (
            f"the template {exc}, far more than a letter needs",
            "look for a loop or a macro that never ends",
        )
    if isinstance(exc, SecurityError):
        return (
            f"the template tried something the sandbox forbids: {exc}",
            "a template can use only the variables and filters in docs/templates.md",
        )
    if isinstance(exc, RecursionError):
        return "the template calls a macro that never stops calling itself", ""
    if isinstance(exc, MemoryError):
        return "the template builds a text too large to print", ""
    if isinstance(exc, LettersError):
        return exc.message, exc.hint
    return f"the template failed: {exc}", ""


SEE_DOCS = "see docs/templates.md for the variables a template can use"
"""The hint for a misspelt or unknown variable."""


def _explain_unknown(exc: UnknownName, context: Mapping[str, Any]) -> tuple[str, str]:
    """What was missing, and the hint: the closest valid name, or how to guard a value."""
    name, owner = exc.name, exc.obj
    if owner is missing:
        suggestion = validation.closest(str(name), context)
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
    known = public_names(owner)
    suggestion = validation.closest(name, known)
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
