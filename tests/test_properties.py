"""Property tests (hypothesis): free text from thousands of people cannot break a letter.

Any text in any profile or signatory field gives a valid PDF that prints that text, or
one clear error line; never a traceback. A value inserted with ``{{ }}`` comes out of
the markup as exactly that plain text.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import pypdf
import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from nkrefugees_letters import signers, yamlio
from nkrefugees_letters.cli import cli
from nkrefugees_letters.pdf import fonts
from nkrefugees_letters.text import markup, render, sandbox, templates, values
from nkrefugees_letters.text.lettertext import Run

from .conftest import FIXED_DATE, pdf_text

# Text from anywhere: any Unicode (hypothesis leaves out lone surrogates, which no file
# can hold), and text made of the characters that mean something to YAML, Jinja, the
# body markup or reportlab's paragraph markup.
SPECIAL = "*-•\\&<>'\"#:{}%[]|!@`\n\t \u00a0\u200b\u2028\u0085"
TEXT = st.one_of(st.text(max_size=40), st.text(alphabet=SPECIAL + "ab", max_size=20))
PROPERTY = settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)


def folded(text: str) -> str:
    return " ".join(text.split())


# --- markup escaping ------------------------------------------------------------------


CONTEXTS = [
    # (text before the value, the block it makes, its plain text before the value)
    ("", "paragraph", ""),
    ("Dear ", "paragraph", "Dear "),
    ("- ", "bullet", ""),
    ("**Bold** ", "paragraph", "Bold "),
]


@settings(max_examples=300, deadline=None)
@given(value=TEXT, where=st.sampled_from(CONTEXTS))
def test_a_value_in_the_body_is_exactly_its_text(value: str, where: tuple[str, str, str]) -> None:
    before, kind, prefix = where
    assume(folded(value))
    blocks = markup.parse_body(before + markup.escape_markup(value))
    assert [(b.kind, b.plain) for b in blocks] == [(kind, prefix + folded(value))]
    # Whatever the value holds, it makes no bold or italic of its own.
    styled = [run for run in blocks[0].runs if run.bold or run.italic]
    assert styled == ([Run("Bold", bold=True)] if "**" in before else [])


@settings(max_examples=200, deadline=None)
@given(value=TEXT)
def test_a_value_through_jinja_is_exactly_its_text(value: str) -> None:
    assume(folded(value))
    body = sandbox.environment().from_string("{{ value }}\n\n- {{ value }}").render(value=value)
    assert [(b.kind, b.plain) for b in markup.parse_body(body)] == [
        ("paragraph", folded(value)),
        ("bullet", folded(value)),
    ]


@settings(max_examples=300, deadline=None)
@given(value=st.text())
def test_quoted_yaml_reads_back_exactly(value: str) -> None:
    assert yamlio.load_text("v: " + yamlio.quote(value) + "\n", "p.yaml") == {"v": value}


# --- any text in any profile field ------------------------------------------------------

FIELDS = {
    "organisation.name": ("organisation", "name"),
    "organisation.address": ("organisation", "address"),
    "organisation.email": ("organisation", "email"),
    "organisation.phone": ("organisation", "phone"),
    "organisation.website": ("organisation", "website"),
    "letterhead.tagline": ("letterhead", "tagline"),
    "letterhead.footer": ("letterhead", "footer"),
    "signatory.name": ("signatory", "name"),
    "signatory.title": ("signatory", "title"),
    "signatory.organisation": ("signatory", "organisation"),
    "co_signing_organisations": ("", "co_signing_organisations"),
}


def profile_yaml(section: str, key: str, value: str) -> str:
    org = {"name": "Friends", "email": "info@example.org"}
    head: dict[str, str] = {}
    person = {"name": "Jane Doe"}
    defaults: dict[str, str] = {}
    target = {
        "organisation": org,
        "letterhead": head,
        "signatory": person,
        "defaults": defaults,
    }.get(section)
    if target is not None:
        target[key] = value
    q = yamlio.quote
    lines = ["organisation:"]
    lines += [f"  {k}: [{q(v)}]" if k == "address" else f"  {k}: {q(v)}" for k, v in org.items()]
    lines += ["letterhead:", *(f"  {k}: {q(v)}" for k, v in head.items())] if head else []
    lines += [
        "signatories:",
        *(f"  {'-' if i == 0 else ' '} {k}: {q(v)}" for i, (k, v) in enumerate(person.items())),
    ]
    if not section:
        lines.append(f"co_signing_organisations: [{q(value)}]")
    lines += ["defaults:", *(f"  {k}: {q(v)}" for k, v in defaults.items())] if defaults else []
    return "\n".join(lines) + "\n"


def allowed_error(field: str, value: str, message: str) -> bool:
    """The documented errors that some text rightly gets."""
    if message.endswith("which no bundled font can print — remove or replace that character"):
        return bool(fonts.unprintable(value))
    if field == "organisation.email":
        return "does not look like an email address" in message
    if field in ("organisation.name", "signatory.name") and not value.strip():
        return "required field is missing" in message
    return False


@pytest.mark.parametrize("field", list(FIELDS))
@PROPERTY
@given(value=TEXT)
def test_any_text_in_any_field_prints_or_is_one_clear_error(field: str, value: str) -> None:
    section, key = FIELDS[field]
    with tempfile.TemporaryDirectory() as folder:
        base = Path(folder)
        (base / "nkletters.yaml").write_text(profile_yaml(section, key, value), encoding="utf-8")
        result = CliRunner().invoke(
            cli,
            [
                "generate",
                "--mission",
                "gb-london",
                "--profile",
                str(base / "nkletters.yaml"),
                "--out",
                str(base / "out"),
                "--date",
                FIXED_DATE,
            ],
            catch_exceptions=False,  # a traceback fails the test
        )
        if result.exit_code == 0:
            (pdf,) = (base / "out").iterdir()
            assert len(pypdf.PdfReader(str(pdf)).pages) >= 1
            printed = "".join(fonts.clean(folded(value)).split())
            assert printed in "".join(pdf_text(pdf).split())
            assert not fonts.unprintable(value)
        else:
            assert result.exit_code == 1
            (line,) = result.stderr.strip().splitlines()
            assert line.startswith("Error: ")
            assert allowed_error(field, value, line), line
            assert not (base / "out").exists()


# --- any length, any column, any variable ----------------------------------------------

# Long text cheaply: a short piece repeated, up to far beyond what a letter can hold.
LONG = st.builds(
    lambda piece, times: piece * times,
    st.text(min_size=1, max_size=8),
    st.integers(min_value=50, max_value=5_000),
)
ANY_LENGTH = st.one_of(TEXT, LONG)
TOO_TALL = "part of the letter is taller than a page"


CHOICES = {
    "organisation.logo": ("organisation", "logo"),
    "letterhead.accent_colour": ("letterhead", "accent_colour"),
    "letterhead.placement": ("letterhead", "placement"),
    "signatory.signature_image": ("signatory", "signature_image"),
    "defaults.language": ("defaults", "language"),
    "defaults.paper": ("defaults", "paper"),
    "defaults.template": ("defaults", "template"),
    "defaults.out": ("defaults", "out"),
}
"""Fields that take a path, a colour or one of a few words: any text in them is a letter
or one line that names the field."""


@pytest.mark.parametrize("field", list(CHOICES))
@PROPERTY
@given(value=ANY_LENGTH)
def test_any_text_in_a_path_or_choice_field_is_a_letter_or_one_line(field: str, value: str) -> None:
    section, key = CHOICES[field]
    with tempfile.TemporaryDirectory() as folder:
        base = Path(folder)
        (base / "nkletters.yaml").write_text(profile_yaml(section, key, value), encoding="utf-8")
        args = ["generate", "--mission", "gb-london", "--profile", str(base / "nkletters.yaml")]
        result = CliRunner().invoke(
            cli,
            [*args, "--out", str(base / "out"), "--date", FIXED_DATE],
            catch_exceptions=False,  # a traceback fails the test
        )
        if result.exit_code == 0:
            (pdf,) = (base / "out").iterdir()
            assert len(pypdf.PdfReader(str(pdf)).pages) >= 1
        else:
            assert result.exit_code == 1
            (line,) = result.stderr.strip().splitlines()
            assert line.startswith("Error: "), line[:300]
            assert not (base / "out").exists()


@pytest.mark.parametrize("field", list(FIELDS))
@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(value=LONG)
def test_text_of_any_length_in_any_field_prints_or_is_one_clear_error(
    field: str, value: str
) -> None:
    section, key = FIELDS[field]
    with tempfile.TemporaryDirectory() as folder:
        base = Path(folder)
        (base / "nkletters.yaml").write_text(profile_yaml(section, key, value), encoding="utf-8")
        args = ["generate", "--mission", "gb-london", "--profile", str(base / "nkletters.yaml")]
        result = CliRunner().invoke(
            cli,
            [*args, "--out", str(base / "out"), "--date", FIXED_DATE],
            catch_exceptions=False,  # a traceback fails the test
        )
        if result.exit_code == 0:
            (pdf,) = (base / "out").iterdir()
            assert len(pypdf.PdfReader(str(pdf)).pages) >= 1
        else:
            assert result.exit_code == 1
            (line,) = result.stderr.strip().splitlines()
            assert line.startswith("Error: ")
            assert TOO_TALL in line or allowed_error(field, value, line), line[:300]
            assert not (base / "out").exists()


def signer_row_error(column: str, value: str, line: str) -> bool:
    """The documented reasons a signer's row is not a letter."""
    if "which no bundled font can print" in line:
        return bool(fonts.unprintable(value))
    if "cannot be read (field larger than field limit" in line:
        return len(value) > 131_072
    if column == "name" and not value.split():
        return "no name" in line
    if column == "personal_note":
        return "characters; at most 1200 fit" in line or TOO_TALL in line
    if column in ("city", "country"):
        return any(
            reason in line
            for reason in (
                "no mission",
                "no city given",
                "is not one the directory knows",
                "several places",
                "not a two-letter ISO country code",
            )
        )
    return TOO_TALL in line


