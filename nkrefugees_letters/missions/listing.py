"""Mission listing: missions as a table, CSV or JSON (``missions list``) and ``missions show``."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from datetime import date
from typing import Any

from .. import i18n, sheet
from .model import Address, Mission

__all__ = [
    "CONFIDENCE_TEXT",
    "CSV_COLUMNS",
    "LABEL_WIDTH",
    "count_line",
    "csv_text",
    "describe",
    "json_text",
    "show_lines",
    "status_text",
    "table",
    "to_record",
    "to_row",
]

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


# --- ``missions list`` and ``missions show`` ------------------------------------------------


def table(missions: Sequence[Mission]) -> list[str]:
    """``missions list``'s table for reading: a header, then one aligned line per mission."""
    rows = [("ID", "KIND", "CITY", "STATUS", "CONFIDENCE")]
    rows += [(m.id, m.kind, m.city_name, status_text(m), m.confidence) for m in missions]
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]) - 1)]
    lines = []
    for row in rows:
        cells = [cell.ljust(w) for cell, w in zip(row[:-1], widths, strict=True)]
        lines.append("  ".join([*cells, row[-1]]))
    return lines


def count_line(missions: Sequence[Mission]) -> str:
    """``12 missions in 3 countries``: what a table listed."""
    countries = len({m.country for m in missions})
    return (
        f"{len(missions)} mission{'s' if len(missions) != 1 else ''} in {countries} "
        f"countr{'ies' if countries != 1 else 'y'}"
    )


def csv_text(missions: Sequence[Mission]) -> str:
    """The missions as CSV for spreadsheets (:data:`CSV_COLUMNS`; formulas neutralised)."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=CSV_COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(sheet.neutral_row(to_row(m)) for m in missions)
    return buffer.getvalue()


def json_text(missions: Sequence[Mission]) -> str:
    """The missions as a JSON list of :func:`to_record`'s records, for programs."""
    return json.dumps([to_record(m) for m in missions], ensure_ascii=False, indent=2)


def show_lines(mission: Mission, *, notes: bool = True) -> list[str]:
    """``missions show``'s lines: the id, then :func:`describe`'s labelled lines."""
    lines = [mission.id]
    lines += [f"  {label:<{LABEL_WIDTH}}{text}" for label, text in describe(mission, notes=notes)]
    return lines
