"""Batches: choosing letters, the print file, envelopes, labels, the delivery checklist,
letters per signer, failures, interruption."""

from __future__ import annotations

import csv
import json
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pypdf
import pytest
from click.testing import Result

from nkrefugees_letters import batch, letters, missions, signers
from nkrefugees_letters.batch import planning
from nkrefugees_letters.pdf import fonts, layout
from nkrefugees_letters.profile import Profile
from tests.conftest import FIXED_DATE, pdf_pages, pdf_text

Run = Callable[..., Result]
WriteYaml = Callable[[str, str], Path]

# Three missions of a country the built-in directory does not list, so that these tests
# do not change when it grows: one verified, one unverified, one closed.
ICELAND = """
schema_version: '1'
missions:
- id: is-reykjavik
  kind: embassy
  name: Embassy of the People's Republic of China in Iceland
  address: {lines: [Bríetartún 1], locality: Reykjavík, postal_code: '105', country: IS}
  phone: +354 527 6688
  website: https://is.china-embassy.gov.cn/
  source: https://is.china-embassy.gov.cn/
  source_date: '2026-01-01'
- id: is-akureyri
  kind: consulate-general
  name: Consulate-General of the People's Republic of China in Akureyri
  address: {lines: [Hafnarstræti 2], locality: Akureyri, postal_code: '600', country: IS}
  verified: 'false'
- id: is-husavik
  kind: consulate
  name: Consulate of the People's Republic of China in Húsavík
  address: {lines: [Garðarsbraut 5], locality: Húsavík, postal_code: '640', country: IS}
  status: closed
  closed_on: '2019-05'
  successor: is-akureyri
  verified: 'false'
"""


def compose_job(job: batch.Job, profile: Profile, options: letters.LetterOptions) -> layout.Letter:
    """The letter a batch writes for ``job`` (letters.compose with its signers)."""
    return letters.compose(job.mission, profile, options, signers=job.signers)


@pytest.fixture
def iceland(write_yaml: WriteYaml) -> Path:
    return write_yaml("iceland.yaml", ICELAND)


def folder(tmp_path: Path) -> Path:
    return tmp_path / "letters" / FIXED_DATE


def delivery(path: Path) -> list[dict[str, str]]:
    with (path / batch.DELIVERY_CSV).open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def first_pages(path: Path) -> list[str]:
    """The text at the top of every page of a print file ('' for a blank page)."""
    reader = pypdf.PdfReader(str(path))
    return [" ".join((page.extract_text() or "").split()) for page in reader.pages]


# --- choosing letters -----------------------------------------------------------------


def test_country_batch_writes_letters_print_file_envelopes_labels_and_checklist(
    run: Run, tmp_path: Path, iceland: Path
) -> None:
    result = run("generate", "--country", "IS", "--data", str(iceland), "--date", FIXED_DATE)
    assert result.exit_code == 0, result.stderr
    out = folder(tmp_path)
    names = [f"{FIXED_DATE}_is-reykjavik.pdf", f"{FIXED_DATE}_is-akureyri.pdf"]
    assert result.stdout.splitlines() == [
        f"wrote letters/{FIXED_DATE}/{names[0]} (is-reykjavik, 1 page, A4)",
        f"wrote letters/{FIXED_DATE}/{names[1]} (is-akureyri, 1 page, A4)",
        f"wrote letters/{FIXED_DATE}/all-letters.pdf (2 pages)",
        f"wrote letters/{FIXED_DATE}/envelopes.pdf",
        f"wrote letters/{FIXED_DATE}/labels.pdf",
        f"wrote letters/{FIXED_DATE}/delivery.csv",
        f"wrote letters/{FIXED_DATE}/delivery.json",
    ]
    assert sorted(p.name for p in out.iterdir()) == sorted(
        [*names, "all-letters.pdf", "envelopes.pdf", "labels.pdf", "delivery.csv", "delivery.json"]
    )
    assert result.stderr.splitlines() == [
        "note: skipped: the Consulate of the People's Republic of China in Húsavík closed in "
        "May 2019 — its district is now served by the Consulate-General of the People's "
        "Republic of China in Akureyri: use --mission is-akureyri (or --city 'Akureyri')",
        "warning: 1 of the 2 addresses in this batch are not confirmed by an official page "
        "(is-akureyri); check them before delivery (delivery.csv marks them)",
        "2 written, 0 failed",
    ]
    assert pdf_pages(out / "envelopes.pdf") == 2
    assert pdf_pages(out / "labels.pdf") == 1


