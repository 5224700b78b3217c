"""The command line as a new user meets it: selection, shared city names, spellings of
languages and countries, NO_COLOR, -q and -v, and shell completion."""

from __future__ import annotations

import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from nkrefugees_letters.cli import cli
from tests.conftest import FIXED_DATE, pdf_text, written_path

Run = Callable[..., Result]


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


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--country", "GB", "--mission", "us-chicago"), "--country GB with --mission us-chicago"),
        (("--city", "London", "--mission", "us-chicago"), "give --city or --mission, not both"),
    ],
)
def test_preview_ignores_no_selection_option_either(
    run: Run, args: tuple[str, ...], message: str
) -> None:
    result = run("preview", *args)
    assert result.exit_code == 2 and message in result.stderr


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


def test_uk_is_great_britain(run: Run) -> None:
    result = run("generate", "--country", "uk", "--dry-run", "--date", FIXED_DATE)
    assert result.exit_code == 0, result.stderr
    assert "(gb-london, " in result.stdout and "(gb-edinburgh, " in result.stdout


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


# --- init ---------------------------------------------------------------------------


def test_init_asks_again_until_each_answer_is_right(run: Run, tmp_path: Path) -> None:
    from tests.pdf.test_layout import make_png

    make_png(tmp_path / "logo.png")
    answers = [
        "Friends of Refugees",  # name
        "12 Harbour Road; Cape Town 8001",  # address
        "EU",  # country: no country
        "za",  # country
        "info@example",  # email: typo
        "info@example.org",  # email
        "+27 21 555 0100",  # phone
        "",  # website
        "fr",  # language: not written
        "ZH",  # language
        "logo.gif",  # logo: missing
        "logo.png",  # logo
        "Jane Doe",  # who signs
        "Chair",
        "Sam Lee",
        "Treasurer",
        "",  # done
    ]
    result = run("init", input="\n".join(answers) + "\n")
    assert result.exit_code == 0, result.stderr
    prompts = result.stdout
    assert (
        "Error: 'EU' is not a two-letter ISO 3166 country code; use e.g. US, GB (or UK)" in prompts
    )
    assert "Error: 'info@example' does not look like an email address" in prompts
    assert "Error: 'fr' is not a language nkletters writes in" in prompts
    assert "Error: image file " in prompts and "logo.gif' not found" in prompts
    from nkrefugees_letters import profile

    loaded = profile.load(tmp_path / "nkletters.yaml")
    assert loaded.organisation is not None
    assert loaded.organisation.country == "ZA"
    assert loaded.organisation.email == "info@example.org"
    assert loaded.organisation.logo == tmp_path / "logo.png"
    assert loaded.defaults.language == "zh"
    assert [(s.name, s.title) for s in loaded.signatories] == [
        ("Jane Doe", "Chair"),
        ("Sam Lee", "Treasurer"),
    ]


@pytest.mark.parametrize(
    ("option", "value", "message"),
    [
        ("--email", "info@@x", "'info@@x' does not look like an email address"),
        ("--country", "ZZ", "'ZZ' is not a two-letter ISO 3166 country code"),
        ("--lang", "xx", "'xx' is not a language nkletters writes in"),
        ("--logo", "missing.png", "missing.png' not found"),
    ],
)
def test_init_with_a_bad_option_writes_nothing(
    run: Run, tmp_path: Path, option: str, value: str, message: str
) -> None:
    result = run("init", "--name", "Friends", option, value)
    assert result.exit_code == 2
    assert f"Invalid value for '{option}': " in result.stderr and message in result.stderr
    assert list(tmp_path.iterdir()) == []
    # Nothing was left behind, so the corrected command just works.
    assert run("init", "--name", "Friends").exit_code == 0


