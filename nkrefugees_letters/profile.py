"""Profile: the organisation's ``nkletters.yaml`` — who writes, who signs, and their defaults."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from . import i18n, images, reading, validation, yamlio
from .errors import BadCountry, DataError, LettersError
from .pdf import geometry

PROFILE_NAME = "nkletters.yaml"
PAPERS = ("auto", *geometry.PAPERS)
"""What ``defaults.paper`` accepts: a paper of the geometry table, or "auto" (by country)."""
PLACEMENTS = ("left", "centre", "center", "right")
MAX_SIGNATORIES = 6
_COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


@dataclass(frozen=True)
class Signatory:
    """A person who signs the letter."""

    name: str
    title: str = ""
    organisation: str = ""
    signature_image: Path | None = None


@dataclass(frozen=True)
class Organisation:
    """The sending organisation, printed in the letterhead and the return address."""

    name: str
    address: tuple[str, ...] = ()
    email: str = ""
    phone: str = ""
    website: str = ""
    logo: Path | None = None
    country: str = ""
    """Where the organisation is (ISO code): decides a city name that several countries
    share (London is the one in GB for a British group, in Ontario for a Canadian one)."""

    def contact_line(self) -> str:
        """Email, phone and website on one line, separated by middle dots."""
        return "  ·  ".join(x for x in (self.phone, self.email, self.website) if x)

    def return_line(self) -> str:
        """The one-line sender address shown above the recipient in the envelope window."""
        return " · ".join((self.name, *self.address))


@dataclass(frozen=True)
class Letterhead:
    """How the letterhead looks."""

    tagline: str = ""
    accent_colour: str = "#1f3a5f"
    placement: str = "left"
    footer: str = ""


@dataclass(frozen=True)
class Defaults:
    """Defaults for options the user does not give on the command line."""

    language: str = "en"
    paper: str = "auto"
    out: Path = Path("letters")
    template: str = "appeal"


@dataclass(frozen=True)
class Profile:
    """Everything the organisation's profile says; the empty profile means a personal letter."""

    organisation: Organisation | None = None
    letterhead: Letterhead = field(default_factory=Letterhead)
    signatories: tuple[Signatory, ...] = ()
    cosigners: tuple[str, ...] = ()
    defaults: Defaults = field(default_factory=Defaults)
    path: Path | None = None
    warnings: tuple[str, ...] = ()
    """What the profile probably does not mean (``accent_colour: #c00000`` is a comment)."""

    @property
    def country(self) -> str:
        """The organisation's country code, or '' (personal letters, or not given)."""
        return self.organisation.country if self.organisation else ""

    @property
    def is_personal(self) -> bool:
        """True when no organisation is set: the letter has blank lines for the sender."""
        return self.organisation is None


def find(explicit: Path | None, cwd: Path | None = None) -> Path | None:
    """The profile to use: ``--profile PATH`` if given, else ``./nkletters.yaml`` if present."""
    if explicit is not None:
        return explicit
    candidate = (cwd or Path.cwd()) / PROFILE_NAME
    return candidate if candidate.is_file() else None


SECTIONS = ("organisation", "letterhead", "signatories", "co_signing_organisations", "defaults")
"""The top-level sections of a profile."""


def load(path: Path | None) -> Profile:
    """Read and validate a profile; ``None`` gives the built-in personal profile.

    Raises:
        DataError: the first problem, as ``file:line: field: what is wrong — how to fix
            it``. Within :func:`validation.collecting`, a problem of an optional field is
            recorded instead and the field's default used (see :func:`check`).
    """
    if path is None:
        return Profile()
    top = validation.Fields(yamlio.load_file(path), path, "", SECTIONS)
    base = path.parent
    # One section after the other: problems come in the order of the file.
    organisation = _organisation(top, base)
    letterhead = _letterhead(top)
    signatories = _signatories(top, path, base)
    defaults = _defaults(top, base)
    return Profile(
        organisation=organisation,
        letterhead=letterhead,
        signatories=signatories,
        cosigners=top.text_list("co_signing_organisations"),
        defaults=defaults,
        path=path,
        warnings=comment_warnings(path),
    )


def check(path: Path) -> tuple[Profile | None, list[LettersError]]:
    """Every problem of the profile at ``path``, found in one pass of :func:`load`.

    Returns:
        The profile as far as it could be read (None when a problem stopped the reading:
        a file that is no YAML, a section of the wrong shape, a missing required field),
        and every problem found, in the order of the file.
    """
    with validation.collecting() as problems:
        try:
            loaded = load(path)
        except LettersError as error:
            return None, [*problems, error]
    return loaded, list(problems)


