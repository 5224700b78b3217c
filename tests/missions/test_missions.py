"""The mission directory: the real data file, its look-ups and helpers, `missions list|show`."""

from __future__ import annotations

import csv
import importlib.util
import io
import json
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from types import ModuleType

import pytest
from click.testing import Result
from hypothesis import given, settings
from hypothesis import strategies as st

from nkrefugees_letters import i18n, missions, phones, places, postal, yamlio
from nkrefugees_letters.resources import missions_file
from tests.missions.sample import mission_yaml, v2

Run = Callable[..., Result]
WriteYaml = Callable[[str, str], Path]

ROOT = Path(__file__).resolve().parents[2]
PARTNER_COUNTRIES = ("AU", "CA", "FI", "JP", "MW", "MX", "NL", "PE", "ZA", "KR", "GB", "US")


@pytest.fixture(scope="module")
def directory() -> missions.Directory:
    return missions.load()


@pytest.fixture(scope="module")
def raw_entries() -> list[dict[str, object]]:
    data = yamlio.load_file(missions_file())
    return list(data["missions"])


# --- the real data file ---------------------------------------------------------------


def test_ids_are_unique(raw_entries: list[dict[str, object]]) -> None:
    counts = Counter(str(entry["id"]) for entry in raw_entries)
    assert [mission_id for mission_id, n in counts.items() if n > 1] == []


def test_required_fields_are_present(directory: missions.Directory) -> None:
    for mission in directory:
        assert mission.id and mission.kind in missions.KINDS and mission.name, mission.id
        assert mission.address.locality and mission.address.country, mission.id
        assert mission.id.startswith(mission.country.lower() + "-"), mission.id
        assert mission.confidence in missions.CONFIDENCE_LEVELS, mission.id
        if mission.is_open and not mission.address.lines:
            assert not mission.verified, f"{mission.id}: no street address, yet verified"


def test_country_codes_are_real(directory: missions.Directory) -> None:
    assert [m.id for m in directory if not i18n.is_country_code(m.country)] == []


def test_postal_codes_fit_their_country(directory: missions.Directory) -> None:
    wrong = [
        (m.id, m.address.postal_code)
        for m in directory
        if m.address.postal_code
        and not missions.postal_code_fits(m.address.postal_code, m.address.country)
    ]
    assert wrong == []


def test_every_open_verified_mission_is_sourced(directory: missions.Directory) -> None:
    for mission in directory:
        if mission.is_open and mission.verified:
            assert mission.source.startswith(("http://", "https://")), mission.id
            assert mission.source_date is not None, mission.id


def test_closed_missions_name_an_open_successor(directory: missions.Directory) -> None:
    for mission in directory:
        if not mission.is_open:
            assert mission.closed_on, mission.id
            if mission.successor:
                assert directory.get(mission.successor).is_open, mission.id


def test_every_partner_country_has_its_embassy(directory: missions.Directory) -> None:
    for country in PARTNER_COUNTRIES:
        kinds = [m.kind for m in directory.select(country=country) if m.is_open]
        assert "embassy" in kinds, country


def test_positions_are_within_50_km_of_the_gazetteers_city(
    directory: missions.Directory,
) -> None:
    far = []
    for mission in directory:
        if mission.latitude is None or mission.longitude is None:
            continue
        place = places.mission_place(mission)
        assert place is not None, f"{mission.id}: city not in the gazetteer"
        km = places.distance_km(
            mission.latitude, mission.longitude, place.latitude, place.longitude
        )
        if km > 50:
            far.append((mission.id, round(km)))
    assert far == []


def _enrich_script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("enrich_data", ROOT / "scripts/enrich_data.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_gazetteer_fields_are_up_to_date(
    directory: missions.Directory, raw_entries: list[dict[str, object]]
) -> None:
    enrich = _enrich_script().enrich
    stale = []
    for raw in raw_entries:
        plain = json.loads(json.dumps(raw))
        if enrich(json.loads(json.dumps(raw)), directory.get(str(raw["id"]))) != plain:
            stale.append(raw["id"])
    assert stale == [], "run: python scripts/enrich_data.py"


def test_mission_cities_with_big_namesakes_are_marked(directory: missions.Directory) -> None:
    assert directory.get("gb-london").namesakes == ("London (Ontario, CA)",)
    for quiet in ("us-washington", "us-los-angeles", "us-chicago", "za-pretoria", "kr-seoul"):
        assert directory.get(quiet).namesakes == (), quiet


