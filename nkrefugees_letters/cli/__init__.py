"""CLI: the ``nkletters`` command. Parses options, calls the library, prints, exits.

This is the only module that prints or exits. Library errors (LettersError) become one
line on stderr and exit status 1; Click's usage errors exit with 2.
"""

from __future__ import annotations

import csv
import functools
import io
import json
import os
import signal
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from .. import __version__
from ..errors import LettersError
from ..lazyimport import lazy_module

if TYPE_CHECKING:
    from .. import check as check_module
    from .. import coverage, i18n, letters, missions, places, profile, starter
    from ..text import templates
else:  # loaded when a command first uses them: --help needs none (see lazyimport).
    # The layout, fonts, YAML, verify, phone and postal modules are registered lazily
    # too, so that the options (missions.KINDS, check.MAX_AGE_MONTHS, cli_verify's) and
    # a directory read from its cache do not load them.
    check_module, coverage, i18n, letters, missions, places, profile, starter, templates, *_ = (
        lazy_module(f"nkrefugees_letters.{name}")
        for name in (
            *("check", "coverage", "i18n", "letters", "missions", "places", "profile"),
            *("starter", "text.templates", "pdf.layout", "pdf.fonts", "yamlio", "output"),
            *("text.render", "validation"),
            *("missions.verify", "missions.verify_report", "phones", "postal"),
        )
    )
from .. import cliopts, sheet
from .verify import missions_verify

if TYPE_CHECKING:
    from ..signers import SignerList

F = TypeVar("F", bound=Callable[..., Any])


