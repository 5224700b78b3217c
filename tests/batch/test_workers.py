"""Batch workers (nkrefugees_letters/batch/workers.py): a letter's failure stays that letter's,
a logo sent once still reaches every page, worker folders are cleaned up, and workers end
with their parent."""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pypdf
import pytest
from click.testing import Result

from nkrefugees_letters import batch
from nkrefugees_letters.profile import Profile
from tests.batch.helpers import (
    assert_pdfs_open,
    delivery,
    folder,
    iceland_plan,
    leftovers,
    letters_in,
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
