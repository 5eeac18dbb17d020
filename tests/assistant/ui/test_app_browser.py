"""The real app (``python app.py``) in a real browser: Debian's chromium driven by playwright.

The app starts on an empty index over a small folder of documents, one of them hostile, so its first start
indexes them in the background; a question asked meanwhile is answered once indexing is done.
"""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from assistant.core.config import PROJECT_ROOT
from assistant.core.logbook import Logbook
from tests.conftest import write_md

pytestmark = pytest.mark.e2e

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
HOSTILE = (
    "District heat pumps in Vantaa warm 4,000 homes with waste heat from data centres. "
    "The heat pump operator wrote <script>window.pwned=1</script> in the project sheet by mistake. "
    'A second heat pump note said &lt;img src=x onerror="window.pwned=1"&gt; was pasted in.'
)
DRAFT_QUESTION = "Can we still join the Pilot Cities programme, and how large are the grants?"


@dataclass
class RunningApp:
    url: str
    data_dir: Path
    process: subprocess.Popen[bytes]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _documents(folder: Path) -> Path:
    write_md(
        folder,
        "twinning",
        "Twinning Learning Programme",
        "Twinning pairs Twin Cities with Pilot Cities so that they learn from each other. The "
        "programme lasts 12 months in its newest round, which starts in November 2025.",
    )
    write_md(
        folder,
        "pilots",
        "Pilot Cities Programme",
        "The first call of the Pilot Cities Programme opened on 5 September 2022 with €32 million. "
        "Grants were €0.5 million, €1 million or €1.5 million per pilot. The deadline moved to "
        "15 November 2022 because of demand.",
        topics="pilot-cities",
    )
    write_md(
        folder,
        "vantaa",
        "Vantaa heat pumps <b>guide</b>",
        HOSTILE,
        topics="energy-systems",
        city="Vantaa",
        country="Finland",
    )
    return folder


def start_app(root: Path, **env: str) -> RunningApp:
    """``python app.py`` on a free port over an empty index of the small test folder, once it serves."""
    port = _free_port()
    data_dir = root / "data"
    environment = {
        **os.environ,
        "NETZERO_DATA_DIR": str(data_dir),
        "NETZERO_INDEX": str(root / "index"),
        "NETZERO_CORPUS": str(_documents(root / "docs")),
        "NETZERO_DENSE_MODELS": "minilm",
        "NETZERO_HOST": "127.0.0.1",
        "NETZERO_PORT": str(port),
        "NETZERO_AUTH": "",
        "NETZERO_AUTH_FILE": "",
        "GRADIO_ANALYTICS_ENABLED": "False",
        **env,
    }
    log = (root / "app.log").open("wb")
    process = subprocess.Popen(
        [sys.executable, "app.py"], cwd=PROJECT_ROOT, env=environment, stdout=log, stderr=subprocess.STDOUT
    )
    url = f"http://127.0.0.1:{port}/"
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"app exited: {(root / 'app.log').read_text(errors='replace')[-3000:]}")
        try:
            urllib.request.urlopen(url, timeout=2).close()
            return RunningApp(url, data_dir, process)
        except OSError:
            time.sleep(0.5)
    process.kill()
    raise RuntimeError("app did not start within 90 s")


def stop_app(app: RunningApp) -> None:
    app.process.terminate()
    try:
        app.process.wait(10)
    except subprocess.TimeoutExpired:
        app.process.kill()


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    if not Path(CHROMIUM).is_file():
        pytest.fail(f"{CHROMIUM} is missing: run `make browser` (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture(scope="module")
def open_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningApp]:
    app = start_app(tmp_path_factory.mktemp("open-app"))
    yield app
    stop_app(app)


def _ask(page, text: str, answers: int) -> None:
    page.locator("#nz-question textarea").fill(text)
    page.locator("#nz-ask").click()
    page.locator("#nz-chat .nz-bot .nz-facts").nth(answers - 1).wait_for(timeout=90_000)


