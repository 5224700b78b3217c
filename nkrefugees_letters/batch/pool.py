"""Pool: worker processes that do numbered chunks of work, handed to each through a pipe.

The main process writes chunk numbers into each worker's task pipe and reads the results
from its result pipe when it chooses to (:meth:`Pool.collect`): no thread of its own runs
beside it. (The standard library's ``ProcessPoolExecutor`` moves every chunk and every
result through two helper threads, which take the interpreter from the main thread and
start a worker's first chunk 10–20 ms late.) A worker that dies is seen as the end of its
result pipe, halfway through a result too, and becomes :class:`WorkerLostError`.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import sys
import traceback
from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait
from multiprocessing.process import BaseProcess
from typing import Any, Protocol

RESULTS_PIPE_BYTES = 1 << 20
"""A result pipe's buffer (Linux): a worker must never wait for the main process to read
the last few chunks it wrote (about 26 KB each, for four letters)."""
STOP_GRACE_SECONDS = 30
"""How long a stopped worker has to finish the chunk in hand before it is killed."""


class Work(Protocol):
    """What a worker process does: set itself up once, then one numbered chunk at a time."""

    def start(self) -> None:
        """Once, in the worker process, before its first chunk."""

    def __call__(self, number: int) -> Any:
        """Chunk ``number``'s results, sent back to the main process."""


class WorkerLostError(Exception):
    """A worker process ended before it sent back every chunk it was handed."""


@dataclass
class _Process:
    """A worker as this process sees it: the process, and its ends of the two pipes."""

    process: BaseProcess
    tasks: Connection
    """Chunk numbers to this worker; ``None`` tells it to stop."""
    results: Connection
    in_hand: int = 0
    """Chunks handed to it whose results have not been read."""


class Pool:
    """``processes`` workers, each started with ``work``, each holding up to ``ahead``
    chunks handed out and not yet read back."""

    def __init__(self, work: Work, processes: int, ahead: int, method: str | None = None) -> None:
        """``method``: how to start them (multiprocessing's start methods); by default
        fork, which shares the loaded fonts, templates and directory with the workers at
        no cost, where there is fork (not on Windows)."""
        if method is None and "fork" in multiprocessing.get_all_start_methods():
            method = "fork"
        # Any: typeshed gives only the named contexts a Process
        context: Any = multiprocessing.get_context(method)
        forking = context.get_start_method() == "fork"
        self.ahead = ahead
        self.workers: list[_Process] = []
        try:
            for _ in range(processes):
                task_reader, task_writer = context.Pipe(duplex=False)
                result_reader, result_writer = context.Pipe(duplex=False)
                _widen(result_writer)
                # A forked worker also holds this process's ends of its own pipes and of
                # those of the workers before it; it closes them, or a pipe this process
                # closes would not end for the worker at the other end.
                inherited = [end for w in self.workers for end in (w.tasks, w.results)]
                inherited += [task_writer, result_reader]
                process = context.Process(
                    target=_serve,
                    args=(work, task_reader, result_writer, inherited if forking else []),
                    daemon=True,
                    name="nkletters-worker",
                )
                process.start()
                task_reader.close()  # the worker's ends: this process keeps its own
                result_writer.close()
                self.workers.append(_Process(process, task_writer, result_reader))
        except BaseException:
            self.close()
            raise

    def hand(self, number: int) -> bool:
        """Give chunk ``number`` to the worker with the fewest in hand; False when every
        worker already has ``ahead``."""
        worker = min(self.workers, key=lambda w: w.in_hand)
        if worker.in_hand >= self.ahead:
            return False
        try:
            worker.tasks.send(number)
        except OSError:
            raise WorkerLostError from None  # it has gone
        worker.in_hand += 1
        return True

    def collect(self, *, block: bool) -> list[tuple[int, Any]]:
        """The results that have arrived, as ``(number, result)``; with ``block``, wait
        for at least one (if any chunk is out). A worker's exception is raised here."""
        busy = [w for w in self.workers if w.in_hand]
        if not busy:
            return []
        if block:
            ready = set(wait([w.results for w in busy]))
            busy = [w for w in busy if w.results in ready]
        found = []
        for worker in busy:
            while worker.in_hand and (block or worker.results.poll()):
                try:
                    number, ok, value = worker.results.recv()
                except (EOFError, OSError):  # OSError: the end came halfway through
                    raise WorkerLostError from None
                worker.in_hand -= 1
                if not ok:
                    raise value
                found.append((number, value))
                block = False  # the rest only if they are there already
        return found

    def close(self) -> None:
        """Stop every worker after the chunk in hand, drop what it has not yet sent, and
        wait for it to end (killed if it has not in :data:`STOP_GRACE_SECONDS`)."""
        for worker in self.workers:
            with contextlib.suppress(OSError):
                worker.tasks.send(None)
            # A result still to come is not wanted: the worker's writing it fails, and
            # it ends. (Reading it could not be trusted: a stop may have come halfway
            # through reading one.)
            worker.results.close()
        for worker in self.workers:
            worker.process.join(STOP_GRACE_SECONDS)
            if worker.process.exitcode is None:
                worker.process.kill()
                worker.process.join()
            worker.tasks.close()
        self.workers = []


def _widen(pipe: Connection) -> None:
    """Give a result pipe :data:`RESULTS_PIPE_BYTES` of buffer where the system allows."""
    if sys.platform != "linux":
        return
    import fcntl

    with contextlib.suppress(OSError):  # the system's limit is lower
        fcntl.fcntl(pipe.fileno(), fcntl.F_SETPIPE_SZ, RESULTS_PIPE_BYTES)


def _serve(
    work: Work, tasks: Connection, results: Connection, inherited: Sequence[Connection]
) -> None:
    """A worker process: its chunks, in the order handed, until told to stop."""
    for end in inherited:
        end.close()
    work.start()
    queue: deque[int] = deque()
    try:
        while True:
            # Every number handed so far, so that a stop is seen before the next chunk.
            while not queue or tasks.poll():
                number = tasks.recv()
                if number is None:
                    return
                queue.append(number)
            number = queue.popleft()
            try:
                message: tuple[int, bool, Any] = (number, True, work(number))
            except Exception as exc:  # a bug: raised again in the main process
                message = (number, False, exc)
            try:
                results.send(message)
            except (OSError, EOFError):
                return  # the main process has stopped reading
            except Exception as unsent:  # it does not pickle: its words do
                cause = unsent if message[1] else message[2]
                text = "".join(traceback.format_exception(cause)).strip()
                results.send((number, False, RuntimeError(text)))
    except (EOFError, OSError):
        return  # the main process has gone


__all__ = ["RESULTS_PIPE_BYTES", "STOP_GRACE_SECONDS", "Pool", "Work", "WorkerLostError"]
