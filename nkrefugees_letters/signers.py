"""Signers: the ``--signers`` file, one person a row, read leniently and checked strictly.

Spreadsheets save signers in many ways: an Excel workbook (``.xlsx``, first sheet), or CSV
in UTF-8 with or without a byte-order mark, in UTF-16 (Excel's "Unicode Text", tab
separated) or in Windows-1252 (Excel's plain "CSV" on a Western Windows), separated by
commas, semicolons (where the comma is the decimal sign) or tabs, headers in any case and
order. All of those are accepted; a column nkletters does not know is kept for templates
(``signer.extra.parish``). A row that cannot become a letter (no name, too many fields) is kept
as a :class:`BadRow` with its row number as the spreadsheet shows it (the header is row 1),
so the rest of the file still prints and the user can fix that one row.
"""

from __future__ import annotations

import csv
import io
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from . import reading, validation
from .errors import DataError

__all__ = [
    "ALIASES",
    "COLUMNS",
    "MAX_FILE_BYTES",
    "MAX_NOTE",
    "RESAVE",
    "BadRow",
    "Signer",
    "SignerList",
    "read",
]

COLUMNS = ("name", "title", "organisation", "email", "city", "country", "personal_note")
ALIASES = {
    "organization": "organisation",
    "org": "organisation",
    "note": "personal_note",
    "personal note": "personal_note",
    "full name": "name",
}
"""Other headers people write for the same column."""

MAX_FILE_BYTES = 50_000_000
"""Far more than 10,000 signers with notes need; a bigger file is not a signers list."""

MAX_NOTE = 1200
"""A personal note longer than this (characters) would push the letter onto a third page."""


@dataclass(frozen=True)
class Signer:
    """One person who signs a letter of their own (or co-signs one)."""

    row: int
    name: str
    title: str = ""
    organisation: str = ""
    email: str = ""
    city: str = ""
    country: str = ""
    personal_note: str = ""
    extra: tuple[tuple[str, str], ...] = ()
    """The row's other columns, (column, value), in file order: ``signer.extra.parish``."""

    @property
    def label(self) -> str:
        """``row 7 (Jane Doe)``: how messages name this signer."""
        return f"row {self.row} ({self.name})"

    def template_value(self) -> dict[str, Any]:
        """What a template sees as ``signer``: every column, the others under ``extra``."""
        fields = {column: getattr(self, column) for column in COLUMNS}
        return {**fields, "row": self.row, "extra": dict(self.extra)}


@dataclass(frozen=True)
class BadRow:
    """A row that cannot become a letter, and why."""

    row: int
    reason: str

    def __str__(self) -> str:
        return f"row {self.row}: {self.reason}"


@dataclass(frozen=True)
class SignerList:
    """What a signers file holds: good rows, bad rows, and headers that were ignored."""

    path: Path
    signers: tuple[Signer, ...]
    bad_rows: tuple[BadRow, ...]
    extra_columns: tuple[str, ...] = ()
    """Columns besides :data:`COLUMNS`, kept for templates as ``signer.extra.COLUMN``."""
    encoding: str = "utf-8"
    """How the file was read: ``utf-8``, ``utf-16``, ``cp1252`` or ``xlsx``."""

    @property
    def ignored_columns(self) -> tuple[str, ...]:
        """Extra columns that look like a misspelt known one (``titel``): likely mistakes."""
        return tuple(c for c in self.extra_columns if validation.closest(c, COLUMNS))


RESAVE = "save it from your spreadsheet as 'CSV UTF-8' or as an Excel workbook (.xlsx)"

_CP1252_UNDEFINED = frozenset(b"\x81\x8d\x8f\x90\x9d")


def _decode(data: bytes, path: Path) -> tuple[str, str]:
    """The file's text and its encoding: UTF-8 (BOM or not), UTF-16 (BOM, or the NUL
    bytes of ASCII text without one), else Windows-1252, what Excel's plain "CSV" writes."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        candidates = ["utf-16"]
    elif len(data) >= 4 and data[1:4:2] == b"\x00\x00" and data[0:4:2] != b"\x00\x00":
        candidates = ["utf-16-le"]
    elif len(data) >= 4 and data[0:4:2] == b"\x00\x00" and data[1:4:2] != b"\x00\x00":
        candidates = ["utf-16-be"]
    else:
        candidates = ["utf-8-sig", "cp1252"]
    for encoding in candidates:
        if encoding == "cp1252" and _CP1252_UNDEFINED & set(data):
            break  # bytes Windows-1252 leaves undefined: some other code page
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if "\x00" in text:
            break
        return text, "utf-16" if encoding.startswith("utf-16") else encoding.replace("-sig", "")
    raise DataError(
        "neither UTF-8, UTF-16 nor Windows-1252 text, so the names would print wrongly",
        path=path,
        hint=RESAVE,
    )


def _delimiter(header: str) -> str:
    # Count outside quotes: a quoted header may contain the other character.
    plain = "".join(part for index, part in enumerate(header.split('"')) if index % 2 == 0)
    return max((",", ";", "\t"), key=plain.count) if plain.strip() else ","


def _cell(value: object) -> str:
    """A spreadsheet cell as the text it shows: 12 not 12.0, a date as 2026-09-24."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else str(value)
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def _read(path: Path) -> bytes:
    """The file's bytes, at most MAX_FILE_BYTES (counted as read: see reading.py)."""
    try:
        return reading.read_bytes(path, MAX_FILE_BYTES)
    except DataError as exc:
        raise DataError(
            f"cannot read the signers file: {exc.message}", path=path, hint=exc.hint
        ) from None


