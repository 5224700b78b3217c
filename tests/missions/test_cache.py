"""The directory's cache: what a process reads back is what parsing the YAML gives."""

from __future__ import annotations

from pathlib import Path

import pytest

from nkrefugees_letters import missions, usercache
from nkrefugees_letters.resources import missions_file


@pytest.fixture
def own_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    return usercache.folder()


def test_the_cached_directory_is_the_parsed_one(own_cache: Path) -> None:
    parsed = missions.load_file(missions_file())
    entries = list(own_cache.glob("missions-*.marshal"))
    assert len(entries) == 1
    cached = missions.load_file(missions_file())
    assert cached == parsed
    # Dates come back as dates, lists as the tuples the model holds.
    chicago = next(m for m in cached if m.id == "us-chicago")
    assert type(chicago.source_date).__name__ == "date"
    assert isinstance(chicago.aliases, tuple) and isinstance(chicago.address.lines, tuple)


@pytest.mark.parametrize("damage", [b"", b"\x00garbage", b"\xe9" * 100])
def test_a_damaged_entry_is_parsed_again(own_cache: Path, damage: bytes) -> None:
    parsed = missions.load_file(missions_file())
    (entry,) = own_cache.glob("missions-*.marshal")
    entry.write_bytes(damage)
    assert missions.load_file(missions_file()) == parsed
