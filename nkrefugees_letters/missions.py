"""Missions: the directory of PRC embassies and consulates, loaded, validated and looked up."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from . import yamlio
from .errors import DataError, MissionClosed, MissionNotFound
from .resources import missions_file

SCHEMA_VERSION = "1"
KINDS = ("embassy", "consulate-general", "consulate")
STATUSES = ("open", "closed")

MISSION_FIELDS = (
    "id",
    "kind",
    "name",
    "name_zh",
    "local_name",
    "aliases",
    "address",
    "phone",
    "website",
    "consular_district",
    "district_source",
    "latitude",
    "longitude",
    "status",
    "closed_on",
    "successor",
    "head_of_mission",
    "source",
    "source_date",
    "source_date_kind",
    "verified",
    "note",
    "superseded",
)
ADDRESS_FIELDS = ("lines", "locality", "region", "postal_code", "country")
_ID = re.compile(r"^[a-z]{2}-[a-z0-9]+(?:-[a-z0-9]+)*$")
_URL = re.compile(r"^https?://\S+$")

# How each country writes the last lines of a postal address. {region} and
# {postal_code} drop out cleanly when a mission has none. Default: "{postal_code} {locality}".
_LOCALITY_FORMATS: dict[str, str] = {
    "US": "{locality}, {region} {postal_code}",
    "CA": "{locality} {region}  {postal_code}",
    "AU": "{locality} {region} {postal_code}",
    "GB": "{locality}\n{postal_code}",
    "IE": "{locality}\n{postal_code}",
    "ZA": "{locality}\n{postal_code}",
    "KR": "{locality} {postal_code}",
    "JP": "{locality}, {region} {postal_code}",
    "PE": "{locality} {postal_code}",
    "MX": "{postal_code} {locality}, {region}",
    "NZ": "{locality} {postal_code}",
    "SG": "{locality} {postal_code}",
    "IN": "{locality} {postal_code}",
}


@dataclass(frozen=True)
class Address:
    """A postal address: street lines, then locality, region and postal code."""

    lines: tuple[str, ...]
    locality: str
    region: str
    postal_code: str
    country: str

    def postal_lines(self) -> tuple[str, ...]:
        """The address as it is written on an envelope in the mission's own country."""
        pattern = _LOCALITY_FORMATS.get(self.country, "{postal_code} {locality}")
        tail = pattern.format(
            locality=self.locality, region=self.region, postal_code=self.postal_code
        )
        cleaned = [
            re.sub(r"\s{3,}", "  ", re.sub(r"^[\s,]+|[\s,]+$", "", t)) for t in tail.split("\n")
        ]
        cleaned = [re.sub(r" ,", ",", t) for t in cleaned]
        return (*self.lines, *(t for t in cleaned if t))