def test_delivery_checklist_rows_match_the_letters(run: Run, tmp_path: Path, iceland: Path) -> None:
    run("generate", "--country", "IS", "--data", str(iceland), "--date", FIXED_DATE)
    out = folder(tmp_path)
    rows = delivery(out)
    assert rows[0] == {
        "mission_id": "is-reykjavik",
        "mission": "Embassy of the People's Republic of China in Iceland",
        "address": "Bríetartún 1, 105 REYKJAVÍK",
        "phone": "'+354 527 6688",  # not a formula to a spreadsheet (the JSON keeps '+')
        "website": "https://is.china-embassy.gov.cn/",
        "confidence": "official",
        "source": "https://is.china-embassy.gov.cn/",
        "consular_office": "",
        "file": f"{FIXED_DATE}_is-reykjavik.pdf",
        "pages": "1",
        "signer": "",
        "delivered_on": "",
        "received_by": "",
        "notes": "",
    }
    assert rows[1]["confidence"] == "single"
    records = json.loads((out / batch.DELIVERY_JSON).read_text(encoding="utf-8"))
    assert [r["mission_id"] for r in records] == ["is-reykjavik", "is-akureyri"]
    assert records[0]["pages"] == 1
    assert records[0]["address_lines"] == ["Bríetartún 1", "105 REYKJAVÍK"]


def test_all_duplex_every_open_mission_one_print_file(run: Run, tmp_path: Path) -> None:
    result = run("generate", "--all", "--duplex", "--date", FIXED_DATE, "--jobs", "2")
    assert result.exit_code == 0, result.stderr
    out = folder(tmp_path)
    open_ids = [m.id for m in missions.load() if m.is_open]
    rows = delivery(out)
    assert [row["mission_id"] for row in rows] == open_ids
    letter_files = sorted(p.name for p in out.glob(f"{FIXED_DATE}_*.pdf"))
    assert letter_files == sorted(row["file"] for row in rows)
    for name in ("all-letters.pdf", "envelopes.pdf", "labels.pdf", "delivery.csv"):
        assert (out / name).is_file()
    # The workers' folders for files being written are gone, and nothing else was left.
    assert not [p.name for p in out.iterdir() if p.name.startswith(".")]
    # The print file: every letter's pages, and a blank back after each odd one.
    pages = [pdf_pages(out / row["file"]) for row in rows]
    assert [int(row["pages"]) for row in rows] == pages
    blanks = sum(p % 2 for p in pages)
    assert pdf_pages(out / "all-letters.pdf") == sum(pages) + blanks
    assert f"({sum(pages) + blanks} pages, {blanks} blank backs)" in result.stdout
    # Every address in the checklist is printed in the letter it names.
    for row in rows:
        text = fonts.typographic(pdf_text(out / row["file"]))
        for part in row["address"].split(", "):
            assert fonts.typographic(" ".join(part.split())) in text, (row["file"], part)
    assert "us-houston" not in {row["mission_id"] for row in rows}
    assert "note: skipped: the Consulate-General of the People's Republic of China in Houston" in (
        result.stderr
    )


def test_duplex_starts_every_letter_on_a_fresh_sheet(
    run: Run, tmp_path: Path, iceland: Path
) -> None:
    result = run(
        "generate", "--country", "IS", "--data", str(iceland), "--date", FIXED_DATE, "--duplex"
    )
    assert result.exit_code == 0, result.stderr
    pages = first_pages(folder(tmp_path) / "all-letters.pdf")
    assert len(pages) == 4
    assert "Bríetartún 1" in pages[0] and pages[1] == ""
    assert "Hafnarstræti 2" in pages[2] and pages[3] == ""