def _organisation(top: validation.Fields, base: Path) -> Organisation | None:
    org = top.mapping(
        "organisation", ("name", "address", "country", "email", "phone", "website", "logo")
    )
    if org is None:
        return None
    email = org.text("email")
    if email and not _EMAIL.match(email):
        validation.report(
            org.error(
                f"email: {email!r} does not look like an email address",
                org.line("email"),
                hint="write it as name@example.org",
            )
        )
        email = ""
    try:
        name = org.text("name", required=True)
    except DataError as error:  # collecting (nkletters check): check the other fields
        validation.report(error)
        name = ""
    return Organisation(
        name=name,
        address=org.text_list("address"),
        email=email,
        phone=org.text("phone"),
        website=org.text("website"),
        logo=_image(org, "logo", base),
        country=_country(org),
    )


def _letterhead(top: validation.Fields) -> Letterhead:
    plain = Letterhead()
    head = top.mapping("letterhead", ("tagline", "accent_colour", "placement", "footer"))
    if head is None:
        return plain
    colour = head.text("accent_colour") or plain.accent_colour
    if not _COLOUR.match(colour):
        validation.report(
            head.error(
                f"accent_colour: expected a colour like '#1f3a5f', got {colour!r}",
                head.line("accent_colour"),
                hint="a '#' and six hexadecimal digits, in quotes",
            )
        )
        colour = plain.accent_colour
    placement = head.choice("placement", PLACEMENTS, default="left")
    return Letterhead(
        tagline=head.text("tagline"),
        accent_colour=colour,
        placement="centre" if placement == "center" else placement,
        footer=head.text("footer"),
    )


def _signatories(top: validation.Fields, path: Path, base: Path) -> tuple[Signatory, ...]:
    signatories = []
    for index, raw in top.items("signatories"):
        try:
            signatories.append(_signatory(raw, path, index, base))
        except DataError as error:  # collecting (nkletters check): go on with the next one
            validation.report(error)
            signatories.append(Signatory(name=""))  # keeps the others' indices in messages
    if len(signatories) > MAX_SIGNATORIES:
        validation.report(
            top.error(
                f"signatories: at most {MAX_SIGNATORIES} fit under a letter, "
                f"got {len(signatories)}",
                top.line("signatories"),
                hint="list further supporters under co_signing_organisations, or use --signers",
            )
        )
        signatories = signatories[:MAX_SIGNATORIES]
    return tuple(signatories)


def _defaults(top: validation.Fields, base: Path) -> Defaults:
    given = top.mapping("defaults", ("language", "paper", "out", "template"))
    if given is None:
        return Defaults()
    out = given.text("out")
    return Defaults(
        language=i18n.language_spelling(given.text("language", default="en")),
        paper=given.choice("paper", PAPERS, default="auto"),
        out=(base / out) if out else Defaults.out,
        template=_template(given.text("template", default="appeal"), base),
    )


def comment_warnings(path: Path) -> tuple[str, ...]:
    """A warning for each ``key: #value`` of the profile at ``path`` (see Profile.warnings)."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError):  # load_file read it a moment ago
        return ()
    return tuple(
        f"{path}:{line}: {key}: {value} is read as a comment, so {key} is empty and its "
        f'default is used — put the value in quotes: {key}: "{value}"'
        for line, key, value in yamlio.comment_values(text)
    )


def _country(org: validation.Fields) -> str:
    value = org.text("country")
    try:
        return i18n.checked_country(value)
    except BadCountry:  # said here with the file's line, in the profile's words
        validation.report(
            org.error(
                f"country: {value!r} is not a two-letter country code",
                org.line("country"),
                hint="write the ISO 3166 code, e.g. GB, US, CA, KR",
            )
        )
        return ""


def _signatory(raw: object, path: Path, index: int, base: Path) -> Signatory:
    person = validation.Fields(
        raw, path, f"signatories[{index}]", ("name", "title", "organisation", "signature")
    )
    return Signatory(
        name=person.text("name", required=True),
        title=person.text("title"),
        organisation=person.text("organisation"),
        signature_image=_image(person, "signature", base),
    )


def _template(value: str, base: Path) -> str:
    """A built-in template name as it is; a path to one's own, relative to the profile."""
    if value.endswith(".md") or "/" in value or "\\" in value:
        return str((base / value).expanduser())
    return value


