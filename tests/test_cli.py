"""The `nkletters generate` command end to end: options, output line, errors."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pypdf
import pytest
from click.testing import Result

from .conftest import FIXED_DATE, pdf_pages, pdf_text, written_path

Run = Callable[..., Result]


def test_generate_chicago_on_builtin_defaults(run: Run, tmp_path: Path) -> None:
    result = run("generate", "--city", "Chicago", "--date", FIXED_DATE)
    assert result.exit_code == 0, result.stderr
    assert result.stdout == f"wrote letters/{FIXED_DATE}_us-chicago.pdf (1 page, US Letter)\n"
    path = tmp_path / written_path(result)
    text = pdf_text(path)
    assert "100 West Erie Street" in text
    assert "Chicago, IL 60654" in text
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
    result = run("generate", "--city", "Atlantis")
    assert result.exit_code == 1
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("Error: no mission found for city 'Atlantis'")
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
    assert "Ann O'Neil & <Co>" in text
    assert "on behalf of Smith & Sons <Relief>" in text
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
