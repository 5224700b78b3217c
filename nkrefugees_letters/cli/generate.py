"""CLI: ``nkletters generate`` — one letter, or a batch of them.

Which of the two a run asks for, and which missions, is :mod:`selection`'s to decide;
a single letter is :func:`letters.generate`, a batch :func:`batch.plan` then
:func:`batch.run`. This module parses the options and says what happened.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

import click

from .. import cliopts
from .common import (
    data_option,
    date_option,
    error,
    explain,
    friendly_errors,
    letter_lang_option,
    letter_mission,
    letters,
    load_profile,
    missions,
    profile,
    profile_option,
    say,
    selection,
    shown,
    template_option,
    warn,
)

if TYPE_CHECKING:
    from .. import batch
    from ..signers import SignerList

__all__ = ["generate"]


@click.command()
@click.option(
    "--city",
    "cities",
    multiple=True,
    help="City of the embassy or consulate, e.g. Chicago; repeat for a batch.",
)
@click.option(
    "--country",
    "countries",
    multiple=True,
    callback=cliopts.country_option_values,
    metavar="CC",
    help="Two-letter country code: which country an ambiguous --city is in or, without "
    "--city, every mission in that country (repeatable).",
)
@click.option(
    "--mission",
    "mission_ids",
    multiple=True,
    shell_complete=cliopts.complete_missions,
    help="Mission id instead of a city, e.g. us-chicago (repeatable).",
)
@click.option("--all", "all_missions", is_flag=True, help="A letter to every open mission.")
@click.option(
    "--signers",
    "signers_path",
    type=click.Path(path_type=Path, dir_okay=False),
    help="CSV of people who each sign a letter to the mission serving their city (columns "
    "name, title, organisation, email, city, country, personal_note).",
)
@click.option(
    "--cosign", is_flag=True, help="With --signers: one letter per mission, signed by all."
)
@click.option(
    "--duplex", is_flag=True, help="Print file for two-sided printing: each letter on a new sheet."
)
@click.option("--dry-run", is_flag=True, help="Show what would be written; write nothing.")
@click.option(
    "--jobs",
    type=click.IntRange(min=1),
    default=None,
    help="Processes to use for a batch (default: one per core).",
)
@cliopts.verbosity
@click.option(
    "--envelope",
    type=click.Choice(["dl", "c5", "c4", "10"], case_sensitive=False),
    default=None,
    help="Envelope size for envelopes.pdf (default: DL for A4 letters, #10 for US Letter).",
)
@click.option(
    "--cover-note",
    is_flag=True,
    help="Also write cover-notes.pdf: a note per mission asking it to forward the letters, "
    "with a receipt slip.",
)
@profile_option
@data_option
@letter_lang_option(
    "Letter language: en, zh, ko, ja, es, or two joined by '+' for a bilingual letter "
    "(en+zh). Default: the profile's, else en."
)
@template_option
@click.option(
    "--paper",
    type=click.Choice(["auto", "a4", "letter"], case_sensitive=False),
    default=None,
    help="Paper size (default: US Letter in the US, Canada and Mexico, A4 elsewhere).",
)
@date_option
@click.option(
    "--out",
    "out_dir",
    type=click.Path(path_type=Path, file_okay=False),
    default=None,
    help="Output folder (default: ./letters).",
)
@click.option("--fold-marks", is_flag=True, help="Print fold and punch marks in the margin.")
@click.option(
    "--force", is_flag=True, help="Overwrite an existing file that nkletters did not write."
)
@friendly_errors
# Long only by its signature (one parameter per option, as Click passes them) and its
# help text; the body is option → library call: selection, then one letter or a batch.
def generate(
    cities: tuple[str, ...],
    countries: tuple[str, ...],
    mission_ids: tuple[str, ...],
    all_missions: bool,
    signers_path: Path | None,
    cosign: bool,
    duplex: bool,
    dry_run: bool,
    jobs: int | None,
    envelope: str | None,
    cover_note: bool,
    profile_path: Path | None,
    data_paths: tuple[Path, ...],
    language: str | None,
    template: str | None,
    paper: str | None,
    when: date | None,
    out_dir: Path | None,
    fold_marks: bool,
    force: bool,
) -> None:
    """Write the letter for one embassy or consulate as a PDF, or a batch of them.

    A batch (--all, --country without --city, several --city or --mission, --signers)
    writes one PDF per letter into letters/DATE/, plus all-letters.pdf to print them in
    one go, envelopes.pdf, labels.pdf and a delivery checklist (delivery.csv, .json).

    \b
    Examples:
        nkletters generate --city Chicago
        nkletters generate --city "San Francisco" --date 2026-09-24 --out ~/letters
        nkletters generate --mission gb-london --profile nkletters.yaml
        nkletters generate --all --duplex
        nkletters generate --country US --country CA --cover-note
        nkletters generate --signers signers.csv --jobs 2
    """
    chosen = selection.Selection.of(all_missions, countries, cities, mission_ids)
    selection.check(chosen)
    options = letters.LetterOptions(
        language=language,
        template=template,
        paper=paper,
        when=when,
        out_dir=out_dir,
        fold_marks=fold_marks,
        force=force,
    )
    batch_only = (signers_path, cosign, duplex, dry_run, jobs, envelope, cover_note)
    if selection.is_batch(chosen, batch_only):
        from .. import batch  # a single letter should not pay for importing it

        batch_options = batch.BatchOptions(
            letter=options,
            duplex=duplex,
            cosign=cosign,
            envelope=envelope,
            cover_note=cover_note,
            jobs=jobs,
            dry_run=dry_run,
        )
        _generate_batch(chosen, signers_path, profile_path, data_paths, batch_options)
        return
    target = selection.single(chosen)
    chosen_profile = profile.find(profile_path)
    loaded_profile = load_profile(chosen_profile)
    resolution = letter_mission(loaded_profile, data_paths, target)
    written = letters.generate(resolution.mission, loaded_profile, options)
    for warning in written.warnings:
        warn(warning)
    pages = f"{written.pages} page{'s' if written.pages != 1 else ''}"
    say(f"wrote {shown(written.path)} ({pages}, {written.paper})")
    if chosen_profile is None:
        say(
            "hint: this is a personal letter; 'nkletters init' makes an organisation profile "
            "(letterhead, signatories)",
            err=True,
        )


# --- a batch -----------------------------------------------------------------------------


def _generate_batch(
    chosen: selection.Selection,
    signers_path: Path | None,
    profile_path: Path | None,
    data_paths: tuple[Path, ...],
    options: batch.BatchOptions,
) -> None:
    """``generate`` for many letters: plan, report the plan's notes, run, summarise."""
    from .. import batch, signers

    if options.cosign and signers_path is None:
        raise click.UsageError("--cosign needs --signers FILE.csv")
    loaded_profile = load_profile(profile.find(profile_path))
    directory = missions.load(data_paths)
    signer_list = signers.read(signers_path) if signers_path is not None else None
    if signer_list is not None:
        _signer_notes(signer_list)
    plan = batch.plan(directory, loaded_profile, chosen, options, signer_list)
    if cliopts.is_verbose():  # the same rule as plan's, said aloud
        for line in selection.city_reasons(
            directory, chosen, prefer_country=loaded_profile.country
        ):
            explain(line)
    for note in plan.notes:
        say(f"note: {note}", err=True)
    for warning in plan.warnings:
        warn(warning)
    where = shown(signer_list.path) if signer_list is not None else "signers"
    for bad in plan.bad_rows:
        error(f"{where} {bad}")
    quiet = cliopts.is_quiet()
    progress = _Progress(len(plan.jobs), enabled=not quiet)

    def on_letter(job: batch.Job, outcome: batch.Outcome) -> None:
        progress.step()
        if outcome.ok and outcome.path is not None and not quiet:
            pages = f"{outcome.pages} page{'s' if outcome.pages != 1 else ''}"
            verb = "would write" if options.dry_run else "wrote"
            progress.clear()
            say(f"{verb} {shown(outcome.path)} ({job.mission.id}, {pages}, {outcome.paper})")
        elif not outcome.ok:
            progress.clear()
            error(f"{job.label}: {outcome.error}")

    report = batch.run(plan, loaded_profile, options, on_letter)
    progress.clear()
    _summarise(report, dry_run=options.dry_run)


