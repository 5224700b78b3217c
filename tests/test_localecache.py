"""The locale cache: Babel's answers, kept; a bad cache or a failing question changes nothing."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from nkrefugees_letters import i18n, localecache
from nkrefugees_letters.errors import LettersError

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    return tmp_path / "nkletters"


def _asked(answers: list[str], value: str) -> str:
    answers.append(value)
    return value


def test_an_answer_is_asked_once_then_read_from_the_cache(cache: Path) -> None:
    asked: list[str] = []
    assert localecache.remember(("q", "1"), lambda: _asked(asked, "one")) == "one"
    assert localecache.remember(("q", "1"), lambda: _asked(asked, "other")) == "one"
    localecache._ANSWERS.clear()  # a new process: only the file remains
    assert localecache.remember(("q", "1"), lambda: _asked(asked, "other")) == "one"
    assert asked == ["one"]
    assert len(list(cache.glob("locale-*.json"))) == 1


@pytest.mark.parametrize("damage", ["", "{", "[1, 2]", '{"q\\u001f1": 5}'])
def test_a_damaged_cache_file_is_asked_again(cache: Path, damage: str) -> None:
    localecache.remember(("q", "1"), lambda: "one")
    (entry,) = cache.glob("locale-*.json")
    entry.write_text(damage, encoding="utf-8")
    localecache._ANSWERS.clear()
    assert localecache.remember(("q", "1"), lambda: "asked") == "asked"


def test_a_cache_folder_that_cannot_be_made_costs_only_speed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = tmp_path / "blocker"
    blocker.write_text("")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocker))
    assert localecache.remember(("q", "1"), lambda: "one") == "one"
    assert blocker.read_text() == ""


def test_a_failing_question_is_not_kept(cache: Path) -> None:
    for _ in range(2):
        with pytest.raises(LettersError, match="unknown language 'xx-nowhere'"):
            i18n.long_date(date(2026, 9, 24), "xx-nowhere", "US")


@pytest.mark.parametrize(
    ("language", "country"), [("en", "US"), ("en", "AU"), ("zh", "CN"), ("ko", "KR"), ("es", "MX")]
)
def test_cached_dates_and_names_are_babels(cache: Path, language: str, country: str) -> None:
    from babel import Locale
    from babel.dates import format_date

    when = date(2026, 9, 24)
    expected = format_date(when, format="long", locale=i18n.locale_for(language, country))
    name = str(Locale.parse(language).territories[country])
    for _ in range(2):
        localecache._ANSWERS.clear()
        assert i18n.long_date(when, language, country) == expected
        assert i18n.country_name(country, language) == name


BABEL_PROBE = (
    "import sys\n"
    "from nkrefugees_letters.cli import main\n"
    "try:\n"
    "    main()\n"
    "except SystemExit:\n"
    "    pass\n"
    "print('babel.localedata' in sys.modules, file=sys.stderr)\n"
)
"""Runs the CLI with this process's arguments, then says whether Babel's data was loaded."""


def test_a_letter_from_warm_caches_does_not_load_babel(tmp_path: Path) -> None:
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "cache"), "PYTHONPATH": str(ROOT)}
    command = [sys.executable, "-c", BABEL_PROBE, "generate", "--city", "Chicago"]
    command += ["--out", str(tmp_path)]
    outcomes = []
    for _ in range(2):
        result = subprocess.run(command, env=env, capture_output=True, text=True, check=True)
        outcomes.append(result.stderr.split()[-1])
    assert outcomes == ["True", "False"]  # the first run fills the caches


def test_a_profile_with_a_country_does_not_load_babel_either(tmp_path: Path) -> None:
    # Checking the profile's country is a question the cache answers too.
    profile = tmp_path / "nkletters.yaml"
    profile.write_text("organisation:\n  name: Friends\n  country: GB\n", encoding="utf-8")
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "cache"), "PYTHONPATH": str(ROOT)}
    command = [sys.executable, "-c", BABEL_PROBE, "generate", "--city", "London"]
    command += ["--profile", str(profile), "--out", str(tmp_path)]
    outcomes = []
    for _ in range(2):
        result = subprocess.run(command, env=env, capture_output=True, text=True, check=True)
        outcomes.append(result.stderr.split()[-1])
    assert outcomes == ["True", "False"]
