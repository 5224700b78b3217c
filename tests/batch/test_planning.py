"""Planning a batch (nkrefugees_letters/batch/planning.py): which letters — cities and missions
in order, signers routed to their missions, a dry run — file names and the encoding plan."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

from click.testing import Result

from nkrefugees_letters import batch, letters, missions, signers
from nkrefugees_letters.batch import planning
from nkrefugees_letters.profile import Profile
from tests.batch.helpers import ICELAND, assert_pdfs_open, delivery, folder, signers_file
from tests.conftest import FIXED_DATE, pdf_text

Run = Callable[..., Result]
WriteYaml = Callable[[str, str], Path]
WHEN = date(2026, 9, 24)


def test_long_names_alike_in_their_first_words_get_different_files(tmp_path: Path) -> None:
    # The number once went inside the shortened part, and the loop never ended.
    directory = missions.load()
    names = planning.FileNames(WHEN)
    london = directory.get("gb-london")
    taken = [names.take(london, "A" * 50 + tail) for tail in "xyz"]
    assert len(set(taken)) == 3
    assert taken[1] == taken[0].replace(".pdf", "-2.pdf")


def test_the_encoding_plan_holds_every_signer_and_mission_character() -> None:
    directory = missions.load()
    options = letters.LetterOptions(when=WHEN)
    jobs = [
        batch.Job(0, directory.get("us-chicago"), "a.pdf", (signers.Signer(2, "Zoë", "Ms"),)),
        batch.Job(1, directory.get("kr-seoul"), "b.pdf", (signers.Signer(3, "김민준", ""),)),
    ]
    plan = planning.encoding(jobs, Profile(), options)
    assert "ë" in plan.for_font("NotoSerif") and "ë" in plan.for_font("NotoSerif-Bold")
    assert set("김민준") <= set(plan.for_font("NanumMyeongjo"))
    # The same batch, the same plan: every worker and the print file agree.
    assert planning.encoding(jobs, Profile(), options) == plan


def test_several_cities_and_missions_in_given_order(
    run: Run, tmp_path: Path, iceland: Path
) -> None:
    result = run(
        "generate", "--data", str(iceland), "--city", "Akureyri", "--mission", "is-reykjavik",
        "--city", "akureyri", "--date", FIXED_DATE,
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    assert [r["mission_id"] for r in delivery(folder(tmp_path))] == ["is-reykjavik", "is-akureyri"]


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


def test_a_mission_id_of_300_characters_gets_a_bounded_file_name(
    run: Run, tmp_path: Path, write_yaml: WriteYaml
) -> None:
    long_id = "is-" + "a" * 300
    data = ICELAND.replace("id: is-akureyri", f"id: {long_id}").replace(
        "successor: is-akureyri", f"successor: {long_id}"
    )
    data += (
        data.split("missions:\n", 1)[1]
        .replace(long_id, long_id + "b")
        .replace("is-reykjavik", "is-reykjavikb")
        .replace("is-husavik", "is-husavikb")
    )
    path = write_yaml("long.yaml", data)
    result = run("generate", "--country", "IS", "--data", str(path), "--date", FIXED_DATE)
    assert result.exit_code == 0, result.stderr
    out = tmp_path / "letters" / FIXED_DATE
    names = sorted(p.name for p in out.glob(f"{FIXED_DATE}_is-a*.pdf"))
    stem = f"{FIXED_DATE}_is-{'a' * 57}"
    assert names == [f"{stem}.pdf", f"{stem}_letter-2.pdf"]
    assert all(len(name) < 120 for name in names)
    assert assert_pdfs_open(out) == 4 + 3
