"""The web app, through Flask's test client: every page, every error path, the limits."""

from __future__ import annotations

import base64
import io
import logging
import re
import tempfile
import time
import types
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pypdf
import pytest
from click.testing import CliRunner
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image

from nkrefugees_letters import missions, selection
from nkrefugees_letters.cli import cli
from nkrefugees_letters.web import WebConfig, create_app
from nkrefugees_letters.web import letter as web_letter
from nkrefugees_letters.web.view import confidence

from .conftest import FIXED_DATE

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


# --- pages -----------------------------------------------------------------------------


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


def test_health_says_how_many_missions_are_loaded(client: FlaskClient) -> None:
    response = client.get("/health")
    assert response.status_code == 200
    assert response.json == {"status": "ok", "missions": len(missions.load().missions)}


def test_form_labels_every_input(client: FlaskClient) -> None:
    html = client.get("/").text
    ids = re.findall(r'<(?:input|select|textarea) id="([^"]+)"', html)
    assert {"city", "lang", "paper", "date", "org_name", "logo", "profile"} <= set(ids)
    for name in ids:
        assert f'<label for="{name}">' in html, f"{name} has no label"


def test_suggestions_start_with_the_directory_cities(client: FlaskClient) -> None:
    assert "Chicago" in client.get("/api/places?q=chic").json
    assert client.get("/api/places?q=c").json == []


def test_suggestions_add_gazetteer_towns_in_a_form_the_city_field_takes(app: Flask) -> None:
    suggestions = app.extensions["nkletters"].suggestions
    suggestions.load_towns()
    found = suggestions("Traverse")
    assert "Traverse City, Michigan" in found
    resolution = selection.resolve(missions.load(), city="Traverse City, Michigan")
    assert resolution.mission.id == "us-chicago"


def test_bundled_fonts_are_served_and_nothing_else(client: FlaskClient) -> None:
    response = client.get("/fonts/serif-bold.ttf")
    assert response.status_code == 200 and response.data[:4] == b"\x00\x01\x00\x00"
    assert client.get("/fonts/..%2Fcli.py").status_code == 404
    assert client.get("/fonts/NotoSerif-Regular.ttf").status_code == 404


# --- the plain link ----------------------------------------------------------------------


def test_letter_link_returns_the_personal_letter(client: FlaskClient) -> None:
    response = client.get(f"/letter.pdf?city=Chicago&lang=en&date={FIXED_DATE}")
    assert response.status_code == 200
    assert response.content_type == "application/pdf"
    assert response.headers["Content-Disposition"] == (
        f'inline; filename="{FIXED_DATE}_us-chicago.pdf"'
    )
    text = text_of(response.data)
    assert "Republic of China in Chicago" in text and "100 West Erie Street" in text
    assert "September 24, 2026" in text
    assert len(pdf_of(response.data).pages) == 1


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


def test_letter_link_takes_a_bilingual_language_as_written(client: FlaskClient) -> None:
    response = client.get("/letter.pdf?city=Chicago&lang=en+zh")
    assert response.status_code == 200
    text = text_of(response.data)
    assert "Your Excellency" in text and "主席" in text


@pytest.mark.parametrize(
    ("query", "size"),
    [("mission=gb-london&paper=letter", (612, 792)), ("city=Chicago&paper=a4", (595, 842))],
)
def test_letter_link_takes_mission_and_paper(
    client: FlaskClient, query: str, size: tuple[int, int]
) -> None:
    response = client.get(f"/letter.pdf?{query}")
    box = pdf_of(response.data).pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == size


@pytest.mark.parametrize(
    ("query", "cli_args"),
    [
        ("city=Nowhere", ["--city", "Nowhere"]),
        ("city=Chicgo", ["--city", "Chicgo"]),
        ("city=Houston", ["--city", "Houston"]),
        ("city=Portland", ["--city", "Portland"]),
        ("mission=xx-nope", ["--mission", "xx-nope"]),
        ("city=Chicago&lang=fr", ["--city", "Chicago", "--lang", "fr"]),
        ("city=Chicago&date=2026-13-01", ["--city", "Chicago", "--date", "2026-13-01"]),
        ("city=London&country=XX", ["--city", "London", "--country", "XX"]),
        ("city=Chicago&lang=en+fr", ["--city", "Chicago", "--lang", "en+fr"]),
        ("", []),
    ],
)
def test_letter_link_bad_value_is_400_with_the_clis_message(
    client: FlaskClient,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    query: str,
    cli_args: list[str],
) -> None:
    monkeypatch.chdir(tmp_path)
    response = client.get(f"/letter.pdf?{query}")
    assert response.status_code == 400
    assert response.content_type == "text/plain; charset=utf-8"
    message = response.text.strip()
    result = CliRunner().invoke(cli, ["generate", *cli_args])
    assert result.exit_code != 0
    assert message in " ".join(result.stderr.split())
    assert "Traceback" not in response.text


