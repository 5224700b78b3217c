"""CLI: ``nkletters check`` — every problem of the profile, the directory and the templates.

The checking is :func:`check.run`'s; this module prints its report and sets the exit status.
"""

from __future__ import annotations

from pathlib import Path

import click

from .. import cliopts
from .common import (
    check_module,
    friendly_errors,
    missions,
    profile,
    profile_option,
    say,
    shown,
    warn,
)

__all__ = ["check"]


@click.command()
@profile_option
@click.option(
    "--data",
    "data_args",
    multiple=True,
    is_flag=False,
    flag_value="",
    metavar="[FILE]",
    help="Your own mission YAML, merged over the built-in directory by id. Without a file: "
    "list every mission whose source is older than --max-age, to refresh before 24 September.",
)
@click.option(
    "--template",
    "template_names",
    multiple=True,
    help="Also check this template (a name or a path); repeat for more.",
)
@click.option(
    "--max-age",
    type=click.IntRange(min=1),
    default=missions.MAX_AGE_MONTHS,
    show_default=True,
    metavar="MONTHS",
    help="List missions whose source is older than this (with --data).",
)
@cliopts.verbosity
@friendly_errors
def check(
    profile_path: Path | None,
    data_args: tuple[str, ...],
    template_names: tuple[str, ...],
    max_age: int,
) -> None:
    """Check the profile, the mission directory and every template, and list all problems.

    Each problem is one line, 'file:line: what is wrong — how to fix it'. The exit
    status is 1 when there is any. Missions whose source is older than --max-age months
    are listed too, as reminders (they do not fail the check): those of your --data
    files, or with a bare --data every one, built-in included.

    \b
    Examples:
        nkletters check
        nkletters check --data                 # which addresses are due for a re-check
        nkletters check --profile ngo/nkletters.yaml --data our-missions.yaml
        nkletters check --template my-letter.md
    """
    chosen = profile.find(profile_path)
    data_paths = tuple(Path(arg) for arg in data_args if arg)
    report = check_module.run(chosen, data_paths, template_names, max_age_months=max_age)
    for warning in profile.comment_warnings(chosen) if chosen and chosen.is_file() else ():
        warn(warning)
    for problem in report.problems:
        click.echo(str(problem))
    list_all = "" in data_args
    own_stale = [s for s in report.stale if s.own or list_all]
    for stale in own_stale:
        say(str(stale))
    builtin_stale = len(report.stale) - len(own_stale)
    if builtin_stale:
        say(
            f"note: {builtin_stale} built-in addresses were last confirmed over {max_age} "
            "months ago; a newer nkletters may have newer ones",
            err=True,
        )
    levels = ", ".join(f"{n} {level}" for level, n in report.confidence if n)
    checked = (
        f"{'profile ' + shown(chosen) if chosen else 'no profile (personal letters)'}, "
        f"{report.mission_count} missions ({levels}), {len(report.templates)} templates"
    )
    if report.ok:
        say(f"ok: {checked}", err=True)
        return
    count = len(report.problems)
    click.echo(f"{count} problem{'s' if count != 1 else ''} in {checked}", err=True)
    click.get_current_context().exit(1)
