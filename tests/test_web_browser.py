"""The web page end to end: Debian's chromium, driven by selenium, against the real
waitress server (``nkletters serve``) on 127.0.0.1.

The tests skip, saying why, only where no chromium is installed (``.ci/install-browser``
installs it). ``NKLETTERS_UPDATE_SCREENSHOT=1`` also saves the page as docs/web.png,
the README's screenshot.
"""

from __future__ import annotations

import io
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pypdf
import pytest

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
DRIVER = shutil.which("chromedriver")

pytestmark = pytest.mark.skipif(
    CHROMIUM is None or DRIVER is None,
    reason="no chromium and chromium-driver installed (apt-get install chromium chromium-driver;"
    " .ci/install-browser does it)",
)

if CHROMIUM is not None and DRIVER is not None:
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service
    from selenium.webdriver.common.by import By
    from selenium.webdriver.remote.webdriver import WebDriver
    from selenium.webdriver.support import expected_conditions
    from selenium.webdriver.support.ui import Select, WebDriverWait

SIGNERS = (
    "name,title,organisation,email,city,country,personal_note\n"
    "Jane Doe,Volunteer,,jane@example.org,Chicago,,I care.\n"
    ",,,,Chicago,,\n"
    "Kim Lee,,,,Traverse City,US,\n"
    "Min-jun Park,,,,Seoul,,\n"
)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """``nkletters serve`` on a free port: waitress, as a user would start it."""
    port = free_port()
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "XDG_CACHE_HOME": str(tmp_path_factory.mktemp("cache")),
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "nkrefugees_letters", "serve", "--port", str(port)],
        env=env,
        cwd=tmp_path_factory.mktemp("cwd"),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"{url}/health", timeout=2) as answer:
                    if answer.status == 200:
                        break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    output = process.stdout.read().decode() if process.stdout else ""
                    raise AssertionError(f"nkletters serve did not start: {output}") from None
                time.sleep(0.1)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=20)


@pytest.fixture
def downloads(tmp_path: Path) -> Path:
    folder = tmp_path / "downloads"
    folder.mkdir()
    return folder


def chrome(downloads: Path, profile: Path, *, javascript: bool = True) -> WebDriver:
    options = webdriver.ChromeOptions()
    assert CHROMIUM is not None and DRIVER is not None
    options.binary_location = CHROMIUM
    for argument in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--disable-dev-shm-usage",
        f"--user-data-dir={profile}",
        "--window-size=1280,1000",
    ):
        options.add_argument(argument)
    options.add_experimental_option(
        "prefs",
        {
            "download.default_directory": str(downloads),
            "download.prompt_for_download": False,
            "profile.managed_default_content_settings.javascript": 1 if javascript else 2,
        },
    )
    return webdriver.Chrome(service=Service(DRIVER), options=options)


@pytest.fixture
def browser(downloads: Path, tmp_path: Path) -> Iterator[WebDriver]:
    driver = chrome(downloads, tmp_path / "chrome-profile")
    try:
        yield driver
    finally:
        driver.quit()


