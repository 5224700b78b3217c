"""Batches when things go wrong: hostile signer rows, long ids, a full or read-only disk,
SIGTERM / SIGINT / SIGHUP mid-batch, and two runs sharing one folder.

Each letter's failure is that letter's; whatever happens, no ``.part`` file and no
worker folder is left, nothing prints a traceback, every PDF written opens, and a run
removes only what it created.
"""

from __future__ import annotations

import contextlib
import csv
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path

import pypdf
import pytest
from click.testing import Result
from reportlab.pdfbase import pdfdoc

from nkrefugees_letters import batch, letters, missions, sheet
from nkrefugees_letters.pdf import layout
from nkrefugees_letters.pdf.printfile import PrintFile
from nkrefugees_letters.profile import Profile
from tests.batch.test_batch import ICELAND, delivery, signers_file
from tests.conftest import FIXED_DATE

Run = Callable[..., Result]
WriteYaml = Callable[[str, str], Path]
ROOT = Path(__file__).resolve().parents[2]
WHEN = date(2026, 9, 24)


def leftovers(folder: Path) -> list[str]:
    """Temporary files and worker folders anywhere under ``folder``."""
    return sorted(
        str(p.relative_to(folder))
        for p in folder.rglob("*")
        if p.name.endswith(".part") or p.name.startswith(batch.SCRATCH_PREFIX)
    )


def assert_pdfs_open(folder: Path) -> int:
    pdfs = sorted(folder.glob("*.pdf"))
    for pdf in pdfs:
        assert len(pypdf.PdfReader(str(pdf)).pages) >= 1, pdf
    return len(pdfs)


def nkletters(*args: str, cwd: Path) -> subprocess.Popen[str]:
    """``nkletters ARGS`` in a process of its own, as a user runs it."""
    env = {**os.environ, "PYTHONPATH": str(ROOT), "XDG_CACHE_HOME": str(cwd / ".cache")}
    return subprocess.Popen(
        [sys.executable, "-m", "nkrefugees_letters", *args],
        cwd=cwd,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def finish(process: subprocess.Popen[str]) -> tuple[int, str, str]:
    out, err = process.communicate(timeout=300)
    return process.returncode, out, err


# --- one letter's failure is that letter's ------------------------------------------


def test_a_name_or_title_too_long_for_a_page_fails_that_letter_only(
    run: Run, tmp_path: Path
) -> None:
    path = signers_file(
        tmp_path,
        [
            ["Ann Lee", "Chair", "", "", ""],
            ["B" * 5000, "", "", "", ""],
            ["Cat Kim", "T" * 5000, "", "", ""],
            ["Dan Ray", "", "", "", ""],
        ],
    )
    result = run("generate", "--signers", str(path), "--mission", "gb-london", "--date", FIXED_DATE)
    assert result.exit_code == 1
    reason = (
        "part of the letter is taller than a page (a name, title or note thousands of "
        "characters long?) — shorten it"
    )
    assert result.stderr.splitlines()[-1] == (
        f"2 written, 2 failed: gb-london (row 3, {'B' * 39}…): {reason}; "
        f"gb-london (row 4, Cat Kim): {reason}"
    )
    out = tmp_path / "letters" / FIXED_DATE
    assert [row["signer"] for row in delivery(out)] == ["Ann Lee", "Dan Ray"]
    assert assert_pdfs_open(out) == 2 + 3  # two letters; print file, envelopes, labels


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


# --- the delivery checklist ---------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "cell"),
    [
        ('=HYPERLINK("http://example.org","x")', '\'=HYPERLINK("http://example.org","x")'),
        ("+1+1", "'+1+1"),
        ("-2+3", "'-2+3"),
        ("@SUM(1,1)", "'@SUM(1,1)"),
        (" =1+1", "' =1+1"),
        ("Ann\x00 Lee", "Ann Lee"),
        ("\t=1+1", "'\t=1+1"),
        ("Ann\x1b[31m", "Ann[31m"),
        ("Ann Lee", "Ann Lee"),
    ],
)
def test_checklist_cells_cannot_run_as_formulas(name: str, cell: str) -> None:
    assert sheet.neutralise(name) == cell


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


# --- runs sharing a folder ----------------------------------------------------------


def _plan(tmp_path: Path, jobs: int) -> tuple[batch.Plan, batch.BatchOptions]:
    data = tmp_path / "iceland.yaml"
    data.write_text(ICELAND, encoding="utf-8")
    options = batch.BatchOptions(
        letter=letters.LetterOptions(when=WHEN, out_dir=tmp_path / "out"), jobs=jobs
    )
    directory = missions.load([data])
    return batch.plan(directory, Profile(), batch.Selection(countries=("IS",)), options), options


@pytest.mark.parametrize("jobs", [1, 2])
def test_an_interrupted_run_removes_only_what_it_made(tmp_path: Path, jobs: int) -> None:
    plan, options = _plan(tmp_path, jobs)
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


