"""Resolution rules: which mission serves a place (`--city`, `missions find`), and why."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from click.testing import Result
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from nkrefugees_letters import missions, places
from nkrefugees_letters.errors import LettersError, MissionNotFound
from tests.conftest import FIXED_DATE, written_path

Run = Callable[..., Result]


@pytest.fixture(scope="module")
def directory() -> missions.Directory:
    return missions.load()


# --- resolution: the partner cities -------------------------------------------------------

PARTNER_CITIES = [
    ("Washington DC", "", "us-washington"),
    ("Washington", "", "us-washington"),
    ("New York", "", "us-new-york"),
    ("Chicago", "", "us-chicago"),
    ("Los Angeles", "", "us-los-angeles"),
    ("Canberra", "", "au-canberra"),
    ("Sydney", "", "au-sydney"),
    ("Ottawa", "", "ca-ottawa"),
    ("Toronto", "", "ca-toronto"),
    ("Helsinki", "", "fi-helsinki"),
    ("Tokyo", "", "jp-tokyo"),
    ("Osaka", "", "jp-osaka"),
    ("Lilongwe", "", "mw-lilongwe"),
    ("Mexico City", "", "mx-mexico-city"),
    ("The Hague", "", "nl-the-hague"),
    ("Lima", "", "pe-lima"),
    ("Pretoria", "", "za-pretoria"),
    ("Seoul", "", "kr-seoul"),
    ("London", "GB", "gb-london"),
]


@pytest.mark.parametrize(("city", "country", "mission_id"), PARTNER_CITIES)
def test_partner_cities_have_their_own_mission(
    directory: missions.Directory, city: str, country: str, mission_id: str
) -> None:
    resolution = places.resolve(directory, city, country)
    assert (resolution.mission.id, resolution.rule) == (mission_id, "city")
    assert resolution.reason.startswith(f"{city} has its own mission: the ")


def test_pretoria_goes_to_the_embassy(directory: missions.Directory) -> None:
    resolution = places.resolve(directory, "Pretoria")
    assert resolution.mission.kind == "embassy"
    assert resolution.reason == "Pretoria has its own mission: the Embassy in Pretoria"


def test_seoul_names_the_city_not_the_ward(directory: missions.Directory) -> None:
    assert places.resolve(directory, "Seoul").reason == (
        "Seoul has its own mission: the Embassy in Seoul"
    )


def test_traverse_city_is_in_chicagos_district(directory: missions.Directory) -> None:
    resolution = places.resolve(directory, "Traverse City")
    assert (resolution.mission.id, resolution.rule) == ("us-chicago", "district")
    assert resolution.reason == (
        "Traverse City (Michigan) is in the consular district of the Consulate-General in Chicago"
    )


def test_houston_names_the_mission_serving_texas_now(directory: missions.Directory) -> None:
    resolution = places.resolve(directory, "Houston")
    assert resolution.mission.id == "us-washington"
    assert resolution.closed is not None and resolution.closed.id == "us-houston"
    assert resolution.reason == (
        "the Consulate-General in Houston closed on 24 July 2020; Houston (Texas) is now in "
        "the consular district of the Embassy in Washington"
    )


@pytest.mark.parametrize(
    ("city", "country", "mission_id"),
    [
        ("Lansing", "", "us-chicago"),
        ("Dallas", "", "us-washington"),
        ("Portland, Oregon", "", "us-san-francisco"),
        ("Portland, Maine", "", "us-new-york"),
        ("London", "CA", "ca-toronto"),
        ("Hobart", "", "au-melbourne"),
        ("Kyoto", "", "jp-osaka"),
        ("Bloemfontein", "", "za-johannesburg"),
        # The embassy's district names Gatineau itself; Quebec is Montreal's.
        ("Gatineau", "", "ca-ottawa"),
    ],
)
def test_district_rule(
    directory: missions.Directory, city: str, country: str, mission_id: str
) -> None:
    resolution = places.resolve(directory, city, country)
    assert (resolution.mission.id, resolution.rule) == (mission_id, "district")


def test_nearest_mission_when_no_district_names_the_region(
    directory: missions.Directory,
) -> None:
    resolution = places.resolve(directory, "Tampere")
    assert (resolution.mission.id, resolution.rule) == ("fi-helsinki", "nearest")
    assert resolution.reason.startswith(
        "no consular district names Pirkanmaa; the nearest open mission is the "
        "Embassy in Helsinki, "
    )
    assert resolution.reason.endswith(" km from Tampere")


def test_same_name_in_another_region_is_not_the_mission_city(
    directory: missions.Directory,
) -> None:
    # Gwangju in Gyeonggi is a suburb of Seoul, not the Gwangju of the consulate.
    resolution = places.resolve(directory, "Gwangju, Gyeonggi-do")
    assert (resolution.mission.id, resolution.rule) == ("kr-seoul", "nearest")


def _mission(mission_id: str, kind: str, district: tuple[str, ...] = ()) -> missions.Mission:
    city = mission_id[3:].title()
    address = missions.Address(("1 Main Street",), city, "", "", mission_id[:2].upper())
    return missions.Mission(
        mission_id, kind, f"{kind} in {city}", address, consular_district=district
    )


def test_embassy_when_no_mission_has_a_position() -> None:
    directory = missions.Directory(
        (_mission("fi-turku", "consulate-general"), _mission("fi-helsinki", "embassy")), ()
    )
    resolution = places.resolve(directory, "Tampere")
    assert (resolution.mission.id, resolution.rule) == ("fi-helsinki", "embassy")
    assert resolution.reason == (
        "Tampere (Pirkanmaa) is in no consular district the directory knows, so the letter "
        "goes to the Embassy in Helsinki"
    )


def test_country_without_a_mission_says_so() -> None:
    directory = missions.Directory((_mission("fi-helsinki", "embassy"),), ())
    with pytest.raises(MissionNotFound) as caught:
        places.resolve(directory, "Stockholm")
    assert str(caught.value) == (
        "Stockholm (Stockholms län, SE): the directory lists no open mission in Sweden — "
        "choose one with 'nkletters missions list' and use --mission ID"
    )


# --- ambiguous and unknown names ----------------------------------------------------------


def test_london_is_the_far_larger_one_with_a_mission(directory: missions.Directory) -> None:
    resolution = places.resolve(directory, "London")
    assert resolution.mission.id == "gb-london"
    assert resolution.choice == (
        "London: chose the Embassy in London, the largest London; "
        "for London (Ontario, CA), add --country CA"
    )


@pytest.mark.parametrize(
    ("prefer", "mission_id", "other"), [("CA", "ca-toronto", "GB"), ("GB", "gb-london", "CA")]
)
def test_the_profiles_country_decides_london(
    directory: missions.Directory, prefer: str, mission_id: str, other: str
) -> None:
    resolution = places.resolve(directory, "London", prefer_country=prefer)
    assert resolution.mission.id == mission_id
    assert resolution.choice == (
        f"London: took London in {prefer}, your profile's country (organisation.country); "
        f"for the one in {other}, add --country {other}"
    )


def test_an_explicit_country_beats_the_profiles(directory: missions.Directory) -> None:
    resolution = places.resolve(directory, "London", "CA", prefer_country="GB")
    assert resolution.mission.id == "ca-toronto" and resolution.choice == ""


def test_vancouver_is_not_far_larger_so_it_asks(directory: missions.Directory) -> None:
    with pytest.raises(places.AmbiguousPlace) as caught:
        places.resolve(directory, "Vancouver")
    assert str(caught.value) == (
        "'Vancouver' is the name of several places: Vancouver (CA), Vancouver (Washington, US)"
        ' — add --country CA or --country US, or name the region: "Vancouver, Washington", '
        "or use --mission ca-vancouver"
    )


def test_the_profiles_country_does_not_decide_portland(directory: missions.Directory) -> None:
    with pytest.raises(places.AmbiguousPlace):
        places.resolve(directory, "Portland", prefer_country="US")


def test_portland_asks_which_portland(directory: missions.Directory) -> None:
    with pytest.raises(places.AmbiguousPlace) as caught:
        places.resolve(directory, "Portland", "US")
    assert str(caught.value) == (
        "'Portland' is the name of several places: Portland (Oregon, US), Portland (Maine, US)"
        ' — name the region: "Portland, Oregon" or "Portland, Maine"'
    )


def test_unknown_place(directory: missions.Directory) -> None:
    with pytest.raises(MissionNotFound) as caught:
        places.resolve(directory, "Lilliput")
    assert str(caught.value) == (
        "no mission found for city 'Lilliput' — see 'nkletters missions list' for every city"
    )


def test_misspelt_place_gets_a_suggestion_from_the_gazetteer(
    directory: missions.Directory,
) -> None:
    with pytest.raises(MissionNotFound) as caught:
        places.resolve(directory, "Travers City")
    assert "did you mean Traverse City (Michigan, US)? " in str(caught.value)


def test_bad_country_code(directory: missions.Directory) -> None:
    with pytest.raises(MissionNotFound) as caught:
        places.resolve(directory, "Lansing", "USA")
    assert str(caught.value) == (
        "'USA' is not a two-letter ISO 3166 country code; use e.g. US, GB (or UK), CA, KR — "
        "'nkletters missions list' shows every mission's country"
    )


@pytest.mark.parametrize("code", ["ZZ", "EU", "UN", "XA"])
def test_codes_that_name_no_country_are_refused(directory: missions.Directory, code: str) -> None:
    # Babel knows ZZ as "Unknown Region": once taken for a country, the message then
    # said "did you mean Chicago?" without naming it.
    with pytest.raises(MissionNotFound) as caught:
        places.resolve(directory, "Chicago", code)
    assert str(caught.value) == (
        f"{code!r} is not a two-letter ISO 3166 country code; use e.g. US, GB (or UK), CA, KR — "
        "'nkletters missions list' shows every mission's country"
    )


def test_a_city_not_in_the_given_country_says_so(directory: missions.Directory) -> None:
    with pytest.raises(MissionNotFound) as caught:
        places.resolve(directory, "Chicago", "FR")
    assert str(caught.value) == (
        "no mission found for city 'Chicago' in France (FR) — the directory has Chicago in US "
        "(--country US); see 'nkletters missions list' for every city"
    )


def test_a_misspelt_city_in_the_given_country_gets_a_suggestion(
    directory: missions.Directory,
) -> None:
    with pytest.raises(MissionNotFound) as caught:
        places.resolve(directory, "Pariss", "FR")
    assert str(caught.value).startswith(
        "no mission found for city 'Pariss' in France (FR) — did you mean Paris"
    )


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(text=st.text(max_size=40))
def test_any_text_resolves_or_fails_cleanly(directory: missions.Directory, text: str) -> None:
    try:
        resolution = places.resolve(directory, text)
    except LettersError:
        return
    assert resolution.mission.is_open and resolution.reason


# --- the CLI: generate --city and missions find --------------------------------------------


def test_generate_prints_which_rule_chose_the_mission(run: Run) -> None:
    result = run("generate", "--city", "Traverse City", "--date", FIXED_DATE)
    assert result.exit_code == 0, result.stderr
    assert written_path(result).name == f"{FIXED_DATE}_us-chicago.pdf"
    assert result.stderr.splitlines()[0] == (
        "Traverse City (Michigan) is in the consular district of the Consulate-General in Chicago"
    )


def test_generate_by_mission_id_prints_no_reason(run: Run) -> None:
    result = run("generate", "--mission", "za-pretoria", "--date", FIXED_DATE)
    assert result.exit_code == 0
    assert "has its own mission" not in result.stderr


def test_find_traverse_city_prints_chicago_and_why(run: Run) -> None:
    result = run("missions", "find", "Traverse City")
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[:3] == [
        "Traverse City (Michigan) is in the consular district of the Consulate-General in Chicago",
        "us-chicago",
        "  name             Consulate General of the People's Republic of China in Chicago",
    ]
    assert "                   CHICAGO, IL 60654" in lines
    assert not any(line.startswith("  note") for line in lines)


def test_find_houston_explains_the_closure(run: Run) -> None:
    result = run("missions", "find", "Houston")
    assert result.exit_code == 0
    first, second = result.stdout.splitlines()[:2]
    assert first.startswith("the Consulate-General in Houston closed on 24 July 2020; ")
    assert second == "us-washington"


def test_find_ambiguous_name_is_one_line(run: Run) -> None:
    result = run("missions", "find", "Vancouver")
    assert result.exit_code == 1
    assert result.stdout == ""
    assert len(result.stderr.splitlines()) == 1
    assert result.stderr.startswith("Error: 'Vancouver' is the name of several places: ")


def test_find_with_country(run: Run) -> None:
    result = run("missions", "find", "London", "--country", "ca")
    assert result.stdout.splitlines()[:2] == [
        "London (Ontario) is in the consular district of the Consulate-General in Toronto",
        "ca-toronto",
    ]


def test_an_embassys_city_twice_the_size_of_its_namesake_is_chosen() -> None:
    # Colombo (Sri Lanka) over Colombo (Paraná, Brazil); Vancouver still asks (a consulate).
    resolution = places.resolve(missions.load(), "Colombo")
    assert resolution.mission.id == "lk-colombo"
    assert resolution.choice == (
        "Colombo: chose the Embassy in Colombo, the largest Colombo; "
        "for Colombo (Paraná, BR), add --country BR"
    )
    with pytest.raises(places.AmbiguousPlace):
        places.resolve(missions.load(), "Vancouver")
