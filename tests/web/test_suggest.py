"""Suggestions: the directory's cities and the gazetteer's towns as the user types."""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient

from nkrefugees_letters import missions, selection


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