@dataclass(frozen=True)
class Mission:
    """One embassy or consulate of the People's Republic of China."""

    id: str
    kind: str
    name: str
    address: Address
    status: str = "open"
    name_zh: str = ""
    local_name: str = ""
    aliases: tuple[str, ...] = ()
    phone: str = ""
    website: str = ""
    consular_district: tuple[str, ...] = ()
    latitude: float | None = None
    longitude: float | None = None
    closed_on: str = ""
    """YYYY-MM-DD, or YYYY-MM / YYYY when only that much is known."""
    successor: str = ""
    head_of_mission: str = ""
    source: str = ""
    source_date: date | None = None
    verified: bool = True
    note: str = ""
    origin: str = ""
    """File and line the entry came from, for messages."""

    @property
    def city(self) -> str:
        """The city the mission is in (its address locality)."""
        return self.address.locality

    @property
    def country(self) -> str:
        """ISO 3166-1 alpha-2 code of the host country."""
        return self.address.country

    @property
    def is_open(self) -> bool:
        """True unless the mission has closed."""
        return self.status == "open"


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
        suggestion = yamlio.closest(mission_id.strip().lower(), [m.id for m in self.missions])
        raise MissionNotFound(
            f"no mission with id {mission_id!r}",
            hint=(f"did you mean {suggestion!r}? " if suggestion else "")
            + "see 'nkletters missions list'",
        )

    def in_city(self, city: str, country: str = "") -> list[Mission]:
        """Missions whose city (or one of its aliases) matches, ignoring case and accents."""
        wanted = normalise(city)
        return [
            m
            for m in self.missions
            if (not country or m.country == country.upper()) and wanted in _city_keys(m)
        ]

    def for_city(self, city: str, country: str = "") -> Mission:
        """The one open mission in ``city``; explains closures and unknown names."""
        if not normalise(city):
            raise MissionNotFound("no city given", hint="use --city NAME, e.g. --city Chicago")
        found = self.in_city(city, country)
        open_missions = [m for m in found if m.is_open]
        if len(open_missions) > 1:
            # An embassy and a consulate in one city: the letter goes to the embassy.
            embassies = [m for m in open_missions if m.kind == "embassy"]
            if len(embassies) == 1:
                return embassies[0]
            choices = ", ".join(f"{m.id} ({m.country})" for m in open_missions)
            raise MissionNotFound(
                f"{city.strip()!r} matches several missions: {choices}",
                hint="add --country CODE or use --mission ID",
            )
        if open_missions:
            return open_missions[0]
        if found:
            raise closed_error(found[0], self)
        raise MissionNotFound(
            f"no mission found for city {city.strip()!r}",
            hint=self._suggest(city) + "see 'nkletters missions list' for every city",
        )

    def _suggest(self, city: str) -> str:
        names = sorted({m.city for m in self.missions if m.is_open})
        keyed = {normalise(n): n for n in names}
        import difflib

        close = difflib.get_close_matches(normalise(city), list(keyed), n=3, cutoff=0.6)
        if not close:
            return ""
        return "did you mean " + " or ".join(keyed[c] for c in close) + "? "


def closed_error(mission: Mission, directory: Directory) -> MissionClosed:
    """The message for a letter to a closed mission: since when, and who took over."""
    since = _when(mission.closed_on)
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


def _when(partial: str) -> str:
    """' on 24 July 2020', ' in September 1988', ' in 1988' or '' for a partial ISO date."""
    if not partial:
        return ""
    if len(partial) == 4:
        return f" in {partial}"
    year, month, *day = (int(part) for part in partial.split("-"))
    month_name = date(year, month, 1).strftime("%B")
    return f" on {day[0]} {month_name} {year}" if day else f" in {month_name} {year}"


def normalise(name: str) -> str:
    """Case-, accent- and punctuation-insensitive form of a place name."""
    decomposed = unicodedata.normalize("NFKD", name.casefold())
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(re.sub(r"[\W_]+", " ", stripped).split())


def _city_keys(mission: Mission) -> set[str]:
    keys = {normalise(mission.city), *(normalise(a) for a in mission.aliases)}
    if mission.address.region:
        keys.add(normalise(f"{mission.city} {mission.address.region}"))
    return keys


# --- loading ----------------------------------------------------------------------


def load(extra: Sequence[Path] = ()) -> Directory:
    """The built-in directory, with the user's files (``--data``) merged over it by id.

    A mission in a later file replaces the one with the same id; new ids are added.
    """
    by_id: dict[str, Mission] = {}
    paths = (missions_file(), *extra)
    for path in paths:
        for mission in load_file(path):
            by_id[mission.id] = mission
    directory = Directory(tuple(by_id.values()), tuple(paths))
    _check_successors(directory)
    return directory


def load_file(path: Path) -> list[Mission]:
    """Parse and validate one mission directory file."""
    top = yamlio.Fields(yamlio.load_file(path), path, "", ("schema_version", "missions"))
    version = top.text("schema_version", required=True)
    if version != SCHEMA_VERSION:
        raise DataError(
            f"schema_version {version!r} is not supported",
            path=path,
            line=top.line("schema_version"),
            hint=f"this version of nkletters reads schema_version {SCHEMA_VERSION!r}",
        )
    missions: list[Mission] = []
    seen: dict[str, int] = {}
    for index, raw in top.items("missions"):
        mission = _mission(raw, path, index)
        line = yamlio.line_of(raw) or 0
        if mission.id in seen:
            raise DataError(
                f"missions[{index}].id: duplicate id {mission.id!r} "
                f"(first on line {seen[mission.id]})",
                path=path,
                line=line,
                hint="each mission needs its own id",
            )
        seen[mission.id] = line
        missions.append(mission)
    return missions


