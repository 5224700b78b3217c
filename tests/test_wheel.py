"""Packaging: the wheel ships templates/, data/ and fonts; an installed nkletters works anywhere."""

from __future__ import annotations

import fnmatch
import os
import subprocess
import sys
import venv
import zipfile
from pathlib import Path

import pytest

from .conftest import pdf_text

ROOT = Path(__file__).resolve().parents[1]

ALLOWED = (
    "nkrefugees_letters/*.py",
    "nkrefugees_letters/py.typed",
    "nkrefugees_letters/fonts/*.ttf",
    "nkrefugees_letters/fonts/LICENSE-*.txt",
    "nkrefugees_letters/fonts/NOTICE-*.txt",
    "nkrefugees_letters/fonts/README.md",
    "nkrefugees_letters/templates/*.md",
    "nkrefugees_letters/data/embassies.yaml",
    "nkrefugees_letters/docs/*.md",
    "nkrefugees_letters/docs/nkletters.schema.json",
    "nkrefugees_letters/web/pages/*.html",
    "nkrefugees_letters/web/static/*.css",
    "nkrefugees_letters/web/static/*.js",
    "nkletters-*.dist-info/*",
)


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "build",
            "--wheel",
            "--no-isolation",
            "--outdir",
            str(out),
            str(ROOT),
        ],
        check=True,
        capture_output=True,
    )
    return next(out.glob("nkletters-*.whl"))


@pytest.mark.slow
def test_wheel_holds_exactly_the_allowed_files(wheel: Path) -> None:
    names = zipfile.ZipFile(wheel).namelist()
    unexpected = [n for n in names if not any(fnmatch.fnmatch(n, p) for p in ALLOWED)]
    assert unexpected == []
    for required in (
        "nkrefugees_letters/templates/appeal.en.md",
        "nkrefugees_letters/data/embassies.yaml",
        "nkrefugees_letters/fonts/NotoSerif-Regular.ttf",
        "nkrefugees_letters/fonts/DroidSansFallbackFull.ttf",
        "nkrefugees_letters/fonts/NanumMyeongjo.ttf",
        "nkrefugees_letters/fonts/NotoSans-Bold.ttf",
        "nkrefugees_letters/cli/__init__.py",
        "nkrefugees_letters/pdf/layout.py",
        "nkrefugees_letters/docs/templates.md",
        "nkrefugees_letters/web/pages/letter.html",
        "nkrefugees_letters/web/static/style.css",
    ):
        assert required in names


@pytest.mark.slow
def test_installed_wheel_generates_from_an_empty_folder(wheel: Path, tmp_path: Path) -> None:
    # A venv that sees nothing of this one, as a newcomer's would: the wheel and every
    # dependency are installed into it (from the package index, or a local wheel folder).
    env_dir = tmp_path / "venv"
    venv.create(env_dir, system_site_packages=False, with_pip=True)
    bin_dir = env_dir / ("Scripts" if os.name == "nt" else "bin")
    clean_env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    install = subprocess.run(
        [
            str(bin_dir / "python"),
            "-m",
            "pip",
            "install",
            "--quiet",
            "--find-links",
            str(wheel.parent),
            str(wheel),
        ],
        env=clean_env,
        capture_output=True,
        text=True,
    )
    assert install.returncode == 0, install.stderr
    empty = tmp_path / "empty"
    empty.mkdir()
    where = subprocess.run(
        [
            str(bin_dir / "python"),
            "-c",
            "import nkrefugees_letters; print(nkrefugees_letters.__file__)",
        ],
        cwd=empty,
        env=clean_env,
        capture_output=True,
        text=True,
        check=True,
    )
    assert str(env_dir) in where.stdout
    result = subprocess.run(
        [str(bin_dir / "nkletters"), "generate", "--city", "Chicago", "--date", "2026-09-24"],
        cwd=empty,
        env=clean_env,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout == "wrote letters/2026-09-24_us-chicago.pdf (1 page, US Letter)\n"
    text = pdf_text(empty / "letters" / "2026-09-24_us-chicago.pdf")
    assert "100 West Erie Street" in text and "60654" in text and "44th" in text
    module = subprocess.run(
        [str(bin_dir / "python"), "-m", "nkrefugees_letters", "--version"],
        cwd=empty,
        env=clean_env,
        capture_output=True,
        text=True,
    )
    assert module.returncode == 0 and module.stdout.startswith("nkletters, version")
    # The documents that messages name ship with the wheel.
    manual = subprocess.run(
        [str(bin_dir / "nkletters"), "docs", "templates"],
        cwd=empty,
        env=clean_env,
        capture_output=True,
        text=True,
    )
    assert manual.returncode == 0, manual.stderr
    assert manual.stdout == (ROOT / "docs" / "templates.md").read_text(encoding="utf-8")
    # The web page's templates, styles and fonts ship too: the installed app serves them.
    page = subprocess.run(
        [
            str(bin_dir / "python"),
            "-c",
            "from nkrefugees_letters.web import WebConfig, create_app\n"
            "client = create_app(WebConfig(preload_towns=False)).test_client()\n"
            "for url in ('/', '/static/style.css', '/fonts/han.ttf', "
            "'/letter.pdf?city=Chicago'):\n"
            "    print(url, client.get(url).status_code)",
        ],
        cwd=empty,
        env=clean_env,
        capture_output=True,
        text=True,
    )
    assert page.returncode == 0, page.stderr
    assert page.stdout.split() == [
        "/",
        "200",
        "/static/style.css",
        "200",
        "/fonts/han.ttf",
        "200",
        "/letter.pdf?city=Chicago",
        "200",
    ]
