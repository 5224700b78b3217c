"""Batch: many letters in one run — which ones, in how many processes, and what else to print.

A batch is planned first (:func:`plan`: the missions, the signers, a file name for each
letter) and then run (:func:`run`). Worker processes lay out and write the letters, one
file each, and send back each letter's finished pages; the main process adds them, in
batch order, to the print file (all-letters.pdf) and writes envelopes.pdf, labels.pdf and
the delivery checklist. A fixed font encoding for the whole batch (an EncodingPlan handed
to every document) is what lets a page laid out for one file go into another unchanged.
Every file is written through a temporary name and renamed when whole, and nothing holds
the whole batch in memory, so a run of 10,000 letters needs no more than a run of 100 and
an interrupted run leaves no partial file.

The parts: planning (which letters, file names, signers routed to missions), workers (the
processes that write letters), pool (how those processes are started, fed and stopped),
files (the batch-wide files), running (the run and its report); which missions, the
selection module decides.
"""

from __future__ import annotations

from ..selection import Selection, select
from .files import cover_note, delivery_row
from .planning import (
    COVER_NOTES_FILE,
    DELIVERY_CSV,
    DELIVERY_JSON,
    ENVELOPES_FILE,
    LABELS_FILE,
    PRINT_FILE,
    BatchOptions,
    Job,
    Plan,
    output_folder,
    plan,
)
from .running import BatchReport, Failure, run, summary
from .workers import SCRATCH_PREFIX, Outcome, worker_count

__all__ = [
    "COVER_NOTES_FILE",
    "DELIVERY_CSV",
    "DELIVERY_JSON",
    "ENVELOPES_FILE",
    "LABELS_FILE",
    "PRINT_FILE",
    "SCRATCH_PREFIX",
    "BatchOptions",
    "BatchReport",
    "Failure",
    "Job",
    "Outcome",
    "Plan",
    "Selection",
    "cover_note",
    "delivery_row",
    "output_folder",
    "plan",
    "run",
    "select",
    "summary",
    "worker_count",
]
