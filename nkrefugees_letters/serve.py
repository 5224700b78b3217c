"""Serve: the ``nkletters serve`` command — the web page, under a production WSGI server.

waitress serves the app (never Flask's development server). It binds to 127.0.0.1
unless ``--host`` says otherwise: the page is for the person at this computer until the
operator decides to share it (see docs/hosting.md).
"""

from __future__ import annotations

import threading
import webbrowser
from pathlib import Path

import click

from .errors import LettersError

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8024
ANY_ADDRESS = ("0.0.0.0", "::")  # noqa: S104 - only to print a usable address for them
THREADS = 4
"""waitress's worker threads: letters are laid out one at a time (the GIL and reportlab's
shared state), the other threads answer pages and suggestions meanwhile."""


@click.command()
@click.option("--host", default=DEFAULT_HOST, show_default=True, help="Address to listen on.")
@click.option(
    "--port", type=click.IntRange(1, 65535), default=DEFAULT_PORT, show_default=True, help="Port."
)
@click.option("--open", "open_browser", is_flag=True, help="Open the page in your browser.")
@click.option(
    "--profile",
    "profile_path",
    type=click.Path(path_type=Path, dir_okay=False, exists=True),
    help="Your organisation's profile: the letterhead when a visitor gives none.",
)
@click.option(
    "--allow-templates",
    is_flag=True,
    help="Let visitors upload their own letter templates (run in the same sandbox as the CLI).",
)
@click.option(
    "--threads", type=click.IntRange(1, 64), default=THREADS, show_default=True, help="Threads."
)
def serve(
    host: str,
    port: int,
    open_browser: bool,
    profile_path: Path | None,
    allow_templates: bool,
    threads: int,
) -> None:
    """Run the nkletters web page: one letter, many letters, and the directory.

    For coordinators who would rather not use a terminal: open the address it prints
    in a browser. It listens on 127.0.0.1 (this computer only) unless --host says
    otherwise; docs/hosting.md shows how to run it for a whole campaign.

    \b
    Examples:
        nkletters serve --open
        nkletters serve --profile nkletters.yaml --port 8080
    """
    import waitress

    from .web import WebConfig, create_app

    try:
        app = create_app(WebConfig(profile_path=profile_path, allow_templates=allow_templates))
    except LettersError as exc:
        raise click.ClickException(str(exc)) from None
    shown_host = f"[{host}]" if ":" in host else host
    url = f"http://{'127.0.0.1' if host in ANY_ADDRESS else shown_host}:{port}/"
    click.echo(f"nkletters is at {url} (Ctrl-C stops it)", err=True)
    if host not in ("127.0.0.1", "localhost", "::1"):
        click.secho(
            f"warning: listening on {host}: anyone who can reach this computer can use the page",
            fg="yellow",
            err=True,
        )
    if open_browser:
        threading.Timer(0.5, webbrowser.open, args=(url,)).start()
    try:
        waitress.serve(app, host=host, port=port, threads=threads, ident="nkletters")
    except OSError as exc:
        raise click.ClickException(
            f"cannot listen on {host}:{port}: {exc.strerror} — choose another --port"
        ) from None
