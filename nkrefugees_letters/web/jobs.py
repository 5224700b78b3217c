"""Jobs: many letters from an uploaded signers file, run in a process of their own.

A batch takes seconds to minutes, so the page shows its progress and the kit is
downloaded when it is done. The batch runs in a fresh (spawned) process: the library
sets process-wide state for a batch (the fonts' planned encoding) that must not meet the
server's other threads, and a fork of a threaded server is unsafe. The job's temporary
folder holds the upload and the kit; it is removed when the kit has been sent, when the
job fails, when it has waited :data:`KIT_LIFETIME` seconds unclaimed, and at shutdown.
"""

from __future__ import annotations

import atexit
import contextlib
import logging
import multiprocessing
import secrets
import shutil
import tempfile
import threading
import time
import zipfile
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

KIT_LIFETIME = 900.0
"""Seconds a finished kit waits for its download before it is deleted."""
KIT_NAME = "letters-kit.zip"
SIGNERS_FILE = "signers.csv"

log = logging.getLogger("nkrefugees_letters.web")


@dataclass(frozen=True)
class BatchRequest:
    """What the child process needs: where the files are and the letter's options."""

    folder: str
    signers_name: str
    """The file name the user uploaded, for messages (``signers.csv row 3: no name``)."""
    profile_file: str
    """A profile YAML inside ``folder``, or the server's own, or '' for none."""
    language: str = ""
    paper: str = ""
    when: date | None = None
    cosign: bool = False
    max_letters: int = 2000
    allow_templates: bool = False


@dataclass
class Job:
    """A batch as the server tracks it (no names or e-mails: only counts and messages)."""

    id: str
    owner: str
    folder: Path
    total: int = 0
    done: int = 0
    state: str = "starting"
    """``starting``, ``running``, ``done`` or ``failed``."""
    error: str = ""
    bad_rows: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)
    summary: str = ""
    finished_at: float = 0.0

    @property
    def kit(self) -> Path:
        """The zip to download, once the job is done."""
        return self.folder / KIT_NAME

    def status(self) -> dict[str, Any]:
        """What the progress page and its script show."""
        return {
            "state": self.state,
            "done": self.done,
            "total": self.total,
            "error": self.error,
            "bad_rows": self.bad_rows,
            "notes": self.notes,
            "failures": self.failures,
            "summary": self.summary,
        }


class Jobs:
    """The running and finished batches of this server process."""

    def __init__(self, *, max_running: int = 2, lifetime: float = KIT_LIFETIME) -> None:
        self.max_running = max_running
        self.lifetime = lifetime
        self._jobs: dict[str, Job] = {}
        self._lock = threading.Lock()
        self._context = multiprocessing.get_context("spawn")
        atexit.register(self.close)

    def new_folder(self) -> Path:
        """A private temporary folder for one job's upload and kit."""
        return Path(tempfile.mkdtemp(prefix="nkletters-batch-"))

    def busy(self) -> bool:
        """True when as many batches run as the server allows."""
        self.expire()
        with self._lock:
            running = [j for j in self._jobs.values() if j.state in ("starting", "running")]
        return len(running) >= self.max_running

    def start(self, request: BatchRequest, owner: str) -> Job:
        """Run ``request`` in a child process; its progress updates the returned job."""
        job = Job(secrets.token_urlsafe(24), owner, Path(request.folder))
        with self._lock:
            self._jobs[job.id] = job
        receiver, sender = self._context.Pipe(duplex=False)
        process = self._context.Process(
            target=run_batch, args=(request, sender), name="nkletters-batch", daemon=True
        )
        process.start()
        sender.close()
        threading.Thread(
            target=self._follow, args=(job, process, receiver), name=f"job-{job.id[:6]}", daemon=True
        ).start()
        return job

    def _follow(self, job: Job, process: Any, receiver: Any) -> None:
        try:
            while True:
                try:
                    kind, payload = receiver.recv()
                except EOFError:
                    break
                _apply(job, kind, payload)
        finally:
            receiver.close()
            process.join()
            if job.state not in ("done", "failed"):
                job.state, job.error = "failed", "the batch stopped unexpectedly; try again"
                log.error("batch %s: the child process ended with code %s", job.id[:6], process.exitcode)
            job.finished_at = time.monotonic()
            if job.state == "failed":
                shutil.rmtree(job.folder, ignore_errors=True)

    def get(self, job_id: str, owner: str) -> Job | None:
        """The job, if it exists and was started from the same browser session."""
        self.expire()
        with self._lock:
            job = self._jobs.get(job_id)
        if job is None or not secrets.compare_digest(job.owner, owner):
            return None
        return job

    def forget(self, job: Job) -> None:
        """Delete the job and its folder (after its kit has been sent)."""
        with self._lock:
            self._jobs.pop(job.id, None)
        shutil.rmtree(job.folder, ignore_errors=True)

    def expire(self) -> None:
        """Delete kits nobody came for within the lifetime."""
        now = time.monotonic()
        with self._lock:
            old = [
                j
                for j in self._jobs.values()
                if j.finished_at and now - j.finished_at > self.lifetime
            ]
        for job in old:
            self.forget(job)

    def close(self) -> None:
        """Delete every job's folder (at shutdown)."""
        with self._lock:
            jobs = list(self._jobs.values())
            self._jobs.clear()
        for job in jobs:
            shutil.rmtree(job.folder, ignore_errors=True)


