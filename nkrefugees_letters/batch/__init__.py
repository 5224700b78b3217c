"""Batch: many letters in one run — which ones, in how many processes, and what else to print.

A batch is planned first (:func:`plan`: the missions, the signers, a file name for each
letter) and then run (:func:`run`). Worker processes lay out and write the letters, one
file each, and send back each letter's finished pages; the main process adds them, in
batch order, to the print file (all-letters.pdf) and writes envelopes.pdf, labels.pdf and
the delivery checklist. A fixed font encoding for the whole batch (fonts.plan_encoding)
is what lets a page laid out for one file go into another unchanged. Every file is
written through a temporary name and renamed when whole, and nothing holds the whole
batch in memory, so a run of 10,000 letters needs no more than a run of 100 and an
interrupted run leaves no partial file.
"""

from __future__ import annotations

import contextlib
import csv
import json
import multiprocessing
import os
import shutil
import signal
from collections import Counter
from collections.abc import Callable, Generator, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any, TextIO

from .. import i18n, letters, output, places, sheet
from ..errors import LettersError, MissionNotFound, masks_interrupt
from ..letters import LetterOptions
from ..missions import Directory, Mission, normalise
from ..pdf import fonts, layout, stationery
from ..profile import Profile, Signatory
from ..selection import Selection, select
from ..signers import BadRow, Signer, SignerList
from ..text import templates
from ..text.lettertext import Block

PRINT_FILE = "all-letters.pdf"
ENVELOPES_FILE = "envelopes.pdf"
LABELS_FILE = "labels.pdf"
DELIVERY_CSV = "delivery.csv"
DELIVERY_JSON = "delivery.json"
COVER_NOTES_FILE = "cover-notes.pdf"
COVER_NOTE_TEMPLATE = "cover-note"
RECEIPT_MARKER = "[receipt slip]"
"""In a cover-note template, the paragraph that separates the note from its receipt slip."""

DELIVERY_COLUMNS = (
    "mission_id",
    "mission",
    "address",
    "phone",
    "website",
    "confidence",
    "source",
    "consular_office",
    "file",
    "pages",
    "signer",
    "delivered_on",
    "received_by",
    "notes",
)
SMALL_BATCH = 8
"""Fewer letters than this are written in one process unless --jobs says otherwise."""
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


@dataclass(frozen=True)
class Outcome:
    """What became of one letter."""

    index: int
    path: Path | None
    pages: int = 0
    paper: str = ""
    error: str = ""

    @property
    def ok(self) -> bool:
        """True when the letter was laid out (and, unless a dry run, written)."""
        return not self.error


@dataclass(frozen=True)
class Failure:
    """A letter that was not written: a bad signer row, or an error laying it out."""

    what: str
    reason: str

    def __str__(self) -> str:
        return f"{self.what}: {self.reason}"


@dataclass(frozen=True)
class BatchReport:
    """The end of a run: counts, failures, and the batch-wide files written."""

    written: int
    failures: tuple[Failure, ...]
    files: tuple[Path, ...] = ()
    """The print file, envelopes, labels, delivery checklist and cover notes."""
    print_pages: int = 0
    blank_pages: int = 0
    interrupted: bool = False


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
    names = _FileNames(when)
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
    used = {job.mission.id: job.mission for job in jobs}
    unverified = [m.id for m in used.values() if not m.verified]
    warnings = []
    if unverified:
        listed = ", ".join(unverified[:LISTED]) + (
            f" and {len(unverified) - LISTED} more" if len(unverified) > LISTED else ""
        )
        warnings.append(
            f"{len(unverified)} of the {len(used)} addresses in this batch are not confirmed "
            f"by an official page ({listed}); check them before delivery "
            f"({DELIVERY_CSV} marks them)"
        )
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


class _FileNames:
    """``DATE_MISSION-ID[_SIGNER].pdf``, with ``-2``, ``-3``… where two would collide."""

    def __init__(self, when: date) -> None:
        self.when = when
        self.taken: set[str] = set()

    def take(self, mission: Mission, signer: str = "") -> str:
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
        missing = fonts.unprintable(value) if value else []
        if missing:
            return f"{label} contains {fonts.describe(missing)}, which no bundled font can print"
    return ""


# --- one letter ---------------------------------------------------------------------


