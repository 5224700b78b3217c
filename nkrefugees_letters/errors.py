"""Errors: the exceptions the library raises for problems a user can fix.

Only the CLI (``cli.common.friendly_errors``) turns these into messages and exit codes.
Anything that is not a ``LettersError`` is a bug and keeps its traceback.
"""

from __future__ import annotations

from pathlib import Path


class LettersError(Exception):
    """Base class: a problem with the user's input, data or environment, not a bug."""

    def __init__(self, message: str, *, hint: str = "") -> None:
        self.message = message
        self.hint = hint
        super().__init__(str(self))

    def __str__(self) -> str:
        return f"{self.message} — {self.hint}" if self.hint else self.message


class DataError(LettersError):
    """A YAML or CSV file (mission directory, profile, signer list) is malformed or invalid.

    Carries the file and line so the message reads ``file:line: what — how to fix``.
    """

    def __init__(
        self,
        message: str,
        *,
        path: Path | str | None = None,
        line: int | None = None,
        column: int | None = None,
        hint: str = "",
    ) -> None:
        self.path = Path(path) if path is not None else None
        self.line = line
        self.column = column
        super().__init__(message, hint=hint)

    @property
    def location(self) -> str:
        """``file:line[:column]`` or an empty string when the place is unknown."""
        if self.path is None:
            return ""
        place = str(self.path)
        if self.line is not None:
            place += f":{self.line}"
            if self.column is not None:
                place += f":{self.column}"
        return place

    def __str__(self) -> str:
        body = super().__str__()
        return f"{self.location}: {body}" if self.location else body


class UsageError(LettersError):
    """The options of a run contradict each other or name nothing to do (``--all`` with
    ``--city``); the CLI shows them as its own usage errors (exit status 2)."""


class MissionNotFound(LettersError):  # noqa: N818 - reads better than ...Error
    """A city, country or mission id given by the user matches no open mission."""


class BadCountry(MissionNotFound):
    """A ``--country`` (or a country field) that is not a two-letter ISO 3166-1 code."""


class MissionClosed(MissionNotFound):
    """The mission the user asked for is closed; the message names its successor."""


class TemplateError(DataError):
    """A letter template is missing, has bad syntax, or uses an undefined variable."""


class LayoutError(LettersError):
    """The letter cannot be laid out: unprintable characters, a broken logo image…"""


class OutputError(LettersError):
    """The output folder or file cannot be written, or would overwrite a file not ours."""


def masks_interrupt(exc: BaseException) -> bool:
    """True when ``exc`` was raised while handling Ctrl-C (or a SIGTERM made one).

    reportlab has a bare ``except:`` in ``PDFObjectReference.format`` that turns an
    interrupt landing there into ``KeyError: forward reference … not resolved``; the
    interrupt is still its context.
    """
    seen = exc.__context__
    while seen is not None:
        if isinstance(seen, KeyboardInterrupt):
            return True
        seen = seen.__context__
    return False
