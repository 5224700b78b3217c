"""`nkletters missions verify`: fetching pages, reading them, deciding, reporting.

Every page comes from a real HTTP server on 127.0.0.1 started here, serving the stored
pages in tests/fixtures/verify/ and a few made on the fly (20 MB, slow, redirects, errors).
A guard makes any other host fail as "not found", so no test can reach the network.
"""

from __future__ import annotations

import csv
import dataclasses
import gzip
import io
import json
import socket
import threading
import time
from collections.abc import Callable, Iterator
from datetime import date
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx
import pytest
from click.testing import Result
from hypothesis import given, settings
from hypothesis import strategies as st

from nkrefugees_letters import missions
from nkrefugees_letters.missions import Address, Mission, verify, verify_report
from nkrefugees_letters.missions.verify import Outcome

FIXTURES = Path(__file__).parents[1] / "fixtures" / "verify"
BIG = 20 * 1024 * 1024
SLOW_SECONDS = 3.0
CHICAGO = Address(("100 West Erie Street",), "Chicago", "IL", "60654", "US")
Run = Callable[..., Result]

_TYPES = {".html": "text/html", ".txt": "text/plain"}


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def log_message(self, format: str, *args: Any) -> None:
        pass  # keep the test output clean

    def do_GET(self) -> None:
        self.server.enter(self)
        try:
            self._route()
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client stopped reading: what a size limit does
        finally:
            self.server.leave(self)

    def _send(self, body: bytes, content_type: str, *, length: bool = True, **headers: str) -> None:
        self.send_response(200)
        self.send_header("Content-Type", content_type)
        if length:
            self.send_header("Content-Length", str(len(body)))
        for name, value in headers.items():
            self.send_header(name.replace("_", "-"), value)
        self.end_headers()
        self.wfile.write(body)

    def _route(self) -> None:
        path = self.path.split("?")[0]
        fixture = FIXTURES / path.lstrip("/")
        if path.startswith("/slow"):
            time.sleep(SLOW_SECONDS if path == "/slow" else 0.3)
            self._send((FIXTURES / "confirmed.html").read_bytes(), "text/html")
        elif path == "/trickle":
            self.send_response(200)
            self.send_header("Content-Type", "text/plain")
            self.end_headers()
            for _ in range(30):
                self.wfile.write(b"x ")
                self.wfile.flush()
                time.sleep(0.1)
        elif path in ("/moved", "/loop"):
            self.send_response(302)
            self.send_header("Location", "/confirmed.html" if path == "/moved" else "/loop")
            self.send_header("Content-Length", "0")
            self.end_headers()
        elif path in ("/404", "/500"):
            self.send_error(int(path[1:]))
        elif path == "/huge":
            self._send(b"a " * (BIG // 2), "text/plain")
        elif path == "/huge-unsized":
            self.send_response(200)
            self.send_header("Content-Type", "text/plain")
            self.end_headers()
            chunk = b"a " * 32768
            for _ in range(BIG // len(chunk)):
                self.wfile.write(chunk)
        elif path == "/bomb":
            body = gzip.compress(b"a " * (BIG // 2))
            self._send(body, "text/plain", Content_Encoding="gzip")
        elif path == "/pdf":
            self._send(b"%PDF-1.4\n100 West Erie Street Chicago IL 60654", "application/pdf")
        elif path == "/latin1-declared.html":
            body = (FIXTURES / "latin1.html").read_bytes()
            self._send(body, "text/html; charset=ISO-8859-1")
        elif path == "/escape":
            self.send_response(404, "Not \x1b[31mFound")
            self.send_header("Content-Length", "0")
            self.end_headers()
        elif fixture.is_file() and fixture.parent == FIXTURES:
            self._send(fixture.read_bytes(), _TYPES.get(fixture.suffix, "text/plain"))
        else:
            self.send_error(404)


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.lock = threading.Lock()
        self.active = 0
        self.most_active = 0
        self.user_agents: list[str] = []

    def enter(self, handler: _Handler) -> None:
        with self.lock:
            # Counts only /slowish…: a /slow page of an earlier test may still be sleeping.
            if handler.path.startswith("/slowish"):
                self.active += 1
                self.most_active = max(self.most_active, self.active)
            self.user_agents.append(handler.headers.get("User-Agent", ""))

    def leave(self, handler: _Handler) -> None:
        with self.lock:
            if handler.path.startswith("/slowish"):
                self.active -= 1


@pytest.fixture(scope="module")
def server() -> Iterator[_Server]:
    httpd = _Server()
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield httpd
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture
def url(server: _Server) -> Callable[[str], str]:
    def make(path: str) -> str:
        return f"http://127.0.0.1:{server.server_address[1]}{path}"

    return make


@pytest.fixture
def closed_port() -> int:
    """A port nothing listens on: bound, then closed."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port


@pytest.fixture(autouse=True)
def no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """Any host but 127.0.0.1 fails as a DNS failure would: no test reaches the network."""
    real = socket.getaddrinfo

    def local_only(host: Any, *args: Any, **kwargs: Any) -> Any:
        if host not in ("127.0.0.1", b"127.0.0.1"):
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        return real(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", local_only)


def _mission(source: str, website: str = "", address: Address = CHICAGO) -> Mission:
    return Mission(
        id="us-chicago",
        kind="consulate-general",
        name="Consulate General of the People's Republic of China in Chicago",
        address=address,
        source=source,
        website=website,
    )


def _check(source: str, website: str = "", *, timeout: float = 2.0, **kw: Any) -> Any:
    with verify.Checker(verify.Settings(timeout=timeout)) as checker:
        return checker.check(_mission(source, website, **kw))


# --- deciding on one page ---------------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    ["/confirmed.html", "/plain.txt", "/big5.html", "/big5-undeclared.txt", "/moved"],
)
def test_pages_holding_the_address_confirm_it(url: Callable[[str], str], path: str) -> None:
    result = _check(url(path))
    assert result.outcome is Outcome.CONFIRMED, result
    assert "60654" in result.detail


def test_confirmed_shows_the_address_as_the_page_writes_it(url: Callable[[str], str]) -> None:
    result = _check(url("/confirmed.html"))
    # Lines of the address block are joined; the decoy address in the script is no text.
    assert result.detail == "100 W. Erie St., Chicago, IL 60654"


def test_a_redirect_is_followed_and_the_final_page_is_named(url: Callable[[str], str]) -> None:
    result = _check(url("/moved"))
    assert result.outcome is Outcome.CONFIRMED
    assert result.url == url("/confirmed.html")
    assert result.pages[0].url == url("/moved")


def test_a_moved_address_is_changed_with_the_nearest_passage(url: Callable[[str], str]) -> None:
    result = _check(url("/changed.html"))
    assert result.outcome is Outcome.CHANGED
    assert result.url == url("/changed.html")
    assert result.detail == "The office at Erie Street is closed."


@pytest.mark.parametrize(
    ("path", "reason"),
    [
        ("/404", "HTTP 404 Not Found"),
        ("/500", "HTTP 500 Internal Server Error"),
        ("/slow", "no answer within 0.5 s"),
        ("/loop", "more than 5 redirects"),
        ("/huge", "page larger than 5 MB"),
        ("/huge-unsized", "page larger than 5 MB"),
        ("/bomb", "page larger than 5 MB"),
        ("/pdf", "not a text page (application/pdf)"),
        ("/escape", "HTTP 404 Not [31mFound"),
    ],
)
def test_unreadable_pages_are_unreachable_with_the_reason(
    url: Callable[[str], str], path: str, reason: str
) -> None:
    started = time.monotonic()
    result = _check(url(path), timeout=0.5)
    assert result.outcome is Outcome.UNREACHABLE
    assert result.detail == reason
    assert time.monotonic() - started < SLOW_SECONDS  # never waits for the slow page


def test_a_page_trickling_in_is_given_up_after_three_timeouts(url: Callable[[str], str]) -> None:
    result = _check(url("/trickle"), timeout=0.3)
    assert (result.outcome, result.detail) == (Outcome.UNREACHABLE, "page not read within 0.9 s")


def test_connection_refused(closed_port: int) -> None:
    result = _check(f"http://127.0.0.1:{closed_port}/contact")
    assert (result.outcome, result.detail) == (Outcome.UNREACHABLE, "connection refused")


def test_unknown_host() -> None:
    result = _check("http://consulate.invalid/contact")
    assert (result.outcome, result.detail) == (Outcome.UNREACHABLE, "host not found (DNS)")


@pytest.mark.parametrize(
    ("source", "reason"),
    [
        ("http://[bad/", "host not found (DNS)"),
        ("http://xn--zz/", "not a web address: Invalid A-label"),
        ("ftp://mission.test/", "not a web address: Request URL has an unsupported protocol"),
    ],
)
def test_malformed_addresses_are_unreachable(source: str, reason: str) -> None:
    result = _check(source)
    assert result.outcome is Outcome.UNREACHABLE
    assert result.detail.startswith(reason)


def test_no_page_to_check() -> None:
    result = _check("")
    assert (result.outcome, result.detail) == (
        Outcome.UNREACHABLE,
        "no source page or website to check",
    )


# --- encodings -----------------------------------------------------------------------

LATIN = Address(("Musterstraße 12",), "Berlin", "", "10115", "DE")
SPANISH = Address(("Calle Ñandú 7",), "Madrid", "", "28001", "ES")


@pytest.mark.parametrize("path", ["/latin1.html", "/latin1-declared.html"])
@pytest.mark.parametrize("address", [LATIN, SPANISH])
def test_latin1_pages_are_read(url: Callable[[str], str], path: str, address: Address) -> None:
    result = _check(url(path), address=address)
    assert result.outcome is Outcome.CONFIRMED
    assert address.lines[0] in result.detail  # decoded right, not just matched


# --- several missions -------------------------------------------------------------------


def test_source_then_website(url: Callable[[str], str]) -> None:
    result = _check(url("/404"), url("/confirmed.html"))
    assert result.outcome is Outcome.CONFIRMED
    assert result.url == url("/confirmed.html")
    assert [p.outcome for p in result.pages] == [Outcome.UNREACHABLE, Outcome.CONFIRMED]


def test_a_confirming_source_saves_the_website_request(
    url: Callable[[str], str], server: _Server
) -> None:
    before = len(server.user_agents)
    result = _check(url("/confirmed.html"), url("/changed.html"))
    assert len(result.pages) == 1
    assert len(server.user_agents) == before + 1


def test_both_unreachable_gives_both_reasons(url: Callable[[str], str], closed_port: int) -> None:
    result = _check(url("/404"), f"http://127.0.0.1:{closed_port}/")
    assert (
        result.detail == f"HTTP 404 Not Found; http://127.0.0.1:{closed_port}/: connection refused"
    )


def test_parallel_checks_keep_order_and_the_per_host_limit(
    url: Callable[[str], str], server: _Server
) -> None:
    server.most_active = 0
    paths = ["/slowish?1", "/changed.html", "/slowish?2", "/404", "/slowish?3", "/slowish?4"]
    chosen = [_mission(url(p)) for p in paths]
    results = list(verify.verify_all(chosen, verify.Settings(timeout=5), jobs=6))
    assert [r.pages[0].url for r in results] == [url(p) for p in paths]
    assert 1 < server.most_active <= 2


def test_a_page_several_missions_share_is_fetched_once(
    url: Callable[[str], str], server: _Server
) -> None:
    paths = ["/confirmed.html", "/plain.txt", "/confirmed.html", "/404", "/confirmed.html", "/404"]
    before = len(server.user_agents)
    results = list(verify.verify_all([_mission(url(p)) for p in paths], jobs=4))
    assert [r.outcome for r in results] == [Outcome.CONFIRMED] * 3 + [
        Outcome.UNREACHABLE,
        Outcome.CONFIRMED,
        Outcome.UNREACHABLE,
    ]
    assert results[5].detail == "HTTP 404 Not Found"
    assert len(server.user_agents) - before == 3  # each page once


def test_user_agent_names_nkletters(url: Callable[[str], str], server: _Server) -> None:
    _check(url("/plain.txt"))
    assert server.user_agents[-1] == verify.USER_AGENT
    assert verify.USER_AGENT.startswith("nkletters/")


@settings(max_examples=150, deadline=None)
@given(
    body=st.binary(max_size=3000)
    | st.text(max_size=500).map(lambda t: t.encode("utf-8", "surrogatepass")),
    content_type=st.sampled_from(
        ["", "text/html", "text/plain; charset=big5", "text/html; charset=bogus", "text/xml"]
    ),
    status=st.sampled_from([200, 200, 301, 404, 503]),
    location=st.sampled_from(["http://mission.test/", "http://[bad/", "http://xn--zz/", "/a b"])
    | st.text(alphabet=st.characters(min_codepoint=0x21, max_codepoint=0x7E), max_size=30),
)
def test_any_page_bytes_give_a_result_never_an_exception(
    body: bytes, content_type: str, status: int, location: str
) -> None:
    def answer(request: httpx.Request) -> httpx.Response:
        headers = {"content-type": content_type} if content_type else {}
        if status == 301:
            headers["location"] = location
        return httpx.Response(status, content=body, headers=headers)

    with verify.Checker(transport=httpx.MockTransport(answer)) as checker:
        result = checker.check(_mission("http://mission.test/contact"))
    assert isinstance(result.outcome, Outcome)
    assert isinstance(result.detail, str)


# --- the command ------------------------------------------------------------------------


@pytest.fixture
def chicago_data(tmp_path: Path, url: Callable[[str], str]) -> Callable[[str], Path]:
    """A --data file moving us-chicago's source to a page of the local server; with
    ``own_site``, its website too, which makes that server the mission's own."""

    def write(path: str, *, own_site: bool = False) -> Path:
        data = tmp_path / f"chicago{path.replace('/', '-')}{'-own' if own_site else ''}.yaml"
        website = f"    website: {url('/')}\n" if own_site else ""
        data.write_text(
            f"""schema_version: "2"
missions:
  - id: us-chicago
    kind: consulate-general
    name: Consulate General of the People's Republic of China in Chicago
    address:
      lines: [100 West Erie Street]
      locality: Chicago
      region: IL
      postal_code: "60654"
      country: US
    confidence: single
    source: {url(path)}
    source_date: 2026-11-27
    source_date_kind: accessed
{website}""",
            encoding="utf-8",
        )
        return data

    return write


@pytest.mark.parametrize(
    ("path", "outcome", "code", "tail"),
    [
        ("/confirmed.html", "confirmed", 0, "  (not an official page)"),
        ("/changed.html", "changed", 1, "  nearest: The office at Erie Street is closed."),
        ("/404", "unreachable", 1, "  HTTP 404 Not Found"),
    ],
)
def test_command_gives_one_line_per_mission_and_a_summary(
    run: Run,
    chicago_data: Callable[[str], Path],
    url: Callable[[str], str],
    path: str,
    outcome: str,
    code: int,
    tail: str,
) -> None:
    result = run("missions", "verify", "--mission", "us-chicago", "--data", str(chicago_data(path)))
    assert result.exit_code == code, result.stderr
    assert result.stdout == f"us-chicago  {outcome:<11}  {url(path)}{tail}\n"
    counts = {"confirmed": 0, "changed": 0, "unreachable": 0, outcome: 1}
    assert result.stderr == ", ".join(f"{n} {k}" for k, n in counts.items()) + "\n"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ((), "Error: say which missions: --mission ID, --country CC or --all"),
        (("--mission", "us-chicgo"), "no mission with id 'us-chicgo' — did you mean 'us-chicago'?"),
        (("--country", "XX"), "'XX' is not a two-letter ISO 3166 country code"),
        (("--country", "AQ"), "no open mission in AQ in the directory"),
        (("--mission", "us-chicago", "--report", "out.txt"), "written as .csv or .json"),
    ],
)
def test_command_usage_errors_exit_2_before_fetching(
    run: Run, args: tuple[str, ...], message: str, server: _Server
) -> None:
    before = len(server.user_agents)
    result = run("missions", "verify", *args)
    assert result.exit_code == 2
    assert message in result.stderr
    assert "Traceback" not in result.stderr
    assert len(server.user_agents) == before


def test_command_bad_data_file_is_one_line(run: Run, tmp_path: Path) -> None:
    data = tmp_path / "bad.yaml"
    data.write_text('schema_version: "1"\nmissions:\n  - id: nope\n', encoding="utf-8")
    result = run("missions", "verify", "--mission", "us-chicago", "--data", str(data))
    assert result.exit_code == 1
    assert result.stderr.startswith(f"Error: {data}:3")
    assert len(result.stderr.strip().splitlines()) == 1


def test_report_csv_neutralises_formulas(run: Run, tmp_path: Path) -> None:
    data = tmp_path / "odd.yaml"
    data.write_text(
        """schema_version: "1"
missions:
  - id: us-chicago
    kind: consulate-general
    name: =HYPERLINK("http://example.invalid","click")
    address: {lines: [100 West Erie Street], locality: Chicago, region: IL, country: US}
    verified: false
""",
        encoding="utf-8",
    )
    report = tmp_path / "check.csv"
    result = run(
        "missions",
        "verify",
        "--mission",
        "us-chicago",
        "--data",
        str(data),
        "--report",
        str(report),
    )
    assert result.exit_code == 1
    rows = list(csv.DictReader(io.StringIO(report.read_text("utf-8"))))
    assert rows[0]["name"] == '\'=HYPERLINK("http://example.invalid","click")'
    assert rows[0]["outcome"] == "unreachable"


def test_report_csv_and_json(
    run: Run, chicago_data: Callable[[str], Path], url: Callable[[str], str], tmp_path: Path
) -> None:
    data = chicago_data("/changed.html")
    for name in ("check.csv", "check.json"):
        report = tmp_path / name
        result = run(
            "missions",
            "verify",
            "--mission",
            "us-chicago",
            "--data",
            str(data),
            "--report",
            str(report),
        )
        assert result.exit_code == 1
        assert result.stdout.endswith(f"wrote {report}\n")
    rows = list(csv.DictReader(io.StringIO((tmp_path / "check.csv").read_text("utf-8"))))
    records = json.loads((tmp_path / "check.json").read_text("utf-8"))
    expected = {
        "mission_id": "us-chicago",
        "outcome": "changed",
        "url": url("/changed.html"),
        "official_page": "no",
        "detail": "The office at Erie Street is closed.",
        "name": "Consulate General of the People's Republic of China in Chicago",
        "address": "100 West Erie Street | CHICAGO, IL 60654",
        "checked_on": date.today().isoformat(),
    }
    assert rows == [expected]
    pages = records[0].pop("pages")
    assert records == [expected]
    assert pages == [
        {
            "url": url("/changed.html"),
            "outcome": "changed",
            "final_url": url("/changed.html"),
            "detail": expected["detail"],
        }
    ]
    # Run again: our own report is replaced; someone else's file is not.
    assert (
        run(
            "missions",
            "verify",
            "--mission",
            "us-chicago",
            "--data",
            str(data),
            "--report",
            str(tmp_path / "check.csv"),
        ).exit_code
        == 1
    )
    theirs = tmp_path / "theirs.csv"
    theirs.write_text("budget\n1\n", encoding="utf-8")
    result = run(
        "missions",
        "verify",
        "--mission",
        "us-chicago",
        "--data",
        str(data),
        "--report",
        str(theirs),
    )
    assert result.exit_code == 2
    assert "exists and was not written by 'nkletters missions verify'" in result.stderr
    assert theirs.read_text("utf-8") == "budget\n1\n"


def test_overlay_holds_the_confirmed_missions(
    run: Run, chicago_data: Callable[[str], Path], url: Callable[[str], str], tmp_path: Path
) -> None:
    overlay = tmp_path / "confirmed.yaml"
    result = run(
        "missions",
        "verify",
        "--mission",
        "us-chicago",
        "--data",
        str(chicago_data("/moved", own_site=True)),
        "--overlay",
        str(overlay),
    )
    assert result.exit_code == 0, result.stderr
    # Its own site (the host of its website): no "(not an official page)".
    assert result.stdout == f"us-chicago  confirmed    {url('/confirmed.html')}\nwrote {overlay}\n"
    text = overlay.read_text("utf-8")
    assert text.startswith(verify_report.OVERLAY_MARK)
    from nkrefugees_letters import yamlio

    top = yamlio.load_text(text, overlay)
    assert top["schema_version"] == "2"
    (entry,) = top["missions"]
    assert entry["id"] == "us-chicago"
    assert entry["confidence"] == "official"
    assert entry["source"] == url("/confirmed.html")  # the page read, after the redirect
    assert entry["source_date"] == date.today().isoformat()
    assert entry["source_date_kind"] == "accessed"
    assert entry["address"] == {
        "lines": ["100 West Erie Street"],
        "locality": "Chicago",
        "region": "IL",
        "postal_code": "60654",
        "country": "US",
    }
    assert "verified" not in entry
    assert set(entry) <= set(missions.MISSION_FIELDS)
    mission = missions.load([overlay]).get("us-chicago")
    assert (mission.confidence, mission.source) == ("official", url("/confirmed.html"))


def test_overlay_travels_a_letter_prints_without_the_warning(
    run: Run, chicago_data: Callable[[str], Path], tmp_path: Path
) -> None:
    data = chicago_data("/confirmed.html", own_site=True)
    overlay = tmp_path / "confirmed.yaml"
    before = run("generate", "--mission", "us-chicago", "--data", str(data), "--dry-run")
    warning = "not confirmed by an official page (us-chicago)"
    assert warning in before.stderr
    result = run(
        "missions",
        "verify",
        "--mission",
        "us-chicago",
        "--data",
        str(data),
        "--overlay",
        str(overlay),
    )
    assert result.exit_code == 0, result.stderr
    after = run("generate", "--mission", "us-chicago", "--data", str(overlay), "--dry-run")
    assert after.exit_code == 0, after.stderr
    assert warning not in after.stderr
    assert "1 would be written, 0 failed" in after.stderr


def test_command_timeout_and_jobs(
    run: Run, chicago_data: Callable[[str], Path], url: Callable[[str], str]
) -> None:
    data = chicago_data("/slow")
    result = run(
        "missions",
        "verify",
        "--mission",
        "us-chicago",
        "--data",
        str(data),
        "--timeout",
        "0.5",
        "--jobs",
        "1",
    )
    assert result.exit_code == 1
    assert result.stdout == f"us-chicago  unreachable  {url('/slow')}  no answer within 0.5 s\n"


def test_overlay_of_nothing_confirmed_is_an_empty_mission_file(
    run: Run, chicago_data: Callable[[str], Path], tmp_path: Path
) -> None:
    overlay = tmp_path / "confirmed.yaml"
    result = run(
        "missions",
        "verify",
        "--mission",
        "us-chicago",
        "--data",
        str(chicago_data("/404")),
        "--overlay",
        str(overlay),
    )
    assert result.exit_code == 1
    assert overlay.read_text("utf-8").endswith('schema_version: "2"\nmissions: []\n')


def test_overlay_never_replaces_a_file_it_did_not_write(
    run: Run, chicago_data: Callable[[str], Path], tmp_path: Path, server: _Server
) -> None:
    theirs = tmp_path / "our-missions.yaml"
    theirs.write_text('schema_version: "1"\nmissions: []\n', encoding="utf-8")
    before = len(server.user_agents)
    result = run(
        "missions",
        "verify",
        "--mission",
        "us-chicago",
        "--data",
        str(chicago_data("/confirmed.html")),
        "--overlay",
        str(theirs),
    )
    assert result.exit_code == 2
    assert "exists and was not written by 'nkletters missions verify'" in result.stderr
    assert theirs.read_text("utf-8") == 'schema_version: "1"\nmissions: []\n'
    assert len(server.user_agents) == before  # refused before fetching anything


def test_stopping_early_fetches_no_more_pages(url: Callable[[str], str], server: _Server) -> None:
    chosen = [_mission(url(f"/slowish?{i}")) for i in range(8)]
    before = len(server.user_agents)
    results = verify.verify_all(chosen, jobs=2)
    next(results)
    results.close()
    time.sleep(0.5)
    assert len(server.user_agents) - before <= 4  # the first two and those already started


def test_overlay_from_a_page_that_is_not_official_keeps_the_confidence(
    run: Run, chicago_data: Callable[[str], Path], url: Callable[[str], str], tmp_path: Path
) -> None:
    overlay = tmp_path / "confirmed.yaml"
    result = run(
        "missions", "verify", "--mission", "us-chicago",
        "--data", str(chicago_data("/confirmed.html")), "--overlay", str(overlay),
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    mission = missions.load([overlay]).get("us-chicago")
    assert mission.confidence == "single"
    assert (mission.source, mission.source_date) == (url("/confirmed.html"), date.today())
    assert "a page that is not official: confidence stays 'single'" in mission.note


@pytest.mark.parametrize(
    ("source", "website", "confidence", "official"),
    [
        ("http://travel.test/china", "http://consulate.test/eng/", "single", False),
        ("http://consulate.test/contact", "http://consulate.test/eng/", "single", True),
        ("http://chicago.china-consulate.gov.cn/eng/", "", "none", True),
        ("http://protocol.test/list", "", "official", True),
        ("http://protocol.test/list", "", "secondary", False),
    ],
)
def test_which_confirming_pages_are_official(
    source: str, website: str, confidence: str, official: bool
) -> None:
    page = (FIXTURES / "confirmed.html").read_bytes()

    def answer(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, content=page, headers={"content-type": "text/html"})

    mission = dataclasses.replace(_mission(source, website), confidence=confidence)
    with verify.Checker(transport=httpx.MockTransport(answer)) as checker:
        result = checker.check(mission)
    assert result.outcome is Outcome.CONFIRMED
    assert result.official is official
