"""Sheet: CSV cells a spreadsheet reads as text, never as a formula."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from nkrefugees_letters import sheet


@pytest.mark.parametrize(
    ("value", "cell"),
    [
        ("+1-202-495-2266", "'+1-202-495-2266"),
        ('=HYPERLINK("http://x")', '\'=HYPERLINK("http://x")'),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("-Ann", "'-Ann"),
        ("\tx", "'\tx"),
        ("Jane Doe", "Jane Doe"),
        ("", ""),
        (None, ""),
        (3, "3"),
    ],
)
def test_neutralise(value: object, cell: str) -> None:
    assert sheet.neutralise(value) == cell


@given(st.text())
def test_no_cell_starts_a_formula_and_nothing_else_changes(text: str) -> None:
    cell = sheet.neutralise(text)
    assert not cell.startswith(sheet.FORMULA_STARTS)
    kept = sheet.CONTROL.sub("", text)  # a NUL or an escape is never written
    assert cell == kept or cell == "'" + kept
    assert not sheet.CONTROL.search(cell)


@pytest.mark.parametrize(
    ("name", "cell"),
    [
        ('=HYPERLINK("http://example.org","x")', '\'=HYPERLINK("http://example.org","x")'),
        ("+1+1", "'+1+1"),
        ("-2+3", "'-2+3"),
        ("@SUM(1,1)", "'@SUM(1,1)"),
        (" =1+1", "' =1+1"),
        ("Ann\x00 Lee", "Ann Lee"),
        ("\t=1+1", "'\t=1+1"),
        ("Ann\x1b[31m", "Ann[31m"),
        ("Ann Lee", "Ann Lee"),
    ],
)
def test_checklist_cells_cannot_run_as_formulas(name: str, cell: str) -> None:
    assert sheet.neutralise(name) == cell
