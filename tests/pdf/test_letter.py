"""One letter laid out (nkrefugees_letters/pdf/letter.py): its address forms, and a
single letter paying for no batch machinery, and an interrupt reportlab masks."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from nkrefugees_letters import letters, missions
from nkrefugees_letters.pdf import fonts, layout
from nkrefugees_letters.profile import Profile
from tests.pdf.helpers import compose


def test_address_variants_shorten_by_lines_and_keep_the_postal_address() -> None:
    addressee = ("His Excellency Xi Jinping", "President of the PRC", "c/o Embassy in X")
    assert layout.address_variants(addressee, ("驻X大使馆",), ("1 Road", "X 100")) == (
        (*addressee, "驻X大使馆", "1 Road", "X 100"),
        ("His Excellency Xi Jinping", "c/o Embassy in X", "驻X大使馆", "1 Road", "X 100"),
        ("His Excellency Xi Jinping", "c/o Embassy in X", "1 Road", "X 100"),
        ("Embassy in X", "1 Road", "X 100"),
    )
    assert layout.address_variants(("Embassy in X",), (), ("1 Road",)) == (
        ("Embassy in X", "1 Road"),
    )


def test_a_single_letter_records_no_pages_and_a_planned_one_does() -> None:
    letter = compose("us-chicago")
    assert layout.render_pdf(letter).page_records is None
    plan = fonts.encoding_plan(layout.printed_strings(letter))
    records = layout.render_pdf(letter, plan).page_records
    assert records is not None and len(records) == layout.render_pdf(letter).pages
    # The plan changes no byte of what prints: only the order characters are numbered in.
    assert layout.render_pdf(letter).data == layout.render_pdf(letter).data


def test_one_letter_imports_no_batch_machinery(tmp_path: Path) -> None:
    code = (
        "import sys\n"
        "from datetime import date\n"
        "from pathlib import Path\n"
        "from nkrefugees_letters import letters, missions\n"
        "from nkrefugees_letters.profile import Profile\n"
        "options = letters.LetterOptions(when=date(2026, 9, 24), out_dir=Path(sys.argv[1]))\n"
        "letters.generate(missions.load().get('us-chicago'), Profile(), options)\n"
        "print(sorted(m for m in sys.modules if m.startswith('nkrefugees_letters')))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code, str(tmp_path)], capture_output=True, text=True, check=True
    )
    loaded = result.stdout
    for module in ("pdf.printfile", "pdf.stationery", "batch"):
        assert f"nkrefugees_letters.{module}" not in loaded


def test_the_masked_interrupt_is_an_interrupt_in_a_letter(
    interrupt_in_reportlab: Callable[[], None],
) -> None:
    letter = letters.compose(missions.load().get("gb-london"), Profile(), letters.LetterOptions())
    interrupt_in_reportlab()
    with pytest.raises(KeyboardInterrupt):
        layout.render_pdf(letter)
