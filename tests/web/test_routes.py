"""The web pages and plain links: health, fonts, the letter link, the directory."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from flask.testing import FlaskClient

from nkrefugees_letters import missions
from nkrefugees_letters.cli import cli
from nkrefugees_letters.web import WebConfig, create_app
from nkrefugees_letters.web.view import confidence
from tests.conftest import FIXED_DATE
from tests.web.conftest import (
    pdf_of,
    text_of,
    unescape,
)

# --- pages -----------------------------------------------------------------------------


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
