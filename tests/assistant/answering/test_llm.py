"""The language-model engine end to end: a real small model (SmolLM2-135M) behind a real OpenAI-compatible server
on 127.0.0.1, a real index, the real Assistant. SmolLM2 answers poorly; the citation checks decide what is shown."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from assistant.answering.llm import WRITING
from assistant.answering.modes import SIGN_OFF
from assistant.answering.replies import Reply
from assistant.api import Assistant
from assistant.core.config import Settings
from assistant.core.text import words
from ingest.indexer import sync
from tests.support.launch import free_port, start_server, stop, wait_until_ready

pytestmark = pytest.mark.e2e

QUESTION = "How long does the Twinning programme last?"


@pytest.fixture(scope="module")
def model_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Callable[[], str]]:
    """Starts the server at once (it loads while the test indexes); calling the result waits for it, gives its URL."""
    log = tmp_path_factory.mktemp("smollm2") / "server.log"
    process, url = start_server(log, threads=1, max_tokens=96)

    def ready() -> str:
        wait_until_ready(process, url, log)
        return url

    try:
        yield ready
    finally:
        stop(process)


def _assert_citations_match_markers(reply: Reply) -> None:
    """Every [n] in the answer has exactly one citation, and every citation is a passage the engine was given."""
    numbers = [c.n for c in reply.citations]
    assert len(numbers) == len(set(numbers))
    assert {int(n) for n in re.findall(r"\[(\d+)\]", reply.answer)} == set(numbers)
    given = {s.chunk_id for s in reply.sources}
    assert all(c.result.chunk_id in given for c in reply.citations)


def test_a_real_model_answers_with_checked_citations_or_the_extractive_engine_says_why(
    model_server: Callable[[], str], settings: Settings, docs_folder: Path
) -> None:
    sync([docs_folder], settings)
    url = model_server()
    assistant = Assistant(settings.with_overrides(llm_url=url, llm_model="smollm2", llm_timeout_s=90.0))
    replies = list(assistant.stream(QUESTION, "draft"))
    final = replies[-1]
    _assert_citations_match_markers(final)
    assert final.citations and final.answer.startswith("Dear colleague,") and final.answer.endswith(SIGN_OFF)
    if final.engine == "llm":
        assert not final.notice.startswith("fallback")
        assert all(
            c.sentences and all(set(words(s)) <= set(words(c.text)) for s in c.sentences) for c in final.citations
        )
    else:
        assert final.engine == "extractive"
        assert final.notice.startswith("fallback: ")
        assert final.notice.endswith("this answer comes from the built-in extractive engine.")
    drafts = [r for r in replies if r.engine == "llm" and r.notice == WRITING]
    assert len(drafts) > 1, "the model's answer was not streamed"
    assert len(drafts[-1].answer) > len(drafts[0].answer)
    assert not any(re.search(r"\[\d+\]", d.answer) for d in drafts)


def test_a_model_server_that_does_not_answer_leaves_the_extractive_engine_to_answer(
    settings: Settings, docs_folder: Path
) -> None:
    sync([docs_folder], settings)
    url = f"http://127.0.0.1:{free_port()}/v1"
    assistant = Assistant(settings.with_overrides(llm_url=url, llm_model="smollm2"))
    reply = assistant.ask(QUESTION, "explore")
    assert reply.engine == "extractive" and not reply.abstained
    assert reply.notice.startswith(f"fallback: the language model at {url} did not answer (")
    assert reply.notice.endswith("; this answer comes from the built-in extractive engine.")
    assert "12 months" in reply.answer
    _assert_citations_match_markers(reply)
