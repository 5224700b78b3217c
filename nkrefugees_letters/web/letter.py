"""One letter on the web: the form's values → the library's profile and options → a PDF.

Nothing here decides anything the library decides (which mission, which paper, what a
valid profile is): the form's organisation fields are written as the ``nkletters.yaml``
the CLI would read, and every check is the library's, so its messages are the CLI's.
What this module adds is the web's side: which form field a message belongs to, and
that an uploaded profile may only name files uploaded with it.
"""

from __future__ import annotations

import re
import threading
from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path

from .. import cliopts, i18n, letters, places, profile, selection, yamlio
from ..errors import BadCountry, DataError, LettersError, TemplateError, UsageError
from ..missions import Directory
from ..pdf import layout
from ..text import templates

RENDER_LOCK = threading.Lock()
"""reportlab shares fonts and parsed paragraphs between documents of one process, so the
server's threads lay out one letter at a time (under the GIL they would take turns anyway)."""

LANGUAGE_CHOICES = (*i18n.LANGUAGES, "en+zh", "en+ko", "en+ja", "en+es")
PAPER_CHOICES = profile.PAPERS
SIGNATORY_ROWS = 3
"""Signatories the form has rows for; an uploaded profile may list up to six."""
IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg")
PROFILE_SUFFIXES = (".yaml", ".yml")
TEMPLATE_SUFFIXES = (".md",)
LOGO_NAME = "logo"
PROFILE_FILE = "nkletters.yaml"

BAD_DATE = "{value!r} is not a date; use YYYY-MM-DD, e.g. 2026-09-24"
"""The CLI's words for a bad --date (cli.common.parse_date)."""


@dataclass(frozen=True)
class Choice:
    """Which letter: the mission (by town or id), language, paper and date."""

    city: str = ""
    country: str = ""
    mission_id: str = ""
    language: str = ""
    paper: str = ""
    when: date | None = None


@dataclass
class FormErrors:
    """Messages by form field; ``general`` for those that belong to no one field."""

    fields: dict[str, str] = field(default_factory=dict)
    general: list[str] = field(default_factory=list)

    def add(self, name: str, message: str) -> None:
        """Keep the first message for a field: it is the one to fix first."""
        self.fields.setdefault(name, message)

    def __bool__(self) -> bool:
        return bool(self.fields or self.general)

    def all(self) -> list[str]:
        """Every message, general ones first."""
        return [*self.general, *self.fields.values()]


def parse_choice(
    values: Mapping[str, str], errors: FormErrors, *, need_mission: bool = True
) -> Choice:
    """The letter the form or query string asks for (``city``, ``country``, ``mission``,
    ``lang``, ``paper``, ``date``); bad values become field errors, in the words the CLI
    uses for the same option. A batch's signers say their own towns (``need_mission=False``)."""
    text = {key: " ".join(str(values.get(key, "")).split()) for key in values}
    when = None
    if text.get("date"):
        try:
            when = date.fromisoformat(text["date"])
        except ValueError:
            errors.add("date", BAD_DATE.format(value=text["date"]))
    # In a link, "lang=en+zh" arrives as "en zh": a '+' in a query string is a space.
    language = text.get("lang", "").replace(" ", "+")
    if language:
        try:
            language = cliopts.language_code(language)
        except ValueError as exc:
            errors.add("lang", str(exc))
    try:
        country = i18n.checked_country(text.get("country", ""))
    except BadCountry as exc:
        country = i18n.country_code(text["country"])
        errors.add("country", str(exc))
    city, mission_id = text.get("city", ""), text.get("mission", "")
    if need_mission:
        try:
            selection.single(selection.Selection.of(cities=(city,), mission_ids=(mission_id,)))
        except UsageError as exc:
            errors.add("city", str(exc))
    return Choice(
        city=city,
        country=country,
        mission_id=mission_id,
        language=language,
        paper=text.get("paper", "").lower(),
        when=when,
    )


