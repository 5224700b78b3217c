"""Workers: the processes that lay out and write a batch's letters, and their state.

Each worker process runs one :class:`_Worker`, made when the process starts from the
:class:`WorkerState` the main process hands it (the letters, the profile, the batch's
encoding plan). It writes each letter it is given to its own file and sends back what
the print file, the envelope and the label need (:class:`Printed`).
"""

from __future__ import annotations

import contextlib
import gc
import os
import shutil
import signal
from collections.abc import Generator
from dataclasses import dataclass, replace
from pathlib import Path

from .. import letters, output
from ..errors import LettersError
from ..letters import LetterOptions
from ..pdf import fonts, layout, reuse
from ..profile import Profile
from . import pool
from .planning import Job

SMALL_BATCH = 8
"""Fewer letters than this are written in one process unless --jobs says otherwise."""
SCRATCH_PREFIX = ".nkletters-worker-"


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
class WorkerState:
    """What every worker process needs, handed over once when it starts."""

    jobs: tuple[Job, ...]
    profile: Profile
    options: LetterOptions
    out_dir: Path
    dry_run: bool
    plan: fonts.EncodingPlan | None = None
    """The batch's planned font encoding (fonts.encoding_plan); None for a dry run."""
    run_id: str = ""
    """This run's name for its workers' folders, so that it removes only its own."""
    parent: int = 0
    """The main process: a worker ends when it does."""


@dataclass(frozen=True)
class Printed:
    """What the main process needs of a letter laid out elsewhere: its pages, ready
    for the print file, and its address for the envelope and the label."""

    pages: tuple[reuse.Page, ...] | None
    """None when the pages cannot go into the print file as they are (see RenderedPDF)."""
    recipient_lines: tuple[str, ...]
    paper: str
    language: str
    address_variants: tuple[tuple[str, ...], ...] = ()
    """Shorter forms of the address, for a label too small for all of it."""


class _Worker:
    """One worker process: the batch's state, its own scratch folder, and the images it
    has already sent to the main process."""

    def __init__(self, state: WorkerState) -> None:
        self.state = state
        self.images_sent: set[str] = set()
        self.scratch: Path | None = None

    def write(self, index: int) -> tuple[Outcome, Printed | None]:
        """Write letter ``index``; what goes back to the main process."""
        state = self.state
        if not state.dry_run and self.scratch is None:
            self.scratch = _scratch(state.out_dir, state.run_id)
        outcome, printed = write_letter(state, index, self.scratch)
        if printed is not None and printed.pages:
            # A logo goes to the main process once, not with every letter.
            sent = self.images_sent
            pages = tuple(
                page._replace(objects=tuple(o for o in page.objects if o[0] not in sent))
                for page in printed.pages
            )
            sent.update(name for page in printed.pages for name, _ in page.objects)
            printed = replace(printed, pages=pages)
        return outcome, printed


def _start_worker(state: WorkerState) -> None:
    # Ctrl-C, SIGTERM and SIGHUP are for the main process: it stops the batch, lets its
    # workers finish the chunk in hand and cleans up; a worker ended by one would lose
    # the letters in hand. The main process's death ends a worker at once.
    for name in ("SIGINT", "SIGTERM", "SIGHUP"):
        if hasattr(signal, name):
            signal.signal(getattr(signal, name), signal.SIG_IGN)
    die_with_parent(state.parent)
    if hasattr(signal, "pthread_sigmask"):
        signal.pthread_sigmask(signal.SIG_UNBLOCK, _STOP_SIGNALS)  # blocked in outcomes


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


_STOP_SIGNALS = {
    getattr(signal, name) for name in ("SIGINT", "SIGTERM", "SIGHUP") if hasattr(signal, name)
}
_PR_SET_PDEATHSIG = 1


def die_with_parent(parent: int, signum: int = signal.SIGKILL) -> None:
    """Have the kernel send this process ``signum`` when ``parent``, the process that
    started it, dies (Linux); end at once if it has died already."""
    with contextlib.suppress(OSError, AttributeError):
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signum)
    if parent and os.getppid() != parent:  # it died before the line above
        os._exit(1)


def new_run_id() -> str:
    """``MAINPID-RANDOM``: unique among runs, and says whose the folders are."""
    return f"{os.getpid()}-{os.urandom(4).hex()}"


def remove_stale_scratch(out_dir: Path) -> None:
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


def write_letter(
    state: WorkerState, index: int, scratch: Path | None = None
) -> tuple[Outcome, Printed | None]:
    """Lay out and write letter ``index``; a LettersError becomes a failed Outcome."""
    job = state.jobs[index]
    try:
        letter = letters.compose(job.mission, state.profile, state.options, signers=job.signers)
        pdf = layout.render_pdf(letter, state.plan)
        path = state.out_dir / job.file_name
        if not state.dry_run:
            output.write_atomic(path, pdf.data, force=state.options.force, scratch=scratch)
    except LettersError as exc:
        return Outcome(index, None, error=str(exc)), None
    printed = Printed(
        pdf.page_records,
        letter.recipient_lines,
        letter.paper,
        letter.text.language,
        letter.address_variants,
    )
    return Outcome(index, path, pdf.pages, pdf.paper.label), printed


