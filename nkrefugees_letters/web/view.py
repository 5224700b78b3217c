"""View: a mission as the pages show it — address, confidence level, sources.

The directory's schema 2 says how well each address is known with a ``confidence``
level (official, official-copy, secondary, single, none) in place of schema 1's
``verified`` flag; :func:`confidence` reads the level, or the flag of a mission that has
only that, and explains it in the words of ``nkletters missions show``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from .. import i18n, letters, missions
from ..missions import Mission

UNCONFIRMED = "no official page confirms the address"
"""For a mission with only schema 1's ``verified: false``."""


@dataclass(frozen=True)
class Confidence:
    """How sure the directory is of a mission's address."""

    level: str
    label: str

    @property
    def confirmed(self) -> bool:
        """True for an address an official page (or a dated copy of one) gives."""
        return self.level in missions.CONFIRMED_LEVELS


def confidence(mission: Mission) -> Confidence:
    """The mission's confidence level, from ``confidence`` or else from ``verified``."""
    level = str(getattr(mission, "confidence", "") or "")
    if not level:
        if getattr(mission, "verified", False):
            return Confidence("official", missions.CONFIDENCE_TEXT["official"])
        return Confidence("unconfirmed", UNCONFIRMED)
    return Confidence(level, missions.CONFIDENCE_TEXT.get(level, level))


@dataclass(frozen=True)
class Source:
    """A page the directory's entry comes from."""

    what: str
    url: str
    when: str = ""


def _when(day: date | None, kind: str) -> str:
    when = day.isoformat() if day else "undated"
    if day and kind == "accessed":
        when += ", the day the undated page was read"
    return when


def sources(mission: Mission) -> list[Source]:
    """The address's source and, when there are, the consular office's and district's."""
    found = []
    if mission.source:
        found.append(
            Source("Address", mission.source, _when(mission.source_date, mission.source_date_kind))
        )
    office = getattr(mission, "consular_office", None)
    if office is not None and office.source:
        when = _when(office.source_date, office.source_date_kind)
        found.append(Source("Consular office", office.source, when))
    if mission.district_source:
        found.append(Source("Consular district", mission.district_source))
    return found


def card(mission: Mission) -> dict[str, Any]:
    """Everything a page shows about one mission."""
    office = getattr(mission, "consular_office", None)
    office_lines: tuple[str, ...] = ()
    if office is not None:
        office_lines = tuple(office.address.postal_lines())
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
