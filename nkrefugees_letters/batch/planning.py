"""Planning: which letters a batch writes — to which missions, signed by whom, into which files.

Nothing here writes: :func:`plan` checks the request, routes each signer to the mission
serving their city and names each letter's file; :func:`encoding` works out the batch's
font encoding from the letters it will print.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path

from .. import i18n, letters, places
from ..errors import LettersError, MissionNotFound
from ..letters import LetterOptions
from ..missions import Directory, Mission, normalise
from ..pdf import fonts, layout
from ..profile import Profile
from ..selection import Selection, select
from ..signers import BadRow, Signer, SignerList

PRINT_FILE = "all-letters.pdf"
ENVELOPES_FILE = "envelopes.pdf"
LABELS_FILE = "labels.pdf"
DELIVERY_CSV = "delivery.csv"
DELIVERY_JSON = "delivery.json"
COVER_NOTES_FILE = "cover-notes.pdf"
LISTED = 8
"""How many ids a one-line warning names before it says "and N more"."""
LABEL_NAME = 40
"""How much of a signer's name a message shows."""


@dataclass(frozen=True)
class BatchOptions:
    """How to run a batch, besides what goes into each letter (``letter``)."""

    letter: LetterOptions = field(default_factory=LetterOptions)
    duplex: bool = False
    cosign: bool = False
    envelope: str | None = None
    cover_note: bool = False
    jobs: int | None = None
    """Worker processes; ``None`` means one per core."""
    dry_run: bool = False


@dataclass(frozen=True)
class Job:
    """One letter to write: to which mission, into which file, signed by whom."""

    index: int
    mission: Mission
    file_name: str
    signers: tuple[Signer, ...] = ()
    """One for a personal letter (``--signers``), several for ``--cosign``, none otherwise."""

    @property
    def signer_names(self) -> str:
        """The signers' names, ``; `` between them."""
        return "; ".join(s.name for s in self.signers)

    @property
    def label(self) -> str:
        """``us-chicago`` or ``us-chicago (row 7, Jane Doe)`` for messages."""
        if len(self.signers) == 1:
            name = self.signers[0].name
            shown = name if len(name) <= LABEL_NAME else name[: LABEL_NAME - 1] + "…"
            return f"{self.mission.id} (row {self.signers[0].row}, {shown})"
        return self.mission.id


@dataclass(frozen=True)
class Plan:
    """A batch ready to run: its letters, where they go, and what the user must be told."""

    jobs: tuple[Job, ...]
    out_dir: Path
    when: date
    label_paper: str
    notes: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()
    bad_rows: tuple[BadRow, ...] = ()


# --- planning -----------------------------------------------------------------------


def output_folder(profile: Profile, options: LetterOptions, when: date) -> Path:
    """``--out`` if given, else ``letters/DATE`` (under the profile's output folder)."""
    return options.out_dir or profile.defaults.out / when.isoformat()


def plan(
    directory: Directory,
    profile: Profile,
    selection: Selection,
    options: BatchOptions,
    signer_list: SignerList | None = None,
) -> Plan:
    """Decide every letter of the batch and its file name; write nothing.

    Raises LettersError when the request itself is wrong (an unknown city or mission,
    an unprintable profile); a bad signer row only becomes a :class:`BadRow`.
    """
    letters.check_printable(profile)
    when = options.letter.when or date.today()
    missions, notes = select(directory, selection, prefer_country=profile.country)
    bad: list[BadRow] = list(signer_list.bad_rows) if signer_list else []
    jobs: list[Job] = []
    names = FileNames(when)
    if signer_list is None:
        if selection.empty:
            raise LettersError(
                "say which letters: --all, --country CODE, --city NAME, --mission ID "
                "or --signers FILE.csv"
            )
        for mission in missions:
            jobs.append(Job(len(jobs), mission, names.take(mission)))
    else:
        routed = _route_signers(directory, signer_list, missions, selection, bad, notes)
        if options.cosign:
            for mission, group in routed.items():
                jobs.append(Job(len(jobs), mission, names.take(mission), tuple(group)))
        else:
            for mission, group in routed.items():
                for signer in group:
                    jobs.append(
                        Job(len(jobs), mission, names.take(mission, signer.name), (signer,))
                    )
            jobs.sort(key=lambda job: job.signers[0].row)
            jobs = [replace(job, index=index) for index, job in enumerate(jobs)]
        if options.cosign and any(s.personal_note for group in routed.values() for s in group):
            notes.append("personal notes are left out of co-signed letters")
    bad.sort(key=lambda row: row.row)
    warnings = _unverified_warnings(jobs)
    papers = Counter(
        letters.choose_paper(options.letter.paper, profile, job.mission) for job in jobs
    )
    # Labels are printed where the batch is printed: on the paper most letters use.
    label_paper = max(sorted(papers), key=lambda p: papers[p]) if papers else "a4"
    return Plan(
        jobs=tuple(jobs),
        out_dir=output_folder(profile, options.letter, when),
        when=when,
        label_paper=label_paper,
        notes=tuple(notes),
        warnings=tuple(warnings),
        bad_rows=tuple(bad),
    )