def test_ask_cite_draft_export_feedback_and_hostile_text(browser, open_app: RunningApp) -> None:
    from playwright.sync_api import expect

    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    page.goto(open_app.url, wait_until="domcontentloaded")
    page.locator("#nz-question textarea").wait_for(timeout=30_000)
    banner = page.locator("#nz-banner")
    if banner.is_visible():
        assert "Indexing" in banner.inner_text()

    _ask(page, "What did the Vantaa heat pump operator write in the project sheet?", answers=1)
    first = page.locator("#nz-turn-0")
    expect(first).to_contain_text("<script>window.pwned=1</script>")
    first.locator("a.nz-cite").first.click()
    card = page.locator("#nz-src-0-1")
    expect(card).to_be_in_viewport()
    expect(card).to_contain_text("Vantaa heat pumps <b>guide</b>")
    expect(card).to_contain_text("guidance · Vantaa, Finland · 2024-05-01")
    expect(card.locator("a[href='https://example.org/vantaa']")).to_have_count(1)
    expect(card.locator("mark.nz-hl", has_text="<script>window.pwned=1</script>")).to_have_count(1)
    expect(card.locator(".nz-passage")).to_contain_text('<img src=x onerror="window.pwned=1">')
    expect(page.locator("#nz-sources-panel details.nz-more summary")).to_contain_text("not cited")

    page.get_by_label("Draft: a reply to an email").check()
    starter = page.get_by_role("button", name=DRAFT_QUESTION)
    starter.click()
    page.locator("#nz-chat .nz-bot .nz-facts").nth(1).wait_for(timeout=60_000)
    second = page.locator("#nz-turn-1")
    expect(second).to_contain_text("Dear colleague")
    expect(second).to_contain_text("Sources:")
    expect(second).to_contain_text("€1.5 million")
    earlier = page.locator("#nz-sources-panel details.nz-earlier")
    expect(earlier).not_to_have_attribute("open", "")
    first.locator("a.nz-cite").first.click()
    expect(earlier).to_have_attribute("open", "")
    expect(page.locator("#nz-src-0-1")).to_be_in_viewport()
    expect(page.locator("#nz-draft textarea")).to_have_value(
        re.compile(r"^Dear colleague,[\s\S]*Sources:\n\[1\] Pilot Cities Programme")
    )

    page.locator("#nz-export").click()
    link = page.locator("#nz-exported a").first
    link.wait_for(timeout=20_000)
    with page.expect_download() as download:
        link.click()
    exported = Path(download.value.path()).read_text(encoding="utf-8")
    assert f"## 2. {DRAFT_QUESTION}" in exported and "### Sources" in exported
    assert "**Pilot Cities Programme**" in exported and "<https://example.org/pilots>" in exported
    assert list((open_app.data_dir / "exports").glob("conversation-*.md"))

    page.locator("#nz-comment textarea").fill("Clear, and the grant sizes are cited.")
    page.locator("#nz-helpful").click()
    expect(page.locator("#nz-feedback-note")).to_contain_text("feedback was saved")
    rows = Logbook(open_app.data_dir / "logs" / "assistant.sqlite").rows("feedback")
    assert len(rows) == 1 and rows[0]["helpful"] == 1 and rows[0]["question"] == DRAFT_QUESTION
    assert rows[0]["comment"] == "Clear, and the grant sizes are cited." and rows[0]["mode"] == "draft"
    assert rows[0]["answer"].startswith("Dear colleague")
    assert "Pilot Cities Programme" in [s["title"] for s in json.loads(rows[0]["sources"])]

    page.get_by_role("tab", name="Library").click()
    expect(page.locator("#nz-library")).to_contain_text("3 of 3 documents")
    expect(page.locator("#nz-library")).to_contain_text("Vantaa heat pumps <b>guide</b>")
    page.locator("#nz-library-filter textarea").fill("vantaa")
    expect(page.locator("#nz-library")).to_contain_text("1 of 3 documents")
    expect(page.locator("#nz-no-uploads")).to_contain_text("needs login configured")
    page.get_by_role("tab", name="Feedback and gaps").click()
    expect(page.locator("#nz-feedback-log")).to_contain_text("Clear, and the grant sizes are cited.")
    page.locator("#nz-feedback-csv").click()
    csv_link = page.locator("#nz-csv a").first
    csv_link.wait_for(timeout=20_000)
    with page.expect_download() as download:
        csv_link.click()
    assert "Clear, and the grant sizes are cited." in Path(download.value.path()).read_text(encoding="utf-8")

    assert page.evaluate("typeof window.pwned") == "undefined"
    assert page.locator("#nz-chat script, #nz-sources-panel script, img[src='x']").count() == 0
    page.close()


@pytest.fixture(scope="module")
def login_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningApp]:
    root = tmp_path_factory.mktemp("login-app")
    users = root / "users.txt"
    users.write_text("# the content team\neditor:s3cret:with:colons\n", encoding="utf-8")
    app = start_app(root, NETZERO_AUTH_FILE=str(users), NETZERO_UPLOAD_MAX_MB="1")
    yield app
    stop_app(app)


def test_nothing_outside_the_app_is_served(open_app: RunningApp, login_app: RunningApp) -> None:
    logbook = open_app.data_dir / "logs" / "assistant.sqlite"
    for private in (logbook, PROJECT_ROOT / "app.py", Path("/etc/passwd")):
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(f"{open_app.url}gradio_api/file={private}", timeout=5)
        assert refused.value.code == 403
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(f"{login_app.url}config", timeout=5)
    assert refused.value.code == 401


def test_signed_in_user_uploads_documents_and_each_failure_is_named(
    browser, login_app: RunningApp, tmp_path: Path
) -> None:
    from playwright.sync_api import expect

    good = write_md(
        tmp_path,
        "retrofit",
        "Retrofit grants in Lund",
        "Lund gives homeowners grants for heat pumps and insulation in its retrofit programme.",
    )
    broken = tmp_path / "broken.pdf"
    broken.write_bytes(b"this is not a pdf at all")
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    page.goto(login_app.url, wait_until="domcontentloaded")
    page.get_by_role("textbox").first.fill("editor")
    page.locator("input[type=password]").fill("s3cret:with:colons")
    page.get_by_role("button", name="Login").click()
    page.locator("#nz-question textarea").wait_for(timeout=30_000)

    page.get_by_role("tab", name="Library").click()
    page.locator("#nz-upload input[type=file]").set_input_files([str(good), str(broken)])
    page.locator("#nz-upload-go").click()
    note = page.locator("#nz-upload-note")
    expect(note).to_contain_text("Indexed: retrofit.md", timeout=90_000)
    expect(note).to_contain_text("Failed: broken.pdf: ")
    expect(page.locator("#nz-library")).to_contain_text("Retrofit grants in Lund")
    assert (login_app.data_dir / "uploads" / "retrofit.md").is_file()

    page.get_by_role("tab", name="Assistant").click()
    _ask(page, "What grants does Lund give homeowners?", answers=1)
    expect(page.locator("#nz-src-0-1")).to_contain_text("Retrofit grants in Lund")
    page.close()
