"""Two signed-in users and an admin in a real browser (Debian's chromium): uploads are owned and isolated.

Bob cannot overwrite, delete or read Alice's uploads or exports; Alice's unreviewed upload answers only Alice until
the admin approves it; a failed upload leaves every earlier file intact.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.assistant.ui.test_app_browser import RunningApp, start_app, stop_app
from tests.conftest import make_pdf, write_md

pytestmark = pytest.mark.e2e

USERS = "alice:alice-pw,bob:bob-pw,carol:carol-pw:admin"
QUESTION = "How much power does the Zorbania floating solar farm produce?"


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningApp]:
    running = start_app(tmp_path_factory.mktemp("owned-uploads"), NETZERO_AUTH=USERS)
    yield running
    stop_app(running)


def sign_in(browser, app: RunningApp, user: str):
    """A page in a browser context of its own (its own cookies), signed in as ``user``."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, accept_downloads=True)
    page = context.new_page()
    page.goto(app.url, wait_until="domcontentloaded")
    page.get_by_role("textbox").first.fill(user)
    page.locator("input[type=password]").fill(f"{user}-pw")
    page.get_by_role("button", name="Login").click()
    page.locator("#nz-question textarea").wait_for(timeout=30_000)
    return page


def upload(page, files: list[Path]) -> None:
    page.get_by_role("tab", name="Library").click()
    page.locator("#nz-upload input[type=file]").set_input_files([str(f) for f in files])
    page.locator("#nz-upload-go").click()
    page.locator("#nz-upload-note li").first.wait_for(timeout=300_000)  # indexing runs at low priority


def ask(page, question: str, answers: int) -> None:
    page.get_by_role("tab", name="Assistant").click()
    page.locator("#nz-question textarea").fill(question)
    page.locator("#nz-ask").click()
    page.locator("#nz-chat .nz-bot .nz-facts").nth(answers - 1).wait_for(timeout=90_000)


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def status_of(url: str, page) -> int:
    return page.request.get(url, fail_on_status_code=False).status


def test_uploads_are_owned_isolated_and_reviewed(browser, app: RunningApp, tmp_path: Path) -> None:
    from playwright.sync_api import expect

    plan = write_md(
        tmp_path / "alice",
        "plan",
        "Zorbania harbour energy plan",
        "The Zorbania floating solar farm on the old harbour produces 12 megawatts for the district heat pumps.",
    )
    budget = make_pdf(
        tmp_path / "alice" / "budget.pdf",
        ["The Zorbania climate budget sets aside 4 million euro for harbour retrofits in 2026."],
    )
    alice = sign_in(browser, app, "alice")
    upload(alice, [plan, budget])
    note = alice.locator("#nz-upload-note")
    expect(note).to_contain_text("Indexed: plan.md (unreviewed upload")
    expect(note).to_contain_text("Indexed: budget.pdf")
    uploads = app.data_dir / "uploads"
    before = snapshot(uploads)
    assert not any(name.startswith(("plan", "budget")) for name in before)  # stored under unguessable names

    ask(alice, QUESTION, answers=1)
    expect(alice.locator("#nz-turn-0")).to_contain_text("12 megawatts")
    card = alice.locator("#nz-src-0-1")
    expect(card).to_contain_text("unreviewed upload")
    expect(card).to_contain_text("Uploaded by alice: plan.md")
    panel = alice.locator("#nz-sources-panel").inner_text()
    assert str(app.data_dir) not in panel and "/uploads/" not in panel
    alice.get_by_label("Draft: a reply to an email").check()
    ask(alice, "What does the Zorbania floating solar farm produce?", answers=2)
    expect(alice.locator("#nz-draft textarea")).to_have_value(
        re.compile(r"\[unreviewed upload, uploaded by alice\][\s\S]*: plan\.md")
    )
    alice.locator("#nz-export").click()
    link = alice.locator("#nz-exported a").first
    link.wait_for(timeout=20_000)
    export_url = link.get_attribute("href")
    assert export_url and "-nzx" in export_url
    export_url = export_url if export_url.startswith("http") else app.url.rstrip("/") + export_url

    bob = sign_in(browser, app, "bob")
    ask(bob, QUESTION, answers=1)
    expect(bob.locator("#nz-sources-panel .nz-card").filter(has_text="Zorbania")).to_have_count(0)
    expect(bob.locator("#nz-turn-0")).not_to_contain_text("12 megawatts")
    assert status_of(export_url, bob) == 404 and status_of(export_url, alice) == 200
    for stored in before:  # Alice's stored files are not served to anyone by their path
        assert status_of(f"{app.url}gradio_api/file={uploads / stored}", bob) in (403, 404)

    bob.get_by_role("tab", name="Library").click()
    expect(bob.locator("#nz-library")).not_to_contain_text("Zorbania")
    bob.locator("#nz-mine input").click()
    assert not bob.get_by_role("option").filter(has_text="alice").count()
    bob.keyboard.press("Escape")

    own_plan = write_md(tmp_path / "bob", "plan", "Bob's plan", "Bob's plan says the ferry runs on biogas.")
    broken = tmp_path / "bob" / "budget.pdf"
    broken.write_bytes(b"%PDF-1.4 this is not a pdf at all")
    upload(bob, [own_plan, broken])
    expect(bob.locator("#nz-upload-note")).to_contain_text("Failed: budget.pdf")
    expect(bob.locator("#nz-upload-note")).to_contain_text("Indexed: plan.md")
    after = snapshot(uploads)
    assert all(after.get(name) == data for name, data in before.items())  # every earlier file intact
    assert len(after) == len(before) + 2  # Bob's plan.md and its sidecar; nothing of the failed upload

    carol = sign_in(browser, app, "carol")
    carol.get_by_role("tab", name="Library").click()
    expect(carol.locator("#nz-library")).to_contain_text("Zorbania harbour energy plan")
    assert status_of(export_url, carol) == 200  # an admin may fetch any export
    expect(carol.locator("#nz-review")).to_be_visible()
    carol.locator("#nz-pending input").click()
    carol.get_by_role("option", name="plan.md · alice · unreviewed").click()
    carol.locator("#nz-approve").click()
    expect(carol.locator("#nz-manage-note")).to_contain_text("Approved: plan.md", timeout=300_000)
    assert not bob.locator("#nz-review").is_visible()

    ask(bob, QUESTION, answers=2)
    expect(bob.locator("#nz-turn-1")).to_contain_text("12 megawatts")
    card = bob.locator("#nz-src-1-1")
    expect(card).to_contain_text("Uploaded by alice: plan.md")
    expect(card).not_to_contain_text("unreviewed upload")
    for page in (alice, bob, carol):
        page.context.close()