SUMMARY = ("written, ", "would be written, ")


@pytest.mark.parametrize("column", signers.COLUMNS)
@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(value=ANY_LENGTH)
def test_any_text_in_any_signer_column_is_a_letter_or_one_line(column: str, value: str) -> None:
    import csv

    with tempfile.TemporaryDirectory() as folder:
        base = Path(folder)
        rows = [{"name": "Ann Lee"}, {"name": "Ben Ray", column: value}, {"name": "Cy Doe"}]
        with (base / "s.csv").open("w", encoding="utf-8", newline="") as handle:
            writer = csv.DictWriter(
                handle, fieldnames=["name", column] if column != "name" else ["name"]
            )
            writer.writeheader()
            writer.writerows(rows)
        result = CliRunner().invoke(
            cli,
            [
                *("generate", "--signers", str(base / "s.csv"), "--mission", "gb-london"),
                *("--out", str(base / "out"), "--date", FIXED_DATE, "--jobs", "1"),
            ],
            catch_exceptions=False,  # a traceback fails the test
        )
        assert result.exit_code in (0, 1), result.stderr
        lines = result.stderr.strip().splitlines()
        if lines[-1].startswith("Error: "):  # the file as a whole refused (a NUL: not text)
            assert len(lines) == 1 and result.exit_code == 1, lines
            return
        assert lines[-1].split(" ", 1)[1].startswith(SUMMARY), lines[-1]
        problems = [line for line in lines[:-1] if line.startswith("error: ")]
        assert all(signer_row_error(column, value, line) for line in problems), problems
        assert all(line.startswith(("error: ", "warning: ", "note: ")) for line in lines[:-1])
        out = base / "out"
        written = sorted(out.glob(f"{FIXED_DATE}_*.pdf"))
        # The rows around it are always written, and every letter written opens.
        assert 2 <= len(written) <= 3
        skipped = column == "name" and not value.strip()  # an empty row, as spreadsheets end
        # A city served by another mission than the one chosen: a note, not an error.
        skipped += any(line.startswith("note: skipped 1 signer") for line in lines)
        assert len(written) == 3 - len(problems) - skipped
        for pdf in written:
            assert len(pypdf.PdfReader(str(pdf)).pages) >= 1
        if column == "name" and len(written) == 3 and len(value) < 200:
            assert "".join(fonts.clean(folded(value)).split()) in "".join(
                pdf_text(out / "all-letters.pdf").split()
            )


