"""Missions: the directory of PRC embassies and consulates, loaded, validated and looked up."""

from __future__ import annotations

import contextlib
import dataclasses
import difflib
import hashlib
import json
import os
import re
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from . import __version__, i18n, phones, postal, yamlio
from .errors import DataError, MissionClosed, MissionNotFound
from .resources import missions_file

SCHEMA_VERSION = "2"
READABLE_SCHEMAS = ("1", "2")
"""Schema 2 says how well each address is known (``confidence``); files in schema 1, which
only said ``verified: true/false``, are still read (true → official, false → single)."""
KINDS = ("embassy", "consulate-general", "consulate")
STATUSES = ("open", "closed")

CONFIDENCE_LEVELS = ("official", "official-copy", "secondary", "single", "none")
"""How an address is known, best first:

- ``official``: the mission's own page, or the Foreign Ministry's, read;
- ``official-copy``: a dated copy of an official list (``source`` is the official page,
  ``source_copy`` the copy that was read);
- ``secondary``: two independent non-official pages agree;
- ``single``: one non-official page;
- ``none``: no page gives a street address.
"""
CONFIRMED_LEVELS = ("official", "official-copy")
"""Levels at which a letter prints without a warning."""

MISSION_FIELDS = (
    "id",
    "kind",
    "name",
    "name_zh",
    "local_name",
    "names",
    "aliases",
    "address",
    "host_country",
    "consular_office",
    "phone",
    "website",
    "consular_district",
    "district_source",
    "latitude",
    "longitude",
    "coordinates",
    "namesakes",
    "status",
    "closed_on",
    "successor",
    "head_of_mission",
    "confidence",
    "source",
    "source_date",
    "source_date_kind",
    "source_copy",
    "source_copy_date",
    "note",
    "superseded",
)
SCHEMA_1_ONLY = ("verified",)
"""Fields of schema 1 that schema 2 replaced (``verified`` → ``confidence``)."""
ADDRESS_FIELDS = ("lines", "locality", "region", "postal_code", "country")
OFFICE_FIELDS = ("address", "source", "source_date", "source_date_kind", "note")
SUPERSEDED_FIELDS = ("address", "source", "source_date", "source_date_kind", "note")
COORDINATES = ("source", "city")
"""Where a mission's latitude/longitude come from: its source page, or the gazetteer's
position of its city (precision: the city centre, within a few km of the door)."""
SOURCE_DATE_KINDS = ("page", "accessed")

KIND_LABELS = {
    "embassy": "Embassy",
    "consulate-general": "Consulate-General",
    "consulate": "Consulate",
}
_ID = re.compile(r"^[a-z]{2}-[a-z0-9]+(?:-[a-z0-9]+)*$")
_URL = re.compile(r"^https?://\S+$")

# The shape of postal codes in the countries the directory covers, so that a typo or a
# phone number in the wrong field is caught on load. Countries not listed are not checked.
POSTAL_CODE_FORMATS: dict[str, str] = {
    "AR": r"[A-Z]?\d{4}(?:[A-Z]{3})?",
    "AT": r"\d{4}",
    "AU": r"\d{4}",
    "BD": r"\d{4}",
    "BE": r"\d{4}",
    "BR": r"\d{5}-?\d{3}",
    "CA": r"[A-Z]\d[A-Z] ?\d[A-Z]\d",
    "CH": r"\d{4}",
    "CL": r"\d{3}-?\d{4}",
    "CN": r"\d{6}",
    "CZ": r"\d{3} ?\d{2}",
    "DE": r"\d{5}",
    "DK": r"\d{4}",
    "EG": r"\d{5}",
    "ES": r"\d{5}",
    "FI": r"\d{5}",
    "FR": r"\d{5}",
    "GB": r"[A-Z]{1,2}\d[A-Z\d]? ?\d[A-Z]{2}",
    "GR": r"\d{3} ?\d{2}",
    "HU": r"\d{4}",
    "ID": r"\d{5}",
    "IE": r"[A-Z]\d[\dW] ?[A-Z\d]{4}",
    "IL": r"\d{5}(?:\d{2})?",
    "IN": r"\d{3} ?\d{3}",
    "IT": r"\d{5}",
    "JP": r"\d{3}-\d{4}",
    "KE": r"\d{5}",
    "KR": r"\d{5}",
    "MN": r"\d{5}",
    "MX": r"\d{5}",
    "MY": r"\d{5}",
    "NG": r"\d{6}",
    "NL": r"\d{4} ?[A-Z]{2}",
    "NO": r"\d{4}",
    "NP": r"\d{5}",
    "NZ": r"\d{4}",
    "PE": r"\d{5}",
    "PH": r"\d{4}",
    "PK": r"\d{5}",
    "PL": r"\d{2}-\d{3}",
    "PT": r"\d{4}-\d{3}",
    "RE": r"974\d{2}",
    "RO": r"\d{6}",
    "RU": r"\d{6}",
    "SA": r"\d{5}(?:-\d{4})?",
    "SE": r"\d{3} ?\d{2}",
    "SG": r"\d{6}",
    "TH": r"\d{5}",
    "TR": r"\d{5}",
    "TZ": r"\d{5}",
    "UA": r"\d{5}",
    "US": r"\d{5}(?:-\d{4})?",
    "VN": r"\d{5,6}",
    "ZA": r"\d{4}",
}


