"""Verify: fetch a mission's pages from the web and decide whether its address is still there.

The one module that imports httpx (and is itself imported only by ``missions verify``).
Nothing a page does raises: a timeout, a 404, a 20 MB page or bytes that are no text at
all are results (:class:`Outcome.UNREACHABLE`), like a page that no longer shows the
address (:class:`Outcome.CHANGED`). Reading a page's bytes as text is :mod:`.pages`; what
counts as the address being there is :func:`.matching.find_address`.
"""

from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Collection, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from enum import StrEnum
from types import TracebackType

import httpx

from .. import __version__
from .matching import find_address
from .model import CONFIRMED_LEVELS, Address, Mission
from .pages import page_text, printable, readable

__all__ = [
    "MAX_PAGE_BYTES",
    "MAX_REDIRECTS",
    "PER_HOST",
    "USER_AGENT",
    "Checker",
    "Outcome",
    "PageResult",
    "Settings",
    "Verification",
    "verify_all",
]

MAX_PAGE_BYTES = 5 * 1024 * 1024
"""A page longer than this is not read on: its result is *unreachable*, "page larger than
5 MB". Deciding on its first 5 MB instead could call an address *changed* that sits in the
footer, past the cut."""
USER_AGENT = f"nkletters/{__version__} (address check of PRC missions for letters)"
PER_HOST = 2
"""At most this many requests at once to one host: most missions share a few servers."""
MAX_REDIRECTS = 5


class Outcome(StrEnum):
    """What a check found."""

    CONFIRMED = "confirmed"
    """Street number, street name and postal code all stand together on the page."""
    CHANGED = "changed"
    """The page was read, but the address is not on it."""
    UNREACHABLE = "unreachable"
    """No page could be read: timeout, DNS, refused, an HTTP error, too large, not text."""


@dataclass(frozen=True)
class PageResult:
    """One page fetched and read."""

    url: str
    outcome: Outcome
    final_url: str
    """The URL after redirects; empty when no server answered."""
    detail: str
    """Unreachable: the reason. Otherwise the passage found (see
    :class:`.matching.AddressMatch`)."""


@dataclass(frozen=True)
class Verification:
    """A mission's address, checked against its source page and website."""

    mission: Mission
    outcome: Outcome
    url: str
    """The page that decided: the one confirming, else the one read, else the first tried."""
    detail: str
    pages: tuple[PageResult, ...]
    official: bool = False
    """Confirmed on an official page: the mission's own site (its website's host), a
    PRC government site (.gov.cn), or the source of an address already known at
    ``official`` or ``official-copy``. A travel site confirming its own copy is not."""


@dataclass(frozen=True)
class Settings:
    """How to fetch: seconds to wait for a connection and for each read, the size limit."""

    timeout: float = 10.0
    max_bytes: int = MAX_PAGE_BYTES


# --- fetching -----------------------------------------------------------------------


class _PageError(Exception):
    """A page could not be read; the message is the reason shown to the user."""


def _reason(exc: Exception, timeout: float) -> str:
    """One short, plain reason for a failed request."""
    text = str(exc)
    if isinstance(exc, httpx.ConnectTimeout):
        return f"no connection within {timeout:g} s"
    if isinstance(exc, httpx.TimeoutException):
        return f"no answer within {timeout:g} s"
    if isinstance(exc, httpx.TooManyRedirects):
        return f"more than {MAX_REDIRECTS} redirects"
    if isinstance(exc, httpx.ConnectError):
        lowered = text.lower()
        if any(s in lowered for s in ("name or service", "nodename", "getaddrinfo", "no address")):
            return "host not found (DNS)"
        if "refused" in lowered:
            return "connection refused"
        if "certificate" in lowered or "ssl" in lowered:
            return f"TLS error: {text}"
        return f"cannot connect: {text}" if text else "cannot connect"
    if isinstance(exc, httpx.UnsupportedProtocol | httpx.InvalidURL | UnicodeError):
        return f"not a web address: {text}"
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


