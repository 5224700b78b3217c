"""Batch: many letters in one run — which ones, in how many processes, and what else to print.

A batch is planned first (:func:`plan`: the missions, the signers, a file name for each
letter) and then run (:func:`run`). Worker processes lay out and write the letters, one
file each, and send back each letter's finished pages; the main process adds them, in
batch order, to the print file (all-letters.pdf) and writes envelopes.pdf, labels.pdf and
the delivery checklist. A fixed font encoding for the whole batch (an EncodingPlan handed
to every document) is what lets a page laid out for one file go into another unchanged.
Every file is written through a temporary name and renamed when whole, and nothing holds
the whole batch in memory, so a run of 10,000 letters needs no more than a run of 100 and
an interrupted run leaves no partial file.

The parts: planning (which letters, file names, signers routed to missions), workers (the
processes that write letters), files (the batch-wide files), running (the run and its
report). This module holds the selection of missions.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from .. import i18n, places
from ..errors import MissionClosed, MissionNotFound
from ..missions import Directory, Mission, closed_error


@dataclass(frozen=True)
class Selection:
    """Which missions the user chose: ``--all``, ``--country``, ``--city``, ``--mission``."""

    all: bool = False
    countries: tuple[str, ...] = ()
    cities: tuple[str, ...] = ()
    mission_ids: tuple[str, ...] = ()

    @property
    def empty(self) -> bool:
        """True when nothing was chosen (signers then choose their own missions)."""
        return not (self.all or self.countries or self.cities or self.mission_ids)


def select(
    directory: Directory, selection: Selection, *, prefer_country: str = ""
) -> tuple[list[Mission], list[str]]:
    """The open missions chosen, in order and without repeats, and a note for each
    closed one that was skipped (or shared city name decided). Unknown names and ids are
    errors: nothing is written. ``prefer_country`` decides shared names (places.resolve)."""
    chosen: dict[str, Mission] = {}
    notes: list[str] = []
    closed: list[Mission] = []
    countries = tuple(c.strip().upper() for c in selection.countries if c.strip())
    for code in countries:
        if not i18n.is_country_code(code):
            raise MissionNotFound(
                f"--country {code!r} is not a two-letter ISO country code",
                hint="e.g. --country US, --country GB",
            )
    if selection.all or (countries and not selection.cities):
        for mission in directory:
            if countries and mission.country not in countries:
                continue
            if mission.is_open:
                chosen.setdefault(mission.id, mission)
            else:
                closed.append(mission)
        if countries and not chosen and not closed:
            raise MissionNotFound(
                "the directory lists no mission in " + ", ".join(countries),
                hint="see 'nkletters missions list'",
            )
    for mission_id in selection.mission_ids:
        mission = directory.get(mission_id)
        if mission.is_open:
            chosen.setdefault(mission.id, mission)
        else:
            closed.append(mission)
    for city in selection.cities:
        resolution = _resolve_city(directory, city, countries, prefer_country)
        if resolution.choice:
            notes.append(resolution.choice)
        if resolution.closed is not None and resolution.rule == "city":
            closed.append(resolution.closed)
        elif resolution.closed is not None:
            notes.append(f"{city.strip()}: {resolution.reason}")
            chosen.setdefault(resolution.mission.id, resolution.mission)
        else:
            chosen.setdefault(resolution.mission.id, resolution.mission)
    for mission in dict.fromkeys(closed):
        notes.append(f"skipped: {closed_error(mission, directory)}")
    return list(chosen.values()), notes


def _resolve_city(
    directory: Directory, city: str, countries: Sequence[str], prefer_country: str = ""
) -> places.Resolution:
    if len(countries) <= 1:
        country = countries[0] if countries else ""
        return places.resolve(directory, city, country, prefer_country=prefer_country)
    first: MissionNotFound | None = None
    for country in countries:
        try:
            return places.resolve(directory, city, country)
        except MissionClosed:
            raise
        except MissionNotFound as exc:
            first = first or exc
    assert first is not None
    raise first


# The face of the package: after Selection, which plan reads when it runs.
from .files import cover_note, delivery_row  # noqa: E402
from .planning import (  # noqa: E402
    COVER_NOTES_FILE,
    DELIVERY_CSV,
    DELIVERY_JSON,
    ENVELOPES_FILE,
    LABELS_FILE,
    PRINT_FILE,
    BatchOptions,
    Job,
    Plan,
    output_folder,
    plan,
)
from .running import BatchReport, Failure, run, summary  # noqa: E402
from .workers import SCRATCH_PREFIX, Outcome, worker_count  # noqa: E402

__all__ = [
    "COVER_NOTES_FILE",
    "DELIVERY_CSV",
    "DELIVERY_JSON",
    "ENVELOPES_FILE",
    "LABELS_FILE",
    "PRINT_FILE",
    "SCRATCH_PREFIX",
    "BatchOptions",
    "BatchReport",
    "Failure",
    "Job",
    "Outcome",
    "Plan",
    "Selection",
    "cover_note",
    "delivery_row",
    "output_folder",
    "plan",
    "run",
    "select",
    "summary",
    "worker_count",
]
