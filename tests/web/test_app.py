"""The web app's factory: security headers, the form token, the upload limit, server errors."""

from __future__ import annotations

import io
import logging
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from nkrefugees_letters.web import WebConfig, create_app
from nkrefugees_letters.web import letter as web_letter
from tests.web.conftest import (
    png,
    post_letter,
    token,
)


@pytest.mark.parametrize(
    "page",
    ["/", "/batch", "/missions", "/missions?q=chicago", "/missions/us-chicago"],
)
def test_every_page_renders_with_its_security_headers(client: FlaskClient, page: str) -> None:
    response = client.get(page)
    assert response.status_code == 200
    assert response.content_type == "text/html; charset=utf-8"
    policy = response.headers["Content-Security-Policy"]
    assert "default-src 'none'" in policy and "script-src 'self'" in policy
    assert "frame-ancestors 'none'" in policy
    assert response.headers["X-Content-Type-Options"] == "nosniff"


# --- safety --------------------------------------------------------------------------------


def test_a_form_without_its_token_is_refused(client: FlaskClient) -> None:
    client.get("/")
    response = client.post("/letter", data={"city": "Chicago", "csrf_token": "forged"})
    assert response.status_code == 400
    assert "the form has expired — reload the page and send it again" in response.text


def test_another_browsers_token_is_refused(app: Flask) -> None:
    first, second = app.test_client(), app.test_client()
    response = second.post("/letter", data={"city": "Chicago", "csrf_token": token(first)})
    assert response.status_code == 400


def test_uploads_over_the_limit_are_refused_in_words() -> None:
    small = create_app(WebConfig(preload_towns=False, max_upload_bytes=20_000)).test_client()
    response = post_letter(
        small, city="Chicago", org_name="X", logo=(io.BytesIO(b"\0" * 50_000), "logo.png")
    )
    assert response.status_code == 413
    assert "larger than this server takes" in response.text
    assert "Traceback" not in response.text


def test_server_error_shows_no_traceback_and_logs_no_data(
    client: FlaskClient,
    private_tmp: Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    def broken(*_args: object, **_kwargs: object) -> None:
        raise RuntimeError("secret: Jane Doe, jane@example.org")

    monkeypatch.setattr(web_letter, "make", broken)
    with caplog.at_level(logging.ERROR, logger="nkrefugees_letters.web"):
        response = post_letter(
            client,
            city="Chicago",
            org_name="X",
            signer0_name="Jane Doe",
            logo=(io.BytesIO(png()), "l.png"),
        )
    assert response.status_code == 500
    assert "something went wrong on the server" in response.text
    assert "Traceback" not in response.text and "Jane" not in response.text
    assert "RuntimeError" in caplog.text and "Jane" not in caplog.text
    assert list(private_tmp.iterdir()) == []