def _mission(raw: object, path: Path, index: int) -> Mission:
    where = f"missions[{index}]"
    fields = yamlio.Fields(raw, path, where, MISSION_FIELDS)
    mission_id = fields.text("id", required=True).lower()
    if not _ID.match(mission_id):
        raise fields.error(
            f"id: {mission_id!r} is not of the form 'cc-city'",
            fields.line("id"),
            hint="country code, a hyphen, the city in lower-case ASCII (e.g. us-chicago)",
        )
    address_fields = fields.mapping("address", ADDRESS_FIELDS, required=True)
    assert address_fields is not None
    country = address_fields.text("country", required=True).upper()
    if not re.fullmatch(r"[A-Z]{2}", country):
        raise address_fields.error(
            f"country: expected a two-letter ISO 3166-1 code, got {country!r}",
            address_fields.line("country"),
        )
    if mission_id[:2] != country.lower():
        raise fields.error(
            f"id: {mission_id!r} should start with the country code {country.lower()!r}",
            fields.line("id"),
        )
    address = Address(
        lines=address_fields.text_list("lines"),
        locality=address_fields.text("locality", required=True),
        region=address_fields.text("region"),
        postal_code=address_fields.text("postal_code"),
        country=country,
    )
    status = fields.choice("status", STATUSES, default="open")
    for key in ("source", "website", "district_source"):
        value = fields.text(key)
        if value and not _URL.match(value):
            raise fields.error(
                f"{key}: expected a web address starting with http:// or https://",
                fields.line(key),
            )
    verified_default = not (status == "open" and not address.lines)
    verified = fields.boolean("verified", default=verified_default)
    if verified and not fields.has("source"):
        raise fields.error(
            "source: a verified address needs the URL of the page it came from",
            fields.line("source"),
            hint="add 'source: https://…' and 'source_date: YYYY-MM-DD', or set 'verified: false'",
        )
    if verified and fields.has("source") and not fields.has("source_date"):
        raise fields.error(
            "source_date: required with source",
            fields.line("source"),
            hint="the date the source page shows, as YYYY-MM-DD",
        )
    if status == "closed" and not fields.has("closed_on"):
        raise fields.error(
            "closed_on: a closed mission needs the date it closed", fields.line("status")
        )
    return Mission(
        id=mission_id,
        kind=fields.choice("kind", KINDS),
        name=fields.text("name", required=True),
        address=address,
        status=status,
        name_zh=fields.text("name_zh"),
        local_name=fields.text("local_name"),
        aliases=fields.text_list("aliases"),
        phone=fields.text("phone"),
        website=fields.text("website"),
        consular_district=fields.text_list("consular_district"),
        latitude=fields.number("latitude", -90, 90),
        longitude=fields.number("longitude", -180, 180),
        closed_on=fields.partial_date("closed_on"),
        successor=fields.text("successor").lower(),
        head_of_mission=fields.text("head_of_mission"),
        source=fields.text("source"),
        source_date=fields.date("source_date"),
        verified=verified,
        note=fields.text("note"),
        origin=f"{path}:{yamlio.line_of(raw)}",
    )


def _check_successors(directory: Directory) -> None:
    ids = {m.id for m in directory.missions}
    for mission in directory.missions:
        if mission.successor and mission.successor not in ids:
            path, _, line = mission.origin.rpartition(":")
            raise DataError(
                f"{mission.id}: successor {mission.successor!r} is not a mission id",
                path=path,
                line=int(line) if line.isdigit() else None,
                hint="name the id of the mission that took over the district",
            )
