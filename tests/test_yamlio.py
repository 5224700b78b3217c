"""Strict YAML: every scalar a string, errors with file, line and column, no Python objects."""

from __future__ import annotations

import re
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