def _summarise(report: batch.BatchReport, *, dry_run: bool) -> None:
    """The files a batch wrote besides the letters, its summary, and its exit status."""
    from .. import batch

    if report.interrupted:
        click.echo(
            f"interrupted: {report.written} letters written, each whole; the print file, "
            "envelopes, labels and checklist were not written",
            err=True,
        )
        raise SystemExit(130)
    for path in report.files:
        detail = ""
        if path.name == batch.PRINT_FILE:
            blanks = f", {report.blank_pages} blank backs" if report.blank_pages else ""
            detail = f" ({report.print_pages} pages{blanks})"
        say(f"wrote {shown(path)}{detail}")
    say(batch.summary(report, dry_run=dry_run), err=True)
    if report.failures:
        raise SystemExit(1)


def _signer_notes(signer_list: SignerList) -> None:
    """What reading the signers file decided: its encoding, the columns kept for templates."""
    from .. import signers

    where = shown(signer_list.path)
    if signer_list.encoding == "cp1252":
        say(
            f"note: {where} is not UTF-8, so it was read as Windows-1252 (Excel's 'CSV'); "
            "if a name prints wrongly, " + signers.RESAVE,
            err=True,
        )
    if signer_list.ignored_columns:
        warn(
            f"{where}: column(s) "
            + ", ".join(repr(c) for c in signer_list.ignored_columns)
            + " look misspelt, so templates only see them as signer.extra; the columns are: "
            + ", ".join(signers.COLUMNS)
        )
    kept = [c for c in signer_list.extra_columns if c not in signer_list.ignored_columns]
    if kept:
        explain(f"{where}: templates can use " + ", ".join(f"signer.extra.{c}" for c in kept))


class _Progress:
    """A progress bar on stderr, drawn only on a terminal and once a run has taken
    a second, so that short runs and logs stay clean."""

    DELAY = 1.0
    WIDTH = 30

    def __init__(self, total: int, *, enabled: bool) -> None:
        import sys
        import time

        self._clock = time.monotonic
        self._stream = sys.stderr
        self.total = total
        self.done = 0
        self.enabled = enabled and self._stream.isatty()
        self._start = self._clock()
        self._shown = False
        self._last = 0.0

    def step(self) -> None:
        self.done += 1
        now = self._clock()
        if not self.enabled or now - self._start < self.DELAY or now - self._last < 0.1:
            return
        self._last = now
        filled = self.WIDTH * self.done // max(self.total, 1)
        bar = "#" * filled + "." * (self.WIDTH - filled)
        rate = self.done / (now - self._start)
        self._stream.write(f"\r[{bar}] {self.done}/{self.total} letters, {rate:,.0f}/s ")
        self._stream.flush()
        self._shown = True

    def clear(self) -> None:
        if self._shown:
            self._stream.write("\r\033[K")
            self._stream.flush()
            self._shown = False