def test_ward_and_suburb_localities_get_the_citys_name(directory: missions.Directory) -> None:
    assert directory.get("jp-tokyo").city_name == "Tokyo"
    assert directory.get("au-sydney").short_name == "Consulate-General in Sydney"
    assert directory.get("us-chicago").short_name == "Consulate-General in Chicago"


# --- helpers -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("entry", "region"),
    [
        ("Michigan", "Michigan"),
        ("Limpopo Province", "Limpopo"),
        ("Newfoundland & Labrador", "Newfoundland and Labrador"),
        ("大阪府", "大阪府"),
        ("KwaZulu-Natal", "Kwazulu-Natal"),
    ],
)
def test_district_entries_match_region_names(entry: str, region: str) -> None:
    assert missions.district_keys(entry) & missions.district_keys(region)


def test_namesake_labels_carry_their_country() -> None:
    assert missions.namesake_country("London (Ontario, CA)") == "CA"
    assert missions.namesake_country("Singapore (SG)") == "SG"
    assert missions.namesake_country("nonsense") == ""


@pytest.mark.parametrize("city", ["Washington DC", "Washington, D.C.", "washington", "WASHINGTON"])
def test_city_forms_find_the_mission(directory: missions.Directory, city: str) -> None:
    assert [m.id for m in directory.in_city(city)] == ["us-washington"]


def test_the_city_part_of_the_id_is_a_city_name(directory: missions.Directory) -> None:
    assert [m.id for m in directory.in_city("Mexico City")] == ["mx-mexico-city"]


def _in_city_by_keys(directory: missions.Directory, city: str) -> list[str]:
    """in_city as defined: every mission sharing a form of its city with ``city``."""
    wanted = {missions.normalise(city), missions.compact(city)}
    return [m.id for m in directory if wanted & missions.city_keys(m)]


def test_every_form_of_every_city_finds_its_mission(directory: missions.Directory) -> None:
    for mission in directory:
        for key in missions.city_keys(mission):
            assert mission.id in [m.id for m in directory.in_city(key)], key
            assert [m.id for m in directory.in_city(key)] == _in_city_by_keys(directory, key)


@settings(max_examples=300, deadline=None)
@given(
    st.one_of(
        st.text(max_size=30),
        st.sampled_from(["São Paulo", "sao-paulo", "New  York", "ST. PETERSBURG", "Ōsaka"]),
    )
)
def test_the_city_index_answers_as_the_city_forms_do(city: str) -> None:
    directory = missions.load()
    assert [m.id for m in directory.in_city(city)] == _in_city_by_keys(directory, city)


def test_csv_rows_have_every_column(directory: missions.Directory) -> None:
    row = missions.to_row(directory.get("us-chicago"))
    assert tuple(row) == missions.CSV_COLUMNS
    assert row["address_lines"] == "100 West Erie Street"
    assert row["consular_district"].startswith("Illinois | Indiana")


# --- nkletters missions list / show ------------------------------------------------------


def test_list_is_a_table_of_every_mission(run: Run, directory: missions.Directory) -> None:
    result = run("missions", "list")
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["ID", "KIND", "CITY", "STATUS", "CONFIDENCE"]
    assert len(lines) == 1 + len(directory.missions)
    assert any(line.split()[:2] == ["us-houston", "consulate-general"] for line in lines)
    countries = len({m.country for m in directory})
    assert result.stderr == f"{len(directory.missions)} missions in {countries} countries\n"


def test_list_filters_by_country_and_kind(run: Run) -> None:
    result = run("missions", "list", "--country", "us", "--kind", "consulate-general")
    ids = [line.split()[0] for line in result.stdout.splitlines()[1:]]
    assert ids == [
        "us-new-york",
        "us-chicago",
        "us-san-francisco",
        "us-los-angeles",
        "us-houston",
    ]


def test_list_rejects_a_bad_country_code(run: Run) -> None:
    result = run("missions", "list", "--country", "USA")
    assert result.exit_code == 2
    assert "'USA' is not a two-letter ISO 3166 country code; use e.g. US, GB (or UK)" in (
        result.stderr
    )