def test_several_cities_and_missions_in_given_order(
    run: Run, tmp_path: Path, iceland: Path
) -> None:
    result = run(
        "generate", "--data", str(iceland), "--city", "Akureyri", "--mission", "is-reykjavik",
        "--city", "akureyri", "--date", FIXED_DATE,
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    assert [r["mission_id"] for r in delivery(folder(tmp_path))] == ["is-reykjavik", "is-akureyri"]


def test_single_city_with_country_keeps_the_one_letter_behaviour(run: Run, tmp_path: Path) -> None:
    result = run("generate", "--city", "Chicago", "--country", "US", "--date", FIXED_DATE)
    assert result.exit_code == 0, result.stderr
    assert result.stdout == f"wrote letters/{FIXED_DATE}_us-chicago.pdf (1 page, US Letter)\n"
    assert not folder(tmp_path).exists()


def test_unknown_city_in_a_batch_writes_nothing(run: Run, tmp_path: Path) -> None:
    result = run("generate", "--city", "Chicago", "--city", "Atlantisxyz", "--date", FIXED_DATE)
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: no mission found for city 'Atlantisxyz'")
    assert not (tmp_path / "letters").exists()


def test_dry_run_lists_letters_and_writes_nothing(run: Run, tmp_path: Path, iceland: Path) -> None:
    result = run(
        "generate", "--country", "IS", "--data", str(iceland), "--date", FIXED_DATE, "--dry-run"
    )
    assert result.exit_code == 0, result.stderr
    where = f"letters/{FIXED_DATE}/{FIXED_DATE}"
    assert result.stdout.splitlines() == [
        f"would write {where}_is-reykjavik.pdf (is-reykjavik, 1 page, A4)",
        f"would write {where}_is-akureyri.pdf (is-akureyri, 1 page, A4)",
    ]
    assert result.stderr.splitlines()[-1] == "2 would be written, 0 failed"
    assert not (tmp_path / "letters").exists()


def test_cosign_needs_signers(run: Run) -> None:
    result = run("generate", "--all", "--cosign")
    assert result.exit_code == 2
    assert "--cosign needs --signers FILE.csv" in result.stderr


# --- failures -------------------------------------------------------------------------


def test_one_failed_letter_does_not_stop_the_batch(
    run: Run, tmp_path: Path, write_yaml: WriteYaml
) -> None:
    broken = ICELAND.replace(
        "name: Consulate-General of the People's Republic of China in Akureyri",
        "name: Consulate-General in Akureyri \U0001f600",
    )
    data = write_yaml("broken.yaml", broken)
    result = run("generate", "--country", "IS", "--data", str(data), "--date", FIXED_DATE)
    assert result.exit_code == 1
    message = (
        "is-akureyri: recipient line 3 contains '\U0001f600' (U+1F600 GRINNING FACE), which "
        "no bundled font can print — remove or replace that character"
    )
    assert f"error: {message}" in result.stderr
    assert result.stderr.splitlines()[-1] == f"1 written, 1 failed: {message}"
    out = folder(tmp_path)
    assert [r["mission_id"] for r in delivery(out)] == ["is-reykjavik"]
    assert pdf_pages(out / "all-letters.pdf") == 1
    assert not (out / f"{FIXED_DATE}_is-akureyri.pdf").exists()


def test_print_file_not_ours_is_refused_before_any_letter(
    run: Run, tmp_path: Path, iceland: Path
) -> None:
    out = folder(tmp_path)
    out.mkdir(parents=True)
    (out / "all-letters.pdf").write_bytes(b"%PDF-1.4 someone else's file")
    result = run("generate", "--country", "IS", "--data", str(iceland), "--date", FIXED_DATE)
    assert result.exit_code == 1
    assert "all-letters.pdf' exists and was not written by nkletters" in result.stderr
    assert sorted(p.name for p in out.iterdir()) == ["all-letters.pdf"]


def test_a_second_run_replaces_its_own_files(run: Run, tmp_path: Path, iceland: Path) -> None:
    args = ("generate", "--country", "IS", "--data", str(iceland), "--date", FIXED_DATE)
    assert run(*args).exit_code == 0
    result = run(*args)
    assert result.exit_code == 0, result.stderr


@pytest.mark.parametrize("jobs", [1, 2])
def test_interruption_leaves_no_partial_file(tmp_path: Path, iceland: Path, jobs: int) -> None:
    directory = missions.load([iceland])
    options = batch.BatchOptions(
        letter=letters.LetterOptions(when=date(2026, 9, 24), out_dir=tmp_path / "out"), jobs=jobs
    )
    plan = batch.plan(directory, Profile(), batch.Selection(countries=("IS",)), options)

    def stop(_job: batch.Job, _outcome: batch.Outcome) -> None:
        raise KeyboardInterrupt

    report = batch.run(plan, Profile(), options, stop)
    assert report.interrupted
    assert report.written == 1
    left = sorted(p.name for p in (tmp_path / "out").iterdir())
    # Whole letters may stay; no print file, no checklist, no temporary file or folder.
    assert all(name.endswith(".pdf") and name.startswith("2026") for name in left), left


# --- the print file -------------------------------------------------------------------


# --- a letter per signer --------------------------------------------------------------


def signers_file(tmp_path: Path, rows: list[list[str]], separator: str = ",") -> Path:
    path = tmp_path / "signers.csv"
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle, delimiter=separator)
        writer.writerow(["name", "title", "city", "country", "personal_note"])
        writer.writerows(rows)
    return path


