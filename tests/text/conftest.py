"""Shared by the tests of the text stage: a template file, its context, its error."""

from __future__ import annotations

import textwrap
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from nkrefugees_letters import letters, missions
from nkrefugees_letters.errors import TemplateError
from nkrefugees_letters.profile import Organisation, Profile, Signatory
from nkrefugees_letters.text import render, templates
from nkrefugees_letters.text.lettertext import LetterText

DIRECTORY = missions.load()
CHICAGO = DIRECTORY.get("us-chicago")
WHEN = date(2026, 9, 24)
ORGANISATION = Profile(
    organisation=Organisation("Friends of Refugees", email="info@example.org"),
    signatories=(Signatory("Jane Doe", "Chair"), Signatory("Kim Ji-hye")),
)
FRONT = """\
---
language: en
subject: "Subject for {{ city }}"
recipient:
  - Line one
  - "c/o {{ mission.name }}"
salutation: "Dear friends,"
closing: "Yours,"
---
"""


def context(sender: Profile = ORGANISATION, language: str = "en", **extra: Any) -> dict[str, Any]:
    return letters.context(CHICAGO, sender, WHEN, language, sender.signatories, **extra)


def template_file(tmp_path: Path, body: str, front: str = FRONT) -> Path:
    path = tmp_path / "letter.md"
    path.write_text(front + textwrap.dedent(body), encoding="utf-8")
    return path


def rendered(tmp_path: Path, body: str, sender: Profile = ORGANISATION) -> LetterText:
    return render.render(templates.load_template(template_file(tmp_path, body)), context(sender))


def error(tmp_path: Path, body: str, front: str = FRONT, sender: Profile = ORGANISATION) -> str:
    path = template_file(tmp_path, body, front)
    with pytest.raises(TemplateError) as caught:
        render.render(templates.load_template(path), context(sender))
    return str(caught.value).replace(str(path), "letter.md")


FORBIDS = "the template tried something the sandbox forbids: "
HINT = " — a template can use only the variables and filters in docs/templates.md"