def friendly_errors(func: F) -> F:
    """Turn library errors into one clear line on stderr and exit status 1."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except LettersError as exc:
            raise click.ClickException(str(exc)) from None

    return wrapper  # type: ignore[return-value]


def _shown(path: Path) -> str:
    """A path as the user would type it: relative to the current folder when inside it."""
    try:
        return os.path.relpath(path)
    except ValueError:
        return str(path)


def _say(message: str, *, err: bool = False) -> None:
    """A line of output that ``-q`` silences (file paths, notes, summaries)."""
    if not cliopts.is_quiet():
        click.echo(message, err=err)


def _explain(message: str) -> None:
    """The reasoning that ``-v`` shows (which rule chose the mission)."""
    if cliopts.is_verbose():
        click.echo(message, err=True)


def _warn(message: str) -> None:
    if not cliopts.is_quiet():
        click.secho(f"warning: {message}", fg="yellow", err=True)


def _error(message: str) -> None:
    """An error that does not stop the run (a bad signer row, a failed letter): never silenced."""
    click.secho(f"error: {message}", fg="red", err=True)


def _parse_date(_ctx: click.Context, _param: click.Parameter, value: str | None) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(
            f"{value!r} is not a date; use YYYY-MM-DD, e.g. 2026-09-24"
        ) from None


_profile_option = click.option(
    "--profile",
    "profile_path",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Organisation profile (default: ./nkletters.yaml if present).",
)


def _letter_lang_option(help_text: str) -> Callable[[F], F]:
    """``--lang`` for a letter: checked and completed the same on every command."""
    return click.option(
        "--lang",
        "language",
        default=None,
        callback=cliopts.lang_option_values,
        metavar="LANG",
        shell_complete=cliopts.complete_languages,
        help=help_text,
    )


_data_option = click.option(
    "--data",
    "data_paths",
    multiple=True,
    type=click.Path(path_type=Path, dir_okay=False),
    help="Your own mission YAML, merged over the built-in directory by id.",
)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="nkletters")
@cliopts.verbosity
@click.pass_context
def cli(ctx: click.Context) -> None:
    """Print appeal letters for Save North Korean Refugees Day (24 September).

    Each letter asks the President of the People's Republic of China, through his
    embassy or consulate in your city, to stop forcibly returning North Korean refugees.

    \b
    Example:
        nkletters generate --city Chicago

    Tab completion (mission ids, languages, templates): see 'nkletters docs completion'.
    """
    if os.environ.get("NO_COLOR"):  # https://no-color.org: any non-empty value
        ctx.color = False


@cli.command()
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
@_profile_option
@_data_option
@_letter_lang_option(
    "Letter language: en, zh, ko, ja, es, or two joined by '+' for a bilingual letter "
    "(en+zh). Default: the profile's, else en."
)
@click.option(
    "--template",
    default=None,
    shell_complete=cliopts.complete_templates,
    help="Template name or path to your own template file.",
)
@click.option(
    "--paper",
    type=click.Choice(["auto", "a4", "letter"], case_sensitive=False),
    default=None,
    help="Paper size (default: US Letter in the US, Canada and Mexico, A4 elsewhere).",
)
@click.option(
    "--date",
    "when",
    callback=_parse_date,
    metavar="YYYY-MM-DD",
    help="Date printed on the letter (default: today).",
)
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
    cities = tuple(c for c in cities if c.strip())
    countries = tuple(c for c in countries if c.strip())
    mission_ids = tuple(m for m in mission_ids if m.strip())
    _check_selection(all_missions, countries, cities, mission_ids)
    batch_only = (all_missions, signers_path, cosign, duplex, dry_run, jobs, envelope, cover_note)
    is_batch = (
        any(o not in (None, False) for o in batch_only)
        or len(cities) + len(mission_ids) > 1
        or len(countries) > 1
        or (countries and not cities and not mission_ids)
    )
    options = letters.LetterOptions(
        language=language,
        template=template,
        paper=paper,
        when=when,
        out_dir=out_dir,
        fold_marks=fold_marks,
        force=force,
    )
    if is_batch:
        from .. import batch  # a single letter should not pay for importing it

        _generate_batch(
            batch.Selection(all_missions, countries, cities, mission_ids),
            signers_path=signers_path,
            profile_path=profile_path,
            data_paths=data_paths,
            options=batch.BatchOptions(
                letter=options,
                duplex=duplex,
                cosign=cosign,
                envelope=envelope,
                cover_note=cover_note,
                jobs=jobs,
                dry_run=dry_run,
            ),
        )
        return
    city = cities[0] if cities else ""
    country = countries[0] if countries else ""
    mission_id = mission_ids[0] if mission_ids else ""
    if not city.strip() and not mission_id.strip():
        raise click.UsageError("say which mission: --city NAME or --mission ID")
    chosen_profile = profile.find(profile_path)
    loaded_profile = _load_profile(chosen_profile)
    directory = missions.load(data_paths)
    resolution = _resolve(directory, loaded_profile, city, country, mission_id)
    written = letters.generate(resolution.mission, loaded_profile, options)
    for warning in written.warnings:
        _warn(warning)
    pages = f"{written.pages} page{'s' if written.pages != 1 else ''}"
    _say(f"wrote {_shown(written.path)} ({pages}, {written.paper})")
    if chosen_profile is None:
        _say(
            "hint: this is a personal letter; 'nkletters init' makes an organisation profile "
            "(letterhead, signatories)",
            err=True,
        )


def _load_profile(path: Path | None) -> profile.Profile:
    loaded = profile.load(path)
    for warning in loaded.warnings:
        _warn(warning)
    return loaded


def _check_selection(
    all_missions: bool,
    countries: tuple[str, ...],
    cities: tuple[str, ...],
    mission_ids: tuple[str, ...],
) -> None:
    """One rule for every run, single letter or batch, dry or not: each selection option
    counts, and one that another would make meaningless is a usage error.

    ``--country`` narrows ``--city`` (which London) or, alone, chooses that country's
    missions; ``--all`` is every open mission (``--country`` narrows it).
    """
    if all_missions and (cities or mission_ids):
        given = "--city" if cities else "--mission"
        raise click.UsageError(
            f"--all already chooses every open mission, so {given} would be ignored; "
            f"drop --all, or drop {given}"
        )
    if countries and mission_ids and not cities:
        shown = " ".join(f"--country {c}" for c in countries)
        raise click.UsageError(
            f"{shown} with --mission {mission_ids[0]} but no --city: --country narrows a "
            f"--city, or alone chooses every mission in {', '.join(countries)}; drop "
            f"--country, or run {shown} on its own"
        )


def _resolve(
    directory: missions.Directory,
    loaded_profile: profile.Profile,
    city: str,
    country: str,
    mission_id: str,
) -> places.Resolution:
    """The mission for one letter, with the rule that chose it said as ``-v`` asks."""
    resolution = letters.resolve(
        directory,
        city=city,
        country=country,
        mission_id=mission_id,
        prefer_country=loaded_profile.country,
    )
    if resolution.choice:
        _say(f"note: {resolution.choice}", err=True)
    if resolution.rule not in ("mission", "city"):
        # A city with its own mission needs no explanation; a rule that chose another does.
        _say(resolution.reason, err=True)
    else:
        _explain(f"{resolution.rule}: {resolution.reason}")
    return resolution


def _signer_notes(signer_list: SignerList) -> None:
    """What reading the signers file decided: its encoding, the columns kept for templates."""
    from .. import signers

    where = _shown(signer_list.path)
    if signer_list.encoding == "cp1252":
        _say(
            f"note: {where} is not UTF-8, so it was read as Windows-1252 (Excel's 'CSV'); "
            "if a name prints wrongly, " + signers.RESAVE,
            err=True,
        )
    if signer_list.ignored_columns:
        _warn(
            f"{where}: column(s) "
            + ", ".join(repr(c) for c in signer_list.ignored_columns)
            + " look misspelt, so templates only see them as signer.extra; the columns are: "
            + ", ".join(signers.COLUMNS)
        )
    kept = [c for c in signer_list.extra_columns if c not in signer_list.ignored_columns]
    if kept:
        _explain(f"{where}: templates can use " + ", ".join(f"signer.extra.{c}" for c in kept))


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


def _generate_batch(
    selection: Any,
    *,
    signers_path: Path | None,
    profile_path: Path | None,
    data_paths: tuple[Path, ...],
    options: Any,
) -> None:
    """``generate`` for many letters: plan, report the plan's notes, run, summarise."""
    from .. import batch, signers

    if options.cosign and signers_path is None:
        raise click.UsageError("--cosign needs --signers FILE.csv")
    loaded_profile = _load_profile(profile.find(profile_path))
    directory = missions.load(data_paths)
    signer_list = signers.read(signers_path) if signers_path is not None else None
    if signer_list is not None:
        _signer_notes(signer_list)
    plan = batch.plan(directory, loaded_profile, selection, options, signer_list)
    if cliopts.is_verbose() and len(selection.countries) <= 1:
        country = selection.countries[0] if selection.countries else ""
        for city in selection.cities:  # the same rule as plan's, said aloud
            why = places.resolve(directory, city, country, prefer_country=loaded_profile.country)
            _explain(f"{city.strip()}: {why.rule}: {why.reason}")
    for note in plan.notes:
        _say(f"note: {note}", err=True)
    for warning in plan.warnings:
        _warn(warning)
    where = _shown(signer_list.path) if signer_list is not None else "signers"
    for bad in plan.bad_rows:
        _error(f"{where} {bad}")
    progress = _Progress(len(plan.jobs), enabled=not cliopts.is_quiet())

    def on_letter(job: batch.Job, outcome: batch.Outcome) -> None:
        progress.step()
        if outcome.ok and outcome.path is not None:
            pages = f"{outcome.pages} page{'s' if outcome.pages != 1 else ''}"
            verb = "would write" if options.dry_run else "wrote"
            progress.clear()
            shown = _shown(outcome.path)
            _say(f"{verb} {shown} ({job.mission.id}, {pages}, {outcome.paper})")
        elif not outcome.ok:
            progress.clear()
            _error(f"{job.label}: {outcome.error}")

    report = batch.run(plan, loaded_profile, options, on_letter)
    progress.clear()
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
        _say(f"wrote {_shown(path)}{detail}")
    _say(batch.summary(report, dry_run=options.dry_run), err=True)
    if report.failures:
        raise SystemExit(1)


