"""Verify reports: the results of ``nkletters missions verify`` as CSV, JSON and an overlay.

The overlay is a mission file in the ``--data`` format holding the confirmed missions with
the page that confirmed them, so that a coordinator's fresh check travels to others.
"""

from __future__ import annotations

import csv
import dataclasses
import io
import json
from collections.abc import Sequence
from datetime import date
from typing import Any

from .. import missions, yamlio
from .verify import Outcome, Verification

__all__ = [
    "OVERLAY_MARK",
    "OVERLAY_SCHEMA_VERSION",
    "REPORT_COLUMNS",
    "overlay_yaml",
    "report_csv",
    "report_json",
    "summary",
]

REPORT_COLUMNS = (
    "mission_id",
    "outcome",
    "url",
    "official_page",
    "detail",
    "name",
    "address",
    "checked_on",
)
OVERLAY_MARK = "# Written by 'nkletters missions verify'"
"""The overlay's first line: a file starting with it may be replaced by the next check."""
OVERLAY_SCHEMA_VERSION = "2"
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def summary(results: Sequence[Verification]) -> str:
    """``97 confirmed, 12 changed, 16 unreachable``."""
    counts = {outcome: 0 for outcome in Outcome}
    for result in results:
        counts[result.outcome] += 1
    return ", ".join(f"{count} {outcome}" for outcome, count in counts.items())


def _row(result: Verification, today: date) -> dict[str, str]:
    return {
        "mission_id": result.mission.id,
        "outcome": str(result.outcome),
        "url": result.url,
        "official_page": "yes" if result.official else "no",
        "detail": result.detail,
        "name": result.mission.name,
        "address": " | ".join(result.mission.address.postal_lines()),
        "checked_on": today.isoformat(),
    }


def _cell(value: str) -> str:
    """A spreadsheet cell that stays text: a leading = + - @ would start a formula."""
    return "'" + value if value.startswith(_FORMULA_STARTS) else value


def report_csv(results: Sequence[Verification], today: date) -> str:
    """One row per mission (:data:`REPORT_COLUMNS`), every cell safe to open in a spreadsheet."""
    buffer = io.StringIO()
    # CRLF rows (RFC 4180): the writer then also quotes a field holding a lone CR.
    writer = csv.DictWriter(buffer, fieldnames=REPORT_COLUMNS, lineterminator="\r\n")
    writer.writeheader()
    for result in results:
        writer.writerow({k: _cell(v) for k, v in _row(result, today).items()})
    return buffer.getvalue()


def report_json(results: Sequence[Verification], today: date) -> str:
    """The rows of :func:`report_csv` as JSON, each with every page tried."""
    records = [
        {
            **_row(result, today),
            "pages": [
                {
                    "url": page.url,
                    "outcome": str(page.outcome),
                    "final_url": page.final_url,
                    "detail": page.detail,
                }
                for page in result.pages
            ],
        }
        for result in results
    ]
    return json.dumps(records, ensure_ascii=False, indent=2) + "\n"


def overlay_yaml(results: Sequence[Verification], today: date) -> str:
    """The confirmed missions as a ``--data`` file, each sourced to the page that confirmed it.

    Confirmed on an official page (:attr:`Verification.official`), a mission gets
    ``confidence: official`` and ``nkletters generate --data FILE`` prints its letter
    without a warning; confirmed on another page, it keeps its level, with the new date.
    Every other field is the mission's as the directory holds it.
    """
    lines = [
        f"{OVERLAY_MARK} on {today.isoformat()}: the addresses it found on the",
        "# missions' own pages. Use it with: nkletters generate --data THIS-FILE",
        f"schema_version: {yamlio.quote(OVERLAY_SCHEMA_VERSION)}",
    ]
    entries = [_entry(r, today) for r in results if r.outcome is Outcome.CONFIRMED]
    if not entries:
        return "\n".join([*lines, "missions: []", ""])
    lines.append("missions:")
    for entry in entries:
        lines += _item(entry, "  ")
    return "\n".join([*lines, ""])


def _entry(result: Verification, today: date) -> dict[str, Any]:
    mission = result.mission
    record = {
        key: _plain(getattr(mission, key)) for key in missions.MISSION_FIELDS if key != "names"
    }
    record["names"] = dict(mission.names)
    note = f"Address confirmed on {result.url} by 'nkletters missions verify' on {today}"
    if result.official:
        # These said how the old address was known; the official page just read replaces them.
        record.update(confidence="official", source_copy="", source_copy_date="")
        note += "."
    else:
        note += f", a page that is not official: confidence stays {mission.confidence!r}."
    if mission.note:
        note += f" Earlier note: {mission.note}"
    record.update(
        source=result.url,
        source_date=today.isoformat(),
        source_date_kind="accessed",
        note=note,
    )
    if mission.latitude is None:
        record.pop("coordinates", None)
    return {key: value for key, value in record.items() if not _empty(value)}


def _plain(value: Any) -> Any:
    """A mission's value as YAML-ready data: addresses, offices and old addresses as
    mappings of their fields, tuples as lists, dates as YYYY-MM-DD, numbers as text."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        fields = {f.name: _plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
        if not fields.get("source_date"):
            fields.pop("source_date_kind", None)  # says what the date is; there is none
        return {key: item for key, item in fields.items() if not _empty(item)}
    if isinstance(value, tuple | list):
        return [_plain(item) for item in value]
    if isinstance(value, date):
        return value.isoformat()
    return value


def _empty(value: Any) -> bool:
    return value is None or value == "" or value == [] or value == {}


def _item(value: dict[str, Any], pad: str) -> list[str]:
    """A mapping as a YAML list item: ``- first: …`` then the other keys aligned under it."""
    lines = [line for key, item in value.items() for line in _field(key, item, pad + "  ")]
    if lines:
        lines[0] = f"{pad}- {lines[0][len(pad) + 2 :]}"
    return lines


def _field(key: str, value: Any, pad: str) -> list[str]:
    if isinstance(value, dict):
        return [f"{pad}{key}:", *(ln for k, v in value.items() for ln in _field(k, v, pad + "  "))]
    if isinstance(value, list | tuple):
        out = [f"{pad}{key}:"]
        for item in value:
            out += (
                _item(item, pad + "  ") if isinstance(item, dict) else [f"{pad}  - {_scalar(item)}"]
            )
        return out
    return [f"{pad}{key}: {_scalar(value)}"]


def _scalar(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    # Every value quoted: the loader reads all as text; quoting keeps '01234' and 'NO' so.
    return yamlio.quote(str(value))
