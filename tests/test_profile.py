"""The organisation profile: loading, every validation message, images, defaults."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest
from PIL import Image

from nkrefugees_letters import profile, validation
from nkrefugees_letters.errors import DataError

WriteYaml = Callable[[str, str], Path]


def png(path: Path, size: tuple[int, int] = (40, 20)) -> Path:
    Image.new("RGB", size, (31, 58, 95)).save(path)
    return path


def error_of(path: Path) -> str:
    with pytest.raises(DataError) as caught:
        profile.load(path)
    return str(caught.value)


def test_full_profile_loads(write_yaml: WriteYaml, tmp_path: Path) -> None:
    png(tmp_path / "logo.png")
    path = write_yaml(
        "nkletters.yaml",
        """
        organisation:
          name: Friends of Refugees
          address: ["12 Harbour Road", "Cape Town 8001"]
          email: info@example.org
          logo: logo.png
        letterhead:
          accent_colour: "#aa0000"
          placement: center
        signatories:
          - name: Jane Doe
            title: Chair
            organisation: Friends
        co_signing_organisations: [Another NGO]
        defaults:
          language: zh
          paper: a4
          out: printed
          template: my/letter.md
        """,
    )
    loaded = profile.load(path)
    assert loaded.organisation is not None
    assert loaded.organisation.logo == tmp_path / "logo.png"
    assert loaded.letterhead.placement == "centre"
    assert loaded.signatories == (profile.Signatory("Jane Doe", "Chair", "Friends"),)
    assert loaded.defaults.out == tmp_path / "printed"
    # A template path is relative to the profile, like every other path in it.
    assert loaded.defaults.template == str(tmp_path / "my" / "letter.md")


def test_builtin_template_name_stays_a_name(write_yaml: WriteYaml) -> None:
    path = write_yaml("nkletters.yaml", "defaults:\n  template: appeal\n")
    assert profile.load(path).defaults.template == "appeal"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "organisation:\n  name: A\n  email: not-an-address\n",
            "3: organisation: email: 'not-an-address' does not look like an email address — "
            "write it as name@example.org",
        ),
        (
            "letterhead:\n  accent_colour: red\n",
            "2: letterhead: accent_colour: expected a colour like '#1f3a5f', got 'red' — "
            "a '#' and six hexadecimal digits, in quotes",
        ),
        (
            "letterhead:\n  placement: rigth\n",
            "2: letterhead.placement: expected one of left, centre, center, right, got 'rigth' — "
            "did you mean 'right'?",
        ),
        (
            "organisation:\n  email: a@b.org\n",
            "2: organisation.name: required field is missing — add 'name: …'",
        ),
        (
            "signatories:\n  - title: Chair\n",
            "2: signatories[0].name: required field is missing — add 'name: …'",
        ),
        (
            "signatories: Jane Doe\n",
            "1: signatories: expected a list, got text — "
            "start each entry of 'signatories' on its own line with '- '",
        ),
        (
            "organisation: Friends\n",
            "1: organisation: expected a mapping of fields "
            "(name, address, country, email, phone, website, logo)",
        ),
        (
            "signatories:\n" + "".join(f"  - name: P{i}\n" for i in range(7)),
            "1: signatories: at most 6 fit under a letter, got 7 — "
            "list further supporters under co_signing_organisations, or use --signers",
        ),
        (
            "organisation:\n  name: A\n  logo: nowhere.png\n",
            "3: organisation: logo: image file '{base}/nowhere.png' not found — "
            "give the path relative to the profile file",
        ),
        (
            "organisation:\n  name: A\n  logo: logo.gif\n",
            "3: organisation: logo: 'logo.gif' is not a PNG or JPEG image — "
            "save it as PNG (logos) or JPEG (photos, scans)",
        ),
        (
            "organisation:\n  name: A\n  logo: fake.png\n",
            "3: organisation: logo: 'fake.png' is not a PNG or JPEG image inside, whatever its "
            "name — open it in an image editor and save it as PNG or JPEG",
        ),
        (
            "organisation:\n  name: A\n  logo: cut.png\n",
            "3: organisation: logo: 'cut.png' is damaged (Truncated File Read) — "
            "open it in an image editor and save it again as PNG or JPEG",
        ),
    ],
    ids=[
        "email",
        "colour",
        "placement",
        "org-name",
        "signatory-name",
        "signatories-text",
        "organisation-text",
        "too-many-signatories",
        "logo-missing",
        "logo-gif",
        "logo-not-an-image",
        "logo-damaged",
    ],
)
def test_each_problem_names_line_field_and_fix(
    write_yaml: WriteYaml, tmp_path: Path, text: str, expected: str
) -> None:
    (tmp_path / "logo.gif").write_bytes(b"GIF89a")
    (tmp_path / "fake.png").write_text("<html>not an image</html>")
    whole = png(tmp_path / "whole.png").read_bytes()
    (tmp_path / "cut.png").write_bytes(whole[: len(whole) - 20])
    path = write_yaml("nkletters.yaml", text)
    assert error_of(path) == f"{path}:" + expected.format(base=tmp_path)


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads any file")
def test_unreadable_logo(write_yaml: WriteYaml, tmp_path: Path) -> None:
    logo = png(tmp_path / "logo.png")
    logo.chmod(0)
    path = write_yaml("nkletters.yaml", "organisation:\n  name: A\n  logo: logo.png\n")
    assert error_of(path) == (
        f"{path}:3: organisation: logo: image file '{logo}' cannot be read: Permission denied — "
        "check the file's permissions"
    )


def test_collecting_finds_every_problem_with_the_right_index(write_yaml: WriteYaml) -> None:
    path = write_yaml(
        "nkletters.yaml",
        """
        organisaton: {}
        organisation:
          nmae: Typo
          email: nope
        letterhead:
          accent_colour: blue
        signatories:
          - title: no name
          - name: Ann
            titel: Chair
        """,
    )
    with validation.collecting() as problems:
        loaded = profile.load(path)
    assert [str(p).removeprefix(f"{path}:") for p in problems] == [
        "1: organisaton: unknown field — did you mean 'organisation'?",
        "3: organisation.nmae: unknown field — did you mean 'name'?",
        "4: organisation: email: 'nope' does not look like an email address — "
        "write it as name@example.org",
        "3: organisation.name: required field is missing — add 'name: …'",
        "6: letterhead: accent_colour: expected a colour like '#1f3a5f', got 'blue' — "
        "a '#' and six hexadecimal digits, in quotes",
        "8: signatories[0].name: required field is missing — add 'name: …'",
        "10: signatories[1].titel: unknown field — did you mean 'title'?",
    ]
    # The failed signatory keeps its place, so that later messages name the right index.
    assert [s.name for s in loaded.signatories] == ["", "Ann"]


def test_check_gives_every_problem_and_what_could_be_read(write_yaml: WriteYaml) -> None:
    path = write_yaml("nkletters.yaml", "organisation:\n  name: Org\n  email: nope\nfooter: x\n")
    loaded, problems = profile.check(path)
    assert loaded is not None and loaded.organisation is not None
    assert loaded.organisation.name == "Org"
    assert [str(p).removeprefix(f"{path}:") for p in problems] == [
        "4: footer: unknown field — valid fields: organisation, letterhead, signatories, "
        "co_signing_organisations, defaults",
        "3: organisation: email: 'nope' does not look like an email address — "
        "write it as name@example.org",
    ]


def test_check_goes_as_far_as_the_file_can_be_read(write_yaml: WriteYaml) -> None:
    path = write_yaml("nkletters.yaml", "letterhead:\n  tagline: [a\n")
    loaded, problems = profile.check(path)
    assert loaded is None
    assert [p.message.split(":")[0] for p in problems] == ["invalid YAML"]


def test_check_text_covers_every_printed_field() -> None:
    loaded = profile.Profile(
        organisation=profile.Organisation("Org", ("Street",), "a@b.org", "123", "org.example"),
        letterhead=profile.Letterhead(tagline="Tag", footer="Foot"),
        signatories=(profile.Signatory("Jane", "Chair", "Friends"),),
        cosigners=("Other",),
    )
    labels = [label for label, _ in profile.check_text(loaded)]
    assert labels == [
        "organisation.name",
        "organisation.email",
        "organisation.address[0]",
        "organisation.phone",
        "organisation.website",
        "letterhead.tagline",
        "letterhead.footer",
        "signatories[0].name",
        "signatories[0].title",
        "signatories[0].organisation",
        "co_signing_organisations[0]",
    ]


def test_the_paper_choices_of_profile_cli_and_layout_agree() -> None:
    import click

    from nkrefugees_letters.cli import cli as group
    from nkrefugees_letters.pdf import geometry

    generate = group.get_command(click.Context(group), "generate")
    assert generate is not None
    (paper,) = (p for p in generate.params if p.name == "paper")
    assert tuple(paper.type.choices) == profile.PAPERS == ("auto", *geometry.PAPERS)  # type: ignore[attr-defined]