def downloaded(folder: Path, suffix: str, timeout: float = 60) -> Path:
    """The file the browser saved in ``folder``, once it is whole."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        done = [p for p in folder.iterdir() if p.suffix == suffix]
        partial = [p for p in folder.iterdir() if p.suffix == ".crdownload"]
        if done and not partial:
            return done[0]
        time.sleep(0.1)
    raise AssertionError(f"nothing ending in {suffix} was downloaded: {list(folder.iterdir())}")


def wait(driver: WebDriver, seconds: float = 60) -> WebDriverWait:
    return WebDriverWait(driver, seconds)


def test_one_letter_form_preview_and_pdf_download(
    server: str, browser: WebDriver, downloads: Path, tmp_path: Path
) -> None:
    browser.get(server + "/")
    assert browser.title == "Your letter · nkletters"
    city = browser.find_element(By.ID, "city")
    city.send_keys("Traverse")
    options = "return [...document.querySelectorAll('#city-list option')].map(o => o.value)"
    wait(browser, 30).until(lambda d: "Traverse City, Michigan" in d.execute_script(options))
    city.send_keys(" City")
    Select(browser.find_element(By.ID, "lang")).select_by_value("en")
    browser.find_element(By.ID, "date").send_keys("09242026")
    browser.find_element(By.CSS_SELECTOR, "details.more:nth-of-type(1) summary")
    summaries = browser.find_elements(By.CSS_SELECTOR, "details.more > summary")
    next(s for s in summaries if s.text == "Write for an organisation").click()
    browser.find_element(By.ID, "org_name").send_keys("Friends of Refugees")
    browser.find_element(By.ID, "signer0_name").send_keys("Jane Doe")
    browser.find_element(By.ID, "signer0_title").send_keys("Chair")
    browser.find_element(By.CSS_SELECTOR, 'button[value="show"]').click()
    reason = wait(browser).until(
        expected_conditions.visibility_of_element_located((By.ID, "reason"))
    )
    assert reason.text == (
        "Traverse City (Michigan) is in the consular district of the Consulate-General in Chicago"
    )
    assert browser.current_url == server + "/"  # the script showed it without leaving the page
    preview = browser.find_element(By.CSS_SELECTOR, ".preview img")
    assert abs(browser.execute_script("return arguments[0].naturalWidth", preview) - 900) <= 1
    browser.set_window_size(1280, 1700)  # tall enough to show the page's preview too
    browser.execute_script("window.scrollTo(0, 0)")
    screenshot = tmp_path / "web.png"
    browser.save_screenshot(str(screenshot))
    if os.environ.get("NKLETTERS_UPDATE_SCREENSHOT") == "1":
        shutil.copyfile(screenshot, ROOT / "docs" / "web.png")
    browser.find_element(By.ID, "download").click()
    pdf = downloaded(downloads, ".pdf")
    assert pdf.name == "2026-09-24_us-chicago.pdf"
    reader = pypdf.PdfReader(str(pdf))
    assert len(reader.pages) == 1
    text = " ".join((reader.pages[0].extract_text() or "").split())
    for expected in ("Friends of Refugees", "Jane Doe", "100 West Erie Street", "2026"):
        assert expected in text


def test_one_letter_without_javascript(server: str, downloads: Path, tmp_path: Path) -> None:
    driver = chrome(downloads, tmp_path / "no-js-profile", javascript=False)
    try:
        driver.get(server + "/")
        driver.find_element(By.ID, "city").send_keys("Nowhereville")
        driver.find_element(By.CSS_SELECTOR, 'button[value="show"]').click()
        error = wait(driver).until(
            expected_conditions.visibility_of_element_located((By.ID, "city-error"))
        )
        assert "no mission found for city 'Nowhereville'" in error.text
        assert driver.find_element(By.ID, "city").get_attribute("aria-invalid") == "true"
        field = driver.find_element(By.ID, "city")
        field.clear()
        field.send_keys("Seoul")
        driver.find_element(By.CSS_SELECTOR, 'button[value="pdf"]').click()
        pdf = downloaded(downloads, ".pdf")
        assert pdf.name.endswith("_kr-seoul.pdf")
        assert len(pypdf.PdfReader(str(pdf)).pages) >= 1
    finally:
        driver.quit()


def test_signers_file_gives_the_kit_with_bad_rows_listed(
    server: str, browser: WebDriver, downloads: Path, tmp_path: Path
) -> None:
    signers = tmp_path / "signers.csv"
    signers.write_text(SIGNERS, encoding="utf-8")
    browser.get(server + "/batch")
    browser.find_element(By.ID, "signers").send_keys(str(signers))
    browser.find_element(By.ID, "date").send_keys("09242026")
    browser.find_element(By.CSS_SELECTOR, "form button.primary").click()
    kit_link = wait(browser, 120).until(expected_conditions.element_to_be_clickable((By.ID, "kit")))
    rows = [li.text for li in browser.find_elements(By.CSS_SELECTOR, "#bad-list li")]
    assert rows == ["signers.csv row 3: no name"]
    assert browser.find_element(By.ID, "summary").text.startswith("3 written, 1 failed")
    kit_link.click()
    kit = downloaded(downloads, ".zip")
    archive = zipfile.ZipFile(kit)
    names = set(archive.namelist())
    assert {
        "all-letters.pdf",
        "envelopes.pdf",
        "labels.pdf",
        "delivery.csv",
        "delivery.json",
        "cover-notes.pdf",
        "2026-09-24_us-chicago_jane-doe.pdf",
        "2026-09-24_us-chicago_kim-lee.pdf",
        "2026-09-24_kr-seoul_min-jun-park.pdf",
    } == names
    print_file = pypdf.PdfReader(io.BytesIO(archive.read("all-letters.pdf")))
    assert len(print_file.pages) >= 3
    jane = pypdf.PdfReader(io.BytesIO(archive.read("2026-09-24_us-chicago_jane-doe.pdf")))
    assert "I care." in " ".join((p.extract_text() or "") for p in jane.pages)


def test_errors_come_back_next_to_the_field_with_javascript(
    server: str, browser: WebDriver
) -> None:
    browser.get(server + "/")
    browser.find_element(By.ID, "city").send_keys("Chicgo")
    browser.find_element(By.CSS_SELECTOR, 'button[value="show"]').click()
    error = wait(browser).until(
        expected_conditions.visibility_of_element_located((By.ID, "city-error"))
    )
    assert " ".join(error.text.split()) == (
        "Error: no mission found for city 'Chicgo' — did you mean Chicago? see "
        "'nkletters missions list' for every city"
    )
    assert browser.switch_to.active_element.get_attribute("id") == "error-summary"
    field = browser.find_element(By.ID, "city")  # the form was replaced: find it again
    field.clear()
    field.send_keys("Chicago")
    browser.find_element(By.CSS_SELECTOR, 'button[value="show"]').click()
    reason = wait(browser).until(
        expected_conditions.visibility_of_element_located((By.ID, "reason"))
    )
    assert reason.text == "Chicago has its own mission: the Consulate-General in Chicago"
    assert browser.find_elements(By.ID, "city-error") == []
