"""Matching: whether a page's text holds a mission's address, and the passage nearest to it.

Words compare after accents are dropped, case is folded and common street abbreviations
are expanded; the street line's words and the postal code must stand close together.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass

from .model import Address
from .pages import printable

__all__ = ["AddressMatch", "find_address"]


@dataclass(frozen=True)
class AddressMatch:
    """Whether a text holds an address, and the part of the text that comes nearest."""

    found: bool
    nearest: str
    """The address as the page writes it when found; else the passage sharing most of
    its words (empty when no word of the address is on the page)."""


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
    passage = printable(text[start:end])
    return passage if len(passage) <= limit else passage[: limit - 1] + "…"
