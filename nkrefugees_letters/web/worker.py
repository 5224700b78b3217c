"""Worker: the process that writes one batch's kit (``python -m nkrefugees_letters.web.worker``).

Started with the server's process id as its argument, it reads the request as one line of
JSON on standard input and reports its progress as JSON lines on standard output (see
:mod:`.jobs`); anything else it prints goes to stderr. It ends when that server process
does, killed or not (Linux): a batch left running would write its kit for nobody.
"""

from __future__ import annotations

import signal
import sys

from ..batch.workers import die_with_parent
from .jobs import BatchRequest, Progress, run_batch

__all__ = ["main"]


def main() -> None:
    """Read the request, write the kit, report on standard output."""
    if len(sys.argv) > 1 and sys.argv[1].isdigit():
        die_with_parent(int(sys.argv[1]), signal.SIGTERM)
    request = BatchRequest.from_json(sys.stdin.readline())
    channel = sys.stdout
    sys.stdout = sys.stderr  # nothing but progress messages on the channel
    run_batch(request, Progress(channel))


if __name__ == "__main__":
    main()