@cli.command()
@click.argument("folder", type=click.Path(path_type=Path, file_okay=False), default=".")
@click.option("--name", default=None, help="Organisation name (asked for when not given).")
@click.option("--address", multiple=True, help="An address line; repeat for each line.")
@click.option(
    "--country",
    default=None,
    help="Two-letter code of the organisation's country (decides which London).",
)
@click.option("--email", default=None, help="Contact email.")
@click.option("--phone", default=None, help="Contact phone.")
@click.option("--website", default=None, help="Website.")
@click.option("--lang", "language", default=None, help="Letters' language (default en).")
@click.option("--logo", default=None, help="Logo image (PNG or JPEG), relative to FOLDER.")
@click.option(
    "--signer", "signers", multiple=True, help="Name of a person who signs; repeat for each."
)
@click.option(
    "--title", "titles", multiple=True, help="The title of each --signer, in the same order."
)
@click.option("--force", is_flag=True, help="Replace an existing nkletters.yaml.")
@cliopts.verbosity
@friendly_errors
def init(
    folder: Path,
    name: str | None,
    address: tuple[str, ...],
    country: str | None,
    email: str | None,
    phone: str | None,
    website: str | None,
    language: str | None,
    logo: str | None,
    signers: tuple[str, ...],
    titles: tuple[str, ...],
    force: bool,
) -> None:
    """Write a commented organisation profile, nkletters.yaml, in FOLDER.

    Asks for the organisation's name, address, country, contact lines, language, logo
    and signatories, checking each answer as it is typed; or takes them as options for
    scripts (no questions are asked when --name is given). A profile that would not
    load is never written.

    \b
    Examples:
        nkletters init
        nkletters init ngo --name "Friends of Refugees" --address "12 Harbour Road" \\
            --address "Cape Town 8001" --country ZA --email info@example.org \\
            --signer "Jane Doe" --title Chair --signer "Sam Lee" --title Treasurer
    """
    if (folder / profile.PROFILE_NAME).exists() and not force:
        raise click.ClickException(
            f"{_shown(folder / profile.PROFILE_NAME)} already exists — "
            "edit it, or pass --force to replace it"
        )
    if len(titles) > len(signers):
        raise click.BadParameter("each --title follows its --signer", param_hint="'--title'")
    checks = _init_checks(folder)
    given = {"country": country, "email": email, "lang": language, "logo": logo}
    for option, value in given.items():
        if value is not None:
            try:
                given[option] = checks[option](value)
            except click.UsageError as exc:
                raise click.BadParameter(exc.message, param_hint=f"'--{option}'") from None
    people = [(n, titles[i] if i < len(titles) else "") for i, n in enumerate(signers)]
    if name is None:
        name = click.prompt("Organisation name", value_proc=checks["name"])
        if not address:
            lines = click.prompt("Address, lines separated by ';'", default="", show_default=False)
            address = tuple(line.strip() for line in lines.split(";") if line.strip())
        for option, question in (
            ("country", "Country (two-letter code, e.g. GB, US, CA)"),
            ("email", "Email"),
        ):
            if given[option] is None:
                given[option] = _ask(question, checks[option])
        phone = phone if phone is not None else _ask("Phone")
        website = website if website is not None else _ask("Website")
        if given["lang"] is None:
            languages = ", ".join(cliopts.languages())
            given["lang"] = _ask(f"Language of the letters ({languages})", checks["lang"], "en")
        if given["logo"] is None:
            question = f"Logo image (PNG or JPEG, relative to {_shown(folder)}; empty for none)"
            given["logo"] = _ask(question, checks["logo"])
        while not signers and len(people) < profile.MAX_SIGNATORIES:
            who = _ask("Another person who signs (empty when done)" if people else "Who signs")
            if not who:
                break
            people.append((who, _ask("Their title")))
    values = starter.StarterValues(
        name=name,
        address=address,
        email=given["email"] or "",
        phone=phone or "",
        website=website or "",
        country=given["country"] or "",
        language=given["lang"] or "en",
        logo=given["logo"] or "",
        signatories=tuple(people),
    )
    path = starter.write_starter(folder, values, force=force)
    _say(_shown(path))
    _say("next: check the profile with 'nkletters check'", err=True)