def test_list_as_json_is_valid_json(run: Run, directory: missions.Directory) -> None:
    result = run("missions", "list", "--format", "json")
    assert result.exit_code == 0
    records = json.loads(result.stdout)
    assert len(records) == len(directory.missions)
    chicago = next(r for r in records if r["id"] == "us-chicago")
    assert chicago["address"]["postal_code"] == "60654"
    assert chicago["postal_lines"] == ["100 West Erie Street", "CHICAGO, IL 60654"]
    assert "Michigan" in chicago["consular_district"]


def test_list_as_csv_reads_back(run: Run) -> None:
    result = run("missions", "list", "--format", "csv", "--country", "ZA")
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert [r["id"] for r in rows] == [
        "za-pretoria",
        "za-johannesburg",
        "za-cape-town",
        "za-durban",
    ]
    assert rows[0]["kind"] == "embassy"


def test_show_prints_the_address_and_district(run: Run) -> None:
    result = run("missions", "show", "US-CHICAGO")
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert lines[0] == "us-chicago"
    assert "  address          100 West Erie Street" in lines
    assert "                   CHICAGO, IL 60654" in lines
    assert any(line.startswith("  district         Illinois, Indiana") for line in lines)
    assert "  head             Consul General" in lines


def test_show_warns_about_an_address_below_official_copy(run: Run, write_yaml: WriteYaml) -> None:
    path = write_yaml("m.yaml", v2(mission_yaml(extra="    confidence: single")))
    result = run("missions", "show", "us-testville", "--data", str(path))
    assert result.stderr.startswith(
        "warning: the address of the Consulate General in Testville is known only at "
        "confidence 'single', not from an official page (best source: "
        "https://example.org/contact); check it before delivery"
    )
    assert "  confidence       single: one non-official page gives this address" in result.stdout


def test_show_does_not_warn_about_an_official_copy(run: Run) -> None:
    result = run("missions", "show", "my-kuala-lumpur")
    assert result.exit_code == 0
    assert "warning" not in result.stderr
    assert "  confidence       official-copy: a dated copy of the Foreign Ministry's list" in (
        result.stdout
    )
    assert "  copy read        https://github.com/Benny-pig/-earth-world/blob/" in result.stdout


def test_show_unknown_id_suggests_one(run: Run) -> None:
    result = run("missions", "show", "us-chicgo")
    assert result.exit_code == 1
    assert result.stderr == (
        "Error: no mission with id 'us-chicgo' — did you mean 'us-chicago'? "
        "see 'nkletters missions list'\n"
    )


def test_data_file_is_merged_over_the_directory(run: Run, write_yaml: WriteYaml) -> None:
    path = write_yaml("mine.yaml", mission_yaml(country="FI", postal_code="00100"))
    result = run("missions", "list", "--country", "FI", "--data", str(path))
    ids = [line.split()[0] for line in result.stdout.splitlines()[1:]]
    assert ids == ["fi-helsinki", "fi-testville"]


# --- coverage and how each address is known (issue 11) ---------------------------------


def test_the_directory_lists_every_embassy_and_most_consulates(
    directory: missions.Directory,
) -> None:
    kinds = Counter(m.kind for m in directory)
    assert kinds["embassy"] >= 176
    assert kinds["consulate-general"] >= 90


def test_every_open_post_has_a_dated_source(directory: missions.Directory) -> None:
    unsourced = [m.id for m in directory if m.is_open and not (m.source and m.source_date)]
    assert unsourced == []


def test_most_addresses_come_from_official_pages_or_their_copies(
    directory: missions.Directory,
) -> None:
    confirmed = [m for m in directory if m.is_open and m.confidence in missions.CONFIRMED_LEVELS]
    assert len(confirmed) >= 170


def test_an_official_copy_cites_the_copy_it_was_read_from(
    directory: missions.Directory,
) -> None:
    for mission in directory:
        if mission.confidence == "official-copy":
            assert mission.source_copy.startswith("https://"), mission.id
            assert mission.source_copy_date is not None, mission.id


def test_a_confirmed_address_has_street_lines(directory: missions.Directory) -> None:
    assert [m.id for m in directory if m.verified and not m.address.lines] == []