def compose(job: Job, profile: Profile, options: LetterOptions) -> layout.Letter:
    """The letter for ``job``: signed by its signers, with a personal note if one was given."""
    if not job.signers:
        return letters.compose(job.mission, profile, options)
    people = tuple(Signatory(s.name, s.title, s.organisation) for s in job.signers)
    one = job.signers[0] if len(job.signers) == 1 else None
    extra = {
        "personal_note": one.personal_note if one else "",
        "signer": one.template_value() if one else None,
    }
    return letters.compose(job.mission, profile, options, signatories=people, extra=extra)


@dataclass(frozen=True)
class _Worker:
    """What every worker process needs, set once when it starts."""

    jobs: tuple[Job, ...]
    profile: Profile
    options: LetterOptions
    out_dir: Path
    dry_run: bool
    encoding: dict[str, str] = field(default_factory=dict)
    """The batch's planned font encoding (fonts.plan_encoding)."""
    run_id: str = ""
    """This run's name for its workers' folders, so that it removes only its own."""
    parent: int = 0
    """The main process: a worker ends when it does."""


@dataclass(frozen=True)
class _Printed:
    """What the main process needs of a letter laid out elsewhere: its pages, ready
    for the print file, and its address for the envelope and the label."""

    pages: tuple[layout.Page, ...] | None
    """None when the pages cannot go into the print file as they are (see RenderedPDF)."""
    recipient_lines: tuple[str, ...]
    paper: str
    language: str
    address_variants: tuple[tuple[str, ...], ...] = ()
    """Shorter forms of the address, for a label too small for all of it."""


_WORKER: _Worker | None = None
_IMAGES_SENT: set[str] = set()


def _start_worker(state: _Worker) -> None:
    global _WORKER  # one per process, set once when it starts
    _WORKER = state
    fonts.plan_encoding(state.encoding)  # a spawned worker does not inherit it
    # Ctrl-C is for the main process: it stops the batch and cleans up. SIGTERM (how
    # the main process stops its workers) and SIGHUP end a worker at once, quietly, and
    # so does its parent's death: an orphan would only print BrokenPipeError tracebacks.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    for name in ("SIGTERM", "SIGHUP"):
        if hasattr(signal, name):
            signal.signal(getattr(signal, name), signal.SIG_DFL)
    _die_with_parent(state.parent)
    if hasattr(signal, "pthread_sigmask"):
        signal.pthread_sigmask(signal.SIG_UNBLOCK, _STOP_SIGNALS)  # blocked in _outcomes
    # The main process must keep up with the workers, or their finished pages pile up
    # in its memory waiting for the print file.
    if hasattr(os, "nice"):
        with contextlib.suppress(OSError):
            os.nice(5)


_STOP_SIGNALS = {
    getattr(signal, name) for name in ("SIGINT", "SIGTERM", "SIGHUP") if hasattr(signal, name)
}
_PR_SET_PDEATHSIG = 1


def _die_with_parent(parent: int) -> None:
    """Have the kernel end this worker when the main process dies (Linux)."""
    with contextlib.suppress(OSError, AttributeError):
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)
    if parent and os.getppid() != parent:  # it died before the line above
        os._exit(1)


def _write_one(index: int) -> tuple[Outcome, _Printed | None]:
    assert _WORKER is not None
    scratch = None if _WORKER.dry_run else _scratch(_WORKER.out_dir, _WORKER.run_id)
    outcome, printed = _letter(_WORKER, index, scratch)
    if printed is not None and printed.pages:
        # A logo goes to the main process once, not with every letter.
        pages = tuple(
            replace(page, objects=tuple(o for o in page.objects if o[0] not in _IMAGES_SENT))
            for page in printed.pages
        )
        _IMAGES_SENT.update(name for page in printed.pages for name, _ in page.objects)
        printed = replace(printed, pages=pages)
    return outcome, printed


SCRATCH_PREFIX = ".nkletters-worker-"


@cache  # once per worker process
def _scratch(out_dir: Path, run_id: str) -> Path:
    """This worker's own folder for files being written.

    Two processes creating files in one folder queue for that folder's lock (on ext4,
    seconds in a batch of thousands); each worker writes its temporary files in its own
    folder and only the final rename touches the shared one. The folder is named after
    the run (``.nkletters-worker-RUN-PID``): another run in the same --out leaves it be.
    """
    folder = out_dir / f"{SCRATCH_PREFIX}{run_id}-{os.getpid()}"
    folder.mkdir(exist_ok=True)
    return folder


def _new_run_id() -> str:
    """``MAINPID-RANDOM``: unique among runs, and says whose the folders are."""
    return f"{os.getpid()}-{os.urandom(4).hex()}"


