"""How much of the world the mission directory covers, and how well.

    python scripts/coverage.py [--data FILE ...]

Prints the missions and countries covered, the share with a source and the share verified
by an official page, the oldest source dates (refresh those first), and per partner country
what is there. It reads the directory the same way nkletters does.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from datetime import date
from pathlib import Path

from nkrefugees_letters import i18n, missions

PARTNER_COUNTRIES = ("AU", "CA", "FI", "JP", "MW", "MX", "NL", "PE", "ZA", "KR", "GB", "US")
"""Where the campaign's partners deliver letters (issue 3)."""

WORLD_TARGET = {"embassy": 170, "consulate-general": 90}
"""Roughly how many the PRC keeps abroad: the goal the directory grows toward."""


def _share(part: int, whole: int) -> str:
    return f"{part}/{whole} ({part / whole:.0%})" if whole else "0/0"


def report(directory: missions.Directory, today: date) -> list[str]:
    """The coverage report, as lines of text."""
    all_missions = list(directory)
    open_missions = [m for m in all_missions if m.is_open]
    kinds = Counter(m.kind for m in open_missions)
    countries = {m.country for m in open_missions}
    sourced = [m for m in open_missions if m.source]
    verified = [m for m in open_missions if m.verified]
    positioned = [m for m in open_missions if m.latitude is not None]
    lines = [
        f"missions:  {len(all_missions)} ({len(open_missions)} open, "
        f"{len(all_missions) - len(open_missions)} closed)",
        f"countries: {len(countries)} with an open mission",
        "open missions by kind: "
        + ", ".join(
            f"{kinds.get(kind, 0)} {kind} (of ~{target})" for kind, target in WORLD_TARGET.items()
        ),
        f"sourced:   {_share(len(sourced), len(open_missions))} have the URL of their address",
        f"verified:  {_share(len(verified), len(open_missions))} confirmed by an official page",
        f"positions: {_share(len(positioned), len(open_missions))} "
        f"({sum(m.coordinates == 'source' for m in positioned)} from a source, "
        "the rest the gazetteer's city centre)",
    ]
    dated = sorted((m for m in sourced if m.source_date), key=lambda m: m.source_date or today)
    page_dated = [m for m in dated if m.source_date_kind == "page"]
    if page_dated:
        oldest = page_dated[0]
        lines.append(
            f"oldest source date: {oldest.source_date} ({oldest.id}); "
            f"{sum((today - (m.source_date or today)).days > 365 for m in page_dated)} "
            "page dates are more than 12 months old"
        )
    undated = len(dated) - len(page_dated)
    if undated:
        lines.append(f"undated source pages (date read instead): {undated}")
    lines += ["", "partner countries:"]
    for code in PARTNER_COUNTRIES:
        here = [m for m in open_missions if m.country == code]
        ok = sum(m.verified for m in here)
        ids = ", ".join(m.id for m in here) or "none"
        lines.append(
            f"  {code} {i18n.country_name(code):<15} {len(here):>2} open, {ok} verified: {ids}"
        )
    missing = [m.id for m in open_missions if not m.source]
    if missing:
        lines += ["", "open missions without a source: " + ", ".join(missing)]
    return lines


def main(argv: list[str]) -> int:
    """Print the report for the built-in directory (and any --data files)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, action="append", default=[], help="extra YAML")
    args = parser.parse_args(argv)
    for line in report(missions.load(args.data), date.today()):
        print(line)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