def _xlsx_rows(path: Path) -> list[list[str]]:
    """The first sheet of an Excel workbook, each row as the texts its cells show."""
    import zipfile

    from openpyxl import load_workbook  # only for .xlsx signer files
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        with warnings.catch_warnings():
            # openpyxl warns about sheet features it skips (data validation, styles).
            warnings.simplefilter("ignore")
            book = load_workbook(io.BytesIO(_read(path)), read_only=True, data_only=True)
            try:
                sheet = book.worksheets[0]
                return [[_cell(v) for v in row] for row in sheet.iter_rows(values_only=True)]
            finally:
                book.close()
    except (InvalidFileException, zipfile.BadZipFile, KeyError, IndexError, ValueError) as exc:
        raise DataError(
            f"cannot be read as an Excel workbook ({' '.join(str(exc).split()) or 'damaged'})",
            path=path,
            hint="open it in your spreadsheet and save it again as .xlsx, or as 'CSV UTF-8'",
        ) from None
    except OSError as exc:
        raise DataError(f"cannot read the signers file: {exc.strerror}", path=path) from None


def _column(header: str) -> str:
    key = " ".join(header.strip().lower().replace("_", " ").split())
    return ALIASES.get(key, key.replace(" ", "_"))


def _rows(path: Path) -> tuple[Any, str]:
    """An iterator over the file's rows (lists of texts; csv.Error for an unreadable
    one), and the encoding it was read in."""
    if path.suffix.lower() == ".xls":
        raise DataError(
            "an Excel 97-2003 workbook (.xls), which nkletters cannot read",
            path=path,
            hint=RESAVE,
        )
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        rows = _xlsx_rows(path)
        if not rows or not any(cell.strip() for cell in rows[0]):
            raise _empty(path)
        return iter(rows), "xlsx"
    data = _read(path)
    if data.startswith(b"PK\x03\x04"):
        raise DataError(
            "an Excel workbook saved under another name",
            path=path,
            hint="name it .xlsx, or save it as 'CSV UTF-8'",
        )
    text, encoding = _decode(data, path)
    first_line = text.split("\n", 1)[0]
    if not first_line.strip():
        raise _empty(path)
    return csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(first_line)), encoding


def _empty(path: Path) -> DataError:
    return DataError(
        "the signers file is empty or starts with a blank line",
        path=path,
        line=1,
        hint="the first row names the columns: " + ", ".join(COLUMNS),
    )


def read(path: Path) -> SignerList:
    """Read a signers file: CSV (see the module docstring) or an Excel workbook (.xlsx).

    Raises DataError for problems with the whole file (cannot be read, an unknown
    encoding, no ``name`` column); problems with one row become :class:`BadRow` entries.
    """
    reader, encoding = _rows(path)
    header = _header(reader, path)
    extra_columns = tuple(h for h in header if h and h not in COLUMNS)
    signers: list[Signer] = []
    bad: list[BadRow] = []
    row = 1
    while True:
        row += 1
        try:
            fields = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            bad.append(BadRow(row, f"cannot be read ({exc})"))
            continue
        if not any(field.strip() for field in fields):
            continue  # spreadsheets often end with empty rows
        signer = _signer(row, fields, header, extra_columns)
        if isinstance(signer, BadRow):
            bad.append(signer)
        else:
            signers.append(signer)
    return SignerList(path, tuple(signers), tuple(bad), extra_columns, encoding)


def _header(reader: Iterator[list[str]], path: Path) -> list[str]:
    """The header row's column names, which must include ``name`` and none twice."""
    try:
        header = [_column(h) for h in next(reader)]
    except csv.Error as exc:
        raise DataError(f"cannot read the header row: {exc}", path=path, line=1) from None
    if "name" not in header:
        unknown = [h for h in header if h not in COLUMNS]
        guess = validation.closest(unknown[0], list(COLUMNS)) if unknown else None
        raise DataError(
            "no 'name' column in the header row",
            path=path,
            line=1,
            hint=(f"did you mean 'name' instead of {unknown[0]!r}? " if guess == "name" else "")
            + "the columns are: "
            + ", ".join(COLUMNS),
        )
    duplicates = sorted({h for h in header if h and header.count(h) > 1})
    if duplicates:
        raise DataError(
            f"column {duplicates[0]!r} appears twice in the header row", path=path, line=1
        )
    return header


def _signer(
    row: int, fields: list[str], header: list[str], extra_columns: tuple[str, ...]
) -> Signer | BadRow:
    """The signer a row names, or why it cannot become a letter."""
    if len(fields) > len(header):
        return BadRow(
            row,
            f"{len(fields)} fields but the header has {len(header)}; "
            "put a note that contains the separator in double quotes",
        )
    values = {
        key: " ".join(value.split()) for key, value in zip(header, fields, strict=False) if key
    }
    name = values.get("name", "")
    if not name:
        return BadRow(row, "no name")
    note = values.get("personal_note", "")
    if len(note) > MAX_NOTE:
        return BadRow(row, f"personal_note is {len(note)} characters; at most {MAX_NOTE} fit")
    return Signer(
        row=row,
        name=name,
        title=values.get("title", ""),
        organisation=values.get("organisation", ""),
        email=values.get("email", ""),
        city=values.get("city", ""),
        country=values.get("country", ""),
        personal_note=note,
        extra=tuple((c, values.get(c, "")) for c in extra_columns),
    )
