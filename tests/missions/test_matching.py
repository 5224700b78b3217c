"""Matching: an address found in a page's text across writing habits, and the passage nearest."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nkrefugees_letters.missions import Address, matching

CHICAGO = Address(("100 West Erie Street",), "Chicago", "IL", "60654", "US")


@pytest.mark.parametrize(
    "text",
    [
        "100 WEST ERIE STREET, CHICAGO, IL 60654",
        "100 West Erie Street\nChicago, Illinois 60654-4321",
        "Address: 100, W Erie St — Chicago IL 60654",
        "100 W. Erie St. Chicago, IL 60654",
    ],
)
def test_match_ignores_case_punctuation_spacing_and_abbreviations(text: str) -> None:
    assert matching.find_address(CHICAGO, text).found


@pytest.mark.parametrize(
    ("address", "text"),
    [
        (Address(("Habarzel St. 25",), "Tel Aviv", "", "", "IL"), "25 Habarzel Street, Tel Aviv"),
        (Address(("Hofmannstraße 10",), "München", "", "81379", "DE"), "Hofmannstr. 10, 81379"),
        (Address(("Märkisches Ufer 54",), "Berlin", "", "10179", "DE"), "MARKISCHES UFER 54 10179"),
        (Address(("梅特涅街4号",), "Wien", "", "", "AT"), "地址：维也纳梅特涅街4号"),
        (Address(("20, rue Monsieur",), "Paris", "", "75007", "FR"), "20 Rue Monsieur 75007 Paris"),
        (Address(("No. 2 Kajificheni Close",), "Dar", "", "", "TZ"), "2 Kajificheni Close"),
    ],
)
def test_match_across_writing_habits(address: Address, text: str) -> None:
    assert matching.find_address(address, text).found


@pytest.mark.parametrize(
    "text",
    [
        "102 West Erie Street, Chicago, IL 60654",  # another number
        "100 West Ohio Street, Chicago, IL 60654",  # another street
        "100 West Erie Street, Chicago, IL 60611",  # another postal code
        # All there, but scattered over the page, not one address.
        "100 years of friendship. "
        + "News. " * 40
        + "West Erie Street parking. "
        + "x " * 40
        + "Chicago 60654",
    ],
)
def test_no_match_when_a_part_differs(text: str) -> None:
    match = matching.find_address(CHICAGO, text)
    assert not match.found
    assert match.nearest


def test_without_postal_code_number_and_street_suffice() -> None:
    address = Address(("222 Ben Yehuda St.",), "Tel Aviv", "", "", "IL")
    assert matching.find_address(address, "222 Ben Yehuda Street, Tel Aviv").found
    assert not matching.find_address(address, "Ben Yehuda Street, Tel Aviv").found


def test_nearest_is_empty_when_nothing_matches() -> None:
    assert matching.find_address(CHICAGO, "Welcome to our site") == matching.AddressMatch(False, "")


def test_nearest_passage_is_printable() -> None:
    match = matching.find_address(CHICAGO, "Erie\x1b[2J Street \u202e 60611")
    assert match.nearest == "Erie [2J Street 60611"


@settings(max_examples=200, deadline=None)
@given(text=st.text(max_size=400), street=st.text(max_size=40), postal=st.text(max_size=10))
def test_matching_free_text_never_raises(text: str, street: str, postal: str) -> None:
    address = Address((street,) if street else (), "X", "", postal, "US")
    match = matching.find_address(address, text)
    assert isinstance(match.found, bool)
