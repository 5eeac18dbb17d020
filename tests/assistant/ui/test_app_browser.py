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

HOSTILE = (
    "District heat pumps in Vantaa warm 4,000 homes with waste heat from data centres. "
    "The heat pump operator wrote <script>window.pwned=1</script> in the project sheet by mistake. "
    'A second heat pump note said &lt;img src=x onerror="window.pwned=1"&gt; was pasted in.'
)
DRAFT_QUESTION = "Can we still join the Pilot Cities programme, and how large are the grants?"
EDITOR = ("editor", "s3cret:with:colons")
ADMIN = ("lead", "adm1n-pass")
VIEWPORTS = {"desktop": (1400, 1000), "laptop": (1280, 720), "phone": (390, 844)}
CONTROLS = ("#nz-question", "#nz-ask", "#nz-draft", "#nz-rated", "#nz-comment", "#nz-helpful", "#nz-export")


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
def open_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningApp]:
    app = start_app(tmp_path_factory.mktemp("open-app"))
    yield app
    stop_app(app)


def sign_in(page, app: RunningApp, account: tuple[str, str]) -> None:
    page.goto(app.url, wait_until="domcontentloaded")
    page.get_by_role("textbox").first.fill(account[0])
    page.locator("input[type=password]").fill(account[1])
    page.get_by_role("button", name="Login").click()
    page.locator("#nz-question textarea").wait_for(timeout=30_000)


def _ask(page, text: str, answers: int) -> None:
    page.locator("#nz-question textarea").fill(text)
    page.locator("#nz-ask").click()
    page.locator("#nz-chat .nz-bot .nz-facts").nth(answers - 1).wait_for(timeout=90_000)


def _downloaded(page, button: str, link: str) -> str:
    """Click ``button``, then the download link it shows, and return the downloaded file's text."""
    page.locator(button).click()
    shown = page.locator(link).first
    shown.wait_for(timeout=20_000)
    with page.expect_download() as download:
        shown.click()
    return Path(download.value.path()).read_text(encoding="utf-8")


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

    exported = _downloaded(page, "#nz-export", "#nz-exported a")
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
    expect(page.get_by_role("tab", name="Feedback and gaps")).to_have_count(0)  # no login, no logs

    assert page.evaluate("typeof window.pwned") == "undefined"
    assert page.locator("#nz-chat script, #nz-sources-panel script, img[src='x']").count() == 0
    page.close()


@pytest.fixture(scope="module")
def login_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningApp]:
    root = tmp_path_factory.mktemp("login-app")
    users = root / "users.txt"
    users.write_text(f"# the content team\neditor:s3cret:with:colons\n{ADMIN[0]}:{ADMIN[1]}:admin\n", encoding="utf-8")
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
    sign_in(page, login_app, EDITOR)

    page.get_by_role("tab", name="Library").click()
    page.locator("#nz-upload input[type=file]").set_input_files([str(good), str(broken)])
    page.locator("#nz-upload-go").click()
    note = page.locator("#nz-upload-note")
    expect(note).to_contain_text("Indexed: retrofit.md", timeout=300_000)  # indexing runs at low priority
    expect(note).to_contain_text("Failed: broken.pdf: ")
    expect(page.locator("#nz-library")).to_contain_text("Retrofit grants in Lund")
    records = [p.read_text() for p in (login_app.data_dir / "uploads").glob("*.meta.yaml")]
    assert any("file_name: retrofit.md" in r and "uploader: editor" in r for r in records)

    page.get_by_role("tab", name="Assistant").click()
    _ask(page, "What grants does Lund give homeowners?", answers=1)
    expect(page.locator("#nz-src-0-1")).to_contain_text("Retrofit grants in Lund")
    page.close()


def _box(page, selector: str) -> dict[str, float] | None:
    return page.locator(selector).first.bounding_box() if page.locator(selector).first.is_visible() else None


def _intersect(a: dict[str, float], b: dict[str, float]) -> bool:
    return (
        a["x"] < b["x"] + b["width"]
        and b["x"] < a["x"] + a["width"]
        and a["y"] < b["y"] + b["height"]
        and b["y"] < a["y"] + a["height"]
    )


@pytest.mark.parametrize("screen", list(VIEWPORTS))
def test_the_chat_scrolls_in_its_box_and_the_newest_answer_is_clickable(
    browser, open_app: RunningApp, screen: str
) -> None:
    from playwright.sync_api import expect

    width, height = VIEWPORTS[screen]
    page = browser.new_page(viewport={"width": width, "height": height})
    page.goto(open_app.url, wait_until="domcontentloaded")
    question = page.locator("#nz-question textarea")
    question.wait_for(timeout=30_000)
    if screen == "phone":
        assert question.bounding_box()["y"] + question.bounding_box()["height"] <= height  # in the first screen
    page.get_by_label("Draft: a reply to an email").check()
    for n in range(1, 4):  # three long answers: letters with their sources
        _ask(page, DRAFT_QUESTION, answers=n)
        shown = page.evaluate(  # after each question, it and the start of its answer are in view in the box
            "() => { const box = document.getElementById('nz-chat').getBoundingClientRect();"
            " const asked = [...document.querySelectorAll('#nz-chat .nz-user')].pop().getBoundingClientRect();"
            " return asked.top >= box.top && asked.bottom + 40 <= box.bottom; }"
        )
        assert shown, f"question {n} is out of the chat box's view at {width}x{height}"
    assert page.evaluate("(c => c.scrollHeight > c.clientHeight)(document.getElementById('nz-chat'))")
    chat = _box(page, "#nz-chat")
    for control in CONTROLS:
        box = _box(page, control)
        assert box is None or not _intersect(chat, box), f"{control} overlaps the chat at {width}x{height}"
    link = page.locator("#nz-turn-2 a.nz-cite").last
    link.scroll_into_view_if_needed()
    box = link.bounding_box()
    hit = page.evaluate(
        "([x, y]) => { const e = document.elementFromPoint(x, y); return e && e.closest('a.nz-cite') ? "
        "e.closest('a.nz-cite').closest('.nz-bot').id : (e ? e.id || e.tagName : null); }",
        [box["x"] + box["width"] / 2, box["y"] + box["height"] / 2],
    )
    assert hit == "nz-turn-2"
    expect(page.locator("#nz-live")).to_contain_text("Dear colleague")  # the answer is announced
    if screen == "phone":
        page.evaluate("window.scrollTo(0, 0)")
        assert question.bounding_box()["y"] + question.bounding_box()["height"] <= height
    page.close()


