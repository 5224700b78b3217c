"""Routes: the pages (one letter, many letters, the directory) and the plain links.

Each route reads the request, calls the library through :mod:`.letter` or :mod:`.jobs`,
and renders a page. Files a user sends are kept in a temporary folder of that request
(:mod:`.uploads`), removed when the response is made, whatever happened.
"""

from __future__ import annotations

import base64
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from flask import (
    Blueprint,
    Response,
    abort,
    jsonify,
    redirect,
    render_template,
    request,
    send_from_directory,
    url_for,
)
from flask.typing import ResponseReturnValue

from .. import i18n, places, resources
from ..errors import LettersError
from ..missions import normalise
from . import letter as one
from . import uploads
from .jobs import KIT_NAME, SIGNERS_STEM, BatchRequest, Job
from .preview import pages_png
from .state import CSRF_FIELD, csrf_token, loaded
from .view import card

pages = Blueprint("pages", __name__)

SIGNERS_SUFFIXES = (".csv", ".xlsx")
"""What the library reads (signers.read): CSV in the encodings spreadsheets save, or .xlsx."""
KIT_CHUNK = 256 * 1024


# --- one letter -----------------------------------------------------------------------


def _form_values() -> dict[str, str]:
    return {key: value for key, value in request.form.items() if key != CSRF_FIELD}


def _page(values: Mapping[str, str], errors: one.FormErrors | None = None, **extra: Any) -> str:
    state = loaded()
    return render_template(
        "letter.html",
        values=values,
        errors=errors or one.FormErrors(),
        languages=one.LANGUAGE_CHOICES,
        language_names={code: _language_name(code) for code in one.LANGUAGE_CHOICES},
        papers=one.PAPER_CHOICES,
        signatory_rows=range(one.SIGNATORY_ROWS),
        cities=[name for _, name in state.suggestions.cities],
        server_profile=state.profile,
        allow_templates=state.config.allow_templates,
        missions=[m for m in state.directory if m.is_open],
        **extra,
    )


LANGUAGE_NAMES = {
    "en": "English",
    "zh": "Chinese (中文)",
    "ko": "Korean (한국어)",
    "ja": "Japanese (日本語)",
    "es": "Spanish (español)",
}


def _language_name(code: str) -> str:
    names = [LANGUAGE_NAMES.get(part, part) for part in code.split("+")]
    return names[0] if len(names) == 1 else f"{names[0]}, then {names[1]}"


@pages.get("/")
def letter_form() -> str:
    """The one-letter form."""
    values = {key: request.args.get(key, "") for key in ("city", "mission", "lang", "paper")}
    return _page(values)


@pages.post("/letter")
def letter_post() -> Response | tuple[str, int] | str:
    """Write the letter: show it (preview, mission and why) or send the PDF."""
    values = _form_values()
    errors = one.FormErrors()
    state = loaded()
    with uploads.request_folder() as folder:
        uploaded = uploads.profile_from_request(folder, errors)
        choice, resolution = one.choose(values, uploaded.profile, state.resolutions, errors)
        if errors or resolution is None:
            return _page(values, errors), 400
        try:
            made = one.make(resolution, uploaded.profile, choice, uploaded.template)
        except LettersError as exc:
            _file_error(one.shown(exc, folder, uploaded.names), uploaded, errors)
            return _page(values, errors), 400
    if values.get("action") == "pdf":
        return _pdf_response(made)
    result = {
        **card(resolution.mission),
        "reason": resolution.reason,
        "made": made,
        "previews": [base64.b64encode(png).decode("ascii") for png in pages_png(made.pdf)],
        "pdf_base64": base64.b64encode(made.pdf).decode("ascii"),
    }
    return _page(values, errors, result=result)


def _file_error(message: str, uploaded: uploads.Uploaded, errors: one.FormErrors) -> None:
    """A layout or template error, on the field of the value or file it concerns."""
    if uploaded.from_form:
        message = message.removeprefix(f"{one.PROFILE_FILE}: ")
    field, rest = one.form_field(message)
    if field:
        errors.add(field, rest)
    elif uploaded.template:
        errors.add("template", message)
    else:
        errors.general.append(message)


def _pdf_response(made: one.Made) -> Response:
    response = Response(made.pdf, mimetype="application/pdf")
    response.headers["Content-Disposition"] = f'attachment; filename="{made.file_name}"'
    response.headers["X-Letter-Pages"] = str(made.pages)
    return response


