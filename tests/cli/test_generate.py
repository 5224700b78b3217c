"""``nkletters generate``: one letter or a batch, the city rule, profiles, the printed kit,
the output folder."""

from __future__ import annotations

import io
import os
import struct
import textwrap
import zlib
from collections.abc import Callable
from pathlib import Path

import pypdf
import pytest
from click.testing import Result
from PIL import Image

from nkrefugees_letters import output
from tests.cli.conftest import MEETING, one_error_line
from tests.conftest import FIXED_DATE, pdf_pages, pdf_text, written_path

Run = Callable[..., Result]


def test_generate_chicago_on_builtin_defaults(run: Run, tmp_path: Path) -> None:
    result = run("generate", "--city", "Chicago", "--date", FIXED_DATE)
    assert result.exit_code == 0, result.stderr
    assert result.stdout == f"wrote letters/{FIXED_DATE}_us-chicago.pdf (1 page, US Letter)\n"
    path = tmp_path / written_path(result)
    text = pdf_text(path)
    assert "100 West Erie Street" in text
    assert "CHICAGO, IL 60654" in text
    assert "Xi Jinping" in text
    assert "September 24, 2026" in text
    assert "44th anniversary" in text
    assert pdf_pages(path) == 1
    # One hint about profiles, and the warning that this address is not officially confirmed.
    assert "nkletters init" in result.stderr


def test_default_date_is_today(run: Run, tmp_path: Path) -> None:
    from datetime import date

    result = run("generate", "--city", "Chicago")
    assert result.exit_code == 0
    assert written_path(result).name == f"{date.today().isoformat()}_us-chicago.pdf"
    assert date.today().strftime("%B") in pdf_text(tmp_path / written_path(result))


@pytest.mark.parametrize("city", ["chicago", " CHICAGO ", "Chicago", "chicágo"])
def test_city_matching_ignores_case_accents_and_spaces(run: Run, city: str) -> None:
    result = run("generate", "--city", city, "--date", FIXED_DATE)
    assert result.exit_code == 0, result.stderr
    assert written_path(result).name == f"{FIXED_DATE}_us-chicago.pdf"


def test_unknown_city_is_one_line_without_traceback(run: Run, tmp_path: Path) -> None:
    # Not "Atlantis": the gazetteer knows an Atlantis in the Western Cape.
    result = run("generate", "--city", "Lilliput")
    assert result.exit_code == 1
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("Error: no mission found for city 'Lilliput'")
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "letters").exists()


def test_misspelt_city_gets_a_suggestion(run: Run) -> None:
    result = run("generate", "--city", "Chicgo")
    assert result.exit_code == 1
    assert "did you mean Chicago" in result.stderr


def test_houston_explains_the_closure(run: Run) -> None:
    result = run("generate", "--city", "Houston")
    assert result.exit_code == 1
    message = result.stderr.strip()
    assert "Houston closed on 24 July 2020" in message
    assert "--mission us-washington" in message
    assert len(message.splitlines()) == 1


def test_no_city_is_a_usage_error(run: Run) -> None:
    result = run("generate")
    assert result.exit_code == 2
    assert "--city NAME or --mission ID" in result.stderr


def test_bad_date_is_a_usage_error(run: Run) -> None:
    result = run("generate", "--city", "Chicago", "--date", "24/09/2026")
    assert result.exit_code == 2
    assert "use YYYY-MM-DD" in result.stderr


def test_out_folder_and_mission_id(run: Run, tmp_path: Path) -> None:
    out = tmp_path / "deep" / "folder"
    result = run("generate", "--mission", "us-new-york", "--out", str(out), "--date", FIXED_DATE)
    assert result.exit_code == 0, result.stderr
    assert (out / f"{FIXED_DATE}_us-new-york.pdf").is_file()
    assert "520 12th Avenue" in pdf_text(out / f"{FIXED_DATE}_us-new-york.pdf")


