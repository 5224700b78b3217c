"""CJK line breaking: where a line of Chinese or Japanese text may end (kinsoku shori).

Chinese and Japanese break between any two characters, except that no line may start
with closing punctuation (。、，」）…) and none may end with opening punctuation
(「（《“…). reportlab's own CJK breaking keeps only the first rule, and only for a few
marks; this module breaks the lines of a paragraph by both, and keeps a run of Latin
letters or digits ("UNHCR", "2014") whole. Korean is not broken here: it is written
with spaces and breaks between words like English.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from reportlab.platypus.paragraph import ParaLines, cjkU, makeCJKParaLine

CANNOT_START = frozenset(
    "、。，．,.：；:;？！?!）)］]｝}〕〉》」』】〙〗〟’”｠»"
    "ヽヾーァィゥェォッャュョヮヵヶぁぃぅぇぉっゃゅょゎゕゖㇰㇱㇲㇳㇴㇵㇶㇷㇸㇹㇺㇻㇼㇽㇾㇿ々〻"
    "‐゠–〜～・:;/…‥%‰℃°′″\u2005"
)
"""Characters that may not begin a line (JIS X 4051 classes 1–6 and the usual extras)."""

CANNOT_END = frozenset("（(［[｛{〔〈《「『【〘〖〝‘“｟«")
"""Characters that may not end a line: opening brackets and quotation marks."""


def _is_latin_word_char(char: str) -> bool:
    return char.isascii() and (char.isalnum() or char in "-'’.")


def _break_at(units: Sequence[Any], start: int, end: int) -> int:
    """Move a break proposed before ``units[end]`` back until both rules hold. Where no
    break on the line would do, closing marks hang in the margin (burasage) rather
    than start the next line; a line of one unbreakable piece keeps the proposed break."""
    for candidate in range(end, start, -1):
        before, after = str(units[candidate - 1]), str(units[candidate])
        if after in CANNOT_START or before in CANNOT_END:
            continue
        if _is_latin_word_char(before) and _is_latin_word_char(after):
            continue
        return candidate
    if str(units[end - 1]) not in CANNOT_END:
        while end < len(units) and str(units[end]) in CANNOT_START:
            end += 1
    return end


def split_lines(
    frags: Sequence[Any], max_widths: Sequence[float], calc_bounds: bool, *, tolerance: float
) -> Any:
    """The lines of a paragraph of CJK text (reportlab fragments) for these widths.

    Returns reportlab's ParaLines, as its own CJK breaking does, so the paragraph
    draws them in the usual way. ``tolerance`` is how far (pt) a line may overrun
    its width, reportlab's own allowance for rounding.
    """
    units: list[Any] = []
    for frag in frags:
        text = frag.text
        if isinstance(text, bytes):
            text = text.decode("utf-8")
        if text:
            units.extend(cjkU(char, frag, "utf-8") for char in text)
        else:
            units.append(cjkU(text, frag, "utf-8"))
    lines: list[Any] = []
    start = 0
    while start < len(units):
        max_width = max_widths[min(len(lines), len(max_widths) - 1)]
        used = 0.0
        end = start
        forced = False
        while end < len(units):
            unit = units[end]
            if hasattr(unit.frag, "lineBreak"):
                end += 1
                forced = True
                break
            if used + unit.width > max_width + tolerance and end > start:
                break
            used += unit.width
            end += 1
        if not forced and end < len(units):
            end = _break_at(units, start, end)
        line = units[start:end]
        used = sum(unit.width for unit in line)
        lines.append(makeCJKParaLine(line, max_width, used, max_width - used, forced, calc_bounds))
        start = end
    return ParaLines(kind=1, lines=lines)
