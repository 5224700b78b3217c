"""User cache: entries read back as written, whole or not at all, and never an error."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from nkrefugees_letters import usercache


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    return tmp_path / "nkletters"


def test_an_entry_reads_back_as_written(cache: Path) -> None:
    assert usercache.write_bytes("fonts/a.marshal", b"\x00data")
    assert usercache.read_bytes("fonts/a.marshal") == b"\x00data"
    assert (cache / "fonts" / "a.marshal").stat().st_mode & 0o777 == 0o644
    assert [p.name for p in (cache / "fonts").iterdir()] == ["a.marshal"]  # no .part left


def test_a_missing_entry_is_none(cache: Path) -> None:
    assert usercache.read_bytes("missions-0.json") is None


def test_an_entry_too_large_to_be_ours_is_none(cache: Path) -> None:
    cache.mkdir()
    with (cache / "big.json").open("wb") as out:
        out.truncate(usercache.MAX_ENTRY_BYTES + 1)
    assert usercache.read_bytes("big.json") is None


def test_a_folder_that_cannot_be_made_costs_nothing_but_the_entry(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocker))
    assert usercache.write_bytes("x.json", b"{}") is False
    assert usercache.read_bytes("x.json") is None


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes anywhere")
def test_a_read_only_folder_leaves_nothing_behind(cache: Path) -> None:
    cache.mkdir()
    cache.chmod(0o555)
    try:
        assert usercache.write_bytes("x.json", b"{}") is False
        assert list(cache.iterdir()) == []
    finally:
        cache.chmod(0o755)


def test_the_digest_names_every_part() -> None:
    assert usercache.digest("a", 1) != usercache.digest("a", 2)
    assert usercache.digest("a", 1) == usercache.digest("a", 1)
    assert len(usercache.digest("x")) == 16


def test_a_marshalled_value_reads_back_and_a_damaged_one_is_none(cache: Path) -> None:
    value = {"widths": [1, 2, 3], "name": "Noto Serif", "pair": (1, "é")}
    assert usercache.write_marshal("v.marshal", value)
    assert usercache.read_marshal("v.marshal") == value
    (cache / "v.marshal").write_bytes(b"\x00not marshal")
    assert usercache.read_marshal("v.marshal") is None
    assert usercache.read_marshal("absent.marshal") is None


def test_a_value_marshal_refuses_is_not_kept(cache: Path) -> None:
    assert not usercache.write_marshal("v.marshal", {"path": Path("x")})
    assert not (cache / "v.marshal").exists()