@pages.get("/letter.pdf")
def letter_link() -> Response:
    """A personal letter as a plain link: ``/letter.pdf?city=Chicago&lang=en``.

    A bad value answers 400 with the CLI's message as text.
    """
    state = loaded()
    values = {key: request.args.get(key, "") for key in request.args}
    errors = one.FormErrors()
    choice, resolution = one.choose(values, state.profile, state.resolutions, errors)
    if errors or resolution is None:
        return Response("\n".join(errors.all()) + "\n", 400, mimetype="text/plain")
    try:
        made = state.kept(resolution, state.profile, choice)
    except LettersError as exc:
        return Response(f"{exc}\n", 400, mimetype="text/plain")
    response = _pdf_response(made)
    response.headers["Content-Disposition"] = f'inline; filename="{made.file_name}"'
    return response


WEB_FONTS = {
    "serif-bold.ttf": "NotoSerif-Bold.ttf",
    "han.ttf": "DroidSansFallbackFull.ttf",
    "hangul.ttf": "NanumMyeongjo.ttf",
}
"""The bundled fonts the page uses too: the same serif as the letter for headings, and
the letter's CJK fonts so a mission's Chinese name shows on any computer."""


@pages.get("/fonts/<name>")
def font(name: str) -> Response:
    """One of :data:`WEB_FONTS` (the browser loads the CJK ones only for CJK text)."""
    if name not in WEB_FONTS:
        abort(404)
    response = send_from_directory(resources.fonts_dir(), WEB_FONTS[name], max_age=86400 * 30)
    response.mimetype = "font/ttf"
    return response


@pages.get("/api/places")
def suggest_places() -> Response:
    """Town and city names starting with ``q``, as a JSON list; ``X-Complete: 0`` while
    the gazetteer's towns are still being read (the page then asks again)."""
    suggestions = loaded().suggestions
    response = jsonify(suggestions(request.args.get("q", "")))
    response.headers["X-Complete"] = "1" if suggestions.complete else "0"
    return response


@pages.get("/health")
def health() -> Response:
    """200 once the directory and fonts are loaded (the app is made only then)."""
    state = loaded()
    return jsonify({"status": "ok", "missions": len(state.directory.missions)})


# --- many letters ---------------------------------------------------------------------


def _batch_page(values: Mapping[str, str], errors: one.FormErrors | None = None) -> str:
    state = loaded()
    return render_template(
        "batch.html",
        values=values,
        errors=errors or one.FormErrors(),
        languages=one.LANGUAGE_CHOICES,
        language_names={code: _language_name(code) for code in one.LANGUAGE_CHOICES},
        papers=one.PAPER_CHOICES,
        server_profile=state.profile,
        max_letters=state.config.max_batch_letters,
    )


@pages.get("/batch")
def batch_form() -> str:
    """The many-letters form."""
    return _batch_page({})


@pages.post("/batch")
def batch_post() -> ResponseReturnValue:
    """Start a batch from an uploaded signers file; the browser goes to its progress page."""
    state = loaded()
    values = _form_values()
    errors = one.FormErrors()
    signers_file = uploads.upload("signers")
    if signers_file is None:
        errors.add("signers", "choose the signers file (CSV or .xlsx) to upload")
    else:
        problem = uploads.suffix_error(
            signers_file, SIGNERS_SUFFIXES, "a CSV file or an Excel workbook"
        )
        if problem:
            errors.add("signers", problem + "; save the spreadsheet as .xlsx or 'CSV UTF-8'")
    choice = one.parse_choice(values, errors, need_mission=False)
    one.check_options(choice, state.profile, state.directory, errors)
    yaml_file = uploads.upload("profile")
    if yaml_file is not None:
        problem = uploads.suffix_error(yaml_file, one.PROFILE_SUFFIXES, "a profile")
        if problem:
            errors.add("profile", problem)
    if state.jobs.busy():
        errors.general.append("the server is writing other batches; try again in a minute")
    if errors or signers_file is None:
        return _batch_page(values, errors), 400
    job = state.jobs.create(_owner())
    try:
        stored = SIGNERS_STEM + Path(signers_file.filename or ".csv").suffix.lower()
        signers_file.save(job.folder / stored)
        profile_file = str(state.config.profile_path or "")
        if yaml_file is not None:
            yaml_file.save(job.folder / one.PROFILE_FILE)
            profile_file = str(job.folder / one.PROFILE_FILE)
            uploads.save_images(job.folder, errors)
            if errors:
                state.jobs.forget(job)
                return _batch_page(values, errors), 400
        state.jobs.start(
            job,
            BatchRequest(
                folder=str(job.folder),
                signers_name=Path(signers_file.filename or stored).name,
                signers_file=stored,
                profile_file=profile_file,
                profile_name=Path(yaml_file.filename or one.PROFILE_FILE).name
                if yaml_file is not None
                else one.PROFILE_FILE,
                language=choice.language,
                paper=choice.paper,
                when=choice.when,
                cosign=values.get("cosign") == "on",
                max_letters=state.config.max_batch_letters,
                allow_templates=state.config.allow_templates,
            ),
        )
    except BaseException:
        state.jobs.forget(job)
        raise
    return redirect(url_for("pages.batch_progress", job_id=job.id), 303)


