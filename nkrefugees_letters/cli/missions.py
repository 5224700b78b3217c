"""CLI: ``nkletters missions`` — list, show, stats, find and verify the directory.

The tables, CSV and descriptions are :mod:`missions.listing`'s; which mission serves a
place is :func:`places.resolve`'s; ``verify`` lives in :mod:`.verify`.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

import click

from .. import cliopts
from ..lazyimport import lazy_module
from .common import (
    country_option,
    coverage,
    data_option,
    friendly_errors,
    letters,
    missions,
    places,
    say,
    warn,
)
from .verify import missions_verify

if TYPE_CHECKING:
    from ..missions import listing
else:  # --help loads no mission module (see lazyimport)
    listing = lazy_module("nkrefugees_letters.missions.listing")

__all__ = ["missions_group"]


def _print_mission(mission: missions.Mission, *, notes: bool = True) -> None:
    click.echo("\n".join(listing.show_lines(mission, notes=notes)))
    if mission.is_open:
        for warning in letters.mission_warnings(mission):
            warn(warning)


@click.group(name="missions")
def missions_group() -> None:
    """The directory of PRC embassies and consulates-general: list, show, find.

    \b
    Examples:
        nkletters missions list --country US
        nkletters missions show us-chicago
        nkletters missions find "Traverse City"
    """


@missions_group.command(name="list")
@country_option("Only missions in this country (two-letter code), e.g. US.")
@click.option(
    "--kind", type=click.Choice(missions.KINDS), default=None, help="Only this kind of mission."
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "csv", "json"]),
    default="table",
    show_default=True,
    help="table for reading, csv for spreadsheets, json for programs.",
)
@data_option
@cliopts.verbosity
@friendly_errors
def missions_list(country: str, kind: str | None, fmt: str, data_paths: tuple[Path, ...]) -> None:
    """List the missions in the directory.

    \b
    Examples:
        nkletters missions list
        nkletters missions list --country CA --kind consulate-general
        nkletters missions list --format json > missions.json
    """
    chosen = missions.load(data_paths).select(country=country, kind=kind or "")
    if fmt == "json":
        click.echo(listing.json_text(chosen))
    elif fmt == "csv":
        click.echo(listing.csv_text(chosen), nl=False)
    else:
        click.echo("\n".join(listing.table(chosen)))
        say(listing.count_line(chosen), err=True)


@missions_group.command(name="show")
@click.argument("mission_id", shell_complete=cliopts.complete_missions)
@data_option
@cliopts.verbosity
@friendly_errors
def missions_show(mission_id: str, data_paths: tuple[Path, ...]) -> None:
    """Everything the directory holds about one mission, by id.

    \b
    Example:
        nkletters missions show us-chicago
    """
    _print_mission(missions.load(data_paths).get(mission_id))


@missions_group.command(name="stats")
@data_option
@cliopts.verbosity
@friendly_errors
def missions_stats(data_paths: tuple[Path, ...]) -> None:
    """How much of the world the directory covers, and how well each address is known.

    \b
    Example:
        nkletters missions stats
    """
    for line in coverage.report(missions.load(data_paths), date.today()):
        click.echo(line)


@missions_group.command(name="find")
@click.argument("place")
@country_option("Country of the place (two-letter code) when its name is ambiguous.")
@data_option
@cliopts.verbosity
@friendly_errors
def missions_find(place: str, country: str, data_paths: tuple[Path, ...]) -> None:
    """Which mission serves PLACE, and why.

    PLACE is a city or town; add its region after a comma when the name is shared
    ("Portland, Maine"). The tool looks for a mission in that city, then for the mission
    whose consular district holds its state or province, then for the nearest one.

    \b
    Examples:
        nkletters missions find "Traverse City"
        nkletters missions find London --country CA
    """
    resolution = places.resolve(missions.load(data_paths), place, country)
    if resolution.choice:
        say(f"note: {resolution.choice}", err=True)
    click.echo(resolution.reason)
    _print_mission(resolution.mission, notes=False)


missions_group.add_command(missions_verify)
