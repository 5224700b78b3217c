"""The floor: a minimal reportlab script that writes the same one-page letter with the same fonts.

No templates, no page furniture, no checks: the recipient lines, the subject and the
paragraphs (bold and italic runs included) set in the bundled Noto Serif, one PDF per
letter or all letters in one PDF. nkletters is measured against this.

    python benchmarks/floor.py LETTER.json OUT.pdf            # one letter, as a process
    python benchmarks/floor.py LETTER.json OUT_DIR --count 200 # 200 files
    python benchmarks/floor.py LETTER.json OUT.pdf --count 200 --one-file
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path
from typing import Any

from reportlab.lib.fonts import addMapping
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Paragraph

FONTS = Path(__file__).resolve().parent.parent / "nkrefugees_letters" / "fonts"
FACES = (
    ("NotoSerif", "NotoSerif-Regular.ttf", 0, 0),
    ("NotoSerif-Bold", "NotoSerif-Bold.ttf", 1, 0),
    ("NotoSerif-Italic", "NotoSerif-Italic.ttf", 0, 1),
    ("NotoSerif-BoldItalic", "NotoSerif-BoldItalic.ttf", 1, 1),
)
PAGE = (215.9 * mm, 279.4 * mm)


def register() -> None:
    for name, filename, bold, italic in FACES:
        pdfmetrics.registerFont(TTFont(name, str(FONTS / filename)))
        addMapping("NotoSerif", bold, italic, name)


def draw(canvas: Canvas, letter: dict[str, Any], style: ParagraphStyle) -> None:
    """One letter on the current page of ``canvas``."""
    y = PAGE[1] - 50 * mm
    canvas.setFont("NotoSerif", 10)
    for line in letter["recipient"]:
        canvas.drawString(25 * mm, y, line)
        y -= 12.2
    y -= 30
    for markup in [letter["subject"], letter["salutation"], *letter["blocks"], letter["closing"]]:
        paragraph = Paragraph(markup, style)
        _, height = paragraph.wrap(PAGE[0] - 50 * mm, y)
        paragraph.drawOn(canvas, 25 * mm, y - height)
        y -= height + 6.5
    canvas.drawString(25 * mm, y - 50, letter["signer"])
    canvas.showPage()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("letter", type=Path, help="JSON: recipient, subject, blocks…")
    parser.add_argument("out", type=Path)
    parser.add_argument("--count", type=int, default=1)
    parser.add_argument("--one-file", action="store_true")
    args = parser.parse_args()
    letter = json.loads(args.letter.read_text(encoding="utf-8"))
    start = time.perf_counter()
    register()
    style = ParagraphStyle("body", fontName="NotoSerif", fontSize=10, leading=13.6)
    if args.one_file:
        canvas = Canvas(str(args.out), pagesize=PAGE, invariant=1, initialFontName="NotoSerif")
        for _ in range(args.count):
            draw(canvas, letter, style)
        canvas.save()
    else:
        if args.count > 1:
            args.out.mkdir(parents=True, exist_ok=True)
        for number in range(args.count):
            path = args.out / f"{number}.pdf" if args.count > 1 else args.out
            canvas = Canvas(str(path), pagesize=PAGE, invariant=1, initialFontName="NotoSerif")
            draw(canvas, letter, style)
            canvas.save()
    print(f"{(time.perf_counter() - start) / args.count * 1000:.2f}")


if __name__ == "__main__":
    main()
