"""``nkletters serve``: its help, its one-line failures, and two workers sharing batches."""

from __future__ import annotations

import contextlib
import http.cookiejar
import io
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.request
import uuid
import zipfile
from pathlib import Path
from typing import Any

import click
import pytest
from click.testing import CliRunner

from nkrefugees_letters.cli import cli
from tests.conftest import child_processes
from tests.web.conftest import (
    SIGNERS,
)

needs_fork = pytest.mark.skipif(not hasattr(os, "fork"), reason="serve --workers forks")

# --- the serve command ------------------------------------------------------------------


def test_serve_is_documented_with_its_options() -> None:
    result = CliRunner().invoke(cli, ["serve", "--help"])
    assert result.exit_code == 0
    for option in ("--host", "--port", "--open", "--profile", "--allow-templates"):
        assert option in result.stdout
    assert "[default: 127.0.0.1]" in result.stdout and "nkletters serve --open" in result.stdout


def test_serve_on_a_port_in_use_is_one_clear_line(tmp_path: Path) -> None:
    import os
    import socket
    import subprocess
    import sys

    root = Path(__file__).resolve().parents[2]
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = subprocess.run(
            [sys.executable, "-m", "nkrefugees_letters", "serve", "--port", str(port)],
            env={**os.environ, "PYTHONPATH": str(root)},
            cwd=tmp_path,
            capture_output=True,
            text=True,
            timeout=60,
        )
    assert result.returncode == 1
    assert result.stderr.splitlines()[-1] == (
        f"Error: cannot listen on 127.0.0.1:{port}: Address already in use — choose another --port"
    )
    assert "Traceback" not in result.stderr


