"""`nkletters templates`, `preview`, custom templates in `generate`, and what bad input gets
on the command line: one clear line, the right exit status, no stray or partial files."""

from __future__ import annotations

import io
import os
import re
import struct
import zlib
from collections.abc import Callable
from pathlib import Path

import pypdf
import pytest
from click.testing import Result
from PIL import Image

from nkrefugees_letters import output
from nkrefugees_letters.text import templates
from tests.conftest import FIXED_DATE, pdf_text, written_path

Run = Callable[..., Result]
WriteYaml = Callable[[str, str], Path]

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


def files_under(folder: Path) -> set[Path]:
    return {p for p in folder.rglob("*") if p.is_file()}


def one_error_line(result: Result) -> str:
    assert result.exit_code == 1, result.stdout + result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "Traceback" not in result.stderr
    return lines[0]


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


# --- the profile names the default template --------------------------------------------


def test_profile_default_template_is_relative_to_the_profile(
    run: Run, write_yaml: WriteYaml, tmp_path: Path
) -> None:
    (tmp_path / "ngo" / "letters").mkdir(parents=True)
    (tmp_path / "ngo" / "letters" / "meeting.md").write_text(MEETING, encoding="utf-8")
    profile_path = write_yaml(
        "ngo/nkletters.yaml",
        "organisation:\n  name: Friends\ndefaults:\n  template: letters/meeting.md\n",
    )
    result = run(
        "generate", "--city", "Chicago", "--profile", str(profile_path), "--date", FIXED_DATE
    )
    assert result.exit_code == 0, result.stderr
    assert "Meeting in Chicago" in pdf_text(tmp_path / written_path(result))


# --- bad input on the command line --------------------------------------------------------


def test_template_errors_are_one_line_with_file_and_line(run: Run, tmp_path: Path) -> None:
    (tmp_path / "bad.md").write_text(
        MEETING.replace("would like", "{{ organisaton.name }} would like"), encoding="utf-8"
    )
    assert one_error_line(run("generate", "--mission", "us-chicago", "--template", "bad.md")) == (
        "Error: bad.md:9: undefined variable 'organisaton' — did you mean 'organisation'? "
        "see docs/templates.md for the variables a template can use"
    )
    assert not (tmp_path / "letters").exists()


def test_sandbox_escape_is_refused_on_the_command_line(run: Run, tmp_path: Path) -> None:
    (tmp_path / "evil.md").write_text(
        MEETING + "{{ ''.__class__.__mro__[1].__subclasses__() }}\n", encoding="utf-8"
    )
    assert one_error_line(run("generate", "--mission", "us-chicago", "--template", "evil.md")) == (
        "Error: evil.md:13: the template tried something the sandbox forbids: access to "
        "attribute '__class__' of 'str' object is unsafe. — a template can use only the "
        "variables and filters in docs/templates.md"
    )


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


def test_no_value_can_write_outside_the_output_folder(
    run: Run, write_yaml: WriteYaml, tmp_path: Path
) -> None:
    write_yaml(
        "nkletters.yaml",
        """
        organisation:
          name: "../../../../tmp/evil"
          address: ["/etc/passwd"]
        signatories:
          - name: "../escape"
            title: "..\\\\..\\\\windows"
        defaults:
          out: letters
        """,
    )
    (tmp_path / "evil.md").write_text(
        MEETING.replace("Meeting in {{ city }}", "../../{{ organisation.name }}"), encoding="utf-8"
    )
    before = files_under(tmp_path)
    result = run("generate", "--city", "Chicago", "--template", "evil.md", "--date", FIXED_DATE)
    assert result.exit_code == 0, result.stderr
    assert files_under(tmp_path) - before == {tmp_path / "letters" / f"{FIXED_DATE}_us-chicago.pdf"}
    assert not Path("/tmp/evil").exists()


def test_a_mission_id_cannot_be_a_path(run: Run, write_yaml: WriteYaml, tmp_path: Path) -> None:
    data = write_yaml(
        "ours.yaml",
        """
        schema_version: "1"
        missions:
          - id: "us-../../evil"
            kind: consulate
            name: Evil
            address: {locality: Evil, country: US}
            verified: false
        """,
    )
    line = one_error_line(run("generate", "--mission", "us-../../evil", "--data", str(data)))
    assert line == (
        f"Error: {data}:3: missions[0]: id: 'us-../../evil' is not of the form 'cc-city' — "
        "country code, a hyphen, the city in lower-case ASCII (e.g. us-chicago)"
    )
    assert not (tmp_path / "letters").exists()


