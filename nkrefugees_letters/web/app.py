"""App: the Flask application factory, its settings, and what makes it safe to host.

Every response carries a Content-Security-Policy; every form that changes something
carries a token tied to the browser's session; uploads are capped; an error the user
can fix is shown in the library's words, anything else as a short page with no
traceback (the server's log gets the error's type and place, never the form's data).
"""

from __future__ import annotations

import hmac
import logging
import os
import secrets
from dataclasses import dataclass
from pathlib import Path

from flask import Flask, Response, abort, render_template, request, session
from werkzeug.exceptions import HTTPException, RequestEntityTooLarge

from .. import __version__, missions, places, profile
from .jobs import Jobs
from .letter import Kept, Resolutions
from .suggest import Suggestions

MAX_UPLOAD_BYTES = 5_000_000
"""A whole form with its files: a logo, a profile and a signers file of ~20,000 rows."""
MAX_BATCH_LETTERS = 2_000
MAX_RUNNING_BATCHES = 2
CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; "
    "base-uri 'none'"
)
CSRF_FIELD = "csrf_token"

log = logging.getLogger("nkrefugees_letters.web")


@dataclass(frozen=True)
class WebConfig:
    """How the operator runs the page (``nkletters serve`` options, or the environment)."""

    profile_path: Path | None = None
    """The server's own profile: the letterhead when the user gives none."""
    allow_templates: bool = False
    """Let users upload their own letter templates (run in the CLI's sandbox)."""
    max_upload_bytes: int = MAX_UPLOAD_BYTES
    max_batch_letters: int = MAX_BATCH_LETTERS
    max_running_batches: int = MAX_RUNNING_BATCHES
    secret_key: str = ""
    """Signs the session cookie; random per process when empty (set it for several workers)."""
    preload_towns: bool = True
    """Read the gazetteer's towns for suggestions in the background as the app starts."""

    @classmethod
    def from_environment(cls) -> WebConfig:
        """``NKLETTERS_PROFILE``, ``NKLETTERS_ALLOW_TEMPLATES=1``, ``NKLETTERS_SECRET_KEY``,
        ``NKLETTERS_MAX_UPLOAD_BYTES``: for a server started by gunicorn."""
        env = os.environ
        path = env.get("NKLETTERS_PROFILE", "")
        return cls(
            profile_path=Path(path) if path else None,
            allow_templates=env.get("NKLETTERS_ALLOW_TEMPLATES", "") in ("1", "true", "yes"),
            max_upload_bytes=int(env.get("NKLETTERS_MAX_UPLOAD_BYTES", MAX_UPLOAD_BYTES)),
            secret_key=env.get("NKLETTERS_SECRET_KEY", ""),
        )


@dataclass(frozen=True)
class Loaded:
    """What every request uses, loaded once when the app is made."""

    config: WebConfig
    directory: missions.Directory
    profile: profile.Profile
    suggestions: Suggestions
    jobs: Jobs
    resolutions: Resolutions
    kept: Kept
    """The campaign link's letters (the server's profile only: no visitor's data)."""


def create_app(config: WebConfig | None = None) -> Flask:
    """The nkletters web application (``gunicorn "nkrefugees_letters.web:create_app()"``).

    Loads the mission directory and the server's profile, and lays out one letter so
    that the fonts and templates are known to work before the first visitor comes.
    Raises the library's errors for a broken profile or directory.
    """
    from . import routes
    from .letter import Choice, make

    config = config or WebConfig.from_environment()
    directory = missions.load()
    server_profile = profile.load(config.profile_path)
    make(_warm_up(directory), server_profile, Choice())
    app = Flask(__name__, template_folder="pages", static_folder="static")
    app.config.update(
        SECRET_KEY=config.secret_key or secrets.token_hex(32),
        MAX_CONTENT_LENGTH=config.max_upload_bytes,
        MAX_FORM_MEMORY_SIZE=config.max_upload_bytes,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=os.environ.get("NKLETTERS_SECURE_COOKIE", "") == "1",
        TEMPLATES_AUTO_RELOAD=False,
    )
    suggestions = Suggestions(directory)
    if config.preload_towns:
        suggestions.start()
    app.extensions["nkletters"] = Loaded(
        config,
        directory,
        server_profile,
        suggestions,
        Jobs(max_running=config.max_running_batches),
        Resolutions(directory),
        Kept(),
    )
    app.jinja_env.globals.update(csrf_token=csrf_token, version=__version__)
    app.register_blueprint(routes.pages)
    app.after_request(_headers)
    app.before_request(_check_csrf)
    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(Exception, _server_error)
    return app


def _warm_up(directory: missions.Directory) -> places.Resolution:
    """The letter laid out as the app starts: to the first open mission."""
    first = next(m for m in directory if m.is_open)
    return places.Resolution(first, "mission", "warm-up")


def loaded() -> Loaded:
    """This app's directory, profile, suggestions and jobs."""
    from flask import current_app

    found: Loaded = current_app.extensions["nkletters"]
    return found


def csrf_token() -> str:
    """The session's form token, made on first use."""
    token = session.get(CSRF_FIELD)
    if not isinstance(token, str):
        token = secrets.token_urlsafe(32)
        session[CSRF_FIELD] = token
    return token


def _check_csrf() -> None:
    if request.method in ("GET", "HEAD", "OPTIONS"):
        return
    expected = session.get(CSRF_FIELD)
    given = request.form.get(CSRF_FIELD, "")
    if not isinstance(expected, str) or not hmac.compare_digest(expected, given):
        abort(400, description="the form has expired — reload the page and send it again")


def _headers(response: Response) -> Response:
    response.headers["Content-Security-Policy"] = CSP
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["X-Frame-Options"] = "DENY"
    if request.method != "GET" or request.path.startswith("/batch/"):
        response.headers["Cache-Control"] = "no-store"
    return response


def _http_error(error: HTTPException) -> Response | tuple[str, int]:
    if isinstance(error, RequestEntityTooLarge):
        limit = loaded().config.max_upload_bytes
        message = (
            f"the files sent are larger than this server takes ({limit / 1e6:.0f} MB in all)"
            " — send a smaller logo or split the signers file"
        )
    else:
        message = error.description or error.name
    code = error.code or 500
    if _wants_text():
        return Response(message + "\n", code, mimetype="text/plain")
    return render_template("error.html", title=error.name, message=message), code


def _server_error(error: Exception) -> tuple[str, int]:
    frame = error.__traceback__
    while frame is not None and frame.tb_next is not None:
        frame = frame.tb_next
    place = f"{frame.tb_frame.f_code.co_filename}:{frame.tb_lineno}" if frame else "?"
    # The type and the place are enough to find the bug; the message may hold a user's data.
    log.error("%s %s failed: %s at %s", request.method, request.path, type(error).__name__, place)
    message = "something went wrong on the server; nothing you sent was kept — try again"
    return render_template("error.html", title="Server error", message=message), 500


def _wants_text() -> bool:
    return request.path.endswith(".pdf") or request.path.startswith(("/api/", "/health"))


__all__ = ["WebConfig", "create_app"]
