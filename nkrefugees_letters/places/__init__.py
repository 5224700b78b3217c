"""Places: where a city is (offline GeoNames gazetteer) and which mission serves it — the face.

The types and distances are in :mod:`.model`, the gazetteer and its index in
:mod:`.gazetteer` and :mod:`.index`, which place a name means in :mod:`.names`, and the
rules that choose a mission in :mod:`.rules`. Importing this face loads neither the
gazetteer nor its index: they load on the first look-up that needs them.
"""

from __future__ import annotations

from ..errors import MissionNotFound
from .gazetteer import country_names, place_index, places_named, similar_place, towns
from .model import (
    EARTH_RADIUS_KM,
    AmbiguousPlace,
    Place,
    PlaceNotFound,
    Region,
    Resolution,
    distance_km,
    mission_distance,
)
from .names import (
    MISSION_NAMESAKE_POPULATION,
    NOTABLE_POPULATION,
    RIVAL_SHARE,
    SAME_CITY_KM,
    ambiguous,
    locate,
    mission_place,
    namesakes,
    rivals,
    split_place,
    suggest,
)
from .rules import EMBASSY_LARGER, FAR_LARGER, mentions, resolve, resolve_place

__all__ = [
    "EARTH_RADIUS_KM",
    "EMBASSY_LARGER",
    "FAR_LARGER",
    "MISSION_NAMESAKE_POPULATION",
    "NOTABLE_POPULATION",
    "RIVAL_SHARE",
    "SAME_CITY_KM",
    "AmbiguousPlace",
    "MissionNotFound",
    "Place",
    "PlaceNotFound",
    "Region",
    "Resolution",
    "ambiguous",
    "country_names",
    "distance_km",
    "locate",
    "mentions",
    "mission_distance",
    "mission_place",
    "namesakes",
    "place_index",
    "places_named",
    "resolve",
    "resolve_place",
    "rivals",
    "similar_place",
    "split_place",
    "suggest",
    "towns",
]
