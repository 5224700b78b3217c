"""Selection: which missions a run writes to — the usage rules, one resolver, a batch's choice.

``--all``, ``--country``, ``--city`` and ``--mission`` mean the same for one letter and for
a batch, the web page and the CLI: :func:`check` says which combinations make sense,
:func:`is_batch` whether they ask for one letter or many, :func:`find` which mission one
``--city`` or ``--mission`` names (through :func:`places.resolve`, the place rules),
:func:`resolve` the mission of a single letter and :func:`select` the missions of a batch.
Nothing here prints: :func:`explain` returns the lines the CLI shows about a choice.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Literal, NamedTuple

from . import i18n, places
from .errors import MissionClosed, MissionNotFound, UsageError
from .missions import Directory, Mission, closed_error
from .profile import Profile

__all__ = [
    "Chosen",
    "Note",
    "Selection",
    "check",
    "choose",
    "city_reasons",
    "explain",
    "find",
    "is_batch",
    "resolve",
    "select",
    "single",
]


@dataclass(frozen=True)
class Selection:
    """Which missions the user chose: ``--all``, ``--country``, ``--city``, ``--mission``."""

    all: bool = False
    countries: tuple[str, ...] = ()
    cities: tuple[str, ...] = ()
    mission_ids: tuple[str, ...] = ()

    @classmethod
    def of(
        cls,
        all_missions: bool = False,
        countries: Iterable[str] = (),
        cities: Iterable[str] = (),
        mission_ids: Iterable[str] = (),
    ) -> Selection:
        """The selection the options give, leaving out blank values (``--city ""``)."""
        return cls(
            all_missions,
            tuple(c for c in countries if c.strip()),
            tuple(c for c in cities if c.strip()),
            tuple(m for m in mission_ids if m.strip()),
        )

    @property
    def empty(self) -> bool:
        """True when nothing was chosen (signers then choose their own missions)."""
        return not (self.all or self.countries or self.cities or self.mission_ids)


# --- the usage rules -------------------------------------------------------------------


def check(selection: Selection) -> None:
    """One rule for every run, single letter or batch, dry or not: each selection option
    counts, and one that another would make meaningless is a usage error.

    ``--country`` narrows ``--city`` (which London) or, alone, chooses that country's
    missions; ``--all`` is every open mission (``--country`` narrows it).

    Raises:
        UsageError: when one option would make another meaningless.
    """
    if selection.all and (selection.cities or selection.mission_ids):
        given = "--city" if selection.cities else "--mission"
        raise UsageError(
            f"--all already chooses every open mission, so {given} would be ignored; "
            f"drop --all, or drop {given}"
        )
    countries, mission_ids = selection.countries, selection.mission_ids
    if countries and mission_ids and not selection.cities:
        shown = " ".join(f"--country {c}" for c in countries)
        raise UsageError(
            f"{shown} with --mission {mission_ids[0]} but no --city: --country narrows a "
            f"--city, or alone chooses every mission in {', '.join(countries)}; drop "
            f"--country, or run {shown} on its own"
        )


def is_batch(selection: Selection, batch_options: Iterable[object] = ()) -> bool:
    """True when the run writes a batch: ``--all``, several missions or countries, a
    ``--country`` alone, or any option only a batch has (``batch_options``: the values of
    ``--signers``, ``--cosign``, ``--duplex``, ``--dry-run``…; ``None`` or False when not given).
    """
    return (
        selection.all
        or any(value not in (None, False) for value in batch_options)
        or len(selection.cities) + len(selection.mission_ids) > 1
        or len(selection.countries) > 1
        or bool(selection.countries and not selection.cities and not selection.mission_ids)
    )


def single(selection: Selection, *, not_both: str = "") -> tuple[str, str, str]:
    """``(city, country, mission_id)`` of a one-letter run.

    Args:
        selection: A selection that :func:`is_batch` found to be one letter.
        not_both: The message for a ``--city`` given with a ``--mission``; empty when
            the command makes those two letters (a batch) instead.

    Raises:
        UsageError: when it names no mission, or (``not_both``) two.
    """
    city = selection.cities[0] if selection.cities else ""
    mission_id = selection.mission_ids[0] if selection.mission_ids else ""
    if not city.strip() and not mission_id.strip():
        raise UsageError("say which mission: --city NAME or --mission ID")
    if not_both and city.strip() and mission_id.strip():
        raise UsageError(not_both)
    return city, selection.countries[0] if selection.countries else "", mission_id


# --- one resolver ----------------------------------------------------------------------


def find(
    directory: Directory,
    *,
    city: str = "",
    countries: Sequence[str] = (),
    mission_id: str = "",
    prefer_country: str = "",
) -> places.Resolution:
    """The mission one ``--mission`` or one ``--city`` names, with the rule that chose it.

    The mission may have closed (a ``--mission`` of one, or :attr:`places.Resolution.closed`
    for a city whose own mission closed): :func:`resolve` refuses it, :func:`select` skips it.
    With several ``countries``, a city is looked for in each in turn.
    """
    if mission_id:
        mission = directory.get(mission_id)
        return places.Resolution(mission, "mission", f"--mission {mission.id}: the {mission.name}")
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


def resolve(
    directory: Directory,
    *,
    city: str = "",
    country: str = "",
    mission_id: str = "",
    prefer_country: str = "",
) -> places.Resolution:
    """The mission a single letter goes to, from ``--mission`` or ``--city`` (and
    ``--country``), with the rule that chose it (see :func:`places.resolve`).

    A city whose own mission has closed (Houston) is an error that names the mission
    serving it now: the volunteer should choose that one knowingly, with ``--mission``.

    Raises:
        MissionNotFound: for an unknown city or id; MissionClosed for a closed mission.
    """
    resolution = find(
        directory,
        city=city,
        countries=(country,) if country else (),
        mission_id=mission_id,
        prefer_country=prefer_country,
    )
    if resolution.rule == "mission" and not resolution.mission.is_open:
        raise closed_error(resolution.mission, directory)
    if resolution.closed is not None:
        raise resolution.closed_error()
    return resolution


def select(
    directory: Directory, selection: Selection, *, prefer_country: str = ""
) -> tuple[list[Mission], list[str]]:
    """The open missions chosen, in order and without repeats, and a note for each
    closed one that was skipped (or shared city name decided). Unknown names and ids are
    errors: nothing is written. ``prefer_country`` decides shared names (places.resolve)."""
    chosen: dict[str, Mission] = {}
    notes: list[str] = []
    closed: list[Mission] = []
    countries = tuple(i18n.checked_country(c) for c in selection.countries if c.strip())
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
        mission = find(directory, mission_id=mission_id).mission
        if mission.is_open:
            chosen.setdefault(mission.id, mission)
        else:
            closed.append(mission)
    for city in selection.cities:
        resolution = find(directory, city=city, countries=countries, prefer_country=prefer_country)
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


# --- what to say about a choice ----------------------------------------------------------


class Note(NamedTuple):
    """A line about a choice, for the CLI to show on stderr.

    ``kind`` says when: ``note`` (a decision the user may want to undo, shown as
    "note: …"), ``reason`` (a rule that chose another mission than the city's own, said
    unless ``-q``), ``detail`` (said only with ``-v``).
    """

    kind: Literal["note", "reason", "detail"]
    text: str


class Chosen(NamedTuple):
    """A single letter's mission, and what to say about how it was chosen."""

    resolution: places.Resolution
    notes: tuple[Note, ...]


