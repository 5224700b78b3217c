"""The batch-wide files (nkrefugees_letters/batch/files.py): the print file, envelopes, labels,
the delivery checklist and cover notes, and a letter laid out again for the print file."""

from __future__ import annotations

import csv
import json
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pypdf
import pytest
from click.testing import Result

from nkrefugees_letters import batch, letters, missions, sheet, signers
from nkrefugees_letters.batch import planning
from nkrefugees_letters.pdf import fonts, layout
from nkrefugees_letters.profile import Profile
from tests.batch.helpers import (
    compose_job,
    delivery,
    first_pages,
    folder,
    signers_file,
)
from tests.conftest import FIXED_DATE, pdf_pages, pdf_text

Run = Callable[..., Result]
WriteYaml = Callable[[str, str], Path]


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


def test_delivery_csv_is_neutralised_and_json_exact(run: Run, tmp_path: Path) -> None:
    hostile = ['=HYPERLINK("http://x","y")', "+1+1", "@SUM(1,1)"]
    path = signers_file(tmp_path, [[name, "", "", "", ""] for name in hostile])
    result = run("generate", "--signers", str(path), "--mission", "gb-london", "--date", FIXED_DATE)
    assert result.exit_code == 0, result.stderr
    out = tmp_path / "letters" / FIXED_DATE
    assert [row["signer"] for row in delivery(out)] == ["'" + name for name in hostile]
    records = json.loads((out / batch.DELIVERY_JSON).read_text(encoding="utf-8"))
    assert [record["signer"] for record in records] == hostile
    raw = (out / batch.DELIVERY_CSV).read_bytes()
    assert b"\x00" not in raw
    with (out / batch.DELIVERY_CSV).open(encoding="utf-8", newline="") as handle:
        for row in csv.reader(handle):
            assert not any(c.startswith(sheet.FORMULA_STARTS) for c in row), row
