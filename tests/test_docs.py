"""Docs: every command and option of the CLI, and every template variable and filter, is documented.

As sqlite-utils does: the tests walk the real Click commands and the real template context,
and fail when the README and docs/ do not name one of them.
"""

from __future__ import annotations

import importlib
import pkgutil
import re
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import click
import pytest

from nkrefugees_letters import cli, letters, missions, profile
from nkrefugees_letters.text import sandbox

ROOT = Path(__file__).resolve().parents[1]


def _docs() -> str:
    texts = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
    return "\n".join(path.read_text(encoding="utf-8") for path in texts)


def _commands(group: click.Group, prefix: str = "") -> Iterator[tuple[str, click.Command]]:
    context = click.Context(group)
    for name in group.list_commands(context):
        command = group.get_command(context, name)
        assert command is not None, name
        path = f"{prefix} {name}".strip()
        yield path, command
        if isinstance(command, click.Group):
            yield from _commands(command, path)


COMMANDS = list(_commands(cli.cli))


def _home(command: click.Command) -> str:
    """The module whose function the command runs (friendly_errors keeps its name)."""
    return str(getattr(command.callback, "__module__", ""))


def _defined_commands() -> Iterator[tuple[str, click.Command]]:
    """Every Click command defined in a module of the cli package, by module and name."""
    for info in pkgutil.iter_modules(cli.__path__):
        module = importlib.import_module(f"{cli.__name__}.{info.name}")
        for name, value in vars(module).items():
            if isinstance(value, click.Command) and _home(value) == module.__name__:
                yield f"{info.name}.{name}", value


DEFINED = list(_defined_commands())


@pytest.mark.parametrize(("where", "command"), DEFINED, ids=[w for w, _ in DEFINED])
def test_every_command_module_is_on_the_group(where: str, command: click.Command) -> None:
    # A command written in a new cli/ module but never added to the group would be
    # missing from 'nkletters --help', and from the documentation checks below.
    assert any(found is command for _, found in COMMANDS), f"{where} is not on 'nkletters'"


@pytest.mark.parametrize(("path", "command"), COMMANDS, ids=[p for p, _ in COMMANDS])
def test_every_command_is_documented(path: str, command: click.Command) -> None:
    assert f"nkletters {path}" in _docs(), f"'nkletters {path}' is in no README or docs page"


OPTIONS = [
    (path, option)
    for path, command in COMMANDS
    for param in command.params
    if isinstance(param, click.Option)
    for option in param.opts
    if option.startswith("--") and option != "--help"
]


@pytest.mark.parametrize(("path", "option"), OPTIONS, ids=[f"{p} {o}" for p, o in OPTIONS])
def test_every_option_is_documented(path: str, option: str) -> None:
    # An option is named in backticks (`--city NAME`) or in an example command line.
    docs = _docs()
    assert re.search(rf"(?<![\w-]){re.escape(option)}(?![\w-])", docs), (
        f"{option} of 'nkletters {path}' is in no README or docs page"
    )


def _template_docs() -> str:
    return (ROOT / "docs" / "templates.md").read_text(encoding="utf-8")


def test_every_template_variable_is_documented() -> None:
    mission = missions.load().get("us-chicago")
    context = letters.context(mission, profile.Profile(), date(2026, 9, 24), "en", signatories=())
    docs = _template_docs()
    missing = [name for name in context if f"`{name}`" not in docs]
    assert missing == []


def test_every_template_filter_is_documented() -> None:
    docs = _template_docs()
    missing = [name for name in sandbox.environment().filters if f"`{name}`" not in docs]
    assert missing == []
