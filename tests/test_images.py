"""Images: a logo or signature of too many pixels is one clear line, never Pillow's warning."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from PIL import Image

from nkrefugees_letters import images
from nkrefugees_letters.errors import LayoutError
from nkrefugees_letters.pdf import layout

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def bomb(tmp_path: Path) -> Path:
    """100 megapixels in 12 KB: a decompression bomb as Pillow sees it."""
    path = tmp_path / "logo.png"
    Image.new("1", (10_000, 10_000)).save(path)
    assert path.stat().st_size < 20_000
    return path


def test_more_pixels_than_the_limit_is_refused(bomb: Path) -> None:
    with pytest.raises(images.TooLarge) as caught:
        images.open_image(images.read(bomb))
    assert caught.value.reason == "10000 × 10000 pixels, more than 50 megapixels"


def test_a_logo_of_a_few_megapixels_opens(tmp_path: Path) -> None:
    path = tmp_path / "logo.png"
    Image.new("RGB", (3000, 1000), "navy").save(path)
    assert images.open_image(images.read(path)).size == (3000, 1000)


def test_the_layout_refuses_it_with_one_line(bomb: Path) -> None:
    with pytest.raises(LayoutError) as caught:
        layout.load_image(bomb)
    assert str(caught.value) == (
        f"image {str(bomb)!r} cannot be used (10000 × 10000 pixels, more than 50 megapixels)"
        " — scale it down: a logo or signature needs 2000 pixels a side at most"
    )


def test_no_pillow_warning_reaches_the_user(bomb: Path, tmp_path: Path) -> None:
    profile = tmp_path / "nkletters.yaml"
    profile.write_text("organisation:\n  name: Friends\n  logo: logo.png\n", encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "nkrefugees_letters", "generate", "--mission", "gb-london"],
        cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 1
    assert result.stderr == (
        f"Error: {profile}:3: organisation: logo: 'logo.png' is too large (10000 × 10000 "
        "pixels, more than 50 megapixels) — scale it down: a logo or signature needs 2000 "
        "pixels a side at most\n"
    )
    assert not (tmp_path / "letters").exists()
