"""Starter: the commented ``nkletters.yaml`` that ``nkletters init`` writes, checked first."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from . import output, profile, yamlio
from .errors import DataError

__all__ = ["STARTER", "StarterValues", "starter_text", "write_starter"]


STARTER = """\
# nkletters profile: who writes the letter, who signs it, and your defaults.
# Every value is printed as plain text. Lines starting with # are comments.
# Check it with 'nkletters check'; see the README for every field.

organisation:
  name: {name}
  address: [{address}]    # one quoted line per entry, e.g. ["12 Harbour Road", "Cape Town 8001"]
  {country_comment}country: {country}             # two-letter code: which London you mean
  email: {email}
  phone: {phone}
  website: {website}
  {logo_comment}logo: {logo}        # PNG or JPEG, relative to this file

letterhead:
  # tagline: Speaking for those who cannot
  accent_colour: "#1f3a5f"  # the colour of your name and the rule under the letterhead
  placement: left           # left, centre or right
  # footer: Registered charity no. 123456 · example.org

{signatories}
# co_signing_organisations: ["Another NGO", "A third one"]

defaults:
  language: {language}              # en, zh, ko, ja, es
  paper: auto               # auto (Letter in the US, Canada and Mexico, A4 elsewhere), a4, letter
  out: letters              # output folder, relative to this file
  template: appeal          # a built-in template name, or a path to your own
"""


@dataclass(frozen=True)
class StarterValues:
    """What ``nkletters init`` asks for."""

    name: str
    address: tuple[str, ...] = ()
    email: str = ""
    phone: str = ""
    website: str = ""
    country: str = ""
    language: str = "en"
    logo: str = ""
    """The logo's path as written in the profile: relative to it, or absolute."""
    signatories: tuple[tuple[str, str], ...] = ()
    """(name, title) of each person who signs."""


def starter_text(values: StarterValues) -> str:
    """A commented profile filled with ``values``; it loads back as exactly those values."""
    q = yamlio.quote
    if values.signatories:
        signatories = "signatories:  # one to six people; each gets a line to sign on\n"
        for name, title in values.signatories:
            signatories += (
                f"  - name: {q(name)}\n"
                f"    title: {q(title)}\n"
                "    # signature: signature.png   # optional scanned signature (PNG or JPEG)\n"
            )
    else:
        signatories = (
            "# signatories:              # one to six people; each gets a line to sign on\n"
            "#   - name: Jane Doe        # without signatories the letter has blank lines to sign\n"
            "#     title: Chair\n"
        )
    return STARTER.format(
        signatories=signatories,
        name=q(values.name),
        address=", ".join(q(line) for line in values.address),
        email=q(values.email),
        phone=q(values.phone),
        website=q(values.website),
        country=q(values.country) if values.country else "GB",
        country_comment="" if values.country else "# ",
        logo=q(values.logo) if values.logo else "logo.png",
        logo_comment="" if values.logo else "# ",
        language=q(values.language or "en"),
    )


def write_starter(folder: Path, values: StarterValues, *, force: bool = False) -> Path:
    """Write ``folder/nkletters.yaml``; an existing profile is only replaced with ``force``."""
    path = folder / profile.PROFILE_NAME
    if path.exists() and not force:
        raise DataError(
            "a profile already exists here",
            path=path,
            hint="edit it, or pass --force to replace it",
        )
    if not values.name.strip():
        raise DataError("the organisation's name is required", hint="pass --name NAME")
    # Check the profile where it will live (the logo is relative to it) before it takes
    # the name nkletters.yaml: a profile that does not load is never left behind.
    text = starter_text(values)
    trial = output.ensure_dir(folder) / f".{profile.PROFILE_NAME}.new"
    output.write_atomic(trial, text.encode(), force=True)
    try:
        profile.load(trial)
    except DataError as error:
        raise DataError(error.message, path=path, line=error.line, hint=error.hint) from None
    finally:
        trial.unlink(missing_ok=True)
    output.write_atomic(path, text.encode(), force=True)
    return path
