"""``nkletters docs`` and ``nkletters schema``: the shipped documents, and the schema they print."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result

Run = Callable[..., Result]


ROOT = Path(__file__).resolve().parents[2]


def test_schema_command_prints_the_file_in_docs(run: Run) -> None:
    result = run("schema")
    assert result.exit_code == 0
    assert result.stdout == (ROOT / "docs" / "nkletters.schema.json").read_text(encoding="utf-8")


@pytest.mark.parametrize("name", ["templates", "completion"])
def test_docs_command_prints_the_documents_messages_name(run: Run, name: str) -> None:
    result = run("docs", name)
    assert result.exit_code == 0
    assert result.stdout == (ROOT / "docs" / f"{name}.md").read_text(encoding="utf-8")
