"""Markup: the body's small markup, escaping values for it and parsing it into Blocks.

Blank lines separate paragraphs, ``- `` starts a bullet, ``**bold**`` and ``*italic*``,
and a backslash makes the next character literal. Values inserted with ``{{ … }}`` are
escaped for that markup, so a name containing ``*`` or starting with ``-`` stays plain.
"""

from __future__ import annotations

import re
from typing import Any

from .lettertext import Block, Run
from .values import as_text

__all__ = ["escape_markup", "parse_body", "parse_inline", "unescape"]

_MARKUP_SPECIAL = re.compile(r"([\\*])")


def escape_markup(value: Any) -> str:
    """Make a value safe to insert into the body markup: one line, ``*`` and ``\\`` escaped,
    and a leading ``-`` or ``•`` that would start a bullet escaped too."""
    if value is None:
        return ""
    text = " ".join(as_text(value).split())
    text = _MARKUP_SPECIAL.sub(r"\\\1", text)
    if text.startswith(("-", "•")):
        text = "\\" + text
    return text


def unescape(text: str) -> str:
    return re.sub(r"\\(.)", r"\1", text)


_INLINE = re.compile(r"(\\.)|(\*\*)|(\*)")


def parse_inline(text: str) -> tuple[Run, ...]:
    """Split a paragraph's text into runs at ``**`` and ``*`` markers."""
    runs: list[Run] = []
    bold = italic = False
    buffer: list[str] = []
    position = 0

    def flush() -> None:
        if buffer:
            runs.append(Run("".join(buffer), bold, italic))
            buffer.clear()

    for match in _INLINE.finditer(text):
        buffer.append(text[position : match.start()])
        position = match.end()
        if match.group(1):
            buffer.append(match.group(1)[1])
            continue
        flush()
        if match.group(2):
            bold = not bold
        else:
            italic = not italic
    buffer.append(text[position:])
    flush()
    return tuple(r for r in runs if r.text)


_BULLET = re.compile(r"^[-•]\s+")


def parse_body(body: str) -> tuple[Block, ...]:
    """Parse the rendered body into paragraphs and bullet items."""
    blocks: list[Block] = []
    for chunk in re.split(r"\n[ \t]*\n", body.strip()):
        item: list[str] | None = None
        paragraph: list[str] = []
        items: list[list[str]] = []
        for raw_line in chunk.splitlines():
            line = raw_line.strip()
            if not line:
                continue
            if _BULLET.match(line):
                item = [_BULLET.sub("", line)]
                items.append(item)
            elif item is not None:
                item.append(line)
            else:
                paragraph.append(line)
        if paragraph:
            blocks.append(Block("paragraph", parse_inline(" ".join(paragraph))))
        blocks.extend(Block("bullet", parse_inline(" ".join(lines))) for lines in items)
    return tuple(b for b in blocks if b.runs)