def _unverified_warnings(jobs: Sequence[Job]) -> list[str]:
    """The warning that some of the batch's addresses are not from an official page."""
    used = {job.mission.id: job.mission for job in jobs}
    unverified = [m.id for m in used.values() if not m.verified]
    if not unverified:
        return []
    listed = ", ".join(unverified[:LISTED]) + (
        f" and {len(unverified) - LISTED} more" if len(unverified) > LISTED else ""
    )
    return [
        f"{len(unverified)} of the {len(used)} addresses in this batch are not confirmed "
        f"by an official page ({listed}); check them before delivery "
        f"({DELIVERY_CSV} marks them)"
    ]


class FileNames:
    """``DATE_MISSION-ID[_SIGNER].pdf``, with ``-2``, ``-3``… where two would collide."""

    def __init__(self, when: date) -> None:
        self.when = when
        self.taken: set[str] = set()

    def take(self, mission: Mission, signer: str = "") -> str:
        """A file name for ``mission``'s letter (``signer``'s own), unlike any taken."""
        name = letters.file_name(mission, self.when, signer)
        # The number goes after the shortened name (letters.file_name bounds its parts),
        # or two long names alike in their first words would never differ.
        stem = name.removesuffix(".pdf") + ("-" if signer else "_letter-")
        number = 1
        while name.lower() in self.taken:
            number += 1
            name = f"{stem}{number}.pdf"
        self.taken.add(name.lower())
        return name


def _country_code(value: str, directory: Directory) -> str:
    """A signer's country as a code: ``US``, ``us`` or ``United States``."""
    text = value.strip()
    if len(text) == 2:
        return text.upper()
    wanted = normalise(text)
    for code in sorted({m.country for m in directory}):
        if normalise(i18n.country_name(code)) == wanted:
            return code
    raise MissionNotFound(
        f"country {text!r} is not one the directory knows",
        hint="write the two-letter code, e.g. US, GB, KR",
    )


def _route_signers(
    directory: Directory,
    signer_list: SignerList,
    chosen: Sequence[Mission],
    selection: Selection,
    bad: list[BadRow],
    notes: list[str],
) -> dict[Mission, list[Signer]]:
    """Each good signer under the mission serving their city (in order of first row)."""
    routed: dict[Mission, list[Signer]] = {}
    allowed = {m.id for m in chosen}
    only = chosen[0] if len(chosen) == 1 else None
    cache: dict[tuple[str, str], Mission | str] = {}
    outside: list[int] = []
    for signer in signer_list.signers:
        problem = _unprintable(signer)
        if problem:
            bad.append(BadRow(signer.row, problem))
            continue
        if not signer.city:
            if only is None:
                bad.append(BadRow(signer.row, "no city, so no mission to write to"))
                continue
            mission: Mission | str = only
        else:
            key = (normalise(signer.city), signer.country.strip().lower())
            if key not in cache:
                try:
                    country = _country_code(signer.country, directory) if signer.country else ""
                    cache[key] = places.resolve(directory, signer.city, country).mission
                except places.AmbiguousPlace as exc:
                    cache[key] = f"{exc.message} — fill in the row's country column"
                except MissionNotFound as exc:
                    cache[key] = str(exc)
            mission = cache[key]
        if isinstance(mission, str):
            bad.append(BadRow(signer.row, mission))
            continue
        if not selection.empty and mission.id not in allowed:
            outside.append(signer.row)
            continue
        routed.setdefault(mission, []).append(signer)
    if outside:
        rows = ", ".join(str(r) for r in outside[:LISTED]) + (
            f" and {len(outside) - LISTED} more" if len(outside) > LISTED else ""
        )
        notes.append(
            f"skipped {len(outside)} signer(s) whose mission is not among those chosen "
            f"(rows {rows})"
        )
    return routed


def _unprintable(signer: Signer) -> str:
    for label, value in (
        ("name", signer.name),
        ("title", signer.title),
        ("organisation", signer.organisation),
        ("personal_note", signer.personal_note),
    ):
        error = fonts.unprintable_error(label, value) if value else None
        if error is not None:
            return error.message
    return ""


def encoding(jobs: Sequence[Job], profile: Profile, options: LetterOptions) -> fonts.EncodingPlan:
    """The font encoding for a batch: every character its letters will print, numbered
    the same in every file, so that each letter is laid out once for its own file and
    the print file (fonts.encoding_plan). A character missed here is still printed
    right; that letter is just laid out a second time for the print file."""
    texts: list[str] = [i18n.label("page", options.language or "en", number=1, total=2)]
    seen: set[str] = set()
    for job in jobs:
        for signer in job.signers:
            texts += (signer.name, signer.title, signer.organisation, signer.personal_note)
        if job.mission.id in seen:
            continue
        seen.add(job.mission.id)
        try:
            letter = letters.compose(job.mission, profile, options, signers=job.signers)
        except LettersError:
            continue  # reported when the letter itself is written
        texts += layout.printed_strings(letter)
    return fonts.encoding_plan(texts)


__all__ = [
    "COVER_NOTES_FILE",
    "DELIVERY_CSV",
    "DELIVERY_JSON",
    "ENVELOPES_FILE",
    "LABELS_FILE",
    "PRINT_FILE",
    "BatchOptions",
    "FileNames",
    "Job",
    "Plan",
    "encoding",
    "output_folder",
    "plan",
]
