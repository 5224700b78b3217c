"""One letter on the web: the form's values to the profile, the options and the PDF."""

from __future__ import annotations

import base64
import io
import re

import pytest
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from nkrefugees_letters.web import letter as web_letter
from tests.conftest import FIXED_DATE
from tests.web.conftest import (
    field_error,
    pdf_of,
    png,
    post_letter,
    text_of,
)


def test_the_same_link_is_laid_out_once(
    app: Flask, client: FlaskClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls = []
    real = web_letter.make

    def counting(*args: object, **kwargs: object) -> object:
        calls.append(args)
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(web_letter, "make", counting)
    link = "/letter.pdf?city=Toronto&date=2026-09-23"
    first, second = client.get(link), client.get(link)
    assert first.data == second.data and len(calls) == 1
    assert client.get("/letter.pdf?city=Toronto&date=2026-09-22").data != first.data
    assert len(calls) == 2


# --- one letter: the form ----------------------------------------------------------------


def test_show_gives_the_mission_why_confidence_sources_preview_and_pdf(
    client: FlaskClient,
) -> None:
    response = post_letter(client, city="Traverse City", date=FIXED_DATE)
    assert response.status_code == 200
    html = response.text
    reason = re.search(r'<p id="reason">(.*?)</p>', html)
    assert reason is not None and reason.group(1) == (
        "Traverse City (Michigan) is in the consular district of the Consulate-General in Chicago"
    )
    assert "Confidence</dt>" in html and "Address source</dt>" in html
    assert re.search(r'<img src="data:image/png;base64,[A-Za-z0-9+/=]{1000,}"', html)
    link = re.search(r'href="data:application/pdf;base64,([^"]+)" download="([^"]+)"', html)
    assert link is not None and link.group(2) == f"{FIXED_DATE}_us-chicago.pdf"
    assert "Chicago" in text_of(base64.b64decode(link.group(1)))


def test_the_pdf_button_downloads_the_letter(client: FlaskClient) -> None:
    response = post_letter(client, city="Seoul", action="pdf", lang="ko", date=FIXED_DATE)
    assert response.status_code == 200
    assert response.headers["Content-Disposition"] == (
        f'attachment; filename="{FIXED_DATE}_kr-seoul.pdf"'
    )
    assert "대한민국" in text_of(response.data) or "대사관" in text_of(response.data)


def test_organisation_fields_make_the_letterhead_verbatim(client: FlaskClient) -> None:
    response = post_letter(
        client,
        action="pdf",
        city="Chicago",
        org_name="Smith & Sons <Relief>",
        org_address="12 Harbour Road\nCape Town 8001",
        org_email="info@example.org",
        tagline="Speaking for those who cannot",
        colour="#8a1c1c",
        signer0_name="Jane Doe",
        signer0_title="Chair",
        signer1_name="Kim Lee",
        logo=(io.BytesIO(png()), "our logo.png"),
    )
    assert response.status_code == 200, response.text
    text = text_of(response.data)
    for expected in ("Smith & Sons <Relief>", "12 Harbour Road", "Speaking for those", "Kim Lee"):
        assert expected in text
    page = pdf_of(response.data).pages[0]
    assert page["/Resources"]["/XObject"], "the logo is drawn"


def test_markup_in_the_form_is_escaped_on_the_page(client: FlaskClient) -> None:
    html = post_letter(client, city="<script>alert(1)</script>").text
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"city": "Nowhere"}, "city", "no mission found for city &#39;Nowhere&#39;"),
        ({"city": ""}, "city", "say which mission: --city NAME or --mission ID"),
        ({"mission": "us-houston"}, "mission", "closed on 24 July 2020"),
        ({"city": "London", "country": "XX"}, "country", "&#39;XX&#39; is not a two-letter ISO"),
        ({"city": "Chicago", "lang": "fr"}, "lang", "&#39;fr&#39; is not a language nkletters"),
        ({"city": "Chicago", "paper": "b5"}, "paper", "unknown paper size &#39;b5&#39;"),
        ({"city": "Chicago", "date": "24/09/2026"}, "date", "is not a date; use YYYY-MM-DD"),
        (
            {"city": "Chicago", "org_name": "X", "org_email": "nope"},
            "org_email",
            "&#39;nope&#39; does not look like an email address — write it as name@example.org",
        ),
        (
            {"city": "Chicago", "org_name": "X", "colour": "red"},
            "colour",
            "expected a colour like &#39;#1f3a5f&#39;, got &#39;red&#39;",
        ),
        (
            {"city": "Chicago", "org_address": "12 Road"},
            "org_name",
            "required field is missing",
        ),
        (
            {"city": "Chicago", "signer0_title": "Chair"},
            "signer0_name",
            "required field is missing",
        ),
        (
            {"city": "Chicago", "org_name": "Emoji \U0001f600 Org"},
            "org_name",
            "contains",
        ),
    ],
)
def test_errors_appear_next_to_their_field_in_the_clis_words(
    client: FlaskClient, fields: dict[str, str], field: str, message: str
) -> None:
    response = post_letter(client, **fields)
    assert response.status_code == 400
    assert message in field_error(response.text, field)
    assert 'id="error-summary"' in response.text
    assert "Traceback" not in response.text


