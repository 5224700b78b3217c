"""Jobs: many letters from an uploaded signers file, run in a process of their own.

A batch takes seconds to minutes, so the page shows its progress and the kit is
downloaded when it is done. The batch runs in a fresh Python process
(``python -m nkrefugees_letters.web.worker``, the request as JSON on its standard input,
its progress as JSON lines on its output): the library sets process-wide state for a
batch (the fonts' planned encoding) that must not meet the server's other threads, and
a fork of a threaded server is unsafe. The job's temporary
folder holds the upload, the kit and the job's state (``status.json``: counts, row
numbers and messages, so that a sibling server process can show the progress too); the
upload and kit are removed when the kit has been sent, when the job fails, when it has
waited :data:`KIT_LIFETIME` seconds unclaimed, and at shutdown.
"""

from __future__ import annotations

import atexit
import contextlib
import dataclasses
import hashlib
import json
import logging
import os
import re
import secrets
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import zipfile
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ..batch import BatchOptions, Plan
    from ..profile import Profile

KIT_LIFETIME = 900.0
"""Seconds a finished kit waits for its download before it is deleted."""
KIT_NAME = "letters-kit.zip"
SIGNERS_STEM = "signers"
"""The uploaded signers file is kept as ``signers.csv`` or ``signers.xlsx``."""
STATUS_FILE = "status.json"
FOLDER_PREFIX = "nkletters-batch-"
SAVE_EVERY = 0.25
"""Seconds between writes of a running job's progress to its folder."""
STOP_SECONDS = 5.0
"""How long a batch's process has to end once told to (at shutdown) before it is killed."""
_JOB_ID = re.compile(r"[A-Za-z0-9_-]{32}")

log = logging.getLogger("nkrefugees_letters.web")


@dataclass(frozen=True)
class BatchRequest:
    """What the child process needs: where the files are and the letter's options."""

    folder: str
    signers_name: str
    """The file name the user uploaded, for messages (``signers.csv row 3: no name``)."""
    profile_file: str
    """A profile YAML inside ``folder``, or the server's own, or '' for none."""
    profile_name: str = "nkletters.yaml"
    """The uploaded profile's name as the user gave it, for messages."""
    signers_file: str = f"{SIGNERS_STEM}.csv"
    """The file in ``folder``: its suffix says how the library reads it."""
    language: str = ""
    paper: str = ""
    when: date | None = None
    cosign: bool = False
    max_letters: int = 2000
    allow_templates: bool = False

    def to_json(self) -> str:
        """The request as one line of JSON, for the child process."""
        data = dataclasses.asdict(self)
        data["when"] = self.when.isoformat() if self.when else None
        return json.dumps(data)

    @classmethod
    def from_json(cls, text: str) -> BatchRequest:
        """The request the server sent (see :meth:`to_json`)."""
        data = json.loads(text)
        data["when"] = date.fromisoformat(data["when"]) if data["when"] else None
        return cls(**data)


@dataclass
class Job:
    """A batch as the server tracks it (no names or e-mails: only counts and messages)."""

    id: str
    owner: str
    """A hash of the browser session's token: only that browser finds the job."""
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
    """Wall-clock time the batch ended (0 while it runs)."""

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

    def save(self) -> None:
        """Write the job's state into its folder, where every server process can read it."""
        record = {**self.status(), "owner": self.owner, "finished_at": self.finished_at}
        with contextlib.suppress(OSError):  # the folder went with a finished download
            temp = self.folder / f".{STATUS_FILE}.part"
            temp.write_text(json.dumps(record), encoding="utf-8")
            os.replace(temp, self.folder / STATUS_FILE)

    @classmethod
    def load(cls, job_id: str, folder: Path) -> Job | None:
        """The job another server process started, from its folder (None if gone)."""
        try:
            record = json.loads((folder / STATUS_FILE).read_text(encoding="utf-8"))
            return cls(
                id=job_id,
                owner=record["owner"],
                folder=folder,
                total=record["total"],
                done=record["done"],
                state=record["state"],
                error=record["error"],
                bad_rows=record["bad_rows"],
                notes=record["notes"],
                failures=record["failures"],
                summary=record["summary"],
                finished_at=record["finished_at"],
            )
        except (OSError, ValueError, KeyError, TypeError):
            return None


