"""Serve: the ``nkletters serve`` command — the web page, under a production WSGI server.

waitress serves the app (never Flask's development server). It binds to 127.0.0.1
unless ``--host`` says otherwise: the page is for the person at this computer until the
operator decides to share it (see docs/hosting.md).
"""

from __future__ import annotations

import contextlib
import os
import secrets
import signal
import tempfile
import threading
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from ..errors import LettersError
from ..lazyimport import lazy_module

if TYPE_CHECKING:
    import socket
    import webbrowser
else:  # only serving needs them: every other command starts without importing them
    socket, webbrowser = lazy_module("socket"), lazy_module("webbrowser")

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8024
ANY_ADDRESS = ("0.0.0.0", "::")  # noqa: S104 - only to print a usable address for them
THREADS = 4
"""waitress's threads per process: a process lays out one letter at a time (the GIL and
reportlab's shared state), its other threads answer pages and suggestions meanwhile.
``--workers`` adds processes, for more cores."""


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
    "--threads",
    type=click.IntRange(1, 64),
    default=THREADS,
    show_default=True,
    help="Threads per worker process.",
)
@click.option(
    "--workers",
    type=click.IntRange(1, 64),
    default=1,
    show_default=True,
    help="Server processes sharing the port, to use more cores (not on Windows).",
)
def serve(
    host: str,
    port: int,
    open_browser: bool,
    profile_path: Path | None,
    allow_templates: bool,
    threads: int,
    workers: int,
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
    from ..web import WebConfig, create_app

    if workers > 1 and not hasattr(os, "fork"):
        raise click.UsageError("--workers needs a system that can fork; use --threads")
    # The workers must agree on the key that signs the session cookie.
    config = WebConfig(
        profile_path=profile_path,
        allow_templates=allow_templates,
        secret_key=secrets.token_hex(32),
        preload_towns=workers == 1,
    )
    try:
        app = create_app(config)
    except LettersError as exc:
        raise click.ClickException(str(exc)) from None
    try:
        listening = _listen(host, port)
    except OSError as exc:
        reason = os.strerror(exc.errno) if exc.errno else str(exc)
        raise click.ClickException(
            f"cannot listen on {host}:{port}: {reason} — choose another --port"
        ) from None
    shown_host = f"[{host}]" if ":" in host else host
    url = f"http://{'127.0.0.1' if host in ANY_ADDRESS else shown_host}:{port}/"
    click.echo(f"nkletters is at {url} (Ctrl-C stops it)", err=True)
    if host not in ("127.0.0.1", "localhost", "::1"):
        click.secho(
            f"warning: listening on {host}: anyone who can reach this computer can use the page",
            fg="yellow",
            err=True,
        )
    # A service manager stops the server with SIGTERM: clean up as for Ctrl-C.
    signal.signal(signal.SIGTERM, _interrupt)
    if workers == 1:
        if open_browser:
            threading.Timer(0.5, webbrowser.open, args=(url,)).start()
        _run(app, listening, threads)
    else:
        _run_workers(app, listening, threads, workers, url if open_browser else "")


def _interrupt(_signal: int, _frame: object) -> None:
    raise KeyboardInterrupt


def _listen(host: str, port: int) -> socket.socket:
    """The listening socket, bound here so that a port in use is one clear error and
    worker processes can share it."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    return socket.create_server((host, port), family=family, backlog=1024)


def _run(app: Any, listening: socket.socket, threads: int) -> None:
    import logging

    import waitress

    # waitress warns "Task queue depth is 1" whenever a request waits for a free thread
    # (a page's styles and scripts while a letter is laid out): nothing for whoever
    # watches the terminal to do. Its errors still show.
    logging.getLogger("waitress.queue").setLevel(logging.ERROR)
    with contextlib.suppress(KeyboardInterrupt):
        waitress.serve(app, sockets=[listening], threads=threads, ident="nkletters")


def _run_workers(
    app: Any, listening: socket.socket, threads: int, workers: int, open_url: str
) -> None:
    """``workers`` processes, each serving the same socket with its own threads.

    They fork from this one after the app is made (its directory and fonts are shared
    copy-on-write) and before any thread is started. A batch's state is in its folder,
    so any worker can show its progress and send its kit.

    This process decides when they stop (:func:`_stop_workers`). A worker does nothing
    on Ctrl-C, which a terminal sends to every process of the group, and stops on the
    SIGTERM this one sends it: a server started in the background ignores SIGINT from
    birth (a shell starts background commands so), and its workers were never stopped
    by the SIGINT they used to be sent.
    """
    # No stop signal may reach a worker before it has set its own handlers, nor this
    # process before it knows every worker it must stop.
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, _STOP_SIGNALS)
    children: list[int] = []
    try:
        for _ in range(workers):
            pid = os.fork()
            if pid == 0:  # pragma: no cover - runs in the child
                _serve_as_worker(app, listening, threads)
            children.append(pid)
        listening.close()
        if open_url:  # only now: no thread may run in a process that forks
            threading.Timer(0.5, webbrowser.open, args=(open_url,)).start()
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)
        while children:
            os.waitpid(children[0], 0)
            del children[0]  # ended and reaped: its number may be another process's now
    except KeyboardInterrupt:
        _stop_workers(children)
    except BaseException:
        _stop_workers(children)
        raise
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


_STOP_SIGNALS = {signal.SIGINT, signal.SIGTERM}
STOP_GRACE_SECONDS = 20.0
"""How long the workers have to answer the requests in hand and remove their batches'
folders once told to stop; a worker still running then is killed."""
_STOP_POLL_SECONDS = 0.05


def _serve_as_worker(
    app: Any, listening: socket.socket, threads: int
) -> None:  # pragma: no cover - runs in the child
    """A worker process's whole life: serve until SIGTERM, clean up, end."""

    def stop(_signal: int, _frame: object) -> None:
        signal.signal(signal.SIGTERM, signal.SIG_IGN)  # a second one must not cut the cleaning up
        raise KeyboardInterrupt

    # Ctrl-C is the main process's to act on. Caught and dropped rather than ignored: an
    # ignored signal stays ignored in the programs a process starts, and the processes
    # that write the web page's batches must still stop on Ctrl-C (unless the server was
    # started with it ignored, in the background: then they are too, as the shell meant).
    if signal.getsignal(signal.SIGINT) is not signal.SIG_IGN:
        signal.signal(signal.SIGINT, _drop)
    signal.signal(signal.SIGTERM, stop)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, _STOP_SIGNALS)
    code = 0
    try:
        app.extensions["nkletters"].suggestions.start()
        _run(app, listening, threads)
    except BaseException:
        code = 1
    finally:
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        app.extensions["nkletters"].jobs.close()
        os._exit(code)


