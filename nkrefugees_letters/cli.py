"""CLI: the ``nkletters`` command. Parses options, calls the library, prints, exits.

This is the only module that prints or exits. Library errors (LettersError) become one
line on stderr and exit status 1; Click's usage errors exit with 2.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any, TypeVar

import click

from . import __version__, letters, missions, profile
from .errors import LettersError

F = TypeVar("F", bound=Callable[..., Any])


def friendly_errors(func: F) -> F:
    """Turn library errors into one clear line on stderr and exit status 1."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except LettersError as exc:
            raise click.ClickException(str(exc)) from None

    return wrapper  # type: ignore[return-value]


def _shown(path: Path) -> str:
    """A path as the user would type it: relative to the current folder when inside it."""
    try:
        return os.path.relpath(path)
    except ValueError:
        return str(path)


def _warn(message: str) -> None:
    click.secho(f"warning: {message}", fg="yellow", err=True)


def _parse_date(_ctx: click.Context, _param: click.Parameter, value: str | None) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(
            f"{value!r} is not a date; use YYYY-MM-DD, e.g. 2026-09-24"
        ) from None


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="nkletters")
def cli() -> None:
    """Print appeal letters for Save North Korean Refugees Day (24 September).

    Each letter asks the President of the People's Republic of China, through his
    embassy or consulate in your city, to stop forcibly returning North Korean refugees.

    \b
    Example:
        nkletters generate --city Chicago
    """


@cli.command()
@click.option("--city", default="", help="City of the embassy or consulate, e.g. Chicago.")
@click.option(
    "--country", default="", help="Two-letter country code when a city name is ambiguous."
)
@click.option(
    "--mission", "mission_id", default="", help="Mission id instead of a city, e.g. us-chicago."
)
@click.option(
    "--profile",
    "profile_path",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Organisation profile (default: ./nkletters.yaml if present).",
)
@click.option(
    "--data",
    "data_paths",
    multiple=True,
    type=click.Path(path_type=Path, dir_okay=False),
    help="Your own mission YAML, merged over the built-in directory by id.",
)
@click.option(
    "--lang", "language", default=None, help="Letter language (default: the profile's, else en)."
)
@click.option("--template", default=None, help="Template name or path to your own template file.")
@click.option(
    "--paper",
    type=click.Choice(["auto", "a4", "letter"], case_sensitive=False),
    default=None,
    help="Paper size (default: US Letter in the US, Canada and Mexico, A4 elsewhere).",
)
@click.option(
    "--date",
    "when",
    callback=_parse_date,
    metavar="YYYY-MM-DD",
    help="Date printed on the letter (default: today).",
)
@click.option(
    "--out",
    "out_dir",
    type=click.Path(path_type=Path, file_okay=False),
    default=None,
    help="Output folder (default: ./letters).",
)
@click.option("--fold-marks", is_flag=True, help="Print fold and punch marks in the margin.")
@click.option(
    "--force", is_flag=True, help="Overwrite an existing file that nkletters did not write."
)
@friendly_errors
def generate(
    city: str,
    country: str,
    mission_id: str,
    profile_path: Path | None,
    data_paths: tuple[Path, ...],
    language: str | None,
    template: str | None,
    paper: str | None,
    when: date | None,
    out_dir: Path | None,
    fold_marks: bool,
    force: bool,
) -> None:
    """Write the letter for one embassy or consulate as a PDF.

    \b
    Examples:
        nkletters generate --city Chicago
        nkletters generate --city "San Francisco" --date 2026-09-24 --out ~/letters
        nkletters generate --mission gb-london --profile nkletters.yaml
    """
    if not city.strip() and not mission_id.strip():
        raise click.UsageError("say which mission: --city NAME or --mission ID")
    chosen_profile = profile.find(profile_path)
    loaded_profile = profile.load(chosen_profile)
    directory = missions.load(data_paths)
    mission = letters.resolve(directory, city=city, country=country, mission_id=mission_id)
    options = letters.LetterOptions(
        language=language,
        template=template,
        paper=paper,
        when=when,
        out_dir=out_dir,
        fold_marks=fold_marks,
        force=force,
    )
    written = letters.generate(mission, loaded_profile, options)
    for warning in written.warnings:
        _warn(warning)
    pages = f"{written.pages} page{'s' if written.pages != 1 else ''}"
    click.echo(f"wrote {_shown(written.path)} ({pages}, {written.paper})")
    if chosen_profile is None:
        click.echo(
            "hint: this is a personal letter; 'nkletters init' makes an organisation profile "
            "(letterhead, signatories)",
            err=True,
        )


@cli.command()
@click.argument("folder", type=click.Path(path_type=Path, file_okay=False), default=".")
@click.option("--name", default=None, help="Organisation name (asked for when not given).")
@click.option("--address", multiple=True, help="An address line; repeat for each line.")
@click.option("--email", default=None, help="Contact email.")
@click.option("--phone", default=None, help="Contact phone.")
@click.option("--website", default=None, help="Website.")
@click.option("--signer", default=None, help="Name of the person who signs.")
@click.option("--title", default=None, help="The signer's title.")
@click.option("--force", is_flag=True, help="Replace an existing nkletters.yaml.")
@friendly_errors
def init(
    folder: Path,
    name: str | None,
    address: tuple[str, ...],
    email: str | None,
    phone: str | None,
    website: str | None,
    signer: str | None,
    title: str | None,
    force: bool,
) -> None:
    """Write a commented organisation profile, nkletters.yaml, in FOLDER.

    Asks for the organisation's name and contact lines, or takes them as options
    for scripts (no questions are asked when --name is given).

    \b
    Examples:
        nkletters init
        nkletters init ngo --name "Friends of Refugees" --address "12 Harbour Road" \\
            --address "Cape Town 8001" --email info@example.org --signer "Jane Doe" --title Chair
    """
    if (folder / profile.PROFILE_NAME).exists() and not force:
        raise click.ClickException(
            f"{_shown(folder / profile.PROFILE_NAME)} already exists — "
            "edit it, or pass --force to replace it"
        )
    if name is None:
        name = click.prompt("Organisation name")
        if not address:
            lines = click.prompt("Address, lines separated by ';'", default="", show_default=False)
            address = tuple(line.strip() for line in lines.split(";") if line.strip())
        email = (
            email if email is not None else click.prompt("Email", default="", show_default=False)
        )
        phone = (
            phone if phone is not None else click.prompt("Phone", default="", show_default=False)
        )
        website = (
            website
            if website is not None
            else click.prompt("Website", default="", show_default=False)
        )
        signer = (
            signer
            if signer is not None
            else click.prompt("Who signs (name)", default="", show_default=False)
        )
        if signer and title is None:
            title = click.prompt("Their title", default="", show_default=False)
    values = profile.StarterValues(
        name=name,
        address=address,
        email=email or "",
        phone=phone or "",
        website=website or "",
        signer=signer or "",
        title=title or "",
    )
    path = profile.write_starter(folder, values, force=force)
    click.echo(_shown(path))
    click.echo("next: add your logo and check the profile with 'nkletters check'", err=True)


def main() -> None:
    """Console-script entry point."""
    cli(prog_name="nkletters")
