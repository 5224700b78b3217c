"""The worker pool (nkrefugees_letters/batch/pool.py): results come back under their
numbers, a worker's exception is raised in the main process, a worker that dies — even
halfway through sending a result — is one WorkerLostError, and closing stops every
worker after the chunk in hand, without waiting for a result nobody will read."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

from nkrefugees_letters.batch import pool
from tests.batch.helpers import needs_fork
from tests.conftest import child_processes

BIG = 4 << 20
"""A result larger than a result pipe holds (pool.RESULTS_PIPE_BYTES)."""


@dataclass
class Square:
    """Chunk ``n`` gives ``n * n``; chunk 7 fails as a bug would."""

    def start(self) -> None:
        pass

    def __call__(self, number: int) -> int:
        if number == 7:
            raise ValueError("chunk 7 is broken")
        return number * number


@dataclass
class Noted:
    """Notes each chunk it starts in ``folder`` and takes ``seconds`` over it."""

    folder: Path
    seconds: float = 0.0
    size: int = 0

    def start(self) -> None:
        pass

    def __call__(self, number: int) -> bytes:
        (self.folder / str(number)).touch()
        time.sleep(self.seconds)
        return b"x" * self.size


@dataclass
class Unpicklable:
    def start(self) -> None:
        pass

    def __call__(self, number: int) -> None:
        raise _LocalError(lambda: number)  # a lambda does not pickle


class _LocalError(Exception):
    pass


@dataclass
class Deaf:
    """Ignores SIGTERM and never finishes its chunk."""

    def start(self) -> None:
        signal.signal(signal.SIGTERM, signal.SIG_IGN)

    def __call__(self, number: int) -> None:
        time.sleep(600)


def everything(workers: pool.Pool) -> dict[int, object]:
    found: dict[int, object] = {}
    while True:
        arrived = workers.collect(block=True)
        if not arrived:
            return found
        found.update(arrived)


def test_results_come_back_under_their_numbers() -> None:
    workers = pool.Pool(Square(), 2, ahead=3)
    try:
        handed = [n for n in range(6) if workers.hand(n)]
        assert handed == list(range(6))  # 2 workers × 3 ahead
        assert not workers.hand(6)  # every worker has its three
        assert everything(workers) == {n: n * n for n in range(6)}
    finally:
        workers.close()
    assert child_processes(os.getpid()) == []


SPAWNED = """
from nkrefugees_letters.batch import pool
from tests.batch.test_pool import Square, everything
workers = pool.Pool(Square(), 2, ahead=2, method="spawn")
print(all(workers.hand(n) for n in range(4)), sorted(everything(workers).items()))
processes = [w.process for w in workers.workers]
workers.close()
print([p.exitcode for p in processes])
"""


def test_workers_started_without_fork_work_the_same() -> None:
    # As on Windows, where a worker is a new interpreter handed its work pickled. In a
    # process of its own: spawning starts multiprocessing's resource tracker, which
    # would stay, a child of this one, for the rest of the tests.
    root = Path(__file__).resolve().parents[2]
    result = subprocess.run(
        [sys.executable, "-c", SPAWNED], cwd=root, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == ["True [(0, 0), (1, 1), (2, 4), (3, 9)]", "[0, 0]"]
    assert result.stderr == ""


def test_a_workers_exception_is_raised_here() -> None:
    workers = pool.Pool(Square(), 1, ahead=1)
    try:
        assert workers.hand(7)
        with pytest.raises(ValueError, match="chunk 7 is broken"):
            workers.collect(block=True)
    finally:
        workers.close()


def test_an_exception_that_does_not_pickle_still_arrives() -> None:
    workers = pool.Pool(Unpicklable(), 1, ahead=1)
    try:
        workers.hand(0)
        with pytest.raises(RuntimeError, match="_LocalError"):
            workers.collect(block=True)
    finally:
        workers.close()


def test_collect_without_blocking_returns_only_what_has_arrived(tmp_path: Path) -> None:
    workers = pool.Pool(Noted(tmp_path, seconds=0.5), 1, ahead=1)
    try:
        workers.hand(0)
        assert workers.collect(block=False) == []
        assert workers.collect(block=True) == [(0, b"")]
        assert workers.collect(block=True) == []  # nothing out: nothing to wait for
    finally:
        workers.close()


@needs_fork
def test_a_worker_killed_halfway_through_sending_is_lost_not_waited_for(
    tmp_path: Path,
) -> None:
    workers = pool.Pool(Noted(tmp_path, size=BIG), 1, ahead=1)
    try:
        workers.hand(0)
        (child,) = child_processes(os.getpid())
        pid = int(child.name)
        deadline = time.monotonic() + 60
        # Its result fills the pipe: it waits, halfway through, for this process to read.
        while not (tmp_path / "0").exists() or _state(pid) != "S":
            assert time.monotonic() < deadline
            time.sleep(0.05)
        time.sleep(0.2)
        os.kill(pid, signal.SIGKILL)
        with pytest.raises(pool.WorkerLostError):
            workers.collect(block=True)
    finally:
        workers.close()
    assert child_processes(os.getpid()) == []


def test_closing_stops_each_worker_after_the_chunk_in_hand(tmp_path: Path) -> None:
    workers = pool.Pool(Noted(tmp_path, seconds=0.3), 2, ahead=3)
    for number in range(6):
        workers.hand(number)
    time.sleep(0.1)  # each worker is in its first chunk
    started = time.monotonic()
    workers.close()
    assert time.monotonic() - started < 5
    assert sorted(int(p.name) for p in tmp_path.iterdir()) == [0, 1]
    assert child_processes(os.getpid()) == []


@needs_fork
def test_closing_does_not_wait_for_results_nobody_reads(tmp_path: Path) -> None:
    # Three workers, each stuck writing a result larger than its pipe: each must see
    # its pipe closed, though the workers forked after it hold copies of its ends.
    workers = pool.Pool(Noted(tmp_path, size=BIG), 3, ahead=1)
    for number in range(3):
        workers.hand(number)
    deadline = time.monotonic() + 60
    while len(list(tmp_path.iterdir())) < 3:
        assert time.monotonic() < deadline
        time.sleep(0.05)
    time.sleep(0.3)
    started = time.monotonic()
    workers.close()
    assert time.monotonic() - started < pool.STOP_GRACE_SECONDS / 2
    assert child_processes(os.getpid()) == []


def test_a_worker_that_will_not_stop_is_killed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pool, "STOP_GRACE_SECONDS", 0.5)
    workers = pool.Pool(Deaf(), 1, ahead=1)
    workers.hand(0)
    started = time.monotonic()
    workers.close()
    assert time.monotonic() - started < 10
    assert child_processes(os.getpid()) == []


def _state(pid: int) -> str:
    return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
