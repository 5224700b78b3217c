"""``nkletters preview``: the letter as text, with the same selection rules as generate."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result

from tests.cli.conftest import MEETING
from tests.conftest import FIXED_DATE

Run = Callable[..., Result]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--country", "GB", "--mission", "us-chicago"), "--country GB with --mission us-chicago"),
        (("--city", "London", "--mission", "us-chicago"), "give --city or --mission, not both"),
    ],
)
def test_preview_ignores_no_selection_option_either(
    run: Run, args: tuple[str, ...], message: str
) -> None:
    result = run("preview", *args)
    assert result.exit_code == 2 and message in result.stderr


WriteYaml = Callable[[str, str], Path]


# --- preview ---------------------------------------------------------------------------


def test_preview_prints_address_date_and_letter(run: Run, tmp_path: Path) -> None:
    (tmp_path / "meeting.md").write_text(MEETING, encoding="utf-8")
    result = run("preview", "--city", "Chicago", "--template", "meeting.md", "--date", FIXED_DATE)
    assert result.exit_code == 0, result.stderr
    assert result.stdout == (
        "The Head of Mission\n"
        "100 West Erie Street\n"
        "CHICAGO, IL 60654\n"
        "\n"
        "September 24, 2026\n"
        "\n"
        "Meeting in Chicago\n"
        "\n"
        "Dear Sir or Madam,\n"
        "\n"
        "I would like to meet you.\n"
        "\n"
        "• first point\n"
        "\n"
        "• second point\n"
        "\n"
        "Yours sincerely,\n"
        "\n"
        "(signature, name in capitals)\n"
    )
    assert not (tmp_path / "letters").exists()


def test_preview_with_profile_lists_signatories(
    run: Run, write_yaml: WriteYaml, tmp_path: Path
) -> None:
    write_yaml(
        "nkletters.yaml",
        """
        organisation:
          name: Friends of Refugees
        signatories:
          - name: Jane Doe
            title: Chair
          - name: Kim Ji-hye
        """,
    )
    (tmp_path / "meeting.md").write_text(MEETING, encoding="utf-8")
    result = run("preview", "--mission", "gb-london", "--template", "meeting.md")
    assert result.exit_code == 0, result.stderr
    assert "Friends of Refugees would like to meet you." in result.stdout
    assert result.stdout.endswith("Yours sincerely,\n\nJane Doe, Chair\nKim Ji-hye\n")


def test_preview_needs_a_mission(run: Run) -> None:
    result = run("preview")
    assert result.exit_code == 2
    assert "--city NAME or --mission ID" in result.stderr
