"""Take the README's screenshots of the real app in headless Chromium: docs/screenshot.png (1400x1000) and
docs/screenshot-phone.png (390x844), each after one question with its first source opened.

Usage: .venv/bin/python scripts/screenshots.py [--index DIR]   (an index of the shipped corpus; default data/index)
"""

from __future__ import annotations

import argparse
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parents[1]
QUESTION = "What is a Climate City Contract?"
SHOTS = {"screenshot.png": (1400, 1000), "screenshot-phone.png": (390, 844)}


def _serve(index: Path, data: Path) -> tuple[subprocess.Popen[bytes], str]:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {**os.environ, "NETZERO_INDEX": str(index), "NETZERO_DATA_DIR": str(data), "NETZERO_PORT": str(port)}
    process = subprocess.Popen([sys.executable, "app.py"], cwd=ROOT, env=env, stdout=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}/"
    for _ in range(240):
        try:
            urllib.request.urlopen(url, timeout=2).close()
            return process, url
        except OSError:
            time.sleep(0.5)
    process.kill()
    raise SystemExit("the app did not start within 2 minutes")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--index", type=Path, default=ROOT / "data" / "index")
    args = parser.parse_args()
    process, url = _serve(args.index, Path(tempfile.mkdtemp(prefix="netzero-shots-")))
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox"])
            for name, (width, height) in SHOTS.items():
                page = browser.new_page(viewport={"width": width, "height": height})
                page.goto(url, wait_until="domcontentloaded")
                page.locator("#nz-question textarea").fill(QUESTION)
                page.locator("#nz-ask").click()
                page.locator("#nz-chat .nz-bot .nz-facts").first.wait_for(timeout=120_000)
                if width > 640:  # on a phone the sources panel sits below the chat: leave the question box in view
                    page.locator("#nz-turn-0 a.nz-cite").first.click()
                    page.wait_for_timeout(800)
                page.evaluate("window.scrollTo(0, 0)")
                page.screenshot(path=str(ROOT / "docs" / name))
                page.close()
            browser.close()
    finally:
        process.terminate()
        process.wait(10)


if __name__ == "__main__":
    main()
