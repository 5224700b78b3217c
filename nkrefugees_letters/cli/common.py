"""CLI helpers every command shares: the library modules (loaded lazily), printing, options.

The library modules are named here through :func:`lazyimport.lazy_module`, before any
command module imports them, so that ``nkletters --help`` loads none of them and each
command loads only what it uses. A command module takes them from here
(``from .common import letters``) and reads as if they were imported at its top.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from ..errors import LettersError, UsageError
from ..lazyimport import lazy_module

if TYPE_CHECKING:
    from .. import check as check_module
    from .. import coverage, i18n, letters, missions, output, places, profile, selection, starter
    from ..text import templates
else:  # loaded when a command first uses them: --help needs none (see lazyimport).
    # The layout, fonts, YAML, verify, phone and postal modules are registered lazily
    # too, so that the options (missions.KINDS and MAX_AGE_MONTHS, verify's) and a
    # directory read from its cache do not load them.
    check_module, coverage, i18n, letters, missions, output, places, profile, *_ = (
        lazy_module(f"nkrefugees_letters.{name}")
        for name in (
            *("check", "coverage", "i18n", "letters", "missions", "output", "places"),
            *("profile", "pdf.layout", "pdf.fonts", "yamlio", "missions.verify"),
            *("missions.verify_report", "missions.listing", "phones", "postal"),
        )
    )
    selection, starter, templates, *_ = (
        lazy_module(f"nkrefugees_letters.{name}")
        for name in ("selection", "starter", "text.templates", "text.render", "validation")
    )
from .. import cliopts

__all__ = [
    "F",
    "check_module",
    "country_option",
    "coverage",
    "data_option",
    "date_option",
    "error",
    "explain",
    "friendly_errors",
    "i18n",
    "letter_lang_option",
    "letter_mission",
    "letters",
    "load_profile",
    "missions",
    "output",
    "parse_date",
    "places",
    "profile",
    "profile_option",
    "say",
    "selection",
    "shown",
    "starter",
    "template_option",
    "templates",
    "warn",
]

F = TypeVar("F", bound=Callable[..., Any])


def friendly_errors(func: F) -> F:
    """Turn library errors into one clear line on stderr and exit status 1, and a
    library's usage error into Click's (usage, then the line; exit status 2)."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except UsageError as exc:
            raise click.UsageError(str(exc)) from None
        except LettersError as exc:
            raise click.ClickException(str(exc)) from None

    return wrapper  # type: ignore[return-value]


# --- printing ----------------------------------------------------------------------------


def shown(path: Path) -> str:
    """A path as the user would type it: relative to the current folder when inside it."""
    try:
        return os.path.relpath(path)
    except ValueError:
        return str(path)


def say(message: str, *, err: bool = False) -> None:
    """A line of output that ``-q`` silences (file paths, notes, summaries)."""
    if not cliopts.is_quiet():
        click.echo(message, err=err)


def explain(message: str) -> None:
    """The reasoning that ``-v`` shows (which rule chose the mission)."""
    if cliopts.is_verbose():
        click.echo(message, err=True)


def warn(message: str) -> None:
    """A warning on stderr, in yellow; ``-q`` silences it."""
    if not cliopts.is_quiet():
        click.secho(f"warning: {message}", fg="yellow", err=True)


def error(message: str) -> None:
    """An error that does not stop the run (a bad signer row, a failed letter): never silenced."""
    click.secho(f"error: {message}", fg="red", err=True)


# --- options -----------------------------------------------------------------------------


def parse_date(_ctx: click.Context, _param: click.Parameter, value: str | None) -> date | None:
    """``--date``'s callback: an ISO date, or a usage error saying how to write one."""
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(
            f"{value!r} is not a date; use YYYY-MM-DD, e.g. 2026-09-24"
        ) from None


profile_option = click.option(
    "--profile",
    "profile_path",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Organisation profile (default: ./nkletters.yaml if present).",
)

data_option = click.option(
    "--data",
    "data_paths",
    multiple=True,
    type=click.Path(path_type=Path, dir_okay=False),
    help="Your own mission YAML, merged over the built-in directory by id.",
)


template_option = click.option(
    "--template",
    default=None,
    shell_complete=cliopts.complete_templates,
    help="Template name or path to your own template file.",
)

date_option = click.option(
    "--date",
    "when",
    callback=parse_date,
    metavar="YYYY-MM-DD",
    help="Date printed on the letter (default: today).",
)


def letter_lang_option(help_text: str) -> Callable[[F], F]:
    """``--lang`` for a letter: checked and completed the same on every command."""
    return click.option(
        "--lang",
        "language",
        default=None,
        callback=cliopts.lang_option_values,
        metavar="LANG",
        shell_complete=cliopts.complete_languages,
        help=help_text,
    )


def country_option(help_text: str) -> Callable[[F], F]:
    """One ``--country`` (a two-letter code, checked as every ``--country`` is)."""
    return click.option(
        "--country",
        default="",
        metavar="CC",
        callback=cliopts.country_option_values,
        help=help_text,
    )


# --- one letter's mission ------------------------------------------------------------------


def load_profile(path: Path | None) -> profile.Profile:
    """The profile at ``path`` (None: the built-in one), its warnings said."""
    loaded = profile.load(path)
    for warning in loaded.warnings:
        warn(warning)
    return loaded


def letter_mission(
    loaded_profile: profile.Profile,
    data_paths: tuple[Path, ...],
    target: tuple[str, str, str],
) -> places.Resolution:
    """The mission of one letter (``generate``, ``preview``): ``target`` is the
    ``(city, country, mission_id)`` of :func:`selection.single`. The notes on how it was
    chosen are said as ``-q``/``-v`` ask (see :func:`selection.explain`)."""
    city, country, mission_id = target
    directory = missions.load(data_paths)
    found = selection.choose(
        directory, loaded_profile, city=city, country=country, mission_id=mission_id
    )
    for note in found.notes:
        if note.kind == "note":
            say(f"note: {note.text}", err=True)
        elif note.kind == "reason":
            say(note.text, err=True)
        else:
            explain(note.text)
    return found.resolution