def test_500_signers_with_3_bad_rows_write_497_letters(run: Run, tmp_path: Path) -> None:
    cities = ["Chicago", "New York", "Seoul", "Berlin"]
    rows = [[f"Person {n}", "Volunteer", cities[n % 4], "", ""] for n in range(500)]
    rows[9][0] = ""  # row 11: no name
    rows[199][2] = "Atlantisxyzzy"  # row 201: unknown city
    rows[449][0] = " "  # row 451: a blank name
    path = signers_file(tmp_path, rows)
    result = run("generate", "--signers", str(path), "--date", FIXED_DATE, "--jobs", "2")
    assert result.exit_code == 1
    out = folder(tmp_path)
    assert len(list(out.glob(f"{FIXED_DATE}_*.pdf"))) == 497
    assert len(delivery(out)) == 497
    errors = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert errors[0] == "error: signers.csv row 11: no name"
    assert errors[1].startswith(
        "error: signers.csv row 201: no mission found for city 'Atlantisxyzzy'"
    )
    assert errors[2] == "error: signers.csv row 451: no name"
    assert len(errors) == 3
    assert result.stderr.splitlines()[-1].startswith(
        "497 written, 3 failed: row 11: no name; row 201: "
    )


def test_personal_letter_carries_the_signers_note_and_name(run: Run, tmp_path: Path) -> None:
    note = "My aunt was sent back in 2019 & <never> seen *again*."
    path = signers_file(
        tmp_path,
        [["Jane Doe", "Teacher", "Chicago", "US", note], ["Jane Doe", "", "Chicago", "", ""]],
        separator=";",
    )
    result = run("generate", "--signers", str(path), "--date", FIXED_DATE)
    assert result.exit_code == 0, result.stderr
    out = folder(tmp_path)
    first, second = (
        out / f"{FIXED_DATE}_us-chicago_jane-doe.pdf",
        out / f"{FIXED_DATE}_us-chicago_jane-doe-2.pdf",
    )
    text = pdf_text(first)
    assert f"Personal note from Jane Doe: {note}" in text
    assert "Teacher" in text
    assert "Personal note" not in pdf_text(second)
    assert [r["signer"] for r in delivery(out)] == ["Jane Doe", "Jane Doe"]


def test_signers_without_city_go_to_the_one_chosen_mission(run: Run, tmp_path: Path) -> None:
    path = signers_file(tmp_path, [["Ann", "", "", "", ""], ["Bo", "", "", "", ""]])
    result = run("generate", "--signers", str(path), "--city", "Chicago", "--date", FIXED_DATE)
    assert result.exit_code == 0, result.stderr
    assert [r["mission_id"] for r in delivery(folder(tmp_path))] == ["us-chicago", "us-chicago"]


def test_cosign_one_letter_per_mission_with_a_line_for_each(run: Run, tmp_path: Path) -> None:
    rows = [[f"Signer {n}", "", "Chicago" if n % 2 else "Seoul", "", ""] for n in range(6)]
    path = signers_file(tmp_path, rows)
    result = run("generate", "--signers", str(path), "--cosign", "--date", FIXED_DATE)
    assert result.exit_code == 0, result.stderr
    rows_out = delivery(folder(tmp_path))
    assert [r["mission_id"] for r in rows_out] == ["kr-seoul", "us-chicago"]
    assert rows_out[1]["signer"] == "Signer 1; Signer 3; Signer 5"
    text = pdf_text(folder(tmp_path) / rows_out[1]["file"])
    for name in ("Signer 1", "Signer 3", "Signer 5"):
        assert name in text
    # Several people co-signing write as "we", even without an organisation profile.
    assert "We ask you to fulfil them" in text and "We therefore respectfully ask" in text
    assert "I write" not in text


