"""Fixtures of the batch tests."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from tests.batch.helpers import ICELAND


@pytest.fixture
def iceland(write_yaml: Callable[[str, str], Path]) -> Path:
    return write_yaml("iceland.yaml", ICELAND)