def test_a_killed_runs_worker_folders_are_removed_by_the_next(tmp_path: Path) -> None:
    dead = subprocess.Popen([sys.executable, "-c", "pass"])  # a pid that is gone
    dead.wait()
    plan, options = _plan(tmp_path, 2)
    out = tmp_path / "out"
    out.mkdir()
    stale = out / f"{batch.SCRATCH_PREFIX}{dead.pid}-0badc0de-4242"
    stale.mkdir()
    report = batch.run(plan, Profile(), options)
    assert report.written == 2
    assert leftovers(out) == []


# --- reportlab's bare except --------------------------------------------------------


@pytest.fixture
def interrupt_in_reportlab(monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[[], None]]:
    """Arm a Ctrl-C that lands inside PDFObjectReference.format, whose bare ``except:``
    turns it into ``KeyError: forward reference … not resolved``."""
    real = pdfdoc.pdfdocEnc
    armed = False

    def encode(text: str | bytes) -> bytes:
        nonlocal armed
        if armed and isinstance(text, str) and text.endswith(" R"):
            armed = False
            raise KeyboardInterrupt
        return real(text)

    def arm() -> None:
        nonlocal armed
        armed = True

    monkeypatch.setattr(pdfdoc, "pdfdocEnc", encode)
    yield arm


def test_the_masked_interrupt_is_an_interrupt_in_a_letter(
    interrupt_in_reportlab: Callable[[], None],
) -> None:
    letter = letters.compose(missions.load().get("gb-london"), Profile(), letters.LetterOptions())
    interrupt_in_reportlab()
    with pytest.raises(KeyboardInterrupt):
        layout.render_pdf(letter)


def test_the_masked_interrupt_stops_a_batch_cleanly(
    tmp_path: Path, interrupt_in_reportlab: Callable[[], None]
) -> None:
    plan, options = _plan(tmp_path, 1)

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
    plan, options = _plan(tmp_path, 1)
    report = batch.run(plan, Profile(), options)
    assert report.interrupted
    assert leftovers(tmp_path / "out") == []


# --- the disk says no ---------------------------------------------------------------


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


# --- signals, and two runs in one folder --------------------------------------------


def _letters_in(folder: Path, day: str) -> int:
    return len(list(folder.glob(f"{day}_*.pdf")))


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
    while _letters_in(shared, "2026-09-24") < 10 and stopped.poll() is None:
        assert time.monotonic() < deadline, "the batch wrote no letters"
        time.sleep(0.05)
    stopped.send_signal(signum)
    code, _, err = finish(stopped)
    other_code, _, other_err = finish(other)

    assert "Traceback" not in err and "Error" not in err, err
    if code != 0:  # else it had finished before the signal came
        assert code == 130
        assert err.strip().splitlines()[-1].startswith("interrupted: ")
    assert other_code == 0, other_err
    assert "Traceback" not in other_err
    for name in ("all-letters.pdf", "envelopes.pdf", "labels.pdf", "delivery.csv"):
        assert (shared / name).exists()
    assert leftovers(shared) == []
    written = assert_pdfs_open(shared)
    # The other run wrote every letter and its batch files; the stopped one, some.
    assert written >= _letters_in(shared, "2026-09-25") + 10
    # And the stopped run, run again, completes.
    code, _, err = finish(nkletters(*common, "--date", "2026-09-24", cwd=tmp_path))
    assert code == 0, err
    assert leftovers(shared) == []
    assert _letters_in(shared, "2026-09-24") == _letters_in(shared, "2026-09-25")


@pytest.mark.skipif(sys.platform != "linux", reason="the kernel ends them on Linux (prctl)")
def test_workers_die_quietly_with_their_parent(tmp_path: Path) -> None:
    process = nkletters(
        "generate", "--all", "--jobs", "2", "--quiet", "--out", "out", cwd=tmp_path
    )  # fmt: skip
    deadline = time.monotonic() + 120
    while _letters_in(tmp_path / "out", date.today().isoformat()) < 5:
        assert process.poll() is None and time.monotonic() < deadline
        time.sleep(0.05)
    workers = [
        int(p.name.rsplit("-", 1)[1]) for p in (tmp_path / "out").glob(f"{batch.SCRATCH_PREFIX}*")
    ]
    process.kill()  # no chance to clean up: the workers must go by themselves
    _, err = process.communicate(timeout=60)
    for pid in workers:
        for _ in range(200):
            if _gone(pid):
                break
            time.sleep(0.05)
        assert _gone(pid), f"worker {pid} outlived its parent"
    assert "Traceback" not in err


def _gone(pid: int) -> bool:
    """True when the process has ended (a zombie waiting for its reaper has, too)."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] == "Z"
    except OSError:
        return True
