"""How much of the world the mission directory covers, and how well.

    python scripts/coverage.py [--data FILE ...]

The same report as ``nkletters missions stats``: embassies and consulates-general listed
against the Foreign Ministry's count, by confidence level, the posts without a source, the
oldest sources, and per partner country what is there. It reads the directory the same way
nkletters does.
"""

from __future__ import annotations

import argparse
import sys
from datetime import date
from pathlib import Path

from nkrefugees_letters import coverage, missions


def main(argv: list[str]) -> int:
    """Print the report for the built-in directory (and any --data files)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, action="append", default=[], help="extra YAML")
    args = parser.parse_args(argv)
    for line in coverage.report(missions.load(args.data), date.today()):
        print(line)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