def _ask(question: str, check: Callable[[str], str] | None = None, default: str = "") -> str:
    return str(
        click.prompt(question, default=default, show_default=bool(default), value_proc=check)
    )


def _init_checks(folder: Path) -> dict[str, Callable[[str], str]]:
    """What ``init`` checks each answer with: it gives the value to write, or raises
    UsageError (which click.prompt shows before asking again)."""

    def name(text: str) -> str:
        if not text.strip():
            raise click.UsageError("the organisation's name cannot be empty")
        return text.strip()

    def country(text: str) -> str:
        code = i18n.country_code(text)
        if code and not i18n.is_country_code(code):
            raise click.UsageError(f"{text!r} is not a two-letter country code, e.g. GB, US, CA")
        return code

    def email(text: str) -> str:
        problem = profile.email_problem(text.strip())
        if problem:
            raise click.UsageError(problem)
        return text.strip()

    def language(text: str) -> str:
        try:
            return cliopts.language_code(text) if text.strip() else "en"
        except ValueError as exc:
            raise click.UsageError(str(exc)) from None

    def logo(text: str) -> str:
        value = text.strip()
        if value:
            problem, hint = profile.image_problem((folder / value).expanduser())
            if problem:
                raise click.UsageError(f"{problem} — {hint}")
        return value

    return {"name": name, "country": country, "email": email, "lang": language, "logo": logo}