_IMAGE_SIGNATURES = (b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff")


def _image(fields: validation.Fields, key: str, base: Path) -> Path | None:
    """The image file ``key`` names, checked to exist and to be a PNG or JPEG.

    Whether it decodes is left to the layout, which reads it anyway.
    """
    value = fields.text(key)
    if not value:
        return None
    image = (base / value).expanduser()
    problem, hint = image_problem(image)
    if problem:
        validation.report(fields.error(f"{key}: {problem}", fields.line(key), hint=hint))
        return None
    return image


def image_problem(image: Path) -> tuple[str, str]:
    """What is wrong with an image file for a logo or signature, and how to fix it;
    two empty strings when it is a sound PNG or JPEG."""
    problem, hint = "", ""
    if not reading.is_file(image):
        problem = f"image file {str(image)!r} not found"
        hint = "give the path relative to the profile file"
    elif image.suffix.lower() not in (".png", ".jpg", ".jpeg"):
        problem = f"{image.name!r} is not a PNG or JPEG image"
        hint = "save it as PNG (logos) or JPEG (photos, scans)"
    else:
        try:
            with image.open("rb") as handle:
                head = handle.read(8)
        except OSError as exc:
            problem = f"image file {str(image)!r} cannot be read: {exc.strerror}"
            hint = "check the file's permissions"
        else:
            if not head.startswith(_IMAGE_SIGNATURES):
                problem = f"{image.name!r} is not a PNG or JPEG image inside, whatever its name"
                hint = "open it in an image editor and save it as PNG or JPEG"
            else:
                try:
                    broken = _broken_image(image)
                except images.TooLarge as large:
                    problem, hint = f"{image.name!r} is too large ({large.reason})", large.hint
                else:
                    if broken:
                        problem = f"{image.name!r} is damaged ({broken})"
                        hint = "open it in an image editor and save it again as PNG or JPEG"
    return problem, hint


def email_problem(text: str) -> str:
    """Why ``text`` is not an email address, or '' when it looks like one (or is empty)."""
    if text and not _EMAIL.match(text):
        return f"{text!r} does not look like an email address; write it as name@example.org"
    return ""


def _broken_image(path: Path) -> str:
    """Why the image cannot be read, or '' when its structure is sound (TooLarge when
    it has more pixels than a logo needs).

    A quick check (headers, and a PNG's checksums), not a full decode: the layout decodes
    the image anyway and reports what this misses.
    """
    try:
        with images.open_image(images.read(path)) as picture:
            picture.verify()
    except images.TooLarge:
        raise
    except images.ImageProblem as problem:
        if problem.reason == "not an image file":
            return "its content cannot be read as an image"
        return problem.reason
    except Exception as exc:  # PIL raises many kinds for a damaged file
        return " ".join(str(exc).split()) or type(exc).__name__
    return ""


def check_text(profile: Profile) -> list[tuple[str, str]]:
    """Every free-text value of the profile with a label, for printability checks."""
    values: list[tuple[str, str]] = []
    if profile.organisation:
        org = profile.organisation
        values += [("organisation.name", org.name), ("organisation.email", org.email)]
        values += [(f"organisation.address[{i}]", line) for i, line in enumerate(org.address)]
        values += [("organisation.phone", org.phone), ("organisation.website", org.website)]
    values += [("letterhead.tagline", profile.letterhead.tagline)]
    values += [("letterhead.footer", profile.letterhead.footer)]
    for i, person in enumerate(profile.signatories):
        values += [
            (f"signatories[{i}].name", person.name),
            (f"signatories[{i}].title", person.title),
            (f"signatories[{i}].organisation", person.organisation),
        ]
    values += [(f"co_signing_organisations[{i}]", c) for i, c in enumerate(profile.cosigners)]
    return [(label, value) for label, value in values if value]


__all__ = [
    "MAX_SIGNATORIES",
    "PAPERS",
    "PLACEMENTS",
    "PROFILE_NAME",
    "SECTIONS",
    "DataError",
    "Defaults",
    "Letterhead",
    "Organisation",
    "Profile",
    "Signatory",
    "check",
    "check_text",
    "comment_warnings",
    "email_problem",
    "find",
    "image_problem",
    "load",
]
