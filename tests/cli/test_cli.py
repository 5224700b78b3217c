"""The `nkletters generate` command end to end: options, output line, errors."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pypdf
import pytest
from click.testing import Result

from tests.conftest import FIXED_DATE, pdf_pages, pdf_text, written_path

Run = Callable[..., Result]


def test_generate_chicago_on_builtin_defaults(run: Run, tmp_path: Path) -> None:
    result = run("generate", "--city", "Chicago", "--date", FIXED_DATE)
    assert result.exit_code == 0, result.stderr
    assert result.stdout == f"wrote letters/{FIXED_DATE}_us-chicago.pdf (1 page, US Letter)\n"
    path = tmp_path / written_path(result)
    text = pdf_text(path)
    assert "100 West Erie Street" in text
    assert "CHICAGO, IL 60654" in text
    assert "Xi Jinping" in text
    assert "September 24, 2026" in text
    assert "44th anniversary" in text
    assert pdf_pages(path) == 1
    # One hint about profiles, and the warning that this address is not officially confirmed.
    assert "nkletters init" in result.stderr


def test_default_date_is_today(run: Run, tmp_path: Path) -> None:
    from datetime import date

    result = run("generate", "--city", "Chicago")
    assert result.exit_code == 0
    assert written_path(result).name == f"{date.today().isoformat()}_us-chicago.pdf"
    assert date.today().strftime("%B") in pdf_text(tmp_path / written_path(result))


@pytest.mark.parametrize("city", ["chicago", " CHICAGO ", "Chicago", "chicágo"])
def test_city_matching_ignores_case_accents_and_spaces(run: Run, city: str) -> None:
    result = run("generate", "--city", city, "--date", FIXED_DATE)
    assert result.exit_code == 0, result.stderr
    assert written_path(result).name == f"{FIXED_DATE}_us-chicago.pdf"


def test_unknown_city_is_one_line_without_traceback(run: Run, tmp_path: Path) -> None:
    # Not "Atlantis": the gazetteer knows an Atlantis in the Western Cape.
    result = run("generate", "--city", "Lilliput")
    assert result.exit_code == 1
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("Error: no mission found for city 'Lilliput'")
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "letters").exists()


def test_misspelt_city_gets_a_suggestion(run: Run) -> None:
    result = run("generate", "--city", "Chicgo")
    assert result.exit_code == 1
    assert "did you mean Chicago" in result.stderr


def test_houston_explains_the_closure(run: Run) -> None:
    result = run("generate", "--city", "Houston")
    assert result.exit_code == 1
    message = result.stderr.strip()
    assert "Houston closed on 24 July 2020" in message
    assert "--mission us-washington" in message
    assert len(message.splitlines()) == 1


def test_no_city_is_a_usage_error(run: Run) -> None:
    result = run("generate")
    assert result.exit_code == 2
    assert "--city NAME or --mission ID" in result.stderr


def test_bad_date_is_a_usage_error(run: Run) -> None:
    result = run("generate", "--city", "Chicago", "--date", "24/09/2026")
    assert result.exit_code == 2
    assert "use YYYY-MM-DD" in result.stderr


def test_out_folder_and_mission_id(run: Run, tmp_path: Path) -> None:
    out = tmp_path / "deep" / "folder"
    result = run("generate", "--mission", "us-new-york", "--out", str(out), "--date", FIXED_DATE)
    assert result.exit_code == 0, result.stderr
    assert (out / f"{FIXED_DATE}_us-new-york.pdf").is_file()
    assert "520 12th Avenue" in pdf_text(out / f"{FIXED_DATE}_us-new-york.pdf")


@pytest.mark.parametrize(("paper", "size"), [("a4", (595, 842)), ("letter", (612, 792))])
def test_paper_override(run: Run, tmp_path: Path, paper: str, size: tuple[int, int]) -> None:
    result = run("generate", "--city", "Chicago", "--paper", paper, "--date", FIXED_DATE)
    assert result.exit_code == 0, result.stderr
    box = pypdf.PdfReader(str(tmp_path / written_path(result))).pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == size


def test_profile_name_with_markup_characters_prints_verbatim(
    run: Run, tmp_path: Path, write_yaml: Callable[[str, str], Path]
) -> None:
    write_yaml(
        "nkletters.yaml",
        """
        organisation:
          name: "Smith & Sons <Relief>"
          address: ["1 Main Street", "Springfield, IL 62701"]
          email: info@example.org
        signatories:
          - name: "Ann O'Neil & <Co>"
            title: Director
        """,
    )
    result = run("generate", "--city", "Chicago", "--date", FIXED_DATE)
    assert result.exit_code == 0, result.stderr
    text = pdf_text(tmp_path / written_path(result))
    assert "Smith & Sons <Relief>" in text
    assert "Ann O’Neil & <Co>" in text  # apostrophes are set typographically
    assert "On behalf of Smith & Sons <Relief>" in text
    assert "nkletters init" not in result.stderr


def test_profile_error_names_file_line_and_field(
    run: Run, write_yaml: Callable[[str, str], Path]
) -> None:
    path = write_yaml(
        "nkletters.yaml",
        """
        organisation:
          nmae: Typo Relief
        """,
    )
    result = run("generate", "--city", "Chicago")
    assert result.exit_code == 1
    assert result.stderr == (
        f"Error: {path}:2: organisation.nmae: unknown field — did you mean 'name'?\n"
    )


def test_version(run: Run) -> None:
    result = run("--version")
    assert result.exit_code == 0
    assert result.stdout.startswith("nkletters, version ")


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


def test_two_runs_give_identical_bytes(run: Run, tmp_path: Path) -> None:
    first = run("generate", "--city", "Chicago", "--date", FIXED_DATE, "--out", "a")
    second = run("generate", "--city", "Chicago", "--date", FIXED_DATE, "--out", "b")
    name = f"{FIXED_DATE}_us-chicago.pdf"
    assert first.exit_code == second.exit_code == 0
    assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()


def test_source_date_epoch_sets_the_creation_date(
    run: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1790208000")  # 2026-09-24 00:00 UTC
    result = run("generate", "--city", "Chicago", "--date", FIXED_DATE)
    meta = pypdf.PdfReader(str(tmp_path / written_path(result))).metadata
    assert meta is not None and meta.creation_date is not None
    assert meta.creation_date.date().isoformat() == FIXED_DATE


def test_fold_marks_are_drawn(run: Run, tmp_path: Path) -> None:
    import pdfplumber

    result = run(
        "generate", "--city", "London", "--country", "GB", "--date", FIXED_DATE, "--fold-marks"
    )
    with pdfplumber.open(tmp_path / written_path(result)) as pdf:
        page = pdf.pages[0]
        marks = [line for line in page.lines if line["x1"] < 12 * 72 / 25.4]
    # DIN 5008 form B: folds at 105 and 210 mm, punch mark at 148.5 mm from the top.
    tops = sorted(round(line["top"] / (72 / 25.4), 1) for line in marks)
    assert tops == [105.0, 148.5, 210.0]
