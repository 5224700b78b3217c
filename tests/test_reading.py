"""Reading: every user file is bounded by the bytes read, whatever the file system says."""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result

from nkrefugees_letters import reading
from nkrefugees_letters.errors import DataError

from .conftest import FIXED_DATE

Run = Callable[..., Result]
needs_fifo = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes here")


def test_reads_a_file_whole(tmp_path: Path) -> None:
    path = tmp_path / "a.yaml"
    path.write_bytes(b"x" * 10)
    assert reading.read_bytes(path, 10) == b"x" * 10


def test_one_byte_over_the_limit_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "a.yaml"
    path.write_bytes(b"x" * 11)
    with pytest.raises(reading.FileTooLarge) as caught:
        reading.read_bytes(path, 10)
    assert str(caught.value) == f"{path}: file is larger than 10 bytes — is this the right file?"


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="no /dev/zero here")
def test_dev_zero_reports_no_size_and_is_still_bounded() -> None:
    with pytest.raises(reading.FileTooLarge):
        reading.read_bytes(Path("/dev/zero"), 1_000_000)


@needs_fifo
def test_a_fifo_nobody_writes_to_reads_as_empty_at_once(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.yaml"
    os.mkfifo(fifo)
    assert reading.read_bytes(fifo, 100) == b""


@needs_fifo
def test_a_fifo_that_never_ends_is_bounded(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.csv"
    os.mkfifo(fifo)
    # Opened for reading and writing, the pipe has its writer before the reader comes
    # (as with a shell's <(command)), and writing never blocks for good.
    writer = os.open(fifo, os.O_RDWR | os.O_NONBLOCK)
    stop = threading.Event()

    def write_for_ever() -> None:
        while not stop.is_set():
            try:
                os.write(writer, b"name\n" * 1000)
            except BlockingIOError:
                stop.wait(0.001)

    thread = threading.Thread(target=write_for_ever)
    thread.start()
    try:
        with pytest.raises(reading.FileTooLarge):
            reading.read_bytes(fifo, 100_000)
    finally:
        stop.set()
        thread.join(timeout=10)
        os.close(writer)


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(DataError) as caught:
        reading.read_bytes(tmp_path / "nope.yaml", 10)
    assert str(caught.value) == f"{tmp_path / 'nope.yaml'}: file not found — check the path"


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="no /dev/zero here")
@pytest.mark.parametrize(
    ("option", "message"),
    [
        ("--data", "Error: /dev/zero: file is larger than 5 MB — is this the right file?"),
        ("--profile", "Error: /dev/zero: file is larger than 5 MB — is this the right file?"),
        (
            "--signers",
            "Error: /dev/zero: cannot read the signers file: file is larger than 50 MB — "
            "is this the right file?",
        ),
    ],
)
def test_dev_zero_as_any_input_is_one_line(run: Run, option: str, message: str) -> None:
    extra = ("--mission", "gb-london") if option != "--signers" else ()
    result = run("generate", *extra, option, "/dev/zero", "--date", FIXED_DATE)
    assert result.exit_code == 1
    assert result.stderr.strip() == message


@needs_fifo
@pytest.mark.parametrize("option", ["--data", "--profile", "--signers"])
def test_a_fifo_nobody_writes_to_is_one_line_not_a_hang(
    run: Run, tmp_path: Path, option: str
) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    result = run("generate", "--mission", "gb-london", option, str(fifo), "--date", FIXED_DATE)
    assert result.exit_code == 1
    (line,) = result.stderr.strip().splitlines()
    assert line.startswith(f"Error: {fifo}:"), line
