"""Reading the --signers CSV: encodings, separators, headers, and bad rows by number."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

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


def test_other_columns_are_kept_for_templates(tmp_path: Path) -> None:
    result = signers.read(write(tmp_path, "name,city,Phone,Home Parish\nAnn,Chicago,555,St Mary\n"))
    assert result.extra_columns == ("phone", "home_parish")
    assert result.ignored_columns == ()
    ann = result.signers[0]
    assert ann == Signer(
        2, "Ann", city="Chicago", extra=(("phone", "555"), ("home_parish", "St Mary"))
    )
    assert ann.template_value()["extra"] == {"phone": "555", "home_parish": "St Mary"}


def test_a_misspelt_column_is_named(tmp_path: Path) -> None:
    result = signers.read(write(tmp_path, "name,titel\nAnn,Chair\n"))
    assert result.ignored_columns == ("titel",)


def test_missing_name_column_is_an_error_with_a_suggestion(tmp_path: Path) -> None:
    path = write(tmp_path, "nmae,city\nAnn,Chicago\n")
    with pytest.raises(DataError) as error:
        signers.read(path)
    assert str(error.value) == (
        f"{path}:1: no 'name' column in the header row — did you mean 'name' instead of "
        "'nmae'? the columns are: name, title, organisation, email, city, country, personal_note"
    )


@pytest.mark.parametrize(
    ("encoding", "expected"),
    [("cp1252", "cp1252"), ("utf-16", "utf-16"), ("utf-16-le", "utf-16"), ("utf-8-sig", "utf-8")],
)
def test_what_excel_saves_is_read(tmp_path: Path, encoding: str, expected: str) -> None:
    text = "name,city\nZoë Müller,Paris\nJosé “Pepe” Núñez,Madrid\n"
    result = signers.read(write(tmp_path, text, encoding=encoding))
    assert result.encoding == expected
    assert [s.name for s in result.signers] == ["Zoë Müller", "José “Pepe” Núñez"]


def test_unicode_text_from_excel_is_tab_separated(tmp_path: Path) -> None:
    path = tmp_path / "signers.txt"
    path.write_bytes("name\tcity\r\n김지혜\tSeoul\r\n".encode("utf-16"))
    result = signers.read(path)
    assert [(s.name, s.city) for s in result.signers] == [("김지혜", "Seoul")]


def test_another_code_page_says_how_to_resave(tmp_path: Path) -> None:
    path = tmp_path / "signers.csv"
    path.write_bytes("name,city\nВладимир,Москва\n".encode("cp1251") + b"\x81\n")
    with pytest.raises(DataError) as error:
        signers.read(path)
    assert str(error.value) == (
        f"{path}: neither UTF-8, UTF-16 nor Windows-1252 text, so the names would print "
        "wrongly — save it from your spreadsheet as 'CSV UTF-8' or as an Excel workbook (.xlsx)"
    )


def _xlsx(path: Path, rows: list[list[object]]) -> Path:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


def test_an_excel_workbook_is_read(tmp_path: Path) -> None:
    from datetime import datetime

    path = _xlsx(
        tmp_path / "signers.xlsx",
        [
            ["Name", "City", "Country", "Parish", "Joined", "Members"],
            ["张伟", "Chicago", None, "St Mary", datetime(2026, 9, 1), 12.0],
            [None, None, None, None, None, None],
            ["Jane Doe", "London", "GB", None, None, 3],
        ],
    )
    result = signers.read(path)
    assert result.encoding == "xlsx"
    assert result.bad_rows == ()
    first, second = result.signers
    assert (first.row, first.name, first.city) == (2, "张伟", "Chicago")
    assert dict(first.extra) == {"parish": "St Mary", "joined": "2026-09-01", "members": "12"}
    assert (second.row, second.country, dict(second.extra)["members"]) == (4, "GB", "3")


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("signers.xlsx", b"not a zip", "cannot be read as an Excel workbook"),
        ("signers.xls", b"\xd0\xcf\x11\xe0", "an Excel 97-2003 workbook (.xls)"),
    ],
)
def test_a_broken_or_old_workbook_says_what_to_do(
    tmp_path: Path, name: str, content: bytes, message: str
) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(DataError) as error:
        signers.read(path)
    assert message in str(error.value) and ("CSV UTF-8" in str(error.value))


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


_NAME = st.text(
    alphabet=st.characters(
        blacklist_categories=("Cc", "Cs", "Zl", "Zp"), blacklist_characters=',;"'
    ),
    min_size=1,
    max_size=20,
).filter(lambda t: t.strip() != "")


@given(st.lists(_NAME, min_size=1, max_size=5), st.sampled_from(["utf-8", "utf-8-sig", "utf-16"]))
def test_any_names_come_back_whatever_the_unicode_encoding(names: list[str], encoding: str) -> None:
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "signers.csv"
        path.write_bytes(("name\n" + "\n".join(names) + "\n").encode(encoding))
        result = signers.read(path)
    assert [s.name for s in result.signers] == [" ".join(n.split()) for n in names]
