"""Check: validates the profile, the mission directory and the templates, and reports
every problem at once, each as ``file:line: what is wrong — how to fix it``.

Loading for a letter stops at the first problem; checking goes on. The profile is read
by :func:`profile.check` (the loader's own code, every field) and its images are decoded;
each mission of a directory file is validated on its own (every broken mission is
reported, with its first problem); each template is rendered with sample values, for an
organisation and for a personal letter, going on past each undefined variable it reports.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable, Sequence, Set
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import i18n, letters, missions, profile
from .errors import DataError, LettersError
from .missions import MAX_AGE_MONTHS, Directory, Mission
from .pdf import fonts, layout
from .profile import Organisation, Profile, Signatory
from .text import render
from .text import templates as template_files

if TYPE_CHECKING:
    from .text.lettertext import LetterText
    from .text.templates import Template

SAMPLE_PROFILE = Profile(
    organisation=Organisation(
        name="Friends of Refugees",
        address=("12 Harbour Road", "Cape Town 8001"),
        email="info@example.org",
        website="example.org",
    ),
    signatories=(Signatory("Jane Doe", "Chair"), Signatory("Kim Ji-hye", "Secretary")),
    cosigners=("Another NGO",),
)
"""The organisation templates are rendered for when the user's profile has none."""

SAMPLE_MISSION = "us-chicago"

SAMPLE_EXTRAS: dict[str, Any] = {"letter_count": 3}
"""Variables that some commands add for their own templates (the cover note of a batch),
with sample values."""

SAMPLE_NOTE = "I met refugees in Yanji and heard their stories."
"""A signer's personal note, so that the branch printing it is checked too."""


@dataclass(frozen=True)
class Problem:
    """One thing to fix, printed as ``file:line: what is wrong — how to fix it``."""

    message: str
    hint: str = ""
    path: Path | None = None
    line: int | None = None
    column: int | None = None

    @classmethod
    def from_error(cls, error: LettersError, path: Path | None = None) -> Problem:
        """The problem an exception describes; ``path`` when it names no file itself."""
        if isinstance(error, DataError) and error.path is not None:
            return cls(error.message, error.hint, error.path, error.line, error.column)
        return cls(error.message, error.hint, path)

    def __str__(self) -> str:
        place = ""
        if self.path is not None:
            place = str(self.path)
            if self.line is not None:
                place += f":{self.line}"
                if self.column is not None:
                    place += f":{self.column}"
            place += ": "
        return place + self.message + (f" — {self.hint}" if self.hint else "")


@dataclass(frozen=True)
class StaleSource:
    """An open mission whose address was confirmed longer ago than the limit."""

    mission: Mission
    path: Path
    line: int | None
    months: int
    own: bool
    """True when it comes from the user's ``--data`` file, not the built-in directory."""

    def __str__(self) -> str:
        assert self.mission.source_date is not None
        checked = "seen" if self.mission.source_date_kind == "accessed" else "dated"
        where = f"{self.path}:{self.line}" if self.line else str(self.path)
        return (
            f"{where}: {self.mission.id}: source {checked} {self.mission.source_date.isoformat()} "
            f"(confidence {self.mission.confidence}), {self.months} months ago — check that "
            f"{self.mission.source or 'the source'} still gives this address, then update "
            "source_date"
        )


@dataclass(frozen=True)
class Report:
    """What ``nkletters check`` found."""

    problems: tuple[Problem, ...]
    stale: tuple[StaleSource, ...]
    profile: Path | None
    mission_count: int
    templates: tuple[str, ...]
    confidence: tuple[tuple[str, int], ...] = ()
    """How many addresses are known at each confidence level, best first."""

    @property
    def ok(self) -> bool:
        """True when nothing needs fixing (stale sources are reminders, not problems)."""
        return not self.problems


def run(
    profile_path: Path | None,
    data_paths: Sequence[Path] = (),
    templates: Sequence[str] = (),
    *,
    today: date | None = None,
    max_age_months: int = MAX_AGE_MONTHS,
) -> Report:
    """Check everything a letter depends on and collect every problem.

    Args:
        profile_path: the organisation profile, or None for a personal letter.
        data_paths: the user's mission files (``--data``), merged over the built-in one.
        templates: templates to check besides the built-in ones and the profile's default
            (names or paths, as ``--template`` takes them).
        today: the date stale sources are measured from (default: today).
        max_age_months: a source older than this many months is listed as stale.
    """
    today = today or date.today()
    directory_problems: list[Problem] = []
    directory, stale = _check_directory(data_paths, directory_problems, today, max_age_months)
    sample = _sample_mission(directory)
    problems: list[Problem] = []
    loaded = _check_profile(profile_path, sample, problems)
    problems += directory_problems
    names = dict.fromkeys([*template_files.builtin_names(), *templates])
    default = loaded.defaults.template if loaded is not None else ""
    if default:
        names[default] = None
    checked = [
        name
        for name in names
        if _check_template(name, loaded, sample, today, problems, is_default=name == default)
    ]
    return Report(
        problems=tuple(problems),
        stale=tuple(stale),
        profile=profile_path,
        mission_count=len(directory.missions),
        confidence=tuple(
            (level, sum(m.confidence == level for m in directory.missions))
            for level in missions.CONFIDENCE_LEVELS
        ),
        templates=tuple(checked),
    )


# --- the profile ------------------------------------------------------------------


