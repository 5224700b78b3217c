"""CLI: the ``nkletters`` command group and its entry point.

Each command is a module of this package that parses options, calls one library
function and prints (``generate``, ``init``, ``missions``, ``preview``, ``check``,
``templates``, ``docs``, ``serve``); :mod:`.common` holds what they share. The CLI is the
only part that prints or exits: library errors (LettersError) become one line on stderr
and exit status 1 (:func:`common.friendly_errors`, the one boundary); usage errors,
Click's or the library's (``errors.UsageError``), exit with 2.
"""

from __future__ import annotations

import gc
import importlib
import os
import signal

import click

from .. import __version__, cliopts
from .common import friendly_errors

__all__ = ["COMMANDS", "cli", "friendly_errors", "main"]

COMMANDS = {
    "generate": ("generate", "generate"),
    "init": ("init", "init"),
    "missions": ("missions", "missions_group"),
    "preview": ("preview", "preview"),
    "check": ("check", "check"),
    "templates": ("templates", "templates_group"),
    "docs": ("docs", "docs"),
    "schema": ("docs", "schema"),
    "serve": ("serve", "serve"),
}
"""Each command's name, and the module of this package and the name it is defined by
(``cli.generate`` is the module, ``cli.generate.generate`` the command)."""


class _Commands(click.Group):
    """The command group, importing a command's module only when that command is run
    or listed: ``nkletters generate`` loads no web server, and ``nkletters serve`` no
    checker (Click's "lazily loading subcommands")."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in COMMANDS:
            return None
        module, name = COMMANDS[cmd_name]
        command = getattr(importlib.import_module(f"{__name__}.{module}"), name)
        assert isinstance(command, click.Command)
        return command


@click.group(cls=_Commands, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="nkletters")
@cliopts.verbosity
@click.pass_context
def cli(ctx: click.Context) -> None:
    """Print appeal letters for Save North Korean Refugees Day (24 September).

    Each letter asks the President of the People's Republic of China, through his
    embassy or consulate in your city, to stop forcibly returning North Korean refugees.

    \b
    Example:
        nkletters generate --city Chicago

    Tab completion (mission ids, languages, templates): see 'nkletters docs completion'.
    """
    if os.environ.get("NO_COLOR"):  # https://no-color.org: any non-empty value
        ctx.color = False


def _stop_on_signals() -> None:
    """SIGTERM and SIGHUP (a closed terminal) stop a run as Ctrl-C does: the letters
    written stay whole, and no temporary file or worker folder is left behind."""

    def stop(signum: int, _frame: object) -> None:
        for name in ("SIGTERM", "SIGHUP"):  # a second one must not cut the cleaning up
            if hasattr(signal, name):
                signal.signal(getattr(signal, name), signal.SIG_IGN)
        raise KeyboardInterrupt

    for name in ("SIGTERM", "SIGHUP"):
        if hasattr(signal, name):
            signal.signal(getattr(signal, name), stop)


def main() -> None:
    """Console-script entry point."""
    _stop_on_signals()
    try:
        cli(prog_name="nkletters")
    finally:
        # The process ends here and the system takes its memory back whole. Freezing
        # the objects it holds spares the interpreter's collections at exit, which
        # would walk every one of them to free nothing: a tenth of a letter's time.
        gc.freeze()
