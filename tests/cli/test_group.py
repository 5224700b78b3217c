"""The command group: every command listed, and each one loading only its own module."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner

from nkrefugees_letters.cli import COMMANDS, cli

_LOADED = (
    "import atexit, sys\n"
    "atexit.register(lambda: print(sorted(m for m in sys.modules"
    " if m.startswith('nkrefugees_letters.cli.')), file=sys.stderr))\n"
    "from nkrefugees_letters.cli import main\n"
    "sys.argv = ['nkletters', *sys.argv[1:]]\n"
    "main()\n"
)


def test_generate_loads_no_other_commands_module(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-c", _LOADED, "generate", "--city", "Chicago", "--out", str(tmp_path)],
        capture_output=True,
        text=True,
        check=True,
    )
    loaded = result.stderr.strip().splitlines()[-1]
    assert "nkrefugees_letters.cli.generate" in loaded
    for other in ("check", "serve", "init", "templates", "preview", "missions", "docs"):
        assert f"nkrefugees_letters.cli.{other}'" not in loaded, other
    assert list(tmp_path.glob("*.pdf"))


def test_help_lists_every_command() -> None:
    result = CliRunner().invoke(cli, ["--help"])
    assert result.exit_code == 0
    listed = result.output.split("Commands:")[1]
    for name in COMMANDS:
        assert f"\n  {name} " in listed, name


def test_an_unknown_command_is_a_usage_error() -> None:
    result = CliRunner().invoke(cli, ["generat"])
    assert result.exit_code == 2
    assert "No such command 'generat'" in result.output
