"""Uploads: an uploaded nkletters.yaml, its images and templates, the request's folder."""

from __future__ import annotations

import io
import tempfile
from pathlib import Path

import pytest
from flask.testing import FlaskClient

from nkrefugees_letters.web import WebConfig, create_app
from tests.web.conftest import (
    field_error,
    png,
    post_letter,
    text_of,
    unescape,
)

# --- one letter: an uploaded nkletters.yaml ----------------------------------------------


def upload_profile(client: FlaskClient, text: str, **extra: object) -> object:
    return post_letter(
        client,
        city="Chicago",
        action="pdf",
        profile=(io.BytesIO(text.encode()), "our-profile.yaml"),
        **extra,
    )


def test_uploaded_profile_with_its_images_makes_the_letter(client: FlaskClient) -> None:
    response = upload_profile(
        client,
        "organisation:\n  name: Uploaded Org\n  logo: logo.png\n"
        "signatories:\n  - name: Jane Doe\n    signature: sig.png\n",
        images=[(io.BytesIO(png()), "logo.png"), (io.BytesIO(png((200, 60))), "sig.png")],
    )
    assert response.status_code == 200, response.text
    assert "Uploaded Org" in text_of(response.data)


def test_uploaded_profile_error_names_the_file_and_line(client: FlaskClient) -> None:
    response = upload_profile(client, "organisation:\n  name: X\n  emial: a@b.org\n")
    assert response.status_code == 400
    assert field_error(response.text, "profile") == (
        "our-profile.yaml:3: organisation.emial: unknown field — did you mean &#39;email&#39;?"
    )


def test_uploaded_profile_yaml_syntax_error_names_the_line(client: FlaskClient) -> None:
    response = upload_profile(client, "organisation:\n  name: [unclosed\n")
    message = field_error(response.text, "profile")
    assert message.startswith("our-profile.yaml:")
    assert tempfile.gettempdir() not in message


@pytest.mark.parametrize(
    ("text", "line", "label", "value"),
    [
        (
            "organisation:\n  name: X\n  logo: /etc/hostname\n",
            3,
            "organisation.logo",
            "/etc/hostname",
        ),
        (
            "organisation:\n  name: X\n  logo: ../outside.png\n",
            3,
            "organisation.logo",
            "../outside.png",
        ),
        (
            "signatories:\n  - name: X\n    signature: ~/sig.png\n",
            3,
            "signatories[0].signature",
            "~/sig.png",
        ),
        ("defaults:\n  template: /etc/passwd.md\n", 2, "defaults.template", "/etc/passwd.md"),
    ],
)
def test_uploaded_profile_may_not_name_files_outside_its_upload(
    client: FlaskClient, text: str, line: int, label: str, value: str
) -> None:
    outside = Path(tempfile.gettempdir()) / "outside.png"
    outside.write_bytes(png())
    try:
        response = upload_profile(client, text)
    finally:
        outside.unlink()
    assert response.status_code == 400
    assert unescape(field_error(response.text, "profile")) == (
        f"our-profile.yaml:{line}: {label}: {value!r} is not a file uploaded with the profile "
        "— upload the file with the profile, and name it without a folder"
    )


def test_uploaded_profile_image_not_uploaded_says_so(client: FlaskClient) -> None:
    response = upload_profile(client, "organisation:\n  name: X\n  logo: logo.png\n")
    message = unescape(field_error(response.text, "profile"))
    assert message.startswith("our-profile.yaml:3: organisation: logo: image file 'logo.png'")
    assert tempfile.gettempdir() not in message


def test_uploaded_profile_template_path_needs_allow_templates(client: FlaskClient) -> None:
    response = upload_profile(client, "defaults:\n  template: mine.md\n")
    assert response.status_code == 400
    assert "this server prints only the built-in templates" in field_error(response.text, "profile")


def test_profile_upload_must_be_yaml(client: FlaskClient) -> None:
    response = post_letter(client, city="Chicago", profile=(io.BytesIO(b"x"), "profile.txt"))
    assert "&#39;profile.txt&#39; is not a profile" in field_error(response.text, "profile")


# --- custom templates ----------------------------------------------------------------------


TEMPLATE = """---
language: en
subject: A test subject
recipient: ["The Consul General"]
salutation: Dear Sir or Madam,
closing: Yours faithfully,
---
We write from {{ city }} with a custom paragraph.
"""


def test_template_upload_is_only_offered_with_allow_templates(client: FlaskClient) -> None:
    assert 'id="template"' not in client.get("/").text
    response = post_letter(
        client, city="Chicago", action="pdf", template=(io.BytesIO(TEMPLATE.encode()), "t.md")
    )
    assert "custom paragraph" not in text_of(response.data)


def test_allowed_template_is_used_in_the_sandbox() -> None:
    allowed = create_app(WebConfig(preload_towns=False, allow_templates=True)).test_client()
    assert 'id="template"' in allowed.get("/").text
    response = post_letter(
        allowed, city="Chicago", action="pdf", template=(io.BytesIO(TEMPLATE.encode()), "t.md")
    )
    assert "We write from Chicago with a custom paragraph." in text_of(response.data)
    escape = TEMPLATE.replace("{{ city }}", "{{ ''.__class__.__mro__ }}")
    response = post_letter(
        allowed, city="Chicago", template=(io.BytesIO(escape.encode()), "evil.md")
    )
    assert response.status_code == 400
    message = unescape(field_error(response.text, "template"))
    assert message.startswith("evil.md:8: the template tried something the sandbox forbids")


def test_request_folders_are_removed_after_every_kind_of_response(
    client: FlaskClient, private_tmp: Path
) -> None:
    post_letter(client, city="Chicago", org_name="X", logo=(io.BytesIO(png()), "l.png"))
    post_letter(client, city="Chicago", org_name="X", logo=(io.BytesIO(b"bad"), "l.png"))
    upload_profile(client, "organisation:\n  name: [broken\n")
    post_letter(client, city="Nowhere", action="pdf")
    assert list(private_tmp.iterdir()) == []
