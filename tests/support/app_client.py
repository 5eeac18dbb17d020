"""A client of one running app replica over HTTP, through gradio's event API (with ``gradio_client``, as any
program can): ask, rate the last answer, upload documents. One client is one browser-like session.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from gradio_client import Client, handle_file

_TAGS = re.compile(r"<[^>]+>")


def plain(markup: str) -> str:
    """The text a page shows for some HTML: tags dropped, entities decoded."""
    return html.unescape(_TAGS.sub(" ", markup))


class AppClient:
    """One session with one replica; the conversation lives on the server, keyed by this session."""

    def __init__(self, url: str, auth: tuple[str, str] | None = None) -> None:
        self.client = Client(url, auth=auth, verbose=False, download_files=False, httpx_kwargs={"timeout": 120})
        self._feedback = self._rating_endpoints()

    def _rating_endpoints(self) -> dict[bool, str]:
        """The two unnamed feedback handlers (Helpful, Not helpful, in that order): the endpoints whose inputs are
        the answer picker and the comment box."""
        endpoints = self.client.view_api(return_format="dict", print_info=False)["named_endpoints"]
        rating = [
            name
            for name, spec in endpoints.items()
            if [p.get("label") for p in spec["parameters"]] == ["Was this answer helpful?", "Comment (optional)"]
        ]
        if len(rating) != 2:
            raise LookupError(f"expected the two feedback endpoints, found {rating}")
        return {True: rating[0], False: rating[1]}

    def ask_async(self, question: str, mode: str = "explore") -> Any:
        """Start a question; ``answer_of(job)`` waits for its answer."""
        return self.client.submit(question, mode, [], [], [], [], api_name="/on_ask")

    def ask(self, question: str, mode: str = "explore", timeout_s: float = 300.0) -> Answer:
        """The answer to ``question``, once complete."""
        return answer_of(self.ask_async(question, mode), timeout_s)

    def rate(self, helpful: bool, comment: str) -> str:
        """Rate the newest answer of this session; returns the note the page shows."""
        note, _ = self.client.predict(0, comment, api_name=self._feedback[helpful])
        return plain(note)

    def upload(self, *paths: Path) -> str:
        """Upload files (the account must be signed in); returns the outcome note once their sync has finished."""
        outputs = self.client.predict([handle_file(str(p)) for p in paths], api_name="/on_upload")
        return plain(outputs[0])


@dataclass(frozen=True)
class Answer:
    text: str
    abstained: bool


def answer_of(job: Any, timeout_s: float = 300.0) -> Answer:
    """Wait for an ask job; the newest answer of the conversation it drew."""
    job.result(timeout=timeout_s)
    shown = [out[0] for out in job.outputs() if isinstance(out[0], str) and "nz-bot" in out[0]]
    if not shown:
        raise RuntimeError("the app sent no answer back")
    last = shown[-1].rsplit('class="nz-msg nz-bot', 1)[1]
    return Answer(plain(last.split(">", 1)[1]).strip(), last.startswith(" nz-abstain"))
