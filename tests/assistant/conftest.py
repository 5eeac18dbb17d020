"""Builders for replies and search results, so UI modules can be tested without an index."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import pytest

from assistant.answering.replies import Citation, Reply
from assistant.core.schema import Chunk, SearchResult


def result(text: str, title: str = "Pilot Cities Programme", rank: int = 1, **meta: Any) -> SearchResult:
    """A retrieved passage with the metadata a source card shows."""
    metadata = {
        "title": title,
        "source": "https://example.org/pilots",
        "date": "2024-05-01",
        "doc_type": "guidance",
        "section": "Overview",
        **meta,
    }
    return SearchResult(Chunk(f"{title}::{rank}", title.lower(), text, metadata), score=1.0 / rank, rank=rank)


@pytest.fixture
def make_reply() -> Callable[..., Reply]:
    """A reply citing ``cited`` (passage, sentences) pairs, with ``extra`` passages retrieved, not cited."""

    def make(
        answer: str,
        cited: list[tuple[SearchResult, list[str]]],
        extra: Sequence[SearchResult] = (),
        mode: str = "explore",
        question: str = "How large are the grants?",
    ) -> Reply:
        citations = [Citation(n, r, list(s)) for n, (r, s) in enumerate(cited, start=1)]
        return Reply(
            question=question,
            mode=mode,
            answer=answer,
            abstained=False,
            citations=citations,
            sources=[r for r, _ in cited] + list(extra),
            timings_ms={"total": 812.0},
        )

    return make
