"""Content: what goes on the page — the Letter that the layout receives, and its address block."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

from .. import i18n
from ..missions import Mission
from ..profile import Profile, Signatory
from ..text.lettertext import LetterText
from .styles import CJK_LANGUAGES

__all__ = ["Letter", "address_variants"]


@dataclass(frozen=True)
class Letter:
    """Everything that goes on the page: the words, the recipient, the sender, the paper."""

    text: LetterText
    mission: Mission
    profile: Profile
    paper: str
    date_text: str
    signatories: tuple[Signatory, ...] = ()
    fold_marks: bool = False
    title: str = ""
    extra_recipient_lines: tuple[str, ...] = field(default_factory=tuple)
    second_date_text: str = ""
    """A bilingual letter's date in its second language, printed under the first."""
    when: date | None = None
    """The letter's date: also the PDF's creation date (see reuse.stamp)."""

    @property
    def recipient_lines(self) -> tuple[str, ...]:
        """Addressee lines from the template, then the mission's postal address; in a
        Chinese, Japanese or Korean letter to an address written in that script, the
        address first (〒106-0046 東京都…, then the mission, then the person)."""
        return self.address_variants[0]

    @property
    def address_variants(self) -> tuple[tuple[str, ...], ...]:
        """The recipient block from whole to shortest, for a window or label too small
        for all of it (see :func:`address_variants`)."""
        language = i18n.base_language(self.text.language)
        return address_variants(
            self.text.recipient,
            self.extra_recipient_lines,
            self.mission.address.postal_lines(),
            mission=i18n.mission_name(self.mission, self.text.language),
            address_first=(
                language in CJK_LANGUAGES and self.mission.address.written_big_to_small()
            ),
        )


def address_variants(
    addressee: Sequence[str],
    extra: Sequence[str],
    postal: Sequence[str],
    *,
    mission: str | None = None,
    address_first: bool = False,
) -> tuple[tuple[str, ...], ...]:
    """``(*addressee, *extra, *postal)``, then shorter forms that still deliver: without
    the addressee's middle lines (the President's title), without ``extra`` (the
    mission's Chinese name), and with only the mission, which is then the addressee:
    ``mission`` (its name in the letter's language), or else the addressee's last line
    with its "c/o " dropped. The postal address is always whole; ``address_first`` puts
    it before the names, as a Japanese or Korean address in its own script runs."""
    addressee, extra, postal = tuple(addressee), tuple(extra), tuple(postal)
    outer = (addressee[0], addressee[-1]) if len(addressee) > 2 else addressee
    last = (
        (mission,)
        if mission is not None
        else tuple(re.sub(r"^c/o\s+", "", line, flags=re.I) for line in addressee[-1:])
    )
    names = [(*addressee, *extra), (*outer, *extra), outer, last]
    variants = [(*postal, *lines) if address_first else (*lines, *postal) for lines in names]
    return tuple(dict.fromkeys(variants))