def _remove_stale_scratch(out_dir: Path) -> None:
    """The workers' folders of runs whose main process is gone (killed outright)."""
    for folder in out_dir.glob(f"{SCRATCH_PREFIX}*"):
        owner = folder.name[len(SCRATCH_PREFIX) :].split("-", 1)[0]
        if owner.isdigit() and not _alive(int(owner)):
            shutil.rmtree(folder, ignore_errors=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True  # someone else's process
    return True


def _letter(
    state: _Worker, index: int, scratch: Path | None = None
) -> tuple[Outcome, _Printed | None]:
    """Lay out and write one letter; a LettersError becomes a failed Outcome."""
    job = state.jobs[index]
    try:
        letter = compose(job, state.profile, state.options)
        pdf = layout.render_pdf(letter)
        path = state.out_dir / job.file_name
        if not state.dry_run:
            output.write_atomic(path, pdf.data, force=state.options.force, scratch=scratch)
    except LettersError as exc:
        return Outcome(index, None, error=str(exc)), None
    printed = _Printed(
        pdf.page_records,
        letter.recipient_lines,
        letter.paper,
        letter.text.language,
        letter.address_variants,
    )
    return Outcome(index, path, pdf.pages, pdf.paper.label), printed


def _encoding(jobs: Sequence[Job], profile: Profile, options: LetterOptions) -> dict[str, str]:
    """The font encoding for a batch: every character its letters will print, numbered
    the same in every file, so that each letter is laid out once for its own file and
    the print file (fonts.plan_encoding). A character missed here is still printed
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
            letter = compose(job, profile, options)
        except LettersError:
            continue  # reported when the letter itself is written
        texts += layout.printed_strings(letter)
    return fonts.encoding_plan(texts)


# --- the batch-wide files -----------------------------------------------------------


class _BatchFiles:
    """all-letters.pdf, envelopes.pdf, labels.pdf and the delivery checklist, fed one
    letter at a time in batch order."""

    def __init__(self, plan: Plan, profile: Profile, options: BatchOptions) -> None:
        self.plan, self.profile, self.options = plan, profile, options
        self.pending: list[output.AtomicFile] = []
        try:
            self._open_all()
        except BaseException:
            self.discard()
            raise
        self.rows = 0
        self.per_mission: Counter[str] = Counter()
        self.missions: dict[str, Mission] = {}

    def _open_all(self) -> None:
        plan, profile, options = self.plan, self.profile, self.options
        force = options.letter.force
        out = plan.out_dir
        title = f"Appeal letters, {plan.when.isoformat()}"
        self._print = self._open(out / PRINT_FILE, force)
        self.print_file = layout.PrintFile(
            self._print.binary,
            duplex=options.duplex,
            title=title,
            author=_author(profile),
            when=plan.when,
        )
        self.envelopes = stationery.Envelopes(
            self._open(out / ENVELOPES_FILE, force).binary,
            profile,
            size=options.envelope,
            title=f"Envelopes, {plan.when.isoformat()}",
            when=plan.when,
        )
        self.labels = stationery.Labels(
            self._open(out / LABELS_FILE, force).binary,
            stationery.LABEL_SHEETS[plan.label_paper],
            title=f"Address labels, {plan.when.isoformat()}",
            when=plan.when,
        )
        checklist = _text(self._open(out / DELIVERY_CSV, force, text=True))
        checklist.write(sheet.BOM)
        self.csv = csv.DictWriter(checklist, fieldnames=DELIVERY_COLUMNS)
        self.csv.writeheader()
        self.json = _text(self._open(out / DELIVERY_JSON, force, text=True))
        self.json.write("[")

    def _open(self, path: Path, force: bool, *, text: bool = False) -> output.AtomicFile:
        pending = output.AtomicFile(path, force=force, text=text)
        self.pending.append(pending)
        return pending

    def add(self, job: Job, printed: _Printed, outcome: Outcome) -> None:
        if printed.pages is not None:
            pages = self.print_file.add_pages(printed.pages, printed.language)
        else:
            pages = self.print_file.add(compose(job, self.profile, self.options.letter))
        if pages != outcome.pages:  # its own file and the print file must agree
            raise AssertionError(f"{job.file_name}: {outcome.pages} pages alone, {pages} in print")
        # Which letter goes in: the mission and the signer, not a file name.
        reference = " · ".join(filter(None, (job.mission.id, job.signer_names)))
        self.envelopes.add(
            printed.paper, printed.recipient_lines, reference=reference, language=printed.language
        )
        self.labels.add(printed.recipient_lines, printed.address_variants[1:])
        row = delivery_row(job, outcome)
        self.csv.writerow(sheet.neutral_row(row))
        record = {
            **row,
            "pages": outcome.pages,
            "address_lines": list(job.mission.address.postal_lines()),
        }
        self.json.write(
            ("\n  " if not self.rows else ",\n  ") + json.dumps(record, ensure_ascii=False)
        )
        self.rows += 1
        self.per_mission[job.mission.id] += 1
        self.missions.setdefault(job.mission.id, job.mission)

    def finish(self) -> tuple[list[Path], int, int]:
        """Close and rename every file; return them, the print file's pages and blank backs."""
        if not self.rows:
            self.discard()
            return [], 0, 0
        if self.options.cover_note:
            self._cover_notes()
        self.json.write("\n]\n")
        self.print_file.close()
        self.envelopes.close()
        self.labels.close()
        paths = [pending.commit() for pending in self.pending]
        return paths, self.print_file.pages, self.print_file.blank_pages

    def _cover_notes(self) -> None:
        notes = self._open(self.plan.out_dir / COVER_NOTES_FILE, self.options.letter.force)
        document = layout.PrintFile(
            notes.binary,
            duplex=self.options.duplex,
            title=f"Cover notes, {self.plan.when.isoformat()}",
            author=_author(self.profile),
            when=self.plan.when,
        )
        for mission_id, count in self.per_mission.items():
            note, slip = cover_note(
                self.missions[mission_id], self.profile, self.options.letter, count
            )
            document.add(note, slip=slip)
        document.close()

    def discard(self) -> None:
        for pending in self.pending:
            pending.discard()


def _text(file: output.AtomicFile) -> TextIO:
    assert file.text is not None
    return file.text


def _author(profile: Profile) -> str:
    return profile.organisation.name if profile.organisation else "nkletters"


def delivery_row(job: Job, outcome: Outcome) -> dict[str, str]:
    """One row of the delivery checklist; the last three columns are filled in by hand."""
    mission = job.mission
    return {
        "mission_id": mission.id,
        "mission": mission.name,
        "address": ", ".join(mission.address.postal_lines()),
        "phone": mission.phone,
        "website": mission.website,
        "confidence": mission.confidence,
        "source": mission.source,
        "consular_office": ", ".join(mission.consular_office.address.postal_lines())
        if mission.consular_office
        else "",
        "file": job.file_name,
        "pages": str(outcome.pages),
        "signer": job.signer_names,
        "delivered_on": "",
        "received_by": "",
        "notes": "",
    }


def cover_note(
    mission: Mission, profile: Profile, options: LetterOptions, letter_count: int
) -> tuple[layout.Letter, tuple[Block, ...]]:
    """The note asking ``mission`` to forward its letters, and the receipt slip under it.

    The template's paragraph ``[receipt slip]`` separates the two. The note is in the
    letters' first language when a cover-note template exists in it, else in English.
    """
    language = letters.split_languages(options.language or profile.defaults.language or "en")[0]
    try:
        templates.find_template(COVER_NOTE_TEMPLATE, language)
    except LettersError:
        language = "en"
    note_options = replace(options, language=language, template=COVER_NOTE_TEMPLATE)
    letter = letters.compose(mission, profile, note_options, extra={"letter_count": letter_count})
    blocks = letter.text.blocks
    split = next(
        (i for i, b in enumerate(blocks) if b.plain.strip() == RECEIPT_MARKER), len(blocks)
    )
    text = replace(letter.text, blocks=blocks[:split])
    return replace(letter, text=text), blocks[split + 1 :]


# --- running ------------------------------------------------------------------------


def worker_count(requested: int | None, letters_count: int) -> int:
    """``--jobs`` (default: one per core), never more than there are letters."""
    if requested is None and letters_count < SMALL_BATCH:
        return 1  # starting workers would cost more than it saves
    wanted = requested if requested and requested > 0 else (os.cpu_count() or 1)
    return max(1, min(wanted, letters_count))


def run(
    plan: Plan,
    profile: Profile,
    options: BatchOptions,
    on_letter: Callable[[Job, Outcome], None] | None = None,
) -> BatchReport:
    """Write every letter of ``plan`` and the batch-wide files; report what happened.

    A letter that fails does not stop the others. Ctrl-C stops the run: the letters
    already written stay (each is whole), the batch-wide files are not written, and the
    report says ``interrupted``.
    """
    failures = [Failure(f"row {bad.row}", bad.reason) for bad in plan.bad_rows]
    if not plan.jobs:
        return BatchReport(0, tuple(failures))
    if not options.dry_run:
        output.ensure_dir(plan.out_dir)
        _remove_stale_scratch(plan.out_dir)
    encoding = {} if options.dry_run else _encoding(plan.jobs, profile, options.letter)
    fonts.plan_encoding(encoding)
    try:
        return _run(plan, profile, options, encoding, failures, on_letter)
    finally:
        fonts.plan_encoding({})


def _run(
    plan: Plan,
    profile: Profile,
    options: BatchOptions,
    encoding: dict[str, str],
    failures: list[Failure],
    on_letter: Callable[[Job, Outcome], None] | None,
) -> BatchReport:
    state = _Worker(
        plan.jobs,
        profile,
        options.letter,
        plan.out_dir,
        options.dry_run,
        encoding,
        run_id=_new_run_id(),
        parent=os.getpid(),
    )
    files = None if options.dry_run else _BatchFiles(plan, profile, options)
    written = 0
    outcomes = _outcomes(state, worker_count(options.jobs, len(plan.jobs)))
    try:
        try:
            for outcome, printed in outcomes:
                job = plan.jobs[outcome.index]
                if outcome.ok:
                    written += 1
                    if files is not None and printed is not None:
                        files.add(job, printed, outcome)
                else:
                    failures.append(Failure(job.label, outcome.error))
                if on_letter is not None:
                    on_letter(job, outcome)
            paths, pages, blanks = files.finish() if files is not None else ([], 0, 0)
        except Exception as exc:
            if masks_interrupt(exc):  # reportlab's bare except (see errors.masks_interrupt)
                raise KeyboardInterrupt from None
            raise
    except KeyboardInterrupt:
        _stop(outcomes, files)
        return BatchReport(written, tuple(failures), interrupted=True)
    except BaseException:
        _stop(outcomes, files)
        raise
    return BatchReport(written, tuple(failures), tuple(paths), pages, blanks)


def _stop(outcomes: Generator[Any, None, None], files: _BatchFiles | None) -> None:
    """Stop the workers and remove every temporary file this run made, and only those."""
    outcomes.close()  # stops the workers; their folders go with them (see _outcomes)
    if files is not None:
        files.discard()
    output.discard_unfinished()


def _outcomes(
    state: _Worker, workers: int
) -> Generator[tuple[Outcome, _Printed | None], None, None]:
    """Each letter's outcome, in batch order, from this process or from ``workers``."""
    if workers == 1:
        for index in range(len(state.jobs)):
            yield _letter(state, index)
        return
    methods = multiprocessing.get_all_start_methods()
    # fork shares the loaded fonts, templates and directory with the workers at no cost.
    context = multiprocessing.get_context("fork" if "fork" in methods else None)
    # The workers start with the stop signals blocked, so that none arrives before they
    # set their own handlers (_start_worker); the pool's threads keep them blocked, so
    # the signals go to this thread.
    blocked = hasattr(signal, "pthread_sigmask")
    if blocked:
        previous = signal.pthread_sigmask(signal.SIG_BLOCK, _STOP_SIGNALS)
    try:
        pool = context.Pool(workers, initializer=_start_worker, initargs=(state,))
    finally:
        if blocked:
            signal.pthread_sigmask(signal.SIG_SETMASK, previous)
    try:
        yield from pool.imap(_write_one, range(len(state.jobs)), chunksize=4)
        pool.close()
    except BaseException:
        pool.terminate()
        raise
    finally:
        pool.join()
        for scratch in state.out_dir.glob(f"{SCRATCH_PREFIX}{state.run_id}-*"):
            shutil.rmtree(scratch, ignore_errors=True)  # empty unless a worker was stopped


def summary(report: BatchReport, limit: int = 5, *, dry_run: bool = False) -> str:
    """``312 written, 2 failed: row 7: no name; us-chicago: …`` (``would be written`` for
    a dry run)."""
    verb = "would be written" if dry_run else "written"
    text = f"{report.written} {verb}, {len(report.failures)} failed"
    if report.failures:
        shown = "; ".join(str(f) for f in report.failures[:limit])
        more = len(report.failures) - limit
        text += f": {shown}" + (f"; and {more} more" if more > 0 else "")
    return text


__all__ = [
    "BatchOptions",
    "BatchReport",
    "Job",
    "Outcome",
    "Plan",
    "Selection",
    "plan",
    "run",
    "summary",
]
