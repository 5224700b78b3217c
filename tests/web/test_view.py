"""View: a mission's confidence level and sources as the pages show them."""

from __future__ import annotations

import types

from flask.testing import FlaskClient

from nkrefugees_letters import missions
from nkrefugees_letters.web.view import confidence
from tests.web.conftest import (
    unescape,
)

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