def postal_code_fits(code: str, country: str) -> bool:
    """True when ``code`` has the shape of a postal code of ``country`` (or it is unknown)."""
    pattern = POSTAL_CODE_FORMATS.get(country.upper())
    return pattern is None or re.fullmatch(pattern, code.strip()) is not None


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
        return postal.postal_lines(
            self.lines, self.locality, self.region, self.postal_code, self.country
        )


@dataclass(frozen=True)
class Office:
    """A second door of a mission: its public consular office, where volunteers may be
    received, when it is not where letters to the head of mission go."""

    address: Address
    source: str
    source_date: date | None = None
    source_date_kind: str = "page"
    note: str = ""


@dataclass(frozen=True)
class Superseded:
    """An old address of a mission, kept so that nobody re-adds it."""

    address: str
    source: str = ""
    source_date: date | None = None
    source_date_kind: str = "page"
    note: str = ""


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
    coordinates: str = ""
    """``source`` (the position a source page gives), ``city`` (the gazetteer's centre of
    the mission's city, written by scripts/enrich_data.py) or empty when unknown."""
    namesakes: tuple[str, ...] = ()
    """Other notable places with this city's name, as ``Name (Region, CC)``: a bare
    ``--city NAME`` then asks which one is meant. Written by scripts/enrich_data.py."""
    closed_on: str = ""
    """YYYY-MM-DD, or YYYY-MM / YYYY when only that much is known."""
    successor: str = ""
    head_of_mission: str = ""
    source: str = ""
    source_date: date | None = None
    source_date_kind: str = "page"
    """``page``: the date the source page shows; ``accessed``: the page is undated."""
    district_source: str = ""
    confidence: str = "none"
    """One of :data:`CONFIDENCE_LEVELS`: how well the address is known."""
    source_copy: str = ""
    """For ``official-copy``: the URL of the copy of the official list that was read."""
    source_copy_date: date | None = None
    names: tuple[tuple[str, str], ...] = ()
    """The mission's name in other languages, as (language code, name) pairs."""
    host_country: str = ""
    """The country the mission is accredited to, when its office is in another (the
    embassy to Libya works from Tunis); empty when it is the address's country."""
    consular_office: Office | None = None
    superseded: tuple[Superseded, ...] = ()
    note: str = ""
    origin: str = ""
    """File and line the entry came from, for messages."""

    @property
    def verified(self) -> bool:
        """True when an official page, or a dated copy of one, gives the address."""
        return self.confidence in CONFIRMED_LEVELS

    def name_in(self, language: str) -> str:
        """The mission's official name in ``language`` where the directory has it, else ''."""
        if language == "zh" and self.name_zh:
            return self.name_zh
        if language == "en":
            return self.name
        return dict(self.names).get(language, "")

    @property
    def city(self) -> str:
        """The city the mission is in (its address locality)."""
        return self.address.locality

    @property
    def country(self) -> str:
        """ISO 3166-1 alpha-2 code of the host country."""
        return self.host_country or self.address.country

    @property
    def is_open(self) -> bool:
        """True unless the mission has closed."""
        return self.status == "open"

    @property
    def city_name(self) -> str:
        """The city as people call it (Sydney), where the postal locality may be a
        suburb or ward (Camperdown): the first alias, else the locality."""
        return self.aliases[0] if self.aliases else self.city

    @property
    def short_name(self) -> str:
        """``Consulate-General in Chicago``: kind and city, for messages."""
        return f"{KIND_LABELS.get(self.kind, self.kind)} in {self.city_name}"


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
        wanted = {normalise(city), compact(city)}
        return [
            m
            for m in self.missions
            if (not country or m.country == country.strip().upper()) and wanted & city_keys(m)
        ]

    def suggest(self, city: str) -> str:
        """``did you mean X? `` for a misspelt mission city, or an empty string."""
        names = sorted({m.city for m in self.missions if m.is_open})
        keyed = {normalise(n): n for n in names}
        # A weak likeness (Travers City ~ Davao City) is left to the gazetteer,
        # which knows the town that was meant.
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


