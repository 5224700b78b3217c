"""Locale cache: the dates and country names Babel wrote, kept so a process need not load Babel.

A single letter asks Babel for a handful of strings (its dates in the letter's language,
the country's name), and importing Babel and reading its locale data for them costs a
twentieth of that letter's start. Each answer is a pure function of its question and of
the installed Babel (and its CLDR data), so answers are kept as JSON in the user's cache
folder (``$XDG_CACHE_HOME/nkletters``, else ``~/.cache/nkletters``), in one file whose
name holds a digest of Babel's files' sizes and modification times. A cache that is
missing, damaged or from another Babel is asked again; a question whose answer raises
is never kept; a folder that cannot be written costs only speed.
"""

from __future__ import annotations

import hashlib
import importlib.machinery
import json
from collections.abc import Callable
from functools import cache
from pathlib import Path

from . import usercache

__all__ = ["FORMAT", "MAX_ENTRIES", "remember"]

FORMAT = 1
"""Changes whenever what the cache file holds does."""

MAX_ENTRIES = 2048
"""Answers kept at most: a server writing letters dated every day of years stays small."""

_ANSWERS: dict[str, dict[str, str]] = {}
"""Each cache file's answers, as read once by this process and added to since."""


def remember(question: tuple[str, ...], answer: Callable[[], str]) -> str:
    """``answer()``, or what it returned for the same ``question`` in an earlier process.

    ``question`` must name everything the answer depends on besides Babel itself (the
    function and its arguments, as text).
    """
    where = _file_name()
    if where is None:
        return answer()
    # Per folder: a test, or a server given another XDG_CACHE_HOME, reads its own.
    seen = str(usercache.folder() / where)
    answers = _ANSWERS.get(seen)
    if answers is None:
        answers = _ANSWERS[seen] = _read(where)
    key = "\x1f".join(question)
    found = answers.get(key)
    if found is not None:
        return found
    value = answer()
    if len(answers) >= MAX_ENTRIES:
        answers.clear()
    answers[key] = value
    _write(where, answers)
    return value


@cache
def _file_name() -> str | None:
    # The path finder, not importlib.util.find_spec: that would read the spec of the
    # lazy module i18n holds, which runs it.
    spec = importlib.machinery.PathFinder.find_spec("babel")
    if spec is None or spec.origin is None:
        return None
    package = Path(spec.origin).parent
    digest = hashlib.sha256(str(FORMAT).encode())
    for name in ("__init__.py", "global.dat"):
        try:
            found = (package / name).stat()
        except OSError:
            return None
        digest.update(f"|{name}:{found.st_size}:{found.st_mtime_ns}".encode())
    return f"locale-{digest.hexdigest()[:16]}.json"


def _read(where: str) -> dict[str, str]:
    found = usercache.read_bytes(where)
    if found is None:
        return {}
    try:
        data = json.loads(found)
    except ValueError:
        return {}  # none yet, or damaged: ask Babel
    if not isinstance(data, dict):
        return {}
    return {k: v for k, v in data.items() if isinstance(k, str) and isinstance(v, str)}


def _write(where: str, answers: dict[str, str]) -> None:
    data = json.dumps(answers, ensure_ascii=False, sort_keys=True)
    usercache.write_bytes(where, data.encode("utf-8"))
