"""CLI: ``nkletters preview`` — one letter as plain text, to read its wording before printing.

The mission is chosen as ``generate`` chooses it (:mod:`selection`); the text is
:func:`letters.compose`'s.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import click

from .. import cliopts
from .common import (
    country_option,
    data_option,
    date_option,
    friendly_errors,
    letter_lang_option,
    letter_mission,
    letters,
    load_profile,
    profile,
    profile_option,
    selection,
    template_option,
    warn,
)

__all__ = ["preview"]


@click.command()
@click.option("--city", default="", help="City of the embassy or consulate, e.g. Chicago.")
@country_option("Two-letter country code when a city name is ambiguous.")
@click.option(
    "--mission",
    "mission_id",
    default="",
    shell_complete=cliopts.complete_missions,
    help="Mission id instead of a city, e.g. us-chicago.",
)
@profile_option
@data_option
@letter_lang_option("Letter language (default: the profile's, else en).")
@template_option
@date_option
@cliopts.verbosity
@friendly_errors
def preview(
    city: str,
    country: str,
    mission_id: str,
    profile_path: Path | None,
    data_paths: tuple[Path, ...],
    language: str | None,
    template: str | None,
    when: date | None,
) -> None:
    """Print the letter for one mission as plain text, to check its wording before printing.

    \b
    Examples:
        nkletters preview --city Chicago
        nkletters preview --city London --template my-letter.md --lang en
    """
    chosen = selection.Selection.of(False, (country,), (city,), (mission_id,))
    target = selection.single(
        chosen,
        not_both="preview shows one letter: give --city or --mission, not both "
        "('nkletters generate' takes several)",
    )
    selection.check(chosen)
    loaded_profile = load_profile(profile.find(profile_path))
    resolution = letter_mission(loaded_profile, data_paths, target)
    options = letters.LetterOptions(language=language, template=template, when=when)
    letter = letters.compose(resolution.mission, loaded_profile, options)
    dates = [letter.date_text, *([letter.second_date_text] if letter.second_date_text else [])]
    people = [", ".join(filter(None, (p.name, p.title))) for p in letter.signatories]
    click.echo("\n".join([*letter.recipient_lines, "", *dates, ""]))
    click.echo(letter.text.plain_text(recipient=()))
    click.echo("\n".join(["", *(people or ["(signature, name in capitals)"])]))
    for warning in letters.review_warnings(letter.text):
        warn(warning)