VARIABLES = ["personal_note", "mission.name", "organisation.name", "signatories[0].name", "city"]


@pytest.mark.parametrize("variable", VARIABLES)
@settings(max_examples=25, deadline=None)
@given(value=ANY_LENGTH)
def test_any_text_in_any_template_variable_is_its_text_or_one_line(
    variable: str, value: str
) -> None:
    from dataclasses import replace
    from datetime import date

    from nkrefugees_letters import letters, missions
    from nkrefugees_letters.errors import TemplateError
    from nkrefugees_letters.profile import Organisation, Profile, Signatory

    mission = missions.load().get("gb-london")
    profile = Profile(Organisation("Friends"), signatories=(Signatory("Jane Doe"),))
    extra = {}
    if variable == "mission.name":
        mission = replace(mission, name=value)
    elif variable == "organisation.name":
        profile = replace(profile, organisation=Organisation(value))
    elif variable == "signatories[0].name":
        profile = replace(profile, signatories=(Signatory(value),))
    elif variable == "personal_note":
        extra["personal_note"] = value
    context = letters.context(
        mission, profile, date(2026, 9, 24), "en", profile.signatories, **extra
    )
    if variable == "city":
        context["city"] = value
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "t.md"
        front = "---\nlanguage: en\nsubject: s\nrecipient: [r]\nsalutation: d\nclosing: c\n---\n"
        path.write_text(front + f"[{{{{ {variable} }}}}]\n", encoding="utf-8")
        try:
            text = render.render(templates.load_template(path), context)
        except TemplateError as error:
            assert len(folded(value)) > values.MAX_TEXT - 10
            assert str(error) == (
                f"{path}: the template prints more than 100,000 characters, far more than a "
                "letter needs — look for a loop or a macro that never ends"
            )
        else:
            assert text.blocks[0].plain == f"[{folded(value)}]"
