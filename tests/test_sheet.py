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