def worker_count(requested: int | None, letters_count: int) -> int:
    """``--jobs`` (default: one per core), never more than there are letters."""
    if requested is None and letters_count < SMALL_BATCH:
        return 1  # starting workers would cost more than it saves
    wanted = requested if requested and requested > 0 else (os.cpu_count() or 1)
    return max(1, min(wanted, letters_count))


WORKER_LOST = (
    "a worker process ended before its letters were done (the system may have stopped it "
    "for want of memory); the letters written are whole, but the print file, envelopes, "
    "labels and checklist were not written"
)
WORKER_LOST_HINT = "run the batch again, with --jobs 1 if it happens again"
CHUNK = 4
"""Letters handed out at a time: fewer wake this process more often, more leave one
process idle at the end of a batch."""
AHEAD = 3
"""Chunks handed to each worker process ahead of the one it is writing."""

Result = tuple[Outcome, Printed | None]
"""A letter's outcome, and what the batch-wide files need of it."""


def outcomes(state: WorkerState, workers: int) -> Generator[Result, None, None]:
    """Each letter's outcome, in batch order, from this process or from ``workers``.

    ``workers`` processes write letters, this one among them: ``workers - 1`` worker
    processes (a :class:`pool.Pool`) and this process, which also adds every letter to
    the print file, envelopes and labels in order. Whenever the next letters in order
    are not back yet, it writes a later chunk itself rather than wait, so that on two
    cores two processes share them, not three.

    A stop (Ctrl-C, SIGTERM, an error) lets the workers finish the chunk in hand and end
    (one still at it after :data:`pool.STOP_GRACE_SECONDS` is killed); no signal is sent
    to them, since a worker ended mid-letter would lose the letters in hand. A worker
    that dies (the system's out-of-memory killer), even halfway through sending letters
    back, ends the batch with :data:`WORKER_LOST`.
    """
    if workers == 1:
        for index in range(len(state.jobs)):
            yield write_letter(state, index)
        return
    chunks = _chunks(len(state.jobs), workers)
    here: dict[int, list[Result]] = {}  # chunks back or written here, not yet yielded
    free = 0  # the first chunk not yet given to anyone
    processes: pool.Pool | None = None

    def hand_out(processes: pool.Pool) -> None:
        nonlocal free
        while free < len(chunks) and processes.hand(free):
            free += 1

    # The workers start with the stop signals blocked, so that none arrives before they
    # set their own handlers (_start_worker).
    blocked = hasattr(signal, "pthread_sigmask")
    if blocked:
        previous = signal.pthread_sigmask(signal.SIG_BLOCK, _STOP_SIGNALS)
    mine = _Worker(state)
    try:
        # The fonts, templates and directory are shared with the workers copy-on-write;
        # a collection of the garbage in a worker would touch every object and copy the
        # memory they sit in (in a 600-letter batch, half a second of the workers' time).
        gc.freeze()
        try:
            processes = pool.Pool(_Chunks(state, chunks), workers - 1, AHEAD)
        finally:
            gc.unfreeze()
            if blocked:
                signal.pthread_sigmask(signal.SIG_SETMASK, previous)
        hand_out(processes)
        for number in range(len(chunks)):
            while number not in here:
                here.update(processes.collect(block=False))
                if number in here:
                    break
                if free < len(chunks):  # write one meanwhile
                    spare, free = free, free + 1
                    here[spare] = [mine.write(index) for index in chunks[spare]]
                else:
                    here.update(processes.collect(block=True))
                hand_out(processes)
            hand_out(processes)
            yield from here.pop(number)
    except pool.WorkerLostError:
        raise LettersError(WORKER_LOST, hint=WORKER_LOST_HINT) from None
    finally:
        # Stopped or done, the workers finish the chunk in hand and end; none is left.
        if processes is not None:
            processes.close()
        for scratch in state.out_dir.glob(f"{SCRATCH_PREFIX}{state.run_id}-*"):
            shutil.rmtree(scratch, ignore_errors=True)  # empty unless a process died


@dataclass
class _Chunks:
    """A worker process's work: the batch's letters, in chunks."""

    state: WorkerState
    chunks: list[range]
    worker: _Worker | None = None

    def start(self) -> None:
        _start_worker(self.state)
        self.worker = _Worker(self.state)

    def __call__(self, number: int) -> list[Result]:
        assert self.worker is not None, "start() runs first"
        return [self.worker.write(index) for index in self.chunks[number]]


def _chunks(count: int, workers: int) -> list[range]:
    """The letters in chunks of CHUNK, the last few one at a time: what a worker has in
    hand when this process runs out of letters is then a letter or two, not chunks."""
    last = max(0, count - 2 * CHUNK * workers)
    return [range(start, min(start + CHUNK, last)) for start in range(0, last, CHUNK)] + [
        range(index, index + 1) for index in range(last, count)
    ]


__all__ = [
    "CHUNK",
    "SCRATCH_PREFIX",
    "WORKER_LOST",
    "WORKER_LOST_HINT",
    "Outcome",
    "Printed",
    "WorkerState",
    "die_with_parent",
    "new_run_id",
    "outcomes",
    "remove_stale_scratch",
    "worker_count",
    "write_letter",
]
