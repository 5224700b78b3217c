"""Validation: Fields names the file, line and field; collecting finds every problem at once."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from nkrefugees_letters import validation, yamlio
from nkrefugees_letters.errors import DataError

PATH = Path("p.yaml")


def load(text: str) -> object:
    return yamlio.load_text(text, "x.yaml")


def fields(
    text: str, allowed: tuple[str, ...] = ("name", "email", "tags", "when")
) -> validation.Fields:
    return validation.Fields(load(text), PATH, "org", allowed)


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
    text: str, call: Callable[[validation.Fields], object], expected: str
) -> None:
    with pytest.raises(DataError) as caught:
        call(fields(text))
    assert str(caught.value) == expected


def test_collecting_records_every_optional_problem_and_goes_on() -> None:
    with validation.collecting() as problems:
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
    with validation.collecting() as problems, pytest.raises(DataError, match="required field"):
        fields("email: x\n").text("name", required=True)
    assert problems == []


def test_outside_collecting_the_first_problem_raises() -> None:
    with pytest.raises(DataError, match="unknown field"):
        fields("nmae: A\nemail: [x]\n")
