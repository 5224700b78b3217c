"""Geometry (nkrefugees_letters/pdf/geometry.py): every size in one table, no reportlab."""

from __future__ import annotations

import subprocess
import sys

import pytest

from nkrefugees_letters.pdf import geometry


def test_geometry_loads_without_reportlab() -> None:
    code = (
        "import sys\n"
        "from nkrefugees_letters.pdf import geometry\n"
        "print(geometry.PAPERS['a4'].window, any(m.startswith('reportlab') for m in sys.modules))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.split()[-1] == "False"


@pytest.mark.parametrize("record", [geometry.Rect, geometry.Envelope, geometry.LabelSheet])
def test_records_are_built_with_keywords_only(record: type) -> None:
    with pytest.raises(TypeError):
        record(*range(13))


def test_the_standard_sizes() -> None:
    envelopes = {key: (e.width, e.height) for key, e in geometry.ENVELOPES.items()}
    assert envelopes == {"dl": (220, 110), "c5": (229, 162), "c4": (324, 229), "10": (241.3, 104.8)}
    l7160 = geometry.LABEL_SHEETS["a4"]
    assert (l7160.columns, l7160.rows, l7160.per_sheet) == (3, 7, 21)
    assert (l7160.label_width, l7160.label_height) == (63.5, 38.1)
    a4 = geometry.PAPERS["a4"]
    # DIN 5008 form B: the address field 85 × 45 mm, 20 mm from the left, 45 from the top.
    assert (a4.window.left, a4.window.top, a4.window.width, a4.window.height) == (20, 45, 85, 45)
    assert a4.text_width == 210 - 25 - 20
