"""Values: templates see read-only records and values, never objects or paths on disk."""

from __future__ import annotations

from pathlib import Path

import pytest

from nkrefugees_letters.profile import Organisation, Profile

from .conftest import (
    FORBIDS,
    HINT,
    error,
)

# --- templates see values, never objects --------------------------------------------


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        (
            "mission",
            "mission is a record of fields, not a text: print one of them, e.g. {{ mission.name }}",
        ),
        (
            "mission|upper",
            "mission is a record of fields, not a text: print one of them, e.g. {{ mission.name }}",
        ),
        (
            "'%s' % mission",
            "mission is a record of fields, not a text: print one of them, e.g. {{ mission.name }}",
        ),
        (
            "mission ~ ''",
            "mission is a record of fields, not a text: print one of them, e.g. {{ mission.name }}",
        ),
        (
            "mission.address",
            "address is a record of fields, not a text: print one of them, "
            "e.g. {{ address.lines }}",
        ),
        ("self", "a TemplateReference is not a text a letter can print"),
        ("mission.address.lines", "a list is not a text: print its items with |join(', ')"),
    ],
)
def test_an_object_is_never_printed(tmp_path: Path, expression: str, expected: str) -> None:
    assert (
        error(tmp_path, f"{{{{ {expression} }}}}\n") == f"letter.md:10: {FORBIDS}{expected}{HINT}"
    )


def test_no_field_gives_a_path_on_disk(tmp_path: Path) -> None:
    message = error(tmp_path, "{{ mission.origin }}\n")
    assert message.startswith("letter.md:10: mission has no field 'origin' — its fields: id, ")
    assert "origin" not in message.split("—", 1)[1]
    sender = Profile(organisation=Organisation("Friends", logo=tmp_path / "logo.png"))
    message = error(tmp_path, "{{ organisation.logo }}\n", sender=sender)
    assert message == (
        "letter.md:10: organisation has no field 'logo' — "
        "its fields: name, address, email, phone, website, country"
    )
