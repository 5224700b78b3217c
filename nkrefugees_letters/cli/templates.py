"""CLI: ``nkletters templates`` — list the built-in letter templates, show one, export one.

Finding and copying templates is :mod:`text.templates`'s; this module prints.
"""

from __future__ import annotations

import os
from pathlib import Path

import click

from .. import cliopts
from .common import friendly_errors, say, shown, templates

__all__ = ["templates_group"]


@click.group(name="templates")
def templates_group() -> None:
    """The built-in letter templates: list them, read one, copy one to start your own.

    See docs/templates.md ('nkletters docs templates') for how a template is written.

    \b
    Examples:
        nkletters templates list
        nkletters templates show appeal --lang zh
        nkletters templates export appeal my-letter.md
    """


@templates_group.command(name="list")
@cliopts.verbosity
@friendly_errors
def templates_list() -> None:
    """List the built-in templates: name, language and what each is for.

    \b
    Example:
        nkletters templates list
    """
    infos = templates.builtin_templates()
    width = max((len(info.name) for info in infos), default=0)
    for info in infos:
        click.echo(f"{info.name.ljust(width)}  {info.language:<5}  {info.description}".rstrip())


_template_language = click.option(
    "--lang",
    "language",
    default="en",
    show_default=True,
    callback=cliopts.lang_option_values,
    metavar="LANG",
    shell_complete=cliopts.complete_languages,
    help="Language of the template, when NAME does not say (appeal.zh does).",
)


@templates_group.command(name="show")
@click.argument("name", shell_complete=cliopts.complete_templates)
@_template_language
@cliopts.verbosity
@friendly_errors
def templates_show(name: str, language: str) -> None:
    """Print a template's source: a built-in NAME (appeal, appeal.zh) or a file.

    \b
    Examples:
        nkletters templates show appeal
        nkletters templates show appeal --lang ko
    """
    path, text = templates.template_source(name, language)
    say(f"# {shown(path)}", err=True)
    click.echo(text, nl=not text.endswith("\n"))


@templates_group.command(name="export")
@click.argument("name", shell_complete=cliopts.complete_templates)
@click.argument("path", required=False, type=click.Path(path_type=Path))
@_template_language
@click.option("--force", is_flag=True, help="Replace PATH if it already exists.")
@cliopts.verbosity
@friendly_errors
def templates_export(name: str, path: Path | None, language: str, force: bool) -> None:
    """Copy a built-in template to PATH (default: NAME.LANG.md here), to write your own.

    \b
    Examples:
        nkletters templates export appeal
        nkletters templates export appeal my-letter.md
        nkletters templates export appeal.zh letters/
    """
    written = templates.export_template(name, language, path, force=force)
    where = shown(written)
    as_option = where if os.sep in where or where.endswith(".md") else f".{os.sep}{where}"
    say(where)
    say(f"next: edit it, then 'nkletters preview --city Chicago --template {as_option}'", err=True)
