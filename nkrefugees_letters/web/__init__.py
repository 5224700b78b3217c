"""Web: ``nkletters serve`` — one letter, many letters and the directory, in a browser.

``create_app()`` makes the WSGI application, for ``nkletters serve`` (waitress) or any
production server: ``gunicorn "nkrefugees_letters.web:create_app()"``.
"""

from __future__ import annotations

from .app import WebConfig, create_app

__all__ = ["WebConfig", "create_app"]