def _apply(job: Job, kind: str, payload: Any) -> None:
    if kind == "plan":
        job.total, job.bad_rows, job.notes = payload["total"], payload["bad_rows"], payload["notes"]
        job.state = "running"
    elif kind == "letter":
        job.done += 1
        if payload:
            job.failures.append(payload)
    elif kind == "done":
        job.summary, job.state = payload, "done"
    elif kind == "error":
        job.error, job.state = payload, "failed"


# --- the child process -----------------------------------------------------------------


def run_batch(request: BatchRequest, progress: Any) -> None:
    """Plan and write the kit (in the child process), reporting through ``progress``.

    Messages carry counts, row numbers and the library's words; a failure that is not
    the user's is logged by its type and place only, never with the data.
    """
    from .. import batch, letters, missions, profile, signers
    from ..errors import LettersError
    from .letter import shown

    folder = Path(request.folder)
    names = {SIGNERS_FILE: request.signers_name}
    try:
        try:
            loaded = profile.load(Path(request.profile_file) if request.profile_file else None)
            if request.profile_file and Path(request.profile_file).is_relative_to(folder):
                from .letter import confine

                confine(loaded, folder, allow_templates=request.allow_templates)
            signer_list = signers.read(folder / SIGNERS_FILE)
            options = batch.BatchOptions(
                letter=letters.LetterOptions(
                    language=request.language or None,
                    paper=request.paper if request.paper not in ("", "auto") else None,
                    when=request.when,
                    out_dir=folder / "kit",
                ),
                cosign=request.cosign,
                cover_note=True,
                jobs=1,
            )
            plan = batch.plan(
                missions.load(), loaded, batch.Selection(), options, signer_list
            )
            if len(plan.jobs) > request.max_letters:
                raise LettersError(
                    f"the signers file makes {len(plan.jobs)} letters; this server writes at "
                    f"most {request.max_letters} at a time",
                    hint="split the file, or run nkletters on your own computer",
                )
        except LettersError as exc:
            progress.send(("error", shown(exc, folder, names)))
            return
        progress.send(
            (
                "plan",
                {
                    "total": len(plan.jobs),
                    "bad_rows": [f"{request.signers_name} {bad}" for bad in plan.bad_rows],
                    "notes": [*plan.notes, *plan.warnings],
                },
            )
        )

        def on_letter(job: batch.Job, outcome: batch.Outcome) -> None:
            progress.send(("letter", "" if outcome.ok else f"{job.label}: {outcome.error}"))

        report = batch.run(plan, loaded, options, on_letter)
        if report.written:
            _zip(folder / "kit", folder / KIT_NAME)
        progress.send(("done", batch.summary(report)))
    except Exception as exc:  # a bug: say so without the data that may be in its message
        frame = exc.__traceback__
        while frame is not None and frame.tb_next is not None:
            frame = frame.tb_next
        place = f"{frame.tb_frame.f_code.co_filename}:{frame.tb_lineno}" if frame else "?"
        log.error("batch failed: %s at %s", type(exc).__name__, place)
        with contextlib.suppress(OSError):
            progress.send(("error", "the batch failed on the server; nothing was kept"))
    finally:
        progress.close()


def _zip(kit: Path, target: Path) -> None:
    """Every file of the kit in one zip (PDFs are compressed already: stored as they are)."""
    with zipfile.ZipFile(target, "w") as archive:
        for path in sorted(kit.rglob("*")):
            if path.is_file():
                method = zipfile.ZIP_STORED if path.suffix == ".pdf" else zipfile.ZIP_DEFLATED
                archive.write(path, path.relative_to(kit).as_posix(), compress_type=method)
    shutil.rmtree(kit, ignore_errors=True)


__all__ = ["KIT_LIFETIME", "BatchRequest", "Job", "Jobs", "run_batch"]
