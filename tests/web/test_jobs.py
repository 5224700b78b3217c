"""Many letters on the web: the batch form, its worker process, the kit and its expiry."""

from __future__ import annotations

import contextlib
import io
import os
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from nkrefugees_letters.web import WebConfig, create_app
from tests.conftest import FIXED_DATE, child_processes
from tests.web.conftest import (
    SIGNERS,
    field_error,
    pdf_of,
    png,
    text_of,
    token,
)

# --- many letters --------------------------------------------------------------------------


def start_batch(
    client: FlaskClient, csv_text: str = SIGNERS, name: str = "my signers.csv", **extra: object
) -> object:
    data: dict[str, object] = {
        "csrf_token": token(client, "/batch"),
        "lang": "en",
        "paper": "auto",
        "date": FIXED_DATE,
        "signers": (io.BytesIO(csv_text.encode()), name),
        **extra,
    }
    return client.post("/batch", data=data, content_type="multipart/form-data")


def wait_for(client: FlaskClient, page: str) -> dict[str, object]:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        status = client.get(f"{page}/status").json
        assert status is not None
        if status["state"] in ("done", "failed"):
            return status
        time.sleep(0.2)
    raise AssertionError("the batch did not finish")


def test_batch_writes_the_kit_lists_bad_rows_and_deletes_it_once_sent(
    app: Flask, client: FlaskClient
) -> None:
    response = start_batch(client)
    assert response.status_code == 303
    page = response.headers["Location"]
    status = wait_for(client, page)
    assert status["state"] == "done"
    assert status["bad_rows"] == [
        "my signers.csv row 3: no name",
        "my signers.csv row 5: no mission found for city 'Nowhereville' — see 'nkletters "
        "missions list' for every city",
    ]
    assert status["total"] == status["done"] == 2
    html = client.get(page).text
    assert "my signers.csv row 3: no name" in html and 'id="kit"' in html
    folder = app.extensions["nkletters"].jobs.held()[page.rsplit("/", 1)[1]].folder
    kit = client.get(f"{page}/kit.zip")
    assert kit.status_code == 200 and kit.content_type == "application/zip"
    names = zipfile.ZipFile(io.BytesIO(kit.data)).namelist()
    kit.close()
    assert sorted(names) == [
        f"{FIXED_DATE}_us-chicago_jane-doe.pdf",
        f"{FIXED_DATE}_us-chicago_kim-lee.pdf",
        "all-letters.pdf",
        "cover-notes.pdf",
        "delivery.csv",
        "delivery.json",
        "envelopes.pdf",
        "labels.pdf",
    ]
    archive = zipfile.ZipFile(io.BytesIO(kit.data))
    assert "I care." in text_of(archive.read(f"{FIXED_DATE}_us-chicago_jane-doe.pdf"))
    assert len(pdf_of(archive.read("all-letters.pdf")).pages) == 2
    assert not folder.exists()
    assert client.get(f"{page}/status").status_code == 404


def test_batch_from_an_excel_workbook(client: FlaskClient) -> None:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for row in (["name", "city"], ["Jane Doe", "Chicago"], [None, "Chicago"], ["Kim Lee", "Seoul"]):
        sheet.append(row)
    data = io.BytesIO()
    book.save(data)
    form: dict[str, object] = {
        "csrf_token": token(client, "/batch"),
        "date": FIXED_DATE,
        "signers": (io.BytesIO(data.getvalue()), "Our signers.xlsx"),
    }
    response = client.post("/batch", data=form, content_type="multipart/form-data")
    page = response.headers["Location"]
    status = wait_for(client, page)
    assert status["state"] == "done", status
    assert status["bad_rows"] == ["Our signers.xlsx row 3: no name"]
    kit = client.get(f"{page}/kit.zip")
    names = zipfile.ZipFile(io.BytesIO(kit.data)).namelist()
    kit.close()
    assert f"{FIXED_DATE}_kr-seoul_kim-lee.pdf" in names


