"""Letters: the library API — from a mission, a profile and a template to a written PDF.

Data flows one way: load (missions, profile) → resolve (which mission, which template)
→ render text (Jinja2 → LetterText) → lay out (reportlab) → write (atomic).
Nothing here prints or exits; the CLI (``cli/``) does that.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from . import i18n, output
from .errors import LettersError, TemplateError
from .missions import Mission
from .pdf import fonts, layout
from .profile import Profile, Signatory, check_text
from .text import render, templates
from .text.lettertext import LetterText

if TYPE_CHECKING:
    from .signers import Signer


@dataclass(frozen=True)
class LetterOptions:
    """What the user asked for; ``None`` means "the profile's default, else the built-in one"."""

    language: str | None = None
    template: str | None = None
    paper: str | None = None
    when: date | None = None
    out_dir: Path | None = None
    fold_marks: bool = False
    force: bool = False


class Written(NamedTuple):
    """A letter written to disk."""

    path: Path
    pages: int
    paper: str
    mission: Mission
    warnings: tuple[str, ...] = ()


def mission_warnings(mission: Mission) -> tuple[str, ...]:
    """Warnings a volunteer must see before delivering to this mission."""
    warnings = []
    if not mission.address.lines:
        warnings.append(
            f"the directory has no street address for the {mission.name}, only "
            f"{mission.city!r}; find the door on the mission's own website before delivery"
        )
    if mission.address.lines and not mission.verified:
        source = f" (best source: {mission.source})" if mission.source else ""
        warnings.append(
            f"the address of the {mission.name} is known only at confidence "
            f"{mission.confidence!r}, not from an official page{source}; "
            "check it before delivery"
        )
    return tuple(warnings)


def review_warnings(text: LetterText) -> tuple[str, ...]:
    """A warning for each language of the letter whose template awaits native review."""
    parts = [text, *([text.translation] if text.translation else [])]
    return tuple(f"the '{p.language}' text: {p.review}" for p in parts if p.review)


def context(
    mission: Mission,
    profile: Profile,
    when: date,
    language: str,
    signatories: tuple[Signatory, ...],
    **extra: Any,
) -> dict[str, Any]:
    """The variables a template sees (documented in docs/templates.md)."""
    number = i18n.anniversary(when)
    return {
        "mission": mission,
        "organisation": profile.organisation,
        "signatories": signatories,
        # One person writing in their own name ("I"); an organisation, or several people
        # co-signing, write as "we".
        "personal": profile.is_personal and len(signatories) <= 1,
        "date": when,
        "date_text": i18n.long_date(when, language, mission.country),
        "city": mission.city,
        "country": mission.country,
        "country_name": i18n.country_name(mission.country, language),
        "language": language,
        "anniversary": number,
        "anniversary_ordinal": i18n.ordinal(number, language),
        "accession_date": i18n.long_date(i18n.ACCESSION_DATE, language, mission.country),
        "accession_year": i18n.ACCESSION_DATE.year,
        # The mission and the care-of line in the letter's language (docs/languages.md).
        "mission_name": i18n.mission_name(mission, language),
        "care_of": i18n.care_of(mission, language),
        "organisation_name": (
            i18n.in_text(profile.organisation.name, language) if profile.organisation else ""
        ),
        "cat_ratification_date": i18n.long_date(
            i18n.CAT_RATIFICATION_DATE, language, mission.country
        ),
        "ruling_date": i18n.long_date(
            i18n.ROK_SUPREME_COURT_RULING_DATE, language, mission.country
        ),
        "campaign_date": i18n.long_date(date(when.year, 9, 24), language, mission.country),
        # A signer's own words (--signers); empty unless a signers file gives them.
        "personal_note": "",
        # The --signers row of a letter of one's own: every column, others under .extra.
        "signer": None,
        **extra,
    }


def choose_paper(requested: str | None, profile: Profile, mission: Mission) -> str:
    """``--paper`` if given, else the profile's default, else by the mission's country."""
    paper = (requested or profile.defaults.paper or "auto").lower()
    if paper == "auto":
        return i18n.paper_for_country(mission.country)
    if paper not in layout.PAPERS:
        raise LettersError(f"unknown paper size {paper!r}", hint="use a4, letter or auto")
    return paper


def check_printable(profile: Profile) -> None:
    """Fail early, naming the field, if the profile holds a character no font can print."""
    for label, value in check_text(profile):
        where = f"{profile.path}: " if profile.path else ""
        error = fonts.unprintable_error(f"{where}{label}", value)
        if error is not None:
            raise error


def compose(
    mission: Mission,
    profile: Profile,
    options: LetterOptions,
    *,
    signers: Sequence[Signer] = (),
    signatories: tuple[Signatory, ...] | None = None,
    extra: dict[str, Any] | None = None,
) -> layout.Letter:
    """Resolve the template and render the text: everything but the PDF.

    The one place a letter is composed, for ``generate --city`` and for every letter of
    a batch alike. ``signers`` (rows of a signers file) sign it instead of the
    profile's signatories: one signer's letter carries their personal note and their
    row (the template's ``signer``); several co-sign. A bilingual letter (``en+zh``)
    renders the template once in each language; the second text rides along as the
    first one's ``translation``.
    """
    if signers:
        signatories = tuple(Signatory(s.name, s.title, s.organisation) for s in signers)
        one = signers[0] if len(signers) == 1 else None
        extra = {
            "personal_note": one.personal_note if one else "",
            "signer": one.template_value() if one else None,
            **(extra or {}),
        }
    languages = split_languages(options.language or profile.defaults.language or "en")
    when = options.when or date.today()
    people = profile.signatories if signatories is None else signatories
    template_name = options.template or profile.defaults.template or "appeal"
    parts = []
    for language in languages:
        template = _template(template_name, language, bilingual=len(languages) > 1)
        parts.append(
            render.render(
                template, context(mission, profile, when, language, people, **(extra or {}))
            )
        )
    text = parts[0]
    if len(parts) > 1:
        text = replace(text, translation=parts[1])
    return layout.Letter(
        text=text,
        mission=mission,
        profile=profile,
        paper=choose_paper(options.paper, profile, mission),
        date_text=i18n.long_date(when, text.language, mission.country),
        when=when,
        signatories=people,
        fold_marks=options.fold_marks,
        title=f"{text.subject} — {mission.name}",
        second_date_text=(
            i18n.long_date(when, parts[1].language, mission.country) if len(parts) > 1 else ""
        ),
    )


def split_languages(value: str) -> tuple[str, ...]:
    """``"zh"`` → ``("zh",)``; ``"en+zh"`` → ``("en", "zh")``: the whole letter in the
    first language, then in the second."""
    languages = tuple(part.strip() for part in value.split("+"))
    if len(languages) > 2 or not all(languages) or len(set(languages)) != len(languages):
        raise LettersError(
            f"language {value!r} is not one language or two different ones joined by '+'",
            hint="use e.g. 'zh' for Chinese, or 'en+zh' for English followed by Chinese",
        )
    return languages


def _template(name: str, language: str, *, bilingual: bool) -> templates.Template:
    template = templates.load_template(templates.find_template(name, language))
    if bilingual and template.language != language:
        raise TemplateError(
            f"template {template.name!r} is in {template.language!r}, "
            f"so it cannot be the {language!r} half of a bilingual letter",
            path=template.path,
            hint=f"give a template name without a language (e.g. 'appeal') and add "
            f"a '{language}' version of it",
        )
    return template


def file_name(mission: Mission, when: date, signer: str = "") -> str:
    """``DATE_MISSION-ID[_SIGNER].pdf``, at most about 110 characters whatever the id
    and name (file systems refuse names over 255 bytes)."""
    suffix = f"_{output.safe_name(signer, 40)}" if signer else ""
    return f"{when.isoformat()}_{output.safe_name(mission.id, 60)}{suffix}.pdf"


def generate(
    mission: Mission,
    profile: Profile,
    options: LetterOptions,
) -> Written:
    """Write one letter to ``options.out_dir`` and return where and how many pages."""
    check_printable(profile)
    letter = compose(mission, profile, options)
    pdf = layout.render_pdf(letter)
    when = options.when or date.today()
    out_dir = options.out_dir or profile.defaults.out
    path = output.write_atomic(
        output.ensure_dir(out_dir) / file_name(mission, when), pdf.data, force=options.force
    )
    warnings = mission_warnings(mission) + review_warnings(letter.text)
    return Written(path, pdf.pages, pdf.paper.label, mission, warnings)