def test_a_file_not_ours_is_not_overwritten_without_force(run: Run, tmp_path: Path) -> None:
    target = tmp_path / "letters" / f"{FIXED_DATE}_us-chicago.pdf"
    target.parent.mkdir()
    target.write_bytes(b"%PDF-1.4 the only copy of something else")
    args = ("generate", "--mission", "us-chicago", "--date", FIXED_DATE)
    assert one_error_line(run(*args)) == (
        f"Error: {str(Path('letters') / target.name)!r} exists and was not written by "
        "nkletters — move it away, choose another --out folder, or pass --force"
    )
    assert target.read_bytes() == b"%PDF-1.4 the only copy of something else"
    # Its own earlier output it replaces freely; another file only with --force.
    assert run(*args, "--force").exit_code == 0
    assert run(*args).exit_code == 0
    assert pypdf.PdfReader(str(target)).metadata["/Creator"].startswith("nkletters")


def test_unwritable_output_folder(
    run: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refuse(*_args: object, **_kwargs: object) -> None:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(output.tempfile, "mkstemp", refuse)
    assert one_error_line(run("generate", "--mission", "us-chicago", "--out", "ro")) == (
        "Error: cannot write in 'ro': Permission denied — "
        "check the folder's permissions or choose another --out"
    )
    assert files_under(tmp_path) == set()


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes anywhere")
def test_read_only_output_folder(run: Run, tmp_path: Path) -> None:
    (tmp_path / "ro").mkdir(mode=0o500)
    try:
        assert "Permission denied" in one_error_line(
            run("generate", "--mission", "us-chicago", "--out", "ro")
        )
    finally:
        (tmp_path / "ro").chmod(0o700)


def test_crash_mid_write_leaves_no_partial_pdf(
    run: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_fdopen = os.fdopen

    class Interrupted(io.BytesIO):
        def write(self, data: object) -> int:
            raise KeyboardInterrupt

    def fdopen(fd: int, mode: str) -> io.BytesIO:
        real_fdopen(fd, mode).close()
        return Interrupted()

    monkeypatch.setattr(os, "fdopen", fdopen)
    result = run("generate", "--mission", "us-chicago", "--date", FIXED_DATE)
    # Click turns Ctrl-C into "Aborted!" and exit status 1.
    assert result.exit_code == 1
    assert result.stderr == "\nAborted!\n"
    assert files_under(tmp_path) == set()


# --- logos --------------------------------------------------------------------------------


def org_with_logo(write_yaml: WriteYaml, logo: str) -> Path:
    return write_yaml("nkletters.yaml", f"organisation:\n  name: Friends\n  logo: {logo}\n")


def test_missing_logo(run: Run, write_yaml: WriteYaml, tmp_path: Path) -> None:
    path = org_with_logo(write_yaml, "logo.png")
    assert one_error_line(run("generate", "--mission", "us-chicago")) == (
        f"Error: {path}:3: organisation: logo: image file '{tmp_path}/logo.png' not found — "
        "give the path relative to the profile file"
    )


def test_corrupt_logo(run: Run, write_yaml: WriteYaml, tmp_path: Path) -> None:
    (tmp_path / "logo.png").write_bytes(b"\x89PNG\r\n\x1a\n" + b"\0" * 40)
    path = org_with_logo(write_yaml, "logo.png")
    assert one_error_line(run("generate", "--mission", "us-chicago")) == (
        f"Error: {path}:3: organisation: logo: 'logo.png' is damaged (its content cannot be "
        "read as an image) — open it in an image editor and save it again as PNG or JPEG"
    )


def test_logo_with_broken_pixels(run: Run, write_yaml: WriteYaml, tmp_path: Path) -> None:
    def chunk(kind: bytes, data: bytes) -> bytes:
        checksum = zlib.crc32(kind + data) & 0xFFFFFFFF
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", checksum)

    (tmp_path / "logo.png").write_bytes(
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", 20, 10, 8, 2, 0, 0, 0))
        + chunk(b"IDAT", b"not compressed pixels")
        + chunk(b"IEND", b"")
    )
    org_with_logo(write_yaml, "logo.png")
    assert one_error_line(run("generate", "--mission", "us-chicago")) == (
        f"Error: image '{tmp_path}/logo.png' cannot be read (broken data stream when reading "
        "image file) — use a PNG or JPEG file that opens in an image viewer"
    )


def test_enormous_logo_is_scaled_not_refused(
    run: Run, write_yaml: WriteYaml, tmp_path: Path
) -> None:
    # 48 million pixels: more than a printer could use at any size a letterhead allows.
    Image.new("L", (8000, 6000), 90).save(tmp_path / "logo.png")
    org_with_logo(write_yaml, "logo.png")
    result = run("generate", "--city", "Chicago", "--date", FIXED_DATE)
    assert result.exit_code == 0, result.stderr
    pdf = tmp_path / written_path(result)
    images = [image for page in pypdf.PdfReader(str(pdf)).pages for image in page.images]
    assert len(images) == 1
    assert max(images[0].image.size) == 2000
    assert pdf.stat().st_size < 1_000_000
