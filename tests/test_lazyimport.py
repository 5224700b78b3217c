"""Lazy imports: a module runs on first use, and load_pending runs every waiting one."""

from __future__ import annotations

import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from nkrefugees_letters.lazyimport import lazy_module, load_pending


@pytest.fixture
def slow_module(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """A module of its own that takes a while to run, on the import path."""
    name = f"nk_lazy_probe_{tmp_path.name.replace('-', '_')}"
    (tmp_path / f"{name}.py").write_text(
        "import time\ntime.sleep(0.2)\nANSWER = 42\n", encoding="utf-8"
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    yield name
    sys.modules.pop(name, None)


def test_a_lazy_module_runs_on_first_use(slow_module: str) -> None:
    module = lazy_module(slow_module)
    assert "ANSWER" not in object.__getattribute__(module, "__dict__")
    assert module.ANSWER == 42


def test_load_pending_runs_every_waiting_module_so_threads_never_meet_one_half_loaded(
    slow_module: str,
) -> None:
    # Before Python 3.12.3, a second thread using a lazy module while the first ran it
    # saw it empty: the web server answered 500 for some of its first letters.
    module = lazy_module(slow_module)
    load_pending()
    assert "ANSWER" in object.__getattribute__(module, "__dict__")
    answers: list[int] = []
    threads = [threading.Thread(target=lambda: answers.append(module.ANSWER)) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert answers == [42] * 8
