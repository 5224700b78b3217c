"""Missions: the directory of PRC embassies and consulates, loaded, validated and looked up."""

from __future__ import annotations

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

from . import __version__, i18n, yamlio
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
    "coordinates",
    "namesakes",
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
        if self.country in ("JP", "KR", "CN", "TW") and _has_cjk(" ".join(self.lines)):
            return self._big_to_small()
        pattern = _LOCALITY_FORMATS.get(self.country, "{postal_code} {locality}")
        tail = pattern.format(
            locality=self.locality, region=self.region, postal_code=self.postal_code
        )
        cleaned = [
            re.sub(r"\s{3,}", "  ", re.sub(r"^[\s,]+|[\s,]+$", "", t)) for t in tail.split("\n")
        ]
        cleaned = [re.sub(r" ,", ",", t) for t in cleaned]
        return (*self.lines, *(t for t in cleaned if t))

    def _big_to_small(self) -> tuple[str, ...]:
        # Japanese and Korean addresses in their own script run from the largest unit
        # to the smallest, after the postal code: 〒106-0046 東京都港区元麻布…
        if self.country == "JP":
            postal = f"〒{self.postal_code}" if self.postal_code else ""
            return tuple(
                line for line in (postal, self.region + self.locality + "".join(self.lines)) if line
            )
        postal = f"({self.postal_code})" if self.postal_code else ""
        street = " ".join(part for part in (self.region, self.locality, *self.lines) if part)
        return tuple(line for line in (postal, street) if line)


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
        close = difflib.get_close_matches(normalise(city), list(keyed), n=3, cutoff=0.6)
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


def _has_cjk(text: str) -> bool:
    return any(
        "\u3040" <= c <= "\u30ff" or "\u3400" <= c <= "\u9fff" or "\uac00" <= c <= "\ud7af"
        for c in text
    )


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
    "source",
    "source_date",
    "source_date_kind",
    "verified",
)
"""Columns of ``nkletters missions list --format csv``; lists are joined with " | "."""


def to_record(mission: Mission) -> dict[str, Any]:
    """The mission as plain JSON-ready data, in schema order, leaving out empty fields."""
    address: dict[str, Any] = {
        "lines": list(mission.address.lines),
        "locality": mission.address.locality,
        "region": mission.address.region,
        "postal_code": mission.address.postal_code,
        "country": mission.address.country,
    }
    record: dict[str, Any] = {
        "id": mission.id,
        "kind": mission.kind,
        "name": mission.name,
        "name_zh": mission.name_zh,
        "local_name": mission.local_name,
        "aliases": list(mission.aliases),
        "address": {k: v for k, v in address.items() if v},
        "postal_lines": list(mission.address.postal_lines()),
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
        "source": mission.source,
        "source_date": mission.source_date.isoformat() if mission.source_date else "",
        "source_date_kind": mission.source_date_kind if mission.source_date else "",
        "verified": mission.verified,
        "note": mission.note,
    }
    return {k: v for k, v in record.items() if v not in ("", None, [], {})}


def to_row(mission: Mission) -> dict[str, str]:
    """The mission as one flat CSV row (see :data:`CSV_COLUMNS`)."""
    record = to_record(mission)
    address = record.pop("address")
    flat: dict[str, Any] = {**record, **address, "address_lines": address.get("lines", [])}
    row: dict[str, str] = {}
    for column in CSV_COLUMNS:
        value = flat.get(column, "")
        if isinstance(value, list):
            value = " | ".join(value)
        elif isinstance(value, bool):
            value = "true" if value else "false"
        row[column] = "" if value is None else str(value)
    return row


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
    if mission.source:
        when = mission.source_date.isoformat() if mission.source_date else "undated"
        if mission.source_date and mission.source_date_kind == "accessed":
            when += ", the day the undated page was read"
        rows.append(("source", f"{mission.source} ({when})"))
    rows.append(
        ("verified", "yes" if mission.verified else "no: no official page confirms the address")
    )
    if mission.note and notes:
        rows.append(("note", mission.note))
    return rows


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
    entry = dataclasses.asdict(mission)
    entry["source_date"] = mission.source_date.isoformat() if mission.source_date else None
    return entry


def _from_json(entry: dict[str, Any]) -> Mission:
    address = entry.pop("address")
    address["lines"] = tuple(address["lines"])
    for name in ("aliases", "consular_district", "namesakes"):
        entry[name] = tuple(entry[name])
    if entry["source_date"]:
        entry["source_date"] = date.fromisoformat(entry["source_date"])
    return Mission(address=Address(**address), **entry)


def _parse_file(path: Path) -> list[Mission]:
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


SUPERSEDED_FIELDS = ("address", "source", "source_date", "source_date_kind", "note")


def _check_superseded(fields: yamlio.Fields) -> None:
    """Each old address under ``superseded`` is checked as strictly as the mission's own
    fields, though only the file keeps it (so that nobody re-adds it)."""
    for index, raw in fields.items("superseded"):
        where = f"{fields.where}.superseded[{index}]"
        entry = yamlio.Fields(raw, fields.path, where, SUPERSEDED_FIELDS)
        entry.text("address", required=True)
        source = entry.text("source")
        if source and not _URL.match(source):
            yamlio.report(
                entry.error(
                    "source: expected a web address starting with http:// or https://",
                    entry.line("source"),
                )
            )
        entry.date("source_date")
        entry.choice("source_date_kind", SOURCE_DATE_KINDS, default="page")
        entry.text("note")


def _mission(raw: object, path: Path, index: int) -> Mission:
    where = f"missions[{index}]"
    fields = yamlio.Fields(raw, path, where, MISSION_FIELDS)
    _check_superseded(fields)
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
    if not i18n.is_country_code(country):
        raise address_fields.error(
            f"country: {country!r} is not an ISO 3166-1 country code",
            address_fields.line("country"),
            hint="use the two-letter code, e.g. GB for the United Kingdom",
        )
    postal_code = address_fields.text("postal_code")
    if postal_code and not postal_code_fits(postal_code, country):
        raise address_fields.error(
            f"postal_code: {postal_code!r} is not a postal code of {country}",
            address_fields.line("postal_code"),
            hint="copy it as the source page writes it; leave it out if no page gives it",
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
        postal_code=postal_code,
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
    date_kind = fields.text("source_date_kind").lower() or "page"
    if date_kind not in SOURCE_DATE_KINDS:
        raise fields.error(
            f"source_date_kind: expected one of {', '.join(SOURCE_DATE_KINDS)}, got {date_kind!r}",
            fields.line("source_date_kind"),
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
        latitude=latitude,
        longitude=longitude,
        coordinates=coordinates,
        namesakes=fields.text_list("namesakes"),
        closed_on=fields.partial_date("closed_on"),
        successor=fields.text("successor").lower(),
        head_of_mission=fields.text("head_of_mission"),
        source=fields.text("source"),
        source_date=fields.date("source_date"),
        source_date_kind=date_kind,
        district_source=fields.text("district_source"),
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
