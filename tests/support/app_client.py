"""A client of one running app replica over HTTP, as any program can be: questions and feedback through the REST
API (`/api/v1`, a bearer token from the account), uploads through the UI's gradio event API (``gradio_client``).
"""

from __future__ import annotations

import html
import re
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import httpx
from gradio_client import Client, handle_file

_TAGS = re.compile(r"<[^>]+>")
_POOL = ThreadPoolExecutor(max_workers=64, thread_name_prefix="app-client")


def plain(markup: str) -> str:
    """The text a page shows for some HTML: tags dropped, entities decoded."""
    return html.unescape(_TAGS.sub(" ", markup))


@dataclass(frozen=True)
class Answer:
    text: str
    abstained: bool
    question: str = ""
    mode: str = "explore"


class AppClient:
    """One caller of one replica; it remembers its last answer, to rate it."""

    def __init__(self, url: str, auth: tuple[str, str] | None = None) -> None:
        self.url = url
        self.auth = auth
        self.http = httpx.Client(base_url=url, timeout=120)
        if auth:
            granted = self.http.post("/api/v1/token", auth=auth)
            granted.raise_for_status()
            self.http.headers["Authorization"] = f"Bearer {granted.json()['access_token']}"
        self.last: Answer | None = None

    def ask_async(self, question: str, mode: str = "explore") -> Future[Answer]:
        """Start a question; ``answer_of(job)`` waits for its answer."""
        return _POOL.submit(self._ask, question, mode)

    def _ask(self, question: str, mode: str) -> Answer:
        response = self.http.post("/api/v1/ask", json={"question": question, "mode": mode}, timeout=600)
        response.raise_for_status()
        body = response.json()
        self.last = Answer(body["answer"], bool(body["abstained"]), question, mode)
        return self.last

    def ask(self, question: str, mode: str = "explore", timeout_s: float = 300.0) -> Answer:
        """The answer to ``question``, once complete."""
        return answer_of(self.ask_async(question, mode), timeout_s)

    def rate(self, helpful: bool, comment: str) -> str:
        """Rate this client's last answer; returns what the server said."""
        assert self.last is not None, "ask a question first"
        body = {
            "question": self.last.question,
            "answer": self.last.text,
            "helpful": helpful,
            "comment": comment,
            "mode": self.last.mode,
        }
        response = self.http.post("/api/v1/feedback", json=body)
        response.raise_for_status()
        return "saved" if response.json().get("saved") else response.text

    def upload(self, *paths: Path) -> str:
        """Upload files through the UI (the account must be signed in); the outcome note once their sync ended."""
        ui = Client(self.url, auth=self.auth, verbose=False, download_files=False, httpx_kwargs={"timeout": 120})
        outputs = ui.predict([handle_file(str(p)) for p in paths], api_name="/on_upload")
        return plain(outputs[0])


def answer_of(job: Future[Answer], timeout_s: float = 300.0) -> Answer:
    """Wait for a question started with ``ask_async``."""
    return job.result(timeout=timeout_s)
