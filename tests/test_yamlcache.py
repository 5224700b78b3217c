"""The YAML cache: the same values, lines included, as a parse; a bad cache changes nothing."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest

from nkrefugees_letters import yamlcache, yamlio
from nkrefugees_letters.errors import DataError

ROOT = Path(__file__).resolve().parents[1]

TEXT = textwrap.dedent(
    """
    language: en
    subject: Stop the returns
    recipient:
      - His Excellency
      - ""
      - "{{ mission_name }}"
    nested:
      deeper: {a: "01234", b: NO}
    empty:
    """
)


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    return tmp_path / "nkletters"


def _shape(value: Any) -> Any:
    """Everything a loaded value holds: type, text, line, key lines."""
    if isinstance(value, dict):
        items = [(key, value.key_lines[key], _shape(item)) for key, item in value.items()]
        return ("mapping", value.line, items)
    if isinstance(value, list):
        return ("sequence", value.line, [_shape(item) for item in value])
    if value is None:
        return None
    return (type(value).__name__, str(value), value.line)


def _no_parse(text: str, path: Path | str) -> Any:
    raise AssertionError("parsed although cached")


def test_a_cached_parse_is_the_parse(cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    expected = _shape(yamlio.load_text(TEXT, "t.md"))
    assert _shape(yamlcache.load_text(TEXT, "t.md")) == expected
    monkeypatch.setattr(yamlio, "load_text", _no_parse)
    assert _shape(yamlcache.load_text(TEXT, "t.md")) == expected


def test_changed_text_is_parsed_again(cache: Path) -> None:
    yamlcache.load_text(TEXT, "t.md")
    changed = TEXT.replace("Stop the returns", "Halt the returns")
    assert yamlcache.load_text(changed, "t.md")["subject"] == "Halt the returns"


@pytest.mark.parametrize(
    "damage", ["", "{", '{"key": 1}', '["t"]', "null"], ids=["empty", "cut", "key", "list", "null"]
)
def test_a_damaged_cache_file_is_parsed_again(cache: Path, damage: str) -> None:
    expected = _shape(yamlcache.load_text(TEXT, "t.md"))
    (entry,) = cache.glob("yaml-*.json")
    entry.write_text(damage, encoding="utf-8")
    assert _shape(yamlcache.load_text(TEXT, "t.md")) == expected


def test_a_damaged_cached_value_is_parsed_again(cache: Path) -> None:
    expected = _shape(yamlcache.load_text(TEXT, "t.md"))
    (entry,) = cache.glob("yaml-*.json")
    entry.write_text(entry.read_text("utf-8").replace('"t"', '"x"', 1), encoding="utf-8")
    assert _shape(yamlcache.load_text(TEXT, "t.md")) == expected


def test_a_cache_folder_that_cannot_be_made_costs_only_speed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = tmp_path / "blocker"
    blocker.write_text("")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocker))
    assert _shape(yamlcache.load_text(TEXT, "t.md")) == _shape(yamlio.load_text(TEXT, "t.md"))


def test_invalid_yaml_gives_the_parse_error_every_time(cache: Path) -> None:
    for _ in range(2):
        with pytest.raises(DataError) as caught:
            yamlcache.load_text("a: 1\na: 2\n", "t.md")
        assert "duplicate key 'a'" in str(caught.value)
    assert not list(cache.glob("yaml-*.json"))


def test_a_letter_from_warm_caches_does_not_import_pyyaml(tmp_path: Path) -> None:
    probe = (
        "import sys\n"
        "from nkrefugees_letters.cli import main\n"
        "try:\n"
        "    main()\n"
        "except SystemExit:\n"
        "    pass\n"
        "print('yaml.reader' in sys.modules, file=sys.stderr)\n"
    )
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "cache"), "PYTHONPATH": str(ROOT)}
    command = [sys.executable, "-c", probe, "generate", "--city", "Chicago", "--out", str(tmp_path)]
    outcomes = []
    for _ in range(2):
        result = subprocess.run(command, env=env, capture_output=True, text=True, check=True)
        outcomes.append(result.stderr.split()[-1])
    assert outcomes == ["True", "False"]  # the first run fills the caches