def test_only_an_admin_sees_the_logs_and_the_api_refuses_everyone_else(browser, login_app: RunningApp) -> None:
    from gradio_client import Client
    from playwright.sync_api import expect

    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    sign_in(page, login_app, EDITOR)
    _ask(page, "How large are the Pilot Cities grants?", answers=1)
    page.locator("#nz-comment textarea").fill("Write to me at jane@example.org")
    page.locator("#nz-helpful").click()
    expect(page.locator("#nz-feedback-note")).to_contain_text("feedback was saved")
    page.locator("#nz-helpful").click()
    expect(page.get_by_role("tab", name="Feedback and gaps")).to_have_count(0)
    page.close()

    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    sign_in(page, login_app, ADMIN)
    page.get_by_role("tab", name="Feedback and gaps").click()
    expect(page.locator("#nz-feedback-log")).to_contain_text("jane@example.org")
    exported = _downloaded(page, "#nz-feedback-csv", "#nz-csv a")
    assert exported.count("jane@example.org") == 1  # a second click on "Helpful" stored nothing more
    page.close()

    with pytest.raises(Exception):  # noqa: B017 - gradio refuses the anonymous client before any endpoint
        Client(login_app.url, verbose=False)
    editor = Client(login_app.url, auth=EDITOR, verbose=False)
    for endpoint in ("/logs", "/refresh_logs", "/feedback_csv", "/abstentions_csv"):
        with pytest.raises(Exception, match="Only an admin"):
            editor.predict(api_name=endpoint)
    feedback, _ = Client(login_app.url, auth=ADMIN, verbose=False).predict(api_name="/logs")
    assert "jane@example.org" in feedback


def test_without_login_no_endpoint_reads_the_logs(open_app: RunningApp) -> None:
    from gradio_client import Client

    client = Client(open_app.url, verbose=False)
    endpoints = client.view_api(print_info=False, return_format="dict")["named_endpoints"]
    assert not {"/logs", "/refresh_logs", "/feedback_csv", "/abstentions_csv"} & set(endpoints)
    with pytest.raises(Exception):  # noqa: B017 - any refusal will do: the endpoint does not exist
        client.predict(api_name="/logs")


AXE = PROJECT_ROOT / "tests" / "support" / "axe" / "node_modules" / "axe-core" / "axe.min.js"


def _serious_violations(page) -> list[str]:
    """axe-core's serious and critical findings on the page as it is shown now, one line each."""
    if not AXE.is_file():
        pytest.fail(f"{AXE} is missing: run `make axe` (npm ci in tests/support/axe)")
    page.add_script_tag(path=str(AXE))
    found = page.evaluate("async () => (await axe.run(document, {resultTypes: ['violations']})).violations")
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:3]}"
        for v in found
        if v["impact"] in {"serious", "critical"}
    ]


def test_every_tab_has_no_serious_accessibility_violation(browser, login_app: RunningApp) -> None:
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    sign_in(page, login_app, ADMIN)
    _ask(page, "How large are the Pilot Cities grants?", answers=1)
    page.locator("#nz-turn-0 a.nz-cite").first.click()
    assert page.get_by_role("textbox", name="Your question").count() == 1
    generic = "[aria-label='Textbox'], [aria-label='Dropdown'], [aria-label='Button'], [aria-label='Radio']"
    assert page.locator(generic).count() == 0  # every control is named for what it is
    found = {"Assistant": _serious_violations(page)}
    for tab in ("Library", "Feedback and gaps"):
        page.get_by_role("tab", name=tab).click()
        page.wait_for_timeout(500)
        found[tab] = _serious_violations(page)
    assert found == {"Assistant": [], "Library": [], "Feedback and gaps": []}
    page.close()


def test_a_suggested_question_is_asked_with_one_click(browser, open_app: RunningApp) -> None:
    from playwright.sync_api import expect

    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    page.goto(open_app.url, wait_until="domcontentloaded")
    page.locator("#nz-question textarea").wait_for(timeout=30_000)
    _ask(page, "How does twinning work?", answers=1)
    suggestion = page.locator("#nz-turn-0 button.nz-ask-this").first
    asked = suggestion.get_attribute("data-question")
    suggestion.click()
    page.locator("#nz-chat .nz-bot .nz-facts").nth(1).wait_for(timeout=90_000)
    expect(page.locator("#nz-chat .nz-user").nth(1)).to_contain_text(asked)
    page.close()
