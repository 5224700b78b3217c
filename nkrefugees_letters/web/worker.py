"""Worker: the process that writes one batch's kit (``python -m nkrefugees_letters.web.worker``).

It reads the request as one line of JSON on standard input and reports its progress as
JSON lines on standard output (see :mod:`.jobs`); anything else it prints goes to stderr.
"""

from __future__ import annotations

import sys

from .jobs import BatchRequest, Progress, run_batch

__all__ = ["main"]


def main() -> None:
    """Read the request, write the kit, report on standard output."""
    request = BatchRequest.from_json(sys.stdin.readline())
    channel = sys.stdout
    sys.stdout = sys.stderr  # nothing but progress messages on the channel
    run_batch(request, Progress(channel))


if __name__ == "__main__":
    main()
