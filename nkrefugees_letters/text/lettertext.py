"""LetterText: a rendered letter's words and styles, the hand-off from Jinja2 to reportlab.

Nothing here imports Jinja2: the layout reads a LetterText without loading the renderer.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import NamedTuple

__all__ = ["Block", "LetterText", "Run"]


class Run(NamedTuple):
    """A stretch of plain text with one style."""

    text: str
    bold: bool = False
    italic: bool = False


class Block(NamedTuple):
    """A paragraph (``kind == "paragraph"``) or one bullet item (``"bullet"``)."""

    kind: str
    runs: tuple[Run, ...]

    @property
    def plain(self) -> str:
        """The block's text without styling."""
        return "".join(run.text for run in self.runs)


@dataclass(frozen=True)
class LetterText:
    """A rendered letter: every word of it, no layout. The hand-off from Jinja2 to reportlab."""

    language: str
    subject: str
    recipient: tuple[str, ...]
    salutation: str
    blocks: tuple[Block, ...]
    closing: str
    review: str = ""
    """The template's note that the text awaits a native speaker's review, if any."""
    translation: LetterText | None = None
    """The same letter in a second language, printed after this one (``--lang en+zh``)."""

    @property
    def languages(self) -> tuple[str, ...]:
        """This text's language, then the translation's: ``("en", "zh")``."""
        second = self.translation.languages if self.translation else ()
        return (self.language, *second)

    def plain_text(self, recipient: Sequence[str] | None = None) -> str:
        """The letter as plain text, for previews and golden-file tests.

        Args:
            recipient: the address lines to start with instead of the template's own
                (``()`` starts with the subject).
        """
        subjects = [self.subject] + ([self.translation.subject] if self.translation else [])
        head = list(self.recipient if recipient is None else recipient)
        lines = [*head, *([""] if head else []), *subjects, ""]
        for part in (self, self.translation):
            if part is None:
                continue
            lines += [part.salutation, ""]
            for block in part.blocks:
                lines.append(("• " if block.kind == "bullet" else "") + block.plain)
                lines.append("")
            lines.append(part.closing)
            lines.append("")
        return "\n".join(lines[:-1])