def test_cover_notes_one_per_mission_with_receipt_slip(
    run: Run, tmp_path: Path, iceland: Path
) -> None:
    result = run(
        "generate", "--country", "IS", "--data", str(iceland), "--date", FIXED_DATE, "--cover-note"
    )
    assert result.exit_code == 0, result.stderr
    notes = folder(tmp_path) / batch.COVER_NOTES_FILE
    assert f"wrote letters/{FIXED_DATE}/cover-notes.pdf" in result.stdout
    pages = first_pages(notes)
    assert len(pages) == 2
    assert "Enclosed: a letter for His Excellency Xi Jinping" in pages[0]
    assert (
        "Receipt. The Embassy of the People’s Republic of China in Iceland has received a letter"
        in pages[0]
    )
    assert "Signature or stamp" in pages[0]
    assert "Hafnarstræti 2" in pages[1]


def test_envelope_option(run: Run, tmp_path: Path, iceland: Path) -> None:
    result = run(
        "generate", "--country", "IS", "--data", str(iceland), "--date", FIXED_DATE,
        "--envelope", "c4",
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    box = pypdf.PdfReader(str(folder(tmp_path) / "envelopes.pdf")).pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (918, 649)


def test_summary_lists_a_few_failures_then_counts() -> None:
    failures = tuple(batch.Failure(f"row {n}", "no name") for n in range(2, 10))
    report = batch.BatchReport(312, failures)
    assert batch.summary(report) == (
        "312 written, 8 failed: row 2: no name; row 3: no name; row 4: no name; "
        "row 5: no name; row 6: no name; and 3 more"
    )


# --- laid out once: the letter's own pages go into the print file --------------------


def test_a_character_outside_the_plan_is_laid_out_again_for_the_print_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    directory = missions.load()
    when = letters.LetterOptions(when=date(2026, 9, 24), out_dir=tmp_path / "out")
    job = batch.Job(0, directory.get("gb-london"), "x.pdf", (signers.Signer(2, "Zoë", "Ms"),))
    nothing = fonts.EncodingPlan()  # a plan that knows nothing: "ë" and "’" are outside it
    assert layout.render_pdf(compose_job(job, Profile(), when), nothing).page_records is None
    monkeypatch.setattr(planning, "encoding", lambda *_: nothing)
    people = tmp_path / "people.csv"
    people.write_text(
        "name,city,country\nZoë Ångström,London,GB\nŁukasz Żółć,Manchester,GB\n", encoding="utf-8"
    )
    options = batch.BatchOptions(when, jobs=1)
    plan = batch.plan(directory, Profile(), batch.Selection(), options, signers.read(people))
    report = batch.run(plan, Profile(), options)
    assert report.written == 2 and not report.failures
    reader = pypdf.PdfReader(tmp_path / "out" / "all-letters.pdf")
    text = " ".join(page.extract_text() for page in reader.pages)
    assert "Zoë Ångström" in text and "Łukasz Żółć" in text


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_a_logo_reaches_every_page_of_the_print_file(
    run: Run, tmp_path: Path, write_yaml: Callable[[str, str], Path], jobs: str
) -> None:
    from tests.pdf.test_layout import make_png

    make_png(tmp_path / "logo.png")
    profile = write_yaml(
        "nkletters.yaml",
        """
        organisation:
          name: Friends of Refugees
          logo: logo.png
        """,
    )
    result = run(
        "generate", "--country", "GB", "--profile", str(profile), "--date", FIXED_DATE,
        "--jobs", jobs, "--quiet",
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    reader = pypdf.PdfReader(folder(tmp_path) / "all-letters.pdf")
    assert len(reader.pages) == 4
    for page in reader.pages:
        images = [
            xobject.get_object()
            for xobject in page["/Resources"]["/XObject"].values()
            if xobject.get_object()["/Subtype"] == "/Image"
        ]
        assert [(image["/Width"], image["/Height"]) for image in images] == [(120, 60)]
    # One image object, shared by every page, not one per letter.
    assert (
        len(
            {
                page["/Resources"]["/XObject"].raw_get(name).idnum
                for page in reader.pages
                for name in page["/Resources"]["/XObject"]
            }
        )
        == 1
    )