class Resolutions:
    """The library's answer to "which mission, and why" for each town asked, kept: the
    directory does not change while the server runs, and a campaign's link asks for the
    same few towns all day (finding one takes longer than laying out its letter)."""

    SIZE = 4096

    def __init__(self, directory: Directory) -> None:
        self.directory = directory
        self._found: dict[tuple[str, str, str], places.Resolution] = {}
        self._lock = threading.Lock()

    def __call__(self, choice: Choice) -> places.Resolution:
        """:func:`selection.resolve` for the choice (raises its errors, which are not kept)."""
        key = (" ".join(choice.city.casefold().split()), choice.country, choice.mission_id)
        found = self._found.get(key)
        if found is None:
            found = selection.resolve(
                self.directory,
                city=choice.city,
                country=choice.country,
                mission_id=choice.mission_id,
            )
            with self._lock:
                if len(self._found) >= self.SIZE:
                    self._found.clear()
                self._found[key] = found
        return found


def resolve(
    resolutions: Resolutions, choice: Choice, errors: FormErrors
) -> places.Resolution | None:
    """The mission and why (the CLI's rules and words), or None with the error on its field."""
    try:
        return resolutions(choice)
    except LettersError as exc:
        message = str(exc)
        where = "mission" if choice.mission_id else "city"
        errors.add("country" if isinstance(exc, BadCountry) else where, message)
        return None


def check_options(
    choice: Choice, chosen: profile.Profile, directory: Directory, errors: FormErrors
) -> None:
    """Language and paper, checked by the library before anything is laid out."""
    template = chosen.defaults.template or "appeal"
    try:
        for language in letters.split_languages(choice.language or chosen.defaults.language):
            templates.find_template(template, language)
    except LettersError as exc:
        errors.add("lang", str(exc))
    try:
        # The paper's check does not depend on the mission: any one will do.
        letters.choose_paper(choice.paper or None, chosen, directory.missions[0])
    except LettersError as exc:
        errors.add("paper", str(exc))


def choose(
    values: Mapping[str, str],
    chosen: profile.Profile,
    resolutions: Resolutions,
    errors: FormErrors,
) -> tuple[Choice, places.Resolution | None]:
    """Everything about the letter but its writer: the form's choice, checked, and the
    mission it goes to (None when ``errors`` says why not)."""
    choice = parse_choice(values, errors)
    check_options(choice, chosen, resolutions.directory, errors)
    if "city" in errors.fields:
        return choice, None
    return choice, resolve(resolutions, choice, errors)


@dataclass(frozen=True)
class Made:
    """A letter laid out for the web: the PDF, and what the page says about it."""

    pdf: bytes
    pages: int
    paper: str
    file_name: str
    warnings: tuple[str, ...]


def make(
    resolution: places.Resolution, chosen: profile.Profile, choice: Choice, template: str = ""
) -> Made:
    """Lay out the letter (raises the library's errors)."""
    options = letters.LetterOptions(
        language=choice.language or None,
        template=template or None,
        paper=None if choice.paper in ("", "auto") else choice.paper,
        when=choice.when,
    )
    mission = resolution.mission
    with RENDER_LOCK:
        letters.check_printable(chosen)
        letter = letters.compose(mission, chosen, options)
        pdf = layout.render_pdf(letter)
    warnings = letters.mission_warnings(mission) + letters.review_warnings(letter.text)
    when = choice.when or date.today()
    return Made(pdf.data, pdf.pages, pdf.paper.label, letters.file_name(mission, when), warnings)


