"""Mission file: reads one directory YAML file (schema 1 or 2), checks every field, caches it.

Parsing and checking the whole directory costs more than laying out a letter, so the
checked result is kept in the user's cache folder (see :func:`load_file`).
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import re
from datetime import date
from pathlib import Path
from typing import Any

from .. import __version__, i18n, phones, usercache, validation, yamlio
from ..errors import DataError
from .model import (
    ADDRESS_FIELDS,
    CONFIDENCE_LEVELS,
    COORDINATES,
    KINDS,
    MISSION_FIELDS,
    OFFICE_FIELDS,
    READABLE_SCHEMAS,
    SCHEMA_1_ONLY,
    SCHEMA_VERSION,
    SOURCE_DATE_KINDS,
    STATUSES,
    SUPERSEDED_FIELDS,
    Address,
    Mission,
    Office,
    Superseded,
    postal_code_fits,
)

__all__ = [
    "check_file",
    "load_file",
]

_ID = re.compile(r"^[a-z]{2}-[a-z0-9]+(?:-[a-z0-9]+)*$")
_URL = re.compile(r"^https?://\S+$")


def load_file(path: Path) -> list[Mission]:
    """Parse and validate one mission directory file, through a cache.

    Parsing and validating the whole directory costs more than laying out a letter,
    so the validated result is kept in the user's cache folder, keyed by the
    file's path, size and modification time and by this version of nkletters.
    """
    name = _cache_name(path)
    cached = _read_cache(name) if name else None
    if cached is not None:
        return cached
    missions = _parse_file(path)
    if name:
        _write_cache(name, missions)
    return missions


def _cache_name(path: Path) -> str:
    """``missions-FILE-STATE.marshal``: which file (its resolved path), and which state of
    it (size, modification time, nkletters' version and schema); empty without a file."""
    try:
        stat = path.stat()
    except OSError:
        return ""  # _parse_file reports the missing file
    where = hashlib.sha256(str(path.resolve()).encode()).hexdigest()[:32]
    state = f"{stat.st_size}|{stat.st_mtime_ns}|{__version__}|{SCHEMA_VERSION}"
    return f"missions-{where}-{hashlib.sha256(state.encode()).hexdigest()[:32]}.marshal"


def _read_cache(name: str) -> list[Mission] | None:
    entries = usercache.read_marshal(name)
    if not isinstance(entries, list):
        return None
    try:
        return [_from_cache(entry) for entry in entries]
    except (ValueError, TypeError, KeyError, AttributeError):
        return None  # a damaged entry, or one from another version: parse the YAML


def _write_cache(name: str, missions: list[Mission]) -> None:
    """Keep ``missions`` under ``name``; remove the same file's entries from before it
    changed or from another version of nkletters, which nothing will read again."""
    entries = [_dates_to_text(dataclasses.asdict(m)) for m in missions]
    usercache.write_marshal(name, entries)
    # missions-FILE-STATE.marshal for this FILE, or missions-HASH.marshal: the naming
    # before each entry named its file, which nothing reads any more.
    file_part = name.split("-")[1]
    superseded = re.compile(rf"missions-({file_part}-)?[0-9a-f]{{32}}\.marshal")
    usercache.remove_superseded("", superseded, {name})


def _dates_to_text(value: Any) -> Any:
    """The same record with each date as ISO text (marshal keeps no dates); tuples
    stay tuples."""
    if isinstance(value, dict):
        return {k: _dates_to_text(v) for k, v in value.items()}
    if isinstance(value, tuple):
        return tuple(_dates_to_text(v) for v in value)
    return value.isoformat() if isinstance(value, date) else value


def _from_cache(entry: dict[str, Any]) -> Mission:
    entry["address"] = Address(**entry["address"])
    for name in ("source_date", "source_copy_date"):
        entry[name] = _date_from_text(entry[name])
    office = entry["consular_office"]
    if office:
        office["address"] = Address(**office["address"])
        office["source_date"] = _date_from_text(office["source_date"])
        entry["consular_office"] = Office(**office)
    entry["superseded"] = tuple(
        Superseded(**{**old, "source_date": _date_from_text(old["source_date"])})
        for old in entry["superseded"]
    )
    return Mission(**entry)


def _date_from_text(value: str | None) -> date | None:
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
    return validation.collecting() if collect else contextlib.nullcontext([])


def _read_file(path: Path, *, collect: bool) -> tuple[list[Mission], list[DataError]]:
    problems: list[DataError] = []
    try:
        raw = yamlio.load_file(path)
        with _gathering(collect) as collected:
            top = validation.Fields(raw, path, "", ("schema_version", "missions"))
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
    """One mission checked field by field. Each step checks one part, in the order the
    first problem is reported when not collecting (see :func:`check_file`)."""
    allowed = MISSION_FIELDS + SCHEMA_1_ONLY if version == "1" else MISSION_FIELDS
    fields = validation.Fields(raw, path, f"missions[{index}]", allowed)
    mission_id = _mission_id(fields)
    address = _address(_required_mapping(fields, "address", ADDRESS_FIELDS))
    host = _host_country(fields)
    _check_id_country(fields, mission_id, host or address.country)
    status = _status(fields)
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


def _mission_id(fields: validation.Fields) -> str:
    mission_id = fields.text("id", required=True).lower()
    if not _ID.match(mission_id):
        raise fields.error(
            f"id: {mission_id!r} is not of the form 'cc-city'",
            fields.line("id"),
            hint="country code, a hyphen, the city in lower-case ASCII (e.g. us-chicago)",
        )
    return mission_id


def _check_id_country(fields: validation.Fields, mission_id: str, country: str) -> None:
    """The id starts with the code of the country the mission serves (its host country,
    else its address's)."""
    if mission_id[:2] != country.lower():
        raise fields.error(
            f"id: {mission_id!r} should start with the country code {country.lower()!r}",
            fields.line("id"),
        )


def _required_mapping(
    fields: validation.Fields, key: str, allowed: tuple[str, ...]
) -> validation.Fields:
    found = fields.mapping(key, allowed, required=True)
    assert found is not None  # required: a missing mapping raises
    return found


def _status(fields: validation.Fields) -> str:
    """Open or closed (a closed mission needs its date), with the web addresses checked."""
    status = fields.choice("status", STATUSES, default="open")
    for key in ("source", "website", "district_source", "source_copy"):
        _check_url(fields, key)
    if status == "closed" and not fields.has("closed_on"):
        raise fields.error(
            "closed_on: a closed mission needs the date it closed", fields.line("status")
        )
    return status


def _address(fields: validation.Fields) -> Address:
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


def _host_country(fields: validation.Fields) -> str:
    host = fields.text("host_country").upper()
    if host and not i18n.is_country_code(host):
        raise fields.error(
            f"host_country: {host!r} is not an ISO 3166-1 country code",
            fields.line("host_country"),
            hint="the two-letter code of the country the mission is accredited to",
        )
    return host


def _check_url(fields: validation.Fields, key: str) -> None:
    value = fields.text(key)
    if value and not _URL.match(value):
        validation.report(
            fields.error(
                f"{key}: expected a web address starting with http:// or https://",
                fields.line(key),
            )
        )


def _date_kind(fields: validation.Fields) -> str:
    return fields.choice("source_date_kind", SOURCE_DATE_KINDS, default="page")


def _confidence(fields: validation.Fields, version: str, status: str, address: Address) -> str:
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


def _position(fields: validation.Fields) -> tuple[float | None, float | None, str]:
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


def _names(fields: validation.Fields) -> tuple[tuple[str, str], ...]:
    value = fields.data.get("names")
    if value is None or value == "":
        return ()
    if not isinstance(value, yamlio.Mapping):
        validation.report(
            fields.error(
                "names: expected a mapping of language codes to names (ja: 中華人民共和国…)",
                fields.line("names"),
            )
        )
        return ()
    languages = [key for key in value if _LANGUAGE.match(key)]
    for key in value:
        if key not in languages:
            validation.report(
                fields.error(
                    f"{key!r} under names is not a language code",
                    value.key_lines[key],
                    hint="use e.g. zh, ko, ja",
                )
            )
    names = validation.Fields(value, fields.path, fields.qualified("names"), languages)
    return tuple((lang, names.text(lang)) for lang in languages if names.text(lang))


def _phone(fields: validation.Fields, country: str) -> str:
    number = fields.text("phone")
    if number:
        problem = phones.problem(number, country)
        if problem:
            validation.report(
                fields.error(
                    f"phone: {number!r} {problem}",
                    fields.line("phone"),
                    hint="copy the number as the source page gives it, with its country code",
                )
            )
            return ""
    return number


def _office(fields: validation.Fields) -> Office | None:
    office = fields.mapping("consular_office", OFFICE_FIELDS)
    if office is None:
        return None
    address_fields = _required_mapping(office, "address", ADDRESS_FIELDS)
    _check_url(office, "source")
    return Office(
        address=_address(address_fields),
        source=office.text("source", required=True),
        source_date=office.date("source_date", required=True),
        source_date_kind=_date_kind(office),
        note=office.text("note"),
    )


def _superseded(fields: validation.Fields) -> tuple[Superseded, ...]:
    old: list[Superseded] = []
    for index, raw in fields.items("superseded"):
        entry = validation.Fields(
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
