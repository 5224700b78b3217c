"""Place types: a gazetteer place and its regions, a resolution, the errors, distances."""

from __future__ import annotations

import math
from typing import Any, NamedTuple

from ..errors import MissionClosed, MissionNotFound
from ..missions import Mission, when_phrase

__all__ = [
    "EARTH_RADIUS_KM",
    "AmbiguousPlace",
    "Place",
    "PlaceNotFound",
    "Region",
    "Resolution",
    "distance_km",
    "mission_distance",
]

EARTH_RADIUS_KM = 6371.0088


class PlaceNotFound(MissionNotFound):
    """The gazetteer knows no city of that name (in that country or region)."""


class AmbiguousPlace(MissionNotFound):
    """Several notable places share the name: the user must say which (``--country``)."""

    def __init__(self, message: str, *, countries: tuple[str, ...] = (), **kwargs: Any) -> None:
        super().__init__(message, **kwargs)
        self.countries = countries
        """The countries of the places sharing the name."""


class Region(NamedTuple):
    """A state, province, prefecture… (admin level 1) or county (level 2)."""

    name: str
    code: str = ""
    """ISO 3166-2 code such as ``US-MI``, when the region has one."""
    aliases: tuple[str, ...] = ()
    """Other names, including local-language ones (大阪府 for Osaka)."""
    level: int = 1

    @property
    def names(self) -> tuple[str, ...]:
        """Every name a consular district may use for this region."""
        code = self.code.split("-", 1)[-1] if self.code else ""
        return tuple(n for n in (self.name, *self.aliases, code) if n)


class Place(NamedTuple):
    """A city or town from the gazetteer."""

    name: str
    country: str
    latitude: float
    longitude: float
    regions: tuple[Region, ...] = ()
    """Its state/province first, then smaller divisions."""
    population: int = 0

    @property
    def region(self) -> Region | None:
        """The state, province or prefecture (admin level 1), if the gazetteer gives one."""
        return next((r for r in self.regions if r.level == 1), None)

    @property
    def label(self) -> str:
        """``Traverse City (Michigan)``."""
        return f"{self.name} ({self.region.name})" if self.region else self.name

    @property
    def full_label(self) -> str:
        """``Traverse City (Michigan, US)``: the form namesakes are written in."""
        inside = f"{self.region.name}, {self.country}" if self.region else self.country
        return f"{self.name} ({inside})"


class Resolution(NamedTuple):
    """Which mission a place goes to, and the rule that decided it."""

    mission: Mission
    rule: str
    """``city``, ``district``, ``nearest`` or ``embassy``."""
    detail: str
    """Why, e.g. "Traverse City (Michigan) is in the consular district of the
    Consulate-General in Chicago"."""
    place: Place | None = None
    closed: Mission | None = None
    """The city's own mission when it has closed (Houston): the letter must not go there."""
    choice: str = ""
    """When a shared name was decided for the user (London): which place, why, and how to
    choose the other one."""

    @property
    def reason(self) -> str:
        """One sentence for the user: the closure, if any, then :attr:`detail`."""
        if self.closed is None:
            return self.detail
        since = when_phrase(self.closed.closed_on)
        return f"the {self.closed.short_name} closed{since}; {self.detail}"

    def closed_error(self) -> MissionClosed:
        """What ``generate --city`` says for a closed mission's city: since when, who now."""
        assert self.closed is not None
        since = when_phrase(self.closed.closed_on)
        return MissionClosed(
            f"the {self.closed.name} closed{since}",
            hint=f"{self.detail}: use --mission {self.mission.id}",
        )


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance between two points, in kilometres (haversine)."""
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    dphi = phi2 - phi1
    dlmb = math.radians(lon2 - lon1)
    a = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlmb / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(a)))


def mission_distance(mission: Mission, place: Place) -> float | None:
    """Kilometres from the place to the mission, or None when the mission has no position."""
    if mission.latitude is None or mission.longitude is None:
        return None
    return distance_km(place.latitude, place.longitude, mission.latitude, mission.longitude)