def owner_key(token: str) -> str:
    """What a job keeps of the browser's session token (never the token itself)."""
    return hashlib.sha256(token.encode()).hexdigest()


class Jobs:
    """The batches of this server: those its own process runs, in memory, and those of
    its sibling processes (``nkletters serve --workers``), through their folders."""

    def __init__(self, *, max_running: int = 2, lifetime: float = KIT_LIFETIME) -> None:
        self.max_running = max_running
        self.lifetime = lifetime
        self.root = Path(tempfile.gettempdir())
        self._jobs: dict[str, Job] = {}
        self._running: dict[str, subprocess.Popen[str]] = {}  # batch processes, by job id
        self._closing = False
        self._lock = threading.Lock()
        atexit.register(self.close)

    def create(self, session_token: str) -> Job:
        """A new job and its private folder, for the upload and then the kit."""
        job_id = secrets.token_urlsafe(24)
        folder = self.root / f"{FOLDER_PREFIX}{job_id}"
        folder.mkdir(mode=0o700)
        job = Job(job_id, owner_key(session_token), folder)
        job.save()
        with self._lock:
            self._jobs[job.id] = job
        return job

    def busy(self) -> bool:
        """True when this process runs as many batches as it may."""
        self.expire()
        with self._lock:
            running = [j for j in self._jobs.values() if j.state in ("starting", "running")]
        return len(running) >= self.max_running

    def start(self, job: Job, request: BatchRequest) -> None:
        """Run ``request`` in a child process; its progress updates ``job``."""
        process = subprocess.Popen(
            [sys.executable, "-m", f"{__package__}.worker", str(os.getpid())],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            encoding="utf-8",
        )
        with self._lock:
            self._running[job.id] = process
        assert process.stdin is not None
        process.stdin.write(request.to_json() + "\n")
        process.stdin.close()
        threading.Thread(
            target=self._follow, args=(job, process), name=f"job-{job.id[:6]}", daemon=True
        ).start()

    def _follow(self, job: Job, process: subprocess.Popen[str]) -> None:
        assert process.stdout is not None
        saved = 0.0
        try:
            for line in process.stdout:
                try:
                    kind, payload = json.loads(line)
                except ValueError:
                    continue
                _apply(job, kind, payload)
                if kind != "letter" or time.monotonic() - saved > SAVE_EVERY:
                    job.save()
                    saved = time.monotonic()
        finally:
            process.stdout.close()
            code = process.wait()
            with self._lock:
                self._running.pop(job.id, None)
                closing = self._closing
            if not closing:  # else stopped by close(), which removes the folder
                _finish(job, code)

    def get(self, job_id: str, session_token: str) -> Job | None:
        """The job, if it exists and was started from the same browser session."""
        if not _JOB_ID.fullmatch(job_id):
            return None
        self.expire()
        folder = self.root / f"{FOLDER_PREFIX}{job_id}"
        with self._lock:
            job = self._jobs.get(job_id)
        if job is None:
            job = Job.load(job_id, folder)
        elif not folder.is_dir():  # downloaded through a sibling process
            self.forget(job)
            return None
        if job is None or not secrets.compare_digest(job.owner, owner_key(session_token)):
            return None
        return job

    def held(self) -> dict[str, Job]:
        """The jobs this process holds in memory, by id (a copy: for reading)."""
        with self._lock:
            return dict(self._jobs)

    def forget(self, job: Job) -> None:
        """Delete the job and its folder (after its kit has been sent)."""
        with self._lock:
            self._jobs.pop(job.id, None)
        _remove(job.folder)

    def expire(self) -> None:
        """Delete the folders of batches that ended over :attr:`lifetime` seconds ago."""
        now = time.time()
        with self._lock:
            old = [
                j
                for j in self._jobs.values()
                if j.finished_at and now - j.finished_at > self.lifetime
            ]
        for job in old:
            self.forget(job)
        for status in self.root.glob(f"{FOLDER_PREFIX}*/{STATUS_FILE}"):
            other = Job.load(status.parent.name[len(FOLDER_PREFIX) :], status.parent)
            if other is not None and other.finished_at and now - other.finished_at > self.lifetime:
                _remove(other.folder)

    def close(self) -> None:
        """Stop this process's running batches and delete its jobs' folders (at shutdown).

        A batch's process is stopped first: left running, it would go on writing into a
        folder nobody will read (making it again), and print its failure on the server's
        terminal once the server had gone.
        """
        with self._lock:
            self._closing = True
            jobs = list(self._jobs.values())
            self._jobs.clear()
            running = list(self._running.values())
        for process in running:
            with contextlib.suppress(OSError):
                process.terminate()
        for process in running:
            try:
                process.wait(timeout=STOP_SECONDS)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        for job in jobs:
            _remove(job.folder)


