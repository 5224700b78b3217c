"""Mission file: every field of a mission checked with its exact message, and the cache."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from nkrefugees_letters import missions
from nkrefugees_letters.errors import DataError
from tests.missions.sample import mission_yaml, v2

WriteYaml = Callable[[str, str], Path]


# --- checks of one mission ---------------------------------------------------------------


def _error(write_yaml: WriteYaml, text: str) -> str:
    path = write_yaml("m.yaml", text)
    with pytest.raises(DataError) as caught:
        missions.load_file(path)
    return str(caught.value).replace(str(path), "m.yaml")


def test_unknown_country_code_is_refused(write_yaml: WriteYaml) -> None:
    assert _error(write_yaml, mission_yaml(country="XQ")) == (
        "m.yaml:10: missions[0].address: country: 'XQ' is not an ISO 3166-1 country code"
        " — use the two-letter code, e.g. GB for the United Kingdom"
    )


@pytest.mark.parametrize(
    ("country", "postal_code"),
    [("US", "1234"), ("CA", "K1N5H"), ("JP", "1060046"), ("GB", "W1B"), ("NL", "2517")],
)
def test_postal_code_of_the_wrong_shape_is_refused(
    write_yaml: WriteYaml, country: str, postal_code: str
) -> None:
    message = _error(write_yaml, mission_yaml(country=country, postal_code=postal_code))
    assert message == (
        f"m.yaml:9: missions[0].address: postal_code: {postal_code!r} is not a postal code "
        f"of {country} — copy it as the source page writes it; leave it out if no page gives it"
    )


@pytest.mark.parametrize(
    ("country", "postal_code"),
    [("US", "60654"), ("CA", "K1N 5H3"), ("JP", "106-0046"), ("GB", "W1B 1JL"), ("MW", "any")],
)
def test_postal_codes_of_the_right_shape_load(
    write_yaml: WriteYaml, country: str, postal_code: str
) -> None:
    path = write_yaml("m.yaml", mission_yaml(country=country, postal_code=postal_code))
    assert missions.load_file(path)[0].address.postal_code == postal_code


def test_position_defaults_to_a_source_position(write_yaml: WriteYaml) -> None:
    extra = '    latitude: "41.89"\n        longitude: "-87.63"'
    mission = missions.load_file(write_yaml("m.yaml", mission_yaml(extra=extra)))[0]
    assert (mission.latitude, mission.longitude, mission.coordinates) == (41.89, -87.63, "source")


def test_latitude_without_longitude_is_refused(write_yaml: WriteYaml) -> None:
    message = _error(write_yaml, mission_yaml(extra='    latitude: "41.89"'))
    assert message == "m.yaml:13: missions[0]: latitude and longitude: give both or neither"


def test_coordinates_without_a_position_is_refused(write_yaml: WriteYaml) -> None:
    message = _error(write_yaml, mission_yaml(extra="    coordinates: city"))
    assert message == (
        "m.yaml:13: missions[0]: coordinates: says where latitude and longitude come from,"
        " but there are none"
    )


def test_unknown_source_date_kind_is_refused(write_yaml: WriteYaml) -> None:
    message = _error(write_yaml, mission_yaml(extra="    source_date_kind: guessed"))
    assert message == (
        "m.yaml:13: missions[0].source_date_kind: expected one of page, accessed, "
        "got 'guessed' — did you mean 'accessed'?"
    )


@pytest.mark.parametrize(
    ("entry", "expected"),
    [
        (
            "{adress: 1 Old Road, source: 'https://example.org/old'}",
            "m.yaml:14: missions[0].superseded[0].adress: unknown field — did you mean 'address'?",
        ),
        (
            "{source: 'https://example.org/old'}",
            "m.yaml:14: missions[0].superseded[0].address: required field is missing"
            " — add 'address: …'",
        ),
        (
            "{address: 1 Old Road, source: 'ftp://example.org/old'}",
            "m.yaml:14: missions[0].superseded[0]: source: expected a web address starting "
            "with http:// or https://",
        ),
        (
            "{address: 1 Old Road, source_date: '2026-13-01'}",
            "m.yaml:14: missions[0].superseded[0].source_date: expected a date as YYYY-MM-DD, "
            "got '2026-13-01' — e.g. 2026-09-24",
        ),
        (
            "{address: 1 Old Road, source_date_kind: guessed}",
            "m.yaml:14: missions[0].superseded[0].source_date_kind: expected one of page, "
            "accessed, got 'guessed' — did you mean 'accessed'?",
        ),
        (
            "1 Old Road",
            "m.yaml:14: missions[0].superseded[0]: expected a mapping of fields (address, "
            "source, source_date, source_date_kind, note)",
        ),
    ],
)
def test_superseded_entries_are_validated_like_missions(
    write_yaml: WriteYaml, entry: str, expected: str
) -> None:
    assert (
        _error(write_yaml, mission_yaml(extra=f"    superseded:\n          - {entry}")) == expected
    )


def test_a_sound_superseded_entry_loads(write_yaml: WriteYaml) -> None:
    entry = (
        "{address: 1 Old Road, source: 'https://example.org/old', source_date: '2020-01-02', "
        "source_date_kind: accessed, note: moved in 2021}"
    )
    path = write_yaml("m.yaml", mission_yaml(extra=f"    superseded:\n          - {entry}"))
    assert missions.load_file(path)[0].id == "us-testville"


def test_directory_cache_is_used_and_follows_edits(tmp_path: Path) -> None:
    from nkrefugees_letters import missions as m

    data = tmp_path / "mine.yaml"
    data.write_text(
        'schema_version: "1"\nmissions:\n  - id: is-reykjavik\n    kind: embassy\n'
        "    name: Embassy in Iceland\n    verified: false\n"
        "    address: {lines: [Bríetartún 1], locality: Reykjavík,"
        " postal_code: '105', country: IS}\n",
        encoding="utf-8",
    )
    first = m.load_file(data)
    assert [x.address.lines for x in first] == [("Bríetartún 1",)]
    assert m.load_file(data) == first  # second read comes from the cache, equal in every field
    data.write_text(data.read_text("utf-8").replace("Bríetartún 1", "Bríetartún 2"), "utf-8")
    assert m.load_file(data)[0].address.lines == ("Bríetartún 2",)


def test_builtin_directory_reads_the_same_from_cache() -> None:
    from nkrefugees_letters import missions as m
    from nkrefugees_letters.resources import missions_file

    fresh, problems = m.check_file(missions_file())  # parses without the cache
    assert problems == []
    assert m.load_file(missions_file()) == fresh
    assert m.load_file(missions_file()) == fresh


# --- sources, offices, phones, schema 1 ----------------------------------------------


def test_superseded_addresses_are_checked_like_the_rest(write_yaml: WriteYaml) -> None:
    message = _error(
        write_yaml,
        mission_yaml(
            extra="    superseded:\n          - {address: Old Street 1, sauce: https://x.org}"
        ),
    )
    assert message == (
        "m.yaml:14: missions[0].superseded[0].sauce: unknown field — did you mean 'source'?"
    )


def test_a_consular_office_needs_its_own_source(write_yaml: WriteYaml) -> None:
    office = (
        "    consular_office:\n"
        "          address: {lines: [2 Side Street], locality: Testville, country: US}"
    )
    message = _error(write_yaml, v2(mission_yaml(extra=office)))
    assert message.startswith("m.yaml:14: missions[0].consular_office.source: required field")


def test_official_copy_without_its_copy_is_refused(write_yaml: WriteYaml) -> None:
    message = _error(write_yaml, v2(mission_yaml(extra="    confidence: official-copy")))
    assert message == (
        "m.yaml:13: missions[0]: source_copy: an official-copy address needs the URL and date "
        "of the copy read — add 'source_copy: https://…' and 'source_copy_date: YYYY-MM-DD'"
    )


def test_a_malformed_phone_is_refused(write_yaml: WriteYaml) -> None:
    message = _error(write_yaml, mission_yaml(extra="    phone: '+1-312-80'"))
    assert message == (
        "m.yaml:13: missions[0]: phone: '+1-312-80' is not a valid phone number — copy the "
        "number as the source page gives it, with its country code"
    )


def test_schema_1_files_still_load(write_yaml: WriteYaml) -> None:
    path = write_yaml("m.yaml", mission_yaml(extra="    verified: 'true'"))
    (mission,) = missions.load_file(path)
    assert mission.confidence == "official"


def test_a_name_under_a_key_that_is_no_language_code_is_refused(write_yaml: WriteYaml) -> None:
    extra = "    names: {ja: 中国駐芝加哥総領事館, English: Consulate}"
    assert _error(write_yaml, v2(mission_yaml(extra=extra))) == (
        "m.yaml:13: missions[0]: 'English' under names is not a language code — use e.g. zh, ko, ja"
    )


def test_names_in_language_codes_load(write_yaml: WriteYaml) -> None:
    extra = "    names: {ja: 中国駐芝加哥総領事館, ko: 주시카고 중국 총영사관}"
    (mission,) = missions.load_file(write_yaml("m.yaml", v2(mission_yaml(extra=extra))))
    assert mission.names == (("ja", "中国駐芝加哥総領事館"), ("ko", "주시카고 중국 총영사관"))