def test_letter_link_bad_paper_is_the_librarys_message(client: FlaskClient) -> None:
    response = client.get("/letter.pdf?city=Chicago&paper=foo")
    assert response.status_code == 400
    assert response.text == "unknown paper size 'foo' — use a4, letter or auto\n"


def test_letter_link_uses_the_servers_profile(tmp_path: Path) -> None:
    profile = tmp_path / "nkletters.yaml"
    profile.write_text("organisation:\n  name: Campaign HQ\n", encoding="utf-8")
    served = create_app(WebConfig(preload_towns=False, profile_path=profile)).test_client()
    assert "Campaign HQ" in text_of(served.get("/letter.pdf?city=Chicago").data)
    assert "comes from <strong>Campaign HQ</strong>" in served.get("/").text


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


def test_request_folders_are_removed_after_every_kind_of_response(
    client: FlaskClient, private_tmp: Path
) -> None:
    post_letter(client, city="Chicago", org_name="X", logo=(io.BytesIO(png()), "l.png"))
    post_letter(client, city="Chicago", org_name="X", logo=(io.BytesIO(b"bad"), "l.png"))
    upload_profile(client, "organisation:\n  name: [broken\n")
    post_letter(client, city="Nowhere", action="pdf")
    assert list(private_tmp.iterdir()) == []


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


# --- many letters --------------------------------------------------------------------------


def start_batch(
    client: FlaskClient, csv_text: str = SIGNERS, name: str = "my signers.csv", **extra: object
) -> object:
    data: dict[str, object] = {
        "csrf_token": token(client, "/batch"),
        "lang": "en",
        "paper": "auto",
        "date": FIXED_DATE,
        "signers": (io.BytesIO(csv_text.encode()), name),
        **extra,
    }
    return client.post("/batch", data=data, content_type="multipart/form-data")


def wait_for(client: FlaskClient, page: str) -> dict[str, object]:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        status = client.get(f"{page}/status").json
        assert status is not None
        if status["state"] in ("done", "failed"):
            return status
        time.sleep(0.2)
    raise AssertionError("the batch did not finish")


def test_batch_writes_the_kit_lists_bad_rows_and_deletes_it_once_sent(
    app: Flask, client: FlaskClient
) -> None:
    response = start_batch(client)
    assert response.status_code == 303
    page = response.headers["Location"]
    status = wait_for(client, page)
    assert status["state"] == "done"
    assert status["bad_rows"] == [
        "my signers.csv row 3: no name",
        "my signers.csv row 5: no mission found for city 'Nowhereville' — see 'nkletters "
        "missions list' for every city",
    ]
    assert status["total"] == status["done"] == 2
    html = client.get(page).text
    assert "my signers.csv row 3: no name" in html and 'id="kit"' in html
    folder = app.extensions["nkletters"].jobs.held()[page.rsplit("/", 1)[1]].folder
    kit = client.get(f"{page}/kit.zip")
    assert kit.status_code == 200 and kit.content_type == "application/zip"
    names = zipfile.ZipFile(io.BytesIO(kit.data)).namelist()
    kit.close()
    assert sorted(names) == [
        f"{FIXED_DATE}_us-chicago_jane-doe.pdf",
        f"{FIXED_DATE}_us-chicago_kim-lee.pdf",
        "all-letters.pdf",
        "cover-notes.pdf",
        "delivery.csv",
        "delivery.json",
        "envelopes.pdf",
        "labels.pdf",
    ]
    archive = zipfile.ZipFile(io.BytesIO(kit.data))
    assert "I care." in text_of(archive.read(f"{FIXED_DATE}_us-chicago_jane-doe.pdf"))
    assert len(pdf_of(archive.read("all-letters.pdf")).pages) == 2
    assert not folder.exists()
    assert client.get(f"{page}/status").status_code == 404