class Kept:
    """The campaign link's letters, kept: ``/letter.pdf?city=Chicago`` is the same letter
    for every volunteer in Chicago on a given day (the server's profile, no one's data,
    and the same bytes for the same input), so the second one is sent as it is."""

    SIZE = 256
    """About 15 MB of letters."""

    def __init__(self) -> None:
        self._kept: OrderedDict[tuple[object, ...], Made] = OrderedDict()
        self._lock = threading.Lock()

    def __call__(
        self, resolution: places.Resolution, server_profile: profile.Profile, choice: Choice
    ) -> Made:
        """:func:`make` for the server's profile, through the store."""
        when = choice.when or date.today()
        key = (resolution.mission.id, choice.language, choice.paper, when)
        with self._lock:
            found = self._kept.get(key)
            if found is not None:
                self._kept.move_to_end(key)
                return found
        made = make(resolution, server_profile, replace(choice, when=when))
        with self._lock:
            self._kept[key] = made
            while len(self._kept) > self.SIZE:
                self._kept.popitem(last=False)
        return made


# --- the organisation: form fields or an uploaded nkletters.yaml ---------------------

ORGANISATION_FIELDS = {
    "name": "org_name",
    "address": "org_address",
    "email": "org_email",
    "phone": "org_phone",
    "website": "org_website",
    "logo": "logo",
}
LETTERHEAD_FIELDS = {"tagline": "tagline", "accent_colour": "colour"}
_WHERE = re.compile(
    r"^(?:(?P<section>organisation|letterhead)|signatories\[(?P<index>\d+)\])"
    r"(?:\.|: )(?P<key>[a-z_]+)(?:\[\d+\])?(?::| contains)\s*"
)


def form_field(message: str) -> tuple[str, str]:
    """The form field a profile message is about, and the message without the YAML path
    (``organisation: email: 'x' does not look…`` → (``org_email``, ``'x' does not look…``));
    ``("", message)`` when it is about no field of the form."""
    match = _WHERE.match(message)
    if match is None:
        return "", message
    key = match["key"]
    if match["index"] is not None:
        name = f"signer{int(match['index'])}_{key}" if key in ("name", "title") else ""
    elif match["section"] == "organisation":
        name = ORGANISATION_FIELDS.get(key, "")
    else:
        name = LETTERHEAD_FIELDS.get(key, "")
    if not name:
        return "", message
    rest = message[match.end() :]
    if " contains" in match.group(0):
        rest = "contains " + rest
    return name, rest or message


def profile_yaml(values: Mapping[str, str], logo: str = "") -> str:
    """The form's organisation fields as the ``nkletters.yaml`` the CLI reads; empty when
    the form has none (a personal letter)."""
    q = yamlio.quote

    def get(key: str) -> str:
        return " ".join(str(values.get(key, "")).split())

    people = [
        (get(f"signer{i}_name"), get(f"signer{i}_title"))
        for i in range(SIGNATORY_ROWS)
        if get(f"signer{i}_name") or get(f"signer{i}_title")
    ]
    address = [
        " ".join(line.split())
        for line in str(values.get("org_address", "")).splitlines()
        if line.strip()
    ]
    org = {key: get(name) for key, name in ORGANISATION_FIELDS.items() if key != "address"}
    org["logo"] = logo
    lines: list[str] = []
    if any(org.values()) or address:
        lines.append("organisation:")
        lines += [f"  {key}: {q(value)}" for key, value in org.items() if value]
        if address:
            lines.append("  address: [" + ", ".join(q(line) for line in address) + "]")
    tagline, colour = get("tagline"), get("colour")
    if tagline or (colour and colour.lower() != profile.Letterhead().accent_colour):
        lines.append("letterhead:")
        lines += [
            f"  {k}: {q(v)}" for k, v in (("tagline", tagline), ("accent_colour", colour)) if v
        ]
    if people:
        lines.append("signatories:")
        for name, title in people:
            lines.append(f"  - name: {q(name)}")
            if title:
                lines.append(f"    title: {q(title)}")
    return "\n".join(lines) + "\n" if lines else ""


