"""Schema: a JSON Schema for ``nkletters.yaml``, so that editors complete and check profiles.

``nkletters schema`` prints it and ``docs/nkletters.schema.json`` holds a copy (a test keeps
the two equal). Point an editor at it with a first line in the profile:
``# yaml-language-server: $schema=docs/nkletters.schema.json``. The schema mirrors what
:func:`profile.load` accepts; the loader stays the judge (it reports the line and the fix).
"""

from __future__ import annotations

import json
from typing import Any

from . import i18n, profile

__all__ = ["profile_schema", "profile_schema_text"]

_TEXT = {"type": "string"}


def _text(description: str, **extra: Any) -> dict[str, Any]:
    return {"type": "string", "description": description, **extra}


def _lines(description: str) -> dict[str, Any]:
    return {
        "description": description,
        "anyOf": [{"type": "string"}, {"type": "array", "items": _TEXT}],
    }


def _section(description: str, properties: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {
        "type": "object",
        "description": description,
        "additionalProperties": False,
        "properties": properties,
        **extra,
    }


_IMAGE = "PNG or JPEG file, relative to the profile"


def profile_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of an organisation profile."""
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "nkletters profile (nkletters.yaml)",
        "description": "Who writes the appeal letter, who signs it, and the defaults.",
        "type": "object",
        "additionalProperties": False,
        "properties": {
            "organisation": _organisation(),
            "letterhead": _letterhead(),
            "signatories": _signatories(),
            "co_signing_organisations": _lines("Organisations that co-sign, listed by name."),
            "defaults": _defaults(),
        },
    }


def _organisation() -> dict[str, Any]:
    return _section(
        "The sending organisation: letterhead and return address.",
        {
            "name": _text("The organisation's name.", minLength=1),
            "address": _lines("Address lines, one entry each."),
            "country": _text(
                "ISO 3166 two-letter code (GB, US, CA…): decides a city name that "
                "several countries share, such as London.",
                pattern="^[A-Za-z]{2}$",
            ),
            "email": _text("Contact email.", pattern="^$|^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$"),
            "phone": _text("Contact phone, written as it should print."),
            "website": _text("Website."),
            "logo": _text(f"Logo: a {_IMAGE}."),
        },
        required=["name"],
    )


def _letterhead() -> dict[str, Any]:
    return _section(
        "How the letterhead looks.",
        {
            "tagline": _text("A line under the name."),
            "accent_colour": _text(
                'Colour of the name and the rule, in quotes: "#1f3a5f".',
                pattern="^#[0-9a-fA-F]{6}$",
            ),
            "placement": {
                "description": "Where the letterhead sits.",
                "enum": list(profile.PLACEMENTS),
            },
            "footer": _text("A line at the foot of the page."),
        },
    )


def _signatories() -> dict[str, Any]:
    return {
        "type": "array",
        "description": "The people who sign, each with a line to sign on.",
        "maxItems": profile.MAX_SIGNATORIES,
        "items": _section(
            "A person who signs.",
            {
                "name": _text("Their name.", minLength=1),
                "title": _text("Their title, e.g. Chair."),
                "organisation": _text("Their organisation, if not yours."),
                "signature": _text(f"A scanned signature: a {_IMAGE}."),
            },
            required=["name"],
        ),
    }


def _defaults() -> dict[str, Any]:
    languages = "|".join(i18n.LANGUAGES)
    return _section(
        "Defaults for options not given on the command line.",
        {
            "language": _text(
                "The letter's language, or two joined by '+' (en+zh).",
                pattern=f"^({languages})(\\+({languages}))?$",
            ),
            "paper": {"description": "Paper size.", "enum": list(profile.PAPERS)},
            "out": _text("Output folder, relative to the profile."),
            "template": _text("A built-in template name or a path to your own."),
        },
    )


def profile_schema_text() -> str:
    """The schema as the file ``docs/nkletters.schema.json`` holds it."""
    return json.dumps(profile_schema(), ensure_ascii=False, indent=2) + "\n"