def test_batch_from_an_excel_workbook(client: FlaskClient) -> None:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for row in (["name", "city"], ["Jane Doe", "Chicago"], [None, "Chicago"], ["Kim Lee", "Seoul"]):
        sheet.append(row)
    data = io.BytesIO()
    book.save(data)
    form: dict[str, object] = {
        "csrf_token": token(client, "/batch"),
        "date": FIXED_DATE,
        "signers": (io.BytesIO(data.getvalue()), "Our signers.xlsx"),
    }
    response = client.post("/batch", data=form, content_type="multipart/form-data")
    page = response.headers["Location"]
    status = wait_for(client, page)
    assert status["state"] == "done", status
    assert status["bad_rows"] == ["Our signers.xlsx row 3: no name"]
    kit = client.get(f"{page}/kit.zip")
    names = zipfile.ZipFile(io.BytesIO(kit.data)).namelist()
    kit.close()
    assert f"{FIXED_DATE}_kr-seoul_kim-lee.pdf" in names


def test_batch_with_an_uploaded_profile_and_its_logo(client: FlaskClient) -> None:
    page = start_batch(
        client,
        "name,city\nJane Doe,Chicago\n",
        profile=(io.BytesIO(b"organisation:\n  name: Batch Org\n  logo: logo.png\n"), "p.yaml"),
        images=[(io.BytesIO(png()), "logo.png")],
    ).headers["Location"]
    assert wait_for(client, page)["state"] == "done"
    kit = client.get(f"{page}/kit.zip")
    archive = zipfile.ZipFile(io.BytesIO(kit.data))
    kit.close()
    letter = archive.read(f"{FIXED_DATE}_us-chicago_jane-doe.pdf")
    assert "Batch Org" in text_of(letter)
    assert pdf_of(letter).pages[0]["/Resources"]["/XObject"]


def test_batch_profile_naming_a_file_elsewhere_fails_with_its_line(client: FlaskClient) -> None:
    page = start_batch(
        client,
        "name,city\nJane Doe,Chicago\n",
        profile=(io.BytesIO(b"organisation:\n  name: X\n  logo: /etc/hostname\n"), "p.yaml"),
    ).headers["Location"]
    status = wait_for(client, page)
    assert status["state"] == "failed"
    assert status["error"] == (
        "p.yaml:3: organisation.logo: '/etc/hostname' is not a file uploaded with the "
        "profile — upload the file with the profile, and name it without a folder"
    )


def test_a_sibling_server_process_shows_and_sends_the_batch() -> None:
    """``nkletters serve --workers 2``: the next request may reach the other process."""
    first, second = (
        create_app(WebConfig(preload_towns=False, secret_key="shared")) for _ in range(2)
    )
    browser = first.test_client()
    page = start_batch(browser).headers["Location"]
    wait_for(browser, page)
    cookie = browser.get_cookie("session")
    assert cookie is not None
    sibling = second.test_client()
    sibling.set_cookie("session", cookie.value)
    assert "my signers.csv row 3: no name" in sibling.get(page).text
    kit = sibling.get(f"{page}/kit.zip")
    assert "all-letters.pdf" in zipfile.ZipFile(io.BytesIO(kit.data)).namelist()
    kit.close()
    assert browser.get(page).status_code == 404  # the first process lets it go too
    assert first.extensions["nkletters"].jobs.held() == {}


def test_batch_of_another_browser_is_not_found(app: Flask, client: FlaskClient) -> None:
    page = start_batch(client).headers["Location"]
    wait_for(client, page)
    stranger = app.test_client()
    assert stranger.get(page).status_code == 404
    assert stranger.get(f"{page}/kit.zip").status_code == 404
    client.get(f"{page}/kit.zip").close()


