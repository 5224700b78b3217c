"""`nkletters check`: every problem of profile, directory and templates at once."""

from __future__ import annotations

import struct
import textwrap
import zlib
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest
from click.testing import Result

from nkrefugees_letters import check
from nkrefugees_letters.text import templates

Run = Callable[..., Result]
WriteYaml = Callable[[str, str], Path]

TODAY = date.today()


def mission(
    mission_id: str = "us-springfield", source_date: str = TODAY.isoformat(), **extra: str
) -> str:
    lines = [
        f"  - id: {mission_id}",
        "    kind: consulate",
        f"    name: Test Consulate in {mission_id[3:].title()}",
        "    address:",
        "      lines: ['1 Main Street']",
        f"      locality: {mission_id[3:].title()}",
        "      region: IL",
        "      postal_code: '62701'",
        "      country: US",
        "    source: https://example.org/page",
        f"    source_date: '{source_date}'",
        *(f"    {key}: {value}" for key, value in extra.items()),
    ]
    return "\n".join(lines) + "\n"


def data_file(write_yaml: WriteYaml, *missions: str, name: str = "ours.yaml") -> Path:
    return write_yaml(name, 'schema_version: "1"\nmissions:\n' + "".join(missions))


def stdout_lines(result: Result, path: Path) -> list[str]:
    return [line.replace(str(path), path.name) for line in result.stdout.splitlines()]


def test_nothing_to_fix(run: Run) -> None:
    result = run("check")
    assert result.exit_code == 0, result.stdout + result.stderr
    assert result.stdout == ""
    assert result.stderr.splitlines()[-1].startswith("ok: no profile (personal letters), ")
    assert "templates" in result.stderr


def test_every_profile_problem_at_once(run: Run, write_yaml: WriteYaml) -> None:
    path = write_yaml(
        "nkletters.yaml",
        """
        organisation:
          name: Friends
          emial: info@example.org
          logo: logo.png
        letterhead:
          accent_colour: navy
        signatories:
          - name: Jane Doe
            titel: Chair
          - name: "Kim 😀"
        defaults:
          paper: a5
        """,
    )
    result = run("check")
    assert result.exit_code == 1
    assert stdout_lines(result, path) == [
        "nkletters.yaml:3: organisation.emial: unknown field — did you mean 'email'?",
        f"nkletters.yaml:4: organisation: logo: image file '{path.parent}/logo.png' not found — "
        "give the path relative to the profile file",
        "nkletters.yaml:6: letterhead: accent_colour: expected a colour like '#1f3a5f', "
        "got 'navy' — a '#' and six hexadecimal digits, in quotes",
        "nkletters.yaml:9: signatories[0].titel: unknown field — did you mean 'title'?",
        "nkletters.yaml:12: defaults.paper: expected one of auto, a4, letter, got 'a5'",
        "nkletters.yaml: signatories[1].name contains '😀' (U+1F600 GRINNING FACE), "
        "which no bundled font can print — remove or replace that character",
    ]
    assert result.stderr.splitlines()[-1].startswith("6 problems in profile nkletters.yaml, ")


def test_profile_yaml_syntax_error(run: Run, write_yaml: WriteYaml) -> None:
    path = write_yaml("nkletters.yaml", "organisation:\n  name: [Friends\n")
    result = run("check")
    assert result.exit_code == 1
    assert stdout_lines(result, path) == [
        "nkletters.yaml:3:1: invalid YAML: did not find expected ',' or ']' — "
        "check the indentation and quoting at that place"
    ]


