"""Web state: the operator's settings, what is loaded once per app, and the session's token.

Routes and the app factory both use these, so they live apart from both: the factory
(:mod:`.app`) fills :class:`Loaded`, and a route reads it with :func:`loaded`.
"""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass
from pathlib import Path

from flask import session

from .. import missions, profile
from .jobs import Jobs
from .letter import Kept, Resolutions
from .suggest import Suggestions

__all__ = [
    "CSRF_FIELD",
    "MAX_BATCH_LETTERS",
    "MAX_RUNNING_BATCHES",
    "MAX_UPLOAD_BYTES",
    "Loaded",
    "WebConfig",
    "csrf_token",
    "loaded",
]

MAX_UPLOAD_BYTES = 5_000_000
"""A whole form with its files: a logo, a profile and a signers file of ~20,000 rows."""
MAX_BATCH_LETTERS = 2_000
MAX_RUNNING_BATCHES = 2
CSRF_FIELD = "csrf_token"


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
