"""Sheet: CSV cells that a spreadsheet opens as text, never as a formula.

A cell starting with ``=``, ``+``, ``-`` or ``@`` (or a tab or carriage return) is a formula
to Excel, LibreOffice and Google Sheets: ``+1-202-495-2266`` shows as ``#NAME?`` and
``=HYPERLINK(…)`` runs. As OWASP advises, such a cell gets a leading apostrophe, which
the spreadsheet reads as "this is text". Only the CSV is changed; the JSON keeps the
true value. https://owasp.org/www-community/attacks/CSV_Injection
"""

from __future__ import annotations

import re
from collections.abc import Mapping

BOM = "\ufeff"
"""Written first, so that Excel reads the file as UTF-8 (it assumes the local code page)."""

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
"""Control characters a cell never needs (NUL, escape…); tab and line breaks stay."""


def neutralise(value: object) -> str:
    """The cell's text, without control characters (a NUL, a stray escape), and with an
    apostrophe in front when a spreadsheet would compute it (also after spaces)."""
    text = CONTROL.sub("", "" if value is None else str(value))
    return "'" + text if text.lstrip(" ").startswith(FORMULA_STARTS) else text


def neutral_row(row: Mapping[str, object]) -> dict[str, str]:
    """Every cell of a CSV row through :func:`neutralise`."""
    return {key: neutralise(value) for key, value in row.items()}
