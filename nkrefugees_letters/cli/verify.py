"""CLI: ``nkletters missions verify``, re-checking mission addresses on the live web.

Registered on the ``missions`` group (:mod:`.missions`). Like every command, it only
parses, calls the library (verify, verify_report), prints and exits.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

import click

from ..errors import BadCountry, LettersError, MissionNotFound
from ..lazyimport import lazy_module
from .common import i18n, missions, output

if TYPE_CHECKING:
    from ..missions import verify, verify_report
else:  # --help loads neither the directory nor httpx (see lazyimport)
    verify, verify_report = (
        lazy_module(f"nkrefugees_letters.missions.{name}") for name in ("verify", "verify_report")
    )

__all__ = ["missions_verify"]


def _select(
    directory: missions.Directory,
    mission_ids: Sequence[str],
    countries: Sequence[str],
    all_missions: bool,
) -> list[missions.Mission]:
    """The missions asked for, each once, in the order given; usage errors for unknowns."""
    if all_missions:
        return [m for m in directory if m.is_open]
    chosen: dict[str, missions.Mission] = {}
    for mission_id in mission_ids:
        try:
            mission = directory.get(mission_id)
        except MissionNotFound as exc:
            raise click.BadParameter(str(exc), param_hint="--mission") from None
        chosen[mission.id] = mission
    for country in countries:
        try:
            code = i18n.checked_country(country, required=True)
        except BadCountry as exc:
            raise click.BadParameter(str(exc), param_hint="--country") from None
        found = [m for m in directory.select(country=code) if m.is_open]
        if not found:
            raise click.BadParameter(
                f"no open mission in {code} in the directory — see 'nkletters missions list'",
                param_hint="--country",
            )
        chosen.update((m.id, m) for m in found)
    return list(chosen.values())


def _check_target(path: Path | None, *, overlay: bool) -> None:
    """Refuse, before any page is fetched, to replace a file that nkletters did not write."""
    if path is None or not path.exists():
        return
    mark = verify_report.OVERLAY_MARK.encode("utf-8")
    try:
        with path.open("rb") as handle:
            head = handle.read(len(mark))
    except OSError:
        head = b""
    ours = head == mark if overlay else output.is_ours(path)
    if not ours:
        raise click.BadParameter(
            f"{str(path)!r} exists and was not written by 'nkletters missions verify'; "
            "move it away or choose another file",
            param_hint="--overlay" if overlay else "--report",
        )


def _line(result: verify.Verification, width: int) -> str:
    text = f"{result.mission.id:<{width}}  {result.outcome:<11}  {result.url or '-'}"
    if result.outcome is verify.Outcome.CHANGED:
        return f"{text}  nearest: {result.detail}"
    if result.outcome is verify.Outcome.UNREACHABLE:
        return f"{text}  {result.detail}"
    return text if result.official else f"{text}  (not an official page)"


@click.command(name="verify")
@click.option(
    "--mission",
    "mission_ids",
    multiple=True,
    metavar="ID",
    help="A mission id, e.g. us-chicago (repeatable).",
)
@click.option(
    "--country",
    "countries",
    multiple=True,
    metavar="CC",
    help="Every open mission in this country, e.g. US (repeatable).",
)
@click.option("--all", "all_missions", is_flag=True, help="Every open mission.")
@click.option(
    "--data",
    "data_paths",
    multiple=True,
    type=click.Path(path_type=Path, dir_okay=False),
    help="Your own mission YAML, merged over the built-in directory by id.",
)
@click.option(
    "--timeout",
    type=click.FloatRange(min=0.1),
    default=10.0,
    show_default=True,
    metavar="SECONDS",
    help="Seconds to wait for a connection and for each read.",
)
@click.option(
    "--jobs",
    type=click.IntRange(1, 32),
    default=4,
    show_default=True,
    metavar="N",
    help="Pages fetched at once (at most 2 from one host).",
)
@click.option(
    "--report",
    "report_path",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Also write the results to FILE.csv or FILE.json.",
)
@click.option(
    "--overlay",
    "overlay_path",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Write the confirmed missions to this YAML file, for --data.",
)
def missions_verify(
    mission_ids: tuple[str, ...],
    countries: tuple[str, ...],
    all_missions: bool,
    data_paths: tuple[Path, ...],
    timeout: float,
    jobs: int,
    report_path: Path | None,
    overlay_path: Path | None,
) -> None:
    """Check mission addresses against their own pages on the web.

    For each mission it reads the source page (then the mission's website) and says
    'confirmed' (street, number and postal code are on the page), 'changed' (the page
    was read, the address is not on it: the nearest passage is shown) or 'unreachable'
    (with the reason). Exit status 0 when all are confirmed, else 1.

    \b
    Examples:
        nkletters missions verify --mission us-chicago
        nkletters missions verify --country US --report us-check.csv
        nkletters missions verify --all --overlay confirmed.yaml
    """
    if not (mission_ids or countries or all_missions):
        raise click.UsageError("say which missions: --mission ID, --country CC or --all")
    if report_path is not None and report_path.suffix.lower() not in (".csv", ".json"):
        raise click.BadParameter(
            f"{str(report_path)!r}: the report is written as .csv or .json",
            param_hint="--report",
        )
    _check_target(report_path, overlay=False)
    _check_target(overlay_path, overlay=True)
    try:
        directory = missions.load(data_paths)
    except LettersError as exc:
        raise click.ClickException(str(exc)) from None
    chosen = _select(directory, mission_ids, countries, all_missions)
    width = max(len(m.id) for m in chosen)
    settings = verify.Settings(timeout=timeout)
    results: list[verify.Verification] = []
    for result in verify.verify_all(chosen, settings, jobs=jobs):
        results.append(result)
        click.echo(_line(result, width))
    today = date.today()
    try:
        if report_path is not None:
            as_json = report_path.suffix.lower() == ".json"
            render = verify_report.report_json if as_json else verify_report.report_csv
            output.write_atomic(report_path, render(results, today).encode("utf-8"))
            click.echo(f"wrote {report_path}")
        if overlay_path is not None:
            text = verify_report.overlay_yaml(results, today)
            output.write_atomic(overlay_path, text.encode("utf-8"), force=True)
            click.echo(f"wrote {overlay_path}")
    except LettersError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(verify_report.summary(results), err=True)
    if any(r.outcome is not verify.Outcome.CONFIRMED for r in results):
        click.get_current_context().exit(1)
