"""CLI: the ``nkletters`` command group and its entry point.

Each command is a module of this package that parses options, calls one library
function and prints (``generate``, ``init``, ``missions``, ``preview``, ``check``,
``templates``, ``docs``, ``serve``); :mod:`.common` holds what they share. The CLI is the
only part that prints or exits: library errors (LettersError) become one line on stderr
and exit status 1 (:func:`common.friendly_errors`, the one boundary); usage errors,
Click's or the library's (``errors.UsageError``), exit with 2.
"""

from __future__ import annotations

import os
import signal

import click

from .. import __version__, cliopts
from . import check, docs, generate, init, missions, preview, serve, templates
from .common import friendly_errors

__all__ = ["cli", "friendly_errors", "main"]


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
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


# Each command module's command, added by name so that the modules keep theirs
# (``cli.generate`` is the module, ``cli.generate.generate`` the command).
for _command in (
    generate.generate,
    init.init,
    missions.missions_group,
    preview.preview,
    check.check,
    templates.templates_group,
    docs.docs,
    docs.schema,
    serve.serve,
):
    cli.add_command(_command)


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
    cli(prog_name="nkletters")