def png_with_broken_pixels(path: Path) -> Path:
    """A PNG whose structure and checksums are sound but whose pixel data is not."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        checksum = zlib.crc32(kind + data) & 0xFFFFFFFF
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", checksum)

    header = struct.pack(">IIBBBBB", 20, 10, 8, 2, 0, 0, 0)
    path.write_bytes(
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", b"not compressed pixels")
        + chunk(b"IEND", b"")
    )
    return path


def test_a_logo_that_does_not_decode_is_found(
    run: Run, write_yaml: WriteYaml, tmp_path: Path
) -> None:
    logo = png_with_broken_pixels(tmp_path / "logo.png")
    path = write_yaml("nkletters.yaml", "organisation:\n  name: Friends\n  logo: logo.png\n")
    result = run("check")
    assert result.exit_code == 1
    assert stdout_lines(result, path) == [
        f"nkletters.yaml: image {str(logo)!r} cannot be read (broken data stream when reading "
        "image file) — use a PNG or JPEG file that opens in an image viewer"
    ]


def test_every_broken_mission_in_a_data_file(run: Run, write_yaml: WriteYaml) -> None:
    path = data_file(
        write_yaml,
        mission("us-springfield"),
        mission("us-bad-kind").replace("kind: consulate", "kind: consulat"),
        mission("us-springfield"),
        mission("us-orphan", successor="us-nowhere"),
        "  - id: Not An Id\n",
    )
    result = run("check", "--data", str(path))
    assert result.exit_code == 1
    assert stdout_lines(result, path) == [
        "ours.yaml:15: missions[1].kind: expected one of embassy, consulate-general, consulate, "
        "got 'consulat' — did you mean 'consulate'?",
        "ours.yaml:25: missions[2].id: duplicate id 'us-springfield' (first on line 3) — "
        "each mission needs its own id",
        "ours.yaml:48: missions[4]: id: 'not an id' is not of the form 'cc-city' — country code, "
        "a hyphen, the city in lower-case ASCII (e.g. us-chicago)",
        "ours.yaml:36: us-orphan: successor 'us-nowhere' is not a mission id — "
        "name the id of the mission that took over the district",
    ]


def test_data_file_syntax_error(run: Run, write_yaml: WriteYaml) -> None:
    path = write_yaml("ours.yaml", 'schema_version: "1"\nmissions:\n  - id: [us-x\n')
    result = run("check", "--data", str(path))
    assert result.exit_code == 1
    assert stdout_lines(result, path) == [
        "ours.yaml:4:1: invalid YAML: did not find expected ',' or ']' — "
        "check the indentation and quoting at that place"
    ]


def test_stale_sources_of_own_data_are_listed_but_do_not_fail(
    run: Run, write_yaml: WriteYaml
) -> None:
    path = data_file(
        write_yaml,
        mission("us-springfield", "2001-05-02"),
        mission("us-peoria"),  # checked today
    )
    result = run("check", "--data", str(path))
    assert result.exit_code == 0, result.stdout
    months = (TODAY.year - 2001) * 12 + TODAY.month - 5
    assert stdout_lines(result, path) == [
        "ours.yaml:3: us-springfield: source dated 2001-05-02 (confidence official), "
        f"{months} months ago — check that https://example.org/page still gives this "
        "address, then update source_date"
    ]
    # Built-in sources are not listed one by one: the user cannot fix them.
    assert "data/embassies.yaml" not in result.stdout


def test_max_age(run: Run, write_yaml: WriteYaml) -> None:
    old = check.months_before(TODAY, 3).isoformat()
    path = data_file(write_yaml, mission("us-springfield", old))
    assert run("check", "--data", str(path)).stdout == ""
    assert "us-springfield" in run("check", "--data", str(path), "--max-age", "2").stdout
    usage = run("check", "--max-age", "0")
    assert usage.exit_code == 2
    assert "0 is not in the range x>=1" in usage.stderr


def test_every_template_problem(run: Run, tmp_path: Path) -> None:
    template = tmp_path / "mine.md"
    template.write_text(
        textwrap.dedent(
            """\
            ---
            language: en
            subject: "About {{ citty }}"
            recipient: ["{{ mission.name }}"]
            salutation: "Dear {{ organisation.name }},"
            closing: "Yours,"
            ---
            {{ we }} write.

            {{ mission.adress }}
            """
        ),
        encoding="utf-8",
    )
    result = run("check", "--template", str(template))
    assert result.exit_code == 1
    assert stdout_lines(result, template) == [
        "mine.md:3: undefined variable 'citty' — did you mean 'city'? "
        "see docs/templates.md for the variables a template can use",
        "mine.md:8: undefined variable 'we' — "
        "see docs/templates.md for the variables a template can use",
        "mine.md:10: mission has no field 'adress' — did you mean 'address'?",
        "mine.md:5: 'name' of an empty value (in a personal letter) — organisation is empty in a "
        "personal letter: put this inside {% if not personal %} … {% endif %}",
    ]


def test_template_syntax_error_and_missing_template(run: Run, tmp_path: Path) -> None:
    template = tmp_path / "mine.md"
    template.write_text(
        "---\nlanguage: en\nsubject: s\nrecipient: [r]\nsalutation: s\nclosing: c\n---\n"
        "One.\n\n{% for p in signatories %}\n",
        encoding="utf-8",
    )
    result = run("check", "--template", str(template), "--template", "apeal")
    assert result.exit_code == 1
    lines = stdout_lines(result, template)
    assert lines[0].startswith("mine.md:10: template syntax error: Unexpected end of template.")
    assert lines[1] == (
        "no built-in template 'apeal' in language 'en' — did you mean 'appeal.en'? "
        "built-in templates: " + ", ".join(templates.builtin_names())
    )


def test_profile_default_template_is_checked_relative_to_the_profile(
    run: Run, write_yaml: WriteYaml, tmp_path: Path
) -> None:
    (tmp_path / "ngo").mkdir()
    path = write_yaml("ngo/nkletters.yaml", "defaults:\n  template: letters/mine.md\n")
    result = run("check", "--profile", str(path))
    assert result.exit_code == 1
    assert result.stdout == (
        f"{tmp_path}/ngo/letters/mine.md: template file not found — check the path\n"
    )


def test_run_returns_a_report(write_yaml: WriteYaml) -> None:
    path = data_file(write_yaml, mission("us-springfield", "2001-05-02"))
    report = check.run(None, [path], today=date(2026, 9, 24))
    assert report.ok
    assert report.problems == ()
    own = [s for s in report.stale if s.own]
    assert [(s.mission.id, s.months) for s in own] == [("us-springfield", 304)]
    assert "appeal.en" in report.templates


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (date(2026, 9, 24), 12, date(2025, 9, 24)),
        (date(2026, 3, 31), 1, date(2026, 2, 28)),
        (date(2026, 1, 15), 13, date(2024, 12, 15)),
    ],
)
def test_months_before(day: date, months: int, expected: date) -> None:
    assert check.months_before(day, months) == expected


def test_bare_data_lists_every_stale_builtin_source(run: Run) -> None:
    from nkrefugees_letters import missions

    today = date.today()
    old = [
        m.id
        for m in missions.load()
        if m.is_open and m.source_date and check.months_before(today, 12) > m.source_date
    ]
    assert old, "the built-in directory has old sources to list"
    result = run("check", "--data")
    assert result.exit_code == 0
    listed = [
        line
        for line in result.stdout.splitlines()
        if "source dated" in line or "source seen" in line
    ]
    assert len(listed) == len(old)
    assert all(
        f": {mission_id}: source dated" in result.stdout
        or f": {mission_id}: source seen" in result.stdout
        for mission_id in old
    )
    assert "built-in addresses were last confirmed" not in result.stderr
