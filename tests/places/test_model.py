"""Place types: distances between places and missions."""

from __future__ import annotations

import pytest

from nkrefugees_letters import places


def test_distance_on_the_equator() -> None:
    assert places.distance_km(0, 0, 0, 1) == pytest.approx(111.19, abs=0.01)
    assert places.distance_km(51.5, -0.1, 51.5, -0.1) == 0