def test_batch_with_a_bad_file_fails_in_the_librarys_words(client: FlaskClient) -> None:
    page = start_batch(client, "fullname,city\nJane,Chicago\n").headers["Location"]
    status = wait_for(client, page)
    assert status["state"] == "failed"
    assert status["error"] == (
        "my signers.csv:1: no 'name' column in the header row — did you mean 'name' instead "
        "of 'fullname'? the columns are: name, title, organisation, email, city, country, "
        "personal_note"
    )


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (None, "choose the signers file (CSV or .xlsx) to upload"),
        ("signers.ods", "&#39;signers.ods&#39; is not a CSV file or an Excel workbook"),
    ],
)
def test_batch_form_errors_are_next_to_the_file_field(
    client: FlaskClient, upload: str | None, message: str
) -> None:
    data: dict[str, object] = {"csrf_token": token(client, "/batch")}
    if upload:
        data["signers"] = (io.BytesIO(b"PK\x03\x04"), upload)
    response = client.post("/batch", data=data, content_type="multipart/form-data")
    assert response.status_code == 400
    assert message in field_error(response.text, "signers")


def test_unknown_batch_is_404(client: FlaskClient) -> None:
    response = client.get("/batch/not-a-job")
    assert response.status_code == 404
    assert "no such batch" in response.text


def test_finished_kits_expire(app: Flask, client: FlaskClient) -> None:
    jobs = app.extensions["nkletters"].jobs
    page = start_batch(client).headers["Location"]
    wait_for(client, page)
    job = jobs.held()[page.rsplit("/", 1)[1]]
    job.finished_at -= jobs.lifetime + 1
    job.save()
    assert client.get(page).status_code == 404
    assert not job.folder.exists()


# --- the directory ------------------------------------------------------------------------


def test_directory_search_and_country_filter(client: FlaskClient) -> None:
    html = client.get("/missions?q=chicago").text
    assert "/missions/us-chicago" in html and "/missions/gb-london" not in html
    html = client.get("/missions?country=CA").text
    assert "/missions/ca-toronto" in html and "/missions/us-chicago" not in html


def test_directory_says_which_mission_serves_a_town_and_why(client: FlaskClient) -> None:
    html = unescape(client.get("/missions?place=Traverse+City").text)
    assert "Traverse City (Michigan) is in the consular district of the Consulate-General" in html
    assert "/?city=Traverse+City" in html


def test_directory_unknown_town_is_shown_next_to_the_field(client: FlaskClient) -> None:
    html = client.get("/missions?place=Nowhereville").text
    assert re.search(r'<p class="field-error" id="place-error">no mission found', html)


def test_mission_page_shows_address_confidence_and_sources(client: FlaskClient) -> None:
    mission = missions.load().get("us-chicago")
    html = unescape(client.get("/missions/us-chicago").text)
    assert "100 West Erie Street" in html
    assert mission.source in html
    assert confidence(mission).label in html


def test_unknown_mission_page_is_404_in_the_libraries_words(client: FlaskClient) -> None:
    response = client.get("/missions/us-chicgo")
    assert response.status_code == 404
    assert "did you mean &#39;us-chicago&#39;?" in response.text


# --- helpers -------------------------------------------------------------------------------


def test_confidence_reads_the_level_and_falls_back_to_verified() -> None:
    mission = missions.load().get("us-chicago")
    assert confidence(mission).level == mission.confidence
    assert confidence(mission).label == missions.CONFIDENCE_TEXT[mission.confidence]
    single = types.SimpleNamespace(confidence="single")
    assert not confidence(single).confirmed  # type: ignore[arg-type]
    old = types.SimpleNamespace(verified=True)  # a schema-1 mission
    assert confidence(old).level == "official" and confidence(old).confirmed  # type: ignore[arg-type]
    unverified = types.SimpleNamespace(verified=False)
    assert confidence(unverified).level == "unconfirmed"  # type: ignore[arg-type]
    assert not confidence(unverified).confirmed  # type: ignore[arg-type]


def test_a_consular_office_is_shown_with_its_source(client: FlaskClient) -> None:
    with_office = next(m for m in missions.load() if m.consular_office is not None)
    assert with_office.consular_office is not None
    html = unescape(client.get(f"/missions/{with_office.id}").text)
    assert "Consular office:" in html
    assert with_office.consular_office.address.postal_lines()[0] in html
    assert with_office.consular_office.source in html


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


