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


def test_a_changed_file_leaves_one_entry_and_others_files_keep_theirs(
    own_cache: Path, tmp_path: Path
) -> None:
    # Each change to a file (and each upgrade of nkletters) made an entry of its own,
    # and none went: this machine's cache held 106 of them.
    builtin = [m.id for m in missions.load_file(missions_file())]
    (builtin_entry,) = own_cache.glob("missions-*.marshal")
    copy = tmp_path / "embassies.yaml"
    copy.write_bytes(missions_file().read_bytes())
    old_naming = own_cache / f"missions-{'0' * 32}.marshal"
    old_naming.write_bytes(b"from before entries named their file")
    assert [m.id for m in missions.load_file(copy)] == builtin
    assert len(list(own_cache.glob("missions-*.marshal"))) == 2  # the two files'
    assert not old_naming.exists()
    for size in range(3):  # the file edited three times
        copy.write_bytes(missions_file().read_bytes() + b"\n" * (size + 1))
        assert [m.id for m in missions.load_file(copy)] == builtin
    entries = list(own_cache.glob("missions-*.marshal"))
    assert len(entries) == 2 and builtin_entry in entries  # the other file's stays
