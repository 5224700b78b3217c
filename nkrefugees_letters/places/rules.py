"""Resolution rules: which mission serves a city (``--city X``), and the rule that decided.

``--city X`` resolves in this order, and the :class:`.model.Resolution` says which rule
matched:

1. a mission in that city (no gazetteer needed: the directory knows its own cities);
2. the open mission whose consular district names the city's region
   ("Traverse City (Michigan) is in the consular district of the Consulate-General in Chicago");
3. the nearest open mission in the same country;
4. that country's embassy.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from typing import NamedTuple

from .. import i18n
from ..errors import MissionNotFound
from ..missions import (
    Directory,
    Mission,
    city_keys,
    closed_error,
    compact,
    namesake_country,
    normalise,
    serves_region,
)
from .gazetteer import places_named
from .model import AmbiguousPlace, Place, PlaceNotFound, Resolution, mission_distance
from .names import SAME_CITY_KM, ambiguous, locate, mission_place, split_place, suggest

__all__ = ["EMBASSY_LARGER", "FAR_LARGER", "mentions", "resolve", "resolve_place"]

FAR_LARGER = 10
"""A mission's city this many times the size of every namesake is what a bare name means:
London (England, 9 million) over London (Ontario, 0.4 million), not Vancouver (British
Columbia) over Vancouver (Washington), a third its size."""

EMBASSY_LARGER = 2
"""An embassy's city (the capital, or where the embassy is) twice the size of every namesake
is what a bare name means too: Colombo (Sri Lanka) over Colombo (Paraná, Brazil). A
capital is what people name without a second thought; a consulate's city, like Vancouver,
has namesakes people live in."""


class _Asked(NamedTuple):
    """What ``--city`` asked for, cleaned: the text, the country given, the one preferred."""

    text: str
    country: str
    prefer: str
    """The profile's country, which decides a shared name; empty when ``country`` is given."""

    @property
    def name(self) -> str:
        return split_place(self.text)[0]

    @property
    def qualifiers(self) -> tuple[str, ...]:
        return split_place(self.text)[1]


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
    asked = _Asked(text, country, prefer)
    found = directory.in_city(text, country)
    open_missions = [m for m in found if m.is_open]
    if open_missions:
        return _own_mission(directory, asked, _prefer_embassy(open_missions, text))
    closed = next((m for m in found if not m.is_open), None)
    return _through_gazetteer(directory, asked, closed)


def _own_mission(directory: Directory, asked: _Asked, mission: Mission) -> Resolution:
    """Rule 1, unless big namesakes elsewhere share the name: then the profile's country
    decides (London for a group in Canada), else a mission's city far larger than the
    namesakes (London, Colombo); otherwise the user must say which (Vancouver)."""
    name = asked.name
    others = [
        n
        for n in mission.namesakes
        if not asked.qualifiers and (not asked.country or namesake_country(n) == asked.country)
    ]
    reason = f"{name} has its own mission: the {mission.short_name}"
    if not others:
        return Resolution(mission, "city", reason)
    countries = [mission.country, *(namesake_country(n) for n in others)]
    if asked.prefer in countries:
        chosen = (
            Resolution(mission, "city", reason)
            if asked.prefer == mission.country
            else resolve(directory, asked.text, asked.prefer)
        )
        return chosen._replace(choice=_profile_choice(name, asked.prefer, countries))
    if _far_larger(mission, others):
        how = " or ".join(f"--country {namesake_country(n)}" for n in others)
        choice = (
            f"{name}: chose the {mission.short_name}, the largest {name}; for "
            f"{' or '.join(others)}, add {how}"
        )
        return Resolution(mission, "city", reason, choice=choice)
    own = f"{name} ({mission.country})"
    error = ambiguous(name, [own, *others], asked.country)
    raise AmbiguousPlace(error.message, hint=f"{error.hint}, or use --mission {mission.id}")


def _through_gazetteer(directory: Directory, asked: _Asked, closed: Mission | None) -> Resolution:
    """Rules 2-4 for a place the gazetteer knows; the city of a ``closed`` mission goes to
    whoever serves it now, and is its closure's error when the gazetteer does not know it."""
    try:
        place, choice = _locate(asked, closed)
    except PlaceNotFound:
        if closed is not None:
            raise closed_error(closed, directory) from None
        raise _not_found(directory, asked) from None
    resolution = resolve_place(directory, place, closed=closed)
    return resolution._replace(choice=choice) if choice else resolution


def _locate(asked: _Asked, closed: Mission | None) -> tuple[Place, str]:
    """The place meant, and the choice made for the user when the profile's country
    decided a name shared across countries."""
    try:
        return locate(asked.text, asked.country or (closed.country if closed else "")), ""
    except AmbiguousPlace as error:
        if closed or asked.prefer not in error.countries:
            raise
        place = locate(asked.text, asked.prefer)  # still ambiguous within it (Portland): the error
        return place, _profile_choice(asked.name, asked.prefer, error.countries)


def _not_found(directory: Directory, asked: _Asked) -> MissionNotFound:
    text, country = asked.text, asked.country
    if country:
        # "did you mean Chicago?" would not help: say the city is not in that country.
        return MissionNotFound(
            f"no mission found for city {text!r} in {i18n.country_name(country)} ({country})",
            hint=(
                _elsewhere(directory, text, country)
                or directory.suggest(asked.name)
                or suggest(text, country)
            )
            + "see 'nkletters missions list' for every city",
        )
    hint = directory.suggest(asked.name) or suggest(text, country)
    return MissionNotFound(
        f"no mission found for city {text!r}",
        hint=hint + "see 'nkletters missions list' for every city",
    )


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