def normalise(name: str) -> str:
    """Case-, accent- and punctuation-insensitive form of a place name."""
    decomposed = unicodedata.normalize("NFKD", name.casefold())
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(re.sub(r"[\W_]+", " ", stripped).split())


def compact(name: str) -> str:
    """:func:`normalise` without spaces, so that "Washington DC" meets "Washington, D.C."."""
    return normalise(name).replace(" ", "")


def city_keys(mission: Mission) -> set[str]:
    """Every form of the mission's city that ``--city`` accepts, normalised.

    The locality, the aliases, "locality region" and the city part of the id
    (``au-sydney`` → sydney), each also without spaces.
    """
    names = [mission.city, *mission.aliases, mission.id[3:].replace("-", " ")]
    if mission.address.region:
        names += [f"{name} {mission.address.region}" for name in (mission.city, *mission.aliases)]
    return {normalise(n) for n in names} | {compact(n) for n in names}


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


# --- listing ----------------------------------------------------------------------

CSV_COLUMNS = (
    "id",
    "kind",
    "name",
    "name_zh",
    "local_name",
    "address_lines",
    "locality",
    "region",
    "postal_code",
    "country",
    "phone",
    "website",
    "consular_district",
    "latitude",
    "longitude",
    "coordinates",
    "status",
    "closed_on",
    "successor",
    "head_of_mission",
    "confidence",
    "source",
    "source_date",
    "source_date_kind",
    "source_copy",
    "consular_office",
    "consular_office_source",
)
"""Columns of ``nkletters missions list --format csv``; lists are joined with " | "."""


def _address_record(address: Address) -> dict[str, Any]:
    record: dict[str, Any] = {
        "lines": list(address.lines),
        "locality": address.locality,
        "region": address.region,
        "postal_code": address.postal_code,
        "country": address.country,
    }
    return {k: v for k, v in record.items() if v}


def _day(value: date | None) -> str:
    return value.isoformat() if value else ""


def to_record(mission: Mission) -> dict[str, Any]:
    """The mission as plain JSON-ready data, in schema order, leaving out empty fields."""
    office = mission.consular_office
    record: dict[str, Any] = {
        "id": mission.id,
        "kind": mission.kind,
        "name": mission.name,
        "name_zh": mission.name_zh,
        "local_name": mission.local_name,
        "names": dict(mission.names),
        "aliases": list(mission.aliases),
        "address": _address_record(mission.address),
        "postal_lines": list(mission.address.postal_lines()),
        "consular_office": {
            "address": _address_record(office.address),
            "postal_lines": list(office.address.postal_lines()),
            "source": office.source,
            "source_date": _day(office.source_date),
            "note": office.note,
        }
        if office
        else {},
        "phone": mission.phone,
        "website": mission.website,
        "consular_district": list(mission.consular_district),
        "district_source": mission.district_source,
        "latitude": mission.latitude,
        "longitude": mission.longitude,
        "coordinates": mission.coordinates,
        "namesakes": list(mission.namesakes),
        "status": mission.status,
        "closed_on": mission.closed_on,
        "successor": mission.successor,
        "head_of_mission": mission.head_of_mission,
        "confidence": mission.confidence,
        "source": mission.source,
        "source_date": _day(mission.source_date),
        "source_date_kind": mission.source_date_kind if mission.source_date else "",
        "source_copy": mission.source_copy,
        "source_copy_date": _day(mission.source_copy_date),
        "note": mission.note,
    }
    return {k: v for k, v in record.items() if v not in ("", None, [], {})}