def test_batch_with_an_uploaded_profile_and_its_logo(client: FlaskClient) -> None:
    page = start_batch(
        client,
        "name,city\nJane Doe,Chicago\n",
        profile=(io.BytesIO(b"organisation:\n  name: Batch Org\n  logo: logo.png\n"), "p.yaml"),
        images=[(io.BytesIO(png()), "logo.png")],
    ).headers["Location"]
    assert wait_for(client, page)["state"] == "done"
    kit = client.get(f"{page}/kit.zip")
    archive = zipfile.ZipFile(io.BytesIO(kit.data))
    kit.close()
    letter = archive.read(f"{FIXED_DATE}_us-chicago_jane-doe.pdf")
    assert "Batch Org" in text_of(letter)
    assert pdf_of(letter).pages[0]["/Resources"]["/XObject"]


def test_batch_profile_naming_a_file_elsewhere_fails_with_its_line(client: FlaskClient) -> None:
    page = start_batch(
        client,
        "name,city\nJane Doe,Chicago\n",
        profile=(io.BytesIO(b"organisation:\n  name: X\n  logo: /etc/hostname\n"), "p.yaml"),
    ).headers["Location"]
    status = wait_for(client, page)
    assert status["state"] == "failed"
    assert status["error"] == (
        "p.yaml:3: organisation.logo: '/etc/hostname' is not a file uploaded with the "
        "profile — upload the file with the profile, and name it without a folder"
    )


def test_a_sibling_server_process_shows_and_sends_the_batch() -> None:
    """``nkletters serve --workers 2``: the next request may reach the other process."""
    first, second = (
        create_app(WebConfig(preload_towns=False, secret_key="shared")) for _ in range(2)
    )
    browser = first.test_client()
    page = start_batch(browser).headers["Location"]
    wait_for(browser, page)
    cookie = browser.get_cookie("session")
    assert cookie is not None
    sibling = second.test_client()
    sibling.set_cookie("session", cookie.value)
    assert "my signers.csv row 3: no name" in sibling.get(page).text
    kit = sibling.get(f"{page}/kit.zip")
    assert "all-letters.pdf" in zipfile.ZipFile(io.BytesIO(kit.data)).namelist()
    kit.close()
    assert browser.get(page).status_code == 404  # the first process lets it go too
    assert first.extensions["nkletters"].jobs.held() == {}


def _batch_processes() -> list[Path]:
    """This process's children that write a web batch (from /proc)."""
    found = []
    for process in child_processes(os.getpid()):
        with contextlib.suppress(OSError):
            if b"nkrefugees_letters.web.worker" in (process / "cmdline").read_bytes():
                found.append(process)
    return found


@pytest.mark.skipif(not Path("/proc/self/stat").is_file(), reason="reads /proc")
def test_stopping_the_server_stops_its_running_batches_first(private_tmp: Path) -> None:
    # Left running, a batch went on writing into the folder the server had removed,
    # making it again, and printed its failure on the terminal once the server was gone.
    app = create_app(WebConfig(preload_towns=False))
    browser = app.test_client()
    rows = "".join(f"Person {n},Volunteer,Seoul\n" for n in range(1500))
    page = start_batch(browser, "name,title,city\n" + rows).headers["Location"]
    deadline = time.monotonic() + 60
    while (status := browser.get(f"{page}/status").json)["done"] < 1:
        assert status["state"] in ("starting", "running"), status
        assert time.monotonic() < deadline
        time.sleep(0.05)
    assert _batch_processes()
    app.extensions["nkletters"].jobs.close()
    assert _batch_processes() == []
    time.sleep(0.5)
    assert [p.name for p in private_tmp.iterdir()] == []


KILLED_SERVER = """
import os, signal, sys, time
from nkrefugees_letters.web import WebConfig, create_app
from tests.web.test_jobs import _batch_processes, start_batch
config = WebConfig(preload_towns=False, max_batch_letters=4000)
browser = create_app(config).test_client()
rows = "".join(f"Person {n},Volunteer,Seoul\\n" for n in range(4000))
page = start_batch(browser, "name,title,city\\n" + rows).headers["Location"]
deadline = time.monotonic() + 60
while browser.get(f"{page}/status").json["done"] < 1:
    assert time.monotonic() < deadline
    time.sleep(0.05)
print(" ".join(p.name for p in _batch_processes()), flush=True)
os.kill(os.getpid(), signal.SIGKILL)
"""


