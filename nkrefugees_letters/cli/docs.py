"""CLI: ``nkletters docs`` and ``nkletters schema`` — the documents and the profile's schema.

Both print files the package ships (:mod:`resources`, :mod:`schema`), for messages and
editors that refer to them.
"""

from __future__ import annotations

import click

from .. import cliopts

__all__ = ["DOCS", "docs", "schema"]


DOCS = {
    "templates": "templates.md",
    "languages": "languages.md",
    "data": "data.md",
    "completion": "completion.md",
}
"""``nkletters docs NAME``: the documents that messages and --help refer to."""


@click.command()
@click.argument("name", type=click.Choice(sorted(DOCS)), default="templates")
@cliopts.verbosity
def docs(name: str) -> None:
    """Print one of the documents that messages refer to (docs/NAME.md), as Markdown.

    \b
    Examples:
        nkletters docs templates      # every variable and filter a template can use
        nkletters docs completion     # tab completion for bash, zsh and fish
    """
    from .. import resources

    click.echo((resources.docs_dir() / DOCS[name]).read_text(encoding="utf-8"), nl=False)


@click.command()
@cliopts.verbosity
def schema() -> None:
    """Print the JSON Schema of nkletters.yaml, for editors that complete and check YAML.

    The same file is docs/nkletters.schema.json. With the YAML extension of VS Code (or any
    editor using yaml-language-server), put this first line in the profile:

    \b
        # yaml-language-server: $schema=nkletters.schema.json

    \b
    Example:
        nkletters schema > nkletters.schema.json
    """
    from .. import schema as schema_module

    click.echo(schema_module.profile_schema_text(), nl=False)
