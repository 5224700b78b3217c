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

from flask import Flask, Response, abort, render_template, request, session
from werkzeug.exceptions import HTTPException, RequestEntityTooLarge

from .. import __version__, missions, places, profile
from ..lazyimport import load_pending
from . import routes
from .jobs import Jobs
from .letter import Choice, Kept, Resolutions, make
from .state import CSRF_FIELD, Loaded, WebConfig, csrf_token, loaded
from .suggest import Suggestions

CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; "
    "base-uri 'none'"
)

log = logging.getLogger("nkrefugees_letters.web")


def create_app(config: WebConfig | None = None) -> Flask:
    """The nkletters web application (``gunicorn "nkrefugees_letters.web:create_app()"``).

    Loads the mission directory and the server's profile, and lays out one letter so
    that the fonts and templates are known to work before the first visitor comes.
    Raises the library's errors for a broken profile or directory.
    """
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
    # Every request runs in a thread of the server: no module may be left to load lazily
    # by whichever request first needs it (see lazyimport.load_pending).
    load_pending()
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