def _check_profile(path: Path | None, sample: Mission, problems: list[Problem]) -> Profile | None:
    """Every problem of the profile; the profile itself when it could be read at all."""
    if path is None:
        return None
    before = len(problems)
    loaded, errors = profile.check(path)
    problems += [Problem.from_error(error, path) for error in errors]
    if loaded is None:
        return None
    for label, value in profile.check_text(loaded):
        unprintable = fonts.unprintable_error(label, value)
        if unprintable is not None:
            problems.append(Problem.from_error(unprintable, path))
    try:
        for language in letters.split_languages(loaded.defaults.language):
            i18n.locale_for(language, "US")
    except LettersError as error:
        problems.append(Problem(f"defaults.language: {error.message}", error.hint, path))
    for image in _images(loaded):
        try:
            layout.load_image(image)  # decodes it, as the letter will
        except LettersError as error:
            problems.append(Problem.from_error(error, path))
    if len(problems) == before:
        # Lay out one letter, as the last proof that the profile prints.
        try:
            options = letters.LetterOptions(language="en", template="appeal", when=_SAMPLE_DATE)
            layout.render_pdf(letters.compose(sample, loaded, options))
        except LettersError as error:
            problems.append(Problem.from_error(error, path))
    return loaded


_SAMPLE_DATE = date(2026, 9, 24)


def _images(loaded: Profile) -> list[Path]:
    logo = loaded.organisation.logo if loaded.organisation else None
    images = [logo, *(person.signature_image for person in loaded.signatories)]
    return [image for image in images if image is not None]


# --- the mission directory --------------------------------------------------------


def _check_directory(
    data_paths: Sequence[Path], problems: list[Problem], today: date, max_age_months: int
) -> tuple[Directory, list[StaleSource]]:
    directory, errors, own = missions.check(data_paths)
    problems += [Problem.from_error(error) for error in errors]
    return directory, stale_sources(directory, own, today, max_age_months)


def stale_sources(
    directory: Iterable[Mission], own: Set[str], today: date, max_age_months: int
) -> list[StaleSource]:
    """Open missions whose ``source_date`` is more than ``max_age_months`` before ``today``.

    Args:
        directory: the missions to look at.
        own: ids of missions from the user's own files (marked ``own``).
        today: the date ages are measured from.
        max_age_months: the limit, in months.
    """
    limit = months_before(today, max_age_months)
    stale = []
    for mission in directory:
        if mission.is_open and mission.source_date and mission.source_date < limit:
            path, line = missions.origin(mission)
            age = (today.year - mission.source_date.year) * 12 + (
                today.month - mission.source_date.month
            )
            stale.append(StaleSource(mission, path, line, age, mission.id in own))
    return stale


def months_before(day: date, months: int) -> date:
    """The same day ``months`` months earlier (the month's last day when it is shorter)."""
    year, month = divmod(day.year * 12 + day.month - 1 - months, 12)
    return date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


def _sample_mission(directory: Directory) -> Mission:
    by_id = {m.id: m for m in directory.missions}
    if SAMPLE_MISSION in by_id:
        return by_id[SAMPLE_MISSION]
    return next(m for m in directory.missions if m.is_open)


# --- templates --------------------------------------------------------------------


def _check_template(
    name: str,
    loaded: Profile | None,
    mission: Mission,
    today: date,
    problems: list[Problem],
    *,
    is_default: bool = False,
) -> bool:
    """Check one template; False when it could not be found or parsed at all."""
    language = loaded.defaults.language.split("+")[0] if loaded else "en"
    try:
        template = template_files.load_template(template_files.find_template(name, language))
    except LettersError as error:
        problem = Problem.from_error(error, loaded.path if loaded else None)
        if is_default and problem.path == (loaded.path if loaded else None):
            problem = Problem(f"defaults.template: {problem.message}", problem.hint, problem.path)
        problems.append(problem)
        return False
    organisation = loaded if loaded is not None and not loaded.is_personal else SAMPLE_PROFILE
    samples = {
        "": _context(mission, organisation, today, template.language, personal_note=SAMPLE_NOTE),
        " (in a personal letter)": _context(mission, Profile(), today, template.language),
    }
    reported: set[tuple[str, int | None]] = set()
    for variant, context in samples.items():
        text = _render_all(template, context, variant, reported, problems)
        unprintable = fonts.unprintable_error("the text", text.plain_text()) if text else None
        if unprintable is not None and ("unprintable", None) not in reported:
            reported.add(("unprintable", None))
            problems.append(Problem.from_error(unprintable, template.path))
    return True


MAX_UNDEFINED = 20
"""Undefined variables reported per template before the check gives up on it."""


def _render_all(
    template: Template,
    context: dict[str, Any],
    variant: str,
    reported: set[tuple[str, int | None]],
    problems: list[Problem],
) -> LetterText | None:
    """Render, reporting each undefined variable and rendering again past it; the text,
    or None when rendering failed for another reason (reported too)."""
    unknown: list[str] = []
    for _ in range(MAX_UNDEFINED):
        try:
            return render.render(template, render.with_placeholders(context, unknown))
        except render.UndefinedVariableError as error:
            unknown.append(error.variable)
            _report_once(Problem.from_error(error), "", reported, problems)
        except LettersError as error:
            _report_once(Problem.from_error(error, template.path), variant, reported, problems)
            return None
    return None


def _report_once(
    problem: Problem, variant: str, reported: set[tuple[str, int | None]], problems: list[Problem]
) -> None:
    if (problem.message, problem.line) in reported:
        return
    reported.add((problem.message, problem.line))
    problems.append(
        Problem(problem.message + variant, problem.hint, problem.path, problem.line, problem.column)
    )


def _context(
    mission: Mission, sender: Profile, today: date, language: str, **extra: Any
) -> dict[str, Any]:
    return letters.context(
        mission, sender, today, language, sender.signatories, **SAMPLE_EXTRAS, **extra
    )


__all__ = ["MAX_AGE_MONTHS", "Problem", "Report", "StaleSource", "run", "stale_sources"]