def to_row(mission: Mission) -> dict[str, str]:
    """The mission as one flat CSV row (see :data:`CSV_COLUMNS`)."""
    record = to_record(mission)
    address = record.pop("address")
    office = record.pop("consular_office", {})
    flat: dict[str, Any] = {**record, **address, "address_lines": address.get("lines", [])}
    if office:
        flat["consular_office"] = ", ".join(office["postal_lines"])
        flat["consular_office_source"] = office["source"]
    row: dict[str, str] = {}
    for column in CSV_COLUMNS:
        value = flat.get(column, "")
        if isinstance(value, list):
            value = " | ".join(value)
        elif isinstance(value, bool):
            value = "true" if value else "false"
        row[column] = "" if value is None else str(value)
    return row


LABEL_WIDTH = len("consular office") + 2
"""Width of the label column of :func:`describe`'s lines, as ``missions show`` prints them."""


def describe(mission: Mission, *, notes: bool = True) -> list[tuple[str, str]]:
    """The mission as (label, text) lines for ``nkletters missions show``; empty fields left out."""
    rows: list[tuple[str, str]] = [("name", mission.name)]
    rows += [("", n) for n in (mission.name_zh, mission.local_name) if n]
    rows.append(("kind", mission.kind))
    if mission.head_of_mission:
        rows.append(("head", mission.head_of_mission))
    postal = [*mission.address.postal_lines(), i18n.country_name(mission.country)]
    rows += [("address" if i == 0 else "", line) for i, line in enumerate(postal)]
    rows += [(k, v) for k, v in (("phone", mission.phone), ("website", mission.website)) if v]
    if mission.consular_district:
        rows.append(("district", ", ".join(mission.consular_district)))
    if mission.latitude is not None and mission.longitude is not None:
        how = (
            "city centre, from the gazetteer"
            if mission.coordinates == "city"
            else "from the source"
        )
        rows.append(("position", f"{mission.latitude:.4f}, {mission.longitude:.4f} ({how})"))
    status = status_text(mission)
    if mission.successor:
        status += f", district now served by {mission.successor}"
    rows.append(("status", status))
    rows.append(("confidence", f"{mission.confidence}: {CONFIDENCE_TEXT[mission.confidence]}"))
    if mission.source:
        rows.append(
            ("source", _cited(mission.source, mission.source_date, mission.source_date_kind))
        )
    if mission.source_copy:
        rows.append(("copy read", _cited(mission.source_copy, mission.source_copy_date, "page")))
    office = mission.consular_office
    if office:
        lines = office.address.postal_lines()
        rows += [("consular office" if i == 0 else "", line) for i, line in enumerate(lines)]
        rows.append(("", _cited(office.source, office.source_date, office.source_date_kind)))
    if mission.note and notes:
        rows.append(("note", mission.note))
    return rows


CONFIDENCE_TEXT = {
    "official": "the mission's or the Foreign Ministry's own page gives this address",
    "official-copy": "a dated copy of the Foreign Ministry's list gives this address",
    "secondary": "two independent non-official pages agree; no official page was read",
    "single": "one non-official page gives this address; check it before delivery",
    "none": "no page gives a street address",
}
"""What each confidence level means, for ``missions show`` and ``check``."""


def _cited(url: str, when: date | None, kind: str) -> str:
    day = when.isoformat() if when else "undated"
    if when and kind == "accessed":
        day += ", the day the undated page was read"
    return f"{url} ({day})"


def status_text(mission: Mission) -> str:
    """``open``, or ``closed 2020-07-24`` with the date."""
    return "open" if mission.is_open else f"closed {mission.closed_on}".strip()


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
    """Parse and validate one mission directory file, through a cache.

    Parsing and validating the whole directory costs more than laying out a letter,
    so the validated result is kept as JSON in the user's cache folder, keyed by the
    file's path, size and modification time and by this version of nkletters.
    """
    key = _cache_key(path)
    cached = _read_cache(key) if key else None
    if cached is not None:
        return cached
    missions = _parse_file(path)
    if key:
        _write_cache(key, missions)
    return missions


def _cache_key(path: Path) -> str:
    try:
        stat = path.stat()
    except OSError:
        return ""  # _parse_file reports the missing file
    raw = f"{path.resolve()}|{stat.st_size}|{stat.st_mtime_ns}|{__version__}|{SCHEMA_VERSION}"
    return hashlib.sha256(raw.encode()).hexdigest()[:32]