def _named_files(raw: object) -> list[tuple[str, object]]:
    """The values of an uploaded profile that name files: (field, value), as written."""
    found: list[tuple[str, object]] = []
    if not isinstance(raw, dict):
        return found
    sections = (("organisation", "logo"), ("defaults", "template"))
    for section, key in sections:
        part = raw.get(section)
        if isinstance(part, dict) and key in part:
            found.append((f"{section}.{key}", part[key]))
    people = raw.get("signatories")
    if isinstance(people, list):
        for index, person in enumerate(people):
            if isinstance(person, dict) and "signature" in person:
                found.append((f"signatories[{index}].signature", person["signature"]))
    return found


def precheck(path: Path) -> None:
    """Refuse an uploaded profile naming a file in another folder, before the library
    looks at that file: on a server, even whether a file exists is not the visitor's
    business. A built-in template's name is no file and passes."""
    for label, value in _named_files(yamlio.load_file(path)):
        if not isinstance(value, str) or not value.strip():
            continue  # the library reports a value of the wrong kind
        text = value.strip()
        if label == "defaults.template" and not (
            text.endswith(".md") or "/" in text or "\\" in text
        ):
            continue
        if "/" in text or "\\" in text or text.startswith("~") or text in (".", ".."):
            raise DataError(
                f"{label}: {text!r} is not a file uploaded with the profile",
                path=path,
                line=yamlio.line_of(value),
                hint="upload the file with the profile, and name it without a folder",
            )


def confine(loaded: profile.Profile, folder: Path, *, allow_templates: bool) -> None:
    """Refuse an uploaded profile that names a file outside the request's folder.

    On the CLI a profile may point anywhere on the user's own disk; on a server the disk
    is not the user's, so the logo, signatures and template must be files uploaded with
    the profile.
    """
    inside = folder.resolve()
    images = [("organisation.logo", loaded.organisation.logo if loaded.organisation else None)]
    images += [
        (f"signatories[{i}].signature", person.signature_image)
        for i, person in enumerate(loaded.signatories)
    ]
    for label, image in images:
        if image is not None and not image.resolve().is_relative_to(inside):
            raise DataError(
                f"{label}: {image.name!r} is not a file uploaded with the profile",
                path=loaded.path,
                hint="upload the image with the profile, and name it without a folder",
            )
    template = loaded.defaults.template
    if template.endswith(".md") or "/" in template or "\\" in template:
        if not allow_templates:
            raise TemplateError(
                "defaults.template: this server prints only the built-in templates",
                path=loaded.path,
                hint="remove 'template:' from defaults, or run nkletters on your own computer",
            )
        if not Path(template).resolve().is_relative_to(inside):
            raise TemplateError(
                f"defaults.template: {Path(template).name!r} is not a file uploaded with the "
                "profile",
                path=loaded.path,
                hint="upload the template as well",
            )


def shown(exc: LettersError, folder: Path, names: Mapping[str, str]) -> str:
    """The library's message with the request's temporary folder taken out, and uploaded
    files named as the user named them (``nkletters.yaml:7: …``)."""
    return scrub(str(exc), folder, names)


def scrub(text: str, folder: Path, names: Mapping[str, str]) -> str:
    """``text`` without the request's temporary folder (see :func:`shown`)."""
    for stored, original in names.items():
        text = text.replace(str(folder / stored), original)
    return text.replace(str(folder) + "/", "").replace(str(folder), "")


def with_logo(loaded: profile.Profile, logo: Path | None) -> profile.Profile:
    """The profile with an uploaded logo in place of the one it names (if any)."""
    if logo is None or loaded.organisation is None:
        return loaded
    return replace(loaded, organisation=replace(loaded.organisation, logo=logo))


__all__ = [
    "Choice",
    "FormErrors",
    "Kept",
    "Made",
    "Resolutions",
    "check_options",
    "choose",
    "confine",
    "form_field",
    "make",
    "parse_choice",
    "precheck",
    "profile_yaml",
    "resolve",
    "scrub",
    "shown",
]
