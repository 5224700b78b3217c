"""Letters (nkrefugees_letters/letters.py): the pipeline's checks before a letter is laid out."""

from __future__ import annotations

import pytest

from nkrefugees_letters import letters
from nkrefugees_letters.profile import Organisation, Profile


def test_unprintable_character_is_a_clear_error() -> None:
    from nkrefugees_letters.errors import LayoutError

    profile = Profile(organisation=Organisation(name="Relief 😀"))
    with pytest.raises(
        LayoutError, match=r"organisation.name contains '😀' \(U\+1F600 GRINNING FACE\)"
    ):
        letters.check_printable(profile)