def _cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "nkletters"


def _read_cache(key: str) -> list[Mission] | None:
    try:
        entries = json.loads((_cache_dir() / f"missions-{key}.json").read_text("utf-8"))
        return [_from_json(entry) for entry in entries]
    except (OSError, ValueError, TypeError, KeyError):
        return None  # no cache, or one from another version: parse the YAML


def _write_cache(key: str, missions: list[Mission]) -> None:
    try:
        folder = _cache_dir()
        folder.mkdir(parents=True, exist_ok=True)
        data = json.dumps([_to_json(m) for m in missions], ensure_ascii=False)
        temp = folder / f".missions-{key}.{os.getpid()}.part"
        temp.write_text(data, "utf-8")
        os.replace(temp, folder / f"missions-{key}.json")
    except OSError:
        pass  # a read-only home only costs speed


def _to_json(mission: Mission) -> dict[str, Any]:
    entry: dict[str, Any] = _dates_to_text(dataclasses.asdict(mission))
    return entry


def _dates_to_text(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _dates_to_text(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_dates_to_text(v) for v in value]
    return value.isoformat() if isinstance(value, date) else value


def _from_json(entry: dict[str, Any]) -> Mission:
    entry["address"] = _address_from_json(entry["address"])
    for name in ("aliases", "consular_district", "namesakes"):
        entry[name] = tuple(entry[name])
    entry["names"] = tuple((lang, name) for lang, name in entry["names"])
    for name in ("source_date", "source_copy_date"):
        entry[name] = _date_from_json(entry[name])
    office = entry["consular_office"]
    if office:
        office["address"] = _address_from_json(office["address"])
        office["source_date"] = _date_from_json(office["source_date"])
        entry["consular_office"] = Office(**office)
    entry["superseded"] = tuple(
        Superseded(**{**old, "source_date": _date_from_json(old["source_date"])})
        for old in entry["superseded"]
    )
    return Mission(**entry)


def _address_from_json(address: dict[str, Any]) -> Address:
    return Address(**{**address, "lines": tuple(address["lines"])})


def _date_from_json(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def _parse_file(path: Path) -> list[Mission]:
    found, problems = _read_file(path, collect=False)
    assert not problems  # without collect, the first problem raises
    return found


def check_file(path: Path) -> tuple[list[Mission], list[DataError]]:
    """Every valid mission of one file, and every problem found in it.

    The loader's "collect all errors" mode, for ``nkletters check``: each broken
    mission is reported and left out instead of stopping at the first.
    """
    return _read_file(path, collect=True)


def _gathering(collect: bool) -> contextlib.AbstractContextManager[list[DataError]]:
    """Record the problems of optional fields when collecting; else raise the first."""
    return yamlio.collecting() if collect else contextlib.nullcontext([])


def _read_file(path: Path, *, collect: bool) -> tuple[list[Mission], list[DataError]]:
    problems: list[DataError] = []
    try:
        raw = yamlio.load_file(path)
        with _gathering(collect) as collected:
            top = yamlio.Fields(raw, path, "", ("schema_version", "missions"))
            entries = list(top.items("missions"))
        problems += collected
        version = top.text("schema_version", required=True)
        if version not in READABLE_SCHEMAS:
            raise DataError(
                f"schema_version {version!r} is not supported",
                path=path,
                line=top.line("schema_version"),
                hint="this version of nkletters reads schema_version "
                + " or ".join(repr(v) for v in READABLE_SCHEMAS),
            )
    except DataError as error:
        if not collect:
            raise
        return [], [*problems, error]
    missions: list[Mission] = []
    seen: dict[str, int] = {}
    for index, entry in entries:
        try:
            with _gathering(collect) as collected:
                mission = _mission(entry, path, index, version)
            problems += collected
            line = yamlio.line_of(entry) or 0
            if mission.id in seen:
                raise DataError(
                    f"missions[{index}].id: duplicate id {mission.id!r} "
                    f"(first on line {seen[mission.id]})",
                    path=path,
                    line=line,
                    hint="each mission needs its own id",
                )
        except DataError as error:
            if not collect:
                raise
            problems.append(error)  # one mission at a time, so that every broken one is told
            continue
        seen[mission.id] = line
        missions.append(mission)
    return missions, problems


def _mission(raw: object, path: Path, index: int, version: str = SCHEMA_VERSION) -> Mission:
    allowed = MISSION_FIELDS + SCHEMA_1_ONLY if version == "1" else MISSION_FIELDS
    fields = yamlio.Fields(raw, path, f"missions[{index}]", allowed)
    mission_id = fields.text("id", required=True).lower()
    if not _ID.match(mission_id):
        raise fields.error(
            f"id: {mission_id!r} is not of the form 'cc-city'",
            fields.line("id"),
            hint="country code, a hyphen, the city in lower-case ASCII (e.g. us-chicago)",
        )
    address_fields = fields.mapping("address", ADDRESS_FIELDS, required=True)
    assert address_fields is not None
    address = _address(address_fields)
    host = _host_country(fields)
    if mission_id[:2] != (host or address.country).lower():
        raise fields.error(
            f"id: {mission_id!r} should start with the country code "
            f"{(host or address.country).lower()!r}",
            fields.line("id"),
        )
    status = fields.choice("status", STATUSES, default="open")
    for key in ("source", "website", "district_source", "source_copy"):
        _check_url(fields, key)
    if status == "closed" and not fields.has("closed_on"):
        raise fields.error(
            "closed_on: a closed mission needs the date it closed", fields.line("status")
        )
    latitude, longitude, coordinates = _position(fields)
    return Mission(
        id=mission_id,
        kind=fields.choice("kind", KINDS),
        name=fields.text("name", required=True),
        address=address,
        host_country=host,
        status=status,
        name_zh=fields.text("name_zh"),
        local_name=fields.text("local_name"),
        names=_names(fields),
        aliases=fields.text_list("aliases"),
        phone=_phone(fields, address.country),
        website=fields.text("website"),
        consular_district=fields.text_list("consular_district"),
        latitude=latitude,
        longitude=longitude,
        coordinates=coordinates,
        namesakes=fields.text_list("namesakes"),
        closed_on=fields.partial_date("closed_on"),
        successor=fields.text("successor").lower(),
        head_of_mission=fields.text("head_of_mission"),
        source=fields.text("source"),
        source_date=fields.date("source_date"),
        source_date_kind=_date_kind(fields),
        district_source=fields.text("district_source"),
        confidence=_confidence(fields, version, status, address),
        source_copy=fields.text("source_copy"),
        source_copy_date=fields.date("source_copy_date"),
        consular_office=_office(fields),
        superseded=_superseded(fields),
        note=fields.text("note"),
        origin=f"{path}:{yamlio.line_of(raw)}",
    )


def _address(fields: yamlio.Fields) -> Address:
    country = fields.text("country", required=True).upper()
    if not re.fullmatch(r"[A-Z]{2}", country):
        raise fields.error(
            f"country: expected a two-letter ISO 3166-1 code, got {country!r}",
            fields.line("country"),
        )
    if not i18n.is_country_code(country):
        raise fields.error(
            f"country: {country!r} is not an ISO 3166-1 country code",
            fields.line("country"),
            hint="use the two-letter code, e.g. GB for the United Kingdom",
        )
    postal_code = fields.text("postal_code")
    if postal_code and not postal_code_fits(postal_code, country):
        raise fields.error(
            f"postal_code: {postal_code!r} is not a postal code of {country}",
            fields.line("postal_code"),
            hint="copy it as the source page writes it; leave it out if no page gives it",
        )
    return Address(
        lines=fields.text_list("lines"),
        locality=fields.text("locality", required=True),
        region=fields.text("region"),
        postal_code=postal_code,
        country=country,
    )


def _host_country(fields: yamlio.Fields) -> str:
    host = fields.text("host_country").upper()
    if host and not i18n.is_country_code(host):
        raise fields.error(
            f"host_country: {host!r} is not an ISO 3166-1 country code",
            fields.line("host_country"),
            hint="the two-letter code of the country the mission is accredited to",
        )
    return host


def _check_url(fields: yamlio.Fields, key: str) -> None:
    value = fields.text(key)
    if value and not _URL.match(value):
        yamlio.report(
            fields.error(
                f"{key}: expected a web address starting with http:// or https://",
                fields.line(key),
            )
        )


def _date_kind(fields: yamlio.Fields) -> str:
    return fields.choice("source_date_kind", SOURCE_DATE_KINDS, default="page")


def _confidence(fields: yamlio.Fields, version: str, status: str, address: Address) -> str:
    """The confidence level, with the sources each level needs."""
    if version == "1":
        # Schema 1 said only whether an official page confirms the address.
        verified = fields.boolean("verified", default=not (status == "open" and not address.lines))
        level = "official" if verified else ("single" if address.lines else "none")
    else:
        level = fields.choice(
            "confidence", CONFIDENCE_LEVELS, default="single" if address.lines else "none"
        )
    unsourced_v1 = version == "1" and level != "official"  # schema 1 did not ask for one
    if level != "none" and not fields.has("source") and not unsourced_v1:
        raise fields.error(
            f"source: an address known at confidence {level!r} needs the URL of its page",
            fields.line("source"),
            hint="add 'source: https://…' and 'source_date: YYYY-MM-DD', or set 'confidence: none'",
        )
    if fields.has("source") and not fields.has("source_date"):
        raise fields.error(
            "source_date: required with source",
            fields.line("source"),
            hint="the date the source page shows, as YYYY-MM-DD",
        )
    if level == "official-copy" and not (
        fields.has("source_copy") and fields.has("source_copy_date")
    ):
        raise fields.error(
            "source_copy: an official-copy address needs the URL and date of the copy read",
            fields.line("confidence"),
            hint="add 'source_copy: https://…' and 'source_copy_date: YYYY-MM-DD'",
        )
    return level


def _position(fields: yamlio.Fields) -> tuple[float | None, float | None, str]:
    latitude = fields.number("latitude", -90, 90)
    longitude = fields.number("longitude", -180, 180)
    if (latitude is None) != (longitude is None):
        raise fields.error(
            "latitude and longitude: give both or neither",
            fields.line("latitude" if latitude is not None else "longitude"),
        )
    coordinates = fields.text("coordinates").lower()
    if latitude is None and coordinates:
        raise fields.error(
            "coordinates: says where latitude and longitude come from, but there are none",
            fields.line("coordinates"),
        )
    if latitude is not None:
        coordinates = fields.choice("coordinates", COORDINATES, default="source")
    return latitude, longitude, coordinates


_LANGUAGE = re.compile(r"^[a-z]{2,3}$")


def _names(fields: yamlio.Fields) -> tuple[tuple[str, str], ...]:
    value = fields.data.get("names")
    if value is None or value == "":
        return ()
    if not isinstance(value, yamlio.Mapping):
        yamlio.report(
            fields.error(
                "names: expected a mapping of language codes to names (ja: 中華人民共和国…)",
                fields.line("names"),
            )
        )
        return ()
    languages = [key for key in value if _LANGUAGE.match(key)]
    names = yamlio.Fields(value, fields.path, fields.qualified("names"), languages)
    return tuple((lang, names.text(lang)) for lang in languages if names.text(lang))


def _phone(fields: yamlio.Fields, country: str) -> str:
    number = fields.text("phone")
    if number:
        problem = phones.problem(number, country)
        if problem:
            yamlio.report(
                fields.error(
                    f"phone: {number!r} {problem}",
                    fields.line("phone"),
                    hint="copy the number as the source page gives it, with its country code",
                )
            )
            return ""
    return number


def _office(fields: yamlio.Fields) -> Office | None:
    office = fields.mapping("consular_office", OFFICE_FIELDS)
    if office is None:
        return None
    address_fields = office.mapping("address", ADDRESS_FIELDS, required=True)
    assert address_fields is not None
    _check_url(office, "source")
    return Office(
        address=_address(address_fields),
        source=office.text("source", required=True),
        source_date=office.date("source_date", required=True),
        source_date_kind=_date_kind(office),
        note=office.text("note"),
    )


def _superseded(fields: yamlio.Fields) -> tuple[Superseded, ...]:
    old: list[Superseded] = []
    for index, raw in fields.items("superseded"):
        entry = yamlio.Fields(
            raw, fields.path, fields.qualified(f"superseded[{index}]"), SUPERSEDED_FIELDS
        )
        _check_url(entry, "source")
        old.append(
            Superseded(
                address=entry.text("address", required=True),
                source=entry.text("source"),
                source_date=entry.date("source_date"),
                source_date_kind=_date_kind(entry),
                note=entry.text("note"),
            )
        )
    return tuple(old)


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