def test_init_takes_several_signers(run: Run, tmp_path: Path) -> None:
    result = run(
        "init", "--name", "Friends", "--country", "uk",
        "--signer", "Jane Doe", "--title", "Chair", "--signer", "Sam Lee",
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    from nkrefugees_letters import profile

    loaded = profile.load(tmp_path / "nkletters.yaml")
    assert [(s.name, s.title) for s in loaded.signatories] == [
        ("Jane Doe", "Chair"),
        ("Sam Lee", ""),
    ]
    assert loaded.country == "GB"
    london = run("generate", "--city", "London", "--date", FIXED_DATE)
    assert written_path(london).name == f"{FIXED_DATE}_gb-london.pdf"
    assert "Jane Doe" in pdf_text(tmp_path / written_path(london))


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


# --- schema and docs ---------------------------------------------------------------------

ROOT = Path(__file__).resolve().parents[2]


def test_schema_command_prints_the_file_in_docs(run: Run) -> None:
    result = run("schema")
    assert result.exit_code == 0
    assert result.stdout == (ROOT / "docs" / "nkletters.schema.json").read_text(encoding="utf-8")


def _readme_profile() -> str:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    return readme.split("```yaml\n", 1)[1].split("```", 1)[0]


def test_schema_accepts_the_readme_profile_and_the_starter() -> None:
    import json

    import jsonschema

    from nkrefugees_letters import yamlio
    from nkrefugees_letters.starter import StarterValues, starter_text

    schema = json.loads((ROOT / "docs" / "nkletters.schema.json").read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    starter = starter_text(
        StarterValues(
            name="Friends", country="GB", signatories=(("Jane Doe", "Chair"),), logo="logo.png"
        )
    )
    for text in (_readme_profile(), starter):
        jsonschema.validate(yamlio.load_text(text, "x.yaml"), schema)


@pytest.mark.parametrize(
    "text",
    [
        "organisation:\n  nmae: Friends\n",
        "letterhead:\n  accent_colour: red\n",
        "defaults:\n  language: fr\n",
        "defaults:\n  paper: a5\n",
    ],
)
def test_schema_rejects_what_the_loader_rejects(text: str, tmp_path: Path) -> None:
    import json

    import jsonschema

    from nkrefugees_letters import profile, yamlio
    from nkrefugees_letters.errors import LettersError

    schema = json.loads((ROOT / "docs" / "nkletters.schema.json").read_text(encoding="utf-8"))
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(yamlio.load_text(text, "x.yaml"), schema)
    if "language" not in text:  # the loader leaves the language to the letter
        path = tmp_path / "nkletters.yaml"
        path.write_text(text, encoding="utf-8")
        with pytest.raises(LettersError):
            profile.load(path)


def test_every_field_of_the_schema_loads(tmp_path: Path) -> None:
    from nkrefugees_letters import profile, schema

    properties = schema.profile_schema()["properties"]
    sections = {k: v for k, v in properties.items() if v.get("type") == "object"}
    for section, body in sections.items():
        for key in body["properties"]:
            path = tmp_path / "nkletters.yaml"
            name = "" if section == "organisation" and key == "name" else "  name: X\n"
            prefix = "organisation:\n  name: X\n" if section != "organisation" else ""
            value = {"accent_colour": '"#123456"', "placement": "left", "paper": "a4"}
            value |= {"language": "en", "country": "GB", "email": "a@b.org"}
            path.write_text(
                f"{prefix}{section}:\n{name if section == 'organisation' else ''}"
                f"  {key}: {value.get(key, 'x')}\n",
                encoding="utf-8",
            )
            if key == "logo":
                continue  # an image file; its checks have their own tests
            profile.load(path)  # no "unknown field"


@pytest.mark.parametrize("name", ["templates", "completion"])
def test_docs_command_prints_the_documents_messages_name(run: Run, name: str) -> None:
    result = run("docs", name)
    assert result.exit_code == 0
    assert result.stdout == (ROOT / "docs" / f"{name}.md").read_text(encoding="utf-8")


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
