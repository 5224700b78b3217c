"""Files: the batch-wide files — print file, envelopes, labels, checklist, cover notes."""

from __future__ import annotations

import csv
import json
from collections import Counter
from dataclasses import replace
from pathlib import Path
from typing import TextIO

from .. import letters, output, sheet
from ..errors import LettersError
from ..letters import LetterOptions
from ..missions import Mission
from ..pdf import fonts, layout, stationery
from ..pdf.geometry import LABEL_SHEETS
from ..pdf.printfile import PrintFile
from ..profile import Profile
from ..text import templates
from ..text.lettertext import Block
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
)
from .workers import Outcome, Printed

COVER_NOTE_TEMPLATE = "cover-note"
RECEIPT_MARKER = "[receipt slip]"
"""In a cover-note template, the paragraph that separates the note from its receipt slip."""

DELIVERY_COLUMNS = (
    output.TABLE_MARK,  # first: how a later run knows the file is ours
    "mission",
    "address",
    "phone",
    "website",
    "confidence",
    "source",
    "consular_office",
    "file",
    "pages",
    "signer",
    "delivered_on",
    "received_by",
    "notes",
)


class BatchFiles:
    """all-letters.pdf, envelopes.pdf, labels.pdf and the delivery checklist, fed one
    letter at a time in batch order."""

    def __init__(
        self,
        plan: Plan,
        profile: Profile,
        options: BatchOptions,
        encoding: fonts.EncodingPlan | None = None,
    ) -> None:
        self.plan, self.profile, self.options = plan, profile, options
        self.encoding = encoding
        self.pending: list[output.AtomicFile] = []
        try:
            self._open_all()
        except BaseException:
            self.discard()
            raise
        self.rows = 0
        self.per_mission: Counter[str] = Counter()
        self.missions: dict[str, Mission] = {}

    def _open_all(self) -> None:
        plan, profile, options = self.plan, self.profile, self.options
        force = options.letter.force
        out = plan.out_dir
        title = f"Appeal letters, {plan.when.isoformat()}"
        self._print = self._open(out / PRINT_FILE, force)
        self.print_file = PrintFile(
            self._print.binary,
            duplex=options.duplex,
            title=title,
            author=_author(profile),
            when=plan.when,
            plan=self.encoding,
        )
        self.envelopes = stationery.Envelopes(
            self._open(out / ENVELOPES_FILE, force).binary,
            profile,
            size=options.envelope,
            title=f"Envelopes, {plan.when.isoformat()}",
            when=plan.when,
            plan=self.encoding,
        )
        self.labels = stationery.Labels(
            self._open(out / LABELS_FILE, force).binary,
            LABEL_SHEETS[plan.label_paper],
            title=f"Address labels, {plan.when.isoformat()}",
            when=plan.when,
            plan=self.encoding,
        )
        checklist = _text(self._open(out / DELIVERY_CSV, force, text=True))
        checklist.write(sheet.BOM)
        self.csv = csv.DictWriter(checklist, fieldnames=DELIVERY_COLUMNS)
        self.csv.writeheader()
        self.json = _text(self._open(out / DELIVERY_JSON, force, text=True))
        self.json.write("[")

    def _open(self, path: Path, force: bool, *, text: bool = False) -> output.AtomicFile:
        pending = output.AtomicFile(path, force=force, text=text)
        self.pending.append(pending)
        return pending

    def add(self, job: Job, printed: Printed, outcome: Outcome) -> None:
        """Add one written letter to every batch-wide file."""
        if printed.pages is not None:
            pages = self.print_file.add_pages(printed.pages, printed.language)
        else:
            letter = letters.compose(
                job.mission, self.profile, self.options.letter, signers=job.signers
            )
            pages = self.print_file.add(letter)
        if pages != outcome.pages:  # its own file and the print file must agree
            raise AssertionError(f"{job.file_name}: {outcome.pages} pages alone, {pages} in print")
        # Which letter goes in: the mission and the signer, not a file name.
        reference = " · ".join(filter(None, (job.mission.id, job.signer_names)))
        self.envelopes.add(
            printed.paper, printed.recipient_lines, reference=reference, language=printed.language
        )
        self.labels.add(printed.recipient_lines, printed.address_variants[1:])
        row = delivery_row(job, outcome)
        self.csv.writerow(sheet.neutral_row(row))
        record = {
            **row,
            "pages": outcome.pages,
            "address_lines": list(job.mission.address.postal_lines()),
        }
        self.json.write(
            ("\n  " if not self.rows else ",\n  ") + json.dumps(record, ensure_ascii=False)
        )
        self.rows += 1
        self.per_mission[job.mission.id] += 1
        self.missions.setdefault(job.mission.id, job.mission)

    def finish(self) -> tuple[list[Path], int, int]:
        """Close and rename every file; return them, the print file's pages and blank backs."""
        if not self.rows:
            self.discard()
            return [], 0, 0
        if self.options.cover_note:
            self._cover_notes()
        self.json.write("\n]\n")
        self.print_file.close()
        self.envelopes.close()
        self.labels.close()
        paths = [pending.commit() for pending in self.pending]
        return paths, self.print_file.pages, self.print_file.blank_pages

    def _cover_notes(self) -> None:
        notes = self._open(self.plan.out_dir / COVER_NOTES_FILE, self.options.letter.force)
        document = PrintFile(
            notes.binary,
            duplex=self.options.duplex,
            title=f"Cover notes, {self.plan.when.isoformat()}",
            author=_author(self.profile),
            when=self.plan.when,
            plan=self.encoding,
        )
        for mission_id, count in self.per_mission.items():
            note, slip = cover_note(
                self.missions[mission_id], self.profile, self.options.letter, count
            )
            document.add(note, slip=slip)
        document.close()

    def discard(self) -> None:
        """Remove every file begun (none of them is whole)."""
        for pending in self.pending:
            pending.discard()


