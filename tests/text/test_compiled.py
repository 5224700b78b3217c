"""Compiled templates: code kept in the user cache renders as freshly compiled code does."""

from __future__ import annotations

from pathlib import Path

import jinja2
import pytest

from nkrefugees_letters import usercache
from nkrefugees_letters.text import compiled, sandbox

SOURCE = "Dear {{ name | upper }},{% for n in [1, 2, 3] %} {{ n }}{% endfor %}"


@pytest.fixture
def own_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    return usercache.folder()


def _entries(cache: Path) -> list[Path]:
    return sorted((cache / "jinja").glob("*.marshal"))


def test_kept_code_renders_as_fresh_code(own_cache: Path) -> None:
    env = sandbox.environment()
    fresh = env.from_string(SOURCE).render(name="Ana")
    assert compiled.from_string(env, SOURCE).render(name="Ana") == fresh == "Dear ANA, 1 2 3"
    assert len(_entries(own_cache)) == 1
    assert compiled.from_string(env, SOURCE).render(name="Ana") == fresh  # from the cache
    compiled.from_string(env, SOURCE + "!")
    assert len(_entries(own_cache)) == 2  # another source, another entry


def test_kept_code_is_still_sandboxed(own_cache: Path) -> None:
    env = sandbox.environment()
    source = "{{ ''.__class__ }}"
    compiled.from_string(env, source)
    with pytest.raises(jinja2.exceptions.SecurityError):
        compiled.from_string(env, source).render()
    with pytest.raises(jinja2.exceptions.UndefinedError):
        compiled.from_string(env, "{{ nobody }}").render()


@pytest.mark.parametrize("damage", [b"", b"not marshal", b"\xe9" * 64])
def test_a_damaged_entry_is_compiled_again(own_cache: Path, damage: bytes) -> None:
    env = sandbox.environment()
    compiled.from_string(env, SOURCE)
    (entry,) = _entries(own_cache)
    entry.write_bytes(damage)
    assert compiled.from_string(env, SOURCE).render(name="x") == "Dear X, 1 2 3"


def test_a_syntax_error_is_raised_and_nothing_kept(own_cache: Path) -> None:
    with pytest.raises(jinja2.TemplateSyntaxError):
        compiled.from_string(sandbox.environment(), "{% for %}")
    assert _entries(own_cache) == []