@pytest.mark.parametrize(("paper", "size"), [("a4", (595, 842)), ("letter", (612, 792))])
def test_paper_override(run: Run, tmp_path: Path, paper: str, size: tuple[int, int]) -> None:
    result = run("generate", "--city", "Chicago", "--paper", paper, "--date", FIXED_DATE)
    assert result.exit_code == 0, result.stderr
    box = pypdf.PdfReader(str(tmp_path / written_path(result))).pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == size


def test_profile_name_with_markup_characters_prints_verbatim(
    run: Run, tmp_path: Path, write_yaml: Callable[[str, str], Path]
) -> None:
    write_yaml(
        "nkletters.yaml",
        """
        organisation:
          name: "Smith & Sons <Relief>"
          address: ["1 Main Street", "Springfield, IL 62701"]
          email: info@example.org
        signatories:
          - name: "Ann O'Neil & <Co>"
            title: Director
        """,
    )
    result = run("generate", "--city", "Chicago", "--date", FIXED_DATE)
    assert result.exit_code == 0, result.stderr
    text = pdf_text(tmp_path / written_path(result))
    assert "Smith & Sons <Relief>" in text
    assert "Ann O’Neil & <Co>" in text  # apostrophes are set typographically
    assert "On behalf of Smith & Sons <Relief>" in text
    assert "nkletters init" not in result.stderr


def test_profile_error_names_file_line_and_field(
    run: Run, write_yaml: Callable[[str, str], Path]
) -> None:
    path = write_yaml(
        "nkletters.yaml",
        """
        organisation:
          nmae: Typo Relief
        """,
    )
    result = run("generate", "--city", "Chicago")
    assert result.exit_code == 1
    assert result.stderr == (
        f"Error: {path}:2: organisation.nmae: unknown field — did you mean 'name'?\n"
    )


def test_two_runs_give_identical_bytes(run: Run, tmp_path: Path) -> None:
    first = run("generate", "--city", "Chicago", "--date", FIXED_DATE, "--out", "a")
    second = run("generate", "--city", "Chicago", "--date", FIXED_DATE, "--out", "b")
    name = f"{FIXED_DATE}_us-chicago.pdf"
    assert first.exit_code == second.exit_code == 0
    assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()


