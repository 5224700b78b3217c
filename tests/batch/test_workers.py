"""Batch workers (nkrefugees_letters/batch/workers.py): a letter's failure stays that letter's,
a logo sent once still reaches every page, worker folders are cleaned up, workers end
with their parent, and the main process and its workers share a batch in order."""

from __future__ import annotations

import multiprocessing
import os
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pypdf
import pytest
from click.testing import Result
from hypothesis import given
from hypothesis import strategies as st

from nkrefugees_letters import batch
from nkrefugees_letters.batch import workers
from nkrefugees_letters.profile import Profile
from tests.batch.helpers import (
    assert_pdfs_open,
    delivery,
    folder,
    iceland_plan,
    leftovers,
    letters_in,
    needs_fork,
    nkletters,
    signers_file,
)
from tests.conftest import FIXED_DATE

Run = Callable[..., Result]
WriteYaml = Callable[[str, str], Path]


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_a_logo_reaches_every_page_of_the_print_file(
    run: Run, tmp_path: Path, write_yaml: Callable[[str, str], Path], jobs: str
) -> None:
    from tests.pdf.helpers import make_png

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


def test_a_killed_runs_worker_folders_are_removed_by_the_next(tmp_path: Path) -> None:
    dead = subprocess.Popen([sys.executable, "-c", "pass"])  # a pid that is gone
    dead.wait()
    plan, options = iceland_plan(tmp_path, 2)
    out = tmp_path / "out"
    out.mkdir()
    stale = out / f"{batch.SCRATCH_PREFIX}{dead.pid}-0badc0de-4242"
    stale.mkdir()
    report = batch.run(plan, Profile(), options)
    assert report.written == 2
    assert leftovers(out) == []


@pytest.mark.skipif(sys.platform != "linux", reason="the kernel ends them on Linux (prctl)")
def test_workers_die_quietly_with_their_parent(tmp_path: Path) -> None:
    process = nkletters(
        "generate", "--all", "--jobs", "2", "--quiet", "--out", "out", cwd=tmp_path
    )  # fmt: skip
    deadline = time.monotonic() + 120
    while letters_in(tmp_path / "out", date.today().isoformat()) < 5:
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


@needs_fork
def test_the_main_process_and_a_worker_share_the_letters_in_order(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    plan, options = iceland_plan(tmp_path, 2)
    state = workers.WorkerState(
        plan.jobs * 40, Profile(), options.letter, tmp_path / "out", dry_run=True
    )

    def who(_state: workers.WorkerState, index: int, _scratch: Path | None = None) -> object:
        time.sleep(0.002)  # as if laying a letter out
        return workers.Outcome(index, None, error=str(os.getpid())), None

    monkeypatch.setattr(workers, "write_letter", who)
    results = list(workers.outcomes(state, 2))
    assert [outcome.index for outcome, _ in results] == list(range(len(state.jobs)))
    writers = {outcome.error for outcome, _ in results}
    assert str(os.getpid()) in writers and len(writers) == 2
    assert multiprocessing.active_children() == []


WITHOUT_FORK = (
    "import multiprocessing, sys\n"
    "multiprocessing.get_all_start_methods = lambda: ['spawn']  # as on Windows\n"
    "multiprocessing.set_start_method('spawn')\n"
    "from nkrefugees_letters.cli import main\n"
    "sys.argv[0] = 'nkletters'\n"
    "main()\n"
)


def test_two_processes_write_the_batch_one_would(tmp_path: Path) -> None:
    rows = [[f"Signer {n}", "Volunteer", "Seoul", "", ""] for n in range(30)]
    rows += [[f"Signer {n}", "", "London", "", ""] for n in range(30, 45)]
    path = signers_file(tmp_path, rows)
    outputs = {}
    # Each batch in a process of its own, as a user runs them; "spawned" starts its
    # worker without fork, as on Windows, where it is handed the batch pickled.
    for run, jobs in (("one", "1"), ("two", "2"), ("spawned", "2")):
        out = tmp_path / f"out-{run}"
        start = ["-c", WITHOUT_FORK] if run == "spawned" else ["-m", "nkrefugees_letters"]
        subprocess.run(
            [
                sys.executable, *start, "generate", "--signers", str(path),
                "--date", FIXED_DATE, "--jobs", jobs, "--quiet", "--out", str(out),
            ],
            check=True,
            capture_output=True,
        )  # fmt: skip
        outputs[run] = {p.name: p.read_bytes() for p in sorted(out.iterdir())}
    assert (
        len(outputs["one"]) == 45 + 5
    )  # the letters; print file, envelopes, labels, checklist (CSV, JSON)
    assert outputs["one"] == outputs["two"] == outputs["spawned"]


def test_the_same_batch_twice_in_one_process_writes_the_same_files(
    run: Run, tmp_path: Path
) -> None:
    # As the web server does: the second batch replays paragraphs the first laid out,
    # and each file must still say the PDF version the first said (labels.pdf was 1.4,
    # then 1.3).
    rows = [[f"Signer {n}", "Volunteer", "Seoul", "", ""] for n in range(6)]
    path = signers_file(tmp_path, [*rows, ["Signer 9", "", "Chicago", "", ""]])
    outputs = []
    for name in ("first", "second"):
        out = tmp_path / name
        result = run(
            "generate", "--signers", str(path), "--date", FIXED_DATE,
            "--jobs", "1", "--quiet", "--out", str(out),
        )  # fmt: skip
        assert result.exit_code == 0, result.output
        outputs.append({p.name: p.read_bytes() for p in sorted(out.iterdir())})
    assert outputs[0]["labels.pdf"][:8] == b"%PDF-1.4"
    assert outputs[0] == outputs[1]


@given(st.integers(0, 500), st.integers(2, 8))
def test_chunks_cover_the_batch_once_in_order_and_end_one_by_one(count: int, jobs: int) -> None:
    chunks = workers._chunks(count, jobs)
    assert [index for chunk in chunks for index in chunk] == list(range(count))
    assert all(1 <= len(chunk) <= workers.CHUNK for chunk in chunks)
    assert all(len(chunk) == 1 for chunk in chunks[-min(count, 2 * workers.CHUNK * jobs) :])