def _drop(_signal: int, _frame: object) -> None:  # pragma: no cover - runs in the child
    """A signal a worker receives and does nothing about."""


def _stop_workers(children: list[int]) -> None:
    """Send each worker SIGTERM and wait for it; one that has not ended within
    :data:`STOP_GRACE_SECONDS` is killed, and the stop is an error saying so."""
    for signum in _STOP_SIGNALS:  # a second Ctrl-C must not cut the wait short
        signal.signal(signum, signal.SIG_IGN)
    for pid in children:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGTERM)  # each removes its batches' folders
    waiting = set(children)
    deadline = time.monotonic() + STOP_GRACE_SECONDS
    while waiting and time.monotonic() < deadline:
        for pid in list(waiting):
            try:
                ended, _ = os.waitpid(pid, os.WNOHANG)
            except ChildProcessError:
                ended = pid
            if ended:
                waiting.discard(pid)
        if waiting:
            time.sleep(_STOP_POLL_SECONDS)
    if not waiting:
        return
    for pid in waiting:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
        with contextlib.suppress(ChildProcessError):
            os.waitpid(pid, 0)
    from ..web.jobs import FOLDER_PREFIX

    raise click.ClickException(
        f"{len(waiting)} server process(es) had not stopped {STOP_GRACE_SECONDS:g} s after "
        "being told to, so they were killed; their batches' folders may remain in "
        f"{tempfile.gettempdir()} ({FOLDER_PREFIX}*), and are safe to delete"
    )


__all__ = ["ANY_ADDRESS", "DEFAULT_HOST", "DEFAULT_PORT", "STOP_GRACE_SECONDS", "THREADS", "serve"]
