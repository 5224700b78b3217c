"""Shared helpers of the batch tests: a small mission file, the checklist and print file read
back, signer files, and nkletters run in a process of its own."""

from __future__ import annotations

import csv
import multiprocessing
import os
import subprocess
import sys
from datetime import date
from pathlib import Path

import pypdf
import pytest

from nkrefugees_letters import batch, letters, missions
from nkrefugees_letters.pdf import layout
from nkrefugees_letters.profile import Profile
from tests.conftest import FIXED_DATE

__all__ = [
    "ICELAND",
    "ROOT",
    "WHEN",
    "assert_pdfs_open",
    "compose_job",
    "delivery",
    "finish",
    "first_pages",
    "folder",
    "iceland_plan",
    "leftovers",
    "letters_in",
    "nkletters",
    "signers_file",
]

ROOT = Path(__file__).resolve().parents[2]
WHEN = date(2026, 9, 24)

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


def folder(tmp_path: Path) -> Path:
    return tmp_path / "letters" / FIXED_DATE


def delivery(path: Path) -> list[dict[str, str]]:
    with (path / batch.DELIVERY_CSV).open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def first_pages(path: Path) -> list[str]:
    """The text at the top of every page of a print file ('' for a blank page)."""
    reader = pypdf.PdfReader(str(path))
    return [" ".join((page.extract_text() or "").split()) for page in reader.pages]


def signers_file(tmp_path: Path, rows: list[list[str]], separator: str = ",") -> Path:
    path = tmp_path / "signers.csv"
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle, delimiter=separator)
        writer.writerow(["name", "title", "city", "country", "personal_note"])
        writer.writerows(rows)
    return path


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


def iceland_plan(tmp_path: Path, jobs: int) -> tuple[batch.Plan, batch.BatchOptions]:
    data = tmp_path / "iceland.yaml"
    data.write_text(ICELAND, encoding="utf-8")
    options = batch.BatchOptions(
        letter=letters.LetterOptions(when=WHEN, out_dir=tmp_path / "out"), jobs=jobs
    )
    directory = missions.load([data])
    return batch.plan(directory, Profile(), batch.Selection(countries=("IS",)), options), options


def letters_in(folder: Path, day: str) -> int:
    return len(list(folder.glob(f"{day}_*.pdf")))


needs_fork = pytest.mark.skipif(
    "fork" not in multiprocessing.get_all_start_methods(),
    reason="a patched letter reaches the workers only through fork",
)
"""For tests that patch the library in this process and count on its workers to share it."""
