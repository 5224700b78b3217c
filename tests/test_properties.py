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

from nkrefugees_letters import fonts, render, yamlio
from nkrefugees_letters.cli import cli

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
    blocks = render.parse_body(before + render.escape_markup(value))
    assert [(b.kind, b.plain) for b in blocks] == [(kind, prefix + folded(value))]
    # Whatever the value holds, it makes no bold or italic of its own.
    styled = [run for run in blocks[0].runs if run.bold or run.italic]
    assert styled == ([render.Run("Bold", bold=True)] if "**" in before else [])


@settings(max_examples=200, deadline=None)
@given(value=TEXT)
def test_a_value_through_jinja_is_exactly_its_text(value: str) -> None:
    assume(folded(value))
    body = render.environment().from_string("{{ value }}\n\n- {{ value }}").render(value=value)
    assert [(b.kind, b.plain) for b in render.parse_body(body)] == [
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
    target = {"organisation": org, "letterhead": head, "signatory": person}.get(section)
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
