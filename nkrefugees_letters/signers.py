"""Signers: the ``--signers`` CSV file, one person a row, read leniently and checked strictly.

Spreadsheets save CSV in many ways: UTF-8 with or without a byte-order mark, commas or
(where the comma is the decimal sign) semicolons, headers in any case and order. All of
those are accepted. A row that cannot become a letter (no name, too many fields) is kept
as a :class:`BadRow` with its row number as the spreadsheet shows it (the header is row 1),
so the rest of the file still prints and the user can fix that one row.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path

from . import reading, yamlio
from .errors import DataError

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

    @property
    def label(self) -> str:
        """``row 7 (Jane Doe)``: how messages name this signer."""
        return f"row {self.row} ({self.name})"


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
    ignored_columns: tuple[str, ...] = ()


def _decode(data: bytes, path: Path) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise DataError(
            "not UTF-8 text",
            path=path,
            line=line,
            hint="save the file as 'CSV UTF-8' from your spreadsheet",
        ) from None


def _delimiter(header: str) -> str:
    # Count outside quotes: a quoted header may contain the other character.
    plain = "".join(part for index, part in enumerate(header.split('"')) if index % 2 == 0)
    return ";" if plain.count(";") > plain.count(",") else ","


def _column(header: str) -> str:
    key = " ".join(header.strip().lower().replace("_", " ").split())
    return ALIASES.get(key, key.replace(" ", "_"))


def read(path: Path) -> SignerList:
    """Read a signers CSV file.

    Raises DataError for problems with the whole file (cannot be read, not UTF-8, no
    ``name`` column); problems with one row become :class:`BadRow` entries.
    """
    try:
        data = reading.read_bytes(path, MAX_FILE_BYTES)
    except DataError as exc:
        raise DataError(
            f"cannot read the signers file: {exc.message}", path=path, hint=exc.hint
        ) from None
    text = _decode(data, path)
    first_line = text.split("\n", 1)[0]
    if not first_line.strip():
        raise DataError(
            "the signers file is empty or starts with a blank line",
            path=path,
            line=1,
            hint="the first row names the columns: " + ", ".join(COLUMNS),
        )
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(first_line))
    try:
        header = [_column(h) for h in next(reader)]
    except csv.Error as exc:
        raise DataError(f"cannot read the header row: {exc}", path=path, line=1) from None
    if "name" not in header:
        unknown = [h for h in header if h not in COLUMNS]
        guess = yamlio.closest(unknown[0], list(COLUMNS)) if unknown else None
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
    ignored = tuple(h for h in header if h not in COLUMNS)
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
        if len(fields) > len(header):
            bad.append(
                BadRow(
                    row,
                    f"{len(fields)} fields but the header has {len(header)}; "
                    "put a note that contains the separator in double quotes",
                )
            )
            continue
        values = {
            key: " ".join(value.split())
            for key, value in zip(header, fields, strict=False)
            if key in COLUMNS
        }
        name = values.get("name", "")
        if not name:
            bad.append(BadRow(row, "no name"))
            continue
        note = values.get("personal_note", "")
        if len(note) > MAX_NOTE:
            bad.append(
                BadRow(row, f"personal_note is {len(note)} characters; at most {MAX_NOTE} fit")
            )
            continue
        signers.append(
            Signer(
                row=row,
                name=name,
                title=values.get("title", ""),
                organisation=values.get("organisation", ""),
                email=values.get("email", ""),
                city=values.get("city", ""),
                country=values.get("country", ""),
                personal_note=note,
            )
        )
    return SignerList(path, tuple(signers), tuple(bad), ignored)