def _country_option(help_text: str) -> Callable[[F], F]:
    return click.option(
        "--country",
        default="",
        metavar="CC",
        callback=cliopts.country_option_values,
        help=help_text,
    )


def _print_mission(mission: missions.Mission, *, notes: bool = True) -> None:
    click.echo(f"{mission.id}")
    for label, text in missions.describe(mission, notes=notes):
        click.echo(f"  {label:<{missions.LABEL_WIDTH}}{text}")
    if mission.is_open:
        for warning in letters.mission_warnings(mission):
            _warn(warning)


@cli.group(name="missions")
def missions_group() -> None:
    """The directory of PRC embassies and consulates-general: list, show, find.

    \b
    Examples:
        nkletters missions list --country US
        nkletters missions show us-chicago
        nkletters missions find "Traverse City"
    """


@missions_group.command(name="list")
@_country_option("Only missions in this country (two-letter code), e.g. US.")
@click.option(
    "--kind", type=click.Choice(missions.KINDS), default=None, help="Only this kind of mission."
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "csv", "json"]),
    default="table",
    show_default=True,
    help="table for reading, csv for spreadsheets, json for programs.",
)
@_data_option
@cliopts.verbosity
@friendly_errors
def missions_list(country: str, kind: str | None, fmt: str, data_paths: tuple[Path, ...]) -> None:
    """List the missions in the directory.

    \b
    Examples:
        nkletters missions list
        nkletters missions list --country CA --kind consulate-general
        nkletters missions list --format json > missions.json
    """
    chosen = missions.load(data_paths).select(country=country, kind=kind or "")
    if fmt == "json":
        records = [missions.to_record(m) for m in chosen]
        click.echo(json.dumps(records, ensure_ascii=False, indent=2))
        return
    if fmt == "csv":
        buffer = io.StringIO()
        writer = csv.DictWriter(buffer, fieldnames=missions.CSV_COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(sheet.neutral_row(missions.to_row(m)) for m in chosen)
        click.echo(buffer.getvalue(), nl=False)
        return
    rows = [("ID", "KIND", "CITY", "STATUS", "CONFIDENCE")]
    rows += [(m.id, m.kind, m.city_name, missions.status_text(m), m.confidence) for m in chosen]
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]) - 1)]
    for row in rows:
        cells = [cell.ljust(w) for cell, w in zip(row[:-1], widths, strict=True)]
        click.echo("  ".join([*cells, row[-1]]))
    countries = len({m.country for m in chosen})
    _say(
        f"{len(chosen)} mission{'s' if len(chosen) != 1 else ''} in {countries} "
        f"countr{'ies' if countries != 1 else 'y'}",
        err=True,
    )


