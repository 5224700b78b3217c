"""Resources: finds the bundled templates/, data/, docs/ and fonts/ folders.

In a wheel, ``templates/``, ``data/`` and the documents of ``docs/`` are copied inside the
package. In a checkout
(or an editable install) they stay at the top of the repository, so fall back there.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent


@cache
def _bundled(name: str) -> Path:
    for candidate in (PACKAGE_DIR / name, PACKAGE_DIR.parent / name):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"bundled folder {name!r} is missing from the installation")


def templates_dir() -> Path:
    """The folder of built-in letter templates."""
    return _bundled("templates")


def data_dir() -> Path:
    """The folder holding the built-in mission directory."""
    return _bundled("data")


def missions_file() -> Path:
    """The built-in mission directory, ``data/embassies.yaml``."""
    return data_dir() / "embassies.yaml"


def fonts_dir() -> Path:
    """The folder of bundled TrueType fonts."""
    return PACKAGE_DIR / "fonts"


def docs_dir() -> Path:
    """The folder of the documents messages refer to (docs/templates.md…)."""
    return _bundled("docs")
