"""What every command shares: the error boundary and exit status, --version, -q and -v,
NO_COLOR, the shared option types and shell completion."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from nkrefugees_letters.cli import cli
from tests.conftest import FIXED_DATE

Run = Callable[..., Result]


def test_version(run: Run) -> None:
    result = run("--version")
    assert result.exit_code == 0
    assert result.stdout.startswith("nkletters, version ")


@pytest.mark.parametrize("command", [("generate", "--city", "Chicago"), ("preview", "--city", "X")])
def test_an_unknown_language_is_a_usage_error_naming_the_valid_ones(
    run: Run, command: tuple[str, ...]
) -> None:
    result = run(*command, "--lang", "fr")
    assert result.exit_code == 2
    assert (
        "Invalid value for '--lang': 'fr' is not a language nkletters writes in; use one of "
        "en, zh, ko, ja, es, or two joined by '+' (en+zh)"
    ) in result.stderr


@pytest.mark.parametrize("code", ["EU", "ZZ", "UN", "GBR", "X"])
@pytest.mark.parametrize("command", [("generate",), ("missions", "list")])
def test_a_code_that_is_no_country_is_a_usage_error(
    run: Run, code: str, command: tuple[str, ...]
) -> None:
    result = run(*command, "--country", code)
    assert result.exit_code == 2
    assert f"Invalid value for '--country': {code!r} is not a two-letter ISO 3166 country code" in (
        result.stderr
    )


# --- colour, quiet, verbose -----------------------------------------------------------


def _coloured(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, env: dict[str, str]) -> Result:
    monkeypatch.chdir(tmp_path)
    # An unquoted colour is a comment: a yellow warning.
    (tmp_path / "nkletters.yaml").write_text(
        "organisation:\n  name: Friends\nletterhead:\n  accent_colour: #c00000\n",
        encoding="utf-8",
    )
    args = ["generate", "--city", "Chicago", "--date", FIXED_DATE]
    return CliRunner().invoke(cli, args, env=env, color=True, catch_exceptions=False)


def test_warnings_are_coloured_on_a_terminal(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    result = _coloured(tmp_path, monkeypatch, {"NO_COLOR": ""})
    assert "\x1b[33mwarning: " in result.stderr


def test_no_color_is_honoured(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    result = _coloured(tmp_path, monkeypatch, {"NO_COLOR": "1"})
    assert "warning: " in result.stderr
    assert "\x1b[" not in result.stderr + result.stdout


@pytest.mark.parametrize(
    "args",
    [
        ("generate", "--city", "Chicago", "-q"),
        ("-q", "generate", "--city", "Chicago"),
        ("generate", "--country", "GB", "--quiet"),
        ("init", "--name", "Friends", "-q"),
        ("templates", "export", "appeal", "mine.md", "-q"),
    ],
)
def test_quiet_prints_nothing_on_success(run: Run, tmp_path: Path, args: tuple[str, ...]) -> None:
    result = run(*args)
    assert result.exit_code == 0, result.stderr
    assert (result.stdout, result.stderr) == ("", "")
    assert any(tmp_path.iterdir())


def test_quiet_still_prints_errors(run: Run) -> None:
    result = run("generate", "--city", "Lilliput", "-q")
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: no mission found for city 'Lilliput'")


def test_verbose_says_which_rule_chose_the_mission(run: Run) -> None:
    result = run("generate", "--city", "Chicago", "-v")
    assert "city: Chicago has its own mission: the Consulate-General in Chicago" in (
        result.stderr.splitlines()
    )
    quiet = run("generate", "--city", "Chicago")
    assert "has its own mission" not in quiet.stderr


def test_verbose_in_a_batch_says_it_for_each_city(run: Run) -> None:
    result = run("generate", "--city", "Chicago", "--city", "Traverse City", "--dry-run", "-v")
    assert result.exit_code == 0, result.stderr
    lines = result.stderr.splitlines()
    assert "Chicago: city: Chicago has its own mission: the Consulate-General in Chicago" in lines
    assert (
        "Traverse City: district: Traverse City (Michigan) is in the consular district of the "
        "Consulate-General in Chicago"
    ) in lines


# --- shell completion -----------------------------------------------------------------


def _complete(words: str) -> list[str]:
    env = {
        "_NKLETTERS_COMPLETE": "bash_complete",
        "COMP_WORDS": words,
        "COMP_CWORD": str(len(words.split()) - (0 if words.endswith(" ") else 1)),
    }
    result = CliRunner().invoke(cli, [], env=env, prog_name="nkletters")
    return [line.split(",", 1)[1] for line in result.stdout.splitlines()]


def test_completes_mission_ids() -> None:
    assert _complete("nkletters generate --mission us-ch") == ["us-chicago"]
    assert "gb-edinburgh" in _complete("nkletters missions show gb")


def test_completes_languages_and_pairs() -> None:
    assert _complete("nkletters generate --lang e") == [
        *("en", "es", "en+zh", "en+ko", "en+ja", "en+es"),
        *("es+en", "es+zh", "es+ko", "es+ja"),
    ]


def test_completes_template_names() -> None:
    assert _complete("nkletters generate --template app") == [
        "appeal",
        "appeal.en",
        "appeal.es",
        "appeal.ja",
        "appeal.ko",
        "appeal.zh",
    ]


@pytest.mark.parametrize(
    ("args", "status"),
    [
        (("generate", "--city", "Chicago", "--date", FIXED_DATE), 0),
        (("generate", "--city", "Xyzzyville"), 1),
        (("generate", "--city", "Houston"), 1),
        (("generate", "--city", "Chicago", "--template", "nothere"), 1),
        (("generate", "--city", "Chicago", "--profile", "missing.yaml"), 1),
        (("generate",), 2),
        (("generate", "--city", "Chicago", "--date", "tomorrow"), 2),
        (("generate", "--city", "Chicago", "--paper", "a5"), 2),
        (("generate", "--no-such-option"), 2),
        (("no-such-command",), 2),
        (("check",), 0),
        (("templates", "list"), 0),
        (("templates", "show", "nothere"), 1),
        (("templates", "export"), 2),
    ],
)
def test_exit_status(run: Run, args: tuple[str, ...], status: int) -> None:
    result = run(*args)
    assert result.exit_code == status, result.stdout + result.stderr
    if status:
        assert "Traceback" not in result.stderr
        assert result.stderr.strip()
