"""Render: front-matter fields, undefined names with file, line and hint, failing templates."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from nkrefugees_letters.profile import Profile
from nkrefugees_letters.text import render, templates

from .conftest import (
    FRONT,
    ORGANISATION,
    context,
    error,
    rendered,
    template_file,
)


def test_front_matter_fields_render(tmp_path: Path) -> None:
    text = rendered(tmp_path, "Body.\n")
    assert text.subject == "Subject for Chicago"
    assert text.recipient == (
        "Line one",
        "c/o Consulate General of the People's Republic of China in Chicago",
    )
    assert (text.salutation, text.closing) == ("Dear friends,", "Yours,")
    assert text.plain_text(recipient=()).startswith("Subject for Chicago\n\nDear friends,\n\nBody.")


@pytest.mark.parametrize(
    ("front", "body", "expected"),
    [
        (
            FRONT,
            "One.\n\nTwo {{ orgnisation.name }}.\n",
            "letter.md:12: undefined variable 'orgnisation' — did you mean 'organisation'? "
            "see docs/templates.md for the variables a template can use",
        ),
        (
            FRONT.replace("Dear friends,", "Dear {{ frend }},"),
            "",
            "letter.md:7: undefined variable 'frend' — "
            "see docs/templates.md for the variables a template can use",
        ),
        (
            FRONT.replace("  - Line one", "  - Line {{ nmber }}"),
            "",
            "letter.md:5: undefined variable 'nmber' — "
            "see docs/templates.md for the variables a template can use",
        ),
        (
            FRONT,
            "{{ mission.nmae }}\n",
            "letter.md:10: mission has no field 'nmae' — did you mean 'name'?",
        ),
        (
            FRONT,
            "{{ signatories[5].name }}\n",
            "letter.md:10: list has no item 5 — check the index",
        ),
    ],
    ids=["body", "salutation", "recipient-line", "field", "item"],
)
def test_undefined_names_give_template_line_and_name(
    tmp_path: Path, front: str, body: str, expected: str
) -> None:
    assert error(tmp_path, body, front) == expected


def test_organisation_in_a_personal_letter_says_how_to_guard_it(tmp_path: Path) -> None:
    assert error(tmp_path, "x\n\n{{ organisation.name }}\n", sender=Profile()) == (
        "letter.md:12: 'name' of an empty value — organisation is empty in a personal letter: "
        "put this inside {% if not personal %} … {% endif %}"
    )


def test_undefined_variable_error_carries_the_name(tmp_path: Path) -> None:
    path = template_file(tmp_path, "{{ a }} {{ b }}\n")
    template = templates.load_template(path)
    with pytest.raises(render.UndefinedVariableError) as caught:
        render.render(template, context())
    assert caught.value.variable == "a"
    # With placeholders for the names found so far, rendering goes on to the next one.
    with pytest.raises(render.UndefinedVariableError) as caught:
        render.render(template, render.with_placeholders(context(), ["a"]))
    assert caught.value.variable == "b"


def test_a_failing_filter_is_a_template_error(tmp_path: Path) -> None:
    assert error(tmp_path, "{{ 1 / 0 }}\n") == "letter.md:10: the template failed: division by zero"
    assert error(tmp_path, "{{ city|long_date }}\n") == (
        "letter.md:10: the template failed: long_date expects a date, got str"
    )
    assert error(tmp_path, "{{ date|long_date('xx') }}\n") == (
        "letter.md:10: unknown language 'xx' — use a code such as en, zh, ko, ja, es"
    )


# --- the worked example in docs/templates.md ---------------------------------------

DOCS = Path(__file__).resolve().parents[2] / "docs" / "templates.md"


def worked_example() -> str:
    text = DOCS.read_text(encoding="utf-8")
    match = re.search(r"<!-- worked-example[^>]*-->\n```\n(.*?)```", text, re.S)
    assert match, "docs/templates.md lost its worked example"
    return match.group(1)


@pytest.mark.parametrize(
    ("sender", "expected"),
    [
        (Profile(), "ask whether you could receive me at a time convenient"),
        (ORGANISATION, "Friends of Refugees would welcome the chance"),
    ],
    ids=["personal", "organisation"],
)
def test_docs_worked_example_renders(tmp_path: Path, sender: Profile, expected: str) -> None:
    path = tmp_path / "meeting.md"
    path.write_text(worked_example(), encoding="utf-8")
    text = render.render(templates.load_template(path), context(sender))
    assert text.subject == "Request for a meeting before September 24, 2026"
    assert text.recipient[0] == "Consul General"
    assert expected in text.plain_text()
    if sender is ORGANISATION:
        assert [b.plain for b in text.blocks if b.kind == "bullet"] == [
            "Jane Doe, Chair",
            "Kim Ji-hye",
        ]
