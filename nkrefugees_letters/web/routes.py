"""Routes: the pages (one letter, many letters, the directory) and the plain links.

Each route reads the request, calls the library through :mod:`.letter` or :mod:`.jobs`,
and renders a page. Files a user sends are kept in a temporary folder of that request,
removed when the response is made, whatever happened.
"""

from __future__ import annotations

import base64
import re
import tempfile
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
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
from werkzeug.datastructures import FileStorage

from .. import i18n, places, profile, resources
from ..errors import DataError, LettersError
from ..missions import normalise
from . import letter as one
from .app import CSRF_FIELD, loaded
from .jobs import KIT_NAME, SIGNERS_STEM, BatchRequest, Job
from .preview import pages_png
from .view import card

pages = Blueprint("pages", __name__)

SIGNERS_SUFFIXES = (".csv", ".xlsx")
"""What the library reads (signers.read): CSV in the encodings spreadsheets save, or .xlsx."""
KIT_CHUNK = 256 * 1024
_SAFE_NAME = re.compile(r"[^A-Za-z0-9._-]+")


# --- uploads --------------------------------------------------------------------------


@contextmanager
def request_folder() -> Iterator[Path]:
    """A private folder for this request's files, removed when the request is done."""
    with tempfile.TemporaryDirectory(prefix="nkletters-web-") as folder:
        yield Path(folder)


def _upload(name: str) -> FileStorage | None:
    file = request.files.get(name)
    return file if file is not None and file.filename else None


def _stored_name(filename: str, fallback: str) -> str:
    """A file name safe to write in the request's folder, keeping the suffix."""
    base = _SAFE_NAME.sub("-", Path(filename).name).strip(".-")[:80]
    return base or fallback


def _suffix_error(file: FileStorage, allowed: tuple[str, ...], what: str) -> str:
    suffix = Path(file.filename or "").suffix.lower()
    if suffix in allowed:
        return ""
    return f"{file.filename!r} is not {what} — the file name must end in {' or '.join(allowed)}"


@dataclass
class Uploaded:
    """The profile the letter is written with, and how uploaded files were named."""

    profile: profile.Profile
    names: dict[str, str]
    template: str = ""
    from_form: bool = False
    """Made from the form's fields: messages name the field, not a line of a file."""


def _profile_from_request(folder: Path, errors: one.FormErrors) -> Uploaded:
    """The organisation: an uploaded nkletters.yaml, else the form's fields, else the
    server's profile; problems go on the fields they concern."""
    config = loaded().config
    names: dict[str, str] = {}
    logo_path: Path | None = None
    logo = _upload("logo")
    if logo is not None:
        problem = _suffix_error(logo, one.IMAGE_SUFFIXES, "a PNG or JPEG image")
        if problem:
            errors.add("logo", problem)
        else:
            stored = one.LOGO_NAME + Path(logo.filename or "").suffix.lower()
            logo.save(folder / stored)
            names[stored] = logo.filename or stored
            logo_path = folder / stored
    template = ""
    uploaded_template = _upload("template") if config.allow_templates else None
    if uploaded_template is not None:
        problem = _suffix_error(uploaded_template, one.TEMPLATE_SUFFIXES, "a letter template")
        if problem:
            errors.add("template", problem)
        else:
            stored = "template.md"
            uploaded_template.save(folder / stored)
            names[stored] = uploaded_template.filename or stored
            template = str(folder / stored)
    yaml_file = _upload("profile")
    if yaml_file is not None:
        return Uploaded(
            _uploaded_profile(yaml_file, folder, names, logo_path, errors), names, template
        )
    text = one.profile_yaml(request.form, logo_path.name if logo_path else "")
    if not text:
        return Uploaded(loaded().profile, names, template)
    path = folder / one.PROFILE_FILE
    path.write_text(text, encoding="utf-8")
    try:
        return Uploaded(profile.load(path), names, template, from_form=True)
    except LettersError as exc:
        message = exc.message if isinstance(exc, DataError) else str(exc)
        if exc.hint and isinstance(exc, DataError):
            message = f"{message} — {exc.hint}"
        field, rest = one.form_field(one.scrub(message, folder, names))
        if field:
            errors.add(field, rest)
        else:
            errors.general.append(rest)
        return Uploaded(profile.Profile(), names, template)


def _uploaded_profile(
    file: FileStorage,
    folder: Path,
    names: dict[str, str],
    logo: Path | None,
    errors: one.FormErrors,
) -> profile.Profile:
    problem = _suffix_error(file, one.PROFILE_SUFFIXES, "a profile")
    if problem:
        errors.add("profile", problem)
        return profile.Profile()
    _save_images(folder, errors)
    path = folder / one.PROFILE_FILE
    file.save(path)
    names[one.PROFILE_FILE] = Path(file.filename or one.PROFILE_FILE).name
    try:
        one.precheck(path)
        chosen = profile.load(path)
        one.confine(chosen, folder, allow_templates=loaded().config.allow_templates)
    except LettersError as exc:
        errors.add("profile", one.shown(exc, folder, names))
        return profile.Profile()
    return one.with_logo(chosen, logo)


def _save_images(folder: Path, errors: one.FormErrors) -> None:
    """The images an uploaded profile names (logo, signatures), under their own names."""
    for image in request.files.getlist("images"):
        if not image.filename:
            continue
        bad = _suffix_error(image, one.IMAGE_SUFFIXES, "a PNG or JPEG image")
        if bad:
            errors.add("images", bad)
            continue
        stored = _stored_name(image.filename, "image.png")
        if stored == one.PROFILE_FILE or stored.startswith(SIGNERS_STEM + "."):
            stored = "image-" + stored
        image.save(folder / stored)


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
    with request_folder() as folder:
        uploaded = _profile_from_request(folder, errors)
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


def _file_error(message: str, uploaded: Uploaded, errors: one.FormErrors) -> None:
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
    signers_file = _upload("signers")
    if signers_file is None:
        errors.add("signers", "choose the signers file (CSV or .xlsx) to upload")
    else:
        problem = _suffix_error(signers_file, SIGNERS_SUFFIXES, "a CSV file or an Excel workbook")
        if problem:
            errors.add("signers", problem + "; save the spreadsheet as .xlsx or 'CSV UTF-8'")
    choice = one.parse_choice(values, errors, need_mission=False)
    one.check_options(choice, state.profile, state.directory, errors)
    yaml_file = _upload("profile")
    if yaml_file is not None:
        problem = _suffix_error(yaml_file, one.PROFILE_SUFFIXES, "a profile")
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
            _save_images(job.folder, errors)
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
    from .app import csrf_token

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
