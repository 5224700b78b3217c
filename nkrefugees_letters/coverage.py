"""Coverage: how much of the world the mission directory covers, and how well it is known.

``nkletters missions stats`` and ``scripts/coverage.py`` print this report: the embassies
and consulates-general listed against the Foreign Ministry's count, how each address is
known (by confidence level), which posts lack a source, and the oldest sources — the
ones to re-check first before 24 September.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from datetime import date

from . import i18n
from .missions import CONFIDENCE_LEVELS, CONFIRMED_LEVELS, Mission

__all__ = ["MINISTRY_COUNT", "PARTNER_COUNTRIES", "report"]

MINISTRY_COUNT = {"embassy": 176, "consulate-general": 95}
"""How many posts of each kind the PRC keeps abroad: the embassies on the Foreign
Ministry's list (copy of 2026-09-25: 176); the consulates-general, roughly (no ministry
list of them was found)."""

PARTNER_COUNTRIES = ("AU", "CA", "FI", "JP", "MW", "MX", "NL", "PE", "ZA", "KR", "GB", "US")
"""Where the campaign's partners deliver letters."""

OLDEST_SHOWN = 5


def _share(part: int, whole: int) -> str:
    return f"{part}/{whole} ({part / whole:.0%})" if whole else "0/0"


def report(directory: Iterable[Mission], today: date) -> list[str]:
    """The coverage report, as lines of text."""
    everything = list(directory)
    posts = [m for m in everything if m.is_open]
    kinds = Counter(m.kind for m in everything)
    lines = [
        f"missions:  {len(everything)} ({len(posts)} open, {len(everything) - len(posts)} closed)",
        f"countries: {len({m.country for m in posts})} with an open mission",
        "listed:    "
        + ", ".join(
            f"{kinds.get(kind, 0)} {kind} (the ministry's count: {'~' if kind != 'embassy' else ''}"
            f"{count})"
            for kind, count in MINISTRY_COUNT.items()
        ),
        f"sourced:   {_share(sum(bool(m.source) for m in posts), len(posts))} open posts "
        "have the URL of the page their address came from",
        "confidence of open posts' addresses:",
    ]
    levels = Counter(m.confidence for m in posts)
    for level in CONFIDENCE_LEVELS:
        by_kind = Counter(m.kind for m in posts if m.confidence == level)
        detail = ", ".join(f"{n} {kind}" for kind, n in sorted(by_kind.items()))
        lines.append(f"  {level:<14}{levels.get(level, 0):>4}  {detail}")
    confirmed = sum(levels.get(level, 0) for level in CONFIRMED_LEVELS)
    lines.append(
        f"  at {' or '.join(CONFIRMED_LEVELS)}: {_share(confirmed, len(posts))} "
        "(a letter to these prints without a warning)"
    )
    lines += _oldest(posts, today)
    lines += ["", "partner countries:"]
    for code in PARTNER_COUNTRIES:
        here = [m for m in posts if m.country == code]
        ok = sum(m.confidence in CONFIRMED_LEVELS for m in here)
        ids = ", ".join(f"{m.id} ({m.confidence})" for m in here) or "none"
        lines.append(
            f"  {code} {i18n.country_name(code):<15} {len(here):>2} open, {ok} confirmed: {ids}"
        )
    missing = [m.id for m in posts if not m.source]
    lines += ["", "open posts without a source: " + (", ".join(missing) or "none")]
    return lines


def _oldest(posts: list[Mission], today: date) -> list[str]:
    dated = sorted((m for m in posts if m.source_date), key=lambda m: m.source_date or today)
    if not dated:
        return []
    stale = sum((today - (m.source_date or today)).days > 365 for m in dated)
    lines = [f"oldest sources ({stale} of {len(dated)} more than 12 months old; re-check first):"]
    for mission in dated[:OLDEST_SHOWN]:
        how = "read" if mission.source_date_kind == "accessed" else "dated"
        lines.append(f"  {mission.source_date} {how}  {mission.id}  {mission.source}")
    return lines