@pytest.mark.skipif(sys.platform != "linux", reason="the kernel ends it on Linux (prctl)")
def test_a_batch_ends_when_its_server_is_killed(private_tmp: Path) -> None:
    # A server killed outright cannot stop its batches: each must end by itself, at
    # once and quietly, not write its letters for nobody.
    root = Path(__file__).resolve().parents[2]
    server = subprocess.run(
        [sys.executable, "-c", KILLED_SERVER], cwd=root, capture_output=True, text=True,
        timeout=120, env={**os.environ, "TMPDIR": str(private_tmp)},
    )  # fmt: skip
    assert server.returncode == -signal.SIGKILL, server.stderr
    # The batch shares the server's stderr: before, it wrote its next progress line into
    # the dead server's pipe and printed "batch failed: BrokenPipeError at …" there.
    assert server.stderr == ""
    batches = [int(pid) for pid in server.stdout.split()]
    assert len(batches) == 1
    deadline = time.monotonic() + 3  # its 4,000 letters would take ten seconds or more
    while any(_running(pid) for pid in batches):
        assert time.monotonic() < deadline, "the batch outlived its server"
        time.sleep(0.05)


def _running(pid: int) -> bool:
    """True while ``pid`` runs (a zombie, or a process gone, does not)."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def test_batch_of_another_browser_is_not_found(app: Flask, client: FlaskClient) -> None:
    page = start_batch(client).headers["Location"]
    wait_for(client, page)
    stranger = app.test_client()
    assert stranger.get(page).status_code == 404
    assert stranger.get(f"{page}/kit.zip").status_code == 404
    client.get(f"{page}/kit.zip").close()


def test_batch_with_a_bad_file_fails_in_the_librarys_words(client: FlaskClient) -> None:
    page = start_batch(client, "fullname,city\nJane,Chicago\n").headers["Location"]
    status = wait_for(client, page)
    assert status["state"] == "failed"
    assert status["error"] == (
        "my signers.csv:1: no 'name' column in the header row — did you mean 'name' instead "
        "of 'fullname'? the columns are: name, title, organisation, email, city, country, "
        "personal_note"
    )


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (None, "choose the signers file (CSV or .xlsx) to upload"),
        ("signers.ods", "&#39;signers.ods&#39; is not a CSV file or an Excel workbook"),
    ],
)
def test_batch_form_errors_are_next_to_the_file_field(
    client: FlaskClient, upload: str | None, message: str
) -> None:
    data: dict[str, object] = {"csrf_token": token(client, "/batch")}
    if upload:
        data["signers"] = (io.BytesIO(b"PK\x03\x04"), upload)
    response = client.post("/batch", data=data, content_type="multipart/form-data")
    assert response.status_code == 400
    assert message in field_error(response.text, "signers")


def test_unknown_batch_is_404(client: FlaskClient) -> None:
    response = client.get("/batch/not-a-job")
    assert response.status_code == 404
    assert "no such batch" in response.text


def test_finished_kits_expire(app: Flask, client: FlaskClient) -> None:
    jobs = app.extensions["nkletters"].jobs
    page = start_batch(client).headers["Location"]
    wait_for(client, page)
    job = jobs.held()[page.rsplit("/", 1)[1]]
    job.finished_at -= jobs.lifetime + 1
    job.save()
    assert client.get(page).status_code == 404
    assert not job.folder.exists()


def test_a_busy_server_says_so_on_the_batch_form(
    app: Flask, client: FlaskClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(app.extensions["nkletters"].jobs, "busy", lambda: True)
    response = start_batch(client)
    assert response.status_code == 400
    assert "the server is writing other batches; try again in a minute" in response.text
