"""verify_report: the results of `missions verify` as CSV, JSON and a --data overlay."""

from __future__ import annotations

import csv
import io
from datetime import date
from pathlib import Path

import pytest

from nkrefugees_letters import missions, yamlio
from nkrefugees_letters.missions import verify_report
from nkrefugees_letters.missions.verify import Outcome, PageResult, Verification

TODAY = date(2026, 9, 1)


def _confirmed(
    mission: missions.Mission, url: str = "https://mission.test/contact", *, official: bool = True
) -> Verification:
    page = PageResult(url, Outcome.CONFIRMED, url, "the address")
    return Verification(mission, Outcome.CONFIRMED, url, "the address", (page,), official)


def test_overlay_of_every_builtin_mission_loads_back_unchanged_but_for_its_source(
    tmp_path: Path,
) -> None:
    directory = missions.load()
    results = [_confirmed(m, f"https://mission.test/{m.id}") for m in directory]
    overlay = tmp_path / "overlay.yaml"
    overlay.write_text(verify_report.overlay_yaml(results, TODAY), encoding="utf-8")
    loaded = {m.id: m for m in missions.load_file(overlay)}
    assert list(loaded) == [m.id for m in directory]
    for before in directory:
        after = loaded[before.id]
        assert after.confidence == "official"
        assert after.source == f"https://mission.test/{before.id}"
        assert (after.source_date, after.source_date_kind) == (TODAY, "accessed")
        assert (after.source_copy, after.source_copy_date) == ("", None)
        assert after.note.startswith(f"Address confirmed on {after.source} ")
        same = ("address", "consular_office", "names", "host_country", "superseded", "phone")
        for field in (*same, "consular_district", "latitude", "status", "closed_on"):
            assert getattr(after, field) == getattr(before, field), (before.id, field)


def test_overlay_holds_only_the_confirmed() -> None:
    directory = missions.load()
    chicago, london = directory.get("us-chicago"), directory.get("gb-london")
    changed = Verification(london, Outcome.CHANGED, "https://x.test/", "elsewhere", ())
    text = verify_report.overlay_yaml([_confirmed(chicago), changed], TODAY)
    assert text.startswith(verify_report.OVERLAY_MARK + " on 2026-09-01")
    assert "us-chicago" in text and "gb-london" not in text


@pytest.mark.parametrize(
    ("value", "cell"),
    [
        ("=1+1", "'=1+1"),
        ("+1 312", "'+1 312"),
        ("-2", "'-2"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("100 West Erie Street", "100 West Erie Street"),
    ],
)
def test_csv_cells_never_start_a_formula(value: str, cell: str) -> None:
    mission = missions.load().get("us-chicago")
    result = Verification(mission, Outcome.CHANGED, "https://x.test/", value, ())
    (row,) = csv.DictReader(io.StringIO(verify_report.report_csv([result], TODAY)))
    assert row["detail"] == cell


def test_summary_counts_every_outcome() -> None:
    mission = missions.load().get("us-chicago")
    results = [
        Verification(mission, outcome, "", "", ())
        for outcome in (Outcome.CONFIRMED, Outcome.UNREACHABLE, Outcome.CONFIRMED)
    ]
    assert verify_report.summary(results) == "2 confirmed, 0 changed, 1 unreachable"


def test_overlay_from_a_page_that_is_not_official_keeps_level_and_copy() -> None:
    mission = next(m for m in missions.load() if m.confidence == "official-copy")
    text = verify_report.overlay_yaml([_confirmed(mission, official=False)], TODAY)
    assert 'confidence: "official-copy"' in text
    assert f"source_copy: {yamlio.quote(mission.source_copy)}" in text
    assert "a page that is not official: confidence stays 'official-copy'." in text