def _owner() -> str:
    return csrf_token()


def _job(job_id: str) -> Job:
    job = loaded().jobs.get(job_id, _owner())
    if job is None:
        abort(404, description="no such batch: it was downloaded already, or it expired")
    return job


@pages.get("/batch/<job_id>")
def batch_progress(job_id: str) -> str:
    """How far the batch is; the kit's download when it is done."""
    job = _job(job_id)
    return render_template("progress.html", job=job, status=job.status())


@pages.get("/batch/<job_id>/status")
def batch_status(job_id: str) -> Response:
    """The batch's progress as JSON, for the progress bar's script."""
    return jsonify(_job(job_id).status())


@pages.get("/batch/<job_id>/kit.zip")
def batch_kit(job_id: str) -> Response:
    """The kit as one zip; the job and its files are deleted once it is sent."""
    state = loaded()
    job = _job(job_id)
    if job.state != "done" or not job.kit.is_file():
        abort(404, description="the kit is not ready")
    size = job.kit.stat().st_size

    def chunks() -> Iterator[bytes]:
        try:
            with job.kit.open("rb") as kit:
                while chunk := kit.read(KIT_CHUNK):
                    yield chunk
        finally:  # also when the browser stops the download half-way
            state.jobs.forget(job)

    response = Response(chunks(), mimetype="application/zip", direct_passthrough=True)
    response.headers["Content-Disposition"] = f'attachment; filename="{KIT_NAME}"'
    response.headers["Content-Length"] = str(size)
    return response


# --- the directory --------------------------------------------------------------------


@pages.get("/missions")
def directory_page() -> str:
    """Search and browse the missions; and which mission serves a town."""
    state = loaded()
    query = " ".join(request.args.get("q", "").split())
    country = request.args.get("country", "").strip().upper()
    place = " ".join(request.args.get("place", "").split())
    wanted = normalise(query)
    found = [
        card(m)
        for m in state.directory
        if (not country or m.country == country)
        and (
            not wanted
            or wanted in normalise(" ".join((m.name, m.city_name, m.id, *m.aliases)))
            or wanted in normalise(i18n.country_name(m.country))
        )
    ]
    served = None
    place_error = ""
    if place:
        try:
            resolution = places.resolve(state.directory, place, request.args.get("in", ""))
            served = {**card(resolution.mission), "reason": resolution.reason}
        except LettersError as exc:
            place_error = str(exc)
    countries = sorted({m.country for m in state.directory}, key=lambda c: i18n.country_name(c))
    return render_template(
        "directory.html",
        found=found,
        query=query,
        country=country,
        countries=[(c, i18n.country_name(c)) for c in countries],
        place=place,
        served=served,
        place_error=place_error,
        total=len(state.directory.missions),
    )


@pages.get("/missions/<mission_id>")
def mission_page(mission_id: str) -> tuple[str, int] | str:
    """Everything the directory holds about one mission."""
    try:
        mission = loaded().directory.get(mission_id)
    except LettersError as exc:
        return render_template("error.html", title="Not found", message=str(exc)), 404
    return render_template("mission.html", c=card(mission))


__all__ = ["KIT_CHUNK", "LANGUAGE_NAMES", "SIGNERS_SUFFIXES", "WEB_FONTS", "pages"]
