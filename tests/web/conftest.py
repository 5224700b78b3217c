"""Shared web test helpers: the app, its test client, the form token, reading the PDFs."""

from __future__ import annotations

import io
import re
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pypdf
import pytest
from flask import Flask
from flask.testing import FlaskClient
from PIL import Image

from nkrefugees_letters.web import WebConfig, create_app

SIGNERS = (
    "name,title,organisation,email,city,country,personal_note\n"
    "Jane Doe,Volunteer,,jane@example.org,Chicago,,I care.\n"
    ",,,,Chicago,,\n"
    "Kim Lee,,,,Traverse City,US,\n"
    "Bob Smith,,,,Nowhereville,,\n"
)


@pytest.fixture(scope="module")
def app() -> Flask:
    return create_app(WebConfig(preload_towns=False))


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def private_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """Every temporary folder the app makes goes here, so a test can see what is left."""
    folder = tmp_path / "server-tmp"
    folder.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    yield folder


def token(client: FlaskClient, page: str = "/") -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', client.get(page).text)
    assert found is not None
    return found.group(1)


def post_letter(client: FlaskClient, **fields: object) -> object:
    data: dict[str, object] = {"csrf_token": token(client), "action": "show", **fields}
    return client.post("/letter", data=data, content_type="multipart/form-data")


def field_error(html: str, name: str) -> str:
    """The message shown next to the field ``name`` (inside its own field block)."""
    found = re.search(
        rf'<p class="field-error" id="{name}-error"><span class="visually-hidden">Error: '
        r"</span>(.*?)</p>",
        html,
        re.S,
    )
    assert found is not None, f"no error shown next to {name}"
    return found.group(1)


def pdf_of(data: bytes) -> pypdf.PdfReader:
    return pypdf.PdfReader(io.BytesIO(data))


def text_of(data: bytes) -> str:
    reader = pdf_of(data)
    return " ".join(" ".join((p.extract_text() or "").split()) for p in reader.pages)


def png(size: tuple[int, int] = (120, 40)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, "#1f3a5f").save(buffer, format="PNG")
    return buffer.getvalue()


def unescape(html: str) -> str:
    import html as html_module

    return html_module.unescape(html)
