"""Uploads: the files a form sends — checked by name, kept in the request's own folder.

An uploaded profile may only name files uploaded with it; the form's organisation
fields become the ``nkletters.yaml`` the CLI would read (:mod:`.letter`).
"""

from __future__ import annotations

import re
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from flask import request
from werkzeug.datastructures import FileStorage

from .. import profile
from ..errors import DataError, LettersError
from . import letter as one
from .jobs import SIGNERS_STEM
from .state import loaded

__all__ = [
    "Uploaded",
    "profile_from_request",
    "request_folder",
    "save_images",
    "stored_name",
    "suffix_error",
    "upload",
]

_SAFE_NAME = re.compile(r"[^A-Za-z0-9._-]+")


@contextmanager
def request_folder() -> Iterator[Path]:
    """A private folder for this request's files, removed when the request is done."""
    with tempfile.TemporaryDirectory(prefix="nkletters-web-") as folder:
        yield Path(folder)


def upload(name: str) -> FileStorage | None:
    file = request.files.get(name)
    return file if file is not None and file.filename else None


def stored_name(filename: str, fallback: str) -> str:
    """A file name safe to write in the request's folder, keeping the suffix."""
    base = _SAFE_NAME.sub("-", Path(filename).name).strip(".-")[:80]
    return base or fallback


def suffix_error(file: FileStorage, allowed: tuple[str, ...], what: str) -> str:
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


def profile_from_request(folder: Path, errors: one.FormErrors) -> Uploaded:
    """The organisation: an uploaded nkletters.yaml, else the form's fields, else the
    server's profile; problems go on the fields they concern."""
    config = loaded().config
    names: dict[str, str] = {}
    logo_path: Path | None = None
    logo = upload("logo")
    if logo is not None:
        problem = suffix_error(logo, one.IMAGE_SUFFIXES, "a PNG or JPEG image")
        if problem:
            errors.add("logo", problem)
        else:
            stored = one.LOGO_NAME + Path(logo.filename or "").suffix.lower()
            logo.save(folder / stored)
            names[stored] = logo.filename or stored
            logo_path = folder / stored
    template = ""
    uploaded_template = upload("template") if config.allow_templates else None
    if uploaded_template is not None:
        problem = suffix_error(uploaded_template, one.TEMPLATE_SUFFIXES, "a letter template")
        if problem:
            errors.add("template", problem)
        else:
            stored = "template.md"
            uploaded_template.save(folder / stored)
            names[stored] = uploaded_template.filename or stored
            template = str(folder / stored)
    yaml_file = upload("profile")
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
    problem = suffix_error(file, one.PROFILE_SUFFIXES, "a profile")
    if problem:
        errors.add("profile", problem)
        return profile.Profile()
    save_images(folder, errors)
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


def save_images(folder: Path, errors: one.FormErrors) -> None:
    """The images an uploaded profile names (logo, signatures), under their own names."""
    for image in request.files.getlist("images"):
        if not image.filename:
            continue
        bad = suffix_error(image, one.IMAGE_SUFFIXES, "a PNG or JPEG image")
        if bad:
            errors.add("images", bad)
            continue
        stored = stored_name(image.filename, "image.png")
        if stored == one.PROFILE_FILE or stored.startswith(SIGNERS_STEM + "."):
            stored = "image-" + stored
        image.save(folder / stored)
