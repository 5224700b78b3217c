"""Running a batch (nkrefugees_letters/batch/running.py): the run and its report, a failed
letter, interruptions (Ctrl-C, reportlab's masked interrupt, SIGTERM / SIGINT / SIGHUP),
a full or read-only disk, and two runs sharing one folder.

Each letter's failure is that letter's; whatever happens, no ``.part`` file and no
worker folder is left, nothing prints a traceback, every PDF written opens, and a run
removes only what it created.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path

import pytest
from click.testing import Result

from nkrefugees_letters import batch, letters, missions
from nkrefugees_letters.batch import workers
from nkrefugees_letters.errors import LettersError
from nkrefugees_letters.pdf.printfile import PrintFile
from nkrefugees_letters.profile import Profile
from tests.batch.helpers import (
    ICELAND,
    assert_pdfs_open,
    delivery,
    finish,
    folder,
    iceland_plan,
    leftovers,
    letters_in,
    needs_fork,
    nkletters,
)
from tests.conftest import FIXED_DATE, pdf_pages

Run = Callable[..., Result]
WriteYaml = Callable[[str, str], Path]


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
    left = sorted(p.name for p in (tmp_path / "out").iterdir())
    # Whole letters may stay; no print file, no checklist, no temporary file or folder.
    assert all(name.endswith(".pdf") and name.startswith("2026") for name in left), left
    # The first letter, and any a worker had finished but not reported: each one counted.
    assert report.written == len(left) >= 1


@needs_fork
def test_a_worker_killed_mid_batch_is_one_clear_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # As the system's out-of-memory killer would: the first letter's worker dies.
    plan, options = iceland_plan(tmp_path, 2)
    main, real = os.getpid(), workers.write_letter

    def killed(state: workers.WorkerState, index: int, scratch: Path | None = None) -> object:
        if os.getpid() != main and index == 0:
            os.kill(os.getpid(), signal.SIGKILL)
        return real(state, index, scratch)

    def waited(_signum: int, _frame: object) -> None:
        raise TimeoutError("the batch is still waiting for its dead worker")

    monkeypatch.setattr(workers, "write_letter", killed)
    previous = signal.signal(signal.SIGALRM, waited)
    signal.alarm(60)
    try:
        with pytest.raises(LettersError) as caught:
            batch.run(plan, Profile(), options)
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)
    assert str(caught.value).startswith(workers.WORKER_LOST)
    out = tmp_path / "out"
    assert leftovers(out) == []
    # No print file, envelopes, labels or checklist: only whole letters may stay.
    assert all(p.name.startswith("2026") and p.suffix == ".pdf" for p in out.iterdir())
    assert multiprocessing.active_children() == []


def test_summary_lists_a_few_failures_then_counts() -> None:
    failures = tuple(batch.Failure(f"row {n}", "no name") for n in range(2, 10))
    report = batch.BatchReport(312, failures)
    assert batch.summary(report) == (
        "312 written, 8 failed: row 2: no name; row 3: no name; row 4: no name; "
        "row 5: no name; row 6: no name; and 3 more"
    )


@pytest.mark.parametrize("jobs", [1, 2])
def test_an_interrupted_run_removes_only_what_it_made(tmp_path: Path, jobs: int) -> None:
    plan, options = iceland_plan(tmp_path, jobs)
    out = tmp_path / "out"
    out.mkdir()
    # Another run, still going, in the same folder: its folder and its temporary file.
    other = out / f"{batch.SCRATCH_PREFIX}{os.getpid()}-0badc0de-4242"
    other.mkdir()
    (other / ".x.pdf.abcd.part").write_bytes(b"half")
    theirs = out / ".2026-09-24_is-akureyri.pdf.wxyz.part"
    theirs.write_bytes(b"half")

    def stop(_job: batch.Job, _outcome: batch.Outcome) -> None:
        raise KeyboardInterrupt

    report = batch.run(plan, Profile(), options, stop)
    assert report.interrupted
    assert leftovers(out) == sorted([other.name, f"{other.name}/.x.pdf.abcd.part", theirs.name])


def test_the_masked_interrupt_stops_a_batch_cleanly(
    tmp_path: Path, interrupt_in_reportlab: Callable[[], None]
) -> None:
    plan, options = iceland_plan(tmp_path, 1)

    def arm(_job: batch.Job, _outcome: batch.Outcome) -> None:
        interrupt_in_reportlab()

    report = batch.run(plan, Profile(), options, arm)
    assert report.interrupted
    assert leftovers(tmp_path / "out") == []
    assert assert_pdfs_open(tmp_path / "out") == report.written


def test_a_masked_interrupt_in_the_print_file_stops_a_batch_cleanly(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def masked(*_args: object, **_kwargs: object) -> int:
        try:
            raise KeyboardInterrupt
        except:  # noqa: E722 - as reportlab does
            raise KeyError("forward reference to 'R1' not resolved upon final formatting")  # noqa: B904

    monkeypatch.setattr(PrintFile, "add_pages", masked)
    plan, options = iceland_plan(tmp_path, 1)
    report = batch.run(plan, Profile(), options)
    assert report.interrupted
    assert leftovers(tmp_path / "out") == []


@contextlib.contextmanager
def small_disk(where: Path, size: int) -> Iterator[Path]:
    """A tmpfs of ``size`` bytes mounted at ``where``; the test is skipped where that
    cannot be done (not Linux, not root, no permission to mount in this container)."""
    if sys.platform != "linux" or os.geteuid() != 0:
        pytest.skip("mounting a small tmpfs needs root on Linux")
    where.mkdir()
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(where)],
        capture_output=True,
        check=False,
    )
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {mounted.stderr.decode().strip()}")
    try:
        yield where
    finally:
        subprocess.run(["umount", "-l", str(where)], check=False)


def remount(where: Path, options: str) -> None:
    subprocess.run(
        ["mount", "-o", f"remount,{options}", str(where)],
        check=True,
    )


def _sizes(tmp_path: Path) -> tuple[int, int]:
    """Disk pages the Iceland batch's letters take, and its batch-wide files."""
    process = nkletters(
        "generate", "--country", "IS", "--data", "iceland.yaml", "--out", "ref", "--date",
        FIXED_DATE, cwd=tmp_path,
    )  # fmt: skip
    assert finish(process)[0] == 0
    pages = {p.name: -(-p.stat().st_size // 4096) * 4096 for p in (tmp_path / "ref").iterdir()}
    mine = sum(v for k, v in pages.items() if k.startswith(FIXED_DATE))
    return mine, sum(pages.values()) - mine


def test_a_full_disk_while_the_batch_files_are_written(tmp_path: Path) -> None:
    (tmp_path / "iceland.yaml").write_text(ICELAND, encoding="utf-8")
    letters_size, batch_size = _sizes(tmp_path)
    # Room for the letters and a little of the print file, envelopes and labels.
    with small_disk(tmp_path / "disk", letters_size + batch_size // 3 // 4096 * 4096) as disk:
        args = ("generate", "--country", "IS", "--data", "iceland.yaml", "--out", str(disk))
        code, _, err = finish(nkletters(*args, "--date", FIXED_DATE, cwd=tmp_path))
        assert code == 1
        assert "Traceback" not in err
        last = err.strip().splitlines()[-1]
        assert last.startswith(f"Error: cannot write '{disk}/"), err
        assert last.endswith(": No space left on device — check free space and permissions")
        assert leftovers(disk) == []
        assert assert_pdfs_open(disk) >= 1
        # Room again: the same command completes.
        remount(disk, "size=64m")
        code, _, err = finish(nkletters(*args, "--date", FIXED_DATE, cwd=tmp_path))
        assert code == 0, err
        assert assert_pdfs_open(disk) == 2 + 3
        assert leftovers(disk) == []


def test_a_read_only_out_folder_is_one_line(tmp_path: Path) -> None:
    (tmp_path / "iceland.yaml").write_text(ICELAND, encoding="utf-8")
    with small_disk(tmp_path / "disk", 1 << 20) as disk:
        remount(disk, "ro")
        args = ("generate", "--country", "IS", "--data", "iceland.yaml", "--out", str(disk))
        code, _, err = finish(nkletters(*args, "--date", FIXED_DATE, cwd=tmp_path))
        assert code == 1
        assert err.strip().splitlines()[-1] == (
            f"Error: cannot write in '{disk}': Read-only file system — "
            "check the folder's permissions or choose another --out"
        )
        assert "Traceback" not in err
        assert list(disk.iterdir()) == []


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT, signal.SIGHUP])
def test_two_batches_in_one_folder_one_stopped_by_a_signal(
    tmp_path: Path, signum: signal.Signals
) -> None:
    shared = tmp_path / "shared"
    shared.mkdir()
    common = ("generate", "--all", "--jobs", "2", "--quiet", "--out", str(shared))
    stopped = nkletters(*common, "--date", "2026-09-24", cwd=tmp_path)
    other = nkletters(*common, "--date", "2026-09-25", cwd=tmp_path)
    deadline = time.monotonic() + 120
    while letters_in(shared, "2026-09-24") < 10 and stopped.poll() is None:
        assert time.monotonic() < deadline, "the batch wrote no letters"
        time.sleep(0.05)
    stopped.send_signal(signum)
    code, _, err = finish(stopped)
    other_code, _, other_err = finish(other)

    assert "Traceback" not in err and "Error" not in err, err
    if code != 0:  # else it had finished before the signal came
        assert code == 130
        # Every letter it wrote is counted, those its worker had not yet reported too.
        count = letters_in(shared, "2026-09-24")
        assert (
            err.strip()
            .splitlines()[-1]
            .startswith(f"interrupted: {count} letters written, each whole")
        )
    assert other_code == 0, other_err
    assert "Traceback" not in other_err
    for name in ("all-letters.pdf", "envelopes.pdf", "labels.pdf", "delivery.csv"):
        assert (shared / name).exists()
    assert leftovers(shared) == []
    written = assert_pdfs_open(shared)
    # The other run wrote every letter and its batch files; the stopped one, some.
    assert written >= letters_in(shared, "2026-09-25") + 10
    # And the stopped run, run again, completes.
    code, _, err = finish(nkletters(*common, "--date", "2026-09-24", cwd=tmp_path))
    assert code == 0, err
    assert leftovers(shared) == []
    assert letters_in(shared, "2026-09-24") == letters_in(shared, "2026-09-25")
