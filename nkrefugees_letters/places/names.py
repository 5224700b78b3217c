"""Place names: which gazetteer place a name means, its rivals, "did you mean", a mission's city."""

from __future__ import annotations

from collections.abc import Sequence

from .. import i18n
from ..missions import Mission, compact, namesake_country, normalise
from .gazetteer import country_names, places_named, similar_place
from .model import AmbiguousPlace, Place, PlaceNotFound, distance_km

__all__ = [
    "MISSION_NAMESAKE_POPULATION",
    "NOTABLE_POPULATION",
    "RIVAL_SHARE",
    "SAME_CITY_KM",
    "ambiguous",
    "locate",
    "mission_place",
    "namesakes",
    "rivals",
    "split_place",
    "suggest",
]

NOTABLE_POPULATION = 50_000
"""A namesake of this size is a place a volunteer may well live in: the name is ambiguous."""

RIVAL_SHARE = 1 / 3
"""Among small towns, a namesake with a third of the largest one's people is a rival too."""

MISSION_NAMESAKE_POPULATION = 150_000
"""A mission's city is what a volunteer most likely means by its name, so only a big
namesake makes it ambiguous: London (Ontario) for London, but not Los Ángeles (Chile)
for Los Angeles."""

SAME_CITY_KM = 50.0
"""A mission this close to a gazetteer city of its name is in that city."""


def split_place(text: str) -> tuple[str, tuple[str, ...]]:
    """``"Portland, Maine"`` → (``"Portland"``, (``"Maine"``,)): a name and its qualifiers."""
    name, *rest = (part.strip() for part in text.split(","))
    return name, tuple(q for q in rest if q)


def _qualifies(place: Place, qualifier: str) -> bool:
    wanted = {normalise(qualifier), compact(qualifier)}
    regions = {normalise(n) for r in place.regions for n in r.names}
    regions |= {compact(n) for n in regions}
    return bool(wanted & (regions | country_names(place.country)))


def rivals(places: Sequence[Place]) -> list[Place]:
    """The places (largest first) that a bare name could mean; one when it is clear.

    A namesake counts when it has at least :data:`NOTABLE_POPULATION` people, or, among
    small towns, a third of the largest one's: London (Ontario) is a rival of London,
    Portland (Maine) of Portland (Oregon); Houston (Mississippi) is not a rival of Houston.
    """
    if not places:
        return []
    top, *rest = sorted(places, key=lambda p: -p.population)
    bar = min(NOTABLE_POPULATION, top.population * RIVAL_SHARE)
    return [top, *(p for p in rest if p.population >= bar)]


def locate(text: str, country: str = "") -> Place:
    """The one gazetteer city meant by ``text`` ("Traverse City", "Portland, Maine").

    Raises PlaceNotFound when the gazetteer does not know it, AmbiguousPlace when several
    notable places share the name and neither ``country`` nor a region after a comma says
    which.
    """
    name, qualifiers = split_place(text)
    found = places_named(name, country)
    found = [p for p in found if all(_qualifies(p, q) for q in qualifiers)]
    if not found:
        where = f" in {', '.join(qualifiers)}" if qualifiers else ""
        where += f" in {i18n.country_name(country)}" if country else ""
        raise PlaceNotFound(f"no place called {name!r}{where} in the gazetteer")
    candidates = rivals(found)
    if len(candidates) > 1:
        raise ambiguous(name, [p.full_label for p in candidates], country)
    return candidates[0]


def ambiguous(name: str, labels: Sequence[str], country: str = "") -> AmbiguousPlace:
    """One line: which places share the name, and how to say which one is meant."""
    shown = ", ".join(labels[:4]) + (", …" if len(labels) > 4 else "")
    countries = list(dict.fromkeys(namesake_country(label) for label in labels))
    tips = []
    if len(countries) > 1 and not country:
        tips.append("add " + " or ".join(f"--country {c}" for c in countries if c))
    regions = [label[label.index("(") + 1 : label.rindex(",")] for label in labels if "," in label]
    if regions:
        tips.append("name the region: " + " or ".join(f'"{name}, {r}"' for r in regions[:2]))
    return AmbiguousPlace(
        f"{name!r} is the name of several places: {shown}",
        hint=", or ".join(tips),
        countries=tuple(c for c in countries if c),
    )


def suggest(text: str, country: str = "") -> str:
    """``did you mean Traverse City (Michigan, US)? `` from the gazetteer, or ''."""
    name, _ = split_place(text)
    if not name:
        return ""
    similar = similar_place(name, country)
    return f"did you mean {similar.full_label}? " if similar else ""


def mission_place(mission: Mission) -> Place | None:
    """The gazetteer city a mission is in: the largest one named by its id, aliases or locality.

    The id names the city (``au-sydney``) where the postal locality may be a suburb
    (Camperdown); "New York" is "New York City" in the gazetteer, hence the "city" variant.
    """
    slug = mission.id[3:].replace("-", " ")
    names = dict.fromkeys([slug, f"{slug} city", *mission.aliases, mission.city])
    found: list[Place] = []
    for name in names:
        found += places_named(name, mission.address.country)
    if mission.latitude is not None and mission.longitude is not None:
        lat, lon = mission.latitude, mission.longitude
        found = [
            p for p in found if distance_km(lat, lon, p.latitude, p.longitude) <= SAME_CITY_KM
        ] or found
    return max(found, key=lambda p: p.population, default=None)


def namesakes(place: Place) -> list[str]:
    """Labels of the big places (:data:`MISSION_NAMESAKE_POPULATION`) called like a
    mission's city ``place``, for the mission's ``namesakes``."""
    return [
        p.full_label
        for p in places_named(place.name)
        if p.population >= MISSION_NAMESAKE_POPULATION
        and distance_km(p.latitude, p.longitude, place.latitude, place.longitude) > SAME_CITY_KM
    ]
