"""Markup: escaping values for the body markup, and parsing it into blocks and runs."""

from __future__ import annotations

from pathlib import Path

import pytest

from nkrefugees_letters.profile import Organisation, Profile, Signatory
from nkrefugees_letters.text import markup
from nkrefugees_letters.text.lettertext import Block, Run

from .conftest import (
    rendered,
)

# --- escaping and markup ----------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "escaped"),
    [
        ("Smith & Sons", "Smith & Sons"),
        ("*Kim*", "\\*Kim\\*"),
        ("**bold**", "\\*\\*bold\\*\\*"),
        ("- Jane", "\\- Jane"),
        ("• Jane", "\\• Jane"),
        ("back\\slash", "back\\\\slash"),
        ("  two\nlines\t ", "two lines"),
        (None, ""),
        (44, "44"),
    ],
)
def test_escape_markup(value: object, escaped: str) -> None:
    assert markup.escape_markup(value) == escaped


def test_body_markup() -> None:
    body = (
        "First line\nsame paragraph with **bold** and *italic*.\n\n"
        "- one item\n  continued\n- two \\*stars\\*\n\nLast."
    )
    assert markup.parse_body(body) == (
        Block(
            "paragraph",
            (
                Run("First line same paragraph with "),
                Run("bold", bold=True),
                Run(" and "),
                Run("italic", italic=True),
                Run("."),
            ),
        ),
        Block("bullet", (Run("one item continued"),)),
        Block("bullet", (Run("two *stars*"),)),
        Block("paragraph", (Run("Last."),)),
    )


def test_values_print_as_plain_text(tmp_path: Path) -> None:
    sender = Profile(
        organisation=Organisation("- *Kim* & <Sons> \\ Relief"),
        signatories=(Signatory("• Jane"),),
    )
    text = rendered(
        tmp_path,
        "{{ organisation.name }}\n\n{% for p in signatories %}\n{{ p.name }}\n{% endfor %}\n",
        sender,
    )
    assert text.blocks == (
        Block("paragraph", (Run("- *Kim* & <Sons> \\ Relief"),)),
        Block("paragraph", (Run("• Jane"),)),
    )
