"""View: a mission as the pages show it — address, confidence level, sources.

The directory's schema is growing a ``confidence`` level (official, official-copy,
secondary, single, none) in place of the ``verified`` flag; :func:`confidence` reads
the new field when it is there and the old one otherwise.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .. import i18n, letters, missions
from ..missions import Mission

CONFIDENCE_LABELS = {
    "official": "Official: confirmed on an official page",
    "official-copy": "Official (copy): from a copy of an official page",
    "secondary": "Secondary source: not confirmed by an official page",
    "single": "One source only: not confirmed by an official page",
    "none": "No source: check before delivery",
}
CONFIRMED = ("official", "official-copy")
"""Levels at which the letter gives no warning."""


@dataclass(frozen=True)
class Confidence:
    """How sure the directory is of a mission's address."""

    level: str
    label: str

    @property
    def confirmed(self) -> bool:
        """True for an address an official page confirms."""
        return self.level in CONFIRMED


def confidence(mission: Mission) -> Confidence:
    """The mission's confidence level, from ``confidence`` or else from ``verified``."""
    level = str(getattr(mission, "confidence", "") or "")
    if not level:
        if getattr(mission, "verified", False):
            return Confidence("official", CONFIDENCE_LABELS["official"])
        return Confidence("unconfirmed", "Not confirmed by an official page")
    return Confidence(level, CONFIDENCE_LABELS.get(level, level))


@dataclass(frozen=True)
class Source:
    """A page the directory's entry comes from."""

    what: str
    url: str
    when: str = ""


def sources(mission: Mission) -> list[Source]:
    """The address's source and, when there is one, the consular district's."""
    found = []
    if mission.source:
        when = mission.source_date.isoformat() if mission.source_date else "undated"
        if mission.source_date and mission.source_date_kind == "accessed":
            when += ", the day the undated page was read"
        found.append(Source("Address", mission.source, when))
    if mission.district_source:
        found.append(Source("Consular district", mission.district_source))
    return found


def card(mission: Mission) -> dict[str, Any]:
    """Everything a page shows about one mission."""
    office = getattr(mission, "consular_office", None)
    office_lines: tuple[str, ...] = ()
    if office is not None and hasattr(office, "postal_lines"):
        office_lines = tuple(office.postal_lines())
    return {
        "mission": mission,
        "kind": missions.KIND_LABELS.get(mission.kind, mission.kind),
        "address": [*mission.address.postal_lines(), i18n.country_name(mission.country)],
        "consular_office": office_lines,
        "country_name": i18n.country_name(mission.country),
        "status": missions.status_text(mission),
        "confidence": confidence(mission),
        "sources": sources(mission),
        "warnings": letters.mission_warnings(mission) if mission.is_open else (),
    }


__all__ = ["Confidence", "Source", "card", "confidence", "sources"]