def explain(resolution: places.Resolution) -> tuple[Note, ...]:
    """What to say about a single letter's mission: a city with its own mission needs
    no explanation unless asked (``-v``); a rule that chose another does."""
    notes = [Note("note", resolution.choice)] if resolution.choice else []
    if resolution.rule not in ("mission", "city"):
        notes.append(Note("reason", resolution.reason))
    else:
        notes.append(Note("detail", f"{resolution.rule}: {resolution.reason}"))
    return tuple(notes)


def choose(
    directory: Directory,
    profile: Profile,
    *,
    city: str = "",
    country: str = "",
    mission_id: str = "",
) -> Chosen:
    """The mission of one letter written with ``profile`` (whose country decides shared
    city names), and the notes that explain it (``generate``, ``preview``)."""
    resolution = resolve(
        directory,
        city=city,
        country=country,
        mission_id=mission_id,
        prefer_country=profile.country,
    )
    return Chosen(resolution, explain(resolution))


def city_reasons(
    directory: Directory, selection: Selection, *, prefer_country: str = ""
) -> list[str]:
    """What ``-v`` says of a batch's cities: the rule :func:`select` applied to each.

    Said only for one country or none: with several, each city was looked for in turn.
    """
    if len(selection.countries) > 1:
        return []
    lines = []
    for city in selection.cities:
        why = find(
            directory, city=city, countries=selection.countries, prefer_country=prefer_country
        )
        lines.append(f"{city.strip()}: {why.rule}: {why.reason}")
    return lines
