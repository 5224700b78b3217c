"""Selection: the usage rules, the one resolver and a batch's choice of missions."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result

from nkrefugees_letters import missions, selection
from nkrefugees_letters.errors import MissionClosed, UsageError
from nkrefugees_letters.selection import Selection
from tests.batch.helpers import folder
from tests.conftest import FIXED_DATE

Run = Callable[..., Result]


@pytest.fixture(scope="module")
def directory() -> missions.Directory:
    return missions.load()


def test_generate_refuses_houston_and_names_its_successor(directory: missions.Directory) -> None:
    with pytest.raises(MissionClosed) as caught:
        selection.resolve(directory, city="Houston")
    assert str(caught.value) == (
        "the Consulate-General of the People's Republic of China in Houston closed on "
        "24 July 2020 — Houston (Texas) is now in the consular district of the Embassy in "
        "Washington: use --mission us-washington"
    )


def test_a_closed_mission_by_id_is_refused_for_one_letter(directory: missions.Directory) -> None:
    with pytest.raises(MissionClosed) as caught:
        selection.resolve(directory, mission_id="us-houston")
    assert "closed on 24 July 2020" in str(caught.value)


def test_a_batch_skips_a_closed_mission_with_a_note(directory: missions.Directory) -> None:
    chosen, notes = selection.select(directory, Selection(mission_ids=("us-houston", "us-chicago")))
    assert [m.id for m in chosen] == ["us-chicago"]
    assert len(notes) == 1 and notes[0].startswith("skipped: the Consulate-General")


def test_find_says_the_rule_for_one_mission_or_city(directory: missions.Directory) -> None:
    assert selection.find(directory, mission_id="us-chicago").rule == "mission"
    assert selection.find(directory, city="Chicago").rule == "city"
    assert selection.find(directory, city="Chicago", countries=("CA", "US")).mission.id == (
        "us-chicago"
    )


@pytest.mark.parametrize(
    ("chosen", "options", "batch"),
    [
        (Selection(cities=("Chicago",)), (), False),
        (Selection(cities=("Chicago",), countries=("US",)), (), False),
        (Selection(mission_ids=("us-chicago",)), (None, False), False),
        (Selection(cities=("Chicago", "Boston")), (), True),
        (Selection(countries=("US",)), (), True),
        (Selection(countries=("US", "CA"), cities=("London",)), (), True),
        (Selection(all=True), (), True),
        (Selection(cities=("Chicago",)), (None, True), True),
        (Selection(cities=("Chicago",)), (2,), True),
    ],
)
def test_is_batch(chosen: Selection, options: tuple[object, ...], batch: bool) -> None:
    assert selection.is_batch(chosen, options) is batch


def test_of_drops_blank_values() -> None:
    assert Selection.of(False, ("", "US"), (" ",), ()) == Selection(countries=("US",))


@pytest.mark.parametrize(
    ("chosen", "message"),
    [
        (
            Selection(all=True, cities=("Chicago",)),
            "--all already chooses every open mission, so --city would be ignored; "
            "drop --all, or drop --city",
        ),
        (
            Selection(countries=("US",), mission_ids=("us-chicago",)),
            "--country US with --mission us-chicago but no --city: --country narrows a "
            "--city, or alone chooses every mission in US; drop --country, or run "
            "--country US on its own",
        ),
    ],
)
def test_check_refuses_options_that_cancel_out(chosen: Selection, message: str) -> None:
    with pytest.raises(UsageError) as caught:
        selection.check(chosen)
    assert str(caught.value) == message


def test_single_needs_a_mission() -> None:
    with pytest.raises(UsageError) as caught:
        selection.single(Selection(countries=("US",)))
    assert str(caught.value) == "say which mission: --city NAME or --mission ID"
    assert selection.single(Selection(cities=("London",), countries=("CA",))) == (
        "London",
        "CA",
        "",
    )


def test_explain_says_a_rule_that_chose_another_mission(directory: missions.Directory) -> None:
    own = selection.explain(selection.resolve(directory, city="Chicago"))
    assert [note.kind for note in own] == ["detail"]
    assert own[0].text.startswith("city: Chicago has its own mission")
    other = selection.explain(selection.resolve(directory, city="Traverse City"))
    assert [note.kind for note in other] == ["reason"]


def test_single_city_with_country_keeps_the_one_letter_behaviour(run: Run, tmp_path: Path) -> None:
    result = run("generate", "--city", "Chicago", "--country", "US", "--date", FIXED_DATE)
    assert result.exit_code == 0, result.stderr
    assert result.stdout == f"wrote letters/{FIXED_DATE}_us-chicago.pdf (1 page, US Letter)\n"
    assert not folder(tmp_path).exists()