@missions_group.command(name="show")
@click.argument("mission_id", shell_complete=cliopts.complete_missions)
@_data_option
@cliopts.verbosity
@friendly_errors
def missions_show(mission_id: str, data_paths: tuple[Path, ...]) -> None:
    """Everything the directory holds about one mission, by id.

    \b
    Example:
        nkletters missions show us-chicago
    """
    _print_mission(missions.load(data_paths).get(mission_id))


@missions_group.command(name="stats")
@_data_option
@cliopts.verbosity
@friendly_errors
def missions_stats(data_paths: tuple[Path, ...]) -> None:
    """How much of the world the directory covers, and how well each address is known.

    \b
    Example:
        nkletters missions stats
    """
    for line in coverage.report(missions.load(data_paths), date.today()):
        click.echo(line)


@missions_group.command(name="find")
@click.argument("place")
@_country_option("Country of the place (two-letter code) when its name is ambiguous.")
@_data_option
@cliopts.verbosity
@friendly_errors
def missions_find(place: str, country: str, data_paths: tuple[Path, ...]) -> None:
    """Which mission serves PLACE, and why.

    PLACE is a city or town; add its region after a comma when the name is shared
    ("Portland, Maine"). The tool looks for a mission in that city, then for the mission
    whose consular district holds its state or province, then for the nearest one.

    \b
    Examples:
        nkletters missions find "Traverse City"
        nkletters missions find London --country CA
    """
    resolution = places.resolve(missions.load(data_paths), place, country)
    if resolution.choice:
        _say(f"note: {resolution.choice}", err=True)
    click.echo(resolution.reason)
    _print_mission(resolution.mission, notes=False)


missions_group.add_command(missions_verify)


@cli.command()
@click.option("--city", default="", help="City of the embassy or consulate, e.g. Chicago.")
@_country_option("Two-letter country code when a city name is ambiguous.")
@click.option(
    "--mission",
    "mission_id",
    default="",
    shell_complete=cliopts.complete_missions,
    help="Mission id instead of a city, e.g. us-chicago.",
)
@_profile_option
@_data_option
@_letter_lang_option("Letter language (default: the profile's, else en).")
@click.option(
    "--template",
    default=None,
    shell_complete=cliopts.complete_templates,
    help="Template name or path to your own template file.",
)
@click.option(
    "--date",
    "when",
    callback=_parse_date,
    metavar="YYYY-MM-DD",
    help="Date printed on the letter (default: today).",
)
@cliopts.verbosity
@friendly_errors
def preview(
    city: str,
    country: str,
    mission_id: str,
    profile_path: Path | None,
    data_paths: tuple[Path, ...],
    language: str | None,
    template: str | None,
    when: date | None,
) -> None:
    """Print the letter for one mission as plain text, to check its wording before printing.

    \b
    Examples:
        nkletters preview --city Chicago
        nkletters preview --city London --template my-letter.md --lang en
    """
    if not city.strip() and not mission_id.strip():
        raise click.UsageError("say which mission: --city NAME or --mission ID")
    if city.strip() and mission_id.strip():
        raise click.UsageError(
            "preview shows one letter: give --city or --mission, not both "
            "('nkletters generate' takes several)"
        )
    _check_selection(False, (country,) if country else (), (), (mission_id,) if mission_id else ())
    loaded_profile = _load_profile(profile.find(profile_path))
    directory = missions.load(data_paths)
    resolution = _resolve(directory, loaded_profile, city, country, mission_id)
    options = letters.LetterOptions(language=language, template=template, when=when)
    letter = letters.compose(resolution.mission, loaded_profile, options)
    dates = [letter.date_text, *([letter.second_date_text] if letter.second_date_text else [])]
    people = [", ".join(filter(None, (p.name, p.title))) for p in letter.signatories]
    click.echo("\n".join([*letter.recipient_lines, "", *dates, ""]))
    click.echo(letter.text.plain_text(recipient=()))
    click.echo("\n".join(["", *(people or ["(signature, name in capitals)"])]))
    for warning in letters.review_warnings(letter.text):
        _warn(warning)


