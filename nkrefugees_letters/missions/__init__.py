"""Missions: the directory of PRC embassies and consulates — the public face of its modules.

The directory's data types live in :mod:`.model`, reading and checking a file in
:mod:`.loader`, and the ways a mission is listed in :mod:`.listing`; this module holds
the :class:`Directory` with its look-ups and :func:`load`, and names everything the rest
of nkletters uses, so that ``missions.X`` is the one way in. Checking addresses on the
web (``missions verify``) is apart, imported only by that command: :mod:`.verify`
fetches and decides, :mod:`.pages` reads a page as text, :mod:`.matching` finds an
address in it, :mod:`.verify_report` writes the results.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from .. import validation
from ..errors import DataError, MissionClosed, MissionNotFound
from ..resources import missions_file
from .listing import (
    CONFIDENCE_TEXT,
    CSV_COLUMNS,
    LABEL_WIDTH,
    describe,
    status_text,
    to_record,
    to_row,
)
from .loader import check_file, load_file
from .model import (
    ADDRESS_FIELDS,
    CONFIDENCE_LEVELS,
    CONFIRMED_LEVELS,
    KIND_LABELS,
    KINDS,
    MAX_AGE_MONTHS,
    MISSION_FIELDS,
    POSTAL_CODE_FORMATS,
    READABLE_SCHEMAS,
    SCHEMA_VERSION,
    SOURCE_FIELDS,
    STATUSES,
    Address,
    Mission,
    Office,
    Superseded,
    postal_code_fits,
)

__all__ = [
    "ADDRESS_FIELDS",
    "CONFIDENCE_LEVELS",
    "CONFIDENCE_TEXT",
    "CONFIRMED_LEVELS",
    "CSV_COLUMNS",
    "KINDS",
    "KIND_LABELS",
    "LABEL_WIDTH",
    "MAX_AGE_MONTHS",
    "MISSION_FIELDS",
    "POSTAL_CODE_FORMATS",
    "READABLE_SCHEMAS",
    "SCHEMA_VERSION",
    "SOURCE_FIELDS",
    "STATUSES",
    "Address",
    "Directory",
    "Mission",
    "Office",
    "Superseded",
    "check",
    "check_file",
    "city_keys",
    "closed_error",
    "compact",
    "describe",
    "district_keys",
    "load",
    "load_file",
    "namesake_country",
    "normalise",
    "origin",
    "postal_code_fits",
    "serves_region",
    "status_text",
    "successor_errors",
    "to_record",
    "to_row",
    "when_phrase",
]


@dataclass(frozen=True)
class Directory:
    """All missions, by id, in file order."""

    missions: tuple[Mission, ...]
    sources: tuple[Path, ...]

    def __iter__(self) -> Iterator[Mission]:
        return iter(self.missions)

    def get(self, mission_id: str) -> Mission:
        """The mission with this id, or MissionNotFound with a suggestion."""
        for mission in self.missions:
            if mission.id == mission_id.strip().lower():
                return mission
        suggestion = validation.closest(mission_id.strip().lower(), [m.id for m in self.missions])
        raise MissionNotFound(
            f"no mission with id {mission_id!r}",
            hint=(f"did you mean {suggestion!r}? " if suggestion else "")
            + "see 'nkletters missions list'",
        )

    def select(self, *, country: str = "", kind: str = "") -> list[Mission]:
        """Missions in ``country`` (ISO code) and of ``kind``; empty filters match all."""
        return [
            m
            for m in self.missions
            if (not country or m.country == country.strip().upper())
            and (not kind or m.kind == kind)
        ]

    def in_city(self, city: str, country: str = "") -> list[Mission]:
        """Missions whose city (or one of its aliases) matches, ignoring case and accents."""
        found = self._by_city.get(compact(city), ())
        return [m for m in found if not country or m.country == country.strip().upper()]

    @functools.cached_property
    def _by_city(self) -> dict[str, tuple[Mission, ...]]:
        """Each mission under every form of its city (:func:`city_keys`), in file order.

        Two names meet in :func:`city_keys` exactly when they are the same without
        spaces, so the spaceless forms are the whole index. Made on the first look-up,
        once per directory: a batch looks up every signer's town.
        """
        index: dict[str, list[Mission]] = {}
        for mission in self.missions:
            for key in _city_names(mission, compact):
                index.setdefault(key, []).append(mission)
        return {key: tuple(found) for key, found in index.items()}

    def suggest(self, city: str) -> str:
        """``did you mean X? `` for a misspelt mission city, or an empty string."""
        names = sorted({m.city for m in self.missions if m.is_open})
        keyed = {normalise(n): n for n in names}
        # A weak likeness (Travers City ~ Davao City) is left to the gazetteer,
        # which knows the town that was meant.
        import difflib  # only for a misspelt city

        close = difflib.get_close_matches(normalise(city), list(keyed), n=3, cutoff=0.75)
        if not close:
            return ""
        return "did you mean " + " or ".join(keyed[c] for c in close) + "? "


def closed_error(mission: Mission, directory: Directory) -> MissionClosed:
    """The message for a letter to a closed mission: since when, and who took over."""
    since = when_phrase(mission.closed_on)
    hint = "choose another mission with 'nkletters missions list'"
    if mission.successor:
        try:
            successor = directory.get(mission.successor)
            hint = (
                f"its district is now served by the {successor.name}: "
                f"use --mission {successor.id} (or --city {successor.city!r})"
            )
        except MissionNotFound:
            hint = f"its district is now served by {mission.successor}"
    return MissionClosed(f"the {mission.name} closed{since}", hint=hint)


def when_phrase(partial: str) -> str:
    """' on 24 July 2020', ' in September 1988', ' in 1988' or '' for a partial ISO date."""
    if not partial:
        return ""
    if len(partial) == 4:
        return f" in {partial}"
    year, month, *day = (int(part) for part in partial.split("-"))
    month_name = date(year, month, 1).strftime("%B")
    return f" on {day[0]} {month_name} {year}" if day else f" in {month_name} {year}"


_NOT_A_LETTER = re.compile(r"[\W_]+")


def normalise(name: str) -> str:
    """Case-, accent- and punctuation-insensitive form of a place name."""
    folded = name.casefold()
    if not folded.isascii():  # ASCII has no accents to take off
        decomposed = unicodedata.normalize("NFKD", folded)
        folded = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(_NOT_A_LETTER.sub(" ", folded).split())


def compact(name: str) -> str:
    """:func:`normalise` without spaces, so that "Washington DC" meets "Washington, D.C."."""
    return normalise(name).replace(" ", "")


def city_keys(mission: Mission) -> set[str]:
    """Every form of the mission's city that ``--city`` accepts, normalised.

    The locality, the aliases, "locality region" and the city part of the id
    (``au-sydney`` → sydney), each also without spaces.
    """
    return _city_names(mission, normalise) | _city_names(mission, compact)


def _city_names(mission: Mission, form: Callable[[str], str]) -> set[str]:
    names = [mission.city, *mission.aliases, mission.id[3:].replace("-", " ")]
    if mission.address.region:
        names += [f"{name} {mission.address.region}" for name in (mission.city, *mission.aliases)]
    return {form(n) for n in names}


_GENERIC_SUFFIX = re.compile(r" (province|state|prefecture|region|territory|county)$")


def district_keys(entry: str) -> set[str]:
    """Normalised forms of one consular district entry, for matching against a region.

    "Limpopo Province" also matches "Limpopo", and "Newfoundland & Labrador" matches
    "Newfoundland and Labrador".
    """
    key = normalise(entry.replace("&", " and "))
    return {key, _GENERIC_SUFFIX.sub("", key)} - {""}


def serves_region(mission: Mission, region_names: Iterable[str]) -> str:
    """The consular district entry of ``mission`` naming one of ``region_names``, or ''."""
    wanted = {normalise(n.replace("&", " and ")) for n in region_names} - {""}
    for entry in mission.consular_district:
        if district_keys(entry) & wanted:
            return entry
    return ""


_NAMESAKE = re.compile(r"^(?P<name>.+?) \((?:(?P<region>.+), )?(?P<country>[A-Z]{2})\)$")


def namesake_country(label: str) -> str:
    """The country code at the end of a namesake label such as ``London (Ontario, CA)``."""
    match = _NAMESAKE.match(label)
    return match["country"] if match else ""


def load(extra: Sequence[Path] = ()) -> Directory:
    """The built-in directory, with the user's files (``--data``) merged over it by id.

    A mission in a later file replaces the one with the same id; new ids are added.
    """
    paths = (missions_file(), *extra)
    directory = _merged(paths, [load_file(path) for path in paths])
    for error in successor_errors(directory):
        raise error
    return directory


def check(extra: Sequence[Path] = ()) -> tuple[Directory, list[DataError], frozenset[str]]:
    """:func:`load`'s "collect all errors" mode, for ``nkletters check``.

    Returns the directory of every valid mission, every problem found (each file's,
    then the successors that name no mission), and the ids the user's files define.
    """
    paths = (missions_file(), *extra)
    found: list[list[Mission]] = []
    errors: list[DataError] = []
    for path in paths:
        valid, problems = check_file(path)
        found.append(valid)
        errors += problems
    directory = _merged(paths, found)
    own = frozenset(m.id for missions in found[1:] for m in missions)
    return directory, errors + successor_errors(directory), own


def _merged(paths: Sequence[Path], files: Sequence[Sequence[Mission]]) -> Directory:
    """The files' missions merged by id, a later file's replacing an earlier one's."""
    by_id = {mission.id: mission for missions in files for mission in missions}
    return Directory(tuple(by_id.values()), tuple(paths))


def successor_errors(directory: Directory) -> list[DataError]:
    """An error for each closed mission whose successor is not in the directory."""
    ids = {m.id for m in directory.missions}
    errors = []
    for mission in directory.missions:
        if mission.successor and mission.successor not in ids:
            path, line = origin(mission)
            errors.append(
                DataError(
                    f"{mission.id}: successor {mission.successor!r} is not a mission id",
                    path=path,
                    line=line,
                    hint="name the id of the mission that took over the district",
                )
            )
    return errors


def origin(mission: Mission) -> tuple[Path, int | None]:
    """The file and line that define ``mission`` (its ``origin``, ``PATH:LINE``)."""
    path, _, line = mission.origin.rpartition(":")
    return Path(path), int(line) if line.isdigit() else None
