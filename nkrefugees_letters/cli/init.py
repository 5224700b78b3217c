"""CLI: ``nkletters init`` — a commented organisation profile, asked for or given as options.

What a valid answer is (an email, a logo, a language) is the library's to say
(:mod:`profile`, :mod:`cliopts`); :func:`starter.write_starter` writes the file.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import click

from .. import cliopts
from ..errors import BadCountry
from .common import friendly_errors, i18n, profile, say, shown, starter

__all__ = ["init"]


@click.command()
@click.argument("folder", type=click.Path(path_type=Path, file_okay=False), default=".")
@click.option("--name", default=None, help="Organisation name (asked for when not given).")
@click.option("--address", multiple=True, help="An address line; repeat for each line.")
@click.option(
    "--country",
    default=None,
    help="Two-letter code of the organisation's country (decides which London).",
)
@click.option("--email", default=None, help="Contact email.")
@click.option("--phone", default=None, help="Contact phone.")
@click.option("--website", default=None, help="Website.")
@click.option("--lang", "language", default=None, help="Letters' language (default en).")
@click.option("--logo", default=None, help="Logo image (PNG or JPEG), relative to FOLDER.")
@click.option(
    "--signer", "signers", multiple=True, help="Name of a person who signs; repeat for each."
)
@click.option(
    "--title", "titles", multiple=True, help="The title of each --signer, in the same order."
)
@click.option("--force", is_flag=True, help="Replace an existing nkletters.yaml.")
@cliopts.verbosity
@friendly_errors
# Long only by its signature (one parameter per option) and its help text; the questions
# are asked by the helpers below.
def init(
    folder: Path,
    name: str | None,
    address: tuple[str, ...],
    country: str | None,
    email: str | None,
    phone: str | None,
    website: str | None,
    language: str | None,
    logo: str | None,
    signers: tuple[str, ...],
    titles: tuple[str, ...],
    force: bool,
) -> None:
    """Write a commented organisation profile, nkletters.yaml, in FOLDER.

    Asks for the organisation's name, address, country, contact lines, language, logo
    and signatories, checking each answer as it is typed; or takes them as options for
    scripts (no questions are asked when --name is given). A profile that would not
    load is never written.

    \b
    Examples:
        nkletters init
        nkletters init ngo --name "Friends of Refugees" --address "12 Harbour Road" \\
            --address "Cape Town 8001" --country ZA --email info@example.org \\
            --signer "Jane Doe" --title Chair --signer "Sam Lee" --title Treasurer
    """
    if (folder / profile.PROFILE_NAME).exists() and not force:
        raise click.ClickException(
            f"{shown(folder / profile.PROFILE_NAME)} already exists — "
            "edit it, or pass --force to replace it"
        )
    if len(titles) > len(signers):
        raise click.BadParameter("each --title follows its --signer", param_hint="'--title'")
    checks = _init_checks(folder)
    given = _checked_options(
        checks, {"country": country, "email": email, "lang": language, "logo": logo}
    )
    people = [(n, titles[i] if i < len(titles) else "") for i, n in enumerate(signers)]
    if name is None:
        name = click.prompt("Organisation name", value_proc=checks["name"])
        if not address:
            lines = click.prompt("Address, lines separated by ';'", default="", show_default=False)
            address = tuple(line.strip() for line in lines.split(";") if line.strip())
        _ask_missing(checks, given)
        phone = phone if phone is not None else _ask("Phone")
        website = website if website is not None else _ask("Website")
        _ask_rest(folder, checks, given)
        if not signers:
            _ask_signatories(people)
    values = starter.StarterValues(
        name=name,
        address=address,
        email=given["email"] or "",
        phone=phone or "",
        website=website or "",
        country=given["country"] or "",
        language=given["lang"] or "en",
        logo=given["logo"] or "",
        signatories=tuple(people),
    )
    path = starter.write_starter(folder, values, force=force)
    say(shown(path))
    say("next: check the profile with 'nkletters check'", err=True)


def _checked_options(
    checks: dict[str, Callable[[str], str]], given: dict[str, str | None]
) -> dict[str, str | None]:
    """The options given, each checked as its answer would be (a usage error if bad)."""
    for option, value in given.items():
        if value is not None:
            try:
                given[option] = checks[option](value)
            except click.UsageError as exc:
                raise click.BadParameter(exc.message, param_hint=f"'--{option}'") from None
    return given


def _ask_missing(checks: dict[str, Callable[[str], str]], given: dict[str, str | None]) -> None:
    """Ask for the country and the email when no option gave them."""
    for option, question in (
        ("country", "Country (two-letter code, e.g. GB, US, CA)"),
        ("email", "Email"),
    ):
        if given[option] is None:
            given[option] = _ask(question, checks[option])


def _ask_rest(
    folder: Path, checks: dict[str, Callable[[str], str]], given: dict[str, str | None]
) -> None:
    """Ask for the letters' language and the logo when no option gave them."""
    if given["lang"] is None:
        languages = ", ".join(cliopts.languages())
        given["lang"] = _ask(f"Language of the letters ({languages})", checks["lang"], "en")
    if given["logo"] is None:
        question = f"Logo image (PNG or JPEG, relative to {shown(folder)}; empty for none)"
        given["logo"] = _ask(question, checks["logo"])


def _ask_signatories(people: list[tuple[str, str]]) -> None:
    """Ask who signs, one person and their title at a time, until an empty answer."""
    while len(people) < profile.MAX_SIGNATORIES:
        who = _ask("Another person who signs (empty when done)" if people else "Who signs")
        if not who:
            break
        people.append((who, _ask("Their title")))


def _ask(question: str, check: Callable[[str], str] | None = None, default: str = "") -> str:
    return str(
        click.prompt(question, default=default, show_default=bool(default), value_proc=check)
    )


def _init_checks(folder: Path) -> dict[str, Callable[[str], str]]:
    """What ``init`` checks each answer with: it gives the value to write, or raises
    UsageError (which click.prompt shows before asking again)."""

    def name(text: str) -> str:
        if not text.strip():
            raise click.UsageError("the organisation's name cannot be empty")
        return text.strip()

    def country(text: str) -> str:
        try:
            return i18n.checked_country(text)
        except BadCountry as exc:
            raise click.UsageError(str(exc)) from None

    def email(text: str) -> str:
        problem = profile.email_problem(text.strip())
        if problem:
            raise click.UsageError(problem)
        return text.strip()

    def language(text: str) -> str:
        try:
            return cliopts.language_code(text) if text.strip() else "en"
        except ValueError as exc:
            raise click.UsageError(str(exc)) from None

    def logo(text: str) -> str:
        value = text.strip()
        if value:
            problem, hint = profile.image_problem((folder / value).expanduser())
            if problem:
                raise click.UsageError(f"{problem} — {hint}")
        return value

    return {"name": name, "country": country, "email": email, "lang": language, "logo": logo}