def _finish(job: Job, code: int) -> None:
    """Record the end of ``job``, whose process ended with ``code``."""
    if job.state not in ("done", "failed"):
        job.state, job.error = "failed", "the batch stopped unexpectedly; try again"
        log.error("batch %s: the child process ended with code %s", job.id[:6], code)
    job.finished_at = time.time()
    if job.state == "failed":
        with contextlib.suppress(OSError):  # the folder may be gone already
            for path in job.folder.iterdir():  # the upload goes; the status stays
                if path.name != STATUS_FILE:
                    _remove(path)
    job.save()


def _remove(path: Path) -> None:
    if path.is_dir():
        shutil.rmtree(path, ignore_errors=True)
    else:
        with contextlib.suppress(OSError):
            path.unlink()


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


class Progress:
    """The child's side: one JSON line per message on its standard output."""

    def __init__(self, stream: IO[str]) -> None:
        self.stream = stream

    def send(self, message: tuple[str, Any]) -> None:
        self.stream.write(json.dumps(message) + "\n")
        self.stream.flush()

    def close(self) -> None:
        self.stream.flush()


def run_batch(request: BatchRequest, progress: Progress) -> None:
    """Plan and write the kit (in the child process), reporting through ``progress``.

    Messages carry counts, row numbers and the library's words; a failure that is not
    the user's is logged by its type and place only, never with the data.
    """
    from .. import batch
    from ..errors import LettersError
    from .letter import shown

    folder = Path(request.folder)
    names = {request.signers_file: request.signers_name, "nkletters.yaml": request.profile_name}
    try:
        try:
            loaded, options, plan = _plan(request, folder)
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


def _plan(request: BatchRequest, folder: Path) -> tuple[Profile, BatchOptions, Plan]:
    """The batch's profile (an uploaded one confined to its folder), options and plan.

    Raises LettersError for anything the user can fix, the server's limit included.
    """
    from .. import batch, letters, missions, profile, selection, signers
    from ..errors import LettersError
    from .letter import confine, precheck

    uploaded = request.profile_file and Path(request.profile_file).is_relative_to(folder)
    if uploaded:
        precheck(Path(request.profile_file))
    loaded = profile.load(Path(request.profile_file) if request.profile_file else None)
    if uploaded:
        confine(loaded, folder, allow_templates=request.allow_templates)
    signer_list = signers.read(folder / request.signers_file)
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
    plan = batch.plan(missions.load(), loaded, selection.Selection(), options, signer_list)
    if len(plan.jobs) > request.max_letters:
        raise LettersError(
            f"the signers file makes {len(plan.jobs)} letters; this server writes at "
            f"most {request.max_letters} at a time",
            hint="split the file, or run nkletters on your own computer",
        )
    return loaded, options, plan


def _zip(kit: Path, target: Path) -> None:
    """Every file of the kit in one zip (PDFs are compressed already: stored as they are)."""
    with zipfile.ZipFile(target, "w") as archive:
        for path in sorted(kit.rglob("*")):
            if path.is_file():
                method = zipfile.ZIP_STORED if path.suffix == ".pdf" else zipfile.ZIP_DEFLATED
                archive.write(path, path.relative_to(kit).as_posix(), compress_type=method)
    shutil.rmtree(kit, ignore_errors=True)


__all__ = [
    "FOLDER_PREFIX",
    "KIT_LIFETIME",
    "BatchRequest",
    "Job",
    "Jobs",
    "Progress",
    "owner_key",
    "run_batch",
]
