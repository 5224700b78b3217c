"""The web page's speed: the real server (``nkletters serve``, waitress) and a real HTTP client
on 127.0.0.1, both on this machine.

    python benchmarks/web.py                 # the issue's figures: 5,000 requests for memory
    python benchmarks/web.py --quick         # a smaller run, for a look while developing

It measures ``GET /letter.pdf`` (the campaign link: a personal letter; the town, language
and date change from request to request, so that each letter is laid out anew) and prints:

- the median and 95th-percentile latency of one letter, one request at a time;
- letters per second with 8 clients at once, each on its own keep-alive connection (and,
  for comparison, when all of them ask for the same link, which the server keeps);
- the server's resident memory after a warm-up and after the whole run (flat = it does
  not grow with the number of requests).

Targets (issue 16, on the 2-core machine): median ≤ 60 ms, ≥ 150 letters/s, memory flat.
Every request is bounded in count and time and goes only to the server started here.
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import os
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.request
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CITIES = ("Chicago", "Traverse City", "Manchester", "Seoul", "Sydney", "Toronto", "Lyon", "Osaka")
LANGUAGES = ("en", "en", "en", "zh", "ko", "ja", "es", "en+zh")
MEDIAN_TARGET_MS = 60.0
RATE_TARGET = 150.0
FLAT_MEMORY_MB = 20.0
"""Growth after warm-up that still counts as flat (allocator noise, caches filling)."""
CLIENTS = 8
TIMEOUT = 30.0


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def start_server(port: int, workers: int, threads: int) -> subprocess.Popen[bytes]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    command = [sys.executable, "-m", "nkrefugees_letters", "serve", "--port", str(port)]
    process = subprocess.Popen(
        [*command, "--workers", str(workers), "--threads", str(threads)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            # Ready, and done reading the gazetteer's towns for suggestions (a few
            # seconds of work in the background after start): measure the steady state.
            url = f"http://127.0.0.1:{port}/api/places?q=ch"
            with urllib.request.urlopen(url, timeout=2) as answer:
                if answer.headers.get("X-Complete") == "1":
                    return process
        except OSError:
            pass
        time.sleep(0.1)
    process.kill()
    raise SystemExit("the server did not start")


def rss_mb(pid: int) -> float:
    """Resident memory of ``pid`` and its worker processes in MB (Linux's /proc)."""
    pids = [pid]
    with contextlib.suppress(OSError):
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
        pids += [int(child) for child in children]
    total = 0.0
    for each in pids:
        for line in Path(f"/proc/{each}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                total += int(line.split()[1]) / 1024
    return total


def path(number: int) -> str:
    """A different letter for each number: town, language and date vary, so that none is
    one the server keeps from an earlier request (it keeps the last 256)."""
    city = CITIES[number % len(CITIES)].replace(" ", "+")
    language = LANGUAGES[(number // len(CITIES)) % len(LANGUAGES)]
    day = date(2026, 1, 1) + timedelta(days=number // (len(CITIES) * len(LANGUAGES)) % 365)
    return f"/letter.pdf?city={city}&lang={language}&date={day.isoformat()}"


REPEATED = "/letter.pdf?city=Chicago&lang=en&date=2026-09-24"
"""The campaign link: the same letter for everyone in Chicago that day."""


def fetch(connection: http.client.HTTPConnection, target: str) -> float:
    """One request on a kept-alive connection; its latency in seconds."""
    start = time.perf_counter()
    connection.request("GET", target)
    response = connection.getresponse()
    body = response.read()
    elapsed = time.perf_counter() - start
    if response.status != 200 or not body.startswith(b"%PDF"):
        raise SystemExit(f"{target}: HTTP {response.status}: {body[:200]!r}")
    return elapsed


def latency(port: int, count: int, start: int) -> list[float]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=TIMEOUT)
    try:
        return [fetch(connection, path(start + n)) for n in range(count)]
    finally:
        connection.close()


def throughput(
    port: int, count: int, start: int, clients: int = CLIENTS, *, repeat: bool = False
) -> tuple[float, list[float]]:
    """Letters per second with ``clients`` connections sending ``count`` requests in all
    (each a new letter, or with ``repeat`` the same link every time)."""
    numbers = iter(range(start, start + count))
    lock = threading.Lock()
    times: list[float] = []

    def client() -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=TIMEOUT)
        try:
            while True:
                with lock:
                    number = next(numbers, None)
                if number is None:
                    return
                elapsed = fetch(connection, REPEATED if repeat else path(number))
                with lock:
                    times.append(elapsed)
        finally:
            connection.close()

    workers = [threading.Thread(target=client) for _ in range(clients)]
    start = time.perf_counter()
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    return len(times) / (time.perf_counter() - start), times


def verdict(met: bool) -> str:
    return "met" if met else "NOT MET"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="fewer requests")
    parser.add_argument("--workers", type=int, default=2, help="server processes (default 2)")
    parser.add_argument("--threads", type=int, default=2, help="threads each (default 2)")
    args = parser.parse_args()
    single, concurrent, total = (50, 400, 1000) if args.quick else (300, 2000, 5000)
    load_before = os.getloadavg()[0]
    port = free_port()
    server = start_server(port, args.workers, args.threads)
    try:
        warm_up = len(CITIES) * len(LANGUAGES)
        for number in range(warm_up):  # every kind of letter once
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=TIMEOUT)
            fetch(connection, path(number))
            connection.close()
        sent = warm_up
        times = latency(port, single, sent)
        sent += single
        median = statistics.median(times) * 1000
        p95 = statistics.quantiles(times, n=20)[18] * 1000
        rate, _ = throughput(port, concurrent, sent)
        sent += concurrent
        warm, warm_sent = rss_mb(server.pid), sent  # the kept letters are in by now
        repeats = concurrent // 4
        repeated_rate, _ = throughput(port, repeats, sent, repeat=True)
        sent += repeats
        while sent < total:
            batch = min(1000, total - sent)
            throughput(port, batch, sent)
            sent += batch
        after = rss_mb(server.pid)
    finally:
        server.terminate()
        server.wait(timeout=20)
    growth = after - warm
    print(
        f"nkletters serve (waitress, {args.workers} workers × {args.threads} threads), "
        "GET /letter.pdf on 127.0.0.1"
    )
    cores = os.cpu_count() or 1
    busy = " (the machine was busy: the figures are lower than on an idle one)"
    print(
        f"load average at the start: {load_before:.1f} on {cores} cores"
        + (busy if load_before > 1 else "")
    )
    print(f"one letter at a time ({single}): median {median:.1f} ms, p95 {p95:.1f} ms")
    print(f"{CLIENTS} clients at once ({concurrent} letters): {rate:.0f} letters/s")
    print(f"{CLIENTS} clients, the same link ({repeats} times): {repeated_rate:.0f} letters/s")
    print(f"memory: {warm:.0f} MB after {warm_sent:,} requests, {after:.0f} MB after {sent:,}")
    print(f"target median ≤ {MEDIAN_TARGET_MS:.0f} ms: {verdict(median <= MEDIAN_TARGET_MS)}")
    print(f"target ≥ {RATE_TARGET:.0f} letters/s: {verdict(rate >= RATE_TARGET)}")
    print(
        f"target memory flat (≤ {FLAT_MEMORY_MB:.0f} MB growth, got {growth:+.1f} MB): "
        f"{verdict(growth <= FLAT_MEMORY_MB)}"
    )


if __name__ == "__main__":
    main()
