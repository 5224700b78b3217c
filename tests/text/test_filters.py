"""Filters: ordinal, long_date, join, replace and the Jinja2 ones a template may use."""

from __future__ import annotations

from pathlib import Path

from .conftest import (
    rendered,
)

# --- filters ------------------------------------------------------------------------


def test_filters(tmp_path: Path) -> None:
    body = (
        "{{ date|long_date }} | {{ date|long_date('zh') }} | {{ anniversary|ordinal }} | "
        "{{ 3|ordinal('es') }} | {{ city|upper }} | "
        "{{ signatories|join(', ', attribute='name') }} | "
        "{{ mission.name|replace(\"People's Republic of China\", 'PRC') }} | "
        "{{ signatories|map(attribute='title')|select|join(', ') }}\n"
    )
    assert rendered(tmp_path, body).blocks[0].plain == (
        "September 24, 2026 | 2026年9月24日 | 44th | 3.º | CHICAGO | Jane Doe, Kim Ji-hye | "
        "Consulate General of the PRC in Chicago | Chair"
    )