def test_no_taiwan_office_is_listed(directory: missions.Directory) -> None:
    # The copy of the ministry's list also holds Taiwan's offices: none is a PRC mission.
    words = ("Taipei", "Taiwan", "Republic of China (", "台北", "臺北", "中華民國")
    assert [m.id for m in directory if any(w in m.name + m.name_zh for w in words)] == []


def test_chinese_names_are_simplified(directory: missions.Directory) -> None:
    traditional = set("國華駐館領總聯館亞爾義蘭")
    assert [m.id for m in directory if traditional & set(m.name_zh)] == []


CJK_POST_COUNTRIES = ("JP", "KR", "CN", "TW", "HK", "MO")


def test_addresses_are_in_a_script_the_local_post_reads(directory: missions.Directory) -> None:
    # An Austrian envelope gets Metternichgasse 4, not 梅特涅街4号.
    wrong = [
        m.id
        for m in directory
        if m.address.country not in CJK_POST_COUNTRIES
        and postal.is_cjk(" ".join((*m.address.lines, m.address.locality)))
    ]
    assert wrong == []


def test_phone_numbers_are_valid_and_international(directory: missions.Directory) -> None:
    for mission in directory:
        if mission.phone:
            assert phones.problem(mission.phone, mission.address.country) == "", mission.id
            assert mission.phone == phones.international(mission.phone, mission.address.country)


def test_list_as_json_carries_confidence_and_both_addresses(run: Run) -> None:
    result = run("missions", "list", "--country", "US", "--format", "json")
    records = {r["id"]: r for r in json.loads(result.stdout)}
    washington = records["us-washington"]
    assert washington["confidence"] == "official"
    assert washington["postal_lines"][0] == "3505 International Place, N.W."
    assert washington["consular_office"]["postal_lines"][0] == (
        "2201 Wisconsin Avenue, N.W. Suite 110"
    )
    assert washington["consular_office"]["source"].startswith("http://www.china-embassy.org/")
    assert all("confidence" in record for record in records.values())


def test_show_prints_the_consular_office_with_its_source(run: Run) -> None:
    result = run("missions", "show", "fi-helsinki")
    lines = result.stdout.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("  consular office"))
    assert lines[start] == "  consular office  Vanha Kelkkamäki 9"
    assert lines[start + 3].strip().startswith("http://www.chinaembassy-fi.org/")


@pytest.mark.parametrize(
    ("city", "mission_id"),
    [
        ("Kuala Lumpur", "my-kuala-lumpur"),
        ("Cairo", "eg-cairo"),
        ("Bogota", "co-bogota"),
        ("Colombo", "lk-colombo"),
        ("Addis Ababa", "et-addis-ababa"),
        ("Islamabad", "pk-islamabad"),
    ],
)
def test_capitals_get_their_embassy(run: Run, tmp_path: Path, city: str, mission_id: str) -> None:
    result = run("generate", "--city", city, "--out", str(tmp_path), "--date", "2026-09-24")
    assert result.exit_code == 0, result.stderr
    assert f"2026-09-24_{mission_id}.pdf" in result.stdout


@pytest.mark.parametrize("city", ["Kuala Lumpur", "Cairo", "Bogota", "Colombo"])
def test_embassies_from_the_ministry_list_print_without_a_warning(
    run: Run, tmp_path: Path, city: str
) -> None:
    result = run("generate", "--city", city, "--out", str(tmp_path), "--date", "2026-09-24")
    assert result.exit_code == 0, result.stderr
    assert "warning" not in result.stderr


def test_stats_counts_posts_against_the_ministry(run: Run) -> None:
    result = run("missions", "stats")
    assert result.exit_code == 0
    assert "176 embassy (the ministry's count: 176)" in result.stdout
    assert "open posts without a source: none" in result.stdout
    assert "  official-copy " in result.stdout


def test_list_as_csv_neutralises_formula_cells(run: Run, write_yaml: WriteYaml) -> None:
    hostile = mission_yaml(extra="    note: '=HYPERLINK(\"http://x.org\")'")
    path = write_yaml("m.yaml", hostile.replace("Consulate General in Testville", "'@SUM(1,1)'"))
    result = run("missions", "list", "--country", "US", "--format", "csv", "--data", str(path))
    rows = {r["id"]: r for r in csv.DictReader(io.StringIO(result.stdout))}
    assert rows["us-testville"]["name"] == "'@SUM(1,1)"
    assert rows["us-washington"]["phone"].startswith("'+1 ")
