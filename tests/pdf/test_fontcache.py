"""The font cache: a cached font is the parsed font, and a bad cache changes nothing."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from reportlab.pdfbase.ttfonts import TTFNameBytes, TTFont

from nkrefugees_letters.pdf import fontcache
from nkrefugees_letters.resources import fonts_dir

ROOT = Path(__file__).resolve().parents[2]
REGULAR = str(fonts_dir() / "NotoSerif-Regular.ttf")


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    return tmp_path / "nkletters"


def _same_face(cached: TTFont, parsed: TTFont) -> None:
    ours, theirs = cached.face.__dict__, parsed.face.__dict__
    assert sorted(ours) == sorted(theirs)
    for key, value in theirs.items():
        if key == "_pdfScale":
            assert [ours[key](v) for v in (0, 1, 555, -293)] == [
                value(v) for v in (0, 1, 555, -293)
            ]
            continue
        assert ours[key] == value, key
        assert type(ours[key]) is type(value), key
        if isinstance(value, TTFNameBytes):
            assert ours[key].ustr == value.ustr


def _same_font(cached: TTFont, parsed: TTFont) -> None:
    _same_face(cached, parsed)
    ours, theirs = cached.__dict__, parsed.__dict__
    assert sorted(ours) == sorted(theirs)
    for key, value in theirs.items():
        if key not in ("face", "encoding", "state"):
            assert ours[key] == value, key
        assert type(ours[key]) is type(value), key


@pytest.mark.parametrize("filename", ["NotoSerif-Regular.ttf", "NanumMyeongjo.ttf"])
def test_a_cached_font_is_the_parsed_font(cache: Path, filename: str) -> None:
    path = str(fonts_dir() / filename)
    first = fontcache.CachedTTFont("Face", path)  # parses and writes the cache
    cached_file = fontcache.cache_path(path)
    assert cached_file is not None and cached_file.is_file()
    cached = fontcache.CachedTTFont("Face", path)
    _same_font(cached, TTFont("Face", path))
    _same_font(first, TTFont("Face", path))


@pytest.mark.parametrize(
    "damage",
    [
        lambda data: b"",
        lambda data: data[: len(data) // 2],
        lambda data: b"not a cache" + data,
        lambda data: data[:-10] + bytes(10),  # the checksum no longer matches
    ],
    ids=["empty", "truncated", "foreign", "bit rot"],
)
def test_a_damaged_cache_file_is_parsed_again_and_rewritten(
    cache: Path, damage: Callable[[bytes], bytes]
) -> None:
    fontcache.CachedTTFont("Face", REGULAR)
    cached_file = fontcache.cache_path(REGULAR)
    assert cached_file is not None
    good = cached_file.read_bytes()
    cached_file.write_bytes(damage(good))
    _same_font(fontcache.CachedTTFont("Face", REGULAR), TTFont("Face", REGULAR))
    assert cached_file.read_bytes() == good


def test_a_cache_folder_that_cannot_be_made_costs_only_speed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A file where the folder should be: refused even to root, unlike a read-only folder.
    blocker = tmp_path / "blocker"
    blocker.write_text("")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocker))
    _same_font(fontcache.CachedTTFont("Face", REGULAR), TTFont("Face", REGULAR))
    assert blocker.read_text() == ""


def test_an_entry_for_another_version_of_the_font_is_removed(cache: Path) -> None:
    cache.mkdir(parents=True)
    old = cache / "font-NotoSerif-Regular-0123456789abcdef.marshal"
    old.write_bytes(b"from another reportlab")
    other_font = cache / "font-NotoSerif-Bold-0123456789abcdef.marshal"
    other_font.write_bytes(b"another font's")
    fontcache.CachedTTFont("Face", REGULAR)
    assert not old.exists()
    assert other_font.exists()


def _letter(cache_home: Path, out: Path) -> tuple[bytes, str]:
    env = {**os.environ, "XDG_CACHE_HOME": str(cache_home), "PYTHONPATH": str(ROOT)}
    result = subprocess.run(
        [
            *(sys.executable, "-m", "nkrefugees_letters", "generate", "--city", "Chicago"),
            *("--date", "2026-09-24", "--out", str(out), "--force"),
        ],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return next(out.glob("*.pdf")).read_bytes(), result.stderr


def test_the_letter_is_the_same_from_a_parse_a_cache_and_a_damaged_cache(tmp_path: Path) -> None:
    blocker = tmp_path / "blocker"
    blocker.write_text("")
    uncached = _letter(blocker, tmp_path / "uncached")
    home = tmp_path / "home"
    assert _letter(home, tmp_path / "cold") == uncached
    assert _letter(home, tmp_path / "warm") == uncached
    for entry in (home / "nkletters").glob("font-*.marshal"):
        entry.write_bytes(entry.read_bytes()[:100])
    assert _letter(home, tmp_path / "damaged") == uncached  # and nothing more on stderr
