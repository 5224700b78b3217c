"""Strict YAML: every scalar a string, errors with file, line and column, no Python objects."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest

from nkrefugees_letters import yamlio
from nkrefugees_letters.errors import DataError


def load(text: str) -> object:
    return yamlio.load_text(text, "x.yaml")


def error_of(text: str) -> str:
    with pytest.raises(DataError) as caught:
        load(text)
    return str(caught.value)


def test_scalars_stay_strings_and_remember_their_line() -> None:
    data = load("a: 01234\nb: NO\nc: 2024-01-05\nd: [yes, 1.5]\n")
    assert data == {"a": "01234", "b": "NO", "c": "2024-01-05", "d": ["yes", "1.5"]}
    assert data["c"].line == 3
    assert data.key_lines == {"a": 1, "b": 2, "c": 3, "d": 4}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "name: [unclosed\nother: 1\n",
            "x.yaml:2:6: invalid YAML: did not find expected ',' or ']' — "
            "check the indentation and quoting at that place",
        ),
        (
            "a:\n\tb: 1\n",
            "x.yaml:2:1: invalid YAML: a tab character — YAML indents with spaces only: "
            "replace the tab with spaces (your editor may have a 'convert tabs to spaces' "
            "setting)",
        ),
        (
            'a: "unterminated\n',
            "x.yaml:2:1: invalid YAML: found unexpected end of stream — "
            "check the indentation and quoting at that place",
        ),
    ],
    ids=["unclosed-list", "tab-indent", "open-quote"],
)
def test_syntax_error_names_file_line_and_column(text: str, expected: str) -> None:
    assert error_of(text) == expected


@pytest.mark.parametrize(
    ("value", "tag"),
    [
        ("!!python/object/apply:os.system ['echo hacked']", "!!python/object/apply:os.system"),
        ("!!python/name:os.system", "!!python/name:os.system"),
        ("!!python/object/new:subprocess.Popen [['ls']]", "!!python/object/new:subprocess.Popen"),
        ("!!binary aGk=", "!!binary"),
        ("!!set {a}", "!!set"),
        ("!!int 5", "!!int"),
        ("!custom value", "!custom"),
    ],
)
def test_tags_that_build_objects_are_rejected(value: str, tag: str) -> None:
    assert error_of(f"a: {value}\n") == (
        f"x.yaml:1:4: invalid YAML: YAML tags such as {tag!r} are not allowed — "
        "write the value as plain text"
    )


def test_anchors_and_aliases_are_rejected() -> None:
    # Aliases are how a "billion laughs" file explodes in memory.
    assert error_of("a: &x [1, 2]\nb: *x\n") == (
        "x.yaml:1:4: invalid YAML: anchors and aliases (&name, *name) are not supported"
    )


def test_duplicate_key_names_both_lines() -> None:
    assert error_of("name: A\nemail: e\nname: B\n") == (
        "x.yaml:3:1: invalid YAML: duplicate key 'name' (first on line 1); keep only one"
    )


def test_control_character_names_its_place() -> None:
    assert error_of("a: b\nc: d\x07e\n") == (
        "x.yaml:2:5: invalid YAML: the character U+0007 is not allowed — "
        "delete it (an invisible control character, often pasted in by accident)"
    )


def test_deep_nesting_is_an_error_not_a_crash() -> None:
    # PyYAML 6.0.4 stops at a depth limit and says where; earlier versions recurse.
    assert re.fullmatch(
        r"x\.yaml(:1:\d+)?: invalid YAML: lists or mappings nested too deeply"
        r" — is this the right file\?",
        error_of("a: " + "[" * 5000 + "]" * 5000 + "\n"),
    )


def file_error(path: Path) -> str:
    with pytest.raises(DataError) as caught:
        yamlio.load_file(path)
    return str(caught.value)


def test_file_errors(tmp_path: Path) -> None:
    assert (
        file_error(tmp_path / "nope.yaml")
        == f"{tmp_path}/nope.yaml: file not found — check the path"
    )
    latin1 = tmp_path / "latin1.yaml"
    latin1.write_bytes("name: Müller\n".encode("latin-1"))
    assert file_error(latin1) == f"{latin1}: file is not UTF-8 text — save it as UTF-8"
    huge = tmp_path / "huge.yaml"
    huge.write_bytes(b"#" * (yamlio.MAX_YAML_BYTES + 1))
    assert file_error(huge) == f"{huge}: file is larger than 5 MB — is this the right file?"


# --- Fields: validation with the field's name and line ------------------------------

PATH = Path("p.yaml")


def fields(
    text: str, allowed: tuple[str, ...] = ("name", "email", "tags", "when")
) -> yamlio.Fields:
    return yamlio.Fields(load(text), PATH, "org", allowed)


def test_unknown_key_names_the_closest_valid_one() -> None:
    with pytest.raises(DataError) as caught:
        fields("name: A\nemial: x\n")
    assert str(caught.value) == "p.yaml:2: org.emial: unknown field — did you mean 'email'?"


def test_unknown_key_without_a_close_one_lists_the_valid_fields() -> None:
    with pytest.raises(DataError) as caught:
        fields("zzz: x\n")
    assert str(caught.value) == (
        "p.yaml:1: org.zzz: unknown field — valid fields: name, email, tags, when"
    )


@pytest.mark.parametrize(
    ("text", "call", "expected"),
    [
        (
            "name: [a, b]\n",
            lambda f: f.text("name"),
            "p.yaml:1: org.name: expected text, got a list — write 'name: some text'",
        ),
        (
            "email: x\n",
            lambda f: f.text("name", required=True),
            "p.yaml:1: org.name: required field is missing — add 'name: …'",
        ),
        (
            "tags: {a: b}\n",
            lambda f: f.text_list("tags"),
            "p.yaml:1: org.tags: expected a list of texts, got a mapping — "
            'write \'tags: ["first", "second"]\'',
        ),
        (
            "tags:\n  - a\n  - [b]\n",
            lambda f: f.text_list("tags"),
            "p.yaml:3: org.tags: expected a list of texts, got a list holding a list — "
            'write \'tags: ["first", "second"]\'',
        ),
        (
            "when: 24/09/2026\n",
            lambda f: f.date("when"),
            "p.yaml:1: org.when: expected a date as YYYY-MM-DD, got '24/09/2026' — e.g. 2026-09-24",
        ),
        (
            "name: maybe\n",
            lambda f: f.boolean("name", default=True),
            "p.yaml:1: org.name: expected true or false, got 'maybe'",
        ),
        (
            "name: lettr\n",
            lambda f: f.choice("name", ("a4", "letter"), default="a4"),
            "p.yaml:1: org.name: expected one of a4, letter, got 'lettr' — did you mean 'letter'?",
        ),
        (
            "name: x\n",
            lambda f: f.mapping("tags", ("a",), required=True),
            "p.yaml:1: org.tags: required section is missing — add 'tags:' with its fields (a)",
        ),
    ],
    ids=["text", "required", "list", "list-item", "date", "boolean", "choice", "section"],
)
def test_wrong_types_and_missing_fields_say_what_was_expected(
    text: str, call: Callable[[yamlio.Fields], object], expected: str
) -> None:
    with pytest.raises(DataError) as caught:
        call(fields(text))
    assert str(caught.value) == expected


def test_collecting_records_every_optional_problem_and_goes_on() -> None:
    with yamlio.collecting() as problems:
        f = fields("nmae: A\nemail: [x]\nwhen: soon\ntags: {a: b}\n")
        assert f.text("email") == ""
        assert f.date("when") is None
        assert f.text_list("tags") == ()
    assert [str(p) for p in problems] == [
        "p.yaml:1: org.nmae: unknown field — did you mean 'name'?",
        "p.yaml:2: org.email: expected text, got a list — write 'email: some text'",
        "p.yaml:3: org.when: expected a date as YYYY-MM-DD, got 'soon' — e.g. 2026-09-24",
        "p.yaml:4: org.tags: expected a list of texts, got a mapping — "
        'write \'tags: ["first", "second"]\'',
    ]


def test_collecting_still_raises_for_a_missing_required_field() -> None:
    with yamlio.collecting() as problems, pytest.raises(DataError, match="required field"):
        fields("email: x\n").text("name", required=True)
    assert problems == []


def test_outside_collecting_the_first_problem_raises() -> None:
    with pytest.raises(DataError, match="unknown field"):
        fields("nmae: A\nemail: [x]\n")