def test_serve_with_a_broken_profile_says_where(tmp_path: Path) -> None:
    broken = tmp_path / "nkletters.yaml"
    broken.write_text("organisation:\n  nmae: X\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["serve", "--profile", str(broken)])
    assert result.exit_code == 1
    assert f"{broken}:2: organisation.nmae: unknown field" in result.stderr


def _start_server(
    tmp_path: Path, *, sigint: Any, stderr: int | None = None
) -> tuple[subprocess.Popen[bytes], str, Path]:
    """``nkletters serve --workers 2`` on a free port, started with SIGINT as ``sigint``
    (SIG_DFL: from a terminal; SIG_IGN: in the background, as a shell starts it), once
    it answers; its address, and the folder it keeps batches in."""
    root = Path(__file__).resolve().parents[2]
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server_tmp = tmp_path / "server-tmp"
    server_tmp.mkdir()
    env = {**os.environ, "PYTHONPATH": str(root), "TMPDIR": str(server_tmp)}
    command = [sys.executable, "-m", "nkrefugees_letters", "serve", "--port", str(port)]
    server = subprocess.Popen(
        [*command, "--workers", "2"],
        env=env,
        cwd=tmp_path,
        preexec_fn=lambda: signal.signal(signal.SIGINT, sigint),
        stderr=stderr,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            urllib.request.urlopen(f"{url}/health", timeout=2).close()
            return server, url, server_tmp
        except OSError:
            assert time.monotonic() < deadline and server.poll() is None
            time.sleep(0.1)


def _signal_handling(
    server: subprocess.Popen[bytes], expected: list[tuple[bool, bool]]
) -> list[tuple[bool, bool]]:
    """For each of the server's worker processes (from /proc): whether it ignores SIGINT,
    and whether it catches SIGTERM; asked again for a while until it is ``expected`` (a
    worker sets its handlers as it starts)."""
    deadline = time.monotonic() + 10
    while (found := _signals_of_children(server.pid)) != expected and time.monotonic() < deadline:
        time.sleep(0.05)
    return found


def _signals_of_children(pid: int) -> list[tuple[bool, bool]]:
    workers = []
    for process in child_processes(pid):
        with contextlib.suppress(OSError):
            status = (process / "status").read_text().splitlines()
            fields = dict(line.split(":\t", 1) for line in status if ":\t" in line)
            ignored, caught = int(fields["SigIgn"], 16), int(fields["SigCgt"], 16)
            workers.append(
                (bool(ignored >> (signal.SIGINT - 1) & 1), bool(caught >> (signal.SIGTERM - 1) & 1))
            )
    return workers


def _batch_folders(server_tmp: Path) -> list[str]:
    return [p.name for p in server_tmp.iterdir() if p.name.startswith("nkletters")]


@needs_fork
def test_serve_with_two_workers_shares_batches_and_stops_cleanly(tmp_path: Path) -> None:
    server, url, server_tmp = _start_server(tmp_path, sigint=signal.SIG_DFL)
    opener = urllib.request.build_opener(
        urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
    )
    try:
        if Path("/proc/self/status").is_file():
            # Ctrl-C caught (not ignored: the batches' processes they start inherit an
            # ignored signal), SIGTERM caught: the main process stops them with it.
            expected = [(False, True), (False, True)]
            assert _signal_handling(server, expected) == expected
        for _ in range(6):
            with opener.open(f"{url}/letter.pdf?city=Chicago", timeout=30) as answer:
                assert answer.read(4) == b"%PDF"
        page = opener.open(f"{url}/batch", timeout=30).read().decode()
        found = re.search(r'name="csrf_token" value="([^"]+)"', page)
        assert found is not None
        boundary = uuid.uuid4().hex
        body = (
            f'--{boundary}\r\nContent-Disposition: form-data; name="csrf_token"\r\n\r\n'
            f"{found.group(1)}\r\n"
            f'--{boundary}\r\nContent-Disposition: form-data; name="signers"; '
            f'filename="signers.csv"\r\nContent-Type: text/csv\r\n\r\n{SIGNERS}\r\n'
            f"--{boundary}--\r\n"
        ).encode()
        request = urllib.request.Request(
            f"{url}/batch",
            data=body,
            headers={"Content-Type": f"multipart/form-data; boundary={boundary}"},
        )
        with opener.open(request, timeout=30) as answer:
            progress = answer.geturl()
        assert "/batch/" in progress
        deadline = time.monotonic() + 120
        while '"state":"done"' not in (
            status := opener.open(f"{progress}/status", timeout=30).read().decode()
        ):
            assert time.monotonic() < deadline and '"failed"' not in status, status
            time.sleep(0.2)
        for _ in range(4):  # whichever worker answers knows the batch
            assert "row 3: no name" in opener.open(progress, timeout=30).read().decode()
        kit = opener.open(f"{progress}/kit.zip", timeout=60).read()
        assert "all-letters.pdf" in zipfile.ZipFile(io.BytesIO(kit)).namelist()
    finally:
        server.send_signal(signal.SIGINT)  # Ctrl-C
        assert server.wait(timeout=30) == 0
    assert _batch_folders(server_tmp) == []


@needs_fork
def test_many_letters_asked_at_once_all_print_and_warn_nothing(tmp_path: Path) -> None:
    # Some of the first answered 500: two threads met a module still loading lazily
    # (Python 3.11). And waitress warned "Task queue depth is N" on the terminal whenever
    # a request waited for a thread.
    from concurrent.futures import ThreadPoolExecutor

    server, url, _ = _start_server(tmp_path, sigint=signal.SIG_DFL, stderr=subprocess.PIPE)

    def letter(_: int) -> bytes:
        with urllib.request.urlopen(f"{url}/letter.pdf?city=Chicago", timeout=60) as answer:
            return bytes(answer.read(4))

    try:
        with ThreadPoolExecutor(24) as pool:  # 24 at once; 2 workers of 4 threads
            assert set(pool.map(letter, range(48))) == {b"%PDF"}
    finally:
        server.send_signal(signal.SIGINT)
        _, err = server.communicate(timeout=30)
    assert server.returncode == 0
    assert err.decode().splitlines() == [f"nkletters is at {url}/ (Ctrl-C stops it)"]


@needs_fork
def test_serve_started_in_the_background_stops_on_sigterm(tmp_path: Path) -> None:
    # A shell starts a background command with SIGINT ignored, and its workers inherit
    # that: they used to be sent SIGINT, ignore it, and be waited for for ever.
    server, url, server_tmp = _start_server(tmp_path, sigint=signal.SIG_IGN)
    try:
        if Path("/proc/self/status").is_file():
            expected = [(True, True), (True, True)]
            assert _signal_handling(server, expected) == expected
        with urllib.request.urlopen(f"{url}/letter.pdf?city=Chicago", timeout=30) as answer:
            assert answer.read(4) == b"%PDF"
    finally:
        server.send_signal(signal.SIGTERM)
        assert server.wait(timeout=30) == 0
    assert _batch_folders(server_tmp) == []


@needs_fork
def test_a_server_process_that_will_not_stop_is_killed_and_said_so(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from nkrefugees_letters.cli import serve

    ready, ready_writer = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child: a worker deaf to SIGTERM
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        os.write(ready_writer, b"!")
        time.sleep(60)
        os._exit(0)
    os.close(ready_writer)
    assert os.read(ready, 1) == b"!"
    os.close(ready)
    monkeypatch.setattr(serve, "STOP_GRACE_SECONDS", 0.5)
    previous = {s: signal.getsignal(s) for s in (signal.SIGINT, signal.SIGTERM)}
    started = time.monotonic()
    try:
        with pytest.raises(click.ClickException) as raised:
            serve._stop_workers([pid])
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
    assert time.monotonic() - started < 10
    assert raised.value.message.startswith(
        "1 server process(es) had not stopped 0.5 s after being told to, so they were killed"
    )
    with pytest.raises(ChildProcessError):  # killed and reaped: no zombie left
        os.waitpid(pid, os.WNOHANG)
