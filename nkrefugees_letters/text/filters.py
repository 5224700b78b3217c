"""Filters: the template filters a letter may use — Jinja2's safe ones, checked, and ours.

Every filter that makes text takes only values (no records, no lists printed as Python),
and none can build a text larger than a letter could need.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Mapping
from datetime import date
from typing import Any

import jinja2
import jinja2.filters
from jinja2.exceptions import SecurityError

from .. import i18n
from .values import MAX_TEXT, as_text, check_size

__all__ = ["JINJA_FILTERS", "letter_filters"]

_TEXT_FILTERS = frozenset(
    {"capitalize", "lower", "string", "title", "trim", "truncate", "upper", "wordcount"}
)
"""Jinja2's filters that turn their value into text: given only values (see as_text)."""


def _checked(name: str, function: Callable[..., Any]) -> Callable[..., Any]:
    """Jinja2's filter ``name``, given only values where it makes text (see as_text)."""
    if name == "sum":
        return _sum_numbers(function)
    if name not in _TEXT_FILTERS:
        return function
    # pass_environment/pass_context filters take that first, the value second.
    position = 1 if getattr(function, "jinja_pass_arg", None) else 0

    @functools.wraps(function)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        as_text(args[position])
        return function(*args, **kwargs)

    return wrapper


def _sum_numbers(function: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(function)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        start = kwargs.get("start", args[3] if len(args) > 3 else 0)
        if not isinstance(start, int | float):
            raise SecurityError("'sum' adds numbers; use join for texts")
        return check_size(function(*args, **kwargs), "sum")

    return wrapper


JINJA_FILTERS = (
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
    texts = [as_text(item) for item in items]
    if sum(map(len, texts)) + len(separator) * max(len(texts) - 1, 0) > MAX_TEXT:
        raise SecurityError("'join' would build a text too long for a letter")
    return str(separator).join(texts)


def _replace_filter(value: Any, old: str, new: str, count: int | None = None) -> str:
    text, old, new = as_text(value), as_text(old), as_text(new)
    found = text.count(old) if old else len(text) + 1
    if count is not None and count >= 0:
        found = min(found, count)
    if len(text) + found * (len(new) - len(old)) > MAX_TEXT:
        raise SecurityError("'replace' would build a text too long for a letter")
    return text.replace(old, new, -1 if count is None else count)


_OURS: dict[str, Callable[..., Any]] = {
    "ordinal": _ordinal_filter,
    "long_date": _date_filter,
    "join": _join_filter,
    "replace": _replace_filter,
}


def letter_filters(
    jinja_filters: Mapping[str, Callable[..., Any]],
) -> dict[str, Callable[..., Any]]:
    """The filters a template may use: those of ``jinja_filters`` (an environment's own)
    named in :data:`JINJA_FILTERS`, checked, and ours (``ordinal``, ``long_date``, ``join``,
    ``replace``), which replace Jinja2's own ``join`` and ``replace``."""
    return {name: _checked(name, jinja_filters[name]) for name in JINJA_FILTERS} | _OURS