def test_values_are_kept_when_the_form_comes_back_with_errors(client: FlaskClient) -> None:
    html = post_letter(client, city="Nowhere", org_name="Friends & Co").text
    assert 'value="Nowhere"' in html and 'value="Friends &amp; Co"' in html


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        ((b"GIF89a", "logo.gif"), "&#39;logo.gif&#39; is not a PNG or JPEG image"),
        ((b"\x89PNG\r\n\x1a\nbroken", "logo.png"), "&#39;logo.png&#39; is damaged"),
        ((b"not an image", "logo.jpg"), "is not a PNG or JPEG image inside"),
    ],
)
def test_bad_logo_is_reported_on_the_logo_field(
    client: FlaskClient, upload: tuple[bytes, str], message: str
) -> None:
    data, name = upload
    response = post_letter(client, city="Chicago", org_name="X", logo=(io.BytesIO(data), name))
    assert response.status_code == 400
    assert message in field_error(response.text, "logo")


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(city=st.text(max_size=40), name=st.text(max_size=40))
def test_any_text_in_the_form_gives_a_page_never_a_crash(
    client: FlaskClient, city: str, name: str
) -> None:
    response = post_letter(client, city=city, org_name=name)
    assert response.status_code in (200, 400)
    assert "Traceback" not in response.text


@pytest.mark.parametrize(
    ("message", "field", "rest"),
    [
        ("organisation: email: 'x' is bad — fix", "org_email", "'x' is bad — fix"),
        ("organisation.name: required field is missing", "org_name", "required field is missing"),
        ("letterhead: accent_colour: expected a colour", "colour", "expected a colour"),
        ("signatories[1].title: expected text", "signer1_title", "expected text"),
        ("organisation.address[0] contains 😀", "org_address", "contains 😀"),
        ("defaults.paper: bad", "", "defaults.paper: bad"),
        ("letterhead: footer: bad", "", "letterhead: footer: bad"),
    ],
)
def test_profile_messages_find_their_form_field(message: str, field: str, rest: str) -> None:
    assert web_letter.form_field(message) == (field, rest)


@given(
    name=st.text(max_size=30),
    address=st.text(max_size=60),
    tagline=st.text(max_size=30),
)
@settings(max_examples=50, deadline=None)
def test_form_fields_round_trip_through_the_profile_yaml(
    name: str, address: str, tagline: str
) -> None:
    from nkrefugees_letters import yamlio

    values = {"org_name": name, "org_address": address, "tagline": tagline}
    text = web_letter.profile_yaml(values)
    if not text:
        return
    loaded = yamlio.load_text(text, "nkletters.yaml")
    if " ".join(name.split()):
        assert loaded["organisation"]["name"] == " ".join(name.split())
    if " ".join(tagline.split()):
        assert loaded["letterhead"]["tagline"] == " ".join(tagline.split())
