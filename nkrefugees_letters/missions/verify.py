"""Verify: fetch a mission's pages from the web and decide whether its address is still there.

The one module that imports httpx and charset-normalizer. Nothing a page does raises: a
timeout, a 404, a 20 MB page or bytes that are no text at all are results
(:class:`Outcome.UNREACHABLE`), like a page that no longer shows the address
(:class:`Outcome.CHANGED`). What counts as the address being there is :func:`find_address`.
"""

from __future__ import annotations

import codecs
import functools
import re
import threading
import time
import unicodedata
from collections import Counter
from collections.abc import Collection, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from enum import StrEnum
from html.parser import HTMLParser
from types import TracebackType

import charset_normalizer
import httpx

from .. import __version__
from . import CONFIRMED_LEVELS, Address, Mission

__all__ = [
    "MAX_PAGE_BYTES",
    "MAX_REDIRECTS",
    "PER_HOST",
    "USER_AGENT",
    "AddressMatch",
    "Checker",
    "Outcome",
    "PageResult",
    "Settings",
    "Verification",
    "decode",
    "find_address",
    "page_text",
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

_DETECT_BYTES = 64 * 1024  # what charset detection reads: the whole of 5 MB would be slow


class Outcome(StrEnum):
    """What a check found."""

    CONFIRMED = "confirmed"
    """Street number, street name and postal code all stand together on the page."""
    CHANGED = "changed"
    """The page was read, but the address is not on it."""
    UNREACHABLE = "unreachable"
    """No page could be read: timeout, DNS, refused, an HTTP error, too large, not text."""


@dataclass(frozen=True)
class AddressMatch:
    """Whether a text holds an address, and the part of the text that comes nearest."""

    found: bool
    nearest: str
    """The address as the page writes it when found; else the passage sharing most of
    its words (empty when no word of the address is on the page)."""


@dataclass(frozen=True)
class PageResult:
    """One page fetched and read."""

    url: str
    outcome: Outcome
    final_url: str
    """The URL after redirects; empty when no server answered."""
    detail: str
    """Unreachable: the reason. Otherwise the passage found (see :class:`AddressMatch`)."""


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


# --- reading a page ---------------------------------------------------------------

_META_CHARSET = re.compile(rb"""<meta[^>]*?charset\s*=\s*["']?\s*([A-Za-z0-9_.:\-]+)""", re.I)
_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
# Labels a page declares that browsers read as a wider encoding (the WHATWG Encoding
# standard): a page labelled Latin-1 is written in Windows-1252 in practice.
_WIDER = {
    "latin_1": "cp1252",
    "iso8859_1": "cp1252",
    "ascii": "cp1252",
    "big5": "big5hkscs",
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "euc_kr": "cp949",
    "shift_jis": "cp932",
    "utf_16": "utf-8",  # an HTML page cannot declare UTF-16 in a meta tag it can still read
}


def _codec(label: str | None) -> str | None:
    """The Python codec for a charset label, or None for an unknown or non-text one."""
    if not label:
        return None
    try:
        name = codecs.lookup(label.strip().strip("\"'")).name.replace("-", "_")
        codec = _WIDER.get(name, name)
        "a".encode(codec)  # refuses 'rot13', 'base64' and the like: not text encodings
    except (LookupError, ValueError):
        return None
    return codec


def decode(body: bytes, content_type: str = "") -> str:
    """A page's bytes as text: by its byte-order mark, the HTTP charset, its ``<meta
    charset>``, UTF-8 if it decodes, else the encoding charset-normalizer detects."""
    for bom, codec in _BOMS:
        if body.startswith(bom):
            return body.decode(codec, errors="replace")
    header = re.search(r"charset\s*=\s*[\"']?([^\s;\"']+)", content_type, re.I)
    meta = _META_CHARSET.search(body[:8192])
    for label in (header[1] if header else None, meta[1].decode("ascii") if meta else None):
        declared = _codec(label)
        if declared:
            return body.decode(declared, errors="replace")
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError:
        pass
    return body.decode(_detect(body[:_DETECT_BYTES]), errors="replace")


def _detect(sample: bytes) -> str:
    """The encoding charset-normalizer finds; Windows-1252 among equally good guesses.

    It ranks Central European cp1250 first for a Latin-1 page (they agree on ß and ä,
    not on ñ); an undeclared page is far more often Western (the Web's default legacy
    encoding, per the WHATWG Encoding standard).
    """
    matches = list(charset_normalizer.from_bytes(sample))
    if not matches:
        return "cp1252"
    best = matches[0]
    ties = [m for m in matches if (m.chaos, m.coherence) == (best.chaos, best.coherence)]
    if any("cp1252" in m.could_be_from_charset for m in ties):
        return "cp1252"
    return _codec(best.encoding) or "cp1252"


_BLOCKS = frozenset(
    re.split(
        r"\s+",
        "address article aside blockquote br dd div dl dt footer form h1 h2 h3 h4 h5 h6 header "
        "hr li main nav ol p pre section table tbody td th thead tr ul",
    )
)
_HIDDEN = frozenset(("script", "style", "template"))


class _TextParser(HTMLParser):
    """Collects the text a reader sees: no scripts or styles, a line break per block."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _HIDDEN:
            self._hidden += 1
        elif tag in _BLOCKS:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in _HIDDEN:
            self._hidden = max(0, self._hidden - 1)
        elif tag in _BLOCKS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self._hidden:
            self.parts.append(data)


def page_text(body: bytes, content_type: str = "") -> str:
    """The readable text of a page: HTML without its markup, or plain text as it is."""
    text = decode(body, content_type)
    mime = content_type.split(";", 1)[0].strip().lower()
    looks_html = re.search(r"<(?:!doctype|html|head|body|p|div|br|table)\b", text[:4096], re.I)
    if mime in ("text/html", "application/xhtml+xml") or (
        mime in ("", "application/octet-stream") and looks_html
    ):
        parser = _TextParser()
        parser.feed(text)
        parser.close()
        text = "".join(parser.parts)
    return text


def _readable(content_type: str) -> bool:
    mime = content_type.split(";", 1)[0].strip().lower()
    return (
        not mime
        or mime.startswith("text/")
        or mime.endswith(("/xml", "+xml", "/json"))
        or mime == "application/octet-stream"
    )


# --- finding an address in a text ---------------------------------------------------

# Street words and their abbreviations, so that "100 West Erie St." matches "100 W Erie
# Street" and "Hofmannstr. 10" matches "Hofmannstraße 10". Words compare after accents
# are dropped and case is folded (ß becomes ss).
_SAME_WORD: dict[str, tuple[str, ...]] = {
    **dict.fromkeys(("street", "str", "strasse", "saint"), ("st",)),
    **dict.fromkeys(("avenue", "av", "avda", "avenida"), ("ave",)),
    **dict.fromkeys(("boulevard", "bd", "bvd"), ("blvd",)),
    "road": ("rd",),
    "drive": ("dr",),
    "place": ("pl",),
    "lane": ("ln",),
    "court": ("ct",),
    "square": ("sq",),
    "crescent": ("cres",),
    "highway": ("hwy",),
    "jalan": ("jl",),
    "calle": ("c",),
    "sokak": ("sok",),
    "sokagi": ("sok",),
    "caddesi": ("cad",),
    "ulica": ("ul",),
    "sainte": ("ste",),
    "north": ("n",),
    "south": ("s",),
    "east": ("e",),
    "west": ("w",),
    **{word: (word[0], word[1]) for word in ("nw", "ne", "sw", "se")},
    "northwest": ("n", "w"),
    "northeast": ("n", "e"),
    "southwest": ("s", "w"),
    "southeast": ("s", "e"),
}
_NUMBER_WORDS = frozenset(("no", "nr", "nro", "number", "num", "numero"))
"""'No. 25', 'Nr. 25' and '25' are the same house number."""
_WORD = re.compile(r"[^\W_]+")
_RUN = re.compile(r"\d+|[^\W\d_]+")
_PIECE = re.compile(r"\d+|[a-z]+|[^\W\d_]")
_CJK = re.compile("[\u2e80-\u9fff\uf900-\ufaff\U00020000-\U0002fa1f]")


@functools.lru_cache(maxsize=1 << 16)  # pages repeat their words: 7× faster on 5 MB
def _pieces(word: str) -> tuple[str, ...]:
    """The comparable pieces of one word: folded, without accents, digits apart from
    letters (12A is 12 and a), each CJK character alone (no spaces between words)."""
    folded = "".join(
        c for c in unicodedata.normalize("NFKD", word.casefold()) if not unicodedata.combining(c)
    )
    pieces: list[str] = []
    for run in _RUN.findall(folded):
        pieces.extend(_PIECE.findall(run) if _CJK.search(run) else [run])
    out: list[str] = []
    for piece in pieces:
        if piece in _SAME_WORD:
            out.extend(_SAME_WORD[piece])
        elif len(piece) > 7 and piece.endswith("strasse"):
            out.append(piece[:-7] + "st")
        elif len(piece) > 3 and piece.endswith("str") and piece.isascii():
            out.append(piece[:-3] + "st")
        else:
            out.append(piece)
    return tuple(out)


def _tokens(text: str) -> Iterator[tuple[str, int, int]]:
    """Comparable tokens of a text, each with the span of the word it came from."""
    for match in _WORD.finditer(text):
        for piece in _pieces(match.group()):
            yield piece, match.start(), match.end()


def _street_line(address: Address) -> str:
    """The line holding the street: the first with a house number, else the first."""
    return next((line for line in address.lines if re.search(r"\d", line)), address.lines[0])


def find_address(address: Address, text: str) -> AddressMatch:
    """Whether ``text`` holds the address, and the passage of ``text`` nearest to it.

    The address is found when every word and number of its street line and its postal
    code (if it has one) stand within a short passage — at most twice as many words as
    they are, plus ten — in any order, so "Habarzel St. 25" matches "25 Habarzel
    Street". Case, accents, spaces, punctuation and common street abbreviations (St.,
    Ave., Str.) do not count.
    """
    if not address.lines:
        return AddressMatch(False, "")
    street = unicodedata.normalize("NFC", _street_line(address))
    wanted = [t for t, _, _ in _tokens(street) if t not in _NUMBER_WORDS]
    wanted += [t for t, _, _ in _tokens(address.postal_code)]
    # Letters weigh more than numbers: a passage is not nearer for sharing a number.
    weight = {t: 1 if t.isdigit() or len(t) == 1 else 2 for t in wanted}
    text = unicodedata.normalize("NFC", text)
    # Only the tokens of the address matter: a 5 MB page holds a million others.
    hits = [
        _Hit(index, token, start, end)
        for index, (token, start, end) in enumerate(_tokens(text))
        if token in weight
    ]
    score, first, last = _best_window(hits, weight, span=2 * len(wanted) + 10)
    if score == 0:
        return AddressMatch(False, "")
    passage = _passage(text, hits[first].start, hits[last].end)
    return AddressMatch(score == sum(weight.values()), passage)


@dataclass(frozen=True)
class _Hit:
    index: int
    """Position among the text's tokens."""
    token: str
    start: int
    end: int
    """Where the token's word stands in the text."""


