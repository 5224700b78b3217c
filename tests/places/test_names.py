"""Place names: the one place a name means, with a region or country after a comma."""

from __future__ import annotations

import pytest

from nkrefugees_letters import places


def test_gazetteer_knows_traverse_city_and_its_state() -> None:
    place = places.locate("Traverse City")
    assert (place.name, place.country, place.label) == (
        "Traverse City",
        "US",
        "Traverse City (Michigan)",
    )
    assert place.region is not None and place.region.code == "US-MI"
    assert places.distance_km(place.latitude, place.longitude, 44.76, -85.62) < 5


def test_regions_carry_their_local_names() -> None:
    region = places.locate("Kyoto").region
    assert region is not None and "京都府" in region.names


@pytest.mark.parametrize(
    ("text", "label"),
    [
        ("Portland, Oregon", "Portland (Oregon, US)"),
        ("Portland, ME", "Portland (Maine, US)"),
        ("London, Ontario", "London (Ontario, CA)"),
        ("London, UK", "London (England, GB)"),
        ("london,  united kingdom", "London (England, GB)"),
    ],
)
def test_a_region_or_country_after_a_comma_says_which(text: str, label: str) -> None:
    assert places.locate(text).full_label == label
