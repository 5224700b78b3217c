"""``nkletters serve``: its help, its one-line failures, and two workers sharing batches."""

from __future__ import annotations

import io
import re
import time
import zipfile
from pathlib import Path

from click.testing import CliRunner

from nkrefugees_letters.cli import cli
from tests.web.conftest import (
    SIGNERS,
)

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


def test_serve_with_two_workers_shares_batches_and_stops_cleanly(tmp_path: Path) -> None:
    import http.cookiejar
    import os
    import signal
    import socket
    import subprocess
    import sys
    import urllib.request
    import uuid

    root = Path(__file__).resolve().parents[2]
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server_tmp = tmp_path / "server-tmp"
    server_tmp.mkdir()
    env = {**os.environ, "PYTHONPATH": str(root), "TMPDIR": str(server_tmp)}
    command = [sys.executable, "-m", "nkrefugees_letters", "serve", "--port", str(port)]
    server = subprocess.Popen([*command, "--workers", "2"], env=env, cwd=tmp_path)
    url = f"http://127.0.0.1:{port}"
    opener = urllib.request.build_opener(
        urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                opener.open(f"{url}/health", timeout=2).close()
                break
            except OSError:
                assert time.monotonic() < deadline and server.poll() is None
                time.sleep(0.1)
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
        server.send_signal(signal.SIGINT)
        assert server.wait(timeout=30) == 0
    assert [p.name for p in server_tmp.iterdir() if p.name.startswith("nkletters")] == []
