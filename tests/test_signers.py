"""Reading the --signers CSV: encodings, separators, headers, and bad rows by number."""

from __future__ import annotations

from pathlib import Path

import pytest

from nkrefugees_letters import signers
from nkrefugees_letters.errors import DataError
from nkrefugees_letters.signers import BadRow, Signer


def write(tmp_path: Path, text: str, *, encoding: str = "utf-8") -> Path:
    path = tmp_path / "signers.csv"
    path.write_bytes(text.encode(encoding))
    return path


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig"], ids=["plain", "bom"])
@pytest.mark.parametrize("separator", [",", ";"])
def test_reads_utf8_with_or_without_bom_and_either_separator(
    tmp_path: Path, encoding: str, separator: str
) -> None:
    rows = [
        ["name", "title", "organisation", "email", "city", "country", "personal_note"],
        ["Zoë Ñandú", "Chair", "Friends", "z@example.org", "Chicago", "US", "I care."],
        ["김지혜", "", "", "", "Seoul", "KR", ""],
    ]
    text = "\r\n".join(separator.join(row) for row in rows) + "\r\n"
    result = signers.read(write(tmp_path, text, encoding=encoding))
    assert result.bad_rows == ()
    assert result.signers == (
        Signer(2, "Zoë Ñandú", "Chair", "Friends", "z@example.org", "Chicago", "US", "I care."),
        Signer(3, "김지혜", city="Seoul", country="KR"),
    )


def test_headers_in_any_case_order_and_spelling(tmp_path: Path) -> None:
    text = "City;Full Name;Organization;Personal Note\nChicago;Jane Doe;Acme;Hello\n"
    (signer,) = signers.read(write(tmp_path, text)).signers
    assert signer == Signer(
        2, "Jane Doe", organisation="Acme", city="Chicago", personal_note="Hello"
    )


def test_quoted_fields_keep_separators_and_fold_line_breaks(tmp_path: Path) -> None:
    text = 'name,city,personal_note\n"Doe, Jane",Chicago,"Line one,\nline two"\nAnn,Chicago,\n'
    result = signers.read(write(tmp_path, text))
    assert [s.name for s in result.signers] == ["Doe, Jane", "Ann"]
    assert result.signers[0].personal_note == "Line one, line two"
    # Row numbers count records, as a spreadsheet shows them, not lines of the file.
    assert [s.row for s in result.signers] == [2, 3]


def test_bad_rows_are_reported_by_row_number_and_the_rest_kept(tmp_path: Path) -> None:
    text = (
        "name,city,personal_note\n"
        "Ann,Chicago,\n"
        ",Chicago,no name here\n"
        "Bob,Chicago,a,stray,comma\n"
        "\n"
        ",,\n"
        f"Cy,Chicago,{'x' * (signers.MAX_NOTE + 1)}\n"
        "Dee,Chicago,\n"
    )
    result = signers.read(write(tmp_path, text))
    assert [s.name for s in result.signers] == ["Ann", "Dee"]
    assert [s.row for s in result.signers] == [2, 8]
    assert result.bad_rows == (
        BadRow(3, "no name"),
        BadRow(
            4,
            "5 fields but the header has 3; put a note that contains the separator in "
            "double quotes",
        ),
        BadRow(7, f"personal_note is {signers.MAX_NOTE + 1} characters; at most 1200 fit"),
    )
    assert str(result.bad_rows[0]) == "row 3: no name"


def test_unknown_columns_are_ignored_and_named(tmp_path: Path) -> None:
    result = signers.read(write(tmp_path, "name,city,phone\nAnn,Chicago,555\n"))
    assert result.ignored_columns == ("phone",)
    assert result.signers[0] == Signer(2, "Ann", city="Chicago")


def test_missing_name_column_is_an_error_with_a_suggestion(tmp_path: Path) -> None:
    path = write(tmp_path, "nmae,city\nAnn,Chicago\n")
    with pytest.raises(DataError) as error:
        signers.read(path)
    assert str(error.value) == (
        f"{path}:1: no 'name' column in the header row — did you mean 'name' instead of "
        "'nmae'? the columns are: name, title, organisation, email, city, country, personal_note"
    )


def test_not_utf8_names_the_line(tmp_path: Path) -> None:
    path = write(tmp_path, "name,city\nAnn,Chicago\nZoë,Paris\n", encoding="latin-1")
    with pytest.raises(DataError) as error:
        signers.read(path)
    assert str(error.value) == (
        f"{path}:3: not UTF-8 text — save the file as 'CSV UTF-8' from your spreadsheet"
    )


def test_empty_file_is_an_error(tmp_path: Path) -> None:
    path = write(tmp_path, "")
    with pytest.raises(DataError, match="empty or starts with a blank line"):
        signers.read(path)


def test_duplicate_column_is_an_error(tmp_path: Path) -> None:
    path = write(tmp_path, "name,city,Name\nAnn,Chicago,Bob\n")
    with pytest.raises(DataError, match="column 'name' appears twice"):
        signers.read(path)


def test_missing_file_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(DataError, match="cannot read the signers file"):
        signers.read(tmp_path / "nope.csv")