def test_a_busy_server_says_so_on_the_batch_form(
    app: Flask, client: FlaskClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(app.extensions["nkletters"].jobs, "busy", lambda: True)
    response = start_batch(client)
    assert response.status_code == 400
    assert "the server is writing other batches; try again in a minute" in response.text


# --- the serve command ------------------------------------------------------------------


def test_serve_is_documented_with_its_options() -> None:
    result = CliRunner().invoke(cli, ["serve", "--help"])
    assert result.exit_code == 0
    for option in ("--host", "--port", "--open", "--profile", "--allow-templates"):
        assert option in result.stdout
    assert "[default: 127.0.0.1]" in result.stdout and "nkletters serve --open" in result.stdout


def test_serve_on_a_port_in_use_is_one_clear_line(tmp_path: Path) -> None:
    import os
    import socket
    import subprocess
    import sys

    root = Path(__file__).resolve().parents[1]
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = subprocess.run(
            [sys.executable, "-m", "nkrefugees_letters", "serve", "--port", str(port)],
            env={**os.environ, "PYTHONPATH": str(root)},
            cwd=tmp_path,
            capture_output=True,
            text=True,
            timeout=60,
        )
    assert result.returncode == 1
    assert result.stderr.splitlines()[-1] == (
        f"Error: cannot listen on 127.0.0.1:{port}: Address already in use — choose another --port"
    )
    assert "Traceback" not in result.stderr


def test_serve_with_a_broken_profile_says_where(tmp_path: Path) -> None:
    broken = tmp_path / "nkletters.yaml"
    broken.write_text("organisation:\n  nmae: X\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["serve", "--profile", str(broken)])
    assert result.exit_code == 1
    assert f"{broken}:2: organisation.nmae: unknown field" in result.stderr


def test_serve_with_two_workers_shares_batches_and_stops_cleanly(tmp_path: Path) -> None:
    import http.cookiejar
    import os
    import signal
    import socket
    import subprocess
    import sys
    import urllib.request
    import uuid

    root = Path(__file__).resolve().parents[1]
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server_tmp = tmp_path / "server-tmp"
    server_tmp.mkdir()
    env = {**os.environ, "PYTHONPATH": str(root), "TMPDIR": str(server_tmp)}
    command = [sys.executable, "-m", "nkrefugees_letters", "serve", "--port", str(port)]
    server = subprocess.Popen([*command, "--workers", "2"], env=env, cwd=tmp_path)
    url = f"http://127.0.0.1:{port}"
    opener = urllib.request.build_opener(
        urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                opener.open(f"{url}/health", timeout=2).close()
                break
            except OSError:
                assert time.monotonic() < deadline and server.poll() is None
                time.sleep(0.1)
        for _ in range(6):
            with opener.open(f"{url}/letter.pdf?city=Chicago", timeout=30) as answer:
                assert answer.read(4) == b"%PDF"
        page = opener.open(f"{url}/batch", timeout=30).read().decode()
        found = re.search(r'name="csrf_token" value="([^"]+)"', page)
        assert found is not None
        boundary = uuid.uuid4().hex
        body = (
            f'--{boundary}\r\nContent-Disposition: form-data; name="csrf_token"\r\n\r\n'
            f"{found.group(1)}\r\n"
            f'--{boundary}\r\nContent-Disposition: form-data; name="signers"; '
            f'filename="signers.csv"\r\nContent-Type: text/csv\r\n\r\n{SIGNERS}\r\n'
            f"--{boundary}--\r\n"
        ).encode()
        request = urllib.request.Request(
            f"{url}/batch",
            data=body,
            headers={"Content-Type": f"multipart/form-data; boundary={boundary}"},
        )
        with opener.open(request, timeout=30) as answer:
            progress = answer.geturl()
        assert "/batch/" in progress
        deadline = time.monotonic() + 120
        while '"state":"done"' not in (
            status := opener.open(f"{progress}/status", timeout=30).read().decode()
        ):
            assert time.monotonic() < deadline and '"failed"' not in status, status
            time.sleep(0.2)
        for _ in range(4):  # whichever worker answers knows the batch
            assert "row 3: no name" in opener.open(progress, timeout=30).read().decode()
        kit = opener.open(f"{progress}/kit.zip", timeout=60).read()
        assert "all-letters.pdf" in zipfile.ZipFile(io.BytesIO(kit)).namelist()
    finally:
        server.send_signal(signal.SIGINT)
        assert server.wait(timeout=30) == 0
    assert [p.name for p in server_tmp.iterdir() if p.name.startswith("nkletters")] == []