class Checker:
    """Fetches pages and checks missions; one HTTP client, shared by threads.

    Use as a context manager. A page in ``shared`` (one the Foreign Ministry's list
    gives for 172 embassies) is fetched once and kept for the run. ``transport``
    replaces the network (for tests).
    """

    def __init__(
        self,
        settings: Settings = Settings(),
        *,
        shared: Collection[str] = (),
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self.settings = settings
        self._shared = frozenset(shared)
        self._kept: dict[str, tuple[str, str] | str] = {}
        """A shared page's final URL and text, or why it could not be read."""
        self._page_locks: dict[str, threading.Lock] = {}
        self._client = httpx.Client(
            headers={"User-Agent": USER_AGENT},
            timeout=httpx.Timeout(settings.timeout),
            follow_redirects=True,
            max_redirects=MAX_REDIRECTS,
            # One retry on a failed connection, none on anything else: no retry storm.
            transport=transport or httpx.HTTPTransport(retries=1),
        )
        self._hosts: dict[str, threading.BoundedSemaphore] = {}
        self._lock = threading.Lock()

    def __enter__(self) -> Checker:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self._client.close()

    def _host_slot(self, url: httpx.URL) -> threading.BoundedSemaphore:
        host = url.host.lower()
        with self._lock:
            return self._hosts.setdefault(host, threading.BoundedSemaphore(PER_HOST))

    def fetch(self, url: str) -> tuple[str, str]:
        """The final URL and text of a page; :class:`_PageError` when it cannot be read."""
        limit = self.settings.max_bytes
        too_large = f"page larger than {limit / 1024 / 1024:g} MB"
        # A server trickling bytes within each read timeout still ends here.
        deadline = time.monotonic() + 3 * self.settings.timeout
        try:
            target = httpx.URL(url)
        except (httpx.InvalidURL, ValueError) as exc:  # idna's errors are ValueErrors
            raise _PageError(f"not a web address: {printable(str(exc))[:120]}") from None
        try:
            with self._host_slot(target), self._client.stream("GET", target) as response:
                final_url = str(response.url)
                if response.status_code >= 400:
                    phrase = printable(response.reason_phrase or "")[:80]
                    raise _PageError(f"HTTP {response.status_code} {phrase}".strip())
                content_type = response.headers.get("content-type", "")
                if not readable(content_type):
                    mime = printable(content_type.split(";")[0])[:80]
                    raise _PageError(f"not a text page ({mime})")
                length = response.headers.get("content-length", "")
                if length.isdigit() and int(length) > limit:
                    raise _PageError(too_large)
                chunks: list[bytes] = []
                size = 0
                for chunk in response.iter_bytes():
                    size += len(chunk)
                    if size > limit:
                        raise _PageError(too_large)
                    if time.monotonic() > deadline:
                        raise _PageError(f"page not read within {3 * self.settings.timeout:g} s")
                    chunks.append(chunk)
        except (httpx.HTTPError, httpx.InvalidURL, UnicodeError) as exc:
            # InvalidURL and idna's UnicodeError: a redirect to a malformed address.
            raise _PageError(printable(_reason(exc, self.settings.timeout))[:200]) from None
        return final_url, page_text(b"".join(chunks), content_type)

    def _read(self, url: str) -> tuple[str, str]:
        """:meth:`fetch`, or for a shared page the one fetch of this run."""
        if url not in self._shared:
            return self.fetch(url)
        with self._lock:
            page_lock = self._page_locks.setdefault(url, threading.Lock())
        with page_lock:  # the first thread fetches; the others wait for its result
            if url not in self._kept:
                try:
                    self._kept[url] = self.fetch(url)
                except _PageError as problem:
                    self._kept[url] = str(problem)
            kept = self._kept[url]
        if isinstance(kept, str):
            raise _PageError(kept)
        return kept

    def check_page(self, url: str, address: Address) -> PageResult:
        """Fetch ``url`` and look for ``address`` on it."""
        try:
            final_url, text = self._read(url)
        except _PageError as problem:
            return PageResult(url, Outcome.UNREACHABLE, "", str(problem))
        match = find_address(address, text)
        outcome = Outcome.CONFIRMED if match.found else Outcome.CHANGED
        return PageResult(url, outcome, final_url, match.nearest)

    def check(self, mission: Mission) -> Verification:
        """Check a mission's address on its source page, then on its website."""
        urls = list(dict.fromkeys(u for u in (mission.source, mission.website) if u))
        if not urls:
            return Verification(
                mission, Outcome.UNREACHABLE, "", "no source page or website to check", ()
            )
        pages: list[PageResult] = []
        for url in urls:
            pages.append(self.check_page(url, mission.address))
            if pages[-1].outcome is Outcome.CONFIRMED:
                break
        return _decide(mission, pages)


def _decide(mission: Mission, pages: list[PageResult]) -> Verification:
    for outcome in (Outcome.CONFIRMED, Outcome.CHANGED):
        chosen = [p for p in pages if p.outcome is outcome]
        if chosen:
            # Of two pages read, the one that came nearer to the address.
            page = max(chosen, key=lambda p: bool(p.detail))
            detail = page.detail
            if outcome is Outcome.CHANGED and not mission.address.lines:
                detail = "the directory has no street address to compare"
            elif outcome is Outcome.CHANGED and not detail:
                detail = "no word of the address on the page"
            official = outcome is Outcome.CONFIRMED and _official(mission, page)
            return Verification(mission, outcome, page.final_url, detail, tuple(pages), official)
    reasons = "; ".join(p.detail if i == 0 else f"{p.url}: {p.detail}" for i, p in enumerate(pages))
    return Verification(mission, Outcome.UNREACHABLE, pages[0].url, reasons, tuple(pages))


def _host(url: str) -> str:
    try:
        return httpx.URL(url).host.lower()
    except (httpx.InvalidURL, ValueError):
        return ""


def _official(mission: Mission, page: PageResult) -> bool:
    """Whether the page that confirmed the address is an official one (see Verification)."""
    host = _host(page.final_url)
    own_site = bool(host) and host == _host(mission.website)
    government = host == "gov.cn" or host.endswith(".gov.cn")
    known = page.url == mission.source and mission.confidence in CONFIRMED_LEVELS
    return own_site or government or known


def verify_all(
    missions: Iterable[Mission],
    settings: Settings = Settings(),
    *,
    jobs: int = 4,
    transport: httpx.BaseTransport | None = None,
) -> Iterator[Verification]:
    """Check each mission, ``jobs`` at a time, yielding the results in the given order."""
    chosen = list(missions)
    uses = Counter(url for m in chosen for url in {m.source, m.website} if url)
    shared = {url for url, count in uses.items() if count > 1}
    with Checker(settings, shared=shared, transport=transport) as checker:
        pool = ThreadPoolExecutor(jobs)
        try:
            yield from pool.map(checker.check, chosen)
        finally:
            # On Ctrl-C (or a caller that stops early) the pages not yet asked for are not.
            pool.shutdown(cancel_futures=True)