def _best_window(hits: list[_Hit], weight: dict[str, int], span: int) -> tuple[int, int, int]:
    """The run of ``hits`` within ``span`` tokens whose distinct tokens weigh most:
    (its weight, first hit, last hit). Stops at the first run holding them all."""
    full = sum(weight.values())
    counts: Counter[str] = Counter()
    score = left = 0
    best = (0, 0, 0)
    for right, hit in enumerate(hits):
        counts[hit.token] += 1
        score += weight[hit.token] if counts[hit.token] == 1 else 0
        while hit.index - hits[left].index >= span:
            counts[hits[left].token] -= 1
            score -= weight[hits[left].token] if counts[hits[left].token] == 0 else 0
            left += 1
        if score > best[0]:
            best = (score, left, right)
        if score == full:
            break
    return best


def _passage(text: str, start: int, end: int, limit: int = 200) -> str:
    """The text from ``start`` to ``end``, widened to its lines when they are short."""
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", end)
    line_end = len(text) if line_end < 0 else line_end
    if line_end - line_start <= limit:
        start, end = line_start, line_end
    passage = _printable(text[start:end])
    return passage if len(passage) <= limit else passage[: limit - 1] + "…"


def _printable(text: str) -> str:
    """Page text made safe to print: no control or format characters (terminal escapes,
    bidi overrides), whitespace runs as one space."""
    kept = "".join(c if unicodedata.category(c)[0] != "C" else " " for c in text)
    return " ".join(kept.split())


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
            raise _PageError(f"not a web address: {_printable(str(exc))[:120]}") from None
        try:
            with self._host_slot(target), self._client.stream("GET", target) as response:
                final_url = str(response.url)
                if response.status_code >= 400:
                    phrase = _printable(response.reason_phrase or "")[:80]
                    raise _PageError(f"HTTP {response.status_code} {phrase}".strip())
                content_type = response.headers.get("content-type", "")
                if not _readable(content_type):
                    mime = _printable(content_type.split(";")[0])[:80]
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
            raise _PageError(_printable(_reason(exc, self.settings.timeout))[:200]) from None
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
