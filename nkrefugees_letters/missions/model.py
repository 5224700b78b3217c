"""Mission types: one mission of the directory, its address and sources, and the schema's words."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from .. import postal

__all__ = [
    "ADDRESS_FIELDS",
    "CONFIDENCE_LEVELS",
    "CONFIRMED_LEVELS",
    "COORDINATES",
    "KINDS",
    "KIND_LABELS",
    "MAX_AGE_MONTHS",
    "MISSION_FIELDS",
    "OFFICE_FIELDS",
    "POSTAL_CODE_FORMATS",
    "READABLE_SCHEMAS",
    "SCHEMA_1_ONLY",
    "SCHEMA_VERSION",
    "SOURCE_DATE_KINDS",
    "SOURCE_FIELDS",
    "STATUSES",
    "SUPERSEDED_FIELDS",
    "Address",
    "Mission",
    "Office",
    "Superseded",
    "postal_code_fits",
]

SCHEMA_VERSION = "2"
READABLE_SCHEMAS = ("1", "2")
"""Schema 2 says how well each address is known (``confidence``); files in schema 1, which
only said ``verified: true/false``, are still read (true → official, false → single)."""
KINDS = ("embassy", "consulate-general", "consulate")
STATUSES = ("open", "closed")

MAX_AGE_MONTHS = 12
"""Default age (months) after which a mission's source should be looked at again."""

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

SOURCE_FIELDS = (
    "confidence",
    "source",
    "source_date",
    "source_date_kind",
    "source_copy",
    "source_copy_date",
)
"""The fields that say how a mission's address is known and where it was read."""

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
    *SOURCE_FIELDS,
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

    def written_big_to_small(self) -> bool:
        """True for a Japanese, Korean or Chinese address in its own script: the letter
        in that language then starts its recipient block with the address."""
        return postal.runs_big_to_small(self.lines, self.country)


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
