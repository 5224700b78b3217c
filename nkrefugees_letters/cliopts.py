"""Command-line values: what ``--lang``, ``--country`` and ``-q``/``-v`` accept, and how the
shell completes them.

The obvious spellings are taken (``EN``, ``cn`` for Chinese, ``UK`` for Great Britain) and
anything else is a usage error naming the valid values, before any file is read. Printing
stays in :mod:`cli`; this module only parses.

It stays a flat module beside ``cli/`` rather than inside it: the web page (``web/``)
parses the same values with the same words, and importing ``cli`` would load every
command. It imports nothing heavy, so that ``nkletters --help`` stays quick.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

import click
from click.shell_completion import CompletionItem

from . import resources
from .errors import BadCountry
from .lazyimport import lazy_module

if TYPE_CHECKING:
    from . import i18n
else:  # Babel, only when a value is checked: --help must not load it
    i18n = lazy_module("nkrefugees_letters.i18n")

__all__ = [
    "QUIET",
    "VERBOSE",
    "complete_languages",
    "complete_missions",
    "complete_templates",
    "country_option_values",
    "is_quiet",
    "is_verbose",
    "lang_option_values",
    "language_code",
    "languages",
    "verbosity",
]

F = TypeVar("F", bound=Callable[..., Any])

QUIET = "nkletters.quiet"
VERBOSE = "nkletters.verbose"
"""Keys of ``ctx.meta`` (shared by a command and its group) set by ``-q`` and ``-v``."""


def languages() -> tuple[str, ...]:
    """Languages a letter can be written in: those of the built-in templates."""
    found = {p.name.split(".")[-2] for p in resources.templates_dir().glob("*.*.md")}
    return tuple(dict.fromkeys([*i18n.LANGUAGES, *sorted(found)]))


def language_code(text: str) -> str:
    """``EN`` → ``en``, ``cn`` → ``zh``, ``zh_CN`` → ``zh``, ``EN+CN`` → ``en+zh``.

    Raises ValueError (with the valid values) for anything else.
    """
    known = languages()
    pieces = text.split("+")
    if len(pieces) > 2 or not all(p.strip() for p in pieces):
        raise ValueError(f"{text!r}: give one language or two different ones joined by '+' (en+zh)")
    parts = []
    for part in pieces:
        code = part.strip().lower().replace("_", "-")
        code = i18n.LANGUAGE_ALIASES.get(code, code)
        if code.split("-")[0] in known and code not in known:
            code = code.split("-")[0]  # zh-cn, en-gb: the letter is written per language
        code = i18n.LANGUAGE_ALIASES.get(code, code)
        if code not in known:
            raise ValueError(
                f"{part.strip()!r} is not a language nkletters writes in; use one of "
                + ", ".join(known)
                + ", or two joined by '+' (en+zh)"
            )
        parts.append(code)
    if len(set(parts)) != len(parts):
        raise ValueError(f"{text!r}: give one language or two different ones joined by '+' (en+zh)")
    return "+".join(parts)


def lang_option_values(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    """``--lang``'s callback: one language or two joined by ``+``, any case, ``cn`` for ``zh``."""
    if value is None:
        return None
    try:
        return language_code(value)
    except ValueError as exc:
        raise click.BadParameter(str(exc), ctx, param) from None


def complete_languages(
    _ctx: click.Context, _param: click.Parameter, incomplete: str
) -> list[CompletionItem]:
    """Every language, and every pair of them for a bilingual letter."""
    codes = languages()
    values = [*codes, *(f"{a}+{b}" for a in codes for b in codes if a != b)]
    return [CompletionItem(v) for v in values if v.startswith(incomplete.lower())]


def _country(ctx: click.Context, param: click.Parameter, text: str) -> str:
    try:
        return i18n.checked_country(text)
    except BadCountry as exc:
        raise click.BadParameter(str(exc), ctx, param) from None


def country_option_values(
    ctx: click.Context, param: click.Parameter, value: str | tuple[str, ...]
) -> str | tuple[str, ...]:
    """``--country``'s callback: a two-letter ISO 3166-1 code in any case; ``UK`` is ``GB``."""
    if isinstance(value, tuple):
        return tuple(_country(ctx, param, v) for v in value)
    return _country(ctx, param, value)


def complete_missions(
    _ctx: click.Context, _param: click.Parameter, incomplete: str
) -> list[CompletionItem]:
    """Mission ids, each with its mission's short name."""
    from . import missions

    try:
        directory = missions.load()
    except Exception:  # completion must never print a traceback into the user's shell
        return []
    return [
        CompletionItem(m.id, help=m.short_name)
        for m in directory
        if m.id.startswith(incomplete.lower())
    ]


def complete_templates(
    _ctx: click.Context, _param: click.Parameter, incomplete: str
) -> list[CompletionItem]:
    """Built-in template names, with and without their language; else file names."""
    names = sorted(p.name[:-3] for p in resources.templates_dir().glob("*.md"))
    plain = sorted({n.split(".")[0] for n in names})
    values = list(dict.fromkeys([*plain, *names]))
    found = [CompletionItem(v) for v in values if v.startswith(incomplete)]
    # A path to one's own template: let the shell complete file names too.
    return found or [CompletionItem(incomplete, type="file")]


def _set_flag(key: str) -> Callable[[click.Context, click.Parameter, bool], None]:
    def callback(ctx: click.Context, _param: click.Parameter, value: bool) -> None:
        if value:
            ctx.meta[key] = True

    return callback


def verbosity(func: F) -> F:
    """``-q/--quiet`` and ``-v/--verbose`` for a command (also accepted before it)."""
    func = click.option(
        "-v",
        "--verbose",
        is_flag=True,
        expose_value=False,
        callback=_set_flag(VERBOSE),
        help="Also say why: which rule chose each mission.",
    )(func)
    return click.option(
        "-q",
        "--quiet",
        is_flag=True,
        expose_value=False,
        callback=_set_flag(QUIET),
        help="Print nothing but errors.",
    )(func)


def is_quiet() -> bool:
    """True when ``-q`` was given to the running command or its group."""
    ctx = click.get_current_context(silent=True)
    return bool(ctx is not None and ctx.meta.get(QUIET))


def is_verbose() -> bool:
    """True when ``-v`` was given (and not ``-q``)."""
    ctx = click.get_current_context(silent=True)
    return bool(ctx is not None and ctx.meta.get(VERBOSE)) and not is_quiet()
