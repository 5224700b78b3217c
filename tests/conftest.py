"""Shared test helpers: run the CLI in-process, read back the PDFs it writes."""

from __future__ import annotations

import contextlib
import textwrap
from collections.abc import Callable, Iterator
from pathlib import Path

import pypdf
import pytest
from click.testing import CliRunner, Result

from nkrefugees_letters.cli import cli

FIXED_DATE = "2026-09-24"


def child_processes(pid: int) -> list[Path]:
    """The /proc folders of the processes whose parent is ``pid`` (Linux)."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with contextlib.suppress(OSError, ValueError):
            if int(stat.read_text().rsplit(")", 1)[1].split()[1]) == pid:
                found.append(stat.parent)
    return found


@pytest.fixture
def run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Callable[..., Result]:
    """Run ``nkletters ARGS`` in an empty folder (``tmp_path``), with no profile."""
    monkeypatch.chdir(tmp_path)

    def invoke(*args: str, input: str | None = None) -> Result:
        return CliRunner().invoke(cli, list(args), input=input, catch_exceptions=False)

    return invoke


@pytest.fixture
def write_yaml(tmp_path: Path) -> Callable[[str, str], Path]:
    """Write a dedented YAML text to ``tmp_path / name`` and return its path."""

    def write(name: str, text: str) -> Path:
        path = tmp_path / name
        path.write_text(textwrap.dedent(text).lstrip(), encoding="utf-8")
        return path

    return write


def pdf_text(path: Path) -> str:
    """All text of a PDF, pages joined, whitespace folded to single spaces."""
    reader = pypdf.PdfReader(str(path))
    return " ".join(" ".join((page.extract_text() or "").split()) for page in reader.pages)


def pdf_pages(path: Path) -> int:
    """Number of pages of a PDF."""
    return len(pypdf.PdfReader(str(path)).pages)


def written_path(result: Result) -> Path:
    """The file named on the CLI's 'wrote PATH (…)' line (relative to the cwd)."""
    for line in result.stdout.splitlines():
        if line.startswith("wrote "):
            return Path(line[len("wrote ") :].rsplit(" (", 1)[0])
    raise AssertionError(f"no 'wrote' line in stdout: {result.stdout!r}")


@pytest.fixture(autouse=True, scope="session")
def _private_cache(tmp_path_factory: pytest.TempPathFactory) -> None:
    """Keep the mission-directory cache out of the developer's home folder."""
    import os

    os.environ["XDG_CACHE_HOME"] = str(tmp_path_factory.mktemp("cache"))


@pytest.fixture
def interrupt_in_reportlab(monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[[], None]]:
    """Arm a Ctrl-C that lands inside PDFObjectReference.format, whose bare ``except:``
    turns it into ``KeyError: forward reference … not resolved``."""
    from reportlab.pdfbase import pdfdoc  # only the tests that use it load reportlab

    real = pdfdoc.pdfdocEnc
    armed = False

    def encode(text: str | bytes) -> bytes:
        nonlocal armed
        if armed and isinstance(text, str) and text.endswith(" R"):
            armed = False
            raise KeyboardInterrupt
        return real(text)

    def arm() -> None:
        nonlocal armed
        armed = True

    monkeypatch.setattr(pdfdoc, "pdfdocEnc", encode)
    yield arm