@cli.command()
@_profile_option
@click.option(
    "--data",
    "data_args",
    multiple=True,
    is_flag=False,
    flag_value="",
    metavar="[FILE]",
    help="Your own mission YAML, merged over the built-in directory by id. Without a file: "
    "list every mission whose source is older than --max-age, to refresh before 24 September.",
)
@click.option(
    "--template",
    "template_names",
    multiple=True,
    help="Also check this template (a name or a path); repeat for more.",
)
@click.option(
    "--max-age",
    type=click.IntRange(min=1),
    default=check_module.MAX_AGE_MONTHS,
    show_default=True,
    metavar="MONTHS",
    help="List missions whose source is older than this (with --data).",
)
@cliopts.verbosity
@friendly_errors
def check(
    profile_path: Path | None,
    data_args: tuple[str, ...],
    template_names: tuple[str, ...],
    max_age: int,
) -> None:
    """Check the profile, the mission directory and every template, and list all problems.

    Each problem is one line, 'file:line: what is wrong — how to fix it'. The exit
    status is 1 when there is any. Missions whose source is older than --max-age months
    are listed too, as reminders (they do not fail the check): those of your --data
    files, or with a bare --data every one, built-in included.

    \b
    Examples:
        nkletters check
        nkletters check --data                 # which addresses are due for a re-check
        nkletters check --profile ngo/nkletters.yaml --data our-missions.yaml
        nkletters check --template my-letter.md
    """
    chosen = profile.find(profile_path)
    data_paths = tuple(Path(arg) for arg in data_args if arg)
    report = check_module.run(chosen, data_paths, template_names, max_age_months=max_age)
    for warning in profile.comment_warnings(chosen) if chosen and chosen.is_file() else ():
        _warn(warning)
    for problem in report.problems:
        click.echo(str(problem))
    list_all = "" in data_args
    own_stale = [s for s in report.stale if s.own or list_all]
    for stale in own_stale:
        _say(str(stale))
    builtin_stale = len(report.stale) - len(own_stale)
    if builtin_stale:
        _say(
            f"note: {builtin_stale} built-in addresses were last confirmed over {max_age} "
            "months ago; a newer nkletters may have newer ones",
            err=True,
        )
    levels = ", ".join(f"{n} {level}" for level, n in report.confidence if n)
    checked = (
        f"{'profile ' + _shown(chosen) if chosen else 'no profile (personal letters)'}, "
        f"{report.mission_count} missions ({levels}), {len(report.templates)} templates"
    )
    if report.ok:
        _say(f"ok: {checked}", err=True)
        return
    count = len(report.problems)
    click.echo(f"{count} problem{'s' if count != 1 else ''} in {checked}", err=True)
    click.get_current_context().exit(1)


@cli.group(name="templates")
def templates_group() -> None:
    """The built-in letter templates: list them, read one, copy one to start your own.

    See docs/templates.md ('nkletters docs templates') for how a template is written.

    \b
    Examples:
        nkletters templates list
        nkletters templates show appeal --lang zh
        nkletters templates export appeal my-letter.md
    """


@templates_group.command(name="list")
@cliopts.verbosity
@friendly_errors
def templates_list() -> None:
    """List the built-in templates: name, language and what each is for.

    \b
    Example:
        nkletters templates list
    """
    infos = templates.builtin_templates()
    width = max((len(info.name) for info in infos), default=0)
    for info in infos:
        click.echo(f"{info.name.ljust(width)}  {info.language:<5}  {info.description}".rstrip())


