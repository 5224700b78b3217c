"""Running: a planned batch written — its workers started, its files fed in order, its report."""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Generator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .. import output
from ..errors import masks_interrupt
from ..profile import Profile
from . import planning, workers
from .files import BatchFiles
from .planning import BatchOptions, Job, Plan
from .workers import Outcome


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


def run(
    plan: Plan,
    profile: Profile,
    options: BatchOptions,
    on_letter: Callable[[Job, Outcome], None] | None = None,
) -> BatchReport:
    """Write every letter of ``plan`` and the batch-wide files; report what happened.

    A letter that fails does not stop the others. Ctrl-C stops the run: the letters
    already written stay (each is whole), the batch-wide files are not written, and the
    report says ``interrupted``; its ``written`` counts every letter whose file this run
    wrote, those a worker had finished but not yet reported included.
    """
    failures = [Failure(f"row {bad.row}", bad.reason) for bad in plan.bad_rows]
    if not plan.jobs:
        return BatchReport(0, tuple(failures))
    if not options.dry_run:
        output.ensure_dir(plan.out_dir)
        workers.remove_stale_scratch(plan.out_dir)
    encoding = None if options.dry_run else planning.encoding(plan.jobs, profile, options.letter)
    state = workers.WorkerState(
        plan.jobs,
        profile,
        options.letter,
        plan.out_dir,
        options.dry_run,
        encoding,
        run_id=workers.new_run_id(),
        parent=os.getpid(),
    )
    files = None if options.dry_run else BatchFiles(plan, profile, options, encoding)
    return _run(plan, state, files, failures, options, on_letter)


def _run(
    plan: Plan,
    state: workers.WorkerState,
    files: BatchFiles | None,
    failures: list[Failure],
    options: BatchOptions,
    on_letter: Callable[[Job, Outcome], None] | None,
) -> BatchReport:
    written = reported = 0
    started = time.time_ns() - CLOCK_TICK_NS
    outcomes = workers.outcomes(state, workers.worker_count(options.jobs, len(plan.jobs)))
    try:
        try:
            for outcome, printed in outcomes:
                reported += 1
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
        if not options.dry_run:
            written += _written_since(plan.jobs[reported:], plan.out_dir, started)
        return BatchReport(written, tuple(failures), interrupted=True)
    except BaseException:
        _stop(outcomes, files)
        raise
    return BatchReport(written, tuple(failures), tuple(paths), pages, blanks)


CLOCK_TICK_NS = 50_000_000
"""How far a file's time may lag the clock: the kernel stamps files with a clock read
once a tick (a few milliseconds)."""


def _written_since(jobs: Sequence[Job], out_dir: Path, since: int) -> int:
    """How many of ``jobs`` have their letter written at or after ``since`` (ns): letters
    a worker finished before the run was stopped, but had not yet reported."""
    count = 0
    for job in jobs:
        try:
            if (out_dir / job.file_name).stat().st_mtime_ns >= since:
                count += 1
        except OSError:
            continue  # not written
    return count


def _stop(outcomes: Generator[Any, None, None], files: BatchFiles | None) -> None:
    """Stop the workers and remove every temporary file this run made, and only those."""
    outcomes.close()  # the workers finish the letters in hand and end (workers.outcomes)
    if files is not None:
        files.discard()
    output.discard_unfinished()


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


__all__ = ["BatchReport", "Failure", "run", "summary"]
