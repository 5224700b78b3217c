"""Sandbox: the guarded Jinja2 environment, with a budget of steps, time and output per letter.

Jinja2's immutable sandbox keeps templates away from Python internals; this one also
refuses any operation that would build a text, list or number too large for a letter,
counts every loop iteration and call against the letter's budget, and has no globals and
only the filters of :mod:`.filters`.
"""

from __future__ import annotations

import contextlib
import functools
import re
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextvars import ContextVar
from functools import cache
from typing import Any

import jinja2
from jinja2 import nodes
from jinja2.compiler import CodeGenerator, Frame
from jinja2.exceptions import SecurityError
from jinja2.runtime import LoopContext
from jinja2.sandbox import ImmutableSandboxedEnvironment
from jinja2.utils import missing

from . import filters
from .markup import escape_markup
from .values import MAX_NUMBER_BITS, MAX_TEXT, as_text, check_size

__all__ = [
    "MAX_STEPS",
    "RENDER_SECONDS",
    "TooMuch",
    "UnknownName",
    "environment",
    "letter_budget",
]

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


class TooMuch(SecurityError):  # noqa: N818 - reads as the message says
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
            raise TooMuch(f"repeats a loop or a call more than {MAX_STEPS:,} times")
        if time.monotonic() > self.deadline:
            raise TooMuch(f"took more than {RENDER_SECONDS:g} seconds")


_BUDGET: ContextVar[_Budget | None] = ContextVar("nkletters_render_budget", default=None)


def _spend() -> None:
    budget = _BUDGET.get()
    if budget is not None:
        budget.spend()


@contextlib.contextmanager
def letter_budget() -> Iterator[None]:
    """Within this block, templates share one letter's budget of steps and time.

    A context variable, not an argument: the sandbox's hooks are called by Jinja2's
    generated code, which passes nothing of ours through.
    """
    token = _BUDGET.set(_Budget())
    try:
        yield
    finally:
        _BUDGET.reset(token)


class UnknownName(jinja2.UndefinedError):
    """A template used a variable, field or item that does not exist."""

    def __init__(self, message: str | None = None, *, name: Any = None, obj: Any = missing):
        super().__init__(message)
        self.name = name
        self.obj = obj


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
    and stopping a template that loops, calls or prints without end (see letter_budget)."""

    code_generator_class = _CountedLoops
    intercepted_binops = frozenset({"*", "**", "%", "+"})

    def call_binop(
        self, context: jinja2.runtime.Context, operator: str, left: Any, right: Any
    ) -> Any:
        _spend()
        _refuse_growth(operator, left, right)
        return check_size(super().call_binop(context, operator, left, right), operator)

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
        texts = [as_text(part) for part in parts]
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
                raise TooMuch(f"prints more than {MAX_TEXT:,} characters")
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
            as_text(argument)  # refuses a record or a list, which would print as Python


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
    env.filters = filters.letter_filters(env.filters)
    return env