def test_source_date_epoch_sets_the_creation_date(
    run: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1790208000")  # 2026-09-24 00:00 UTC
    result = run("generate", "--city", "Chicago", "--date", FIXED_DATE)
    meta = pypdf.PdfReader(str(tmp_path / written_path(result))).metadata
    assert meta is not None and meta.creation_date is not None
    assert meta.creation_date.date().isoformat() == FIXED_DATE


def test_fold_marks_are_drawn(run: Run, tmp_path: Path) -> None:
    import pdfplumber

    result = run(
        "generate", "--city", "London", "--country", "GB", "--date", FIXED_DATE, "--fold-marks"
    )
    with pdfplumber.open(tmp_path / written_path(result)) as pdf:
        page = pdf.pages[0]
        marks = [line for line in page.lines if line["x1"] < 12 * 72 / 25.4]
    # DIN 5008 form B: folds at 105 and 210 mm, punch mark at 148.5 mm from the top.
    tops = sorted(round(line["top"] / (72 / 25.4), 1) for line in marks)
    assert tops == [105.0, 148.5, 210.0]


# --- selection: one rule, whatever the other options ---------------------------------


@pytest.mark.parametrize("extra", [(), ("--dry-run",), ("--envelope", "dl"), ("--duplex",)])
def test_country_with_mission_and_no_city_is_an_error_every_time(
    run: Run, tmp_path: Path, extra: tuple[str, ...]
) -> None:
    result = run("generate", "--country", "GB", "--mission", "us-chicago", *extra)
    assert result.exit_code == 2
    assert result.stderr.splitlines()[-1] == (
        "Error: --country GB with --mission us-chicago but no --city: --country narrows a "
        "--city, or alone chooses every mission in GB; drop --country, or run --country GB "
        "on its own"
    )
    assert not (tmp_path / "letters").exists()


@pytest.mark.parametrize("given", [("--city", "Chicago"), ("--mission", "us-chicago")])
def test_all_with_a_city_or_mission_is_an_error(run: Run, given: tuple[str, str]) -> None:
    result = run("generate", "--all", *given, "--dry-run")
    assert result.exit_code == 2
    assert f"--all already chooses every open mission, so {given[0]} would be ignored" in (
        result.stderr
    )


def test_dry_run_previews_the_same_letter_as_the_real_run(run: Run) -> None:
    args = ("generate", "--country", "CA", "--city", "London", "--date", FIXED_DATE)
    dry = run(*args, "--dry-run")
    real = run(*args)
    assert dry.exit_code == real.exit_code == 0, dry.stderr + real.stderr
    assert "(ca-toronto, 1 page, US Letter)" in dry.stdout
    assert written_path(real).name == f"{FIXED_DATE}_ca-toronto.pdf"


# --- London, and names nothing decides --------------------------------------------------


def _profile(tmp_path: Path, country: str) -> Path:
    path = tmp_path / "nkletters.yaml"
    path.write_text(
        textwrap.dedent(
            f"""\
            organisation:
              name: Friends of Refugees
              country: {country}
            """
        ),
        encoding="utf-8",
    )
    return path


def test_london_without_a_profile_is_the_far_larger_london(run: Run) -> None:
    result = run("generate", "--city", "London", "--date", FIXED_DATE)
    assert result.exit_code == 0, result.stderr
    assert written_path(result).name == f"{FIXED_DATE}_gb-london.pdf"
    assert (
        "note: London: chose the Embassy in London, the largest London; "
        "for London (Ontario, CA), add --country CA"
    ) in result.stderr.splitlines()


@pytest.mark.parametrize(("country", "mission_id"), [("CA", "ca-toronto"), ("uk", "gb-london")])
def test_london_follows_the_profiles_country(
    run: Run, tmp_path: Path, country: str, mission_id: str
) -> None:
    _profile(tmp_path, country)
    result = run("generate", "--city", "London", "--date", FIXED_DATE)
    assert result.exit_code == 0, result.stderr
    assert written_path(result).name == f"{FIXED_DATE}_{mission_id}.pdf"
    code = "GB" if country == "uk" else country
    assert f"note: London: took London in {code}, your profile's country" in result.stderr


def test_london_in_a_batch_follows_the_profile_too(run: Run, tmp_path: Path) -> None:
    _profile(tmp_path, "CA")
    result = run("generate", "--city", "London", "--city", "Chicago", "--dry-run")
    assert result.exit_code == 0, result.stderr
    assert "(ca-toronto, " in result.stdout and "(us-chicago, " in result.stdout
    assert "note: London: took London in CA" in result.stderr


def test_portland_still_asks(run: Run, tmp_path: Path) -> None:
    _profile(tmp_path, "US")
    result = run("generate", "--city", "Portland")
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: 'Portland' is the name of several places: ")
    assert '"Portland, Oregon" or "Portland, Maine"' in result.stderr


def test_a_profile_country_that_is_no_country_is_reported(run: Run, tmp_path: Path) -> None:
    _profile(tmp_path, "EU")
    result = run("generate", "--city", "Chicago")
    assert result.exit_code == 1
    assert result.stderr.strip().endswith(
        "nkletters.yaml:3: organisation: country: 'EU' is not a two-letter country code — "
        "write the ISO 3166 code, e.g. GB, US, CA, KR"
    )


# --- the obvious spellings, and nothing else --------------------------------------------


@pytest.mark.parametrize(
    ("given", "expected"), [("EN", "Respectfully yours"), ("cn", "尊敬的"), ("Zh", "尊敬的")]
)
def test_language_in_any_case_and_cn_for_chinese(
    run: Run, tmp_path: Path, given: str, expected: str
) -> None:
    result = run("generate", "--mission", "us-chicago", "--lang", given, "--date", FIXED_DATE)
    assert result.exit_code == 0, result.stderr
    assert expected in pdf_text(tmp_path / written_path(result))


def test_uk_is_great_britain(run: Run) -> None:
    result = run("generate", "--country", "uk", "--dry-run", "--date", FIXED_DATE)
    assert result.exit_code == 0, result.stderr
    assert "(gb-london, " in result.stdout and "(gb-edinburgh, " in result.stdout


# --- YAML a newcomer writes --------------------------------------------------------------


@pytest.mark.parametrize("command", [("generate", "--city", "Chicago"), ("check",)])
def test_an_unquoted_colour_is_a_comment_and_says_so(
    run: Run, tmp_path: Path, command: tuple[str, ...]
) -> None:
    (tmp_path / "nkletters.yaml").write_text(
        "organisation:\n  name: Friends\nletterhead:\n  accent_colour: #c00000\n",
        encoding="utf-8",
    )
    result = run(*command)
    assert result.exit_code == 0, result.stderr
    warning = f"warning: {tmp_path / 'nkletters.yaml'}:4: accent_colour: #c00000 is read as "
    assert (
        warning + "a comment, so accent_colour is empty and its default is used — put the "
        'value in quotes: accent_colour: "#c00000"'
    ) in result.stderr.splitlines()


def test_a_real_comment_is_not_warned_about(run: Run, tmp_path: Path) -> None:
    (tmp_path / "nkletters.yaml").write_text(
        "organisation:   # who writes\n  name: Friends\n", encoding="utf-8"
    )
    result = run("generate", "--city", "Chicago")
    assert result.exit_code == 0 and "read as a comment" not in result.stderr


def test_a_tab_in_yaml_says_what_to_do(run: Run, tmp_path: Path) -> None:
    (tmp_path / "nkletters.yaml").write_text("organisation:\n\tname: Friends\n", encoding="utf-8")
    result = run("generate", "--city", "Chicago")
    assert result.exit_code == 1
    assert result.stderr == (
        f"Error: {tmp_path / 'nkletters.yaml'}:2:1: invalid YAML: a tab character — "
        "YAML indents with spaces only: replace the tab with spaces (your editor may have "
        "a 'convert tabs to spaces' setting)\n"
    )


# --- the signers file, file names, delivery.csv ------------------------------------------


def _parish_template(tmp_path: Path) -> Path:
    from nkrefugees_letters.text import templates

    _, text = templates.template_source("appeal", "en")
    path = tmp_path / "parish.en.md"
    path.write_text(
        text.rstrip() + "\n\n{% if signer %}From the parish of {{ signer.extra.parish }}, "
        "{{ signer.name }}.{% endif %}\n",
        encoding="utf-8",
    )
    return path


def test_an_xlsx_signers_file_with_an_extra_column(run: Run, tmp_path: Path) -> None:
    from openpyxl import Workbook

    book = Workbook()
    for row in (
        ["Name", "City", "Parish"],
        ["张伟", "Chicago", "St Mary"],
        ["김지혜", "Chicago", "St Anne"],
    ):
        book.active.append(row)
    book.save(tmp_path / "signers.xlsx")
    template = _parish_template(tmp_path)
    result = run(
        "generate", "--signers", "signers.xlsx", "--template", str(template),
        "--date", FIXED_DATE, "--jobs", "1", "-v",
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    assert "signers.xlsx: templates can use signer.extra.parish" in result.stderr
    out = tmp_path / "letters" / FIXED_DATE
    zhang = out / f"{FIXED_DATE}_us-chicago_zhang-wei.pdf"
    kim = out / f"{FIXED_DATE}_us-chicago_gimjihye.pdf"
    assert "From the parish of St Mary, 张伟." in pdf_text(zhang)
    assert "From the parish of St Anne, 김지혜." in pdf_text(kim)


def test_a_signers_file_excel_saved_as_plain_csv(run: Run, tmp_path: Path) -> None:
    (tmp_path / "signers.csv").write_bytes("name;city\nZoë Müller;Chicago\n".encode("cp1252"))
    result = run("generate", "--signers", "signers.csv", "--date", FIXED_DATE, "--jobs", "1")
    assert result.exit_code == 0, result.stderr
    assert (
        "note: signers.csv is not UTF-8, so it was read as Windows-1252 (Excel's 'CSV'); if a "
        "name prints wrongly, save it from your spreadsheet as 'CSV UTF-8' or as an Excel "
        "workbook (.xlsx)"
    ) in result.stderr.splitlines()
    pdf = tmp_path / "letters" / FIXED_DATE / f"{FIXED_DATE}_us-chicago_zoe-muller.pdf"
    assert "Zoë Müller" in pdf_text(pdf)


def test_delivery_csv_opens_cleanly_in_a_spreadsheet(run: Run, tmp_path: Path) -> None:
    import csv
    import json

    (tmp_path / "signers.csv").write_text(
        'name,city\n"=HYPERLINK(""http://x"")",Chicago\n@SUM(A1),Chicago\n-Ann,Chicago\n',
        encoding="utf-8",
    )
    result = run("generate", "--signers", "signers.csv", "--date", FIXED_DATE, "--jobs", "1")
    assert result.exit_code == 0, result.stderr
    out = tmp_path / "letters" / FIXED_DATE
    raw = (out / "delivery.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbfmission_id,")
    with (out / "delivery.csv").open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    cells = [cell for row in rows for cell in row.values()]
    assert not [c for c in cells if c.startswith(("=", "+", "-", "@"))]
    assert [row["signer"] for row in rows] == ['\'=HYPERLINK("http://x")', "'@SUM(A1)", "'-Ann"]
    assert rows[0]["phone"].startswith("'+1")
    records = json.loads((out / "delivery.json").read_text(encoding="utf-8"))
    assert [r["signer"] for r in records] == ['=HYPERLINK("http://x")', "@SUM(A1)", "-Ann"]
    assert records[0]["phone"].startswith("+1")


# --- the printed kit ---------------------------------------------------------------------


PT_PER_MM = 72 / 25.4


ORG_YAML = """\
organisation:
  name: Friends of North Korean Refugees
  address: ["12 Harbour Road", "Cape Town 8001"]
signatories:
  - name: Jane Doe
    title: Chair
"""


def _window_chars(path: Path) -> list[dict[str, object]]:
    import pdfplumber

    from nkrefugees_letters.pdf.layout import PAPERS

    window = PAPERS["letter"].window
    with pdfplumber.open(path) as pdf:
        return [
            c
            for c in pdf.pages[0].chars
            if 45 * PT_PER_MM < c["top"] < 86 * PT_PER_MM
            and c["x0"] < (window.left + window.width) * PT_PER_MM
        ]


@pytest.mark.parametrize(
    ("mission_id", "lang", "first_line"),
    [
        ("us-chicago", "en", "His Excellency Xi Jinping"),
        ("us-chicago", "zh", "中华人民共和国主席习近平阁下"),
        ("ca-vancouver", "en", "His Excellency Xi Jinping"),
        ("mx-mexico-city", "en", "Embassy of the People"),
    ],
)
@pytest.mark.parametrize("with_profile", [True, False], ids=["organisation", "personal"])
def test_us_letter_window_at_body_size_inside_the_resting_window(
    run: Run, tmp_path: Path, mission_id: str, lang: str, first_line: str, with_profile: bool
) -> None:
    from nkrefugees_letters.pdf import layout

    if with_profile:
        (tmp_path / "nkletters.yaml").write_text(ORG_YAML, encoding="utf-8")
    result = run("generate", "--mission", mission_id, "--lang", lang, "--date", FIXED_DATE)
    assert result.exit_code == 0, result.stderr
    chars = _window_chars(tmp_path / written_path(result))
    assert chars
    sizes = {round(float(c["size"]), 2) for c in chars}  # type: ignore[arg-type]
    address = {s for s in sizes if s > 7}
    assert address == {layout.BODY_SIZE}
    assert all(s >= 6 for s in sizes)
    # The return line, unless even the shortest address needs its room (Mexico City).
    assert (sizes - address) == ({6.5} if with_profile and mission_id[:2] != "mx" else set())
    top = min(float(c["top"]) for c in chars) / PT_PER_MM  # type: ignore[arg-type]
    bottom = max(float(c["bottom"]) for c in chars) / PT_PER_MM  # type: ignore[arg-type]
    # The #10 window over a sheet resting on its fold: 51.9-80.4 mm, 3 mm to spare.
    assert top >= 51.9 + 1.5 and bottom <= 80.4 - 1.5, (top, bottom)
    text = "".join(str(c["text"]) for c in chars)
    assert first_line.replace(" ", "") in text.replace(" ", "")


def test_avery_5160_labels_are_at_least_7_pt(run: Run, tmp_path: Path) -> None:
    import pdfplumber

    result = run(
        "generate", "--mission", "mx-mexico-city", "--mission", "us-chicago",
        "--lang", "es", "--date", FIXED_DATE, "--jobs", "1",
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    with pdfplumber.open(tmp_path / "letters" / FIXED_DATE / "labels.pdf") as pdf:
        page = pdf.pages[0]
        assert (round(page.width), round(page.height)) == (612, 792)
        sizes = {round(float(c["size"]), 2) for c in page.chars}
        text = page.extract_text()
    assert min(sizes) >= 7
    assert "01090 CIUDAD DE MÉXICO, CDMX" in text and "CHICAGO, IL 60654" in text


def test_envelopes_without_a_profile_have_lines_for_the_return_address(
    run: Run, tmp_path: Path
) -> None:
    import pdfplumber

    result = run("generate", "--mission", "gb-london", "--mission", "us-chicago", "--jobs", "1")
    assert result.exit_code == 0, result.stderr
    folder = next((tmp_path / "letters").iterdir())
    with pdfplumber.open(folder / "envelopes.pdf") as pdf:
        for page, mission_id in zip(pdf.pages, ("gb-london", "us-chicago"), strict=True):
            text = page.extract_text()
            assert text.startswith("FROM\nYour name\nStreet address\nCity, postal code\n")
            assert ".pdf" not in text and folder.name not in text  # no file name
            reference = [c for c in page.chars if c["top"] > page.height - 15 * PT_PER_MM]
            assert "".join(c["text"] for c in reference) == mission_id
            assert {round(float(c["size"]), 1) for c in reference} == {5.5}


@pytest.mark.parametrize("epoch", ["", "1790000000"])
def test_pdfs_are_dated_by_the_letter_and_envelopes_and_labels_say_what_they_are(
    run: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, epoch: str
) -> None:
    import pypdf

    if epoch:
        monkeypatch.setenv("SOURCE_DATE_EPOCH", epoch)
    else:
        monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    expected = "D:20260924000000+00'00'" if not epoch else "D:20260921"
    result = run(
        "generate", "--mission", "gb-london", "--mission", "us-chicago",
        "--date", FIXED_DATE, "--cover-note",
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    folder = tmp_path / "letters" / FIXED_DATE
    names = ("all-letters.pdf", "envelopes.pdf", "labels.pdf", "cover-notes.pdf")
    for name in (*names, f"{FIXED_DATE}_gb-london.pdf"):
        meta = pypdf.PdfReader(folder / name).metadata
        assert meta is not None
        assert str(meta["/CreationDate"]).startswith(expected), name
        assert meta.subject, name
    single = run("generate", "--mission", "gb-london", "--date", "2026-09-01", "--out", "one")
    assert single.exit_code == 0
    meta = pypdf.PdfReader(tmp_path / written_path(single)).metadata
    assert meta is not None
    assert str(meta["/CreationDate"]).startswith("D:20260901000000" if not epoch else "D:20260921")


def test_the_profiles_language_takes_the_same_spellings(run: Run, tmp_path: Path) -> None:
    (tmp_path / "nkletters.yaml").write_text(
        "organisation:\n  name: Friends\ndefaults:\n  language: CN\n", encoding="utf-8"
    )
    result = run("generate", "--mission", "us-chicago", "--date", FIXED_DATE)
    assert result.exit_code == 0, result.stderr
    assert "尊敬的" in pdf_text(tmp_path / written_path(result))


WriteYaml = Callable[[str, str], Path]


def files_under(folder: Path) -> set[Path]:
    return {p for p in folder.rglob("*") if p.is_file()}


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