def _text(file: output.AtomicFile) -> TextIO:
    assert file.text is not None
    return file.text


def _author(profile: Profile) -> str:
    return profile.organisation.name if profile.organisation else "nkletters"


def delivery_row(job: Job, outcome: Outcome) -> dict[str, str]:
    """One row of the delivery checklist; the last three columns are filled in by hand."""
    mission = job.mission
    return {
        "mission_id": mission.id,
        "mission": mission.name,
        "address": ", ".join(mission.address.postal_lines()),
        "phone": mission.phone,
        "website": mission.website,
        "confidence": mission.confidence,
        "source": mission.source,
        "consular_office": ", ".join(mission.consular_office.address.postal_lines())
        if mission.consular_office
        else "",
        "file": job.file_name,
        "pages": str(outcome.pages),
        "signer": job.signer_names,
        "delivered_on": "",
        "received_by": "",
        "notes": "",
    }


def cover_note(
    mission: Mission, profile: Profile, options: LetterOptions, letter_count: int
) -> tuple[layout.Letter, tuple[Block, ...]]:
    """The note asking ``mission`` to forward its letters, and the receipt slip under it.

    The template's paragraph ``[receipt slip]`` separates the two. The note is in the
    letters' first language when a cover-note template exists in it, else in English.
    """
    language = letters.split_languages(options.language or profile.defaults.language or "en")[0]
    try:
        templates.find_template(COVER_NOTE_TEMPLATE, language)
    except LettersError:
        language = "en"
    note_options = replace(options, language=language, template=COVER_NOTE_TEMPLATE)
    letter = letters.compose(mission, profile, note_options, extra={"letter_count": letter_count})
    blocks = letter.text.blocks
    split = next(
        (i for i, b in enumerate(blocks) if b.plain.strip() == RECEIPT_MARKER), len(blocks)
    )
    text = replace(letter.text, blocks=blocks[:split])
    return replace(letter, text=text), blocks[split + 1 :]


__all__ = ["DELIVERY_COLUMNS", "BatchFiles", "cover_note", "delivery_row"]
