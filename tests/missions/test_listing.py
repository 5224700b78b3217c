"""Mission listing: the table, CSV and JSON of ``missions list``, the lines of ``missions show``."""

from __future__ import annotations

import csv
import io
import json

import pytest

from nkrefugees_letters import missions
from nkrefugees_letters.missions import listing


@pytest.fixture(scope="module")
def canada() -> list[missions.Mission]:
    return missions.load().select(country="CA")


def test_table_aligns_its_columns(canada: list[missions.Mission]) -> None:
    lines = listing.table(canada)
    assert lines[0].split() == ["ID", "KIND", "CITY", "STATUS", "CONFIDENCE"]
    assert len(lines) == len(canada) + 1
    kind_at = lines[0].index("KIND")
    assert all(line[kind_at - 2 : kind_at] == "  " for line in lines)


def test_count_line_says_missions_and_countries(canada: list[missions.Mission]) -> None:
    assert listing.count_line(canada) == f"{len(canada)} missions in 1 country"
    assert listing.count_line(canada[:1]) == "1 mission in 1 country"


def test_csv_and_json_hold_every_mission(canada: list[missions.Mission]) -> None:
    rows = list(csv.DictReader(io.StringIO(listing.csv_text(canada))))
    assert [row["id"] for row in rows] == [m.id for m in canada]
    assert tuple(rows[0]) == listing.CSV_COLUMNS
    assert [record["id"] for record in json.loads(listing.json_text(canada))] == [
        m.id for m in canada
    ]


def test_show_lines_start_with_the_id() -> None:
    mission = missions.load().get("us-chicago")
    lines = listing.show_lines(mission)
    assert lines[0] == "us-chicago"
    assert lines[1] == f"  {'name':<{listing.LABEL_WIDTH}}{mission.name}"
