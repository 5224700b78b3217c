"""Templates: front matter and syntax errors with their lines, built-in templates, export."""

from __future__ import annotations

from pathlib import Path

import pytest

from nkrefugees_letters.errors import OutputError
from nkrefugees_letters.profile import Profile
from nkrefugees_letters.text import render, sandbox, templates

from .conftest import (
    FRONT,
    ORGANISATION,
    context,
    error,
)

# --- errors with file, line and name --------------------------------------------------


@pytest.mark.parametrize(
    ("front", "expected"),
    [
        (
            FRONT.replace('closing: "Yours,"', 'closng: "Yours,"'),
            "letter.md:8: closng: unknown field — did you mean 'closing'?",
        ),
        (
            FRONT.replace('closing: "Yours,"\n', ""),
            "letter.md:2: closing: required field is missing — add 'closing: …'",
        ),
        (
            FRONT.replace('salutation: "Dear friends,"', "salutation: [oops"),
            "letter.md:8:8: invalid YAML: did not find expected ',' or ']' — "
            "check the indentation and quoting at that place",
        ),
        (
            "language: en\n",
            "letter.md:1: template has no front matter — start the file with a '---' line, "
            "the fields (language, subject, …), and '---'",
        ),
    ],
    ids=["unknown-field", "missing-field", "yaml-syntax", "no-front-matter"],
)
def test_front_matter_errors_name_the_file_line(tmp_path: Path, front: str, expected: str) -> None:
    assert error(tmp_path, "Body.\n", front) == expected


@pytest.mark.parametrize(
    ("front", "body", "expected"),
    [
        (
            FRONT,
            "One.\n\n{% if personal %}\nTwo.\n",
            "letter.md:13: template syntax error: Unexpected end of template. Jinja was looking "
            "for the following tags: 'elif' or 'else' or 'endif'. The innermost block that "
            "needs to be closed is 'if'.",
        ),
        (
            FRONT,
            "One.\n{{ city|uper }}\n",
            "letter.md:11: template syntax error: No filter named 'uper'. — did you mean "
            "'upper'? filters: " + ", ".join(sorted(sandbox.environment().filters)),
        ),
        (
            FRONT.replace('"Subject for {{ city }}"', '"Subject for {{ city }"'),
            "",
            "letter.md:3: template syntax error: unexpected '}'",
        ),
    ],
    ids=["body", "unknown-filter", "subject"],
)
def test_syntax_errors_name_the_line(tmp_path: Path, front: str, body: str, expected: str) -> None:
    assert error(tmp_path, body, front) == expected


# --- built-in templates -------------------------------------------------------------


@pytest.mark.parametrize("name", templates.builtin_names())
@pytest.mark.parametrize("sender", [Profile(), ORGANISATION], ids=["personal", "organisation"])
def test_every_builtin_template_renders(name: str, sender: Profile) -> None:
    template = templates.load_template(templates.find_template(name, "en"))
    # letter_count: the batch's cover note is told how many letters it covers.
    text = render.render(template, context(sender, template.language, letter_count=3))
    assert text.subject and text.blocks and text.closing


def test_builtin_templates_describe_themselves() -> None:
    infos = {info.name: info for info in templates.builtin_templates()}
    assert infos["appeal.en"].language == "en"
    assert infos["appeal.en"].description.startswith("The Save North Korean Refugees Day appeal")


def test_export_never_replaces_a_file_without_force(tmp_path: Path) -> None:
    target = tmp_path / "mine.md"
    assert templates.export_template("appeal", "en", target) == target
    assert target.read_text(encoding="utf-8") == templates.template_source("appeal")[1]
    target.write_text("my own words", encoding="utf-8")
    with pytest.raises(OutputError) as caught:
        templates.export_template("appeal", "en", target)
    assert str(caught.value) == (
        f"{str(target)!r} already exists — give another file name, or pass --force to replace it"
    )
    assert target.read_text(encoding="utf-8") == "my own words"
    templates.export_template("appeal", "en", target, force=True)
    assert target.read_text(encoding="utf-8").startswith("---\nlanguage: en\n")
    # A folder gets the template's own file name.
    assert templates.export_template("appeal.zh", "en", tmp_path) == tmp_path / "appeal.zh.md"


def test_only_built_in_templates_keep_their_compiled_code(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    kept = tmp_path / "cache" / "nkletters" / "jinja"
    built_in = templates.find_template("appeal", "en")
    own = tmp_path / "mine.md"
    own.write_text(built_in.read_text(encoding="utf-8") + "\nMy own words.\n", encoding="utf-8")
    templates.load_template(own)
    assert not kept.exists()  # a user's own file, or one uploaded to the web page
    templates._load_template.cache_clear()  # read the built-in file again, as a new process
    templates.load_template(built_in)
    assert len(list(kept.glob("*.marshal"))) >= 5  # body, subject, salutation, closing, lines