_template_language = click.option(
    "--lang",
    "language",
    default="en",
    show_default=True,
    callback=cliopts.lang_option_values,
    metavar="LANG",
    shell_complete=cliopts.complete_languages,
    help="Language of the template, when NAME does not say (appeal.zh does).",
)


@templates_group.command(name="show")
@click.argument("name", shell_complete=cliopts.complete_templates)
@_template_language
@cliopts.verbosity
@friendly_errors
def templates_show(name: str, language: str) -> None:
    """Print a template's source: a built-in NAME (appeal, appeal.zh) or a file.

    \b
    Examples:
        nkletters templates show appeal
        nkletters templates show appeal --lang ko
    """
    path, text = templates.template_source(name, language)
    _say(f"# {_shown(path)}", err=True)
    click.echo(text, nl=not text.endswith("\n"))


@templates_group.command(name="export")
@click.argument("name", shell_complete=cliopts.complete_templates)
@click.argument("path", required=False, type=click.Path(path_type=Path))
@_template_language
@click.option("--force", is_flag=True, help="Replace PATH if it already exists.")
@cliopts.verbosity
@friendly_errors
def templates_export(name: str, path: Path | None, language: str, force: bool) -> None:
    """Copy a built-in template to PATH (default: NAME.LANG.md here), to write your own.

    \b
    Examples:
        nkletters templates export appeal
        nkletters templates export appeal my-letter.md
        nkletters templates export appeal.zh letters/
    """
    written = templates.export_template(name, language, path, force=force)
    shown = _shown(written)
    as_option = shown if os.sep in shown or shown.endswith(".md") else f".{os.sep}{shown}"
    _say(shown)
    _say(f"next: edit it, then 'nkletters preview --city Chicago --template {as_option}'", err=True)


DOCS = {
    "templates": "templates.md",
    "languages": "languages.md",
    "data": "data.md",
    "completion": "completion.md",
}
"""``nkletters docs NAME``: the documents that messages and --help refer to."""


@cli.command()
@click.argument("name", type=click.Choice(sorted(DOCS)), default="templates")
@cliopts.verbosity
def docs(name: str) -> None:
    """Print one of the documents that messages refer to (docs/NAME.md), as Markdown.

    \b
    Examples:
        nkletters docs templates      # every variable and filter a template can use
        nkletters docs completion     # tab completion for bash, zsh and fish
    """
    from .. import resources

    click.echo((resources.docs_dir() / DOCS[name]).read_text(encoding="utf-8"), nl=False)


@cli.command()
@cliopts.verbosity
def schema() -> None:
    """Print the JSON Schema of nkletters.yaml, for editors that complete and check YAML.

    The same file is docs/nkletters.schema.json. With the YAML extension of VS Code (or any
    editor using yaml-language-server), put this first line in the profile:

    \b
        # yaml-language-server: $schema=nkletters.schema.json

    \b
    Example:
        nkletters schema > nkletters.schema.json
    """
    from .. import schema as schema_module

    click.echo(schema_module.profile_schema_text(), nl=False)


from .serve import serve  # noqa: E402 - the web page's command lives in its own module

cli.add_command(serve)


def _stop_on_signals() -> None:
    """SIGTERM and SIGHUP (a closed terminal) stop a run as Ctrl-C does: the letters
    written stay whole, and no temporary file or worker folder is left behind."""

    def stop(signum: int, _frame: object) -> None:
        for name in ("SIGTERM", "SIGHUP"):  # a second one must not cut the cleaning up
            if hasattr(signal, name):
                signal.signal(getattr(signal, name), signal.SIG_IGN)
        raise KeyboardInterrupt

    for name in ("SIGTERM", "SIGHUP"):
        if hasattr(signal, name):
            signal.signal(getattr(signal, name), stop)


def main() -> None:
    """Console-script entry point."""
    _stop_on_signals()
    cli(prog_name="nkletters")
