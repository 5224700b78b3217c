"""``nkletters init``: the starter profile, from flags or from answers to its questions."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result

from tests.conftest import FIXED_DATE, pdf_text, written_path

Run = Callable[..., Result]


def test_init_with_flags_writes_a_profile_that_generates(run: Run, tmp_path: Path) -> None:
    result = run(
        "init",
        "--name",
        "Friends & <Refugees>",
        "--address",
        "12 Harbour Road",
        "--address",
        "Cape Town 8001",
        "--email",
        "info@example.org",
        "--signer",
        "Jane Doe",
        "--title",
        "Chair",
    )
    assert result.exit_code == 0, result.stderr
    assert result.stdout == "nkletters.yaml\n"
    profile_text = (tmp_path / "nkletters.yaml").read_text()
    assert profile_text.startswith("# nkletters profile")
    generated = run("generate", "--city", "Pretoria", "--date", FIXED_DATE)
    assert generated.exit_code == 0, generated.stderr
    text = pdf_text(tmp_path / written_path(generated))
    assert "Friends & <Refugees>" in text and "12 Harbour Road · Cape Town 8001" in text
    assert "Jane Doe" in text and "Chair" in text


def test_init_asks_when_no_name_is_given(run: Run, tmp_path: Path) -> None:
    # name, address, country, email, phone, website, language, logo, who signs
    answers = "Asociación Ñandú — Perú\nAv. Arequipa 100; Lima 15001\n\n\n\n\n\n\n\n"
    result = run("init", input=answers)
    assert result.exit_code == 0, result.stderr
    from nkrefugees_letters import profile

    loaded = profile.load(tmp_path / "nkletters.yaml")
    assert loaded.organisation is not None
    assert loaded.organisation.name == "Asociación Ñandú — Perú"
    assert loaded.organisation.address == ("Av. Arequipa 100", "Lima 15001")
    assert loaded.signatories == ()


def test_init_never_overwrites_without_force(run: Run, tmp_path: Path) -> None:
    (tmp_path / "nkletters.yaml").write_text("organisation: {name: Mine}\n")
    result = run("init", "--name", "Other")
    assert result.exit_code == 1
    assert result.stderr == (
        "Error: nkletters.yaml already exists — edit it, or pass --force to replace it\n"
    )
    assert (tmp_path / "nkletters.yaml").read_text() == "organisation: {name: Mine}\n"
    assert run("init", "--name", "Other", "--force").exit_code == 0
    assert '"Other"' in (tmp_path / "nkletters.yaml").read_text()


# --- init ---------------------------------------------------------------------------


def test_init_asks_again_until_each_answer_is_right(run: Run, tmp_path: Path) -> None:
    from tests.pdf.helpers import make_png

    make_png(tmp_path / "logo.png")
    answers = [
        "Friends of Refugees",  # name
        "12 Harbour Road; Cape Town 8001",  # address
        "EU",  # country: no country
        "za",  # country
        "info@example",  # email: typo
        "info@example.org",  # email
        "+27 21 555 0100",  # phone
        "",  # website
        "fr",  # language: not written
        "ZH",  # language
        "logo.gif",  # logo: missing
        "logo.png",  # logo
        "Jane Doe",  # who signs
        "Chair",
        "Sam Lee",
        "Treasurer",
        "",  # done
    ]
    result = run("init", input="\n".join(answers) + "\n")
    assert result.exit_code == 0, result.stderr
    prompts = result.stdout
    assert (
        "Error: 'EU' is not a two-letter ISO 3166 country code; use e.g. US, GB (or UK)" in prompts
    )
    assert "Error: 'info@example' does not look like an email address" in prompts
    assert "Error: 'fr' is not a language nkletters writes in" in prompts
    assert "Error: image file " in prompts and "logo.gif' not found" in prompts
    from nkrefugees_letters import profile

    loaded = profile.load(tmp_path / "nkletters.yaml")
    assert loaded.organisation is not None
    assert loaded.organisation.country == "ZA"
    assert loaded.organisation.email == "info@example.org"
    assert loaded.organisation.logo == tmp_path / "logo.png"
    assert loaded.defaults.language == "zh"
    assert [(s.name, s.title) for s in loaded.signatories] == [
        ("Jane Doe", "Chair"),
        ("Sam Lee", "Treasurer"),
    ]


@pytest.mark.parametrize(
    ("option", "value", "message"),
    [
        ("--email", "info@@x", "'info@@x' does not look like an email address"),
        ("--country", "ZZ", "'ZZ' is not a two-letter ISO 3166 country code"),
        ("--lang", "xx", "'xx' is not a language nkletters writes in"),
        ("--logo", "missing.png", "missing.png' not found"),
    ],
)
def test_init_with_a_bad_option_writes_nothing(
    run: Run, tmp_path: Path, option: str, value: str, message: str
) -> None:
    result = run("init", "--name", "Friends", option, value)
    assert result.exit_code == 2
    assert f"Invalid value for '{option}': " in result.stderr and message in result.stderr
    assert list(tmp_path.iterdir()) == []
    # Nothing was left behind, so the corrected command just works.
    assert run("init", "--name", "Friends").exit_code == 0


def test_init_takes_several_signers(run: Run, tmp_path: Path) -> None:
    result = run(
        "init", "--name", "Friends", "--country", "uk",
        "--signer", "Jane Doe", "--title", "Chair", "--signer", "Sam Lee",
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    from nkrefugees_letters import profile

    loaded = profile.load(tmp_path / "nkletters.yaml")
    assert [(s.name, s.title) for s in loaded.signatories] == [
        ("Jane Doe", "Chair"),
        ("Sam Lee", ""),
    ]
    assert loaded.country == "GB"
    london = run("generate", "--city", "London", "--date", FIXED_DATE)
    assert written_path(london).name == f"{FIXED_DATE}_gb-london.pdf"
    assert "Jane Doe" in pdf_text(tmp_path / written_path(london))
