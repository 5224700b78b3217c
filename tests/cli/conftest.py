"""Helpers shared by the CLI command tests."""

from __future__ import annotations

from click.testing import Result

MEETING = """\
---
language: en
description: Asks for a meeting.
subject: "Meeting in {{ city }}"
recipient: ["The Head of Mission"]
salutation: "Dear Sir or Madam,"
closing: "Yours sincerely,"
---
{% if personal %}I{% else %}{{ organisation.name }}{% endif %} would like to meet you.

- **first** point
- second point
"""


def one_error_line(result: Result) -> str:
    assert result.exit_code == 1, result.stdout + result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "Traceback" not in result.stderr
    return lines[0]
