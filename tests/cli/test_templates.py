"""``nkletters templates``: list, show and export the bundled templates."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

from click.testing import Result

from nkrefugees_letters.text import templates
from tests.cli.conftest import one_error_line
from tests.conftest import FIXED_DATE, pdf_text, written_path

Run = Callable[..., Result]


# --- templates list / show / export --------------------------------------------------


def test_templates_list(run: Run) -> None:
    result = run("templates", "list")
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert len(lines) == len(templates.builtin_names())
    assert re.match(r"appeal\.en +en +The Save North Korean Refugees Day appeal", lines[0])


def test_templates_show(run: Run) -> None:
    result = run("templates", "show", "appeal")
    assert result.exit_code == 0
    assert result.stdout == templates.template_source("appeal")[1]
    assert result.stderr.startswith("# ") and result.stderr.rstrip().endswith("appeal.en.md")
    chinese = run("templates", "show", "appeal", "--lang", "zh")
    assert chinese.stdout.startswith("---\nlanguage: zh\n")


def test_templates_show_unknown_name(run: Run) -> None:
    assert one_error_line(run("templates", "show", "apeal")).startswith(
        "Error: no built-in template 'apeal' in language 'en' — did you mean 'appeal.en'?"
    )


def test_templates_export_then_generate(run: Run, tmp_path: Path) -> None:
    result = run("templates", "export", "appeal")
    assert result.exit_code == 0
    assert result.stdout == "appeal.en.md\n"
    assert "nkletters preview --city Chicago --template appeal.en.md" in result.stderr
    exported = tmp_path / "appeal.en.md"
    exported.write_text(
        exported.read_text(encoding="utf-8").replace("Respectfully yours,", "With hope,"),
        encoding="utf-8",
    )
    generated = run(
        "generate", "--city", "Chicago", "--template", "appeal.en.md", "--date", FIXED_DATE
    )
    assert generated.exit_code == 0, generated.stderr
    assert "With hope," in pdf_text(tmp_path / written_path(generated))


def test_templates_export_refuses_to_overwrite(run: Run, tmp_path: Path) -> None:
    mine = tmp_path / "mine.md"
    mine.write_text("my own letter", encoding="utf-8")
    assert one_error_line(run("templates", "export", "appeal", str(mine))) == (
        f"Error: {str(mine)!r} already exists — give another file name, "
        "or pass --force to replace it"
    )
    assert mine.read_text(encoding="utf-8") == "my own letter"
    forced = run("templates", "export", "appeal", str(mine), "--force")
    assert forced.exit_code == 0
    assert mine.read_text(encoding="utf-8") == templates.template_source("appeal")[1]


def test_templates_export_into_a_folder(run: Run, tmp_path: Path) -> None:
    (tmp_path / "mine").mkdir()
    result = run("templates", "export", "appeal.ko", "mine")
    assert result.exit_code == 0
    assert (
        (tmp_path / "mine" / "appeal.ko.md")
        .read_text(encoding="utf-8")
        .startswith("---\nlanguage: ko\n")
    )
